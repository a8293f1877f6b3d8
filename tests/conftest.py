"""Shared fixtures: fixture campaigns, copies of them to break, and the CLI runner."""

from __future__ import annotations

import shutil
import traceback
from pathlib import Path

import pytest
from click.testing import CliRunner

from pamphleteer.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_EN = FIXTURES / "campaign" / "content" / "en"  # the fixture's English (frozen)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A private copy of the fixture campaign that a test may edit. (Tests never read the
    demo campaign, which organizers edit freely: only the demo smoke test builds it.)"""
    return fixture_campaign("campaign", tmp_path)


# Fixtures that build a whole kit: every test that uses one is end to end.
KIT_FIXTURES = {"flyer_kit", "fixture_kit", "kit", "translated_kits"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests that read a built kit ``slow``, so ``-m "not slow"`` never builds one."""
    for item in items:
        if KIT_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def edit(project: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in the campaign's campaign.toml (it must be there)."""
    path = project / "campaign.toml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def line_number(project: Path, needle: str) -> int:
    """The line of campaign.toml that holds ``needle``, counted from 1."""
    lines = (project / "campaign.toml").read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def run(*args: str) -> tuple[int, str]:
    """Run the CLI in-process; return the exit code and everything it printed.

    An exception that escapes the CLI is what a user would see as a traceback: it is added to
    the output (so ``"Traceback" not in output`` checks mean something) and the code is 99.
    """
    result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        trace = "".join(traceback.format_exception(result.exception))
        return 99, result.output + "\n" + trace
    return result.exit_code, result.output


@pytest.fixture(scope="session")
def flyer_kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture campaign's flyers (en, ko; home profile), built once."""
    root = tmp_path_factory.mktemp("flyers")
    out = root / "dist"
    code, output = run("build", "--project", str(fixture_campaign("campaign", root)), "--out",
                       str(out), "-m", "flyer", "-p", "home", "-l", "en", "-l", "ko")
    assert code == 0, output
    return out


def fixture_campaign(name: str, into: Path) -> Path:
    """A private copy of ``tests/fixtures/<name>`` that a test may edit, with the theme. Its
    copy is its own, frozen for the tests: the starter's and the demo's may change freely."""
    copy = into / name
    shutil.copytree(FIXTURES / name, copy)
    shutil.copytree(ROOT / "templates", copy / "templates")
    (copy / "assets").symlink_to(ROOT / "assets")
    return copy


@pytest.fixture
def campaign(tmp_path: Path) -> Path:
    """A private copy of the fixture campaign (English and German, on letter and A4)."""
    return fixture_campaign("campaign", tmp_path)


def build(project: Path, out: Path, *args: str) -> tuple[int, str]:
    """``pamphleteer build`` of ``project`` into ``out``."""
    return run("build", "--project", str(project), "--out", str(out), *args)


@pytest.fixture(scope="session")
def fixture_kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture campaign built once: the whole English kit and the German flyer, tri-fold
    and booklet under --strict; Korean call scripts and palm cards (English copy, Korean
    template words). What the build printed is in output.txt."""
    root = tmp_path_factory.mktemp("fixture-kit")
    project = fixture_campaign("campaign", root)
    out = root / "dist"
    outputs = []
    for args in (["-l", "en", "--strict"],
                 ["-l", "de", "--strict", "-m", "flyer", "-m", "trifold", "-m", "booklet",
                  "-m", "callscript"],
                 ["-l", "ko", "-m", "callscript", "-m", "palmcard"]):
        code, output = build(project, out, "-j", "2", *args)
        assert code == 0, output
        outputs.append(output)
    (out / "output.txt").write_text("".join(outputs))
    return out
