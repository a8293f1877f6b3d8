"""The screen profile is read on a phone: pages a phone shows at a readable size, as tall as
their copy, with codes to tap."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import build
from pdfinspect import empty_bands, text_sizes

PHONE = 390  # CSS px across which a phone shows a page


def phone_px(path: Path) -> list[tuple[float, float]]:
    """Each page's body text (the size most characters have) and smallest text, in px on a
    phone ``PHONE`` px wide."""
    found = []
    for page, sizes in zip(PdfReader(path).pages, text_sizes(path), strict=True):
        width = float(page.mediabox.width)
        body = max(sizes, key=lambda size: sizes[size])
        found.append((body * PHONE / width, min(sizes) * PHONE / width))
    return found


@pytest.mark.slow
def test_screen_text_reads_on_a_phone(fixture_kit: Path) -> None:
    screens = sorted(fixture_kit.glob("*/*-screen.pdf"))
    assert len(screens) >= 8 + 4  # every English material, and the German and Korean ones
    for path in screens:
        for number, (body, smallest) in enumerate(phone_px(path), 1):
            where = f"{path.relative_to(fixture_kit)} page {number}"
            assert body >= 10, f"{where}: body text {body:.1f} px at {PHONE} px wide"
            assert smallest >= 8, f"{where}: small print {smallest:.1f} px at {PHONE} px wide"
    # The measure tells: the same flyer laid out for paper is far too small on a phone.
    body, _ = phone_px(fixture_kit / "en" / "flyer-shop.pdf")[0]
    assert body < 8


@pytest.mark.slow
def test_screen_pages_are_as_tall_as_their_copy(fixture_kit: Path) -> None:
    for path in sorted(fixture_kit.glob("*/*-screen.pdf")):
        reader = PdfReader(path)
        widths = {round(float(page.mediabox.width)) for page in reader.pages}
        assert len(widths) == 1 and widths.pop() <= 360, path  # 5 in at most, one width
        for page, band in zip(reader.pages, empty_bands(path), strict=True):
            # Nothing but the page's own padding below the copy: no hole, nothing cut off.
            assert band * float(page.mediabox.height) < 0.5 * 72, (path, band)


@pytest.mark.slow
def test_type_too_small_for_a_phone_is_reported(campaign: Path, tmp_path: Path) -> None:
    css = campaign / "templates" / "css" / "flyer.css"
    css.write_text(css.read_text() + "\n.profile-screen .sections { font-size: 7pt; }\n")
    code, output = build(campaign, tmp_path / "out", "-l", "en", "-m", "flyer", "-p", "screen",
                         "--strict")
    assert code == 1
    assert "on a phone 390 px wide" in output and "flyer.html.j2" in output


@pytest.mark.slow
def test_the_signature_sheet_on_a_phone_has_two_lines_per_signer(fixture_kit: Path) -> None:
    import tomllib

    from pamphleteer.materials import SIGNATURE_COLUMNS

    from pdfinspect import text_runs

    strings = tomllib.loads((fixture_kit.parent / "campaign/content/en/strings.toml")
                            .read_text(encoding="utf-8"))
    headers = [strings[key] for key in SIGNATURE_COLUMNS]
    # A heading may wrap in its cell ("Phone / (optional)"): each is found by its first word.
    where = {text.split()[0]: (x, y)
             for x, y, text in text_runs(fixture_kit / "en/signsheet-screen.pdf")[0]
             if text.split()}
    # Eight columns do not fit a phone's width: four above four, for each signer.
    rows = [[where[header.split()[0]] for header in headers[:4]],
            [where[header.split()[0]] for header in headers[4:]]]
    for row in rows:
        ys = [y for _, y in row]  # one line of the table (a wrapped heading sits higher)
        assert max(ys) - min(ys) < 8, row
        assert [x for x, _ in row] == sorted(x for x, _ in row), row  # left to right
    assert rows[0][0][1] > rows[1][0][1]  # the first four above the other four
