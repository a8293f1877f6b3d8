"""Stage 7, the written PDF finished with pikepdf, on real WeasyPrint PDFs: press black,
the document ID, pages cut to their copy, the print dialog's settings, and nothing else."""

from __future__ import annotations

import io
import re

import pikepdf
import pypdfium2
import pytest

from pamphleteer import weasy
from pamphleteer.finish import Finish, finish
from pamphleteer.pdf import render_pdf

# Black text and a black rule: WeasyPrint writes both in RGB unless told otherwise.
HTML = """<html lang="en"><head><style>@page { size: 4in 3in; margin: 0.25in }
p { color: black; border-top: 2pt solid black; font-family: Inter }</style></head>
<body><p>Sign for a peace agreement.</p></body></html>"""


def render(project, html: str = HTML, **options) -> bytes:
    return render_pdf(html, root=project, source=project / "t.html", **options).pdf


def colours(data: bytes) -> list[tuple[str, list[float]]]:
    """Every colour operator drawn on the pages, with its operands."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) in ("rg", "RG", "k", "K", "g", "G"):
                    found.append((str(operator), [float(v) for v in operands]))
    return found


def text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    return "".join(page.get_textpage().get_text_range() for page in document)


def test_rgb_black_in_a_press_pdf_is_drawn_in_the_press_black(project):
    home, press = render(project), render(project, pdf_variant="pdf/x-4")
    assert ("rg", [0, 0, 0]) in colours(home)  # the case exists: WeasyPrint writes RGB black
    drawn = colours(press)
    assert not [c for c in drawn if c[0] in ("rg", "RG") and c[1] == [0, 0, 0]], drawn
    # Each black drawn (the text and the rule) is the press's black.
    assert drawn.count(("k", [0, 0, 0, 1])) == colours(home).count(("rg", [0, 0, 0])) == 2
    assert text(press) == text(home)


def test_the_same_inputs_give_the_same_bytes_and_an_id_of_their_own(project, monkeypatch):
    first = render(project, pdf_variant="pdf/x-4")
    # A page that names no dates is not stamped with the time of writing (PDF/X would be:
    # CI once saw two renders a second apart differ).
    import time

    later = time.localtime(time.time() + 3600)
    monkeypatch.setattr("weasyprint.pdf.pdfx.localtime", lambda: later)
    again = render(project, pdf_variant="pdf/x-4")
    assert first == again
    other = render(project, HTML.replace("Sign for", "Call for"), pdf_variant="pdf/x-4")

    def document_id(data: bytes) -> bytes:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            found = re.findall(rb"xmp\.did:[0-9a-f-]{36}", pdf.Root.Metadata.read_bytes())
        assert len(set(found)) == 1
        return found[0]

    assert document_id(first) != document_id(other)
    assert document_id(first) == document_id(again)


def test_a_pdf_that_needs_nothing_is_kept_as_written(project):
    written = render(project, HTML.replace("black", "#0a0a0a"))
    assert finish(written, Finish()) == written
    # A press PDF gets its subsets' own tags (no RGB black, no solid black to overprint here);
    # once finished, it needs nothing more.
    pressed = finish(written, Finish(cmyk=True))
    assert pressed != written and text(pressed) == text(written)
    assert finish(pressed, Finish(cmyk=True)) == pressed


def test_pages_cut_to_their_copy_keep_the_copy_where_it_was(project):
    whole = render_pdf(HTML, root=project, source=project / "t.html", write=False)
    cut = whole.cropped((100.0,)).written().pdf
    with pikepdf.open(io.BytesIO(cut)) as pdf:
        assert [float(v) for v in pdf.pages[0].MediaBox] == [0, 116, 288, 216]
    assert "Sign for a peace agreement." in text(cut)


@pytest.mark.parametrize("duplex", ["DuplexFlipLongEdge", "DuplexFlipShortEdge"])
def test_the_print_dialog_is_asked_for_duplex_and_no_scaling(project, duplex):
    with pikepdf.open(io.BytesIO(render(project, duplex=duplex))) as pdf:
        preferences = pdf.Root.ViewerPreferences
        assert preferences.Duplex == f"/{duplex}" and preferences.PrintScaling == "/None"


def test_the_adapter_inspects_the_drawn_document_before_a_byte_is_written(project):
    """The glyph check needs the fonts as drawn: it runs inside WeasyPrint's write, and a
    refusal there leaves no PDF."""
    document = weasy.html(HTML, project.as_uri() + "/", None).render()
    seen = []

    def refuse(drawn):
        seen.append(sorted(font.family for font in drawn.fonts.values()))
        raise ValueError("refused")

    with pytest.raises(ValueError, match="refused"):
        weasy.write_pdf(document, None, inspect=refuse)
    assert seen and seen[0]  # the fonts it drew with were known by then


def test_a_name_a_pdf_may_not_hold_is_escaped():
    assert weasy.pdf_name(b"/ABCDEF+Inter") == b"/ABCDEF+Inter"
    assert weasy.pdf_name(b"/ABCDEF+My Font(2)#") == b"/ABCDEF+My#20Font#282#29#23"
    assert weasy.pdf_name("/ABCDEF+Café".encode()) == b"/ABCDEF+Caf#C3#A9"


def test_a_header_cell_heads_its_column_or_its_row(project):
    """WeasyPrint gives a tagged table's header cells no /Scope: a header row's cells head
    their columns, a header cell that starts a body row heads its row."""
    table = HTML.replace("<body><p>Sign for a peace agreement.</p>", (
        "<body><table><thead><tr><th>No.</th><th>Name</th></tr></thead>"
        "<tbody><tr><th>1</th><td>Ana</td></tr><tr><th>2</th><td>Ben</td></tr></tbody></table>"
        # No head: its first row is the header row.
        "<table><tr><th>ZIP</th><th>Email</th></tr><tr><th>3</th><td>Cy</td></tr></table>"))
    written = render(project, table, pdf_variant="pdf/ua-1")
    scopes = []
    with pikepdf.open(io.BytesIO(finish(written, Finish(tags=True)))) as pdf:
        def walk(node) -> None:
            if isinstance(node, pikepdf.Dictionary):
                if node.get("/S") == "/TH":
                    scopes.append(str(node.A.get("/Scope")))
                kids = node.get("/K")
                for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                    walk(kid)
        walk(pdf.Root.StructTreeRoot)
    assert scopes == ["/Column", "/Column", "/Row", "/Row", "/Column", "/Column", "/Row"], scopes
