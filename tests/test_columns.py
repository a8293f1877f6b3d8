"""Columns by a fixed split: the HTML cut where the fit says, and the cut the model chooses."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pypdfium2
import pytest

from pamphleteer.columns import split_columns
from pamphleteer.measure import FIXED, SPLIT, STACK, TEXT, Node
from pamphleteer.predict import best_cut

from conftest import build
from pdfinspect import drawn_texts, page_chars


def body(html: str, columns: int = 2):
    return ElementTree.fromstring(
        f'<div><div class="sections flow prose" data-columns="{columns}">{html}</div></div>')


def columns_of(root) -> list[str]:
    """Each column's words, block after block."""
    return [" ".join(word for block in column for word in "".join(block.itertext()).split())
            for column in root.iter() if column.get("class") == "column flow"]


PARAGRAPH = ("<p>One two <strong>three four</strong> five <a href='https://example.org'>six "
             "seven</a> eight nine ten</p>")
WORDS = ["One", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


@pytest.mark.parametrize("words", range(1, len(WORDS)))
def test_a_paragraph_cut_between_columns_keeps_every_word_once(words):
    root = body("<h2>Heading</h2>" + PARAGRAPH)
    split_columns(root, ((0, 1, words),))
    first, second = columns_of(root)
    assert first == " ".join(["Heading", *WORDS[:words]])
    assert second == " ".join(WORDS[words:])
    head, rest = (column[-1 if n == 0 else 0] for n, column in enumerate(
        c for c in root.iter() if c.get("class") == "column flow"))
    assert head.get("class") == "cut" and rest.get("class") == "continued"
    # Markup that runs over the cut is carried on both sides: the bold stays bold.
    bold = [" ".join("".join(b.itertext()).split()) for b in root.iter("strong")]
    assert " ".join(bold).split() == ["three", "four"]


def test_a_numbered_list_cut_between_columns_goes_on_counting():
    root = body("<h2>Steps</h2><ol><li>a</li><li>b</li><li>c</li></ol><p>After.</p>")
    split_columns(root, ((0, 1, 2),))
    lists = list(root.iter("ol"))
    assert [len(ol) for ol in lists] == [2, 1]
    assert lists[1].get("start") == "3" and lists[1].get("class") == "continued"
    assert lists[1].get("style") == "counter-reset: list-item 2"  # what WeasyPrint counts


def test_without_a_cut_the_copy_is_split_near_the_middle_of_its_text():
    root = body("<h2>A</h2><p>" + "word " * 40 + "</p><h2>B</h2><p>" + "word " * 40 + "</p>")
    split_columns(root)
    first, second = columns_of(root)
    assert abs(len(first) - len(second)) < 0.3 * (len(first) + len(second))


@pytest.mark.parametrize("html, columns", [("<p>Too short</p>", 2), (PARAGRAPH, 1),
                                           ("Loose text<p>and a block</p>", 2),
                                           ("<p>A block</p>loose text<p>another</p>", 2)])
def test_copy_that_cannot_be_shared_out_is_left_to_css(html, columns):
    root = body(html, columns)
    split_columns(root, ((0, 0, 1),))
    assert not columns_of(root)
    assert "split" not in root[0].get("class")


def test_a_cut_that_is_not_there_moves_the_whole_block():
    root = body("<h2>A</h2><figure><img src='x'/></figure><p>Last words here.</p>")
    split_columns(root, ((0, 1, 3),))  # a figure has no words to cut between
    first, second = columns_of(root)
    assert first == "A" and second == "Last words here."


def text(lines: int, words_per_line: int = 5, keep: bool = False) -> Node:
    """A paragraph of ``lines`` full lines of equal words, 20 px a line."""
    count = lines * words_per_line
    return Node(TEXT, height=20.0 * lines, lines=(100.0,) * lines, width=100.0,
                words=(16.0,) * count, trailing=(4.0,) * count, keep=keep, cut_in=not keep)


def split(*blocks: Node, space: float = 10.0) -> Node:
    return Node(SPLIT, children=blocks, spaces=(0.0,) + (space,) * (len(blocks) - 1),
                weights=(0,) * len(blocks), count=2)


def test_the_model_balances_blocks_and_keeps_headings_with_what_follows():
    blocks = [Node(FIXED, height=100.0) for _ in range(4)]
    assert best_cut(split(*blocks), 1.0) == (210.0, (2, 0))
    heading = text(1, keep=True)
    # Cutting after the heading would balance best: it goes over with its paragraph instead.
    _, cut = best_cut(split(Node(FIXED, height=190.0), heading, text(9)), 1.0)
    assert cut[0] != 2


def test_the_model_cuts_a_long_paragraph_between_lines_two_from_each_end():
    height, (block, words) = best_cut(split(text(1, keep=True), text(12)), 1.0)
    assert block == 1 and words % 5 == 0  # at a line's first word
    first_lines = words // 5
    assert 2 <= first_lines <= 10
    assert height == pytest.approx(max(20 + 10 + 20 * first_lines, 20 * (12 - first_lines)))
    assert first_lines == 5 and height == 140  # as even as whole lines allow (6: 150)
    # A paragraph of three lines cannot leave two on each side, nor its heading go alone:
    # the second column stays empty.
    assert best_cut(split(text(1, keep=True), text(3)), 1.0)[1] == (2, 0)
    root = body("<h2>Heading</h2><p>Three short lines of words</p>")
    split_columns(root, ((0, 2, 0),))
    assert columns_of(root) == ["Heading Three short lines of words", ""]


def test_the_model_cuts_a_list_between_its_items():
    items = Node(STACK, children=tuple(Node(FIXED, height=40.0) for _ in range(6)),
                 spaces=(0.0,) + (5.0,) * 5, weights=(0,) * 6, cut_in=True)
    height, cut = best_cut(split(text(1, keep=True), items), 1.0)
    assert cut[0] == 1 and 1 <= cut[1] <= 5
    assert height < 20 + 10 + 6 * 40 + 25  # shorter than the whole list in one column
    # A block the split cannot cut (a figure and its caption) is never cut inside.
    figure = Node(STACK, children=items.children, spaces=items.spaces, weights=items.weights)
    assert best_cut(split(text(1, keep=True), figure, text(2)), 1.0)[1] == (2, 0)


def test_the_split_marks_the_blocks_it_can_cut():
    root = body("<h2>A</h2><p>One two three</p><figure><img src='x'/><figcaption>Its words"
                "</figcaption></figure><ul><li>a</li><li>b</li></ul>")
    split_columns(root, ((0, 2, 0),))
    marked = [block.tag for column in root.iter() if column.get("class") == "column flow"
              for block in column if block.get("data-cut-in") is not None]
    assert marked == ["p", "ul"]


@pytest.mark.slow
def test_one_long_paragraph_is_cut_into_even_columns_and_read_in_order(campaign, tmp_path):
    flyer = campaign / "content" / "en" / "flyer.md"
    head, _, _ = flyer.read_text().partition("## A ceasefire")
    # Words that say where they stand (no digits: a number is kept with its neighbour).
    words = ["w" + "".join("abcdefghij"[int(d)] for d in f"{n:03d}") for n in range(230)]
    flyer.write_text(head + "## One long thought\n\n" + " ".join(words) + "\n")
    code, output = build(campaign, tmp_path / "out", "-l", "en", "-m", "flyer", "-p", "home",
                         "--strict")
    assert code == 0, output
    assert re.search(r"\(2 layouts\)", output), output  # no layout wasted on balancing
    pdf = tmp_path / "out" / "en" / "flyer-home.pdf"
    page = pypdfium2.PdfDocument(str(pdf))[0]
    found = re.findall(r"w[a-j]{3}", page.get_textpage().get_text_range())
    assert found == words  # every word once, the first column read before the second
    # Where each word stands: the two columns end within a line of each other.
    chars = page_chars(pdf)[0]
    joined = "".join(char for char, _, _ in chars)
    middle = page.get_width() / 2
    bottoms: dict[bool, float] = {}
    for match in re.finditer(r"w[a-j]{3}", joined):
        left, bottom, _, top = chars[match.start()][2]
        bottoms[left < middle] = min(bottoms.get(left < middle, top), bottom)
        line = 1.42 * (top - bottom)  # the body's leading, over a letter's height
    assert len(bottoms) == 2 and abs(bottoms[True] - bottoms[False]) <= 1.5 * line, bottoms


@pytest.mark.slow
def test_a_numbered_list_cut_between_the_columns_goes_on_counting(campaign, tmp_path):
    flyer = campaign / "content" / "en" / "flyer.md"
    head, _, _ = flyer.read_text().partition("## A ceasefire")
    steps = "\n".join(f"1. Step number {n} of the plan we propose" for n in range(1, 15))
    flyer.write_text(head + "## What we ask\n\n" + "Congress should act now. " * 16 +
                     "\n\n" + steps + "\n\n## Then\n\nCall today.\n")
    code, output = build(campaign, tmp_path / "out", "-l", "en", "-m", "flyer", "-p", "home")
    assert code == 0, output
    pdf = tmp_path / "out" / "en" / "flyer-home.pdf"
    middle = pypdfium2.PdfDocument(str(pdf))[0].get_width() / 2
    markers = [(text.strip(), bounds[0] < middle) for text, bounds in drawn_texts(pdf)[0]
               if re.fullmatch(r"\d+\. ?", text)]
    assert [number for number, _ in markers] == [f"{n}." for n in range(1, 15)]
    assert {left for _, left in markers} == {True, False}  # the list runs over to column 2
