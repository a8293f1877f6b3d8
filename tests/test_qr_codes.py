"""QR codes that scan in the field: coarse modules, strong error correction, short links,
readable addresses; decoded as a phone sees them, by two decoders."""

from __future__ import annotations

import re

import pytest

from pamphleteer.materials import MATERIALS, PRINTED
from pamphleteer.preflight import code_regions
from pamphleteer.qr import side

from conftest import build
from pdfinspect import decoded_share, phone_decodes, qr_symbols, qr_texts, sized_runs

CARDS = ("palmcard", "callscript")


@pytest.mark.slow
@pytest.mark.parametrize("material", list(PRINTED))
def test_printed_codes_have_modules_a_phone_reads_in_a_crowd(fixture_kit, material):
    """0.8 mm modules on handheld pieces and 1.2 mm on the poster at the shop (the home
    poster is the shop's scaled to a home sheet), error correction M or Q, never L."""
    floor = MATERIALS[material].min_module
    for profile in ("home", "shop"):
        symbols = qr_symbols(fixture_kit / f"en/{material}-{profile}.pdf", levels=True)
        assert len(symbols) >= len(MATERIALS[material].qr), (material, profile)
        for text, version, width, level in symbols:
            module = width * 10 / side(version)
            least = 0.8 if (material, profile) == ("poster", "home") else floor
            assert module >= least, (material, profile, text, version, module)
            assert level in ("M", "Q"), (material, profile, text, level)
            assert "?ref=" in text and "utm_" not in text, text  # one compact parameter


@pytest.mark.slow
@pytest.mark.parametrize(("material", "smallest"), [("palmcard", 8), ("callscript", 8),
                                                    ("poster", 18)])
def test_printed_addresses_are_large_enough_to_type(fixture_kit, material, smallest):
    addresses = [(size, text) for page in sized_runs(fixture_kit / f"en/{material}-shop.pdf")
                 for size, text in page
                 if ("example.org/" in text or "representatives/" in text) and "Paid" not in text]
    assert len(addresses) >= 2, addresses  # both codes' addresses were found
    for size, text in addresses:
        assert size >= smallest, (material, size, text)


@pytest.mark.slow
def test_a_link_too_long_for_a_small_code_is_a_warning_naming_it(campaign, tmp_path):
    settings = campaign / "campaign.toml"
    long = "https://example.org/" + "a-much-longer-petition-path/" * 3 + "sign"
    text = settings.read_text()
    text = re.sub(r'\[short_links\]\npetition = "[^"]*"\n', "[short_links]\n", text)
    settings.write_text(re.sub(r'petition = "[^"]*"', f'petition = "{long}"', text, count=1))
    code, output = build(campaign, tmp_path / "out", "-l", "en", "-m", "callscript", "-p", "screen")
    assert code == 0, output
    assert re.search(r"warning: \S*campaign\.toml:\d+: the petition code on the callscript "
                     r"carries \d+ characters \(https://example\.org/a-much[^)]*\?ref=cs-en\): "
                     r"its modules print 0\.\d\d mm wide, under the 0\.8 mm a phone reads .*"
                     r"set a short link for it under \[short_links\] petition", output), output
    code, output = build(campaign, tmp_path / "out", "-l", "en", "-m", "callscript", "-p", "screen",
                         "--strict")
    assert code == 1


@pytest.mark.slow
def test_codes_decode_as_a_phone_sees_them_with_zxing_and_zbar(fixture_kit):
    """Whole pages at 150 dpi, blurred 1.5 px, tilted 7 degrees, at 60% contrast: every code
    of the home and shop pieces decodes with zxing-cpp, nine in ten or more with zbar."""
    printed = zxing = zbar = 0
    missed = []
    for pdf in sorted(fixture_kit.glob("*/*-home.pdf")) + sorted(fixture_kit.glob("*/*-shop.pdf")):
        for page, (codes, by_zxing, by_zbar) in enumerate(phone_decodes(pdf)):
            printed += len(codes)
            zxing += decoded_share(by_zxing, codes)
            zbar += decoded_share(by_zbar, codes)
            if decoded_share(by_zxing, codes) < len(codes):
                missed.append((pdf.name, page, codes, by_zxing))
    assert printed >= 70  # every piece's codes were found on a clean raster (75)
    assert not missed and zxing == printed, missed
    assert zbar >= 0.9 * printed, (zbar, printed)


@pytest.mark.slow
@pytest.mark.parametrize("material", list(PRINTED))
def test_screens_say_tap_and_paper_says_scan(fixture_kit, material):
    from pdfinspect import page_texts

    screen = " ".join(page_texts(fixture_kit / f"en/{material}-screen.pdf"))
    paper = " ".join(page_texts(fixture_kit / f"en/{material}-home.pdf"))
    assert "Tap to" in screen and "Scan" not in screen, material
    assert "Scan to" in paper and "Tap to" not in paper, material


@pytest.mark.slow
def test_the_palm_card_front_points_to_the_codes(fixture_kit):
    from pdfinspect import page_texts

    def front(profile: str) -> str:
        return " ".join(page_texts(fixture_kit / f"en/palmcard-{profile}.pdf")[0].split())

    # The codes are on the back (the next page on a screen); the front says where to look.
    assert "Scan the codes on the back" in front("shop")
    assert "Scan the codes on the back" in front("home")
    assert "Tap the codes on the next page" in front("screen")
    assert not qr_texts(fixture_kit / "en/palmcard-shop.pdf")[0]  # none on the front itself


def test_a_code_s_region_is_where_its_page_draws_it():
    """The layout's boxes (pt from a trim page's top left) on the PDF page (bottom left)."""
    box = [(0, 100.0, 200.0, 80.0, 80.0)]
    assert code_regions(box, [(0, 0, 612, 792)]) == [[(100, 512, 180, 592)]]
    # A shop page: the trim box sits inside the bleed and the slug.
    assert code_regions(box, [(45, 45, 657, 837)]) == [[(145, 557, 225, 637)]]
    # A home sheet: the card drawn twice, each where the plan puts it.
    placed = [[(0, 36.0, 200.0, 1.0), (0, 420.0, 200.0, 0.5)]]
    assert code_regions([(0, 10.0, 20.0, 50.0, 50.0)], [(0, 0, 792, 612)], placed, 360.0) == \
        [[(46, 490, 96, 540), (425, 345, 450, 370)]]


@pytest.mark.slow
@pytest.mark.parametrize("material", ["flyer", "callscript", "palmcard", "signsheet"])
def test_the_build_reads_each_code_from_its_own_region(campaign, monkeypatch, material):
    """No code needs the whole page: every one decodes from the region the layout gives it,
    on the piece's own pages and on a home printer's sheets."""
    from pamphleteer import checks, preflight
    from pamphleteer.pipeline import build_document
    from pamphleteer.project import load_project

    calls = {"regions": 0, "pages": 0}
    scan = preflight.scan_pages

    def spy(pdf, *args, codes=None, **kwargs):
        calls["pages" if codes is None else "regions"] += 1
        return scan(pdf, *args, codes=codes, **kwargs)

    monkeypatch.setattr(preflight, "scan_pages", spy)
    monkeypatch.setattr(checks, "scan_pages", spy)
    results = build_document(load_project(campaign), "en", material, ("home", "shop", "screen"))
    assert all(not r.errors and r.output and r.output.qr for r in results), results
    assert all(code["verified"] for r in results for code in r.output.qr)
    assert calls == {"regions": 3, "pages": 0}, calls
