"""Helpers that look at finished PDFs the way a printer or a reader would."""

from __future__ import annotations

import ctypes
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy
import pypdfium2
import zxingcpp
from pypdf import PdfReader


def qr_texts(path: Path, dpi: int = 150) -> list[list[str]]:
    """QR code contents decoded from a raster of each page (independent of the build's check)."""
    pdf = pypdfium2.PdfDocument(str(path))
    pages = []
    for page in pdf:
        image = page.render(scale=dpi / 72).to_pil()
        pages.append(sorted(code.text for code in zxingcpp.read_barcodes(image)
                            if code.format == zxingcpp.BarcodeFormat.QRCode))
    pdf.close()
    return pages


def page_texts(path: Path) -> list[str]:
    """Extracted text of each page."""
    return [page.extract_text() for page in PdfReader(path).pages]


def font_files(path: Path) -> dict[str, bool]:
    """Each font the PDF uses, and whether its program is embedded."""
    fonts = {}
    for page in PdfReader(path).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if font["/Subtype"] == "/Type0":
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            fonts[str(font["/BaseFont"])] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    return fonts


def page_size_in(path: Path) -> list[tuple[float, float]]:
    """Each page's MediaBox size in inches."""
    return [(round(float(p.mediabox.width) / 72, 3), round(float(p.mediabox.height) / 72, 3))
            for p in PdfReader(path).pages]


def qr_widths_cm(path: Path, dpi: int = 150) -> list[float]:
    """Printed width of every QR code on the first page, quiet zone excluded."""
    pdf = pypdfium2.PdfDocument(str(path))
    image = pdf[0].render(scale=dpi / 72).to_pil()
    pdf.close()
    widths = []
    for code in zxingcpp.read_barcodes(image):
        left, right = code.position.top_left, code.position.top_right
        pixels = ((right.x - left.x) ** 2 + (right.y - left.y) ** 2) ** 0.5
        widths.append(pixels / dpi * 2.54)
    return widths


def text_runs(path: Path) -> list[list[tuple[float, float, str]]]:
    """Each page's text runs with their position (x, y from the lower left, in points)."""
    if _imposed(path):
        return _placed_runs(path)
    pages = []
    for page in PdfReader(path).pages:
        runs: list[tuple[float, float, str]] = []

        def visit(text, cm, tm, font, size, runs=runs):
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                runs.append((x, y, text))

        page.extract_text(visitor_text=visit)
        pages.append(runs)
    return pages


def _imposed(path: Path) -> bool:
    """Whether pages draw other pages as Form XObjects (home sheets): pypdf would report
    their text in the form's own coordinates, not where the sheet places it."""
    return any("/Resources" in page and "/XObject" in page["/Resources"]
               and any(name.startswith("/P") for name in page["/Resources"]["/XObject"])
               for page in PdfReader(path).pages)


def _placed_runs(path: Path) -> list[list[tuple[float, float, str]]]:
    """Text runs as pdfium places them (Form XObjects included): letters on one baseline,
    a run ending at a gap wider than two and a half letters."""
    import pypdfium2.raw as pdfium_c

    pages = []
    document = pypdfium2.PdfDocument(str(path))
    x, y = ctypes.c_double(), ctypes.c_double()
    for page in document:
        text = page.get_textpage()
        left, bottom = page.get_mediabox()[:2]
        runs: list[list] = []
        last = None
        for index in range(text.count_chars()):
            char = chr(pdfium_c.FPDFText_GetUnicode(text.raw, index))
            if pdfium_c.FPDFText_IsGenerated(text.raw, index) == 1 or char in "\r\n\x02":
                continue
            pdfium_c.FPDFText_GetCharOrigin(text.raw, index, ctypes.byref(x), ctypes.byref(y))
            size = pdfium_c.FPDFText_GetFontSize(text.raw, index) or 1.0
            here = (x.value - left, y.value - bottom)
            if last is None or abs(here[1] - last[1]) > 0.5 or \
                    not -0.5 * size < here[0] - last[0] < 2.5 * size:
                runs.append([here[0], here[1], ""])
            runs[-1][2] += char
            last = here
        pages.append([(run[0], run[1], run[2]) for run in runs if run[2].strip()])
    document.close()
    return pages


