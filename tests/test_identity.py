"""One campaign identity on every piece: the masthead band with the wordmark and logo, at home
as at the shop and on screens; and a logo file read as carefully as content."""

from __future__ import annotations

import re
from pathlib import Path

import numpy
import pypdfium2
import pytest

from pamphleteer.identity import INK, sanitize_logo
from pamphleteer.materials import PRINTED

from conftest import FIXTURE_EN, FIXTURES, build, run
from pdfinspect import find_text, page_chars, page_texts, text_runs

PRIMARY = (0x17, 0x32, 0x5A)  # the fixture's brand primary, in RGB


def raster(path: Path, dpi: int = 72) -> numpy.ndarray:
    """The first page as RGB pixels, one per point at 72 dpi."""
    pdf = pypdfium2.PdfDocument(str(path))
    pixels = numpy.asarray(pdf[0].render(scale=dpi / 72).to_pil().convert("RGB")).astype(int)
    pdf.close()
    return pixels


def is_primary(pixel) -> bool:
    return all(abs(int(a) - b) < 12 for a, b in zip(pixel, PRIMARY, strict=True))


@pytest.mark.slow
def test_every_piece_carries_the_wordmark_in_every_profile(fixture_kit):
    for material in PRINTED:
        for profile in ("home", "shop", "screen"):
            first = page_texts(fixture_kit / f"en/{material}-{profile}.pdf")[0]
            # The wordmark, set in capitals (the imprint names the campaign in mixed case).
            assert "FIXTURE PEACE" in first.replace("\u00a0", " "), (material, profile)


@pytest.mark.slow
def test_the_band_is_at_home_within_the_printable_area(fixture_kit):
    home = raster(fixture_kit / "en/flyer-home.pdf")
    # Nothing within 0.25 in (18 pt) of the sheet's top edge; the band just below it.
    assert (home[:17] > 245).all()
    assert is_primary(home[26, 306]) and is_primary(home[26, 20])
    assert not is_primary(home[26, 10])  # 0.25 in in from the side, too
    # At the shop the same band runs into the bleed, to the trim's top edge and past it.
    shop = raster(fixture_kit / "en/flyer-shop.pdf")
    trim, bleed = 36, 9  # the trim starts 0.5 in in from the media; 0.125 in of bleed
    for y in (trim - bleed + 2, trim + 2, trim + 26):
        red, _, blue = shop[y, trim + 306]
        assert blue > red + 60 and blue < 160, (y, shop[y, trim + 306])  # navy, in CMYK
    assert (shop[trim + 40, trim + 306] > 245).all()  # and white below the band


@pytest.mark.slow
def test_the_logo_is_drawn_in_the_band_and_can_be_left_out(campaign, tmp_path):
    code, output = build(campaign, tmp_path / "logo", "-l", "en", "-m", "flyer", "-p", "home")
    assert code == 0, output
    settings = campaign / "campaign.toml"
    settings.write_text(settings.read_text().replace('logo = "assets/brand/logo.svg"\n', ""))
    code, output = build(campaign, tmp_path / "none", "-l", "en", "-m", "flyer", "-p", "home")
    assert code == 0, output
    def wordmark_x(path: Path) -> float:
        [x] = [x for x, _, text in text_runs(path)[0] if "FIXTURE PEACE" in text]
        return x

    def white_in_band(path: Path, right: float) -> int:
        """White pixels in the band's row, from the margin to ``right`` (points)."""
        return int((raster(path)[19:32, 30:int(right) - 1] > 230).all(axis=2).sum())

    logo, none = tmp_path / "logo/en/flyer-home.pdf", tmp_path / "none/en/flyer-home.pdf"
    # The wordmark starts at the margin (0.5 in) alone, and further right after the logo,
    # which is knocked out of the band in white.
    assert wordmark_x(none) == pytest.approx(36, abs=1)
    assert wordmark_x(logo) > wordmark_x(none) + 10
    assert white_in_band(logo, wordmark_x(logo)) > 20
    assert white_in_band(none, wordmark_x(none)) == 0


