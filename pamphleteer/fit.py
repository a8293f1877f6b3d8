"""Stage 7: copyfit. One type scale per document, shrunk or grown within the material's range,
the page count a flowing text needs, and the space left over spread between blocks.

The first layout is measured (``measure.Layout``); a model of every paragraph's lines predicts
the height of each area at another scale, the scale and spacing are solved from that, and one
more layout confirms them. Only when the confirmation is off does a third layout correct it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from pamphleteer.errors import BuildError, Diagnostic
from pamphleteer.materials import Material
from pamphleteer.measure import COLUMNS, FIXED, GRID, TEXT, Area, Layout, Node
from pamphleteer.pdf import Rendered
from pamphleteer.render import TALL

FILL = 0.98  # aim a little short of full: the model is close, not exact
LAST_FILL = 0.9  # how full the last page of a flowing text is aimed to be
LOOSE = 0.9  # an area a layout leaves less full than this is spread again
LOOSE_LAST = 0.82  # the same, for the last page of a flowing text
HOLE = 0.15  # a warning when spreading would leave a band this tall (share of the area)
LEAD = 0.12  # body copy's leading may grow by this share of a line, to spread spare room
MAX_RENDERS = 5  # layouts one fit may take before it gives up
STEP = 0.005  # scales are rounded down to half a per cent
SURE = 1.04  # an estimate this far above the floor is sure to fit (``check`` stops there)


@dataclass(frozen=True)
class Fit:
    """The type scale and the spread spacing a document is laid out with."""

    scale: float = 1.0
    gaps: tuple[tuple[str, float], ...] = ()  # (area, CSS px of space per gap)
    leads: tuple[tuple[str, float], ...] = ()  # (area, CSS px added to each line of copy)
    pages: int = 0  # flows: the page count aimed at (0: whatever the layout gives)
    renders: int = 0  # layouts it took to find this
    notes: tuple[Diagnostic, ...] = field(default=())

    def css(self) -> str:
        """The custom properties that carry the fit into the stylesheets."""
        rules = [f":root {{ --fit: {self.scale:.3f}; }}"]
        leads = dict(self.leads)
        for name, gap in self.gaps:
            quoted = name.replace("\\", "\\\\").replace('"', '\\"')
            lead = f" --fit-lead: {leads[name]:.2f}px;" if leads.get(name) else ""
            rules.append(f'[data-fit="{quoted}"] {{ --fit-gap: {gap:.2f}px;{lead} }}')
        return "\n".join(rules)


def fit_document(render: Callable[..., Rendered], material: Material,
                 source: Path) -> tuple[Fit, Rendered]:
    """Lay out a document until its copy fits; return the fit and its final render.

    ``render(fit, tall=False)`` lays the document out; ``tall`` makes the pages tall enough
    that nothing is cut off, for measuring copy that runs far past its frames.
    """
    fit, rendered, renders = _first_estimate(render, material, source)
    if _same(fit, Fit()) and not problems(rendered.layout, fit, material):
        return replace(fit, renders=renders), rendered
    failures, good, spilled = 0, None, None
    while renders < MAX_RENDERS:
        rendered = render(fit)
        renders += 1
        trouble = problems(rendered.layout, fit, material)
        if trouble:
            failures += 1
            if good:  # spread too far: try between what fitted and this
                spilled, fit = fit, _between(good[0], fit)
                continue
            if fit.scale <= material.fit[0] + STEP / 2 and rendered.layout.overflows:
                _refuse_measured(rendered.layout, fit, material, source)
            fit = solve(rendered.layout, fit, material, source, tighten=failures)
            continue
        good = (fit, rendered)
        if not _loose(rendered.layout, fit):
            break
        # Spread what an area has left; the gaps alone move no line break.
        fit = _between(fit, spilled) if spilled else \
            solve(rendered.layout, fit, material, source, keep_scale=True)
        if _same(fit, good[0]):
            break
    if good:
        return replace(good[0], renders=renders), good[1]
    raise BuildError(f"could not fit the {material.name}'s copy in {renders} layouts: "
                     f"{'; '.join(trouble)} (please report this)", source)


def estimate(render: Callable[..., Rendered], material: Material, source: Path) -> Fit:
    """The fit a build will find, from as few layouts as it can be known (for ``check``).

    The first layout's estimate is trusted when it leaves room above the smallest type;
    near the floor, the build's whole procedure is followed, so ``check`` refuses exactly
    what the build refuses.
    """
    fit, _, renders = _first_estimate(render, material, source)
    if fit.scale >= material.fit[0] * SURE:
        return replace(fit, renders=renders)
    return fit_document(render, material, source)[0]


def _first_estimate(render: Callable[..., Rendered], material: Material,
                    source: Path) -> tuple[Fit, Rendered, int]:
    """Lay out at 100% (and, if copy is cut off, on tall pages) and solve from that."""
    rendered = render(Fit())
    renders = 1
    layout = rendered.layout
    if not all(area.complete for area in layout.areas if not area.flow):
        tall = render(Fit(), tall=True)
        renders += 1
        for area in tall.layout.areas:
            if not area.complete and not area.flow:
                raise BuildError(f"the text does not fit: the {material.name}'s {area.name} "
                                 f"is far too long (not even 1/{TALL} of it fits at 100% "
                                 "type); shorten it", source)
        flows = {area.name: area for area in layout.areas if area.flow}
        layout = replace(layout, areas=tuple(flows.get(area.name, area)
                                             for area in tall.layout.areas))
    return solve(layout, Fit(), material, source), rendered, renders


def _between(fits: Fit, spills: Fit) -> Fit:
    """Spacing halfway between a fit that fits and one that spilled, at the same scale."""
    def halfway(low: tuple, high: tuple) -> tuple:
        wider = dict(high)
        return tuple((name, round((value + wider.get(name, value)) / 2, 2))
                     for name, value in low)

    return replace(fits, gaps=halfway(fits.gaps, spills.gaps),
                   leads=halfway(fits.leads, spills.leads))


def problems(layout: Layout, fit: Fit, material: Material) -> list[str]:
    """What is wrong with a layout made for ``fit``: overflow, cut text, wrong page count."""
    found = [f"the {name} area overflows" for name, _ in layout.overflows]
    found += [f"the {a.name} area is cut off" for a in layout.areas if not a.complete]
    if fit.pages and layout.pages != fit.pages:
        found.append(f"{layout.pages} pages instead of {fit.pages}")
    elif material.page_multiple > 1 and layout.pages % material.page_multiple:
        found.append(f"{layout.pages} pages, not a multiple of {material.page_multiple}")
    return found


def _loose(layout: Layout, fit: Fit) -> bool:
    """Whether an area was left clearly less full than aimed at, with gaps to spread into."""
    for area in layout.areas:
        gap, lead = dict(fit.gaps).get(area.name, 0.0), dict(fit.leads).get(area.name, 0.0)
        if predict(area.content, 1, gap + 1) == predict(area.content, 1, gap):
            continue  # nowhere to spread
        used = area.last_used if area.flow else predict(area.content, 1, gap, lead)
        if used < (LOOSE_LAST if area.flow else LOOSE) * area.capacity:
            return True
    return False


def _same(a: Fit, b: Fit) -> bool:
    """Whether laying out with ``a`` would give the layout already made with ``b``."""
    def spacing(fit: Fit) -> tuple[dict[str, float], dict[str, float]]:
        return ({name: gap for name, gap in fit.gaps if gap},
                {name: lead for name, lead in fit.leads if lead})

    return abs(a.scale - b.scale) < STEP / 2 and spacing(a) == spacing(b) \
        and a.pages in (0, b.pages)


def solve(layout: Layout, measured: Fit, material: Material, source: Path,
          tighten: int = 0, keep_scale: bool = False) -> Fit:
    """The scale, spacing and page count to lay out with next, from one measured layout."""
    if not layout.areas:
        return replace(measured, notes=())  # a template without fit areas is laid out as is
    floor, ceiling = (limit / measured.scale for limit in material.fit)
    fill = FILL - 0.02 * tighten
    frames = [area for area in layout.areas if not area.flow]
    flows = [area for area in layout.areas if area.flow]
    flow = flows[0] if flows else None
    if keep_scale:
        scale, k, pages = measured.scale, 1.0, measured.pages
    else:
        for area in frames:
            if predict(area.content, floor, 0) > area.capacity:
                _refuse(area, area.content, floor, measured.scale, material, source)
        k = min([ceiling] + [_largest(a, floor, ceiling, fill) for a in frames])
        pages = 0
        if flow:
            pages, k_flow = _pages(flow, measured, material, floor, ceiling, fill, source)
            k = min(k, k_flow)
        k = min(k, max(_word_limit(layout), floor))  # a word too wide for its line never helps
        scale = max(math.floor(k * measured.scale / STEP + 1e-6) * STEP, material.fit[0])
        k = scale / measured.scale
    gaps, leads, notes = [], [], []
    for area in frames + ([flow] if flow else []):
        room = _flow_room(flow, measured, material, pages, fill) if area.flow \
            else area.capacity * fill
        # Leading would move a flowing text's page breaks: flows spread between blocks only.
        gap, lead, used, hole = _spread(area.content, room, k, leading=not area.flow)
        gaps.append((area.name, gap))
        leads.append((area.name, lead))
        if hole > HOLE * area.capacity:
            notes.append(_underfull(area, used, room, scale, material, source))
    return Fit(scale=scale, gaps=tuple(gaps), leads=tuple(leads), pages=pages if flow else 0,
               notes=tuple(notes))


def _flow_room(flow: Area, measured: Fit, material: Material, pages: int, fill: float) -> float:
    """The height a flowing text may take on ``pages``: full pages, the last one nearly."""
    last = LAST_FILL - (FILL - fill)
    body = pages - material.fixed_pages
    return ((body - 1) * _efficiency(flow, measured) + last) * flow.capacity


def _stacks(node: Node):
    if node.weights:
        yield node
    for child in node.children:
        yield from _stacks(child)


def predict(node: Node, k: float, gap: float = 0.0, lead: float = 0.0) -> float:
    """A node's height with type scaled by ``k``, ``gap`` px of spread per gap and ``lead`` px
    more leading on each line of body copy."""
    if node.kind == FIXED:
        return node.height
    if node.kind == TEXT:
        line = (node.height / len(node.lines) - node.lead) * k + (lead if node.leads else 0.0)
        return node.pad + _line_count(node, k) * line
    inner = [predict(child, k, gap, lead) for child in node.children]
    if node.kind == GRID:
        return node.pad + sum(node.spaces) + sum(inner)
    if node.kind == COLUMNS:
        # Balanced columns: the content shared out, plus the tallest column's excess.
        return node.pad + sum(inner) / node.count + max(node.height, 0.3 * _line_height(node)) * k
    return node.pad + k * sum(node.spaces) + sum(inner) + gap * sum(node.weights)


def _line_count(node: Node, k: float) -> int:
    """How many lines a paragraph takes with its type scaled by ``k``.

    Its words are wrapped again at their scaled widths; the difference the wrapping makes at
    the measured scale (widths of words are estimated) is kept as a correction.
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


