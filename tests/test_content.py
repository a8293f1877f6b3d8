"""Content files: front matter and parts, with errors that name the file and line."""

from __future__ import annotations

import pytest

from pamphleteer.content import load_document, load_strings, split_parts
from pamphleteer.errors import ContentError
from pamphleteer.materials import MATERIALS, Material
from pamphleteer.project import load_project

from conftest import run

FLYER = MATERIALS["flyer"]


def write_flyer(project, text: str):
    path = project / "content" / "en" / "flyer.md"
    path.write_text(text)
    return path


def load(project):
    return load_document(load_project(project), "en", FLYER, [])


def test_demo_flyer_front_matter():
    doc = load_document(load_project("."), "ko", FLYER, [])
    assert doc.meta["title"] and doc.meta["cta"]
    assert doc.content_locale == "ko"
    assert "##" in doc.parts["body"].markdown


def test_yaml_error_names_file_and_line(project):
    write_flyer(project, '---\ntitle: "Peace"\ncta: "Sign: now" extra\n---\nBody\n')
    with pytest.raises(ContentError) as info:
        load(project)
    assert info.value.file.name == "flyer.md" and info.value.line == 3
    assert "not valid YAML" in info.value.message


def test_unknown_front_matter_key_names_its_line(project):
    write_flyer(project, '---\ntitle: "Peace"\ncta: "Sign"\nheadline: "x"\n---\nBody\n')
    with pytest.raises(ContentError) as info:
        load(project)
    assert info.value.line == 4 and "unknown front matter key 'headline'" in info.value.message


def test_missing_title_and_unclosed_front_matter(project):
    write_flyer(project, '---\ncta: "Sign"\n---\nBody\n')
    with pytest.raises(ContentError, match="needs 'title'"):
        load(project)
    write_flyer(project, '---\ntitle: "x"\ncta: "Sign"\nBody\n')
    with pytest.raises(ContentError, match="not closed"):
        load(project)
    write_flyer(project, "Just text\n")
    with pytest.raises(ContentError, match="must start with front matter"):
        load(project)


def test_non_text_value_is_refused(project):
    write_flyer(project, '---\ntitle: ["a", "b"]\ncta: "Sign"\n---\nBody\n')
    with pytest.raises(ContentError, match="'title' must be text") as info:
        load(project)
    assert info.value.line == 2


def test_parts_split_at_marker_lines():
    card = Material(name="card", description="", trim={}, pages=2, imposition="cards",
                    parts=("front", "back"))
    body = "\n::: front\nHello\n\n::: back\nBye\n"
    parts = split_parts(body, 10, card, None)
    assert parts["front"].markdown.strip() == "Hello" and parts["front"].line == 12
    assert parts["back"].markdown.strip() == "Bye" and parts["back"].line == 15
    with pytest.raises(ContentError, match="unknown part 'side'") as info:
        split_parts("::: front\nx\n::: side\ny\n", 5, card, None)
    assert info.value.line == 7
    with pytest.raises(ContentError, match="missing part"):
        split_parts("::: front\nx\n", 5, card, None)
    with pytest.raises(ContentError, match="text before the first part"):
        split_parts("intro\n::: front\nx\n::: back\ny", 5, card, None)


def test_strings_fall_back_to_the_source_with_a_warning(project):
    path = project / "content" / "ko" / "strings.toml"
    path.write_text("\n".join(line for line in path.read_text().splitlines()
                              if not line.startswith("petition_caption")) + '\nbogus = "x"\n')
    warnings = []
    strings = load_strings(load_project(project), "ko", warnings)
    assert strings["petition_caption"] == "Scan to sign the petition"
    messages = [str(w) for w in warnings]
    assert any("missing key 'petition_caption'" in m and "strings.toml" in m for m in messages)
    assert any("unknown key 'bogus'" in m for m in messages)


def test_build_reports_front_matter_error_with_exit_1(project):
    write_flyer(project, '---\ntitle: "Peace\ncta: "Sign"\n---\nBody\n')
    code, output = run("build", "--project", str(project), "-l", "en", "-m", "flyer")
    assert code == 1
    assert "content/en/flyer.md:" in output.replace("\\", "/")
    assert "Traceback" not in output
