"""Stage 11: write what a build made: PDFs atomically, the manifest and the signature CSV.

An output folder is the build's own: empty, or holding a manifest pamphleteer wrote for this
campaign, and apart from the campaign's sources. A build removes only files its previous
manifest lists, and only while they are still what it recorded; anything else in the folder
is the user's, and is left alone.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath

from pamphleteer.content import load_strings
from pamphleteer.errors import BuildError
from pamphleteer.files import load_json
from pamphleteer.materials import SIGNATURE_COLUMNS
from pamphleteer.project import SETTINGS_FILE, Project
from pamphleteer.schema import GENERATOR, KIT_FILE, from_a_build, manifest_problem, shown_value
from pamphleteer.theme import folders
from pamphleteer.version import __version__

MANIFEST = "manifest.json"
STATE = ".pamphleteer"  # the build's own files in an output folder: its lock and its cache
SAVE_EVERY = 1.0  # seconds: how often a build rewrites its manifest and cache as it goes
SOURCES = (SETTINGS_FILE, "content", "templates", "assets", "events")  # what a kit is made of
RECOVER = ("if this folder holds only a kit pamphleteer built, delete the folder and build "
           "again; otherwise choose another --out")
# Spreadsheets run a cell that starts with one of these as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Output:
    """A manifest entry: one finished PDF and what the checks found."""

    path: str
    locale: str
    material: str
    profile: str
    content_locale: str
    event: str | None
    pages: int
    bytes: int
    sha256: str
    fit_scale: float
    qr: list[dict]
    warnings: list[str] = field(default_factory=list)
    # How far the text is the locale's: source, translated, outdated, untranslated (the copy
    # new-locale made) or fallback (no file: the source language's).
    translation: str = "source"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes, mode: int = 0o666) -> None:
    """Write ``data`` so that a reader never sees a half-written file; its permissions are
    ``mode`` less the umask, as for any new file (a temporary file would keep only 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(handle, mode & ~_umask())
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def writable(out: Path, name: str) -> Path:
    """``out / name``, refused when a folder on the way is a link: the file would land
    outside the output folder (in whatever folder the link points to)."""
    path = out
    for part in PurePosixPath(name).parts[:-1]:
        path = path / part
        if path.is_symlink():
            raise BuildError(f"this folder of the kit is a link (to {os.readlink(path)}): a "
                             "build writes only inside its output folder; remove the link",
                             path)
    return out / name


def spreadsheet_text(cell: str) -> str:
    """``cell`` as a spreadsheet shows it, as text: one it would run as a formula gets a
    leading single quote (OWASP's rule for CSV files)."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def write_signsheet_csv(project: Project, locale: str, out: Path) -> None:
    """The header row volunteers type the signature sheets into, in the sheet's own words."""
    strings = load_strings(project, locale, [])
    columns = [spreadsheet_text(strings[key]) for key in (*SIGNATURE_COLUMNS, "sheet")]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(columns)
    write_atomic(writable(out, f"{locale}/signsheet.csv"),
                 buffer.getvalue().encode("utf-8-sig"))


# The output folder ---------------------------------------------------------------------------

def _sources(project: Project) -> list[Path]:
    """The campaign's sources and the theme's folders, as named and with links resolved."""
    root = project.root
    named = [root / name for name in SOURCES]
    named += [folder for name in ("templates", "assets") for folder in folders(root, name)]
    return list(dict.fromkeys(form for path in named for form in (path, path.resolve())))


def check_out(project: Project, out: Path) -> None:
    """Refuse an output folder that is or holds the campaign, holds or lies inside one of
    its sources, or holds files and no manifest: a build writes (and removes) files there."""
    _apart(project, out)
    if not os.path.lexists(out / MANIFEST):
        _empty(out)


def _apart(project: Project, out: Path) -> None:
    """Refuse ``out`` if it is or holds the campaign folder, or holds or lies inside one of
    its sources (links resolved, and as named)."""
    for place in dict.fromkeys((Path(os.path.abspath(out)), out.resolve())):
        if project.root.is_relative_to(place):
            raise BuildError(f"the kit cannot go into the campaign's own folder or one "
                             f"holding it ({project.root}): choose a folder of its own, such "
                             f"as {project.root / 'dist'}", out)
        for source in _sources(project):
            how = "lies inside" if place.is_relative_to(source) else \
                "holds" if source.is_relative_to(place) else ""
            if how:
                raise BuildError(f"the kit cannot go here: this folder {how} the campaign's "
                                 f"{source.name} ({source}), which a build must never write "
                                 f"into; choose a folder of its own, such as "
                                 f"{project.root / 'dist'}", out)


def _empty(out: Path) -> None:
    """Refuse ``out`` if it holds anything but pamphleteer's own state."""
    try:
        found = sorted(p.name for p in out.iterdir() if p.name != STATE)
    except (FileNotFoundError, NotADirectoryError):
        return  # made by the build (or an error when it is made)
    except OSError as exc:
        raise BuildError.from_os(exc, out) from None
    if found:
        shown = ", ".join(found[:3]) + (", ..." if len(found) > 3 else "")
        raise BuildError(f"this folder holds files ({shown}) but no {MANIFEST}: a build "
                         "writes only into a new or empty folder, or one it built before, "
                         "so that it never replaces or removes your files; choose another "
                         "--out (a new folder)", out)


@contextmanager
def output_folder(out: Path, project: Project | None = None) -> Iterator[Path]:
    """``out``, made if need be and held for this build alone: two builds into one folder
    would interleave their files and their manifest. With ``project``, a folder the build
    may not write into is refused before anything is made in it."""
    from filelock import FileLock, Timeout

    if project is not None:
        check_out(project, out)
    if (out / STATE).is_symlink():
        raise BuildError("this is a link: the build's own state stays inside the output "
                         "folder; remove the link", out / STATE)
    if (out / STATE / "build.lock").is_symlink():  # filelock would refuse it: say why
        raise BuildError("this lock file is a link: remove it (a build makes its own)",
                         out / STATE / "build.lock")
    try:
        (out / STATE).mkdir(parents=True, exist_ok=True)
        lock = FileLock(out / STATE / "build.lock", timeout=0)
        lock.acquire()
    except Timeout:
        raise BuildError("another build is writing into this folder: wait for it to finish, "
                         "or choose another --out", out) from None
    except OSError as exc:
        raise BuildError.from_os(exc, out) from None
    try:
        yield out
    finally:
        lock.release()


def read_manifest(path: Path, project: Project) -> dict:
    """The manifest at ``path``, checked to be, whole, one pamphleteer wrote for this
    campaign; an error naming it (and how to go on) for anything else."""
    if path.is_dir():
        raise BuildError(f"{MANIFEST} is a folder: remove it, or choose another --out", path)
    try:
        data = load_json(path, (path.parent,))
    except BuildError as exc:
        raise BuildError(f"cannot use this {MANIFEST} ({exc.message}); it says which files "
                         f"a build wrote, and a build cannot go on without it: {RECOVER}",
                         path) from None
    if not isinstance(data, dict) or not from_a_build(data):
        raise BuildError(f"this {MANIFEST} was not written by pamphleteer: refusing to "
                         f"overwrite it ({RECOVER})", path)
    if data.get("campaign") != project.name:
        raise BuildError(f"this folder holds the kit of the campaign "
                         f"{shown_value(data.get('campaign'))}, not {project.name!r}: choose "
                         "another --out (if the campaign was renamed: delete the folder and "
                         "build again)", path)
    problem = manifest_problem(data)
    if problem:
        raise BuildError(f"this {MANIFEST} is damaged ({problem}), so it cannot say which "
                         f"files a build wrote: {RECOVER}", path)
    return data


def _reached(out: Path, name: str, links: dict[Path, bool] | None = None) -> Path | None:
    """``out / name`` if it is a regular file reached through no link, else None (``links``
    remembers which folders are links, for a manifest of thousands of files)."""
    links = {} if links is None else links
    path = out
    for part in PurePosixPath(name).parts:
        path = path / part
        if path not in links:
            links[path] = path.is_symlink()
        if links[path]:
            return None
    return path if path.is_file() else None


def _own_file(out: Path, name: str) -> Path | None:
    """``out / name`` if it is a file a build writes besides PDFs, reached through no link."""
    return _reached(out, name) if KIT_FILE.fullmatch(name) else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class Manifest:
    """``manifest.json`` of an output folder, kept true to the files on disk at every moment:
    an entry leaves it before its PDF is replaced, and comes back once the new one is there.
    Entries of files this build does not touch are kept. Reading it also checks that the
    folder is the build's to write into (see ``read_manifest`` and ``check_out``)."""

    def __init__(self, project: Project, out: Path):
        self.path = out / MANIFEST
        self.campaign = project.name
        self.entries: dict[str, dict] = {}
        self.events: dict[str, dict] = {}  # slug -> what the kit page says of the event
        self.files: dict[str, dict] = {}  # the build's other files: CSVs and the kit page
        self.saved = 0.0  # when it was last written (time.monotonic)
        _apart(project, out)
        if not os.path.lexists(self.path):
            _empty(out)  # a folder of the user's files is not the build's to write into
            return
        data = read_manifest(self.path, project)
        links: dict[Path, bool] = {}
        for entry in data.get("outputs", []):
            if _reached(out, entry["path"], links):
                self.entries[entry["path"]] = entry
        self.files = {record["path"]: record for record in data.get("files", [])
                      if _own_file(out, record["path"])}
        self.events = dict(data.get("events", {}))

    def forget(self, path: str) -> None:
        """Drop the entry of a file about to be replaced (and save)."""
        if self.entries.pop(path, None) is not None:
            self.save()

    def trusted(self, out: Path, name: str) -> bool:
        """Whether the file ``name`` is still the one the manifest recorded: a build reuses
        only its own files, never one put in their place."""
        record, path = self.files.get(name), _own_file(out, name)
        if record is None or path is None or path.stat().st_size != record["bytes"]:
            return False
        return _sha256(path) == record["sha256"]

    def discard(self, out: Path, name: str) -> None:
        """Remove the build's file ``name`` from the folder and the manifest, if it is still
        what the manifest recorded; a file changed since is no longer the build's to
        remove, and stays."""
        if self.trusted(out, name):
            (out / name).unlink(missing_ok=True)
        self.files.pop(name, None)

    def list_files(self, out: Path, paths: list[Path]) -> None:
        """Record the build's files other than PDFs (path, kind, size, SHA-256) and save;
        only files a build writes are recorded, never one of the user's beside them."""
        kinds = {".csv": "signature-sheet CSV", ".html": "kit page", ".png": "thumbnail",
                 ".zip": "download", **dict.fromkeys((".otf", ".ttf", ".woff", ".woff2"),
                                                     "kit page font")}
        self.files = {}
        for path in paths:
            name = path.relative_to(out).as_posix()
            if _own_file(out, name) is None:
                continue
            data = path.read_bytes()
            self.files[name] = {"path": name, "kind": kinds.get(path.suffix, "file"),
                                "bytes": len(data),
                                "sha256": hashlib.sha256(data).hexdigest()}
        self.save()

    def record(self, output: Output) -> None:
        """Add the entry of a file just written; saved at once unless it was saved less than
        a second ago (a kit of thousands of PDFs must not rewrite it thousands of times).
        A file briefly missing its entry is only built again; ``save`` at the end."""
        self.entries[output.path] = asdict(output)
        if time.monotonic() - self.saved >= SAVE_EVERY:
            self.save()

    def save(self) -> None:
        """Write the manifest as it stands; one the next build could not read is refused
        (an entry merged from elsewhere, say), so that it never blocks every later build."""
        self.saved = time.monotonic()
        manifest: dict[str, object] = {
            "campaign": self.campaign, "generator": f"{GENERATOR} {__version__}",
            "outputs": [self.entries[path] for path in sorted(self.entries)]}
        if self.files:
            manifest["files"] = [self.files[path] for path in sorted(self.files)]
        slugs = {entry.get("event") for entry in self.entries.values()}
        if slugs - {None}:  # the events the kit holds pieces of: name, date, place, host
            manifest["events"] = {slug: self.events[slug] for slug in sorted(self.events)
                                  if slug in slugs}
        problem = manifest_problem(manifest)
        if problem:
            raise BuildError(f"refusing to write a manifest the next build could not read "
                             f"({problem})", self.path)
        write_atomic(self.path, (json.dumps(manifest, indent=2, ensure_ascii=False)
                                 + "\n").encode())
