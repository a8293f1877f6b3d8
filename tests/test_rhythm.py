"""One rhythm: no hole inside a frame. The gap check measures the tallest blank band between
two things a reader sees (lines, images, shaded or ruled blocks) in each fit area."""

from __future__ import annotations

import pytest

from pamphleteer import weasy
from pamphleteer.checks import GAP_LINES
from pamphleteer.frames import largest_gap

from conftest import build


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
def test_a_panel_whose_copy_is_spread_into_holes_is_told_so(campaign, tmp_path):
    trifold = campaign / "content/en/trifold.md"
    text = trifold.read_text("utf-8")
    start, end = text.index("::: flap"), text.index("::: inside-1")
    trifold.write_text(text[:start] + "::: flap\n\n## Why now\n\nTensions climbed fast.\n\n"
                       "Talks have stalled for years.\n\n" + text[end:], "utf-8")
    code, output = build(campaign, tmp_path / "out", "-l", "en", "-m", "trifold", "-p", "shop")
    assert code == 0, output
    assert "content/en/trifold.md: the trifold's flap panel leaves a gap of" in output
    lines = float(output.split("leaves a gap of ")[1].split(" ")[0])
    assert lines > GAP_LINES
    code, output = build(campaign, tmp_path / "strict", "-l", "en", "-m", "trifold", "-p",
                         "shop", "--strict")
    assert code == 1 and "leaves a gap of" in output
