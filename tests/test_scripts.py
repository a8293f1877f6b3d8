# ruff: noqa: RUF001, RUF002
# (Japanese and Chinese text with its full-width punctuation, written as it is.)
"""Any script a translator brings: new-locale gives a language the theme's fonts for its script,
with no font work (Cyrillic in the theme's own families, Devanagari in Noto Sans Devanagari),
and the pages shape it right. The copy is a real translation of the fixture's flyer
(tests/fixtures/scripts/<locale>/flyer.md)."""

from __future__ import annotations

import re
import shutil

import pikepdf
import pypdfium2
import pytest

from conftest import FIXTURES, build, run
from pdfinspect import text_lines


def new_language(campaign, code: str) -> str:
    """``new-locale code``, then the flyer translated and marked so; its locale.toml."""
    result, output = run("new-locale", code, "--project", str(campaign))
    assert result == 0, output
    shutil.copy(FIXTURES / "scripts" / code / "flyer.md", campaign / "content" / code)
    assert run("mark-translated", code, "flyer", "--project", str(campaign))[0] == 0
    return (campaign / "content" / code / "locale.toml").read_text("utf-8")


def fonts_drawn(pdf) -> set[str]:
    with pikepdf.open(pdf) as document:
        return {str(font.BaseFont).split("+")[-1] for font in document.objects
                if isinstance(font, pikepdf.Dictionary) and font.get("/Type") == "/Font"
                and font.get("/Subtype") == "/Type0"}


def test_a_script_the_theme_has_no_font_for_is_refused_with_the_reason(campaign):
    code, output = run("new-locale", "am", "--project", str(campaign))
    assert code == 2 and "cannot draw አማርኛ" in output and "theme has none for its script" \
        in output, output
    assert not (campaign / "content/am").exists()


@pytest.mark.slow
def test_russian_needs_no_font_work(campaign, tmp_path):
    settings = new_language(campaign, "ru")
    assert 'text = ["Noto Serif"]' in settings  # the campaign's own families draw Cyrillic
    code, output = build(campaign, tmp_path / "out", "-l", "ru", "-m", "flyer", "-p", "shop")
    assert code == 0 and "no bundled font" not in output, output
    pdf = tmp_path / "out/ru/flyer-shop.pdf"
    lines = [line.text.replace("\u00a0", " ") for line in text_lines(pdf, 0)]
    assert "Закрепим мир" in " ".join(lines) or any("Закрепим" in line for line in lines), lines
    assert {"Inter-Heavy", "Noto-Serif"} <= fonts_drawn(pdf), fonts_drawn(pdf)
    # "28 500": one number, never broken at its group space.
    assert any("28 500" in line for line in lines), lines


@pytest.mark.slow
def test_hindi_gets_devanagari_fonts_and_is_shaped(campaign, tmp_path):
    settings = new_language(campaign, "hi")
    assert 'text = ["Noto Sans Devanagari", "Inter"]' in settings, settings
    code, output = build(campaign, tmp_path / "out", "-l", "hi", "-m", "flyer", "-p", "shop",
                         "-p", "screen")
    assert code == 0 and "no bundled font" not in output, output
    pdf = tmp_path / "out/hi/flyer-shop.pdf"
    assert {"Noto-Sans-Devanagari", "Noto-Sans-Devanagari-Bold"} <= fonts_drawn(pdf)
    # Shaped, as the page draws it: conjuncts (द्ध, क्ष) and vowel signs are single glyphs
    # standing for several characters (HarfBuzz's clusters), not letters set one by one.
    clusters = set()
    with pikepdf.open(pdf) as document:
        for font in document.objects:
            if isinstance(font, pikepdf.Dictionary) and "/ToUnicode" in font and \
                    "Devanagari" in str(font.get("/BaseFont", "")):
                cmap = font.ToUnicode.read_bytes().decode("ascii", "replace")
                clusters |= {chars.upper() for chars in
                             re.findall(r"<[0-9A-Fa-f]{4}>\s*<([0-9A-Fa-f]{8,})>", cmap)}
    assert {"0926094D0927", "0915094D0937"} & clusters, clusters  # द्ध, क्ष
    assert any("094D" in chars for chars in clusters)  # a virama joins consonants
    assert {"0924093F", "0915093F"} & clusters, clusters  # ति, कि: the vowel sign goes first
    # Read back from the page where no vowel sign leads a cluster (WeasyPrint gives a
    # cluster's text to one of its glyphs: a leading sign reads as a stray character).
    text = pypdfium2.PdfDocument(str(pdf))[0].get_textpage().get_text_range()
    assert "हस्ताक्षर" in text, text[:300]


