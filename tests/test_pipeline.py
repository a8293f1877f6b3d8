"""One document's pass through the stages (``pipeline.build_document``), on real layouts: each
profile comes back as a result with its file, its manifest entry and its messages, and
nothing is written to disk. The CLI and the kit's cache are not involved."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from test_photos import photo

from pamphleteer.materials import MATERIALS
from pamphleteer.pipeline import Job, build_document, check_document
from pamphleteer.project import load_project

from conftest import fixture_campaign

PRINT = ("home", "shop", "screen", "photocopy")


@pytest.fixture(scope="module")
def flyer(tmp_path_factory: pytest.TempPathFactory):
    """The fixture campaign's English flyer, with a photo too small for a print shop, in
    every print profile; and its link-preview image in both formats."""
    root = tmp_path_factory.mktemp("pipeline")
    project_dir = fixture_campaign("campaign", root)
    (project_dir / "assets").unlink()  # the theme's, linked: the campaign gets its own copy
    shutil.copytree(Path(__file__).resolve().parents[1] / "assets", project_dir / "assets")
    photo(project_dir / "assets" / "photos" / "march.jpg", 480)
    copy = project_dir / "content" / "en" / "flyer.md"
    head, body = copy.read_text().split("\n---\n", 1)
    copy.write_text(f"{head}\n---\n![Marchers on the mall](assets/photos/march.jpg)\n\n{body}")
    project = load_project(project_dir)
    return {"project": project,
            "print": build_document(project, "en", "flyer", PRINT),
            "share": build_document(project, "en", "share-preview", ("png", "webp"))}


def test_each_profile_comes_back_with_its_file_and_entry(flyer):
    results = flyer["print"]
    assert [r.job for r in results] == [Job("en", "flyer", p) for p in PRINT]
    for result in results:
        assert result.errors == [], result.errors
        assert result.pdf.startswith(b"%PDF") and result.output.bytes == len(result.pdf)
        assert result.output.path == f"en/flyer-{result.job.profile}.pdf"
        assert {c["purpose"] for c in result.output.qr} == {"petition", "representatives"}
        assert all(c["verified"] for c in result.output.qr)
    # The copy is fitted once for paper: home, shop and photocopy share its type.
    scales = {r.job.profile: r.output.fit_scale for r in results}
    assert scales["home"] == scales["shop"] == scales["photocopy"]
    assert sum(r.layouts for r in results) >= 4  # a layout per profile at least


def test_the_shop_pdf_is_pdf_x_with_a_cmyk_photo_and_says_the_photo_is_too_small(flyer):
    shop = next(r for r in flyer["print"] if r.job.profile == "shop")
    with pikepdf.open(io.BytesIO(shop.pdf)) as pdf:
        intents = pdf.Root.OutputIntents
        assert intents[0].S == "/GTS_PDFX"
        images = [pikepdf.PdfImage(i) for p in pdf.pages for i in p.get_images().values()]
        assert any(image.colorspace == "/DeviceCMYK" for image in images)
        assert "/TrimBox" in pdf.pages[0] and "/BleedBox" in pdf.pages[0]
    assert any("this photo prints" in w and "ppi" in w for w in shop.warnings)
    home = next(r for r in flyer["print"] if r.job.profile == "home")
    assert not any("this photo prints" in w for w in home.output.warnings)


def test_the_photocopy_master_holds_its_photo_as_black_dots(flyer):
    master = next(r for r in flyer["print"] if r.job.profile == "photocopy")
    with pikepdf.open(io.BytesIO(master.pdf)) as pdf:
        [image] = [pikepdf.PdfImage(i) for p in pdf.pages for i in p.get_images().values()
                   if pikepdf.PdfImage(i).width > 100]
        levels = image.as_pil_image().convert("L").histogram()
        assert {level for level, count in enumerate(levels) if count} == {0, 255}
    assert not any("copier" in w for w in master.warnings)


def test_the_share_image_is_encoded_from_one_render(flyer):
    png, webp = flyer["share"]
    assert png.errors == [] and webp.errors == []
    assert png.output.path == "en/share-preview.png" and webp.output.path == \
        "en/share-preview.webp"
    assert webp.layouts == 0  # the same pixels as the PNG: nothing laid out again
    one = Image.open(io.BytesIO(png.pdf)).convert("RGB")
    other = Image.open(io.BytesIO(webp.pdf)).convert("RGB")
    assert one.size == (1200, 630) and one.tobytes() == other.tobytes()
    assert png.output.qr == [] and png.output.pages == 1


def test_copy_that_cannot_fit_is_one_error_on_the_first_job(tmp_path):
    project_dir = fixture_campaign("campaign", tmp_path)
    copy = project_dir / "content" / "en" / "handbill.md"
    copy.write_text(copy.read_text() + "\n\n" + "Peace now, and peace for good. " * 70)
    results = build_document(load_project(project_dir), "en", "handbill", ("home", "shop"))
    first, second = results
    assert len(first.errors) == 1 and "does not fit" in first.errors[0]
    assert re.search(r"\[en/handbill: home, shop\]$", first.errors[0])
    assert second.errors == [] and second.output is None


def test_check_runs_the_layout_checks_the_build_runs(flyer):
    notes = check_document(flyer["project"], "en", MATERIALS["flyer"])[1]
    shop = next(r for r in flyer["print"] if r.job.profile == "shop")
    photo_note = next(w for w in shop.warnings if "this photo prints" in w)
    assert photo_note in [str(note) for note in notes]
