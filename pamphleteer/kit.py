"""Stage 10: plan the kit (locale x material x profile), then build it: the cache decides what
is left to make, a pool of workers makes each document (``pipeline``), and each result is
written and reported as soon as it comes back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pamphleteer.cache import BuildCache, job_key, shared_key
from pamphleteer.content import content_path, present
from pamphleteer.errors import BuildError, UsageError
from pamphleteer.events import Event
from pamphleteer.limits import JOB_SECONDS
from pamphleteer.materials import MATERIALS
from pamphleteer.outputs import (
    Manifest,
    Output,
    output_folder,
    writable,
    write_atomic,
    write_signsheet_csv,
)
from pamphleteer.pdf import render_pdf
from pamphleteer.pipeline import Job, JobResult, build_document, document_results, failed
from pamphleteer.profiles import PROFILES, RGB
from pamphleteer.project import Project
from pamphleteer.render import theme_css
from pamphleteer.site import site_files, write_site
from pamphleteer.workers import Died, run_tasks

__all__ = ["Job", "JobResult", "KitResult", "build_kit", "documents", "plan", "shard",
           "warm_up"]


@dataclass
class KitResult:
    """The outcome of a build: entries written, every error and warning, layouts made."""

    outputs: list[Output]
    errors: list[str]
    warnings: list[str]
    layouts: int = 0
    underlays: int = 0
    jobs: int = 0
    unchanged: list[Output] = field(default_factory=list)  # up to date: not rendered again


def plan(project: Project, locales: list[str] | None = None, materials: list[str] | None = None,
         profiles: list[str] | None = None, events: list[Event] | None = None) -> list[Job]:
    """Every (locale, material, profile) to build, in a stable order; with ``events``, each
    event's pieces instead (the materials that carry an event, in the event's locales)."""
    for code in locales or ():
        if code in project.broken:
            raise project.broken[code]
        if code not in project.locales:
            known = ", ".join(project.locales)
            raise UsageError(f"-l {code}: unknown locale '{code}' (this campaign has: {known}; "
                             "a new one starts with: new-locale CODE)")
    materials = materials or [name for name, material in MATERIALS.items()
                              if not material.optional or _has_copy(project, name)]
    if not events:
        jobs = list(dict.fromkeys(Job(locale, material, profile)
                                  for locale in (locales or list(project.locales))
                                  for material in materials
                                  for profile in (profiles or list(PROFILES))
                                  if PROFILES[profile].kind == MATERIALS[material].kind))
        if not jobs:
            kinds = {kind: [name for name, p in PROFILES.items() if p.kind == kind]
                     for kind in dict.fromkeys(MATERIALS[m].kind for m in materials)}
            made = "; ".join(f"{', '.join(m for m in materials if MATERIALS[m].kind == kind)} "
                             f"{'is' if len(materials) == 1 else 'are'} made in: "
                             f"{', '.join(names)}" for kind, names in kinds.items())
            raise UsageError(f"none of these profiles makes these materials ({made})")
        return jobs
    carrying = [m for m in materials if MATERIALS[m].event]
    if not carrying:
        raise UsageError(f"none of these materials carries an event (those that do: "
                         f"{', '.join(m for m in MATERIALS if MATERIALS[m].event)})")
    jobs = list(dict.fromkeys(Job(locale, material, profile, event)
                              for event in events
                              for locale in (locales or list(project.locales))
                              if event.locales is None or locale in event.locales
                              for material in carrying
                              for profile in (profiles or list(PROFILES))
                              if PROFILES[profile].kind == MATERIALS[material].kind))
    if not jobs:
        raise UsageError(f"no event is held in {', '.join(locales or [])}: each event file's "
                         "locales = [...] leaves it out", events[0].path)
    return jobs


COSTS = {"booklet": 6.0, "trifold": 3.0, "signsheet": 2.0, "poster": 1.5, "flyer": 1.5}
CJK_COST = 1.5


def _has_copy(project: Project, material: str) -> bool:
    """Whether the campaign has the Markdown of ``material`` in its source language."""
    return present(content_path(project, project.source_locale, material))


def _cost(project: Project, locale: str, material: str, profiles: tuple[str, ...]) -> float:
    """A guess at how long a document takes, to start the longest first."""
    script = CJK_COST if project.locales[locale].keep_words else 1.0
    return COSTS.get(material, 1.0) * script * len(profiles)


Group = tuple[str, str, tuple[str, ...], "Event | None"]  # locale, material, profiles, event


def documents(jobs: list[Job]) -> list[Group]:
    """The jobs grouped by document (locale, material, event), each with its profiles, in
    order."""
    groups: dict[tuple[str, str, Event | None], list[str]] = {}
    for job in jobs:
        groups.setdefault((job.locale, job.material, job.event), []).append(job.profile)
    return [(locale, material, tuple(profiles), event)
            for (locale, material, event), profiles in groups.items()]


def shard(jobs: list[Job], number: int, count: int) -> list[Job]:
    """Slice ``number`` (1 to ``count``) of the jobs: whole documents, dealt out in plan order
    like cards, so that every slice holds a like mix of materials and the slices of one plan
    are the same on every machine."""
    mine = {group[:2] + group[3:] for i, group in enumerate(documents(jobs))
            if i % count == number - 1}
    return [job for job in jobs if (job.locale, job.material, job.event) in mine]


Report = Callable[[Job, "Output | None", list[str], list[str]], None]


def build_kit(project: Project, jobs: list[Job], out: Path, workers: int = 1,
              strict: bool = False, seconds: float = JOB_SECONDS,
              report: Report | None = None, use_cache: bool = True) -> KitResult:
    """Build ``jobs`` into ``out`` and update the manifest; failed jobs leave old files alone.
    Each document has ``seconds`` to build. ``report(job, output, errors, warnings)`` hears of
    each job as soon as its PDF is written (``output`` is None when it failed or was already
    up to date). A PDF whose inputs have not changed since it was written is not rendered
    again, unless ``use_cache`` is False."""
    notes = [str(note) for note in project.notes]
    if strict and notes:
        return KitResult(outputs=[], errors=[f"{n} (--strict)" for n in notes], warnings=[])
    result = KitResult(outputs=[], errors=[], warnings=notes, jobs=len(jobs))
    with output_folder(out, project):
        manifest = Manifest(project, out)
        if not manifest.path.exists():  # a folder the build writes into always says so
            try:
                manifest.save()
            except OSError as exc:
                raise BuildError.from_os(exc, manifest.path) from None
        cache = BuildCache(out, enabled=use_cache)
        shared = shared_key(project)
        keys = {job: job_key(project, shared, job.locale, job.material, job.profile,
                             job.event.fingerprint(job.locale) if job.event else None)
                for job in jobs}
        todo = []
        for job in jobs:
            entry = _up_to_date(cache, manifest, job, keys[job], out, strict)
            if entry is None:
                todo.append(job)
                continue
            result.unchanged.append(entry)
            result.warnings += entry.warnings
            if report:
                report(job, None, [], entry.warnings)
        # Each PDF is written as soon as it is ready, so a late failure loses nothing.
        for job_result in _run(project, todo, workers, strict, seconds):
            result.errors += job_result.errors
            result.warnings += job_result.warnings
            result.layouts += job_result.layouts
            result.underlays += job_result.underlays
            output, errors = job_result.output, list(job_result.errors)
            if output is not None and job_result.pdf is not None:
                try:
                    manifest.forget(output.path)
                    write_atomic(writable(out, output.path), job_result.pdf)
                    if job_result.job.event:
                        manifest.events[output.event] = job_result.job.event.summary()
                    manifest.record(output)
                    cache.record(output.path, keys[job_result.job])
                    result.outputs.append(output)
                except (OSError, BuildError) as exc:
                    failure = exc if isinstance(exc, BuildError) else \
                        BuildError.from_os(exc, out / output.path)
                    errors.append(failure.format_message())
                    result.errors += errors[-1:]
                    output = None
            if report:
                report(job_result.job, output, errors, job_result.warnings)
        try:
            for locale in dict.fromkeys(o.locale for o in result.outputs
                                        if o.material == "signsheet"):
                write_signsheet_csv(project, locale, out)
            manifest.save()
            cache.save()
            write_site(project, out, manifest)  # the kit page, from the manifest just saved
            manifest.list_files(out, _csv_files(manifest, out) + site_files(out))
        except OSError as exc:
            result.errors.append(BuildError.from_os(exc, out).format_message())
        except BuildError as exc:  # a link in the way, a manifest that cannot be written
            result.errors.append(exc.format_message())
    result.errors = list(dict.fromkeys(result.errors))
    result.warnings = list(dict.fromkeys(result.warnings))
    return result


def _csv_files(manifest: Manifest, out: Path) -> list[Path]:
    """The signature-sheet CSVs of the kit's locales (those that have a signature sheet)."""
    locales = sorted({entry["locale"] for entry in manifest.entries.values()
                      if entry["material"] == "signsheet" and not entry.get("event")})
    return [out / code / "signsheet.csv" for code in locales
            if (out / code / "signsheet.csv").is_file()]


