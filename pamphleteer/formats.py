"""Output formats: how a rendered piece (a PDF) becomes the file its profile writes, and how
the kit page and the checks read that file back. A new format is an entry here."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pamphleteer.errors import BuildError

PX_PER_PT = 96 / 72  # a share image has one pixel per CSS px of its page


@dataclass(frozen=True)
class Format:
    """A kind of output file: its media type, how it is made from the piece's PDF, and how
    its first page is drawn (``picture``: a Pillow image) for thumbnails and checks."""

    name: str
    media_type: str
    encode: Callable[[bytes], bytes]
    picture: Callable[[bytes], Any]
    pages: Callable[[bytes], int]


def _pdf_picture(data: bytes, scale: float = PX_PER_PT):
    """The first page of a PDF, drawn ``scale`` pixels a point."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        page = document[0]
        return page.render(scale=scale).to_pil().convert("RGB")
    finally:
        document.close()


def _pdf_pages(data: bytes) -> int:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as document:
        return len(document.pages)


def _image(save: Callable[[Any, io.BytesIO], None]) -> Callable[[bytes], bytes]:
    """An encoder of the first page's pixels (one pixel a CSS px) as ``save`` writes them."""
    def encode(pdf: bytes) -> bytes:
        buffer = io.BytesIO()
        save(_pdf_picture(pdf), buffer)
        return buffer.getvalue()
    return encode


def _open_image(data: bytes):
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.convert("RGB")
    except Exception:  # Pillow raises many kinds on a damaged file
        raise BuildError("this image cannot be read: was it changed after the build? Build it "
                         "again (--no-cache)") from None


FORMATS: dict[str, Format] = {entry.name: entry for entry in (
    Format("pdf", "application/pdf", encode=lambda pdf: pdf,
           picture=lambda data: _pdf_picture(data, 1.0), pages=_pdf_pages),
    # Lossless: a design of flat colour and type, which a lossy encoder would blur at edges.
    Format("png", "image/png", encode=_image(lambda image, out: image.save(out, "PNG")),
           picture=_open_image, pages=lambda data: 1),
    Format("webp", "image/webp",
           encode=_image(lambda image, out: image.save(out, "WEBP", lossless=True, quality=80,
                                                       method=4)),
           picture=_open_image, pages=lambda data: 1),
)}
