"""The command line: parse options, call the pipeline, print what happened."""

from __future__ import annotations

from pathlib import Path

import click

from pamphleteer import __version__
from pamphleteer.errors import PamphleteerError
from pamphleteer.kit import build_kit, plan
from pamphleteer.materials import MATERIALS
from pamphleteer.profiles import PROFILES
from pamphleteer.project import load_project

project_option = click.option(
    "--project", "project_dir", type=click.Path(file_okay=False, path_type=Path), default=".",
    show_default="current directory", help="The campaign folder (holding campaign.toml).")
strict_option = click.option("--strict", is_flag=True, help="Treat warnings as errors.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pamphleteer")
def main() -> None:
    """Build print-ready campaign kits: flyers, booklets, cards, posters and petition sheets."""


@main.command()
@project_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write the kit.  [default: <project>/dist]")
@click.option("-l", "--locale", "locales", multiple=True, metavar="LOCALE",
              help="Build only this locale (repeatable).  [default: all]")
@click.option("-m", "--material", "materials", multiple=True,
              type=click.Choice(list(MATERIALS)), help="Build only this material (repeatable).")
@click.option("-p", "--profile", "profiles", multiple=True, type=click.Choice(list(PROFILES)),
              help="Build only this print profile (repeatable).")
@click.option("-j", "--jobs", "workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Render this many PDFs in parallel.")
@strict_option
def build(project_dir: Path, out: Path | None, locales: tuple[str, ...],
          materials: tuple[str, ...], profiles: tuple[str, ...], workers: int,
          strict: bool) -> None:
    """Render the kit: every locale x material x profile into <out>/<locale>/."""
    project = load_project(project_dir)
    out = out or project.root / "dist"
    jobs = plan(project, list(locales), list(materials), list(profiles))
    result = build_kit(project, jobs, out, workers=workers, strict=strict)
    for warning in result.warnings:
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    for output in result.outputs:
        click.echo(f"wrote {out.name}/{output.path} ({output.pages} page"
                   f"{'s' if output.pages != 1 else ''}, QR verified)")
    if result.errors:
        for error in result.errors:
            click.secho(f"error: {error}", fg="red", err=True)
        raise PamphleteerError(f"{len(result.errors)} error(s); "
                               f"{len(result.outputs)} of {len(jobs)} PDFs written")
    click.echo(f"{len(result.outputs)} PDF(s) and {out.name}/manifest.json written to {out}")
