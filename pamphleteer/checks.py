"""Stage 8: checks on the finished PDF (QR codes decode, fonts embedded, page budget)."""

from __future__ import annotations

import io
from dataclasses import dataclass

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
