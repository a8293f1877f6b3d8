"""The fit's model of a layout: how tall each measured box would be at another type scale
(``k``, relative to the measured layout), with ``gap`` of spread space between blocks and
``lead`` of extra leading, breaking each paragraph's lines again from its words' widths.
Plain arithmetic on ``measure``'s records: no layout is made here."""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import accumulate

from pamphleteer.measure import COLUMNS, FIXED, GRID, SPLIT, STACK, TEXT, Area, Layout, Node

RHYTHM = 0.125  # spread space comes in steps of this share of a line: one scale for a piece
DESIGNED = 2  # gap weights above this come from designed elements (data-fit-weight)


def predict(node: Node, k: float, gap: float = 0.0) -> float:
    """A node's height with type scaled by ``k`` and ``gap`` px of spread per gap."""
    if node.kind == FIXED:
        return node.height
    if node.kind == TEXT:
        return node.pad + _line_count(node, k) * _line(node, k)
    if node.kind == SPLIT:
        return node.pad + best_cut(node, k, gap)[0]
    inner = [predict(child, k, gap) for child in node.children]
    if node.kind == GRID:
        return node.pad + sum(node.spaces) + sum(inner)
    if node.kind == COLUMNS:
        # Balanced columns: the content shared out, plus the tallest column's excess.
        return node.pad + sum(inner) / node.count + max(node.height, 0.3 * line_height(node)) * k
    # Spacing in em scales with the type; a negative margin (a block that runs off the top
    # into the bleed) is set in absolute units and does not.
    spaces = sum(k * space if space > 0 else space for space in node.spaces)
    return node.pad + spaces + sum(inner) + gap * sum(node.weights)


def best_cut(node: Node, k: float, gap: float = 0.0) -> tuple[float, tuple[int, int]]:
    """Where split columns (a ``SPLIT`` node) break best at scale ``k``: the height of the
    taller column, and the cut (the block the second column starts at, and how many of its
    words, or items of a list, stay in the first).

    A cut between two blocks is preferred to one inside a block unless that is half a line
    or more better; only blocks the split can cut (``cut_in``) are cut inside; a paragraph
    keeps two lines on each side (orphans and widows), and a heading is never left at the
    foot of the first column.
    """
    blocks = node.children
    heights = [predict(child, k, gap) for child in blocks]
    above = _spacing(node, k, gap)
    # Running sums, so that every cut is weighed in constant time (copy may hold thousands
    # of blocks and words, and this runs inside the fit's searches).
    height_sum, above_sum = [0.0, *accumulate(heights)], [0.0, *accumulate(above)]

    def column(start: int, end: int, top: bool = True) -> float:
        """The height of blocks ``start`` to ``end``, the first at a column's top or not."""
        if start >= end:
            return 0.0
        return height_sum[end] - height_sum[start] + above_sum[end] - above_sum[start + 1] + \
            (0.0 if top else above[start])

    found = [(max(column(0, b), column(b, len(blocks))), True, (b, 0))
             for b in range(1, len(blocks)) if not blocks[b - 1].keep]
    for b, block in enumerate(blocks):
        before = column(0, b) + (above[b] if b else 0.0)
        after = column(b + 1, len(blocks), top=False)
        if not block.cut_in:
            continue
        if block.kind == STACK and len(block.children) > 1:
            # A list or box of blocks: cut between two of its items (the one that heads the
            # second column has no space above it).
            items = [predict(child, k, gap) for child in block.children]
            gaps = _spacing(block, k, gap)
            item_sum, gap_sum = [0.0, *accumulate(items)], [0.0, *accumulate(gaps)]
            count = len(items)
            for item in range(1, count):
                first = block.pad + item_sum[item] + gap_sum[item]
                second = block.pad + item_sum[count] - item_sum[item] + gap_sum[count] - \
                    gap_sum[item + 1]
                found.append((max(before + first, second + after), False, (b, item)))
        if block.kind != TEXT or block.keep or not block.words or \
                max(block.words) * k > block.width:
            continue
        starts = _line_starts(block, k)
        # Lines as tall as predict makes them, and as many: the model's count is corrected
        # by what it missed at the measured scale (hyphens, say), shared along the paragraph.
        line = _line(block, k) * _line_count(block, k) / len(starts)
        words = [0, *accumulate(1 if space else 0 for space in block.trailing)]
        for kept in range(2, len(starts) - 1):  # two lines or more on each side
            if not block.trailing[starts[kept] - 1]:
                continue  # the line does not start after a space: not between two words
            first = before + block.pad + kept * line
            second = (len(starts) - kept) * line + after
            found.append((max(first, second), False, (b, words[starts[kept]])))
    if not found:
        return column(0, len(blocks)), (len(blocks), 0)
    lowest = min(height for height, _, _ in found)
    slack = 0.5 * line_height(node) * k
    height, _, cut = min(found, key=lambda f: (not f[1] or f[0] > lowest + slack, f[0]))
    return height, cut


