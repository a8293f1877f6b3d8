"""Stage 7, once a layout is chosen and written: the PDF WeasyPrint wrote, finished with pikepdf.

What a render cannot say in CSS is done here, on the written file, in one pass: pages cut to
the height of their copy, a print shop's boxes, marks and output intent (``prepress``), CMYK
black for RGB black, overprinting black and unique subset tags (``press``), a screen
reader's artifacts and table scopes (``tagging``), and what a home printer's dialog should
offer. A PDF that needs none of
it is returned as WeasyPrint wrote it.
"""

from __future__ import annotations

import io
import re
import zlib
from dataclasses import dataclass

from pamphleteer.prepress import Prepress, mark_for_print
from pamphleteer.press import overprint_black, unique_subset_tags
from pamphleteer.tagging import fix_tags


@dataclass(frozen=True)
class Finish:
    """What to do to one written PDF."""

    cmyk: bool = False  # a press PDF: RGB black becomes the press's black
    prepress: Prepress | None = None
    duplex: str | None = None  # Simplex, DuplexFlipLongEdge, DuplexFlipShortEdge
    heights: tuple[float, ...] = ()  # each page cut to its top heights[i] points
    tags: bool = False  # a tagged (PDF/UA) PDF: decorative figures become artifacts
    rtl: bool = False  # a right-to-left document: viewers show its spreads right to left


# How WeasyPrint (pydyf) writes black in RGB: each operator on a line of its own.
_RGB_BLACK = re.compile(rb"^0 0 0 (rg|RG)$", re.M)
_CMYK_BLACK = {b"rg": b"0 0 0 1 k", b"RG": b"0 0 0 1 K"}


def finish(data: bytes, how: Finish) -> bytes:
    """``data`` finished as ``how`` says, saved once (the same inputs, the same bytes)."""
    import pikepdf

    if not (how.cmyk or how.heights or how.prepress or how.duplex or how.tags or how.rtl):
        return data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        changed = how.cmyk and _cmyk_black(pdf)
        if how.cmyk:  # a press PDF: 100% K overprints, each subset has a tag of its own
            changed = overprint_black(pdf) | unique_subset_tags(pdf) or changed
        if how.tags:
            changed = fix_tags(pdf) or changed
        if how.heights:
            _crop_tops(pdf, how.heights)
        if how.prepress:
            mark_for_print(pdf, how.prepress)
        if how.duplex or how.rtl:
            # Added to what is there (a tagged PDF's DisplayDocTitle stays).
            preferences = pdf.Root.get("/ViewerPreferences", pikepdf.Dictionary())
            if how.duplex:
                preferences.Duplex = pikepdf.Name(f"/{how.duplex}")
                preferences.PrintScaling = pikepdf.Name("/None")
            if how.rtl:
                preferences.Direction = pikepdf.Name("/R2L")
            pdf.Root.ViewerPreferences = preferences
        if not (changed or how.heights or how.prepress or how.duplex or how.rtl):
            return data
        output = io.BytesIO()
        # The XMP says which PDF/X it is and is kept as WeasyPrint wrote it; the file's ID
        # is a hash of its content, not of the time.
        pdf.save(output, deterministic_id=True, fix_metadata_version=False,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return output.getvalue()


def _cmyk_black(pdf) -> bool:
    """RGB black in a press PDF drawn in the press's black (a template's ``color: black``,
    a default border): a shop's preflight rejects RGB on a CMYK press."""
    import pikepdf

    changed = False
    for stream in _content_streams(pdf):
        data = stream.read_bytes()
        black = _RGB_BLACK.sub(lambda match: _CMYK_BLACK[match[1]], data)
        if black != data:
            stream.write(zlib.compress(black), filter=pikepdf.Name.FlateDecode)
            changed = True
    return changed


def _content_streams(pdf):
    """Every stream drawn as page content: the pages' own, form XObjects, tiling patterns."""
    import pikepdf

    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        for stream in contents if isinstance(contents, pikepdf.Array) else [contents]:
            if isinstance(stream, pikepdf.Stream):
                yield stream
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and (obj.get("/Subtype") == pikepdf.Name.Form
                                                or obj.get("/PatternType") == 1):
            yield obj


def _crop_tops(pdf, heights: tuple[float, ...]) -> None:
    """Cut each page to its top ``heights[i]`` points: the boxes move, the content does not
    (PDF boxes need not start at 0), so links and tags stay where they are."""
    for page, height in zip(pdf.pages, heights, strict=False):
        left, _, right, top = (float(v) for v in page.obj.MediaBox)
        box = [left, top - height, right, top]
        for name in ("/MediaBox", "/CropBox", "/TrimBox", "/BleedBox", "/ArtBox"):
            if name in page.obj or name == "/MediaBox":
                page.obj[name] = box
