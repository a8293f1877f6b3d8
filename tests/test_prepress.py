"""What a print shop gets: true boxes, marks in the slug in registration colour, bleeds deep
enough for trim drift, and an output intent that names its profile."""

from __future__ import annotations

import re
import shutil

import pikepdf
import pypdfium2
import pytest

from pamphleteer.materials import INCH, MM, PRINTED, TRIFOLD_PANELS
from pamphleteer.prepress import icc_description

from conftest import ROOT, build, run

BLEED = 0.125 * INCH


def marks(page) -> list[tuple[float, float, float, float]]:
    """The segments drawn in the Registration colour space on a page (x1, y1, x2, y2)."""
    segments, drawing, start = [], False, None
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "CS":
            drawing = str(operands[0]) == "/Registration"
        elif drawing and op == "m":
            start = tuple(float(v) for v in operands)
        elif drawing and op == "l" and start:
            segments.append((*start, *(float(v) for v in operands)))
    return segments


@pytest.mark.slow
@pytest.mark.parametrize("material", list(PRINTED))
def test_marks_sit_in_the_slug_in_registration_colour(fixture_kit, material):
    with pikepdf.open(fixture_kit / f"en/{material}-shop.pdf") as pdf:
        for number, page in enumerate(pdf.pages):
            media = [float(v) for v in page.MediaBox]
            trim = [float(v) for v in page.TrimBox]
            bleed = [float(v) for v in page.BleedBox]
            assert bleed == pytest.approx([trim[0] - BLEED, trim[1] - BLEED,
                                           trim[2] + BLEED, trim[3] + BLEED], abs=0.01)
            # The media reaches well past the bleed: a slug for the marks.
            assert media[0] <= bleed[0] - 18 and media[2] >= bleed[2] + 18
            space = page.Resources.ColorSpace.Registration
            assert str(space[0]) == "/Separation" and str(space[1]) == "/All"
            segments = marks(page)
            crops = [s for s in segments if (s[0] == s[2] and s[0] in (trim[0], trim[2]))
                     or (s[1] == s[3] and s[1] in (trim[1], trim[3]))]
            assert len(crops) >= 8, segments
            for x1, y1, x2, y2 in segments:
                for x, y in ((x1, y1), (x2, y2)):
                    # Outside the trim by at least 3 mm, outside the bleed, inside the media.
                    outside = max(trim[0] - x, x - trim[2], trim[1] - y, y - trim[3])
                    assert outside >= max(3 * MM, BLEED), (x, y)
                    assert media[0] <= x <= media[2] and media[1] <= y <= media[3]
            # Drawn last, so nothing covers them.
            contents = page.Contents
            last = contents[-1] if isinstance(contents, pikepdf.Array) else contents
            assert b"/Registration CS" in last.read_bytes()
            if material == "trifold":
                panels = TRIFOLD_PANELS["letter"]
                widths = (panels[0], panels[0] + panels[1]) if number == 0 else \
                    (panels[2], panels[2] + panels[1])
                folds = sorted({round(s[0] - trim[0], 2) for s in segments
                                if s[0] == s[2] and trim[0] < s[0] < trim[2]})
                assert folds == pytest.approx(list(widths), abs=0.01)


@pytest.mark.slow
def test_marks_print_and_bands_bleed_deep_enough(fixture_kit):
    dpi = 300
    path = fixture_kit / "en/flyer-shop.pdf"
    with pikepdf.open(path) as pdf:
        media = [float(v) for v in pdf.pages[0].MediaBox]
        trim = [float(v) for v in pdf.pages[0].TrimBox]
    image = pypdfium2.PdfDocument(str(path))[0].render(scale=dpi / 72, grayscale=True).to_pil()

    def pixel(x: float, y: float) -> int:  # PDF points, y up
        return image.getpixel((round((x - media[0]) * dpi / 72),
                               round((media[3] - y) * dpi / 72)))

    # A crop mark shows along the bottom trim line, left of the page, in the slug...
    assert min(pixel(trim[0] - d, trim[1]) for d in range(14, 28)) < 128
    # ...and nothing between the trim corner and the mark.
    assert min(pixel(trim[0] - d, trim[1]) for d in range(1, 10)) > 200
    # The top band runs through the bleed and at least 5 mm into the page.
    middle = (trim[0] + trim[2]) / 2
    assert pixel(middle, trim[3] + BLEED - 1) < 128
    assert pixel(middle, trim[3] - 5 * MM) < 128


def own_assets(campaign):
    """Give a fixture campaign an assets folder of its own (it links to the theme's)."""
    (campaign / "assets").unlink()
    shutil.copytree(ROOT / "assets", campaign / "assets")


@pytest.mark.slow
def test_a_campaign_can_name_its_printer_s_output_intent(campaign, tmp_path):
    own_assets(campaign)
    icc = (ROOT / "assets/icc/pamphleteer-fogra39.icc").read_bytes()
    old = b"Pamphleteer FOGRA39 (coated offset)"
    printer = icc.replace(old, b"Print Co. uncoated press 2027".ljust(len(old), b"\0"))
    (campaign / "assets/icc/printco.icc").write_bytes(printer)
    settings = campaign / "campaign.toml"
    settings.write_text(settings.read_text() + '\n[print]\noutput_intent = '
                        '"assets/icc/printco.icc"\ncondition = "Custom"\n')
    assert icc_description(printer) == "Print Co. uncoated press 2027"
    code, output = build(campaign, tmp_path / "out", "-l", "en", "-m", "handbill", "-p", "shop")
    assert code == 0, output
    with pikepdf.open(tmp_path / "out/en/handbill-shop.pdf") as pdf:
        [intent] = pdf.Root.OutputIntents
        assert str(intent.Info) == "Print Co. uncoated press 2027"
        assert str(intent.OutputConditionIdentifier) == "Custom"
        # The printer's own file, byte for byte (WeasyPrint's re-serialized copy is twice
        # the size), with the colour count the output intent needs.
        assert intent.DestOutputProfile.read_bytes() == printer
        assert intent.DestOutputProfile.N == 4


@pytest.mark.parametrize(("value", "problem"), [
    ('"assets/icc/missing.icc"', "must be an ICC file in this campaign's assets/ folder"),
    ('"../campaign.toml"', "must be an ICC file in this campaign's assets/ folder"),
    ('"assets/fonts/fonts.toml"', "is not a CMYK printer profile"),
])
def test_an_output_intent_that_is_not_a_cmyk_profile_is_refused(campaign, value, problem):
    settings = campaign / "campaign.toml"
    settings.write_text(settings.read_text() + f"\n[print]\noutput_intent = {value}\n")
    code, output = run("check", "--project", str(campaign))
    assert code == 1
    assert re.search(rf"campaign\.toml:\d+: .*{re.escape(problem)}", output), output


def test_a_condition_without_its_own_profile_is_refused(campaign):
    """The bundled profiles carry their registered names: a condition alone would mislabel."""
    settings = campaign / "campaign.toml"
    settings.write_text(settings.read_text() + '\n[print]\ncondition = "FOGRA51"\n')
    code, output = run("check", "--project", str(campaign))
    assert code == 1
    assert re.search(r"campaign\.toml:\d+: print\.condition: names the condition of your own "
                     r"output_intent: set output_intent too .*CGATS TR 006 on letter, FOGRA39 "
                     r"on a4", output), output


def test_the_bundled_profile_names_itself_honestly():
    description = icc_description((ROOT / "assets/icc/pamphleteer-fogra39.icc").read_bytes())
    assert description == "Pamphleteer FOGRA39 (coated offset)"
