"""``merge``: join the output folders of sharded builds (``build --shard K/N``) into one kit,
as if it had been built at once."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pamphleteer import __version__
from pamphleteer.cache import BuildCache
from pamphleteer.errors import BuildError
from pamphleteer.outputs import GENERATOR, MANIFEST, Manifest, output_folder, write_atomic
from pamphleteer.project import Project
from pamphleteer.site import site_files, write_site


def merge(project: Project, sources: list[Path], out: Path) -> tuple[list[str], Path]:
    """Join the shards into ``out`` and write its kit page; the PDFs copied and the page."""
    copied = merge_kits(project, sources, out)
    page = write_site(project, out)
    with output_folder(out):
        Manifest(project, out).list_files(out, sorted(out.glob("*/signsheet.csv"))
                                          + site_files(out))
    return copied, page


def merge_kits(project: Project, sources: list[Path], out: Path) -> list[str]:
    """Join the output folders of sharded builds (``build --shard K/N``) into ``out``: every
    PDF each manifest lists, checked against its hash, the signature-sheet CSVs and the
    build cache's keys. Returns the paths copied. A PDF two shards disagree on is an error."""
    taken: dict[str, tuple[str, Path]] = {}  # path -> (sha256, the shard it came from)
    plan: list[tuple[Path, dict, str | None]] = []
    extras: dict[str, Path] = {}
    events: dict[str, dict] = {}
    for source in sources:
        if source.resolve() == out.resolve():
            raise BuildError("a shard folder cannot also be the folder merged into", source)
        entries, shard_events = _shard_entries(project, source)
        keys = BuildCache(source).keys
        events.update(shard_events)
        for entry in entries:
            path = entry["path"]
            sha = entry.get("sha256")
            if path in taken:  # two shards built it: the same PDF, copied once
                if taken[path][0] != sha:
                    raise BuildError(f"{path} differs between {taken[path][1]} and {source}: "
                                     "were the shards built from the same campaign?",
                                     source / MANIFEST)
                continue
            taken[path] = (sha, source)
            plan.append((source, entry, keys.get(path)))
        for csv_file in sorted(source.glob("*/signsheet.csv")):
            extras[csv_file.relative_to(source).as_posix()] = csv_file
    with output_folder(out):
        manifest = Manifest(project, out)
        manifest.events.update(events)
        cache = BuildCache(out)
        for source, entry, key in plan:
            path = entry["path"]
            data = (source / path).read_bytes()
            manifest.forget(path)
            write_atomic(out / path, data)
            manifest.entries[path] = entry
            if key:
                cache.keys[path] = key
        for path, csv_file in extras.items():
            write_atomic(out / path, csv_file.read_bytes())
        manifest.save()
        cache.save()
    return [entry["path"] for _, entry, _ in plan]


def _shard_entries(project: Project, source: Path) -> tuple[list[dict], dict[str, dict]]:
    """The manifest entries of one shard's folder, each PDF checked against its hash, and
    its events."""
    path = source / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BuildError(f"no {MANIFEST} here: is this the output folder of a build?",
                         source) from None
    except (OSError, ValueError) as exc:
        raise BuildError(f"cannot read this manifest ({exc})", path) from None
    if not isinstance(data, dict) or str(data.get("generator", "")).split(" ")[0] != GENERATOR:
        raise BuildError("this manifest was not written by pamphleteer", path)
    if data.get("campaign") != project.name:
        raise BuildError(f"this kit is of the campaign {data.get('campaign')!r}, not "
                         f"{project.name!r}", path)
    if data.get("generator") != f"{GENERATOR} {__version__}":
        raise BuildError(f"built by {data.get('generator')}, not {GENERATOR} {__version__}: "
                         "build every shard with the same version", path)
    entries = []
    for entry in data.get("outputs", []):
        name = str(entry.get("path", "")) if isinstance(entry, dict) else ""
        file = source / name
        if not name or name.startswith("/") or ".." in Path(name).parts or not file.is_file():
            raise BuildError(f"the manifest lists {name!r}, which is not a file of this folder",
                             path)
        if hashlib.sha256(file.read_bytes()).hexdigest() != entry.get("sha256"):
            raise BuildError(f"{name} does not match its manifest entry (changed after the "
                             "build?)", path)
        entries.append(entry)
    events = data.get("events", {})
    return entries, events if isinstance(events, dict) else {}

