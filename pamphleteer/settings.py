"""The declared schema of ``campaign.toml``: every table and key, its kind, whether it is
required, its default, and a one-line description.

``project`` checks the file against it (which tables and keys exist, which are required);
the README's settings table is generated from it (``python -m pamphleteer.settings``), and
a test keeps the two in sync.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    """One key of campaign.toml."""

    key: str  # "table.key"
    kind: str  # what the value is, for people
    description: str  # one line
    required: bool = False
    default: str = ""

    @property
    def table(self) -> str:
        """The table it is in (``campaign``, ``links`` ...)."""
        return self.key.split(".")[0]

    @property
    def name(self) -> str:
        """Its key within the table."""
        return self.key.split(".", 1)[1]


COLOUR = ("an inline table: `rgb` (\"#rrggbb\") for home printers and screens, `cmyk` "
          "(four percentages) for print shops")
FONT_STACK = "a list of family names from `assets/fonts/fonts.toml`, first choice first"

SETTINGS: tuple[Setting, ...] = (
    Setting("campaign.name", "text", "the campaign's name (the wordmark's default)", True),
    Setting("campaign.slug", "lowercase letters, digits, hyphens",
            "names the kit's files and folders", True),
    Setting("campaign.imprint", "text", "printed after \"Paid for by\" on every piece: who "
            "publishes it", True),
    Setting("campaign.edition", "a date (no quotes)", "the date the PDFs carry; "
            "`{years_since:1953-07-27}` in copy counts to it. Fixed, it keeps builds "
            "byte-identical", default="today (`SOURCE_DATE_EPOCH` if set)"),
    Setting("campaign.source_locale", "a locale code", "the language translators translate "
            "from; a folder `content/<code>/` must exist", default="`en`"),
    Setting("identity.wordmark", "text, at most 40 characters", "the name in the masthead band "
            "of every piece", default="`campaign.name`"),
    Setting("identity.logo", "a path under `assets/`", "an SVG of plain shapes printed beside "
            "the wordmark, in one colour (anything else in it is an error)", default="none"),
    Setting("links.petition", "an `https://` address", "where the petition code leads", True),
    Setting("links.representatives", "an `https://` address", "where the \"find your "
            "representative\" code leads", True),
    Setting("links.report", "an `https://` address", "where callers report their call: a "
            "third code on the call script", default="none"),
    Setting("links.kit", "an `https://` address", "where you publish the kit page (the build's "
            "output folder): chats and feeds then show its link-preview image", default="none"),
    Setting("short_links.petition", "an `https://` address", "a short address that leads "
            "to the petition (a redirect on your site, or a link shortener): the code carries "
            "it and the piece prints it, so the code's modules stay large enough to scan in "
            "a crowd; it must pass its query on (most redirects do)", default="none"),
    Setting("short_links.representatives", "an `https://` address", "the same for the "
            "\"find your representative\" link", default="none"),
    Setting("short_links.report", "an `https://` address", "the same for the report link",
            default="none"),
    Setting("tracking.domains", "a list of host names", "the web sites your campaign owns: "
            "only links to them carry tracking, which you alone can read; a link elsewhere "
            "(house.gov) is printed and coded as it is", default="the petition link's host"),
    Setting("tracking.parameter", "a query parameter name", "the one parameter a tracked "
            "code's link carries: which piece, language and event was scanned "
            "(`ref=fl-en`, `ref=hb-es-seattle-vigil`)", default="`ref`"),
    Setting("brand.primary", COLOUR, "headlines and the masthead band", default="navy"),
    Setting("brand.accent", COLOUR, "kickers, rules, the event's date", default="red"),
    Setting("brand.ink", COLOUR, "body text (at the shop, solid black is best)",
            default="near-black"),
    Setting("brand.paper", COLOUR, "the page", default="white"),
    Setting("fonts.text", FONT_STACK, "body copy; a language may set its own in its "
            "`locale.toml`", True),
    Setting("fonts.headline", FONT_STACK, "headlines", True),
    Setting("fonts.label", FONT_STACK, "kickers, captions, labels", True),
    Setting("print.output_intent", "a path under `assets/`", "for print shops: your printer's "
            "CMYK profile (ICC), for every paper; the PDF/X output intent names it by its own "
            "description", default="by the paper's region, a bundled profile of a condition "
            "registered at color.org: GRACoL 2006 (`CGATS TR 006`) on letter, `FOGRA39` on A4"),
    Setting("print.condition", "plain ASCII, at most 80 characters", "your profile's "
            "registered condition name (e.g. `FOGRA39`), or `Custom`; only with "
            "`output_intent`", default="`Custom`"),
    Setting("call.number", "a phone number", "the number the call script asks people to call",
            default="the US Capitol switchboard, (202) 224-3121"),
)
REQUIRED_TABLES = ("campaign", "links")  # [fonts] too, through its required keys


def tables() -> list[str]:
    """Every table of campaign.toml, in the order the schema declares them."""
    return list(dict.fromkeys(setting.table for setting in SETTINGS))


def keys(table: str) -> tuple[set[str], set[str]]:
    """The keys a table may hold, and those it must."""
    inside = [s for s in SETTINGS if s.table == table]
    return {s.name for s in inside}, {s.name for s in inside if s.required}


def markdown() -> str:
    """The README's settings table."""
    rows = ["| setting | value | what it does | default |", "| --- | --- | --- | --- |"]
    for setting in SETTINGS:
        default = "required" if setting.required else setting.default
        rows.append(f"| `{setting.key}` | {setting.kind} | {setting.description} | {default} |")
    return "\n".join(rows) + "\n"


START, END = "<!-- settings: made by python -m pamphleteer.settings -->\n", "<!-- /settings -->"


def update_readme(readme: Path) -> bool:
    """Put the generated table between the README's markers; whether it changed."""
    text = readme.read_text(encoding="utf-8")
    new = re.sub(re.escape(START) + r".*?" + re.escape(END), lambda _: START + markdown() + END,
                 text, flags=re.DOTALL)
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("README.md")
    print("updated" if update_readme(path) else "up to date", path)
