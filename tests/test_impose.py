"""Imposition plans: page order, card registration and printer-safe scaling."""

from __future__ import annotations

import pytest

from pamphleteer.impose import BAND, GUTTER, SAFE, plan_sheets, saddle_order
from pamphleteer.materials import INCH, MATERIALS, SHEETS


def test_saddle_stitch_order_for_8_and_12_pages():
    assert saddle_order(8) == [[7, 0], [1, 6], [5, 2], [3, 4]]
    assert saddle_order(12)[:2] == [[11, 0], [1, 10]]
    assert sorted(p for side in saddle_order(12) for p in side) == list(range(12))
    with pytest.raises(ValueError):
        saddle_order(6)


def test_card_backs_mirror_their_fronts():
    material = MATERIALS["callscript"]
    trim = material.trim["a4"]
    front, back = plan_sheets(material, SHEETS["a4"], trim, 2).sheets
    width = SHEETS["a4"][0]
    assert len(front.placements) == 4 and {p.page for p in back.placements} == {1}
    for f, b in zip(front.placements, back.placements, strict=True):
        assert b.x == pytest.approx(width - f.x - trim[0] * f.scale) and b.y == f.y


def test_poster_is_scaled_inside_the_safe_margin():
    material = MATERIALS["poster"]
    [sheet] = plan_sheets(material, SHEETS["letter"], material.trim["letter"], 1).sheets
    [placement] = sheet.placements
    width, height = material.trim["letter"]
    assert placement.scale == pytest.approx((11 * INCH - 2 * SAFE - BAND) / height)
    assert placement.x >= SAFE - 0.01 and placement.y >= SAFE - 0.01
    assert placement.x + width * placement.scale <= sheet.width - SAFE + 0.01


def test_handbill_two_up_has_a_cut_gutter_holding_the_instruction():
    material = MATERIALS["handbill"]
    [sheet] = plan_sheets(material, SHEETS["letter"], material.trim["letter"], 1,
                          "Print single-sided; cut on the marks").sheets
    assert (sheet.width, sheet.height) == (11 * INCH, 8.5 * INCH)
    left, right = sheet.placements
    width = material.trim["letter"][0] * left.scale
    assert right.x - (left.x + width) == pytest.approx(GUTTER)  # cut away, between the two
    cuts = sorted({line.x1 for line in sheet.lines if line.kind == "cut"})
    assert cuts == pytest.approx([left.x + width, right.x])
    assert sheet.instruction.startswith("Print single-sided")
    note = sheet.note
    assert note.rotate and note.x == pytest.approx(left.x + width) and note.width == GUTTER


@pytest.mark.parametrize("paper", list(SHEETS))
def test_instructions_are_never_placed_on_a_piece(paper):
    for name, material in MATERIALS.items():
        pages = 4 if material.page_multiple == 4 else 2
        plan = plan_sheets(material, SHEETS[paper], material.trim[paper], pages, "Print")
        if plan is None or not plan.sheets[0].note:
            continue
        sheet = plan.sheets[0]
        note = sheet.note
        width, height = material.trim[paper]
        for place in sheet.placements:
            apart = (note.x + note.width <= place.x + 0.01
                     or note.x >= place.x + width * place.scale - 0.01
                     or note.y + note.height <= place.y + 0.01
                     or note.y >= place.y + height * place.scale - 0.01)
            assert apart, (name, note, place)
        assert (note.x >= SAFE - 0.01 and note.y >= SAFE - 0.01) or note.rotate, (name, note)


def test_sheet_sized_materials_are_not_imposed():
    for name in ("flyer", "signsheet", "trifold"):
        material = MATERIALS[name]
        assert plan_sheets(material, SHEETS["letter"], material.trim["letter"], 1) is None


@pytest.mark.slow
def test_an_imposed_sheet_places_one_copy_of_each_card(fixture_kit):
    """Four call scripts on a sheet are one Form XObject drawn four times, not four copies."""
    import pikepdf

    path = fixture_kit / "en" / "callscript-home.pdf"
    with pikepdf.open(path) as pdf:
        preferences = pdf.Root.ViewerPreferences
        assert str(preferences.Duplex).startswith("/Duplex") and preferences.PrintScaling == "/None"
        forms = set()
        for page in pdf.pages:
            xobjects = page.Resources.XObject
            content = page.Contents.read_bytes()
            assert len(content) < 1000  # placements only: the card is drawn by its form
            cards = [name for name in xobjects if name != "/U"]
            assert len(cards) == 1 and content.count(f"{cards[0]} Do".encode()) == 4
            forms.add(xobjects[cards[0]].objgen)
        assert len(forms) == 2  # the front and the back, once each in the file
