"""Typography of the markup: curly quotes, words and units kept together, Korean words
never split, long words hyphenated, balanced headlines, and the call script's lines to say
paired with the source language's. String to string: ``markup`` applies it."""

from __future__ import annotations

import html
import re
import unicodedata
from functools import cache
from itertools import pairwise

WORD_JOINER = "\u2060"  # no line break on either side; draws nothing
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")


def keep_words_together(fragment: str) -> str:
    """Join the letters of each space-separated word holding Hangul with word joiners, so that
    lines break only between words.

    WeasyPrint ignores ``word-break: keep-all`` for Korean. A ``nowrap`` span per word works
    too, but a page of inline boxes costs WeasyPrint about three times as long to lay out.
    """
    pieces = re.split(r"(<[^>]*>)", fragment)
    before = " "  # the text just before this piece (past any tags): a word may run across one
    drawing = 0  # inside an inline SVG, whose text (a <title>) is not set as lines
    for index, piece in enumerate(pieces):
        if piece.startswith("<"):
            drawing += 1 if re.match(r"<svg\b", piece) and not piece.endswith("/>") else \
                -1 if piece.startswith("</svg") and drawing else 0
            continue
        if not piece or drawing:
            continue
        joined = re.sub(r"[^\s<>]+", _join_word, piece)
        if _HANGUL.search(piece) and before[-1:].isalnum() and piece[:1].isalnum():
            joined = WORD_JOINER + joined  # a word that goes on after a tag (**평화**협정)
        pieces[index], before = joined, piece
    return "".join(pieces)


def _join_word(match: re.Match) -> str:
    word = match[0]
    if not _HANGUL.search(word):
        return word
    # As CSS ``word-break: keep-all``: no break between two letters or digits; a break the
    # line-breaking rules allow beside punctuation ("우편번호|(ZIP)") or at a soft hyphen stays,
    # but never before what may not start a line (Pango breaks "유지|·보수" before the dot).
    clusters = _clusters(word)
    joined = clusters[:1]
    for previous, cluster in pairwise(clusters):
        if (_wordlike(previous) and _wordlike(cluster)) or cluster[0] in NO_LINE_START:
            joined.append(WORD_JOINER)
        joined.append(cluster)
    return "".join(joined)


def _wordlike(cluster: str) -> bool:
    """A letter or digit, or a placeholder a template fills in ("{number}로": the number
    and its particle stay on one line; nothing is put inside the placeholder)."""
    return cluster[0].isalnum() or PLACEHOLDER.fullmatch(cluster) is not None


# What a line may not start with: closing brackets and punctuation, and middle dots.
NO_LINE_START = frozenset(")]}\u3001\u3002\uff0c\uff0e\uff1a\uff1b\uff01\uff1f\u300d\u300f"
                          "\u3009\u300b\u3011\uff09,.;:!?\u00b7\u30fb")
PLACEHOLDER = re.compile(r"\{\w+\}")  # {number}, {host}, {count}: filled in by a template


def _clusters(text: str) -> list[str]:
    """``text`` cut into what must not be pulled apart: characters with their marks (and
    conjoining vowel and final jamo), HTML character references and placeholders."""
    clusters: list[str] = []
    for token in re.findall(r"&#?\w+;|\{\w+\}|.", text, re.DOTALL):
        if clusters and len(token) == 1 and (
                unicodedata.category(token) in ("Mn", "Mc", "Me") or token in "\u200c\u200d"
                or "\ufe00" <= token <= "\ufe0f" or "\u1160" <= token <= "\u11ff"
                or "\ud7b0" <= token <= "\ud7ff"):
            clusters[-1] += token
        else:
            clusters.append(token)
    return clusters


