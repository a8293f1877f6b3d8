"""``pamphleteer fonts``: the fonts a campaign's languages are set in."""

from __future__ import annotations

from pathlib import Path

import click

from pamphleteer.cli_options import command_prefix, project_option
from pamphleteer.fontadd import REDISTRIBUTABLE, add_font
from pamphleteer.fonts import load_fonts
from pamphleteer.project import load_project


@click.group()
def fonts() -> None:
    """Add fonts for scripts the theme's fonts do not draw."""


@fonts.command(name="add")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-l", "--locale", "code", required=True, metavar="LOCALE",
              help="The language the font is for (its letters are checked, from CLDR).")
@click.option("--licence", type=click.Choice(REDISTRIBUTABLE),
              help="The font's licence, where its own licence fields name none (you have "
              "checked it).")
@project_option
def add(file: Path, code: str, licence: str | None, project_dir: Path) -> None:
    """Check FILE (licence, embedding, the language's letters), copy it into the campaign's
    assets/fonts and register it; a language folder already made is set in it."""
    project = load_project(project_dir)
    added = add_font(project, file, code, licence)
    root = project.root
    click.echo(f"added '{added.family}' {added.weight} {added.style} ({added.licence}) as "
               f"{added.file.relative_to(root).as_posix()}, registered in "
               f"{added.registry.relative_to(root).as_posix()}")
    weights = {face.weight for face in load_fonts(root) if face.family == added.family}
    if max(weights) < 600:
        click.echo(f"'{added.family}' has no bold face yet: headlines print in this weight "
                   "until you add its Bold the same way")
    if added.locale_file is not None:
        click.echo(f"set {added.locale_file.relative_to(root).as_posix()} to use it first")
    else:
        click.echo(f"next: {command_prefix(project_dir)} new-locale {code} (it will use "
                   f"'{added.family}')")
