"""Stage 8: put trim pages on the home printer's sheets (n-up, saddle stitch, cards, scaling).

A plan is plain data (which trim page goes where on which sheet, and where the cut and fold
marks are); ``impose`` carries it out with pikepdf, each trim page one Form XObject. The marks
and the print instruction are drawn by WeasyPrint on an underlay page
(``templates/sheet.html.j2``) so they use the bundled fonts.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import pairwise

from pamphleteer.materials import INCH, SHEETS, Material

SAFE = 0.25 * INCH  # home printers cannot print closer than this to the sheet edge: no mark
MARK = 0.2 * INCH  # length of a cut or fold tick
OFFSET = 3.0  # a cut tick starts this far (points) from the cut, so a cut never takes its ink
MIN_TICK = 4.0  # a tick shorter than this (points) is left out: no room for it there
BAND = 0.18 * INCH  # room a one-line print instruction needs
GUTTER = 0.4 * INCH  # a strip cut away between pieces, where their cut ticks go
MIN_GUTTER = 0.2 * INCH  # narrower than this, pieces tile the sheet and share their cuts


@dataclass(frozen=True)
class Placement:
    """A trim page on a sheet: its index, lower-left corner and scale."""

    page: int
    x: float
    y: float
    scale: float = 1.0


@dataclass(frozen=True)
class Line:
    """A mark on a sheet, from (x1, y1) to (x2, y2), in points from the lower left."""

    x1: float
    y1: float
    x2: float
    y2: float
    kind: str  # "cut" (solid tick), "guide" (dashed line along a cut), "fold" (dashed tick)


@dataclass(frozen=True)
class Note:
    """Where a sheet's print instruction goes: a box outside every piece (points, lower left)."""

    x: float
    y: float
    width: float
    height: float
    rotate: bool = False  # set up the side of a narrow upright box


@dataclass(frozen=True)
class SheetPlan:
    """One side of a sheet: its size, what goes on it, its marks and instruction."""

    width: float
    height: float
    placements: tuple[Placement, ...]
    lines: tuple[Line, ...] = ()
    instruction: str = ""
    note: Note | None = None  # where the instruction goes; never on a piece


