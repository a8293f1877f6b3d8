"""All eight materials in all three profiles, inspected from the fixture campaign's finished
English kit."""

from __future__ import annotations

import json
import re

import pikepdf
import pytest
from pypdf import PdfReader

from pamphleteer.impose import plan_sheets, saddle_order
from pamphleteer.materials import INCH, MATERIALS, PRINTED, SHEETS, TRIFOLD_PANELS

from conftest import run
from pdfinspect import boxes, page_size_in, page_texts, qr_texts, text_runs

LETTER = (8.5, 11.0)


@pytest.fixture(scope="session")
def kit(fixture_kit):
    """The fixture campaign's whole English kit (8 materials x 3 profiles), built once."""
    return fixture_kit


def norm(text: str) -> str:
    """Text as written in the copy: one kind of space, straight apostrophes."""
    return re.sub(r"\s+", " ", text.replace("\u2019", "'")).strip()


@pytest.mark.slow
def test_every_pdf_and_image_is_written_and_listed(kit):
    manifest = json.loads((kit / "manifest.json").read_text())
    listed = {entry["path"] for entry in manifest["outputs"] if entry["locale"] == "en"}
    expected = {f"en/{m}-{p}.pdf" for m in PRINTED
                for p in ("home", "shop", "screen", "photocopy")}
    expected |= {f"en/{m}.{fmt}" for m in MATERIALS if m not in PRINTED
                 for fmt in ("png", "webp")}
    assert listed == expected and len(expected) == 36
    for path in expected:
        assert (kit / path).stat().st_size > 1000


@pytest.mark.parametrize("material", list(PRINTED))
def test_shop_pdf_has_trim_bleed_and_cmyk_output_intent(kit, material):
    path = kit / f"en/{material}-shop.pdf"
    width, height = MATERIALS[material].trim["letter"]
    bleed = 0.125 * INCH
    for trim, bleed_box in zip(boxes(path, "/TrimBox"), boxes(path, "/BleedBox"), strict=True):
        assert trim == pytest.approx([0, 0, width, height], abs=0.01)
        assert bleed_box == pytest.approx([-bleed, -bleed, width + bleed, height + bleed],
                                          abs=0.01)
    with pikepdf.open(path) as pdf:
        [intent] = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFX"
        icc = intent.DestOutputProfile.read_bytes()
        assert icc[12:16] == b"prtr" and icc[16:20] == b"CMYK"
        assert "PDF/X-4" in str(pdf.open_metadata().get("pdfxid:GTS_PDFXVersion", ""))
        for page in pdf.pages:
            # Every colour is CMYK: no RGB or grey fill/stroke operators anywhere on the page.
            streams = [page.Contents] if isinstance(page.Contents, pikepdf.Stream) \
                else list(page.Contents)
            xobjects = page.Resources.get("/XObject", {})
            streams += [xobjects[name] for name in xobjects]
            for stream in streams:
                data = stream.read_bytes()
                assert not re.search(rb"(^|\s)[\d.]+ [\d.]+ [\d.]+ (rg|RG)\b", data), material


@pytest.mark.parametrize("material", list(PRINTED))
def test_screen_pdf_is_tagged_with_clickable_links(kit, material):
    path = kit / f"en/{material}-screen.pdf"
    with pikepdf.open(path) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert pdf.Root.MarkInfo.Marked
        uris = {str(annot.A.URI) for page in pdf.pages for annot in page.get("/Annots", [])
                if "/A" in annot and "/URI" in annot.A}
    assert any(uri.endswith(f"?ref={MATERIALS[material].code}-en") for uri in uris)
    assert boxes(path, "/BleedBox") == [[]] * len(boxes(path, "/BleedBox")) or all(
        box[0] >= 0 for box in boxes(path, "/BleedBox"))


@pytest.mark.parametrize("material", list(PRINTED))
def test_every_home_page_is_a_letter_sheet_with_a_decoding_qr_code(kit, material):
    path = kit / f"en/{material}-home.pdf"
    for size in page_size_in(path):
        assert tuple(sorted(size)) == LETTER
    codes = {code for page in qr_texts(path) for code in page}
    assert any("example.org/fx/sign" in code for code in codes)
    assert all(code.endswith(f"?ref={MATERIALS[material].code}-en") for code in codes)


@pytest.mark.parametrize("material", list(PRINTED))
def test_home_text_keeps_off_the_sheet_edge(kit, material):
    path = kit / f"en/{material}-home.pdf"
    safe = 0.25 * INCH
    for (width, height), runs in zip(
            [(w * 72, h * 72) for w, h in page_size_in(path)], text_runs(path), strict=True):
        for x, y, text in runs:
            assert safe <= x <= width - safe and safe <= y <= height - safe, (material, text, x, y)


