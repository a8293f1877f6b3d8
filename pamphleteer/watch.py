"""``watch``: rebuild what an edit changed as soon as it is saved, with a warm renderer.

The watcher only decides *when* to build; what to build is the build cache's job (a PDF whose
inputs did not change is not rendered again), so an edit rebuilds exactly the PDFs that
depend on the file, and a failed rebuild leaves the last good PDFs in place.

The system watches a folder, not a name: when ``content/`` is replaced (``git checkout``
of another branch renames a new folder over it, an editor saves ``campaign.toml`` by renaming
a new file over it) the watch would go on watching the old one, and hear nothing again. So
the watched names are looked at every ``RECHECK_MS``: one that now stands for another folder
or file, or that appeared or went, counts as changed, and the watch starts again on what the
names stand for now.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from pamphleteer.files import real_path
from pamphleteer.project import SETTINGS_FILE

WATCHED = (SETTINGS_FILE, "content", "templates", "assets", "events")  # what a kit is made from
STEP_MS = 50  # a change is acted on once the files have been quiet this long
DEBOUNCE_MS = 1600  # changes that keep coming are gathered for at most this long
RECHECK_MS = 500  # how often the watched names are looked at, to see one replaced


def watched_paths(root: Path) -> list[Path]:
    """The files and folders of a campaign that its PDFs are made from (those that exist)."""
    return [root / name for name in WATCHED if (root / name).exists()]


def identities(root: Path) -> dict[str, tuple[int, int] | None]:
    """What each watched name stands for now (its device and inode; None when nothing)."""
    found: dict[str, tuple[int, int] | None] = {}
    for name in WATCHED:
        try:
            info = os.stat(root / name)  # through a link: the folder that is watched
            found[name] = (info.st_dev, info.st_ino)
        except (OSError, ValueError):
            found[name] = None
    return found


def changes(root: Path, out: Path, stop: threading.Event | None = None) -> Iterator[list[str]]:
    """Each batch of saved edits in the campaign in ``root``, as paths relative to it, sorted.
    Editors' scratch files, and anything under ``out``, are left out. A watched folder (or
    ``campaign.toml``) that is replaced, appears or goes is a change too, and is watched anew."""
    import watchfiles

    out = real_path(out) or out
    ignore = watchfiles.DefaultFilter()

    def relevant(change: watchfiles.Change, path: str) -> bool:
        real = real_path(Path(path)) or Path(path)
        return ignore(change, path) and not real.is_relative_to(out) \
            and not Path(path).name.startswith(".")

    pending: set[str] = set()  # names replaced: said once the new watch has begun
    while not (stop and stop.is_set()):
        known = identities(root)
        paths = watched_paths(root)
        if not paths:  # nothing to watch (a checkout half done): look again soon
            time.sleep(RECHECK_MS / 1000)
            pending |= _moved(root, known)
            continue
        batches = watchfiles.watch(*paths, watch_filter=relevant, debounce=DEBOUNCE_MS,
                                   step=STEP_MS, stop_event=stop, raise_interrupt=False,
                                   rust_timeout=RECHECK_MS, yield_on_timeout=True)
        try:
            for batch in batches:  # an empty batch every RECHECK_MS when nothing happens
                edited = pending | {_relative(Path(path), root) for _, path in batch}
                pending = _moved(root, known)
                if pending:  # watch again what the names stand for now, then say so
                    pending |= edited
                    break
                if edited:
                    yield sorted(edited)
            else:
                return  # stopped, or Ctrl+C
        except FileNotFoundError:  # a name went between looking and watching
            time.sleep(RECHECK_MS / 1000)
        finally:
            batches.close()


def _moved(root: Path, known: dict[str, tuple[int, int] | None]) -> set[str]:
    """The watched names that stand for something else than in ``known``."""
    now = identities(root)
    return {name for name in WATCHED if now[name] != known[name]}


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):
        return str(path)
