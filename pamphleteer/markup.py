"""Stage 3: Markdown to sanitized HTML (content is untrusted)."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import markdown
import nh3

from pamphleteer.errors import ContentError, Diagnostic

# What content may produce: text structure and links, nothing that fetches or embeds.
ALLOWED_TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "b", "i", "a", "br",
                "blockquote", "hr", "span", "sup", "sub", "small"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"https", "mailto", "tel"}
# Python-Markdown is quadratic on runs of brackets and of raw-HTML openers, and deep nesting
# exhausts the renderer's recursion; no real copy comes near these limits.
MAX_CHARS = 100_000
MAX_BRACKETS = 2_000
MAX_ANGLES = 500
MAX_DEPTH = 12

_PLACEHOLDER = re.compile(r"\{([a-z_]+)(?::([^{}]*))?\}")
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)")
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")


def years_since(start: dt.date, edition: dt.date) -> int:
    """Whole years from ``start`` to ``edition`` (an anniversary counts on its day)."""
    before_anniversary = (edition.month, edition.day) < (start.month, start.day)
    return edition.year - start.year - before_anniversary


def expand_placeholders(text: str, edition: dt.date, path: Path, line: int) -> str:
    """Replace ``{years_since:YYYY-MM-DD}``; any other ``{name}`` is an error."""

    def replace(match: re.Match) -> str:
        name, argument = match[1], match[2]
        here = line + text.count("\n", 0, match.start())
        if name != "years_since":
            raise ContentError(f"unknown placeholder '{match[0]}' (known: "
                               "{years_since:YYYY-MM-DD})", path, here)
        try:
            start = dt.date.fromisoformat((argument or "").strip())
        except ValueError:
            raise ContentError(f"'{match[0]}' needs a date like {{years_since:1953-07-27}}",
                               path, here) from None
        return str(years_since(start, edition))

    return _PLACEHOLDER.sub(replace, text)


def to_html(source: str, *, path: Path, line: int, edition: dt.date, keep_words: bool,
            diagnostics: list[Diagnostic]) -> str:
    """Render Markdown to HTML that is safe to put in a template."""
    if (len(source) > MAX_CHARS or source.count("[") > MAX_BRACKETS
            or source.count("<") > MAX_ANGLES):
        raise ContentError("this part is too long, or has too many '[' or '<' characters, to "
                           "be print copy", path, line)
    for offset, text_line in enumerate(source.split("\n")):
        prefix = text_line[:len(text_line) - len(text_line.lstrip(" \t>-*+"))]
        if prefix.count(">") >= MAX_DEPTH or len(prefix) > 4 * MAX_DEPTH:
            raise ContentError(f"quotes or lists nested more than {MAX_DEPTH} deep",
                               path, line + offset)
    text = expand_placeholders(source, edition, path, line)
    raw = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    _report_removed(raw, source, path, line, diagnostics)
    clean = nh3.clean(raw, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                      url_schemes=URL_SCHEMES, link_rel=None, strip_comments=True,
                      attribute_filter=_allowed_link)
    return keep_words_together(clean) if keep_words else clean


def inline(text: str, *, path: Path, line: int, edition: dt.date, keep_words: bool) -> str:
    """Escape a front matter value for HTML (placeholders expanded, no Markdown)."""
    escaped = html.escape(expand_placeholders(text, edition, path, line), quote=False)
    return keep_words_together(escaped) if keep_words else escaped


def _report_removed(raw: str, source: str, path: Path, line: int,
                    diagnostics: list[Diagnostic]) -> None:
    """Warn about HTML the sanitizer drops, so nothing disappears silently."""
    seen = set()
    for match in _TAG.finditer(raw):
        tag = match[2].lower()
        if tag in ALLOWED_TAGS or tag in seen:
            continue
        seen.add(tag)
        found = re.search(rf"<\s*/?\s*{re.escape(tag)}\b", source, re.IGNORECASE)
        here = line + source.count("\n", 0, found.start()) if found else line
        what = "an image" if tag == "img" else f"HTML tag <{tag}>"
        diagnostics.append(Diagnostic(f"{what} is not allowed in content and was removed",
                                      path, here))
    for url in re.findall(r'href="([^"]*)"', raw):
        url = html.unescape(url)  # Markdown entity-encodes e-mail autolinks
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme not in URL_SCHEMES:
            found = source.find(url)
            here = line + source.count("\n", 0, found) if found >= 0 else line
            diagnostics.append(Diagnostic(f"link '{url}' was removed: links must start with "
                                          "https://, mailto: or tel:", path, here))


def _allowed_link(tag: str, attribute: str, value: str) -> str | None:
    """Keep only absolute links with an allowed scheme (relative ones point nowhere in print)."""
    if attribute == "href" and value.split(":", 1)[0].lower() not in URL_SCHEMES:
        return None
    return value


def keep_words_together(fragment: str) -> str:
    """Wrap each space-separated word holding Hangul so lines break only between words.

    WeasyPrint ignores ``word-break: keep-all`` for Korean; a ``nowrap`` span per word works.
    """
    pieces = re.split(r"(<[^>]*>)", fragment)
    for index, piece in enumerate(pieces):
        if piece.startswith("<") or not _HANGUL.search(piece):
            continue
        pieces[index] = re.sub(r"[^\s<>]+", _wrap_word, piece)
    return "".join(pieces)


def _wrap_word(match: re.Match) -> str:
    word = match[0]
    return f'<span class="w">{word}</span>' if _HANGUL.search(word) else word
