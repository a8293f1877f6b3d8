"""What untrusted text may be: how long, how deeply nested, which characters.

Every input a volunteer or translator writes (front matter, Markdown, strings, settings) is
checked here before it is parsed further or laid out, so that no input can cost minutes or
gigabytes, exhaust a parser's recursion, or print differently from how it reads. Each limit is
far above real copy; past one, the error names the file and the line.
"""

from __future__ import annotations

import html
import os
import re
import signal
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pamphleteer.errors import ContentError, PamphleteerError

MAX_FILE = 256_000  # characters in a settings or strings file (TOML)
MAX_FRONT_MATTER = 20_000  # characters between a content file's --- lines
MAX_VALUE = 1_000  # characters in one front matter value (a lede is about 300)
MAX_STRING = 500  # characters in one strings.toml value (the longest is about 110)
MAX_SETTING = 1_000  # characters in one setting (a name, an imprint, a link)
MAX_NESTING = 16  # brackets inside brackets in TOML or YAML
MAX_ELEMENTS = 32  # elements inside elements in content's HTML (a list item is two deep)
MAX_MARKS = 6  # combining marks on one letter (Vietnamese needs 2, Zalgo text hundreds)
MAX_WORD = 80  # characters without a space: German's longest compounds have about 60

# Characters that print as nothing or as boxes (C0 and C1 controls, but tab and newline), and
# bidirectional embeddings, overrides and isolates, which reorder text so that what prints is
# not what the file reads. Right-to-left copy needs none: the templates isolate its links,
# numbers and codes (direction and unicode-bidi in CSS), and LRM/RLM marks stay allowed.
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def check_text(text: str, path: Path | str | None, line: int | None, *, limit: int,
               what: str, error: type[PamphleteerError] = ContentError) -> str:
    """``text`` if it is at most ``limit`` characters and holds no forbidden character nor a
    pile of accents; otherwise an error at the line (``line`` is where ``text`` starts)."""
    if len(text) > limit:
        raise error(f"{what} is {len(text):,} characters long; at most {limit:,} are allowed",
                    path, line)
    found = _FORBIDDEN.search(text)
    if found:
        code = f"U+{ord(found[0]):04X}"
        at = line_at(text, found.start(), line)
        if "\u202a" <= found[0] <= "\u202e" or "\u2066" <= found[0] <= "\u2069":
            raise error(f"{what} holds a bidirectional control character ({code}): it makes "
                        "the printed text read differently from the file; delete it",
                        path, at)
        raise error(f"{what} holds a control character ({code}), which prints as nothing or "
                    "as a box; delete it", path, at)
    if not text.isascii():  # combining marks are never ASCII
        run = 0
        for index, char in enumerate(text):
            run = run + 1 if unicodedata.combining(char) else 0
            if run > MAX_MARKS:
                raise error(f"{what} piles more than {MAX_MARKS} accents or marks on one "
                            "letter; no language needs that", path, line_at(text, index, line))
    return text


_LONG_WORD = re.compile(rf"[^\s<>]{{{MAX_WORD + 1},}}")


def check_words(fragment: str, source: str, path: Path | str | None, line: int | None,
                lang: str = "en") -> None:
    """No printed word (text between the tags of an HTML ``fragment``) longer than
    ``MAX_WORD``: no line can hold it, and laying it out costs time that grows with it.
    A word is what lies between two places a line may break, as the renderer finds them
    (Unicode's line breaking, UAX #14): a Japanese or Chinese sentence has no spaces, and may
    break between almost any two of its characters. ``source`` (starting at ``line``) is
    searched for where the word is written."""
    for piece in re.split(r"<[^>]*>", fragment):
        for found in _LONG_WORD.finditer(piece):
            longest = _unbreakable(found[0], lang)
            if len(longest) <= MAX_WORD:
                continue
            at = source.find(longest[:20])
            raise ContentError(f"a word of {len(longest):,} characters ('{longest[:20]}…'): "
                               f"no line can hold more than {MAX_WORD}; put spaces or "
                               "hyphens in it", path, line_at(source, at, line))


def _unbreakable(run: str, lang: str) -> str:
    """The longest stretch of ``run`` (no spaces in it) that no line may break."""
    from pamphleteer import weasy  # Pango's breaks: only a run this long costs the lookup

    pieces = weasy.break_pieces(html.unescape(run), {"white_space": "normal", "lang": lang})
    return max(pieces, key=len)


def line_at(text: str, index: int, line: int | None) -> int | None:
    """The file line of ``text[index]``, ``text`` starting at ``line`` (``line`` itself when
    the place is unknown: a negative index)."""
    return line + text.count("\n", 0, index) if line and index >= 0 else line


def check_nesting(text: str, path: Path | str, first_line: int = 1, *,
                  error: type[PamphleteerError] = ContentError) -> None:
    """Brackets and braces in TOML or YAML nested at most ``MAX_NESTING`` deep (quoted text
    and comments aside): deeper ones exhaust the parsers' recursion."""
    depth, quote, line = 0, "", first_line
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\n":
            line += 1
            if quote in ('"', "'"):
                quote = ""  # a one-line string does not go on; the parser reports it
        elif quote:
            if char == "\\" and quote in ('"', '"""'):
                index += 1
            elif text.startswith(quote, index):
                index += len(quote) - 1
                quote = ""
        elif char in "\"'":
            quote = char * 3 if text.startswith(char * 3, index) else char
            index += len(quote) - 1
        elif char == "#":
            end = text.find("\n", index)
            index = (len(text) if end < 0 else end) - 1
        elif char in "[{":
            depth += 1
            if depth > MAX_NESTING:
                raise error(f"brackets nested more than {MAX_NESTING} deep", path, line)
        elif char in "]}":
            depth = max(0, depth - 1)
        index += 1


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>")
_VOID = {"br", "hr", "img", "wbr"}


def html_depth(fragment: str) -> int:
    """How deeply the elements of an HTML fragment (as a sanitizer writes it) nest."""
    depth = deepest = 0
    for match in _TAG.finditer(fragment):
        if match[2].lower() in _VOID or match[3]:
            continue
        depth = max(0, depth - 1) if match[1] else depth + 1
        deepest = max(deepest, depth)
    return deepest


JOB_SECONDS = 300  # a whole document, every profile: the demo's largest takes about 15 s
MEMORY_BUDGET = 3 * 2**30  # bytes of address space a document may add to what is in use


class OverBudget(BaseException):
    """A job ran past its time budget (a BaseException: no ``except Exception`` swallows it)."""


RETRY_SECONDS = 0.05  # how soon a budget's end is signalled again if it was not heard


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise ``OverBudget`` in the code inside once ``seconds`` have passed (on the main thread
    of a process, where signals arrive; elsewhere there is no budget)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame) -> None:
        # Raised inside a C callback (Pango calls back into Python), the exception is
        # printed and dropped: ask again shortly, until one reaches the code inside.
        signal.setitimer(signal.ITIMER_REAL, RETRY_SECONDS)
        raise OverBudget

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def memory_budget(extra: int = MEMORY_BUDGET) -> Iterator[None]:
    """Cap this process's address space at what it uses now plus ``extra`` bytes for the code
    inside (a ``MemoryError`` past it), then lift the cap again. No cap where the system has
    no such limit."""
    try:
        import resource

        with open("/proc/self/statm") as statm:
            used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        previous = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, OSError, ValueError):
        yield
        return
    soft, hard = previous
    limit = used + extra if hard == resource.RLIM_INFINITY else min(used + extra, hard)
    if soft != resource.RLIM_INFINITY and soft <= limit:
        yield  # already capped lower
        return
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, previous)
