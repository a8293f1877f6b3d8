"""``fonts add``: give a campaign a font the theme does not carry, for one of its languages.

The file is checked as a build checks it (a whole TrueType or OpenType file), then for what
bundling it needs: a licence that lets anyone redistribute it (read from the font's own
licence fields), embedding allowed, one static face, and every letter CLDR says the language
is written with. It is copied into the campaign's ``assets/fonts``, registered in the
campaign's ``fonts.toml`` (the theme's list, copied, when the campaign has none yet) and set
first in the language's ``locale.toml`` where that folder exists.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from pamphleteer.errors import ConfigError, UsageError
from pamphleteer.exemplars import exemplars
from pamphleteer.files import read_bytes
from pamphleteer.fonts import FONTS_FILE, family_problem, font_cmap, font_problem, load_fonts
from pamphleteer.locales import FONT_ROLES, LOCALE_FILE, cldr_name, describe_language
from pamphleteer.outputs import write_atomic
from pamphleteer.project import Project
from pamphleteer.theme import theme_root

# What a font's licence fields (name IDs 13 and 14) say, by the licence it names: only
# licences that let anyone copy the font along with a kit.
LICENCES = (
    (re.compile(r"open font licen[cs]e|\bOFL\b|scripts\.sil\.org/ofl|openfontlicense", re.I),
     "OFL-1.1"),
    (re.compile(r"apache licen[cs]e|apache\.org/licenses", re.I), "Apache-2.0"),
    (re.compile(r"ubuntu font licen[cs]e", re.I), "UFL-1.0"),
)
REDISTRIBUTABLE = ("OFL-1.1", "Apache-2.0", "UFL-1.0", "MIT", "CC0-1.0")
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,80}\.(ttf|otf)")
SHOWN_MISSING = 20


@dataclass(frozen=True)
class AddedFont:
    """What ``fonts add`` did: the face it registered and the files it wrote."""

    family: str
    weight: int
    style: str
    licence: str
    file: Path
    registry: Path
    locale_file: Path | None  # the language's locale.toml, where it already had a folder


def add_font(project: Project, source: Path, code: str, licence: str | None = None) -> AddedFont:
    """Check the font at ``source`` for ``code``'s letters and licence, copy it into the
    campaign and register it; nothing is written unless every check passes."""
    describe_language(code)  # an unknown language code stops here
    data = read_bytes(source, "font", error=UsageError)
    problem = font_problem(data)
    if problem:
        raise UsageError(problem, source)
    from fontTools.ttLib import TTFont

    with TTFont(io.BytesIO(data), lazy=True) as font:
        family, weight, style = _face(font, source)
        found = _licence(font, source, licence)
        _embeddable(font, source)
    _covers(data, code, source, family)
    target = project.root / FONTS_FILE.parent / _file_name(source, family, weight, style)
    _inside(project, target.parent)
    if target.exists() and target.read_bytes() != data:
        raise UsageError(f"{_relative(project, target)} already exists and is another file: "
                         "rename the font you are adding", source)
    registry = project.root / FONTS_FILE
    before = registry.read_text("utf-8") if registry.is_file() else None
    for face in project.font_faces:
        if (face.family, face.weight, face.style) == (family, weight, style):
            raise UsageError(f"'{family}' {weight} {style} is already in "
                             f"{FONTS_FILE.as_posix()}: nothing to add", source)
    entry = (f'\n[[font]]\nfamily = "{family}"\nfile = "{target.name}"\nweight = {weight}\n'
             f'style = "{style}"\nlicence = "{found}"  # read from the font: fonts add\n')
    target.parent.mkdir(parents=True, exist_ok=True)
    copied = not target.exists()
    if copied:
        _write(target, data)
    _write(registry, (before if before is not None else _theme_registry()) + entry)
    try:
        load_fonts(project.root)  # the campaign's list as a build will read it
    except ConfigError:
        if before is None:
            registry.unlink()
        else:
            _write(registry, before)
        if copied:
            target.unlink()
        raise
    locale_file = _set_locale_fonts(project, code, family)
    return AddedFont(family, weight, style, found, target, registry, locale_file)


def _inside(project: Project, folder: Path) -> None:
    """Refuse to write where a link would take the files out of the campaign (into the
    theme, or anywhere else)."""
    root = project.root.resolve()
    for part in (folder.parent, folder):
        if part.exists() and not part.resolve().is_relative_to(root):
            raise UsageError(f"{_relative(project, part)} is a link to somewhere outside the "
                             "campaign; fonts add writes only inside it: make it a folder of "
                             "the campaign's own", part)


def _face(font, source: Path) -> tuple[str, int, str]:
    """The family (typographic family first), weight and style the file says it is."""
    names = font["name"]
    family = (names.getDebugName(16) or names.getDebugName(1) or "").strip()
    problem = family_problem(family)
    if problem:
        raise UsageError(f"the font's family name {family!r} {problem}", source)
    if "fvar" in font:
        raise UsageError("this is a variable font: pamphleteer embeds one face per file; add "
                         "its static instances (often in a 'static' folder beside it), one "
                         "command per weight", source)
    weight = int(font["OS/2"].usWeightClass) if "OS/2" in font else 400
    italic = bool(font["OS/2"].fsSelection & 1) if "OS/2" in font else False
    return family, min(max(weight // 100 * 100, 100), 900), "italic" if italic else "normal"


def _licence(font, source: Path, given: str | None) -> str:
    """The licence the font's own fields name (or ``given``, where they name none we know),
    if it lets the font be copied with a kit."""
    names = font["name"]
    text = " ".join(filter(None, (names.getDebugName(13), names.getDebugName(14))))
    for pattern, spdx in LICENCES:
        if pattern.search(text):
            return spdx
    if given in REDISTRIBUTABLE:
        return given
    said = f"say {text[:120]!r}" if text else "are empty"
    raise UsageError(f"the font's licence fields (name IDs 13 and 14) {said}: a kit copies "
                     "its fonts to everyone, so pamphleteer adds only fonts under a licence "
                     f"that allows that ({', '.join(REDISTRIBUTABLE)}). If you have checked "
                     "the font's licence yourself, say which with --licence", source)


def _embeddable(font, source: Path) -> None:
    """Refuse a font whose maker forbids embedding it in a document, or subsetting it."""
    fs_type = int(font["OS/2"].fsType) if "OS/2" in font else 0
    if fs_type & 0x0002 or fs_type & 0x0200:
        raise UsageError("the font's maker does not allow it to be embedded in documents "
                         "(its OS/2 fsType): a PDF cannot carry it", source)
    if fs_type & 0x0100:
        raise UsageError("the font's maker does not allow it to be subset (its OS/2 fsType), "
                         "and PDFs carry only the letters they use", source)


def _covers(data: bytes, code: str, source: Path, family: str) -> None:
    """Refuse a font that cannot draw every letter CLDR gives the language."""
    letters = exemplars(code) or "".join(c for c in cldr_name(code) or "" if c.isalpha())
    drawn = font_cmap(data)
    missing = [char for char in letters if ord(char) not in drawn]
    if missing:
        name = cldr_name(code, "en") or code
        shown = " ".join(missing[:SHOWN_MISSING]) + (" ..." if len(missing) > SHOWN_MISSING
                                                     else "")
        raise UsageError(f"'{family}' cannot draw {len(missing)} of the {len(letters)} letters "
                         f"{name} is written with (CLDR's exemplar characters): {shown}. Add a "
                         "font that covers the language", source)


def _file_name(source: Path, family: str, weight: int, style: str) -> str:
    """The source's own file name where it is a plain one, else one made from the face."""
    if SAFE_NAME.fullmatch(source.name):
        return source.name
    stem = re.sub(r"[^A-Za-z0-9]+", "", family) or "Font"
    return f"{stem}-{weight}{'-italic' if style == 'italic' else ''}.{_suffix(source)}"


