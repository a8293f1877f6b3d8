"""What a print shop needs around the trim: the true bleed box, crop and fold marks in the slug
drawn in registration colour, and an output intent named after its profile.

WeasyPrint lays the pages out on a media box as large as trim + slug (the CSS ``bleed``), and
draws its own crop marks inside the bleed, in RGB. Instead, pages are laid out with no CSS
marks, and this module adds them to the written PDF (pikepdf, in ``finish.py``).
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pamphleteer.errors import BuildError
from pamphleteer.files import read_bytes
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
    profile: bytes = b""  # the output profile's file, embedded as it is (``weasy.write_pdf``)
    registry: str = ""  # where ``condition`` is registered (RegistryName), if it is


# ICC profile header fields (ICC.1:2010, 7.2) and what a print shop calls them.
ICC_HEADER = 128
DEVICE_CLASSES = {b"scnr": "a scanner (input) profile", b"mntr": "a display profile",
                  b"prtr": "a printer profile", b"link": "a device link",
                  b"spac": "a colour space conversion", b"abst": "an abstract profile",
                  b"nmcl": "a named colour list"}
# The tables LittleCMS turns colours into the press's CMYK (and back, to proof) with.
CMYK_TABLES = (b"A2B0", b"B2A0")
LUT_TYPES = (b"mft1", b"mft2", b"mAB ", b"mBA ")


def icc_tags(data: bytes) -> dict[bytes, tuple[int, int]] | str:
    """The profile's tags (signature -> offset, size), or why its header or tag table is not
    whole: every tag must lie inside the file its header says it is."""
    if len(data) < ICC_HEADER + 4:
        return (f"is only {len(data):,} bytes long, less than an ICC profile's header: it "
                "is cut short or not a profile")
    if data[36:40] != b"acsp":
        return ("is not a CMYK printer profile: it is not an ICC colour profile at all (it "
                "lacks the 'acsp' signature)")
    declared, count = struct.unpack_from(">I", data, 0)[0], struct.unpack_from(">I", data, 128)[0]
    if declared != len(data):
        return (f"is cut short or damaged: its header says it is {declared:,} bytes long, "
                f"but the file has {len(data):,}; copy it again from the printer's original")
    table_end = ICC_HEADER + 4 + 12 * count
    if count == 0 or table_end > len(data):
        return "is damaged: its list of tags does not fit in the file"
    tags: dict[bytes, tuple[int, int]] = {}
    for index in range(count):
        signature, offset, size = struct.unpack_from(">4sII", data, ICC_HEADER + 4 + 12 * index)
        if offset < table_end or size < 8 or offset + size > len(data):
            name = signature.decode("latin-1")
            return f"is damaged: its '{name}' tag lies outside the file or is empty"
        tags.setdefault(signature, (offset, size))
    return tags


def icc_problem(data: bytes) -> str | None:
    """Why ``data`` cannot be a print shop's CMYK output profile, in words after the file's
    name (e.g. "is cut short or damaged: ..."), or None when it is one: a whole ICC v2 or v4
    profile of class 'prtr' in CMYK, with the tables that convert colours to its CMYK."""
    tags = icc_tags(data)
    if isinstance(tags, str):
        return tags
    version = data[8]
    if version not in (2, 4):
        return (f"is an ICC version {version} profile; PDF/X needs version 2 or 4: ask the "
                "printer for a v2 or v4 profile")
    if data[12:16] != b"prtr":
        kind = DEVICE_CLASSES.get(data[12:16], f"of class '{_ascii(data[12:16])}'")
        return (f"is not a CMYK printer profile: it is {kind}; ask the printer for their "
                "CMYK output profile")
    if data[16:20] != b"CMYK":
        return (f"is not a CMYK printer profile: it describes '{_ascii(data[16:20]).strip()}' "
                "colour, not CMYK; ask the printer for their CMYK output profile")
    if data[20:24] not in (b"XYZ ", b"Lab "):
        return "is damaged: its connection space is neither XYZ nor Lab"
    for signature in CMYK_TABLES:
        if signature not in tags:
            return (f"is not a complete printer profile: it has no '{signature.decode()}' "
                    "table, which converts colours to the press's CMYK")
        offset, _ = tags[signature]
        if data[offset:offset + 4] not in LUT_TYPES:
            return f"is damaged: its '{signature.decode()}' table is not a colour table"
    return None


def _ascii(raw: bytes) -> str:
    return "".join(chr(b) if 32 <= b < 127 else "?" for b in raw)


def icc_engine_problem(data: bytes) -> str | None:
    """Why LittleCMS, which converts a shop PDF's colours, cannot use the CMYK output
    profile ``data`` (checked by ``icc_problem`` first), or None. It needs Pillow, which a
    render has loaded anyway; loading a project does not."""
    from PIL import ImageCms

    problem = icc_problem(data)
    if problem:
        return problem
    try:
        press = ImageCms.ImageCmsProfile(io.BytesIO(data))
        ImageCms.buildTransform(ImageCms.createProfile("sRGB"), press, "RGB", "CMYK")
    except Exception as exc:  # PyCMSError, OSError, ValueError: LittleCMS says little more
        return f"is damaged: the colour engine (LittleCMS) cannot use it ({exc})"
    return None


@lru_cache(maxsize=8)
def _engine_problem(data: bytes) -> str | None:
    return icc_engine_problem(data)


def check_press_profile(path: Path) -> None:
    """Refuse a print shop's colour profile the colour engine cannot use, before WeasyPrint
    embeds it (it would leave the output intent out) or a photo is converted with it."""
    problem = _engine_problem(read_bytes(path, "icc"))
    if problem:
        raise BuildError(f"this colour profile {problem}", path)


def icc_description(data: bytes) -> str:
    """The description an ICC profile gives of itself (its ``desc`` tag), or ''."""
    tags = icc_tags(data)
    if isinstance(tags, str) or b"desc" not in tags:
        return ""
    offset, size = tags[b"desc"]
    tag = data[offset:offset + size]
    if tag[:4] == b"desc" and len(tag) >= 12:  # ICC v2: a counted ASCII string
        length = struct.unpack_from(">I", tag, 8)[0]
        return tag[12:12 + length].split(b"\0")[0].decode("ascii", "replace")
    if tag[:4] == b"mluc" and len(tag) >= 28:  # ICC v4: the first localized record
        length, start = struct.unpack_from(">II", tag, 20)
        text = tag[start:start + length]
        return text[:len(text) // 2 * 2].decode("utf-16-be", "replace")
    return ""


def mark_for_print(pdf, prepress: Prepress) -> None:
    """Give each page of ``pdf`` (pikepdf) its true bleed box and its marks, and name the
    output intent."""
    import pikepdf

    registration = _registration_colour(pdf)
    for number, page in enumerate(pdf.pages):
        left, bottom, right, top = (float(v) for v in page.obj.TrimBox)
        page.obj.BleedBox = [left - prepress.bleed, bottom - prepress.bleed,
                             right + prepress.bleed, top + prepress.bleed]
        folds = prepress.folds[number] if number < len(prepress.folds) else ()
        _add_marks(pdf, page.obj, (left, bottom, right, top), folds, registration)
    for intent in pdf.Root.get("/OutputIntents") or ():
        intent.OutputConditionIdentifier = pikepdf.String(prepress.condition)
        intent.Info = pikepdf.String(prepress.info or prepress.condition)
        if prepress.registry:  # a registered condition: a preflight knows it by its name
            intent.RegistryName = pikepdf.String(prepress.registry)
            intent.OutputCondition = pikepdf.String(prepress.info or prepress.condition)

def _registration_colour(pdf):
    """A Separation colour space 'All': a tint of 1 prints on every plate."""
    import pikepdf

    tint = pdf.make_indirect(pikepdf.Dictionary(FunctionType=2, Domain=[0, 1],
                                                C0=[0, 0, 0, 0], C1=[1, 1, 1, 1], N=1))
    return pikepdf.Array([pikepdf.Name.Separation, pikepdf.Name("/All"),
                          pikepdf.Name.DeviceCMYK, tint])


def _add_marks(pdf, page, trim: tuple[float, float, float, float], folds: tuple[float, ...],
               registration) -> None:
    """Crop marks at the four corners and fold marks at the folds, outside the bleed."""
    import pikepdf

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
    opening = pdf.make_stream(b"q")
    marks = pdf.make_stream(b"\n".join([
        b"Q q /PmMarks gs /Registration CS 1 SCN", f"{MARK_WIDTH} w".encode(), *_lines(crops),
        f"[{FOLD_DASH[0]} {FOLD_DASH[1]}] 0 d".encode(), *_lines(ticks), b"Q"]))
    contents = page.get("/Contents")
    contents = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    page.Contents = pikepdf.Array([opening, *contents, marks])
    resources = page.Resources
    if "/ColorSpace" not in resources:
        resources.ColorSpace = pikepdf.Dictionary()
    resources.ColorSpace.Registration = registration
    # Marks print on every plate and overprint: no plate is knocked out under them.
    if "/ExtGState" not in resources:
        resources.ExtGState = pikepdf.Dictionary()
    resources.ExtGState.PmMarks = pikepdf.Dictionary(Type=pikepdf.Name.ExtGState, OP=True,
                                                     op=True, OPM=1)


def _lines(segments) -> list[bytes]:
    return [f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l S".encode()
            for (a, b), (c, d) in segments]
