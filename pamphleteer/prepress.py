"""What a print shop needs around the trim: the true bleed box, crop and fold marks in the slug
drawn in registration colour, and an output intent named after its profile.

WeasyPrint lays the pages out on a media box as large as trim + slug (the CSS ``bleed``), and
draws its own crop marks inside the bleed, in RGB. Instead, pages are laid out with no CSS
marks, and this module finishes the PDF objects (pydyf) before they are written.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache

from pamphleteer.materials import INCH

SLUG = 0.5 * INCH  # paper beyond the bleed for the marks: MediaBox = trim + SLUG
MARK_OFFSET = 12.0  # pt: marks start this far from the trim, clear of the bleed (>= 3 mm)
MARK_LENGTH = 0.25 * INCH
MARK_WIDTH = 0.25  # pt: a hairline
FOLD_DASH = (3, 2)  # pt on, pt off


@dataclass(frozen=True)
class Prepress:
    """The print-shop finish of one document's pages."""

    bleed: float  # pt beyond the trim that backgrounds reach (and the BleedBox)
    folds: tuple[tuple[float, ...], ...] = ()  # per page: fold positions from the trim's left
    condition: str = "Custom"  # OutputConditionIdentifier
    info: str = ""  # what the output profile is, in its own words
    profile: bytes = b""  # the output profile's file, embedded as it is


def icc_description(data: bytes) -> str:
    """The description an ICC profile gives of itself (its ``desc`` tag), or ''."""
    if len(data) < 132:
        return ""
    count = struct.unpack(">I", data[128:132])[0]
    for index in range(min(count, 200)):
        signature, offset, size = struct.unpack(">4sII", data[132 + 12 * index:144 + 12 * index])
        if signature != b"desc":
            continue
        tag = data[offset:offset + size]
        if tag[:4] == b"desc":  # ICC v2: a counted ASCII string
            length = struct.unpack(">I", tag[8:12])[0]
            return tag[12:12 + length].split(b"\0")[0].decode("ascii", "replace")
        if tag[:4] == b"mluc" and len(tag) >= 28:  # ICC v4: the first localized record
            length, start = struct.unpack(">II", tag[20:28])
            return tag[start:start + length].decode("utf-16-be", "replace")
    return ""


def is_cmyk_output_profile(data: bytes) -> bool:
    """Whether ``data`` is an ICC profile for a CMYK printer (class 'prtr', space 'CMYK')."""
    return len(data) >= 132 and data[36:40] == b"acsp" and data[12:16] == b"prtr" \
        and data[16:20] == b"CMYK"


def finish(pdf, prepress: Prepress) -> None:
    """Give each page its true bleed box and its marks, and name the output intent."""
    import pydyf

    registration = _registration_colour(pdf)
    pages = [obj for obj in pdf.objects
             if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/Page"]
    for number, page in enumerate(pages):
        left, bottom, right, top = (float(v) for v in page["TrimBox"])
        page["BleedBox"] = pydyf.Array([left - prepress.bleed, bottom - prepress.bleed,
                                        right + prepress.bleed, top + prepress.bleed])
        folds = prepress.folds[number] if number < len(prepress.folds) else ()
        _add_marks(pdf, page, (left, bottom, right, top), folds, registration)
    for reference in pdf.catalog.get("OutputIntents") or ():
        intent = _object(pdf, reference)
        intent["OutputConditionIdentifier"] = pydyf.String(prepress.condition)
        intent["Info"] = pydyf.String(prepress.info or prepress.condition)
        if prepress.profile:
            # WeasyPrint embeds the profile as LittleCMS writes it out again, with the tables
            # it shared copied apart: twice the file's size. Embed the file's own bytes,
            # compressed once per process rather than once per PDF.
            stream = _object(pdf, intent["DestOutputProfile"])
            stream.stream, stream.compress = [_deflated(prepress.profile)], False
            stream.extra["Filter"] = "/FlateDecode"


@lru_cache(maxsize=4)
def _deflated(data: bytes) -> bytes:
    return zlib.compress(data, 9)


def _registration_colour(pdf):
    """A Separation colour space 'All': a tint of 1 prints on every plate."""
    import pydyf

    tint = pydyf.Dictionary({"FunctionType": 2, "Domain": pydyf.Array([0, 1]),
                             "C0": pydyf.Array([0, 0, 0, 0]), "C1": pydyf.Array([1, 1, 1, 1]),
                             "N": 1})
    pdf.add_object(tint)
    return pydyf.Array(["/Separation", "/All", "/DeviceCMYK", tint.reference])


def _add_marks(pdf, page, trim: tuple[float, float, float, float], folds: tuple[float, ...],
               registration) -> None:
    """Crop marks at the four corners and fold marks at the folds, outside the bleed."""
    import pydyf

    left, bottom, right, top = trim
    near, far = MARK_OFFSET, MARK_OFFSET + MARK_LENGTH
    crops = []
    for x, sign_x in ((left, -1), (right, 1)):
        for y, sign_y in ((bottom, -1), (top, 1)):
            crops.append(((x + sign_x * near, y), (x + sign_x * far, y)))
            crops.append(((x, y + sign_y * near), (x, y + sign_y * far)))
    ticks = [((left + x, y + sign * near), (left + x, y + sign * far))
             for x in folds for y, sign in ((bottom, -1), (top, 1))]
    # The page's own content may leave the graphics state changed: enclose it in q ... Q.
    opening = pydyf.Stream([b"q"])
    marks = pydyf.Stream([b"Q q /Registration CS 1 SCN", f"{MARK_WIDTH} w".encode(),
                          *_lines(crops), f"[{FOLD_DASH[0]} {FOLD_DASH[1]}] 0 d".encode(),
                          *_lines(ticks), b"Q"])
    pdf.add_object(opening)
    pdf.add_object(marks)
    contents = page["Contents"]
    contents = list(contents) if isinstance(contents, pydyf.Array | list) else [contents]
    page["Contents"] = pydyf.Array([opening.reference, *contents, marks.reference])
    resources = _object(pdf, page["Resources"])
    spaces = _object(pdf, resources.get("ColorSpace")) or pydyf.Dictionary()
    spaces["Registration"] = registration
    if "ColorSpace" not in resources:
        resources["ColorSpace"] = spaces


def _lines(segments) -> list[bytes]:
    return [f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l S".encode()
            for (a, b), (c, d) in segments]


def _object(pdf, value):
    """``value`` itself, when pydyf holds it as an indirect reference (b"5 0 R")."""
    if isinstance(value, bytes) and value.endswith(b" R"):
        return pdf.objects[int(value.split()[0])]
    return value

