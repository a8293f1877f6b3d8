"""Read a laid-out document into plain data: fit areas, what fills them, frames that overflow.

WeasyPrint's box tree is the only place where the real line breaks and heights are known.
This module reduces it to small frozen records (``Node``, ``Area``, ``Layout``) so that the fit
stage can predict heights at another type scale without touching WeasyPrint.

Conventions the templates follow, so that the prediction is right:
- an element with ``data-fit="name"`` is a fit area: its content must fit its height, and its
  ``--fit-gap`` spreads what is left; ``data-fit-flow`` marks one that flows over pages;
- type sizes and vertical spacing inside areas scale with ``--fit`` (``em`` or ``var(--pt)``);
  padding, borders, rules and QR codes do not; ``.fixed-size`` blocks never change;
- ``.flow`` elements spread extra space as ``padding-top`` on every child but the first (twice
  as much above a heading, none right under one): their children have no padding-top of their
  own (``print.css`` holds the rules). An element with ``data-fit-weight="N"`` takes N gaps
  wherever it is: a designed element (a colour block) that grows with the spare room;
- paragraphs and list items of ``.prose`` (body copy) add ``--fit-lead`` to each line's
  height, for room that spreading between blocks alone would leave as holes;
- a ``.foot`` is placed at the bottom of its ``.stack``: it is measured under the copy, and
  copy that runs down into it overflows;
- columns split by the fit (``columns.py``) are read back as one flow of blocks, which the
  fit may cut again elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import cast

from pamphleteer.markup import WORD_JOINER

# Node kinds.
TEXT, FIXED, STACK, GRID, COLUMNS, SPLIT = "text", "fixed", "stack", "grid", "columns", "split"
HEADINGS = {"h1", "h2", "h3", "h4"}
PX_PER_MM = 96 / 25.4


@dataclass(frozen=True)
class Node:
    """A box reduced to what predicts its height at another type scale (CSS px)."""

    kind: str
    height: float = 0.0  # FIXED: border-box height; TEXT: its lines; COLUMNS: imbalance
    pad: float = 0.0  # vertical padding and borders, which do not scale
    lines: tuple[float, ...] = ()  # TEXT: the width of each line's content
    width: float = 0.0  # TEXT: the width lines may take
    word: float = 0.0  # TEXT: the widest piece that must stay whole (no-wrap, headlines)
    long: str = ""  # TEXT: that piece's text, for messages
    words: tuple[float, ...] = ()  # TEXT: the width of each unbreakable piece, in order
    trailing: tuple[float, ...] = ()  # TEXT: the width of the space after each piece
    breaks: tuple[int, ...] = ()  # TEXT: forced line breaks, as piece counts before them
    leads: bool = False  # TEXT: body copy, whose leading takes spare room (``--fit-lead``)
    lead: float = 0.0  # TEXT: the spare leading each line had when measured
    children: tuple[Node, ...] = ()
    spaces: tuple[float, ...] = ()  # STACK, GRID: margin space above each child
    weights: tuple[int, ...] = ()  # STACK: how many gaps of spread space go above each child
    count: int = 1  # COLUMNS, SPLIT: how many columns
    keep: bool = False  # TEXT: a heading, which stays with what follows it
    slot: int = -1  # SPLIT: which data-columns element of the document it is
    cut_in: bool = False  # a block of a SPLIT: a column may break inside it (columns.py)


@dataclass(frozen=True)
class Ink:
    """A kind of text run as a reader sees it: its colour and the colour behind it (sRGB,
    0-1), its size in CSS px and its weight; ``text``: the first run of its kind."""

    colour: tuple[float, float, float]
    background: tuple[float, float, float]
    size: float
    weight: int
    text: str


@dataclass(frozen=True)
class Area:
    """A fit area: the room it has and what fills it."""

    name: str
    capacity: float  # content height; for a flow, the height of one page's area
    content: Node
    complete: bool = True  # nothing was cut off at a page bottom
    flow: bool = False
    pages: int = 1  # flows: pages it ran over
    last_used: float = 0.0  # flows: height used on the last page


@dataclass(frozen=True)
class Layout:
    """What the fit and preflight stages need to know about one laid-out document."""

    areas: tuple[Area, ...] = ()
    overflows: tuple[tuple[str, float], ...] = ()  # (frame name, mm that did not fit)
    wide: tuple[tuple[str, float], ...] = ()  # (area name, mm a word runs past its line)
    pages: int = 0
    bottoms: tuple[float, ...] = ()  # per page: where its content ends, in points from the top
    photos: tuple[tuple[int, float, float], ...] = ()  # (source line, pixels, inches) across
    broken: tuple[str, ...] = ()  # words cut at a line's end without a hyphen (overflow-wrap)
    inks: tuple[Ink, ...] = ()  # each kind of text run: its colour on its background

    def area(self, name: str) -> Area | None:
        """The area called ``name``, if the document has one."""
        return next((a for a in self.areas if a.name == name), None)


def measure(document) -> Layout:
    """Fit areas and frame overflows of a rendered WeasyPrint document."""
    fragments: dict[int, list] = {}
    order: list = []
    photos: list[tuple[int, float, float]] = []
    for page in document.pages:
        for box, _ in _boxes(page._page_box):
            element = getattr(box, "element", None)
            if getattr(box, "replacement", None) is not None and element is not None \
                    and element.get("data-line") and box.width:
                photos.append((int(element.get("data-line")),
                               getattr(box.replacement, "width", 0), box.width / 96))
            if element is None or element.get("data-fit") is None or box.element_tag is None:
                continue
            if not hasattr(box, "content_box_y"):
                continue
            if id(element) not in fragments:
                fragments[id(element)] = []
                order.append(element)
            fragments[id(element)].append((box, page))
    _WIDTH_CACHE.clear()  # keyed by style objects, which live only as long as the document
    areas = tuple(_area(element, fragments[id(element)]) for element in order)
    _WIDTH_CACHE.clear()
    # A line wider than its column (a no-wrap word) runs into its neighbour.
    wide = [(area.name, (width - t.width) / PX_PER_MM)
            for area in areas for t in _texts(area.content)
            for width in [max(t.lines, default=0.0)] if width > t.width + 0.5]
    return Layout(areas=areas, overflows=tuple(frame_overflows(document)), wide=tuple(wide),
                  pages=len(document.pages),
                  bottoms=tuple(_bottom(page._page_box) for page in document.pages),
                  photos=tuple(photos),
                  broken=_all_broken(document),
                  inks=tuple(_inks(document)))


def _inks(document) -> list[Ink]:
    """Every kind of text run on the pages (colour, background, size, weight), once."""
    found: dict[tuple, Ink] = {}
    for page in document.pages:
        _collect_inks(page._page_box, (1.0, 1.0, 1.0), found)
    return list(found.values())


def _collect_inks(box, behind: tuple[float, float, float], found: dict) -> None:
    style = box.style
    background = _srgb(style["background_color"])
    if background is not None and style["background_color"].alpha >= 0.5:
        behind = background
    text = getattr(box, "text", None)
    if text and text.strip():
        colour = _srgb(style["color"])
        if colour is not None:
            key = (colour, behind, round(style["font_size"], 1), style["font_weight"])
            if key not in found:
                found[key] = Ink(colour, behind, key[2], key[3], text.strip()[:40])
    for child in getattr(box, "children", ()):
        _collect_inks(child, behind, found)


def _srgb(colour) -> tuple[float, float, float] | None:
    """A colour as sRGB (None for a print shop's CMYK, which has no screen colour here)."""
    if colour is None or getattr(colour, "space", None) != "srgb":
        return None
    red, green, blue = colour.coordinates
    return (round(red, 4), round(green, 4), round(blue, 4))


def _all_broken(document) -> tuple[str, ...]:
    words = dict.fromkeys(word for page in document.pages
                          for word in _broken_words(page._page_box))
    _WIDTH_CACHE.clear()
    return tuple(words)


def _broken_words(page_box):
    """Words that overflow-wrap cut at the end of a line, anywhere on the page."""
    from weasyprint.formatting_structure import boxes as wb

    for box, _ in _boxes(page_box):
        lines = [child for child in getattr(box, "children", ())
                 if isinstance(child, wb.LineBox)]
        for line, following in pairwise(lines):
            word = cut_word(line, following, box.width)
            if word:
                yield word


def _bottom(page_box) -> float:
    """Where the content of a page ends: the lowest margin edge of the body's children (pt)."""
    bottoms = [child.position_y + child.margin_height()
               for html in page_box.children for body in html.children
               for child in getattr(body, "children", ())]
    return max(bottoms, default=0.0) * 0.75


def _texts(node: Node):
    if node.kind == TEXT:
        yield node
    for child in node.children:
        yield from _texts(child)


def _area(element, pieces: list) -> Area:
    name = element.get("data-fit")
    boxes = [_unwrap(box) for box, _ in pieces]
    complete = all(_frames_complete(box) for box in boxes)
    if element.get("data-fit-flow") is None:
        box = boxes[0]
        return Area(name=name, capacity=box.height, content=_content(box), complete=complete)
    # A flow: its fragments, one per page, read as one long stack.
    children: list[Node] = []
    spaces: list[float] = []
    weights: list[int] = []
    for box in boxes:
        node = _content(box, gap_in_margin=True)
        children += node.children
        spaces += node.spaces
        weights += node.weights
    last_box, last_page = boxes[-1], pieces[-1][1]._page_box
    bottom = max((c.border_box_y() + c.border_height() for c in _in_flow(last_box)),
                 default=last_box.content_box_y())
    return Area(name=name, capacity=last_page.height,
                content=Node(STACK, children=tuple(children), spaces=tuple(spaces),
                             weights=tuple(weights)),
                complete=complete, flow=True, pages=len(boxes),
                last_used=bottom - last_page.content_box_y())


def _unwrap(box):
    """The laid-out box behind an absolute-position placeholder."""
    return getattr(box, "_box", box)


def _in_flow(box) -> list:
    """Children that take part in the vertical flow (no markers, floats or frame-end marks)."""
    kept = []
    for child in getattr(box, "children", ()):
        child = _unwrap(child)
        if child.is_absolutely_positioned() or child.is_floated():
            continue
        element = getattr(child, "element", None)
        if element is not None and element.get("data-frame-end") is not None \
                and child.element_tag == "div":
            continue
        kept.append(child)
    return kept


def _classes(box) -> set[str]:
    element = getattr(box, "element", None)
    return set((element.get("class") or "").split()) if element is not None else set()


def _node(box, prose: bool = False) -> Node:
    """The prediction record of one box (``prose``: inside body copy, see print.css)."""
    from weasyprint.formatting_structure import boxes as wb

    pad = _vertical_pad(box)
    if "split" in _classes(box):
        return _split(box, pad, prose)
    if "fixed-size" in _classes(box) or isinstance(
            box, (wb.ReplacedBox, wb.TableBox, wb.FlexContainerBox, wb.InlineBlockBox)):
        return Node(FIXED, height=box.border_height())
    children = _in_flow(box)
    if not children:
        return Node(FIXED, height=box.border_height())
    prose = prose or "prose" in _classes(box)
    if all(isinstance(child, wb.LineBox) for child in children):
        node = _text(box, children, pad)
        if prose and node.kind == TEXT and box.element_tag in ("p", "li"):
            node = replace(node, leads=True, lead=_custom_px(box, "__fit_lead"))
        return node
    if isinstance(box, wb.GridContainerBox):
        return Node(GRID, pad=pad, children=tuple(_node(c) for c in children),
                    spaces=tuple(c.margin_top + c.margin_bottom for c in children))
    if children and all(getattr(c, "is_column", False) for c in children):
        # Columns are balanced, but never perfectly: keep how much taller the tallest is.
        filled = [max((g.border_box_y() + g.border_height() for g in _in_flow(c)),
                      default=c.content_box_y()) - c.content_box_y() for c in children]
        return Node(COLUMNS, pad=pad, children=tuple(_content(c, prose) for c in children),
                    count=len(children), height=max(filled) - sum(filled) / len(filled))
    node = _content(box, prose)
    return Node(STACK, pad=pad, children=node.children, spaces=node.spaces,
                weights=node.weights)


def _split(box, pad: float, prose: bool) -> Node:
    """Columns the fit split (``columns.py``): their blocks in reading order, one flow that
    the fit stage may cut again anywhere, with the space each block has below another."""
    prose = prose or "prose" in _classes(box)
    nodes: list[Node] = []
    spaces: list[float | None] = []
    weights: list[int] = []
    for number, column in enumerate(_unwrap(c) for c in box.children if "column" in _classes(c)):
        stack, blocks = _content(column, prose), _in_flow(column)
        children = [replace(node, cut_in=getattr(block, "element", None) is not None
                            and block.element.get("data-cut-in") is not None)
                    for node, block in zip(stack.children, blocks, strict=True)]
        above: list[float | None] = list(stack.spaces)
        gaps = list(stack.weights)
        if number and children and nodes and "continued" in _classes(blocks[0]):
            nodes[-1] = _joined(nodes[-1], children[0])  # one paragraph, cut in two
            children, above, gaps = children[1:], above[1:], gaps[1:]
        elif number and children:
            # A block that heads a column has no space or gap above it: give it those it
            # would have under the block before it.
            above[0] = None
            gaps[0] = 0 if nodes and nodes[-1].keep else (2 if children[0].keep else 1)
        nodes += children
        spaces += above
        weights += gaps
    known = [(space, node.keep) for space, node in zip(spaces[1:], nodes[1:], strict=True)
             if space is not None]
    for index, space in enumerate(spaces):
        if space is None:
            alike = sorted(s for s, keep in known if keep == nodes[index].keep)
            spaces[index] = alike[len(alike) // 2] if alike else 0.0
    filled = cast(tuple[float, ...], tuple(spaces))  # no None is left
    return Node(SPLIT, pad=pad, children=tuple(nodes), spaces=filled,
                weights=tuple(weights), count=2,
                slot=int(box.element.get("data-columns-slot", "-1")))


def _joined(head: Node, rest: Node) -> Node:
    """The two parts of a block cut between columns (a paragraph, a list), as the one block
    it is."""
    if head.kind == STACK and rest.kind == STACK and head.children and rest.children:
        inner = sorted(head.spaces[1:] + rest.spaces[1:])
        between = inner[len(inner) // 2] if inner else 0.0  # as the other items are spaced
        return replace(head, children=head.children + rest.children,
                       spaces=(*head.spaces, between, *rest.spaces[1:]),
                       weights=(*head.weights, 0, *rest.weights[1:]))
    if head.kind != TEXT or rest.kind != TEXT or not head.words:
        return Node(FIXED, height=_measured(head) + _measured(rest))
    space = max(head.trailing + rest.trailing, default=0.0)  # the space the cut fell on
    return replace(head, height=head.height + rest.height, pad=head.pad + rest.pad,
                   lines=head.lines + rest.lines, word=max(head.word, rest.word),
                   long=head.long if head.word >= rest.word else rest.long,
                   words=head.words + rest.words,
                   trailing=(*head.trailing[:-1], head.trailing[-1] or space, *rest.trailing),
                   breaks=head.breaks + tuple(len(head.words) + b for b in rest.breaks))


def _measured(node: Node) -> float:
    """A paragraph's height as measured (its lines, or its box)."""
    return node.pad + node.height


def _content(box, prose: bool = False, gap_in_margin: bool = False) -> Node:
    """A block's in-flow children as a stack, with the space above each and its gap weight.

    A flowing text takes its spread space as margin (which a page break drops), not padding.
    """
    children = _in_flow(box)
    spreads = "flow" in _classes(box)  # its children get the area's spread space above them
    prose = prose or "prose" in _classes(box)
    nodes, spaces, weights = [], [], []
    previous_bottom = box.content_box_y()
    for index, child in enumerate(children):
        top = child.border_box_y() if hasattr(child, "border_box_y") else child.position_y
        spaces.append(top - previous_bottom)  # negative: a block pulled up into the margin
        previous_bottom = top + (child.border_height() if hasattr(child, "border_height")
                                 else child.height)
        weight = 0
        if spreads and index and not getattr(child, "is_column", False):
            weight = 2 if child.element_tag in HEADINGS else 1
            if getattr(children[index - 1], "element_tag", None) in HEADINGS:
                weight = 0  # a heading stays with what follows it
        element = getattr(child, "element", None)
        if element is not None and element.get("data-fit-weight"):
            weight = int(element.get("data-fit-weight"))  # a designed element that grows
        node = _node(child, prose)
        if weight and gap_in_margin:
            spaces[-1] -= weight * _custom_px(child, "__fit_gap")
        elif weight:
            # The gap is padding-top: leave it out, the fit stage adds its own.
            node = _without_top(node, weight * _custom_px(child, "__fit_gap"))
        nodes.append(node)
        weights.append(weight)
    for foot in _feet(box):  # pinned to the bottom: it stacks under the rest, at its margin
        nodes.append(_node(foot, prose))
        spaces.append(foot.margin_top)
        weights.append(0)
    return Node(STACK, children=tuple(nodes), spaces=tuple(spaces), weights=tuple(weights))


def _feet(box) -> list:
    """The absolutely placed ``.foot`` children of a ``.stack`` (see print.css)."""
    return [_unwrap(child) for child in getattr(box, "children", ())
            if "foot" in _classes(child) and _unwrap(child).is_absolutely_positioned()]


def _custom_px(box, name: str) -> float:
    """A custom property in CSS px (``__fit_gap`` is ``--fit-gap``) a box was laid out with."""
    tokens = box.style[name] if hasattr(box, "style") else None
    for token in tokens or ():
        if getattr(token, "type", None) == "dimension" and token.unit == "px":
            return float(token.value)
    return 0.0


def _without_top(node: Node, gap: float) -> Node:
    """``node`` without ``gap`` of padding at its top."""
    if not gap:
        return node
    if node.kind == FIXED:
        return replace(node, height=max(node.height - gap, 0.0))
    return replace(node, pad=max(node.pad - gap, 0.0))


def _text(box, lines: list, pad: float) -> Node:
    """A paragraph: its lines' heights, and the width of each unbreakable piece of text (with
    the space after it), so that the fit stage can break its lines again at another size."""
    from weasyprint.formatting_structure import boxes as wb

    words: list[float] = []
    texts: list[str] = []
    trailing: list[float] = []
    whole: list[bool] = []  # pieces that must not be broken: no-wrap text, headline words
    breaks: list[int] = []
    heading = box.element_tag in HEADINGS
    carried = False  # the last line ended inside a word (overflow-wrap broke it)
    for number, line in enumerate(lines):
        inner = [b for b, _ in _boxes(line)]
        if any(isinstance(b, (wb.AtomicInlineLevelBox, wb.InlineFlexBox)) for b in inner):
            return Node(FIXED, height=box.border_height())
        first = len(words)
        joined = carried  # whether the next piece of text continues the last one
        last = ("", None)
        for text_box in inner:
            text = getattr(text_box, "text", None)
            if not isinstance(text_box, wb.TextBox) or not text:
                continue
            last = (text, text_box)
            pieces = _pieces(text, text_box.style)
            for piece, (width, space) in zip(pieces, _piece_widths(text_box, pieces),
                                             strict=True):
                word = piece.rstrip()
                keep = heading or text_box.style["white_space"] in ("nowrap", "pre") \
                    or WORD_JOINER in piece  # a word joined to break only at spaces
                if joined and words:
                    words[-1] += width
                    texts[-1] += word
                    trailing[-1] = space
                    whole[-1] = whole[-1] or keep
                elif word:
                    words.append(width)
                    texts.append(word)
                    trailing.append(space)
                    whole.append(keep)
                elif words:
                    trailing[-1] = max(trailing[-1], space)
                joined = not space
        text, text_box = last
        if number < len(lines) - 1 and words and not trailing[-1] and _spaced(text):
            trailing[-1] = _width(text_box, " ")  # the space a line ends at is not kept
        carried = number < len(lines) - 1 and bool(words) and \
            cut_word(line, lines[number + 1], box.width) is not None
        if carried:  # a word no line could hold: it must fit whole, at a smaller size
            whole[-1] = True
        # A line that ended early, though the next line's first piece would have fit on it.
        if first and first < len(words) \
                and lines[number - 1].width + trailing[first - 1] + words[first] <= box.width:
            breaks.append(first)
    kept = [(w, t) for w, t, keep in zip(words, texts, whole, strict=True) if keep]
    widest = max(kept, default=(0.0, ""))
    return Node(TEXT, height=sum(line.height for line in lines), pad=pad, keep=heading,
                lines=tuple(line.width for line in lines), width=box.width,
                word=widest[0], long=widest[1].replace(WORD_JOINER, ""), words=tuple(words),
                trailing=tuple(trailing), breaks=tuple(breaks))


# Scripts whose words are separated by spaces: a line break between two of their letters is
# never a break opportunity, only overflow-wrap cutting a word too wide for its line.
_SPACED_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC", "ARMENIAN", "GEORGIAN", "DIGIT")


def cut_word(line, following, available: float) -> str | None:
    """The word overflow-wrap cut between ``line`` and the ``following`` line, if it did.

    WeasyPrint drops the space a line breaks at, so the text alone cannot tell "...on / the..."
    from "...Postleitza / hl...". Overflow-wrap cuts only a word that no line can hold: then
    that word fills its line alone (no space on it), and the next letter would not have fit.
    """
    import unicodedata

    from weasyprint.formatting_structure import boxes as wb

    ends = [b for b, _ in _boxes(line) if isinstance(b, wb.TextBox) and b.text]
    starts = [b for b, _ in _boxes(following) if isinstance(b, wb.TextBox) and b.text]
    if not ends or not starts:
        return None
    end, start = ends[-1].text, starts[0].text
    if WORD_JOINER in (end[-1:], start[:1]):  # a joined word (Korean) was cut
        return (_found(re.search(r"[\w\u2060]*$", end)) + _found(re.match(r"[\w\u2060]*", start))) \
            .replace(WORD_JOINER, "")
    if not all(char.isalnum() and unicodedata.name(char, "").split(" ")[0] in _SPACED_SCRIPTS
               for char in (end[-1:] or " ", start[:1] or " ")):
        return None
    text = "".join(b.text for b in ends)
    if any(char.isspace() for char in text.strip()):
        return None  # the line had a place to break at
    if line.width + _width(starts[0], start[0]) <= available + 0.01:
        return None  # the next letter would have fit: the line broke where it might
    return _found(re.search(r"\w*$", end)) + _found(re.match(r"\w*", start))


def _found(match: re.Match[str] | None) -> str:
    """What a pattern that matches any text (if only as "") matched."""
    return match[0] if match else ""


def _spaced(text: str) -> bool:
    """Whether a line that ends with ``text`` broke at a space (not a hyphen or ideograph)."""
    end = text.rstrip()[-1:]
    if not end or end in "-\u2010\u2013\u2014/":
        return False
    return not ("\u2e80" <= end <= "\u9fff" or "\uf900" <= end <= "\ufaff")


def _pieces(text: str, style) -> list[str]:
    """``text`` cut where a line may break, each piece with the spaces that follow it."""
    if style["white_space"] in ("nowrap", "pre"):
        return [text]
    from weasyprint.text.line_break import get_log_attrs

    attrs = get_log_attrs(text, style["lang"])
    cuts = [i for i in range(1, len(text)) if attrs[i].is_line_break] + [len(text)]
    pieces, start = [], 0
    for cut in cuts:
        pieces.append(text[start:cut])
        start = cut
    return pieces


def _width(text_box, text: str) -> float:
    """The width ``text`` takes in a text box's style, as Pango sets it."""
    from weasyprint.text.line_break import create_layout, line_size

    key = (id(text_box.style), text)
    if key not in _WIDTH_CACHE:
        layout = create_layout(text, text_box.style, None, None, 0)
        _WIDTH_CACHE[key] = line_size(layout.get_first_line()[0], text_box.style)[0]
        layout.deactivate()
    return _WIDTH_CACHE[key]


_WIDTH_CACHE: dict[tuple[int, str], float] = {}


def _piece_widths(text_box, pieces: list[str]) -> list[tuple[float, float]]:
    """The width of each piece's word and of the spaces after it, as Pango sets the text box's
    text on one line: one Pango layout per text box rather than one per word, and each space
    as wide as it is where it stands (in Korean a space between Hangul is wider than alone)."""
    from bisect import bisect_left
    from itertools import accumulate

    from weasyprint.text.ffi import FROM_UNITS, ffi
    from weasyprint.text.line_break import create_layout

    text = "".join(pieces)
    layout = create_layout(text, text_box.style, None, None, 0)
    try:
        line, more = layout.get_first_line()
        glyphs: list[tuple[int, float]] = []  # (byte where the glyph's cluster starts, width)
        run = line.runs
        while run != ffi.NULL and more is None:
            item = run.data
            run = run.next
            if item.item.analysis.level % 2:  # right to left: positions would need more care
                more = 0
                break
            string = item.glyphs
            glyphs += [(item.item.offset + string.log_clusters[i],
                        string.glyphs[i].geometry.width * FROM_UNITS)
                       for i in range(string.num_glyphs)]
    finally:
        layout.deactivate()
    if more is not None:  # not one left-to-right line: measure each piece on its own
        return [(_width(text_box, piece.rstrip()) if piece.rstrip() else 0.0,
                 _width(text_box, " ") if piece != piece.rstrip() else 0.0) for piece in pieces]
    glyphs.sort(key=lambda glyph: glyph[0])
    starts = [start for start, _ in glyphs]
    before = [0.0, *accumulate(width for _, width in glyphs)]

    def x(byte: int) -> float:
        return before[bisect_left(starts, byte)]

    widths, start = [], 0
    for piece in pieces:
        word_end = start + len(piece.rstrip().encode())
        end = start + len(piece.encode())
        widths.append((x(word_end) - x(start), x(end) - x(word_end)))
        start = end
    return widths


def _vertical_pad(box) -> float:
    return (box.padding_top + box.padding_bottom + box.border_top_width
            + box.border_bottom_width) if hasattr(box, "padding_top") else 0.0


def _boxes(box, parent=None):
    """Every box below ``box``, with its parent."""
    yield box, parent
    for child in getattr(box, "children", ()):
        yield from _boxes(child, box)


def _frames_complete(box) -> bool:
    """Whether every frame inside ``box`` kept its end marker (nothing cut off below)."""
    frames, ends = set(), 0
    for inner, _ in _boxes(box):
        element = getattr(inner, "element", None)
        if element is None or inner.element_tag is None:
            continue
        if element.get("data-frame"):
            frames.add(id(element))
        elif element.get("data-frame-end") is not None:
            ends += 1
    return ends >= len(frames)


def mark_frame_ends(root) -> None:
    """Append an empty marker to every frame, to see later whether its last line was laid out.

    WeasyPrint drops what runs past the bottom of the page inside a fixed-size box, so a frame
    whose end marker is missing lost text even though nothing shows below it.
    """
    from xml.etree import ElementTree

    for element in list(root.iter()):
        if element.get("data-frame"):
            ElementTree.SubElement(element, "div", {"data-frame-end": "",
                                                    "style": "height: 0; margin: 0; padding: 0"})


def frame_overflows(document) -> list[tuple[str, float]]:
    """Frames (elements with ``data-frame``) whose content does not fit: (name, excess in mm).

    Frames have a fixed size and hide their overflow, so the layout tree is the only place
    where text that does not fit can be seen. The excess is 0 when the text was cut off.
    """
    found = []
    for page in document.pages:
        page_left = page._page_box.content_box_x()
        page_right = page_left + page._page_box.width
        for box, parent in _boxes(page._page_box):
            found += _into_the_foot(box)
            element = getattr(box, "element", None)
            name = element.get("data-frame") if element is not None else None
            if not name or box.element_tag is None or not hasattr(box, "content_box_y"):
                continue
            if parent is not None and getattr(parent, "element", None) is element:
                continue  # an anonymous box WeasyPrint made inside the frame, not the frame
            top, left = box.content_box_y(), max(box.content_box_x(), page_left)
            bottom = top + box.height
            right = min(box.content_box_x() + box.width, page_right)  # not past the trim
            inner = [b for b, _ in _boxes(box) if b is not box]
            ended = any(b.element_tag == "div" and b.element is not None
                        and b.element.get("data-frame-end") is not None for b in inner)
            # Lines and blocks, not glyph boxes: a glyph may poke past a tight line height.
            lowest = _lowest(inner, bottom)
            # Sideways, text counts too: a line box is as wide as its frame, its words may not be.
            widest = max((b.position_x + b.margin_width() for b in inner
                          if hasattr(b, "margin_width")), default=right)
            # Text above or left of the frame (pulled by a negative margin) is cut off too.
            # (Lines, not blocks: a colour block may be pulled into the bleed on purpose.)
            highest = min((b.position_y for b in inner if type(b).__name__ == "LineBox"),
                          default=top)
            leftmost = min((b.position_x for b in inner
                            if type(b).__name__ == "TextBox" and b.width), default=left)
            if lowest > bottom + 0.5 or widest > right + 0.5 or not ended \
                    or highest < top - 0.5 or leftmost < left - 0.5:
                excess = max(lowest - bottom, widest - right, top - highest, left - leftmost, 0)
                found.append((name, excess / PX_PER_MM))
        found += _past_the_trim(page._page_box)
    return found


def _into_the_foot(box) -> list[tuple[str, float]]:
    """Frames of a ``.stack`` that run down into its foot, which is placed at the bottom
    whatever is above it: the copy must end where the foot's margin begins."""
    feet = _feet(box)
    if not feet:
        return []
    top = min(foot.position_y for foot in feet)  # the margin edge
    found = []
    for child in _in_flow(box):
        lowest = _lowest([b for b, _ in _boxes(child)], top)
        if lowest > top + 0.5:
            element = getattr(child, "element", None)
            name = element.get("data-frame") if element is not None else None
            found.append((name or "text", (lowest - top) / PX_PER_MM))
    return found


def _past_the_trim(page_box) -> list[tuple[str, float]]:
    """Text anywhere on the page (margin boxes too) that runs past the trim, the page's own
    edges: the guillotine would cut it off, in a frame or not."""
    left, top = page_box.position_x, page_box.position_y
    right, bottom = left + page_box.margin_width(), top + page_box.margin_height()
    worst = 0.0
    for box, _ in _boxes(page_box):
        if type(box).__name__ != "TextBox" or not box.width or not box.text.strip():
            continue
        worst = max(worst, left - box.position_x, box.position_x + box.width - right,
                    top - box.position_y, box.position_y + box.height - bottom)
    return [("trim", worst / PX_PER_MM)] if worst > 0.5 else []


def _lowest(boxes: list, default: float) -> float:
    """The bottom of the lowest line or block of ``boxes`` (not their end markers, which a
    frame's last margin may carry below it when it collapses through the frame's bottom)."""
    return max((b.position_y + _height(b) for b in boxes if _is_block_or_line(b)
                and not (b.element_tag == "div" and b.element is not None
                         and b.element.get("data-frame-end") is not None)), default=default)


def _is_block_or_line(box) -> bool:
    return type(box).__name__ not in ("TextBox", "InlineBox")


def _height(box) -> float:
    """Border-box height: a trailing margin may hang past the frame, text may not."""
    if hasattr(box, "border_height"):
        return box.margin_top + box.border_height()
    return box.height or 0
