"""Stage 3: the visual blocks the copy calls, one line of Markdown each, so that a translator
moves and translates them like any other line and never touches HTML:

    @quote A ceasefire is not peace. | A veteran of the war, 2023
    @band Sign for peace today
    @timeline 1950 | The war begins
    @timeline 1953 | An armistice stops the fighting
    @icon pen-line | Sign the petition
    @map korea-1953 | The line of 1953 still divides Korea
    @photo assets/photos/vigil.jpg | Neighbours at the vigil
    @photo | Families kept apart for 73 years

Consecutive lines of one kind form one block (a timeline, a row of icons); a big number is
``!!! figure | label`` (``markup.stat_callouts``). Icons (Lucide, ISC) and maps (drawn from
Natural Earth, public domain) are the theme's own: their SVG is trusted and drawn inline, in
each profile's own colours (``paint``); a campaign's files never are. A photo slot names the
campaign's photo (checked as any photo is); without one, its words stand on a designed block
in the campaign's colour until the campaign has a photo to put there.
"""

from __future__ import annotations

import difflib
import html
import re
from functools import cache
from pathlib import Path

from pamphleteer.errors import ContentError
from pamphleteer.limits import line_at
from pamphleteer.photos import figure, find_photo
from pamphleteer.theme import theme_root

BLOCKS = ("quote", "band", "timeline", "icon", "map", "photo")
_PARAGRAPH = re.compile(r"<p>\s*@([a-z][a-z-]*)(?=[\s<])(.*?)</p>", re.DOTALL)
_LINE = re.compile(r"\n\s*@([a-z][a-z-]*)")
MAX_ICONS = 6  # a row of icons on a card: more would not read as a row


def icons_dir() -> Path:
    return theme_root() / "assets" / "icons"


def maps_dir() -> Path:
    return theme_root() / "assets" / "maps"


@cache
def map_names() -> tuple[str, ...]:
    """The maps the theme carries."""
    return tuple(sorted(path.stem for path in maps_dir().glob("*.svg")))


@cache
def icon_names() -> tuple[str, ...]:
    """The icons the theme carries."""
    return tuple(sorted(path.stem for path in icons_dir().glob("*.svg")))


@cache
def icon_svg(name: str) -> str:
    """The theme's icon ``name`` as inline SVG: one line, no size of its own (CSS sizes it),
    hidden from screen readers (its label says what it means)."""
    text = re.sub(r'\s(width|height)="24"', "", _inline(icons_dir() / f"{name}.svg"))
    return text.replace("<svg ", '<svg class="icon-mark" aria-hidden="true" ', 1)


def _inline(path: Path) -> str:
    """A theme's SVG file on one line, without its comments, to be put in a page."""
    text = re.sub(r"<!--.*?-->", "", path.read_text("utf-8"), flags=re.DOTALL)
    return re.sub(r"\s+", " ", text).replace("> <", "><").strip()


def paint(html: str, colours: dict[str, str]) -> str:
    """The page's icons and maps in a profile's own colours (a press's CMYK, a copier's
    black): an inline SVG does not take its colours from the page's CSS."""
    html = _ICON_STROKE.sub(lambda match: f'{match[1]}stroke="{colours["primary"]}"', html)
    return _DRAWING.sub(lambda match: _TOKEN.sub(
        lambda token: colours.get(token[1], token[0]), match[0]), html)


_ICON_STROKE = re.compile(r'(<svg class="icon-mark"[^>]*?)stroke="currentColor"')
_DRAWING = re.compile(r'<svg class="drawing[ "].*?</svg>', re.DOTALL)
_TOKEN = re.compile(r"\{([a-z]+)\}")


def visual_blocks(fragment: str, source: str, path: Path, line: int,
                  photos: Path | None = None) -> str:
    """``fragment`` with every paragraph of ``@block`` lines drawn as its block; photo slots
    take their photo from the assets/ of the campaign at ``photos``."""
    seen: dict[str, int] = {}  # where in the source the last block of each kind was found

    def block(match: re.Match) -> str:
        name = match[1]
        found = source.find(f"@{name}", seen.get(name, -1) + 1)
        seen[name] = found
        at = line_at(source, found, line)
        if name not in BLOCKS:
            close = difflib.get_close_matches(name, BLOCKS, n=1)
            if not close:
                return match[0]  # "@peacenow" starting a sentence is text
            raise ContentError(f"'@{name}' is not a visual block: did you mean '@{close[0]}'? "
                               f"(known: {', '.join('@' + b for b in BLOCKS)})", path, at)
        parts = _LINE.split(match[2])  # text, kind, text, kind, text...
        lines, kinds = [text.strip() for text in parts[0::2]], parts[1::2]
        other = next((kind for kind in kinds if kind != name), None)
        if other:
            raise ContentError(f"a paragraph of '@{name}' lines holds '@{other}' too: put "
                               "a blank line between two blocks", path, at)
        if name == "photo":
            return _photo(lines, path, at, photos)
        return _DRAW[name](lines, path, at)

    return _PARAGRAPH.sub(block, fragment)


def _split(text: str, what: str, path: Path, line: int | None) -> tuple[str, str]:
    if "|" not in text:
        raise ContentError(f"write {what}", path, line)
    first, second = text.split("|", 1)
    return first.strip(), second.strip()


