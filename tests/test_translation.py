"""Translators' workflow: copy, translate, build; status, fallbacks and glyph coverage."""

from __future__ import annotations

import json
import re

import pytest

from pamphleteer.materials import MATERIALS
from pamphleteer.project import load_project
from pamphleteer.translation import (
    MISSING,
    OUTDATED,
    TRANSLATED,
    UNTRANSLATED,
    file_status,
    status_table,
)

from conftest import build, fixture_campaign, run
from pdfinspect import page_texts

VI_FLYER = """---
kicker: "Ngừng bắn từ năm 1953. Chưa bao giờ có hòa bình."
title: "Chấm dứt Chiến tranh Triều Tiên"
lede: "Đã {years_since:1953-07-27} năm ngừng bắn, nhưng chưa ai ký một hiệp định hòa bình."
cta: "Hai bước vì hòa bình: ký tên, rồi gọi điện"
---

## Ngừng bắn không phải là hòa bình

Chiến tranh Triều Tiên bắt đầu năm 1950. Hiệp định đình chiến ngày 27 tháng 7 năm 1953 đã
chấm dứt giao tranh, nhưng chưa có hiệp định hòa bình nào được ký kết.

## Hãy lên tiếng

Ký vào bản kiến nghị, rồi gọi cho dân biểu của quý vị.
"""


@pytest.fixture(scope="session")
def translated_kits(tmp_path_factory):
    """The fixture campaign's German and Korean flyers (their own translations), built once."""
    root = tmp_path_factory.mktemp("translated")
    out = root / "dist"
    code, output = run("build", "--project", str(fixture_campaign("campaign", root)), "--out",
                       str(out), "-l", "ko", "-l", "de", "-m", "flyer", "-p", "home", "-j", "2",
                       "--strict")
    assert code == 0, output
    return out


@pytest.mark.slow
def test_korean_and_german_kits_use_their_own_content(translated_kits):
    manifest = json.loads((translated_kits / "manifest.json").read_text())
    entries = manifest["outputs"]
    assert {(e["locale"], e["material"]) for e in entries} == {("ko", "flyer"), ("de", "flyer")}
    assert all(e["content_locale"] == e["locale"] and not e["warnings"] for e in entries)
    assert all(e["translation"] == "translated" for e in entries)
    german = " ".join(" ".join(page_texts(translated_kits / "de/flyer-home.pdf")).split())
    assert "Macht den Frieden offiziell" in german and "Scannen" in german
    korean = " ".join(page_texts(translated_kits / "ko/flyer-home.pdf"))
    assert "평화" in korean


@pytest.mark.slow
def test_new_locale_then_translate_only_the_flyer(project, tmp_path):
    code, output = run("new-locale", "vi", "--project", str(project))
    assert code == 0, output
    assert "Next steps" in output and "content/vi/" in output
    folder = project / "content" / "vi"
    assert {p.name for p in folder.iterdir()} >= {f"{m}.md" for m in MATERIALS} | {
        "strings.toml", "locale.toml"}
    loaded = load_project(project)
    assert loaded.locales["vi"].name == "Tiếng Việt"
    assert {s.state for s in status_table(loaded) if s.locale == "vi"} == {UNTRANSLATED}

    # The translator's whole workflow: replace the copied text with a translation, build.
    scaffold = (folder / "flyer.md").read_text()
    fingerprint_line = next(line for line in scaffold.splitlines()
                            if line.startswith("translation_of:"))
    (folder / "flyer.md").write_text(VI_FLYER.replace("---\n\n", f"{fingerprint_line}\n---\n\n", 1))
    (folder / "handbill.md").unlink()
    assert file_status(load_project(project), "vi", "flyer").state == TRANSLATED
    code, output = run("build", "--project", str(project), "--out", f"{tmp_path}/out", "-l", "vi",
                       "-m", "flyer", "-m", "handbill", "-p", "home")
    assert code == 0, output
    assert "handbill.md: not translated yet" in output
    text = " ".join(" ".join(page_texts(tmp_path / "out/vi/flyer-home.pdf")).split())
    assert "Chấm dứt Chiến tranh Triều Tiên" in text and "hòa bình" in text
    entries = {e["material"]: e for e in json.loads((tmp_path / "out/manifest.json").read_text())
               ["outputs"]}
    assert entries["flyer"]["content_locale"] == "vi"
    assert entries["handbill"]["content_locale"] == "en" and entries["handbill"]["warnings"]

    code, output = run("status", "--project", str(project), "--strict")
    assert code == 1
    assert "untranslated" in output and "missing" in output
    code, output = run("build", "--project", str(project), "--out", str(tmp_path / "s"),
                       "-l", "vi", "-m", "handbill", "-p", "home", "--strict")
    assert code == 1 and "not translated yet" in output


