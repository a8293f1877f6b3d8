"""Content photos: from assets/ only, with alt text; CMYK at the shop, a warning below 250 ppi."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import warnings
from pathlib import Path

import numpy
import pikepdf
import pypdfium2
import pytest
from PIL import Image, ImageDraw

from pamphleteer.errors import ContentError
from pamphleteer.markup import to_html

from conftest import ROOT, build, fixture_campaign, run
from pdfinspect import text_lines

ALT = "Marchers with banners outside the Capitol"
CAPTION = "Volunteers at the 2025 march"


def photo(path: Path, width: int) -> Path:
    """A photo-like RGB JPEG (a sky, a crowd) ``width`` pixels wide, 3:2."""
    height = width * 2 // 3
    image = Image.new("RGB", (width, height), (120, 170, 210))
    draw = ImageDraw.Draw(image)
    for index in range(8):
        x = width * (index + 1) // 9
        draw.rectangle((x - width // 24, height // 2, x + width // 24, height),
                       fill=(190 - 15 * index, 40 + 18 * index, 50))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, quality=90)
    return path


def html(source: str, root: Path, warnings=None) -> str:
    return to_html(source, path=Path("c.md"), line=10, edition=dt.date(2026, 11, 28),
                   keep_words=False, diagnostics=[] if warnings is None else warnings,
                   photos=root)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    photo(tmp_path / "assets" / "photos" / "rally.jpg", 300)
    return tmp_path


def test_a_photo_from_assets_becomes_a_captioned_figure_with_its_alt_text(root: Path) -> None:
    out = html(f'Intro.\n\n![{ALT}](assets/photos/rally.jpg "It\'s {CAPTION}")\n\nMore.', root)
    assert f'<img src="assets/photos/rally.jpg" alt="{ALT}" data-line="12">' in out
    assert "<figcaption>It\u2019s Volunteers" in out  # captions are typeset like copy
    assert out.index("Intro") < out.index("<figure") < out.index("More")


@pytest.mark.slow
@pytest.mark.parametrize("source, problem", [
    ("![](assets/photos/rally.jpg)", "needs alt text"),
    ("![x](../outside.jpg)", "outside assets/"),
    ("![x](assets/../campaign.toml)", "outside assets/"),
    ("![x](/etc/hosts)", "not a photo in assets/"),
    ("![x](file:///etc/passwd)", "comes from this campaign's assets/"),
    ("![x](https://example.org/a.jpg)", "comes from this campaign's assets/"),
    ("![x](assets/photos/missing.jpg)", "does not exist"),
    ("![x](assets/photos/notes.png)", "cannot be read as an image"),
    ("![x](assets/photos/real.png)", "is a JPEG file named like a PNG"),
    ("![x](assets/photos/huge.png)", "megapixels"),
    ("![x](assets/link.jpg)", "outside assets/"),
    ("Look: ![x](assets/photos/rally.jpg) here.", "a paragraph of its own"),
])
def test_a_photo_is_refused_with_its_line(root: Path, source: str, problem: str) -> None:
    (root / "outside.jpg").write_bytes((root / "assets/photos/rally.jpg").read_bytes())
    (root / "assets/link.jpg").symlink_to(root / "outside.jpg")
    (root / "assets/photos/notes.png").write_text("not an image")
    shutil.copy(root / "assets/photos/rally.jpg", root / "assets/photos/real.png")
    # A PNG header that claims 10,000 x 10,000 pixels: refused before anything decodes it.
    Image.new("1", (10_000, 10_000)).save(root / "assets/photos/huge.png")
    with pytest.raises(ContentError, match=problem) as info, warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        html(f"Intro.\n\n{source}\n", root)
    assert info.value.line == 12 and str(info.value.file) == "c.md"


def test_without_a_campaign_images_are_removed_with_a_warning(root: Path) -> None:
    warnings = []
    out = to_html("![x](assets/photos/rally.jpg)", path=Path("c.md"), line=1,
                  edition=dt.date(2026, 11, 28), keep_words=False, diagnostics=warnings)
    assert "<img" not in out and "an image is not allowed" in str(warnings[0])


def with_photo(tmp_path: Path, width: int) -> tuple[Path, int]:
    """The fixture campaign with a photo ``width`` pixels wide in its flyer; and its line."""
    campaign = fixture_campaign("campaign", tmp_path)
    (campaign / "assets").unlink()  # a real folder: the photo lives inside the campaign
    shutil.copytree(ROOT / "assets", campaign / "assets")
    photo(campaign / "assets" / "photos" / "rally.jpg", width)
    flyer = campaign / "content" / "en" / "flyer.md"
    lines = flyer.read_text(encoding="utf-8").split("\n")
    at = next(n for n, line in enumerate(lines) if line.startswith("## The standoff"))
    lines[at:at] = [f'![{ALT}](assets/photos/rally.jpg "{CAPTION}")', ""]
    flyer.write_text("\n".join(lines), encoding="utf-8")
    return campaign, at + 1


def images(path: Path) -> list[tuple[str, float, tuple[float, ...]]]:
    """Each image on page 1: its colour space, its ppi as printed, and its bounds (pt)."""
    document = pypdfium2.PdfDocument(path)
    found = []
    for obj in document[0].get_objects(filter=[pypdfium2.raw.FPDF_PAGEOBJ_IMAGE], max_depth=4):
        meta = obj.get_metadata()
        found.append((meta.colorspace, meta.horizontal_dpi, obj.get_bounds()))
    with pikepdf.open(path) as pdf:
        spaces = [str(image.ColorSpace) for image in pdf.pages[0].get_images().values()]
    return [(space, ppi, bounds) for space, (_, ppi, bounds) in zip(spaces, found, strict=True)]


@pytest.mark.slow
def test_a_photo_prints_in_cmyk_at_the_shop_and_is_tagged_with_its_alt_on_screens(
        tmp_path: Path) -> None:
    campaign, _ = with_photo(tmp_path, 1800)
    out = tmp_path / "dist"
    code, output = build(campaign, out, "-l", "en", "-m", "flyer", "--strict")
    assert code == 0, output
    shop, = images(out / "en" / "flyer-shop.pdf")
    assert shop[0] == "/DeviceCMYK" and shop[1] >= 250  # the press's colours, full detail
    with pikepdf.open(out / "en" / "flyer-shop.pdf") as pdf:
        assert all("/DeviceRGB" not in str(image.ColorSpace)
                   for page in pdf.pages for image in page.get_images().values())
    # The photo shows on the page (not a blank box): its middle is far from white paper.
    page = pypdfium2.PdfDocument(out / "en" / "flyer-shop.pdf")[0]
    left, bottom, right, top = shop[2]
    raster = page.render(scale=1).to_pil().convert("L")
    middle = (int((left + right) / 2), int(page.get_height() - (bottom + top) / 2))
    assert raster.getpixel(middle) < 200
    home, = images(out / "en" / "flyer-home.pdf")
    assert home[0] == "/DeviceRGB" and 250 <= home[1] <= 301  # kept to 300 ppi at home
    with pikepdf.open(out / "en" / "flyer-screen.pdf") as pdf:
        figures = [element for element in _structure(pdf.Root.StructTreeRoot)
                   if element.get("/S") == "/Figure"]
    assert ALT in [str(figure.Alt) for figure in figures if "/Alt" in figure]


def _structure(node):
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary):
            yield kid
            yield from _structure(kid)


@pytest.mark.slow
def test_a_photo_with_too_little_detail_for_a_print_shop_is_a_warning(tmp_path: Path) -> None:
    campaign, line = with_photo(tmp_path, 600)
    out = tmp_path / "dist"
    code, output = build(campaign, out, "-l", "en", "-m", "flyer", "-p", "shop", "-p", "home")
    assert code == 0, output
    warning = f"content/en/flyer.md:{line}: this photo prints"
    assert warning in output and "ppi; a print shop needs 250 ppi" in output
    manifest = json.loads((out / "manifest.json").read_text())
    flagged = {entry["profile"] for entry in manifest["outputs"]
               if any("ppi" in w for w in entry["warnings"])}
    assert flagged == {"shop"}  # a home printer needs far less
    code, output = build(campaign, out, "-l", "en", "-m", "flyer", "-p", "shop", "--strict")
    assert code == 1 and warning in output
    code, output = run("check", "--project", str(campaign), "-l", "en")
    assert code == 0 and warning in output


def test_a_photo_slot_places_the_campaign_s_photo(root: Path) -> None:
    out = html(f"Intro.\n\n@photo assets/photos/rally.jpg | {ALT}\n", root)
    assert f'<figure class="photo fixed-size"><img src="assets/photos/rally.jpg" alt="{ALT}" ' \
        'data-line="12">' in out
    assert f"<figcaption>{ALT}</figcaption>" in out


def test_a_photo_slot_without_a_photo_shows_its_designed_fallback(root: Path) -> None:
    out = html("@photo | Families kept apart for 73 years\n", root)
    assert '<div class="photo-slot visual"><div class="photo-slot-body">' in out
    assert '<p class="photo-slot-text">Families kept apart for 73\u00a0years</p>' in out
    # A mark of people, stroked in the page's reversed colour (paint fills it in per profile).
    assert '<svg class="drawing slot-mark" aria-hidden="true"' in out
    assert 'stroke="{reverse}"' in out and "<img" not in out


@pytest.mark.parametrize(("source", "problem"), [
    ("Text.\n\n@photo assets/photos/rally.jpg\n", "'@photo' needs words saying what the photo "
     "shows"),
    ("Text.\n\n@photo assets/photos/none.jpg | A crowd\n", "photo 'assets/photos/none.jpg' "
     "does not exist"),
    ("Text.\n\n@photo ../outside.jpg | A crowd\n", "is outside assets/"),
    ("Text.\n\n@photo | One\n@photo | Two\n", "one '@photo' line is one photo"),
])
def test_a_photo_slot_mistake_names_its_line(root: Path, source: str, problem: str) -> None:
    (root / "outside.jpg").write_bytes((root / "assets/photos/rally.jpg").read_bytes())
    with pytest.raises(ContentError) as caught:
        html(source, root)
    assert caught.value.line == 12 and problem in caught.value.message, caught.value


def beside(pdf: Path, number: int, line) -> float:
    """How light the paper is just left of a line of text (0 black, 255 white), at 72 dpi."""
    page = pypdfium2.PdfDocument(str(pdf))[number]
    left, _, _, top = page.get_mediabox()
    image = numpy.asarray(page.render(scale=1).to_pil().convert("L"))
    row, column = int(top - line.bottom) - 2, int(line.x - left)
    return float(image[row, column - 8:column - 2].mean())


@pytest.mark.slow
def test_the_fallback_prints_reversed_and_on_a_copier_as_an_outline(campaign, tmp_path):
    """The slot's words print large on the campaign's colour (paper-white type), and in one
    ink as black type inside a black outline: nothing reversed for a copier to fill in."""
    trifold = campaign / "content/en/trifold.md"
    text = trifold.read_text("utf-8")
    trifold.write_text(text.replace("::: cover\n", "::: cover\n\n@photo | Peace is possible\n"),
                       "utf-8")
    out = tmp_path / "out"
    code, output = build(campaign, out, "-l", "en", "-m", "trifold", "-p", "shop", "-p",
                         "photocopy")
    assert code == 0, output
    [(cover, size)] = [(line, line.size) for line in text_lines(out / "en/trifold-shop.pdf", 0)
                       if line.text == "Peace is possible"]
    assert size > 14
    # White type on the brand colour: the raster under the words is dark, the words light.
    assert beside(out / "en/trifold-shop.pdf", 0, cover) < 120  # the reversed block
    copier = out / "en/trifold-photocopy.pdf"
    [(number, line)] = [(number, line) for number in range(len(pypdfium2.PdfDocument(copier)))
                        for line in text_lines(copier, number) if line.text == "Peace is possible"]
    assert line.size > 14 and beside(copier, number, line) > 200  # paper: an outline only
