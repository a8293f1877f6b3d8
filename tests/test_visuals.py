"""Visual blocks the copy calls in one line each (@quote, @band, @timeline, @icon): drawn
from the theme, fitted with the copy, in every profile's own ink; mistakes name their line."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pikepdf
import pytest

from pamphleteer.errors import ContentError
from pamphleteer.markup import to_html
from pamphleteer.project import load_project
from pamphleteer.visuals import MAX_ICONS, icon_names

from conftest import build
from pdfinspect import page_texts

COPY = """Intro line.

@quote A ceasefire is not peace. | A veteran of the war

@band No war without end

@timeline 1950 | The war begins
@timeline 1953 | An armistice, but no peace

@icon pen-line | Sign the petition
@icon phone | Call your representative
"""


def html(source: str, lang: str = "en") -> str:
    return to_html(source, path=Path("content/en/flyer.md"), line=10, edition=dt.date(2026, 1, 1),
                   keep_words=lang == "ko", diagnostics=[], lang=lang)


def test_each_block_is_drawn_from_its_line():
    out = html(COPY)
    assert '<p class="pull-quote-text">A ceasefire is not peace.</p>' in out
    assert '<p class="pull-quote-by">A veteran of the war</p>' in out
    assert '<div class="slogan-band visual"><p>No war without end</p></div>' in out
    assert out.count('<span class="timeline-when">') == 2 and "1953" in out
    assert out.count('<svg class="icon-mark" aria-hidden="true"') == 2
    assert '<span class="icon-label">Call your representative</span>' in out
    assert "@" not in re.sub(r"<[^>]*>", "", out)


def test_the_theme_carries_its_icons_and_their_licence():
    names = icon_names()
    assert {"pen-line", "phone", "users", "calendar", "map-pin", "megaphone"} <= set(names)
    folder = Path(__file__).resolve().parents[1] / "assets/icons"
    assert "ISC License" in (folder / "LICENSE").read_text() and len(names) >= 20


def test_a_map_is_drawn_inline_with_its_caption_and_painted_per_profile():
    from pamphleteer.visuals import map_names, paint

    assert "korea-1953" in map_names()
    out = html("@map korea-1953 | The line of 1953 still divides Korea\n")
    assert '<svg class="drawing" role="img" aria-label="The line of 1953\u00a0still divides ' \
        'Korea"' in out and '<figcaption class="map-caption">The line of 1953' in out
    assert "{accent}" in out and "<!--" not in out  # colours are the profile's, set later
    painted = paint(out, {"white": "#fff", "rule": "#999", "tint": "#eef", "primary": "#036",
                          "accent": "device-cmyk(0 0.9 0.9 0)"})
    assert not re.search(r"\{[a-z]+\}", painted)
    assert 'stroke="device-cmyk(0 0.9 0.9 0)"' in painted  # the line of 1953, in the accent


def test_the_map_s_source_and_licence_are_noted():
    assets = Path(__file__).resolve().parents[1] / "assets"
    readme = (assets / "README.md").read_text()
    assert "maps/korea-1953.svg" in readme and "Natural Earth" in readme
    assert "public domain" in readme and (assets / "tools/korea_map.py").exists()


def test_a_paragraph_that_merely_starts_with_at_is_text():
    assert "@peacenow is where we post" in html("@peacenow is where we post.\n")


@pytest.mark.parametrize(("source", "line", "message"), [
    ("Text.\n\n@qoute Peace now | Someone\n", 12, "'@qoute' is not a visual block: did you "
     "mean '@quote'?"),
    ("@icon pen | Sign\n", 10, "no icon 'pen' in the theme: did you mean clipboard-pen-line, "
     "pen-line?"),
    ("Text.\n\n@timeline 1950 The war begins\n", 12, "each '@timeline' line as: @timeline 1953 "
     "| What happened"),
    ("@timeline 1950 | War\n@icon phone | Call\n", 10, "a paragraph of '@timeline' lines holds "
     "'@icon' too"),
    ("@icon phone | Call\n@icon mail | Write\n@band Peace\n", 10, "a paragraph of '@icon' lines "
     "holds '@band' too"),
    ("\n".join(f"@icon phone | Call {n}" for n in range(MAX_ICONS + 1)) + "\n", 10,
     f"{MAX_ICONS + 1} '@icon' lines in one row"),
    ("@band\n", 10, "'@band' needs its slogan"),
    ("@map korea | Korea\n", 10, "no map 'korea' in the theme (its maps: korea-1953)"),
    ("@map korea-1953\n", 10, "'@map' needs a caption saying what the map shows"),
])
def test_a_mistake_in_a_block_names_its_line(source, line, message):
    with pytest.raises(ContentError) as caught:
        html(source)
    assert caught.value.line == line and message in caught.value.message, caught.value


def test_korean_blocks_keep_their_words_whole():
    out = html("@band 평화협정을 맺자\n", lang="ko")
    assert "평\u2060화\u2060협\u2060정\u2060을" in out


def drawn(owner, seen=None):
    """Every operator a page or form draws, its forms' included (an SVG is drawn in one)."""
    seen = set() if seen is None else seen
    yield from pikepdf.parse_content_stream(owner)
    forms = (owner.get("/Resources") or {}).get("/XObject") or {}
    for form in forms.values():
        if form.get("/Subtype") == "/Form" and form.objgen not in seen:
            seen.add(form.objgen)
            yield from drawn(form, seen)


@pytest.mark.slow
def test_blocks_print_in_every_profile_s_own_ink_and_fit(campaign, tmp_path):
    card = campaign / "content/en/palmcard.md"
    text = card.read_text("utf-8")
    card.write_text(text.replace("::: front\n", "::: front\n\n@band No war without end\n")
                    .replace("## Two simple steps\n", "@quote A ceasefire is not peace. | A "
                             "veteran\n\n@icon pen-line | Sign the petition\n@icon phone | "
                             "Call your representative\n\n## Two simple steps\n"), "utf-8")
    out = tmp_path / "out"
    code, output = build(campaign, out, "-l", "en", "-m", "palmcard", "--strict")
    assert code == 0, output  # fitted without holes, one ink on the photocopy, codes decode
    texts = re.sub(r"\s+", " ", " ".join(page_texts(out / "en/palmcard-shop.pdf")))
    for words in ("NO WAR WITHOUT END", "A ceasefire is not peace.", "Sign the petition"):
        assert words in texts, words
    # The icons are stroked in the press's CMYK primary (4 components), never in RGB.
    primary = [round(v / 100, 3) for v in load_project(campaign).brand["primary"].cmyk]
    with pikepdf.open(io.BytesIO((out / "en/palmcard-shop.pdf").read_bytes())) as pdf:
        strokes = [(str(op), [round(float(v), 3) for v in operands])
                   for page in pdf.pages for operands, op in drawn(page.obj)
                   if str(op) in ("K", "RG", "SCN", "SC", "G")]
    assert not [s for s in strokes if s[0] in ("RG", "G")], strokes
    assert ("SCN", primary) in strokes, (primary, strokes)
