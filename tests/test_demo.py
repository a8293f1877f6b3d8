"""The demo campaign (this repository's own, which organizers edit freely): one smoke build.

Every other test uses the fixture campaigns in tests/fixtures, so that an organizer who
rewrites the demo's copy, links or edition date never turns CI red. This test asserts only
what any campaign's build must give, never the demo's words.
"""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, run


@pytest.mark.slow
def test_the_demo_campaign_builds(tmp_path):
    out = tmp_path / "dist"
    code, output = run("build", "--project", str(ROOT), "--out", str(out), "-m", "flyer",
                       "-p", "home", "-p", "screen")
    assert code == 0, output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["outputs"] and (out / "index.html").is_file()
    for entry in manifest["outputs"]:
        assert (out / entry["path"]).stat().st_size == entry["bytes"]
        assert entry["qr"] and all(code["verified"] for code in entry["qr"]), entry