def _quote(lines: list[str], path: Path, line: int | None) -> str:
    if len(lines) > 1:
        raise ContentError("one '@quote' line is one pull quote: put a blank line between "
                           "two", path, line)
    text, _, who = lines[0].partition("|")
    if not text.strip():
        raise ContentError("'@quote' needs the words quoted: @quote The words | Who said "
                           "them", path, line)
    # Drawn on an inner block: the outer one takes the fit's spread space above it (print.css).
    return ('<div class="pull-quote visual"><div class="pull-quote-body">'
            f'<p class="pull-quote-text">{text.strip()}</p>'
            + (f'<p class="pull-quote-by">{who.strip()}</p>' if who.strip() else "")
            + "</div></div>")


def _band(lines: list[str], path: Path, line: int | None) -> str:
    if not lines[0]:
        raise ContentError("'@band' needs its slogan: @band Sign for peace", path, line)
    return '<div class="slogan-band visual"><p>' + "<br>".join(lines) + "</p></div>"


def _timeline(lines: list[str], path: Path, line: int | None) -> str:
    items = []
    for offset, text in enumerate(lines):
        when, what = _split(text, "each '@timeline' line as: @timeline 1953 | What happened",
                            path, line + offset if line else line)
        items.append(f'<li><span class="timeline-when">{when}</span>'
                     f'<span class="timeline-what">{what}</span></li>')
    return '<ol class="timeline visual">' + "".join(items) + "</ol>"


def _icons(lines: list[str], path: Path, line: int | None) -> str:
    if len(lines) > MAX_ICONS:
        raise ContentError(f"{len(lines)} '@icon' lines in one row: at most {MAX_ICONS} read "
                           "as a row", path, line)
    items = []
    for offset, text in enumerate(lines):
        name, label = _split(text, "each '@icon' line as: @icon pen-line | What it stands for",
                             path, line + offset if line else line)
        if name not in icon_names():
            close = [icon for icon in icon_names() if name and name in icon][:3] or \
                difflib.get_close_matches(name, icon_names(), n=3)
            hint = f"did you mean {', '.join(close)}? " if close else ""
            raise ContentError(f"no icon '{name}' in the theme: {hint}(its icons: "
                               f"{', '.join(icon_names())})", path, line + offset if line else line)
        items.append(f'<li>{icon_svg(name)}<span class="icon-label">{label}</span></li>')
    return '<ul class="icon-row visual">' + "".join(items) + "</ul>"


def _map(lines: list[str], path: Path, line: int | None) -> str:
    if len(lines) > 1:
        raise ContentError("one '@map' line is one map: put a blank line between two",
                           path, line)
    name, _, caption = lines[0].partition("|")
    name = name.strip()
    if name not in map_names():
        raise ContentError(f"no map '{name}' in the theme (its maps: {', '.join(map_names())})",
                           path, line)
    if not caption.strip():
        raise ContentError("'@map' needs a caption saying what the map shows, for every "
                           "reader: @map korea-1953 | The line of 1953", path, line)
    label = re.sub(r"<[^>]*>", "", caption).strip().replace('"', "&quot;")  # an attribute
    return ('<figure class="map visual fixed-size">' + drawing(name, label)
            + f'<figcaption class="map-caption">{caption.strip()}</figcaption></figure>')


SLOT_ICON = "users"  # the photo slot's fallback: people, where a photo of them will go


def _photo(lines: list[str], path: Path, line: int | None, root: Path | None) -> str:
    if len(lines) > 1:
        raise ContentError("one '@photo' line is one photo: put a blank line between two",
                           path, line)
    src, _, words = (part.strip() for part in lines[0].partition("|"))
    if not words:
        raise ContentError("'@photo' needs words saying what the photo shows: @photo "
                           "assets/photos/vigil.jpg | Neighbours at the vigil (without a file, "
                           "the words stand in the photo's place)", path, line)
    if src:
        if root is None:
            raise ContentError("a photo cannot be placed here", path, line)
        alt = re.sub(r"<[^>]*>", "", words).replace('"', "&quot;")  # an attribute
        return figure(find_photo(root, html.unescape(src), path, line), alt, words, line)
    # No photo yet: the words, large, reversed out of the campaign's colour under a mark of
    # people (its stroke the page's reversed colour: paper, or the copier's black).
    mark = icon_svg(SLOT_ICON).replace('class="icon-mark"', 'class="drawing slot-mark"', 1)
    mark = mark.replace('stroke="currentColor"', 'stroke="{reverse}"')
    return ('<div class="photo-slot visual"><div class="photo-slot-body">' + mark
            + f'<p class="photo-slot-text">{words}</p></div></div>')


@cache
def drawing(name: str, label: str) -> str:
    """The theme's map ``name`` as inline SVG, its colours still tokens (``paint``); its
    ``<title>`` is the tagged PDF's alternative text for it."""
    svg = _inline(maps_dir() / f"{name}.svg").replace(
        "<svg ", f'<svg class="drawing" role="img" aria-label="{label}" ', 1)
    end = svg.index(">", svg.index("<svg ")) + 1
    return f"{svg[:end]}<title>{label}</title>{svg[end:]}"


_DRAW = {"quote": _quote, "band": _band, "timeline": _timeline, "icon": _icons, "map": _map}
