"""Stage 1 (settings): the campaign's identity, ``[identity]`` in ``campaign.toml``: a wordmark
(text, the campaign's name by default) and an optional logo, an SVG file in ``assets/``.

The logo is inlined into every piece, so it is read like content: only plain shapes are kept
(no scripts, styles, links, images or text), and anything else is an error naming the file.
It prints in one colour, knocked out of the masthead band, so its fills and strokes are
replaced by that colour at render time (CMYK for print shops, as the QR codes are).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from pamphleteer import settings
from pamphleteer.errors import ConfigError
from pamphleteer.files import read_bytes
from pamphleteer.theme import find, folders, inside
from pamphleteer.tomlfile import Checker

MAX_LOGO_BYTES = 200_000
MAX_LOGO_ELEMENTS = 2_000
MAX_LOGO_DEPTH = 32  # groups inside groups: a drawing program's logo nests 3 to 10 deep
SVG = "{http://www.w3.org/2000/svg}"
SHAPES = {"svg", "g", "path", "circle", "ellipse", "rect", "line", "polyline", "polygon",
          "title", "desc"}
GEOMETRY = {"viewBox", "d", "cx", "cy", "r", "rx", "ry", "x", "y", "x1", "y1", "x2", "y2",
            "width", "height", "points", "transform", "fill-rule", "clip-rule",
            "stroke-width", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit",
            "opacity", "fill-opacity", "stroke-opacity", "preserveAspectRatio", "version"}
PAINT = {"fill", "stroke"}
INK = "__LOGO_INK__"  # stands for the band's foreground colour until render time
_NUMBERS = re.compile(r"[-+0-9.eE,\s]*")


@dataclass(frozen=True)
class Identity:
    """The wordmark every piece carries, and the logo as safe one-colour SVG markup."""

    wordmark: str
    logo: str = ""  # sanitized <svg>, its paint set to INK; empty when there is no logo
    logo_ratio: float = 1.0  # width over height, from the viewBox: the band sets the height

    def logo_in(self, colour: str) -> str:
        """The logo's markup painted in ``colour`` (a CSS colour, e.g. device-cmyk(...))."""
        return self.logo.replace(INK, colour)


def load_identity(check: Checker, data: dict, root: Path, name: str) -> Identity:
    """``[identity]``: the wordmark (default: the campaign's name) and an optional logo."""
    table = check.table(data.get("identity", {}), ("identity",), settings.keys("identity")[0])
    wordmark = check.get(table, ("identity", "wordmark"), str, name).strip()
    if not wordmark or len(wordmark) > 40 or not wordmark.isprintable():
        raise check.fail(("identity", "wordmark"), "must be the campaign's short name, 40 "
                         "characters or fewer, on one line")
    path = check.get(table, ("identity", "logo"), str, "")
    if not path:
        return Identity(wordmark=wordmark)
    where = find(root, path).resolve()
    if not inside(root, "assets", where) or not where.is_file() or \
            where.suffix.lower() != ".svg":
        raise check.fail(("identity", "logo"),
                         f"'{path}' must be an SVG file in this campaign's assets/ folder")
    try:
        svg = read_bytes(where, "text", [f.resolve() for f in folders(root, "assets")],
                          error=ConfigError)
        logo, ratio = sanitize_logo(svg)
    except ConfigError as exc:
        raise check.fail(("identity", "logo"), f"'{path}': {exc.message}") from None
    except ValueError as exc:
        raise check.fail(("identity", "logo"), f"'{path}' {exc}") from None
    return Identity(wordmark=wordmark, logo=logo, logo_ratio=ratio)


def _bounded(root: ElementTree.Element) -> list[ElementTree.Element]:
    """Every element of the tree, in document order, if there are at most
    ``MAX_LOGO_ELEMENTS`` nested at most ``MAX_LOGO_DEPTH`` deep; ValueError otherwise.
    Walked with a list, not recursion: a tree deep enough to exhaust Python's stack is
    exactly what it refuses."""
    elements, stack = [], [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_LOGO_DEPTH:
            raise ValueError(f"nests elements more than {MAX_LOGO_DEPTH} deep (groups inside "
                             "groups): a logo needs a few levels; flatten its groups and save "
                             "it again")
        elements.append(element)
        if len(elements) > MAX_LOGO_ELEMENTS:
            raise ValueError(f"has more than {MAX_LOGO_ELEMENTS} elements: simplify it")
        stack.extend((child, depth + 1) for child in reversed(element))
    return elements


def sanitize_logo(data: bytes) -> tuple[str, float]:
    """The SVG's shapes as markup with one paint (``INK``), and its width over its height;
    ValueError says what is wrong."""
    if len(data) > MAX_LOGO_BYTES:
        raise ValueError(f"is larger than {MAX_LOGO_BYTES // 1000} KB: a logo needs far less")
    try:  # UTF-16 or UTF-32 would hide a DOCTYPE from the check below
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("is not UTF-8 text: save it as plain SVG, in UTF-8") from None
    if re.search(rb"<!(DOCTYPE|ENTITY)", data, re.IGNORECASE):
        raise ValueError("declares a DOCTYPE or entities: save it as plain SVG")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise ValueError(f"is not valid SVG ({exc})") from None
    _bounded(root)  # before anything walks the tree recursively (its serializer does)
    box = [float(v) for v in re.split(r"[\s,]+", root.get("viewBox", "").strip())
           if _NUMBERS.fullmatch(v) and v]
    if root.tag not in (SVG + "svg", "svg") or len(box) != 4 or min(box[2:]) <= 0:
        raise ValueError("must be an <svg> with a viewBox (x y width height)")
    ratio = box[2] / box[3]
    if not 0.2 <= ratio <= 8:
        raise ValueError(f"is {ratio:.1f} times as wide as it is tall: a logo for a band must "
                         "be between 1:5 and 8:1")
    elements = _bounded(root)
    for element in elements:
        tag = element.tag.removeprefix(SVG)
        if tag not in SHAPES:
            raise ValueError(f"has a <{tag}> element: a logo may hold only shapes ("
                             f"{', '.join(sorted(SHAPES - {'svg', 'title', 'desc'}))})")
        for attribute, value in list(element.attrib.items()):
            if attribute in PAINT:
                if value.strip() != "none":
                    element.set(attribute, INK)
            elif attribute not in GEOMETRY:
                raise ValueError(f"has a '{attribute}' attribute on <{tag}>: a logo may "
                                 "hold only shapes and their geometry (no style, links or ids)")
            elif attribute not in ("d", "transform", "preserveAspectRatio", "version") \
                    and not _NUMBERS.fullmatch(value):
                raise ValueError(f"has '{attribute}=\"{value}\"' on <{tag}>: a number "
                                 "was expected")
    root.set("fill", INK)  # shapes that name no fill are filled, in the one colour
    for size in ("width", "height"):
        root.attrib.pop(size, None)  # the band sets its size
    ElementTree.register_namespace("", SVG.strip("{}"))
    return ElementTree.tostring(root, encoding="unicode"), ratio
