"""Stage 3: Markdown to sanitized HTML (content is untrusted)."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

from pamphleteer.errors import ContentError, Diagnostic
from pamphleteer.limits import MAX_ELEMENTS, check_words, html_depth, line_at
from pamphleteer.photos import figure as photo_figure
from pamphleteer.photos import find_photo
from pamphleteer.typography import (
    NBSP,
    SOFT_HYPHEN,
    WORD_JOINER,
    balance,
    balance_headings,
    keep_last_two,
    keep_words_together,
    pair_lines_to_say,
    typeset,
)
from pamphleteer.visuals import visual_blocks

__all__ = ["WORD_JOINER", "css_string", "inline", "pair_lines_to_say", "plain", "to_html"]

# What content may produce: text structure and links, and photos from the campaign's own
# assets/ (checked by ``place_photos``); nothing that fetches from anywhere else.
ALLOWED_TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "b", "i", "a", "br",
                "blockquote", "hr", "span", "sup", "sub", "small"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
URL_SCHEMES = {"https", "mailto", "tel"}
# Python-Markdown is quadratic on runs of brackets and of raw-HTML openers, and deep nesting
# exhausts the renderer's recursion; no real copy comes near these limits.
MAX_CHARS = 100_000
MAX_BRACKETS = 2_000
MAX_ANGLES = 500
MAX_DEPTH = 12
MAX_RULES = 12  # dividing lines (---, ***) in one part: each is a box to lay out
# The quote and list markers a line starts with ("> - 1. "), each followed by a space.
_MARKERS = re.compile(r"(?:[ \t]*(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)))*")
_MARKER = re.compile(r">|[-*+]|\d{1,9}[.)]")
_RULE = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")

_PLACEHOLDER = re.compile(r"\{([a-z_]+)(?::([^{}]*))?\}")
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)")


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


# A form's blank (three underscores or more) inside a line is a blank, never emphasis: with
# no space beside it (Japanese, Chinese) Markdown would take "______" for bold and drop it.
_BLANKS = re.compile(r"(?<![\\_])_{3,}")


def _escape_blanks(text: str) -> str:
    """Each blank's underscores escaped, on every line but a dividing line (___)."""
    return "\n".join(line if _RULE.match(line) else
                     _BLANKS.sub(lambda m: "\\_" * len(m[0]), line)
                     for line in text.split("\n"))


def to_html(source: str, *, path: Path, line: int, edition: dt.date, keep_words: bool,
            diagnostics: list[Diagnostic], lang: str = "en", photos: Path | None = None) -> str:
    """Render Markdown to HTML that is safe to put in a template, typeset for ``lang``;
    photos come from the assets/ folder of the campaign at ``photos`` (none without it)."""
    if (len(source) > MAX_CHARS or source.count("[") > MAX_BRACKETS
            or source.count("<") > MAX_ANGLES):
        raise ContentError("this part is too long, or has too many '[' or '<' characters, to "
                           "be print copy", path, line)
    rules = 0
    for offset, text_line in enumerate(source.split("\n")):
        found = _MARKERS.match(text_line)  # it matches every line, if only as ""
        markers = found[0] if found else ""
        indent = len(text_line) - len(text_line.lstrip(" \t"))
        if len(_MARKER.findall(markers)) >= MAX_DEPTH or indent > 4 * MAX_DEPTH:
            raise ContentError(f"quotes or lists nested more than {MAX_DEPTH} deep",
                               path, line + offset)
        if _RULE.match(text_line):
            rules += 1
            if rules > MAX_RULES:
                raise ContentError(f"more than {MAX_RULES} dividing lines in one part",
                                   path, line + offset)
    import markdown  # here: a build with nothing to render never needs them
    import nh3

    text = _escape_blanks(expand_placeholders(source, edition, path, line))
    raw = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    tags = ALLOWED_TAGS | ({"img"} if photos else set())
    _report_removed(raw, source, path, line, diagnostics, tags)
    clean = nh3.clean(raw, tags=tags, attributes=ALLOWED_ATTRIBUTES,
                      url_schemes=URL_SCHEMES, link_rel=None, strip_comments=True,
                      attribute_filter=_allowed_link)
    if html_depth(clean) > MAX_ELEMENTS:  # the layout engine recurses on every level
        raise ContentError(f"elements (lists, quotes, HTML tags) nested more than "
                           f"{MAX_ELEMENTS} deep", path, line)
    check_words(clean, source, path, line, lang)
    _check_link_texts(clean, source, path, line, diagnostics)
    if photos:
        clean = place_photos(clean, source, photos, path, line)
    clean = stat_callouts(balance_headings(keep_last_two(typeset(clean, lang), lang), lang))
    clean = visual_blocks(clean, source, path, line, photos)
    return keep_words_together(clean) if keep_words else clean


