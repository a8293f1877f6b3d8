"""What a manifest may hold: the schema a build's own manifest is checked against before it is
written, and any manifest (a build's, a cache's, a shard's) when it is read back."""

from __future__ import annotations

import math
import re
from pathlib import PurePosixPath

from pamphleteer.locales import CODE
from pamphleteer.profiles import output_path
from pamphleteer.project import SLUG

GENERATOR = "pamphleteer"

_SHA256 = re.compile(r"[0-9a-f]{64}")
_NAME = re.compile(r"[a-z][a-z0-9_-]{0,39}")  # a material's or a profile's
# The files other than PDFs a build lists: the kit page's and the signature-sheet CSVs.
KIT_FILE = re.compile(r"index\.html|thumbs/[0-9a-f]{20}\.png|fonts/[0-9a-f]{20}\.(otf|ttf|woff2?)"
                      r"|downloads/[A-Za-z0-9-]{1,200}\.zip"
                      rf"|{CODE.pattern}/signsheet\.csv")
EVENT_FIELDS = ("name", "date", "time", "place", "address", "host")


def shown_value(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _texts(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _entry_problem(entry: object) -> str | None:
    """What is wrong with one ``outputs[]`` entry, or None."""
    if not isinstance(entry, dict):
        return "not an object"
    for key, pattern in (("locale", CODE), ("material", _NAME), ("profile", _NAME),
                         ("sha256", _SHA256)):
        if not isinstance(entry.get(key), str) or not pattern.fullmatch(entry[key]):
            return f"{key} is {shown_value(entry.get(key))}"
    event = entry.get("event")
    if event is not None and not (isinstance(event, str) and SLUG.fullmatch(event)):
        return f"event is {shown_value(event)}"
    path = output_path(entry["locale"], entry["material"], entry["profile"], event)
    if entry.get("path") != path:
        return f"path is {shown_value(entry.get('path'))}, not {path!r}"
    checks = {"pages": _count, "bytes": _count, "warnings": _texts,
              "content_locale": lambda v: isinstance(v, str) and bool(CODE.fullmatch(v)),
              "translation": lambda v: isinstance(v, str),
              "fit_scale": lambda v: isinstance(v, int | float) and not isinstance(v, bool)
              and math.isfinite(v),
              "qr": lambda v: isinstance(v, list) and all(
                  isinstance(c, dict) and isinstance(c.get("purpose"), str)
                  and isinstance(c.get("url"), str) and isinstance(c.get("verified"), bool)
                  for c in v)}
    for key, valid in checks.items():
        if key in entry and not valid(entry[key]):
            return f"{key} is {shown_value(entry[key])}"
    return None


def _inside(name: str) -> bool:
    """Whether ``name`` is a plain relative path: it cannot lead out of the folder."""
    parts = PurePosixPath(name).parts
    return bool(parts) and len(name) < 1000 and not name.startswith("/") and not any(
        part in (".", "..") for part in parts) and not re.search(r"[\\\0-\x1f\x7f]", name)


def _file_problem(record: object) -> str | None:
    """What is wrong with one ``files[]`` record, or None. (A path of another shape, which
    an older version may have listed, is only never taken for the build's own.)"""
    if not isinstance(record, dict):
        return "not an object"
    if not isinstance(record.get("path"), str) or not _inside(record["path"]):
        return f"path is {shown_value(record.get('path'))}, outside the output folder"
    if not isinstance(record.get("sha256"), str) or not _SHA256.fullmatch(record["sha256"]):
        return f"sha256 is {shown_value(record.get('sha256'))}"
    if not _count(record.get("bytes")) or not isinstance(record.get("kind", ""), str):
        return f"bytes is {shown_value(record.get('bytes'))}"
    return None


def manifest_problem(data: dict) -> str | None:
    """What makes ``data`` other than a manifest pamphleteer writes (the first thing found),
    or None: each field a build reads has the type and shape a build writes."""
    if not isinstance(data.get("campaign"), str):
        return f"campaign is {shown_value(data.get('campaign'))}"
    for key, problem in (("outputs", _entry_problem), ("files", _file_problem)):
        items = data.get(key, [])
        if not isinstance(items, list):
            return f"{key} is {shown_value(items)}, not a list"
        for index, item in enumerate(items):
            found = problem(item)
            if found:
                return f"{key}[{index}]: {found}"
    events = data.get("events", {})
    if not isinstance(events, dict):
        return f"events is {shown_value(events)}"
    for slug, info in events.items():
        if not SLUG.fullmatch(slug) or not isinstance(info, dict) or not all(
                isinstance(info.get(name, ""), str) for name in EVENT_FIELDS):
            return f"events[{shown_value(slug)}] is {shown_value(info)}"
    return None


def from_a_build(data: object) -> bool:
    return isinstance(data, dict) and isinstance(data.get("generator"), str) \
        and data["generator"].split(" ")[0] == GENERATOR