@pytest.mark.slow
def test_editing_the_source_makes_translations_outdated(project):
    flyer = project / "content" / "en" / "flyer.md"
    flyer.write_text(flyer.read_text().replace("The Korean War began", "The war began"))
    loaded = load_project(project)
    assert file_status(loaded, "ko", "flyer").state == OUTDATED
    assert file_status(loaded, "de", "flyer").state == OUTDATED
    assert file_status(loaded, "de", "trifold").state == TRANSLATED
    code, output = run("status", "--project", str(project))
    assert code == 0 and "outdated" in output
    code, output = run("check", "--project", str(project), "--strict", "-l", "ko", "-m", "flyer")
    assert code == 1 and "content/ko/flyer.md: outdated" in output.replace("\\", "/")
    code, output = run("mark-translated", "ko", "flyer", "--project", str(project))
    assert code == 0, output
    assert file_status(load_project(project), "ko", "flyer").state == TRANSLATED


def test_missing_file_status(project):
    (project / "content" / "de" / "booklet.md").unlink()
    assert file_status(load_project(project), "de", "booklet").state == MISSING


def test_text_no_bundled_font_covers_is_refused(project, tmp_path):
    flyer = project / "content" / "de" / "flyer.md"
    lines = flyer.read_text().splitlines()
    lines[8] += " नमस्ते"
    flyer.write_text("\n".join(lines) + "\n")
    for strict in ([], ["--strict"]):
        code, output = run("build", "--project", str(project), "--out", f"{tmp_path}/out",
                           "-l", "de", "-m", "flyer", "-p", "home", *strict)
        assert code == 1
        assert "content/de/flyer.md:9" in output.replace("\\", "/")
        assert "U+0928 DEVANAGARI LETTER NA" in output
    assert not (tmp_path / "out/de/flyer-home.pdf").exists()
    code, output = run("check", "--project", str(project), "-l", "de", "-m", "flyer")
    assert code == 1 and "DEVANAGARI" in output


def test_check_reports_content_errors_with_file_and_line(project):
    cards = project / "content" / "de" / "callscript.md"
    cards.write_text(cards.read_text().replace("::: back", "::: reverse"))
    code, output = run("check", "--project", str(project), "-l", "de", "-m", "callscript")
    assert code == 1
    assert "content/de/callscript.md:" in output.replace("\\", "/")
    assert "unknown part 'reverse'" in output
    assert "Traceback" not in output


def test_new_locale_refuses_an_existing_folder_and_bad_codes(campaign):
    for code_, reason in (("ko", "already exists"), ("Klingon", "not a language code"),
                          ("xx", "not a language CLDR knows"),
                          ("ka", "cannot draw ქართული"),
                          ("am", "cannot draw አማርኛ")):
        code, output = run("new-locale", code_, "--project", str(campaign))
        assert code == 2 and reason in output, (code_, output)
    assert sorted(p.name for p in (campaign / "content").iterdir()) == ["de", "en", "ko"]


def test_new_locale_takes_its_name_from_cldr_and_its_settings_from_the_base(campaign):
    code, output = run("new-locale", "zh-Hant", "--project", str(campaign))
    assert code == 0, output  # the theme's Traditional Chinese face, not the base's fonts
    settings = (campaign / "content/zh-Hant/locale.toml").read_text()
    assert 'name = "繁體中文"' in settings and 'text = ["Noto Sans TC"]' in settings, settings
    code, output = run("new-locale", "vi", "--project", str(campaign))
    assert code == 0, output
    assert 'name = "Tiếng Việt"' in (campaign / "content/vi/locale.toml").read_text()
    code, output = run("new-locale", "ko-KP", "--from", "ko", "--project", str(campaign))
    assert code == 0, output
    settings = (campaign / "content/ko-KP/locale.toml").read_text()
    assert "keep_words = true" in settings and 'text = ["Noto Sans KR"]' in settings
    code, output = run("check", "--project", str(campaign), "-l", "ko-KP", "-m", "flyer")
    assert code == 0 and "no bundled font" not in output, output  # Korean fonts came along


def test_new_locale_on_a_broken_source_leaves_nothing_behind(campaign):
    flyer = campaign / "content/en/flyer.md"
    good = flyer.read_text()
    flyer.write_text(good.replace("---\n", "---\ntitle: [unclosed\n", 1))
    code, output = run("new-locale", "vi", "--project", str(campaign))
    assert code == 1 and "flyer.md" in output and "Traceback" not in output, output
    assert not (campaign / "content/vi").exists()
    assert not [p for p in (campaign / "content").iterdir() if p.name.startswith(".")]
    flyer.write_text(good)
    code, output = run("new-locale", "vi", "--project", str(campaign))  # a rerun just works
    assert code == 0, output


