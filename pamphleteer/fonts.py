"""The bundled fonts (``assets/fonts/fonts.toml``): the only fonts a build may use.

A font file is read like content: each is checked when it is loaded (a TrueType or OpenType
file whose tables all lie inside it, with the tables a renderer needs), and its character map
is parsed by fontTools when its glyphs are first counted, so that a damaged file is an error
naming it, never a traceback from deep inside a font library. Family names go into the
PDF's styles and font dictionaries, so they may hold only letters, digits, spaces and a
little punctuation.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from pathlib import Path
from urllib.parse import quote

from pamphleteer.errors import ConfigError
from pamphleteer.files import read_bytes
from pamphleteer.markup import css_string
from pamphleteer.theme import find, folders, inside
from pamphleteer.tomlfile import Checker, read_toml

FONTS_FILE = Path("assets") / "fonts" / "fonts.toml"
SUFFIXES = (".ttf", ".otf")
MAX_FAMILY = 64  # characters: "Noto Sans CJK KR" is 16, the longest real names about 40
# Punctuation real family names use ("Source Sans 3", "M+ 1p", "Noto Sans JP"), besides
# letters, marks and digits of any script; nothing that ends a CSS string or rule, a PDF name,
# an HTML element or a font list (quotes, backslashes, <>, ;{}, commas, slashes, #, %).
FAMILY_PUNCTUATION = " -_.&+"
GENERIC_FAMILIES = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui",
                    "emoji", "math", "fangsong", "ui-serif", "ui-sans-serif", "ui-monospace",
                    "ui-rounded", "inherit", "initial", "unset", "revert", "default"}
# The tables every renderer reads, and each outline format's own.
REQUIRED_TABLES = (b"cmap", b"head", b"hhea", b"hmtx", b"maxp", b"name", b"OS/2", b"post")
OUTLINES = {b"\0\1\0\0": (b"glyf", b"loca"), b"true": (b"glyf", b"loca"), b"OTTO": (b"CFF ",)}
MAX_TABLES = 128  # real fonts carry 10 to 40


@dataclass(frozen=True)
class FontFace:
    """One bundled font file and the family, weight and style it provides."""

    family: str
    path: Path
    weight: int
    style: str
    url: str = ""  # relative to the project folder, so that PDFs do not depend on where it is
    digest: str = ""  # SHA-256 of the file as it was checked: caches are keyed by it
    line: int | None = field(default=None, compare=False)  # its [[font]] in fonts.toml


def load_fonts(root: Path) -> tuple[FontFace, ...]:
    """Read the font registry of the project in ``root`` (its own, or the theme's); a font
    file is the campaign's where it has one, else the theme's. Every file is checked."""
    path = find(root, FONTS_FILE)
    data, text = read_toml(path, within=path.parent.parent)  # its layer's assets/
    check = Checker(path, text)
    check.table(data, (), {"font"}, {"font"})
    lines = text.splitlines()
    # Each [[font]] entry's own line, so that a mistake in the fifth names the fifth.
    headers = [number for number, line in enumerate(lines, start=1)
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
        problem = family_problem(family)
        if problem:
            raise ConfigError(f"font #{index + 1}: family {shown(family)} {problem}", path,
                              _key_line(lines, line, "family"))
        font_path = find(root, FONTS_FILE.parent / file).resolve()
        if not inside(root, "assets/fonts", font_path) or not font_path.is_file():
            raise ConfigError(f"font #{index + 1}: file '{file}' not found in assets/fonts",
                              path, line)
        if style not in ("normal", "italic"):
            raise ConfigError(f"font #{index + 1}: style must be 'normal' or 'italic'", path,
                              line)
        faces.append(FontFace(family=family, path=font_path, weight=weight, style=style,
                              url=quote((FONTS_FILE.parent / file).as_posix()),
                              digest=_checked_file(root, font_path, f"font #{index + 1}"),
                              line=line))
    return tuple(faces)


def _key_line(lines: list[str], header: int | None, name: str) -> int | None:
    """The line of ``name = ...`` in the [[font]] table that starts at ``header``."""
    if header is None:
        return None
    for number in range(header, len(lines)):
        if re.match(r"\s*\[", lines[number]):
            break
        if re.match(rf"\s*{name}\s*=", lines[number]):
            return number + 1
    return header


def family_problem(family: str) -> str | None:
    """Why ``family`` cannot be a font family name (it goes into CSS and PDF names), or
    None: letters, marks and digits of any script, spaces and ``-_.&+`` only."""
    if not family.strip():
        return "is empty: give the font's family name, e.g. \"Noto Sans JP\""
    if len(family) > MAX_FAMILY:
        return f"is {len(family)} characters long; a family name has at most {MAX_FAMILY}"
    for char in family:
        if char not in FAMILY_PUNCTUATION and unicodedata.category(char)[0] not in "LMN":
            return (f"holds {_character(char)}, which a family name may not hold: use only "
                    "letters, digits, spaces and - _ . & +")
    if family != family.strip() or "  " in family:
        return "has a space at its start or end, or two in a row: write it as the font does"
    if family.lower() in GENERIC_FAMILIES:
        return "is a generic CSS family, not a font's own name: use the font's name"
    return None


def shown(family: str) -> str:
    """``family`` quoted for a message, with anything unprintable as a code point."""
    return "'" + "".join(c if c.isprintable() else f"U+{ord(c):04X}" for c in family) + "'"


def _character(char: str) -> str:
    """``< (U+003C LESS-THAN SIGN)``; an unprintable character by its code point alone."""
    name = unicodedata.name(char, "a control character")
    return f"{char} (U+{ord(char):04X} {name})" if char.isprintable() \
        else f"U+{ord(char):04X} ({name})"


def _checked_file(root: Path, path: Path, what: str) -> str:
    """The SHA-256 of the font file at ``path``, read once, if it is a font a build can use;
    otherwise an error naming it."""
    data = read_bytes(path, "font", [folder.resolve() for folder in folders(root, "assets")],
                      error=ConfigError)
    problem = font_problem(data)
    if problem:
        raise ConfigError(f"{problem} ({what} in {FONTS_FILE.as_posix()})", path)
    digest = hashlib.sha256(data).hexdigest()
    _LOADED[path] = (digest, data)  # its cmap is parsed from these bytes, not a later read
    return digest


_LOADED: dict[Path, tuple[str, bytes]] = {}  # the last bytes checked of each font file


def font_problem(data: bytes) -> str | None:
    """Why ``data`` is not a font file a build can use, or None: a TrueType or OpenType file
    whose table directory, tables and character map header are whole. (Only headers are
    read: the character map itself is parsed when its glyphs are counted.)"""
    if len(data) < 12:
        return f"this font file is {len(data)} bytes long: it is empty or cut short"
    kind = data[:4]
    if kind == b"ttcf":
        return ("this is a font collection (.ttc); pamphleteer needs one face per file: "
                "cut the face out with pyftsubset --font-number (see assets/README.md)")
    if kind in (b"wOFF", b"wOF2"):
        return "this is a web font (WOFF); use the .ttf or .otf file the font ships as"
    if kind not in OUTLINES:
        return "this is not a TrueType or OpenType font file (.ttf or .otf)"
    tables = _tables(data)
    if isinstance(tables, str):
        return tables
    missing = [tag for tag in (*REQUIRED_TABLES, *OUTLINES[kind]) if tag not in tables]
    if missing:
        names = ", ".join(f"'{tag.decode('latin-1').strip()}'" for tag in missing)
        return f"this font file lacks the {names} table(s) every font has: it is damaged"
    return _metrics_problem(tables, kind == b"OTTO") or _cmap_problem(tables[b"cmap"])


def _tables(data: bytes) -> dict[bytes, memoryview] | str:
    """The font's tables by tag, or why its table directory is not whole."""
    count = struct.unpack_from(">H", data, 4)[0]
    if not 1 <= count <= MAX_TABLES or 12 + 16 * count > len(data):
        return "this font file is cut short or damaged: its table directory is not whole"
    view, tables = memoryview(data), {}  # views: the outlines are not copied
    for index in range(count):
        tag, _, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * index)
        if offset + length > len(data):
            return (f"this font file is cut short: its '{tag.decode('latin-1').strip()}' "
                    f"table runs past the end of the file ({len(data):,} bytes); copy the "
                    "font again")
        tables[tag] = view[offset:offset + length]
    return tables