def test_booklet_home_sheets_are_in_saddle_stitch_order(kit):
    def squash(text: str) -> str:
        return re.sub(r"\s+", "", text)

    # Each reading page, as its lines of text (long enough to be telling).
    reading = [[squash(line) for line in text.splitlines() if len(squash(line)) >= 12]
               for text in page_texts(kit / "en/booklet-shop.pdf")]
    assert len(reading) % 4 == 0 and len(reading) >= 8
    sheets = text_runs(kit / "en/booklet-home.pdf")
    assert len(sheets) == len(reading) // 2
    middle = SHEETS["letter"][1] / 2

    def which(runs) -> int | None:
        text = squash("".join(t for _, _, t in sorted(runs, key=lambda r: (-r[1], r[0]))))
        if not text:
            return None
        scores = [sum(line in text for line in lines) / len(lines) if lines else 0
                  for lines in reading]
        best = max(range(len(reading)), key=scores.__getitem__)
        assert scores[best] > 0.8, (text[:80], scores)
        return best

    found = [[which([r for r in runs if r[0] < middle]), which([r for r in runs if r[0] >= middle])]
             for runs in sheets]
    for side, expected in zip(found, saddle_order(len(reading)), strict=True):
        for got, want in zip(side, expected, strict=True):
            assert got == want or (got is None and not reading[want]), found
    assert found[0] == [len(reading) - 1, 0]  # back cover left, front cover right


