"""``init``: a new campaign folder, ready to edit and build.

It holds only what is the campaign's own: ``campaign.toml`` (every setting, with comments)
and an English ``content/en/`` with a piece of copy for every material. The templates,
fonts and colour profile come from the built-in theme (see ``theme``).
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import re
import shutil
import tempfile
from pathlib import Path

from pamphleteer.errors import PamphleteerError, UsageError
from pamphleteer.project import SETTINGS_FILE

STARTER = Path(__file__).resolve().parent / "starter"
IGNORED = "dist/\n"  # .gitignore: the built kit is made, not kept
MAX_WORDMARK = 40  # characters: what identity.wordmark allows in the masthead band


SLUG_LENGTH = 20  # characters of an init's slug


def init_campaign(folder: Path, name: str | None = None,
                  today: dt.date | None = None) -> list[Path]:
    """Make ``folder`` a new campaign (it must be new or empty); return the files written.
    The folder is filled aside and moved into place, so a failure leaves nothing behind."""
    folder = folder.absolute()
    try:
        _check_place(folder)
    except OSError as exc:  # a name too long even to look up
        raise _refusal(exc, folder) from None
    name = _printable(name or folder.name.replace("-", " ").replace("_", " ").strip().title()
                      ) or "Our Campaign"
    # The slug rides in every code's tracking: a long name gives a short slug, cut at a word.
    words = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-").split("-")
    slug = words[0][:SLUG_LENGTH] if words else ""
    for word in words[1:]:
        if len(slug) + 1 + len(word) > SLUG_LENGTH:
            break
        slug += "-" + word
    slug = slug or "campaign"
    settings = (STARTER / SETTINGS_FILE).read_text("utf-8").format(
        name=name.replace("\\", "").replace('"', ""), slug=slug,
        edition=(today or dt.date.today()).isoformat())
    settings = settings.replace(f'wordmark = "{name}"', f'wordmark = "{_wordmark(name)}"')
    try:
        _fill(folder, settings)
    except OSError as exc:
        raise _refusal(exc, folder) from None
    return sorted(path for path in folder.rglob("*") if path.is_file())


def _check_place(folder: Path) -> None:
    """Refuse a ``folder`` that is a link (whole, or broken) or anything but an empty folder."""
    if folder.is_symlink():
        raise UsageError(f"{folder.name} is a link (to {os.readlink(folder)}), not a folder of "
                         "its own: init makes a new folder; choose a name where nothing is yet",
                         folder)
    if not os.path.lexists(folder):
        return
    if not folder.is_dir():
        raise UsageError("a file of this name is already here: choose a name for a new "
                         "folder", folder)
    if any(folder.iterdir()):
        raise UsageError("this folder already exists and is not empty: choose a new one",
                         folder)


def _fill(folder: Path, settings: str) -> None:
    """Write the new campaign in a scratch folder beside ``folder``, then move it there."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    # A short scratch name: the campaign's own may already be as long as a name may be.
    with tempfile.TemporaryDirectory(prefix=".pamphleteer-init-", dir=folder.parent) as scratch:
        made = Path(scratch) / "campaign"
        shutil.copytree(STARTER / "content", made / "content")
        (made / SETTINGS_FILE).write_text(settings, "utf-8")
        (made / ".gitignore").write_text(IGNORED, "utf-8")
        # The scratch folder is private (0700); the campaign gets what the umask gives.
        os.chmod(made, 0o777 & ~_umask())
        if folder.is_dir() and not folder.is_symlink():
            folder.rmdir()  # empty: checked above (and refused if it filled up since)
        made.rename(folder)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _refusal(exc: OSError, folder: Path) -> PamphleteerError:
    """What went wrong making ``folder``, in words, without a traceback."""
    if exc.errno == errno.ENAMETOOLONG:
        return UsageError("this name is longer than the file system allows (at most 255 "
                          "bytes): choose a shorter one", folder)
    if exc.errno in (errno.EEXIST, errno.ENOTEMPTY, errno.ENOTDIR, errno.EISDIR):
        return UsageError("something else appeared at this name while the campaign was made: "
                          "choose a new one", folder)
    return PamphleteerError(f"cannot make this folder: {exc.strerror or exc}", folder)


def _printable(name: str) -> str:
    """``name`` without what a TOML line or a printed page cannot hold (controls, breaks)."""
    return "".join(char for char in name if char.isprintable()).strip()


def _wordmark(name: str) -> str:
    """The masthead's name: the campaign's, cut at a word to fit ``MAX_WORDMARK``."""
    if len(name) <= MAX_WORDMARK:
        return name
    cut = name[:MAX_WORDMARK + 1].rsplit(" ", 1)[0]
    return (cut if 0 < len(cut) <= MAX_WORDMARK else name[:MAX_WORDMARK]).strip()
