"""Imposition plans: page order, card registration, pieces at their own size, gutters and
marks a home printer can print."""

from __future__ import annotations

import pytest

from pamphleteer.impose import (
    BAND,
    MIN_GUTTER,
    OFFSET,
    SAFE,
    duplex,
    instruction_keys,
    plan_sheets,
    print_instruction,
    saddle_order,
)
from pamphleteer.materials import INCH, MATERIALS, SHEETS


def test_saddle_stitch_order_for_8_and_12_pages():
    assert saddle_order(8) == [[7, 0], [1, 6], [5, 2], [3, 4]]
    assert saddle_order(12)[:2] == [[11, 0], [1, 10]]
    assert sorted(p for side in saddle_order(12) for p in side) == list(range(12))
    with pytest.raises(ValueError):
        saddle_order(6)


@pytest.mark.parametrize(("name", "paper"), [("callscript", "a4"), ("palmcard", "letter")])
def test_card_backs_mirror_their_fronts(name, paper):
    material = MATERIALS[name]
    trim = material.trim[paper]
    front, back = plan_sheets(material, SHEETS[paper], trim, 2).sheets
    assert len(front.placements) == 2 and {p.page for p in back.placements} == {1}
    for f, b in zip(front.placements, back.placements, strict=True):
        assert b.x == pytest.approx(front.width - f.x - trim[0]) and b.y == f.y


def test_a_sheet_turned_side_to_side_asks_for_the_flip_that_suits_its_side():
    """Call scripts lie two to a landscape sheet (a gutter between them), palm cards stand two
    to an upright one: the one flips on its short edge, the other on its long edge."""
    assert duplex(MATERIALS["callscript"]) == "DuplexFlipShortEdge"
    assert instruction_keys(MATERIALS["callscript"])[0] == "print_duplex_short"
    assert duplex(MATERIALS["palmcard"]) == "DuplexFlipLongEdge"
    assert instruction_keys(MATERIALS["palmcard"])[0] == "print_duplex_long"
    assert duplex(MATERIALS["booklet"]) == duplex(MATERIALS["trifold"]) == "DuplexFlipShortEdge"
    assert duplex(MATERIALS["handbill"]) == "Simplex"


@pytest.mark.parametrize("paper", list(SHEETS))
@pytest.mark.parametrize("name", ["handbill", "palmcard", "callscript", "booklet"])
def test_pieces_keep_their_size_and_marks_keep_off_the_sheet_edge(name, paper):
    """Every piece at exactly its named size; no mark within SAFE of the sheet's edge, nor on
    a piece (a cut tick starts OFFSET from its cut); pieces apart by a gutter, or touching
    where the sheet holds no two apart (two half sheets), their shared cut marked between."""
    material = MATERIALS[name]
    trim = material.trim[paper]
    plan = plan_sheets(material, SHEETS[paper], trim, 4 if name == "booklet" else 2, "Print")
    for sheet in plan.sheets:
        assert {(round(sheet.width), round(sheet.height)), (round(sheet.height),
                round(sheet.width))} >= {tuple(round(v) for v in SHEETS[paper])}
        boxes = [(p.x, p.y, p.x + trim[0], p.y + trim[1]) for p in sheet.placements]
        assert all(p.scale == 1.0 for p in sheet.placements)  # finished size as named
        for x1, y1, x2, y2 in boxes:
            assert x1 >= -0.01 and y1 >= -0.01
            assert x2 <= sheet.width + 0.01 and y2 <= sheet.height + 0.01
        for line in sheet.lines:
            for x, y in ((line.x1, line.y1), (line.x2, line.y2)):
                assert SAFE - 0.01 <= x <= sheet.width - SAFE + 0.01, (name, paper, line)
                assert SAFE - 0.01 <= y <= sheet.height - SAFE + 0.01, (name, paper, line)
            if line.kind == "cut":  # a tick: off every piece
                for x1, y1, x2, y2 in boxes:
                    inside = (x1 + 0.5 < max(line.x1, line.x2) and min(line.x1, line.x2) < x2 - 0.5
                              and y1 + 0.5 < max(line.y1, line.y2)
                              and min(line.y1, line.y2) < y2 - 0.5)
                    assert not inside, (name, paper, line)
        if name in ("palmcard", "callscript"):  # cards apart: a gutter between them
            (_, _, right, _), (b, *_) = sorted(boxes)[:2]
            assert b - right >= MIN_GUTTER - 0.01, (name, paper, b - right)
            assert any(line.kind == "cut" and right < line.x1 < b for line in sheet.lines
                       if line.y1 == line.y2) or sheet is plan.sheets[1]


