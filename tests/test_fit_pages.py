"""Copy that flows over pages (the booklet): as few pages as the copy fills, and a clear
error for copy too short to fill the fewest or too long for the most."""

from __future__ import annotations

import re

from pamphleteer.pipeline import build_document
from pamphleteer.project import load_project


def booklet(campaign, body: str | None = None):
    copy = campaign / "content" / "en" / "booklet.md"
    if body is not None:
        text = copy.read_text()
        start, end = text.index("::: body"), text.index("::: back")
        copy.write_text(text[:start] + "::: body\n\n" + body + "\n\n" + text[end:])
    [result] = build_document(load_project(campaign), "en", "booklet", ("home",))
    return result


def test_the_booklet_takes_the_fewest_pages_its_copy_fills(campaign):
    result = booklet(campaign)
    assert result.errors == [], result.errors
    # Imposed for saddle stitching: two pages a side, and a multiple of four in all.
    assert result.output.pages in (2, 4, 6, 8) and result.output.fit_scale >= 0.87


def test_copy_too_short_for_the_fewest_pages_says_how_much_to_add(campaign):
    result = booklet(campaign, "## Peace\n\nA ceasefire is not a peace.")
    [error] = result.errors
    assert "too short for a booklet" in error and re.search(r"add about \d+ lines?", error)
    assert "booklet.md" in error


def test_copy_too_long_for_the_most_pages_says_by_how_much(campaign):
    paragraph = ("The armistice stopped the shooting in 1953, and no peace agreement has "
                 "followed it in all the years since then. ")
    body = "\n\n".join(f"## Part {n}\n\n" + paragraph * 6 for n in range(60))
    result = booklet(campaign, body)
    [error] = result.errors
    assert "the text does not fit" in error and re.search(r"too long by about \d+ lines?", error)
    assert "16 pages" in error
