"""Events: one TOML file per rally (date, time, place, host), stamped onto the pieces that
carry an event (flyer, handbill, poster, palm card) and into their QR codes' tracking.

    name = "Candlelight vigil for peace"
    slug = "seattle-vigil"
    date = 2027-07-27
    time = "19:30"          # 24-hour clock (or a TOML time, 19:30:00)
    place = "Westlake Park"
    address = "401 Pine St, Seattle"
    host = "Seattle Peace Coalition"
    locales = ["en", "ko"]  # optional: which of the campaign's languages to build
    [links]                 # optional: this event's own links (a local petition)
    petition = "https://example.org/seattle/petition"
    [short_links]           # optional: short addresses for them, coded and printed
    petition = "https://example.org/s/sea"
    [translated.ko]         # optional: the name, place, address or host in one language
    name = "평화를 위한 촛불 집회"
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from pamphleteer.errors import ConfigError, Diagnostic
from pamphleteer.project import SLUG, Project, url_problem
from pamphleteer.tomlfile import Checker, line_of, read_toml

FIELDS = ("name", "slug", "date", "time", "place", "address", "host")
OPTIONAL = ("locales", "links", "short_links", "translated")
TRANSLATABLE = ("name", "place", "address", "host")  # what an event may give per language
SUMMARY = ("name", "date", "time", "place", "address", "host")  # what a manifest keeps of one
MAX_SLUG = 32  # the slug rides in every QR code's tracking: each character makes it denser
MAX_EVENTS = 2000  # files in one --event folder: a national day of action, not a runaway


@dataclass(frozen=True)
class Event:
    """One rally: what its pieces print, and where its files go."""

    slug: str
    name: str
    date: dt.date
    time: dt.time
    place: str
    address: str
    host: str
    path: Path  # the event file, for messages
    locales: tuple[str, ...] | None = None  # None: every locale of the campaign
    links: tuple[tuple[str, str], ...] = ()  # (purpose, URL): the campaign's, overridden
    short_links: tuple[tuple[str, str], ...] = ()  # (purpose, URL): coded in the link's place
    # (locale, ((field, text), ...)): a name, place, address or host in one language
    translated: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()

    def text_in(self, name: str, locale: str) -> str:
        """The event's ``name`` (name, place, address, host) in ``locale``, or as written."""
        own = dict(dict(self.translated).get(locale, ()))
        return own.get(name, getattr(self, name))

    def link(self, purpose: str, default: str) -> str:
        """This event's link for ``purpose``, or the campaign's."""
        return dict(self.links).get(purpose, default)

    def short_link(self, purpose: str, default: str | None) -> str | None:
        """This event's short link for ``purpose``; the campaign's ``default`` only where the
        event keeps the campaign's link (it would lead to the campaign's page, not the
        event's own)."""
        own = dict(self.short_links)
        if purpose in own:
            return own[purpose]
        return None if purpose in dict(self.links) else default

    def summary(self) -> dict[str, str]:
        """What the manifest keeps of the event, for the kit page."""
        summary: dict = {"name": self.name, "date": self.date.isoformat(),
                         "time": f"{self.time:%H:%M}", "place": self.place,
                         "address": self.address, "host": self.host}
        if self.translated:
            summary["translated"] = {locale: dict(texts) for locale, texts in self.translated}
        return summary

    def fingerprint(self, locale: str) -> str:
        """Everything the event prints or links in ``locale``, for the build cache (a
        translation of its name is an input of that language's pieces only)."""
        return repr((self.slug, self.name, self.date, self.time, self.place, self.address,
                     self.host, self.links, self.short_links,
                     dict(self.translated).get(locale, ())))

    def when(self, locale: str) -> str:
        """The date and time written the locale's way ("Tuesday, July 27, 2027, 7:30 PM")."""
        return when(self.date, self.time, locale)

    def text(self, locale: str) -> str:
        """Every word the event prints in ``locale``, for the glyph check."""
        return "\n".join([*(self.text_in(name, locale) for name in TRANSLATABLE),
                          self.when(locale)])


