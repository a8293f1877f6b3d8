"""Right to left: an Arabic translation of the fixture campaign (tests/fixtures/scripts/ar,
real translations with Latin names, links and numbers inside) prints mirrored pages whose
links, numbers and codes still read left to right."""

from __future__ import annotations

import shutil

import pikepdf
import pypdf
import pytest

from pamphleteer.impose import plan_sheets
from pamphleteer.materials import MATERIALS, SHEETS
from pamphleteer.profiles import PROFILES
from pamphleteer.render import geometry
from pamphleteer.typography import typeset

from conftest import FIXTURES, build, fixture_campaign, run
from pdfinspect import page_chars, page_size_in, qr_texts

MIRRORED = ("flyer", "palmcard", "poster", "handbill", "callscript", "signsheet", "trifold")


@pytest.fixture(scope="module")
def arabic(tmp_path_factory):
    """The fixture campaign with its Arabic translation, built (shop and screen) beside the
    English, under --strict; the output folder."""
    root = tmp_path_factory.mktemp("rtl")
    campaign = fixture_campaign("campaign", root)
    code, output = run("new-locale", "ar", "--project", str(campaign))
    assert code == 0, output
    for path in (FIXTURES / "scripts" / "ar").iterdir():
        shutil.copy(path, campaign / "content/ar" / path.name)
    assert run("mark-translated", "ar", "--project", str(campaign))[0] == 0
    materials = [arg for name in MIRRORED for arg in ("-m", name)]
    code, output = build(campaign, root / "out", "-l", "ar", "-l", "en", *materials,
                         "-p", "shop", "-p", "screen", "-p", "home", "--strict")
    assert code == 0, output
    return root / "out"


def test_new_locale_gives_arabic_its_direction_and_font(campaign):
    code, output = run("new-locale", "ar", "--project", str(campaign))
    assert code == 0, output
    settings = (campaign / "content/ar/locale.toml").read_text("utf-8")
    assert 'direction = "rtl"' in settings, settings
    assert 'text = ["Noto Sans Arabic", "Inter"]' in settings, settings  # Latin from Inter


def _x(chars, text: str) -> list[float]:
    """The left edges of the characters of ``text`` as the page shows it: read off a line's
    characters from left to right by where they are drawn (not in the order a text
    extractor gives, which reorders right-to-left lines by its own rules)."""
    rows: list[list] = []  # [bottom, top, characters]: what one line's glyphs span
    for char, size, box in sorted(chars, key=lambda c: c[2][3] - c[2][1], reverse=True):
        middle = (box[1] + box[3]) / 2  # tall glyphs first: they set each line's span
        row = next((r for r in rows if r[0] - 0.1 * size <= middle <= r[1] + 0.1 * size),
                   None)
        if row is None:
            rows.append([box[1], box[3], [(box[0], char)]])
        else:
            row[2].append((box[0], char))
    wanted = "".join(text.split())
    for _, _, row in rows:
        row.sort()
        row = [(x, char) for x, char in row if char not in "()"]  # brackets: see above
        shown = "".join(char for _, char in row)
        at = shown.find(wanted)
        if at >= 0:
            return [x for x, _ in row[at:at + len(wanted)]]
    raise AssertionError(f"{text!r} is not shown left to right on any line")


@pytest.mark.slow
@pytest.mark.parametrize("material", ["flyer", "palmcard", "poster"])
def test_pages_mirror(arabic, material):
    # The masthead's wordmark starts at the right, as the copy does; in English at the left.
    for locale, right in (("ar", True), ("en", False)):
        pdf = arabic / locale / f"{material}-shop.pdf"
        width = page_size_in(pdf)[0][0] * 72
        mark = _x(page_chars(pdf)[0], "FIXTURE")
        assert (min(mark) > width / 2) == right, (locale, material, mark, width)


@pytest.mark.slow
def test_the_first_column_is_the_right_one(arabic):
    # The flyer's copy starts in the right column ("... in 1950"), as Arabic reads.
    for locale, right in (("ar", True), ("en", False)):
        pdf = arabic / locale / "flyer-shop.pdf"
        width = page_size_in(pdf)[0][0] * 72
        assert (min(_x(page_chars(pdf)[0], "1950")) > width / 2) == right, locale


