"""One declared schema for campaign.toml: what the build checks and what the README says."""

from __future__ import annotations

import re

from pamphleteer import settings
from pamphleteer.locales import FONT_ROLES
from pamphleteer.project import COLOR_NAMES, LINK_PURPOSES, OPTIONAL_LINKS, PAGE_LINKS
from pamphleteer.starter import STARTER

from conftest import ROOT, run


def test_the_readme_settings_table_is_the_schema():
    readme = (ROOT / "README.md").read_text("utf-8")
    table = readme.split(settings.START, 1)[1].split(settings.END, 1)[0]
    assert table == settings.markdown(), "run: python -m pamphleteer.settings README.md"


def test_the_schema_is_what_the_build_checks(campaign):
    assert settings.keys("links") == (set(LINK_PURPOSES + OPTIONAL_LINKS + PAGE_LINKS),
                                      set(LINK_PURPOSES))
    assert settings.keys("brand")[0] == set(COLOR_NAMES)
    assert settings.keys("fonts")[0] == set(FONT_ROLES)
    assert all(setting.description and setting.kind for setting in settings.SETTINGS)
    # Every key the starter's settings hold is declared (and so documented).
    text = (STARTER / "campaign.toml").read_text()
    table = ""
    for line in text.splitlines():
        if header := re.match(r"\[(\w+)\]", line):
            table = header[1]
        elif key := re.match(r"(\w+) = ", line):
            assert f"{table}.{key[1]}" in {s.key for s in settings.SETTINGS}, (table, key[1])
    # An unknown key is refused by name, listing the declared ones.
    path = campaign / "campaign.toml"
    assert "[print]" not in path.read_text()
    path.write_text(path.read_text() + "\n[print]\npaper = 1\n")
    code, output = run("status", "--project", str(campaign))
    assert code == 1 and "print.paper: unknown setting (known here: condition, output_intent)" \
        in output, output
