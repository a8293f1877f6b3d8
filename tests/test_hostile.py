"""Hostile content and faults: bounded work, no injection, no traceback, a manifest that never
lies. Each attack ends in an error naming the file (and line), fast, before any layout."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import time
from pathlib import Path

import pytest

from pamphleteer.files import private_folder
from pamphleteer.limits import check_text
from pamphleteer.qr import make_qr
from pamphleteer.render import page_css

from conftest import build, run

BUDGET = 30  # seconds: far above what a refusal costs, far below what the attack would


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text("utf-8").split("\n"), 1)
                if needle in line)


def refused(campaign: Path, tmp_path: Path, where: str, message: str,
            *args: str) -> None:
    """``check`` and ``build`` both fail fast with ``where: message``, and no traceback."""
    for command in (["check", "--project", str(campaign), *args],
                    ["build", "--project", str(campaign), "--out", f"{tmp_path}/out",
                     "-p", "home", *args]):
        start = time.monotonic()
        code, output = run(*command)
        assert time.monotonic() - start < BUDGET
        assert code == 1 and "Traceback" not in output, output[:2000]
        assert re.search(re.escape(where) + r"(:\d+)?: .*" + re.escape(message), output), \
            output[:2000]


# 1. Bounded work per input ------------------------------------------------------------------

def _lede(campaign: Path) -> str:
    flyer = campaign / "content/en/flyer.md"
    replace_in(flyer, 'lede: "For', 'lede: "' + "peace " * 350_000 + 'For')
    return "content/en/flyer.md:2"


def _strings_file(campaign: Path) -> str:
    strings = campaign / "content/en/strings.toml"
    replace_in(strings, 'privacy = "', 'privacy = "' + "word " * 200_000)
    return "content/en/strings.toml"


def _strings_value(campaign: Path) -> str:
    strings = campaign / "content/en/strings.toml"
    line = line_of(strings, "privacy =")
    replace_in(strings, 'privacy = "', 'privacy = "' + "word " * 400)
    return f"content/en/strings.toml:{line}"


def _rule_flood(campaign: Path) -> str:
    trifold = campaign / "content/en/trifold.md"
    line = line_of(trifold, "::: inside-2")
    replace_in(trifold, "::: inside-2\n", "::: inside-2\n" + "***\n\n" * 1_000)
    return f"content/en/trifold.md:{line + 1 + 2 * 12}"  # the 13th dividing line


def _accents(campaign: Path) -> str:
    flyer = campaign / "content/en/flyer.md"
    line = line_of(flyer, "## The standoff")
    replace_in(flyer, "## The standoff", "a" + "\u0301" * 5_000 + "\n\n## The standoff")
    return f"content/en/flyer.md:{line}"


def _long_body(campaign: Path) -> str:
    flyer = campaign / "content/en/flyer.md"
    flyer.write_text(flyer.read_text("utf-8") + "\nMore words for peace. " * 20_000, "utf-8")
    return "content/en/flyer.md"


def _long_word(campaign: Path) -> str:
    flyer = campaign / "content/en/flyer.md"
    line = line_of(flyer, "## The standoff")
    replace_in(flyer, "## The standoff", "x" * 8_000 + "\n\n## The standoff")
    return f"content/en/flyer.md:{line}"


@pytest.mark.slow
@pytest.mark.parametrize("attack, message", [
    (_lede, "front matter is"),
    (_strings_file, "this file is 1,00"),
    (_strings_value, "'privacy' is 2,0"),
    (_rule_flood, "more than 12 dividing lines"),
    (_accents, "more than 6 accents"),
    (_long_body, "at most 9,350 are allowed"),
    (_long_word, "a word of 8,000 characters"),  # was blamed on the template's QR code
])
def test_oversized_input_is_refused_fast_with_its_line(campaign, tmp_path, attack, message):
    where = attack(campaign)
    material = "trifold" if "trifold" in where else "flyer"
    refused(campaign, tmp_path, where, message, "-l", "en", "-m", material)


@pytest.mark.slow
# The budget's signal may land in a callback that cannot raise (a gc callback, Pango): Python
# reports it as unraisable, and the budget signals again until the build hears it.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_document_past_its_time_budget_is_an_error(campaign, tmp_path):
    out = tmp_path / "out"
    code, output = build(campaign, out, "-l", "en", "-m", "booklet", "--time-limit", "0.2")
    assert code == 1 and "Traceback" not in output
    assert "content/en/booklet.md: stopped after 0.2 s" in output
    assert not list(out.glob("en/*.pdf"))
    code, output = run("check", "--project", str(campaign), "-l", "en", "-m", "booklet",
                       "--time-limit", "0.2")
    assert code == 1 and "stopped after 0.2 s" in output


# 2. Nesting ---------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("body, message", [
    ("1. " * 70 + "deep", "nested more than 12 deep"),
    ("<span>" * 499 + "deep", "nested more than 32 deep"),
    ("<sup>" * 499 + "deep", "nested more than 32 deep"),
])
def test_deep_markdown_is_refused_with_its_line(campaign, tmp_path, body, message):
    flyer = campaign / "content/en/flyer.md"
    line = line_of(flyer, "## The standoff")
    replace_in(flyer, "## The standoff", body + "\n\n## The standoff")
    where = "content/en/flyer.md" + ("" if "32" in message else f":{line}")
    refused(campaign, tmp_path, where, message, "-l", "en", "-m", "flyer")


@pytest.mark.slow
@pytest.mark.parametrize("file, old", [
    ("content/de/flyer.md", 'title: "'),
    ("content/de/strings.toml", 'privacy = "'),
    ("content/de/locale.toml", 'name = "'),
])
def test_deep_brackets_in_settings_and_front_matter_never_give_a_traceback(campaign, file, old):
    path = campaign / file
    line = line_of(path, old)
    key = old.split()[0].rstrip(":")
    text = path.read_text("utf-8").split("\n")
    text[line - 1] = f"{key}{':' if file.endswith('.md') else ' ='} " + "[" * 3000
    path.write_text("\n".join(text), "utf-8")
    outputs = [run(*command, "--project", str(campaign)) for command in (
        ["check", "-l", "de"], ["status"], ["mark-translated", "de", "flyer"],
        ["new-locale", "vi", "--from", "de"])]
    for _code, output in outputs:
        assert "Traceback" not in output and "RecursionError" not in output, output[:2000]
    check = outputs[0][1]
    assert outputs[0][0] == 1 and f"{file}:{line}: brackets nested more than 16 deep" in check


# 3. Injection through settings ----------------------------------------------------------------

@pytest.mark.parametrize("link", [
    'https://example.org/p" onload="x',
    "https://example.org/a b",
    "https://example.org/<style>",
    "https://example.org/\u0007",
    "https://user@evil.example/",
    "https://example.org:port/",
])
def test_a_link_that_is_not_a_plain_address_is_refused(campaign, link):
    settings = campaign / "campaign.toml"
    line = line_of(settings, "petition =")
    replace_in(settings, 'petition = "https://example.org/fixture/petition"',
               f"petition = {json.dumps(link)}")
    code, output = run("check", "--project", str(campaign))
    assert code == 1 and f"campaign.toml:{line}: links.petition" in output, output


def test_what_goes_into_markup_and_css_is_escaped():
    code = make_qr("petition", "https://example.org/p", 'x" onload="1"><style>*{}</style>')
    assert "<style" not in code.svg and 'onload="1"' not in code.svg
    from pamphleteer.materials import MATERIALS
    from pamphleteer.profiles import PROFILES
    from pamphleteer.render import geometry

    css = page_css(geometry(MATERIALS["flyer"], PROFILES["shop"], "letter"), PROFILES["shop"],
                   output_profile='assets/x.icc"); } body { display: none } </style><p>')
    assert "</style" not in css and '"); }' not in css


# 4. Deceptive links and text ------------------------------------------------------------------

@pytest.mark.slow
def test_a_link_whose_text_is_another_address_warns_and_fails_strict(campaign, tmp_path):
    flyer = campaign / "content/en/flyer.md"
    line = line_of(flyer, "## The standoff")
    replace_in(flyer, "## The standoff", "Sign at [example.org/fixture/petition]"
               "(https://evil.example/phish).\n\n## The standoff")
    code, output = run("check", "--project", str(campaign), "-l", "en", "-m", "flyer",
                       "--strict")
    assert code == 1
    assert f"content/en/flyer.md:{line}: the link text 'example.org/fixture/petition' reads " \
           "as an address, but the link goes to 'https://evil.example/phish'" in output


@pytest.mark.parametrize("char, message", [
    ("\u202e", "bidirectional control character (U+202E)"),
    ("\u2067", "bidirectional control character (U+2067)"),
    ("\u0007", "control character (U+0007)"),
    ("\u001b", "control character (U+001B)"),
])
def test_control_and_bidi_characters_are_refused_everywhere(campaign, tmp_path, char, message):
    flyer = campaign / "content/en/flyer.md"
    line = line_of(flyer, "## The standoff")
    replace_in(flyer, "## The standoff", f"Peace {char}now\n\n## The standoff")
    refused(campaign, tmp_path, f"content/en/flyer.md:{line}", message, "-l", "en",
            "-m", "flyer")
    strings = campaign / "content/de/strings.toml"
    line = line_of(strings, "privacy =")
    replace_in(strings, 'privacy = "', f'privacy = "{char}')
    code, output = run("check", "--project", str(campaign), "-l", "de")
    # TOML itself refuses raw control characters (other than tab) in strings.
    assert code == 1 and (f"content/de/strings.toml:{line}: 'privacy' holds a" in output
                          or f"content/de/strings.toml:{line}: invalid TOML: Illegal" in output)
    settings = campaign / "campaign.toml"
    replace_in(settings, 'name = "Fixture', f'name = "{char}Fixture')
    code, output = run("check", "--project", str(campaign))
    assert code == 1 and ("campaign.toml:3: campaign.name holds a" in output
                          or "campaign.toml:3: invalid TOML: Illegal" in output), output


def test_text_that_only_looks_odd_is_fine():
    assert check_text("Vi\u1ec7t Nam, a\u0300\u0301, \u2019quotes\u2019, tab\there", "f", 1,
                      limit=100, what="x")


# 5. Symlinks out of the project ---------------------------------------------------------------

def test_new_locale_never_copies_a_file_linked_from_outside(campaign, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text('---\ntitle: "SECRET"\ncta: "c"\n---\nSECRET TEXT\n', "utf-8")
    flyer = campaign / "content/de/flyer.md"
    flyer.unlink()
    flyer.symlink_to(secret)
    code, output = run("new-locale", "vi", "--from", "de", "--project", str(campaign))
    assert code == 1 and "content/de/flyer.md: this is a link to a file outside" in output
    assert not (campaign / "content/vi").exists()
    code, output = run("status", "--project", str(campaign))
    assert "Traceback" not in output and "SECRET" not in output


def test_a_locale_file_linked_from_outside_is_not_read(campaign, tmp_path):
    outside = tmp_path / "locale.toml"
    outside.write_text((campaign / "content/de/locale.toml").read_text("utf-8"), "utf-8")
    (campaign / "content/de/locale.toml").unlink()
    (campaign / "content/de/locale.toml").symlink_to(outside)
    code, output = run("check", "--project", str(campaign), "-l", "de")
    assert code == 1 and "content/de/locale.toml: this is a link to a file outside" in output
    code, output = run("status", "--project", str(campaign))  # the others are not blocked
    assert code == 0 and "content/de/locale.toml: this is a link" in output, output


@pytest.mark.slow
def test_the_kit_page_never_shows_strings_linked_from_outside(campaign, tmp_path):
    out = tmp_path / "out"
    code, output = build(campaign, out, "-l", "en", "-l", "de", "-m", "flyer", "-p", "screen")
    assert code == 0, output
    strings = campaign / "content/de/strings.toml"
    outside = tmp_path / "strings.toml"
    outside.write_text(strings.read_text("utf-8").replace(
        'kit_intro = "', 'kit_intro = "SECRET '), "utf-8")
    strings.unlink()
    strings.symlink_to(outside)
    code, output = build(campaign, out, "-l", "en", "-l", "de", "-m", "flyer", "-p", "screen")
    assert code == 1 and "strings.toml: this is a link to a file outside" in output, output
    page = (out / "index.html").read_text("utf-8")
    assert 'lang="de"' in page  # the last good German PDF is still offered
    assert "SECRET" not in page


# 7. Faults are errors, not tracebacks -----------------------------------------------------------

@pytest.mark.slow
def test_a_file_where_the_locale_folder_goes(campaign, tmp_path):
    out = tmp_path / "out"  # a kit folder of its own (a stranger's folder is refused whole)
    assert build(campaign, out, "-l", "de", "-m", "flyer", "-p", "home")[0] == 0
    (out / "en").write_text("not a folder")
    code, output = build(campaign, out, "-l", "en", "-m", "flyer", "-p", "home")
    assert code == 1 and "Traceback" not in output
    assert "out/en: cannot write" in output and "a file stands where a folder" in output


def test_a_folder_where_the_manifest_goes(campaign, tmp_path):
    (tmp_path / "out/manifest.json").mkdir(parents=True)
    code, output = build(campaign, tmp_path / "out", "-l", "en", "-m", "flyer", "-p", "home")
    assert code == 1 and "manifest.json is a folder" in output and "Traceback" not in output


def test_a_manifest_this_tool_did_not_write_is_never_overwritten(campaign, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text('{"files": ["theirs"]}')
    code, output = build(campaign, out, "-l", "en", "-m", "flyer", "-p", "home")
    assert code == 1 and "was not written by pamphleteer: refusing" in output
    assert (out / "manifest.json").read_text() == '{"files": ["theirs"]}'
    assert not (out / "en").exists()


@pytest.mark.slow
@pytest.mark.parametrize("failure", [errno.ENOSPC, errno.EACCES, errno.EROFS])
def test_a_full_disk_or_a_read_only_folder_is_an_error(campaign, tmp_path, monkeypatch,
                                                       failure):
    import pamphleteer.outputs as outputs

    real = outputs.os.fdopen

    class Failing:
        def __init__(self, handle, mode):
            self.stream = real(handle, mode)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.stream.close()

        def write(self, data):
            raise OSError(failure, os.strerror(failure))

    # Writes fail; reads (os is one module: files.read_bytes opens with it too) do not.
    monkeypatch.setattr(outputs.os, "fdopen", lambda handle, mode="r", *args, **kwargs: (
        real(handle, mode, *args, **kwargs) if "r" in mode else Failing(handle, mode)))
    out = tmp_path / "out"
    code, output = build(campaign, out, "-l", "en", "-m", "flyer", "-p", "home")
    assert code == 1 and "Traceback" not in output
    assert f"cannot write {out}/en/flyer-home.pdf: {os.strerror(failure)}" in output \
        or f"cannot write: {os.strerror(failure)}" in output, output
    assert not [p for p in out.rglob("*") if p.suffix in (".pdf", ".tmp")]


# 8. One build per folder, and a manifest true to the disk ---------------------------------------

def test_two_builds_never_write_into_one_folder_at_once(campaign, tmp_path):
    from filelock import FileLock

    out = tmp_path / "out"
    (out / ".pamphleteer").mkdir(parents=True)
    with FileLock(out / ".pamphleteer/build.lock"):
        code, output = build(campaign, out, "-l", "en", "-m", "flyer", "-p", "home")
    assert code == 1 and "another build is writing into this folder" in output


@pytest.mark.slow
def test_an_interrupted_build_leaves_a_manifest_true_to_the_disk(campaign, tmp_path,
                                                                 monkeypatch):
    import pamphleteer.kit as kit

    out = tmp_path / "out"
    code, output = build(campaign, out, "-l", "en", "-m", "flyer", "-m", "handbill",
                         "-p", "home")
    assert code == 0, output
    replace_in(campaign / "content/en/flyer.md", "A ceasefire is not peace",
               "A ceasefire is not yet peace")
    replace_in(campaign / "content/en/handbill.md", "---\n\n", "---\n\nChanged. ")
    real, calls = kit.write_atomic, []

    def interrupted(path, data):
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real(path, data)

    monkeypatch.setattr(kit, "write_atomic", interrupted)
    build(campaign, out, "-l", "en", "-m", "flyer", "-m", "handbill", "-p", "home")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["outputs"], manifest
    for entry in manifest["outputs"]:
        data = (out / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["path"]


# 9. Reproducible and shareable outputs --------------------------------------------------------

@pytest.mark.slow
def test_two_checkouts_build_identical_pdfs_readable_by_others(tmp_path):
    from conftest import fixture_campaign

    previous = os.umask(0o022)
    try:
        pdfs = []
        for place in ("a", "somewhere/much/deeper"):
            (tmp_path / place).mkdir(parents=True)
            project = fixture_campaign("campaign", tmp_path / place)
            out = tmp_path / place / "dist"
            code, output = build(project, out, "-l", "en", "-m", "palmcard", "-p", "shop",
                                 "-p", "home")
            assert code == 0, output
            pdfs.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*.pdf")})
            for path in [*out.rglob("*.pdf"), out / "manifest.json"]:
                assert path.stat().st_mode & 0o777 == 0o644, path
    finally:
        os.umask(previous)
    assert pdfs[0].keys() == pdfs[1].keys() and len(pdfs[0]) == 2
    assert all(pdfs[0][name] == pdfs[1][name] for name in pdfs[0])


def test_a_cache_folder_others_can_write_to_is_refused(tmp_path):
    folder = tmp_path / "cache"
    assert private_folder(folder) == folder and folder.stat().st_mode & 0o077 == 0
    folder.chmod(0o777)
    with pytest.raises(Exception, match="others may write to it"):
        private_folder(folder)


def _die_on_two(number: int) -> int:
    if number == 2:
        os.kill(os.getpid(), 9)
    return number * 10


def test_a_worker_that_dies_fails_its_task_and_the_others_finish():
    from pamphleteer.workers import Died, run_tasks

    results = list(run_tasks(_die_on_two, [(n,) for n in range(6)], 2))
    assert [r for r in results if not isinstance(r, Died)] == [0, 10, 30, 40, 50]
    assert isinstance(results[2], Died) and "died" in str(results[2])


def _marked(mark: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and mark.encode() in (proc / "environ").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


@pytest.mark.slow
def test_workers_exit_when_their_build_is_killed(campaign, tmp_path):
    import signal
    import subprocess
    import sys
    import uuid

    mark = f"PAMPHLETEER_TEST_MARK={uuid.uuid4()}"
    env = dict(os.environ, PAMPHLETEER_TEST_MARK=mark.split("=")[1])
    build_py = Path(__file__).resolve().parent.parent / "build.py"
    main = subprocess.Popen([sys.executable, str(build_py), "build", "--project", str(campaign),
                             "--out", f"{tmp_path}/out", "-l", "en", "-j", "2"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(_marked(mark)) < 3 and time.monotonic() < deadline:  # main, server, workers
        time.sleep(0.2)
    assert len(_marked(mark)) >= 3, "the build never started its workers"
    main.send_signal(signal.SIGKILL)
    main.wait()
    deadline = time.monotonic() + 15
    while _marked(mark) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _marked(mark), "workers outlived their build"


# 6. Never a clipped or cut line ---------------------------------------------------------------

@pytest.mark.slow
def test_a_long_german_compound_is_hyphenated_never_cut_or_clipped(campaign, tmp_path):
    from pdfinspect import page_texts

    for material in ("flyer", "trifold"):
        replace_in(campaign / f"content/de/{material}.md", 'title: "',
                   'title: "Friedensvertragsverhandlungen jetzt! ')
    out = tmp_path / "out"
    code, output = build(campaign, out, "-l", "de", "-m", "flyer", "-m", "trifold",
                         "-p", "shop")
    # No word cut or clipped (a warning, or an error); the longer title may leave another
    # panel short of copy, which is the gaps check's to say.
    assert code == 0, output
    assert "is cut at the end of a line" not in output and "past the edge" not in output
    for material in ("flyer", "trifold"):
        text = "\n".join(page_texts(out / f"de/{material}-shop.pdf"))
        # Wherever a line breaks inside the word, it breaks at a hyphen.
        assert "Friedensvertragsverhandlungen" in re.sub(r"[\u2010\u00ad-]\n", "", text)
        assert not re.search(r"Frie[a-z]*[a-z]\n[a-z]+handlungen", text), text[:400]


@pytest.mark.slow
def test_a_word_no_line_can_hold_is_refused_with_its_name(campaign, tmp_path):
    flyer = campaign / "content/en/flyer.md"
    replace_in(flyer, "## The standoff", "Sign at " + "x" * 70 + " today.\n\n## The standoff")
    refused(campaign, tmp_path, "content/en/flyer.md",
            "the word '" + "x" * 70 + "' in the flyer is wider than its line even at 85%",
            "-l", "en", "-m", "flyer")


@pytest.mark.slow
@pytest.mark.parametrize("css, message", [
    (".lede { margin-top: -3in; }", "the flyer's text area is too small"),  # above its frame
    (".lede { margin-left: -2in; }", "the flyer's text area is too small"),  # left of it
    (".brand { position: relative; left: 8in; }", "runs about 28 mm past the edge of the page"),
])
def test_text_pushed_out_of_its_frame_or_past_the_trim_is_refused(campaign, tmp_path, css,
                                                                  message):
    (campaign / "templates/css/flyer.css").write_text(
        (campaign / "templates/css/flyer.css").read_text("utf-8") + "\n" + css + "\n", "utf-8")
    code, output = run("check", "--project", str(campaign), "-l", "en", "-m", "flyer")
    assert code == 1 and message in output, output


@pytest.mark.slow
def test_a_word_cut_in_a_narrow_table_column_is_a_warning(campaign):
    code, output = run("check", "--project", str(campaign), "-l", "de", "-m", "signsheet")
    assert "the word 'Postleitzahl' is cut at the end of a line in the signsheet" in output
    code, output = run("check", "--project", str(campaign), "-l", "de", "-m", "signsheet",
                       "--strict")
    assert code == 1


# The earlier attacks stay handled ----------------------------------------------------------------

@pytest.mark.slow
def test_earlier_attacks_stay_handled(campaign, tmp_path):
    import pikepdf

    from pdfinspect import page_texts

    attacks = ('<base href="file:///etc/">\n\n<object data="file:///etc/passwd"></object>\n\n'
               '<svg><image href="file:///etc/passwd"/></svg>\n\n'
               '<link rel="attachment" href="file:///etc/passwd">\n\n'
               "Template {{ campaign.name }} {% for x in range(10**9) %}x{% endfor %}\n\n"
               "[click](javascript:alert(1)) [local](file:///etc/passwd)\n\n")
    replace_in(campaign / "content/en/flyer.md", "## The standoff", attacks + "## The standoff")
    out = tmp_path / "out"
    code, output = build(campaign, out, "-l", "en", "-m", "flyer", "-p", "home", "-p", "screen")
    assert code == 0, output
    for tag in ("<base>", "<object>", "<svg>", "<image>", "<link>"):
        assert f"HTML tag {tag} is not allowed in content and was removed" in output, tag
    assert "link 'javascript:alert(1)' was removed" in output
    for profile in ("home", "screen"):
        pdf = out / f"en/flyer-{profile}.pdf"
        assert b"/etc/passwd" not in pdf.read_bytes() and b"javascript" not in pdf.read_bytes()
        with pikepdf.open(pdf) as document:
            assert "/EmbeddedFiles" not in document.Root.get("/Names", {})
        text = " ".join(page_texts(pdf))
        assert "{{ campaign.name }}" in text and "Fixture Peace Campaign Template" not in text


def test_a_document_has_a_memory_budget():
    import resource

    from pamphleteer.limits import memory_budget

    before = resource.getrlimit(resource.RLIMIT_AS)
    with memory_budget(200 * 2**20):
        assert resource.getrlimit(resource.RLIMIT_AS)[0] != resource.RLIM_INFINITY
        with pytest.raises(MemoryError):
            bytearray(2 * 2**30)  # past the budget: an error, not a machine out of memory
    assert resource.getrlimit(resource.RLIMIT_AS) == before
