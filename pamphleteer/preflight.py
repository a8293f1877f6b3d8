"""Stage 9: preflight. Every check a piece must pass before it is written: glyphs before
rendering; then text that fits its frames and page budget, QR codes that decode from the
printed page, no page left with a band of blank paper, and fonts that are embedded."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from pamphleteer.content import STRINGS_FILE
from pamphleteer.errors import BuildError, Diagnostic
from pamphleteer.glyphs import check_file
from pamphleteer.measure import Layout
from pamphleteer.project import Project
from pamphleteer.qr import QRCode

VERIFY_DPI = 200  # a 2 cm code decodes from 150 dpi; keep some margin
BLANK_BAND = 0.2  # a trim page with a band of blank paper this tall (share of it) has a hole
PAPER = 245  # grey level from which a pixel counts as blank paper
EDGE = 0.25  # inches at each edge left out of the blank-band check (a printer's margin)


@dataclass(frozen=True)
class QRCheck:
    """Whether a printed QR code decodes back to the URL it should carry."""

    purpose: str
    url: str
    verified: bool
    found: tuple[str, ...] = ()


@dataclass(frozen=True)
class PageScan:
    """What a raster of one printed page shows: its QR codes, and its tallest blank band."""

    codes: tuple[str, ...]
    band: tuple[float, float] = (0.0, 0.0)  # top and bottom, as shares of the page height


def scan_pages(pdf: bytes, dpi: int = VERIFY_DPI) -> list[PageScan]:
    """Decode every QR code on each page from a raster of the PDF, and find blank bands."""
    import pypdfium2
    import zxingcpp

    scans: list[PageScan] = []
    document = pypdfium2.PdfDocument(pdf)
    try:
        for page in document:
            image = page.render(scale=dpi / 72, grayscale=True).to_pil()
            codes = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
            scans.append(PageScan(tuple(code.text for code in codes), _blank_band(image, dpi)))
            page.close()
    finally:
        document.close()
    return scans


def decode_qr_codes(pdf: bytes, dpi: int = VERIFY_DPI) -> list[list[str]]:
    """Decode every QR code on each page from a raster of the PDF."""
    return [list(scan.codes) for scan in scan_pages(pdf, dpi)]


def _blank_band(image, dpi: int) -> tuple[float, float]:
    """The tallest run of rows that are all paper, inside the printer's margin."""
    from PIL import Image

    edge = round(EDGE * dpi)
    width, height = image.size
    inner = image.convert("L").crop((edge, edge, width - edge, height - edge))
    # Ink becomes 255, paper 0; each row's mean is then 0 only if the row is all paper.
    ink = inner.point(lambda v: 0 if v > PAPER else 255)
    rows = ink.resize((1, inner.size[1]), Image.Resampling.BOX).tobytes()
    best, start = (0, 0), None
    for y, value in enumerate([*rows, 255]):
        if value == 0 and start is None:
            start = y
        elif value and start is not None:
            best, start = max(best, (y - start, start)), None
    size, top = best
    return ((top + edge) / height, (top + size + edge) / height)


def verify_qr_codes(pdf: bytes, codes: list[QRCode],
                    scans: list[PageScan] | None = None) -> list[QRCheck]:
    """Check that each code is printed and decodes to exactly its URL."""
    found = [text for scan in scans or scan_pages(pdf) for text in scan.codes]
    return [QRCheck(purpose=code.purpose, url=code.url, verified=code.url in found,
                    found=tuple(found)) for code in codes]


def unembedded_fonts(pdf: bytes) -> list[str]:
    """Names of fonts the PDF uses without embedding them (a printer would substitute them)."""
    from pypdf import PdfReader

    missing = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for font in fonts.values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if font.get("/Subtype") == "/Type0":
                descendant = font["/DescendantFonts"][0].get_object()
                descriptor = descendant.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.add(str(font.get("/BaseFont", "?")))
    return sorted(missing)


def check_glyphs(project: Project, locale: str, content_locale: str, path: Path) -> None:
    """Refuse text the locale's bundled fonts cannot draw, before it becomes boxes."""
    strings = project.content_dir / locale / STRINGS_FILE
    for code, file in ((content_locale, path), (locale, strings)):
        problem = check_file(project, code, file) if file.is_file() else None
        if problem:
            raise problem


def check_layout(name: str, layout: Layout, max_pages: int, source: Path) -> None:
    """Text must fit its frames and lines, and the document its page budget."""
    for frame, excess in layout.overflows:
        by = f"by about {max(excess, 1):.0f} mm " if excess else ""
        raise BuildError(f"the text does not fit: the {name}'s {frame} area is too "
                         f"small {by}for it; shorten the text", source)
    for area, excess in layout.wide:
        raise BuildError(f"the text does not fit: a word in the {name}'s {area} is wider than "
                         f"its line by about {max(excess, 1):.0f} mm; shorten it or put a "
                         "space in it", source)
    pages = layout.pages
    if pages > max_pages:
        raise BuildError(f"the text does not fit: the {name} has room for "
                         f"{max_pages} page(s) but needs {pages}; shorten it", source)


def check_pdf(pdf: bytes, codes: list[QRCode], template: Path, source: Path,
              trim_pages: bool = False) -> tuple[list[QRCheck], list[Diagnostic]]:
    """Every QR code decodes from the printed page and every font is embedded.

    On ``trim_pages`` (a PDF whose pages are the piece's own pages, with no bleed or sheet
    around them), a band of blank paper taller than a fifth of a page is a warning.
    """
    scans = scan_pages(pdf)
    holes = [Diagnostic(f"page {number} has a band of blank paper {bottom - top:.0%} of its "
                        f"height ({top:.0%} to {bottom:.0%} down the page): the copy does not "
                        "fill it", source)
             for number, scan in enumerate(scans, 1) if trim_pages
             for top, bottom in [scan.band] if bottom - top > BLANK_BAND]
    checks = verify_qr_codes(pdf, codes, scans)
    failed = [check for check in checks if not check.verified]
    if failed:
        found = ", ".join(failed[0].found) or "no code at all"
        raise BuildError(f"QR code for the {failed[0].purpose} does not decode to "
                         f"{failed[0].url} (decoded: {found})", template)
    missing_fonts = unembedded_fonts(pdf)
    if missing_fonts:
        raise BuildError(f"fonts not embedded: {', '.join(missing_fonts)}", source)
    return checks, holes
