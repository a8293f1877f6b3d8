"""Stage 12: the kit page, ``<out>/index.html``, volunteers download from.

A static page: it works opened from the file system or from any static host, with no
JavaScript. One section per locale (headed with the language's own name), one card per piece
with a thumbnail of its first page, a download link per profile with its page count, size and
print instruction, a zip per locale and per event, and a section per event. Everything is
made from the manifest, so a merged sharded kit gets the same page as one build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import platformdirs
from markupsafe import Markup

from pamphleteer.content import REQUIRED_STRINGS, load_strings
from pamphleteer.errors import BuildError, PamphleteerError
from pamphleteer.events import when
from pamphleteer.files import kind_of, read_bytes, read_user_text
from pamphleteer.formats import FORMATS, PX_PER_PT
from pamphleteer.impose import print_instruction
from pamphleteer.locales import cldr_name
from pamphleteer.markup import css_string
from pamphleteer.materials import MATERIALS
from pamphleteer.outputs import Manifest, writable, write_atomic
from pamphleteer.pdf import private_folder
from pamphleteer.profiles import PROFILES, RGB
from pamphleteer.project import Project
from pamphleteer.render import colours, render_template
from pamphleteer.theme import trusted

INDEX = "index.html"
THUMBS = "thumbs"  # PNGs named by the hash of the PDF they show: a new PDF, a new name
DOWNLOADS = "downloads"
FONTS = "fonts"  # the page's own fonts, subset to its characters
THUMB_WIDTH = 200  # pixels: shown 96 CSS px wide, sharp on a phone's 2x screen
THUMB_RATIO = 1.55  # the tallest a thumbnail is, over its width (a poster is 1.55)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # a fixed date in the zips, so that they are reproducible
PREVIEW = ("screen", "home", "shop", "png")  # which file a thumbnail is drawn from, first found
LINK_SCHEMES = ("https", "http", "mailto", "tel")  # what the page may link, besides its files
PAGE_TEMPLATE, PAGE_STYLE = "kit.html.j2", "css/kit.css"  # the theme's, or the campaign's
FONTS_MARK = "/*FONTS*/"  # where the page's fonts go in its style, once its text is known


def write_site(project: Project, out: Path, manifest: Manifest | None = None) -> Path:
    """Write ``index.html``, its thumbnails and the zips for the kit in ``out`` (from its
    manifest: the one a build holds, or the one on disk)."""
    manifest = manifest or Manifest(project, out)
    entries = sorted(manifest.entries.values(), key=lambda e: e["path"])
    if not entries and not (out / INDEX).exists():
        return out / INDEX  # nothing built yet: no page to show
    thumbs = _thumbnails(out, entries, manifest)
    zips = _zips(project, out, entries, manifest)
    page = render_template(project, PAGE_TEMPLATE,
                           {"page": page_context(project, entries, manifest.events, thumbs,
                                                 zips)})
    # The fonts are cut to the characters the page shows: known once it is written.
    page = page.replace(FONTS_MARK, _fonts(project, out, page, manifest), 1)
    write_atomic(writable(out, INDEX), page.encode("utf-8"))
    return out / INDEX


# What the page links: its thumbnails, zips and fonts (as written: see ``own_url``).
_LINKED = re.compile(r'(?:src|href)="((?:thumbs|downloads)/[^"]+)"|url\("(fonts/[^"]+)"\)')


def site_files(out: Path) -> list[Path]:
    """The files of the kit page in ``out``: the page and the thumbnails, fonts and zips it
    links (a file someone put beside them is not the page's)."""
    page = out / INDEX
    if not page.is_file():
        return []
    names = {a or b for a, b in _LINKED.findall(page.read_text("utf-8", errors="replace"))}
    return [page, *sorted(out / name for name in names if (out / name).is_file())]


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


def _remove_stale(out: Path, manifest: Manifest, folder: str, keep: set[str]) -> None:
    """Remove the page's files in ``folder`` it no longer shows: only those the manifest
    lists, and only while they are as it recorded them (never a user's file)."""
    for name in [name for name in manifest.files
                 if name.startswith(f"{folder}/") and name not in keep]:
        manifest.discard(out, name)


def _fonts(project: Project, out: Path, page: str, manifest: Manifest) -> str:
    """The campaign's own label fonts for the page, cut down to the characters it shows (a
    few KB, where a whole Korean font is 1.4 MB), so that every language's name and words
    draw on any phone or computer, even one without fonts for that script."""
    families = list(dict.fromkeys(family for locale in project.locales.values()
                                  for family in locale.fonts.get("label", ())))
    text = html.unescape(page)
    rules, keep = [], set()
    for face in project.font_faces:
        suffix = face.path.suffix.lower()
        if face.family not in families or face.style != "normal" or face.weight not in (400,
                                                                                        700) \
                or suffix not in (".otf", ".ttf", ".woff", ".woff2"):
            continue
        # Named by what it is cut from and for: a page with the same words reuses it.
        key = hashlib.sha256(face.path.read_bytes() + "".join(sorted(set(text))).encode())
        name = f"{FONTS}/{key.hexdigest()[:20]}{suffix}"
        if name not in keep and not manifest.trusted(out, name):
            data = _subset(face.path, text, Path(name).name)
            if data is None:
                continue
            write_atomic(writable(out, name), data)
        keep.add(name)
        # Every name is a CSS string, escaped: a family cannot end its rule or the <style>.
        rules.append(f"@font-face {{ font-family: {css_string(face.family)}; "
                     f"font-weight: {int(face.weight)}; src: url({css_string(name)}); }}")
    _remove_stale(out, manifest, FONTS, keep)
    stack = ", ".join(css_string(family) for family in families)
    css = "\n".join(rules) + f"\n:root {{ font-family: {stack}, system-ui, sans-serif; }}"
    if "</style" in css.lower():  # css_string leaves no "<": a last guard, not a filter
        raise BuildError("a font family name would end the kit page's style", project.root)
    return css


def _subset(path: Path, text: str, name: str) -> bytes | None:
    """The font at ``path`` cut down to the characters of ``text`` (None if it has none of
    them). Cutting a font takes a second or more, so the cut is also kept in this user's
    cache folder: a kit built into a new folder, or on another shard, finds it there."""
    kept = private_folder(Path(platformdirs.user_cache_dir("pamphleteer")) / "page-fonts")
    if (kept / name).is_file():
        return (kept / name).read_bytes()
    from fontTools import subset  # here: a kit page with nothing new needs neither
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        used = sorted({ord(c) for c in text} & set(font.getBestCmap() or {}))
    if not used:
        return None
    options = subset.Options()  # the default features: kerning, ligatures, marks
    options.name_IDs = ["*"]  # the licence and copyright notices stay in
    options.notdef_outline = True
    font = subset.load_font(str(path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=used)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    write_atomic(kept / name, buffer.getvalue())
    return buffer.getvalue()


def _groups(entries: list[dict]) -> dict[tuple[str | None, str, str], dict[str, dict]]:
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


def _thumbnails(out: Path, entries: list[dict], manifest: Manifest
                ) -> dict[tuple[str | None, str, str], str]:
    """A PNG of each piece's first page (drawn once per PDF, and again when the one in the
    folder is not the one the manifest recorded); stale ones are removed."""
    made: dict[tuple[str | None, str, str], str] = {}
    checked: set[str] = set()  # two pieces of the same PDF share one thumbnail
    for key, profiles in _groups(entries).items():
        entry = next(profiles[p] for p in (*PREVIEW, *profiles) if p in profiles)
        name = made[key] = f"{THUMBS}/{entry['sha256'][:20]}.png"
        if name not in checked and not manifest.trusted(out, name):
            pdf = out / entry["path"]
            write_atomic(writable(out, name), _thumbnail(_kit_file(out, entry["path"],
                                                                   entry["sha256"]), pdf))
        checked.add(name)
    _remove_stale(out, manifest, THUMBS, checked)
    return made


def _kit_file(out: Path, path: str, sha256: str) -> bytes:
    """The kit's file ``path``, read as a user's file is (a regular file inside ``out``,
    under its cap) and refused unless it is still the one the manifest recorded: the page
    never serves a file put in the place of a build's."""
    data = read_bytes(out / path, kind_of(Path(path)), [out])
    if hashlib.sha256(data).hexdigest() != sha256:
        raise BuildError("this is not the file the manifest recorded (was it changed after "
                         "the build?): build it again with --no-cache", out / path)
    return data


def _thumbnail(data: bytes, pdf: Path) -> bytes:
    """A PNG of the first page of the PDF (or the image) ``data`` (read from ``pdf``),
    ``THUMB_WIDTH`` pixels wide."""
    import pypdfium2

    if pdf.suffix.lower() != ".pdf":
        fmt = FORMATS.get(pdf.suffix.lower().lstrip("."))
        if fmt is None:
            raise BuildError("the kit page cannot show a file of this kind", pdf)
        image = fmt.picture(data)
        image = image.resize((THUMB_WIDTH, round(image.height * THUMB_WIDTH / image.width)))
        buffer = io.BytesIO()
        image.quantize(64).save(buffer, "PNG", optimize=True)
        return buffer.getvalue()

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise BuildError(f"cannot draw this PDF's first page ({exc}): was it changed after "
                         "the build? Build it again (--no-cache)", pdf) from None
    try:
        page = document[0]
        image = page.render(scale=THUMB_WIDTH / page.get_width()).to_pil()
        # A screen page runs as long as its copy: show its top, at most a poster's
        # proportions; 64 colours draw a page this small as well as millions.
        image = image.convert("RGB").crop(
            (0, 0, image.width, min(image.height, round(image.width * THUMB_RATIO))))
        buffer = io.BytesIO()
        image.quantize(64).save(buffer, "PNG", optimize=True)
    finally:
        document.close()
    return buffer.getvalue()


def _zips(project: Project, out: Path, entries: list[dict], manifest: Manifest
          ) -> dict[str, tuple[str, int]]:
    """A zip per locale (the general kit) and per event: name -> (path, bytes)."""
    sets: dict[str, dict[str, str]] = {}  # group -> {path: its SHA-256}
    for entry in entries:
        group = f"event-{entry['event']}" if entry.get("event") else entry["locale"]
        sets.setdefault(group, {})[entry["path"]] = entry["sha256"]
    for locale in {e["locale"] for e in entries if not e.get("event")}:
        csv_file = out / locale / "signsheet.csv"
        if csv_file.is_file():
            sets[locale][f"{locale}/signsheet.csv"] = hashlib.sha256(
                read_bytes(csv_file, "text", [out])).hexdigest()
    made = {}
    for group, paths in sorted(sets.items()):
        name = f"{DOWNLOADS}/{project.slug}-{group.removeprefix('event-')}.zip"
        made[group] = (name, _zip(out, name, dict(sorted(paths.items())),
                                  manifest.trusted(out, name)))
    _remove_stale(out, manifest, DOWNLOADS, {name for name, _ in made.values()})
    return made


def _zip(out: Path, name: str, paths: dict[str, str], trusted: bool) -> int:
    """Write a reproducible zip of ``paths`` at ``name`` (unless the build's own zip of the
    same files is there: ``trusted``, the manifest's record of it); return its size. The
    zip's comment holds a hash of its members (from the manifest's hashes, which the build
    has checked), to know it is current without reading them."""
    target = writable(out, name)
    digest = hashlib.sha256()
    for path, sha in paths.items():
        digest.update(f"{path}\n{sha}\n".encode())
    comment = f"pamphleteer {digest.hexdigest()}".encode()
    try:
        with zipfile.ZipFile(target) as existing:
            if trusted and existing.comment == comment:
                return target.stat().st_size
    except (OSError, zipfile.BadZipFile):
        pass
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in paths:
            info = zipfile.ZipInfo(path, date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            # PDFs are compressed inside already: storing them is as small and far quicker.
            info.compress_type = zipfile.ZIP_DEFLATED if path.endswith(".csv") \
                else zipfile.ZIP_STORED
            archive.writestr(info, _kit_file(out, path, paths[path]))
        archive.comment = comment
    write_atomic(target, buffer.getvalue())
    return len(buffer.getvalue())


def language_name(project: Project, code: str) -> str:
    """The language's name in its own script: as its locale.toml names it, else from CLDR
    (a language folder without one, or a code the campaign has no folder for)."""
    named = project.locales[code].name if code in project.locales else code
    # CLDR only when needed: loading its data for three languages costs 60 ms, a tenth of a
    # build with nothing to render.
    return named if named != code else cldr_name(code) or code


def _size(count: int) -> str:
    return f"{count / 1024:.0f}\u00a0KB" if count < 1024 * 1024 else \
        f"{count / 1024 / 1024:.1f}\u00a0MB"


def page_context(project: Project, entries: list[dict], events: dict[str, dict],
                 thumbs: dict, zips: dict) -> dict[str, Any]:
    """What the kit page template shows, as plain data: every text as it is to be read (the
    template escapes it), every link one the page may write (``own_url``) or None."""
    groups = _groups(entries)
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
                       "intro": strings[code]["kit_intro"],
                       "zip": _zip_entry(zips.get(code), strings[code]),
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


def _zip_entry(made: tuple[str, int] | None, words: dict[str, str]) -> dict | None:
    if not made:
        return None
    name, size = made
    return {"href": own_url(name), "label": words["download_all"], "size": _size(size)}


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
                              "how": _how(material, profile, words)})
        cards.append({"title": title, "thumb": own_url(thumbs.get((slug, locale, material))),
                      "files": files})
    return cards


def _meta(entry: dict, words: dict[str, str]) -> str:
    """What a file is: "PDF, 2 pages, 120 KB"; an image's format and pixels instead."""
    kind = entry["path"].rsplit(".", 1)[-1].upper().replace("WEBP", "WebP") \
        if "." in entry["path"] else "PDF"
    if kind != "PDF" and entry.get("material") in MATERIALS:
        width, height = (round(side * PX_PER_PT)
                         for side in MATERIALS[entry["material"]].trim["a4"])
        return f"{kind}, {width}\u00d7{height} px, {_size(entry.get('bytes', 0))}"
    pages = entry.get("pages", 0)
    count = words["pages_one"] if pages == 1 else \
        words["pages_many"].replace("{count}", str(pages))
    return f"PDF, {count}, {_size(entry.get('bytes', 0))}"


def _label(profile: str, words: dict[str, str]) -> str:
    """A profile's name on the page: the locale's word for it, else the profile's own."""
    own = PROFILES[profile].label if profile in PROFILES else profile
    return words.get(f"profile_{profile}", own)


def _how(material: str, profile: str, words: dict[str, str]) -> str:
    """How to print a profile's PDF, in the locale's words."""
    if profile not in PROFILES or not PROFILES[profile].impose or material not in MATERIALS:
        return ""
    return print_instruction(MATERIALS[material], words) or words["print_single"]


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
            "zip": _zip_entry(zips.get(f"event-{slug}"), source),
            "languages": [{"code": code, "name": language_name(project, code),
                           "pieces": _cards(groups, slug, code, strings[code], thumbs)}
                          for code in locales]}
