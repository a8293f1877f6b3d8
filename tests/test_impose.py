"""Imposition plans: page order, card registration and printer-safe scaling."""

from __future__ import annotations

import pytest

from pamphleteer.impose import SAFE, plan_sheets, saddle_order
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
        assert b.x == pytest.approx(width - f.x - trim[0]) and b.y == f.y


def test_poster_is_scaled_inside_the_safe_margin():
    material = MATERIALS["poster"]
    [sheet] = plan_sheets(material, SHEETS["letter"], material.trim["letter"], 1).sheets
    [placement] = sheet.placements
    width, height = material.trim["letter"]
    assert placement.scale == pytest.approx((11 * INCH - 2 * SAFE) / height)
    assert placement.x >= SAFE - 0.01 and placement.y >= SAFE - 0.01
    assert placement.x + width * placement.scale <= sheet.width - SAFE + 0.01


def test_handbill_two_up_has_a_cut_line_and_instruction():
    material = MATERIALS["handbill"]
    [sheet] = plan_sheets(material, SHEETS["letter"], material.trim["letter"], 1,
                          "Print single-sided; cut on the marks").sheets
    assert (sheet.width, sheet.height) == (11 * INCH, 8.5 * INCH)
    assert [p.x for p in sheet.placements] == [0, 5.5 * INCH]
    assert any(line.kind == "cut" and line.x1 == 5.5 * INCH for line in sheet.lines)
    assert sheet.instruction.startswith("Print single-sided")


def test_sheet_sized_materials_are_not_imposed():
    for name in ("flyer", "signsheet", "trifold"):
        material = MATERIALS[name]
        assert plan_sheets(material, SHEETS["letter"], material.trim["letter"], 1) is None
