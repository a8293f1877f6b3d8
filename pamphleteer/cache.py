"""The build cache: a PDF is rebuilt only when something it depends on has changed.

A job's key hashes everything its PDF is made from: its content file (or the fallback it
uses, and the source text a bilingual piece prints too), the strings and language settings,
the campaign settings, the templates, the assets (fonts, colour profile, logo, photos), the
event, and pamphleteer itself. A job whose key is unchanged, whose PDF is still on disk and
still matches the manifest, is not rendered again. The keys live in ``<out>/.pamphleteer/``;
a cache that cannot be read is ignored, never fatal.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from urllib.parse import unquote

from pamphleteer.content import STRINGS_FILE, content_path, present
from pamphleteer.errors import PamphleteerError
from pamphleteer.files import checked, kind_of, load_json, read_bytes, real_path
from pamphleteer.fonts import FONTS_FILE
from pamphleteer.locales import LOCALE_FILE
from pamphleteer.materials import MATERIALS
from pamphleteer.outputs import SAVE_EVERY, STATE, write_atomic
from pamphleteer.photos import ASSETS, is_photo
from pamphleteer.profiles import PROFILES
from pamphleteer.project import SETTINGS_FILE, Project
from pamphleteer.theme import find, folders, roots
from pamphleteer.translation import STRINGS, copies_source, file_status, tracked_path
from pamphleteer.version import __version__

FILE = "cache.json"
PACKAGE = Path(__file__).resolve().parent
# Libraries whose version changes the bytes of a PDF (pinned in constraints.txt).
LIBRARIES = ("weasyprint", "tinyhtml5", "pydyf", "tinycss2", "cssselect2", "pikepdf", "qrcode",
             "pillow", "fonttools", "pyphen", "babel", "markdown", "nh3", "jinja2", "pyyaml")


def shared_key(project: Project) -> str:
    """The hash of what every job depends on alike: pamphleteer and the libraries that write
    the PDF, the templates, the logo, the edition date (which may come from the clock), and
    any asset that is not a font, photo or colour profile (those count only for the jobs that
    use them: see ``asset_files``)."""
    _THIS_BUILD.clear()  # a new build: every file is looked at again
    if len(_TEXTS) > 4096:  # watch: copy edited a thousand times over
        _TEXTS.clear()
    # Photos a template shows (a campaign's own template may) count for every job.
    within = roots(project.root)
    templates = folders(project.root, "templates")  # the campaign's own, then the theme's
    shown = {_real(find(project.root, unquote(src))) for folder in templates
             for path in _files(folder) for src in _ASSET_LINK.findall(_text(path, within))}
    faces = {face.path for face in project.font_faces}
    others = [_tree(folder, within, skip=lambda path: _real(path) not in shown and (
        _real(path) in faces or is_photo(path) or path.suffix.lower() in (".icc", ".icm")))
        for folder in folders(project.root, ASSETS)]
    trees = [_tree(folder, within) for folder in templates]
    return hashlib.sha256(f"{__version__}\n{_code()}\n{_libraries()}\n{project.edition}\n"
                          f"{trees}\n{others}\n{project.identity.logo}".encode()).hexdigest()


def asset_files(project: Project, locale: str, profile: str, texts: list[str],
                content_locale: str | None = None) -> list[Path]:
    """The assets one job's PDF is made from: the font files of the families its language
    sets in (and those of ``content_locale``, the language of the copy it prints, where that
    is another's), the photos its content (``texts``) places, and for print shops the output
    profile. Another font, photo or profile changing does not rebuild it."""
    languages = dict.fromkeys((locale, content_locale or locale))
    families = {family for code in languages for stack in project.locales[code].fonts.values()
                for family in stack}
    files = [find(project.root, FONTS_FILE)] + [face.path for face in project.font_faces
                                                if face.family in families]
    for text in texts:
        files += [find(project.root, unquote(src)) for src in _ASSET_LINK.findall(text)]
    if PROFILES[profile].cmyk:
        files.append(project.asset(project.output_intent(locale).path))
    return list(dict.fromkeys(files))


_ASSET_LINK = re.compile(r"(?<![\w/])(assets/[^\s)\"'<>]+)")


@cache
def _libraries() -> str:
    found = _installed(LIBRARIES)
    missing = [name for name in LIBRARIES if name not in found]
    if missing:  # not installed from a wheel (an egg, a system package): ask its metadata
        from importlib.metadata import PackageNotFoundError, version

        for name in missing:
            try:
                found[name] = version(name)
            except PackageNotFoundError:
                found[name] = "-"
    return ", ".join(f"{name} {found[name]}" for name in LIBRARIES)


def _installed(names: tuple[str, ...]) -> dict[str, str]:
    """Versions of the ``names`` installed from wheels, read from their ``.dist-info``
    folders' names (``name-version.dist-info``, the first on the path wins, as for import):
    one listing of each path folder, where ``importlib.metadata`` takes 3 ms a library, a
    tenth of a build with nothing to render."""
    wanted = {_normal(name): name for name in names}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            listing = os.listdir(entry or ".")
        except OSError:
            continue
        for folder in listing:
            if folder.endswith(".dist-info"):
                project, _, release = folder[:-len(".dist-info")].partition("-")
                name = wanted.get(_normal(project))
                if name and release and name not in found:
                    found[name] = release
    return found


def _normal(name: str) -> str:
    """A project name as packaging compares it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def job_key(project: Project, shared: str, locale: str, material: str, profile: str,
            event: str | None = None) -> str:
    """The hash of everything the PDF of one job is made from (``shared``: see shared_key,
    which begins each build: after it, each file is looked at once for all the jobs)."""
    source = project.source_locale
    own = content_path(project, locale, material)
    languages = [project.content_dir / code for code in dict.fromkeys((locale, source))]
    contents = [own]
    if not present(own) or MATERIALS[material].bilingual:  # the source text is printed too
        contents.append(content_path(project, source, material))
    within = roots(project.root)
    texts = [_text(path, within) for path in contents]
    files = [project.root / SETTINGS_FILE, *contents,
             *(folder / name for folder in languages for name in (LOCALE_FILE, STRINGS_FILE)),
             *asset_files(project, locale, profile, texts,
                          _content_locale(project, locale, material))]
    digest = hashlib.sha256(f"{shared}\n{locale}\n{material}\n{profile}\n{event or ''}\n"
                            .encode())
    for path in files:  # a missing file counts too: adding one changes the key
        name = path.relative_to(project.root) if path.is_relative_to(project.root) else path
        digest.update(f"{name}\n".encode())
        digest.update(_hashed(path, within))
    if locale != source:
        # The manifest says how far the copy and the strings are translated: a change to
        # the source alone (its copy of another material, say) can make them outdated.
        for tracked in (material, STRINGS):
            digest.update(f"{tracked}: {_state(project, locale, tracked, within)}\n".encode())
    return digest.hexdigest()


def _state(project: Project, locale: str, tracked: str, within: tuple[Path, ...]) -> str:
    """``file_status``'s state, worked out once while the file and its source are unchanged
    (a build asks for it once per profile, and fingerprints parse the whole file)."""
    own = tracked_path(project, locale, tracked)
    source = tracked_path(project, project.source_locale, tracked)
    key = (own, _hashed(own, within), source, _hashed(source, within))
    if key not in _STATES:
        _STATES[key] = file_status(project, locale, tracked).state
    return _STATES[key]


_STATES: dict[tuple[Path, bytes, Path, bytes], str] = {}


def _content_locale(project: Project, locale: str, material: str) -> str:
    """The language of the copy a job prints, whose fonts set it: the source language's for
    a missing translation, and for a copy new-locale made of the source and nobody has
    translated yet (as the build decides: see ``kit._translation``)."""
    source = project.source_locale
    own = content_path(project, locale, material)
    if locale == source:
        return locale
    if not present(own):
        return source
    within = roots(project.root)
    if not present(content_path(project, source, material)):
        return locale
    key = (own, _hashed(own, within))
    if key not in _COPIES:
        try:
            _COPIES[key] = copies_source(own, project.content_dir)
        except PamphleteerError:
            _COPIES[key] = False  # a file that cannot be read: its build says why
    return source if _COPIES[key] else locale


_COPIES: dict[tuple[Path, bytes], bool] = {}


def _real(path: Path) -> Path:
    """``path`` with its links resolved (as it is, for a loop of links)."""
    return real_path(path) or path


def _text(path: Path, within: tuple[Path, ...]) -> str:
    """A text file's words, for the assets it names ("" if it cannot be read: checked, and
    never a device, a pipe or a giant)."""
    digest = _hashed(path, within)
    if digest not in _TEXTS:
        try:
            _TEXTS[digest] = read_bytes(path, "text", within).decode("utf-8", errors="replace")
        except PamphleteerError:
            _TEXTS[digest] = ""
    return _TEXTS[digest]


_TEXTS: dict[bytes, str] = {}  # by digest: the copy a build's jobs share, read once


def _hashed(path: Path, within: tuple[Path, ...]) -> bytes:
    """``_file`` of ``path``, found once per build: every job of a build hashes the same
    settings, strings and fonts. (``shared_key``, which a build computes first, starts
    each build's count afresh, so that ``watch`` sees every edit.)"""
    key = (path, within)
    if key not in _THIS_BUILD:
        _THIS_BUILD[key] = _file(path, within)
    return _THIS_BUILD[key]


_THIS_BUILD: dict[tuple[Path, tuple[Path, ...]], bytes] = {}


def _file(path: Path, within: tuple[Path, ...] = (), kind: str | None = None) -> bytes:
    """The hash of a file's contents, read as ``files.read_bytes`` reads it (an ordinary
    file under its kind's cap, in one of the folders ``within``, which are resolved). A file
    that cannot be read, or is not there, hashes as what is wrong with it: the build that
    needs it says so. A long-lived process (``watch``) hashes a file again only when it
    changed."""
    kind = kind or kind_of(path)
    try:
        real = checked(path, kind)  # the folders are checked here: resolved once, not per file
        if within and not any(real.is_relative_to(folder) for folder in within):
            return f"!a link to {real}, outside the campaign".encode()
        info = real.stat()
        # ctime too: a file rewritten in place with its time set back is still seen
        signature = (real, info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
        known = _DIGESTS.get(path)
        if known is None or known[0] != signature:
            data = read_bytes(real, kind, within)
            known = _DIGESTS[path] = (signature, hashlib.sha256(data).digest())
        return known[1]
    except PamphleteerError as exc:
        return f"!{exc.message}".encode()
    except OSError as exc:  # gone between the check and the read
        return f"!{exc.strerror}".encode()


_DIGESTS: dict[Path, tuple[tuple[Path, int, int, int, int], bytes]] = {}


@cache
def _code() -> str:
    """pamphleteer's own source: a changed engine rebuilds everything, version or not."""
    return _tree(PACKAGE, (PACKAGE.resolve(),))


def _tree(folder: Path, within: tuple[Path, ...] = (),
          skip: Callable[[Path], bool] = lambda path: False) -> str:
    """A hash of every file below ``folder`` (names and contents), links followed to files
    in ``within``; anything else (a pipe, a link out) counts as what is wrong with it."""
    digest = hashlib.sha256()
    for path in _files(folder):
        if path.suffix == ".pyc" or skip(path):
            continue
        digest.update(f"{path.relative_to(folder).as_posix()}\n".encode())
        digest.update(_file(path, within))
    return digest.hexdigest()


def _files(folder: Path) -> list[Path]:
    """Everything below ``folder`` but folders (a pipe or a broken link too: it must count),
    in a stable order. Links to folders are not followed."""
    return sorted(p for p in folder.rglob("*") if not p.is_dir()) if folder.is_dir() else []


class BuildCache:
    """The keys of the PDFs in an output folder, as they were when each was written."""

    def __init__(self, out: Path, enabled: bool = True):
        self.path = out / STATE / FILE
        self.keys: dict[str, str] = {}
        self.saved = 0.0
        if enabled:
            self.keys = _keys(self.path, out)

    def fresh(self, path: str, key: str, entry: dict | None, out: Path) -> bool:
        """Whether the PDF at ``path`` was made from ``key`` and is still what the manifest
        ``entry`` says was written."""
        if self.keys.get(path) != key or not entry:
            return False
        # What is not an ordinary file in the output folder hashes as no PDF does.
        return _file(out / path, (out.resolve(),), "pdf").hex() == entry.get("sha256")

    def record(self, path: str, key: str) -> None:
        """Remember the key of a PDF just written (saved at most once a second; a key not yet
        saved only means that PDF is built again)."""
        self.keys[path] = key
        if time.monotonic() - self.saved >= SAVE_EVERY:
            self.save()

    def save(self) -> None:
        """Write the keys as they stand."""
        self.saved = time.monotonic()
        body = {"generator": f"pamphleteer {__version__}", "keys": dict(sorted(self.keys.items()))}
        write_atomic(self.path, (json.dumps(body, indent=1) + "\n").encode())



def _keys(path: Path, out: Path) -> dict[str, str]:
    """The keys a cache file holds; none from one that cannot be read or is not what
    pamphleteer writes (then everything is built)."""
    try:
        data = load_json(path, [out])
    except PamphleteerError:
        return {}
    keys = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(keys, dict):
        return {}
    return {name: key for name, key in keys.items()
            if isinstance(name, str) and isinstance(key, str)}
