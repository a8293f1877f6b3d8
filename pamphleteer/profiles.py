"""Print profiles: who prints the PDF and what they need (names are part of the CLI contract).

A profile is data: what its pages look like (trim, bleed, marks), how its colours are made
(``ink``), whether home printers' sheets are imposed, and on whose layout its copy is fitted.
Code asks a profile what it is (``medium``, ``ink``, ``impose``), never for its name, so a new
profile is an entry here and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from pamphleteer.materials import INCH, MM, PRINT, SHARE

# The CMYK characterization print shops receive as the PDF/X output intent, by the paper's
# region, unless the campaign names its printer's ([print] output_intent in campaign.toml):
# each a condition registered at color.org, so that a preflight knows it by name. GRACoL 2006
# (CGATS TR 006) for US letter shops, FOGRA39 (ISO 12647-2 coated) for A4 shops.
OUTPUT_PROFILES = {"letter": ("assets/icc/pamphleteer-gracol2006.icc", "CGATS TR 006"),
                   "a4": ("assets/icc/pamphleteer-fogra39.icc", "FOGRA39")}
OUTPUT_PROFILE = OUTPUT_PROFILES["a4"][0]
REGISTRY = "http://www.color.org"  # where registered conditions are named

RGB, CMYK, BLACK = "rgb", "cmyk", "black"  # how a profile's colours are made
PAPER, SCREEN, IMAGE = "paper", "screen", "image"  # what a profile's pages are seen as


@dataclass(frozen=True)
class Profile:
    """How a material is turned into the PDF a printer (or a screen) needs."""

    name: str
    description: str
    pdf_variant: str | None
    bleed: dict[str, float]  # per paper family, in points
    marks: bool  # crop (and fold) marks in a slug around the bleed
    ink: str  # RGB; CMYK: device-cmyk() with the output profile; BLACK: one ink, no tints
    impose: bool  # put trim pages on the locale's sheets (home printers)
    safe_margin: float  # text keeps this far from the trim (or sheet) edge, in points
    fitted_on: str  # the profile whose layout the copy is fitted on (the same type in both)
    medium: str = PAPER  # SCREEN: pages as tall as their copy, links, "Tap" for "Scan"
    label: str = ""  # the kit page's name for it where strings.toml has no profile_<name>
    kind: str = PRINT  # the materials it makes: those of the same kind
    format: str = "pdf"  # the file it writes (formats.py)
    file: str = "{material}-{profile}.pdf"  # its file's name in the locale's folder
    # The profile whose render this one's file is made from, as it is (another encoding of
    # the same pixels): nothing is laid out again for it.
    renders_as: str = ""

    @property
    def cmyk(self) -> bool:
        """Whether colours are the print shop's CMYK (and the PDF carries an output intent)."""
        return self.ink == CMYK


PROFILES: dict[str, Profile] = {
    "home": Profile(
        name="home",
        description="home and office printers: the locale's paper, imposed, sRGB",
        pdf_variant=None, bleed={"letter": 0, "a4": 0}, marks=False, ink=RGB,
        impose=True, safe_margin=0.25 * INCH, fitted_on="home", label="Home printer",
    ),
    "shop": Profile(
        name="shop",
        description="print shops: trim pages with bleed and crop marks, PDF/X-4, CMYK",
        pdf_variant="pdf/x-4", bleed={"letter": 0.125 * INCH, "a4": 3 * MM}, marks=True,
        ink=CMYK, impose=False, safe_margin=0.125 * INCH, fitted_on="home",
        label="Print shop (PDF/X, bleed, crop marks)",
    ),
    "screen": Profile(
        name="screen",
        description="email and social media: pages in reading order, tagged PDF/UA-1, links",
        pdf_variant="pdf/ua-1", bleed={"letter": 0, "a4": 0}, marks=False, ink=RGB,
        impose=False, safe_margin=0.125 * INCH, fitted_on="screen", medium=SCREEN,
        label="Screen and email",
    ),
    # One master from a home printer, copied on a photocopier or a risograph: black and
    # paper only (a tint under 30% drops out on a copier, a darker one turns blotchy), photos
    # dithered as a copier would, laid out on the home sheets and fitted with the home PDF.
    "photocopy": Profile(
        name="photocopy",
        description="a master to photocopy or risograph: black only, no tints, imposed",
        pdf_variant=None, bleed={"letter": 0, "a4": 0}, marks=False, ink=BLACK,
        impose=True, safe_margin=0.25 * INCH, fitted_on="home",
        label="Photocopy master (black only)",
    ),
    # Share images: the page is the image, at one CSS px a pixel, in sRGB.
    "png": Profile(
        name="png", description="share images as PNG, for posts and chats",
        pdf_variant=None, bleed={"letter": 0, "a4": 0}, marks=False, ink=RGB, impose=False,
        safe_margin=0.0, fitted_on="png", medium=IMAGE, label="PNG", kind=SHARE,
        format="png", file="{material}.png",
    ),
    "webp": Profile(
        name="webp", description="share images as WebP: the same image, smaller",
        pdf_variant=None, bleed={"letter": 0, "a4": 0}, marks=False, ink=RGB, impose=False,
        safe_margin=0.0, fitted_on="png", medium=IMAGE, label="WebP", kind=SHARE,
        format="webp", file="{material}.webp", renders_as="png",
    ),
}


def output_path(locale: str, material: str, profile: str, event: str | None = None) -> str:
    """Where an output goes, relative to the output folder: the one rule builds, manifests
    and merges all follow (a profile this version does not know writes a PDF)."""
    where = f"events/{event}/" if event else ""
    pattern = PROFILES[profile].file if profile in PROFILES else Profile.file
    return f"{where}{locale}/{pattern.format(material=material, profile=profile)}"
