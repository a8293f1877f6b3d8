"""Errors and warnings that name the file (and line) a user can fix."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import click


def where(file: Path | str | None, line: int | None = None) -> str:
    """Format a ``file:line`` prefix, relative to the working directory when possible."""
    if file is None:
        return ""
    path = Path(file)
    shown = _relative(path) or str(path)
    return f"{shown}:{line}" if line else shown


def _relative(path: Path) -> str | None:
    """``path`` relative to the working directory: as written (a link is named as the link,
    not as what it points to), else with links resolved on both sides (a working directory
    reached through a link); None when it lies elsewhere, or is a loop of links."""
    try:
        return str(Path(os.path.abspath(path)).relative_to(os.getcwd()))
    except (ValueError, OSError):
        pass
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a loop (Python 3.11, 3.12)
        return None


class PamphleteerError(click.ClickException):
    """A problem the user can fix; printed as ``file:line: message``, exit status 1."""

    exit_code = 1

    def __init__(self, message: str, file: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.file = file
        self.line = line

    def format_message(self) -> str:
        prefix = where(self.file, self.line)
        return f"{prefix}: {self.message}" if prefix else self.message


class UsageError(PamphleteerError):
    """A mistake on the command line (an unknown locale, a folder that is not there): exit
    status 2, as for any option click itself refuses."""

    exit_code = 2


class ConfigError(PamphleteerError):
    """Invalid campaign settings (campaign.toml, fonts.toml)."""


class ContentError(PamphleteerError):
    """Invalid content: front matter, Markdown, strings."""


class BuildError(PamphleteerError):
    """A material could not be rendered or failed a check after rendering."""

    @classmethod
    def from_os(cls, exc: OSError, path: Path) -> BuildError:
        """A file system failure writing ``path`` (no space, no permission, a file where a
        folder should be), told at the path that failed, without a traceback."""
        reason = exc.strerror or str(exc)
        if isinstance(exc, (FileExistsError, NotADirectoryError)):
            reason += " (a file stands where a folder is needed)"
        elif isinstance(exc, IsADirectoryError):
            reason += " (a folder stands where the file goes)"
        failed = Path(exc.filename) if exc.filename else path
        what = "" if failed == path else f" {where(path)}"
        return cls(f"cannot write{what}: {reason}", failed)


@dataclass(frozen=True)
class Diagnostic:
    """A warning found while building; ``--strict`` turns it into an error."""

    message: str
    file: str | Path | None = None
    line: int | None = None

    def __str__(self) -> str:
        prefix = where(self.file, self.line)
        return f"{prefix}: {self.message}" if prefix else self.message
