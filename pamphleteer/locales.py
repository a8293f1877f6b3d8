"""Languages of a kit: every folder under ``content/``, set up by its own ``locale.toml``."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from pamphleteer.errors import ConfigError, Diagnostic, UsageError
from pamphleteer.fonts import family_problem, shown
from pamphleteer.tomlfile import Checker, read_toml

LOCALE_FILE = "locale.toml"
PAPERS = ("letter", "a4")
FONT_ROLES = ("text", "headline", "label")
CODE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")

# Names in their own script, and paper, for languages a campaign is likely to add.
KNOWN = {
    "en": ("English", "letter"), "es": ("Español", "letter"), "ko": ("한국어", "letter"),
    "vi": ("Tiếng Việt", "letter"), "fr": ("Français", "a4"), "de": ("Deutsch", "a4"),
    "pt": ("Português", "a4"), "pt-BR": ("Português (Brasil)", "a4"), "tl": ("Tagalog", "letter"),
    "zh": ("中文", "a4"), "ja": ("日本語", "a4"), "ht": ("Kreyòl ayisyen", "letter"),
    "ru": ("Русский", "a4"), "uk": ("Українська", "a4"), "hi": ("हिन्दी", "a4"),
    "zh-Hans": ("简体中文", "a4"), "zh-Hant": ("繁體中文", "a4"),
}
# The theme's fonts for a script the campaign's own (Latin and Cyrillic) cannot draw, by its
# ISO 15924 code as CLDR names it: what new-locale gives a new language in its locale.toml,
# and whether its lines break only at spaces (Korean). A language without an entry here
# needs a font added to the campaign first.
SCRIPT_FONTS: dict[str, tuple[tuple[str, ...], bool]] = {
    "Kore": (("Noto Sans KR",), True),
    "Hang": (("Noto Sans KR",), True),
    "Deva": (("Noto Sans Devanagari", "Inter"), False),  # Latin digits and names from Inter
    # Each region's own glyph shapes (直, 骨 and 写 differ): one face per script, never a
    # stack of all three, so a Traditional Chinese page cannot fall back to Japanese forms.
    "Jpan": (("Noto Sans JP",), False),
    "Hans": (("Noto Sans SC",), False),
    "Hant": (("Noto Sans TC",), False),
    "Arab": (("Noto Sans Arabic", "Inter"), False),  # Latin names and links from Inter
    "Hebr": (("Noto Sans Hebrew", "Inter"), False),
}


@dataclass(frozen=True)
class Locale:
    """One language of the kit: its folder under ``content/`` and how to typeset it."""

    code: str
    name: str
    paper: str
    fonts: dict[str, tuple[str, ...]]
    keep_words: bool = False  # break lines only at spaces (Korean)
    direction: str = "ltr"


def locale_codes(content_dir: Path) -> list[str]:
    """Every locale folder under ``content/``, in a stable order."""
    if not content_dir.is_dir():
        return []
    return sorted(p.name for p in content_dir.iterdir()
                  if p.is_dir() and not p.name.startswith((".", "_")))


def load_locales(content_dir: Path, default_fonts: dict[str, tuple[str, ...]],
                 families: set[str], notes: list[Diagnostic],
                 broken: dict[str, ConfigError] | None = None,
                 source: str | None = None) -> dict[str, Locale]:
    """Read every locale folder's settings; a folder without ``locale.toml`` gets defaults,
    its paper the campaign's (``source``'s: the region the campaign prints in). With
    ``broken``, a locale whose settings are wrong goes there (code -> its error) rather than
    stopping everything: only a command that uses it must stop."""
    locales: dict[str, Locale] = {}
    codes = locale_codes(content_dir)
    for code in sorted(codes, key=lambda c: c != source):  # the source first: its paper
        region = locales[source].paper if source in locales else None
        try:
            locale = _load_locale(content_dir, code, default_fonts, families, notes, region)
        except ConfigError as exc:
            if broken is None:
                raise
            broken[code] = exc
            continue
        locales[code] = locale
    return {code: locales[code] for code in codes if code in locales}


def _load_locale(content_dir: Path, code: str, default_fonts: dict[str, tuple[str, ...]],
                 families: set[str], notes: list[Diagnostic], region: str | None) -> Locale:
    """One locale folder's settings."""
    folder = content_dir / code
    if not folder.resolve().is_relative_to(content_dir.resolve()):
        raise ConfigError("this language folder is a link to somewhere outside the project; "
                          "content must live in the project", folder)
    if not CODE.fullmatch(code):
        raise ConfigError(f"'{code}' is not a language code like 'es' or 'pt-BR': rename "
                          "the folder (or start its name with _ to keep it out of the kit)",
                          folder)
    path = folder / LOCALE_FILE
    if not os.path.lexists(path):  # a pipe or a broken link is read, and refused, not missing
        name, paper = KNOWN.get(code, (code, "letter"))
        paper = region or paper  # the campaign prints in one region, whatever the language
        notes.append(Diagnostic(f"no {LOCALE_FILE}: using name '{name}' and {paper} paper "
                                f"(run new-locale {code} or add the file)", path))
        return Locale(code=code, name=name, paper=paper, fonts=dict(default_fonts))
    return _read_locale(path, code, default_fonts, families, content_dir)


