"""Print profiles: who prints the PDF and what they need (names are part of the CLI contract)."""

from __future__ import annotations

from dataclasses import dataclass

from pamphleteer.materials import INCH, MM

# The CMYK characterization print shops receive as the PDF/X output intent, unless the
# campaign names its printer's ([print] output_intent in campaign.toml).
OUTPUT_PROFILE = "assets/icc/pamphleteer-fogra39.icc"


@dataclass(frozen=True)
class Profile:
    """How a material is turned into the PDF a printer (or a screen) needs."""

    name: str
    description: str
    pdf_variant: str | None
    bleed: dict[str, float]  # per paper family, in points
    marks: bool  # crop (and fold) marks in a slug around the bleed
    cmyk: bool  # colours as device-cmyk() with the output profile
    impose: bool  # put trim pages on the locale's sheets (home printers)
    safe_margin: float  # text keeps this far from the trim (or sheet) edge, in points


PROFILES: dict[str, Profile] = {
    "home": Profile(
        name="home",
        description="home and office printers: the locale's paper, imposed, sRGB",
        pdf_variant=None, bleed={"letter": 0, "a4": 0}, marks=False, cmyk=False,
        impose=True, safe_margin=0.25 * INCH,
    ),
    "shop": Profile(
        name="shop",
        description="print shops: trim pages with bleed and crop marks, PDF/X-4, CMYK",
        pdf_variant="pdf/x-4", bleed={"letter": 0.125 * INCH, "a4": 3 * MM}, marks=True,
        cmyk=True, impose=False, safe_margin=0.125 * INCH,
    ),
    "screen": Profile(
        name="screen",
        description="email and social media: pages in reading order, tagged PDF/UA-1, links",
        pdf_variant="pdf/ua-1", bleed={"letter": 0, "a4": 0}, marks=False, cmyk=False,
        impose=False, safe_margin=0.125 * INCH,
    ),
}
