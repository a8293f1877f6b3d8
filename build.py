"""What organizers run: ``python build.py build``; the same CLI as ``pamphleteer``, but its
campaign is the folder this file is in, wherever it is run from (unless --project says
otherwise)."""

from pathlib import Path

from pamphleteer.cli import main

if __name__ == "__main__":
    here = str(Path(__file__).resolve().parent)
    main(default_map={name: {"project_dir": here} for name in main.commands})
