"""Stage 6: HTML to PDF with WeasyPrint, locked to the project's own files and fonts."""

from __future__ import annotations

import hashlib
import io
import logging
import mimetypes
import os
import re
import tempfile
import uuid
import warnings
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname
from xml.sax.saxutils import escape

from pamphleteer.errors import BuildError, Diagnostic

# Folders of a project that a render may read: never content/, events/ or anything outside.
READABLE_DIRS = ("assets", "templates")


@dataclass(frozen=True)
class Rendered:
    """A rendered PDF and what was learnt while rendering it."""

    pdf: bytes
    pages: int
    overflows: tuple[tuple[str, float], ...] = ()  # (frame name, mm that did not fit)


@cache
def _fontconfig_file(fonts_dir: Path) -> str:
    """A fontconfig setup that knows only the project's bundled fonts, none of the system's.

    Only ``@font-face`` fonts from assets/fonts may be used, so a machine with other system
    fonts gives the same PDF; a glyph no bundled font has is caught by the glyph check rather
    than borrowed silently from the machine. (Pango crashes with no fonts at all, so the
    bundled folder is the fallback.)
    """
    # One folder per fonts folder, reused by every run and worker: nothing piles up in /tmp,
    # and fontconfig's cache of the bundled fonts stays warm between builds.
    key = hashlib.sha256(str(fonts_dir).encode()).hexdigest()[:16]
    user = getattr(os, "getuid", lambda: 0)()
    folder = Path(tempfile.gettempdir()) / f"pamphleteer-fc-{user}-{key}"
    folder.mkdir(exist_ok=True)
    config = folder / "fonts.conf"
    text = ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
            f"<fontconfig><dir>{escape(str(fonts_dir))}</dir>"
            f"<cachedir>{escape(str(folder))}/cache</cachedir></fontconfig>\n")
    if not config.is_file() or config.read_text() != text:
        write_atomic(config, text.encode())
    return str(config)


def _weasyprint(root: Path):
    """Import WeasyPrint (once; it costs about a second) with the project's fonts only."""
    # WeasyPrint loads the fontconfig file anew for every document, so set it every time.
    os.environ["FONTCONFIG_FILE"] = _fontconfig_file((root / "assets" / "fonts").resolve())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import weasyprint
        import weasyprint.text.fonts
    return weasyprint


@cache
def fetcher_class():
    """The URL fetcher class (built lazily: importing WeasyPrint costs about a second)."""
    import weasyprint.urls as urls

    class ProjectFetcher(urls.URLFetcher):
        """Serve files from the project's assets and templates; refuse everything else."""

        def __init__(self, root: Path):
            super().__init__(allowed_protocols={"file"}, allow_redirects=False)
            self.readable = [(root / name).resolve() for name in READABLE_DIRS]
            self.blocked: list[str] = []

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "file" and parts.netloc in ("", "localhost"):
                path = Path(url2pathname(unquote(parts.path))).resolve()
                if any(path.is_relative_to(folder) for folder in self.readable) and path.is_file():
                    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return urls.URLFetcherResponse(url, path.read_bytes(),
                                                   {"Content-Type": kind})
            self.blocked.append(url)
            raise ValueError(f"blocked: {url}")

    return ProjectFetcher


