"""Stage 6: HTML to PDF with WeasyPrint, locked to the project's own files and fonts."""

from __future__ import annotations

import atexit
import gc
import hashlib
import io
import logging
import mimetypes
import uuid
from collections import OrderedDict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache, partial
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pamphleteer.columns import Cut, split_columns
from pamphleteer.errors import BuildError, Diagnostic, PamphleteerError
from pamphleteer.files import kind_of, read_bytes, read_text
from pamphleteer.finish import Finish, finish
from pamphleteer.fontconfig import (
    configuration,
    font_config,
    font_dirs,
    font_files,
    load_weasyprint,
)
from pamphleteer.glyphs import check_drawn
from pamphleteer.measure import Layout, mark_frame_ends, measure
from pamphleteer.photos import (
    DAMAGED,
    HOME_PPI,
    for_copier,
    for_press,
    is_photo,
    pixels_problem,
)
from pamphleteer.prepress import Prepress, check_press_profile
from pamphleteer.theme import find, folders, inside
from pamphleteer.weasy import LOGGER, drop_attachments, fetch_failed, fetcher_bases, stylesheet
from pamphleteer.weasy import html as html_document
from pamphleteer.weasy import write_pdf as write_document

# Folders of a project that a render may read: never content/, events/ or anything outside.
READABLE_DIRS = ("assets", "templates")


@dataclass(frozen=True)
class Rendered:
    """A rendered PDF (empty until written) and its measured layout."""

    pdf: bytes
    pages: int
    layout: Layout = field(default_factory=Layout)
    pending: Callable[..., bytes] | None = field(default=None, compare=False, repr=False)
    # WeasyPrint's warnings on laying it out and (once written) on writing it.
    notes: list[Diagnostic] = field(default_factory=list, compare=False)

    def written(self) -> Rendered:
        """This render with its PDF written: a fit writes only the layout it chose."""
        if self.pdf or self.pending is None:
            return self
        return replace(self, pdf=self.pending(), pending=None)

    def cropped(self, heights: tuple[float, ...]) -> Rendered:
        """This render, to be written with each page cut to the top ``heights[i]`` points of
        itself (a page as tall as its copy, from a layout on pages taller than any copy)."""
        if self.pending is None:
            raise ValueError("only a render not yet written can be cropped")
        return replace(self, pending=partial(self.pending, heights=heights))



@atexit.register
def _release() -> None:
    """Let the kept configurations go while Python can still remove their temporary font
    folders (at interpreter exit WeasyPrint's clean-up finds its modules already gone)."""
    _parsed.cache_clear()
    configuration.cache_clear()
    gc.collect()


@cache
def fetcher_class():
    """The URL fetcher class (built lazily: importing WeasyPrint costs about a second)."""
    fetcher_base, response = fetcher_bases()

    class Converted(response):
        """A file served changed: WeasyPrint must use these bytes, not reread its path."""

        path = None

    class ProjectFetcher(fetcher_base):
        """Serve files from the project's assets and templates; refuse everything else."""

        def __init__(self, root: Path, press: Path | None = None, copier: bool = False):
            super().__init__(allowed_protocols={"file"}, allow_redirects=False)
            self.root = root.resolve()
            self.readable = [folder.resolve() for name in READABLE_DIRS
                             for folder in folders(root, name)]
            self.blocked: list[str] = []
            self.refused: list[PamphleteerError] = []  # files inside, but unfit to use
            self.press = press  # a print shop's CMYK profile, which photos are turned into
            self.copier = copier  # photos dithered to black and paper (one-ink profiles)

        def fetch(self, url, headers=None):
            # Here, not at the top: a build with nothing to render never needs it (30 ms).
            from urllib.request import url2pathname

            parts = urlsplit(url)
            if parts.scheme == "file" and parts.netloc in ("", "localhost"):
                # url2pathname unquotes, once: "a%2520b" is the file "a%20b".
                path = layered(self.root, Path(url2pathname(parts.path)))
                if any(path.is_relative_to(folder) for folder in self.readable) and path.is_file():
                    try:
                        return self.serve(url, path)
                    except PamphleteerError as exc:
                        self.refused.append(exc)  # WeasyPrint would only log it
                        raise ValueError(f"refused: {url}") from None
            self.blocked.append(url)
            raise ValueError(f"blocked: {url}")

        def serve(self, url: str, path: Path):
            """The file at ``path``, read once under its kind's cap; a photo for a print
            shop turned into its CMYK."""
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            data = read_bytes(path, kind_of(path), self.readable)
            if not is_photo(path):
                return response(url, data, {"Content-Type": kind})
            problem = pixels_problem(data)
            if problem:
                raise BuildError(f"this image {problem}", path)
            if self.press or self.copier:
                try:
                    data = for_press(data, self.press) if self.press else for_copier(data)
                except Exception:  # Pillow and LittleCMS raise many kinds on damaged data
                    raise BuildError(f"this image {DAMAGED}", path) from None
                return Converted(url, data, {"Content-Type": "image/jpeg" if self.press
                                             else "image/png"})
            return response(url, data, {"Content-Type": kind})

    return ProjectFetcher