def _up_to_date(cache: BuildCache, manifest: Manifest, job: Job, key: str, out: Path,
                strict: bool) -> Output | None:
    """The manifest entry of a job whose PDF need not be made again, or None."""
    entry = manifest.entries.get(job.path)
    if entry is None or not cache.fresh(job.path, key, entry, out) or \
            (strict and entry.get("warnings")):
        return None  # under --strict, a PDF with warnings is an error: build it to say so
    try:
        return Output(**entry)
    except TypeError:  # an entry of another shape: build it again
        return None


def _run(project: Project, jobs: list[Job], workers: int, strict: bool, seconds: float):
    """Job results in plan order, from a pool of worker processes when asked for."""
    groups = documents(jobs)
    if workers > 1 and len(groups) > 1:
        tasks = [(project, locale, material, profiles, strict, seconds, event)
                 for locale, material, profiles, event in groups]
        costs = [_cost(project, *group[:3]) for group in groups]
        for (locale, material, profiles, event), results in zip(
                groups, run_tasks(build_document, tasks, min(workers, len(groups)), costs),
                strict=True):
            if isinstance(results, Died):
                results = failed(project, locale, material, profiles, event, str(results))
            yield from results
    else:
        for locale, material, profiles, event in groups:
            yield from document_results(project, locale, material, profiles, strict, seconds,
                                        event)


def warm_up(project: Project, locales: list[str]) -> None:
    """Load WeasyPrint and the fonts of ``locales`` into this process, so that the first
    rebuild ``watch`` makes in it is as quick as the next."""
    for locale in locales:
        css = theme_css(project, locale, RGB)
        render_pdf(f"<style>{css}</style><p>&nbsp;</p>", root=project.root,
                   source=project.settings_path, write=False)
