"""The command line contract: entry points, options, exit codes."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT, build, run


@pytest.mark.slow
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


def test_command_line_mistakes_exit_2_and_say_so_plainly(campaign, tmp_path):
    code, output = run("build", "--project", str(campaign), "-l", "xx")
    assert code == 2 and "-l xx: unknown locale 'xx'" in output, output
    assert "campaign.toml" not in output  # the settings are not to blame
    code, output = run("check", "--project", str(campaign), "-l", "xx")
    assert code == 2, output
    code, output = run("build", "--project", str(tmp_path / "nowhere"))
    assert code == 2 and "no such folder" in output, output
    code, output = run("build", "--project", str(campaign), "--event", str(tmp_path / "none"))
    assert code == 2 and "does not exist" in output, output
    code, output = run("build", "--project", str(campaign), "--shard", "5/4")
    assert code == 2 and "K must be from 1 to N" in output, output


@pytest.mark.slow
def test_parallel_build_writes_the_same_files(project, tmp_path):
    options = ["--project", str(project), "-m", "flyer", "-m", "callscript", "-p", "home"]
    code, output = run("build", *options, "--out", str(tmp_path / "a"), "-j", "2")
    assert code == 0, output
    code, output = run("build", *options, "--out", str(tmp_path / "b"))
    assert code == 0, output
    for name in ("en/flyer-home.pdf", "ko/flyer-home.pdf", "en/callscript-home.pdf"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


@pytest.mark.slow
def test_each_pdf_is_reported_once_written_in_a_stable_order(campaign, tmp_path):
    from pamphleteer.kit import build_kit, plan
    from pamphleteer.project import load_project

    project = load_project(campaign)
    jobs = plan(project, ["en", "de"], ["flyer", "callscript"], ["home", "screen"])
    out, seen = tmp_path / "kit", []

    def report(job, output, errors, warnings):
        assert output is not None and (out / output.path).is_file()  # written, then reported
        seen.append(job)

    result = build_kit(project, jobs, out, workers=2, report=report)
    assert not result.errors and seen == jobs  # plan order, whatever finished first
    outputs = []
    for workers in ("1", "2"):
        code, output = run("build", "--project", str(campaign), "--out",
                           str(tmp_path / workers), "-l", "de", "-l", "en", "-m", "flyer",
                           "-m", "callscript", "-p", "home", "-j", workers)
        assert code == 0, output
        outputs.append(output.replace(f"{tmp_path / workers}", "OUT")
                       .replace(f"{workers}/", "OUT/")
                       .replace(f"with {workers} worker(s)", "with N worker(s)"))
    assert outputs[0] == outputs[1]  # the same lines, warnings included, in the same order


def test_a_terminal_sees_a_status_line_with_done_and_total(capsys):
    from pamphleteer.cli import Progress
    from pamphleteer.kit import Job

    progress = Progress(2, "dist")
    progress.live = True  # as on a terminal
    progress(Job("en", "flyer", "home"), None, ["content/en/flyer.md: broken"], ["a warning"])
    progress(Job("en", "flyer", "shop"), None, [], ["a warning"])
    progress.done()
    err = capsys.readouterr().err
    assert "[1/2] en/flyer-home.pdf" in err and "[2/2] en/flyer-shop.pdf" in err
    assert err.count("warning: a warning") == 1 and "error: content/en/flyer.md: broken" in err
    assert err.endswith("\r")  # the status line is cleared (its ANSI code shows on terminals)


@pytest.mark.slow
def test_printed_paths_are_where_the_files_are(campaign, tmp_path, monkeypatch):
    """Relative to the current folder when inside it, else absolute: never just the name."""
    monkeypatch.chdir(campaign)
    code, output = run("build", "-l", "en", "-m", "flyer", "-p", "screen", "--out", "../kit")
    assert code == 0, output
    assert f"wrote {tmp_path / 'kit'}/en/flyer-screen.pdf (" in output, output
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    code, output = run("build", "--project", str(campaign), "-l", "en", "-m", "flyer", "-p",
                       "screen", "--out", ".")
    assert code == 0, output
    assert "wrote en/flyer-screen.pdf (" in output and "the kit page: index.html" in output


def test_the_same_error_is_printed_once_not_once_per_piece(campaign, tmp_path):
    strings = campaign / "content/de/strings.toml"
    strings.write_text(strings.read_text().replace("{number}", "die Nummer"))
    code, output = run("build", "--project", str(campaign), "--out", f"{tmp_path}/out",
                       "-l", "de")
    assert code == 1, output
    assert output.count("must keep {number}") == 1, output
    assert "Error: 1 error(s)" in output, output


@pytest.mark.slow
def test_a_build_says_first_what_it_is_about_to_make(project, tmp_path):
    code, output = build(project, tmp_path / "out", "-l", "en", "-l", "de", "-m", "flyer",
                         "-p", "home", "-p", "shop", "-j", "3")  # two documents: two workers
    assert code == 0, output
    first = output.splitlines()[0]
    assert first == (f"building 4 PDF(s) in 2 language(s) into {tmp_path / 'out'} with 2 "
                     "worker(s); those whose inputs are unchanged are kept"), output
    code, output = build(project, tmp_path / "out", "-l", "en", "-m", "flyer", "-p", "home",
                         "--no-cache")
    assert output.splitlines()[0].endswith("into " + str(tmp_path / "out") + " with 1 worker(s)")