def boxes(path: Path, name: str) -> list[list[float]]:
    """A page box (``/TrimBox``, ``/BleedBox``, ...) of each page, or [] where it is absent."""
    return [[float(v) for v in page[name]] if name in page else []
            for page in PdfReader(path).pages]


def empty_bands(path: Path, dpi: int = 40, margin_in: float = 0.25) -> list[float]:
    """Each page's tallest band of blank paper, as a share of the page height.

    The band is measured inside a ``margin_in`` border (where printers leave paper anyway);
    a row counts as blank when it is all paper, so a filled colour block is not empty.
    """
    pdf = pypdfium2.PdfDocument(str(path))
    shares = []
    for page in pdf:
        pixels = numpy.asarray(page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
        margin = round(margin_in * dpi)
        inner = pixels[margin:pixels.shape[0] - margin, margin:pixels.shape[1] - margin]
        blank = (inner > 245).all(axis=1)
        longest = run = 0
        for row_is_blank in blank:
            run = run + 1 if row_is_blank else 0
            longest = max(longest, run)
        shares.append(longest / pixels.shape[0])
    pdf.close()
    return shares


def text_sizes(path: Path) -> list[Counter]:
    """Each page's printed text sizes (points, to 0.1), counted by characters set in them."""
    pages = []
    for page in PdfReader(path).pages:
        sizes: Counter = Counter()

        def visit(text, cm, tm, font, size, sizes=sizes):
            scale = (tm[0] * cm[0] + tm[1] * cm[2]) if tm and cm else 1
            if text.strip():
                sizes[round(abs(size * scale), 1)] += len(text.strip())

        page.extract_text(visitor_text=visit)
        pages.append(sizes)
    return pages


def text_fills(path: Path) -> list[tuple[float, tuple[float, ...], str]]:
    """Every piece of text on every page: (printed size in pt, fill colour operands, text).

    Follows the graphics state as a printer would: ``cm`` and ``q``/``Q`` for the size, and the
    fill colour operators (``k``, ``g``, ``rg``, ``sc``/``scn``) for the ink.
    """
    import pikepdf

    found = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            ctm, fill, stack = 1.0, (0.0,), []
            size = scale = 0.0
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op == "q":
                    stack.append((ctm, fill))
                elif op == "Q":
                    ctm, fill = stack.pop()
                elif op == "cm":
                    ctm *= abs(float(operands[3]))
                elif op in ("k", "g", "rg", "sc", "scn"):
                    fill = tuple(float(v) for v in operands if not isinstance(v, pikepdf.Name))
                elif op == "Tf":
                    size = float(operands[1])
                elif op == "Tm":
                    scale = abs(float(operands[3]))
                elif op in ("Tj", "TJ"):
                    items = operands[0] if op == "TJ" else [operands[0]]
                    text = "".join(str(item) for item in items
                                   if isinstance(item, pikepdf.String))
                    found.append((round(size * (scale or 1) * ctm, 2), fill, text))
    return found


def sized_runs(path: Path) -> list[list[tuple[float, str]]]:
    """Each page's text runs with their printed size in points."""
    pages = []
    for page in PdfReader(path).pages:
        runs: list[tuple[float, str]] = []

        def visit(text, cm, tm, font, size, runs=runs):
            scale = (tm[0] * cm[0] + tm[1] * cm[2]) if tm and cm else 1
            if text.strip():
                runs.append((round(abs(size * scale), 2), text))

        page.extract_text(visitor_text=visit)
        pages.append(runs)
    return pages


def qr_symbols(path: Path, dpi: int = 150, levels: bool = False) -> list[tuple]:
    """Every QR code on every page: (text, version, printed width in cm, quiet zone excluded),
    with ``levels`` its error correction level too."""
    pdf = pypdfium2.PdfDocument(str(path))
    found = []
    for page in pdf:
        image = page.render(scale=dpi / 72).to_pil()
        for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
            left, right = code.position.top_left, code.position.top_right
            pixels = ((right.x - left.x) ** 2 + (right.y - left.y) ** 2) ** 0.5
            found.append((code.text, int(code.extra["Version"]), pixels / dpi * 2.54)
                         + ((code.ec_level,) if levels else ()))
    pdf.close()
    return found


def page_chars(path: Path) -> list[list[tuple[str, float, tuple[float, float, float, float]]]]:
    """Each page's characters (spaces left out) with their printed size in points and their
    box (left, bottom, right, top; points from the page's lower left)."""
    import pypdfium2.raw as pdfium_c

    pages = []
    document = pypdfium2.PdfDocument(str(path))
    matrix = pdfium_c.FS_MATRIX()
    for page in document:
        text = page.get_textpage()
        chars = []
        for index in range(text.count_chars()):
            char = chr(pdfium_c.FPDFText_GetUnicode(text.raw, index))
            if char.isspace():
                continue
            pdfium_c.FPDFText_GetMatrix(text.raw, index, matrix)
            size = pdfium_c.FPDFText_GetFontSize(text.raw, index) * \
                abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
            chars.append((char, round(size, 2), text.get_charbox(index)))
        pages.append(chars)
    return pages


def find_text(chars: list, text: str) -> list[int]:
    """Where ``text`` (spaces ignored) starts among a page's ``page_chars``: the indexes."""
    wanted = "".join(text.split())
    joined = "".join(char for char, _, _ in chars)
    return [index for index in range(len(joined)) if joined.startswith(wanted, index)]


def drawn_texts(path: Path) -> list[list[tuple[str, tuple[float, float, float, float]]]]:
    """Each page's text objects as drawn, artifacts too (list markers, which text extraction
    leaves out), with their bounds (left, bottom, right, top; points)."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    pages = []
    for page in pypdfium2.PdfDocument(str(path)):
        textpage, texts = page.get_textpage(), []
        for obj in page.get_objects(max_depth=8):
            if obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
                continue
            size = pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
            buffer = ctypes.create_string_buffer(size)
            pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, ctypes.cast(
                buffer, ctypes.POINTER(ctypes.c_ushort)), size)
            texts.append((buffer.raw.decode("utf-16-le").rstrip("\x00"),
                          tuple(obj.get_bounds())))
        pages.append(texts)
    return pages


@dataclass(frozen=True)
class Line:
    """A line of text as printed: its words, left edge, baseline (points from the page's
    foot) and type size."""

    text: str
    x: float
    bottom: float
    size: float


def text_lines(path: Path, page: int) -> list[Line]:
    """The lines of text of one page, each a run of characters on one baseline that follow
    each other left to right (two columns' lines on one baseline are two lines)."""
    import pypdfium2.raw as pdfium_c

    document = pypdfium2.PdfDocument(str(path))
    text = document[page].get_textpage()
    x, y = ctypes.c_double(), ctypes.c_double()
    matrix = pdfium_c.FS_MATRIX()
    lines: list[Line] = []
    last_right = None
    for index in range(text.count_chars()):
        char = chr(pdfium_c.FPDFText_GetUnicode(text.raw, index))
        pdfium_c.FPDFText_GetCharOrigin(text.raw, index, x, y)
        left, _, right, _ = text.get_charbox(index)
        pdfium_c.FPDFText_GetMatrix(text.raw, index, matrix)
        size = pdfium_c.FPDFText_GetFontSize(text.raw, index) * \
            abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
        if char in "\r\n\ufffe":
            last_right = None
            continue
        same = lines and last_right is not None and abs(lines[-1].bottom - y.value) < 0.5 \
            and -1 < left - last_right < 2 * size
        if same:
            line = lines[-1]
            lines[-1] = Line(line.text + char, line.x, line.bottom, max(line.size, size))
        elif not char.isspace():
            lines.append(Line(char, left, y.value, size))
        if not char.isspace() or same:
            last_right = right if not char.isspace() else max(right, last_right or right)
    return lines


# A phone at a rally: a page seen at 150 dpi, out of focus, held askew, in poor light.
PHONE_DPI, PHONE_BLUR, PHONE_TILT, PHONE_CONTRAST = 150, 1.5, 7.0, 0.6


def as_a_phone_sees(image):
    """``image`` (a page raster at PHONE_DPI) blurred by 1.5 px, tilted 7 degrees and at 60%
    contrast, grey."""
    from PIL import ImageEnhance, ImageFilter

    grey = image.convert("L").filter(ImageFilter.GaussianBlur(PHONE_BLUR))
    tilted = grey.rotate(PHONE_TILT, resample=3, expand=True, fillcolor=255)  # bicubic
    return ImageEnhance.Contrast(tilted).enhance(PHONE_CONTRAST)


def phone_decodes(path: Path) -> list[tuple[list[str], list[str], list[str]]]:
    """Each page's codes: those a clean 300 dpi raster holds (one text per printed code),
    and those zxing-cpp and zbar each decode from the page as a phone sees it."""
    from pyzbar import pyzbar

    pages = []
    pdf = pypdfium2.PdfDocument(str(path))
    for page in pdf:
        clean = page.render(scale=300 / 72, grayscale=True).to_pil()
        printed = sorted(code.text for code in zxingcpp.read_barcodes(
            clean, formats=zxingcpp.BarcodeFormat.QRCode))
        seen = as_a_phone_sees(page.render(scale=PHONE_DPI / 72, grayscale=True).to_pil())
        zxing = sorted(code.text for code in zxingcpp.read_barcodes(
            seen, formats=zxingcpp.BarcodeFormat.QRCode))
        zbar = sorted(symbol.data.decode() for symbol in pyzbar.decode(
            seen, symbols=[pyzbar.ZBarSymbol.QRCODE]))
        pages.append((printed, zxing, zbar))
    pdf.close()
    return pages


def decoded_share(found: list[str], printed: list[str]) -> int:
    """How many of the ``printed`` codes are among those ``found`` (each found once)."""
    left = Counter(found)
    count = 0
    for text in printed:
        if left[text]:
            left[text] -= 1
            count += 1
    return count


def ink_near_edge(path: Path, mm: float, dpi: int = 100) -> list[tuple[int, float]]:
    """Pages with ink closer than ``mm`` to the sheet's edge: (page, nearest ink in mm)."""
    found = []
    pdf = pypdfium2.PdfDocument(str(path))
    for index, page in enumerate(pdf):
        pixels = numpy.asarray(page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L"))
        height, width = pixels.shape
        ys, xs = numpy.nonzero(pixels < 250)  # anything but paper
        if not len(xs):
            continue
        nearest = min(xs.min(), width - 1 - xs.max(), ys.min(), height - 1 - ys.max())
        if nearest / dpi * 25.4 < mm:
            found.append((index, round(nearest / dpi * 25.4, 2)))
    pdf.close()
    return found


def placed_sizes(path: Path) -> list[list[tuple[float, float]]]:
    """Each sheet's placed pieces (Form XObjects other than the marks' underlay /U), as
    drawn: their size in points, scale included."""
    import pikepdf

    sheets = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            sizes, scale = [], 1.0
            for operands, operator in pikepdf.parse_content_stream(page.obj):
                if str(operator) == "cm":
                    scale = float(operands[0])
                elif str(operator) == "Do" and str(operands[0]) != "/U":
                    box = [float(v) for v in page.Resources.XObject[str(operands[0])].BBox]
                    sizes.append((round((box[2] - box[0]) * scale, 2),
                                  round((box[3] - box[1]) * scale, 2)))
            sheets.append(sizes)
    return sheets