def test_strings_are_tracked_like_a_material(campaign):
    assert run("new-locale", "vi", "--project", str(campaign))[0] == 0
    code, output = run("status", "--project", str(campaign))
    row = next(line for line in output.splitlines() if line.startswith("strings"))
    assert row.split()[-1] == "untranslated", output
    strings = campaign / "content/vi/strings.toml"
    strings.write_text(strings.read_text().replace('"Paid for by"', '"Chi trả bởi"'))
    code, output = run("mark-translated", "vi", "strings", "--project", str(campaign))
    assert code == 0, output
    code, output = run("status", "--project", str(campaign))
    row = next(line for line in output.splitlines() if line.startswith("strings"))
    assert row.split()[-1] == "translated", output


def test_mark_translated_refuses_a_file_it_cannot_read(campaign):
    flyer = campaign / "content/de/flyer.md"
    broken = flyer.read_text().replace("---\n", "", 2)  # no front matter fences at all
    flyer.write_text(broken)
    code, output = run("mark-translated", "de", "flyer", "--project", str(campaign))
    assert code == 1 and "de/flyer.md:1:" in output and "Traceback" not in output, output
    assert flyer.read_text() == broken  # untouched


@pytest.mark.slow
def test_an_untranslated_copy_warns_and_says_so_in_the_manifest(campaign, tmp_path):
    assert run("new-locale", "vi", "--project", str(campaign))[0] == 0
    out = tmp_path / "out"
    code, output = build(campaign, out, "-l", "vi", "-m", "flyer", "-p", "screen")
    assert code == 0, output
    assert re.search(r"warning: \S*content/vi/flyer\.md: still the untranslated copy", output)
    assert re.search(r"warning: \S*content/vi/strings\.toml: still the untranslated copy",
                     output)
    entry, = json.loads((out / "manifest.json").read_text())["outputs"]
    assert entry["translation"] == "untranslated"
    assert entry["content_locale"] == "en"  # the text is English: typeset and tagged so
    assert any("untranslated copy" in warning for warning in entry["warnings"])
    code, output = build(campaign, out, "-l", "vi", "-m", "flyer", "-p", "screen", "--strict")
    assert code == 1 and "(--strict)" in output, output


def test_every_template_word_a_translator_translates_is_printed():
    """strings.toml holds exactly the words the templates need (REQUIRED_STRINGS), so no
    translator translates a word that is never printed (such as 'page' and 'of' were)."""
    import tomllib

    from pamphleteer.content import REQUIRED_STRINGS

    from conftest import FIXTURE_EN

    words = tomllib.loads((FIXTURE_EN / "strings.toml").read_text("utf-8"))
    assert set(words) == set(REQUIRED_STRINGS)


def test_one_broken_locale_blocks_only_the_commands_that_use_it(campaign, tmp_path):
    folder = campaign / "content/ar"
    folder.mkdir()
    (folder / "locale.toml").write_text('name = "Broken"\npaper = "a5"\n')
    code, output = run("status", "--project", str(campaign))
    assert code == 0 and "content/ar/locale.toml:2: paper:" in output, output
    code, output = run("build", "--project", str(campaign), "-l", "ar")
    assert code == 1 and "content/ar/locale.toml:2: paper: 'a5'" in output, output
    assert "Traceback" not in output


@pytest.mark.slow
def test_a_broken_locale_is_a_warning_for_a_build_of_another(campaign, tmp_path):
    (campaign / "content/ar").mkdir()
    (campaign / "content/ar/locale.toml").write_text('name = "Broken"\npaper = "a5"\n')
    code, output = build(campaign, tmp_path / "out", "-l", "en", "-m", "flyer", "-p",
                         "screen", "--strict")
    assert code == 0, output
    assert "warning: " in output and "the ar kit is left out" in output
    # A build of every locale builds the others, and fails on the broken one.
    code, output = build(campaign, tmp_path / "all", "-m", "flyer", "-p", "screen")
    assert code == 1 and "the ar kit cannot be built" in output, output
    assert (tmp_path / "all/de/flyer-screen.pdf").is_file()


def test_status_strict_passes_only_when_every_translation_is_up_to_date(tmp_path):
    folder = tmp_path / "kit"
    assert run("init", str(folder))[0] == 0
    code, output = run("status", "--project", str(folder), "--strict")
    assert code == 0 and "every translation is up to date" in output, output
    assert run("new-locale", "vi", "--project", str(folder))[0] == 0
    code, output = run("status", "--project", str(folder), "--strict")
    # Every material the starter makes (the share images' copy too) and the strings.
    assert code == 1 and "11 file(s) not up to date" in output, output