# Typography. Quotes by language (opening, closing, opening single, closing single): every
# bundled font has these characters, and the no-break space.
QUOTES = {"de": "\u201e\u201c\u201a\u2018", "fr": "\u00ab\u00bb\u2039\u203a",
          "ru": "\u00ab\u00bb\u201e\u201c", "pl": "\u201e\u201d\u201a\u2019",
          "cs": "\u201e\u201c\u201a\u2018",
          # CLDR's: corner brackets in Japanese and Traditional Chinese; Arabic's open with
          # the mark English closes with (it stands on the right).
          "ja": "\u300c\u300d\u300e\u300f", "zh-hant": "\u300c\u300d\u300e\u300f",
          "ar": "\u201d\u201c\u2019\u2018"}
ENGLISH_QUOTES = "\u201c\u201d\u2018\u2019"  # also Spanish, Korean, ...
NBSP = "\u00a0"
APOSTROPHE = "\u2019"
_OPENERS = set(" \t\n\u00a0([{\u2014\u2013/-")
_ABBREVIATION = re.compile(r"\b(\w{1,3}\.) (?=\w{1,3}\.)")  # "EE. UU.": one unit
_NUMBER_UNIT = re.compile(r"(\d) (?=[^\W\d_])")  # "28,500 troops", "13.4 billion"
_DIGIT_GROUPS = re.compile(r"(?<=\d) (?=\d{3}(?!\d))")  # "28 500" (Russian, French): one number
# A citation stays with what it cites: "H.R. 1369", "Sec. 5", "troops [3]", "signed (1953)".
_CITED = re.compile(r"(\b[A-Z][A-Za-z]{0,3}\.) (?=\d)|(\S) (?=\[\d{1,3}\]|\(\d{4}\))")
# A separator dot or bullet never starts a line ("Westlake Park · 401 Pine St"): a line may
# end with one.
_SEPARATOR = re.compile(r" (?=[\u00b7\u2022\u30fb] )")
# Japanese and Chinese keep a number with its counter or unit ("1953年", "2万8500人", "134億
# ドル": JIS X 4051's unbreakable runs); Pango would break between the digits and the kanji.
_CJK_NUMBER = re.compile(r"(?<=\d)(?=[\u3040-\u30ff\u3400-\u9fff\uff05])"
                         r"|(?<=[十百千万萬億亿兆年月])(?=\d)")
# Nor does a paragraph or heading end with one character alone on its last line (a 孤字):
# its last two characters (and the punctuation after them) stay together.
_CJK_CHAR = "[\u3040-\u30ff\u3400-\u9fff]"
_CJK_END = "[\u3001\u3002\uff01\uff1f\u300d\u300f\uff09\uff0c\uff0e]*"
_LAST_TWO = re.compile(rf"(?<={_CJK_CHAR})(?={_CJK_CHAR}{_CJK_END}(?:</(?:strong|em|b|i|a|span)>)*"
                       rf"{_CJK_END}\s*(?:</(?:p|li|h[1-6])>|$))")
CJK_LANGUAGES = ("ja", "zh")


def cjk_language(lang: str) -> bool:
    """Whether ``lang`` is Japanese or Chinese (any script or region of it)."""
    return lang.split("-")[0].lower() in CJK_LANGUAGES

# A phone number (digit groups parted by spaces, brackets, dots or hyphens, 7 digits or more).
_PHONE = re.compile(r"\+?\(?\d(?:[\d.\-)]|[ \u00a0](?=[\d(]))*\d")
_HEADING = re.compile(r"(<(h[1-4])\b[^>]*>)(.*?)(</\2>)", re.DOTALL)
SHORT_LAST_WORD = 7  # a headline's last word this short keeps its neighbour on its line


def _left_to_right(match: re.Match) -> str:
    """A phone number, kept on one line and read left to right; a year or a plain number as
    it is (the bidirectional algorithm already keeps those in order)."""
    number = match[0]
    if sum(c.isdigit() for c in number) < 7 or not re.search(r"[ ().\-]", number):
        return number
    return f'<span class="ltr">{number.replace(" ", NBSP)}</span>'


