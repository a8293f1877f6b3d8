"""End to end: the fixture campaign's flyers, rendered for real and inspected from the finished
files (the demo campaign is the organizers': see test_demo.py)."""

from __future__ import annotations

import itertools
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import FIXTURES, run
from pdfinspect import font_files, page_size_in, page_texts, qr_texts, qr_widths_cm

pytestmark = pytest.mark.slow  # every test here builds or reads a built kit

HANGUL = re.compile(r"[\uac00-\ud7a3]")
PETITION = "https://example.org/fx/sign"  # the fixture's short links
REPRESENTATIVES = "https://example.org/fx/rep"


def expected_urls(locale: str) -> set[str]:
    return {f"{PETITION}?ref=fl-{locale}", f"{REPRESENTATIVES}?ref=fl-{locale}"}


def test_each_flyer_is_one_letter_page_with_every_font_embedded(flyer_kit):
    for locale in ("en", "ko"):
        pdf = flyer_kit / locale / "flyer-home.pdf"
        assert page_size_in(pdf) == [(8.5, 11.0)]
        fonts = font_files(pdf)
        assert fonts, "no fonts at all: text was drawn as outlines?"
        assert all(fonts.values()), fonts
        # Only bundled faces: nothing borrowed from the machine's fonts.
        assert all(("Inter" in name or "Noto" in name) for name in fonts), fonts


def test_both_qr_codes_decode_from_the_printed_page(flyer_kit):
    for locale in ("en", "ko"):
        [codes] = qr_texts(flyer_kit / locale / "flyer-home.pdf")
        assert set(codes) == expected_urls(locale)
        for url in codes:
            query = parse_qs(urlsplit(url).query)
            assert query == {"ref": [f"fl-{locale}"]}  # one compact parameter


def test_qr_codes_are_at_least_2_cm_wide(flyer_kit):
    widths = qr_widths_cm(flyer_kit / "en" / "flyer-home.pdf")
    assert len(widths) == 2 and min(widths) >= 2.0, widths


def test_manifest_lists_exactly_the_verified_urls(flyer_kit):
    manifest = json.loads((flyer_kit / "manifest.json").read_text())
    assert manifest["campaign"] == "Fixture Peace Campaign"
    assert manifest["generator"].startswith("pamphleteer ")
    entries = {entry["path"]: entry for entry in manifest["outputs"]}
    assert set(entries) == {"en/flyer-home.pdf", "ko/flyer-home.pdf"}
    for locale in ("en", "ko"):
        entry = entries[f"{locale}/flyer-home.pdf"]
        assert {q["url"] for q in entry["qr"]} == expected_urls(locale)
        assert all(q["verified"] for q in entry["qr"])
        assert {q["purpose"] for q in entry["qr"]} == {"petition", "representatives"}
        assert entry["pages"] == 1 and entry["content_locale"] == locale
        assert entry["event"] is None and 0.85 <= entry["fit_scale"] <= 1.3
        data = (flyer_kit / entry["path"]).read_bytes()
        assert entry["bytes"] == len(data)


def test_korean_text_is_real_extractable_text(flyer_kit):
    [text] = page_texts(flyer_kit / "ko" / "flyer-home.pdf")
    assert "한국전쟁" in text
    assert "평화협정" in text
    assert "\ufffd" not in text


def test_english_copy_and_imprint_are_on_the_page(flyer_kit):
    [text] = page_texts(flyer_kit / "en" / "flyer-home.pdf")
    # Lines break wherever the fitted type puts them; units keep no-break spaces.
    text = re.sub(r"[ \n\u00a0]+", " ", text)
    assert "Make Peace Official" in text
    assert "73 years" in text  # {years_since:1953-07-27} at the 2026-11-28 edition
    assert "Paid for by Fixture Peace Campaign" in text
    assert "Scan to sign the petition" in text
    assert "example.org/fx/sign" in text.replace(" ", "")  # the short link, printed


def test_same_inputs_give_byte_identical_pdfs(project, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        code, output = run("build", "--project", str(project), "--out", str(out),
                           "-l", "en", "-m", "flyer")
        assert code == 0, output
    assert (first / "en/flyer-home.pdf").read_bytes() == (second / "en/flyer-home.pdf").read_bytes()


def test_korean_lines_break_only_between_words(flyer_kit):
    source = (FIXTURES / "campaign" / "content" / "ko" / "flyer.md").read_text()
    source = re.sub(r"\{years_since:[^}]*\}", "73", source).replace("**", "")
    [text] = page_texts(flyer_kit / "ko" / "flyer-home.pdf")
    lines = [line.split() for line in text.splitlines() if line.split()]
    checked = 0
    for before, after in itertools.pairwise(lines):
        last, first = before[-1], after[0]
        if not (HANGUL.search(last[-1]) and HANGUL.search(first[0])):
            continue
        checked += 1
        assert not (last + first in source and f"{last} {first}" not in source), (last, first)
    assert checked >= 5  # the body really wraps between Hangul words


def test_korean_pdfs_embed_fonts_numbered_for_ordinary_text(fixture_kit):
    """WeasyPrint's subsets keep glyph numbers, so a font embeds an entry for every glyph up
    to the highest used: the bundled Korean fonts number the common syllables first."""
    import io

    import pikepdf
    from fontTools.ttLib import TTFont

    pdf = pikepdf.open(fixture_kit / "ko" / "palmcard-home.pdf")
    korean = [TTFont(io.BytesIO(obj.FontFile3.read_bytes())) for obj in pdf.objects
              if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor"
              and "Sans-KR" in str(obj.FontName)]
    assert korean
    assert all(font["maxp"].numGlyphs < 4000 for font in korean), \
        [font["maxp"].numGlyphs for font in korean]
