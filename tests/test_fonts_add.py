"""``fonts add``: a translator gives the campaign a font for a script the theme does not carry
(here Ethiopic, for Amharic), with its licence, embedding rights and the language's letters
checked; new-locale then uses it. The font is a fixture: an OFL subset of Noto Sans Ethiopic
(tests/fixtures/fonts, its licence beside it)."""

from __future__ import annotations

import shutil

import pikepdf
import pytest
from fontTools.ttLib import TTFont, newTable

from conftest import FIXTURES, build, run
from pdfinspect import text_lines

ETHIOPIC = FIXTURES / "fonts" / "NotoSansEthiopic-Regular.subset.ttf"
TITLE = "ሰላም ለኮሪያ ልሳነ ምድር"


@pytest.fixture
def campaign(campaign):
    """The fixture campaign without its link to the theme's assets: its own folder, as a
    campaign made by init has (fonts add writes there)."""
    (campaign / "assets").unlink()
    return campaign


def add(campaign, font, code="am", *extra):
    return run("fonts", "add", str(font), "--locale", code, "--project", str(campaign), *extra)


def changed_copy(tmp_path, change) -> object:
    """A copy of the fixture font with ``change(font)`` applied."""
    font = TTFont(ETHIOPIC)
    change(font)
    path = tmp_path / "Changed-Regular.ttf"
    font.save(path)
    return path


@pytest.mark.slow
def test_a_font_added_for_a_language_prints_it(campaign, tmp_path):
    code, output = run("new-locale", "am", "--project", str(campaign))
    assert code == 2 and "fonts add FILE --locale am" in output, output  # says how
    code, output = add(campaign, ETHIOPIC)
    assert code == 0 and "added 'Noto Sans Ethiopic' 400 normal (OFL-1.1)" in output, output
    assert "no bold face yet" in output and "new-locale am" in output, output
    assert (campaign / "assets/fonts" / ETHIOPIC.name).read_bytes() == ETHIOPIC.read_bytes()
    registry = (campaign / "assets/fonts/fonts.toml").read_text("utf-8")
    assert 'family = "Noto Sans Ethiopic"' in registry and 'family = "Inter"' in registry

    code, output = run("new-locale", "am", "--project", str(campaign))
    assert code == 0, output
    settings = (campaign / "content/am/locale.toml").read_text("utf-8")
    assert 'text = ["Noto Sans Ethiopic", "Noto Serif"]' in settings, settings
    flyer = campaign / "content/am/flyer.md"
    text = flyer.read_text("utf-8")
    flyer.write_text(text.replace(text.split("title: ")[1].split("\n")[0], f'"{TITLE}"'),
                     "utf-8")
    assert run("mark-translated", "am", "flyer", "--project", str(campaign))[0] == 0
    code, output = build(campaign, tmp_path / "out", "-l", "am", "-m", "flyer", "-p", "shop")
    assert code == 0 and "no bundled font" not in output, output
    pdf = tmp_path / "out/am/flyer-shop.pdf"
    # The headline's one line (drawn as one; extraction may cut it where a glyph run ends).
    headline = "".join(line.text for line in text_lines(pdf, 0) if line.size > 20)
    assert TITLE in headline.replace("\u00a0", " "), headline
    with pikepdf.open(pdf) as document:
        names = {str(font.get("/BaseFont")) for font in document.objects
                 if isinstance(font, pikepdf.Dictionary) and font.get("/Type") == "/Font"}
    assert any("Noto-Sans-Ethiopic" in name for name in names), names


def test_a_font_is_set_first_in_a_language_folder_that_exists(campaign):
    folder = campaign / "content/am"
    folder.mkdir()
    (folder / "locale.toml").write_text('# mine\nname = "አማርኛ"\npaper = "a4"\n', "utf-8")
    code, output = add(campaign, ETHIOPIC)
    assert code == 0 and "set content/am/locale.toml to use it first" in output, output
    settings = (folder / "locale.toml").read_text("utf-8")
    assert settings.startswith("# mine\n") and 'paper = "a4"' in settings  # kept as written
    assert 'headline = ["Noto Sans Ethiopic", "Inter"]' in settings, settings
    code, output = run("check", "--project", str(campaign), "-l", "am", "-m", "flyer")
    assert "no bundled font" not in output and "Traceback" not in output, output


