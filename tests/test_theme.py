"""A new campaign in one command: the built-in theme, overrides file by file, ``init``, the
campaign found from any folder inside it, and an installed (not editable) package."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from pamphleteer.theme import theme_root

from conftest import ROOT, run
from pdfinspect import page_texts


def test_init_makes_a_campaign_of_settings_and_english_copy(tmp_path):
    code, output = run("init", str(tmp_path / "river-city-peace"))
    assert code == 0, output
    folder = tmp_path / "river-city-peace"
    names = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert {"campaign.toml", ".gitignore", "content/en/strings.toml",
            "content/en/locale.toml", "content/en/flyer.md"} <= names
    assert not any(n.startswith(("templates/", "assets/")) for n in names)  # the theme's
    settings = (folder / "campaign.toml").read_text()
    assert 'name = "River City Peace"' in settings and 'slug = "river-city-peace"' in settings
    assert "# " in settings  # every setting is explained
    code, output = run("status", "--project", str(folder))
    assert code == 0, output
    # A folder that is not empty is left alone: a mistake on the command line.
    code, output = run("init", str(folder))
    assert code == 2 and "already exists and is not empty" in output, output


def test_commands_find_the_campaign_from_a_folder_inside_it(campaign, monkeypatch):
    monkeypatch.chdir(campaign / "content" / "de")
    code, output = run("status")
    assert code == 0, output
    assert "de" in output.splitlines()[0]  # the campaign's own locales, German among them
    monkeypatch.chdir(campaign.parent)  # no campaign.toml here or above: said plainly
    code, output = run("status")
    assert code == 1 and "no campaign.toml here" in output, output


def test_build_py_uses_its_own_campaign_from_anywhere(tmp_path):
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "status"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "material" in done.stdout  # the demo's status table, found from /tmp


@pytest.mark.slow
def test_a_campaign_of_only_settings_and_content_builds_and_overrides_the_theme(tmp_path):
    folder = tmp_path / "new"
    assert run("init", str(folder))[0] == 0
    flyer = folder / "content/en/flyer.md"
    flyer.write_text(flyer.read_text().replace('title: "', 'title: "Harbour Town: ', 1))
    out = tmp_path / "out"
    code, output = run("build", "--project", str(folder), "--out", str(out), "-m", "flyer",
                       "-p", "home", "--strict")
    assert code == 0, output
    assert "Harbour Town:" in page_texts(out / "en/flyer-home.pdf")[0]
    # The campaign's own copy of one template replaces the theme's, and nothing else.
    template = (theme_root() / "templates/flyer.html.j2").read_text()
    (folder / "templates").mkdir()
    (folder / "templates/flyer.html.j2").write_text(template.replace(
        '{{ imprint() }}', '{{ imprint() }}<p class="imprint fixed-size">Local chapter 7</p>'))
    code, output = run("build", "--project", str(folder), "--out", str(out), "-m", "flyer",
                       "-p", "home", "-m", "handbill")
    assert code == 0, output
    assert "Local chapter 7" in page_texts(out / "en/flyer-home.pdf")[0]
    assert "Local chapter 7" not in page_texts(out / "en/handbill-home.pdf")[0]
    code, output = run("check", "--project", str(folder), "-m", "flyer")
    assert code == 0, output


@pytest.mark.slow
def test_an_installed_wheel_builds_a_campaign_from_another_folder(tmp_path):
    """``pip install .`` (a wheel, not an editable install) carries the theme."""
    wheels = tmp_path / "wheels"
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps",
                           "-q", "-w", str(wheels)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    wheel, = wheels.glob("pamphleteer-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for name in ("pamphleteer/theme/templates/flyer.html.j2",
                 "pamphleteer/theme/templates/css/print.css",
                 "pamphleteer/theme/assets/fonts/fonts.toml",
                 "pamphleteer/theme/assets/fonts/LICENSES/Inter-OFL.txt",
                 "pamphleteer/starter/content/en/flyer.md"):
        assert name in names, name
    assert any(n.endswith("licenses/LICENSE") for n in names)
    target = tmp_path / "site-packages"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q",
                           "--target", str(target), str(wheel)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    script = ("import pamphleteer.theme as t, sys; "
              "sys.exit(0 if str(t.theme_root()).startswith(sys.argv[1]) else 1)")
    assert subprocess.run([sys.executable, "-c", script, str(target)], cwd=elsewhere,
                          env=env).returncode == 0  # the packaged theme, not this checkout's
    for args in (["init", "kit"], ["build", "--project", "kit", "-m", "flyer", "-p", "home",
                                   "--strict"]):
        done = subprocess.run([sys.executable, "-m", "pamphleteer", *args], cwd=elsewhere,
                              env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    assert (elsewhere / "kit/dist/en/flyer-home.pdf").is_file()
    assert (elsewhere / "kit/dist/index.html").is_file()
