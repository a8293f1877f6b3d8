"""Readable sizes: body copy at 12 pt or more on the pieces read in a hall (handbill, call
script, sign sheet), held by the materials' fit floors and by the "body size" check."""

from __future__ import annotations

import re

import pytest

from pamphleteer.materials import MATERIALS
from pamphleteer.theme import theme_root

from conftest import build
from pdfinspect import find_text, page_chars

# A sentence of each fixture piece's body copy, and the page it is on.
BODY = {"handbill": (0, "The 1953 armistice stopped the shooting"),
        "callscript": (0, "Hello, my name is"),
        "signsheet": (0, "We, the undersigned, ask Congress")}


def size_of(path, page: int, sentence: str) -> float:
    """The printed size (pt) of ``sentence`` where it stands on the page."""
    chars = page_chars(path)[page]
    [start] = find_text(chars, sentence)[:1]
    return min(size for _, size, _ in chars[start:start + len("".join(sentence.split()))])


def test_the_pieces_read_in_a_hall_have_a_twelve_point_floor():
    for name in BODY:
        assert MATERIALS[name].min_body == 12
        assert MATERIALS[name].fit[0] >= 1.0  # their templates set body copy at 12 pt


@pytest.mark.slow
@pytest.mark.parametrize("profile", ["shop", "screen"])
@pytest.mark.parametrize("material", sorted(BODY))
def test_body_copy_prints_at_twelve_points_or_more(fixture_kit, material, profile):
    """The handbill was 11.4-11.8 pt, the call script 10.1-10.4, the sign sheet 10.5-10.6."""
    page, sentence = BODY[material]
    size = size_of(fixture_kit / f"en/{material}-{profile}.pdf", page, sentence)
    assert size >= 12 - 0.05, (material, profile, size)


@pytest.mark.slow
def test_german_lines_to_say_are_as_large(fixture_kit):
    assert size_of(fixture_kit / "de/callscript-shop.pdf", 0, "Hallo, mein Name ist") >= 11.95


def test_a_template_that_sets_body_copy_small_is_told_so(campaign, tmp_path):
    """A campaign's own CSS under the floor: a warning naming the template, an error with
    --strict (the fit cannot help: its floor is the designed size)."""
    css = campaign / "templates/css/handbill.css"
    css.parent.mkdir(parents=True, exist_ok=True)
    text = (theme_root() / "templates/css/handbill.css").read_text("utf-8")
    small = text.replace("html { font-size: calc(12 * var(--pt)); }",
                         "html { font-size: calc(8 * var(--pt)); }")
    assert small != text
    css.write_text(small, "utf-8")  # grown to fill the page, at most 1.3 x 8 = 10.4 pt
    code, output = build(campaign, tmp_path / "out", "-l", "en", "-m", "handbill", "-p", "shop")
    assert code == 0, output
    assert re.search(r"templates/handbill\.html\.j2: the body copy is set at (9|10)\.\d pt",
                     output), output
    assert "under the 12 pt a handbill needs" in output
    code, output = build(campaign, tmp_path / "strict", "-l", "en", "-m", "handbill", "-p",
                         "shop", "--strict")
    assert code == 1 and "under the 12 pt a handbill needs" in output
