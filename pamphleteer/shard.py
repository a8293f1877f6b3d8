"""A shard's folder read as untrusted input: its manifest and build cache checked field by
field, before ``merge`` takes anything from it.

A shard comes from a CI runner that anyone with a pull request can influence. Every path an
entry gets is derived from its checked fields (locale, material, profile, event: the same
checks and the same ``Job.path`` a build uses), never taken from the shard; a link anywhere
in it refuses it; its JSON is read as ``files`` reads a user's file, with a depth limit, no
key twice and no NaN.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, fields
from pathlib import Path

from pamphleteer.cache import FILE as CACHE_FILE
from pamphleteer.errors import BuildError
from pamphleteer.events import Event, event_from_summary, valid_slug
from pamphleteer.files import CAPS, json_depth, read_text
from pamphleteer.limits import check_text
from pamphleteer.materials import MATERIALS
from pamphleteer.outputs import GENERATOR, MANIFEST, STATE, Output
from pamphleteer.pipeline import Job
from pamphleteer.profiles import PROFILES
from pamphleteer.project import LINK_PURPOSES, OPTIONAL_LINKS, Project, url_problem
from pamphleteer.tomlfile import Checker
from pamphleteer.version import __version__

CSV_FILE = "signsheet.csv"
CSV_KIND = "signature-sheet CSV"
TOP_KEYS = ("campaign", "generator", "outputs", "files", "events")
ENTRY_KEYS = tuple(f.name for f in fields(Output))
FILE_KEYS = ("path", "kind", "bytes", "sha256")
QR_KEYS = ("purpose", "url", "verified")
TRANSLATIONS = ("source", "translated", "outdated", "untranslated", "fallback")
MAX_DEPTH = 8  # a shard's manifest is 5 deep (an entry's QR codes); its cache 2
MAX_KEY = 200  # characters in a key of the manifest (a slug, a field, a path in the cache)
MAX_PAGES = 1000  # a booklet has at most 16; a home sheet of cards fewer
MAX_WARNINGS, MAX_WARNING = 200, 2000  # an entry's warnings, and characters in one
MAX_CODES = 8  # QR codes on one piece: 3 at most today
SHA256 = re.compile(r"[0-9a-f]{64}")
_KINDS = {str: "text", int: "a whole number", float: "a number", bool: "true or false",
          list: "a list", dict: "an object", type(None): "null"}


@dataclass(frozen=True)
class Shard:
    """One shard's folder, its manifest checked: what it says it holds."""

    folder: Path
    manifest: Path
    outputs: list[Output]  # every path derived from checked fields
    csvs: dict[str, tuple[str, int]]  # <locale>/signsheet.csv -> (SHA-256, bytes)
    events: dict[str, Event]
    keys: dict[str, str]  # build cache keys, by path


def read_shard(project: Project, source: Path) -> Shard:
    """A shard's folder (checked by ``merge``) with its manifest and cache read and checked
    (its files not yet)."""
    _refuse_links(source)
    path = source / MANIFEST
    data = _load_json(path, source)
    if not isinstance(data, dict) or str(data.get("generator", "")).split(" ")[0] != GENERATOR:
        raise BuildError("this manifest was not written by pamphleteer", path)
    if data.get("campaign") != project.name:
        raise BuildError(f"this kit is of the campaign {shown(data.get('campaign'))}, not "
                         f"{project.name!r}", path)
    if data.get("generator") != f"{GENERATOR} {__version__}":
        raise BuildError(f"built by {shown(data.get('generator'))}, not {GENERATOR} "
                         f"{__version__}: build every shard with the same version", path)
    fields = Fields(path)
    fields.object(data, "the manifest", TOP_KEYS, ("campaign", "generator", "outputs"))
    events = _events(project, data, fields)
    outputs = [_output(project, entry, f"outputs[{index}]", fields, events)
               for index, entry in enumerate(fields.get(data, "outputs", (list,)))]
    seen: set[str] = set()
    for output in outputs:
        if output.path in seen:
            raise BuildError(f"the manifest lists {output.path} twice", path)
        seen.add(output.path)
    return Shard(source, path, outputs, _csvs(project, data, fields), events,
                 _cache_keys(source))


def _refuse_links(source: Path) -> None:
    """A shard holds no link, wherever it points (``lstat``: a link is never followed): a
    build writes none, and one inside may be swapped for one outside."""
    for folder, dirs, names in os.walk(source):  # does not descend into links to folders
        for name in (*dirs, *names):
            path = Path(folder, name)
            if path.is_symlink():
                raise BuildError(f"a link (to {shown(os.readlink(path))}) in a shard: merge "
                                 "takes no links, wherever they point; build the shard again",
                                 path)


