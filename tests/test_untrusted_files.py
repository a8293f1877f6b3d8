"""Odd files in a campaign folder, the reading side (issue 23, group 3): every file a campaign
supplies is checked before anything reads it, the build cache included. A device, a pipe, a
folder, a giant, a loop or a link out of the campaign is refused by name, at once: never an
endless read, a wait for ever or a traceback. Each command that could hang or eat memory runs
in a process of its own, with a time limit and a memory cap."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import queue
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pamphleteer import translation
from pamphleteer.cache import BuildCache, _file, job_key, shared_key
from pamphleteer.errors import BuildError, ConfigError, UsageError
from pamphleteer.events import load_events
from pamphleteer.files import MAX_JSON_DEPTH
from pamphleteer.project import load_project
from pamphleteer.render import render_template
from pamphleteer.starter import init_campaign
from pamphleteer.translation import new_locale
from pamphleteer.watch import changes

from conftest import ROOT, build, run

BUDGET = 60  # seconds a refused file may take, in a process that starts afresh
MEMORY = 3 * 2**30  # bytes of address space such a process may have: no 23 GB read
FLYER = ("-l", "en", "-m", "flyer", "-p", "home", "-j", "1")
OUTSIDE = "this is a link to a file outside the project's content/ folder"
NOT_REGULAR = "not a regular file (a device, a pipe or a folder)"


def cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    """``pamphleteer ARGS`` in a process of its own, run from ``cwd``: it can neither hang
    the tests (it is stopped after ``BUDGET`` s) nor exhaust memory (its address space is
    capped). Returns the exit status and everything it printed."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    try:
        done = subprocess.run([sys.executable, "-m", "pamphleteer", *args], cwd=cwd,
                              env=environment, capture_output=True, text=True,
                              timeout=BUDGET, preexec_fn=cap)
    except subprocess.TimeoutExpired:
        pytest.fail(f"pamphleteer {' '.join(args)} still running after {BUDGET} s: it waits "
                    "on a pipe or reads without end")
    return done.returncode, done.stdout + done.stderr


def refused(campaign: Path, out: Path, where: str, message: str, *args: str) -> None:
    """``build`` and ``check`` both stop with ``where: message``, exit 1, no traceback."""
    for command in (["build", "--project", str(campaign), "--out", str(out), *args],
                    ["check", "--project", str(campaign), *args[:4]]):
        code, output = cli(*command, cwd=campaign)
        assert code == 1 and "Traceback" not in output, output[-3000:]
        assert f"{where}: {message}" in output, output[-3000:]


def replace(path: Path, make) -> None:
    """Put ``make(path)`` where the file at ``path`` was."""
    path.unlink()
    make(path)


def own_assets(campaign: Path) -> Path:
    """A real, empty assets/ folder for the campaign (the fixture's is a link to the demo's,
    which no test may touch): the theme's files stand in for everything it lacks."""
    (campaign / "assets").unlink()
    (campaign / "assets").mkdir()
    return campaign / "assets"


