"""Stage 11: write what a build made: PDFs atomically, the manifest and the signature CSV."""

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
from pathlib import Path

from pamphleteer import __version__
from pamphleteer.content import load_strings
from pamphleteer.errors import BuildError
from pamphleteer.materials import SIGNATURE_COLUMNS
from pamphleteer.project import Project

MANIFEST = "manifest.json"


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


def write_signsheet_csv(project: Project, locale: str, out: Path) -> None:
    """The header row volunteers type the signature sheets into, in the sheet's own words."""
    strings = load_strings(project, locale, [])
    columns = [strings[key] for key in (*SIGNATURE_COLUMNS, "sheet")]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(columns)
    write_atomic(out / locale / "signsheet.csv", buffer.getvalue().encode("utf-8-sig"))


GENERATOR = "pamphleteer"
STATE = ".pamphleteer"  # the build's own files in an output folder: its lock and its cache
SAVE_EVERY = 1.0  # seconds: how often a build rewrites its manifest and cache as it goes


@contextmanager
def output_folder(out: Path) -> Iterator[Path]:
    """``out``, made if need be and held for this build alone: two builds into one folder
    would interleave their files and their manifest."""
    from filelock import FileLock, Timeout

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


class Manifest:
    """``manifest.json`` of an output folder, kept true to the files on disk at every moment:
    an entry leaves it before its PDF is replaced, and comes back once the new one is there.
    Entries of files this build does not touch are kept."""

    def __init__(self, project: Project, out: Path):
        self.path = out / MANIFEST
        self.campaign = project.name
        self.entries: dict[str, dict] = {}
        self.events: dict[str, dict] = {}  # slug -> what the kit page says of the event
        self.files: dict[str, dict] = {}  # the build's other files: CSVs and the kit page
        self.saved = 0.0  # when it was last written (time.monotonic)
        if self.path.is_dir():
            raise BuildError(f"{MANIFEST} is a folder: remove it, or choose another --out",
                             self.path)
        if self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                ours = isinstance(data, dict) and \
                    str(data.get("generator", "")).split(" ")[0] == GENERATOR
            except (OSError, ValueError):
                ours = False
            if not ours:
                raise BuildError(f"this {MANIFEST} was not written by pamphleteer: refusing to "
                                 "overwrite it (choose another --out, or remove it)", self.path)
            for entry in data.get("outputs", []):
                if isinstance(entry, dict) and (out / str(entry.get("path"))).is_file():
                    self.entries[str(entry["path"])] = entry
            events = data.get("events")
            if isinstance(events, dict):
                self.events = {str(k): v for k, v in events.items() if isinstance(v, dict)}

    def forget(self, path: str) -> None:
        """Drop the entry of a file about to be replaced (and save)."""
        if self.entries.pop(path, None) is not None:
            self.save()

    def list_files(self, out: Path, paths: list[Path]) -> None:
        """Record the build's files other than PDFs (path, kind, size, SHA-256) and save."""
        kinds = {".csv": "signature-sheet CSV", ".html": "kit page", ".png": "thumbnail",
                 ".zip": "download", ".otf": "kit page font", ".ttf": "kit page font"}
        self.files = {}
        for path in paths:
            data = path.read_bytes()
            name = path.relative_to(out).as_posix()
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
        """Write the manifest as it stands."""
        self.saved = time.monotonic()
        manifest = {"campaign": self.campaign, "generator": f"{GENERATOR} {__version__}",
                    "outputs": [self.entries[path] for path in sorted(self.entries)]}
        if self.files:
            manifest["files"] = [self.files[path] for path in sorted(self.files)]
        slugs = {entry.get("event") for entry in self.entries.values()}
        if slugs - {None}:  # the events the kit holds pieces of: name, date, place, host
            manifest["events"] = {slug: self.events[slug] for slug in sorted(self.events)
                                  if slug in slugs}
        write_atomic(self.path, (json.dumps(manifest, indent=2, ensure_ascii=False)
                                 + "\n").encode())

