"""Stage 5, after the template: the page's text as it must print and be read. No placeholder
that nothing filled in; and the title and description, which become the PDF's metadata (and
what a screen reader or a search shows), without the typesetting's invisible characters."""

from __future__ import annotations

import re
from pathlib import Path

from pamphleteer.errors import BuildError
from pamphleteer.glyphs import locate
from pamphleteer.theme import folders

# The text of a page: what is left when styles, scripts and tags are taken out.
_NOT_TEXT = re.compile(r"<(style|script)\b.*?</\1>|<[^>]*>", re.DOTALL | re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\{[^{}\s<>]{1,40}\}")


def check_filled(html: str, root: Path, template: str) -> None:
    """Refuse a page whose text still holds a ``{placeholder}``: it would print as it is.

    Strings and copy are checked as they are read (a string may hold only the placeholders
    its key is filled with); this catches what a template writes itself, naming its line.
    """
    found = _PLACEHOLDER.search(_NOT_TEXT.sub(" ", html))
    if not found:
        return
    files = [path for folder in folders(root, "templates") for path in sorted(folder.rglob("*"))
             if path.is_file()]
    where, line = locate([found[0]], files)
    raise BuildError(f"'{found[0]}' would print as it is: nothing fills it in (a placeholder "
                     "is filled only in the string it belongs to)",
                     where or root / "templates" / template, line)


# Word joiners (Korean words kept whole) and soft hyphens belong to lines, not to metadata.
_INVISIBLE = re.compile("[\u2060\u00ad]")
_METADATA = re.compile(r"<title>.*?</title>|<meta\s+name=\"(?:description|keywords)\"[^>]*>",
                       re.DOTALL | re.IGNORECASE)


def clean_metadata(html: str) -> str:
    """``html`` with no word joiner or soft hyphen in its title and description."""
    return _METADATA.sub(lambda match: _INVISIBLE.sub("", match[0]), html)