STAT = "!!!"  # a line "!!! 73 years | since the armistice" is a stat callout
_STAT_PARAGRAPH = re.compile(r"<p>\s*!!!(.*?)</p>", re.DOTALL)
_STATS_BETWEEN = re.compile(r"</div>\s*<div class=\"stats\">")


def stat_callouts(fragment: str) -> str:
    """Paragraphs of ``!!! figure | label`` lines become stat callouts: a big figure (a
    number and its unit) over a short label. Consecutive ones form one group."""
    def callouts(match: re.Match) -> str:
        stats = []
        for line in re.split(r"\n\s*!!!", match[1]):
            figure, label = _split_text(line.strip(), "|")
            # A big figure in a narrow column may put its unit on a line of its own, which
            # beats breaking inside a word (no-break spaces come from ``typeset``).
            figure = figure.strip().replace(NBSP, " ")
            stats.append(f'<p class="stat"><span class="stat-figure">{figure}</span>'
                         f'<span class="stat-label">{label.strip()}</span></p>')
        return '<div class="stats">' + "".join(stats) + "</div>"

    return _STATS_BETWEEN.sub("", _STAT_PARAGRAPH.sub(callouts, fragment))


def _split_text(fragment: str, separator: str) -> tuple[str, str]:
    """Split HTML at the first ``separator`` in its text (not inside a tag)."""
    offset = 0
    for piece in re.split(r"(<[^>]*>)", fragment):
        if not piece.startswith("<") and separator in piece:
            at = offset + piece.index(separator)
            return fragment[:at], fragment[at + len(separator):]
        offset += len(piece)
    return fragment, ""


def inline(text: str, *, path: Path, line: int, edition: dt.date, keep_words: bool,
           lang: str = "en", headline: bool = False) -> str:
    """Escape a front matter value for HTML (placeholders expanded, no Markdown), typeset
    for ``lang``; a ``headline`` keeps its short last word with the one before."""
    check_words(text, text, path, line, lang)
    return plain(expand_placeholders(text, edition, path, line), lang, keep_words, headline)


def plain(text: str, lang: str, keep_words: bool, headline: bool = False) -> str:
    """Plain text (a template string, say) as typeset, escaped HTML."""
    # "&shy;" marks where a word may break, in front matter and strings as in Markdown.
    escaped = typeset(html.escape(text, quote=False).replace("&amp;shy;", SOFT_HYPHEN), lang)
    escaped = balance(escaped, lang) if headline else keep_last_two(escaped, lang)
    return keep_words_together(escaped) if keep_words else escaped


def _report_removed(raw: str, source: str, path: Path, line: int,
                    diagnostics: list[Diagnostic], allowed: set[str]) -> None:
    """Warn about HTML the sanitizer drops, so nothing disappears silently."""
    def here(pattern: str) -> int | None:
        found = re.search(pattern, source, re.IGNORECASE)
        return line_at(source, found.start() if found else -1, line)

    seen: set[str | tuple[str, str]] = set()
    for match in _TAG.finditer(raw):
        tag = match[2].lower()
        if tag in allowed:
            attributes = _OPEN_TAG.match(raw, match.start())
            for name in _ATTRIBUTE_NAME.findall(attributes[1] if attributes else ""):
                name = name.lower()
                if name not in ALLOWED_ATTRIBUTES.get(tag, set()) and (tag, name) not in seen:
                    seen.add((tag, name))
                    diagnostics.append(Diagnostic(
                        f"the {name} attribute of <{tag}> is not allowed in content and was "
                        "removed", path, here(rf"<\s*{re.escape(tag)}\b[^>]*\b{re.escape(name)}")))
            continue
        if tag in seen:
            continue
        seen.add(tag)
        if tag == "img":  # Markdown's ![...](...) or HTML
            diagnostics.append(Diagnostic("an image is not allowed here and was removed", path,
                                          here(r"!\[|<\s*img\b")))
            continue
        diagnostics.append(Diagnostic(f"HTML tag <{tag}> is not allowed in content and was "
                                      "removed", path, here(rf"<\s*/?\s*{re.escape(tag)}\b")))
    for url in re.findall(r'href="([^"]*)"', raw):
        url = html.unescape(url)  # Markdown entity-encodes e-mail autolinks
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme not in URL_SCHEMES:
            at = line_at(source, source.find(url), line)
            diagnostics.append(Diagnostic(f"link '{url}' was removed: links must start with "
                                          "https://, mailto: or tel:", path, at))