def when(date: dt.date, time: dt.time, locale: str) -> str:
    """A date and time written the locale's way, by CLDR's data (through Babel)."""
    from babel import Locale, UnknownLocaleError
    from babel.dates import format_date, format_time

    try:
        cldr = Locale.parse(locale, sep="-")
    except (UnknownLocaleError, ValueError):
        return f"{date.isoformat()} {time:%H:%M}"  # ISO 8601 reads anywhere
    pattern = cldr.datetime_formats["full"]
    pattern = str(getattr(pattern, "pattern", pattern))
    text = pattern.replace("{1}", format_date(date, "full", locale=cldr)) \
        .replace("{0}", format_time(time, "short", locale=cldr))
    # CLDR puts a narrow no-break space before "PM"; not every bundled font has one, and a
    # plain no-break space keeps "7:30 PM" together just the same.
    return text.replace("\u202f", "\u00a0")


def load_events(project: Project, where: Path) -> list[Event]:
    """The event in a TOML file, or those of every ``*.toml`` in a folder, by slug. A file
    found in a folder must lie in it (a link out of it is refused, unread); a file named on
    the command line is read where it is."""
    within = where if where.is_dir() else None
    if where.is_dir():
        files = sorted(where.glob("*.toml"))
        if not files:
            raise ConfigError("no event files (*.toml) in this folder", where)
        if len(files) > MAX_EVENTS:
            raise ConfigError(f"{len(files)} event files: at most {MAX_EVENTS} are built at "
                              "once; split them into folders", where)
    elif where.is_file():
        files = [where]
    else:
        raise ConfigError("no such event file or folder", where)
    events: dict[str, Event] = {}
    for path in files:
        event = load_event(project, path, within)
        if event.slug in events:
            raise ConfigError(f"slug: '{event.slug}' is also the slug of "
                              f"{events[event.slug].path.name}; each event needs its own",
                              path, line_of(read_toml(path, within=within)[1], ("slug",)))
        events[event.slug] = event
    return sorted(events.values(), key=lambda e: (e.date, e.time, e.slug))


def load_event(project: Project, path: Path, within: Path | None = None) -> Event:
    """Read and check one event file (inside ``within``, if given): an unknown key or a
    wrong type names its line."""
    data, text = read_toml(path, within=within)
    check = Checker(path, text)
    check.table(data, (), set(FIELDS + OPTIONAL), set(FIELDS))
    values = _texts(check, data, (), ("name", "slug", "place", "address", "host"))
    slug = values["slug"]
    if not valid_slug(slug):
        raise check.fail(("slug",), f"'{slug}' must be lowercase letters, digits and hyphens, "
                         f"at most {MAX_SLUG} characters (it goes into every QR code)")
    date = check.get(data, ("date",), (dt.date, str))
    if isinstance(date, (str, dt.datetime)):
        raise check.fail(("date",), "must be a date without quotes, e.g. date = 2027-07-27")
    return Event(slug=slug, name=values["name"], date=date, time=_time(check, data),
                 place=values["place"], address=values["address"], host=values["host"],
                 path=path, locales=_locales(check, data, project),
                 links=_links(check, data, project),
                 short_links=_links(check, data, project, table="short_links"),
                 translated=_translated(check, data, project))


def valid_slug(slug: str) -> bool:
    """Whether ``slug`` may name an event: it goes into paths, links and QR codes."""
    return bool(SLUG.fullmatch(slug)) and len(slug) <= MAX_SLUG


