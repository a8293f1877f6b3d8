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

from pamphleteer import __version__
from pamphleteer.content import STRINGS_FILE, content_path
from pamphleteer.fonts import FONTS_FILE
from pamphleteer.locales import LOCALE_FILE
from pamphleteer.materials import MATERIALS
from pamphleteer.outputs import SAVE_EVERY, STATE, write_atomic
from pamphleteer.photos import ASSETS, is_photo
from pamphleteer.profiles import PROFILES
from pamphleteer.project import SETTINGS_FILE, Project
from pamphleteer.theme import find, folders

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
    # Photos a template shows (a campaign's own template may) count for every job.
    templates = folders(project.root, "templates")  # the campaign's own, then the theme's
    shown = {find(project.root, unquote(src)).resolve() for folder in templates
             for path in _files(folder) for src in _ASSET_LINK.findall(_text(path))}
    faces = {face.path for face in project.font_faces}
    others = [_tree(folder, skip=lambda path: path.resolve() not in shown and (
        path.resolve() in faces or is_photo(path) or path.suffix.lower() in (".icc", ".icm")))
        for folder in folders(project.root, ASSETS)]
    trees = [_tree(folder) for folder in templates]
    return hashlib.sha256(f"{__version__}\n{_code()}\n{_libraries()}\n{project.edition}\n"
                          f"{trees}\n{others}\n{project.identity.logo}".encode()).hexdigest()


def asset_files(project: Project, locale: str, profile: str, texts: list[str]) -> list[Path]:
    """The assets one job's PDF is made from: the font files of the families its language
    sets in, the photos its content (``texts``) places, and for print shops the output
    profile. Another font, photo or profile changing does not rebuild it."""
    families = {family for stack in project.locales[locale].fonts.values() for family in stack}
    files = [find(project.root, FONTS_FILE)] + [face.path for face in project.font_faces
                                                if face.family in families]
    for text in texts:
        files += [find(project.root, unquote(src)) for src in _ASSET_LINK.findall(text)]
    if PROFILES[profile].cmyk:
        files.append(project.asset(project.output_intent.path))
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
    """The hash of everything the PDF of one job is made from (``shared``: see shared_key)."""
    source = project.source_locale
    own = content_path(project, locale, material)
    languages = [project.content_dir / code for code in dict.fromkeys((locale, source))]
    contents = [own]
    if not own.is_file() or MATERIALS[material].bilingual:  # the source text is printed too
        contents.append(content_path(project, source, material))
    files = [project.root / SETTINGS_FILE, *contents,
             *(folder / name for folder in languages for name in (LOCALE_FILE, STRINGS_FILE)),
             *asset_files(project, locale, profile, [_text(path) for path in contents])]
    digest = hashlib.sha256(f"{shared}\n{locale}\n{material}\n{profile}\n{event or ''}\n"
                            .encode())
    for path in files:  # a missing file counts too: adding one changes the key
        name = path.relative_to(project.root) if path.is_relative_to(project.root) else path
        digest.update(f"{name}\n".encode())
        digest.update(_file(path))
    return digest.hexdigest()


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _file(path: Path) -> bytes:
    """The hash of a file's contents (b"-" if it cannot be read). A long-lived process
    (``watch``) hashes a file again only when its size, time or inode changed."""
    try:
        info = path.stat()
        signature = (info.st_size, info.st_mtime_ns, info.st_ino)
        known = _DIGESTS.get(path)
        if known is None or known[0] != signature:
            known = _DIGESTS[path] = (signature, hashlib.sha256(path.read_bytes()).digest())
        return known[1]
    except OSError:
        return b"-"


_DIGESTS: dict[Path, tuple[tuple[int, int, int], bytes]] = {}


@cache
def _code() -> str:
    """pamphleteer's own source: a changed engine rebuilds everything, version or not."""
    return _tree(PACKAGE)


def _tree(folder: Path, skip: Callable[[Path], bool] = lambda path: False) -> str:
    """A hash of every file below ``folder`` (names and contents), links followed."""
    digest = hashlib.sha256()
    for path in _files(folder):
        if path.suffix == ".pyc" or skip(path):
            continue
        digest.update(f"{path.relative_to(folder).as_posix()}\n".encode())
        digest.update(_file(path))
    return digest.hexdigest()


def _files(folder: Path) -> list[Path]:
    """Every file below ``folder``, in a stable order."""
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


class BuildCache:
    """The keys of the PDFs in an output folder, as they were when each was written."""

    def __init__(self, out: Path, enabled: bool = True):
        self.path = out / STATE / FILE
        self.keys: dict[str, str] = {}
        self.saved = 0.0
        if enabled:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                self.keys = {str(k): str(v) for k, v in data["keys"].items()}
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                self.keys = {}  # no cache, or one that cannot be read: build everything

    def fresh(self, path: str, key: str, entry: dict | None, out: Path) -> bool:
        """Whether the PDF at ``path`` was made from ``key`` and is still what the manifest
        ``entry`` says was written."""
        if self.keys.get(path) != key or not entry:
            return False
        return _file(out / path).hex() == entry.get("sha256")  # b"-" if it is gone

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

