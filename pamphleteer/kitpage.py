"""The kit page's content: the manifest's entries as plain data for the page template
(``templates/kit.html.j2``), every text as it is to be read and every link one the page may
write. ``site`` renders it and writes the page's files (thumbnails, zips, fonts)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from markupsafe import Markup

from pamphleteer.content import REQUIRED_STRINGS, load_strings
from pamphleteer.errors import BuildError, PamphleteerError
from pamphleteer.events import when
from pamphleteer.files import read_user_text
from pamphleteer.formats import PX_PER_PT
from pamphleteer.impose import print_instruction
from pamphleteer.inks import colours
from pamphleteer.locales import cldr_name
from pamphleteer.materials import MATERIALS
from pamphleteer.profiles import PROFILES, RGB
from pamphleteer.project import Project
from pamphleteer.theme import trusted

THUMB_WIDTH = 200  # pixels: shown 96 CSS px wide, sharp on a phone's 2x screen
LINK_SCHEMES = ("https", "http", "mailto", "tel")  # what the page may link, besides its files
PAGE_TEMPLATE, PAGE_STYLE = "kit.html.j2", "css/kit.css"  # the theme's, or the campaign's
FONTS_MARK = "/*FONTS*/"  # where the page's fonts go in its style, once its text is known


def own_url(url: str | None) -> str | None:
    """``url`` if the kit page may write it into an ``href`` or ``src``: an https, http,
    mailto or tel address, an anchor of the page, or a path to a file of the kit; None for
    anything else (javascript:, data:, a path out of the folder, a scheme disguised with
    capitals, spaces or control characters)."""
    if not isinstance(url, str) or not url or len(url) > 2000:
        return None
    if _OWN_PATH.fullmatch(url) or re.fullmatch(r"#[A-Za-z][A-Za-z0-9_-]*", url):
        return url  # no ":" (no scheme), no "..", no leading "/" (not another site's)
    scheme, colon, rest = url.partition(":")
    if not colon or not _URL_CHARS.fullmatch(url) or scheme.lower() not in LINK_SCHEMES:
        return None
    if scheme.lower().startswith("http") and not re.match(r"//[A-Za-z0-9]", rest):
        return None  # "https:evil" or "https:///x" is not the address it looks like
    return url


_OWN_PATH = re.compile(r"(?:[A-Za-z0-9_][A-Za-z0-9._-]*/)*[A-Za-z0-9_][A-Za-z0-9._-]*")
_URL_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&()*+,;=%]+")  # RFC 3986's, printable


def groups_of(entries: list[dict]) -> dict[tuple[str | None, str, str], dict[str, dict]]:
    """(event, locale, material) -> {profile: entry}, in kit order."""
    groups: dict[tuple[str | None, str, str], dict[str, dict]] = {}
    order = list(MATERIALS)
    for entry in sorted(entries, key=lambda e: (e.get("event") or "", e["locale"],
                                                order.index(e["material"])
                                                if e["material"] in order else 99,
                                                e["profile"])):
        key = (entry.get("event"), entry["locale"], entry["material"])
        groups.setdefault(key, {})[entry["profile"]] = entry
    return groups


def language_name(project: Project, code: str) -> str:
    """The language's name in its own script: as its locale.toml names it, else from CLDR
    (a language folder without one, or a code the campaign has no folder for)."""
    named = project.locales[code].name if code in project.locales else code
    # CLDR only when needed: loading its data for three languages costs 60 ms, a tenth of a
    # build with nothing to render.
    return named if named != code else cldr_name(code) or code


def size_text(count: int, locale: str = "en") -> str:
    """A file's size the way ``locale`` writes it (CLDR: "2.7 MB", "2,7 MB", "2,7 МБ")."""
    from babel import Locale as Cldr
    from babel import UnknownLocaleError
    from babel.units import format_unit

    try:
        cldr = Cldr.parse(locale, sep="-")
    except (UnknownLocaleError, ValueError):
        cldr = Cldr.parse("en")
    if count < 1024 * 1024:
        text = format_unit(round(count / 1024), "digital-kilobyte", length="short",
                           format="0", locale=cldr)
    else:
        text = format_unit(count / 1024 / 1024, "digital-megabyte", length="short",
                           format="0.0", locale=cldr)
    return text.replace(" ", "\u00a0")  # the number stays with its unit


