"""The bundled fonts (``assets/fonts/fonts.toml``): the only fonts a build may use."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote

from pamphleteer.errors import ConfigError
from pamphleteer.markup import css_string
from pamphleteer.theme import find, inside
from pamphleteer.tomlfile import Checker, read_toml

FONTS_FILE = Path("assets") / "fonts" / "fonts.toml"


@dataclass(frozen=True)
class FontFace:
    """One bundled font file and the family, weight and style it provides."""

    family: str
    path: Path
    weight: int
    style: str
    url: str = ""  # relative to the project folder, so that PDFs do not depend on where it is


def load_fonts(root: Path) -> tuple[FontFace, ...]:
    """Read the font registry of the project in ``root`` (its own, or the theme's); a font
    file is the campaign's where it has one, else the theme's."""
    path = find(root, FONTS_FILE)
    data, text = read_toml(path)
    check = Checker(path, text)
    check.table(data, (), {"font"}, {"font"})
    # Each [[font]] entry's own line, so that a mistake in the fifth names the fifth.
    headers = [number for number, line in enumerate(text.splitlines(), start=1)
               if re.match(r"\s*\[\[\s*font\s*\]\]", line)]
    faces = []
    for index, entry in enumerate(check.get(data, ("font",), list)):
        key = ("font",)
        line = headers[index] if index < len(headers) else None
        try:
            entry = check.table(entry, key, {"family", "file", "weight", "style", "licence"},
                                {"family", "file", "licence"})
            file = check.get(entry, (*key, "file"), str)
            style = check.get(entry, (*key, "style"), str, "normal")
            family = check.get(entry, (*key, "family"), str)
            weight = check.get(entry, (*key, "weight"), int, 400)
        except ConfigError as exc:
            raise ConfigError(exc.message, path, line) from None
        font_path = find(root, FONTS_FILE.parent / file).resolve()
        if not inside(root, "assets/fonts", font_path) or not font_path.is_file():
            raise ConfigError(f"font #{index + 1}: file '{file}' not found in assets/fonts",
                              path, line)
        if style not in ("normal", "italic"):
            raise ConfigError(f"font #{index + 1}: style must be 'normal' or 'italic'", path,
                              line)
        faces.append(FontFace(family=family, path=font_path, weight=weight, style=style,
                              url=quote((FONTS_FILE.parent / file).as_posix())))
    return tuple(faces)


def font_face_css(faces: tuple[FontFace, ...]) -> str:
    """``@font-face`` rules for every bundled face."""
    rules = []
    for face in faces:
        url = face.url or face.path.as_uri()
        rules.append(f"@font-face {{ font-family: {css_string(face.family)}; "
                     f"src: url({css_string(url)}); "
                     f"font-weight: {face.weight}; font-style: {face.style}; }}")
    return "\n".join(rules)


@cache
def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


@cache
def coverage(faces: tuple[FontFace, ...], families: tuple[str, ...]) -> frozenset[int]:
    """Code points that some face of ``families`` can draw."""
    covered: set[int] = set()
    for family in families:
        for face in faces:
            if face.family == family:
                covered |= _cmap(face.path)
    return frozenset(covered)
