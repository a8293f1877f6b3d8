"""The one module that calls WeasyPrint: its entry points (HTML, CSS, the URL fetcher's base
classes, font configurations, its logger and the fetch error it raises), the parts of a
rendered document the build changes (attachments, links), its box tree (pages, blocks, lines,
text boxes) and the Pango text layout it sets lines with.

``pdf``, ``fontconfig``, ``measure``, ``frames`` and ``lines`` reach WeasyPrint only through
these functions, so that an upgrade that renames a class or moves a function is mended here.
It is the one module that touches pydyf, the PDF writer WeasyPrint hands its objects to, too:
``write_pdf`` returns finished bytes, and everything done to a PDF after that is done with
pikepdf (``finish.py``, ``impose.py``).
"""

from __future__ import annotations

import re
import warnings
import zlib
from collections.abc import Callable
from functools import lru_cache, partial
from typing import Any

LOGGER = "weasyprint"  # the logger WeasyPrint warns through
FIXED_DATE = "2000-01-01T00:00:00Z"  # for a document that names no date of its own


def engine() -> Any:
    """WeasyPrint, imported (once; it costs about a second) without its import warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import weasyprint
        import weasyprint.text.fonts
    return weasyprint


def html(string: str, base_url: str, url_fetcher: Any) -> Any:
    """A WeasyPrint HTML document of ``string``, its files fetched by ``url_fetcher``."""
    return engine().HTML(string=string, base_url=base_url, url_fetcher=url_fetcher)


def stylesheet(text: str, base_url: str, url_fetcher: Any, font_config: Any,
               color_profiles: dict) -> Any:
    """A parsed WeasyPrint stylesheet (its ``@color-profile`` rules go into ``color_profiles``)."""
    return engine().CSS(string=text, base_url=base_url, url_fetcher=url_fetcher,
                        font_config=font_config, color_profiles=color_profiles)


def fetcher_bases() -> tuple[type, type]:
    """The URL fetcher class to derive from, and the response class it returns."""
    import weasyprint.urls as urls

    return urls.URLFetcher, urls.URLFetcherResponse


def fetch_failed() -> type[BaseException]:
    """The error WeasyPrint raises when a file it must have cannot be fetched."""
    import weasyprint.urls as urls

    return urls.FatalURLFetchingError


def font_configuration() -> Any:
    """A new WeasyPrint font configuration (it reads FONTCONFIG_FILE as it is made)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def write_pdf(document: Any, pdf_variant: str | None, *, document_id: str = "",
              output_profile: bytes = b"",
              inspect: Callable[[Any], None] | None = None) -> bytes:
    """The PDF of a rendered document, compressed, every name in it one a PDF may hold.

    ``document_id`` (a UUID) stands for the random DocumentID WeasyPrint gives PDF/X
    metadata, so that the same inputs give the same bytes (the file's ID is a hash of them).
    ``output_profile`` is embedded as the output intent's profile as it is: WeasyPrint embeds
    the profile as LittleCMS writes it out again, its shared tables copied apart (twice the
    file's size, and a third of a shop PDF's writing time spent compressing it each time).
    ``inspect`` is called with the document once its pages are drawn and before a byte is
    written: only then does WeasyPrint know which glyphs each font was asked for.
    A document that names no dates (a campaign's own page skeleton without the theme's
    ``dcterms`` meta) gets ``FIXED_DATE``: PDF/X would stamp it with the time of writing.
    """
    metadata = document.metadata
    metadata.created = metadata.created or FIXED_DATE
    metadata.modified = metadata.modified or FIXED_DATE
    return document.write_pdf(pdf_variant=pdf_variant, uncompressed_pdf=False,
                              finisher=partial(_finisher, inspect=inspect,
                                               document_id=document_id,
                                               output_profile=output_profile))


_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-f-]{36}")