def finished_within(seconds: float, function, *args):
    """``function(*args)`` run in a thread that must end within ``seconds`` (so that a read
    of a pipe fails the test rather than hanging it); returns its result or raises its
    error."""
    outcome: queue.Queue = queue.Queue()

    def call() -> None:
        try:
            outcome.put((True, function(*args)))
        except BaseException as exc:  # handed back to the test
            outcome.put((False, exc))

    worker = threading.Thread(target=call, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"{function.__name__} still running after {seconds} s"
    ok, value = outcome.get()
    if not ok:
        raise value
    return value


# 0. Event files ---------------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["/etc/passwd", "/dev/zero", "../campaign.toml"])
def test_an_event_file_linked_out_of_its_folder_is_refused_unread(campaign, target):
    events = campaign / "events"
    events.mkdir(exist_ok=True)
    shutil.copy(ROOT / "tests/fixtures/events/harbour-vigil.toml", events)
    (events / "rally.toml").symlink_to(target)
    with pytest.raises(ConfigError) as caught:
        finished_within(10, load_events, load_project(campaign), events)
    assert caught.value.format_message().endswith(
        "events/rally.toml: this is a link to a file outside the project's events/ folder; "
        "it must live in the project")


def test_an_event_file_linked_within_its_folder_is_read(campaign):
    events = campaign / "events"
    events.mkdir(exist_ok=True)
    (events / "drafts").mkdir()
    shutil.copy(ROOT / "tests/fixtures/events/harbour-vigil.toml", events / "drafts")
    (events / "vigil.toml").symlink_to("drafts/harbour-vigil.toml")
    event, = load_events(load_project(campaign), events)
    assert event.slug == "harbour-vigil"


# 1. A content file that is no ordinary file ---------------------------------------------------

CONTENT_ODDITIES = {
    "a link to /dev/zero": (lambda p: p.symlink_to("/dev/zero"), OUTSIDE),
    "a link to /dev/urandom": (lambda p: p.symlink_to("/dev/urandom"), OUTSIDE),
    "a link to /etc/passwd": (lambda p: p.symlink_to("/etc/passwd"), OUTSIDE),
    "a link to a folder": (lambda p: p.symlink_to(p.parent.parent / "de"),
                           "cannot read this file: flyer.md is a link to a folder, not a file"),
    "a folder": (os.mkdir, "cannot read this file: a folder stands where it should be"),
    "a link to a folder outside": (lambda p: p.symlink_to("/tmp"), OUTSIDE),
    "a FIFO": (os.mkfifo, NOT_REGULAR),
    "a 50 MB file": (lambda p: p.write_bytes(b"---\ntitle: \"x\"\ncta: \"y\"\n---\n"
                                             + b"Peace now " * 5_000_000),
                     "this file is 50.0 MB; a text file may be at most 4.0 MB"),
    "a loop of links": (lambda p: p.symlink_to(p.name),
                        "cannot read this file: it is a link that leads back to itself"),
    "a broken link": (lambda p: p.symlink_to(p.parent / "gone.md"),
                      "cannot read this file: flyer.md is a link to "),
}


@pytest.mark.parametrize("oddity", CONTENT_ODDITIES)
def test_a_content_file_that_is_no_ordinary_file_is_refused_unread(campaign, tmp_path, oddity):
    make, message = CONTENT_ODDITIES[oddity]
    replace(campaign / "content/en/flyer.md", make)
    # The error names the file as it is written (the link, not where it leads).
    refused(campaign, tmp_path / "out", "content/en/flyer.md", message, *FLYER)


def test_a_translation_that_is_a_pipe_is_refused_not_taken_for_missing(campaign, tmp_path):
    # Before, a pipe was "no file": the German flyer was quietly built from the English.
    replace(campaign / "content/de/flyer.md", os.mkfifo)
    refused(campaign, tmp_path / "out", "content/de/flyer.md", NOT_REGULAR,
            "-l", "de", "-m", "flyer", "-p", "home", "-j", "1")
    code, output = cli("status", "--project", str(campaign), cwd=campaign)
    assert code == 0 and "unreadable" in output, output


def test_a_markdown_file_in_another_encoding_names_its_line(campaign, tmp_path):
    flyer = campaign / "content/en/flyer.md"
    text = flyer.read_text("utf-8")
    flyer.write_bytes(text.replace("## ", "## caf\xe9 ", 1).encode("latin-1"))
    line = next(n for n, row in enumerate(text.split("\n"), 1) if row.startswith("## "))
    refused(campaign, tmp_path / "out", f"content/en/flyer.md:{line}", "not UTF-8 text",
            *FLYER)


# 2. Pipes in place of the other files a campaign supplies -------------------------------------

def test_a_pipe_as_strings_toml_is_refused(campaign, tmp_path):
    replace(campaign / "content/en/strings.toml", os.mkfifo)
    refused(campaign, tmp_path / "out", "content/en/strings.toml", NOT_REGULAR, *FLYER)


def test_a_pipe_as_campaign_toml_is_refused_not_taken_for_no_campaign(campaign, tmp_path):
    replace(campaign / "campaign.toml", os.mkfifo)
    for command in ("status", "check"):
        code, output = cli(command, cwd=campaign)  # found upward, as a volunteer runs it
        assert code == 1 and "Traceback" not in output, output
        assert f"campaign.toml: {NOT_REGULAR}" in output, output


@pytest.mark.parametrize("target", ["/dev/zero", "/etc/passwd"])
def test_settings_and_strings_linked_out_of_the_campaign_are_refused(campaign, tmp_path,
                                                                     target):
    replace(campaign / "content/en/strings.toml", lambda p: p.symlink_to(target))
    refused(campaign, tmp_path / "out", "content/en/strings.toml",
            "this is a link to a file outside the project's content/ folder", *FLYER)
    replace(campaign / "campaign.toml", lambda p: p.symlink_to(target))
    code, output = cli("status", "--project", str(campaign), cwd=campaign)
    assert code == 1 and "Traceback" not in output, output
    assert f"campaign.toml: this is a link to a file outside the project's {campaign.name}/ " \
           "folder" in output, output


def test_a_pipe_as_locale_toml_is_refused_by_name_not_taken_for_missing(campaign, tmp_path):
    # The cache hashed locale.toml before anything looked at it; a pipe was taken for a
    # missing file (a warning) before that.
    replace(campaign / "content/de/locale.toml", os.mkfifo)
    code, output = cli("build", "--project", str(campaign), "--out", f"{tmp_path}/out",
                       "-l", "de", "-m", "flyer", "-p", "home", "-j", "1", cwd=campaign)
    assert code == 1 and "Traceback" not in output, output
    assert f"content/de/locale.toml: {NOT_REGULAR}" in output, output


def test_a_pipe_as_a_template_is_refused_by_name(campaign, tmp_path):
    replace(campaign / "templates/flyer.html.j2", os.mkfifo)
    refused(campaign, tmp_path / "out", "templates/flyer.html.j2", NOT_REGULAR, *FLYER)


def test_a_pipe_as_a_photo_never_hangs_the_build(campaign, tmp_path):
    assets = own_assets(campaign)
    (assets / "photos").mkdir()
    os.mkfifo(assets / "photos/rally.jpg")
    flyer = campaign / "content/en/flyer.md"
    flyer.write_text(flyer.read_text("utf-8").replace(
        "## ", '![Marchers with banners](assets/photos/rally.jpg "The march")\n\n## ', 1),
        "utf-8")
    code, output = cli("build", "--project", str(campaign), "--out", f"{tmp_path}/out",
                       *FLYER, cwd=campaign)
    assert code == 1 and "Traceback" not in output, output
    assert "content/en/flyer.md" in output and "assets/photos/rally.jpg" in output, output


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p.symlink_to("/dev/zero"), "must be an ICC file in this campaign's assets/"),
    (os.mkfifo, NOT_REGULAR),
    (lambda p: p.write_bytes(b"\0" * 9_000_000), "this file is 9.0 MB"),
])
def test_an_output_profile_that_is_no_ordinary_file_is_refused(campaign, make, message):
    (own_assets(campaign) / "icc").mkdir()
    make(campaign / "assets/icc/press.icc")
    settings_file = campaign / "campaign.toml"
    settings_file.write_text(settings_file.read_text("utf-8")
                             + '\n[print]\noutput_intent = "assets/icc/press.icc"\n', "utf-8")
    line = len(settings_file.read_text("utf-8").splitlines())
    code, output = cli("status", "--project", str(campaign), cwd=campaign)
    assert code == 1 and "Traceback" not in output, output
    assert f"campaign.toml:{line}: print.output_intent: 'assets/icc/press.icc'" in output
    assert message in output, output


