"""Hostile or broken input ends in a clear message naming the file, never a traceback."""

from __future__ import annotations

import os

import pytest

from pamphleteer.content import parse_file
from pamphleteer.errors import ContentError
from pamphleteer.project import load_project
from pamphleteer.translation import TRANSLATED, UNTRANSLATED, file_status

from conftest import run


def build(project, out, *args):
    return run("build", "--project", str(project), "--out", str(out), *args)


@pytest.mark.slow
def test_shop_pdfs_are_byte_identical_across_builds(project, tmp_path):
    for out in ("a", "b"):
        code, output = build(project, tmp_path / out, "-l", "en", "-m", "flyer", "-p", "shop")
        assert code == 0, output
    first = (tmp_path / "a/en/flyer-shop.pdf").read_bytes()
    assert first == (tmp_path / "b/en/flyer-shop.pdf").read_bytes()


@pytest.mark.parametrize("front_matter, message", [
    ('[a, b]: "x"\ntitle: "t"\ncta: "c"', "plain words"),
    ('title: 2024-13-45\ncta: "c"', None),
    ('title: !foo "x"\ncta: "c"', None),
    ('title: "t"\ncta: null', "needs 'cta'"),
])
def test_odd_front_matter(tmp_path, front_matter, message):
    path = tmp_path / "flyer.md"
    path.write_text(f"---\n{front_matter}\n---\nBody\n")
    if message is None:
        meta = parse_file(path)[0]
        assert isinstance(meta["title"], str) and meta["title"] in ("2024-13-45", "x")
    else:
        with pytest.raises(ContentError, match=message):
            parse_file(path)


@pytest.mark.slow
def test_unreadable_files_are_content_errors(project, tmp_path):
    flyer = project / "content/de/flyer.md"
    flyer.write_bytes(flyer.read_text().encode("utf-16"))
    strings = project / "content/ko/strings.toml"
    strings.unlink()
    strings.mkdir()
    code, output = run("check", "--project", str(project))
    assert code == 1, output
    assert "content/de/flyer.md: not UTF-8 text" in output.replace("\\", "/")
    assert "content/ko/strings.toml: cannot read this file" in output.replace("\\", "/")
    code, output = run("status", "--project", str(project))
    assert code == 0 and "unreadable" in output
    code, output = build(project, tmp_path / "out", "-l", "de", "-m", "flyer", "-p", "home")
    assert code == 1 and "not UTF-8" in output


def test_missing_template_word_in_the_source_strings(project, tmp_path):
    strings = project / "content/en/strings.toml"
    strings.write_text("\n".join(line for line in strings.read_text().splitlines()
                                 if not line.startswith("print_single")))
    code, output = build(project, tmp_path / "out", "-l", "en", "-m", "handbill", "-p", "home")
    assert code == 1
    assert "content/en/strings.toml: missing key 'print_single'" in output.replace("\\", "/")


@pytest.mark.parametrize("hostile, message", [
    (">" * 1500 + " deep", "nested more than"),  # exhausts the renderer's recursion
    ("<a " * 2000, "too many '[' or '<'"),  # quadratic in Python-Markdown
])
def test_hostile_markdown_is_refused_with_a_line(project, tmp_path, hostile, message):
    flyer = project / "content/en/flyer.md"
    flyer.write_text(flyer.read_text() + "\n" + hostile + "\n")
    code, output = build(project, tmp_path / "out", "-l", "en", "-m", "flyer", "-p", "home")
    assert code == 1 and message in output
    assert "content/en/flyer.md:" in output.replace("\\", "/")


def test_content_symlinked_out_of_the_project_is_refused(project, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text('---\ntitle: "SECRET"\ncta: "x"\n---\nsecret text\n')
    flyer = project / "content/de/flyer.md"
    flyer.unlink()
    os.symlink(secret, flyer)
    code, output = build(project, tmp_path / "out", "-l", "de", "-m", "flyer", "-p", "screen")
    assert code == 1 and "outside the project" in output
    assert not (tmp_path / "out/de/flyer-screen.pdf").exists()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    os.symlink(outside, project / "content/zz")
    code, output = run("check", "--project", str(project), "-l", "zz")
    assert code == 1 and "outside the project" in output


@pytest.mark.slow
def test_text_in_a_frame_that_starts_without_a_block_is_fine(project, tmp_path):
    palm = project / "content/en/palmcard.md"
    palm.write_text(palm.read_text().replace("::: back\n", "::: back\n    Indented first line.\n"))
    code, output = build(project, tmp_path / "out", "-l", "en", "-m", "palmcard", "-p", "home")
    assert code == 0, output


def test_new_locale_from_another_translation_leaves_it_translated(project):
    code, output = run("new-locale", "pt", "--from", "de", "--project", str(project))
    assert code == 0, output
    loaded = load_project(project)
    assert file_status(loaded, "de", "flyer").state == TRANSLATED
    assert file_status(loaded, "pt", "flyer").state == UNTRANSLATED
    flyer = project / "content/pt/flyer.md"
    flyer.write_text(flyer.read_text().replace("Macht den Frieden offiziell",
                                               "Tornem a paz oficial"))
    assert file_status(load_project(project), "pt", "flyer").state == TRANSLATED


@pytest.mark.slow
def test_duplicate_options_build_each_pdf_once(project, tmp_path):
    code, output = run("build", "--project", str(project), "--out", f"{tmp_path}/out", "-l", "en",
                       "-l", "en", "-m", "flyer", "-p", "home")
    assert code == 0 and output.count("wrote ") == 1


def test_strict_project_warnings_write_nothing(project, tmp_path):
    (project / "content/vi").mkdir()
    (project / "content/vi/strings.toml").write_text('name = "Tên"\n')
    code, output = build(project, tmp_path / "out", "-l", "en", "-m", "flyer", "-p", "home",
                         "--strict")
    assert code == 1 and "no locale.toml" in output
    assert not (tmp_path / "out/en").exists()
