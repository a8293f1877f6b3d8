"""Rendering safety and integrity: the fetcher, frames, QR verification, atomic writes."""

from __future__ import annotations

import http.server
import io
import os
import shutil
import threading

import pikepdf
import pytest

from pamphleteer.errors import BuildError
from pamphleteer.outputs import write_atomic
from pamphleteer.pdf import render_pdf, sheet_pdf
from pamphleteer.preflight import unembedded_fonts

from conftest import ROOT, run


def test_fetcher_refuses_files_outside_assets_and_templates(project, tmp_path):
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    (project / "content" / "notes.css").write_text("body { color: red }")
    for url in (secret.as_uri(), (project / "content" / "notes.css").as_uri(),
                (project / "templates" / ".." / "campaign.toml").as_uri()):
        for html in (f'<link rel="stylesheet" href="{url}"><p>x</p>',
                     f'<style>@import url("{url}"); p {{ color: blue }}</style><p>x</p>'):
            with pytest.raises(BuildError, match="blocked resource"):
                render_pdf(html, root=project, source=project / "t.html")
    # A template's own stylesheet may import nothing from outside either.
    (project / "templates" / "css" / "sly.css").write_text(f'@import url("{secret.as_uri()}");')
    with pytest.raises(BuildError, match="blocked resource"):
        render_pdf('<link rel="stylesheet" href="templates/css/sly.css"><p>x</p>', root=project,
                   source=project / "t.html")


def test_fetcher_never_reaches_the_network(project):
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/pixel.png"
    try:
        with pytest.raises(BuildError, match="blocked resource"):
            render_pdf(f'<img src="{url}">', root=project, source=project / "t.html")
    finally:
        server.server_close()
    assert hits == []


def test_attachments_are_never_embedded(project):
    inside = (project / "templates" / "css" / "print.css").as_uri()
    html = (f'<link rel="attachment" href="{inside}">'
            f'<p><a rel="attachment" href="{inside}">file</a></p>')
    rendered = render_pdf(html, root=project, source=project / "t.html")
    with pikepdf.open(io.BytesIO(rendered.pdf)) as pdf:
        assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {})
        for page in pdf.pages:
            assert all(annot.get("/Subtype") != "/FileAttachment"
                       for annot in page.get("/Annots", []))
        assert b"EmbeddedFile" not in rendered.pdf


def test_a_font_used_without_its_file_is_named(project):
    rendered = render_pdf("<p>Embedded</p>", root=project, source=project / "t.html")
    assert unembedded_fonts(rendered.pdf) == []
    # The same PDF with its font file taken out, as a tool that strips fonts would leave it.
    with pikepdf.open(io.BytesIO(rendered.pdf)) as pdf:
        font = next(iter(pdf.pages[0].Resources.Font.values()))
        descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
        for key in ("/FontFile", "/FontFile2", "/FontFile3"):
            if key in descendant.FontDescriptor:
                del descendant.FontDescriptor[key]
        pdf.pages[0].Resources.Font["/Plain"] = pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
            BaseFont=pikepdf.Name.Helvetica)
        stripped = io.BytesIO()
        pdf.save(stripped)
    assert unembedded_fonts(stripped.getvalue()) == sorted([str(font.BaseFont), "/Helvetica"])


def test_a_sheet_is_laid_out_once_until_a_font_changes(tmp_path):
    """Every home PDF of a material and language lies on the same sheet: it is remembered,
    but not past an edit to a font (``watch``) or for a page that reads other files."""
    fonts = tmp_path / "assets" / "fonts"
    fonts.mkdir(parents=True)
    font = fonts / "Own.ttf"
    shutil.copy(next((ROOT / "assets" / "fonts").glob("*.ttf")), font)
    html = "<p>Cut on the marks</p>"
    first, laid_out = sheet_pdf(html, root=tmp_path, source=tmp_path / "sheet.html.j2")
    assert laid_out and first.startswith(b"%PDF")
    assert sheet_pdf(html, root=tmp_path, source=tmp_path / "sheet.html.j2") == (first, False)
    os.utime(font, ns=(font.stat().st_atime_ns, font.stat().st_mtime_ns + 10**9))
    assert sheet_pdf(html, root=tmp_path, source=tmp_path / "sheet.html.j2")[1]
    linked = '<link rel="stylesheet" href="templates/css/print.css">' + html
    for _ in range(2):
        assert sheet_pdf(linked, root=tmp_path, source=tmp_path / "sheet.html.j2")[1]


