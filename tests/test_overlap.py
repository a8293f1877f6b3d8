"""No type prints over other type: every character of a finished page stands clear of the
characters of every other line (a block that grew out of its cell would print over its
neighbour, which no fit or frame check sees)."""

from __future__ import annotations

from collections import defaultdict

import pytest

from pdfinspect import page_chars

CELL = 24.0  # points: a grid to compare only neighbouring characters


def overlaps(path) -> list[tuple[int, str, str]]:
    """Pairs of characters of different lines whose boxes overlap by more than a sliver."""
    found = []
    for number, chars in enumerate(page_chars(path)):
        grid: dict[tuple[int, int], list[int]] = defaultdict(list)
        for index, (_, _, (left, bottom, right, top)) in enumerate(chars):
            for gx in range(int(left // CELL), int(right // CELL) + 1):
                for gy in range(int(bottom // CELL), int(top // CELL) + 1):
                    grid[gx, gy].append(index)
        for members in grid.values():
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    (ca, sa, (l1, b1, r1, t1)), (cb, sb, (l2, b2, r2, t2)) = chars[a], chars[b]
                    if abs(b1 - b2) < 0.3 * min(sa, sb):
                        continue  # one line (kerning, a ligature): not two blocks
                    width = min(r1, r2) - max(l1, l2)
                    height = min(t1, t2) - max(b1, b2)
                    if width > 1 and height > 0.25 * min(t1 - b1, t2 - b2):
                        found.append((number + 1, ca, cb))
    return found


@pytest.mark.slow
@pytest.mark.parametrize("material", ["flyer", "handbill", "trifold", "booklet", "palmcard",
                                      "poster", "callscript", "signsheet"])
def test_no_type_prints_over_other_type(fixture_kit, material):
    for profile in ("shop", "home"):
        assert not overlaps(fixture_kit / "en" / f"{material}-{profile}.pdf")[:5], \
            (material, profile)