# 3. The cache reads nothing before it is checked ----------------------------------------------

def test_the_cache_key_of_a_pipe_is_made_without_reading_it(campaign):
    project = load_project(campaign)
    shared = shared_key(project)
    plain = job_key(project, shared, "en", "flyer", "home")
    replace(campaign / "content/en/flyer.md", os.mkfifo)
    shared = finished_within(10, shared_key, project)  # a new build, as kit begins one
    piped = finished_within(10, job_key, project, shared, "en", "flyer", "home")
    assert piped != plain


def test_the_cache_never_reads_a_file_linked_from_outside(campaign, tmp_path):
    project = load_project(campaign)
    shared = shared_key(project)
    secret = tmp_path / "secret.md"
    secret.write_text("one secret", "utf-8")
    replace(campaign / "content/en/flyer.md", lambda p: p.symlink_to(secret))
    before = job_key(project, shared, "en", "flyer", "home")
    secret.write_text("another secret", "utf-8")
    shared = shared_key(project)
    assert job_key(project, shared, "en", "flyer", "home") == before  # its bytes never read
    (campaign / "content/en/flyer.md").unlink()  # while a file of its own does count
    (campaign / "content/en/flyer.md").write_text("another secret", "utf-8")
    assert job_key(project, shared_key(project), "en", "flyer", "home") != before
    zero = campaign / "content/en/zero.md"
    zero.symlink_to("/dev/zero")
    assert finished_within(10, _file, zero, (campaign,)).startswith(b"!not a regular file")


