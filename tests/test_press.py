"""Shop PDFs as a print shop's preflight reads them: a registered output condition by the
paper's region, 100% K that overprints, unique font subset tags, and two independent readers
(qpdf, and Ghostscript, which is AGPL and so used by the tests only, never by the package)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image, ImageFilter

from pamphleteer.prepress import icc_description

from conftest import ROOT

GS, QPDF = shutil.which("gs"), shutil.which("qpdf")


def shop_pdfs(kit: Path) -> list[Path]:
    pdfs = sorted(kit.rglob("*-shop.pdf"))
    assert len(pdfs) >= 10, pdfs
    return pdfs


@pytest.mark.slow
def test_each_region_gets_its_registered_condition(fixture_kit):
    expected = {"en": ("CGATS TR 006", "Pamphleteer GRACoL 2006 (CGATS TR 006, coated offset)"),
                "de": ("FOGRA39", "Pamphleteer FOGRA39 (coated offset)")}
    for locale, (condition, info) in expected.items():
        for pdf in sorted((fixture_kit / locale).glob("*-shop.pdf")):
            with pikepdf.open(pdf) as document:
                [intent] = document.Root.OutputIntents
                assert str(intent.OutputConditionIdentifier) == condition, pdf
                assert str(intent.RegistryName) == "http://www.color.org", pdf
                assert str(intent.Info) == info, pdf
                assert icc_description(intent.DestOutputProfile.read_bytes()) == info, pdf


def test_the_bundled_profiles_name_their_source_and_licence():
    for name, source, licence in (
            ("pamphleteer-fogra39.icc", "FOGRA39L.ti3", "LICENSE-FOGRA39.txt"),
            ("pamphleteer-gracol2006.icc", "TR006.ti3", "LICENSE-TR006.txt")):
        icc = (ROOT / "assets/icc" / name).read_bytes()
        assert source.encode() in icc  # the copyright tag says what it was built from
        text = (ROOT / "assets/icc" / licence).read_text()
        assert "License: Zlib" in text and source in text and name in text


def separations(pdf: Path, out: Path) -> dict[str, np.ndarray]:
    """Ghostscript's plates of the first page at 100 dpi, overprint applied (255: no ink)."""
    subprocess.run([GS, "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiffsep",
                    "-dOverprint=/enable", "-dFirstPage=1", "-dLastPage=1", "-r100",
                    f"-sOutputFile={out}/plate.tif", str(pdf)], check=True, timeout=120)
    return {name: np.array(Image.open(out / f"plate({name}).tif")).astype(int)
            for name in ("Cyan", "Magenta", "Yellow", "Black")}


@pytest.mark.slow
@pytest.mark.parametrize("material", ["flyer", "handbill", "poster"])
def test_black_overprints_the_tint_under_it_and_white_still_knocks_out(fixture_kit, material,
                                                                      tmp_path):
    plates = separations(fixture_kit / "en" / f"{material}-shop.pdf", tmp_path)
    cyan, black = plates["Cyan"], plates["Black"]
    solid = black < 30
    tint = (cyan < 250) & (black > 225)  # cyan ink where there is no black
    near = np.array(Image.fromarray((tint * 255).astype("uint8"))
                    .filter(ImageFilter.MaxFilter(9))) > 0
    beside = solid & near  # solid black drawn on, or beside, a tint
    assert beside.sum() > 200, beside.sum()  # the codes' captions on the action box's tint
    # Overprinted: the tint goes on under the black (knocked out, none of it would).
    assert (beside & (cyan < 250)).sum() / beside.sum() > 0.97
    # White type reversed out of the masthead band still leaves the paper bare there.
    band = (cyan < 40).mean(axis=1) > 0.6  # rows across which the band runs
    assert band.any()
    paper = (cyan[band] > 250) & (black[band] > 250) & (plates["Magenta"][band] > 250)
    assert paper[:, 20:-20].sum() > 100, paper.sum()


@pytest.mark.slow
def test_marks_and_every_solid_black_set_overprint(fixture_kit):
    """Every 100% K colour is set under a state that overprints it, and no other colour is."""
    for pdf in shop_pdfs(fixture_kit):
        with pikepdf.open(pdf) as document:
            for page in document.pages:
                states = page.obj.Resources.get("/ExtGState", {})
                op, saved = {"fill": False, "stroke": False}, []
                for operands, operator in pikepdf.parse_content_stream(page):
                    name = str(operator)
                    if name == "q":
                        saved.append(dict(op))
                    elif name == "Q":
                        op = saved.pop()
                    elif name == "gs" and str(operands[0]) in states:
                        state = states[str(operands[0])]
                        op["fill"] = bool(state.get("/op", state.get("/OP", op["fill"])))
                        op["stroke"] = bool(state.get("/OP", op["stroke"]))
                    elif name in ("k", "scn", "K", "SCN") and len(operands) == 4:
                        side = "stroke" if name.isupper() else "fill"
                        solid = [float(v) for v in operands] == [0, 0, 0, 1]
                        assert op[side] == solid, (pdf, page.index, name, list(operands))
                    elif name == "SCN" and len(operands) == 1:  # the marks' registration
                        assert op["stroke"], (pdf, page.index)


@pytest.mark.slow
def test_font_subset_tags_are_unique_to_their_subset(fixture_kit):
    """WeasyPrint tagged a font's subsets alike in every file; a tag now names one subset."""
    subsets: dict[str, set[str]] = {}
    for pdf in shop_pdfs(fixture_kit):
        with pikepdf.open(pdf) as document:
            for obj in document.objects:
                if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                    data = obj.get("/FontFile2") or obj.get("/FontFile3") or obj.get("/FontFile")
                    name = str(obj.FontName).lstrip("/")
                    assert name[6] == "+" and name[:6].isupper(), name
                    subsets.setdefault(name, set()).add(
                        hashlib.sha256(data.read_raw_bytes()).hexdigest())
    assert len(subsets) > 6
    assert all(len(glyph_sets) == 1 for glyph_sets in subsets.values()), subsets
    tags = [name[:6] for name in subsets]
    assert len(tags) == len(set(tags))


@pytest.mark.slow
def test_shop_pdfs_are_clean_for_qpdf_and_ghostscript(fixture_kit, tmp_path):
    assert GS and QPDF, "Ghostscript and qpdf are installed by the README's test command"
    for pdf in shop_pdfs(fixture_kit):
        checked = subprocess.run([QPDF, "--check", str(pdf)], capture_output=True, text=True)
        assert checked.returncode == 0 and "No syntax or stream encoding errors" in \
            checked.stdout, (pdf, checked.stdout, checked.stderr)
        # Ghostscript reads every page, stopping at any warning; then distils it as PDF/X
        # in CMYK, which it refuses with a message where an element is not allowed.
        for device in (["-sDEVICE=nullpage", "-dPDFSTOPONERROR", "-dPDFSTOPONWARNING"],
                       ["-sDEVICE=pdfwrite", "-dPDFX", "-sColorConversionStrategy=CMYK",
                        f"-sOutputFile={tmp_path / 'x.pdf'}"]):
            read = subprocess.run([GS, "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", *device,
                                   str(pdf)], capture_output=True, text=True, timeout=300)
            assert read.returncode == 0 and not read.stdout.strip() and \
                not read.stderr.strip(), (pdf, device[0], read.stdout, read.stderr)
