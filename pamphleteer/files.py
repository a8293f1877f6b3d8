"""Reading files a user controls: a campaign's, a shard's, an output folder's.

Every such file is checked before anything reads it: it must be a regular file (not a device,
a FIFO or a socket, which grow without end or block for ever), lie where it may (after every
link is resolved: inside the campaign, the package's theme or the folder being read), and be
no larger than its kind's cap. It is then read once, so that what was checked is what is used.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path

from pamphleteer.errors import BuildError, PamphleteerError

# The largest file of each kind, in bytes: far above real ones (a CJK font is about 10 MB,
# a print photo 30 MB), far below what exhausts memory.
CAPS = {
    "text": 4_000_000,  # Markdown, TOML, templates, CSS, SVG, CSV
    "json": 64_000_000,  # a manifest of 50,000 entries is about 20 MB
    "font": 40_000_000,
    "icc": 8_000_000,
    "image": 64_000_000,
    "pdf": 512_000_000,
}
MAX_JSON_DEPTH = 32  # a manifest is 4 deep; Python's parser recurses per level


def _size(number: int) -> str:
    return f"{number / 1_000_000:.1f} MB" if number >= 1_000_000 else f"{number:,} bytes"


def checked(path: Path, kind: str, within: Iterable[Path] = (), *,
            error: type[PamphleteerError] = BuildError) -> Path:
    """``path`` resolved, if it is a regular file under ``kind``'s cap lying in one of the
    folders ``within`` (anywhere when none is given); otherwise an error naming it."""
    try:
        real = path.resolve(strict=True)
        info = real.stat()
    except FileNotFoundError:
        raise error("no such file (or a link to nothing)", path) from None
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of links
        raise error(f"cannot read this file ({getattr(exc, 'strerror', None) or exc})",
                    path) from None
    folders = [Path(folder).resolve() for folder in within]
    if folders and not any(real.is_relative_to(folder) for folder in folders):
        raise error(f"this is a link to {real}, outside the folders it may come from", path)
    if not stat.S_ISREG(info.st_mode):
        raise error("not a regular file (a device, a pipe or a folder): pamphleteer reads "
                    "only ordinary files", path)
    if info.st_size > CAPS[kind]:
        raise error(f"this file is {_size(info.st_size)}; a {kind} file may be at most "
                    f"{_size(CAPS[kind])}", path)
    return real


def read_bytes(path: Path, kind: str, within: Iterable[Path] = (), *,
               error: type[PamphleteerError] = BuildError) -> bytes:
    """The bytes of ``path``, checked as ``checked`` does and read once, never past the cap
    (the file may grow between the check and the read)."""
    real = checked(path, kind, within, error=error)
    try:
        # O_NONBLOCK: should a FIFO replace the file after the check, open does not wait.
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        reason = "it became a link" if exc.errno == errno.ELOOP else exc.strerror
        raise error(f"cannot read this file ({reason})", path) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise error("not a regular file: pamphleteer reads only ordinary files", path)
        # No more than the file holds (a cap-sized buffer per read costs milliseconds), and
        # never past the cap should it grow.
        size = info.st_size
        data = handle.read(min(size, CAPS[kind]) + 1)
        if size < len(data) <= CAPS[kind]:  # it grew after the check: read on, to the cap
            data += handle.read(CAPS[kind] + 1 - len(data))
    if len(data) > CAPS[kind]:
        raise error(f"this file grew past {_size(CAPS[kind])} while it was read", path)
    return data


def read_text(path: Path, kind: str = "text", within: Iterable[Path] = (), *,
              error: type[PamphleteerError] = BuildError) -> str:
    """The UTF-8 text of ``path``, read as ``read_bytes`` reads it."""
    data = read_bytes(path, kind, within, error=error)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise error("not UTF-8 text: save it as UTF-8", path, line) from None


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKET = re.compile(r"[][{}]")


def json_depth(text: str) -> int:
    """How deeply the arrays and objects of the JSON ``text`` nest (strings aside)."""
    depth = deepest = 0
    for found in _BRACKET.finditer(_STRING.sub('""', text)):
        depth += 1 if found[0] in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def load_json(path: Path, within: Iterable[Path] = (), *,
              error: type[PamphleteerError] = BuildError) -> object:
    """The JSON document at ``path``, read as ``read_bytes`` reads it, at most
    ``MAX_JSON_DEPTH`` deep; a clear error for anything else."""
    text = read_text(path, "json", within, error=error)
    if json_depth(text) > MAX_JSON_DEPTH:
        raise error(f"JSON nested more than {MAX_JSON_DEPTH} deep: not a file pamphleteer "
                    "wrote", path)
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise error(f"not valid JSON ({exc})", path) from None


# What a file holds, by its name's ending (anything else is text): which cap it falls under.
KINDS = {".otf": "font", ".ttf": "font", ".woff": "font", ".woff2": "font", ".icc": "icc",
         ".icm": "icc", ".jpg": "image", ".jpeg": "image", ".png": "image", ".gif": "image",
         ".webp": "image", ".json": "json", ".pdf": "pdf"}


def kind_of(path: Path) -> str:
    """The kind (a key of ``CAPS``) of the file at ``path``, told by its name."""
    return KINDS.get(path.suffix.lower(), "text")


def real_path(path: Path) -> Path | None:
    """``path`` with every link resolved, or None where that cannot be done (a loop)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a loop of links (Python 3.11, 3.12)
        return None