def _load_json(path: Path, source: Path) -> object:
    """A JSON file of the shard, read as ``files`` reads a user's file: a regular file inside
    the shard, under its cap, at most ``MAX_DEPTH`` deep, with no key twice in an object
    (the last would win unseen) and no NaN or Infinity."""
    text = read_text(path, "json", [source])
    if json_depth(text) > MAX_DEPTH:
        raise BuildError(f"JSON nested more than {MAX_DEPTH} deep: not a file pamphleteer "
                         "wrote", path)
    try:
        return json.loads(text, object_pairs_hook=_unique, parse_constant=_no_constant)
    except _Refused as exc:
        raise BuildError(f"{exc}: not a file pamphleteer wrote", path) from None
    except (ValueError, RecursionError) as exc:
        raise BuildError(f"not valid JSON ({shown(str(exc))})", path) from None


class _Refused(ValueError):
    """JSON that parses, but that pamphleteer never writes."""


def _unique(pairs: list[tuple[str, object]]) -> dict:
    found: dict = {}
    for key, value in pairs:
        if len(key) > MAX_KEY or not key.isprintable():
            raise _Refused(f"a key {shown(key)} that is no name")
        if key in found:
            raise _Refused(f"the key {shown(key)} twice in one object")
        found[key] = value
    return found


def _no_constant(name: str) -> object:
    raise _Refused(f"the number {name}")


def shown(value: object) -> str:
    """``value`` for a one-line message: quoted, escaped, cut short."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class Fields:
    """Type checks for one shard's manifest: each refusal names the file and the field."""

    def __init__(self, manifest: Path):
        self.manifest = manifest

    def fail(self, where: str, message: str) -> BuildError:
        """An error about the field ``where`` (none: the manifest as a whole)."""
        return BuildError(f"{where}: {message}" if where else message, self.manifest)

    def get(self, data: dict, key: str, kinds: tuple[type, ...], where: str = ""):
        """``data[key]``, of one of the JSON ``kinds`` (by ``type``: true is no number)."""
        if key not in data:
            raise self.fail("", f"{where or 'the manifest'} has no '{key}'")
        if type(data[key]) not in kinds:
            wanted = " or ".join(_KINDS[kind] for kind in kinds)
            raise self.fail(where, f"{key} must be {wanted}, not {_KINDS[type(data[key])]}")
        return data[key]

    def object(self, data: object, where: str, allowed: tuple[str, ...],
               required: tuple[str, ...]) -> dict:
        """``data``, an object with only ``allowed`` keys and every ``required`` one."""
        if type(data) is not dict:
            raise self.fail("", f"{where} must be an object, not {_KINDS[type(data)]}")
        for key in data:
            if key not in allowed:
                raise self.fail("", f"{where} has an unknown key {shown(key)} (known: "
                                f"{', '.join(allowed)})")
        for key in required:
            if key not in data:
                raise self.fail("", f"{where} has no '{key}'")
        return data

    def choice(self, data: dict, key: str, known, what: str, where: str) -> str:
        """``data[key]``, one of ``known``."""
        value = self.get(data, key, (str,), where)
        if value not in known:
            raise self.fail(where, f"{key} {shown(value)} is not {what} (known: "
                            f"{', '.join(known)})")
        return value

    def number(self, data: dict, key: str, kinds: tuple[type, ...], low: float,
               high: float, where: str) -> float:
        """``data[key]``, a number from ``low`` to ``high``."""
        value = self.get(data, key, kinds, where)
        if not low <= value <= high:  # exact for any integer, however long; false for NaN
            shown = [f"{bound:,}" if type(bound) is int else f"{bound:g}" for bound in (low,
                                                                                      high)]
            raise self.fail(where, f"{key} must be a number from {shown[0]} to {shown[1]}")
        return value


def _events(project: Project, data: dict, fields: Fields) -> dict[str, Event]:
    """The manifest's events, each checked as a build checks an event file."""
    table = fields.get(data, "events", (dict,)) if "events" in data else {}
    check = Checker(fields.manifest, "", error=BuildError)
    events = {}
    for slug, info in table.items():
        if not valid_slug(slug):
            raise fields.fail("events", f"{shown(slug)} is not an event's slug (lowercase "
                              "letters, digits and hyphens)")
        events[slug] = event_from_summary(project, check, info, ("events", slug), slug)
    return events