def test_a_pipe_or_a_link_out_among_the_templates_never_hangs_the_shared_key(campaign):
    os.mkfifo(campaign / "templates/notes.txt")
    (campaign / "templates/zero.css").symlink_to("/dev/zero")
    (campaign / "templates/etc").symlink_to("/etc")
    project = load_project(campaign)
    assert len(finished_within(20, shared_key, project)) == 64


def test_a_cache_file_nested_past_any_parser_is_ignored(tmp_path):
    state = tmp_path / ".pamphleteer"
    state.mkdir()
    for text in ('{"keys": ' + "[" * 100_000 + "]" * 100_000 + "}",
                 '{"keys": {"en/flyer-home.pdf": ' + "[" * 50_000 + "]" * 50_000 + "}}",
                 "[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)):
        (state / "cache.json").write_text(text)
        assert BuildCache(tmp_path).keys == {}
    (state / "cache.json").unlink()
    os.mkfifo(state / "cache.json")
    assert finished_within(10, BuildCache, tmp_path).keys == {}
    (state / "cache.json").unlink()
    (state / "cache.json").symlink_to("/dev/zero")
    assert finished_within(10, BuildCache, tmp_path).keys == {}


def test_a_pdf_in_the_output_folder_that_is_a_pipe_is_not_fresh(tmp_path):
    cache = BuildCache(tmp_path, enabled=False)
    cache.keys["en/flyer-home.pdf"] = "key"
    (tmp_path / "en").mkdir()
    os.mkfifo(tmp_path / "en/flyer-home.pdf")
    entry = {"sha256": hashlib.sha256(b"").hexdigest()}
    assert finished_within(10, cache.fresh, "en/flyer-home.pdf", "key", entry,
                           tmp_path) is False


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                    | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                    max_leaves=40)


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(body=st.one_of(JSON, st.dictionaries(st.just("keys"), JSON)),
       depth=st.integers(min_value=0, max_value=3_000), raw=st.binary(max_size=200))
def test_fuzz_any_cache_file_gives_keys_or_none_never_an_error(body, depth, raw):
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        (out / ".pamphleteer").mkdir()
        cache_file = out / ".pamphleteer/cache.json"
        for text in (json.dumps(body), "[" * depth + json.dumps(body) + "]" * depth):
            cache_file.write_text(text, "utf-8")
            keys = BuildCache(out).keys
            assert all(isinstance(k, str) and isinstance(v, str) for k, v in keys.items())
            if depth == 0 and isinstance(body, dict) and isinstance(body.get("keys"), dict):
                assert keys == {k: v for k, v in body["keys"].items() if isinstance(v, str)}
        cache_file.write_bytes(raw)
        assert isinstance(BuildCache(out).keys, dict)


# 4. Templates include only templates ----------------------------------------------------------

def _render(campaign: Path, name: str, text: str) -> str:
    (campaign / "templates" / name).write_text(text, "utf-8")
    return render_template(load_project(campaign), name, {})


@pytest.mark.parametrize("include", ["../../../etc/passwd", "../campaign.toml",
                                     "css/../../../../etc/passwd"])
def test_an_include_climbing_out_of_templates_is_refused(campaign, include):
    with pytest.raises(BuildError) as caught:
        _render(campaign, "sly.html.j2", f'Hi\n{{% include "{include}" %}}\n')
    said = caught.value.format_message()
    assert f"templates/sly.html.j2:2: template '{include}' is not in templates/" in said
    assert "root:" not in said


def test_an_include_through_a_linked_folder_in_templates_is_refused(campaign):
    (campaign / "templates/etc").symlink_to("/etc")
    with pytest.raises(BuildError) as caught:
        _render(campaign, "sly.html.j2", '{% include "etc/passwd" %}')
    said = caught.value.format_message()
    assert "templates/etc/passwd: this is a link to a file outside the campaign's " \
           "templates/ folder and the theme's" in said
    (campaign / "templates/passwd.html.j2").symlink_to("/etc/passwd")  # a linked file too
    with pytest.raises(BuildError, match="a link to a file outside the campaign's templates/"):
        _render(campaign, "sly.html.j2", '{% include "passwd.html.j2" %}')


