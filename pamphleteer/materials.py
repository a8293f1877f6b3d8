"""The materials a kit can hold (names are part of the CLI contract).

Lengths are PDF points (1/72 in) so that layout, imposition and tests share one unit.
"""

from __future__ import annotations

from dataclasses import dataclass

INCH = 72.0
MM = 72.0 / 25.4
PX = 0.75  # a CSS pixel: share images are sized in the pixels of the image

PRINT, SHARE = "print", "share"  # what a material is made as: PDFs, or images to post

# The signature sheet's columns (strings.toml keys), printed and in its CSV, in this order.
# A street address, not a ZIP code alone, tells which district a signer lives in.
SIGNATURE_COLUMNS = ("row", "name", "signature", "address", "zip", "email", "phone",
                     "keep_informed")

# The locales' home printer paper (width, height), portrait.
SHEETS: dict[str, tuple[float, float]] = {
    "letter": (8.5 * INCH, 11 * INCH),
    "a4": (210 * MM, 297 * MM),
}

# Tri-fold panel widths, outside sheet from left to right: the flap that folds in is a little
# narrower so that it tucks inside without buckling (a "letter fold").
TRIFOLD_PANELS: dict[str, tuple[float, float, float]] = {
    "letter": (3.625 * INCH, 3.6875 * INCH, 3.6875 * INCH),
    "a4": (97 * MM, 100 * MM, 100 * MM),
}


@dataclass(frozen=True)
class Material:
    """A printed piece: trim size per paper family, page budget, parts and QR codes."""

    name: str
    description: str
    trim: dict[str, tuple[float, float]]  # one trim page (width, height) per paper family
    pages: int  # the page budget of the trim document (the most it may have)
    imposition: str  # how the home profile puts trim pages on sheets (see impose.py)
    parts: tuple[str, ...] = ()  # named parts (panels, card sides) the Markdown must provide
    qr: tuple[str, ...] = ("petition", "representatives")
    page_multiple: int = 1  # page count must be a multiple of this (booklets: 4)
    # Copyfit: the smallest and largest type scale. Floors keep body text at its minimum size
    # (10 pt on flyers, tri-folds and booklets, 9 pt on palm cards; 12 pt on the pieces
    # read in a hall or by older volunteers: handbills, call scripts, sign sheets).
    fit: tuple[float, float] = (0.85, 1.3)
    min_body: float = 0.0  # pt: body copy set smaller is a warning (the "body size" check)
    page_counts: tuple[int, ...] = ()  # page counts a flowing text may take (booklets)
    fixed_pages: int = 0  # pages that do not hold the flowing text (covers)
    code: str = ""  # a short code for tracking links (utm_medium): QR codes stay small
    optional_qr: tuple[str, ...] = ()  # codes printed when the campaign sets their link
    bilingual: bool = False  # lines to say (> quotes) also printed in the source language
    event: bool = False  # an event build prints the rally's date, place and host on it
    kind: str = PRINT  # which profiles make it: those of the same kind
    # A campaign without this material's Markdown (in its source language) does not make it:
    # materials added after a campaign was started need no edit of it.
    optional: bool = False
    label: str = ""  # the kit page's name for it where strings.toml has no material_<name>
    links: tuple[str, ...] = ()  # links printed as their short address alone, with no code
    # The printed code's symbol, its quiet zone not included (inches): big enough that a
    # version 4 code (a short link with its tracking, or house.gov's finder) has modules of
    # ``min_module`` mm, which a phone reads at arm's length in a crowd.
    qr_size: float = 1.05
    qr_crowded: float = 0.0  # the size when the optional codes print too (0: the same)
    qr_screen: float = 0.9  # the size on screen, where the code is tapped: beside its text
    min_module: float = 0.8  # mm: modules printed smaller are a warning

    def code_size(self, medium: str, count: int) -> float:
        """The symbol's size in inches, on ``medium`` with ``count`` codes on the piece."""
        if medium == "screen":
            return self.qr_screen
        return self.qr_crowded if self.qr_crowded and count > len(self.qr) else self.qr_size

    @property
    def max_chars(self) -> int:
        """More text than this could never fit (100 characters a square inch on every page,
        where 10 pt type sets about 60): refused before any layout is tried."""
        width, height = self.trim["letter"]
        return round(self.pages * width * height / INCH ** 2 * 100)

    @property
    def template(self) -> str:
        """The Jinja template that lays the material out."""
        return f"{self.name}.html.j2"