def _output(project: Project, data: object, where: str, fields: Fields,
            events: dict[str, Event]) -> Output:
    """One manifest entry, every field checked; its path must be the one its locale,
    material, profile and event give (``Job.path``, as for a build), or it is refused."""
    entry = fields.object(data, where, ENTRY_KEYS, ENTRY_KEYS)
    locale = fields.choice(entry, "locale", project.locales, "a language of this campaign",
                           where)
    material = fields.choice(entry, "material", MATERIALS, "a material", where)
    profile = fields.choice(entry, "profile", PROFILES, "a profile", where)
    fields.choice(entry, "content_locale", dict.fromkeys((locale, project.source_locale)),
                  "the language of its text", where)
    fields.choice(entry, "translation", TRANSLATIONS, "a translation status", where)
    slug = fields.get(entry, "event", (str, type(None)), where)
    if slug is not None and slug not in events:
        raise fields.fail(where, f"event {shown(slug)} is not one of this manifest's events")
    if slug is not None and not MATERIALS[material].event:
        raise fields.fail(where, f"a {material} never carries an event")
    path = Job(locale, material, profile, events.get(slug) if slug else None).path
    if fields.get(entry, "path", (str,), where) != path:
        raise fields.fail(where, f"path {shown(entry['path'])} is not where its locale, "
                          f"material, profile and event put it ({path})")
    where = f"{where} ({path})"
    fields.number(entry, "pages", (int,), 1, MAX_PAGES, where)
    fields.number(entry, "bytes", (int,), 0, CAPS["pdf"], where)
    fields.number(entry, "fit_scale", (float, int), 0.01, 10, where)
    if not SHA256.fullmatch(fields.get(entry, "sha256", (str,), where)):
        raise fields.fail(where, "sha256 must be 64 hex digits")
    _codes(entry, where, fields)
    _warnings(entry, where, fields)
    return Output(**{key: entry[key] for key in ENTRY_KEYS})


def _codes(entry: dict, where: str, fields: Fields) -> None:
    """The QR codes an entry records: known purposes, https:// links."""
    codes = fields.get(entry, "qr", (list,), where)
    if len(codes) > MAX_CODES:
        raise fields.fail(where, f"more than {MAX_CODES} QR codes")
    for index, data in enumerate(codes):
        here = f"{where}, qr[{index}]"
        code = fields.object(data, here, QR_KEYS, QR_KEYS)
        fields.choice(code, "purpose", LINK_PURPOSES + OPTIONAL_LINKS, "a link's purpose",
                      here)
        problem = url_problem(fields.get(code, "url", (str,), here))
        if problem:
            raise fields.fail(here, f"url {shown(code['url'])} {problem}")
        fields.get(code, "verified", (bool,), here)


def _warnings(entry: dict, where: str, fields: Fields) -> None:
    """An entry's warnings: a later build prints them, so text with no control character."""
    warnings = fields.get(entry, "warnings", (list,), where)
    if len(warnings) > MAX_WARNINGS:
        raise fields.fail(where, f"more than {MAX_WARNINGS} warnings")
    for index, text in enumerate(warnings):
        if type(text) is not str:
            raise fields.fail(where, f"warnings[{index}] must be text, not "
                              f"{_KINDS[type(text)]}")
        check_text(text, fields.manifest, None, limit=MAX_WARNING,
                   what=f"{where}: warnings[{index}]", error=BuildError)


def _csvs(project: Project, data: dict, fields: Fields) -> dict[str, tuple[str, int]]:
    """The signature-sheet CSVs the manifest's ``files`` records, with their hashes; its
    other files (the kit page's) are never taken, so only their types are checked."""
    csvs = {}
    records = fields.get(data, "files", (list,)) if "files" in data else []
    for index, data in enumerate(records):
        where = f"files[{index}]"
        record = fields.object(data, where, FILE_KEYS, FILE_KEYS)
        path = fields.get(record, "path", (str,), where)
        size = fields.number(record, "bytes", (int,), 0, CAPS["json"], where)
        if not SHA256.fullmatch(fields.get(record, "sha256", (str,), where)):
            raise fields.fail(where, "sha256 must be 64 hex digits")
        if fields.get(record, "kind", (str,), where) != CSV_KIND:
            continue
        locale = path.removesuffix(f"/{CSV_FILE}")
        if locale not in project.locales or path != f"{locale}/{CSV_FILE}":
            raise fields.fail(where, f"path {shown(path)} is not <locale>/{CSV_FILE} for a "
                              "language of this campaign")
        csvs[path] = (record["sha256"], int(size))
    return csvs


def _cache_keys(source: Path) -> dict[str, str]:
    """The shard's build cache keys (none if it has no cache)."""
    path = source / STATE / CACHE_FILE
    if not os.path.lexists(path):
        return {}
    data = _load_json(path, source)
    keys = data.get("keys") if type(data) is dict else None
    if type(keys) is not dict or not all(type(key) is str and SHA256.fullmatch(key)
                                         for key in keys.values()):
        raise BuildError("this build cache is not as pamphleteer writes it: delete it, or "
                         "build the shard again", path)
    return keys
