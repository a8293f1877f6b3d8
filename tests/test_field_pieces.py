"""Pieces that work in the field: the call script's number, report code and lines to say in
the source language; the signature sheet's columns, return line and matching CSV."""

from __future__ import annotations

import re

import pytest

from conftest import build, run
from pdfinspect import page_texts, qr_symbols, text_runs

SWITCHBOARD = "(202) 224-3121"


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u2019", "'"))


@pytest.mark.slow
def test_the_call_script_prints_the_number_and_a_code_to_report_the_call(fixture_kit):
    front, back = (flat(t) for t in page_texts(fixture_kit / "en/callscript-screen.pdf"))
    assert f"Call {SWITCHBOARD} and ask for your representative's office." in front
    texts = {text.split("?")[0] for text, _, _ in
             qr_symbols(fixture_kit / "en/callscript-screen.pdf")}
    assert texts == {"https://example.org/fx/call", "https://example.org/fx/rep",
                     "https://example.org/fx/sign"}  # the short links
    assert "Report your call" in back and "example.org/fx/call" in back


@pytest.mark.slow
def test_other_languages_read_the_source_line_above_their_own(fixture_kit):
    runs = text_runs(fixture_kit / "de/callscript-screen.pdf")[0]

    def top_of(needle: str) -> float:
        return max(y for _, y, text in runs if needle in text)  # PDF y grows upwards

    # The caller reads out the English line; the German is there to understand it.
    assert top_of("Hello, my name is") > top_of("Hallo, mein Name ist") > \
        top_of("The fighting stopped") > top_of("Die Kämpfe endeten")
    assert "Rufen Sie" in flat(page_texts(fixture_kit / "de/callscript-screen.pdf")[0])


@pytest.mark.slow
def test_a_translation_that_drops_a_line_to_say_is_a_warning(campaign, tmp_path):
    script = campaign / "content/de/callscript.md"
    text = script.read_text(encoding="utf-8")
    script.write_text(re.sub(r"> Hallo.*?\n>\n", "", text, flags=re.DOTALL), encoding="utf-8")
    code, output = build(campaign, tmp_path / "out", "-l", "de", "-m", "callscript", "-p", "screen")
    assert code == 0, output
    assert re.search(r"warning: \S*content/de/callscript\.md:\d+: the front has 1 line\(s\) to "
                     r"say .* where the en copy has 2", output), output


def test_the_number_to_call_is_a_checked_setting(campaign):
    settings = campaign / "campaign.toml"
    settings.write_text(settings.read_text() + '\n[call]\nnumber = "call us"\n')
    code, output = run("check", "--project", str(campaign), "-l", "en", "-m", "flyer")
    assert code == 1
    assert re.search(r"campaign\.toml:\d+: (call\.number: )?'call us' must be a phone number",
                     output), output


@pytest.mark.slow
def test_a_campaign_sets_its_own_number(campaign, tmp_path):
    settings = campaign / "campaign.toml"
    text = settings.read_text().replace('report = "https://example.org/fixture/report"\n', "")
    text = text.replace('report = "https://example.org/fx/call"\n', "")
    settings.write_text(text + '\n[call]\nnumber = "+1 555 0100"\n')
    code, output = build(campaign, tmp_path / "out", "-l", "en", "-m", "callscript", "-p", "screen")
    assert code == 0, output
    front, _ = (flat(t) for t in page_texts(tmp_path / "out/en/callscript-screen.pdf"))
    assert "Call +1 555 0100 and ask" in front
    assert len(qr_symbols(tmp_path / "out/en/callscript-screen.pdf")) == 2  # no report link


def test_the_call_line_must_keep_its_number(campaign):
    strings = campaign / "content/de/strings.toml"
    strings.write_text(strings.read_text(encoding="utf-8").replace("{number}", "die Nummer"),
                       encoding="utf-8")
    code, output = run("check", "--project", str(campaign), "-l", "de", "-m", "callscript")
    assert code == 1
    assert re.search(r"content/de/strings\.toml:\d+: 'call_line' must keep \{number\}", output)


@pytest.mark.slow
def test_the_signature_sheet_asks_for_what_a_district_needs(fixture_kit):
    import csv
    import tomllib

    from pamphleteer.materials import SIGNATURE_COLUMNS

    strings = tomllib.loads((fixture_kit.parent / "campaign/content/en/strings.toml")
                            .read_text(encoding="utf-8"))
    headers = [strings[key] for key in SIGNATURE_COLUMNS]
    assert "Signature" in headers and "Street address" in headers
    # The header row, left to right, row number first (one line of text in the PDF).
    runs = [flat(text) for _, _, text in text_runs(fixture_kit / "en/signsheet-shop.pdf")[0]]
    assert " ".join(headers) in runs, runs
    text = flat(page_texts(fixture_kit / "en/signsheet-shop.pdf")[0])
    assert re.search(r"Return completed sheets to _+ by _+", text), text
    with open(fixture_kit / "en/signsheet.csv", encoding="utf-8-sig", newline="") as stream:
        assert next(csv.reader(stream)) == [*headers, strings["sheet"]]