def _size(letter: tuple[float, float], a4: tuple[float, float]) -> dict:
    return {"letter": (letter[0] * INCH, letter[1] * INCH), "a4": (a4[0] * MM, a4[1] * MM)}


MATERIALS: dict[str, Material] = {
    material.name: material
    for material in (
        Material("flyer", "one-page flyer on a full sheet", dict(SHEETS), 1, "sheet", code="fl",
                 event=True, qr_size=1.15, qr_screen=1.15),
        Material("handbill", "half-sheet handout, two to a sheet",
                 _size((5.5, 8.5), (148, 210)), 1, "cut-2up", fit=(1.0, 1.3), code="hb",
                 event=True, min_body=12),
        Material("trifold", "letter-fold brochure: six panels on two sides of a sheet",
                 {paper: (h, w) for paper, (w, h) in SHEETS.items()}, 2, "trifold",
                 parts=("cover", "flap", "inside-1", "inside-2", "inside-3", "back"),
                 fit=(0.87, 1.3), code="tf"),
        Material("booklet", "saddle-stitched booklet of 4, 8, 12 or 16 pages",
                 _size((5.5, 8.5), (148, 210)), 16, "saddle",
                 parts=("cover", "body", "back"), page_multiple=4, fit=(0.87, 1.3),
                 page_counts=(4, 8, 12, 16), fixed_pages=2, code="bk"),
        Material("palmcard", "long canvassing card, front and back",
                 _size((4, 9), (99, 210)), 2, "cards", parts=("front", "back"),
                 fit=(0.86, 1.3), code="pc", event=True),
        Material("poster", "poster for walls and windows",
                 _size((11, 17), (297, 420)), 1, "scale", code="po",
                 event=True, qr_size=2.45, qr_screen=1.15, min_module=1.2),  # read across a room
        Material("callscript", "phone-call script card, front and back",
                 _size((4.25, 5.5), (105, 148)), 2, "cards", parts=("front", "back"),
                 qr=("representatives", "petition"), fit=(1.0, 1.3), code="cs",
                 optional_qr=("report",), bilingual=True, min_body=12,
                 qr_crowded=0.92),  # three in a row on a card: version 3 at 0.8 mm
        Material("signsheet", "petition signature sheet, landscape",
                 {paper: (h, w) for paper, (w, h) in SHEETS.items()}, 1, "sheet",
                 qr=("petition",), fit=(1.0, 1.15), code="ss", min_body=12),
        # Images to post: laid out for a phone's screen, with the short link printed and no
        # QR code (it would point at the phone that shows it).
        Material("share-portrait", "portrait image for social media posts, 1080x1350 px",
                 dict.fromkeys(SHEETS, (1080 * PX, 1350 * PX)), 1, "none", qr=(),
                 fit=(0.75, 1.3), kind=SHARE, optional=True,
                 label="Image to post (portrait)", links=("petition",)),
        Material("share-preview", "link-preview image for chats and the kit page, 1200x630 px",
                 dict.fromkeys(SHEETS, (1200 * PX, 630 * PX)), 1, "none", qr=(),
                 fit=(0.75, 1.3), kind=SHARE, optional=True,
                 label="Link-preview image", links=("petition",)),
    )
}

# The materials printed on paper (PDFs), in the kit's order: those the print profiles make.
PRINTED = tuple(name for name, material in MATERIALS.items() if material.kind == PRINT)
