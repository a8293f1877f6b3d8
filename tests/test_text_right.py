"""Text that is right in every language: placeholders filled before they are typeset (and a
stray one refused), no joiner in a PDF's metadata, no line that starts with a separator or a
closing mark, citations kept with their figures, and an event's words per language."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pypdf
import pytest

from pamphleteer import weasy
from pamphleteer.markup import plain
from pamphleteer.typography import NBSP, WORD_JOINER, keep_words_together, typeset

from conftest import build, run
from pdfinspect import page_texts

# What may not begin a line in Korean, Japanese or Chinese (closing marks, separators, small
# kana), by Unicode's line-breaking classes CL, CP, EX, IS and NS, and the middle dots (a
# list's bullet starts its lines: it is not one of them).
CLOSERS = set(")]}\u3001\u3002\uff0c\uff0e\uff1a\uff1b\uff01\uff1f\u300d\u300f\u3009\u300b"
              "\u3011\uff09,.;:!?\u00b7\u30fb\u3041\u3043\u3045\u3047\u3049\u3063")


@pytest.mark.parametrize(("text", "lang", "kept"), [
    ("{number}로 전화해 주세요", "ko", "{number}" + WORD_JOINER + "로"),
    ("주최: {host}", "ko", "{host}"),
    ("{count}쪽", "ko", "{count}" + WORD_JOINER + "쪽"),
])
def test_a_placeholder_is_typeset_whole_and_stays_with_its_particle(text, lang, kept):
    """Joiners went inside placeholders ({n\u2060u\u2060m...}), so nothing filled them."""
    typeset_text = plain(text, lang, True)
    assert kept in typeset_text
    assert re.search(r"\{\w+\}", typeset_text)


@pytest.mark.parametrize(("text", "expected"), [
    ("Back H.R. 1369 today", "H.R." + NBSP + "1369"),
    ("28,500 troops [3] remain", "troops" + NBSP + "[3]"),
    ("an armistice (1953) only", "armistice" + NBSP + "(1953)"),
    ("Westlake Park · 401 Pine St", "Park" + NBSP + "· 401"),
    ("около 28 500 военных", "28" + NBSP + "500" + NBSP + "военных"),  # digit groups: one number
])
def test_citations_and_separators_keep_to_their_word(text, expected):
    assert expected in typeset(text, "en")


def test_the_renderer_finds_no_break_before_a_separator_once_typeset():
    """As Pango breaks lines (UAX #14): a line may end with the dot, never start with it."""
    for lang, text in (("ko", "시애틀 웨스트레이크 공원 · 파인 스트리트 401 · 주최: 평화 연대"),
                       ("en", "Westlake Park · 401 Pine St · Hosted by Seattle Peace")):
        pieces = weasy.break_pieces(typeset(text, lang), {"white_space": "normal", "lang": lang})
        assert not [p for p in pieces[1:] if p.lstrip()[:1] in CLOSERS], pieces
        raw = weasy.break_pieces(text, {"white_space": "normal", "lang": lang})
        assert [p for p in raw[1:] if p[:1] == "\u00b7"], raw  # the case the rule is for


def test_a_string_with_a_placeholder_nothing_fills_is_refused_at_its_line(campaign):
    strings = campaign / "content/de/strings.toml"
    text = strings.read_text("utf-8")
    strings.write_text(text.replace("an und bitten", "an, {name}, und bitten"), "utf-8")
    line = next(n for n, row in enumerate(strings.read_text("utf-8").splitlines(), 1)
                if row.startswith("call_line"))
    code, output = run("check", "--project", str(campaign), "-l", "de", "-m", "callscript")
    assert code == 1
    assert f"content/de/strings.toml:{line}: 'call_line' holds {{name}}, which nothing fills " \
           "in (its only placeholder is {number})" in output
    assert "Traceback" not in output


def test_a_template_s_own_unfilled_placeholder_names_its_line(campaign, tmp_path):
    template = campaign / "templates/flyer.html.j2"
    theme = Path(__file__).resolve().parents[1] / "templates/flyer.html.j2"
    lines = theme.read_text("utf-8").splitlines()
    at = next(n for n, row in enumerate(lines) if "</main>" in row or "</body>" in row)
    lines.insert(at, "<p>Text {date} here</p>")
    template.parent.mkdir(parents=True, exist_ok=True)
    template.write_text("\n".join(lines) + "\n", "utf-8")
    code, output = build(campaign, tmp_path / "out", "-l", "en", "-m", "flyer", "-p", "home")
    assert code == 1
    assert f"templates/flyer.html.j2:{at + 1}: '{{date}}' would print as it is" in output
    assert not (tmp_path / "out/en/flyer-home.pdf").exists()


@pytest.mark.slow
def test_a_korean_word_never_breaks_before_its_middle_dot():
    """Pango breaks "유지·보수" before the dot (the demo booklet's page began with it)."""
    text = "급여, 건설, 유지·보수에 134억 달러를 지출했습니다 (2019년)."
    raw = weasy.break_pieces(text, {"white_space": "normal", "lang": "ko"})
    assert [p for p in raw[1:] if p[:1] == "\u00b7"], raw  # the case the rule is for
    pieces = weasy.break_pieces(keep_words_together(text), {"white_space": "normal",
                                                          "lang": "ko"})
    assert not [p for p in pieces[1:] if p.lstrip()[:1] in CLOSERS], pieces
    assert "".join(pieces).replace("\u2060", "") == text


def test_no_pdf_of_the_kit_prints_a_brace_and_korean_lines_start_right(fixture_kit):
    """The Korean call script printed '{number}' literally."""
    pdfs = sorted(fixture_kit.rglob("*.pdf"))
    assert len(pdfs) > 30
    for pdf in pdfs:
        text = "\n".join(page_texts(pdf))
        assert "{" not in text and "}" not in text, (pdf, re.findall(r".{20}[{}].{20}", text))
    for pdf in sorted(fixture_kit.glob("ko/*.pdf")):
        text = "\n".join(page_texts(pdf))
        if "callscript" in pdf.name:
            assert "202" in text and "로" in text, pdf  # the number, then its particle
        starts = [line.strip()[:1] for line in text.splitlines() if line.strip()]
        assert not [s for s in starts if s in CLOSERS], (pdf, starts)


@pytest.mark.slow
def test_pdf_metadata_holds_no_joiner_or_soft_hyphen(flyer_kit):
    for pdf in sorted(flyer_kit.rglob("*.pdf")):
        info = pypdf.PdfReader(pdf).metadata
        xmp = pypdf.PdfReader(pdf).trailer["/Root"].get("/Metadata")
        values = [str(v) for v in info.values()] + \
                 ([xmp.get_object().get_data().decode("utf-8")] if xmp else [])
        for value in values:
            assert not [c for c in value if unicodedata.category(c) == "Cf" or c == "\u00ad"], \
                (pdf, value)
    titles = [pypdf.PdfReader(pdf).metadata.title for pdf in flyer_kit.glob("ko/*.pdf")]
    assert titles and all(re.search(r"[\uac00-\ud7a3]{2,}", t) for t in titles), titles


@pytest.mark.slow
def test_an_event_gives_its_name_place_and_host_per_language(campaign, tmp_path):
    event = tmp_path / "events/harbour.toml"
    event.parent.mkdir()
    source = (Path(__file__).parent / "fixtures/events/harbour-vigil.toml").read_text("utf-8")
    event.write_text(source + '\n[translated.de]\nname = "Mahnwache am Hafen"\n'
                     'place = "Hafenplatz"\nhost = "Friedenskreis am Hafen"\n', "utf-8")
    out = tmp_path / "out"
    code, output = build(campaign, out, "--event", str(event), "-l", "en", "-l", "de",
                         "-m", "flyer", "-p", "home", "--strict")
    assert code == 0, output
    german = re.sub(r"\s+", " ", page_texts(out / "events/harbour-vigil/de/flyer-home.pdf")[0])
    english = re.sub(r"\s+", " ", page_texts(out / "events/harbour-vigil/en/flyer-home.pdf")[0])
    for words in ("Mahnwache am Hafen", "Hafenplatz", "Friedenskreis am Hafen", "1 Quay Road"):
        assert words in german, (words, german)
    for words in ("Harbour vigil for peace", "Harbour Square", "Harbour Peace Circle"):
        assert words in english and words not in german, words
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["events"]["harbour-vigil"]["translated"]["de"]["place"] == "Hafenplatz"
    # A translation of the event is one of its inputs: an edit rebuilds the German piece only.
    event.write_text(event.read_text("utf-8").replace("Hafenplatz", "Am Hafenplatz"), "utf-8")
    code, output = build(campaign, out, "--event", str(event), "-l", "en", "-l", "de",
                         "-m", "flyer", "-p", "home")
    assert code == 0 and output.count("wrote ") == 1 and "de/flyer-home" in output, output


@pytest.mark.parametrize(("table", "message"), [
    ('[translated.fr]\nname = "Veillée"\n', r"translated\.fr: unknown setting"),
    ('[translated.de]\nslug = "x"\n', r"translated\.de\.slug: unknown setting"),
    ('[translated.de]\nname = ""\n', r"translated\.de\.name: must not be empty"),
])
def test_a_wrong_translation_of_an_event_names_its_line(campaign, tmp_path, table, message):
    event = tmp_path / "events/harbour.toml"
    event.parent.mkdir()
    source = (Path(__file__).parent / "fixtures/events/harbour-vigil.toml").read_text("utf-8")
    event.write_text(source + "\n" + table, "utf-8")
    code, output = build(campaign, tmp_path / "out", "--event", str(event), "-l", "en")
    assert code == 1 and re.search(r"harbour\.toml:1[0-2]: " + message, output), output
    assert "Traceback" not in output
