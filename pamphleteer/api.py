"""The library API: what each command does, as functions returning what the command prints.

``pamphleteer.build(...)``, ``pamphleteer.check(...)`` and ``api.merge(...)``: the CLI
parses its options, calls one of these and prints the result; a script, a CI job or a web
front end calls them the same way. Problems a user can cause come back as messages in the
result (or, for what stops the whole command, as a ``PamphleteerError`` naming the file).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from pamphleteer.events import event_notes, load_events
from pamphleteer.kit import KitResult, Report, build_kit, plan
from pamphleteer.kit import shard as kit_shard
from pamphleteer.limits import JOB_SECONDS
from pamphleteer.pipeline import Job
from pamphleteer.project import Project, load_project
from pamphleteer.validate import Report as CheckReport
from pamphleteer.validate import check_project

# Hears the plan before the first job starts: the jobs, the output folder, and the warnings
# known already (settings, event files, languages left out).
Start = Callable[[list[Job], Path, list[str]], None]


@dataclass
class BuildResult(KitResult):
    """A build's outcome: ``KitResult`` with the folder it went to, how many outputs were
    planned, and the languages left out because their settings are broken (said, but never
    an error when the build was not asked for them)."""

    out: Path = Path()
    planned: int = 0
    left_out: list[str] = field(default_factory=list)


def build(project: Project | Path | str, *, out: Path | str | None = None,
          locales: list[str] | tuple[str, ...] = (), materials: list[str] | tuple[str, ...] = (),
          profiles: list[str] | tuple[str, ...] = (), workers: int = 1, strict: bool = False,
          event: Path | str | None = None, seconds: float = JOB_SECONDS,
          use_cache: bool = True, shard: tuple[int, int] | None = None,
          started: Start | None = None, report: Report | None = None) -> BuildResult:
    """Build the kit of ``project`` (a folder, or a loaded ``Project``) into ``out`` (default
    ``<project>/dist``): what the build command does. ``started(jobs, out, notes)`` hears
    the plan first; ``report(job, output, errors, warnings)`` each job as it is done."""
    loaded = project if isinstance(project, Project) else load_project(project)
    folder = Path(out) if out is not None else loaded.root / "dist"
    events = load_events(loaded, Path(event)) if event is not None else None
    if events:  # an old event file left in the folder: a warning (an error with --strict)
        loaded = replace(loaded, notes=loaded.notes + tuple(event_notes(events)))
    jobs = plan(loaded, list(locales), list(materials), list(profiles), events)
    if shard:
        jobs = kit_shard(jobs, *shard)
    errors, left_out = broken_locales(loaded, tuple(locales))
    if started:  # under --strict, the settings' warnings come back as the build's errors
        started(jobs, folder, left_out + ([] if strict else [str(n) for n in loaded.notes]))
    kit = build_kit(loaded, jobs, folder, workers=workers, strict=strict, seconds=seconds,
                    report=report, use_cache=use_cache)
    kit.errors += errors  # a language of the kit that could not be built at all
    return BuildResult(**vars(kit), out=folder, planned=len(jobs), left_out=left_out)


def check(project: Project | Path | str, *, locales: list[str] | tuple[str, ...] = (),
          materials: list[str] | tuple[str, ...] = (),
          seconds: float = JOB_SECONDS) -> CheckReport:
    """Check ``project`` as the check command does: settings, content, glyphs, the fit of
    every piece and the translation status, without writing a PDF."""
    loaded = project if isinstance(project, Project) else load_project(project)
    plan(loaded, list(locales))  # an unknown locale is an error, as in build
    report = check_project(loaded, list(locales), list(materials), seconds)
    errors, left_out = broken_locales(loaded, tuple(locales))
    report.errors += errors
    report.left_out = left_out
    return report


def merge(project: Project | Path | str, shards: list[Path],
          out: Path | str | None = None) -> tuple[list[str], Path]:
    """Join sharded builds' output folders into ``out``: the files copied, and the kit page."""
    from pamphleteer.merge import merge as merge_shards

    loaded = project if isinstance(project, Project) else load_project(project)
    return merge_shards(loaded, [Path(s) for s in shards],
                        Path(out) if out is not None else loaded.root / "dist")


def broken_locales(project: Project, locales: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Locales whose settings are wrong: an error for each one the command covers (all of
    them, when no -l is given), and a note for the others, which must not stop work on the
    rest (not even under --strict)."""
    errors, notes = [], []
    for code, error in project.broken.items():
        if locales and code not in locales:
            notes.append(f"{error.format_message()} (the {code} kit is left out)")
        else:
            errors.append(f"{error.format_message()} (the {code} kit cannot be built)")
    return errors, notes
