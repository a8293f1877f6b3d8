"""Columns by a fixed split: the copy of a ``data-columns="2"`` element cut into two column
boxes where the fit stage says (part of stage 7, copyfit).

WeasyPrint balances CSS ``columns`` by laying their text out again and again, a little
taller each time: on a flyer that was two fifths of a layout, and its balance moved with the
type size in steps the fit could not predict (three layouts a flyer). Here the fit stage
chooses where the copy breaks into the second column (between two blocks, or between two
words of a paragraph) from its model of every line, and this module splits the HTML there,
before the layout: each column is then laid out once, as a plain float.

A cut is ``(slot, block, part)``: in the ``slot``-th ``data-columns`` element of the
document, the second column starts at its ``block``-th child, after that child's first
``part`` words if it is a paragraph, or its first ``part`` items if it is a list or a box of
blocks (stat callouts); 0: the whole block moves. The first part of a cut block gets the class
``cut`` and the rest ``continued``; a block that may be cut is marked ``data-cut-in``, so
that the fit measures which ones it may cut. Only two columns are split; an element with one column
(screens) is left alone, and one the split cannot handle keeps its CSS columns.
"""

from __future__ import annotations

import copy
import re
from xml.etree import ElementTree

from pamphleteer.identity import SVG  # the SVG namespace, as element tags carry it

Cut = tuple[int, int, int]  # (slot, block, part)

# The spaces a line may break at: words are what lies between them. (A no-break space joins.)
BREAKING_SPACE = re.compile(r"[ \t\n\r\f\u1680\u2000-\u2006\u2008-\u200a\u205f\u3000]+")
SPLITTABLE = {"p"}  # blocks that may be cut between two words
CONTAINERS = {"ul", "ol", "div"}  # blocks that may be cut between two of their items


def split_columns(root, cuts: tuple[Cut, ...] = ()) -> None:
    """Split every ``data-columns="2"`` element of the tree ``root`` at its cut (or, with none
    yet, at the middle of its text) into two ``.column`` boxes."""
    chosen = {slot: (block, part) for slot, block, part in cuts}
    for slot, element in enumerate([e for e in root.iter() if e.get("data-columns")]):
        blocks = list(element)
        loose = (element.text or "").strip() or any((b.tail or "").strip() for b in blocks)
        if element.get("data-columns") != "2" or loose:
            continue  # text outside blocks has nowhere to go: CSS columns take it all
        if len(blocks) < 2 and not (blocks and _words(blocks[0]) >= 4):
            continue  # nothing to share out: CSS columns do what they can
        block, part = chosen.get(slot) or middle(blocks)
        block = min(max(block, 0), len(blocks))  # all of them: nothing may go over
        if block < len(blocks) and part and part >= _parts(blocks[block]):
            block, part = block + 1, 0  # not there to cut: the block stays whole
        _split(element, blocks, block, part, slot)


def middle(blocks: list) -> tuple[int, int]:
    """A first cut, before anything is measured: where half the text is reached, between two
    words if that is in a paragraph, else before the block it is in."""
    lengths = [len(_laid_text(block)) for block in blocks]
    half, before = sum(lengths) / 2, 0
    for index, length in enumerate(lengths):
        if before + length >= half:
            words = [w for w in BREAKING_SPACE.split(_laid_text(blocks[index])) if w]
            if blocks[index].tag in SPLITTABLE and len(words) >= 4:
                reached = before
                for count, word in enumerate(words, 1):
                    reached += len(word) + 1
                    if reached >= half:
                        return index, min(max(count, 2), len(words) - 2)
            return max(index, 1), 0
        before += length
    return len(blocks) - 1, 0


def _parts(block) -> int:
    """How many pieces ``block`` may be cut into: words of a paragraph, items of a list or
    box of blocks, 0 for anything else."""
    if block.tag in SPLITTABLE:
        return _words(block)
    if block.tag in CONTAINERS and not (block.text or "").strip() and len(block) > 1 \
            and not any((child.tail or "").strip() for child in block):
        return len(block)
    return 0


