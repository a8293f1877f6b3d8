"""Read TOML files with error messages that point at a line."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pamphleteer.errors import ConfigError, PamphleteerError
from pamphleteer.files import read_user_text
from pamphleteer.limits import MAX_FILE, MAX_SETTING, check_nesting, check_text

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=""")


def _unquote(part: str) -> str:
    part = part.strip()
    return part[1:-1] if part[:1] in "\"'" and part[-1:] == part[:1] else part


def _split_dotted(key: str) -> list[str]:
    return [_unquote(p) for p in re.findall(r'"[^"]*"|\'[^\']*\'|[^.]+', key)]


def read_toml(path: Path, error: type[PamphleteerError] = ConfigError,
              within: Path | None = None) -> tuple[dict, str]:
    """Parse a TOML file; a syntax error names the file and line. The file must be an
    ordinary one (not a device, a pipe or a folder) of a sane size; with ``within``, one that
    is a link to somewhere outside that folder is refused, not read."""
    outside = (f"this is a link to a file outside the project's {within.name}/ folder; "
               "it must live in the project") if within is not None else None
    text = read_user_text(path, [within] if within is not None else [], error=error,
                          outside=outside)
    if len(text) > MAX_FILE:
        raise error(f"this file is {len(text):,} characters long; at most {MAX_FILE:,} are "
                    "allowed", path)
    check_nesting(text, path, error=error)
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise error(f"invalid TOML: {message}", path, int(match[1]) if match else None) from None


def line_of(text: str, dotted: tuple[str, ...]) -> int | None:
    """Best-effort line number of a key such as ``("links", "petition")`` in TOML text."""
    table: list[str] = []
    best: int | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(raw)
        if header:
            table = _split_dotted(header[1])
            if tuple(table) == dotted:
                return number
            if best is None and tuple(table) == dotted[: len(table)] and table:
                best = number
            continue
        key = _KEY.match(raw)
        if key:
            full = tuple(table + _split_dotted(key[1]))
            if full == dotted:
                return number
            if full == dotted[: len(full)]:
                best = number  # an inline table holding the key
    return best


class Checker:
    """Type checks for one TOML file; every error names the file, key and line."""

    def __init__(self, path: Path, text: str, error: type[PamphleteerError] = ConfigError):
        self.path, self.text, self.error = path, text, error

    def fail(self, key: tuple[str, ...], message: str) -> PamphleteerError:
        """An error about ``key``, located in the file."""
        name = ".".join(key)
        return self.error(f"{name}: {message}" if name else message,
                          self.path, line_of(self.text, key))

    def table(self, data: Any, key: tuple[str, ...], allowed: set[str],
              required: set[str] | frozenset[str] = frozenset()) -> dict:
        """Check that ``data`` is a table with only ``allowed`` keys and every ``required`` one."""
        if not isinstance(data, dict):
            raise self.fail(key, f"must be a table, not {type(data).__name__}")
        for name in data:
            if name not in allowed:
                known = ", ".join(sorted(allowed))
                raise self.fail((*key, name), f"unknown setting (known here: {known})")
        for name in sorted(required - set(data)):
            raise self.fail(key, f"missing required setting '{name}'")
        return data

    def get(self, data: dict, key: tuple[str, ...], kind: type | tuple[type, ...],
            default: Any = ...) -> Any:
        """Return ``data[key[-1]]`` checked against ``kind``."""
        if key[-1] not in data:
            if default is ...:
                raise self.fail(key[:-1], f"missing required setting '{key[-1]}'")
            return default
        value = data[key[-1]]
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            raise self.fail(key, f"must be {_kind_name(kind)}, not a boolean")
        if not isinstance(value, kind):
            raise self.fail(key, f"must be {_kind_name(kind)}, not {type(value).__name__}")
        if isinstance(value, str):
            check_text(value, self.path, line_of(self.text, key), limit=MAX_SETTING,
                       what=".".join(key), error=self.error)
        return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
             list: "a list", dict: "a table"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)
