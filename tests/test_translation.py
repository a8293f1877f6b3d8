"""Translators' workflow: copy, translate, build; status, fallbacks and glyph coverage."""

from __future__ import annotations

import json

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

from conftest import ROOT, run
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
    """The Korean and Spanish home kits, built once."""
    out = tmp_path_factory.mktemp("translated")
    code, output = run("build", "--project", str(ROOT), "--out", str(out), "-l", "ko", "-l", "es",
                       "-p", "home", "-j", "2", "--strict")
    assert code == 0, output
    return out


@pytest.mark.slow
def test_korean_and_spanish_kits_use_their_own_content(translated_kits):
    manifest = json.loads((translated_kits / "manifest.json").read_text())
    entries = manifest["outputs"]
    assert {(e["locale"], e["material"]) for e in entries} == {
        (locale, material) for locale in ("ko", "es") for material in MATERIALS}
    assert all(e["content_locale"] == e["locale"] and not e["warnings"] for e in entries)
    spanish = " ".join(" ".join(page_texts(translated_kits / "es/flyer-home.pdf")).split())
    assert "Fin a la guerra de Corea" in spanish and "Escanee" in spanish
    korean = " ".join(page_texts(translated_kits / "ko/booklet-home.pdf"))
    assert "평화" in korean


def test_demo_translations_are_up_to_date():
    code, output = run("status", "--project", str(ROOT), "--strict")
    assert code == 0, output
    assert "every translation is up to date" in output


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
    code, output = run("build", "--project", str(project), "--out", str(tmp_path), "-l", "vi",
                       "-m", "flyer", "-m", "handbill", "-p", "home")
    assert code == 0, output
    assert "handbill.md: not translated yet" in output
    text = " ".join(" ".join(page_texts(tmp_path / "vi/flyer-home.pdf")).split())
    assert "Chấm dứt Chiến tranh Triều Tiên" in text and "hòa bình" in text
    entries = {e["material"]: e for e in json.loads((tmp_path / "manifest.json").read_text())
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
    assert file_status(loaded, "es", "flyer").state == OUTDATED
    assert file_status(loaded, "es", "handbill").state == TRANSLATED
    code, output = run("status", "--project", str(project))
    assert code == 0 and "outdated" in output
    code, output = run("check", "--project", str(project), "--strict", "-l", "ko", "-m", "flyer")
    assert code == 1 and "content/ko/flyer.md: outdated" in output.replace("\\", "/")
    code, output = run("mark-translated", "ko", "flyer", "--project", str(project))
    assert code == 0, output
    assert file_status(load_project(project), "ko", "flyer").state == TRANSLATED


def test_missing_file_status(project):
    (project / "content" / "es" / "poster.md").unlink()
    assert file_status(load_project(project), "es", "poster").state == MISSING


def test_text_no_bundled_font_covers_is_refused(project, tmp_path):
    flyer = project / "content" / "es" / "flyer.md"
    lines = flyer.read_text().splitlines()
    lines[8] += " नमस्ते"
    flyer.write_text("\n".join(lines) + "\n")
    for strict in ([], ["--strict"]):
        code, output = run("build", "--project", str(project), "--out", str(tmp_path), "-l", "es",
                           "-m", "flyer", "-p", "home", *strict)
        assert code == 1
        assert "content/es/flyer.md:9" in output.replace("\\", "/")
        assert "U+0928 DEVANAGARI LETTER NA" in output
    assert not (tmp_path / "es/flyer-home.pdf").exists()
    code, output = run("check", "--project", str(project), "-l", "es", "-m", "flyer")
    assert code == 1 and "DEVANAGARI" in output


def test_check_reports_content_errors_with_file_and_line(project):
    palm = project / "content" / "ko" / "palmcard.md"
    palm.write_text(palm.read_text().replace("::: back", "::: reverse"))
    code, output = run("check", "--project", str(project), "-l", "ko", "-m", "palmcard")
    assert code == 1
    assert "content/ko/palmcard.md:" in output.replace("\\", "/")
    assert "unknown part 'reverse'" in output
    assert "Traceback" not in output


@pytest.mark.slow
def test_check_passes_on_the_demo():
    code, output = run("check", "--project", str(ROOT), "--strict")
    assert code == 0, output


def test_new_locale_refuses_an_existing_folder_and_bad_codes(project):
    code, output = run("new-locale", "ko", "--project", str(project))
    assert code == 1 and "already exists" in output
    code, output = run("new-locale", "Klingon", "--project", str(project))
    assert code == 1 and "not a language code" in output
