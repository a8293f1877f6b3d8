"""Characters no bundled font can draw: found in the copy before rendering, and caught in the
laid-out document (drawn as an empty box) with the file and line they came from."""

from __future__ import annotations

import pytest

from pamphleteer.errors import BuildError
from pamphleteer.glyphs import MAX_SHOWN, check_file, describe, locate, uncovered
from pamphleteer.pdf import render_pdf
from pamphleteer.project import load_project

RUNES = "ᚠᚢᚦ"  # no font of the theme draws Runic


def test_describe_names_each_character_and_counts_the_rest():
    assert describe(["क"]) == "'क' (U+0915 DEVANAGARI LETTER KA)"
    many = [chr(0x16A0 + n) for n in range(MAX_SHOWN + 3)]
    assert describe(many).endswith(" and 3 more")


def test_uncovered_skips_spaces_and_controls_and_keeps_order(campaign):
    project = load_project(campaign)
    assert uncovered(project, "en", "Peace\u00a0now\u200b \t") == []
    assert uncovered(project, "en", f"a{RUNES}a{RUNES[0]}") == list(RUNES)


def test_locate_finds_the_first_file_and_line_holding_one(tmp_path):
    first, second = tmp_path / "a.md", tmp_path / "b.md"
    first.write_text("nothing here\n")
    second.write_text("line one\nline ᚢ two\n")
    (tmp_path / "folder.md").mkdir()  # not a text file: passed over
    assert locate(["ᚢ"], [tmp_path / "folder.md", first, second]) == (second, 2)
    assert locate(["ᚢ"], [first]) == (None, None)


def test_check_file_names_the_line(campaign):
    project = load_project(campaign)
    path = campaign / "content" / "en" / "flyer.md"
    assert check_file(project, "en", path) is None
    path.write_text(path.read_text() + f"\nA line in {RUNES}.\n")
    error = check_file(project, "en", path)
    lines = path.read_text().splitlines()
    assert error is not None and error.line == len(lines)
    assert "no bundled font for 'en' can draw 'ᚠ'" in error.format_message()


def test_a_character_drawn_as_a_box_names_the_file_it_comes_from(campaign):
    copy = campaign / "content" / "en" / "flyer.md"
    copy.write_text(copy.read_text() + f"\n{RUNES}\n")
    html = f'<html lang="en"><body><p style="font-family: Inter">{RUNES}</p></body></html>'
    with pytest.raises(BuildError) as caught:
        render_pdf(html, root=campaign, source=copy)
    message = caught.value.format_message()
    assert "would print as an empty box" in message and "'ᚠ'" in message
    assert "flyer.md" in message and "assets/fonts/" in message
    # Not in the copy, the strings or the templates: the typesetting put it there.
    html = '<html lang="en"><body><p style="font-family: Inter">\u16c3</p></body></html>'
    with pytest.raises(BuildError, match="the typesetting"):
        render_pdf(html, root=campaign, source=copy)