class _Collect(logging.Handler):
    """Keep WeasyPrint's warnings so they reach the user as build messages."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render_pdf(html: str, *, root: Path, source: Path, pdf_variant: str | None = None,
               diagnostics: list[Diagnostic]) -> Rendered:
    """Lay out ``html`` and return the PDF; ``source`` is the file blamed for problems."""
    weasyprint = _weasyprint(root)
    fetcher = fetcher_class()(root)
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        page = weasyprint.HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=fetcher)
        _mark_frame_ends(page.etree_element)
        document = page.render()
        _drop_attachments(document)
        digest = hashlib.sha256(f"{pdf_variant}\n{html}".encode()).hexdigest()
        cmyk = bool(pdf_variant and pdf_variant.startswith("pdf/x"))
        pdf = document.write_pdf(pdf_variant=pdf_variant, uncompressed_pdf=False,
                                 finisher=partial(_finish, digest=digest, cmyk=cmyk))
    except weasyprint.urls.FatalURLFetchingError as exc:
        raise BuildError(f"could not fetch a resource: {exc}", source) from None
    finally:
        logger.removeHandler(handler)
    if fetcher.blocked:
        shown = ", ".join(sorted(set(fetcher.blocked)))
        raise BuildError(f"blocked resource(s) outside assets/ and templates/: {shown}", source)
    for message in dict.fromkeys(handler.messages):
        diagnostics.append(Diagnostic(f"WeasyPrint: {message}", source))
    return Rendered(pdf=pdf, pages=len(document.pages), overflows=tuple(frame_overflows(document)))


_RGB_BLACK = {b"0 0 0 rg": b"0 0 0 1 k", b"0 0 0 RG": b"0 0 0 1 K"}
_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-f-]{36}")


def _drop_attachments(document) -> None:
    """No embedded files, whatever a template or content links to: print needs none."""
    document.metadata.attachments = []
    for page in document.pages:
        page.links = [link for link in page.links if link[0] != "attachment"]


def _finish(document, pdf, *, digest: str, cmyk: bool) -> None:
    """Last touches on the PDF objects before they are written.

    - PDF/X-4 metadata gets a random DocumentID from WeasyPrint; derive it from the input
      instead, so that the same inputs give the same bytes.
    - WeasyPrint draws crop marks in hard-coded RGB black; a shop's preflight rejects RGB on a
      CMYK press, and everything else in a shop PDF is already CMYK, so redraw them in CMYK.
    """
    import pydyf

    stable = f"xmp.did:{uuid.UUID(digest[:32])}".encode()
    for obj in pdf.objects:
        if not isinstance(obj, pydyf.Stream):
            continue
        items = []
        for item in obj.stream:
            data = item if isinstance(item, bytes) else str(item).encode()
            if cmyk and data in _RGB_BLACK:
                item = _RGB_BLACK[data]
            elif b"xmp.did:" in data:
                item = _DOCUMENT_ID.sub(stable, data)
            items.append(item)
        obj.stream = items


def _boxes(box, parent=None):
    """Every box below ``box``, with its parent."""
    yield box, parent
    for child in getattr(box, "children", ()):
        yield from _boxes(child, box)


def _mark_frame_ends(root) -> None:
    """Append an empty marker to every frame, to see later whether its last line was laid out.

    WeasyPrint drops what runs past the bottom of the page inside a fixed-size box, so a frame
    whose end marker is missing lost text even though nothing shows below it.
    """
    from xml.etree import ElementTree

    for element in list(root.iter()):
        if element.get("data-frame"):
            ElementTree.SubElement(element, "div", {"data-frame-end": "",
                                                    "style": "height: 0; margin: 0"})


def frame_overflows(document) -> list[tuple[str, float]]:
    """Frames (elements with ``data-frame``) whose content does not fit: (name, excess in mm).

    Frames have a fixed size and hide their overflow, so the layout tree is the only place
    where text that does not fit can be seen. The excess is 0 when the text was cut off.
    """
    found = []
    for page in document.pages:
        for box, parent in _boxes(page._page_box):
            element = getattr(box, "element", None)
            name = element.get("data-frame") if element is not None else None
            if not name or box.element_tag is None or not hasattr(box, "content_box_y"):
                continue
            if parent is not None and getattr(parent, "element", None) is element:
                continue  # an anonymous box WeasyPrint made inside the frame, not the frame
            bottom = box.content_box_y() + box.height
            right = box.content_box_x() + box.width
            inner = [b for b, _ in _boxes(box) if b is not box]
            ended = any(b.element_tag == "div" and b.element is not None
                        and b.element.get("data-frame-end") is not None for b in inner)
            # Lines and blocks, not glyph boxes: a glyph may poke past a tight line height.
            lowest = max((b.position_y + _height(b) for b in inner if _is_block_or_line(b)),
                         default=bottom)
            # Sideways, text counts too: a line box is as wide as its frame, its words may not be.
            widest = max((b.position_x + b.margin_width() for b in inner
                          if hasattr(b, "margin_width")), default=right)
            if lowest > bottom + 0.5 or widest > right + 0.5 or not ended:
                excess = max(lowest - bottom, widest - right, 0)
                found.append((name, excess * 25.4 / 96))  # CSS px to mm
    return found


def _is_block_or_line(box) -> bool:
    return type(box).__name__ not in ("TextBox", "InlineBox")


def _height(box) -> float:
    """Border-box height: a trailing margin may hang past the frame, text may not."""
    if hasattr(box, "border_height"):
        return box.margin_top + box.border_height()
    return box.height or 0


def page_count(pdf: bytes) -> int:
    """Number of pages of a finished PDF."""
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` so that a reader never sees a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
