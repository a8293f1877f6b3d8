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
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pamphleteer.errors import BuildError, Diagnostic
from pamphleteer.materials import Material
from pamphleteer.measure import Layout
from pamphleteer.preflight import (
    BLANK_BAND,
    PHONE,
    PHONE_BODY,
    PHONE_SMALL,
    PageScan,
    QRCheck,
    broken_words,
    check_layout,
    ink_problems,
    photo_detail,
    scan_pages,
    unembedded_fonts,
    verify_qr_codes,
)
from pamphleteer.profiles import BLACK, CMYK, SCREEN, Profile
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
    data: bytes = b""
    trim: float | None = None  # points from the page edge to the trim; None: shared sheets
    found: list[QRCheck] = field(default_factory=list)  # the codes' checks, for the manifest

    @cached_property
    def scans(self) -> list[PageScan]:
        """Each page decoded and measured once (codes, blank bands, text on a phone)."""
        return scan_pages(self.data, trim=self.trim, phone=self.profile.medium == SCREEN)


@dataclass(frozen=True)
class Check:
    """A check: its name, what it looks at, which outputs it is for, and the test."""

    name: str
    when: str
    applies: Callable[[Subject], bool]
    run: Callable[[Subject], list[Diagnostic]]


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
    return [Diagnostic(f"page {number} would show its body text at {body:.1f} px and its "
                       f"smallest at {small:.1f} px on a phone {PHONE} px wide; it needs "
                       f"{PHONE_BODY:.0f} px and {PHONE_SMALL:.0f} px: the screen styles set "
                       "type too small for the page width", subject.template)
            for number, scan in enumerate(subject.scans, 1)
            for body, small in [scan.phone]
            if body and (body < PHONE_BODY or small < PHONE_SMALL)]


def _codes(subject: Subject) -> list[Diagnostic]:
    checks = verify_qr_codes(subject.data, list(subject.codes), subject.scans)
    failed = [check for check in checks if not check.verified]
    if failed:
        found = ", ".join(failed[0].found) or "no code at all"
        raise BuildError(f"QR code for the {failed[0].purpose} does not decode to "
                         f"{failed[0].url} (decoded: {found})", subject.template)
    subject.found = checks
    return []


def _fonts(subject: Subject) -> list[Diagnostic]:
    missing = unembedded_fonts(subject.data)
    if missing:
        raise BuildError(f"fonts not embedded: {', '.join(missing)}", subject.source)
    return []


def _one_ink(subject: Subject) -> list[Diagnostic]:
    return [Diagnostic(f"page {number} {problem}: a copier or a risograph prints one ink, "
                       "and drops tints lighter than 30%; use the theme's colours (which "
                       "turn black or paper here), not colours or greys of your own",
                       subject.source)
            for number, problem in ink_problems(subject.data)]


CHECKS: tuple[Check, ...] = (
    Check("fit", LAYOUT, lambda s: True, _fit),
    # Photos print as large at home as at the shop; a shop needs the detail.
    Check("photo detail", LAYOUT, lambda s: s.profile.ink == CMYK,
          lambda s: photo_detail(s.layout, s.source)),
    Check("broken words", LAYOUT, lambda s: True,
          lambda s: broken_words(s.layout, s.material.name, s.source)),
    Check("codes decode", FILE, lambda s: bool(s.codes), _codes),
    Check("fonts embedded", FILE, lambda s: True, _fonts),
    # A piece's own pages (not a sheet of several, whose gaps are by design) have no holes.
    Check("blank bands", FILE, lambda s: s.trim is not None, _blank_bands),
    Check("text on a phone", FILE, lambda s: s.profile.medium == SCREEN, _phone_text),
    Check("one ink", FILE, lambda s: s.profile.ink == BLACK, _one_ink),
)


def run_checks(subject: Subject, when: str, only: tuple[str, ...] = ()) -> list[Diagnostic]:
    """Every check of ``when`` (or those named in ``only``) that applies to ``subject``, in
    order: their warnings."""
    notes: list[Diagnostic] = []
    for check in CHECKS:
        if check.when == when and (not only or check.name in only) and check.applies(subject):
            notes += check.run(subject)
    return notes