def test_a_templates_folder_linked_out_of_the_campaign_serves_nothing(campaign, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    shutil.move(campaign / "templates", elsewhere)
    (campaign / "templates").symlink_to(elsewhere)
    with pytest.raises(BuildError, match="a link to a file outside the campaign's templates/"):
        render_template(load_project(campaign), "flyer.html.j2", {})


def test_a_template_linked_within_templates_is_still_read(campaign):
    (campaign / "templates/greeting.html.j2").write_text("Hello", "utf-8")
    (campaign / "templates/alias.html.j2").symlink_to("greeting.html.j2")
    assert _render(campaign, "page.html.j2", '{% include "alias.html.j2" %}!') == "Hello!"


def test_a_build_whose_template_includes_a_system_file_is_refused(campaign, tmp_path):
    template = campaign / "templates/flyer.html.j2"
    text = template.read_text("utf-8")
    template.write_text(text.replace("{% block body %}",
                                     '{% block body %}{% include "../../etc/passwd" %}', 1))
    line = next(n for n, row in enumerate(text.split("\n"), 1) if "{% block body %}" in row)
    code, output = build(campaign, tmp_path / "out", *FLYER)
    assert code == 1 and "Traceback" not in output and "root:" not in output, output
    assert f"templates/flyer.html.j2:{line}: template '../../etc/passwd' is not in " \
           "templates/" in output, output


# 5. init, new-locale and SOURCE_DATE_EPOCH: clear errors, never tracebacks ---------------------

def test_init_onto_a_link_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "full").mkdir()
    (tmp_path / "full/notes.txt").write_text("mine")
    for name, target in (("to-empty", "empty"), ("to-full", "full"), ("dangling", "gone")):
        (tmp_path / name).symlink_to(tmp_path / target)
        code, output = run("init", str(tmp_path / name))
        assert code == 2 and "Traceback" not in output, output
        assert f"{name} is a link (to {tmp_path / target}), not a folder of its own" in output
    assert list((tmp_path / "empty").iterdir()) == []
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # nothing left over


def test_init_onto_a_file_or_a_pipe_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    code, output = run("init", str(tmp_path / "notes.txt"))
    assert code == 2 and "is a file" in output, output
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(UsageError, match="a file of this name is already here"):
        init_campaign(tmp_path / "pipe")
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_init_with_the_longest_name_makes_a_campaign_that_loads(tmp_path):
    folder = tmp_path / ("a" * 255)
    code, output = run("init", str(folder))
    assert code == 0, output
    project = load_project(folder)
    assert len(project.name) == 255 and len(project.identity.wordmark) == 40
    code, output = run("init", str(tmp_path / ("b" * 256)))
    assert code == 2 and "Traceback" not in output, output
    assert "this name is longer than the file system allows" in output
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_init_gives_the_campaign_the_umasks_permissions(tmp_path):
    previous = os.umask(0o022)
    try:
        init_campaign(tmp_path / "river-city")
    finally:
        os.umask(previous)
    assert (tmp_path / "river-city").stat().st_mode & 0o777 == 0o755


def _slow_fingerprints(monkeypatch) -> None:
    """Make each new-locale take a while, so that several are surely at work at once."""
    write = translation.set_fingerprint

    def slowly(path: Path, value: str) -> None:
        time.sleep(0.03)
        write(path, value)

    monkeypatch.setattr(translation, "set_fingerprint", slowly)


def _race(campaign: Path, count: int = 4) -> list[BaseException | list[Path]]:
    """``count`` new-locale fr at once, each as its own command; what each one got."""
    project = load_project(campaign)
    start = threading.Barrier(count)
    results: list = [None] * count

    def one(number: int) -> None:
        start.wait()
        try:
            results[number] = new_locale(project, "fr")
        except BaseException as exc:  # what the command would print
            results[number] = exc

    workers = [threading.Thread(target=one, args=(n,), daemon=True) for n in range(count)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert not any(worker.is_alive() for worker in workers)
    return results


@pytest.mark.parametrize("locked", [True, False], ids=["locked", "no-lock-to-be-had"])
def test_two_new_locales_at_once_one_wins_the_other_is_told(campaign, monkeypatch, locked):
    _slow_fingerprints(monkeypatch)
    if not locked:  # a file system without locks: the rename into place decides alone
        monkeypatch.setattr(translation, "_one_at_a_time",
                            lambda *args: contextlib.nullcontext())
    results = _race(campaign)
    made = [r for r in results if isinstance(r, list)]
    lost = [r for r in results if not isinstance(r, list)]
    assert len(made) == 1 and len(lost) == 3, results
    for error in lost:
        assert isinstance(error, UsageError), error
        assert "content/fr was just made by another new-locale" in str(error) or \
            "content/fr already exists" in str(error), error
    folder = campaign / "content/fr"
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in made[0])
    assert len(made[0]) == len(list((campaign / "content/en").iterdir()))
    assert not [p for p in (campaign / "content").iterdir() if p.name.startswith(".")]
    code, output = run("status", "--project", str(campaign))
    assert code == 0 and "Traceback" not in output, output


