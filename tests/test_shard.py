"""Reading a shard's manifest (``shard.read_shard``) without building one: every field of a
synthetic manifest, broken one at a time, is refused with the file and the field. (The
end-to-end attacks on real shards are in test_untrusted_merge.py, which builds them.)"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from pamphleteer import __version__
from pamphleteer.errors import BuildError
from pamphleteer.project import load_project
from pamphleteer.shard import MAX_DEPTH, read_shard

SHA = "ab" * 32


def manifest(name: str) -> dict:
    """A manifest as a build of the campaign ``name`` writes one: two PDFs (one an event's),
    the signature-sheet CSV, one event."""
    flyer = {"path": "en/flyer-home.pdf", "locale": "en", "material": "flyer",
             "profile": "home", "content_locale": "en", "event": None, "pages": 1,
             "bytes": 1000, "sha256": SHA, "fit_scale": 0.92,
             "qr": [{"purpose": "petition", "url": "https://example.org/sign?utm_source=print",
                     "verified": True}],
             "warnings": [], "translation": "source"}
    vigil = {**copy.deepcopy(flyer), "path": "events/harbour-vigil/en/flyer-home.pdf",
             "event": "harbour-vigil", "fit_scale": 1}
    return {"campaign": name, "generator": f"pamphleteer {__version__}",
            "outputs": [flyer, vigil],
            "files": [{"path": "en/signsheet.csv", "kind": "signature-sheet CSV",
                       "bytes": 90, "sha256": SHA},
                      {"path": "index.html", "kind": "kit page", "bytes": 10, "sha256": SHA}],
            "events": {"harbour-vigil": {"name": "Harbour vigil", "date": "2099-07-27",
                                         "time": "19:30", "place": "Harbour Square",
                                         "address": "1 Quay Road", "host": "Peace Circle"}}}


@pytest.fixture
def shard(campaign: Path, tmp_path: Path) -> Callable[[object], Path]:
    """``shard(data)``: a shard folder whose manifest.json is ``data`` (a dict, or text)."""
    def make(data: object) -> Path:
        folder = tmp_path / "shard"
        folder.mkdir(exist_ok=True)
        text = data if isinstance(data, str) else json.dumps(data)
        (folder / "manifest.json").write_text(text, "utf-8")
        return folder
    return make


def name_of(campaign: Path) -> str:
    return load_project(campaign).name


def test_a_manifest_as_a_build_writes_it_is_read(campaign, shard):
    read = read_shard(load_project(campaign), shard(manifest(name_of(campaign))))
    assert [o.path for o in read.outputs] == ["en/flyer-home.pdf",
                                             "events/harbour-vigil/en/flyer-home.pdf"]
    assert read.csvs == {"en/signsheet.csv": (SHA, 90)}
    assert list(read.events) == ["harbour-vigil"] and read.keys == {}


def _set(where: tuple, value: object) -> Callable[[dict], None]:
    def change(data: dict) -> None:
        target = data
        for key in where[:-1]:
            target = target[key]
        if value is KeyError:
            del target[where[-1]]
        else:
            target[where[-1]] = value
    return change


BROKEN = {
    "no outputs": (_set(("outputs",), KeyError), "the manifest has no 'outputs'"),
    "an unknown top key": (_set(("extra",), 1), "the manifest has an unknown key 'extra'"),
    "outputs not a list": (_set(("outputs",), {}), "outputs must be a list, not an object"),
    "an entry not an object": (_set(("outputs", 0), "x"), "outputs[0] must be an object"),
    "a missing field": (_set(("outputs", 0, "sha256"), KeyError), "outputs[0] has no 'sha256'"),
    "an unknown field": (_set(("outputs", 0, "script"), "x"),
                         "outputs[0] has an unknown key 'script'"),
    "a locale of another campaign": (_set(("outputs", 0, "locale"), "fr"),
                                     "locale 'fr' is not a language of this campaign"),
    "a dotted material": (_set(("outputs", 0, "material"), "../flyer"),
                          "material '../flyer' is not a material"),
    "a profile unknown": (_set(("outputs", 0, "profile"), "print"),
                          "profile 'print' is not a profile"),
    "a text language": (_set(("outputs", 0, "content_locale"), "ko"),
                        "content_locale 'ko' is not the language of its text"),
    "a translation state": (_set(("outputs", 0, "translation"), "done"),
                            "translation 'done' is not a translation status"),
    "an event not listed": (_set(("outputs", 1, "event"), "other"),
                            "event 'other' is not one of this manifest's events"),
    "an event on a signature sheet": (
        lambda d: d["outputs"][1].update(material="signsheet",
                                         path="events/harbour-vigil/en/signsheet-home.pdf"),
        "a signsheet never carries an event"),
    "a path of its own": (_set(("outputs", 0, "path"), "./en/flyer-home.pdf"),
                          "is not where its locale, material, profile and event put it"),
    "pages as text": (_set(("outputs", 0, "pages"), "1"),
                      "pages must be a whole number, not text"),
    "pages as true": (_set(("outputs", 0, "pages"), True),
                      "pages must be a whole number, not true or false"),
    "no pages": (_set(("outputs", 0, "pages"), 0), "pages must be a number from 1 to 1,000"),
    "a giant PDF": (_set(("outputs", 0, "bytes"), 10**12), "bytes must be a number from 0"),
    "a scale of nothing": (_set(("outputs", 0, "fit_scale"), 0.0),
                           "fit_scale must be a number from 0.01 to 10"),
    "a hash of capitals": (_set(("outputs", 0, "sha256"), SHA.upper()),
                           "sha256 must be 64 hex digits"),
    "too many codes": (_set(("outputs", 0, "qr"), [{}] * 9), "more than 8 QR codes"),
    "a code of no purpose": (_set(("outputs", 0, "qr", 0, "purpose"), "tip"),
                             "purpose 'tip' is not a link's purpose"),
    "a javascript code": (_set(("outputs", 0, "qr", 0, "url"), "javascript:alert(1)"),
                          "url 'javascript:alert(1)'"),
    "a code verified as text": (_set(("outputs", 0, "qr", 0, "verified"), "yes"),
                                "verified must be true or false, not text"),
    "a warning not text": (_set(("outputs", 0, "warnings"), [1]),
                           "warnings[0] must be text, not a whole number"),
    "a warning with a control": (_set(("outputs", 0, "warnings"), ["ring\x07"]),
                                 "warnings[0] holds a control character (U+0007)"),
    "too many warnings": (_set(("outputs", 0, "warnings"), ["w"] * 201),
                          "more than 200 warnings"),
    "a listed file with a bad hash": (_set(("files", 1, "sha256"), 1),
                                      "files[1]: sha256 must be text, not a whole number"),
    "a CSV anywhere else": (_set(("files", 0, "path"), "../signsheet.csv"),
                            "is not <locale>/signsheet.csv for a language of this campaign"),
    "a dotted event slug": (lambda d: d["events"].update({"../up": d["events"]["harbour-vigil"]}),
                            "'../up' is not an event's slug"),
    "an event link not https": (_set(("events", "harbour-vigil", "links"),
                                      {"petition": "javascript:alert(1)"}),
                                "links.petition: 'javascript:alert(1)' must be a full https://"),
    "a PDF listed twice": (lambda d: d["outputs"].append(copy.deepcopy(d["outputs"][0])),
                           "the manifest lists en/flyer-home.pdf twice"),
    "another campaign": (_set(("campaign",), "Someone Else"),
                         "this kit is of the campaign 'Someone Else'"),
    "another generator": (_set(("generator",), "pdfgen 1"),
                          "this manifest was not written by pamphleteer"),
    "another version": (_set(("generator",), "pamphleteer 0.0.1"),
                        "build every shard with the same version"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_field_is_refused_naming_the_file_and_field(campaign, shard, case):
    change, said = BROKEN[case]
    data = manifest(name_of(campaign))
    change(data)
    folder = shard(data)
    with pytest.raises(BuildError) as caught:
        read_shard(load_project(campaign), folder)
    message = caught.value.format_message()
    assert said in message, message
    assert "manifest.json" in message and "\n" not in message


@pytest.mark.parametrize(("text", "said"), [
    ('{"campaign": "a", "campaign": "b"}', "the key 'campaign' twice in one object"),
    ('{"outputs": [NaN]}', "the number NaN"),
    ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), f"JSON nested more than {MAX_DEPTH} deep"),
    ("{", "not valid JSON"),
    ("[]", "this manifest was not written by pamphleteer"),
    ('{"\\u0007": 1}', "that is no name"),
])
def test_json_pamphleteer_never_writes_is_refused(campaign, shard, text, said):
    with pytest.raises(BuildError) as caught:
        read_shard(load_project(campaign), shard(text))
    assert said in caught.value.format_message()


def test_a_link_in_a_shard_is_refused_wherever_it_points(campaign, shard):
    folder = shard(manifest(name_of(campaign)))
    (folder / "en").mkdir()
    (folder / "en/flyer-home.pdf").symlink_to(folder / "manifest.json")  # even one inside
    with pytest.raises(BuildError) as caught:
        read_shard(load_project(campaign), folder)
    assert "a link (to " in caught.value.format_message()
    assert "merge takes no links, wherever they point" in caught.value.format_message()


@pytest.mark.parametrize(("cache", "said"), [
    ({"keys": {"en/flyer-home.pdf": ["x"]}}, "this build cache is not as pamphleteer writes it"),
    ({"keys": {"en/flyer-home.pdf": "short"}}, "this build cache is not as pamphleteer"),
    ([], "this build cache is not as pamphleteer writes it"),
])
def test_a_cache_of_the_wrong_shape_is_refused(campaign, shard, cache, said):
    folder = shard(manifest(name_of(campaign)))
    (folder / ".pamphleteer").mkdir()
    (folder / ".pamphleteer/cache.json").write_text(json.dumps(cache))
    with pytest.raises(BuildError) as caught:
        read_shard(load_project(campaign), folder)
    assert said in caught.value.format_message()


def test_the_cache_keys_of_a_shard_are_read(campaign, shard):
    folder = shard(manifest(name_of(campaign)))
    (folder / ".pamphleteer").mkdir()
    (folder / ".pamphleteer/cache.json").write_text(
        json.dumps({"keys": {"en/flyer-home.pdf": SHA}}))
    assert read_shard(load_project(campaign), folder).keys == {"en/flyer-home.pdf": SHA}


# merge itself, on synthetic shards: small real PDFs (pikepdf), manifests that tell the truth --

def tiny_pdf(text: str) -> bytes:
    """A one-page letter PDF that differs by ``text`` (a merge checks it opens, not what
    it shows)."""
    import io

    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(612, 792))
    pdf.docinfo["/Title"] = text
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True)
    return buffer.getvalue()


def real_shard(campaign: Path, folder: Path, pdfs: dict[str, bytes]) -> Path:
    """A shard folder holding ``pdfs`` (path -> bytes) and a manifest true to them."""
    import hashlib

    data = manifest(name_of(campaign))
    template = data["outputs"][0]
    data["outputs"], data["files"] = [], []
    data.pop("events")
    for path, pdf in pdfs.items():
        locale, name = path.split("/")
        material, profile = name.removesuffix(".pdf").split("-")
        (folder / locale).mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(pdf)
        data["outputs"].append({**template, "path": path, "locale": locale,
                                "material": material, "profile": profile,
                                "content_locale": locale, "bytes": len(pdf),
                                "sha256": hashlib.sha256(pdf).hexdigest(),
                                "translation": "source" if locale == "en" else "translated"})
    (folder / "manifest.json").write_text(json.dumps(data), "utf-8")
    return folder


def test_two_synthetic_shards_merge_into_one_kit(campaign, tmp_path):
    from pamphleteer.merge import merge

    project = load_project(campaign)
    a = real_shard(campaign, tmp_path / "a", {"en/flyer-home.pdf": tiny_pdf("a")})
    b = real_shard(campaign, tmp_path / "b", {"en/poster-home.pdf": tiny_pdf("b"),
                                              "en/flyer-home.pdf": tiny_pdf("a")})
    copied, page = merge(project, [a, b], tmp_path / "kit")
    assert sorted(copied) == ["en/flyer-home.pdf", "en/poster-home.pdf"]
    kit = json.loads((tmp_path / "kit/manifest.json").read_text("utf-8"))
    assert [e["path"] for e in kit["outputs"]] == ["en/flyer-home.pdf", "en/poster-home.pdf"]
    assert (tmp_path / "kit/en/poster-home.pdf").read_bytes() == tiny_pdf("b")
    assert page == tmp_path / "kit/index.html" and "poster-home.pdf" in page.read_text("utf-8")


@pytest.mark.parametrize(("make", "said"), [
    (lambda c, t: [real_shard(c, t / "a", {"en/flyer-home.pdf": tiny_pdf("a")}),
                   real_shard(c, t / "b", {"en/flyer-home.pdf": tiny_pdf("b")})],
     "en/flyer-home.pdf differs between"),
    (lambda c, t: [real_shard(c, t / "a", {"en/flyer-home.pdf": b"%PDF-1.7 no"})],
     "not a PDF a build wrote"),
    (lambda c, t: [_changed(real_shard(c, t / "a", {"en/flyer-home.pdf": tiny_pdf("a")}))],
     "en/flyer-home.pdf does not match its manifest entry"),
    (lambda c, t: [real_shard(c, t / "a", {"en/flyer-home.pdf": _scripted()})],
     "this PDF holds a /OpenAction entry, which a build never writes"),
])
def test_a_synthetic_shard_that_lies_is_refused_and_nothing_written(campaign, tmp_path,
                                                                   make, said):
    from pamphleteer.merge import merge

    sources = make(campaign, tmp_path)
    kit = tmp_path / "kit"
    with pytest.raises(BuildError) as caught:
        merge(load_project(campaign), sources, kit)
    assert said in caught.value.format_message()
    assert not list(kit.rglob("*.pdf")) and not list(kit.glob(".pamphleteer/merge-*"))


def _changed(folder: Path) -> Path:
    (folder / "en/flyer-home.pdf").write_bytes(tiny_pdf("changed"))
    return folder


def _scripted() -> bytes:
    import io

    import pikepdf

    pdf = pikepdf.open(io.BytesIO(tiny_pdf("a")))
    pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript,
                                             JS=pikepdf.String("app.alert(1)"))
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True)
    return buffer.getvalue()
