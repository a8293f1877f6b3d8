"""Events: a rally's file is checked line by line, and stamped onto its own pieces and codes."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from pamphleteer.errors import UsageError
from pamphleteer.events import load_events
from pamphleteer.kit import plan, shard
from pamphleteer.materials import MATERIALS
from pamphleteer.profiles import PROFILES
from pamphleteer.project import load_project

from conftest import FIXTURES, build
from pdfinspect import page_texts, qr_texts

EVENT = (FIXTURES / "events/harbour-vigil.toml").read_text("utf-8")  # a rally, 8 lines


def event_file(folder: Path, text: str = EVENT, name: str = "harbour.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("locale", "expected"), [
    ("en", "Monday, July 27, 2099, 7:30\u00a0PM"),
    ("de", "Montag, 27. Juli 2099, 19:30"),
    ("es", "lunes, 27 de julio de 2099, 19:30"),
    ("ko", "2099년 7월 27일 월요일 오후 7:30"),
])
def test_the_date_is_written_the_locales_way(campaign, tmp_path, locale, expected):
    project = load_project(campaign)
    event, = load_events(project, event_file(tmp_path / "events"))
    assert event.when(locale) == expected


@pytest.mark.parametrize(("change", "message"), [
    (("host = ", "hots = "), r"harbour\.toml:8: hots: unknown setting"),
    (("date = 2099-07-27", 'date = "2099-07-27"'), r"harbour\.toml:4: date: must be a date"),
    (('time = "19:30"', 'time = "7.30pm"'), r"harbour\.toml:5: time: '7\.30pm' is not a time"),
    (('time = "19:30"', "time = 1930"), r"harbour\.toml:5: time: must be .*, not int"),
    (('slug = "harbour-vigil"', 'slug = "Harbour Vigil"'), r"harbour\.toml:3: slug: "),
    (('place = "Harbour Square"', "place = 7"), r"harbour\.toml:6: place: must be a string"),
    (('place = "Harbour Square"', 'place = ""'), r"harbour\.toml:6: place: must not be empty"),
    (('name = "Harbour vigil for peace"', ""), r"harbour\.toml: missing required setting 'name'"),
    (("# A rally", 'locales = ["en", "xx"]\n# A rally'),
     r"harbour\.toml:1: locales: unknown locale 'xx'"),
    (("# A rally", 'locales = [["en"]]\n# A rally'),
     r"harbour\.toml:1: locales: must be a list of locale codes in quotes"),
    (("# A rally", '[links]\npetition = "http://example.org/p"\n# A rally'),
     r"harbour\.toml:2: links\.petition: .*https://"),
])
def test_a_broken_event_file_names_its_line(campaign, tmp_path, change, message):
    path = event_file(tmp_path / "events", EVENT.replace(*change))
    if change[1].startswith("[links]"):  # a table must come after the top-level keys
        path.write_text(EVENT + change[1].split("\n# A rally")[0] + "\n", encoding="utf-8")
        message = message.replace(":2:", ":10:")
    code, output = build(campaign, tmp_path / "out", "--event", str(path))
    assert code == 1, output
    assert re.search(message, output), output
    assert "Traceback" not in output


def test_two_events_with_one_slug_and_an_empty_folder_are_refused(campaign, tmp_path):
    folder = tmp_path / "events"
    folder.mkdir()
    code, output = build(campaign, tmp_path / "out", "--event", str(folder))
    assert code == 1 and "no event files (*.toml) in this folder" in output, output
    event_file(folder, name="a.toml")
    event_file(folder, name="b.toml")
    code, output = build(campaign, tmp_path / "out", "--event", str(folder))
    assert code == 1, output
    assert re.search(r"b\.toml:3: slug: 'harbour-vigil' is also the slug of a\.toml", output)


def test_an_event_plans_only_the_materials_that_carry_one(campaign, tmp_path):
    project = load_project(campaign)
    events = load_events(project, event_file(tmp_path / "events", "locales = ['de']\n" + EVENT))
    jobs = plan(project, events=events)
    assert {job.material for job in jobs} == {"flyer", "handbill", "poster", "palmcard"}
    assert {job.locale for job in jobs} == {"de"}
    assert jobs[0].path == "events/harbour-vigil/de/flyer-home.pdf"
    with pytest.raises(UsageError, match="no event is held in en"):
        plan(project, locales=["en"], events=events)
    code, output = build(campaign, tmp_path / "out", "--event", str(events[0].path),
                         "-m", "booklet")
    assert code == 2 and "none of these materials carries an event" in output, output


def test_a_past_event_is_a_warning_and_an_error_under_strict(campaign, tmp_path):
    path = event_file(tmp_path / "events", EVENT.replace("2099-07-27", "2020-03-01"))
    code, output = build(campaign, tmp_path / "out", "--event", str(path), "--strict")
    assert code == 1, output
    assert re.search(r"harbour\.toml:4: this event was on 2020-03-01, in the past", output)
    assert not (tmp_path / "out/events").exists()


def test_event_text_the_fonts_cannot_draw_names_the_event_file(campaign, tmp_path):
    path = event_file(tmp_path / "events", EVENT.replace("Harbour Square", "항구 광장"))
    code, output = build(campaign, tmp_path / "out", "--event", str(path), "-l", "en",
                         "-m", "flyer", "-p", "screen")
    assert code == 1, output
    assert re.search(r"harbour\.toml:6: the 'en' pieces print this event, but no bundled "
                     r"font for 'en' can draw '항'", output), output


def test_shards_deal_out_whole_documents(campaign, tmp_path):
    project = load_project(campaign)
    jobs = plan(project)
    slices = [shard(jobs, k, 4) for k in range(1, 5)]
    assert sorted(j.path for s in slices for j in s) == sorted(j.path for j in jobs)
    for piece in slices:  # every profile of a document is in the same slice
        documents = {(j.locale, j.material) for j in piece}
        assert len(piece) == sum(1 for locale, material in documents for p in PROFILES.values()
                                 if p.kind == MATERIALS[material].kind)
    assert shard(jobs, 2, 4) == slices[1]  # the same slice every time
    assert max(map(len, slices)) - min(map(len, slices)) <= 3


@pytest.mark.slow
def test_an_event_flyer_carries_its_date_place_host_and_slug(campaign, tmp_path):
    path = event_file(tmp_path / "events")
    out = tmp_path / "out"
    code, output = build(campaign, out, "--event", str(path), "-l", "en", "-l", "de",
                         "-m", "flyer", "-p", "home", "-p", "shop", "--strict")
    assert code == 0, output
    for locale, when in (("en", "Monday, July 27, 2099, 7:30 PM"),
                         ("de", "Montag, 27. Juli 2099, 19:30")):
        pdf = out / f"events/harbour-vigil/{locale}/flyer-home.pdf"
        text = re.sub(r"\s+", " ", page_texts(pdf)[0])
        for words in (when, "Harbour vigil for peace", "Harbour Square", "1 Quay Road",
                      "Harbour Peace Circle"):
            assert words in text, (locale, words, text)
        codes = [url for page in qr_texts(pdf) for url in page]
        assert len(codes) == 2, codes
        for url in codes:
            assert url.endswith(f"?ref=fl-{locale}-harbour-vigil"), url
    manifest = json.loads((out / "manifest.json").read_text())
    assert {e["event"] for e in manifest["outputs"]} == {"harbour-vigil"}
    assert {e["path"] for e in manifest["outputs"]} == {
        f"events/harbour-vigil/{loc}/flyer-{p}.pdf" for loc in ("en", "de")
        for p in ("home", "shop")}
    # An edit to the event rebuilds its pieces; nothing else changed, nothing else is built.
    path.write_text(EVENT.replace("1 Quay Road", "2 Quay Road"), encoding="utf-8")
    code, output = build(campaign, out, "--event", str(path), "-l", "en", "-m", "flyer",
                         "-p", "home")
    assert code == 0 and output.count("wrote ") == 1, output
    text = page_texts(out / "events/harbour-vigil/en/flyer-home.pdf")[0]
    assert "2 Quay Road" in re.sub(r"\s+", " ", text)


@pytest.mark.slow
def test_a_past_event_builds_with_a_warning(campaign, tmp_path):
    path = event_file(tmp_path / "events", EVENT.replace("2099-07-27", dt.date(2020, 3, 1)
                                                         .isoformat()))
    code, output = build(campaign, tmp_path / "out", "--event", str(path), "-l", "en",
                         "-m", "palmcard", "-p", "screen")
    assert code == 0, output
    assert "warning: " in output and "in the past" in output, output
    assert (tmp_path / "out/events/harbour-vigil/en/palmcard-screen.pdf").is_file()


@pytest.mark.slow
def test_every_material_that_carries_an_event_fits_it(campaign, tmp_path):
    """The handbill, poster and palm card take the event block within the fit's rules (no
    overflow, no hole: warnings fail under --strict), and print it."""
    path = event_file(tmp_path / "events", EVENT.replace(
        "Harbour Peace Circle", "Harbour Peace Circle and the Friends of the Quay"))
    out = tmp_path / "out"
    code, output = build(campaign, out, "--event", str(path), "-l", "en", "-m", "handbill",
                         "-m", "poster", "-m", "palmcard", "-p", "shop", "--strict")
    assert code == 0, output
    for material in ("handbill", "poster", "palmcard"):
        text = re.sub(r"\s+", " ", " ".join(page_texts(
            out / f"events/harbour-vigil/en/{material}-shop.pdf")))
        for words in ("Monday, July 27, 2099, 7:30 PM", "Harbour Square",
                      "Hosted by Harbour Peace Circle and the Friends of the Quay"):
            assert words in text, (material, words)


def test_an_event_s_own_link_replaces_the_campaign_s_in_its_codes(campaign, tmp_path):
    from pamphleteer.materials import MATERIALS
    from pamphleteer.piece import prepare

    project = load_project(campaign)
    event, = load_events(project, event_file(
        tmp_path / "events", EVENT + '\n[links]\npetition = "https://example.org/harbour"\n'))
    piece = prepare(project, "en", MATERIALS["flyer"], ("screen",), event)[0]
    urls = {code.purpose: code.url for code in piece.codes["screen"]}
    # The event's own link, with no short link of its own: the campaign's short petition link
    # leads to the campaign's page, not the event's.
    assert urls["petition"] == "https://example.org/harbour?ref=fl-en-harbour-vigil"
    assert urls["representatives"] == project.short_links["representatives"] + \
        "?ref=fl-en-harbour-vigil"
