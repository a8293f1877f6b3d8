"""The kit page and national-scale builds: shards merged equal one build, and the page
volunteers download from links every PDF, in every language, on a phone and a desktop."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import FIXTURES, build, fixture_campaign, run

# Four documents of the general kit and one event's: one shard each, and one shard two.
KIT = ("-l", "en", "-l", "de", "-l", "ko", "-m", "flyer", "-m", "palmcard", "-p", "home",
       "-p", "screen")


def tree(folder: Path) -> dict[str, str]:
    """Every file of a kit (not the build's own state), with its hash."""
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*"))
            if path.is_file() and ".pamphleteer" not in path.parts}


@pytest.fixture(scope="module")
def kits(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same kit built at once, and in 4 shards merged; with the fixture campaign."""
    root = tmp_path_factory.mktemp("site")
    project = fixture_campaign("campaign", root)
    # The fixture's Korean and German have a flyer only: the palm cards fall back to English.
    event = FIXTURES / "events/harbour-vigil.toml"
    whole = root / "whole"
    for extra in ((), ("--event", str(event), "-l", "en")):
        code, output = build(project, whole, *KIT[:2], *KIT[6:], *extra) if extra else \
            build(project, whole, *KIT)
        assert code == 0, output
    shards = []
    for number in range(1, 5):
        shard = root / f"shard-{number}"
        for extra in ((), ("--event", str(event), "-l", "en")):
            args = (*KIT[:2], *KIT[6:], *extra) if extra else KIT
            code, output = build(project, shard, *args, "--shard", f"{number}/4")
            assert code == 0, output
        shards.append(shard)
    merged = root / "merged"
    code, output = run("merge", *map(str, shards), "--project", str(project), "--out",
                       str(merged))
    assert code == 0, output
    return {"whole": whole, "merged": merged, "project": project, "shard": shards[0]}


@pytest.mark.slow
def test_shards_merged_equal_one_build(kits):
    whole, merged = tree(kits["whole"]), tree(kits["merged"])
    assert whole == merged
    assert sum(name.endswith(".pdf") for name in whole) == 3 * 2 * 2 + 2 * 2  # kit + event
    assert "index.html" in whole and any(n.startswith("thumbs/") for n in whole)


@pytest.mark.slow
def test_merge_refuses_a_pdf_changed_after_its_build(kits, tmp_path):
    shard = tmp_path / "shard"
    shutil.copytree(kits["shard"], shard)
    pdf = next(shard.rglob("*.pdf"))
    pdf.write_bytes(pdf.read_bytes() + b"\n% changed\n")
    code, output = run("merge", str(shard), "--project", str(kits["project"]), "--out",
                       str(tmp_path / "out"))
    assert code == 1, output
    assert "does not match its manifest entry" in output and "Traceback" not in output
    code, output = run("merge", str(tmp_path), "--project", str(kits["project"]), "--out",
                       str(tmp_path / "out"))
    assert code == 1 and "no manifest.json here" in output, output
    # The same shard twice (a CI job run again): its PDFs are merged once.
    again = tmp_path / "again"
    shutil.copytree(kits["shard"], again)
    pdfs = len(list(again.rglob("*.pdf")))
    code, output = run("merge", str(kits["shard"]), str(again), "--project",
                       str(kits["project"]), "--out", str(tmp_path / "twice"))
    assert code == 0 and f"merged {pdfs} PDF(s) from 2 folder(s)" in output, output


class Links(HTMLParser):
    """The links, images and language sections of a page."""

    def __init__(self):
        super().__init__()
        self.links, self.images, self.langs, self.headings = [], [], [], []
        self._heading = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self.links.append(attrs.get("href"))
        if tag == "img":
            self.images.append(attrs)
        if tag == "section" and "lang" in attrs:
            self.langs.append(attrs["lang"])
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = ""

    def handle_data(self, data):
        if self._heading is not None:
            self._heading += data

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append((tag, self._heading.strip()))
            self._heading = None


@pytest.mark.slow
def test_the_kit_page_links_every_pdf_with_a_thumbnail(kits):
    out = kits["whole"]
    page = (out / "index.html").read_text("utf-8")
    parsed = Links()
    parsed.feed(page)
    manifest = json.loads((out / "manifest.json").read_text())
    paths = {entry["path"] for entry in manifest["outputs"]}
    assert paths <= set(parsed.links), paths - set(parsed.links)
    for image in parsed.images:
        assert image.get("alt"), image  # every thumbnail says what it shows
        assert (out / image["src"]).is_file(), image
    assert len(parsed.images) == 3 * 2 + 2  # a thumbnail per piece
    # A section per language, headed with the language's own name; and one per event.
    assert parsed.langs[:3] == ["en", "de", "ko"]
    assert [text for tag, text in parsed.headings if tag == "h2"] == [
        "English", "Deutsch", "한국어", "Events"]
    assert ("h3", "Harbour vigil for peace") in parsed.headings
    assert "Monday, July 27, 2099, 7:30\u00a0PM" in page
    assert "Hosted by Harbour Peace Circle" in page
    # Each piece's print instruction and its name, in the locale's own words.
    assert "Print double-sided, flip on long edge and cut on the marks" in page
    assert "Handkarte" in page and "Drucker zu Hause" in page
    # The manifest lists every other file the build wrote, with its hash.
    listed = {f["path"]: f for f in manifest["files"]}
    assert {"index.html", "downloads/fixture-peace-de.zip"} <= set(listed)
    assert {image["src"] for image in parsed.images} <= set(listed)
    for name, entry in listed.items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == entry["sha256"], name
    # A zip per locale and per event, holding its PDFs.
    for name, expected in (("fixture-peace-de.zip",
                            {"de/flyer-home.pdf", "de/palmcard-home.pdf"}),
                           ("fixture-peace-harbour-vigil.zip",
                            {"events/harbour-vigil/en/flyer-home.pdf"})):
        assert f"downloads/{name}" in parsed.links
        with zipfile.ZipFile(out / "downloads" / name) as archive:
            assert expected <= set(archive.namelist()), archive.namelist()
            for member in archive.namelist():
                assert archive.read(member) == (out / member).read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 900)])
def test_the_kit_page_in_a_real_browser(kits, tmp_path, width, height):
    from playwright.sync_api import sync_playwright

    page_url = (kits["whole"] / "index.html").as_uri()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(page_url)
            page.wait_for_load_state("load")
            page.evaluate("document.fonts.ready.then(() => true)")
            shot = tmp_path / f"kit-{width}.png"
            page.screenshot(path=str(shot), full_page=True)
            # Nothing wider than the screen: no sideways scrolling on a phone.
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            # Every thumbnail loads (they load lazily, as they scroll into view), and the Korean
            # heading draws with the page's own font.
            page.evaluate("Promise.all([...document.images].map(i => { i.loading = 'eager'; "
                          "return i.decode(); }))")
            assert page.evaluate("[...document.images].every(i => i.complete && "
                                 "i.naturalWidth > 0)")
            assert page.evaluate("document.images.length") == 8
            families = page.evaluate("[...document.fonts].filter(f => f.status == 'loaded')"
                                     ".map(f => f.family)")
            assert any("Noto Sans KR" in family for family in families), families
        finally:
            browser.close()
    from PIL import Image

    with Image.open(shot) as image:
        assert image.width == width and image.height >= height
        colours = image.convert("L").getextrema()
        assert colours[0] < 60 and colours[1] > 200  # text and paper, not a blank page


def test_a_language_is_named_as_its_locale_file_names_it(tmp_path):
    from pamphleteer.kitpage import language_name
    from pamphleteer.project import load_project

    campaign = fixture_campaign("campaign", tmp_path)
    settings = campaign / "content/de/locale.toml"
    text = settings.read_text("utf-8")
    settings.write_text(text.replace('name = "Deutsch"', 'name = "Deutsch (Schweiz)"'), "utf-8")
    project = load_project(campaign)
    assert language_name(project, "de") == "Deutsch (Schweiz)"
    assert language_name(project, "ko") == "한국어"
    # A language without a name of its own (no locale.toml) is named by CLDR.
    assert language_name(project, "fr") == "Français"


def kit_page(project: Path, out: Path) -> str:
    """The kit page of a one-flyer build of ``project``."""
    code, output = build(project, out, "-l", "en", "-m", "flyer", "-p", "home")
    assert code == 0, output
    return (out / "index.html").read_text()


@pytest.mark.slow
def test_the_kit_page_is_a_theme_template_in_the_campaigns_colours(tmp_path):
    project = fixture_campaign("campaign", tmp_path)
    settings = project / "campaign.toml"
    settings.write_text(re.sub(r'primary = \{ rgb = "#[0-9a-f]{6}"', 'primary = { rgb = "#1d5c3a"',
                               settings.read_text()))
    out = tmp_path / "out"
    page = kit_page(project, out)
    assert "--primary: #1d5c3a;" in page and "#17325a" not in page
    assert ".top { background: var(--primary)" in page
    # A campaign's own kit.css restyles the page; its own kit.html.j2 replaces it.
    (project / "templates" / "css" / "kit.css").write_text(".top { border-top: 9px solid; }")
    template = project / "templates" / "kit.html.j2"
    template.write_text(template.read_text().replace(
        '<main>', '<main><p class="campaign-note">Bring a pen.</p>', 1))
    page = kit_page(project, out)
    assert ".top { border-top: 9px solid; }" in page and "var(--line)" not in page
    assert '<p class="campaign-note">Bring a pen.</p>' in page
    # A style that would end the page's <style> is refused by name; a broken template too.
    (project / "templates" / "css" / "kit.css").write_text("</style><script>x()</script>")
    code, output = build(project, out, "-l", "en", "-m", "flyer", "-p", "home")
    assert code == 1 and "templates/css/kit.css" in output and "Traceback" not in output
    (project / "templates" / "css" / "kit.css").unlink()  # the theme's again
    template.write_text("{{ page.nothing_here.at_all }}")
    code, output = build(project, out, "-l", "en", "-m", "flyer", "-p", "home")
    assert code == 1 and "kit.html.j2" in output and "Traceback" not in output


@pytest.mark.slow
def test_a_piece_still_in_the_source_language_says_so_in_the_page_s_language(fixture_kit):
    """The Korean palm card prints English copy: its card says 영어 (CLDR's Korean for
    English); the German flyer, translated, says nothing."""
    page = (fixture_kit / "index.html").read_text("utf-8")
    sections = dict(re.findall(r'<section id="kit-(\w+)".*?>(.*?)</section>', page, re.S))
    korean = re.findall(r"<h3>([^<]*)(?: <span class=\"copy-language\">([^<]*)</span>)?</h3>",
                        sections["ko"])
    assert korean and all(mark == "영어" for _, mark in korean), korean
    german = re.findall(r"<h3>(.*?)</h3>", sections["de"])
    assert german and not any("copy-language" in title for title in german), german


def test_sizes_are_written_the_way_the_language_writes_them():
    """CLDR's decimal separator and unit names, the number kept with its unit."""
    from pamphleteer.kitpage import size_text

    assert size_text(2_831_155, "en") == "2.7\u00a0MB"
    assert size_text(2_831_155, "de") == "2,7\u00a0MB"
    assert size_text(120_000, "ru") == "117\u00a0кБ"
    assert size_text(120_000, "xx") == "117\u00a0kB"  # a code CLDR does not know: English
