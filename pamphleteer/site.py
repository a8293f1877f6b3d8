"""Stage 12: the kit page, ``<out>/index.html``, volunteers download from.

A static page: it works opened from the file system or from any static host, with no
JavaScript. One section per locale (headed with the language's own name), one card per piece
with a thumbnail of its first page, a download link per profile with its page count, size and
print instruction, a zip per locale and per event, and a section per event. Everything is
made from the manifest, so a merged sharded kit gets the same page as one build.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import zipfile
from pathlib import Path

import platformdirs

from pamphleteer.errors import BuildError
from pamphleteer.files import kind_of, private_folder, read_bytes
from pamphleteer.formats import FORMATS
from pamphleteer.kitpage import (
    FONTS_MARK,
    PAGE_TEMPLATE,
    THUMB_WIDTH,
    groups_of,
    page_context,
)
from pamphleteer.markup import css_string
from pamphleteer.outputs import Manifest, writable, write_atomic
from pamphleteer.project import Project
from pamphleteer.render import render_template

INDEX = "index.html"
THUMBS = "thumbs"  # PNGs named by the hash of the PDF they show: a new PDF, a new name
DOWNLOADS = "downloads"
FONTS = "fonts"  # the page's own fonts, subset to its characters
THUMB_RATIO = 1.55  # the tallest a thumbnail is, over its width (a poster is 1.55)
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # a fixed date in the zips, so that they are reproducible
PREVIEW = ("screen", "home", "shop", "png")  # which file a thumbnail is drawn from, first found


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


def _thumbnails(out: Path, entries: list[dict], manifest: Manifest
                ) -> dict[tuple[str | None, str, str], str]:
    """A PNG of each piece's first page (drawn once per PDF, and again when the one in the
    folder is not the one the manifest recorded); stale ones are removed."""
    made: dict[tuple[str | None, str, str], str] = {}
    checked: set[str] = set()  # two pieces of the same PDF share one thumbnail
    for key, profiles in groups_of(entries).items():
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
        try:
            image = fmt.picture(data)
        except BuildError as exc:  # said of the file it was read from
            raise BuildError(exc.message, pdf) from None
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


