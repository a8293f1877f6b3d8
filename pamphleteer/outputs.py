"""Stage 11: write what a build made: PDFs atomically, the manifest and the signature CSV."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pamphleteer import __version__
from pamphleteer.content import load_strings
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


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` so that a reader never sees a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
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


def write_manifest(project: Project, out: Path, outputs: list[Output]) -> None:
    """Merge this build's outputs into ``manifest.json`` (entries of other files are kept)."""
    path = out / MANIFEST
    rebuilt = {output.path for output in outputs}
    kept: list[dict] = []
    if path.is_file():
        try:
            previous = json.loads(path.read_text(encoding="utf-8")).get("outputs", [])
        except (ValueError, AttributeError):  # not JSON, not UTF-8, not a manifest
            previous = []
        kept = [entry for entry in previous if isinstance(entry, dict)
                and entry.get("path") not in rebuilt and (out / str(entry.get("path"))).is_file()]
    entries = sorted(kept + [asdict(o) for o in outputs], key=lambda e: e["path"])
    manifest = {"campaign": project.name, "generator": f"pamphleteer {__version__}",
                "outputs": entries}
    write_atomic(path, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode())