@cache
def right_to_left(lang: str) -> bool:
    """Whether CLDR says ``lang`` is written right to left (Arabic, Persian, Urdu, Hebrew)."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(lang, sep="-").character_order == "right-to-left"
    except (UnknownLocaleError, ValueError):
        return False


def typeset(fragment: str, lang: str) -> str:
    """Curly quotes and apostrophes in the language's style, and no-break spaces inside
    spaced abbreviations, between a number's digit groups and between it and its unit, before
    a citation and before a separator dot, in the text of a fragment; in Japanese and Chinese
    a number joined to its counter, in right-to-left text a phone number in a left-to-right
    run."""
    marks = QUOTES.get(lang.lower(), QUOTES.get(lang.split("-")[0].lower(), ENGLISH_QUOTES))
    rtl = right_to_left(lang)
    pieces = re.split(r"(<[^>]*>)", fragment)
    before = " "  # the last character of text so far: what a quote follows
    for index, piece in enumerate(pieces):
        if piece.startswith("<") or not piece:
            continue
        out = []
        for position, char in enumerate(piece):
            after = piece[position + 1:position + 2]
            if char == '"':
                char = marks[0] if before in _OPENERS or before in marks[0::2] else marks[1]
            elif char == "'":
                if (before.isalnum() and after.isalnum()) or after.isdigit():
                    char = APOSTROPHE  # it's, '70s: whatever the quotes
                elif before in _OPENERS or before in marks[0::2]:
                    char = marks[2]
                else:
                    char = marks[3]
            out.append(char)
            before = char
        text = _ABBREVIATION.sub(lambda m: m[1] + NBSP, "".join(out))
        text = _DIGIT_GROUPS.sub(NBSP, text)
        text = _NUMBER_UNIT.sub(lambda m: m[1] + NBSP, text)
        text = _CITED.sub(lambda m: (m[1] or m[2]) + NBSP, text)
        text = _SEPARATOR.sub(NBSP, text)
        if cjk_language(lang):
            text = _CJK_NUMBER.sub(WORD_JOINER, text)
        if rtl:  # "(202) 224-3121" would print as "224-3121 (202)": one left-to-right run
            text = _PHONE.sub(_left_to_right, text)
        pieces[index] = hyphenate_long_words(text, lang)
    return "".join(pieces)


LONG_WORD = 16  # letters: a word this long may be hyphenated (German compounds, mostly)
_LONG = re.compile(rf"[^\W\d_]{{{LONG_WORD},}}")


def keep_last_two(fragment: str, lang: str) -> str:
    """In Japanese and Chinese, each paragraph's and heading's last two characters joined, so
    that its last line never holds one alone."""
    if not cjk_language(lang):
        return fragment
    return _LAST_TWO.sub(WORD_JOINER, fragment)


def hyphenate_long_words(text: str, lang: str) -> str:
    """Soft hyphens where the language's dictionary allows, in words of ``LONG_WORD`` letters
    or more: a line too narrow for one breaks it with a hyphen rather than cutting it
    anywhere (or not at all). Shorter words are never hyphenated."""
    hyphenator = _hyphenator(lang)
    if hyphenator is None or not _LONG.search(text):
        return text
    return _LONG.sub(lambda m: hyphenator.inserted(m[0], hyphen=SOFT_HYPHEN), text)


SOFT_HYPHEN = "\u00ad"


@cache
def _hyphenator(lang: str):
    import pyphen

    dictionary = pyphen.language_fallback(lang.replace("-", "_"))
    return pyphen.Pyphen(lang=dictionary) if dictionary else None


def balance(fragment: str, lang: str = "en") -> str:
    """Keep a headline's short last word on the line of the word before it; a Japanese or
    Chinese headline breaks only after its commas, where it has them."""
    if cjk_language(lang):
        return _phrases(fragment)
    pieces = re.split(r"(<[^>]*>)", fragment)
    text = [(index, at) for index, piece in enumerate(pieces) if not piece.startswith("<")
            for at in range(len(piece))]
    chars = "".join(pieces[index][at] for index, at in text)
    words = html.unescape(chars).split()
    if len(words) < 3 or len(re.sub(r"\W", "", words[-1])) > SHORT_LAST_WORD:
        return fragment
    end = len(chars.rstrip())
    space = max(chars.rfind(" ", 0, end), chars.rfind("\n", 0, end))
    index, at = text[space]
    pieces[index] = pieces[index][:at] + NBSP + pieces[index][at + 1:]
    return "".join(pieces)


def balance_headings(fragment: str, lang: str = "en") -> str:
    """``balance`` applied to every heading of an HTML fragment."""
    return _HEADING.sub(lambda m: m[1] + balance(m[3], lang) + m[4], fragment)


_PHRASE_END = "\u3001\u3002\uff0c\uff01\uff1f\uff1a\uff1b"  # ideographic comma, full stop...
MAX_PHRASE = 6  # characters: a longer phrase may not fit a headline line (a poster holds 8)
# Between two characters of one phrase, one of them a kanji or kana.
_INSIDE_PHRASE = re.compile(rf"(?<=[^{_PHRASE_END}\s\u2060])(?={_CJK_CHAR})"
                            rf"|(?<={_CJK_CHAR})(?=[^{_PHRASE_END}\s\u2060])")


def _phrases(fragment: str) -> str:
    """A CJK headline with commas (two phrases of a slogan) joined inside each phrase, so its
    lines break after a comma, not inside a word; one without, or with a phrase longer than
    MAX_PHRASE, as it is (but for its last two characters)."""
    pieces = re.split(r"(<[^>]*>)", fragment)
    text = "".join(piece for piece in pieces if not piece.startswith("<"))
    phrases = [p for p in re.split(f"[{_PHRASE_END}]", text.strip()) if p]
    if len(phrases) < 2 or max(len(p) for p in phrases) > MAX_PHRASE:
        return _LAST_TWO.sub(WORD_JOINER, fragment)
    return "".join(piece if piece.startswith("<") else _INSIDE_PHRASE.sub(WORD_JOINER, piece)
                   for piece in pieces)


_QUOTE = re.compile(r"<blockquote>(.*?)</blockquote>", re.DOTALL)
_PARAGRAPH = re.compile(r"<p>.*?</p>", re.DOTALL)


def pair_lines_to_say(local: str, source: str, source_lang: str) -> tuple[str, int, int]:
    """Put each line to say (a ``>`` quote) in the source language above its translation.

    A caller speaks to staff in the source language and reads it from the card. Returns the
    new HTML and how many lines (quoted paragraphs) each side has: they should match.
    """
    originals = _QUOTE.findall(source)
    # The source's language (and direction, where it reads right to left: the page's own
    # direction is the translation's).
    said = f'lang="{html.escape(source_lang)}"' + (' dir="rtl"' if right_to_left(source_lang)
                                                    else "")
    count = 0

    def pair(match: re.Match) -> str:
        nonlocal count
        original = originals[count] if count < len(originals) else ""
        count += 1
        ours, theirs = _PARAGRAPH.findall(match[1]), _PARAGRAPH.findall(original)
        if not ours or len(ours) != len(theirs):
            ours, theirs = [match[1]], [original]
        # Paragraph by paragraph: the source's line, then its translation.
        return "".join(
            '<div class="say">' + (f'<blockquote class="say-source" {said}>{source}'
                                   "</blockquote>" if source else "")
            + f'<blockquote class="say-local">{local}</blockquote></div>'
            for source, local in zip(theirs, ours, strict=True))

    def lines(quotes: list[str]) -> int:
        return sum(max(1, len(_PARAGRAPH.findall(quote))) for quote in quotes)

    return _QUOTE.sub(pair, local), lines(_QUOTE.findall(local)), lines(originals)
