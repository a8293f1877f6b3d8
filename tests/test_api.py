"""The library API is the CLI: ``pamphleteer.build`` returns what ``build`` prints."""

from __future__ import annotations

import json
import re

import pytest

import pamphleteer
from pamphleteer.errors import UsageError

from conftest import build, fixture_campaign


def test_the_package_names_its_api_without_loading_the_pipeline_for_its_version():
    assert pamphleteer.build is pamphleteer.api.build
    assert pamphleteer.check is pamphleteer.api.check
    with pytest.raises(AttributeError):
        _ = pamphleteer.render_everything  # type: ignore[attr-defined]


def test_a_usage_error_is_raised_before_anything_is_made(campaign, tmp_path):
    with pytest.raises(UsageError, match="unknown locale 'xx'"):
        pamphleteer.build(campaign, locales=["xx"], out=tmp_path / "out")
    with pytest.raises(UsageError, match="none of these profiles makes these materials"):
        pamphleteer.build(campaign, materials=["flyer"], profiles=["png"], out=tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_build_returns_what_the_command_prints(tmp_path):
    project = fixture_campaign("campaign", tmp_path)
    heard: list[tuple] = []
    result = pamphleteer.build(
        project, locales=["en"], materials=["flyer", "share-preview"],
        profiles=["home", "png"], out=tmp_path / "api",
        started=lambda jobs, out, notes: heard.append(("start", len(jobs), out)),
        report=lambda job, output, errors, warnings: heard.append(("job", job.path)))
    assert result.errors == [] and result.planned == 2 and result.out == tmp_path / "api"
    assert [o.path for o in result.outputs] == ["en/flyer-home.pdf", "en/share-preview.png"]
    assert heard == [("start", 2, tmp_path / "api"), ("job", "en/flyer-home.pdf"),
                     ("job", "en/share-preview.png")]
    manifest = json.loads((tmp_path / "api" / "manifest.json").read_text())
    assert {e["sha256"] for e in manifest["outputs"]} == {o.sha256 for o in result.outputs}
    # The command, on the same inputs, writes the same bytes and says the same counts.
    code, output = build(project, tmp_path / "cli", "-l", "en", "-m", "flyer",
                         "-m", "share-preview", "-p", "home", "-p", "png")
    assert code == 0 and re.search(r"1 PDF\(s\), 1 image\(s\) and \S+ written", output)
    cli = json.loads((tmp_path / "cli" / "manifest.json").read_text())
    assert {e["sha256"] for e in cli["outputs"]} == {o.sha256 for o in result.outputs}
    # Built again, both are kept, and the result says so.
    again = pamphleteer.build(project, locales=["en"], materials=["flyer", "share-preview"],
                              profiles=["home", "png"], out=tmp_path / "api")
    assert again.outputs == [] and len(again.unchanged) == 2


@pytest.mark.slow
def test_check_returns_its_report(tmp_path):
    project = fixture_campaign("campaign", tmp_path)
    report = pamphleteer.check(project, locales=["en"], materials=["flyer"])
    assert report.errors == [] and report.left_out == []
    flyer = project / "content" / "en" / "flyer.md"
    flyer.write_text(flyer.read_text() + "\n" + "More words that will not fit. " * 60)
    report = pamphleteer.check(project, locales=["en"], materials=["flyer"])
    assert any("content/en/flyer.md" in error and "does not fit" in error
               for error in report.errors), report.errors


def test_python_dash_m_pamphleteer_is_the_cli(monkeypatch, capsys):
    import runpy
    import sys

    monkeypatch.setattr(sys, "argv", ["pamphleteer", "--version"])
    with pytest.raises(SystemExit) as done:
        runpy.run_module("pamphleteer", run_name="__main__")
    assert done.value.code == 0 and pamphleteer.__version__ in capsys.readouterr().out
