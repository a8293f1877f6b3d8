"""Typography on the finished PDFs: quotes, unbreakable units, balanced headlines, addresses
broken only after "/", Korean words kept whole, and ink that prints solid."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pamphleteer.materials import PRINTED
from pamphleteer.typography import balance, typeset

from conftest import build
from pdfinspect import page_texts, text_fills

SOLID_BLACK = (0.0, 0.0, 0.0, 1.0)


def texts(path: Path) -> str:
    return "\n".join(page_texts(path))


def with_body(path: Path, body: str) -> None:
    text = path.read_text(encoding="utf-8")
    head = text[:len(text) - len(text.split("---\n", 2)[2])]
    path.write_text(head + body, encoding="utf-8")


def test_quotes_curl_in_the_language_s_style():
    assert typeset('He said "it\'s done" in the \'70s.', "en") == \
        "He said \u201cit\u2019s done\u201d in the \u201970s."
    assert typeset('"<strong>Sign</strong>" \'now\'', "es") == \
        "\u201c<strong>Sign</strong>\u201d \u2018now\u2019"
    assert typeset('Er sagt "es geht\'s \'gut\'".', "de") == \
        "Er sagt \u201ees geht\u2019s \u201agut\u2018\u201c."
    assert typeset('<a href="https://x.org/">"x"</a>', "en") == \
        '<a href="https://x.org/">\u201cx\u201d</a>'  # attributes untouched


def test_units_and_spaced_abbreviations_do_not_break():
    assert typeset("28,500 troops and $13.4 billion", "en") == \
        "28,500\u00a0troops and $13.4\u00a0billion"
    assert typeset("tropas de EE. UU. en Corea", "es") == "tropas de EE.\u00a0UU. en Corea"


def test_a_headline_keeps_its_short_last_word_with_the_one_before():
    assert balance("Fin a la guerra de Corea. Paz ya.") == "Fin a la guerra de Corea. Paz\u00a0ya."
    assert balance("End the Korean War") == "End the Korean\u00a0War"
    assert balance("End the extraordinarily") == "End the extraordinarily"  # long last word
    assert balance('<span class="w">평화를</span> <span class="w">위한</span> '
                   '<span class="w">두</span>').count("\u00a0") == 1


@pytest.mark.slow
def test_no_straight_quote_is_printed(fixture_kit):
    for material in PRINTED:
        text = texts(fixture_kit / f"en/{material}-screen.pdf")
        assert "'" not in text and '"' not in text, material
    # The fixture copy has straight quotes; they print curled.
    assert "\u2019" in texts(fixture_kit / "en/trifold-screen.pdf")  # It's
    assert "\u201c" in texts(fixture_kit / "en/trifold-screen.pdf")  # "Pass this on"


@pytest.mark.slow
def test_printed_addresses_break_only_after_a_slash(fixture_kit):
    for material in PRINTED:
        for profile in ("home", "shop", "screen"):
            text = texts(fixture_kit / f"en/{material}-{profile}.pdf")
            if "representatives/" not in text:
                continue
            # Broken, if at all, after "/": the hyphenated last part stays on one line.
            assert "find-your-representative" in text, (material, profile)


@pytest.mark.slow
def test_korean_template_words_are_never_split(fixture_kit):
    import tomllib

    strings = tomllib.loads((Path(__file__).parent / "fixtures/campaign/content/ko/"
                             "strings.toml").read_text(encoding="utf-8"))
    for material, profile, captions in (("callscript", "home", "_caption"),
                                        ("palmcard", "screen", "_tap")):
        printed = set(texts(fixture_kit / f"ko/{material}-{profile}.pdf").split())
        # The call script prints each short address straight under its code, with no "or".
        keys = ("petition" + captions, "representatives" + captions) + \
            (("or_visit",) if material == "palmcard" else ())
        for key in keys:
            for word in strings[key].split():
                assert word in printed, (material, key, word)


@pytest.mark.slow
def test_headlines_and_units_hold_together_in_a_narrow_column(campaign, tmp_path):
    card = campaign / "content/en/palmcard.md"
    card.write_text(card.read_text(encoding="utf-8").replace(
        'title: "', 'title: "Fin a la guerra de Corea. Paz ya. ').replace(
        "::: back", "Some 28,500 troops of EE. UU. remain; $13.4 billion was spent; "
        "EE. UU. y Corea. 16 miles from the border.\n\n::: back"), encoding="utf-8")
    code, output = build(campaign, tmp_path / "out", "-l", "en", "-m", "palmcard", "-p", "screen")
    assert code == 0, output
    lines = [line.strip() for line in texts(tmp_path / "out/en/palmcard-screen.pdf").splitlines()]
    text = "\n".join(lines)
    assert not re.search(r"EE\.\n", text), text
    assert not re.search(r"\d\n[^\W\d_]", text), text  # a number and its unit
    headline = [line for line in lines if line]
    assert all(len(line.split()) > 1 or len(line) > 7 for line in headline[:8]), headline[:8]


@pytest.mark.slow
def test_a_korean_word_too_long_for_any_line_is_named_as_written(campaign, tmp_path):
    flyer = campaign / "content/ko/flyer.md"
    word = "평화협정체결촉구결의안" * 6  # one word: Korean lines break only at spaces
    text = flyer.read_text(encoding="utf-8")
    end = text.index("---", 3) + 3
    flyer.write_text(text[:end] + f"\n\n{word} 끝.\n" + text[end:], encoding="utf-8")
    code, output = build(campaign, tmp_path / "out", "-l", "ko", "-m", "flyer", "-p", "home")
    assert code == 1 and "Traceback" not in output
    assert f"the word '{word}' in the flyer is wider than its line" in output
    assert "\u2060" not in output  # the joiners that keep it whole are not shown


@pytest.mark.slow
@pytest.mark.parametrize("material", list(PRINTED))
def test_shop_text_is_solid_black_and_small_text_is_never_a_tint(fixture_kit, material):
    fills = text_fills(fixture_kit / f"en/{material}-shop.pdf")
    # The body size is the one most glyphs are set in (two bytes a glyph); a list bullet,
    # a run of a glyph or two in the accent colour, is an ornament, not body text.
    weights: dict[float, int] = {}
    for size, _, text in fills:
        weights[size] = weights.get(size, 0) + len(text)
    body = max(weights, key=weights.__getitem__)
    body_fills = {fill for size, fill, text in fills if size == body and len(text) > 4}
    # Black on paper; white only reversed out of a solid block (the sheet's table header).
    assert SOLID_BLACK in body_fills and body_fills <= {SOLID_BLACK, (0.0, 0.0, 0.0, 0.0)}, \
        (body, body_fills)
    for size, fill, text in fills:
        if size < 8:
            # One ink at 100% (or white paper showing through a solid block): no screen.
            assert sorted(fill) in ([0, 0, 0, 1], [0, 0, 0, 0]), (size, fill, text)


def test_text_ink_must_be_one_solid_ink(campaign):
    from conftest import run

    settings = campaign / "campaign.toml"
    settings.write_text(settings.read_text().replace("cmyk = [0, 0, 0, 100]",
                                                     "cmyk = [0, 0, 0, 95]"))
    code, output = run("check", "--project", str(campaign))
    assert code == 1
    assert re.search(r"campaign\.toml:\d+: .*ink.*one solid ink", output), output
