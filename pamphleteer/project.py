"""Stage 1: load and validate the campaign settings (``campaign.toml``)."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pamphleteer import settings
from pamphleteer.errors import ConfigError, Diagnostic
from pamphleteer.files import read_bytes, real_path
from pamphleteer.fonts import FontFace, load_fonts
from pamphleteer.identity import Identity, load_identity
from pamphleteer.locales import Locale, font_roles, load_locales
from pamphleteer.prepress import icc_description, icc_problem
from pamphleteer.profiles import OUTPUT_PROFILE, OUTPUT_PROFILES, REGISTRY
from pamphleteer.theme import find, inside, trusted
from pamphleteer.tomlfile import Checker, read_toml

SETTINGS_FILE = "campaign.toml"
LINK_PURPOSES = ("petition", "representatives")
OPTIONAL_LINKS = ("report",)  # where callers report their calls (a code on the call script)
# Where the kit page is published: its link-preview image's address is made absolute with it.
PAGE_LINKS = ("kit",)
TRACKING = "ref"  # a source parameter analytics tools read (Plausible, Fathom, Matomo)
SWITCHBOARD = "(202) 224-3121"  # the US Capitol switchboard: it puts callers through
COLOR_NAMES = ("primary", "accent", "ink", "paper")
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")  # campaign and event slugs: they go into links


@dataclass(frozen=True)
class Color:
    """A brand colour for screens (``rgb``) and for print shops (``cmyk``, 0-100 each)."""

    rgb: str
    cmyk: tuple[float, float, float, float]


@dataclass(frozen=True)
class OutputIntent:
    """The press condition shop PDFs are made for: an ICC profile and what it is called."""

    path: str = OUTPUT_PROFILE  # relative to the campaign folder, under assets/
    condition: str = "Custom"  # OutputConditionIdentifier: a registered name, or Custom
    info: str = "Pamphleteer FOGRA39 (coated offset)"  # the profile's own description
    data: bytes = field(default=b"", repr=False)  # the profile's file, read once when checked
    registry: str = ""  # where ``condition`` is registered (empty for Custom)


@dataclass(frozen=True)
class Project:
    """Validated campaign settings plus the paths of the project folder."""

    root: Path
    name: str
    slug: str
    imprint: str
    edition: dt.date
    source_locale: str
    links: dict[str, str]  # the required purposes, and the optional ones given
    brand: dict[str, Color]
    locales: dict[str, Locale]  # every folder under content/
    font_faces: tuple[FontFace, ...] = field(default=())
    output_intents: dict[str, OutputIntent] = field(default_factory=dict)  # per paper
    call_number: str = SWITCHBOARD  # the number the call script asks people to call
    identity: Identity = field(default_factory=lambda: Identity(wordmark=""))
    tracked: tuple[str, ...] = ()  # hosts whose links carry tracking (the campaign's own)
    tracking: str = TRACKING  # the query parameter that tells which piece was scanned
    short_links: dict[str, str] = field(default_factory=dict)  # purpose -> the code's link
    notes: tuple[Diagnostic, ...] = field(default=())  # warnings found while loading
    # Locales whose settings are wrong (code -> the error): a command that builds, checks
    # or shows one stops with its error; the others only warn.
    broken: dict[str, ConfigError] = field(default_factory=dict)

    @property
    def settings_path(self) -> Path:
        """The campaign settings file."""
        return self.root / SETTINGS_FILE

    @property
    def content_dir(self) -> Path:
        """Where the per-locale content folders live."""
        return self.root / "content"

    @property
    def templates_dir(self) -> Path:
        """The campaign's own Jinja templates and print CSS (those it overrides)."""
        return self.root / "templates"

    def template_file(self, name: str) -> Path:
        """The template ``name`` a build uses: the campaign's, or else the theme's."""
        return find(self.root, Path("templates") / name)

    def asset(self, path: str) -> Path:
        """An asset (``assets/…``) a build uses: the campaign's, or else the theme's."""
        return find(self.root, path)

    def output_intent(self, locale: str) -> OutputIntent:
        """The press condition of ``locale``'s shop PDFs (by the paper it prints on)."""
        paper = self.locales[locale].paper
        return self.output_intents.get(paper) or OutputIntent()