def test_new_locale_copies_no_pipe_and_leaves_nothing_behind(campaign):
    replace(campaign / "content/de/trifold.md", os.mkfifo)
    with pytest.raises(translation.ContentError) as caught:
        finished_within(10, new_locale, load_project(campaign), "fr", "de")
    assert f"content/de/trifold.md: {NOT_REGULAR}" in caught.value.format_message()
    assert not [p for p in (campaign / "content").iterdir()
                if p.name == "fr" or p.name.startswith(".")]


def test_new_locale_makes_a_folder_with_the_umasks_permissions(campaign):
    previous = os.umask(0o022)
    try:
        new_locale(load_project(campaign), "fr")
    finally:
        os.umask(previous)
    assert (campaign / "content/fr").stat().st_mode & 0o777 == 0o755


def _without_edition(campaign: Path) -> None:
    settings_file = campaign / "campaign.toml"
    text = settings_file.read_text("utf-8")
    settings_file.write_text("\n".join(line for line in text.split("\n")
                                       if not line.startswith("edition")), "utf-8")


@pytest.mark.parametrize(("value", "said"), [
    ("-1", "is '-1', not a time"),
    ("99999999999999", "is 99999999999999, a time after the year 9999"),
    ("abc", "is 'abc', not a time"),
    ("1e5", "is '1e5', not a time"),
    ("", "is set but empty, not a time"),
    ("12.5", "is '12.5', not a time"),
    ("9" * 5000, f"is {'9' * 40}, a time after the year 9999"),
])
def test_a_source_date_epoch_that_is_no_date_is_an_error_naming_it(campaign, monkeypatch,
                                                                   value, said):
    _without_edition(campaign)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(ConfigError) as caught:
        load_project(campaign)
    message = caught.value.format_message()
    assert f"the environment variable SOURCE_DATE_EPOCH {said}" in message
    assert "date +%s" in message and "edition = " in message
    code, output = run("status", "--project", str(campaign))
    assert code == 1 and "Traceback" not in output and "SOURCE_DATE_EPOCH" in output


def test_a_source_date_epoch_that_is_a_date_dates_the_build(campaign, monkeypatch):
    _without_edition(campaign)
    for value, date in (("1785369600", dt.date(2026, 7, 30)), (" 0 ", dt.date(1970, 1, 1)),
                        ("253402300799", dt.date(9999, 12, 31)),
                        ("0" * 40 + "86400", dt.date(1970, 1, 2))):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
        assert load_project(campaign).edition == date
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert load_project(campaign).edition == dt.datetime.now(dt.UTC).date()


def test_a_campaign_with_an_edition_never_reads_source_date_epoch(campaign, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "abc")
    assert load_project(campaign).edition == dt.date(2026, 11, 28)


# 6. watch hears a folder that is replaced or appears -----------------------------------------

class Heard:
    """``changes`` of a campaign, in a thread, each batch kept as it comes."""

    def __init__(self, campaign: Path):
        self.stop = threading.Event()
        self.batches: queue.Queue[list[str]] = queue.Queue()
        self.thread = threading.Thread(target=self._listen, args=(campaign,), daemon=True)
        self.thread.start()
        self.campaign = campaign

    def _listen(self, campaign: Path) -> None:
        for batch in changes(campaign, campaign / "dist", self.stop):
            self.batches.put(batch)

    def ready(self) -> None:
        """Wait until it hears a probe edit (the watch has begun), then forget it."""
        probe = self.campaign / "content/probe.txt"
        end = time.monotonic() + 20
        while time.monotonic() < end:
            probe.write_text(str(time.monotonic()))
            try:
                if "content/probe.txt" in self.batches.get(timeout=0.5):
                    break
            except queue.Empty:
                continue
        else:
            raise AssertionError("the watch never began")
        probe.unlink()
        time.sleep(2)  # its deletion heard, or not: either way, out of the way
        self.drain()

    def drain(self) -> None:
        while not self.batches.empty():
            self.batches.get()

    def until(self, name: str, seconds: float = 15) -> list[str]:
        """The first batch naming ``name`` (an error after ``seconds``)."""
        end, seen = time.monotonic() + seconds, []
        while time.monotonic() < end:
            try:
                batch = self.batches.get(timeout=0.2)
            except queue.Empty:
                continue
            seen.append(batch)
            if name in batch:
                return batch
        raise AssertionError(f"{name} not heard within {seconds} s; heard {seen}")

    def close(self) -> None:
        self.stop.set()
        self.thread.join(15)
        assert not self.thread.is_alive()


