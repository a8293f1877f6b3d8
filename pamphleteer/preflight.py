"""Stage 9: preflight. Every check a piece must pass before it is written: glyphs before
rendering; then text that fits its frames and page budget, QR codes that decode from the
printed page, no page left with a band of blank paper, and fonts that are embedded."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil
from pathlib import Path
from typing import Any

from pamphleteer.content import STRINGS_FILE
from pamphleteer.errors import BuildError, ContentError, Diagnostic
from pamphleteer.events import TRANSLATABLE, Event
from pamphleteer.glyphs import check_file, describe, uncovered
from pamphleteer.measure import Ink, Layout
from pamphleteer.photos import SHOP_PPI
from pamphleteer.project import Project
from pamphleteer.qr import QRCode

VERIFY_DPI = 200  # a 2 cm code decodes from 150 dpi; keep some margin
BAND_DPI = 72  # a band of a fifth of a page shows at any resolution: a page's raster for it
QUIET = 6.0  # pt around a code's drawing that its region takes in (it holds its quiet zone)
BLANK_BAND = 0.2  # a trim page with a band of blank paper this tall (share of it) has a hole
PAPER = 245  # grey level from which a pixel counts as blank paper
EDGE = 0.25  # inches at each edge left out of the blank-band check (a printer's margin)
PHONE = 390  # CSS px across which a phone shows a screen page
PHONE_BODY = 10.0  # px: the least a phone reader's body text may be
PHONE_SMALL = 8.0  # px: the least any text may be (small print)


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
    phone: tuple[float, float] = (0.0, 0.0)  # body and smallest text, px on a phone's width


Region = tuple[float, float, float, float]  # left, bottom, right, top: PDF points on a page
# Per sheet of a home printer's PDF: each trim page drawn on it, at x, y (pt) and a scale.
Placed = Sequence[Sequence[tuple[int, float, float, float]]]


def scan_pages(pdf: bytes, dpi: int = VERIFY_DPI, trim: float | None = None,
               phone: bool = False, codes: Sequence[tuple[int, float, float, float, float]] |
               None = None, placed: Placed | None = None,
               trim_height: float = 0.0) -> list[PageScan]:
    """Decode every QR code on each page from a raster of the PDF (given the layout's
    ``codes``, of only their regions: a fraction of the pixels; see ``code_regions``); with
    ``trim`` (points from the page edge to the trim: a print shop's bleed and slug), find the
    tallest blank band in the trim; with ``phone``, the text sizes a phone would show."""
    import pypdfium2

    scans: list[PageScan] = []
    document = pypdfium2.PdfDocument(pdf)
    regions = None if codes is None else code_regions(
        codes, [page.get_trimbox() for page in document], placed, trim_height)
    try:
        for number, page in enumerate(document):
            if regions is None:
                texts = _decode(page.render(scale=dpi / 72, grayscale=True).to_pil())
            else:
                texts = [text for region in regions[number]
                         for text in _decode(_region_raster(page, region, dpi))]
            # A band is looked for only on a piece's own pages (a sheet of several has gaps by
            # design), where it costs as much as decoding.
            band = (0.0, 0.0) if trim is None else _blank_band(
                page.render(scale=BAND_DPI / 72, grayscale=True).to_pil(), BAND_DPI, trim)
            scans.append(PageScan(tuple(texts), band,
                                  phone_text(page) if phone else (0.0, 0.0)))
            page.close()
    finally:
        document.close()
    return scans


def _region_raster(page, region: Region, dpi: int):
    """A raster of ``region`` of ``page`` (and the quiet zone around it) at ``dpi``."""
    left, bottom, right, top = page.get_mediabox()
    crop = (max(region[0] - QUIET - left, 0), max(region[1] - QUIET - bottom, 0),
            max(right - region[2] - QUIET, 0), max(top - region[3] - QUIET, 0))
    return page.render(scale=dpi / 72, grayscale=True, crop=crop).to_pil()


def _decode(image) -> list[str]:
    """The QR codes zxing-cpp reads in ``image``."""
    import zxingcpp

    # Upright, dark on light and at print resolution, as printed: the decoder's retries
    # (rotated, inverted, downscaled) would only cost time (a third).
    return [code.text for code in zxingcpp.read_barcodes(
        image, formats=zxingcpp.BarcodeFormat.QRCode,  # type: ignore[arg-type]
        try_rotate=False, try_invert=False, try_downscale=False)]


def code_regions(layout_codes: Sequence[tuple[int, float, float, float, float]],
                 pages: Sequence[Sequence[float]], placed: Placed | None = None,
                 trim_height: float = 0.0) -> list[list[Region]]:
    """Where each page of a PDF draws its QR codes, from the layout's boxes (pt from a trim
    page's top left) and each page's trim box; on sheets a home printer prints,
    ``placed[sheet]`` holds (trim page, x, y, scale) for each piece (``impose``)."""
    found: list[list[Region]] = [[] for _ in pages]
    for page, x, y, width, height in layout_codes:
        if placed is None:
            if page < len(pages):
                left, _, _, top = pages[page]
                found[page].append((left + x, top - y - height, left + x + width, top - y))
            continue
        for sheet, pieces in enumerate(placed):
            for piece, px, py, scale in pieces:
                if piece == page and sheet < len(found):
                    bottom = trim_height - y - height
                    found[sheet].append((px + scale * x, py + scale * bottom,
                                         px + scale * (x + width),
                                         py + scale * (bottom + height)))
    return found


def phone_text(page) -> tuple[float, float]:
    """The body text size (the size most characters have) and the smallest, in CSS px, when
    the page is shown ``PHONE`` px wide."""
    import pypdfium2.raw as pdfium_c

    text = page.get_textpage()
    matrix = pdfium_c.FS_MATRIX()
    counts: dict[float, int] = {}
    try:
        for index in range(text.count_chars()):
            if chr(pdfium_c.FPDFText_GetUnicode(text.raw, index)).isspace():
                continue
            pdfium_c.FPDFText_GetMatrix(text.raw, index, matrix)
            # The font size is in text space; the matrix scales it to the page's points.
            size = pdfium_c.FPDFText_GetFontSize(text.raw, index) * \
                abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
            size = round(size * PHONE / page.get_width(), 1)
            counts[size] = counts.get(size, 0) + 1
    finally:
        text.close()
    if not counts:
        return (0.0, 0.0)
    return (max(counts, key=lambda size: (counts[size], size)), min(counts))


def _blank_band(image, dpi: int, trim: float = 0.0) -> tuple[float, float]:
    """The tallest run of rows that are all paper, inside the printer's margin of the trim
    (``trim`` points inside the page edge); as shares of the trim's height, from its top."""
    from PIL import Image

    outside = round(trim / 72 * dpi)
    edge = outside + round(EDGE * dpi)
    width, height = image.size
    inner = (image if image.mode == "L" else image.convert("L")).crop(
        (edge, edge, width - edge, height - edge))
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
    trim_height = height - 2 * outside
    return ((top + edge - outside) / trim_height, (top + size + edge - outside) / trim_height)


def verify_qr_codes(pdf: bytes, codes: list[QRCode],
                    scans: list[PageScan] | None = None) -> list[QRCheck]:
    """Check that each code is printed and decodes to exactly its URL (from its region, as
    ``scans`` decoded it; where that misses one, from whole pages: a region is a shortcut,
    never the reason a code fails)."""
    found = [text for scan in scans or scan_pages(pdf) for text in scan.codes]
    if scans and any(code.url not in found for code in codes):
        found = [text for scan in scan_pages(pdf) for text in scan.codes]
    return [QRCheck(purpose=code.purpose, url=code.url, verified=code.url in found,
                    found=tuple(found)) for code in codes]


def unembedded_fonts(pdf: bytes) -> list[str]:
    """Names of fonts the PDF uses without embedding them (a printer would substitute them)."""
    import pikepdf  # qpdf, in C++: pypdf takes 10-25 ms to open a kit PDF, pikepdf 1

    missing = set()
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            resources: Any = page.obj.get("/Resources") or {}
            for name, font in (resources.get("/Font") or {}).items():
                if not _embedded(font):
                    # A font that is not even a dictionary (a damaged font name can do that)
                    # is named by its resource name.
                    missing.add(str(font.get("/BaseFont", name))
                                if isinstance(font, pikepdf.Dictionary) else str(name))
    return sorted(missing)


def _embedded(font) -> bool:
    """Whether a PDF font resource carries its font file."""
    import pikepdf

    if not isinstance(font, pikepdf.Dictionary):
        return False
    descriptor = font.get("/FontDescriptor")
    if font.get("/Subtype") == "/Type0":
        descendants = font.get("/DescendantFonts")
        first = descendants[0] if isinstance(descendants, pikepdf.Array) and \
            len(descendants) else None
        descriptor = first.get("/FontDescriptor") if isinstance(first, pikepdf.Dictionary) \
            else None
    return isinstance(descriptor, pikepdf.Dictionary) and \
        any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def check_glyphs(project: Project, locale: str, content_locale: str, path: Path) -> None:
    """Refuse text the locale's bundled fonts cannot draw, before it becomes boxes."""
    strings = project.content_dir / locale / STRINGS_FILE
    for code, file in ((content_locale, path), (locale, strings)):
        problem = check_file(project, code, file) if file.is_file() else None
        if problem:
            raise problem


def check_event_glyphs(project: Project, locale: str, event: Event) -> None:
    """Refuse an event whose name, place, address or host the locale's fonts cannot draw."""
    code = project.locales[locale].code
    stamp, words = event.when(code), "".join(event.text_in(n, code) for n in TRANSLATABLE)
    dated = [c for c in uncovered(project, locale, stamp) if c not in words]
    if dated:  # from the language's date format, not from any file of the campaign's
        raise ContentError(f"the '{locale}' pieces print this event's date as CLDR writes it "
                           f"in that language ({stamp}), and no bundled font for '{locale}' "
                           f"can draw {describe(dated)}: these come from the language's date "
                           "format, not from your copy; give the language a font that draws "
                           f"them (content/{locale}/locale.toml [fonts]), or limit the event "
                           "with locales = [...]", event.path)
    missing = uncovered(project, locale, event.text(code))
    if missing:
        text = event.path.read_text(encoding="utf-8")
        line = next((number for number, content in enumerate(text.splitlines(), start=1)
                     if any(c in content for c in missing)), None)
        raise ContentError(f"the '{locale}' pieces print this event, but no bundled font for "
                           f"'{locale}' can draw {describe(missing)}: write it in letters "
                           f"that language uses, or limit the event with locales = [...]",
                           event.path, line)


def check_layout(name: str, layout: Layout, max_pages: int, source: Path) -> None:
    """Text must fit its frames and lines, and the document its page budget."""
    for frame, excess in layout.overflows:
        if frame == "trim":
            raise BuildError(f"the text does not fit: some of the {name}'s text runs about "
                             f"{max(excess, 1):.0f} mm past the edge of the page, where it "
                             "would be cut off; shorten it", source)
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


def broken_words(layout: Layout, name: str, source: Path) -> list[Diagnostic]:
    """A word cut inside (no line of its box could hold it, and no hyphen was allowed there)
    is a warning: the fit keeps the words of its areas whole, but not in tables or labels."""
    return [Diagnostic(f"the word '{word}' is cut at the end of a line in the {name}: no line "
                       "of its box can hold it; shorten it, or mark where it may break with a "
                       "soft hyphen (&shy;)", source) for word in layout.broken]


def photo_detail(layout: Layout, source: Path) -> list[Diagnostic]:
    """A photo with less detail than a print shop needs at its printed size is a warning."""
    notes = []
    for line, pixels, inches in layout.photos:
        ppi = pixels / inches if inches else 0
        if ppi < SHOP_PPI:
            notes.append(Diagnostic(
                f"this photo prints {inches:.1f} in wide at {ppi:.0f} ppi; a print shop needs "
                f"{SHOP_PPI} ppi: use an image at least {ceil(SHOP_PPI * inches)} pixels wide",
                source, line))
    return notes


INK_DPI = 100  # a raster fine enough to see a tint or a colour, drawn without smoothing
COPIER_LIGHTEST = round(255 * (1 - 0.30))  # the lightest grey a copier keeps (30% ink)
INK_SHARE = 0.0005  # of a page's pixels: fewer stray ones are not worth a warning


def ink_problems(pdf: bytes) -> list[tuple[int, str]]:
    """Pages that print in more than black and paper: colour, or a grey lighter than a copier
    keeps. Drawn without anti-aliasing, and only areas count: an edge pdfium still blends
    with the paper (a pixel or two wide) is not a tint."""
    import pypdfium2
    from PIL import ImageChops, ImageFilter

    def share(mask) -> float:
        return mask.filter(ImageFilter.MinFilter(3)).histogram()[255] / pixels

    problems = []
    document = pypdfium2.PdfDocument(pdf)
    try:
        for number, page in enumerate(document, 1):
            image = page.render(scale=INK_DPI / 72, no_smoothtext=True, no_smoothimage=True,
                                no_smoothpath=True).to_pil().convert("RGB")
            page.close()
            pixels = image.width * image.height
            red, green, blue = image.split()
            spread = ImageChops.lighter(ImageChops.difference(red, green),
                                        ImageChops.difference(green, blue))
            colour = share(spread.point(lambda v: 255 if v > 24 else 0))
            tint = share(image.convert("L").point(
                lambda v: 255 if COPIER_LIGHTEST < v < PAPER else 0))
            if colour > INK_SHARE:
                problems.append((number, f"prints {colour:.1%} of its area in colour"))
            if tint > INK_SHARE:
                problems.append((number, f"prints {tint:.1%} of its area as a grey lighter "
                                         "than 30%"))
    finally:
        document.close()
    return problems


CONTRAST, CONTRAST_LARGE = 4.5, 3.0  # WCAG 2 AA: body text, and large or bold large text
LARGE_PX, LARGE_BOLD_PX = 24.0, 18.66  # 18 pt, or 14 pt bold
REVERSED_PX, REVERSED_BOLD_PX = 18.66, 13.33  # light type on a dark ground a copier keeps


def contrast(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """The WCAG 2 contrast ratio of two sRGB colours (1 to 21)."""
    def luminance(rgb: tuple[float, float, float]) -> float:
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def low_contrast(layout: Layout) -> list[tuple[Ink, float, float]]:
    """Text whose colour stands out too little from what is behind it: (its ink, its ratio,
    the ratio it needs)."""
    found = []
    for ink in layout.inks:
        large = ink.size >= LARGE_PX or (ink.size >= LARGE_BOLD_PX and ink.weight >= 700)
        need = CONTRAST_LARGE if large else CONTRAST
        ratio = contrast(ink.colour, ink.background)
        if ratio < need - 0.005:
            found.append((ink, ratio, need))
    return found


def thin_reversed(layout: Layout) -> list[Ink]:
    """Light type on a dark ground too small or thin to survive a copier, which fills in
    the counters of small reversed letters."""
    return [ink for ink in layout.inks
            if sum(ink.colour) > sum(ink.background) + 1.5
            and (ink.size < REVERSED_BOLD_PX or (ink.weight < 600 and ink.size < REVERSED_PX))]