def find_campaign(start: Path) -> Path:
    """The nearest folder from ``start`` upward that holds campaign.toml (``start`` itself
    when none does: loading it then says what is missing)."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if os.path.lexists(folder / SETTINGS_FILE):  # a pipe or a broken link: said on loading
            return folder
    return start


def load_project(root: Path | str) -> Project:
    """Read ``campaign.toml`` in ``root`` and validate every setting."""
    root = Path(root).resolve()
    path = root / SETTINGS_FILE
    if not os.path.lexists(path):
        raise_missing(root)
    data, text = read_toml(path, within=root)
    check = Checker(path, text)
    if "locales" in data:
        raise check.fail(("locales",), "language settings now live in each language's folder: "
                         "move [locales.xx] to content/xx/locale.toml")
    check.table(data, (), set(settings.tables()), set(settings.REQUIRED_TABLES))

    campaign = check.table(data["campaign"], ("campaign",), *settings.keys("campaign"))
    name = check.get(campaign, ("campaign", "name"), str)
    slug = check.get(campaign, ("campaign", "slug"), str)
    if not SLUG.fullmatch(slug):
        raise check.fail(("campaign", "slug"),
                         f"'{slug}' must be lowercase letters, digits and hyphens")
    imprint = check.get(campaign, ("campaign", "imprint"), str)
    edition = _edition(check, campaign)

    links = _links(check, data["links"])
    brand = _brand(check, data.get("brand", {}))
    faces = load_fonts(root)
    families = {face.family for face in faces}
    default_fonts = font_roles(check, data.get("fonts", {}), ("fonts",), families, required=True)
    notes: list[Diagnostic] = []
    broken: dict[str, ConfigError] = {}
    source = check.get(campaign, ("campaign", "source_locale"), str, "en")
    locales = load_locales(root / "content", default_fonts, families, notes, broken, source)
    if source in broken:  # every other language falls back to it: nothing can go on
        raise broken[source]
    if source not in locales:
        raise check.fail(("campaign", "source_locale"),
                         f"there is no folder content/{source} for the source language")
    return Project(root=root, name=name, slug=slug, imprint=imprint, edition=edition,
                   source_locale=source, links=links, brand=brand, locales=locales,
                   font_faces=faces, output_intents=_output_intents(check, data, root),
                   call_number=_call_number(check, data),
                   identity=load_identity(check, data, root, name),
                   tracked=_tracked(check, data, links), tracking=_tracking(check, data),
                   short_links=_short_links(check, data, links), notes=tuple(notes),
                   broken=broken)


def _call_number(check: Checker, data: dict) -> str:
    """The phone number call scripts print (``[call] number``)."""
    table = check.table(data.get("call", {}), ("call",), settings.keys("call")[0])
    number = check.get(table, ("call", "number"), str, SWITCHBOARD).strip()
    if not re.fullmatch(r"\+?[0-9 ().-]{7,24}", number) or sum(c.isdigit() for c in number) < 7:
        raise check.fail(("call", "number"), f"'{number}' must be a phone number such as "
                         f"\"{SWITCHBOARD}\" (digits, spaces, parentheses, + and -)")
    return number


def _output_intents(check: Checker, data: dict, root: Path) -> dict[str, OutputIntent]:
    """The output profile per paper: the printer's from ``[print]`` for every paper, checked to
    be a CMYK press profile; else the bundled one registered for the paper's region."""
    table = check.table(data.get("print", {}), ("print",), settings.keys("print")[0])
    if "output_intent" not in table:
        if "condition" in table:
            raise check.fail(("print", "condition"), "names the condition of your own "
                             "output_intent: set output_intent too (the bundled profiles carry "
                             "their registered names, " + ", ".join(
                                 f"{c} on {paper}" for paper, (_, c) in OUTPUT_PROFILES.items())
                             + ")")
        return {paper: _intent(check, root, path, condition, REGISTRY)
                for paper, (path, condition) in OUTPUT_PROFILES.items()}
    path = check.get(table, ("print", "output_intent"), str)
    condition = check.get(table, ("print", "condition"), str, "Custom")
    if not re.fullmatch(r"[ -~]{1,80}", condition):
        raise check.fail(("print", "condition"), "must be a short name in plain ASCII, such as "
                         "\"FOGRA39\" (registered at color.org) or \"Custom\"")
    intent = _intent(check, root, path, condition, "" if condition == "Custom" else REGISTRY)
    return dict.fromkeys(OUTPUT_PROFILES, intent)


def _intent(check: Checker, root: Path, path: str, condition: str,
            registry: str) -> OutputIntent:
    """One output profile, read and checked (errors at ``[print] output_intent``)."""
    icc = _asset_bytes(check, ("print", "output_intent"), root, path, "icc",
                       f"'{path}' must be an ICC file in this campaign's assets/ folder")
    problem = icc_problem(icc)
    if problem:
        raise check.fail(("print", "output_intent"), f"'{path}' {problem}")
    return OutputIntent(path=path, condition=condition, info=icc_description(icc) or path,
                        data=icc, registry=registry)


