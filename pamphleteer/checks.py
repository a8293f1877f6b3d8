"""Stage 9: the checks every output passes, as a registry.

Each check names what it looks at (``LAYOUT``: the measured layout, before any file is
written; ``FILE``: the finished file) and which outputs it applies to. A build runs every
check that applies to each output; ``check`` runs the ``LAYOUT`` checks on the layouts it fits,
for every profile those layouts serve. So both say the same thing from the same code, and a
new check, profile or output format is one entry here, not an edit in each caller.

A check returns warnings and raises a ``PamphleteerError`` for what must not be written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pamphleteer.errors import BuildError, Diagnostic
from pamphleteer.formats import FORMATS, PX_PER_PT
from pamphleteer.frames import PX_PER_MM
from pamphleteer.materials import Material
from pamphleteer.measure import Layout
from pamphleteer.predict import line_height
from pamphleteer.preflight import (
    BLANK_BAND,
    PHONE,
    PHONE_BODY,
    PHONE_SMALL,
    PageScan,
    Placed,
    QRCheck,
    broken_words,
    check_layout,
    ink_problems,
    low_contrast,
    photo_detail,
    scan_pages,
    thin_reversed,
    unembedded_fonts,
    verify_qr_codes,
)
from pamphleteer.profiles import BLACK, CMYK, IMAGE, PAPER, RGB, SCREEN, Profile
from pamphleteer.qr import QRCode

LAYOUT, FILE = "layout", "file"  # what a check looks at
FIT = ("fit",)  # the check a fit must pass before another profile is laid out at it


@dataclass
class Subject:
    """One output as the checks see it: what it is, its layout and (for ``FILE`` checks) its
    finished bytes. Rasters of its pages are made once, for all the checks that read them."""

    material: Material
    profile: Profile
    layout: Layout
    max_pages: int
    source: Path  # the copy: blamed for what the copy can mend
    template: Path  # the material's template: blamed for what only it can mend
    codes: tuple[QRCode, ...] = ()
    data: bytes = b""  # the file written
    pdf: bytes = b""  # the PDF it is made from (the file itself, for PDFs)
    trim: float | None = None  # points from the page edge to the trim; None: shared sheets
    trim_size: tuple[float, float] = (0.0, 0.0)  # the trim page's width and height, points
    placed: Placed | None = None  # a home printer's sheets: where each trim page is drawn

    @cached_property
    def scans(self) -> list[PageScan]:
        """Each page decoded (each code from its own region) and measured once (blank bands,
        text on a phone)."""
        bands = self.trim if self.profile.format == "pdf" else None  # an image has no bands
        return scan_pages(self.pdf, trim=bands, phone=self.profile.medium in (SCREEN, IMAGE),
                          codes=self.layout.codes, placed=self.placed,
                          trim_height=self.trim_size[1])

    @cached_property
    def found(self) -> list[QRCheck]:
        """Whether each code decodes from the page (the manifest records it)."""
        return verify_qr_codes(self.pdf, list(self.codes), self.scans) if self.codes else []


@dataclass(frozen=True)
class Check:
    """A check: its name, what it looks at, which outputs it is for, and the test."""

    name: str
    when: str
    applies: Callable[[Subject], bool]
    run: Callable[[Subject], list[Diagnostic]]
    # It reads the profile's own look (its colours), not only the geometry every profile
    # fitted on one layout shares: ``check``, which lays out one profile for all of those,
    # runs it only on the profile it laid out.
    own_look: bool = False


def _fit(subject: Subject) -> list[Diagnostic]:
    check_layout(subject.material.name, subject.layout, subject.max_pages, subject.source)
    return []


def _blank_bands(subject: Subject) -> list[Diagnostic]:
    return [Diagnostic(f"page {number} has a band of blank paper {bottom - top:.0%} of its "
                       f"height ({top:.0%} to {bottom:.0%} down the page): the copy does not "
                       "fill it", subject.source)
            for number, scan in enumerate(subject.scans, 1)
            for top, bottom in [scan.band] if bottom - top > BLANK_BAND]


def _phone_text(subject: Subject) -> list[Diagnostic]:
    # The body copy's size as the layout knows it (prose and the lede), where it has one:
    # the size most characters have is a sign sheet's column headings once its copy is short.
    width = subject.trim_size[0] * PX_PER_PT
    body_size = subject.layout.body * PHONE / width if subject.layout.body and width else 0.0
    return [Diagnostic(f"page {number} would show its body text at {body:.1f} px and its "
                       f"smallest at {small:.1f} px on a phone {PHONE} px wide; it needs "
                       f"{PHONE_BODY:.0f} px and {PHONE_SMALL:.0f} px: the screen styles set "
                       "type too small for the page width", subject.template)
            for number, scan in enumerate(subject.scans, 1)
            for body, small in [(round(body_size, 1) or scan.phone[0], scan.phone[1])]
            if body and (body < PHONE_BODY or small < PHONE_SMALL)]


def _codes(subject: Subject) -> list[Diagnostic]:
    failed = [check for check in subject.found if not check.verified]
    if failed:
        found = ", ".join(failed[0].found) or "no code at all"
        raise BuildError(f"QR code for the {failed[0].purpose} does not decode to "
                         f"{failed[0].url} (decoded: {found})", subject.template)
    return []


def _fonts(subject: Subject) -> list[Diagnostic]:
    missing = unembedded_fonts(subject.pdf)
    if missing:
        raise BuildError(f"fonts not embedded: {', '.join(missing)}", subject.source)
    return []


def _image_size(subject: Subject) -> list[Diagnostic]:
    width, height = (round(side * PX_PER_PT) for side in subject.trim_size)
    image = FORMATS[subject.profile.format].picture(subject.data)
    if image.size != (width, height):
        raise BuildError(f"the {subject.material.name} image is {image.width}x{image.height} "
                         f"px, not the {width}x{height} px it is made for: its template must "
                         "keep to one page of the trim", subject.template)
    return []


def _one_ink(subject: Subject) -> list[Diagnostic]:
    return [Diagnostic(f"page {number} {problem}: a copier or a risograph prints one ink, "
                       "and drops tints lighter than 30%; use the theme's colours (which "
                       "turn black or paper here), not colours or greys of your own",
                       subject.source)
            for number, problem in ink_problems(subject.pdf)]


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in rgb)


def _contrast(subject: Subject) -> list[Diagnostic]:
    return [Diagnostic(f"the text '{ink.text}' is {_hex(ink.colour)} on {_hex(ink.background)}"
                       f": a contrast of {ratio:.1f}:1, where text of its size needs "
                       f"{need:g}:1 to be read; darken one of the two ([brand] in "
                       f"campaign.toml, or the template's colours)", subject.template)
            for ink, ratio, need in low_contrast(subject.layout)]


def _reversed(subject: Subject) -> list[Diagnostic]:
    return [Diagnostic(f"the text '{ink.text}' is light type on a dark ground at "
                       f"{ink.size * 0.75:.1f} pt, weight {ink.weight}: a copier fills in "
                       "reversed type this small or thin; set it bold and at 10 pt or more "
                       "(14 pt if not bold)", subject.template)
            for ink in thin_reversed(subject.layout)]


GAP_LINES = 3.0  # a blank band inside a frame taller than this many body lines is a hole


def _gaps(subject: Subject) -> list[Diagnostic]:
    notes = []
    for area in subject.layout.areas:
        line = line_height(area.content)
        if area.gap > GAP_LINES * line:
            notes.append(Diagnostic(
                f"the {subject.material.name}'s {area.name} leaves a gap of "
                f"{area.gap / line:.1f} lines of its text ({area.gap / PX_PER_MM:.0f} mm) "
                "between two of its blocks: a hole, not white space; add a line of copy or a "
                "visual block (@quote, @timeline, @icon), or shorten a neighbouring area so "
                "the type can grow (a template marks a gap it means with data-gap)",
                subject.source))
    return notes


def _body_size(subject: Subject) -> list[Diagnostic]:
    size = subject.layout.body / PX_PER_PT
    if not size or size >= subject.material.min_body - 0.05:
        return []
    return [Diagnostic(f"the body copy is set at {size:.1f} pt, under the "
                       f"{subject.material.min_body:g} pt a {subject.material.name} needs to be "
                       "read at arm's length in a hall; set the template's body type at "
                       f"{subject.material.min_body:g} pt or more (copy that then does not "
                       "fit must be shortened)",
                       subject.template)]


CHECKS: tuple[Check, ...] = (
    Check("fit", LAYOUT, lambda s: True, _fit),
    # Photos print as large at home as at the shop; a shop needs the detail.
    Check("photo detail", LAYOUT, lambda s: s.profile.ink == CMYK,
          lambda s: photo_detail(s.layout, s.source)),
    Check("broken words", LAYOUT, lambda s: True,
          lambda s: broken_words(s.layout, s.material.name, s.source)),
    # CMYK has no screen colour to measure here: the shop prints what home and screen show.
    Check("contrast", LAYOUT, lambda s: s.profile.ink == RGB, _contrast, own_look=True),
    Check("reversed type", LAYOUT, lambda s: s.profile.ink == BLACK, _reversed, own_look=True),
    # Print only: a screen page is zoomed as its reader likes.
    Check("gaps", LAYOUT, lambda s: s.profile.medium == PAPER, _gaps),
    Check("body size", LAYOUT, lambda s: bool(s.material.min_body) and s.profile.medium == PAPER,
          _body_size),
    Check("codes decode", FILE, lambda s: bool(s.codes), _codes),
    Check("fonts embedded", FILE, lambda s: s.profile.format == "pdf", _fonts),
    # A piece's own pages (not a sheet of several, whose gaps are by design) have no holes.
    Check("blank bands", FILE, lambda s: s.trim is not None and s.profile.format == "pdf",
          _blank_bands),
    Check("image size", FILE, lambda s: s.profile.format != "pdf", _image_size),
    Check("text on a phone", FILE, lambda s: s.profile.medium in (SCREEN, IMAGE), _phone_text),
    Check("one ink", FILE, lambda s: s.profile.ink == BLACK, _one_ink),
)


def run_checks(subject: Subject, when: str, only: tuple[str, ...] = (),
               own_look: bool = True) -> list[Diagnostic]:
    """Every check of ``when`` (or those named in ``only``) that applies to ``subject``, in
    order: their warnings. Without ``own_look`` (the layout is another profile's), those
    that read a profile's own look are left out."""
    notes: list[Diagnostic] = []
    for check in CHECKS:
        if check.when == when and (not only or check.name in only) and \
                (own_look or not check.own_look) and check.applies(subject):
            notes += check.run(subject)
    return notes
