"""Stage 8: put trim pages on the home printer's sheets (n-up, saddle stitch, cards, scaling).

A plan is plain data (which trim page goes where on which sheet, and where the cut and fold
marks are); ``impose`` carries it out with pikepdf, each trim page one Form XObject. The marks
and the print instruction are drawn by WeasyPrint on an underlay page
(``templates/sheet.html.j2``) so they use the bundled fonts.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

from pamphleteer.materials import INCH, SHEETS, Material

SAFE = 0.25 * INCH  # home printers cannot print closer than this to the sheet edge
MARK = 0.22 * INCH  # length of a cut or fold tick at the sheet edge
BAND = 0.18 * INCH  # room a one-line print instruction needs
GUTTER = 0.4 * INCH  # a strip cut away between pieces, where the instruction goes


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
    instruction: tuple[str, ...] = ()
    duplex: str = "Simplex"
    plan: Callable[[tuple[float, float], tuple[float, float], int, str], Plan] | None = None


def instruction_keys(material: Material) -> tuple[str, ...]:
    """The strings.toml keys of the one-line print instruction for ``material`` at home."""
    return IMPOSITIONS[material.imposition].instruction


def print_instruction(material: Material, strings: dict[str, str]) -> str:
    """The one-line print instruction in the locale's words ("Print double-sided, flip on
    short edge; fold on the marks")."""
    words = [strings[key] for key in instruction_keys(material)]
    return "; ".join(words[:1] + [w[:1].lower() + w[1:] for w in words[1:]])


def duplex(material: Material) -> str:
    """How the home PDF asks to be printed (a PDF ViewerPreferences /Duplex value)."""
    return IMPOSITIONS[material.imposition].duplex


def plan_sheets(material: Material, paper_sheet: tuple[float, float], trim: tuple[float, float],
                pages: int, instruction: str = "") -> Plan | None:
    """How the home profile puts ``pages`` trim pages on sheets; None: print as is.

    The print instruction goes in a margin or in a gutter that is cut away, never on a piece:
    where the pieces fill the sheet (folded pieces), the PDF's print settings say it instead.
    """
    plan = IMPOSITIONS[material.imposition].plan
    return None if plan is None else plan(paper_sheet, trim, pages, instruction)


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
    lines = (Line(middle, 0, middle, MARK, "fold"), Line(middle, height - MARK, middle, height,
                                                         "fold"))
    return Plan(tuple(SheetPlan(width, height, tuple(Placement(page, x0 + column * trim[0], y0)
                                                     for column, page in enumerate(side)),
                                lines) for side in sides))


def _cut_two_up(sheet: tuple[float, float], trim: tuple[float, float],
                instruction: str) -> Plan:
    """Two copies side by side, a little smaller, with a gutter between them that is cut away
    and holds the instruction."""
    width, height = sheet[1], sheet[0]
    scale = min(1.0, (width - GUTTER) / (2 * trim[0]), height / trim[1])
    piece_w, piece_h = trim[0] * scale, trim[1] * scale
    x0, y0 = (width - 2 * piece_w - GUTTER) / 2, (height - piece_h) / 2
    cuts = (x0 + piece_w, x0 + piece_w + GUTTER)
    lines = [line for x in cuts for line in (Line(x, 0, x, MARK, "cut"),
                                             Line(x, height - MARK, x, height, "cut"),
                                             Line(x, MARK, x, height - MARK, "guide"))]
    placements = (Placement(0, x0, y0, scale), Placement(0, cuts[1], y0, scale))
    note = Note(cuts[0], max(y0, SAFE), GUTTER, min(piece_h, height - 2 * SAFE), rotate=True)
    return Plan((SheetPlan(width, height, placements, tuple(lines), instruction, note),))


def _cards(sheet: tuple[float, float], trim: tuple[float, float], pages: int,
           instruction: str) -> Plan:
    """As many cards as fit on a portrait sheet; backs mirrored so duplex printing lines up.

    The instruction goes below the cards when there is room; otherwise the rows move apart,
    a little smaller, around a gutter that is cut away and holds it.
    """
    width, height = sheet
    columns, rows = int(width // trim[0]), int(height // trim[1])
    margin = (height - rows * trim[1]) / 2
    gap, scale = 0.0, 1.0
    if margin - SAFE < BAND and rows > 1:
        gap = GUTTER
        scale = min(1.0, (height - gap) / (rows * trim[1]), width / (columns * trim[0]))
    card_w, card_h = trim[0] * scale, trim[1] * scale
    x0 = (width - columns * card_w) / 2
    y0 = (height - rows * card_h - gap) / 2
    split = rows // 2  # the gutter goes above this many rows

    def row_y(row: int) -> float:
        return y0 + row * card_h + (gap if row >= split else 0)

    cells = [(x0 + c * card_w, row_y(r)) for r in range(rows) for c in range(columns)]
    xs = [x0 + c * card_w for c in range(columns + 1)]
    ys = sorted({row_y(r) for r in range(rows)} | {row_y(r) + card_h for r in range(rows)})
    lines = _grid_lines(width, height, xs, ys)
    if gap:
        note = Note(SAFE, row_y(split) - gap, width - 2 * SAFE, gap)
    else:
        note = Note(SAFE, SAFE, width - 2 * SAFE, max(y0 - SAFE, 0.0))
    front = SheetPlan(width, height, tuple(Placement(0, x, y, scale) for x, y in cells), lines,
                      instruction, note)
    if pages < 2:
        return Plan((front,))
    # Flipped on the long edge, the back of the cell at x is at width - x - card width.
    back = SheetPlan(width, height,
                     tuple(Placement(1, width - x - card_w, y, scale) for x, y in cells))
    return Plan((front, back))


def _grid_lines(width: float, height: float, xs: list[float], ys: list[float]) -> tuple:
    """Cut ticks at the sheet edges and dashed guides along every cut between cards."""
    lines = []
    for x in xs:
        if MARK < x < width - MARK:
            lines += [Line(x, 0, x, MARK, "cut"), Line(x, height - MARK, x, height, "cut"),
                      Line(x, MARK, x, height - MARK, "guide")]
    for y in ys:
        if MARK < y < height - MARK:
            lines += [Line(0, y, MARK, y, "cut"), Line(width - MARK, y, width, y, "cut"),
                      Line(MARK, y, width - MARK, y, "guide")]
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
    Imposition("cut-2up", ("print_single", "cut_on_marks"),
               plan=lambda sheet, trim, pages, note: _cut_two_up(sheet, trim, note)),
    Imposition("saddle", ("print_duplex_short", "fold_on_marks"), "DuplexFlipShortEdge",
               plan=lambda sheet, trim, pages, note: _two_up(sheet, trim, saddle_order(pages))),
    Imposition("cards", ("print_duplex_long", "cut_on_marks"), "DuplexFlipLongEdge",
               plan=_cards),
    # Its two pages are the sheet's two sides already, panels in fold order.
    Imposition("trifold", ("print_duplex_short", "fold_on_marks"), "DuplexFlipShortEdge"),
    Imposition("scale", ("print_single",),
               plan=lambda sheet, trim, pages, note: _scaled(sheet, trim, note)),
    Imposition("none"),  # never on paper (share images)
)}


def impose(trim_pdf: bytes, layout: Plan, underlay_pdf: bytes, duplex: str = "Simplex") -> bytes:
    """Carry out ``layout``: each sheet side gets its underlay page, then its trim pages.

    Each trim page is put in the PDF once, as a Form XObject, and drawn wherever the plan
    places it: four call scripts on a sheet cost one copy of the card, not four. The PDF
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
