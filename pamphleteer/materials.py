"""The materials a kit can hold (names are part of the CLI contract)."""

from __future__ import annotations

from dataclasses import dataclass

# Paper sizes of the locales' home printers, as CSS lengths (width, height).
SHEETS = {"letter": ("8.5in", "11in"), "a4": ("210mm", "297mm")}


@dataclass(frozen=True)
class Material:
    """A printed piece: its template, trim size per paper family, page budget and QR codes."""

    name: str
    description: str
    trim: dict[str, tuple[str, str]]
    pages: int  # the page budget of the trim document
    parts: tuple[str, ...] = ()  # named parts (panels, card sides) the Markdown must provide
    qr: tuple[str, ...] = ("petition", "representatives")

    @property
    def template(self) -> str:
        """The Jinja template that lays the material out."""
        return f"{self.name}.html.j2"


MATERIALS: dict[str, Material] = {
    "flyer": Material(
        name="flyer",
        description="one-page flyer on a full sheet",
        trim=SHEETS,
        pages=1,
    ),
}