def _finisher(document: Any, pdf: Any, inspect: Callable[[Any], None] | None,
              document_id: str, output_profile: bytes) -> None:
    import pydyf

    if inspect is not None:
        inspect(document)
    intents = pdf.catalog.get("OutputIntents") or () if output_profile else ()
    for intent in intents:
        stream = _object(pdf, _object(pdf, intent)["DestOutputProfile"])
        stream.stream, stream.compress = [_deflated(output_profile)], False
        stream.extra["Filter"] = "/FlateDecode"
    stable = f"xmp.did:{document_id}".encode()
    for obj in pdf.objects:
        # pydyf writes a font's family into its PDF name as it is: a name with a space or a
        # delimiter in it would end early, and no reader (pikepdf included) could parse the
        # file. A real family's name holds nothing of it: those PDFs are unchanged.
        if isinstance(obj, pydyf.Dictionary) and obj.get("Type") in ("/Font", "/FontDescriptor"):
            for key in ("BaseFont", "FontName"):
                if isinstance(obj.get(key), bytes):
                    obj[key] = pdf_name(obj[key])
        elif document_id and isinstance(obj, pydyf.Stream) and \
                obj.extra.get("Type") == "/Metadata":
            obj.stream = [_DOCUMENT_ID.sub(stable, item) if isinstance(item, bytes) else item
                          for item in obj.stream]


def _object(pdf: Any, value: Any) -> Any:
    """``value`` itself, when pydyf holds it as an indirect reference (b"5 0 R")."""
    if isinstance(value, bytes) and value.endswith(b" R"):
        return pdf.objects[int(value.split()[0])]
    return value


@lru_cache(maxsize=4)
def _deflated(data: bytes) -> bytes:
    return zlib.compress(data, 9)  # once per process, not once per PDF


_NAME_DELIMITERS = b"()<>[]{}/%#"


def pdf_name(raw: bytes) -> bytes:
    """The PDF name ``raw`` (b"/ABCDEF+Noto-Serif") with every byte a name may not hold as
    it is (delimiters, #, spaces, controls, non-ASCII) written as #xx."""
    body = raw[1:] if raw.startswith(b"/") else raw
    if all(33 <= byte <= 126 and byte not in _NAME_DELIMITERS for byte in body):
        return b"/" + body
    return b"/" + b"".join(bytes([byte]) if 33 <= byte <= 126 and byte not in _NAME_DELIMITERS
                           else b"#%02X" % byte for byte in body)


def drop_attachments(document, links: bool = False) -> None:
    """No embedded files in a rendered document, whatever its HTML links to; with ``links``,
    no link annotations at all (PDF/X forbids annotations inside the trim and bleed: a print
    shop's file has none, its links live in the screen profile)."""
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [] if links else [link for link in page.links if link[0] != "attachment"]


def page_box(page):
    """The root box of a laid-out page."""
    return page._page_box


def _types():
    from weasyprint.formatting_structure import boxes

    return boxes


def is_line(box) -> bool:
    """A line of text (its children are the line's inline and text boxes)."""
    return isinstance(box, _types().LineBox)


def is_text(box) -> bool:
    """A run of text in one style."""
    return isinstance(box, _types().TextBox)


def is_atomic(box) -> bool:
    """An inline box laid out whole (an inline block or flex box in a line)."""
    types = _types()
    return isinstance(box, (types.AtomicInlineLevelBox, types.InlineFlexBox))


def is_solid(box) -> bool:
    """A box whose height does not follow the type of the text in it (an image, a table,
    a flex container, an inline block)."""
    types = _types()
    return isinstance(box, (types.ReplacedBox, types.TableBox, types.FlexContainerBox,
                            types.InlineBlockBox))


def is_grid(box) -> bool:
    """A grid container."""
    return isinstance(box, _types().GridContainerBox)


def walk(box, parent=None):
    """Every box below ``box`` (itself first), with its parent."""
    yield box, parent
    for child in getattr(box, "children", ()):
        yield from walk(child, box)


def break_pieces(text: str, style) -> list[str]:
    """``text`` cut where a line may break, each piece with the spaces that follow it."""
    if style["white_space"] in ("nowrap", "pre"):
        return [text]
    from weasyprint.text.line_break import get_log_attrs

    attrs = get_log_attrs(text, style["lang"])
    cuts = [i for i in range(1, len(text)) if attrs[i].is_line_break] + [len(text)]
    pieces, start = [], 0
    for cut in cuts:
        pieces.append(text[start:cut])
        start = cut
    return pieces