def test_a_logo_holds_only_shapes_in_one_colour():
    markup, ratio = sanitize_logo(b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20">'
                                  b'<circle cx="10" cy="10" r="8" fill="#ff0000"/>'
                                  b'<path d="M0 0h4" stroke="red" fill="none"/></svg>')
    assert ratio == 2
    assert "#ff0000" not in markup and "red" not in markup and markup.count(INK) == 3
    for svg, complaint in (
            (b'<svg viewBox="0 0 1 1"><script>alert(1)</script></svg>', "<script>"),
            (b'<svg viewBox="0 0 1 1"><image href="file:///etc/passwd"/></svg>', "<image>"),
            (b'<svg viewBox="0 0 1 1"><rect style="display:none"/></svg>', "'style'"),
            (b'<svg viewBox="0 0 1 1"><text>Hi</text></svg>', "<text>"),
            (b'<!DOCTYPE svg [<!ENTITY x "y">]><svg viewBox="0 0 1 1"/>', "DOCTYPE"),
            ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE svg [<!ENTITY x "y">]>'
             '<svg viewBox="0 0 1 1"/>'.encode("utf-16"), "is not UTF-8 text"),
            (b'<svg width="10" height="10"/>', "viewBox"),
            (b'<svg viewBox="0 0 100 1"/>', "times as wide"),
            (b"<svg viewBox=", "not valid SVG")):
        with pytest.raises(ValueError, match=complaint.replace("(", r"\(")):
            sanitize_logo(svg)


def test_a_logo_outside_assets_is_refused_with_its_line(campaign):
    settings = campaign / "campaign.toml"
    (campaign / "logo.svg").write_text('<svg viewBox="0 0 1 1"/>')
    settings.write_text(settings.read_text().replace('"assets/brand/logo.svg"', '"logo.svg"'))
    code, output = run("check", "--project", str(campaign))
    line = settings.read_text().splitlines().index('logo = "logo.svg"') + 1
    assert code == 1 and f"campaign.toml:{line}" in output
    assert "must be an SVG file in this campaign's assets/ folder" in output
    assert "Traceback" not in output


def front_matter(locale: str, material: str, key: str) -> str:
    folder = FIXTURE_EN if locale == "en" else FIXTURES / "campaign" / "content" / locale
    source = (folder / f"{material}.md").read_text("utf-8")
    return re.search(rf'^{key}: "(.*)"', source, re.MULTILINE)[1]


def _letters(text: str) -> str:
    return "".join(text.split()).replace("\u2019", "'")


@pytest.mark.slow
@pytest.mark.parametrize("locale, material", [("en", m) for m in PRINTED]
                         + [("de", m) for m in ("flyer", "trifold", "booklet", "callscript")])
def test_the_call_to_action_is_the_strongest_block_of_every_piece(fixture_kit, locale, material):
    """Wherever its heading is printed, it is the largest type but the headline's, and it
    stands on a field of colour (the tint, or the primary colour), not on bare paper."""
    cta, title = front_matter(locale, material, "cta"), front_matter(locale, material, "title")
    for profile in ("shop", "screen"):
        path = fixture_kit / locale / f"{material}-{profile}.pdf"
        pdf = pypdfium2.PdfDocument(str(path))
        seen = 0
        for number, chars in enumerate(page_chars(path)):
            starts = find_text([(_letters(c), s, b) for c, s, b in chars], _letters(cta))
            if not starts:
                continue
            seen += 1
            headline = find_text([(_letters(c), s, b) for c, s, b in chars], _letters(title))
            spans = [range(at, at + len(_letters(cta))) for at in starts] + \
                    [range(at, at + len(_letters(title))) for at in headline]
            others = [size for index, (_, size, _) in enumerate(chars)
                      if not any(index in span for span in spans)]
            size = chars[starts[0]][1]
            assert size >= max(others) - 0.05, (path.name, number + 1, size, max(others))
            # The field: just left of the heading's first letter, inside the block's padding.
            page = pdf[number]
            left, bottom, _, top = chars[starts[0]][2]
            media = page.get_mediabox()
            image = page.render(scale=2).to_pil().convert("L")
            y = round((media[3] - (bottom + top) / 2) * 2)
            field = [image.getpixel((round((left - media[0] - dx) * 2), y)) for dx in (2, 3, 4)]
            assert max(field) < 245, (path.name, number + 1, field)
        assert seen, f"{path.name} does not print its call to action '{cta}'"
        pdf.close()