def event_from_summary(project: Project, check: Checker, data: object,
                       key: tuple[str, ...], slug: str) -> Event:
    """The event a manifest's ``events`` table keeps under ``slug`` (``Event.summary``, and
    any ``links``), checked as an event file is: a shard's manifest is not to be trusted.
    ``slug`` must already be ``valid_slug``."""
    table = check.table(data, key, set(SUMMARY) | {"links", "short_links", "translated"},
                        set(SUMMARY))
    values = _texts(check, table, key, SUMMARY)  # the date and time too: strings, one line
    date = values["date"]
    try:
        day = dt.date.fromisoformat(date) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else None
    except ValueError:
        day = None
    if day is None:
        raise check.fail((*key, "date"), f"{date!r} is not a date written YYYY-MM-DD")
    return Event(slug=slug, name=values["name"], date=day, time=_time(check, table, key),
                 place=values["place"], address=values["address"], host=values["host"],
                 path=check.path, links=_links(check, table, project, key),
                 short_links=_links(check, table, project, key, "short_links"),
                 translated=_translated(check, table, project, key))


def _texts(check: Checker, data: dict, key: tuple[str, ...],
           names: tuple[str, ...]) -> dict[str, str]:
    """The text fields ``names`` of an event: each a string, not empty, on one line."""
    values = {name: check.get(data, (*key, name), str) for name in names}
    for name, value in values.items():
        if not value.strip():
            raise check.fail((*key, name), "must not be empty")
        if "\n" in value:
            raise check.fail((*key, name), "must be one line")
    return values


def _time(check: Checker, data: dict, key: tuple[str, ...] = ()) -> dt.time:
    value = check.get(data, (*key, "time"), (dt.time, str))
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value.strip())
    if not match:
        raise check.fail((*key, "time"), f"'{value}' is not a time of day: write it on the "
                         "24-hour clock, e.g. time = \"19:30\"")
    return dt.time(int(match[1]), int(match[2]))


def _locales(check: Checker, data: dict, project: Project) -> tuple[str, ...] | None:
    if "locales" not in data:
        return None
    codes = check.get(data, ("locales",), list)
    if not codes:
        raise check.fail(("locales",), "must name at least one locale (or leave it out for "
                         "every locale)")
    if not all(isinstance(code, str) for code in codes):
        raise check.fail(("locales",), 'must be a list of locale codes in quotes, e.g. '
                         'locales = ["en", "es"]')
    for code in codes:
        if code not in project.locales:
            raise check.fail(("locales",), f"unknown locale {code!r} (this campaign has: "
                             f"{', '.join(project.locales)})")
    return tuple(dict.fromkeys(codes))


def _links(check: Checker, data: dict, project: Project, key: tuple[str, ...] = (),
           table: str = "links") -> tuple[tuple[str, str], ...]:
    """``[links]`` (or ``[short_links]``): links of the campaign's purposes, for this event."""
    if table not in data:
        return ()
    links = check.table(data[table], (*key, table), set(project.links))
    return tuple(sorted((purpose, _link(check, links, (*key, table, purpose)))
                        for purpose in links))


def _translated(check: Checker, data: dict, project: Project, key: tuple[str, ...] = ()
                ) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """``[translated.<locale>]``: the texts an event gives in one of the campaign's languages."""
    if "translated" not in data:
        return ()
    table = check.table(data["translated"], (*key, "translated"), set(project.locales))
    found = []
    for locale in sorted(table):
        own = check.table(table[locale], (*key, "translated", locale), set(TRANSLATABLE))
        texts = _texts(check, own, (*key, "translated", locale), tuple(sorted(own)))
        found.append((locale, tuple(sorted(texts.items()))))
    return tuple(found)


def _link(check: Checker, table: dict, key: tuple[str, ...]) -> str:
    """The link at ``key``, refused with its line unless it is a printable https:// link (the
    rule for the campaign's own links: ``project.checked_link``)."""
    url = check.get(table, key, str)
    problem = url_problem(url)
    if problem:
        raise check.fail(key, f"{url!r} {problem}")
    return url


def event_notes(events: list[Event], today: dt.date | None = None) -> list[Diagnostic]:
    """Warnings about events that look left over: dated before today."""
    today = today or dt.date.today()
    return [Diagnostic(f"this event was on {event.date.isoformat()}, in the past: an old file "
                       "left in the folder? (remove it, or fix its date)", event.path,
                       line_of(event.path.read_text("utf-8"), ("date",)))
            for event in events if event.date < today]