def _asset_bytes(check: Checker, key: tuple[str, ...], root: Path, path: str, kind: str,
                 wanted: str) -> bytes:
    """The bytes of the asset a setting names, read once after it is checked: an ordinary
    file in the campaign's or the theme's assets/, under ``kind``'s size cap. Otherwise an
    error at the setting: ``wanted``, and what is wrong with the file."""
    where = find(root, path)
    real = real_path(where)
    if real is None or not inside(root, "assets", real):
        raise check.fail(key, wanted)
    try:
        return read_bytes(where, kind, trusted(root, "assets"), error=ConfigError)
    except ConfigError as exc:
        raise check.fail(key, f"{wanted}: {exc.message}") from None


def raise_missing(root: Path) -> None:
    """Explain that ``root`` is not a campaign folder."""
    raise ConfigError(f"no {SETTINGS_FILE} here: is this a campaign folder? "
                      "(use --project DIR to point at one)", root)


def _edition(check: Checker, campaign: dict) -> dt.date:
    """The date printed pieces carry; fixed so that builds are reproducible."""
    value = check.get(campaign, ("campaign", "edition"), (dt.date, str), None)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        raise check.fail(("campaign", "edition"),
                         "must be a date without quotes, e.g. edition = 2026-11-28")
    return source_date() or dt.datetime.now(dt.UTC).date()


EPOCH = "SOURCE_DATE_EPOCH"  # reproducible-builds.org: the time a build should say it was made
LAST_EPOCH = 253_402_300_799  # 9999-12-31 23:59:59 UTC, the last second a date can hold


def source_date() -> dt.date | None:
    """The date ``SOURCE_DATE_EPOCH`` gives (None when it is not set). A value that is not
    a date is an error: ignored, it would date the build today, and no longer reproducibly."""
    epoch = os.environ.get(EPOCH)
    if epoch is None:
        return None
    fix = (f"set it to a whole number of seconds since 1970 from 0 to {LAST_EPOCH} (what "
           "`date +%s` prints), unset it, or give campaign.toml a fixed date (edition = "
           "2026-11-28 under [campaign])")
    value = epoch.strip()
    if not re.fullmatch(r"[0-9]+", value):
        shown = "set but empty" if not value else \
            f"{value[:40]!r}" + ("…" if len(value) > 40 else "")
        raise ConfigError(f"the environment variable {EPOCH} is {shown}, not a time: {fix}")
    digits = value.lstrip("0") or "0"
    if len(digits) > len(str(LAST_EPOCH)) or int(digits) > LAST_EPOCH:
        raise ConfigError(f"the environment variable {EPOCH} is {digits[:40]}, a time after "
                          f"the year 9999: {fix}")
    seconds = int(digits)
    return dt.datetime.fromtimestamp(seconds, dt.UTC).date()


def _tracked(check: Checker, data: dict, links: dict[str, str]) -> tuple[str, ...]:
    """``[tracking] domains``: the hosts whose links may carry tracking."""
    table = check.table(data.get("tracking", {}), ("tracking",), *settings.keys("tracking"))
    if "domains" not in table:
        return (urlsplit(links["petition"]).hostname or "",)
    hosts = check.get(table, ("tracking", "domains"), list)
    if not all(isinstance(h, str) and re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", h)
               for h in hosts):
        raise check.fail(("tracking", "domains"), 'must be a list of host names in quotes, '
                         'e.g. domains = ["example.org"]')
    return tuple(hosts)


def _tracking(check: Checker, data: dict) -> str:
    """``[tracking] parameter``: the query parameter a tracked code's link carries."""
    table = check.table(data.get("tracking", {}), ("tracking",), *settings.keys("tracking"))
    name = check.get(table, ("tracking", "parameter"), str, TRACKING)
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,23}", name):
        raise check.fail(("tracking", "parameter"), f"{name!r} must be a query parameter "
                         "name: lowercase letters, digits and _ (e.g. ref or utm_source)")
    return name


def _short_links(check: Checker, data: dict, links: dict[str, str]) -> dict[str, str]:
    """``[short_links]``: a short address for a code's link, printed and coded in its place."""
    table = check.table(data.get("short_links", {}), ("short_links",),
                        *settings.keys("short_links"))
    short = {}
    for purpose in table:
        if purpose not in links:
            raise check.fail(("short_links", purpose), f"there is no [links] {purpose} for "
                             "this short link to stand for: set that link first")
        url = check.get(table, ("short_links", purpose), str)
        problem = url_problem(url)
        if problem:
            raise check.fail(("short_links", purpose), f"{url!r} {problem}")
        short[purpose] = url
    return short


