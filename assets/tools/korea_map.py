"""Draw the Korean peninsula and the line of 1953 as an SVG, once, from Natural Earth.

    python assets/tools/korea_map.py ne_10m_admin_0_countries_deu.shp > assets/maps/korea-1953.svg

Reads Natural Earth's 1:10m "Admin 0 - Countries" shapefile (public domain) with the small
reader below (no GIS library), keeps the land of North and South Korea and their neighbours
inside the frame, projects it (equirectangular, true at 38 degrees north), simplifies each ring
(Douglas-Peucker, 0.6 px) and writes the paths. The border the two Koreas share is the
Military Demarcation Line of the 1953 armistice: it is drawn again as a line of its own.

Colours are the theme's names in braces ({white}, {rule}, {tint}, {primary}, {accent}): the build
paints them in each profile's own ink (``visuals.paint``).
"""

from __future__ import annotations

import math
import struct
import sys
from pathlib import Path

FRAME = (123.6, 32.9, 131.2, 43.2)  # lon/lat: west, south, east, north
WIDTH = 300.0  # px of the drawing's width
TOLERANCE = 0.6  # px a simplified ring may stray from the coast
NEIGHBOURS = ("CHN", "RUS", "JPN")
KOREAS = ("PRK", "KOR")


def records(shp: Path) -> list[list[list[tuple[float, float]]]]:
    """Every polygon of a shapefile: its rings of (lon, lat) points."""
    data = shp.read_bytes()
    shapes, at = [], 100
    while at < len(data):
        _, words = struct.unpack(">ii", data[at:at + 8])
        body = data[at + 8:at + 8 + 2 * words]
        at += 8 + 2 * words
        if struct.unpack("<i", body[:4])[0] != 5:  # not a polygon (a null shape)
            shapes.append([])
            continue
        parts, points = struct.unpack("<ii", body[36:44])
        starts = struct.unpack(f"<{parts}i", body[44:44 + 4 * parts])
        xy = struct.unpack(f"<{2 * points}d", body[44 + 4 * parts:44 + 4 * parts + 16 * points])
        pairs = list(zip(xy[0::2], xy[1::2], strict=True))
        ends = [*starts[1:], points]
        shapes.append([pairs[a:b] for a, b in zip(starts, ends, strict=True)])
    return shapes


def codes(dbf: Path, field: str = "ADM0_A3") -> list[str]:
    """One field of every record of a dBASE table."""
    data = dbf.read_bytes()
    count, header, length = struct.unpack("<IHH", data[4:12])
    offset, where = 1, None
    for at in range(32, header - 1, 32):
        name = data[at:at + 11].split(b"\0")[0].decode()
        size = data[at + 16]
        if name == field:
            where = (offset, size)
        offset += size
    if where is None:
        raise SystemExit(f"no field {field} in {dbf}")
    return [data[header + i * length + where[0]:header + i * length + where[0] + where[1]]
            .decode("latin-1").strip() for i in range(count)]


def project(point: tuple[float, float]) -> tuple[float, float]:
    west, _, east, north = FRAME
    scale = WIDTH / ((east - west) * math.cos(math.radians(38)))
    lon, lat = point
    return ((lon - west) * math.cos(math.radians(38)) * scale, (north - lat) * scale)


def height() -> float:
    return project((FRAME[0], FRAME[1]))[1]


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker, iteratively."""
    if len(points) < 3:
        return points
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        span = math.hypot(bx - ax, by - ay)
        far, index = 0.0, None
        for i in range(first + 1, last):
            px, py = points[i]
            # From the chord; from its end when it has none (a closed ring's two ends).
            d = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / span if span > 1e-9 \
                else math.hypot(px - ax, py - ay)
            if d > far:
                far, index = d, i
        if index is not None and far > tolerance:
            keep.add(index)
            stack += [(first, index), (index, last)]
    return [points[i] for i in sorted(keep)]


def clip(ring: list[tuple[float, float]], margin: float = 0.3) -> list[tuple[float, float]]:
    """``ring`` cut to the frame (Sutherland-Hodgman), a little beyond it: the drawing's
    edge cuts the land, not a shortcut across it."""
    west, south, east, north = FRAME
    edges = [(0, west - margin, True), (0, east + margin, False),
             (1, south - margin, True), (1, north + margin, False)]
    for axis, limit, low in edges:
        if not ring:
            break
        def keep(p, axis=axis, limit=limit, low=low):
            return p[axis] >= limit if low else p[axis] <= limit

        def cross(a, b, axis=axis, limit=limit):
            t = (limit - a[axis]) / (b[axis] - a[axis])
            return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))

        cut: list[tuple[float, float]] = []
        for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
            if keep(b):
                if not keep(a):
                    cut.append(cross(a, b))
                cut.append(b)
            elif keep(a):
                cut.append(cross(a, b))
        ring = cut
    return ring


def path(rings: list[list[tuple[float, float]]]) -> str:
    parts = []
    for ring in rings:
        drawn = simplify([project(p) for p in clip(ring)], TOLERANCE)
        if len(drawn) < 3:
            continue
        parts.append("M" + " ".join(f"{x:.1f},{y:.1f}" for x, y in drawn) + "Z")
    return "".join(parts)


def border(north: list[list[tuple[float, float]]], south: list[list[tuple[float, float]]]
           ) -> str:
    """The line the two Koreas share: the points of North Korea's rings that South Korea's
    rings hold too, as one polyline in the North's ring order."""
    shared = {p for ring in south for p in ring}
    runs: list[list[tuple[float, float]]] = []
    for ring in north:
        run: list[tuple[float, float]] = []
        for point in ring + ring[:1]:
            if point in shared:
                run.append(point)
            elif run:
                runs.append(run)
                run = []
        if run:
            runs.append(run)
    line = max(runs, key=len)
    drawn = simplify([project(p) for p in line], TOLERANCE / 2)
    return "M" + " ".join(f"{x:.1f},{y:.1f}" for x, y in drawn)


def main() -> None:
    shp = Path(sys.argv[1])
    shapes, names = records(shp), codes(shp.with_suffix(".dbf"))
    by = {code: rings for code, rings in zip(names, shapes, strict=True)}
    tall = height()
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH:.0f} {tall:.0f}">',
           "<!-- Natural Earth 1:10m Admin 0 Countries, version 5.1.1, public domain; drawn "
           "by assets/tools/korea_map.py -->",
           f'<rect width="{WIDTH:.0f}" height="{tall:.0f}" fill="{{white}}"/>']
    for code in NEIGHBOURS:
        out.append(f'<path d="{path(by[code])}" fill="{{rule}}" fill-opacity="0.35"/>')
    for code in KOREAS:
        out.append(f'<path d="{path(by[code])}" fill="{{tint}}" stroke="{{primary}}" '
                   'stroke-width="0.8" stroke-linejoin="round"/>')
    out.append(f'<path d="{border(by["PRK"], by["KOR"])}" fill="none" stroke="{{accent}}" '
               'stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/>')
    out.append("</svg>")
    print("\n".join(out))


if __name__ == "__main__":
    main()