def page_context(project: Project, entries: list[dict], events: dict[str, dict],
                 thumbs: dict, zips: dict) -> dict[str, Any]:
    """What the kit page template shows, as plain data: every text as it is to be read (the
    template escapes it), every link one the page may write (``own_url``) or None."""
    groups = groups_of(entries)
    ordered = [project.source_locale, *project.locales]  # the source language first
    locales = [code for code in dict.fromkeys(ordered) if any(
        loc == code and not event for event, loc, _ in groups)]
    locales += sorted({loc for event, loc, _ in groups if not event} - set(locales))
    strings = {code: _strings(project, code) for code in
               {loc for _, loc, _ in groups} | {project.source_locale}}
    source = strings[project.source_locale]
    slugs = sorted({event for event, _, _ in groups if event},
                   key=lambda slug: (events.get(slug, {}).get("date", ""), slug))
    nav: list[dict[str, str | None]] = [
        {"href": f"#kit-{code}", "lang": code, "name": language_name(project, code)}
        for code in locales]
    if slugs:
        nav.append({"href": "#events", "lang": None, "name": source["events_heading"]})
    return {
        "lang": project.source_locale,
        "title": f"{project.name}: {source['kit_title']}",
        "heading": source["kit_title"],
        "brand": project.identity.wordmark or project.name,
        "preview": _preview_meta(project, entries, source),
        "style": Markup(_style(project)),
        "thumb_width": THUMB_WIDTH // 2,
        "nav": [item for item in nav if own_url(item["href"])],
        "languages": [{"code": code, "name": language_name(project, code),
                       "dir": project.locales[code].direction,
                       "intro": strings[code]["kit_intro"],
                       "zip": _zip_entry(zips.get(code), strings[code], code),
                       "pieces": _cards(groups, None, code, strings[code], thumbs)}
                      for code in locales],
        "events_heading": source["events_heading"],
        "events": [_event(project, slug, events.get(slug, {}), groups, strings, thumbs, zips)
                   for slug in slugs],
        "footer": f"{source['paid_for_by']} {project.imprint}",
    }


def _style(project: Project) -> str:
    """The page's style: the theme's (or the campaign's) kit.css under the campaign's brand
    colours, and a mark where its fonts go."""
    path = project.template_file(PAGE_STYLE)
    css = read_user_text(path, trusted(project.root, "templates"))
    palette = colours(project, RGB)
    variables = "".join(f" --{name}: {palette[name]};" for name in ("primary", "accent", "ink",
                                                                   "paper"))
    style = f":root {{{variables} }}\n{css}\n{FONTS_MARK}"
    if "</style" in style.lower():
        raise BuildError("the kit page's style may not hold '</style'", path)
    return style


def _preview_meta(project: Project, entries: list[dict],
                  words: dict[str, str]) -> list[tuple[str, str]]:
    """Open Graph tags: what a chat or a feed shows for a link to the page, its link-preview
    image (the source language's, else the first language's), made absolute with the
    campaign's ``[links] kit`` where it has one."""
    previews = sorted((entry["locale"] != project.source_locale, entry["path"])
                      for entry in entries if entry["material"] == "share-preview"
                      and entry["profile"] == "png" and not entry.get("event"))
    if not previews:
        return []
    base = project.links.get("kit", "")
    image = own_url(base.rstrip("/") + "/" + previews[0][1] if base else previews[0][1])
    if not image:  # the page writes only its own files and https links
        return []
    width, height = (round(side * PX_PER_PT) for side in MATERIALS["share-preview"].trim["a4"])
    tags = [("og:type", "website"), ("og:title", f"{project.name}: {words['kit_title']}"),
            ("og:description", words["kit_intro"]), ("og:image", image),
            ("og:image:width", str(width)), ("og:image:height", str(height))]
    if base and own_url(base):
        tags.append(("og:url", base))
    return tags


def _strings(project: Project, code: str) -> dict[str, str]:
    """The locale's template words, read as a build reads them (the build has reported what
    is wrong with them): the source locale's stand in for a file that cannot be read."""
    for locale in dict.fromkeys((code, project.source_locale)):
        try:
            return load_strings(project, locale, [])
        except PamphleteerError:
            continue
    return {key: key for key in REQUIRED_STRINGS}


