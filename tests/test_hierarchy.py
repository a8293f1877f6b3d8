"""Hierarchy: the campaign's mark signs the call to action, at 14 pt or more in the hand and
36 pt on the poster, just under the ask and its codes."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2
import pytest
import yaml

from conftest import FIXTURES, build, fixture_campaign
from pdfinspect import text_lines

PRINTED = ("flyer", "handbill", "trifold", "booklet", "palmcard", "poster", "callscript",
           "signsheet")
WORDMARK = "Fixture Peace"  # tests/fixtures/campaign/campaign.toml [identity]


def signed(pdf, cta: str) -> list[tuple[float, float]]:
    """For each page whose call to action is signed: the mark's size, and how far (pt) from
    the ask's heading it stands (under it, or beside it on the sheet's strip)."""
    found = []
    for number in range(len(pypdfium2.PdfDocument(str(pdf)))):
        lines = text_lines(pdf, number)
        heading = " ".join(cta.split()[:2])
        asks = [line for line in lines if line.text.replace("\u00a0", " ").startswith(heading)]
        marks = [line for line in lines if line.text == WORDMARK]
        for mark in marks:
            if asks:
                found.append((mark.size, min(abs(ask.bottom - mark.bottom) for ask in asks)))
    return found


@pytest.mark.slow
@pytest.mark.parametrize("material", PRINTED)
def test_the_mark_signs_the_call_to_action(fixture_kit, campaign, material):
    source = (campaign / "content/en" / f"{material}.md").read_text("utf-8")
    cta = yaml.safe_load(source.split("---")[1])["cta"]
    # Home sheets print every piece at its size but the poster (scaled to the sheet).
    for profile in ("shop",) if material == "poster" else ("shop", "home"):
        marks = signed(fixture_kit / "en" / f"{material}-{profile}.pdf", cta)
        assert marks, (material, profile)
        size, below = min(marks)
        assert size >= (36 if material == "poster" else 14) - 0.05, (material, size)
        # With the ask: by its heading and codes, inside its box.
        assert below < (9 if material == "poster" else 4.2) * 72, (material, below)


@pytest.mark.slow
def test_a_long_name_wraps_in_the_sign_off(campaign, tmp_path):
    toml = campaign / "campaign.toml"
    long = "Maple Court Tenants Union for Peace"  # 35 of the 40 a wordmark may have
    toml.write_text(re.sub(r'wordmark = "[^"]*"', f'wordmark = "{long}"',
                           toml.read_text("utf-8")), "utf-8")
    code, output = build(campaign, tmp_path / "out", "-l", "en", "-m", "palmcard", "-m",
                         "flyer", "-p", "shop", "--strict")
    assert code == 0, output
    for material in ("palmcard", "flyer"):
        pdf = tmp_path / "out/en" / f"{material}-shop.pdf"
        lines = [line for page in range(len(pypdfium2.PdfDocument(str(pdf))))
                 for line in text_lines(pdf, page)
                 if 13.9 < line.size < 15 and line.text.replace("\u00a0", " ") in long]
        # Whole, at its full size: on one line of the flyer, wrapped on the narrow card.
        assert " ".join(line.text.replace("\u00a0", " ") for line in lines) == long, lines
        assert len(lines) == (2 if material == "palmcard" else 1), lines


@pytest.fixture(scope="module")
def event_kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture campaign's rally on every piece that carries an event (in English; the
    German flyer), under --strict."""
    root = tmp_path_factory.mktemp("event-kit")
    project = fixture_campaign("campaign", root)
    # A big figure on the poster, the display type most likely to outrank the date.
    poster = project / "content/en/poster.md"
    head, body = poster.read_text("utf-8").rsplit("---\n", 1)
    poster.write_text(f"{head}---\n\n!!! 73 years | of ceasefire\n\n{body}", "utf-8")
    out = root / "dist"
    event = str(FIXTURES / "events/harbour-vigil.toml")
    for args in (["-l", "en"], ["-l", "de", "-m", "flyer"]):  # German: the flyer is translated
        code, output = build(project, out, "--event", event, "-p", "shop", "-j", "2", "--strict",
                             *args)
        assert code == 0, output
    return out / "events/harbour-vigil"


@pytest.mark.slow
@pytest.mark.parametrize(("locale", "material"), [
    ("en", "flyer"), ("en", "handbill"), ("en", "poster"), ("en", "palmcard"), ("de", "flyer")])
def test_the_date_and_place_are_the_largest_type_after_the_headline(event_kit, locale,
                                                                     material):
    pdf = event_kit / locale / f"{material}-shop.pdf"
    lines = [line for page in range(len(pypdfium2.PdfDocument(str(pdf))))
             for line in text_lines(pdf, page) if line.text.strip()]
    headline = max(line.size for line in lines)
    when = ("Monday, July" if locale == "en" else "Montag, 27.")
    marked = [line for line in lines
              if line.text.startswith((when, "Harbour Square")) and line.size < headline]
    assert len({line.text[:8] for line in marked}) == 2, [(line.text, line.size) for line in lines]
    second = min(line.size for line in marked)
    others = [line for line in lines if line.size < headline - 0.05 and line not in marked
              and not line.text.startswith(("Monday", "Montag", "Harbour Square"))]
    # (A date that wraps continues on a line of its own, as large: it is no rival.)
    rivals = [(line.text, line.size) for line in others if line.size > second + 0.05 and
              not any(line.text in date for date in ("July 27, 2099, 7:30 PM",
                                                     "Juli 2099, 19:30"))]
    assert not rivals, (second, rivals)


@pytest.mark.slow
@pytest.mark.parametrize("material", ["flyer", "handbill", "palmcard", "poster"])
def test_every_event_piece_is_signed_below_its_date(event_kit, material):
    """The mark signs the ask on an event piece too, at its size, and the date outranks it."""
    pdf = event_kit / "en" / f"{material}-shop.pdf"
    lines = [line for page in range(len(pypdfium2.PdfDocument(str(pdf))))
             for line in text_lines(pdf, page)]
    marks = [line.size for line in lines if line.text == WORDMARK]
    least = 36 if material == "poster" else 14
    assert marks and min(marks) >= least - 0.05, marks
    dates = [line.size for line in lines if line.text.startswith("Monday, July")]
    assert dates and min(dates) > max(marks) + 0.5, (dates, marks)
