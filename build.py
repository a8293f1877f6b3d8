"""What organizers run: ``python build.py build``; the same CLI as ``pamphleteer``, but its
campaign is the folder this file is in, wherever it is run from (unless --project says
otherwise)."""

from pathlib import Path

import click

from pamphleteer.cli import main


def defaults(group: click.Group, here: str) -> dict:
    """This folder as every command's --project (a group's commands each get it too)."""
    return {name: defaults(command, here) if isinstance(command, click.Group)
            else {"project_dir": here} for name, command in group.commands.items()}


if __name__ == "__main__":
    main(default_map=defaults(main, str(Path(__file__).resolve().parent)))
