"""Read a laid-out document into plain data: fit areas, what fills them, frames that overflow.

Only WeasyPrint's box tree knows the real line breaks and heights: they become frozen records
(``Node``, ``Area``, ``Layout``) the fit predicts other type scales from, without WeasyPrint.

Conventions the templates follow, so that the prediction is right:
- an element with ``data-fit="name"`` is a fit area: its content must fit its height, and its
  ``--fit-gap`` spreads what is left; ``data-fit-flow`` marks one that flows over pages;
- type sizes and vertical spacing inside areas scale with ``--fit`` (``em`` or ``var(--pt)``);
  padding, borders, rules and QR codes do not; ``.fixed-size`` blocks never change;
- ``.flow`` elements spread extra space as ``padding-top`` on every child but the first (twice
  as much above a heading, none right under one): their children have no padding-top of their
  own (``print.css`` holds the rules). An element with ``data-fit-weight="N"`` takes N gaps
  wherever it is: a designed element (a colour block) that grows with the spare room;
- a ``.foot`` is placed at the bottom of its ``.stack``: it is measured under the copy, and
  copy that runs down into it overflows;
- columns split by the fit (``columns.py``) are read back as one flow of blocks, which the
  fit may cut again elsewhere; a ``data-gap`` element is white space meant (``largest_gap``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import cast

from pamphleteer import frames
from pamphleteer.frames import PX_PER_MM, frame_overflows, frames_complete, mark_frame_ends
from pamphleteer.lines import Ink, all_broken, body_size, cut_word, ideographic, inks, spaced
from pamphleteer.markup import WORD_JOINER
from pamphleteer.weasy import (
    WIDTHS,
    break_pieces,
    classes,
    custom_px,
    feet,
    in_flow,
    is_atomic,
    is_grid,
    is_line,
    is_solid,
    is_text,
    page_box,
    piece_widths,
    text_width,
    unwrap,
    vertical_pad,
    walk,
)

# pdf.py marks frames (mark_frame_ends) before a layout that measure() then reads.
__all__ = ["Ink", "mark_frame_ends", "measure"]

# Node kinds.
TEXT, FIXED, STACK, GRID, COLUMNS, SPLIT = "text", "fixed", "stack", "grid", "columns", "split"
HEADINGS = {"h1", "h2", "h3", "h4"}


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
    children: tuple[Node, ...] = ()
    spaces: tuple[float, ...] = ()  # STACK, GRID: margin space above each child
    weights: tuple[int, ...] = ()  # STACK: how many gaps of spread space go above each child
    count: int = 1  # COLUMNS, SPLIT: how many columns
    keep: bool = False  # TEXT: a heading, which stays with what follows it
    slot: int = -1  # SPLIT: which data-columns element of the document it is
    cut_in: bool = False  # a block of a SPLIT: a column may break inside it (columns.py)


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
    gap: float = 0.0  # the tallest blank band between two things inside it (``largest_gap``)
    footed: bool = False  # a foot (``.foot``) stands at its bottom, under the copy


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
    body: float = 0.0  # the size (CSS px) most of the body copy is set in
    # Each QR code's drawing: (page, left, top, width, height), pt from the page's top left.
    codes: tuple[tuple[int, float, float, float, float], ...] = ()

    def area(self, name: str) -> Area | None:
        """The area called ``name``, if the document has one."""
        return next((a for a in self.areas if a.name == name), None)


def measure(document) -> Layout:
    """Fit areas and frame overflows of a rendered WeasyPrint document."""
    fragments: dict[int, list] = {}
    order: list = []
    photos: list[tuple[int, float, float]] = []
    codes: list[tuple[int, float, float, float, float]] = []
    for number, page in enumerate(document.pages):
        for box, _ in walk(page_box(page)):
            element = getattr(box, "element", None)
            if element is not None and element.get("class") == "qr-code" and box.width:
                codes.append((number, *(v * 0.75 for v in (
                    box.border_box_x(), box.border_box_y(), box.border_width(),
                    box.border_height()))))
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
    WIDTHS.clear()  # keyed by style objects, which live only as long as the document
    areas = tuple(_area(element, fragments[id(element)]) for element in order)
    WIDTHS.clear()
    # A line wider than its column (a no-wrap word) runs into its neighbour.
    wide = [(area.name, (width - t.width) / PX_PER_MM)
            for area in areas for t in _texts(area.content)
            for width in [max(t.lines, default=0.0)] if width > t.width + 0.5]
    return Layout(areas=areas, overflows=tuple(frame_overflows(document)), wide=tuple(wide),
                  pages=len(document.pages),
                  bottoms=tuple(_bottom(page_box(page)) for page in document.pages),
                  photos=tuple(photos),
                  broken=all_broken(document),
                  inks=tuple(inks(document)), body=body_size(document), codes=tuple(codes))


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
    boxes = [unwrap(box) for box, _ in pieces]
    complete = all(frames_complete(box) for box in boxes)
    if element.get("data-fit-flow") is None:
        box = boxes[0]
        return Area(name=name, capacity=box.height, content=_content(box), complete=complete,
                    gap=frames.largest_gap(box), footed=bool(feet(box)))
    # A flow: its fragments, one per page, read as one long stack.
    children: list[Node] = []
    spaces: list[float] = []
    weights: list[int] = []
    for box in boxes:
        node = _content(box, gap_in_margin=True)
        children += node.children
        spaces += node.spaces
        weights += node.weights
    last_box, last_page = boxes[-1], page_box(pieces[-1][1])
    bottom = max((c.border_box_y() + c.border_height() for c in in_flow(last_box)),
                 default=last_box.content_box_y())
    return Area(name=name, capacity=last_page.height,
                content=Node(STACK, children=tuple(children), spaces=tuple(spaces),
                             weights=tuple(weights)),
                complete=complete, flow=True, pages=len(boxes),
                last_used=bottom - last_page.content_box_y(),
                gap=max(frames.largest_gap(box) for box in boxes))


def _node(box) -> Node:
    """The prediction record of one box."""
    pad = vertical_pad(box)
    if "split" in classes(box):
        return _split(box, pad)
    if "fixed-size" in classes(box) or is_solid(box):
        return Node(FIXED, height=box.border_height())
    children = in_flow(box)
    if not children:
        return Node(FIXED, height=box.border_height())
    if all(is_line(child) for child in children):
        return _text(box, children, pad)
    if is_grid(box):
        return Node(GRID, pad=pad, children=tuple(_node(c) for c in children),
                    spaces=tuple(c.margin_top + c.margin_bottom for c in children))
    if children and all(getattr(c, "is_column", False) for c in children):
        # Columns are balanced, but never perfectly: keep how much taller the tallest is.
        filled = [max((g.border_box_y() + g.border_height() for g in in_flow(c)),
                      default=c.content_box_y()) - c.content_box_y() for c in children]
        return Node(COLUMNS, pad=pad, children=tuple(_content(c) for c in children),
                    count=len(children), height=max(filled) - sum(filled) / len(filled))
    node = _content(box)
    return Node(STACK, pad=pad, children=node.children, spaces=node.spaces,
                weights=node.weights)


def _split(box, pad: float) -> Node:
    """Columns the fit split (``columns.py``): their blocks in reading order, one flow that
    the fit stage may cut again anywhere, with the space each block has below another."""
    nodes: list[Node] = []
    spaces: list[float | None] = []
    weights: list[int] = []
    for number, column in enumerate(unwrap(c) for c in box.children if "column" in classes(c)):
        stack, blocks = _content(column), in_flow(column)
        children = [replace(node, cut_in=getattr(block, "element", None) is not None
                            and block.element.get("data-cut-in") is not None)
                    for node, block in zip(stack.children, blocks, strict=True)]
        above: list[float | None] = list(stack.spaces)
        gaps = list(stack.weights)
        if number and children and nodes and "continued" in classes(blocks[0]):
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


def _content(box, gap_in_margin: bool = False) -> Node:
    """A block's in-flow children as a stack, with the space above each and its gap weight.

    A flowing text takes its spread space as margin (which a page break drops), not padding.
    """
    children = in_flow(box)
    spreads = "flow" in classes(box)  # its children get the area's spread space above them
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
        node = _node(child)
        if weight and gap_in_margin:
            spaces[-1] -= weight * custom_px(child, "__fit_gap")
        elif weight:
            # The gap is padding-top: leave it out, the fit stage adds its own.
            node = _without_top(node, weight * custom_px(child, "__fit_gap"))
        nodes.append(node)
        weights.append(weight)
    for foot in feet(box):  # pinned to the bottom: it stacks under the rest, at its margin
        nodes.append(_node(foot))
        spaces.append(foot.margin_top)
        weights.append(0)
    return Node(STACK, children=tuple(nodes), spaces=tuple(spaces), weights=tuple(weights))


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
    words: list[float] = []
    texts: list[str] = []
    trailing: list[float] = []
    whole: list[bool] = []  # pieces that must not be broken: no-wrap text, headline words
    breaks: list[int] = []
    heading = box.element_tag in HEADINGS
    carried = False  # the last line ended inside a word (overflow-wrap broke it)
    for number, line in enumerate(lines):
        inner = [b for b, _ in walk(line)]
        if any(is_atomic(b) for b in inner):
            return Node(FIXED, height=box.border_height())
        first = len(words)
        joined = carried  # whether the next piece of text continues the last one
        last = ("", None)
        for text_box in inner:
            text = getattr(text_box, "text", None)
            if not is_text(text_box) or not text:
                continue
            last = (text, text_box)
            pieces = break_pieces(text, text_box.style)
            for index, (piece, (width, space)) in enumerate(
                    zip(pieces, piece_widths(text_box, pieces), strict=True)):
                if index and (ideographic(pieces[index - 1][-1:]) or ideographic(piece[:1])):
                    joined = False  # Japanese, Chinese: Pango may break a line between them
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
        if number < len(lines) - 1 and words and not trailing[-1] and spaced(text):
            trailing[-1] = text_width(text_box, " ")  # the space a line ends at is not kept
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




