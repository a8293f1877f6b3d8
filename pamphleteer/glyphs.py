"""Glyph coverage: every character of a locale's text must be drawable by its bundled fonts.

Checked before rendering, because WeasyPrint would otherwise draw boxes (or borrow a system
font, which makes the PDF depend on the machine); and checked again in each written PDF, for
the characters no check of the copy can see (a template's own, what the typesetting adds).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from urllib.parse import unquote

from pamphleteer.errors import BuildError, ContentError, PamphleteerError
from pamphleteer.files import read_text
from pamphleteer.fonts import coverage, load_fonts
from pamphleteer.project import Project
from pamphleteer.theme import folders

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


def locate(chars: list[str], files: list[Path]) -> tuple[Path | None, int | None]:
    """The first of ``files`` that holds one of ``chars``, and the first line that does."""
    for path in files:
        try:
            text = read_text(path)
        except PamphleteerError:  # not a text file it could come from
            continue
        line = next((number for number, content in enumerate(text.splitlines(), start=1)
                     if any(c in content for c in chars)), None)
        if line is not None:
            return path, line
    return None, None


def check_file(project: Project, locale: str, path: Path) -> ContentError | None:
    """An error naming the first line with characters the locale's fonts cannot draw."""
    text = path.read_text(encoding="utf-8")
    missing = uncovered(project, locale, text)
    if not missing:
        return None
    line = next(number for number, content in enumerate(text.splitlines(), start=1)
                if any(c in content for c in missing))
    return ContentError(f"no bundled font for '{locale}' can draw {describe(missing)}: add a "
                        f"font that covers them with `pamphleteer fonts add FILE --locale "
                        f"{locale}` (README: 'Fonts and scripts')", path, line)


def check_drawn(document, source: Path | None, root: Path | None) -> None:
    """Refuse a document in which some character is drawn as .notdef (an empty box): no font
    of its stack has it (a character the glyph check cannot see in the copy: a curly quote,
    a template's word), or a font's map points it at glyph 0."""
    missing: dict[str, object] = {}
    for font in document.fonts.values():
        for code in font.missing:
            missing.setdefault(chr(code), font)
        if 0 in font.to_unicode:  # drawn as glyph 0 by a font that claims to have it
            for char in font.to_unicode[0] or "\ufffd":
                missing.setdefault(char, font)
    if missing:
        raise _notdef_error(list(missing), next(iter(missing.values())), source, root,
                            document.metadata.lang)


def _notdef_error(chars: list[str], font, source: Path | None, root: Path | None,
                  lang: str | None) -> BuildError:
    """The error for ``chars`` drawn as boxes by ``font``, at the file (and line) they come
    from: the copy, the language's strings or a template."""
    candidates = [source, source.parent / "strings.toml"] if source else []
    if root:
        candidates += [root / "content" / lang / "strings.toml"] if lang else []
        candidates += [path for folder in folders(root, "templates")
                       for path in sorted(folder.rglob("*")) if path.is_file()]
    where, line = locate(chars, candidates)
    name = _font_file_name(font, root)
    what = f"the font '{font.family}'" + (f" ({name})" if name else "")
    origin = "" if where else (": it is not written in the copy, its strings or the "
                               "templates, so the typesetting (curly quotes, dashes) adds it")
    return BuildError(f"{describe(chars)} would print as an empty box: {what} has no glyph "
                      f"for it, and no other bundled font does{origin}. Use a font that has "
                      "it (`pamphleteer fonts add`, README: 'Fonts and scripts') or another "
                      "character",
                      where or source, line)


def _font_file_name(font, root: Path | None) -> str:
    """``assets/fonts/<file>`` of the bundled face nearest to the one WeasyPrint drew with
    (by family, style and weight), or ''."""
    try:
        faces = [face for face in load_fonts(root) if face.family == font.family] \
            if root else []
    except PamphleteerError:
        return ""
    style = "normal" if font.style == 0 else "italic"  # Pango: 0 normal, 1 oblique, 2 italic
    face = min(faces, key=lambda f: (f.style != style, abs(f.weight - font.weight)),
               default=None)
    return unquote(face.url) if face and face.url else ""
