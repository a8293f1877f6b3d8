"""Print profiles: who prints the PDF and what they need (names are part of the CLI contract)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """How a material is turned into the PDF a printer (or a screen) needs."""

    name: str
    description: str
    pdf_variant: str | None
    safe_margin: str  # nothing but marks closer than this to the sheet or trim edge


PROFILES: dict[str, Profile] = {
    "home": Profile(
        name="home",
        description="ordinary home and office printers: the locale's paper, sRGB",
        pdf_variant=None,
        safe_margin="0.25in",
    ),
}