def _texts(node: Node):
    if node.kind == TEXT:
        yield node
    for child in node.children:
        yield from _texts(child)


def _line_height(node: Node) -> float:
    """The commonest line height of a node's paragraphs (CSS px, at the measured scale)."""
    heights = sorted(t.height / len(t.lines) for t in _texts(node))
    return heights[len(heights) // 2] if heights else 16.0


def _word_limit(layout: Layout) -> float:
    """The largest scale at which every word that fits its line still does."""
    limits = [t.width / t.word for area in layout.areas for t in _texts(area.content)
              if 0 < t.word <= t.width]
    return min(limits, default=math.inf)


def _largest(area: Area, floor: float, ceiling: float, fill: float) -> float:
    """The largest scale (between the limits) at which ``area`` is filled to ``fill``."""
    room = area.capacity * fill
    if predict(area.content, ceiling, 0) <= room:
        return ceiling
    low, high = floor, ceiling
    for _ in range(30):
        middle = (low + high) / 2
        low, high = (middle, high) if predict(area.content, middle, 0) <= room else (low, middle)
    return low


def _efficiency(flow: Area, measured: Fit) -> float:
    """How much of its pages a flowing text fills (page breaks waste a little of each)."""
    used = (flow.pages - 1) * flow.capacity + flow.last_used
    if flow.pages < 2 or used <= 0:
        return 0.97
    height = predict(flow.content, 1, dict(measured.gaps).get(flow.name, 0.0))
    return min(1.0, max(0.8, height / used))


def _pages(flow: Area, measured: Fit, material: Material, floor: float,
           ceiling: float, fill: float, source: Path) -> tuple[int, float]:
    """The fewest pages the flowing copy fits at a scale in range, and the largest scale."""
    counts = [measured.pages] if measured.pages else list(material.page_counts)
    for count in counts:
        body = _flow_room(flow, measured, material, count, fill)
        if predict(flow.content, floor, 0) <= body:
            if predict(flow.content, ceiling, 0) <= body:
                return count, ceiling
            low, high = floor, ceiling
            for _ in range(30):
                middle = (low + high) / 2
                fits = predict(flow.content, middle, 0) <= body
                low, high = (middle, high) if fits else (low, middle)
            return count, low
    most = counts[-1]
    excess = predict(flow.content, floor, 0) - _flow_room(flow, measured, material, most, 1.0)
    lines = max(1, round(excess / (_line_height(flow.content) * floor)))
    raise BuildError(f"the text does not fit: the {material.name} is too long by about "
                     f"{lines} line{'s' if lines != 1 else ''} even at "
                     f"{floor * measured.scale:.0%} type on {most} pages; shorten it", source)


def _refuse(area: Area, content: Node, k: float, scale: float, material: Material,
            source: Path, gap: float = 0.0, lead: float = 0.0) -> None:
    """Refuse copy that overflows ``area`` at the smallest type, saying by how much."""
    excess = predict(content, k, gap, lead) - area.capacity
    lines = max(1, round(excess / (_line_height(content) * k)))
    floor = k * scale
    raise BuildError(f"the text does not fit: the {material.name}'s {area.name} is too long "
                     f"by about {lines} line{'s' if lines != 1 else ''} even at "
                     f"{floor:.0%} type; shorten it", source)


def _refuse_measured(layout: Layout, fit: Fit, material: Material, source: Path) -> None:
    """Refuse copy that a layout at the smallest type shows overflowing."""
    names = {name for name, _ in layout.overflows}
    over = [a for a in layout.areas if not a.flow] or list(layout.areas)
    area = max(over, key=lambda a: (a.name in names, predict(a.content, 1, 0) - a.capacity))
    _refuse(area, area.content, 1.0, fit.scale, material, source,
            dict(fit.gaps).get(area.name, 0.0), dict(fit.leads).get(area.name, 0.0))


def _spread(content: Node, room: float, k: float,
            leading: bool) -> tuple[float, float, float, float]:
    """Spread the room left: (px per gap, px more leading per line, height before, hole).

    Space goes between blocks first, up to a line's height per gap; then into the leading of
    body copy, up to a tenth more; whatever is still left goes between blocks again.
    """
    used = predict(content, k)
    slack = room - used
    per_gap = predict(content, k, 1) - used
    per_lead = predict(content, k, 0, 1) - used if leading else 0.0
    if slack <= 0:
        return 0.0, 0.0, used, 0.0
    line = _line_height(content) * k
    gap = min(slack / per_gap, line) if per_gap > 0 else 0.0
    slack -= gap * per_gap
    lead = min(slack / per_lead, LEAD * line) if per_lead > 0 else 0.0
    slack -= lead * per_lead
    if per_gap > 0:
        gap, slack = gap + slack / per_gap, 0.0
    weights = [w for node in _stacks(content) for w in node.weights]
    hole = max(weights, default=0) * gap if gap else slack
    return round(gap, 2), round(lead, 2), used, hole


def _underfull(area: Area, used: float, room: float, scale: float, material: Material,
               source: Path) -> Diagnostic:
    """A warning for an area whose copy is too short to fill it without a hole."""
    share = min(used / room, 1.0) if room > 0 else 1.0
    at = "even at the largest type" if scale >= material.fit[1] - STEP else \
        f"at this piece's type size ({scale:.0%}), which a fuller area sets"
    return Diagnostic(f"the {material.name}'s {area.name} is only {share:.0%} full {at}, and "
                      "spreading its paragraphs apart would leave a hole: add copy to it",
                      source)
