"""The set-up a newcomer runs: the README's commands are CI's, and the pins cover the install."""

from __future__ import annotations

import importlib.metadata as md
import re
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
# Installed by venv itself (ensurepip), not by the install: pip freeze leaves them out too.
INSTALLER = {"pip", "setuptools", "wheel"}


def readme_setup() -> list[str]:
    """The shell commands in the README's Set-up section, one per code block."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Set-up"):]
    section = section[:section.index("\n## ", 1)]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)][:2]


def ci_steps() -> list[str]:
    """The command lines that follow the numbered comments of .ci/run."""
    lines = (ROOT / ".ci/run").read_text(encoding="utf-8").splitlines()
    return [lines[i + 1].strip() for i, line in enumerate(lines) if re.match(r"# \d\. ", line)]


def test_ci_runs_the_readme_setup_word_for_word_in_a_new_venv() -> None:
    readme, ci = readme_setup(), ci_steps()
    assert len(readme) == 2 and ci == readme
    build, test = readme
    for command in readme:
        # a normal user's set-up: sudo for apt only, everything else in .venv
        assert command.startswith("sudo apt-get update")
        assert re.findall(r"(?:^|&& )(\S+)", command).count("sudo") == 2
        assert "python3 -m venv .venv" in command
        assert not re.search(r"(?:^|&& )(pip|python|ruff|mypy|pytest)\b", command)
        assert "-c constraints.txt" in command
    assert build.endswith(".venv/bin/python build.py build")
    assert test.endswith(".venv/bin/ruff check . && .venv/bin/mypy && .venv/bin/python -m pytest")
    run = (ROOT / ".ci/run").read_text(encoding="utf-8")
    assert run.index("rm -rf .venv") < run.index(ci[0])


def test_readme_documents_the_pin_and_early_warning_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for script in (".ci/pin", ".ci/latest"):
        assert (ROOT / script).stat().st_mode & 0o111, f"{script} is not executable"
        assert f"\n{script}" in readme, f"README: no example of {script}"


def pins() -> dict[str, str]:
    """constraints.txt as name -> version, for this platform and Python."""
    pinned: dict[str, str] = {}
    for number, line in enumerate((ROOT / "constraints.txt").read_text().splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        spec = str(req.specifier)
        assert spec.startswith("==") and "," not in spec, f"constraints.txt:{number}: not a pin"
        if req.marker is None or req.marker.evaluate():
            pinned[canonicalize_name(req.name)] = spec[2:]
    return pinned


def pulled_in(root: str = "pamphleteer", extras: tuple[str, ...] = ("test",)) -> dict[str, str]:
    """Every installed distribution the install of root[extras] pulls in, with its version."""
    found: dict[str, str] = {}
    seen: set[tuple[str, frozenset[str]]] = set()
    todo = [(root, frozenset(extras))]
    while todo:
        name, wanted = todo.pop()
        if (canonicalize_name(name), wanted) in seen:
            continue
        seen.add((canonicalize_name(name), wanted))
        dist = md.distribution(name)
        found[canonicalize_name(dist.metadata["Name"])] = dist.version
        for spec in dist.requires or []:
            req = Requirement(spec)
            if req.marker is None or any(req.marker.evaluate({"extra": extra})
                                         for extra in wanted | {""}):
                todo.append((req.name, frozenset(req.extras)))
    found.pop(canonicalize_name(root))
    return found


def test_constraints_pin_the_whole_install() -> None:
    # What `pip freeze` of a new test environment lists, read from the installed metadata so
    # that the test holds in a developer's environment with other packages in it too.
    installed, pinned = pulled_in(), pins()
    unpinned = sorted(f"{name}=={version}" for name, version in installed.items()
                      if name not in pinned and name not in INSTALLER)
    moved = sorted(f"{name}: pinned {pinned[name]}, installed {version}"
                   for name, version in installed.items()
                   if name in pinned and pinned[name] != version)
    stale = sorted(set(pinned) - set(installed))
    assert not unpinned, f"installed but not in constraints.txt (run .ci/pin): {unpinned}"
    assert not moved, f"installed at another version than pinned: {moved}"
    assert not stale, f"pinned but not pulled in by the install (run .ci/pin): {stale}"


def test_pinned_build_backend() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^requires = \["setuptools==[\d.]+"\]', pyproject, re.M)
