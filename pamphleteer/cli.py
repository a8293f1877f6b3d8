"""The command line: parse options, call the pipeline, print what happened."""

from __future__ import annotations

import contextlib
import os
import re
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import click

from pamphleteer import api
from pamphleteer.api import BuildResult
from pamphleteer.cli_fonts import fonts
from pamphleteer.cli_options import command_prefix, project_option, strict_option, time_option
from pamphleteer.errors import PamphleteerError
from pamphleteer.kit import Job, warm_up
from pamphleteer.materials import MATERIALS
from pamphleteer.outputs import Output
from pamphleteer.profiles import PROFILES
from pamphleteer.project import load_project
from pamphleteer.starter import init_campaign
from pamphleteer.translation import (
    TRACKED,
    TRANSLATED,
    mark_translated,
    new_locale,
    status_table,
    tracked,
)
from pamphleteer.version import __version__
from pamphleteer.watch import changes, watched_paths
from pamphleteer.workers import cores


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pamphleteer")
def main() -> None:
    """Build print-ready campaign kits: flyers, booklets, cards, posters and petition sheets."""


def kit_options(function):
    """The options that choose what a kit holds and where it goes (build and watch)."""
    for option in reversed([
            project_option,
            click.option("--out", type=click.Path(file_okay=False, path_type=Path),
                         help="Where to write the kit.  [default: <project>/dist]"),
            click.option("-l", "--locale", "locales", multiple=True, metavar="LOCALE",
                         help="Build only this locale (repeatable).  [default: all]"),
            click.option("-m", "--material", "materials", multiple=True,
                         type=click.Choice(list(MATERIALS)),
                         help="Build only this material (repeatable)."),
            click.option("-p", "--profile", "profiles", multiple=True,
                         type=click.Choice(list(PROFILES)),
                         help="Build only this print profile (repeatable)."),
            click.option("-j", "--jobs", "workers", type=click.IntRange(min=1),
                         default=cores(), show_default="the number of processors",
                         help="Render this many documents in parallel, in worker processes."),
            click.option("--event", "event_path", type=click.Path(exists=True, path_type=Path),
                         metavar="FILE|DIR",
                         help="Build this event's own pieces (flyer, handbill, poster, palm "
                         "card) into <out>/events/<slug>/: a TOML file, or a folder of them."),
            strict_option, time_option]):
        function = option(function)
    return function