def _line(node: Node, k: float) -> float:
    """The height of one line of a paragraph (a ``TEXT`` node) at scale ``k``."""
    return node.height / len(node.lines) * k


def _spacing(node: Node, k: float, gap: float) -> list[float]:
    """The space above each of a stack's children at scale ``k`` with ``gap`` of spread."""
    return [(k * space if space > 0 else space) + gap * weight
            for space, weight in zip(node.spaces, node.weights, strict=True)]


def _line_starts(node: Node, k: float) -> list[int]:
    """The word each line of a paragraph starts with, broken greedily at scale ``k``."""
    starts: list[int] = []
    used, forced = 0.0, set(node.breaks)
    for index, word in enumerate(node.words):
        width = word * k
        if not starts or index in forced or used + width > node.width + 0.01:
            starts.append(index)
            used = 0.0
        used += width + node.trailing[index] * k
    return starts


def _line_count(node: Node, k: float) -> int:
    """How many lines a paragraph takes with its type scaled by ``k``.

    Its words are wrapped again at their scaled widths; any difference the wrapping makes at
    the measured scale is kept as a correction.
    """
    if not node.words:
        return len(node.lines)
    return max(1, len(node.lines) + _wrap(node, k) - _wrap(node, 1.0))


def _wrap(node: Node, k: float) -> int:
    """Greedy line breaking of a paragraph's pieces at scale ``k``."""
    count, used, starts = 0, 0.0, set(node.breaks)
    for index, word in enumerate(node.words):
        width = word * k
        if not count or index in starts or used + width > node.width + 0.01:
            count, used = count + 1, 0.0
        if width > node.width:  # broken inside the word (overflow-wrap)
            count += math.ceil(width / node.width) - 1
            width = width % node.width
        used += width + node.trailing[index] * k
    return count


def nodes(node: Node, kind: str | None = None):
    if kind is None or node.kind == kind:
        yield node
    for child in node.children:
        yield from nodes(child, kind)


def line_height(node: Node) -> float:
    """The commonest line height of a node's paragraphs (CSS px, at the measured scale)."""
    heights = sorted(t.height / len(t.lines) for t in nodes(node, TEXT))
    return heights[len(heights) // 2] if heights else 16.0


def word_limit(layout: Layout) -> tuple[float, str]:
    """The largest scale at which every word that must stay whole still fits its line, and
    the word that sets it."""
    return min(((t.width / t.word, t.long) for area in layout.areas
                for t in nodes(area.content, TEXT) if t.word > 0), default=(math.inf, ""))


def largest_scale(area: Area, floor: float, ceiling: float, fill: float) -> float:
    """The largest scale (between the limits) at which ``area`` is filled to ``fill``."""
    return bisect_scale(lambda k: predict(area.content, k) <= area.capacity * fill, floor, ceiling)


def fits_in(content: Node, room: float, k: float) -> bool:
    """Whether ``content`` at scale ``k`` is no taller than ``room``."""
    return predict(content, k) <= room


def bisect_scale(fits: Callable[[float], bool], floor: float, ceiling: float) -> float:
    """The largest k in [floor, ceiling] for which ``fits(k)`` (``floor`` if none)."""
    if fits(ceiling):
        return ceiling
    low, high = floor, ceiling
    for _ in range(30):
        middle = (low + high) / 2
        low, high = (middle, high) if fits(middle) else (low, middle)
    return low


def spread(content: Node, room: float, k: float, cap: float) -> tuple[float, float, float]:
    """Spread the room left between blocks: (px per gap, height before, hole).

    Every gap of a piece's areas comes from one scale, steps of ``RHYTHM`` of a body line,
    up to ``cap``; body copy keeps its one leading. What is left stays below the copy, where
    a frame ends ragged (a panel's foot of white) rather than gaping between paragraphs. The
    hole is the tallest band of blank paper that leaves (the room a designed element takes
    is no hole).
    """
    used = predict(content, k)
    slack = room - used
    per_gap = predict(content, k, 1) - used
    if slack <= 0 or per_gap <= 0:
        return 0.0, used, max(slack, 0.0)
    step = line_height(content) * k * RHYTHM
    gap = math.floor(min(slack / per_gap, cap) / step + 1e-6) * step
    slack -= gap * per_gap
    weights = [w for node in nodes(content, STACK) for w in node.weights if w <= DESIGNED]
    return round(gap, 2), used, max(max(weights, default=0) * gap, slack)