def _zip_entry(made: tuple[str, int] | None, words: dict[str, str],
               locale: str = "en") -> dict | None:
    if not made:
        return None
    name, size = made
    return {"href": own_url(name), "label": words["download_all"],
            "size": size_text(size, locale)}


def _cards(groups: dict, event: str | None, code: str, words: dict[str, str],
           thumbs: dict) -> list[dict]:
    """The cards of one language's pieces (of one event, or of the kit)."""
    cards = []
    for (slug, locale, material), profiles in groups.items():
        if slug != event or locale != code:
            continue
        title = words.get(f"material_{material}", MATERIALS[material].label
                          if material in MATERIALS else material)
        files = []
        for profile in (*PROFILES, *sorted(set(profiles) - set(PROFILES))):
            entry = profiles.get(profile)
            if entry:
                files.append({"href": own_url(entry["path"]), "label": _label(profile, words),
                              "meta": _meta(entry, words),
                              "how": _how(material, profile, words, code)})
        copy = next((e.get("content_locale") for e in profiles.values()), None) or locale
        cards.append({"title": title, "thumb": own_url(thumbs.get((slug, locale, material))),
                      "files": files,
                      # A piece whose copy is still the source language's says which, in the
                      # page's own language (CLDR's name for it).
                      "copy_language": None if copy == locale else
                      cldr_name(copy, locale) or copy})
    return cards


def _meta(entry: dict, words: dict[str, str]) -> str:
    """What a file is: "PDF, 2 pages, 120 kB" (its size as its language writes it); an
    image's format and pixels instead."""
    locale = str(entry.get("locale") or "en")
    kind = entry["path"].rsplit(".", 1)[-1].upper().replace("WEBP", "WebP") \
        if "." in entry["path"] else "PDF"
    if kind != "PDF" and entry.get("material") in MATERIALS:
        width, height = (round(side * PX_PER_PT)
                         for side in MATERIALS[entry["material"]].trim["a4"])
        return f"{kind}, {width}\u00d7{height} px, {size_text(entry.get('bytes', 0), locale)}"
    pages = entry.get("pages", 0)
    count = words["pages_one"] if pages == 1 else \
        words["pages_many"].replace("{count}", str(pages))
    return f"PDF, {count}, {size_text(entry.get('bytes', 0), locale)}"


def _label(profile: str, words: dict[str, str]) -> str:
    """A profile's name on the page: the locale's word for it, else the profile's own."""
    own = PROFILES[profile].label if profile in PROFILES else profile
    return words.get(f"profile_{profile}", own)


def _how(material: str, profile: str, words: dict[str, str], code: str) -> str:
    """How to print a profile's PDF, in the locale's words."""
    if profile not in PROFILES or not PROFILES[profile].impose or material not in MATERIALS:
        return ""
    return print_instruction(MATERIALS[material], words, locale=code) or words["print_single"]


def _event(project: Project, slug: str, info: dict, groups: dict, strings: dict, thumbs: dict,
           zips: dict) -> dict[str, Any]:
    source = strings[project.source_locale]
    locales = [code for code in dict.fromkeys([project.source_locale, *project.locales])
               if (slug, code) in {(event, loc) for event, loc, _ in groups}]
    try:
        date = dt.date.fromisoformat(info["date"])
        time = dt.time.fromisoformat(info["time"])
        stamp = when(date, time, project.locales[project.source_locale].code)
    except (KeyError, ValueError, TypeError):
        stamp = ""
    return {"slug": slug, "name": str(info.get("name", slug)), "when": stamp,
            "where": ", ".join(str(info[k]) for k in ("place", "address") if info.get(k)),
            "host": source["event_host"].replace("{host}", str(info["host"]))
            if info.get("host") else "",
            "zip": _zip_entry(zips.get(f"event-{slug}"), source, project.source_locale),
            "languages": [{"code": code, "name": language_name(project, code),
                           "dir": project.locales[code].direction,
                           "pieces": _cards(groups, slug, code, strings[code], thumbs)}
                          for code in locales]}
