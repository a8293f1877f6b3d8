"""Lines as WeasyPrint set them: words overflow-wrap cut at a line's end, and the ink of each
kind of text run (its colour on what lies behind it), for the checks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from pamphleteer.markup import WORD_JOINER
from pamphleteer.weasy import WIDTHS, is_line, is_text, page_box, text_width, walk


@dataclass(frozen=True)
class Ink:
    """A kind of text run as a reader sees it: its colour and the colour behind it (sRGB,
    0-1), its size in CSS px and its weight; ``text``: the first run of its kind."""

    colour: tuple[float, float, float]
    background: tuple[float, float, float]
    size: float
    weight: int
    text: str


# Scripts whose words are separated by spaces: a line break between two of their letters is
# never a break opportunity, only overflow-wrap cutting a word too wide for its line.
_SPACED_SCRIPTS = ("LATIN", "GREEK", "CYRILLIC", "ARMENIAN", "GEORGIAN", "DIGIT")
# Characters a line may break beside without a space (UAX #14's ideographs, kana and their
# full-width punctuation): Japanese and Chinese text.
_IDEOGRAPHIC = re.compile(r"[\u2e80-\u2fff\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                          r"\uff00-\uffef\U00020000-\U0003ffff]")


def ideographic(char: str) -> bool:
    """Whether a line may break beside ``char`` with no space (a kanji, a kana, 。)."""
    return bool(char) and _IDEOGRAPHIC.match(char) is not None


def all_broken(document) -> tuple[str, ...]:
    words = dict.fromkeys(word for page in document.pages
                          for word in _broken_words(page_box(page)))
    WIDTHS.clear()
    return tuple(words)


def _broken_words(page_box):
    """Words that overflow-wrap cut at the end of a line, anywhere on the page."""
    for box, _ in walk(page_box):
        lines = [child for child in getattr(box, "children", ())
                 if is_line(child)]
        for line, following in pairwise(lines):
            word = cut_word(line, following, box.width)
            if word:
                yield word


def body_size(document) -> float:
    """The size (CSS px) most characters of body copy are set in: paragraphs and list items
    of ``.prose``, and a ``.lede`` (a sign sheet's petition text); 0 if there is none."""
    from collections import Counter

    sizes: Counter = Counter()
    for page in document.pages:
        _count_body(page_box(page), False, False, sizes)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _count_body(box, prose: bool, inside: bool, sizes) -> None:
    element = getattr(box, "element", None)
    if element is not None and box.element_tag is not None:
        names = (element.get("class") or "").split()
        if "visual" in names or "stats" in names:  # a pull quote, a big number: not body
            return
        prose = prose or "prose" in names
        inside = inside or "lede" in names or (prose and box.element_tag in ("p", "li"))
    text = getattr(box, "text", None)
    if inside and text and text.strip():
        sizes[round(box.style["font_size"], 2)] += len(text.strip())
    for child in getattr(box, "children", ()):
        _count_body(child, prose, inside, sizes)


def inks(document) -> list[Ink]:
    """Every kind of text run on the pages (colour, background, size, weight), once."""
    found: dict[tuple, Ink] = {}
    for page in document.pages:
        _collect_inks(page_box(page), (1.0, 1.0, 1.0), found)
    return list(found.values())


def _collect_inks(box, behind: tuple[float, float, float], found: dict) -> None:
    style = box.style
    background = _srgb(style["background_color"])
    if background is not None and style["background_color"].alpha >= 0.5:
        behind = background
    text = getattr(box, "text", None)
    if text and text.strip():
        colour = _srgb(style["color"])
        if colour is not None:
            key = (colour, behind, round(style["font_size"], 1), style["font_weight"])
            if key not in found:
                found[key] = Ink(colour, behind, key[2], key[3], text.strip()[:40])
    for child in getattr(box, "children", ()):
        _collect_inks(child, behind, found)


def _srgb(colour) -> tuple[float, float, float] | None:
    """A colour as sRGB (None for a print shop's CMYK, which has no screen colour here)."""
    if colour is None or getattr(colour, "space", None) != "srgb":
        return None
    red, green, blue = colour.coordinates
    return (round(red, 4), round(green, 4), round(blue, 4))


def cut_word(line, following, available: float) -> str | None:
    """The word overflow-wrap cut between ``line`` and the ``following`` line, if it did.

    WeasyPrint drops the space a line breaks at, so the text alone cannot tell "...on / the..."
    from "...Postleitza / hl...". Overflow-wrap cuts only a word that no line can hold: then
    that word fills its line alone (no space on it), and the next letter would not have fit.
    """
    import unicodedata

    ends = [b for b, _ in walk(line) if is_text(b) and b.text]
    starts = [b for b, _ in walk(following) if is_text(b) and b.text]
    if not ends or not starts:
        return None
    end, start = ends[-1].text, starts[0].text
    if WORD_JOINER in (end[-1:], start[:1]):  # a joined word (Korean) was cut
        return (_found(re.search(r"[\w\u2060]*$", end)) + _found(re.match(r"[\w\u2060]*", start))) \
            .replace(WORD_JOINER, "")
    if not all(char.isalnum() and unicodedata.name(char, "").split(" ")[0] in _SPACED_SCRIPTS
               for char in (end[-1:] or " ", start[:1] or " ")):
        return None
    text = "".join(b.text for b in ends)
    if any(char.isspace() or ideographic(char) for char in text.strip()):
        return None  # the line had a place to break at (a space, or beside a kanji)
    if line.width + text_width(starts[0], start[0]) <= available + 0.01:
        return None  # the next letter would have fit: the line broke where it might
    return _found(re.search(r"\w*$", end)) + _found(re.match(r"\w*", start))


def _found(match: re.Match[str] | None) -> str:
    """What a pattern that matches any text (if only as "") matched."""
    return match[0] if match else ""


def spaced(text: str) -> bool:
    """Whether a line that ends with ``text`` broke at a space (not a hyphen or ideograph)."""
    end = text.rstrip()[-1:]
    if not end or end in "-\u2010\u2013\u2014/":
        return False
    return not ("\u2e80" <= end <= "\u9fff" or "\uf900" <= end <= "\ufaff")
