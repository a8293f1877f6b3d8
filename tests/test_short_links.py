"""Short, clean links in codes: a short link per link and per event, one compact tracking
parameter on the campaign's own sites only, error correction M or Q, density warnings."""

from __future__ import annotations

import re

import pytest

from pamphleteer.errors import ConfigError
from pamphleteer.events import load_event
from pamphleteer.materials import MATERIALS
from pamphleteer.piece import code_link, prepare
from pamphleteer.project import load_project
from pamphleteer.qr import max_version, module_mm, symbol, tracked_url

from conftest import edit, line_number


def test_the_densest_version_keeps_modules_at_the_floor():
    assert max_version(1.05, 0.8) == 4  # 33 modules of 0.81 mm
    assert max_version(0.92, 0.8) == 3  # the call script's three codes: 29 of 0.81 mm
    assert max_version(2.45, 1.2) == 8  # the poster: 49 of 1.27 mm
    assert module_mm(4, 1.05) == pytest.approx(0.808, abs=0.001)
    for material in MATERIALS.values():
        if material.qr:
            assert module_mm(max_version(material.qr_size, material.min_module),
                             material.qr_size) >= material.min_module


def test_error_correction_is_q_where_it_fits_else_m_never_l():
    short = "https://example.org/kp/sign?ref=cs-en"  # 37 bytes
    assert symbol(short, 4)[1:] == (4, "Q")  # Q holds 46 bytes at version 4
    assert symbol(short, 3)[1:] == (3, "M")  # Q would need version 4: M holds 42 at 3
    long = "https://www.house.gov/representatives/find-your-representative"  # 62 bytes
    assert symbol(long, 4)[1:] == (4, "M")
    assert symbol(long, 3)[1:] == (4, "M")  # denser than asked: M still, the build warns
    assert symbol(long, 40)[2] == "Q"


def test_tracking_is_one_compact_parameter():
    assert tracked_url("https://example.org/p", "ref", "fl-en") == "https://example.org/p?ref=fl-en"
    # Its own earlier value is replaced; the link's other parameters stay.
    assert tracked_url("https://example.org/p?id=7&ref=old", "ref", "hb-es-vigil") == \
        "https://example.org/p?id=7&ref=hb-es-vigil"


def test_codes_carry_the_short_link_with_tracking_and_print_it(project):
    loaded = load_project(project)
    piece, notes = prepare(loaded, "en", MATERIALS["flyer"], ("home",))
    codes = {code.purpose: code for code in piece.codes["home"]}
    assert codes["petition"].url == "https://example.org/fx/sign?ref=fl-en"
    assert codes["petition"].display == "example.org/fx/sign"
    assert codes["representatives"].level in ("M", "Q")
    assert not notes


def test_another_site_s_short_link_is_coded_without_tracking(project):
    edit(project, 'petition = "https://example.org/fx/sign"',
         'petition = "https://bit.ly/3xAmpLe"')
    piece, _ = prepare(load_project(project), "en", MATERIALS["flyer"], ("home",))
    assert piece.codes["home"][0].url == "https://bit.ly/3xAmpLe"  # not the campaign's site


def test_the_tracking_parameter_can_be_named(project):
    edit(project, "[short_links]", '[tracking]\nparameter = "utm_source"\n\n[short_links]')
    piece, _ = prepare(load_project(project), "en", MATERIALS["flyer"], ("home",))
    assert piece.codes["home"][0].url == "https://example.org/fx/sign?utm_source=fl-en"


@pytest.mark.parametrize(("old", "new", "message"), [
    ('report = "https://example.org/fx/call"', 'kit = "https://example.org/fx/kit"',
     r"short_links\.kit: unknown setting \(known here: petition, report, representatives\)"),
    ('petition = "https://example.org/fx/sign"', 'petition = "http://example.org/fx/sign"',
     r"short_links\.petition: 'http://example\.org/fx/sign' must be a full https:// address"),
    ("[short_links]", '[tracking]\nparameter = "Ref Me"\n\n[short_links]',
     r"tracking\.parameter: 'Ref Me' must be a query parameter name"),
])
def test_short_link_mistakes_name_the_key_and_line(project, old, new, message):
    edit(project, old, new)
    with pytest.raises(ConfigError, match=message) as error:
        load_project(project)
    key = next(line for line in new.splitlines() if "=" in line)
    assert error.value.line == line_number(project, key)


def test_a_short_link_needs_the_link_it_stands_for(project):
    edit(project, 'report = "https://example.org/fixture/report"\n', "")
    with pytest.raises(ConfigError, match=r"short_links\.report: there is no \[links\] report"):
        load_project(project)


def test_an_event_s_own_link_is_not_coded_as_the_campaign_s_short_link(project, tmp_path):
    loaded = load_project(project)
    path = tmp_path / "vigil.toml"
    fields = ('name = "Vigil"\nslug = "vigil"\ndate = 2027-07-27\ntime = "19:30"\n'
              'place = "Park"\naddress = "1 Main St"\nhost = "Friends"\n')
    path.write_text(fields + '[links]\npetition = "https://example.org/vigil/petition"\n')
    event = load_event(loaded, path)
    assert code_link(loaded, "petition", event) == "https://example.org/vigil/petition"
    assert code_link(loaded, "representatives", event) == "https://example.org/fx/rep"
    path.write_text(fields + '[links]\npetition = "https://example.org/vigil/petition"\n'
                    '[short_links]\npetition = "https://example.org/v"\n')
    event = load_event(loaded, path)
    assert code_link(loaded, "petition", event) == "https://example.org/v"
    piece, _ = prepare(loaded, "en", MATERIALS["handbill"], ("home",), event)
    assert piece.codes["home"][0].url == "https://example.org/v?ref=hb-en-vigil"


def test_a_code_too_dense_for_its_piece_names_the_link_to_shorten(project, tmp_path):
    loaded = load_project(project)
    path = tmp_path / "vigil.toml"
    path.write_text('name = "Vigil"\nslug = "a-vigil-with-a-very-long-slug-32"\ndate = 2027-07-27\n'
                    'time = "19:30"\nplace = "Park"\naddress = "1 Main St"\nhost = "Friends"\n'
                    '[short_links]\npetition = "https://example.org/vigil-petition-page"\n')
    event = load_event(loaded, path)
    _, notes = prepare(loaded, "en", MATERIALS["palmcard"], ("home",), event)
    message = next(note for note in notes if "petition code" in note.message)
    assert message.file == path and message.line == 9
    assert re.search(r"its modules print 0\.\d\d mm wide, under the 0\.8 mm .* shorten "
                     r"\[short_links\] petition \(or give the event a shorter slug",
                     message.message)
