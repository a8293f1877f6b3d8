"""``init``: a new campaign folder, ready to edit and build.

It holds only what is the campaign's own: ``campaign.toml`` (every setting, with comments)
and an English ``content/en/`` with a piece of copy for every material. The templates,
fonts and colour profile come from the built-in theme (see ``theme``).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from pathlib import Path

from pamphleteer.errors import UsageError
from pamphleteer.project import SETTINGS_FILE

STARTER = Path(__file__).resolve().parent / "starter"
IGNORED = "dist/\n"  # .gitignore: the built kit is made, not kept


def init_campaign(folder: Path, name: str | None = None,
                  today: dt.date | None = None) -> list[Path]:
    """Make ``folder`` a new campaign (it must be new or empty); return the files written.
    The folder is filled aside and moved into place, so a failure leaves nothing behind."""
    folder = folder.absolute()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError("this folder already exists and is not empty: choose a new one",
                         folder)
    name = (name or folder.name.replace("-", " ").replace("_", " ").strip().title()
            or "Our Campaign")
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:32].strip("-") or "campaign"
    settings = (STARTER / SETTINGS_FILE).read_text("utf-8").format(
        name=name.replace("\\", "").replace('"', ""), slug=slug,
        edition=(today or dt.date.today()).isoformat())
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{folder.name}.", dir=folder.parent) as scratch:
        made = Path(scratch) / "campaign"
        shutil.copytree(STARTER / "content", made / "content")
        (made / SETTINGS_FILE).write_text(settings, "utf-8")
        (made / ".gitignore").write_text(IGNORED, "utf-8")
        if folder.exists():
            folder.rmdir()  # empty: checked above
        made.rename(folder)
    return sorted(path for path in folder.rglob("*") if path.is_file())