@pytest.mark.slow
@pytest.mark.parametrize("material", ["flyer", "palmcard", "poster", "callscript"])
def test_links_numbers_and_codes_read_left_to_right(arabic, material):
    pdf = arabic / "ar" / f"{material}-shop.pdf"
    pages = page_chars(pdf)
    # (A bracket of a number is drawn mirrored where it stands in right-to-left text: its
    # digits are what must read in order.)
    texts = ["example.org/fx/sign"] + (["202224-3121"] if material == "callscript" else [])
    if material == "flyer":
        texts += ["28,500", "13.4"]
    for text in texts:  # shown, left to right, on one of the pages
        assert any(_shows(chars, text) for chars in pages), (material, text)
    # Both codes decode from a raster of the mirrored page.
    found = {code for page in qr_texts(pdf) for code in page}
    assert any("/fx/sign" in code for code in found), found


@pytest.mark.slow
def test_arabic_is_shaped_and_extracts_as_written(arabic):
    pdf = arabic / "ar" / "flyer-screen.pdf"
    text = pypdf.PdfReader(pdf).pages[0].extract_text()
    # Joined letters and the lam-alef ligature, read back in logical order.
    assert "سلام" in text and "إطلاق النار" in text, text[:300]
    with pikepdf.open(pdf) as document:
        names = {str(font.get("/BaseFont")) for font in document.objects
                 if isinstance(font, pikepdf.Dictionary) and font.get("/Type") == "/Font"}
        assert document.Root.ViewerPreferences.Direction == "/R2L"
        assert document.Root.ViewerPreferences.DisplayDocTitle  # PDF/UA's, kept
    assert any("Noto-Sans-Arabic" in name for name in names), names
    with pikepdf.open(arabic / "en" / "flyer-screen.pdf") as english:
        assert "/Direction" not in english.Root.ViewerPreferences


@pytest.mark.slow
def test_a_call_script_s_english_lines_read_left_to_right(arabic):
    pdf = arabic / "ar" / "callscript-shop.pdf"
    assert _shows(page_chars(pdf)[0], "Hello, my name is")


@pytest.mark.slow
def test_the_tri_fold_is_mirrored(arabic):
    # The cover (with the wordmark) on the left third of the outside sheet, not the right.
    for locale, left in (("ar", True), ("en", False)):
        pdf = arabic / locale / "trifold-shop.pdf"
        width = page_size_in(pdf)[0][0] * 72
        assert (max(_x(page_chars(pdf)[0], "FIXTURE")) < width / 3) == left, locale


@pytest.mark.slow
def test_the_kit_page_sets_arabic_right_to_left(arabic):
    page = (arabic / "index.html").read_text("utf-8")
    assert 'id="kit-ar" lang="ar" dir="rtl"' in page
    assert 'id="kit-en" lang="en" aria' in page


def _shows(chars, text: str) -> bool:
    try:
        return bool(_x(chars, text))
    except AssertionError:
        return False


def test_a_booklet_is_bound_on_its_right_and_a_tri_fold_folds_mirrored():
    booklet = MATERIALS["booklet"]
    trim = booklet.trim["letter"]
    for rtl, cover_left in ((False, False), (True, True)):
        side = plan_sheets(booklet, SHEETS["letter"], trim, 8, rtl=rtl).sheets[0]
        x = {place.page: place.x for place in side.placements}
        assert (x[0] < x[7]) == cover_left, (rtl, x)  # the cover, page 0, and the back, 7
    trifold = MATERIALS["trifold"]
    width = trifold.trim["letter"][0]
    ltr = geometry(trifold, PROFILES["shop"], "letter").folds
    rtl = geometry(trifold, PROFILES["shop"], "letter", rtl=True).folds
    assert rtl == tuple(tuple(sorted(width - x for x in side)) for side in ltr) != ltr


def test_a_phone_number_in_arabic_reads_left_to_right_whole():
    set_ = typeset("اتصلوا على الرقم (202) 224-3121 الآن، منذ 1953 و28,500 جندي", "ar")
    assert '<span class="ltr">(202)\u00a0224-3121</span>' in set_, set_
    assert "1953" in set_ and '<span class="ltr">1953' not in set_  # a year stays as it is
    assert "<span" not in typeset("call (202) 224-3121 now", "en")
