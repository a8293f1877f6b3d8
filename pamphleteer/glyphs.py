"""Glyph coverage: every character of a locale's text must be drawable by its bundled fonts.

Checked before rendering, because WeasyPrint would otherwise draw boxes (or borrow a system
font, which makes the PDF depend on the machine).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from pamphleteer.errors import ContentError
from pamphleteer.fonts import coverage
from pamphleteer.project import Project

MAX_SHOWN = 8


def uncovered(project: Project, locale: str, text: str) -> list[str]:
    """Characters of ``text`` that some font role of ``locale`` cannot draw, in order seen."""
    stacks = project.locales[locale].fonts.values()
    drawable = frozenset.intersection(*(coverage(project.font_faces, s) for s in stacks))
    return [char for char in dict.fromkeys(text)
            if ord(char) not in drawable and not char.isspace()
            and unicodedata.category(char) not in ("Cc", "Cf")]


def describe(chars: list[str]) -> str:
    """``'क' (U+0915 DEVANAGARI LETTER KA), ...`` for an error message."""
    shown = [f"'{c}' (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})" for c in chars[:MAX_SHOWN]]
    more = f" and {len(chars) - MAX_SHOWN} more" if len(chars) > MAX_SHOWN else ""
    return ", ".join(shown) + more


def check_file(project: Project, locale: str, path: Path) -> ContentError | None:
    """An error naming the first line with characters the locale's fonts cannot draw."""
    text = path.read_text(encoding="utf-8")
    missing = uncovered(project, locale, text)
    if not missing:
        return None
    line = next(number for number, content in enumerate(text.splitlines(), start=1)
                if any(c in content for c in missing))
    return ContentError(f"no bundled font for '{locale}' can draw {describe(missing)}: add a "
                        "font that covers them (see the README, 'Adding a font') and list it "
                        f"in content/{locale}/locale.toml", path, line)
