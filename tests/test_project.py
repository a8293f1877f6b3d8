"""Campaign settings: every mistake names campaign.toml, the key and its line."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from pamphleteer.errors import ConfigError
from pamphleteer.project import load_project

from conftest import edit, line_number, run


def test_fixture_settings_load(project):
    project = load_project(project)
    assert project.slug == "fixture-peace"
    assert project.links["representatives"] == (
        "https://example.org/representatives/find-your-representative")
    assert set(project.locales) == {"en", "de", "ko"}
    assert project.locales["en"].paper == "letter" and project.locales["ko"].keep_words
    assert project.locales["de"].paper == "a4"
    assert project.source_locale == "en"
    assert project.edition == dt.date(2026, 11, 28)


def test_unknown_key_names_file_key_and_line(project):
    edit(project, 'slug = "fixture-peace"', 'slug = "fixture-peace"\ncolour = "red"')
    with pytest.raises(ConfigError) as info:
        load_project(project)
    message = info.value.format_message()
    assert "campaign.toml:" in message and "campaign.colour" in message
    assert info.value.line == line_number(project, "colour =")
    assert "unknown setting" in message


def test_wrong_type_is_an_error(project):
    edit(project, 'slug = "fixture-peace"', "slug = 7")
    with pytest.raises(ConfigError) as info:
        load_project(project)
    assert "campaign.slug: must be a string, not int" in info.value.format_message()
    assert info.value.line == line_number(project, "slug = 7")


def test_link_that_is_not_https_is_an_error(project):
    edit(project, 'petition = "https://', 'petition = "http://')
    with pytest.raises(ConfigError) as info:
        load_project(project)
    assert "links.petition" in info.value.message and "https://" in info.value.message
    assert info.value.line == line_number(project, "petition = ")


def test_missing_required_setting(project):
    edit(project, 'imprint = "', '# imprint = "')
    with pytest.raises(ConfigError, match="missing required setting 'imprint'"):
        load_project(project)


def test_toml_syntax_error_has_a_line(project):
    edit(project, 'name = "Fixture Peace Campaign"', 'name = "Fixture Peace Campaign')
    with pytest.raises(ConfigError) as info:
        load_project(project)
    assert info.value.line == line_number(project, 'name = "Fixture Peace Campaign')
    assert "invalid TOML" in info.value.message


def test_unknown_font_family_is_named(project):
    edit(project, 'text = ["Noto Serif"]', 'text = ["Comic Sans"]')
    with pytest.raises(ConfigError, match=r"'Comic Sans' is not in assets/fonts/fonts\.toml"):
        load_project(project)


def test_a_right_to_left_locale_is_read_and_a_wrong_direction_refused(project):
    folder = project / "content" / "ar"
    folder.mkdir()
    (folder / "locale.toml").write_text('name = "العربية"\npaper = "a4"\ndirection = "rtl"\n')
    assert load_project(project).locales["ar"].direction == "rtl"
    (folder / "locale.toml").write_text('name = "العربية"\npaper = "a4"\ndirection = "rl"\n')
    error = load_project(project).broken["ar"]  # left out: the other locales still build
    assert isinstance(error, ConfigError) and "must be 'ltr' or 'rtl'" in error.message
    assert error.file == folder / "locale.toml" and error.line == 3


def test_old_locales_table_points_to_the_locale_folders(project):
    path = project / "campaign.toml"
    path.write_text(path.read_text() + '\n[locales.en]\nname = "English"\n')
    with pytest.raises(ConfigError, match=r"content/xx/locale\.toml"):
        load_project(project)


def test_a_folder_without_locale_toml_is_a_locale_with_defaults(project):
    (project / "content" / "vi").mkdir()
    loaded = load_project(project)
    assert loaded.locales["vi"].name == "Tiếng Việt" and loaded.locales["vi"].paper == "letter"
    assert any("no locale.toml" in str(note) for note in loaded.notes)


def test_cli_reports_config_error_without_traceback(project):
    edit(project, 'slug = "fixture-peace"', 'slug = "Fixture Peace"')
    code, output = run("build", "--project", str(project))
    assert code == 1
    assert "campaign.toml:" in output and "campaign.slug" in output
    assert "Traceback" not in output


def test_missing_campaign_file_is_explained(tmp_path):
    code, output = run("build", "--project", str(tmp_path))
    assert code == 1 and "no campaign.toml here" in output


def test_a_font_entry_error_names_that_entry_s_line(project):
    """A campaign's own fonts.toml (overriding the theme's): the third [[font]] is named."""
    from pamphleteer.theme import theme_root

    text = (theme_root() / "assets/fonts/fonts.toml").read_text("utf-8")
    headers = [n for n, line in enumerate(text.splitlines(), 1) if line.startswith("[[font]]")]
    entries = text.split("[[font]]")
    entries[3] = re.sub(r'style = "\w+"', 'style = "oblique"', entries[3], count=1)
    assert 'style = "oblique"' in entries[3]
    fonts = project / "assets/fonts"
    if fonts.parent.is_symlink():
        fonts.parent.unlink()
    fonts.mkdir(parents=True)
    (fonts / "fonts.toml").write_text("[[font]]".join(entries), "utf-8")
    with pytest.raises(ConfigError, match=r"font #3: style must be 'normal' or 'italic'") as info:
        load_project(project)
    assert info.value.line == headers[2]
    assert info.value.file == fonts / "fonts.toml"
