"""Stage 10: preflight. Every check a piece must pass before it is written: glyphs before
rendering; then text that fits its frames and page budget, QR codes that decode from the
printed page, and fonts that are embedded."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from pamphleteer.content import STRINGS_FILE
from pamphleteer.errors import BuildError
from pamphleteer.glyphs import check_file
from pamphleteer.project import Project
from pamphleteer.qr import QRCode

VERIFY_DPI = 200  # a 2 cm code decodes from 150 dpi; keep some margin


@dataclass(frozen=True)
class QRCheck:
    """Whether a printed QR code decodes back to the URL it should carry."""

    purpose: str
    url: str
    verified: bool
    found: tuple[str, ...] = ()


def decode_qr_codes(pdf: bytes, dpi: int = VERIFY_DPI) -> list[list[str]]:
    """Decode every QR code on each page from a raster of the PDF."""
    import pypdfium2
    import zxingcpp

    texts: list[list[str]] = []
    document = pypdfium2.PdfDocument(pdf)
    try:
        for page in document:
            image = page.render(scale=dpi / 72, grayscale=True).to_pil()
            codes = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
            texts.append([code.text for code in codes])
            page.close()
    finally:
        document.close()
    return texts


def verify_qr_codes(pdf: bytes, codes: list[QRCode]) -> list[QRCheck]:
    """Check that each code is printed and decodes to exactly its URL."""
    found = [text for page in decode_qr_codes(pdf) for text in page]
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


def check_layout(name: str, overflows: tuple[tuple[str, float], ...], pages: int,
                 max_pages: int, source: Path) -> None:
    """Text must fit its frames, and the document its page budget."""
    for frame, excess in overflows:
        by = f"by about {max(excess, 1):.0f} mm " if excess else ""
        raise BuildError(f"the text does not fit: the {name}'s {frame} area is too "
                         f"small {by}for it; shorten the text", source)
    if pages > max_pages:
        raise BuildError(f"the text does not fit: the {name} has room for "
                         f"{max_pages} page(s) but needs {pages}; shorten it", source)


def check_pdf(pdf: bytes, codes: list[QRCode], template: Path, source: Path) -> list[QRCheck]:
    """Every QR code decodes from the printed page and every font is embedded."""
    checks = verify_qr_codes(pdf, codes)
    failed = [check for check in checks if not check.verified]
    if failed:
        found = ", ".join(failed[0].found) or "no code at all"
        raise BuildError(f"QR code for the {failed[0].purpose} does not decode to "
                         f"{failed[0].url} (decoded: {found})", template)
    missing_fonts = unembedded_fonts(pdf)
    if missing_fonts:
        raise BuildError(f"fonts not embedded: {', '.join(missing_fonts)}", source)
    return checks