def test_a_font_that_lacks_the_language_s_letters_is_refused(campaign):
    code, output = add(campaign, ETHIOPIC, "ja")
    assert code == 2 and "'Noto Sans Ethiopic' cannot draw" in output, output
    assert "letters Japanese is written with (CLDR's exemplar characters)" in output, output
    assert not (campaign / "assets/fonts").exists()  # nothing written


def test_a_font_without_a_licence_it_states_needs_one_said(campaign, tmp_path):
    def unlicensed(font):
        font["name"].names = [n for n in font["name"].names if n.nameID not in (13, 14)]

    font = changed_copy(tmp_path, unlicensed)
    code, output = add(campaign, font)
    assert code == 2 and "licence fields (name IDs 13 and 14) are empty" in output, output
    assert "--licence" in output and not (campaign / "assets/fonts").exists()
    code, output = add(campaign, font, "am", "--licence", "OFL-1.1")
    assert code == 0 and "(OFL-1.1)" in output, output
    code, output = add(campaign, font, "am", "--licence", "Proprietary")
    assert code == 2 and "Invalid value for '--licence'" in output, output


@pytest.mark.parametrize(("change", "reason"), [
    (lambda font: setattr(font["OS/2"], "fsType", 0x0002), "does not allow it to be embedded"),
    (lambda font: setattr(font["OS/2"], "fsType", 0x0100), "does not allow it to be subset"),
    (lambda font: font.__setitem__("fvar", _axis()), "this is a variable font"),
    (lambda font: font["name"].setName("Ethiopic; }", 1, 3, 1, 0x409), "may not hold"),
])
def test_a_font_a_kit_cannot_carry_is_refused_with_the_reason(campaign, tmp_path, change,
                                                              reason):
    code, output = add(campaign, changed_copy(tmp_path, change))
    assert code == 2 and reason in output and "Traceback" not in output, output
    assert not (campaign / "assets/fonts").exists()


def test_what_is_not_a_font_is_refused(campaign, tmp_path):
    fake = tmp_path / "Fake-Regular.ttf"
    fake.write_text("not a font, a text file named like one\n" * 10)
    code, output = add(campaign, fake)
    assert code == 2 and "not a TrueType or OpenType font file" in output, output
    assert not (campaign / "assets/fonts").exists()


def test_the_same_face_twice_is_refused_and_another_file_is_never_overwritten(campaign,
                                                                               tmp_path):
    assert add(campaign, ETHIOPIC)[0] == 0
    code, output = add(campaign, ETHIOPIC)
    assert code == 2 and "already in assets/fonts/fonts.toml" in output, output
    other = tmp_path / ETHIOPIC.name
    shutil.copy(ETHIOPIC, other)
    font = TTFont(other)
    font["OS/2"].usWeightClass = 700
    font.save(other)
    code, output = add(campaign, other)
    assert code == 2 and "already exists and is another file" in output, output


def test_a_link_out_of_the_campaign_is_never_written_through(campaign, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "fonts").mkdir(parents=True)
    (campaign / "assets").symlink_to(elsewhere)
    code, output = add(campaign, ETHIOPIC)
    assert code == 2 and "assets is a link to somewhere outside the campaign" in output, output
    assert not list((elsewhere / "fonts").iterdir())


def _axis():
    from fontTools.ttLib.tables._f_v_a_r import Axis

    table = newTable("fvar")
    axis = Axis()
    axis.axisTag, axis.minValue, axis.defaultValue, axis.maxValue = "wght", 100, 400, 900
    axis.axisNameID = 256
    table.axes, table.instances = [axis], []
    return table