def _shard(ctx: click.Context, param: click.Parameter, value: str | None
           ) -> tuple[int, int] | None:
    """``K/N`` as (K, N), 1 <= K <= N."""
    if value is None:
        return None
    try:
        number, count = (int(part) for part in value.split("/"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not K/N, e.g. 2/4") from None
    if not 1 <= number <= count:
        raise click.BadParameter(f"{value!r}: K must be from 1 to N, e.g. 2/4")
    return number, count


@main.command()
@kit_options
@click.option("--no-cache", "no_cache", is_flag=True,
              help="Render every PDF, even those whose inputs have not changed.")
@click.option("--shard", callback=_shard, metavar="K/N",
              help="Build only slice K of N of the kit (for N machines; join their outputs "
              "with 'merge').")
def build(project_dir: Path, out: Path | None, locales: tuple[str, ...],
          materials: tuple[str, ...], profiles: tuple[str, ...], workers: int,
          event_path: Path | None, strict: bool, seconds: float, no_cache: bool,
          shard: tuple[int, int] | None) -> None:
    """Render the kit: every locale x material x profile into <out>/<locale>/."""
    result = _build(project_dir, out, locales, materials, profiles, workers, strict,
                    seconds, use_cache=not no_cache, event_path=event_path, shard=shard)
    if result.errors:
        count = len(dict.fromkeys(map(_untagged, result.errors)))
        raise PamphleteerError(f"{count} error(s); "
                               f"{len(result.outputs)} of {result.planned} files written")


def _build(project_dir: Path, out: Path | None, locales: tuple[str, ...],
           materials: tuple[str, ...], profiles: tuple[str, ...], workers: int, strict: bool,
           seconds: float, use_cache: bool = True, event_path: Path | None = None,
           shard: tuple[int, int] | None = None) -> BuildResult:
    """``api.build``, saying what happens as it goes."""
    progress: list[Progress] = []

    def started(jobs: list[Job], folder: Path, notes: list[str]) -> None:
        progress.append(Progress(len(jobs), folder))
        progress[0].start(jobs, workers, use_cache)
        for note in notes:
            progress[0].say("warning", note)

    def report(job: Job, output: Output | None, errors: list[str],
               warnings: list[str]) -> None:
        progress[0](job, output, errors, warnings)

    result = api.build(project_dir, out=out, locales=locales, materials=materials,
                       profiles=profiles, workers=workers, strict=strict, event=event_path,
                       seconds=seconds, use_cache=use_cache, shard=shard, started=started,
                       report=report)
    progress[0].done()
    for error in result.errors:  # those no job reported (the manifest, the CSV)
        progress[0].say("error", error)
    if not result.errors:
        unchanged = f", {len(result.unchanged)} unchanged" if result.unchanged else ""
        click.echo(f"{_files(o.profile for o in result.outputs)} and "
                   f"{shown(result.out / 'manifest.json')} written "
                   f"({result.layouts} layouts{unchanged}); the kit page: "
                   f"{shown(result.out / 'index.html')}")
    return result


@main.command()
@kit_options
def watch(project_dir: Path, out: Path | None, locales: tuple[str, ...],
          materials: tuple[str, ...], profiles: tuple[str, ...], workers: int,
          event_path: Path | None, strict: bool, seconds: float) -> None:
    """Build the kit, then rebuild what each saved edit changes, until Ctrl+C.

    Only PDFs that depend on an edited file are rebuilt; a failed rebuild keeps the last good."""
    root = load_project(project_dir).root
    out = out or root / "dist"

    def rebuild(after_edit: bool) -> None:
        started = time.monotonic()
        try:
            # One document is rebuilt here, in this warm process; more go to the workers.
            result = _build(root, out, locales, materials, profiles, workers, strict,
                            seconds, event_path=event_path)
        except PamphleteerError as exc:  # settings that cannot be read: say so, keep going
            click.secho(f"error: {exc.format_message()}", fg="red", err=True)
            return
        except OSError as exc:  # the output folder went away, a disk filled up: keep going
            click.secho(f"error: could not rebuild: {exc}", fg="red", err=True)
            return
        if after_edit:
            state = f"{len(result.errors)} error(s), last good PDFs kept" if result.errors \
                else "done"
            click.echo(f"{state} in {time.monotonic() - started:.1f} s")

    rebuild(after_edit=False)
    with contextlib.suppress(PamphleteerError):
        project = load_project(root)
        warm_up(project, list(locales or project.locales))
    click.echo(f"watching {', '.join(str(p.relative_to(root)) for p in watched_paths(root))} "
               "for changes (Ctrl+C to stop)")
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C in a rebuild too: writes are atomic
        for changed in changes(root, out):
            click.echo(f"changed: {', '.join(changed)}")
            rebuild(after_edit=True)
    click.echo("stopped watching")


def shown(path: Path) -> str:
    """A path as the user can use it from where they are: relative to the current folder
    when it is inside it, else absolute."""
    path = Path(os.path.abspath(path))  # absolute, with any ".." taken out
    try:
        return str(path.relative_to(Path.cwd())) or "."
    except ValueError:
        return str(path)


class Progress:
    """What a build says as it goes: each PDF as soon as it is written, each warning and
    error once. On a terminal a status line also shows done/total and the job just finished;
    anywhere else (CI, a log file) there are plain lines only."""

    def __init__(self, total: int, out: Path):
        self.total, self.out, self.count = total, out, 0
        self.said: set[str] = set()
        self.live = sys.stderr.isatty()

    def __call__(self, job: Job, output: Output | None, errors: list[str],
                 warnings: list[str]) -> None:
        self.count += 1
        for warning in warnings:
            self.say("warning", warning)
        for error in errors:
            self.say("error", error)
        if output is not None:
            self._clear()
            image = PROFILES[job.profile].format != "pdf"
            what = "image" if image else \
                f"{output.pages} page{'s' if output.pages != 1 else ''}"
            codes = ", QR verified" if output.qr else ""
            click.echo(f"wrote {shown(self.out / output.path)} ({what}, fitted at "
                       f"{output.fit_scale:.0%}{codes})")
        if self.live:
            click.echo(f"\r[{self.count}/{self.total}] {job.path}", err=True, nl=False)

    def start(self, jobs: list[Job], workers: int, use_cache: bool) -> None:
        """Say at once what the build is about to make (the first PDF takes seconds)."""
        languages = len({job.locale for job in jobs})
        documents = len({(job.locale, job.material, job.event) for job in jobs})  # one a worker
        kept = "; those whose inputs are unchanged are kept" if use_cache else ""
        click.echo(f"building {_files(job.profile for job in jobs)} in {languages} "
                   "language(s) into "
                   f"{shown(self.out)} with {min(workers, documents) or 1} worker(s){kept}")

    def say(self, kind: str, text: str) -> None:
        """Print a warning or an error once: the same problem found in each profile of a
        document (or each document of a language) is one problem, named once."""
        key = _untagged(text)
        if key not in self.said:
            self.said.add(key)
            self._clear()
            click.secho(f"{kind}: {text}", fg="red" if kind == "error" else "yellow", err=True)

    def done(self) -> None:
        """End the status line."""
        self._clear()

    def _clear(self) -> None:
        if self.live:
            click.echo("\r\033[K", err=True, nl=False)


def _files(profiles: Iterable[str]) -> str:
    """How many PDFs (and images) the outputs of ``profiles`` are: "12 PDF(s), 4 image(s)"."""
    made = [PROFILES[name].format == "pdf" for name in profiles]
    counts = [f"{made.count(True)} PDF(s)"] * (True in made or not made) + \
        [f"{made.count(False)} image(s)"] * (False in made)
    return ", ".join(counts)


def _untagged(text: str) -> str:
    """A message without the "[en/flyer: home]" tag saying which job found it."""
    return re.sub(r" \[[^\[\]]*\](?= \(--strict\)$|$)", "", text)


def _finish(errors: list[str], warnings: list[str], strict: bool, what: str) -> None:
    """Print warnings and errors; exit 1 on errors (and on warnings under --strict)."""
    for warning in warnings:
        click.secho(f"{'error' if strict else 'warning'}: {warning}",
                    fg="red" if strict else "yellow", err=True)
    for error in errors:
        click.secho(f"error: {error}", fg="red", err=True)
    failed = len(errors) + (len(warnings) if strict else 0)
    if failed:
        raise PamphleteerError(f"{what}: {failed} problem(s)"
                               + (" (warnings count as errors with --strict)" if strict else ""))


@main.command(name="merge")
@click.argument("shards", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
@project_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Where to put the joined kit.  [default: <project>/dist]")
def merge_command(shards: tuple[Path, ...], project_dir: Path, out: Path | None) -> None:
    """Join the output folders of sharded builds (build --shard K/N) into one kit, with
    its manifest and kit page, as if it had been built at once."""
    project = load_project(project_dir)
    out = out or project.root / "dist"
    copied, page = api.merge(project, list(shards), out)
    click.echo(f"merged {len(copied)} PDF(s) from {len(shards)} folder(s) into {out}; "
               f"kit page: {page}")


@main.command()
@project_option
@click.option("-l", "--locale", "locales", multiple=True, metavar="LOCALE",
              help="Check only this locale (repeatable).  [default: all]")
@click.option("-m", "--material", "materials", multiple=True,
              type=click.Choice(list(MATERIALS)), help="Check only this material (repeatable).")
@strict_option
@time_option
def check(project_dir: Path, locales: tuple[str, ...], materials: tuple[str, ...],
          strict: bool, seconds: float) -> None:
    """Validate settings, content, glyphs, translations and the fit of every piece; no PDF."""
    project = load_project(project_dir)
    report = api.check(project, locales=locales, materials=materials, seconds=seconds)
    for note in report.left_out:
        click.secho(f"warning: {note}", fg="yellow", err=True)
    _finish(report.errors, report.warnings, strict, "check")
    click.echo(f"check: {len(locales or project.locales)} locale(s) and "
               f"{len(materials or [m for m in tracked(project) if m in MATERIALS])} "
               "materials OK"
               + (f", {len(report.warnings)} warning(s)" if report.warnings else ""))


@main.command()
@project_option
@strict_option
def status(project_dir: Path, strict: bool) -> None:
    """Show which translations are translated, outdated, untranslated or missing."""
    project = load_project(project_dir)
    for code, error in project.broken.items():  # shown, but no reason to hide the rest
        click.secho(f"warning: {error.format_message()} (the {code} kit is left out)",
                    fg="yellow", err=True)
    rows = status_table(project)
    locales = list(dict.fromkeys(row.locale for row in rows))
    names = tracked(project)
    width = max(len(m) for m in names) + 2
    click.echo("material".ljust(width) + "".join(code.ljust(14) for code in locales))
    for material in names:
        cells = {row.locale: row.state for row in rows if row.material == material}
        line = material.ljust(width)
        for code in locales:
            state = "source" if code == project.source_locale else cells[code]
            colour = {"translated": "green", "source": None}.get(state, "yellow")
            line += click.style(state.ljust(14), fg=colour)
        click.echo(line)
    behind = [row for row in rows if row.locale != project.source_locale
              and row.state != TRANSLATED]
    click.echo(f"{len(behind)} file(s) not up to date" if behind
               else "every translation is up to date")
    if strict and behind:
        raise PamphleteerError("status --strict: translations are not up to date")


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", help="The campaign's name.  [default: from the folder's name]")
def init(folder: Path, name: str | None) -> None:
    """Start a new campaign in FOLDER: settings with comments and English copy to edit."""
    written = init_campaign(folder, name)
    click.echo(f"created {folder} with {len(written)} files.")
    click.echo("Next steps:\n"
               f"  1. Edit {folder / 'campaign.toml'}: the campaign's name, imprint and links.\n"
               f"  2. Edit the copy in {folder / 'content' / 'en'} (one .md file per piece).\n"
               f"  3. Check it:  pamphleteer check --project {folder}\n"
               f"  4. Build it:  pamphleteer build --project {folder}  (the kit: "
               f"{folder / 'dist' / 'index.html'})")


@main.command(name="new-locale")
@click.argument("code")
@project_option
@click.option("--from", "from_locale", metavar="LOCALE",
              help="Copy this locale's files.  [default: the source locale]")
def new_locale_command(code: str, project_dir: Path, from_locale: str | None) -> None:
    """Start a translation: copy every material and the strings into content/CODE/."""
    project = load_project(project_dir)
    written = new_locale(project, code, from_locale)
    run = command_prefix(project_dir)
    click.echo(f"created content/{code}/ with {len(written)} files, marked untranslated.")
    click.echo("Next steps:\n"
               f"  1. Check content/{code}/locale.toml (language name, paper size, fonts).\n"
               f"  2. Translate content/{code}/strings.toml and each .md file: the text in quotes\n"
               "     and below the second '---'. Keep keys, '::: part' lines and {placeholders}.\n"
               f"  3. See where you are:  {run} status\n"
               f"  4. Check your files:   {run} check\n"
               f"  5. Build and look:     {run} build -l {code}")


@main.command(name="mark-translated")
@click.argument("locale")
@click.argument("materials", nargs=-1, type=click.Choice(list(TRACKED)))
@project_option
def mark_translated_command(locale: str, materials: tuple[str, ...], project_dir: Path) -> None:
    """Record that LOCALE's files (or just MATERIALS) are caught up with the source text."""
    project = load_project(project_dir)
    for path in mark_translated(project, locale, list(materials)):
        click.echo(f"marked {path.relative_to(project.root)} as translating the current source")


main.add_command(fonts)
