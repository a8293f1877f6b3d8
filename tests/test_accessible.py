"""Screen PDFs read aloud: every figure says what it is (a code, what it does and where it
goes), decoration is an artifact, header cells say what they head, and an independent PDF/UA
checker (the ``pdfua`` package, pinned for the tests) finds nothing."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from pdfua import Severity, validate

from conftest import build


def elements(pdf: Path, role: str) -> list[pikepdf.Dictionary]:
    """The structure elements of ``pdf`` with ``role`` (``/Figure``, ``/TH``), in order."""
    found: list[pikepdf.Dictionary] = []

    def walk(node) -> None:
        if isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == role:
                found.append(node)
            kids = node.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                walk(kid)

    with pikepdf.open(pdf) as document:
        walk(document.Root.StructTreeRoot)
        return [pikepdf.Dictionary({key: value for key, value in element.items()
                                    if key in ("/S", "/Alt", "/A")}) for element in found]


def artifacts(pdf: Path) -> int:
    """How many runs of content ``pdf``'s pages mark as artifacts."""
    with pikepdf.open(pdf) as document:
        return sum(1 for page in document.pages for i in pikepdf.parse_content_stream(page)
                   if str(i.operator) in ("BMC", "BDC") and i.operands[0] == "/Artifact")


@pytest.mark.slow
def test_an_independent_pdf_ua_checker_finds_nothing(fixture_kit):
    screens = sorted(fixture_kit.glob("*/*-screen.pdf"))
    assert len(screens) >= 12
    for pdf in screens:
        report = validate(str(pdf))
        found = [(f.rule_id, f.message) for f in report.findings
                 if f.severity >= Severity.WARNING]
        assert not found, (pdf, found)


@pytest.mark.slow
def test_each_code_says_what_it_does_and_where_it_goes(fixture_kit):
    expected = {"en": ("Sign the petition: example.org/fx/sign",
                       "Call your representative: example.org/fx/rep"),
                "de": ("Petition unterschreiben: example.org/fx/sign",
                       "Abgeordnete anrufen: example.org/fx/rep")}
    for locale, alts in expected.items():
        figures = elements(fixture_kit / locale / "flyer-screen.pdf", "/Figure")
        assert figures and all("/Alt" in figure for figure in figures), figures
        said = [str(figure.Alt) for figure in figures]
        assert all(alt in said for alt in alts), said
    # Read aloud as written: no joiner or soft hyphen from the typesetting (Korean included).
    for pdf in sorted(fixture_kit.glob("*/*-screen.pdf")):
        for figure in elements(pdf, "/Figure"):
            assert not set(str(figure.Alt)) & {"\u2060", "\u00ad"}, (pdf, str(figure.Alt))


@pytest.mark.slow
def test_the_signature_sheet_s_header_cells_head_their_columns(fixture_kit):
    cells = elements(fixture_kit / "en" / "signsheet-screen.pdf", "/TH")
    assert len(cells) >= 6
    assert all(cell.A.Scope == "/Column" for cell in cells), cells


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.mark.slow
def test_an_icon_beside_its_words_is_decoration(campaign, tmp_path):
    """Icons are aria-hidden in the HTML: in the PDF they are artifacts, not nameless figures."""
    edit(campaign / "content/en/flyer.md", "## ", "@icon phone | Call your representative\n\n## ")
    code, output = build(campaign, tmp_path / "out", "-l", "en", "-m", "flyer", "-p", "screen")
    assert code == 0, output
    pdf = tmp_path / "out/en/flyer-screen.pdf"
    figures = elements(pdf, "/Figure")
    assert all("/Alt" in figure for figure in figures), figures
    assert not [f for f in validate(str(pdf)).findings if f.severity >= Severity.WARNING]
    plain = tmp_path / "plain"
    edit(campaign / "content/en/flyer.md", "@icon phone | Call your representative\n\n", "")
    assert build(campaign, plain, "-l", "en", "-m", "flyer", "-p", "screen")[0] == 0
    assert artifacts(pdf) > artifacts(plain / "en/flyer-screen.pdf")