@pytest.fixture
def heard(campaign):
    listener = Heard(campaign)
    try:
        listener.ready()
        yield listener
    finally:
        listener.close()


def _swap(folder: Path, change) -> None:
    """Replace ``folder`` as ``git checkout`` may: a new copy renamed into its place."""
    fresh = folder.with_name(folder.name + ".new")
    shutil.copytree(folder, fresh)
    change(fresh)
    folder.rename(folder.with_name(folder.name + ".old"))
    fresh.rename(folder)
    shutil.rmtree(folder.with_name(folder.name + ".old"))


def test_watch_hears_edits_in_a_content_folder_that_replaced_the_old(campaign, heard):
    _swap(campaign / "content", lambda new: (new / "en/flyer.md").write_text(
        (new / "en/flyer.md").read_text("utf-8") + "\nMore.\n", "utf-8"))
    assert "content" in heard.until("content")  # the replacement itself
    heard.drain()
    flyer = campaign / "content/en/flyer.md"
    flyer.write_text(flyer.read_text("utf-8") + "\nAnd more.\n", "utf-8")
    heard.until("content/en/flyer.md")  # the new folder is watched


def test_watch_hears_a_templates_folder_that_appears(campaign, tmp_path, heard):
    shutil.move(campaign / "templates", tmp_path / "templates")  # the theme's are used
    heard.until("templates")
    heard.drain()
    (campaign / "templates").mkdir()
    heard.until("templates")
    heard.drain()
    (campaign / "templates/flyer.html.j2").write_text("{{ doc }}", "utf-8")
    heard.until("templates/flyer.html.j2")


def test_watch_hears_campaign_toml_after_an_editor_saved_it_by_renaming(campaign, heard):
    settings_file = campaign / "campaign.toml"
    text = settings_file.read_text("utf-8")
    (campaign / "campaign.toml.swp").write_text(text + "\n# saved\n", "utf-8")
    (campaign / "campaign.toml.swp").rename(settings_file)
    heard.until("campaign.toml")
    heard.drain()
    settings_file.write_text(text + "\n# saved again\n", "utf-8")
    heard.until("campaign.toml")  # still heard: the new file is watched


# 7. The cache key covers everything that decides a PDF ----------------------------------------

def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def _icc_renamed(path: Path) -> None:
    """The same profile with one letter of its description changed (still a CMYK press
    profile, its header untouched and its ID unset, so its bytes are all that differ)."""
    data = path.read_bytes()
    assert data[84:100] == bytes(16) and b"coated offset" in data
    path.write_bytes(data.replace(b"coated offset", b"Coated offset", 1))


def _swap_bytes(path: Path, other: Path) -> None:
    path.write_bytes(other.read_bytes())


