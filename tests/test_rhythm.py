"""One rhythm: no hole inside a frame. The gap check measures the tallest blank band between
two things a reader sees (lines, images, shaded or ruled blocks) in each fit area."""

from __future__ import annotations

import itertools

import pytest

from pamphleteer import weasy
from pamphleteer.checks import GAP_LINES
from pamphleteer.frames import largest_gap

from conftest import build
from pdfinspect import text_lines


def gap_of(body: str) -> float:
    html = f"""<html><body style="margin: 0; font-size: 16px; line-height: 20px">
    <div id="area">{body}</div></body></html>"""
    page = weasy.page_box(weasy.html(html, "file:///", None).render().pages[0])
    area = next(box for box, _ in weasy.walk(page)
                if getattr(box, "element", None) is not None and box.element_tag == "div"
                and box.element.get("id") == "area")
    return largest_gap(area)


def test_the_gap_is_the_blank_band_between_two_lines():
    assert gap_of('<p style="margin: 0">One</p><p style="margin: 100px 0 0">Two</p>') \
        == pytest.approx(100, abs=1)
    assert gap_of('<p style="margin: 0">One</p><p style="margin: 0">Two</p>') < 1


def test_a_shaded_or_ruled_block_is_seen_and_an_empty_one_is_not():
    shaded = '<div style="height: 80px; background: #123456"></div>'
    ruled = '<div style="height: 80px; border-top: 2px solid black"></div>'
    empty = '<div style="height: 80px"></div>'
    lines = '<p style="margin: 0">One</p>{}<p style="margin: 0">Two</p>'
    assert gap_of(lines.format(shaded)) < 1
    assert gap_of(lines.format(ruled)) == pytest.approx(80, abs=0.5)  # below the rule, not 82
    assert gap_of(lines.format(empty)) == pytest.approx(80, abs=1)


def test_a_gap_the_template_means_is_no_hole():
    meant = '<p style="margin: 0">One</p><div data-gap style="height: 120px"></div>' \
            '<p style="margin: 0">Two</p>'
    assert gap_of(meant) < 1


@pytest.mark.slow
def test_a_panel_with_too_little_copy_ends_ragged_and_is_told_so(campaign, tmp_path):
    """A short panel keeps the piece's rhythm (its paragraphs no further apart than the
    others') and leaves its white below the copy; the build says to add copy."""
    trifold = campaign / "content/en/trifold.md"
    text = trifold.read_text("utf-8")
    start, end = text.index("::: flap"), text.index("::: inside-1")
    trifold.write_text(text[:start] + "::: flap\n\n## Why now\n\nTensions climbed fast.\n\n"
                       "Talks have stalled for years.\n\n" + text[end:], "utf-8")
    code, output = build(campaign, tmp_path / "out", "-l", "en", "-m", "trifold", "-p", "shop")
    assert code == 0, output
    assert "content/en/trifold.md: the trifold's flap panel is only" in output
    assert "add copy to it" in output and "leaves a gap" not in output
    pdf = tmp_path / "out/en/trifold-shop.pdf"
    flap = [line for line in text_lines(pdf, 0) if line.x < 3.6 * 72]  # the first panel
    talks = next(line for line in flap if line.text.startswith("Talks"))
    climbed = next(line for line in flap if line.text.startswith("Tensions"))
    body = talks.size * 1.4  # the tri-fold's leading
    # One blank line at most between the two paragraphs: the panel's spread is capped.
    assert climbed.bottom - talks.bottom < 2.6 * body
    code, output = build(campaign, tmp_path / "strict", "-l", "en", "-m", "trifold", "-p",
                         "shop", "--strict")
    assert code == 1 and "is only" in output


@pytest.mark.slow
def test_copy_too_short_above_a_call_to_action_is_a_hole(campaign, tmp_path):
    """Where the copy stands above a foot (the palm card's codes), what it cannot fill is a
    band between two blocks: the gap check names it."""
    card = campaign / "content/en/palmcard.md"
    text = card.read_text("utf-8")
    card.write_text(text[:text.index("::: back")] + "::: back\n\nTalks have stalled.\n",
                    "utf-8")
    code, output = build(campaign, tmp_path / "out", "-l", "en", "-m", "palmcard", "-p", "shop")
    assert code == 0, output
    assert "content/en/palmcard.md: the palmcard's back leaves a gap of" in output
    assert float(output.split("leaves a gap of ")[1].split(" ")[0]) > GAP_LINES


@pytest.mark.slow
def test_one_leading_for_the_body_of_a_piece(fixture_kit):
    """Every panel of a tri-fold and both sides of a palm card set their body copy on one
    leading (the fit spreads space between blocks, never into the lines)."""
    for name, pages in (("trifold", 2), ("palmcard", 2), ("booklet", 8)):
        pdf = fixture_kit / "en" / f"{name}-shop.pdf"
        pitches = set()
        for page in range(pages):
            lines = [line for line in text_lines(pdf, page) if 11 < line.size < 16]
            by_column: dict[int, list] = {}
            for line in lines:
                by_column.setdefault(round(line.x / 36), []).append(line)
            for column in by_column.values():
                column.sort(key=lambda line: -line.bottom)
                for upper, lower in itertools.pairwise(column):
                    pitch = upper.bottom - lower.bottom
                    if abs(upper.size - lower.size) < 0.05 and \
                            upper.size < pitch < 1.6 * upper.size:
                        pitches.add((round(upper.size, 1), round(pitch, 1)))
        sizes = {size for size, _ in pitches}
        assert sizes, name
        for size in sizes:
            leads = sorted(pitch for s, pitch in pitches if s == size)
            assert leads[-1] - leads[0] <= 0.2, (name, size, leads)