_OPEN_TAG = re.compile(r"<\s*[a-zA-Z][a-zA-Z0-9-]*([^>]*)>")
_ATTRIBUTE_NAME = re.compile(r"([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*"
                             r"(?:=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?")
_LINK = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.DOTALL)
# Text that reads as a web address: an optional scheme, a host with a dot, an optional path.
_ADDRESS = re.compile(r"(?:https?://)?(?:www\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})"
                      r"(/\S*)?", re.IGNORECASE)
_EMAIL = re.compile(r"[^\s@<>]+@[^\s@<>]+\.[a-z]{2,}", re.IGNORECASE)


def _check_link_texts(fragment: str, source: str, path: Path, line: int,
                      diagnostics: list[Diagnostic]) -> None:
    """A link whose text reads as an address must go to that address: otherwise the page
    shows one place and the link (on a screen) opens another."""
    for match in _LINK.finditer(fragment):
        href = html.unescape(match[1])
        text = html.unescape(re.sub(r"<[^>]*>", "", match[2])).strip()
        shown = _shown_target(text)
        if shown is None or shown == _shown_target(href):
            continue
        found = source.find(text)
        here = line_at(source, found, line)
        diagnostics.append(Diagnostic(
            f"the link text '{text}' reads as an address, but the link goes to '{href}': "
            "make the text and the address the same", path, here))


def _shown_target(text: str) -> str | None:
    """Where ``text`` says it leads (host and path, or an e-mail address), if it reads as an
    address at all."""
    text = text.removeprefix("mailto:")
    if _EMAIL.fullmatch(text):
        return text.lower()
    address = _ADDRESS.fullmatch(text)
    if address is None:
        return None
    return address[1].lower() + (address[2] or "").split("?")[0].split("#")[0].rstrip("/")


_IMG = re.compile(r"<img\b([^>]*)>")
_LONE_IMG = re.compile(r"<p>\s*(<img\b[^>]*>)\s*</p>")
_ATTRIBUTE = re.compile(r'([a-z]+)="([^"]*)"')


def place_photos(fragment: str, source: str, root: Path, path: Path, line: int) -> str:
    """Each image alone in its paragraph becomes a photo (a figure, captioned by its title),
    once it is found in the campaign's assets/ and has alt text; any other is an error."""
    def here(src: str) -> int | None:
        found = source.find(src)
        return line_at(source, found, line)

    def figure(match: re.Match) -> str:
        attributes = dict(_ATTRIBUTE.findall(match[1]))
        src = html.unescape(attributes.get("src", ""))
        at = here(src or "![")
        if not src:  # the sanitizer removed an address (file:, http:) no photo may have
            raise ContentError("a photo comes from this campaign's assets/ folder, written like "
                               "![what it shows](assets/photos/rally.jpg)", path, at)
        photo = find_photo(root, src, path, at)
        alt = attributes.get("alt", "").strip()
        if not alt:
            raise ContentError(f"photo '{src}' needs alt text saying what it shows, for "
                               "readers who cannot see it: ![a crowd at the rally](…)", path, at)
        return photo_figure(photo, alt, attributes.get("title", "").strip(), at)

    stray = re.search(r'<img\b[^>]*\bsrc="([^"]*)"', _LONE_IMG.sub("", fragment))
    if stray:
        raise ContentError("a photo stands in a paragraph of its own: put a blank line before "
                           "and after it", path, here(html.unescape(stray[1])))
    def lone(match: re.Match) -> str:
        found = _IMG.match(match[1])  # _LONE_IMG's group is an <img>
        assert found is not None
        return figure(found)

    return _LONE_IMG.sub(lone, fragment)


def _allowed_link(tag: str, attribute: str, value: str) -> str | None:
    """Keep only absolute links with an allowed scheme (relative ones point nowhere in print)."""
    if attribute == "href" and value.split(":", 1)[0].lower() not in URL_SCHEMES:
        return None
    return value


def css_string(value: str) -> str:
    """``value`` as a quoted CSS string that cannot end its rule or its ``<style>`` element."""
    return '"' + re.sub(r'[^ !#$%&(-;=?-\[\]-~]',  # printable ASCII but " ' < > \\
                        lambda m: f"\\{ord(m[0]):x} ", value) + '"'