@dataclass(frozen=True)
class Plan:
    """The imposition of a whole document: the sheet sides in printing order."""

    sheets: tuple[SheetPlan, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Imposition:
    """How the home profile puts a material's trim pages on sheets: the print instruction's
    strings.toml keys, the duplex setting the PDF asks for, and the plan (None: printed as
    it is, the trim being the sheet or a sheet of panels)."""

    name: str
    instruction: tuple[str, ...] = ()  # "print_duplex": the flip that suits the sheet's side
    duplex: bool = False  # printed on both sides, the sheet turned over side to side
    plan: Callable[[tuple[float, float], tuple[float, float], int, str], Plan] | None = None


def instruction_keys(material: Material, paper: str = "letter") -> tuple[str, ...]:
    """The strings.toml keys of the one-line print instruction for ``material`` at home."""
    flip = "print_duplex_short" if _landscape(material, paper) else "print_duplex_long"
    return tuple(flip if key == "print_duplex" else key
                 for key in IMPOSITIONS[material.imposition].instruction)


def print_instruction(material: Material, strings: dict[str, str], paper: str = "letter",
                      locale: str = "en") -> str:
    """The one-line print instruction in the locale's words, joined as the language joins a
    list (CLDR: "Print double-sided, flip on short edge and fold on the marks", "...、...")."""
    from babel import Locale, UnknownLocaleError
    from babel.lists import format_list

    words = [strings[key] for key in instruction_keys(material, paper)]
    words = words[:1] + [w[:1].lower() + w[1:] for w in words[1:]]
    try:
        return format_list(words, locale=Locale.parse(locale, sep="-"))
    except (UnknownLocaleError, ValueError):  # a folder CLDR does not know: plain commas
        return ", ".join(words)


def duplex(material: Material, paper: str = "letter") -> str:
    """How the home PDF asks to be printed (a PDF ViewerPreferences /Duplex value): a sheet
    turned over side to side flips on its long edge upright, on its short edge lying down."""
    if not IMPOSITIONS[material.imposition].duplex:
        return "Simplex"
    return "DuplexFlipShortEdge" if _landscape(material, paper) else "DuplexFlipLongEdge"


def _landscape(material: Material, paper: str) -> bool:
    """Whether the home sheets of ``material`` lie on their side (wider than tall)."""
    trim = material.trim[paper]
    plan = plan_sheets(material, SHEETS[paper], trim, max(material.page_multiple, 2))
    width, height = (plan.sheets[0].width, plan.sheets[0].height) if plan else trim
    return width > height


def plan_sheets(material: Material, paper_sheet: tuple[float, float], trim: tuple[float, float],
                pages: int, instruction: str = "", rtl: bool = False) -> Plan | None:
    """How the home profile puts ``pages`` trim pages on sheets; None: print as is.

    The print instruction goes in a margin or in a gutter that is cut away, never on a piece:
    where the pieces fill the sheet (folded pieces), the PDF's print settings say it instead.
    A right-to-left piece's sheets are the mirror of a left-to-right one's: a booklet is bound
    on its right, its first page on the left half of the outer sheet.
    """
    plan = IMPOSITIONS[material.imposition].plan
    if plan is None:
        return None
    made = plan(paper_sheet, trim, pages, instruction)
    return _mirrored(made, trim) if rtl else made


def _mirrored(plan: Plan, trim: tuple[float, float]) -> Plan:
    """``plan`` reflected left for right on every sheet side (both sides of a duplex sheet
    alike, so what lies back to back stays so)."""
    def flip(x: float, width: float, sheet: SheetPlan) -> float:
        return sheet.width - x - width

    return Plan(tuple(replace(
        sheet,
        placements=tuple(replace(place, x=flip(place.x, trim[0] * place.scale, sheet))
                         for place in sheet.placements),
        lines=tuple(replace(line, x1=flip(line.x1, 0, sheet), x2=flip(line.x2, 0, sheet))
                    for line in sheet.lines),
        note=replace(sheet.note, x=flip(sheet.note.x, sheet.note.width, sheet))
        if sheet.note else None) for sheet in plan.sheets))


def unprintable_top(material: Material, paper: str) -> float:
    """How far into a trim page, from its top and sides, a home printer cannot print
    (points of the trim page): where it is imposed on the locale's sheet, and how much it is
    scaled there."""
    trim = material.trim[paper]
    pages = material.page_multiple if material.page_multiple > 1 else min(material.pages, 2)
    plan = plan_sheets(material, SHEETS[paper], trim, pages)
    if plan is None:  # printed as it is: the trim is the sheet
        return SAFE
    needed = 0.0
    for sheet in plan.sheets:
        for place in sheet.placements:
            width, height = trim[0] * place.scale, trim[1] * place.scale
            edges = (place.x, sheet.width - place.x - width, sheet.height - place.y - height)
            needed = max(needed, *((SAFE - edge) / place.scale for edge in edges))
    return max(needed, 0.0)


def saddle_order(pages: int) -> list[list[int]]:
    """Page indices (left, right) of each sheet side for a saddle-stitched booklet."""
    if pages % 4:
        raise ValueError(f"a saddle-stitched booklet needs a multiple of 4 pages, not {pages}")
    sides = []
    for sheet in range(pages // 4):
        sides.append([pages - 1 - 2 * sheet, 2 * sheet])  # front: last | first
        sides.append([2 * sheet + 1, pages - 2 - 2 * sheet])  # back: second | second-to-last
    return sides


def _two_up(sheet: tuple[float, float], trim: tuple[float, float],
            sides: list[list[int]]) -> Plan:
    """Two trim pages side by side on a landscape sheet, folded between them."""
    width, height = sheet[1], sheet[0]
    x0, y0 = (width - 2 * trim[0]) / 2, (height - trim[1]) / 2
    middle = x0 + trim[0]
    lines = (Line(middle, SAFE, middle, SAFE + MARK, "fold"),
             Line(middle, height - SAFE - MARK, middle, height - SAFE, "fold"))
    return Plan(tuple(SheetPlan(width, height, tuple(Placement(page, x0 + column * trim[0], y0)
                                                     for column, page in enumerate(side)),
                                lines) for side in sides))


def _cards(sheet: tuple[float, float], trim: tuple[float, float], pages: int,
           instruction: str) -> Plan:
    """Pieces at their own size in a grid on the sheet, a gutter between them that is cut
    away and holds their cut ticks; backs mirrored so that duplex printing lines up.

    The instruction goes in the margin below (or above) the grid when there is room.
    """
    width, height, columns, rows, gaps = _grid(sheet, trim)
    x0 = (width - columns * trim[0] - (columns - 1) * gaps[0]) / 2
    y0 = (height - rows * trim[1] - (rows - 1) * gaps[1]) / 2
    xs = [x0 + c * (trim[0] + gaps[0]) for c in range(columns)]
    ys = [y0 + r * (trim[1] + gaps[1]) for r in range(rows)]
    cells = [(x, y) for y in ys for x in xs]
    lines = _cut_marks(width, height, xs, ys, trim)
    note = None
    if y0 - SAFE >= BAND:
        note = Note(SAFE, SAFE, width - 2 * SAFE, y0 - OFFSET - SAFE)
    front = SheetPlan(width, height, tuple(Placement(0, x, y) for x, y in cells), lines,
                      instruction, note)
    if pages < 2:
        return Plan((front,))
    # Turned over side to side, the back of the cell at x is at width - x - card width.
    back = SheetPlan(width, height,
                     tuple(Placement(1, width - x - trim[0], y) for x, y in cells))
    return Plan((front, back))


def _grid(sheet: tuple[float, float], trim: tuple[float, float]
          ) -> tuple[float, float, int, int, tuple[float, float]]:
    """The sheet's side up (width, height), columns, rows and gutters (across, down) that
    hold the most pieces at their size with a gutter between them; where that is fewer than
    two, the most the sheet holds with pieces touching (two half sheets share their cut)."""
    for least in (MIN_GUTTER, 0.0):
        choices = []
        for width, height in (sheet, (sheet[1], sheet[0])):
            columns, rows = _count(width, trim[0], least), _count(height, trim[1], least)
            choices.append((columns * rows, width < height, width, height, columns, rows))
        count, _, width, height, columns, rows = max(choices)  # upright when it is a tie
        if count >= 2 or not least:
            break
    # A gutter as wide as the room leaves once the margins are SAFE wide (pieces near the
    # edge keep their ink SAFE in: render.unprintable_top), between MIN_GUTTER and GUTTER.
    gaps = tuple(max(least, min(GUTTER, (room - n * size - 2 * SAFE) / (n - 1)))
                 if n > 1 and least else 0.0
                 for room, size, n in ((width, trim[0], columns), (height, trim[1], rows)))
    return width, height, columns, rows, (gaps[0], gaps[1])


def _count(room: float, size: float, gutter: float) -> int:
    """How many pieces of ``size`` fit in ``room`` with ``gutter`` between each two."""
    return max(1, int((room + gutter + 0.01) // (size + gutter)))


def _cut_marks(width: float, height: float, xs: list[float], ys: list[float],
               trim: tuple[float, float]) -> tuple[Line, ...]:
    """Cut ticks for every edge of every piece, off the cut, in the margins and gutters and
    never within SAFE of the sheet's edge; a cut shared by two touching pieces, which has no
    such room, gets a dashed guide along it between their blank margins instead."""
    lines: list[Line] = []
    top, right = ys[-1] + trim[1], xs[-1] + trim[0]
    cuts_x = sorted({x for x in xs} | {x + trim[0] for x in xs})
    cuts_y = sorted({y for y in ys} | {y + trim[1] for y in ys})
    for x in (x for x in cuts_x if SAFE < x < width - SAFE):
        spans = [(top + OFFSET, min(top + OFFSET + MARK, height - SAFE)),
                 (max(ys[0] - OFFSET - MARK, SAFE), ys[0] - OFFSET)]
        spans += [(y + trim[1] + OFFSET, nxt - OFFSET) for y, nxt in pairwise(ys)]
        ticks = [Line(x, a, x, b, "cut") for a, b in spans if b - a >= MIN_TICK]
        lines += ticks or [Line(x, max(ys[0], SAFE), x, min(top, height - SAFE), "guide")]
    for y in (y for y in cuts_y if SAFE < y < height - SAFE):
        spans = [(right + OFFSET, min(right + OFFSET + MARK, width - SAFE)),
                 (max(xs[0] - OFFSET - MARK, SAFE), xs[0] - OFFSET)]
        spans += [(x + trim[0] + OFFSET, nxt - OFFSET) for x, nxt in pairwise(xs)]
        ticks = [Line(a, y, b, y, "cut") for a, b in spans if b - a >= MIN_TICK]
        lines += ticks or [Line(max(xs[0], SAFE), y, min(right, width - SAFE), y, "guide")]
    return tuple(lines)


def _scaled(sheet: tuple[float, float], trim: tuple[float, float], instruction: str) -> Plan:
    """A large page shrunk to fit the sheet inside the printer-safe margin, over a band for
    the instruction."""
    width, height = sheet
    scale = min((width - 2 * SAFE) / trim[0], (height - 2 * SAFE - BAND) / trim[1], 1.0)
    x = (width - trim[0] * scale) / 2
    y = SAFE + BAND + (height - 2 * SAFE - BAND - trim[1] * scale) / 2
    note = Note(SAFE, SAFE, width - 2 * SAFE, BAND)
    return Plan((SheetPlan(width, height, (Placement(0, x, y, scale),), (), instruction,
                           note),))


# The impositions materials name (``Material.imposition``); a new one is an entry here.
IMPOSITIONS: dict[str, Imposition] = {entry.name: entry for entry in (
    Imposition("sheet"),  # a full sheet, printed as it is (flyer, signature sheet)
    # Copies of a one-sided piece (two half sheets side by side share their cut).
    Imposition("cut-2up", ("print_single", "cut_on_marks"),
               plan=lambda sheet, trim, pages, note: _cards(sheet, trim, 1, note)),
    Imposition("saddle", ("print_duplex", "fold_on_marks"), True,
               plan=lambda sheet, trim, pages, note: _two_up(sheet, trim, saddle_order(pages))),
    Imposition("cards", ("print_duplex", "cut_on_marks"), True, plan=_cards),
    # Its two pages are the sheet's two sides already, panels in fold order.
    Imposition("trifold", ("print_duplex", "fold_on_marks"), True),
    Imposition("scale", ("print_single",),
               plan=lambda sheet, trim, pages, note: _scaled(sheet, trim, note)),
    Imposition("none"),  # never on paper (share images)
)}


def impose(trim_pdf: bytes, layout: Plan, underlay_pdf: bytes, duplex: str = "Simplex") -> bytes:
    """Carry out ``layout``: each sheet side gets its underlay page, then its trim pages.

    Each trim page is put in the PDF once, as a Form XObject, and drawn wherever the plan
    places it: two call scripts on a sheet cost one copy of the card, not two. The PDF
    also asks the print dialog for ``duplex`` and no scaling (cards must register).
    """
    import pikepdf

    trim = pikepdf.open(io.BytesIO(trim_pdf))
    underlay = pikepdf.open(io.BytesIO(underlay_pdf))
    sheets = pikepdf.new()
    forms: dict[int, pikepdf.Object] = {}
    for index, sheet in enumerate(layout.sheets):
        names = {"/U": sheets.copy_foreign(underlay.pages[index].as_form_xobject())}
        drawing = ["q /U Do Q"]
        for placement in sheet.placements:
            if placement.page not in forms:
                forms[placement.page] = sheets.copy_foreign(
                    trim.pages[placement.page].as_form_xobject())
            name = f"/P{placement.page}"
            names[name] = forms[placement.page]
            s = placement.scale
            drawing.append(f"q {s:.6g} 0 0 {s:.6g} {placement.x:.4f} {placement.y:.4f} cm "
                           f"{name} Do Q")
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, round(sheet.width, 4), round(sheet.height, 4)],
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(names)),
            Contents=sheets.make_stream("\n".join(drawing).encode()))
        sheets.pages.append(pikepdf.Page(page))
    with sheets.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False):
        pass  # no XMP of our own: the trim PDF's document info is copied below
    for key, value in trim.docinfo.items():
        sheets.docinfo[key] = value
    sheets.Root.ViewerPreferences = pikepdf.Dictionary(
        Duplex=pikepdf.Name(f"/{duplex}"), PrintScaling=pikepdf.Name("/None"))
    output = io.BytesIO()
    sheets.save(output, deterministic_id=True, compress_streams=True,
                object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return output.getvalue()