def layered(root: Path, path: Path) -> Path:
    """``path`` resolved; a file of the campaign in ``root`` that it does not have is looked
    for in the theme (a campaign overrides the theme's templates and assets file by file)."""
    path = path.resolve()
    if path.is_relative_to(root) and not path.exists():
        return find(root, path.relative_to(root)).resolve()
    return path


class _Collect(logging.Handler):
    """Keep WeasyPrint's warnings so they reach the user as build messages."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith(".notdef glyph rendered"):  # an error: see check_drawn
            self.messages.append(message)


def render_pdf(html: str, *, root: Path, source: Path, pdf_variant: str | None = None,
               write: bool = True,
               prepress: Prepress | None = None, duplex: str | None = None,
               press: Path | None = None, cuts: tuple[Cut, ...] = (),
               copier: bool = False) -> Rendered:
    """Lay out ``html`` and return the PDF; ``source`` is the file blamed for problems.

    With ``write=False`` the layout is made and measured, and the PDF is written only if
    ``Rendered.written`` asks for it (fitting tries layouts it never prints, and ``check``
    writes none). ``prepress`` finishes a print-shop PDF (boxes, marks, output intent);
    ``duplex`` asks a home printer's dialog for it (and for no scaling). With ``press`` (a
    CMYK output profile) photos are turned into its CMYK; without it they keep no more than
    ``HOME_PPI`` of detail; with ``copier`` they are dithered to black and paper, at their
    own resolution (resampled again, the dots would turn grey). ``cuts`` say where split
    columns break (``columns.py``).
    """
    fonts_dirs = font_dirs(root)
    files = font_files(fonts_dirs)  # read once per layout: it checks every font file
    load_weasyprint(root, files)
    if press is not None:
        check_press_profile(press)
    fetcher = fetcher_class()(root, press, copier)
    notes: list[Diagnostic] = []  # returned with the render (``Rendered.notes``)
    with _collected(source, notes):
        page = html_document(html, root.as_uri() + "/", fetcher)
        split_columns(page.etree_element, cuts)
        rtl = page.etree_element.get("dir") == "rtl"
        mark_frame_ends(page.etree_element)
        fonts = font_config(fonts_dirs, files)
        sheets, profiles = _stylesheets(page.etree_element, root, fonts, fetcher)
        document = page.render(dpi=None if press or copier else HOME_PPI, font_config=fonts,
                               stylesheets=sheets, color_profiles=profiles)
    if fetcher.blocked:
        shown = ", ".join(sorted(set(fetcher.blocked)))
        raise BuildError(f"blocked resource(s) outside assets/ and templates/: {shown}", source)
    if fetcher.refused:
        raise fetcher.refused[0]

    def write_pdf(heights: tuple[float, ...] = ()) -> bytes:
        cmyk = bool(pdf_variant and pdf_variant.startswith("pdf/x"))
        drop_attachments(document, links=cmyk)
        digest = hashlib.sha256(f"{pdf_variant}\n{heights}\n{cuts}\n{html}".encode()).hexdigest()
        with _collected(source, notes):
            # A character no font could draw is an error: it would print as an empty box.
            written = write_document(document, pdf_variant,
                                     document_id=str(uuid.UUID(digest[:32])),
                                     output_profile=prepress.profile if prepress else b"",
                                     inspect=partial(check_drawn, source=source, root=root))
        return finish(written, Finish(cmyk=cmyk, prepress=prepress, duplex=duplex,
                                      heights=heights,
                                      tags=bool(pdf_variant and pdf_variant.startswith("pdf/ua")),
                                      rtl=rtl))

    rendered = Rendered(pdf=b"", pages=len(document.pages), layout=measure(document),
                        pending=write_pdf, notes=notes)
    return rendered.written() if write else rendered


def sheet_pdf(html: str, *, root: Path, source: Path) -> tuple[bytes, bool]:
    """The PDF of a page that needs nothing of the project but its fonts (a home printer's
    sheet underlay), and whether it was laid out now: it is remembered while its fonts are
    unchanged, as every home PDF of one material and language lies on the same sheet, and
    ``watch`` rebuilds one piece many times."""
    if "<link" in html or "<img" in html:  # it reads files whose edits the HTML does not show
        return render_pdf(html, root=root, source=source).pdf, True
    key = (html, root, source, font_files(font_dirs(root)))
    if key in _SHEETS:
        _SHEETS.move_to_end(key)
        return _SHEETS[key], False
    _SHEETS[key] = pdf = render_pdf(html, root=root, source=source).pdf
    if len(_SHEETS) > 32:
        _SHEETS.popitem(last=False)
    return pdf, True


_SHEETS: OrderedDict[tuple, bytes] = OrderedDict()


def _stylesheets(tree, root: Path, fonts, fetcher) -> tuple[list, dict]:
    """The document's own stylesheets (``<style>``, and ``<link>`` to a file in the project),
    taken out of it to be given to WeasyPrint parsed: each text is parsed once per process.

    Every layout parses the same templates' CSS again otherwise: about a tenth of its time.
    All of them go in together, in the document's order, so they cascade among themselves as
    before; only inline ``style`` attributes stand above them, as they did. ``@color-profile``
    rules come back as the profiles the document is rendered with.
    """
    sheets, profiles = [], {}
    head = tree.find("head")
    for element in list(head if head is not None else ()):
        if element.tag == "style":
            text, base = "".join(element.itertext()), root.as_uri() + "/"
        elif element.tag == "link" and "stylesheet" in (element.get("rel") or "").split():
            path = layered(root.resolve(), root / unquote(element.get("href") or ""))
            if not any(inside(root, name, path) for name in READABLE_DIRS) or \
                    not path.is_file():
                continue  # left to WeasyPrint's fetcher, which refuses and reports it
            readable = [f.resolve() for name in READABLE_DIRS for f in folders(root, name)]
            text, base = read_text(path, "text", readable), path.as_uri()
        else:
            continue
        # A sheet that imports another is parsed every time: the other may have changed.
        parse = _parsed.__wrapped__ if "@import" in text else _parsed
        sheet, own, blocked, refused = parse(text, base, fonts, fetcher.__class__, root)
        fetcher.blocked += blocked  # reported with the document's own, as before
        fetcher.refused += refused
        sheets.append(sheet)
        profiles.update(own)
        head.remove(element)
    return sheets, profiles


@lru_cache(maxsize=64)
def _parsed(text: str, base: str, fonts, fetcher_type, root: Path) -> tuple:
    """A parsed stylesheet, the colour profiles it declares, what it was refused as outside
    the project, and the errors of the files it could not use."""
    fetcher = fetcher_type(root)
    profiles: dict = {}
    sheet = stylesheet(text, base, fetcher, fonts, profiles)
    return sheet, profiles, list(fetcher.blocked), list(fetcher.refused)


@contextmanager
def _collected(source: Path, diagnostics: list[Diagnostic]):
    """WeasyPrint's warnings as diagnostics on ``source``, and a failed fetch as an error."""
    handler = _Collect()
    logger = logging.getLogger(LOGGER)
    logger.addHandler(handler)
    try:
        yield
    except fetch_failed() as exc:
        raise BuildError(f"could not fetch a resource: {exc}", source) from None
    finally:
        logger.removeHandler(handler)
        for message in dict.fromkeys(handler.messages):
            diagnostics.append(Diagnostic(f"WeasyPrint: {message}", source))


def page_count(pdf: bytes) -> int:
    """Number of pages of a finished PDF."""
    import pikepdf  # qpdf, in C++: pypdf takes 10-25 ms to open a kit PDF, pikepdf 1

    with pikepdf.open(io.BytesIO(pdf)) as document:
        return len(document.pages)
