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
from functools import cache
from pathlib import Path

from pamphleteer import __version__
from pamphleteer.content import STRINGS_FILE, content_path
from pamphleteer.locales import LOCALE_FILE
from pamphleteer.materials import MATERIALS
from pamphleteer.outputs import STATE, write_atomic
from pamphleteer.project import SETTINGS_FILE, Project

FILE = "cache.json"
PACKAGE = Path(__file__).resolve().parent
# Libraries whose version changes the bytes of a PDF.
LIBRARIES = ("weasyprint", "pydyf", "pikepdf", "qrcode", "pillow", "fonttools", "pyphen")


def shared_key(project: Project) -> str:
    """The hash of what every job depends on alike: pamphleteer and the libraries that write
    the PDF, the templates, the assets, and the edition date (which may come from the clock).
    (Computed once a build: hashing the assets takes a moment.)"""
    return hashlib.sha256(f"{__version__}\n{_code()}\n{_libraries()}\n{project.edition}\n"
                          f"{_tree(project.templates_dir)}\n{_tree(project.root / 'assets')}"
                          .encode()).hexdigest()


@cache
def _libraries() -> str:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in LIBRARIES:
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} -")
    return ", ".join(found)


def job_key(project: Project, shared: str, locale: str, material: str, profile: str,
            event: str | None = None) -> str:
    """The hash of everything the PDF of one job is made from (``shared``: see shared_key)."""
    source = project.source_locale
    own = content_path(project, locale, material)
    languages = [project.content_dir / code for code in dict.fromkeys((locale, source))]
    files = [project.root / SETTINGS_FILE, own,
             *(folder / name for folder in languages for name in (LOCALE_FILE, STRINGS_FILE))]
    if not own.is_file() or MATERIALS[material].bilingual:  # the source text is printed too
        files.append(content_path(project, source, material))
    digest = hashlib.sha256(f"{shared}\n{locale}\n{material}\n{profile}\n{event or ''}\n"
                            .encode())
    for path in files:  # a missing file counts too: adding one changes the key
        digest.update(f"{path.relative_to(project.root)}\n".encode())
        digest.update(_file(path))
    return digest.hexdigest()


def _file(path: Path) -> bytes:
    try:
        return hashlib.sha256(path.read_bytes()).digest()
    except OSError:
        return b"-"


@cache
def _code() -> str:
    """pamphleteer's own source: a changed engine rebuilds everything, version or not."""
    return _tree(PACKAGE)


def _tree(folder: Path) -> str:
    """A hash of every file below ``folder`` (names and contents), links followed."""
    digest = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if path.suffix == ".pyc":
                continue
            digest.update(f"{path.relative_to(folder).as_posix()}\n".encode())
            digest.update(_file(path))
    return digest.hexdigest()


class BuildCache:
    """The keys of the PDFs in an output folder, as they were when each was written."""

    def __init__(self, out: Path, enabled: bool = True):
        self.path = out / STATE / FILE
        self.keys: dict[str, str] = {}
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
        try:
            data = (out / path).read_bytes()
        except OSError:
            return False
        return hashlib.sha256(data).hexdigest() == entry.get("sha256")

    def record(self, path: str, key: str) -> None:
        """Remember the key of a PDF just written (and save)."""
        self.keys[path] = key
        body = {"generator": f"pamphleteer {__version__}", "keys": dict(sorted(self.keys.items()))}
        write_atomic(self.path, (json.dumps(body, indent=1) + "\n").encode())

