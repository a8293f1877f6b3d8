"""QR codes that scan in the field: small versions, big enough symbols, readable addresses."""

from __future__ import annotations

import re

import pytest

from pamphleteer.materials import MATERIALS, PRINTED
from pamphleteer.qr import MAX_VERSION

from conftest import build
from pdfinspect import qr_symbols, qr_texts, sized_runs

CARDS = ("palmcard", "callscript")


@pytest.mark.slow
@pytest.mark.parametrize("material", list(PRINTED))
def test_codes_are_small_versions_printed_large_enough(fixture_kit, material):
    for profile in ("home", "shop", "screen"):
        symbols = qr_symbols(fixture_kit / f"en/{material}-{profile}.pdf")
        assert len(symbols) >= len(MATERIALS[material].qr), (material, profile)
        for text, version, width in symbols:
            assert version <= MAX_VERSION, (material, profile, text, version)
            if material in CARDS:
                assert width >= 2.0, (material, profile, width)
            if material == "poster" and profile == "shop":  # home and screen scale it
                assert width >= 6.0, (profile, width)


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
def test_a_link_too_long_for_a_small_code_is_a_warning(campaign, tmp_path):
    settings = campaign / "campaign.toml"
    long = "https://example.org/" + "a-much-longer-petition-path/" * 3 + "sign"
    settings.write_text(re.sub(r'petition = "[^"]*"', f'petition = "{long}"',
                               settings.read_text()))
    code, output = build(campaign, tmp_path / "out", "-l", "en", "-m", "callscript", "-p", "screen")
    assert code == 0, output
    assert re.search(r"warning: \S*campaign\.toml:\d+: the petition link with its tracking is "
                     r"\d+ characters long: its QR code needs version \d+", output), output
    code, output = build(campaign, tmp_path / "out", "-l", "en", "-m", "callscript", "-p", "screen",
                         "--strict")
    assert code == 1


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