def _split(element, blocks: list, block: int, part: int, slot: int) -> None:
    """Move ``element``'s blocks into two column boxes, the second from the cut on."""
    first = ElementTree.Element("div", {"class": "column flow"})
    second = ElementTree.Element("div", {"class": "column flow"})
    for child in blocks:
        element.remove(child)
        if _parts(child):  # the fit may cut inside this one next time, and only these
            child.set("data-cut-in", "")
    for child in blocks[:block]:
        first.append(child)
    if block == len(blocks):  # nothing may go over: the second column stays empty
        pass
    elif part:
        cut = _cut_paragraph if blocks[block].tag in SPLITTABLE else _cut_container
        head, rest = cut(blocks[block], part)
        for piece, name in ((head, "cut"), (rest, "continued")):
            piece.set("class", " ".join([*(piece.get("class") or "").split(), name]))
        for name in ("id", "data-line"):  # one element keeps what must be unique
            rest.attrib.pop(name, None)
        first.append(head)
        second.append(rest)
    else:
        second.append(blocks[block])
    for child in blocks[block + 1:]:
        second.append(child)
    for child in (*first, *second):
        child.tail = None  # whitespace between blocks means nothing; keep none of it
    element.append(first)
    element.append(second)
    # The columns take the flow's spread spacing, each from its own top.
    classes = [c for c in (element.get("class") or "").split() if c != "flow"]
    element.set("class", " ".join([*classes, "split"]))
    element.set("data-columns-slot", str(slot))


def _words(element) -> int:
    return len([w for w in BREAKING_SPACE.split(_laid_text(element)) if w])


def _laid_text(element) -> str:
    """The text of ``element`` that is set as lines (a drawing's title, its alternative text
    for a screen reader, is not)."""
    if str(element.tag).startswith(SVG):
        return ""
    return (element.text or "") + "".join(_laid_text(child) + (child.tail or "")
                                          for child in element)


def _cut_paragraph(paragraph, words: int) -> tuple:
    """``paragraph`` as two: its first ``words`` words, and the rest (inline markup, such as
    a bold phrase that runs over the cut, is carried on both sides)."""
    text = "".join(paragraph.itertext())
    ends = [m.start() for m in BREAKING_SPACE.finditer(text) if m.start() > 0]
    offset = ends[words - 1] if words - 1 < len(ends) else len(text)
    return _cut_element(paragraph, offset)


def _cut_container(container, items: int) -> tuple:
    """A list or box of blocks as two: its first ``items`` items, and the rest (a numbered
    list goes on counting)."""
    head = ElementTree.Element(container.tag, dict(container.attrib))
    rest = ElementTree.Element(container.tag, dict(container.attrib))
    head.text = rest.text = container.text
    for index, child in enumerate(container):
        (head if index < items else rest).append(child)
    if container.tag == "ol":  # (WeasyPrint reads the counter, not the start attribute)
        start = int(container.get("start") or 1) + items
        rest.set("start", str(start))
        style = [container.get("style") or "", f"counter-reset: list-item {start - 1}"]
        rest.set("style", "; ".join(part for part in style if part))
    return head, rest


def _cut_element(element, offset: int) -> tuple:
    """Two copies of ``element``: its text before character ``offset`` (of its itertext)
    and after it."""
    head = ElementTree.Element(element.tag, dict(element.attrib))
    rest = ElementTree.Element(element.tag, dict(element.attrib))
    text = element.text or ""
    if offset <= len(text):
        head.text, rest.text = text[:offset], text[offset:]
        for child in element:
            rest.append(copy.deepcopy(child))
        return head, rest
    head.text, offset = text, offset - len(text)
    children = list(element)
    for index, child in enumerate(children):
        length = len("".join(child.itertext()))
        if offset < length:  # the cut is inside this child
            left, right = _cut_element(child, offset)
            left.tail, right.tail = None, child.tail
            head.append(left)
            rest.append(right)
            for later in children[index + 1:]:
                rest.append(copy.deepcopy(later))
            return head, rest
        offset -= length
        tail = child.tail or ""
        if offset <= len(tail):  # the cut is in the text after this child
            kept = copy.deepcopy(child)
            kept.tail = tail[:offset]
            head.append(kept)
            rest.text = tail[offset:]
            for later in children[index + 1:]:
                rest.append(copy.deepcopy(later))
            return head, rest
        offset -= len(tail)
        head.append(copy.deepcopy(child))
    return head, rest
