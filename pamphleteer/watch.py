"""``watch``: rebuild what an edit changed as soon as it is saved, with a warm renderer.

The watcher only decides *when* to build; what to build is the build cache's job (a PDF whose
inputs did not change is not rendered again), so an edit rebuilds exactly the PDFs that
depend on the file, and a failed rebuild leaves the last good PDFs in place.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

from pamphleteer.project import SETTINGS_FILE

WATCHED = (SETTINGS_FILE, "content", "templates", "assets", "events")  # what a kit is made from
STEP_MS = 50  # a change is acted on once the files have been quiet this long
DEBOUNCE_MS = 1600  # changes that keep coming are gathered for at most this long


def watched_paths(root: Path) -> list[Path]:
    """The files and folders of a campaign that its PDFs are made from (those that exist)."""
    return [root / name for name in WATCHED if (root / name).exists()]


def changes(root: Path, out: Path, stop: threading.Event | None = None) -> Iterator[list[str]]:
    """Each batch of saved edits in the campaign in ``root``, as paths relative to it, sorted.
    Editors' scratch files, and anything under ``out``, are left out."""
    import watchfiles

    out = out.resolve()
    ignore = watchfiles.DefaultFilter()

    def relevant(change: watchfiles.Change, path: str) -> bool:
        return ignore(change, path) and not Path(path).resolve().is_relative_to(out) \
            and not Path(path).name.startswith(".")

    for batch in watchfiles.watch(*watched_paths(root), watch_filter=relevant,
                                  debounce=DEBOUNCE_MS, step=STEP_MS, stop_event=stop,
                                  raise_interrupt=False):
        yield sorted({_relative(Path(path), root) for _, path in batch})


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