def _metrics_problem(tables: dict[bytes, memoryview], cff: bool) -> str | None:
    """Why the head, maxp, hhea, hmtx (and loca) tables do not agree, or None."""
    head, maxp, hhea = tables[b"head"], tables[b"maxp"], tables[b"hhea"]
    damaged = "this font file is damaged: its '{}' table {}"
    if len(head) < 54 or struct.unpack_from(">I", head, 12)[0] != 0x5F0F3CF5:
        return damaged.format("head", "is not a font header")
    units = struct.unpack_from(">H", head, 18)[0]
    loca_format = struct.unpack_from(">h", head, 50)[0]
    if not 16 <= units <= 16384 or loca_format not in (0, 1):
        return damaged.format("head", "holds impossible values")
    if len(maxp) < 6 or struct.unpack_from(">H", maxp, 4)[0] == 0:
        return damaged.format("maxp", "counts no glyphs")
    glyphs = struct.unpack_from(">H", maxp, 4)[0]
    if len(hhea) < 36:
        return damaged.format("hhea", "is cut short")
    metrics = struct.unpack_from(">H", hhea, 34)[0]
    if not 1 <= metrics <= glyphs or len(tables[b"hmtx"]) < 4 * metrics + 2 * (glyphs - metrics):
        return damaged.format("hmtx", "does not hold a width for every glyph")
    if not cff:
        size = 2 if loca_format == 0 else 4
        loca = tables[b"loca"]
        if len(loca) < size * (glyphs + 1):
            return damaged.format("loca", "does not locate every glyph")
        offsets = struct.unpack_from(f">{glyphs + 1}{'H' if size == 2 else 'I'}", loca)
        scale = 2 if size == 2 else 1
        if any(b < a for a, b in pairwise(offsets)) or \
                offsets[-1] * scale > len(tables[b"glyf"]):
            return damaged.format("loca", "points outside the glyph outlines")
    return None