def text_width(text_box, text: str) -> float:
    """The width ``text`` takes in a text box's style, as Pango sets it."""
    from weasyprint.text.line_break import create_layout, line_size

    key = (id(text_box.style), text)
    if key not in WIDTHS:
        layout = create_layout(text, text_box.style, None, None, 0)
        WIDTHS[key] = line_size(layout.get_first_line()[0], text_box.style)[0]
        layout.deactivate()
    return WIDTHS[key]


# Widths by (style, text), while one document's styles live: cleared after each measure.
WIDTHS: dict[tuple[int, str], float] = {}


def piece_widths(text_box, pieces: list[str]) -> list[tuple[float, float]]:
    """The width of each piece's word and of the spaces after it, as Pango sets the text box's
    text on one line: one Pango layout per text box rather than one per word, and each space
    as wide as it is where it stands (in Korean a space between Hangul is wider than alone)."""
    from bisect import bisect_left
    from itertools import accumulate

    from weasyprint.text.ffi import FROM_UNITS, ffi
    from weasyprint.text.line_break import create_layout

    text = "".join(pieces)
    layout = create_layout(text, text_box.style, None, None, 0)
    try:
        line, more = layout.get_first_line()
        glyphs: list[tuple[int, float]] = []  # (byte where the glyph's cluster starts, width)
        run = line.runs
        while run != ffi.NULL and more is None:
            item = run.data
            run = run.next
            if item.item.analysis.level % 2:  # right to left: positions would need more care
                more = 0
                break
            string = item.glyphs
            glyphs += [(item.item.offset + string.log_clusters[i],
                        string.glyphs[i].geometry.width * FROM_UNITS)
                       for i in range(string.num_glyphs)]
    finally:
        layout.deactivate()
    if more is not None:  # not one left-to-right line: measure each piece on its own
        return [(text_width(text_box, piece.rstrip()) if piece.rstrip() else 0.0,
                 text_width(text_box, " ") if piece != piece.rstrip() else 0.0)
                for piece in pieces]
    glyphs.sort(key=lambda glyph: glyph[0])
    starts = [start for start, _ in glyphs]
    before = [0.0, *accumulate(width for _, width in glyphs)]

    def x(byte: int) -> float:
        return before[bisect_left(starts, byte)]

    widths, start = [], 0
    for piece in pieces:
        word_end = start + len(piece.rstrip().encode())
        end = start + len(piece.encode())
        widths.append((x(word_end) - x(start), x(end) - x(word_end)))
        start = end
    return widths


def unwrap(box):
    """The laid-out box behind an absolute-position placeholder."""
    return getattr(box, "_box", box)

def in_flow(box) -> list:
    """Children that take part in the vertical flow (no markers, floats or frame-end marks)."""
    kept = []
    for child in getattr(box, "children", ()):
        child = unwrap(child)
        if child.is_absolutely_positioned() or child.is_floated():
            continue
        element = getattr(child, "element", None)
        if element is not None and element.get("data-frame-end") is not None \
                and child.element_tag == "div":
            continue
        kept.append(child)
    return kept

def classes(box) -> set[str]:
    element = getattr(box, "element", None)
    return set((element.get("class") or "").split()) if element is not None else set()

def feet(box) -> list:
    """The absolutely placed ``.foot`` children of a ``.stack`` (see print.css)."""
    return [unwrap(child) for child in getattr(box, "children", ())
            if "foot" in classes(child) and unwrap(child).is_absolutely_positioned()]

def custom_px(box, name: str) -> float:
    """A custom property in CSS px (``__fit_gap`` is ``--fit-gap``) a box was laid out with."""
    tokens = box.style[name] if hasattr(box, "style") else None
    for token in tokens or ():
        if getattr(token, "type", None) == "dimension" and token.unit == "px":
            return float(token.value)
    return 0.0

def vertical_pad(box) -> float:
    return (box.padding_top + box.padding_bottom + box.border_top_width
            + box.border_bottom_width) if hasattr(box, "padding_top") else 0.0