def _read_locale(path: Path, code: str, default_fonts: dict[str, tuple[str, ...]],
                 families: set[str], content_dir: Path) -> Locale:
    data, text = read_toml(path, within=content_dir)
    check = Checker(path, text)
    check.table(data, (), {"name", "paper", "direction", "fonts", "keep_words"},
                {"name", "paper"})
    paper = check.get(data, ("paper",), str)
    if paper not in PAPERS:
        raise check.fail(("paper",), f"'{paper}' must be one of: {', '.join(PAPERS)}")
    direction = check.get(data, ("direction",), str, "ltr")
    if direction not in ("ltr", "rtl"):
        raise check.fail(("direction",), "must be 'ltr' or 'rtl'")
    fonts = dict(default_fonts)
    fonts.update(font_roles(check, data.get("fonts", {}), ("fonts",), families, required=False))
    return Locale(code=code, name=check.get(data, ("name",), str), paper=paper, fonts=fonts,
                  keep_words=check.get(data, ("keep_words",), bool, False), direction=direction)


def font_roles(check: Checker, data: object, key: tuple[str, ...], families: set[str],
               required: bool) -> dict[str, tuple[str, ...]]:
    """Font stacks by role (text, headline, label), each a list of bundled family names."""
    table = check.table(data, key, set(FONT_ROLES), set(FONT_ROLES) if required else set())
    roles = {}
    for role, stack in table.items():
        if not (isinstance(stack, list) and stack and all(isinstance(f, str) for f in stack)):
            raise check.fail((*key, role), "must be a list of font family names")
        for family in stack:
            # Checked before it is shown: a name is echoed to the terminal and into styles.
            problem = family_problem(family)
            if problem:
                raise check.fail((*key, role), f"font family {shown(family)} {problem}")
            if family not in families:
                known = ", ".join(sorted(families)) or "none"
                raise check.fail((*key, role), f"font family '{family}' is not in "
                                 f"assets/fonts/fonts.toml (bundled: {known})")
        roles[role] = tuple(stack)
    return roles


# Where letter paper is the usual size (most of the Americas); elsewhere A4.
LETTER_TERRITORIES = {"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "CR", "PA", "DO", "PR",
                      "SV", "NI", "HN", "BZ"}


def cldr_name(code: str, in_locale: str | None = None) -> str | None:
    """The language's name in its own script ("Español", "한국어"), or in ``in_locale``'s
    words ("영어" for English in Korean), from CLDR; None for a code CLDR does not know."""
    from babel import Locale as Cldr
    from babel import UnknownLocaleError

    try:
        language = Cldr.parse(code, sep="-")
        name = language.get_display_name(Cldr.parse(in_locale, sep="-") if in_locale
                                         else language)
    except (UnknownLocaleError, ValueError):
        return None
    if not name:
        return None
    # As a heading would start it; Georgian has capitals (Mtavruli) but never starts a
    # word with one.
    return name if "\u10d0" <= name[0] <= "\u10ff" else name[:1].upper() + name[1:]


def describe_language(code: str) -> tuple[str, str]:
    """The language's name in its own script and its usual paper, from CLDR (Babel). A code
    CLDR does not know, and a script pamphleteer cannot print, are refused with the reason."""
    from babel import Locale as Cldr
    from babel import UnknownLocaleError
    from babel.core import get_global

    if not CODE.fullmatch(code):
        raise UsageError(f"'{code}' is not a language code like 'es', 'vi', 'pt-BR' or "
                         "'zh-Hant'")
    try:
        language = Cldr.parse(code, sep="-")
    except (UnknownLocaleError, ValueError):
        raise UsageError(f"'{code}' is not a language CLDR knows: use a code like 'es', 'vi', "
                         "'pt-BR' or 'zh-Hant'") from None
    name = cldr_name(code) or code
    likely = get_global("likely_subtags").get(str(language.language), "")
    territory = language.territory or likely.split("_")[-1]
    if code in KNOWN:
        return KNOWN[code]
    return name, "letter" if territory in LETTER_TERRITORIES else "a4"


def language_script(code: str) -> str:
    """The script ``code`` is written in (ISO 15924, as CLDR's likely subtags say)."""
    from babel import Locale as Cldr
    from babel.core import get_global

    language = Cldr.parse(code, sep="-")
    if language.script:
        return language.script
    likely = get_global("likely_subtags")
    tag = likely.get(f"{language.language}_{language.territory}") if language.territory \
        else None
    parts = (tag or likely.get(str(language.language), "")).split("_")
    return parts[1] if len(parts) > 2 else ""


def locale_file_text(code: str, name: str, paper: str, keep_words: bool = False,
                     fonts: dict[str, tuple[str, ...]] | None = None,
                     direction: str = "ltr") -> str:
    """A commented ``locale.toml`` for a new language folder."""
    lines = [
        f"# Settings for the {name} kit. Change them here; no code involved.",
        "# name: the language's name in its own script. paper: \"letter\" (US, Canada,",
        "# Mexico, ...) or \"a4\" (most other countries): the campaign's, whatever the",
        "# language; change it where this kit prints in another region. direction: \"ltr\"",
        "# or \"rtl\" (Arabic, Persian, Urdu: the pages mirror; links and numbers inside",
        "# stay left to right).",
        f'name = "{name}"',
        f'paper = "{paper}"',
        f'direction = "{direction}"',
    ]
    if keep_words:
        lines += ["# Break lines only at spaces, never inside a word (Korean).",
                  "keep_words = true"]
    lines += ["", "# Fonts (family names from assets/fonts/fonts.toml), first choice first.",
              "# Leave out to use the campaign's fonts from campaign.toml."]
    if fonts:
        lines.append("[fonts]")
        for role, stack in fonts.items():
            quoted = ", ".join(f'"{family}"' for family in stack)
            lines.append(f"{role} = [{quoted}]")
    else:
        lines += ["# [fonts]", '# text = ["Noto Serif"]']
    return "\n".join(lines) + "\n"