def test_paper_follows_the_campaign_s_region_not_the_language(campaign):
    """A US campaign's French kit prints on letter, as its English one does (it was A4);
    a language folder says otherwise where it prints in another region."""
    from pamphleteer.project import load_project

    assert run("new-locale", "fr", "--project", str(campaign))[0] == 0
    assert 'paper = "letter"' in (campaign / "content/fr/locale.toml").read_text("utf-8")
    assert run("new-locale", "pt", "--from", "de", "--project", str(campaign))[0] == 0
    assert 'paper = "a4"' in (campaign / "content/pt/locale.toml").read_text("utf-8")
    bare = campaign / "content/it"  # no locale.toml: the campaign's paper, with a note
    bare.mkdir()
    shutil.copy(campaign / "content/en/flyer.md", bare / "flyer.md")
    project = load_project(campaign)
    assert project.locales["it"].paper == "letter"
    assert project.locales["de"].paper == "a4"  # its own locale.toml: A4, as it says
    assert any("letter paper" in note.message for note in project.notes)


def test_a_glyph_from_cldr_s_date_format_is_blamed_on_the_date_not_the_copy(campaign, tmp_path):
    """The weekday 月 came from CLDR's Japanese date, not from any file the campaign wrote."""
    folder = campaign / "content/ja"
    folder.mkdir()
    (folder / "locale.toml").write_text('name = "Japanese"\npaper = "a4"\n', "utf-8")
    shutil.copy(campaign / "content/en/flyer.md", folder / "flyer.md")
    event = FIXTURES / "events/harbour-vigil.toml"
    code, output = build(campaign, tmp_path / "out", "--event", str(event), "-l", "ja", "-m",
                         "flyer", "-p", "home")
    assert code == 1 and "Traceback" not in output, output
    assert "harbour-vigil.toml: the 'ja' pieces print this event's date as CLDR writes it" \
        in output and "2099年7月27日" in output and "not from your copy" in output, output


JAPANESE = ("朝鮮戦争は一九五三年に休戦協定で戦闘が止まりましたが、平和協定はいまだに"
            "結ばれていません。「戦争を正式に終わらせよう」と議会に呼びかけ、請願に署"
            "名して、地元の下院議員に電話してください。ちょっとした行動が、キャンペー"
            "ン全体の力になります。")
CHINESE = ("韓戰在一九五三年以停戰協定停火，但至今仍未簽署和平協定。約兩萬八千五百名"
           "美軍仍駐紮在南韓，一次失誤就可能把擁有核武的國家捲入戰爭。請簽署請願書，"
           "並致電您選區的眾議員，呼籲國會正式結束這場戰爭。每一個簽名、每一通電話都"
           "很重要。")


@pytest.mark.parametrize("text", [JAPANESE, CHINESE])
def test_a_sentence_without_spaces_is_not_one_long_word(text):
    """Japanese and Chinese put no spaces between words: a word is what lies between two
    places a line may break (UAX #14, as Pango finds them), not what lies between spaces."""
    from pamphleteer.limits import MAX_WORD, check_words

    assert len(text) > MAX_WORD  # refused as one word when words were what lay between spaces
    check_words(f"<p>{text}</p>", text, "flyer.md", 9, "ja")  # no error


def test_a_word_no_line_can_hold_is_still_refused_inside_cjk_text():
    from pamphleteer.errors import ContentError
    from pamphleteer.limits import check_words

    long = "x" * 90
    text = JAPANESE[:40] + long + JAPANESE[40:]
    with pytest.raises(ContentError, match="a word of 90 characters"):
        check_words(f"<p>{text}</p>", text, "flyer.md", 9, "ja")


@pytest.mark.parametrize(("text", "lang"), [(JAPANESE, "ja"), (CHINESE, "zh-Hant")])
def test_no_line_may_begin_with_closing_punctuation_or_a_small_kana(text, lang):
    """Kinsoku, as the renderer breaks lines: never before 。、」，or ゃ っ ー."""
    from pamphleteer import weasy

    pieces = weasy.break_pieces(text, {"white_space": "normal", "lang": lang})
    assert len(pieces) > 40
    closers = set("。、」』）〕，．：；！？ゃゅょっぁぃぅぇぉャュョッァィゥェォー")
    assert not [piece for piece in pieces[1:] if piece[:1] in closers], pieces
