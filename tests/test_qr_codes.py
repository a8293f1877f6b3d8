"""QR codes that scan in the field: small versions, big enough symbols, readable addresses."""

from __future__ import annotations

import re

import pytest

from pamphleteer.materials import MATERIALS
from pamphleteer.qr import MAX_VERSION

from conftest import build
from pdfinspect import qr_symbols, sized_runs

CARDS = ("palmcard", "callscript")


@pytest.mark.slow
@pytest.mark.parametrize("material", list(MATERIALS))
def test_codes_are_small_versions_printed_large_enough(fixture_kit, material):
    for profile in ("home", "shop", "screen"):
        symbols = qr_symbols(fixture_kit / f"en/{material}-{profile}.pdf")
        assert len(symbols) >= len(MATERIALS[material].qr), (material, profile)
        for text, version, width in symbols:
            assert version <= MAX_VERSION, (material, profile, text, version)
            if material in CARDS:
                assert width >= 2.0, (material, profile, width)
            if material == "poster" and profile != "home":  # at home it is scaled to a sheet
                assert width >= 6.0, (profile, width)


@pytest.mark.slow
@pytest.mark.parametrize(("material", "smallest"), [("palmcard", 8), ("callscript", 8),
                                                    ("poster", 18)])
def test_printed_addresses_are_large_enough_to_type(fixture_kit, material, smallest):
    addresses = [(size, text) for page in sized_runs(fixture_kit / f"en/{material}-screen.pdf")
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
    code, output = build(campaign, tmp_path, "-l", "en", "-m", "callscript", "-p", "screen")
    assert code == 0, output
    assert re.search(r"warning: \S*campaign\.toml:\d+: the petition link with its tracking is "
                     r"\d+ characters long: its QR code needs version \d+", output), output
    code, output = build(campaign, tmp_path, "-l", "en", "-m", "callscript", "-p", "screen",
                         "--strict")
    assert code == 1