def _cmap_problem(cmap: memoryview) -> str | None:
    """Why the character map's header and subtables are not whole, or None."""
    damaged = "this font file is damaged: its character map (cmap) {}"
    if len(cmap) < 4 or struct.unpack_from(">H", cmap, 0)[0] != 0:
        return damaged.format("is not one")
    count = struct.unpack_from(">H", cmap, 2)[0]
    if count == 0 or 4 + 8 * count > len(cmap):
        return damaged.format("is cut short")
    unicode_found = False
    for index in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", cmap, 4 + 8 * index)
        if offset + 8 > len(cmap):
            return damaged.format("points past its end")
        kind = struct.unpack_from(">H", cmap, offset)[0]
        if kind in (0, 2, 4, 6):
            length = struct.unpack_from(">H", cmap, offset + 2)[0]
        elif kind in (8, 10, 12, 13):
            length = struct.unpack_from(">I", cmap, offset + 4)[0]
        elif kind == 14:
            length = struct.unpack_from(">I", cmap, offset + 2)[0]
        else:
            return damaged.format(f"has a subtable of unknown format {kind}")
        if offset + length > len(cmap):
            return damaged.format("has a subtable that runs past its end")
        unicode_found |= platform == 0 or (platform, encoding) in ((3, 1), (3, 10))
    if not unicode_found:
        return damaged.format("maps no Unicode characters (a font for an old system?)")
    return None


def font_face_css(faces: tuple[FontFace, ...]) -> str:
    """``@font-face`` rules for every bundled face (names and addresses as CSS strings)."""
    rules = []
    for face in faces:
        url = face.url or face.path.as_uri()
        rules.append(f"@font-face {{ font-family: {css_string(face.family)}; "
                     f"src: url({css_string(url)}); "
                     f"font-weight: {face.weight}; font-style: {face.style}; }}")
    return "\n".join(rules)


def font_cmap(data: bytes) -> frozenset[int]:
    """The code points the font ``data`` draws (not those it maps to its empty .notdef
    glyph), parsed by fontTools; ValueError says why it cannot be read."""
    from fontTools.ttLib import TTFont

    problem = font_problem(data)
    if problem:
        raise ValueError(problem)
    try:
        with TTFont(io.BytesIO(data), lazy=True) as font:
            glyphs = font["maxp"].numGlyphs
            # Numbered names: the cmap needs no glyph names (CFF's take longer to read).
            order = [f"g{number}" for number in range(glyphs)]
            font.setGlyphOrder(order)
            mapping = font["cmap"].getBestCmap() or {}
    except Exception as exc:  # fontTools raises many kinds of error on damaged data
        raise ValueError(f"this font file is damaged: its character map cannot be read "
                         f"({type(exc).__name__})") from None
    known = set(order)
    if any(name not in known for name in mapping.values()):
        raise ValueError("this font file is damaged: its character map points at glyphs it "
                         "does not have")
    drawn = frozenset(code for code, name in mapping.items() if name != "g0")
    if not drawn:
        raise ValueError("this font file draws no characters: its character map is empty")
    return drawn


@cache
def _cmap(path: Path, digest: str) -> frozenset[int]:
    """The code points of the face checked as ``digest`` (read again, in a worker process,
    and refused if the file changed since)."""
    known, data = _LOADED.get(path, ("", b""))
    if not digest or known != digest:
        data = read_bytes(path, "font", error=ConfigError)
        if digest and hashlib.sha256(data).hexdigest() != digest:
            raise ConfigError("this font file changed during the build: build again", path)
    try:
        return font_cmap(data)
    except ValueError as exc:
        raise ConfigError(str(exc), path) from None


@cache
def coverage(faces: tuple[FontFace, ...], families: tuple[str, ...]) -> frozenset[int]:
    """Code points that some family of ``families`` can draw in every face it has: copy may
    be set in any of its weights and styles. (Keyed by the faces' contents: a font file
    replaced under ``watch`` is read again.)"""
    covered: set[int] = set()
    for family in families:
        maps = [_cmap(face.path, face.digest) for face in faces if face.family == family]
        if maps:
            covered |= frozenset.intersection(*maps)
    return frozenset(covered)