def _suffix(source: Path) -> str:
    return "otf" if source.suffix.lower() == ".otf" else "ttf"


def _theme_registry() -> str:
    """The theme's fonts.toml, as the start of a campaign's own (its files stay the theme's)."""
    text = (theme_root() / FONTS_FILE).read_text("utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("# Generated by")]
    return ("# The campaign's fonts: the theme's (files in the theme's assets/fonts) and those\n"
            "# `pamphleteer fonts add` added (files in this folder).\n"
            + "\n".join(lines).rstrip("\n") + "\n")


def _set_locale_fonts(project: Project, code: str, family: str) -> Path | None:
    """Put ``family`` first in every role of the language's locale.toml, the campaign's
    fonts after it for what it lacks (Latin names and links); None without a folder."""
    path = project.content_dir / code / LOCALE_FILE
    if not path.is_file():
        return None
    text = path.read_text("utf-8")
    defaults = project.locales[code].fonts if code in project.locales else {}
    table = ["[fonts]"] + [
        "{} = [{}]".format(role, ", ".join(f'"{name}"' for name in
                                           dict.fromkeys((family, *defaults.get(role, ())))))
        for role in FONT_ROLES]
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == "[fonts]"), None)
    if start is None:
        lines += ["", *table]
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[")),
                   len(lines))
        lines[start:end] = table
    _write(path, "\n".join(lines) + "\n")
    return path


def _write(path: Path, content: str | bytes) -> None:
    """Write ``path`` whole or not at all."""
    write_atomic(path, content.encode("utf-8") if isinstance(content, str) else content)


def _relative(project: Project, path: Path) -> str:
    return path.relative_to(project.root).as_posix()