def test_two_half_sheets_share_their_cut_marked_by_a_guide_between_them():
    material = MATERIALS["handbill"]
    [sheet] = plan_sheets(material, SHEETS["letter"], material.trim["letter"], 1, "Print").sheets
    assert (sheet.width, sheet.height) == (11 * INCH, 8.5 * INCH)
    left, right = sheet.placements
    assert (left.x, right.x) == (0, 5.5 * INCH)  # 5.5 x 8.5 in each, as sold
    [guide] = sheet.lines
    assert guide.kind == "guide" and guide.x1 == guide.x2 == 5.5 * INCH
    assert (guide.y1, guide.y2) == (SAFE, 8.5 * INCH - SAFE)
    assert sheet.note is None  # no margin to hold it: the PDF's print settings say it


def test_every_cut_of_a_card_has_a_tick_at_each_end_where_the_sheet_has_room():
    material = MATERIALS["callscript"]
    front, _ = plan_sheets(material, SHEETS["letter"], material.trim["letter"], 2, "P").sheets
    width, height = material.trim["letter"]
    for place in front.placements:
        for x in (place.x, place.x + width):
            ticks = [line for line in front.lines if line.x1 == line.x2 == x]
            assert {line.y1 > place.y for line in ticks} == {True, False}  # above and below
            assert all(min(abs(line.y1 - edge), abs(line.y2 - edge)) >= OFFSET - 0.01
                       for line in ticks for edge in (place.y, place.y + height))


def test_poster_is_scaled_inside_the_safe_margin():
    material = MATERIALS["poster"]
    [sheet] = plan_sheets(material, SHEETS["letter"], material.trim["letter"], 1).sheets
    [placement] = sheet.placements
    width, height = material.trim["letter"]
    assert placement.scale == pytest.approx((11 * INCH - 2 * SAFE - BAND) / height)
    assert placement.x >= SAFE - 0.01 and placement.y >= SAFE - 0.01
    assert placement.x + width * placement.scale <= sheet.width - SAFE + 0.01


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
    """Two call scripts on a sheet are one Form XObject drawn twice, not two copies."""
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
            assert len(cards) == 1 and content.count(f"{cards[0]} Do".encode()) == 2
            forms.add(xobjects[cards[0]].objgen)
        assert len(forms) == 2  # the front and the back, once each in the file


@pytest.mark.slow
@pytest.mark.parametrize("material", [name for name, m in MATERIALS.items()
                                      if m.imposition not in ("none",)])
def test_home_sheets_have_no_ink_near_the_edge_and_pieces_at_their_size(fixture_kit, material):
    """No home or photocopy sheet has ink (marks included) within 6 mm of its edge, where
    most printers cannot print; each imposed piece is its material's size exactly."""
    from pdfinspect import ink_near_edge, placed_sizes

    for locale in ("en", "de"):
        for profile in ("home", "photocopy"):
            path = fixture_kit / f"{locale}/{material}-{profile}.pdf"
            if not path.exists():
                continue  # the fixture kit builds four German materials
            assert not ink_near_edge(path, 6.0), (material, locale, profile)
            paper = "a4" if locale == "de" else "letter"
            trim = MATERIALS[material].trim[paper]
            if MATERIALS[material].imposition in ("cut-2up", "cards", "saddle"):
                for sizes in placed_sizes(path):
                    assert sizes and all(size == pytest.approx(trim, abs=0.05)
                                         for size in sizes), (material, locale, sizes, trim)


@pytest.mark.parametrize(("locale", "joined"), [
    ("en", "Print double-sided, flip on long edge and cut on the marks"),
    ("ko", "Print double-sided, flip on long edge 및 cut on the marks"),
    ("ja", "Print double-sided, flip on long edge、cut on the marks"),
    ("zh-Hant", "Print double-sided, flip on long edge和cut on the marks"),
    ("de", "Print double-sided, flip on long edge und cut on the marks"),
    ("xx-nowhere", "Print double-sided, flip on long edge, cut on the marks"),
])
def test_a_print_instruction_is_joined_as_its_language_joins_a_list(locale, joined):
    # CLDR's list pattern for two items (Babel), not a "; " of our own; the English strings
    # show the joiner alone.
    strings = {"print_duplex_long": "Print double-sided, flip on long edge",
               "print_duplex_short": "Print double-sided, flip on short edge",
               "cut_on_marks": "Cut on the marks"}
    assert print_instruction(MATERIALS["palmcard"], strings, "letter", locale) == joined
