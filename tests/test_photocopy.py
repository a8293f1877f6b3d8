"""The photocopy profile: a master in black and paper alone, whose codes survive a copier."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
import zxingcpp
from PIL import Image, ImageChops, ImageFilter
from test_photos import photo

from pamphleteer.inks import black_only
from pamphleteer.preflight import ink_problems
from pamphleteer.profiles import PROFILES

from conftest import build, fixture_campaign

DPI = 150


def masters(out: Path) -> list[dict]:
    entries = json.loads((out / "manifest.json").read_text())["outputs"]
    return [entry for entry in entries if entry["profile"] == "photocopy"]


def raster(path: Path, smooth: bool = False) -> list[Image.Image]:
    document = pypdfium2.PdfDocument(str(path))
    plain = {} if smooth else {"no_smoothtext": True, "no_smoothimage": True,
                               "no_smoothpath": True}
    images = [page.render(scale=DPI / 72, **plain).to_pil().convert("RGB") for page in document]
    document.close()
    return images


def light_grey_area(image: Image.Image) -> int:
    """Pixels of a grey a copier drops (lighter than 30%, darker than paper), in areas of
    3 px or more: pdfium blends an edge with the paper even unsmoothed."""
    grey = image.convert("L").point(lambda v: 255 if 178 < v < 245 else 0)
    return grey.filter(ImageFilter.MinFilter(3)).histogram()[255]


def copied(image: Image.Image) -> Image.Image:
    """The page as a copier gives it back: a little soft, then black or white."""
    soft = image.convert("L").filter(ImageFilter.GaussianBlur(1.2))
    return soft.point(lambda v: 0 if v < 140 else 255)


def test_colours_turn_black_or_paper_by_the_ink_their_grey_would_take():
    values = black_only({"navy": "#17325a", "red": "#c8372d", "yellow": "#ffe600",
                         "pale": "#e8eef6", "grey31": "#b0b0b0", "grey25": "#c0c0c0",
                         "white": "#ffffff"})
    assert values == {"navy": "#000000", "red": "#000000", "yellow": "#ffffff",
                      "pale": "#ffffff", "grey31": "#000000", "grey25": "#ffffff",
                      "white": "#ffffff"}


def test_the_profile_is_an_entry_fitted_and_imposed_as_home_is():
    copier, home = PROFILES["photocopy"], PROFILES["home"]
    assert (copier.ink, copier.impose, copier.fitted_on, copier.medium) == \
        ("black", True, "home", "paper")
    assert copier.safe_margin == home.safe_margin and copier.bleed == home.bleed


@pytest.mark.slow
def test_every_master_prints_black_and_paper_only_and_its_codes_survive_a_copier(fixture_kit):
    entries = masters(fixture_kit)
    # The whole English kit and four German pieces (A4), each as a photocopy master.
    assert {e["material"] for e in entries if e["locale"] == "en"} == {
        "flyer", "handbill", "trifold", "booklet", "palmcard", "poster", "callscript",
        "signsheet"}
    assert {e["material"] for e in entries if e["locale"] == "de"} == {
        "flyer", "trifold", "booklet", "callscript"}
    for entry in entries:
        path = fixture_kit / entry["path"]
        for number, image in enumerate(raster(path), 1):
            where = f"{entry['path']} page {number}"
            red, green, blue = image.split()
            assert ImageChops.difference(red, green).getbbox() is None, where
            assert ImageChops.difference(green, blue).getbbox() is None, where
            assert light_grey_area(image) == 0, where
        wanted = {code["url"] for code in entry["qr"]}
        found = {code.text for image in raster(path, smooth=True)
                 for code in zxingcpp.read_barcodes(copied(image))}
        assert wanted and wanted <= found, entry["path"]
        assert not any("copier" in w for w in entry["warnings"]), entry["path"]


@pytest.mark.slow
def test_a_photo_is_dithered_to_black_and_paper(tmp_path):
    project = fixture_campaign("campaign", tmp_path)
    (project / "assets").unlink()  # the theme's, linked: the campaign gets a copy to add to
    shutil.copytree(Path(__file__).resolve().parents[1] / "assets", project / "assets")
    photo(project / "assets" / "photos" / "march.jpg", 900)
    flyer = project / "content" / "en" / "flyer.md"
    text = flyer.read_text()
    head, body = text.split("\n---\n", 1)
    flyer.write_text(f"{head}\n---\n![Marchers with banners](assets/photos/march.jpg)\n\n{body}")
    out = tmp_path / "out"
    code, output = build(project, out, "-l", "en", "-m", "flyer", "-p", "photocopy",
                         "-p", "home")
    assert code == 0, output
    with pikepdf.open(out / "en" / "flyer-photocopy.pdf") as pdf:
        images = [pikepdf.PdfImage(image) for page in pdf.pages
                  for image in page.get_images().values()]
        assert images, "the photo is on the page"
        for image in images:
            levels = image.as_pil_image().convert("L").histogram()
            assert {level for level, count in enumerate(levels) if count} == {0, 255}
    with pikepdf.open(out / "en" / "flyer-home.pdf") as pdf:  # the home PDF keeps its tones
        image = next(pikepdf.PdfImage(i) for p in pdf.pages for i in p.get_images().values())
        assert sum(1 for count in image.as_pil_image().convert("L").histogram() if count) > 16


@pytest.mark.slow
def test_a_template_colour_of_its_own_is_named_on_the_master_and_refused_when_strict(tmp_path):
    project = fixture_campaign("campaign", tmp_path)
    template = project / "templates" / "flyer.html.j2"
    text = template.read_text()
    band = '<div style="background: #9ad0f5; height: 1in"></div>'
    template.write_text(text.replace('<div class="sections', band + '<div class="sections', 1))
    out = tmp_path / "out"
    code, output = build(project, out, "-l", "en", "-m", "flyer", "-p", "photocopy")
    assert code == 0, output
    assert "prints" in output and "in colour" in output and "a copier" in output
    assert "flyer.md" in output
    entry = masters(out)[0]
    assert any("in colour" in warning for warning in entry["warnings"])
    code, output = build(project, out, "-l", "en", "-m", "flyer", "-p", "photocopy",
                         "--strict", "--no-cache")
    assert code == 1 and "in colour" in output and "(--strict)" in output
    # The other profiles keep their colours, and no such warning.
    code, output = build(project, out, "-l", "en", "-m", "flyer", "-p", "home")
    assert code == 0 and "copier" not in output, output


def test_ink_problems_finds_colour_and_light_greys_but_not_black_and_paper(tmp_path):
    def pdf_of(fill: tuple[int, int, int]) -> bytes:
        image = Image.new("RGB", (300, 300), (255, 255, 255))
        image.paste(fill, (50, 50, 250, 250))
        path = tmp_path / "page.pdf"
        image.save(path, resolution=72)
        return path.read_bytes()

    assert ink_problems(pdf_of((0, 0, 0))) == []
    assert ink_problems(pdf_of((90, 90, 90))) == []  # a dark grey a copier keeps
    [(page, problem)] = ink_problems(pdf_of((200, 30, 40)))
    assert page == 1 and "in colour" in problem
    [(page, problem)] = ink_problems(pdf_of((215, 215, 215)))
    assert page == 1 and "lighter than 30%" in problem