def lies_outside(path: Path, within: Iterable[Path]) -> bool:
    """Whether ``path``, every link resolved, lies outside each folder ``within`` (False
    when it cannot be resolved: ``checked`` then says why)."""
    real = real_path(path)
    folders = [folder for folder in (real_path(Path(f)) for f in within) if folder]
    return real is not None and not any(real.is_relative_to(folder) for folder in folders)


def read_user_text(path: Path, within: Iterable[Path] = (), *,
                   error: type[PamphleteerError] = BuildError,
                   outside: str | None = None) -> str:
    """The UTF-8 text of a file someone writes by hand (copy, settings, a template), read as
    ``read_bytes`` reads it; a link out of ``within`` is refused with ``outside`` when one is
    given, and a folder in the file's place or a loop of links is said in plain words."""
    within = list(within)
    if outside and lies_outside(path, within):
        raise error(outside, path)
    no_loop(path, error=error)
    if path.is_symlink() and not path.exists():
        raise error(f"cannot read this file: {path.name} is a link to {os.readlink(path)}, "
                    "which is not there", path)
    if path.is_dir():
        # Named here: the file:line prefix of a message shows where a link leads.
        raise error(f"cannot read this file: {path.name} is a link to a folder, not a file"
                    if path.is_symlink() else
                    "cannot read this file: a folder stands where it should be", path)
    data = read_bytes(path, "text", within, error=error)
    try:
        # Line ends as Python's text files read them (\r\n and \r are \n), as before.
        return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        # On line 1 the whole file is in another encoding (UTF-16, say): no line to fix.
        raise error(f"not UTF-8 text ({exc.reason}): save it as UTF-8", path,
                    line if line > 1 else None) from None


def no_loop(path: Path, *, error: type[PamphleteerError] = BuildError) -> Path:
    """``path``, refused if it is a loop of links."""
    if real_path(path) is None:
        raise error("cannot read this file: it is a link that leads back to itself (a loop "
                    "of links)", path)
    return path


def private_folder(folder: Path) -> Path:
    """``folder``, made if need be, checked to be this user's alone (owner, no write by others)."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = folder.lstat()
    except OSError as exc:
        raise BuildError(f"cannot make the cache folder: {exc.strerror}", folder) from None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
        raise BuildError("this cache folder belongs to another user, is not a folder, or "
                         "others may write to it: remove it and build again", folder)
    return folder
