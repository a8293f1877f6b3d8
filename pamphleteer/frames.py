"""Frames: fixed-size boxes (``data-frame``) whose text must fit them, and the trim, which no
text may run past. WeasyPrint hides what overflows a frame, so the box tree is the only place
it shows: read here, as (frame name, mm) pairs for ``measure``'s layout."""

from __future__ import annotations

from pamphleteer.weasy import feet, in_flow, page_box, walk

PX_PER_MM = 96 / 25.4


def frames_complete(box) -> bool:
    """Whether every frame inside ``box`` kept its end marker (nothing cut off below)."""
    frames, ends = set(), 0
    for inner, _ in walk(box):
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
        page_left = page_box(page).content_box_x()
        page_right = page_left + page_box(page).width
        for box, parent in walk(page_box(page)):
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
            inner = [b for b, _ in walk(box) if b is not box]
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
        found += _past_the_trim(page_box(page))
    return found


def _into_the_foot(box) -> list[tuple[str, float]]:
    """Frames of a ``.stack`` that run down into its foot, which is placed at the bottom
    whatever is above it: the copy must end where the foot's margin begins."""
    placed = feet(box)
    if not placed:
        return []
    top = min(foot.position_y for foot in placed)  # the margin edge
    found = []
    for child in in_flow(box):
        lowest = _lowest([b for b, _ in walk(child)], top)
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
    for box, _ in walk(page_box):
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


def largest_gap(box) -> float:
    """The tallest blank band (CSS px) between two things inside ``box`` that a reader sees:
    lines of text, images and drawings, and blocks with a background or a border. An element
    a template marks ``data-gap`` counts as seen: white space it means to leave."""
    seen: list[tuple[float, float]] = []
    for inner, _ in walk(box):
        if inner is box or not hasattr(inner, "position_y"):
            continue
        element = getattr(inner, "element", None)
        if type(inner).__name__ == "LineBox":
            if any(getattr(b, "text", "").strip() for b, _ in walk(inner)):
                seen.append((inner.position_y, inner.position_y + inner.height))
        elif hasattr(inner, "border_height"):
            top = inner.position_y + inner.margin_top
            whole = type(inner).__name__.endswith("ReplacedBox") or (
                element is not None and inner.element_tag is not None
                and element.get("data-gap") is not None)
            seen += [(top, top + inner.border_height())] if whole else _shown(inner, top)
    seen.sort()
    gap, bottom = 0.0, None
    for top, end in seen:
        if bottom is not None and top > bottom:
            gap = max(gap, top - bottom)
        bottom = end if bottom is None else max(bottom, end)
    return gap


def _shown(box, top: float) -> list[tuple[float, float]]:
    """Where a block shows as a shape: all of it under a background other than white, beside
    a side border or inside an outline; a rule above or below it, as thick as the rule."""
    bottom = top + box.border_height()
    colour = box.style["background_color"]
    if colour is not None and colour.alpha > 0 and \
            tuple(round(c, 3) for c in colour.coordinates[:3]) != (1.0, 1.0, 1.0):
        return [(top, bottom)]
    if box.border_left_width > 0 or box.border_right_width > 0 or (
            box.style["outline_width"] > 0 and box.style["outline_style"] != "none"):
        return [(top, bottom)]  # a box drawn round (a one-ink piece outlines its tints)
    ranges = []
    if box.border_top_width > 0:
        ranges.append((top, top + box.border_top_width))
    if box.border_bottom_width > 0:
        ranges.append((bottom - box.border_bottom_width, bottom))
    return ranges
