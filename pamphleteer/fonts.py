"""The bundled fonts (``assets/fonts/fonts.toml``): the only fonts a build may use."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote

from pamphleteer.markup import css_string
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
    """Read the font registry of the project in ``root``."""
    path = root / FONTS_FILE
    data, text = read_toml(path)
    check = Checker(path, text)
    check.table(data, (), {"font"}, {"font"})
    faces = []
    for index, entry in enumerate(check.get(data, ("font",), list)):
        key = ("font",)
        entry = check.table(entry, key, {"family", "file", "weight", "style", "licence"},
                            {"family", "file", "licence"})
        file = check.get(entry, (*key, "file"), str)
        font_path = (path.parent / file).resolve()
        if not font_path.is_relative_to(path.parent.resolve()) or not font_path.is_file():
            raise check.fail(key, f"font #{index + 1}: file '{file}' not found in assets/fonts")
        style = check.get(entry, (*key, "style"), str, "normal")
        if style not in ("normal", "italic"):
            raise check.fail(key, f"font #{index + 1}: style must be 'normal' or 'italic'")
        faces.append(FontFace(family=check.get(entry, (*key, "family"), str), path=font_path,
                              weight=check.get(entry, (*key, "weight"), int, 400), style=style,
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