def tracks(project: Project, url: str) -> bool:
    """Whether ``url`` goes to the campaign's own site (a host in ``tracked`` or under one)."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return any(host == own.removeprefix("www.") or host.endswith("." + own)
               for own in project.tracked)


def _links(check: Checker, data: object) -> dict[str, str]:
    table = check.table(data, ("links",), *settings.keys("links"))
    return {purpose: checked_link(check, table, purpose)
            for purpose in LINK_PURPOSES + tuple(p for p in OPTIONAL_LINKS + PAGE_LINKS
                                                 if p in table)}


def checked_link(check: Checker, table: dict, purpose: str) -> str:
    """``[links] purpose``, refused with its line unless it is a printable https:// link."""
    url = check.get(table, ("links", purpose), str)
    problem = url_problem(url)
    if problem:
        raise check.fail(("links", purpose), f"{url!r} {problem}")
    return url


# What a printed link may hold: RFC 3986's characters, less the quote ' (the links go into
# QR codes and markup; anything else is percent-encoded: %20 for a space).
_URL_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&()*+,;=%]+")
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a printed link, or None: it must be a plain https:// address."""
    if len(url) > 500:
        return "is too long to print (more than 500 characters)"
    if not _URL_CHARS.fullmatch(url):
        return ("has characters a printed link may not have (spaces, quotes, angle brackets, "
                "control or non-ASCII characters): percent-encode them, e.g. %20 for a space")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return "is not a valid address"
    if parts.scheme != "https" or not parts.hostname:
        return "must be a full https:// address"
    if "@" in parts.netloc:
        return "must not carry a user name before its host (it hides where the link goes)"
    labels = parts.hostname.split(".")
    if len(labels) < 2 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        return "does not have a valid host name (such as example.org)"
    return None


def _brand(check: Checker, data: object) -> dict[str, Color]:
    defaults = {"primary": "#12355b", "accent": "#c8102e", "ink": "#1a1a1a", "paper": "#ffffff"}
    table = check.table(data, ("brand",), settings.keys("brand")[0])
    brand = {}
    for name in COLOR_NAMES:
        key = ("brand", name)
        value = table.get(name, {"rgb": defaults[name]})
        if isinstance(value, str):
            value = {"rgb": value}
        value = check.table(value, key, {"rgb", "cmyk"}, {"rgb"})
        rgb = check.get(value, (*key, "rgb"), str)
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", rgb):
            raise check.fail((*key, "rgb"), f"'{rgb}' must be a colour like \"#12355b\"")
        cmyk = value.get("cmyk")
        if cmyk is None:
            # Text in a screen of black prints as dots: body text is solid black in print.
            cmyk = [0, 0, 0, 100] if name == "ink" else rgb_to_cmyk(rgb)
        elif not (isinstance(cmyk, list) and len(cmyk) == 4
                  and all(isinstance(c, int | float) and 0 <= c <= 100 for c in cmyk)):
            raise check.fail((*key, "cmyk"), "must be four percentages, e.g. [100, 70, 0, 30]")
        elif name == "ink" and sorted(cmyk) != [0, 0, 0, 100]:
            raise check.fail((*key, "cmyk"), f"{cmyk} would print body text as a screen of "
                             "dots: text ink must be one solid ink, such as [0, 0, 0, 100]")
        brand[name] = Color(rgb=rgb.lower(), cmyk=_four(float(c) for c in cmyk))
    return brand


def rgb_to_cmyk(rgb: str) -> tuple[float, float, float, float]:
    """Naive conversion used when a colour gives no ``cmyk`` (a shop proof should set one)."""
    r, g, b = (int(rgb[i:i + 2], 16) / 255 for i in (1, 3, 5))
    k = 1 - max(r, g, b)
    if k >= 1:
        return (0.0, 0.0, 0.0, 100.0)
    return _four(round(100 * v, 1) for v in ((1 - r - k) / (1 - k), (1 - g - k) / (1 - k),
                                             (1 - b - k) / (1 - k), k))


def _four(values: Iterable[float]) -> tuple[float, float, float, float]:
    """Four CMYK percentages as a tuple (its length checked where they are read)."""
    c, m, y, k = values
    return (c, m, y, k)