@pytest.mark.slow
def test_a_cached_build_gives_the_manifest_a_build_without_the_cache_gives(campaign, tmp_path):
    from test_photos import photo

    (campaign / "assets").unlink()  # a real folder, so that every asset can be edited
    shutil.copytree(ROOT / "assets", campaign / "assets")
    content, assets = campaign / "content", campaign / "assets"
    fonts = assets / "fonts"
    rally = photo(assets / "photos/rally.jpg", 600)
    _edit(content / "en/flyer.md", "## ", '![Marchers](assets/photos/rally.jpg "March")\n\n## ')
    home = ("-l", "en", "-m", "flyer", "-p", "home")
    # Each kind of input, changed so that its PDF must change, and the PDFs it decides.
    steps = [
        ("content", home, lambda: _edit(content / "en/flyer.md", "## ", "## Now: ")),
        ("strings", home, lambda: _edit(content / "en/strings.toml", 'paid_for_by = "',
                                        'paid_for_by = "Proudly ')),
        ("locale.toml", home, lambda: _edit(content / "en/locale.toml", 'paper = "letter"',
                                            'paper = "a4"')),
        ("campaign.toml", home, lambda: _edit(campaign / "campaign.toml", 'imprint = "',
                                              'imprint = "Printed by ')),
        ("a template", home, lambda: _edit(campaign / "templates/flyer.html.j2",
                                           "{{ doc.meta.cta }}</h2>", "{{ doc.meta.cta }}!</h2>")),
        ("a CSS file", home, lambda: _edit(campaign / "templates/css/flyer.css",
                                           "font-weight: 800", "font-weight: 700")),
        ("a font file", home, lambda: _swap_bytes(fonts / "NotoSerif-Regular.subset.ttf",
                                                  ROOT / "assets/fonts/"
                                                  "NotoSerif-Italic.subset.ttf")),
        ("fonts.toml", home, lambda: _edit(fonts / "fonts.toml",
                                           'file = "NotoSerif-Regular.subset.ttf"',
                                           'file = "NotoSerif-Bold.subset.ttf"')),
        ("a photo", home, lambda: photo(rally, 500)),
        ("the logo", home, lambda: _edit(assets / "brand/logo.svg", 'r="9"', 'r="7"')),
        ("the ICC profile", ("-l", "en", "-m", "flyer", "-p", "shop"),
         lambda: _icc_renamed(assets / "icc/pamphleteer-fogra39.icc")),
        # A piece with no translation is set in the source language's fonts.
        ("a font of the copy a fallback prints", ("-l", "ko", "-m", "handbill", "-p", "home"),
         lambda: _swap_bytes(fonts / "NotoSerif-Bold.subset.ttf",  # its text face, now
                             ROOT / "assets/fonts/NotoSerif-Regular.subset.ttf")),
    ]
    cached, fresh = tmp_path / "cached", tmp_path / "fresh"
    for what, jobs, change in steps:
        code, output = build(campaign, cached, *jobs, "-j", "1")
        assert code == 0, output
        before = _outputs(cached, jobs)
        change()
        code, output = build(campaign, cached, *jobs, "-j", "1")
        assert code == 0, (what, output)
        code, output = build(campaign, fresh, *jobs, "-j", "1", "--no-cache")
        assert code == 0, (what, output)
        after = _outputs(cached, jobs)
        assert after == _outputs(fresh, jobs), f"{what}: the cached build kept an old PDF"
        # (fonts.toml's entries do not decide these bytes: fontconfig reads each face's own
        # weight and style from the fonts folder. Every other change must show.)
        assert what == "fonts.toml" or all(after[p]["sha256"] != before[p]["sha256"]
                                           for p in after), \
            f"{what}: the change did not change the PDF, so this step proves nothing"


def _outputs(out: Path, jobs: tuple[str, ...]) -> dict[str, dict]:
    """The manifest entries of the PDFs ``jobs`` (-l X -m Y -p Z) build."""
    locale, material, profile = jobs[1], jobs[3], jobs[5]
    path = f"{locale}/{material}-{profile}.pdf"
    entries = {e["path"]: e for e in json.loads((out / "manifest.json").read_text())["outputs"]}
    return {path: entries[path]}


@pytest.mark.slow
def test_a_translation_made_outdated_by_its_source_is_said_so_by_a_cached_build(campaign,
                                                                               tmp_path):
    """Editing the English flyer leaves the German flyer's own files as they were, but not
    how far it is translated: the manifest must say "outdated" as ``status`` does, with the
    cache as without it."""
    jobs = ("-l", "de", "-m", "flyer", "-p", "home", "-j", "1")
    cached, fresh = tmp_path / "cached", tmp_path / "fresh"
    code, output = build(campaign, cached, *jobs)
    assert code == 0, output
    assert _outputs(cached, jobs)["de/flyer-home.pdf"]["translation"] == "translated"
    _edit(campaign / "content/en/flyer.md", "## ", "## Now: ")
    code, output = build(campaign, cached, *jobs)
    assert code == 0, output
    code, output = build(campaign, fresh, *jobs, "--no-cache")
    assert code == 0, output
    entry = _outputs(cached, jobs)["de/flyer-home.pdf"]
    assert entry["translation"] == "outdated"
    assert entry == _outputs(fresh, jobs)["de/flyer-home.pdf"]
    code, output = run("status", "--project", str(campaign))
    flyer = next(line.split() for line in output.splitlines() if line.startswith("flyer "))
    assert code == 0 and flyer[:3] == ["flyer", "source", "outdated"], output
