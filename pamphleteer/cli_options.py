"""Options several commands share: the campaign folder, --strict, the time limit."""

from __future__ import annotations

from pathlib import Path

import click

from pamphleteer.limits import JOB_SECONDS
from pamphleteer.project import find_campaign


def _project(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path:
    """The campaign folder: as given, or the nearest folder upward holding campaign.toml
    (as git finds .git), so that a command works from anywhere inside a campaign."""
    if value is not None:
        if not value.is_dir():
            raise click.BadParameter(f"no such folder: {value}")
        return value
    return find_campaign(Path.cwd())


project_option = click.option(
    "--project", "project_dir", type=click.Path(path_type=Path), callback=_project,
    help="The campaign folder (holding campaign.toml).  [default: the nearest one from the "
    "current folder upward]")
strict_option = click.option("--strict", is_flag=True, help="Treat warnings as errors.")
time_option = click.option(
    "--time-limit", "seconds", type=click.FloatRange(min=0, min_open=True), default=JOB_SECONDS,
    show_default=True, help="Stop a document (all its profiles) that takes longer than this "
    "many seconds, as an error.")


def command_prefix(project_dir: Path) -> str:
    """How this campaign's commands are run: ``python build.py`` where it has one (the
    organizer's project), else ``pamphleteer`` (a campaign made by init)."""
    return "python build.py" if (project_dir / "build.py").is_file() else "pamphleteer"