@pytest.mark.slow
def test_trifold_panels_are_in_fold_order(fixture_kit):
    outside, inside = text_runs(fixture_kit / "en/trifold-home.pdf")
    width = 11 * INCH

    def third(runs, needle) -> int:
        xs = [x for x, _, text in runs if needle in norm(text)]
        assert xs, needle
        return int(min(xs) // (width / 3))

    assert third(outside, "Why now") == 0  # the flap that folds in
    assert third(outside, "What you can do") == 1  # the back panel
    assert third(outside, "It's Time to") == 2  # the cover on the right
    assert third(inside, "How the war froze") == 0
    assert third(inside, "The cost and the risk") == 1
    assert third(inside, "Who is calling") == 2


def test_trifold_screen_has_six_panels_in_reading_order(fixture_kit):
    texts = [norm(t) for t in page_texts(fixture_kit / "en/trifold-screen.pdf")]
    assert len(texts) == 6
    for page, needle in zip(texts, ["It's Time to", "Why now", "How the war froze",
                                    "The cost and the risk", "Who is calling", "What you can do"],
                            strict=True):
        assert needle in page
    pages = PdfReader(fixture_kit / "en/trifold-screen.pdf").pages
    widths = {float(page.mediabox.width) for page in pages}
    assert widths == {TRIFOLD_PANELS["letter"][2]}  # a phone shows every panel alike


@pytest.mark.slow
def test_cards_are_imposed_with_backs_registered(fixture_kit):
    for material, per_sheet, pad, back_heading in (("palmcard", 2, 0.3, "What we"),
                                                   ("callscript", 2, 0.28, "Tips for")):
        path = fixture_kit / f"en/{material}-home.pdf"
        trim = MATERIALS[material].trim["letter"]
        sheet = plan_sheets(MATERIALS[material], SHEETS["letter"], trim, 2).sheets[0]
        scale = sheet.placements[0].scale
        assert scale == 1  # at their own size, a gutter between them
        assert len(page_size_in(path)) == 2
        front, _back = page_texts(path)
        title = "It's Time for" if material == "palmcard" else "What to Say When You Call"
        assert norm(front).count(norm(title)) == per_sheet
        codes = qr_texts(path)
        purposes = 3 if material == "callscript" else 2  # the call script's report code
        assert len(codes[1]) == per_sheet * purposes  # every code on every back
        # Each card's left edge, from where its first line of text starts.
        card = trim[0] * scale
        front_runs, back_runs = text_runs(path)
        fronts = sorted({round(x - pad * INCH * scale) for x, _, t in front_runs
                         if norm(t).startswith(title.split()[0])})
        backs = sorted({round(x - pad * INCH * scale) for x, _, t in back_runs
                        if t.startswith(back_heading)})
        assert len(fronts) == per_sheet
        # Turned over side to side, a back lines up with its front when mirrored left-right.
        mirrored = sorted(round(sheet.width - x - card) for x in fronts)
        assert backs == pytest.approx(mirrored, abs=1)


def test_handbill_is_two_up_with_a_cut_line(fixture_kit):
    import pypdfium2

    path = fixture_kit / "en/handbill-home.pdf"
    assert page_size_in(path) == [(11.0, 8.5)]
    [runs] = text_runs(path)
    title = [x for x, _, t in runs if "Make Peace in Korea" in t]
    assert any(x < 396 for x in title) and any(x > 396 for x in title)
    # The shared cut, 5.5 in from the left, is a dashed guide between the two pieces' blank
    # margins, from a quarter inch below the top to a quarter inch above the bottom.
    page = pypdfium2.PdfDocument(str(path))[0]
    image = page.render(scale=2, grayscale=True).to_pil()
    column = [image.getpixel((x, y)) for y in range(0, image.size[1]) for x in (1099, 1100, 1101)]
    rows = [y for y in range(image.size[1]) if min(column[3 * y:3 * y + 3]) < 230]
    assert rows and min(rows) >= 0.25 * 144 - 2 and max(rows) <= image.size[1] - 0.25 * 144 + 2
    assert len(rows) < 0.8 * (image.size[1] - 72)  # dashed: ink and gaps


def test_poster_is_scaled_onto_the_sheet(kit):
    [bleed] = boxes(kit / "en/poster-shop.pdf", "/BleedBox")
    assert (bleed[2] - bleed[0], bleed[3] - bleed[1]) == pytest.approx((11.25 * 72, 17.25 * 72))
    assert page_size_in(kit / "en/poster-home.pdf") == [LETTER]
    assert len(qr_texts(kit / "en/poster-home.pdf")[0]) == 2


@pytest.mark.slow
def test_every_piece_carries_the_imprint(kit):
    for material in PRINTED:
        text = norm(" ".join(page_texts(kit / f"en/{material}-screen.pdf")))
        assert "Paid for by Fixture Peace Campaign" in text, material


@pytest.mark.slow
def test_a4_locales_get_iso_sizes_and_3_mm_bleed(project, tmp_path):
    settings = project / "content/ko/locale.toml"
    settings.write_text(settings.read_text().replace('paper = "letter"', 'paper = "a4"'))
    code, output = run("build", "--project", str(project), "--out", f"{tmp_path}/out", "-l", "ko",
                       "-m", "callscript", "-m", "palmcard", "-p", "shop", "-p", "home")
    assert code == 0, output
    mm = INCH / 25.4
    for material, (width, height) in (("callscript", (105, 148)), ("palmcard", (99, 210))):
        shop = tmp_path / f"out/ko/{material}-shop.pdf"
        for trim, bleed in zip(boxes(shop, "/TrimBox"), boxes(shop, "/BleedBox"), strict=True):
            assert trim == pytest.approx([0, 0, width * mm, height * mm], abs=0.01)
            assert bleed[0] == pytest.approx(-3 * mm, abs=0.01)
        for size in page_size_in(tmp_path / f"out/ko/{material}-home.pdf"):
            assert tuple(sorted(size)) == pytest.approx((210 / 25.4, 297 / 25.4), abs=0.01)


def test_shop_backgrounds_run_into_the_bleed_in_brand_cmyk(kit):
    import pypdfium2

    path = kit / "en/flyer-shop.pdf"
    [media], [bleed] = boxes(path, "/MediaBox"), boxes(path, "/BleedBox")
    pdf = pypdfium2.PdfDocument(str(path))
    image = pdf[0].render(scale=2).to_pil().convert("RGB")
    pdf.close()
    # 2 pt inside the bleed's top left corner: brand blue, not paper.
    corner = (round((bleed[0] - media[0] + 2) * 2), round((media[3] - bleed[3] + 2) * 2))
    red, green, blue = image.getpixel(corner)
    assert blue > red + 40 and red < 120, (red, green, blue)
    with pikepdf.open(path) as doc:
        content = b"".join(stream.read_bytes() for stream in doc.pages[0].Contents)
    assert b"1 0.8 0.25 0.2 scn" in content  # primary = cmyk [100, 80, 25, 20]


@pytest.mark.slow
def test_print_instructions_are_outside_the_pieces_or_in_the_print_settings(kit):
    # Printed in a margin or a cut gutter where there is room...
    expected = {"palmcard": "flip on long edge", "callscript": "flip on short edge",
                "poster": "Print single-sided"}
    for material, words in expected.items():
        text = norm(" ".join(page_texts(kit / f"en/{material}-home.pdf")))
        assert words in text, material
        assert words not in norm(" ".join(page_texts(kit / f"en/{material}-shop.pdf")))
    # ...and always in the PDF's print settings, which a print dialog picks up.
    settings = {"booklet": "/DuplexFlipShortEdge", "trifold": "/DuplexFlipShortEdge",
                "palmcard": "/DuplexFlipLongEdge", "callscript": "/DuplexFlipShortEdge",
                "flyer": "/Simplex", "handbill": "/Simplex"}
    for material, duplex in settings.items():
        with pikepdf.open(kit / f"en/{material}-home.pdf") as pdf:
            preferences = pdf.Root.ViewerPreferences
            assert str(preferences.Duplex) == duplex, material
            assert str(preferences.PrintScaling) == "/None"
    # Folded pieces and two half sheets fill the sheet: nothing printed.
    for material, words in (("booklet", "flip on short edge"), ("trifold", "flip on short edge"),
                            ("handbill", "cut on the marks")):
        text = norm(" ".join(page_texts(kit / f"en/{material}-home.pdf")))
        assert words not in text, material


@pytest.mark.slow
def test_booklet_over_its_page_budget_is_an_error(project, tmp_path):
    booklet = project / "content/en/booklet.md"
    text = booklet.read_text()
    body = text.split("::: body", 1)[1].split("::: back", 1)[0]
    booklet.write_text(text.replace("::: back", body * 6 + "\n::: back"))
    code, output = run("build", "--project", str(project), "--out", f"{tmp_path}/out", "-l", "en",
                       "-m", "booklet", "-p", "shop")
    assert code == 1
    assert "content/en/booklet.md" in output and "on 16 pages" in output
    assert "even at 87% type" in output


@pytest.mark.slow
def test_trifold_panel_overflow_names_the_panel(project, tmp_path):
    trifold = project / "content/en/trifold.md"
    trifold.write_text(trifold.read_text().replace(
        "::: inside-2", "::: inside-2\n\n" + "Too many words for one panel. " * 60 + "\n"))
    code, output = run("build", "--project", str(project), "--out", f"{tmp_path}/out", "-l", "en",
                       "-m", "trifold", "-p", "home")
    assert code == 1
    assert "content/en/trifold.md" in output and "inside-2 panel" in output


def thin_runs(flags, widest: int):
    """Keep only the runs of True that are at most ``widest`` long."""
    kept = flags.copy()
    start = None
    for index, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = index
        elif not flag and start is not None:
            if index - start > widest:
                kept[start:index] = False
            start = None
    return kept


@pytest.mark.parametrize("material", list(PRINTED))
def test_home_sheets_print_nothing_but_marks_near_the_edge(kit, material):
    import numpy
    import pypdfium2

    band = 18  # 0.25 in at 72 dpi
    pdf = pypdfium2.PdfDocument(str(kit / f"en/{material}-home.pdf"))
    for page in pdf:
        ink = numpy.asarray(page.render(scale=1, grayscale=True).to_pil().convert("L")) < 200
        for strip in (ink[:band], ink[-band:], ink[:, :band].T, ink[:, -band:].T):
            # A cut or fold mark is a thin line crossing the strip from the edge; anything else
            # (a wider inked run, or ink that does not reach across) is content.
            marks = thin_runs(strip.mean(axis=0) >= 0.6, widest=4)
            allowed = numpy.convolve(marks, numpy.ones(7), mode="same") > 0
            stray = strip[:, ~allowed]
            assert not stray.any(), (material, int(stray.sum()))
    pdf.close()


def test_signature_sheet_ships_a_matching_csv_header(kit):
    import csv

    with (kit / "en/signsheet.csv").open(encoding="utf-8-sig", newline="") as stream:
        [header] = list(csv.reader(stream))
    assert header == ["No.", "Name", "Signature", "Street address", "ZIP code", "Email",
                      "Phone (optional)", "Keep me informed", "Sheet"]
    text = norm(" ".join(page_texts(kit / "en/signsheet-home.pdf")))
    for column in header[:3]:
        assert column in text


def test_the_manifest_lists_the_signature_csv(kit):
    import hashlib

    files = {f["path"]: f for f in json.loads((kit / "manifest.json").read_text())["files"]}
    entry = files["en/signsheet.csv"]
    assert entry["kind"] == "signature-sheet CSV"
    assert entry["sha256"] == hashlib.sha256((kit / "en/signsheet.csv").read_bytes()).hexdigest()


@pytest.mark.slow
@pytest.mark.parametrize("material", list(PRINTED))
def test_shop_pdfs_carry_no_annotations(kit, material):
    """PDF/X forbids annotations inside the trim and bleed: a shop file has no links (they
    live in the screen profile), and the home file keeps its own."""
    with pikepdf.open(kit / f"en/{material}-shop.pdf") as pdf:
        assert not any(page.get("/Annots") for page in pdf.pages), material
    with pikepdf.open(kit / f"en/{material}-screen.pdf") as pdf:
        assert any(page.get("/Annots") for page in pdf.pages), material
