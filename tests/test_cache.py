"""The build cache: nothing changed, nothing rendered; one file edited, only what depends on
it rebuilt; a cache that cannot be read, or a PDF changed on disk, costs a rebuild, no error."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, build

JOBS = ["-l", "en", "-l", "de", "-m", "flyer", "-m", "callscript", "-p", "home"]
ALL = {"en/flyer-home.pdf", "de/flyer-home.pdf", "en/callscript-home.pdf",
       "de/callscript-home.pdf"}


def rebuilt(campaign: Path, out: Path, *extra: str) -> set[str]:
    code, output = build(campaign, out, *JOBS, *extra)
    assert code == 0, output
    return set(re.findall(r"wrote \S*?/([a-z]{2}/\S+\.pdf)", output))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.slow
def test_only_what_an_edit_touches_is_rebuilt(campaign, tmp_path, monkeypatch):
    (campaign / "assets").unlink()  # a real folder, so that an asset can be edited
    shutil.copytree(ROOT / "assets", campaign / "assets")
    out = tmp_path / "out"
    assert rebuilt(campaign, out) == ALL
    times = {name: (out / name).stat().st_mtime_ns for name in ALL}
    assert rebuilt(campaign, out) == set()  # nothing changed: nothing rendered
    assert times == {name: (out / name).stat().st_mtime_ns for name in ALL}
    content = campaign / "content"
    edit(content / "de/flyer.md", "Der Koreakrieg", "Der Korea-Krieg")
    assert rebuilt(campaign, out) == {"de/flyer-home.pdf"}  # its content file
    # The source's call script is printed beside every translation of it.
    edit(content / "en/callscript.md", "Hello", "Hi")
    assert rebuilt(campaign, out) == {"en/callscript-home.pdf", "de/callscript-home.pdf"}
    edit(content / "de/strings.toml", 'paid_for_by = "', 'paid_for_by = "Bezahlt: ')
    assert rebuilt(campaign, out) == {"de/flyer-home.pdf", "de/callscript-home.pdf"}
    edit(content / "de/locale.toml", 'paper = "a4"', '# the paper\npaper = "a4"')
    assert rebuilt(campaign, out) == {"de/flyer-home.pdf", "de/callscript-home.pdf"}
    edit(campaign / "templates/css/flyer.css", "columns: 2", "columns: 2 ")
    assert rebuilt(campaign, out) == ALL  # the templates and CSS
    edit(campaign / "campaign.toml", 'imprint = "', 'imprint = "Printed by ')
    assert rebuilt(campaign, out) == ALL  # the campaign settings
    logo = campaign / "assets/brand/logo.svg"
    logo.write_text(logo.read_text("utf-8") + "\n", "utf-8")
    assert rebuilt(campaign, out) == ALL  # the assets
    import pamphleteer.cache

    monkeypatch.setattr(pamphleteer.cache, "__version__", "999")
    assert rebuilt(campaign, out) == ALL  # another pamphleteer
    assert rebuilt(campaign, out, "--no-cache") == ALL


@pytest.mark.slow
def test_a_cache_or_pdf_that_cannot_be_trusted_costs_a_rebuild_not_an_error(campaign,
                                                                         tmp_path):
    out = tmp_path / "out"
    assert rebuilt(campaign, out) == ALL
    pdf = out / "en/flyer-home.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"%changed on disk\n")
    (out / "de/callscript-home.pdf").unlink()
    assert rebuilt(campaign, out) == {"en/flyer-home.pdf", "de/callscript-home.pdf"}
    (out / ".pamphleteer/cache.json").write_text("{not json")
    assert rebuilt(campaign, out) == ALL
    (out / ".pamphleteer/cache.json").write_text('{"keys": ["a list"]}')
    assert rebuilt(campaign, out) == ALL


@pytest.mark.slow
def test_an_asset_rebuilds_only_the_pdfs_that_use_it(campaign, tmp_path):
    from test_photos import photo

    (campaign / "assets").unlink()  # a real folder, so that assets can be edited
    shutil.copytree(ROOT / "assets", campaign / "assets")
    jobs = ["-l", "en", "-l", "ko", "-m", "flyer", "-p", "home", "-p", "shop"]
    flyers = {f"{locale}/flyer-{profile}.pdf" for locale in ("en", "ko")
              for profile in ("home", "shop")}
    out = tmp_path / "out"

    def changed(path: Path, tail: bytes = b"\0\0\0\0") -> set[str]:
        path.write_bytes(path.read_bytes() + tail)  # what trails a font or profile is ignored
        code, output = build(campaign, out, *jobs)
        assert code == 0, output
        return set(re.findall(r"wrote \S*?/([a-z]{2}/\S+\.pdf)", output))

    rally = photo(campaign / "assets/photos/rally.jpg", 900)
    edit(campaign / "content/en/flyer.md", "## Congress",
         '![Marchers with banners](assets/photos/rally.jpg "The 2025 march")\n\n## Congress')
    code, output = build(campaign, out, *jobs)
    assert code == 0, output
    # A font counts for the languages set in it; a photo for the pieces that show it.
    assert changed(campaign / "assets/fonts/NotoSansKR-Regular.subset.otf") == \
        {"ko/flyer-home.pdf", "ko/flyer-shop.pdf"}
    assert changed(campaign / "assets/fonts/Inter-Bold.subset.otf") == \
        {"en/flyer-home.pdf", "en/flyer-shop.pdf"}
    assert changed(rally) == {"en/flyer-home.pdf", "en/flyer-shop.pdf"}
    photo(campaign / "assets/photos/unused.jpg", 300)
    assert changed(campaign / "assets/photos/unused.jpg") == set()
    # The output profile counts for print shops only; another asset (the logo) for all.
    # (Bytes after a profile's end make it invalid: one letter of its description instead.)
    icc = campaign / "assets/icc/pamphleteer-gracol2006.icc"  # letter's (en and ko print on it)
    icc.write_bytes(icc.read_bytes().replace(b"coated offset", b"Coated offset", 1))
    assert changed(icc, b"") == {"en/flyer-shop.pdf", "ko/flyer-shop.pdf"}
    assert changed(campaign / "assets/brand/logo.svg", b"<!-- edited -->\n") == flyers


def test_library_versions_in_the_key_are_the_installed_ones():
    from importlib.metadata import version

    from pamphleteer.cache import LIBRARIES, _installed, _libraries

    # Read from the wheels' folder names, which must say what packaging says.
    found = _installed(LIBRARIES)
    assert set(found) == set(LIBRARIES)
    assert _libraries() == ", ".join(f"{name} {version(name)}" for name in LIBRARIES)
