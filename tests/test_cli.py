"""The command line contract: entry points, options, exit codes."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT, run


def test_entry_points_share_one_cli():
    for command in ([sys.executable, "build.py", "--help"],
                    [sys.executable, "-m", "pamphleteer", "--help"]):
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
        assert "build" in result.stdout


def test_build_help_lists_the_contract_options():
    code, output = run("build", "--help")
    assert code == 0
    for option in ("--project", "--out", "--locale", "--material", "--profile", "--jobs",
                   "--strict"):
        assert option in output


def test_usage_errors_exit_2():
    code, output = run("build", "-m", "leaflet")
    assert code == 2 and "leaflet" in output


def test_unknown_locale_is_exit_1(project):
    code, output = run("build", "--project", str(project), "-l", "xx")
    assert code == 1 and "unknown locale 'xx'" in output


def test_parallel_build_writes_the_same_files(project, tmp_path):
    options = ["--project", str(project), "-m", "flyer", "-m", "callscript", "-p", "home"]
    code, output = run("build", *options, "--out", str(tmp_path / "a"), "-j", "2")
    assert code == 0, output
    code, output = run("build", *options, "--out", str(tmp_path / "b"))
    assert code == 0, output
    for name in ("en/flyer-home.pdf", "ko/flyer-home.pdf", "en/callscript-home.pdf"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
