"""The letters each language is written with: CLDR's exemplar characters.

``exemplars.json`` beside this module is built by ``assets/tools/build_exemplars.py`` from
Unicode CLDR 41 (Debian's unicode-cldr-core; licence in LICENSE-CLDR.txt beside it). It is
what a font is checked against before a language is given it: ``new-locale`` and
``fonts add``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

# Codes CLDR files under another name.
ALIASES = {"tl": "fil", "iw": "he", "in": "id", "no": "nb", "mo": "ro", "ji": "yi"}


@cache
def _table() -> dict[str, str]:
    return json.loads((Path(__file__).parent / "exemplars.json").read_text("utf-8"))


def exemplars(code: str) -> str:
    """The letters CLDR says ``code`` ("ja", "zh-Hant", "sr-Latn") is written with, from its
    most specific entry (zh_Hant_HK, zh_Hant, zh); "" for a language CLDR lists none for."""
    from babel import Locale as Cldr
    from babel import UnknownLocaleError

    from pamphleteer.locales import language_script

    try:
        parsed = Cldr.parse(code, sep="-")
        script = parsed.script or language_script(code)
    except (UnknownLocaleError, ValueError):
        return ""
    language = ALIASES.get(parsed.language, parsed.language)
    table = _table()
    for key in (f"{language}_{script}_{parsed.territory}", f"{language}_{script}",
                f"{language}_{parsed.territory}", language):
        if key in table:
            return table[key]
    return ""
