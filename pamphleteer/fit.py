"""Stage 7: copyfit. One type scale per document, shrunk or grown within the material's range,
the page count a flowing text needs, and the room left over shared out between blocks.

The first layout is measured (``measure.Layout``); a model of every paragraph's lines predicts
each area's height at another scale, the scale and spacing are solved from that, and a layout
confirms them; only when it is off does another layout correct it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from pamphleteer.errors import BuildError, Diagnostic
from pamphleteer.materials import Material
from pamphleteer.measure import SPLIT, Area, Layout
from pamphleteer.pdf import Rendered
from pamphleteer.predict import (
    RHYTHM,
    best_cut,
    bisect_scale,
    fits_in,
    largest_scale,
    line_height,
    nodes,
    predict,
    spread,
    word_limit,
)

FILL = 0.98  # aim a little short of full: the model is close, not exact
LAST_FILL = 0.9  # how full the last page of a flowing text is aimed to be
SHORT_LAST = 0.5  # a flowing text that cannot fill its last page this far is too short
LOOSE = 0.9  # an area a layout leaves less full than this is spread again
LOOSE_LAST = 0.82  # the same, for the last page of a flowing text
LOOSE_LINES = 1.5  # a frame over a foot is spread again with more lines than this left
HOLE = 0.15  # a warning when spreading would leave a band this tall (share of the area)
GAP_CAP = 1.0  # an open frame's blocks move apart at most this many lines; the rest stays below
FLOW_GAP = 1.5  # a flowing text's paragraphs move apart by at most this many lines
MAX_RENDERS = 6  # layouts one fit may take before it gives up
STEP = 0.005  # scales are rounded down to half a per cent
RETREAT = 0.025  # how far down to step after a layout whose columns spilled
SPREAD_TRIES = 1  # after spacing that spilled, layouts that try less before keeping what fit


@dataclass(frozen=True)
class Fit:
    """The type scale and the spread spacing a document is laid out with."""

    scale: float = 1.0
    gaps: tuple[tuple[str, float], ...] = ()  # (area, CSS px of space per gap)
    pages: int = 0  # flows: the page count aimed at (0: whatever the layout gives)
    cuts: tuple[tuple[int, int, int], ...] = ()  # where split columns break (columns.Cut)
    renders: int = 0  # layouts it took to find this
    notes: tuple[Diagnostic, ...] = field(default=())

    def css(self) -> str:
        """The custom properties that carry the fit into the stylesheets."""
        rules = [f":root {{ --fit: {self.scale:.3f}; }}"]
        for name, gap in self.gaps:
            quoted = name.replace("\\", "\\\\").replace('"', '\\"')
            rules.append(f'[data-fit="{quoted}"] {{ --fit-gap: {gap:.2f}px; }}')
        return "\n".join(rules)


def fit_document(render: Callable[..., Rendered], material: Material,
                 source: Path) -> tuple[Fit, Rendered]:
    """Lay out a document until its copy fits; return the fit and its final render.

    ``render(fit, tall=False)`` lays the document out; ``tall`` makes the pages tall enough
    that nothing is cut off, for measuring copy that runs far past its frames.
    """
    fit, rendered, renders = _first_estimate(render, material, source)
    if not rendered.layout.areas or (
            _same(fit, Fit()) and not problems(rendered.layout, fit, material)):
        return replace(fit, renders=renders), rendered  # nothing to fit, or nothing to change
    failures, spilled, trouble, spreads = 0, None, [], 0
    # The first layout, at 100%, is a fallback if it fitted: a model that overshoots (columns
    # that suddenly spill) then moves back towards it, not down to the smallest type.
    good = None if problems(rendered.layout, Fit(), material) else (Fit(), rendered)
    while renders < MAX_RENDERS:
        rendered = render(fit)
        renders += 1
        layout = rendered.layout
        trouble = problems(layout, fit, material)
        if trouble and good is None:
            failures += 1
            fit = _recover(layout, fit, material, source, failures)
            continue
        if trouble:
            assert good is not None  # trouble before any good fit was recovered above
            if fit.scale - good[0].scale > STEP and any(gap for _, gap in fit.gaps) and \
                    not (spilled and spilled.scale == fit.scale):
                # Spread space that spilled at grown type: the type may fit with none (a
                # spread misjudged by a hair should not cost a size of type).
                spilled, fit = fit, replace(fit, gaps=tuple((n, 0.0) for n, _ in fit.gaps))
            elif fit.scale - good[0].scale > STEP:
                # Type grown too far: the layout that spilled predicts near its scale better
                # than the first did; no lower than halfway (columns may spill all at once).
                halfway = math.floor((fit.scale + good[0].scale) / 2 / STEP) * STEP
                nearer = _nearer(layout, fit, material, source)
                spilled, fit = fit, nearer if halfway < nearer.scale < fit.scale else \
                    replace(good[0], scale=round(halfway, 3))
            else:  # spread too far: aim a little shorter of full, once
                spreads += 1
                if spreads > SPREAD_TRIES:
                    break  # what fitted is kept: a little more space is not worth more layouts
                spilled, fit = fit, solve(good[1].layout, good[0], material, source,
                                          tighten=spreads, keep_scale=True)
        else:
            good = (fit, rendered)
            if not _loose(layout, fit):
                break
            # Spread what an area has left (the gaps alone move no line break), aiming shorter
            # of full where a spread at this size spilled.
            tight = spreads + 1 if spilled and spilled.scale == fit.scale else 0
            fit = solve(layout, fit, material, source, tighten=tight, keep_scale=True)
            if tight and all(gap <= dict(good[0].gaps).get(name, 0.0) for name, gap in fit.gaps):
                break  # no more space than the spacing that fits: keep that
        if _same(fit, good[0]):
            break
    if good:
        return replace(good[0], renders=renders), good[1]
    if layout.overflows:  # the same overflow at every scale tried: it does not scale
        frame, excess = max(layout.overflows, key=lambda o: o[1])
        if frame == "trim":
            raise BuildError(f"the text does not fit: some of the {material.name}'s text runs "
                             f"about {max(excess, 1):.0f} mm past the edge of the page at every "
                             "type size tried, where it would be cut off; shorten it, or move "
                             "it in the template", source)
        raise BuildError(f"the text does not fit: the {material.name}'s {frame} area is too "
                         f"small by about {max(excess, 1):.0f} mm at every type size tried, "
                         "down to {:.0%}: what overflows does not shrink with the type (a QR "
                         "code, a long address or word); shorten it, or give it more room in "
                         "the template".format(fit.scale), source)
    raise BuildError(f"could not fit the {material.name}'s copy in {renders} layouts: "
                     f"{'; '.join(trouble)} (please report this)", source)


def grow_pages(render: Callable[..., Rendered], material: Material, parts: int,
               source: Path) -> tuple[Fit, Rendered]:
    """Screens: each part at the designed type size, on a page as tall as its copy.

    Nothing is shrunk or spread: a measuring layout, on pages as tall as a PDF page may be,
    finds where each part ends, and each page of it is cut to that height.
    """
    fit = Fit()
    measuring = render(fit, tall=True)
    if measuring.layout.pages > parts:
        raise BuildError(f"the {material.name} runs past the 200 in a screen page may have: "
                         "shorten it", source)
    heights = tuple(float(math.ceil(bottom)) for bottom in measuring.layout.bottoms)
    # The pages keep that layout, cut to their copy: laying them out again at those heights
    # would give the same lines in the same places, for another layout's time.
    return replace(fit, renders=1), measuring.cropped(heights)


def _first_estimate(render: Callable[..., Rendered], material: Material,
                    source: Path) -> tuple[Fit, Rendered, int]:
    """Lay out at 100% (and, if copy is cut off, on tall pages) and solve from that."""
    rendered = render(Fit())
    layout = rendered.layout
    if not all(area.complete for area in layout.areas if not area.flow):
        return solve(_measured_tall(render, layout, material, source), Fit(), material,
                     source), rendered, 2
    try:
        return solve(layout, Fit(), material, source), rendered, 1
    except BuildError:
        # Before refusing, measure on tall pages: columns squeezed into too little height
        # may push copy out of sight, which the model would count as far more than it is.
        return solve(_measured_tall(render, layout, material, source), Fit(), material,
                     source), rendered, 2


def _measured_tall(render: Callable[..., Rendered], layout: Layout, material: Material,
                   source: Path) -> Layout:
    """The fixed areas measured on tall pages, where nothing is cut off (flows as they are)."""
    tall = render(Fit(), tall=True)
    for area in tall.layout.areas:
        if not area.complete and not area.flow:  # runs past even the tall page
            _refuse(area, material.fit[0], 1.0, material, source, at_least=True)
    flows = {area.name: area for area in layout.areas if area.flow}
    return replace(layout, areas=tuple(flows.get(area.name, area)
                                       for area in tall.layout.areas))


def _nearer(layout: Layout, fit: Fit, material: Material, source: Path) -> Fit:
    """The fit solved from a layout that spilled at ``fit`` (scale 0 if it cannot fit)."""
    try:
        return solve(layout, fit, material, source)
    except BuildError:
        return Fit(scale=0.0)


def _recover(layout: Layout, fit: Fit, material: Material, source: Path,
             failures: int) -> Fit:
    """The next fit after a layout that did not fit, when none has fitted yet."""
    if fit.scale <= material.fit[0] + STEP / 2:
        if layout.overflows:
            frames = [a for a in layout.areas if not a.flow] or list(layout.areas)
            gaps = dict(fit.gaps)
            worst = max(frames, key=lambda a: predict(a.content, 1, gaps.get(a.name, 0.0))
                        - a.capacity)
            _refuse(worst, 1.0, fit.scale, material, source, gaps.get(worst.name, 0.0))
        fit = replace(fit, pages=0)  # a flowing text that outgrew its pages: take more
    try:
        return solve(layout, fit, material, source, tighten=failures)
    except BuildError:
        if not layout.overflows or not all(a.complete for a in layout.areas) or \
                fit.scale - RETREAT < material.fit[0]:
            raise
        # Columns balanced into a full frame can spill, though they fit at this size when
        # measured with room to spare; the spilled layout then measures far too long. Step
        # down instead, and spread nothing.
        return replace(fit, scale=round(fit.scale - RETREAT, 3),
                       gaps=tuple((name, 0.0) for name, _ in fit.gaps))


def problems(layout: Layout, fit: Fit, material: Material) -> list[str]:
    """What is wrong with a layout made for ``fit``: overflow, cut text, wrong page count."""
    found = [f"the {name} area overflows" for name, _ in layout.overflows]
    found += [f"a word in the {name} is wider than its line" for name, _ in layout.wide]
    found += [f"the {a.name} area is cut off" for a in layout.areas if not a.complete]
    if fit.pages and layout.pages != fit.pages:
        found.append(f"{layout.pages} pages instead of {fit.pages}")
    elif material.page_multiple > 1 and layout.pages % material.page_multiple:
        found.append(f"{layout.pages} pages, not a multiple of {material.page_multiple}")
    return found


def _loose(layout: Layout, fit: Fit) -> bool:
    """Whether an area was left clearly less full than aimed at, with gaps to spread into."""
    for area in layout.areas:
        gap = dict(fit.gaps).get(area.name, 0.0)
        if predict(area.content, 1, gap + 1) == predict(area.content, 1, gap):
            continue  # nowhere to spread
        most = _cap(area) * line_height(area.content)
        if gap >= most - RHYTHM * line_height(area.content) - 0.5:
            continue  # spread as far as it may be
        used = area.last_used if area.flow else predict(area.content, 1, gap)
        if used < (LOOSE_LAST if area.flow else LOOSE) * area.capacity:
            return True
        # Over a foot, what is left shows as a band above it: a tenth of a page is a hole.
        if area.footed and area.capacity - used > LOOSE_LINES * line_height(area.content):
            return True
    return False


def _same(a: Fit, b: Fit) -> bool:
    """Whether laying out with ``a`` would give the layout already made with ``b``."""
    def spacing(fit: Fit) -> dict[str, float]:
        return {name: gap for name, gap in fit.gaps if gap}

    return abs(a.scale - b.scale) < STEP / 2 and spacing(a) == spacing(b) \
        and a.pages in (0, b.pages) and a.cuts == b.cuts


def solve(layout: Layout, measured: Fit, material: Material, source: Path,
          tighten: int = 0, keep_scale: bool = False) -> Fit:
    """The scale, spacing and page count to lay out with next, from one measured layout."""
    if not layout.areas:
        return replace(measured, notes=())  # a template without fit areas is laid out as is
    floor, ceiling = (limit / measured.scale for limit in material.fit)
    fill = FILL - 0.02 * tighten
    frames = [area for area in layout.areas if not area.flow]
    flow = next((area for area in layout.areas if area.flow), None)
    pages = measured.pages
    if keep_scale:
        k = 1.0
    else:
        for area in frames:
            if predict(area.content, floor) > area.capacity:
                _refuse(area, floor, measured.scale, material, source)
        k = min([ceiling] + [largest_scale(area, floor, ceiling, fill) for area in frames])
        if flow:
            pages, k_flow = _pages(flow, measured, material, floor, ceiling, fill, source)
            k = min(k, k_flow)
        limit, word = word_limit(layout)
        if limit < floor:
            raise BuildError(f"the text does not fit: the word '{word}' in the "
                             f"{material.name} is wider than its line even at "
                             f"{material.fit[0]:.0%} type; shorten it, or mark where it may "
                             "break with a soft hyphen (&shy;)", source)
        k = min(k, limit)
    scale = max(math.floor(k * measured.scale / STEP + 1e-6) * STEP, material.fit[0])
    k = scale / measured.scale
    gaps, notes, cuts = [], [], []
    for area in frames + ([flow] if flow else []):
        room = _flow_room(area, measured, material, pages, fill) if area.flow \
            else area.capacity * fill
        cap = _cap(area, tighten) * line_height(area.content) * k
        gap, used, hole = spread(area.content, room, k, cap)
        gaps.append((area.name, gap))
        # Split columns break where they balance at this size and spacing.
        cuts += [(node.slot, *best_cut(node, k, gap)[1])
                 for node in nodes(area.content, SPLIT)]
        if hole > HOLE * area.capacity:
            notes.append(_underfull(area, used, room, scale, material, source))
    return Fit(scale=scale, gaps=tuple(gaps), pages=pages if flow else 0,
               cuts=tuple(cuts), notes=tuple(notes))


def _cap(area: Area, tighten: int = 0) -> float:
    """How many lines apart an area's blocks may move: a flowing text's a little (less after
    each layout that spilled onto another page); an open frame's up to ``GAP_CAP``, leaving
    the rest below the copy; a frame over a foot (a call to action) as far as it takes to
    meet the foot, since white left above the foot would be a hole."""
    if area.flow:
        return FLOW_GAP / 2 ** tighten
    return math.inf if area.footed else GAP_CAP


def _efficiency(flow: Area, measured: Fit) -> float:
    """How much of its pages a flowing text fills (page breaks waste a little of each)."""
    used = (flow.pages - 1) * flow.capacity + flow.last_used
    if flow.pages < 2 or used <= 0:
        return 0.97
    height = predict(flow.content, 1, dict(measured.gaps).get(flow.name, 0.0))
    return min(1.0, max(0.5, height / used))


def _flow_room(flow: Area, measured: Fit, material: Material, pages: int, fill: float,
               last: float = LAST_FILL) -> float:
    """The height a flowing text may take on ``pages``: full pages, the last one to ``last``."""
    body = pages - material.fixed_pages
    return ((body - 1) * _efficiency(flow, measured) + last - (FILL - fill)) * flow.capacity


def _pages(flow: Area, measured: Fit, material: Material, floor: float,
           ceiling: float, fill: float, source: Path) -> tuple[int, float]:
    """The fewest pages the flowing copy fits at a scale in range, and the largest scale.

    A page count once chosen is only ever grown, never shrunk, by later layouts.
    """
    counts = [count for count in material.page_counts if count >= measured.pages]
    fewest = material.page_counts[0]
    if counts[0] == fewest:
        # Too short even for the fewest pages, with type and spacing at their largest?
        most = predict(flow.content, ceiling,
                       FLOW_GAP * line_height(flow.content) * ceiling)
        needed = _flow_room(flow, measured, material, fewest, 1.0, last=SHORT_LAST)
        if most < needed:
            lines = max(1, round((needed - most) / (line_height(flow.content) * ceiling)))
            raise BuildError(f"the text is too short for a {material.name}: it cannot fill "
                             f"{fewest} pages even at {material.fit[1]:.0%} type; add about "
                             f"{lines} line{'s' if lines != 1 else ''}, or print it as a "
                             "tri-fold or handbill", source)
    for count in counts:
        room = _flow_room(flow, measured, material, count, fill)
        if predict(flow.content, floor) <= room:
            return count, bisect_scale(partial(fits_in, flow.content, room), floor, ceiling)
    most = counts[-1]
    excess = predict(flow.content, floor) - _flow_room(flow, measured, material, most, 1.0)
    lines = max(1, round(excess / (line_height(flow.content) * floor)))
    raise BuildError(f"the text does not fit: the {material.name} is too long by about "
                     f"{lines} line{'s' if lines != 1 else ''} even at "
                     f"{floor * measured.scale:.0%} type on {most} pages; shorten it", source)


def _refuse(area: Area, k: float, scale: float, material: Material, source: Path,
            gap: float = 0.0, at_least: bool = False) -> None:
    """Refuse copy that overflows ``area`` at the smallest type, saying by how much.

    ``k`` is the smallest type relative to the measured layout, made at ``scale``.
    """
    floor = material.fit[0]
    k = floor / scale if at_least else k
    excess = predict(area.content, k, gap) - area.capacity
    lines = max(1, round(excess / (line_height(area.content) * k)))
    by = "more than" if at_least else "about"
    raise BuildError(f"the text does not fit: the {material.name}'s {area.name} is too long "
                     f"by {by} {lines} line{'s' if lines != 1 else ''} even at "
                     f"{floor:.0%} type; shorten it", source)


def _underfull(area: Area, used: float, room: float, scale: float, material: Material,
               source: Path) -> Diagnostic:
    """A warning for an area whose copy is too short to fill it without a hole."""
    share = min(used / room, 1.0) if room > 0 else 1.0
    at = "even at the largest type" if scale >= material.fit[1] - STEP else \
        f"at this piece's type size ({scale:.0%}), which a fuller area sets"
    return Diagnostic(f"the {material.name}'s {area.name} is only {share:.0%} full {at}, and "
                      "spreading its paragraphs apart would leave a hole: add copy to it",
                      source)