def test_write_atomic_replaces_whole_files_only(tmp_path):
    target = tmp_path / "out" / "a.pdf"
    write_atomic(target, b"first")
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["a.pdf"]


@pytest.mark.slow
def test_failed_build_keeps_the_previous_good_pdf(project, tmp_path):
    out = tmp_path / "dist"
    code, output = run("build", "--project", str(project), "--out", str(out), "-l", "en",
                       "-m", "flyer")
    assert code == 0, output
    good = (out / "en" / "flyer-home.pdf").read_bytes()
    flyer = project / "content" / "en" / "flyer.md"
    flyer.write_text(flyer.read_text() + "\n\nMore words to overflow the page. " * 60)
    code, output = run("build", "--project", str(project), "--out", str(out), "-l", "en",
                       "-m", "flyer")
    assert code == 1
    assert "does not fit" in output and "flyer.md" in output
    assert (out / "en" / "flyer-home.pdf").read_bytes() == good
    assert not [p for p in (out / "en").iterdir() if p.name.endswith(".tmp")]


@pytest.mark.slow
def test_a_qr_code_that_does_not_decode_fails_the_build(project, tmp_path):
    css = project / "templates" / "css" / "flyer.css"
    # A campaign's stylesheet that draws the codes too small for the page's raster.
    css.write_text(css.read_text() + "\n.qr-code svg { width: 0.12in !important; "
                   "height: 0.12in !important; }\n")
    code, output = run("build", "--project", str(project), "--out", f"{tmp_path}/out", "-l", "en",
                       "-m", "flyer")
    assert code == 1
    assert "QR code for the petition does not decode" in output
    assert not (tmp_path / "out" / "en" / "flyer-home.pdf").exists()


@pytest.mark.slow
def test_strict_turns_warnings_into_errors(project, tmp_path):
    flyer = project / "content" / "en" / "flyer.md"
    flyer.write_text(flyer.read_text() + "\n<b onclick=x>hi</b><iframe></iframe>\n")
    code, output = run("build", "--project", str(project), "--out", f"{tmp_path}/out", "-l", "en",
                       "-m", "flyer")
    assert code == 0 and "warning:" in output and "<iframe>" in output
    code, output = run("build", "--project", str(project), "--out", str(tmp_path / "s"),
                       "-l", "en", "-m", "flyer", "--strict")
    assert code == 1 and "(--strict)" in output
    assert not (tmp_path / "s" / "en" / "flyer-home.pdf").exists()


def test_the_font_configuration_is_kept_until_a_font_file_changes(tmp_path):
    """One configuration serves every document of a process; an edited font (under watch)
    gets a new one, or WeasyPrint would go on using the faces it loaded first."""
    import shutil

    from pamphleteer.fontconfig import font_config, load_weasyprint

    from conftest import ROOT

    fonts = tmp_path / "assets" / "fonts"
    shutil.copytree(ROOT / "assets" / "fonts", fonts)
    load_weasyprint(tmp_path)  # sets FONTCONFIG_FILE for this fonts folder
    first = font_config((fonts,))
    assert font_config((fonts,)) is first
    face = fonts / "Inter-Bold.subset.otf"
    face.write_bytes(face.read_bytes() + b"\0\0\0\0")
    assert font_config((fonts,)) is not first
