"""Markdown to safe HTML: what content may and may not produce."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pamphleteer.errors import ContentError
from pamphleteer.markup import keep_words_together, to_html, years_since

EDITION = dt.date(2026, 11, 28)


def html(source: str, warnings=None, keep_words=False) -> str:
    return to_html(source, path=Path("c.md"), line=10, edition=EDITION, keep_words=keep_words,
                   diagnostics=warnings if warnings is not None else [])


def test_markdown_structure_survives():
    out = html("## Why\n\nA **bold** claim.\n\n- one\n- two\n")
    assert "<h2>Why</h2>" in out and "<strong>bold</strong>" in out and "<li>one</li>" in out


def test_hostile_html_is_removed_with_a_warning():
    warnings = []
    out = html('Text\n\n<script>alert(1)</script>\n\n<img src="file:///etc/passwd">\n\n'
               '<link rel="attachment" href="file:///etc/passwd">', warnings)
    assert "<script" not in out and "<img" not in out and "<link" not in out
    messages = [str(w) for w in warnings]
    assert any("<script>" in m and m.startswith("c.md:12") for m in messages)
    assert any("an image" in m for m in messages)


def test_only_safe_link_schemes_are_kept():
    warnings = []
    out = html("[a](javascript:alert(1)) [b](file:///etc/passwd) [c](https://example.org) "
               "[d](../secret)", warnings)
    assert 'href="https://example.org"' in out
    assert "javascript" not in out and "file:" not in out and "../secret" not in out
    assert len(warnings) == 3


def test_markdown_images_are_not_embedded():
    warnings = []
    out = html("![x](file:///etc/passwd)", warnings)
    assert "<img" not in out and warnings


def test_years_since_placeholder_counts_whole_years():
    assert years_since(dt.date(1953, 7, 27), dt.date(2023, 7, 27)) == 70
    assert years_since(dt.date(1953, 7, 27), dt.date(2023, 7, 26)) == 69
    assert "73\u00a0years" in html("{years_since:1953-07-27} years")  # a number and its unit


def test_unknown_placeholder_is_an_error_with_line():
    with pytest.raises(ContentError, match="unknown placeholder") as info:
        html("one\n\ntwo {bill_number}")
    assert info.value.line == 12
    with pytest.raises(ContentError, match="needs a date"):
        html("{years_since:July 1953}")


def test_bracket_bomb_is_refused_quickly():
    with pytest.raises(ContentError, match="too many"):
        html("[" * 20_000)


def test_korean_words_are_kept_together():
    j = "\u2060"  # word joiner: no break on either side
    out = keep_words_together("<p>평화 협정을 <strong>지금</strong> 맺자, now &amp; 1953년</p>")
    assert out == (f"<p>평{j}화 협{j}정{j}을 <strong>지{j}금</strong> 맺{j}자{j}, now &amp; "
                   f"1{j}9{j}5{j}3{j}년</p>")
    # Beside punctuation the usual rules stay (a break may come before a bracket), as with
    # CSS keep-all, but none before what may not start a line (a comma, a closing bracket, a
    # middle dot); a word running across a tag is one word; a soft hyphen stays a break.
    assert keep_words_together("우편번호(ZIP)") == f"우{j}편{j}번{j}호(Z{j}I{j}P{j})"
    assert keep_words_together("유지·보수") == f"유{j}지{j}·보{j}수"
    assert keep_words_together("<b>평화</b>협정") == f"<b>평{j}화</b>{j}협{j}정"
    assert keep_words_together("한국&shy;전쟁") == f"한{j}국&shy;전{j}쟁"
    # A drawing's title is its alternative text, not a line: read aloud as it is written.
    assert keep_words_together('<svg role="img"><title>정전선</title></svg><p>평화</p>') == \
        f'<svg role="img"><title>정전선</title></svg><p>평{j}화</p>'
    # Marks and conjoining jamo stay with their letter.
    assert keep_words_together("\u1100\u1161\u11a8나") == f"\u1100\u1161\u11a8{j}나"


def test_stat_callouts_set_a_figure_over_its_label_in_one_group():
    out = html("Why it matters:\n\n!!! 28,500 troops | stationed in *South Korea*\n"
               "!!! $13.4 billion | spent from 2016 to 2019\n\nAfter.")
    assert out.count('<div class="stats">') == 1 and out.count('<p class="stat">') == 2
    assert '<span class="stat-figure">28,500 troops</span>' in out
    assert '<span class="stat-label">stationed in <em>South Korea</em></span>' in out
    # A figure may put its unit on a line of its own in a narrow column (no no-break space),
    # rather than be broken inside a word; body copy keeps the number with its unit.
    assert "\u00a0" not in out.split('class="stat-figure">')[2].split("</span>")[0]
    assert "28,500\u00a0troops" in html("About 28,500 troops remain.")


def test_removed_images_and_attributes_are_reported_at_their_line():
    warnings = []
    out = html('Intro.\n\n<p style="display:none">Hidden?</p>\n\n![a photo](x.jpg)', warnings)
    messages = [str(w) for w in warnings]
    assert "c.md:12: the style attribute of <p> is not allowed in content and was removed" \
        in messages and "Hidden?" in out
    assert "c.md:14: an image is not allowed here and was removed" in messages


@pytest.mark.parametrize("source", ["-" * 60, "*" * 20000, "- - - -", "Text\n\n" + "_" * 70])
def test_dividers_and_runs_of_marks_are_not_taken_for_nesting(source):
    html(source)  # no "nested more than 12 deep"
