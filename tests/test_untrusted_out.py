"""The output folder and what is in it are untrusted (issue 23): a build writes only into a
folder of its own, removes only the files its manifest says it wrote (while they are still
what it wrote), reads its manifest as hostile input, and escapes what the kit page writes for
the language it is written in (CSS, URLs, CSV)."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import zipfile
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pamphleteer import __version__
from pamphleteer.errors import BuildError
from pamphleteer.kitpage import own_url, page_context
from pamphleteer.outputs import Manifest, spreadsheet_text, write_signsheet_csv
from pamphleteer.project import load_project
from pamphleteer.render import render_template
from pamphleteer.site import _fonts

from conftest import FIXTURES, ROOT, build, run

KIT = ("-m", "flyer", "-p", "home", "-l", "en")
RECOVER = "delete the folder and build again; otherwise choose another --out"


def tree(folder: Path, state: bool = True) -> dict[str, bytes]:
    """Every file under ``folder`` (links not followed), with its bytes; with ``state``
    False, not the build's own (its lock and cache)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()
            and (state or ".pamphleteer" not in p.parts)}


def refused(output: str, code: int, message: str) -> None:
    assert code == 1 and "Traceback" not in output, output
    assert message in output, output


def manifest_of(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text("utf-8"))


def ours(folder: Path, **fields) -> dict:
    """A manifest as pamphleteer writes one for the campaign in ``folder``, with ``fields``."""
    return {"campaign": load_project(folder).name, "generator": f"pamphleteer {__version__}",
            "outputs": [], **fields}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


# A. --out is a folder of the kit's own ----------------------------------------------------

@pytest.mark.parametrize(("where", "message"), [
    ("campaign", "the kit cannot go into the campaign's own folder or one holding it"),
    (".", "the kit cannot go into the campaign's own folder or one holding it"),
    ("campaign/content", "this folder lies inside the campaign's content"),
    ("campaign/content/en/kit", "this folder lies inside the campaign's content"),
    ("campaign/templates", "this folder lies inside the campaign's templates"),
    ("campaign/events/kit", "this folder lies inside the campaign's events"),
    ("campaign/assets/fonts", "this folder lies inside the campaign's assets"),
])
def test_out_in_or_around_the_campaign_is_refused(campaign, tmp_path, where, message):
    (campaign / "assets").unlink()  # a real copy: a failing test must not write into the theme
    shutil.copytree(ROOT / "assets", campaign / "assets")
    (campaign / "events").mkdir()
    shutil.copy(FIXTURES / "events/harbour-vigil.toml", campaign / "events")
    before = tree(tmp_path)
    code, output = build(campaign, tmp_path / where, *KIT)
    refused(output, code, message)
    assert tree(tmp_path) == before  # nothing written, nothing removed
    assert not list(tmp_path.rglob(".pamphleteer"))


def test_out_that_holds_a_source_folder_is_refused(campaign, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (campaign / "content").rename(shared / "content")  # the sources elsewhere, linked
    (campaign / "content").symlink_to(shared / "content")
    before = tree(shared)
    code, output = build(campaign, shared, *KIT)
    refused(output, code, "this folder holds the campaign's content")
    assert tree(shared) == before


def test_out_that_links_into_the_campaign_is_refused(campaign, tmp_path):
    (tmp_path / "kit").symlink_to(campaign / "content")
    before = tree(campaign)
    code, output = build(campaign, tmp_path / "kit", *KIT)
    refused(output, code, "this folder lies inside the campaign's content")
    assert tree(campaign) == before


@pytest.mark.parametrize("linked", [False, True])
def test_a_folder_of_the_users_files_is_refused(campaign, tmp_path, linked):
    mine = tmp_path / "Documents"
    for name in ("fonts/Family.otf", "downloads/taxes.zip", "thumbs/me.png", "notes.txt"):
        (mine / name).parent.mkdir(parents=True, exist_ok=True)
        (mine / name).write_text(name)
    out = mine
    if linked:  # the output folder is a link to it
        out = tmp_path / "kit"
        out.symlink_to(mine)
    before = tree(mine)
    code, output = build(campaign, out, *KIT)
    refused(output, code, "this folder holds files (downloads, fonts, notes.txt, ...) but no "
            "manifest.json: a build writes only into a new or empty folder")
    assert "choose another --out" in output
    assert tree(mine) == before and not (mine / ".pamphleteer").exists()


def test_merge_into_a_folder_of_the_users_files_is_refused(campaign, tmp_path):
    shard = tmp_path / "shard"
    shard.mkdir()
    (shard / "manifest.json").write_text(json.dumps(ours(campaign)))
    mine = tmp_path / "mine"
    (mine / "fonts").mkdir(parents=True)
    (mine / "fonts/Family.otf").write_text("mine")
    code, output = run("merge", str(shard), "--project", str(campaign), "--out", str(mine))
    refused(output, code, "this folder holds files (fonts) but no manifest.json")
    assert (mine / "fonts/Family.otf").read_text() == "mine"
    (campaign / "templates/kit").mkdir()
    code, output = run("merge", str(shard), "--project", str(campaign), "--out",
                       str(campaign / "templates/kit"))
    refused(output, code, "this folder lies inside the campaign's templates")
    assert not (campaign / "templates/kit/manifest.json").exists()


@pytest.mark.slow
def test_a_rebuild_removes_only_its_own_unchanged_files(campaign):
    out = campaign / "dist"  # the default: inside the campaign folder, and fine there

    def rebuild() -> tuple[int, str]:  # no --out
        return run("build", "--project", str(campaign), *KIT)

    code, output = rebuild()
    assert code == 0 and (out / "en/flyer-home.pdf").is_file(), output
    mine = {"thumbs/holiday.png": b"mine", "fonts/Family.otf": b"mine",
            "downloads/taxes.zip": b"mine", "notes/a.txt": b"mine", "en/notes.txt": b"mine"}
    for name, data in mine.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    first, = (p for p in manifest_of(out)["files"] if p["path"].startswith("thumbs/"))
    flyer = campaign / "content/en/flyer.md"
    edit(flyer, "A ceasefire is not peace", "A ceasefire is not yet peace")
    code, output = rebuild()  # a new PDF: a new thumbnail
    assert code == 0, output
    assert not (out / first["path"]).exists()  # the build's own stale file: removed
    second, = (p for p in manifest_of(out)["files"] if p["path"].startswith("thumbs/"))
    assert second["path"] != first["path"]
    (out / second["path"]).write_bytes(b"edited by hand")  # no longer what the build wrote
    edit(flyer, "A ceasefire is not yet peace", "A ceasefire is still not peace")
    code, output = rebuild()
    assert code == 0, output
    assert (out / second["path"]).read_bytes() == b"edited by hand"  # so it stays
    listed = {p["path"] for p in manifest_of(out)["files"]}
    assert second["path"] not in listed and not set(mine) & listed
    assert all((out / name).read_bytes() == data for name, data in mine.items())


@pytest.mark.slow
def test_planted_thumbnails_zips_and_fonts_are_made_again(campaign, tmp_path):
    out = tmp_path / "out"
    code, output = build(campaign, out, *KIT)
    assert code == 0, output
    built = tree(out, state=False)
    names = [p["path"] for p in manifest_of(out)["files"]]
    thumb, = (n for n in names if n.startswith("thumbs/"))
    font = next(n for n in names if n.startswith("fonts/"))
    download, = (n for n in names if n.startswith("downloads/"))
    (out / thumb).write_bytes(b"\x89PNG planted")
    (out / font).write_bytes(b"planted")
    with zipfile.ZipFile(out / download) as real:  # the same comment, other files
        comment = real.comment
    with zipfile.ZipFile(out / download, "w") as planted:
        planted.writestr("en/flyer-home.pdf", b"%PDF-1.7 planted")
        planted.comment = comment
    code, output = build(campaign, out, *KIT)
    assert code == 0, output
    assert tree(out, state=False) == built  # each made again, byte for byte
    # And every link of the page points at a file of the kit, or at the page itself.
    links = Links()
    links.feed((out / "index.html").read_text("utf-8"))
    assert links.urls
    for url in links.urls:
        assert own_url(url) == url, url
        assert url.startswith("#") or (out / url).is_file(), url


@pytest.mark.slow
def test_a_kit_pdf_put_in_the_place_of_the_builds_is_never_served(campaign, tmp_path):
    """A PDF this build does not make again (another material here) is on the kit page and in
    its zip only while it is the one the manifest recorded: a file put in its place is
    refused, and a link in its place (to a file outside) drops it, unread."""
    out = tmp_path / "out"
    code, output = build(campaign, out, "-m", "flyer", "-m", "poster", "-p", "home", "-l", "en")
    assert code == 0, output
    poster, flyer = out / "en/poster-home.pdf", out / "en/flyer-home.pdf"
    shutil.copy(flyer, poster)  # a PDF, but not the poster the build wrote
    for planted in (*out.glob("downloads/*"), *out.glob("thumbs/*")):
        planted.unlink()  # the page's files must be made again, from the PDFs
    code, output = build(campaign, out, *KIT)
    refused(output, code, "out/en/poster-home.pdf: this is not the file the manifest "
            "recorded (was it changed after the build?): build it again with --no-cache")
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(flyer.read_bytes())
    poster.unlink()
    poster.symlink_to(secret)
    code, output = build(campaign, out, *KIT)
    assert code == 0, output
    assert [e["path"] for e in manifest_of(out)["outputs"]] == ["en/flyer-home.pdf"]
    download, = out.glob("downloads/*.zip")
    with zipfile.ZipFile(download) as archive:
        assert archive.namelist() == ["en/flyer-home.pdf"]


@pytest.mark.slow
def test_a_kit_folder_linked_elsewhere_is_never_written_or_emptied(campaign, tmp_path):
    out = tmp_path / "out"
    code, output = build(campaign, out, *KIT)
    assert code == 0, output
    elsewhere = tmp_path / "my-fonts"
    shutil.move(out / "fonts", elsewhere)  # the build's own fonts, and a user's, over there
    (elsewhere / "Family.otf").write_text("mine")
    (out / "fonts").symlink_to(elsewhere)
    before = tree(elsewhere)
    code, output = build(campaign, out, *KIT)
    refused(output, code, "out/fonts: this folder of the kit is a link (to ")
    assert tree(elsewhere) == before


@pytest.mark.slow
def test_an_out_folder_that_is_a_link_to_an_empty_folder_is_fine(campaign, tmp_path):
    (tmp_path / "disk").mkdir()
    (tmp_path / "kit").symlink_to(tmp_path / "disk")
    code, output = build(campaign, tmp_path / "kit", *KIT)
    assert code == 0, output
    assert (tmp_path / "disk/en/flyer-home.pdf").is_file()
    code, output = build(campaign, tmp_path / "kit", *KIT)  # its own manifest: fine again
    assert code == 0 and "1 unchanged" in output, output


# B. The manifest is untrusted -----------------------------------------------------------

def _deep(campaign: Path) -> str:
    return json.dumps(ours(campaign))[:-1] + ', "x": ' + "[" * 5000 + "]" * 5000 + "}"


@pytest.mark.parametrize(("manifest", "message"), [
    (lambda c: "{not json", "cannot use this manifest.json (not valid JSON"),
    (_deep, "cannot use this manifest.json (JSON nested more than 32 deep"),
    (lambda c: "[1, 2]", "this manifest.json was not written by pamphleteer: refusing"),
    (lambda c: json.dumps(ours(c, campaign="Another Campaign")),
     "this folder holds the kit of the campaign 'Another Campaign', not 'Fixture Peace"),
    (lambda c: json.dumps(ours(c, outputs="all of them")),
     "manifest.json is damaged (outputs is 'all of them', not a list)"),
    (lambda c: json.dumps(ours(c, outputs=[{"path": "en/flyer-home.pdf"}])),
     "manifest.json is damaged (outputs[0]: locale is None)"),
    (lambda c: json.dumps(ours(c, outputs=[{
        "path": "../../etc/flyer-home.pdf", "locale": "en", "material": "flyer",
        "profile": "home", "sha256": "0" * 64, "event": None}])),
     "outputs[0]: path is '../../etc/flyer-home.pdf', not 'en/flyer-home.pdf'"),
    (lambda c: json.dumps(ours(c, outputs=[{
        "path": "en/flyer-home.pdf", "locale": "en", "material": "flyer", "profile": "home",
        "sha256": "0" * 64, "pages": "1", "event": None}])),
     "outputs[0]: pages is '1'"),
    (lambda c: json.dumps(ours(c, events={"vigil": "tonight"})),
     "damaged (events['vigil'] is 'tonight')"),
    (lambda c: json.dumps(ours(c, files=[{"path": "thumbs/x.png", "sha256": 1}])),
     "damaged (files[0]: sha256 is 1)"),
])
def test_a_bad_manifest_is_a_clear_error(campaign, tmp_path, manifest, message):
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text(manifest(campaign), "utf-8")
    (out / "notes.txt").write_text("mine")
    before = tree(out)
    code, output = build(campaign, out, *KIT)
    refused(output, code, message)
    assert "out/manifest.json: " in output
    assert RECOVER in output or "choose another --out" in output
    assert tree(out, state=False) == before  # the manifest left as it is, to look at


def test_a_manifest_listing_files_outside_its_folder_deletes_nothing(campaign, tmp_path):
    victim = tmp_path / "something"
    victim.write_bytes(b"precious")
    digest = hashlib.sha256(b"precious").hexdigest()
    out = tmp_path / "kit" / "out"
    out.mkdir(parents=True)
    for path in ("../../something", str(victim), "thumbs/../../../something"):
        (out / "manifest.json").write_text(json.dumps(ours(campaign, files=[
            {"path": path, "kind": "thumbnail", "bytes": 8, "sha256": digest}])))
        code, output = build(campaign, out, *KIT)
        refused(output, code, "manifest.json is damaged (files[0]: path is ")
        assert "outside the output folder)" in output and RECOVER in output
        assert victim.read_bytes() == b"precious"


@pytest.mark.slow
def test_a_file_an_older_manifest_listed_but_no_build_writes_is_kept(campaign, tmp_path):
    out = tmp_path / "out"
    (out / "fonts").mkdir(parents=True)
    (out / "fonts/Family.otf").write_bytes(b"mine")  # listed by a version that listed all
    (out / "manifest.json").write_text(json.dumps(ours(campaign, files=[
        {"path": "fonts/Family.otf", "kind": "kit page font", "bytes": 4,
         "sha256": hashlib.sha256(b"mine").hexdigest()}])))
    code, output = build(campaign, out, *KIT)
    assert code == 0, output
    assert (out / "fonts/Family.otf").read_bytes() == b"mine"
    assert "fonts/Family.otf" not in {f["path"] for f in manifest_of(out)["files"]}


def test_a_manifest_linked_from_elsewhere_is_not_read(campaign, tmp_path):
    elsewhere = tmp_path / "manifest.json"
    elsewhere.write_text(json.dumps(ours(campaign)))
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").symlink_to(elsewhere)
    code, output = build(campaign, out, *KIT)
    refused(output, code, "cannot use this manifest.json (this is a link to")
    assert elsewhere.read_text() == json.dumps(ours(campaign))


def test_a_manifest_the_next_build_could_not_read_is_never_written(campaign, tmp_path):
    project = load_project(campaign)
    out = tmp_path / "out"
    manifest = Manifest(project, out)
    # What merge copies from a shard's manifest, had the shard's been poisoned.
    manifest.entries["en/flyer-home.pdf"] = {
        "path": "en/flyer-home.pdf", "locale": "en", "material": "flyer", "profile": "home",
        "sha256": "0" * 64, "qr": "not a list"}
    with pytest.raises(BuildError, match=r"refusing to write a manifest the next build could "
                       r"not read \(outputs\[0\]: qr is 'not a list'\)"):
        manifest.save()
    assert not (out / "manifest.json").exists()


@pytest.mark.slow
def test_a_manifest_a_build_wrote_is_one_the_next_build_reads(campaign, tmp_path):
    out = tmp_path / "out"
    event = FIXTURES / "events/harbour-vigil.toml"
    for extra in ((), ("--event", str(event)), ()):
        code, output = build(campaign, out, "-m", "flyer", "-m", "signsheet", "-p", "home",
                             "-l", "en", *extra)
        assert code == 0, output
    manifest = manifest_of(out)
    assert {e["path"] for e in manifest["outputs"]} >= {
        "en/flyer-home.pdf", "en/signsheet-home.pdf", "events/harbour-vigil/en/flyer-home.pdf"}
    assert "en/signsheet.csv" in {f["path"] for f in manifest["files"]}


# C. Every output context escaped for its own language -----------------------------------

@pytest.mark.parametrize("family", [
    "</style><script>alert(1)</script>", "</STYLE >", 'Sans "Bold"', "Back\\slash",
    "New\nline", "x'; } body { display: none } a { b: '", "url(evil) \\\"; }", "평화 Sans"])
def test_font_family_names_are_css_strings_in_the_kit_page(campaign, tmp_path, family):
    import tinycss2

    project = load_project(campaign)
    faces = tuple(replace(face, family=family) if face.family == "Inter" else face
                  for face in project.font_faces)
    locales = {code: replace(locale, fonts={
        role: tuple(family if name == "Inter" else name for name in stack)
        for role, stack in locale.fonts.items()}) for code, locale in project.locales.items()}
    project = replace(project, font_faces=faces, locales=locales)
    out = tmp_path / "out"
    css = _fonts(project, out, "<p>Peace 평화</p>", Manifest(project, out))
    assert "<" not in css  # so no "</style" either, in any case
    families, stack = [], []
    for rule in tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True):
        assert rule.type in ("at-rule", "qualified-rule"), rule  # no rule broken open
        for declaration in tinycss2.parse_declaration_list(rule.content, skip_whitespace=True):
            assert declaration.type == "declaration", declaration
            if declaration.name == "font-family":
                strings = [t.value for t in declaration.value if t.type == "string"]
                (families if rule.type == "at-rule" else stack).extend(strings)
    # Each name reads back exactly as it was: two faces of it (400, 700), then in the stack.
    assert families.count(family) == 2, families
    assert stack == [family, "Noto Sans KR"], stack


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "\tjavascript:alert(1)",
    " javascript:alert(1)", "java\tscript:alert(1)", "java\nscript:alert(1)",
    "javascript\x00:alert(1)", "\x01javascript:alert(1)", "data:text/html,<script>x</script>",
    "DATA:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)", "file:///etc/passwd",
    "https:evil.example", "https:///evil", "//evil.example/x", "/etc/passwd",
    "../../etc/passwd", "en/../../x.pdf", "\\\\evil.example\\x", "https://evil.example/\"x",
    "mailto:\u202eevil", "", None, 7,
])
def test_the_kit_page_writes_no_link_outside_the_allow_list(url):
    assert own_url(url) is None


@pytest.mark.parametrize("url", [
    "en/flyer-home.pdf", "events/harbour-vigil/en/flyer-home.pdf", "thumbs/0a1b.png",
    "downloads/fixture-peace-pt-BR.zip", "#kit-en", "#events", "https://example.org/p?a=1&b=2",
    "HTTPS://example.org", "http://example.org", "mailto:team@example.org", "tel:+15555550100",
])
def test_the_kit_page_links_its_own_files_and_plain_addresses(url):
    assert own_url(url) == url


def test_a_link_outside_the_allow_list_is_not_written(campaign):
    entry = {"path": "JaVaScRiPt:alert(1)", "locale": "en", "material": "flyer",
             "profile": "home", "pages": 1, "bytes": 1, "sha256": "0" * 64}
    project = load_project(campaign)
    page = page_context(project, [entry], {},
                        {(None, "en", "flyer"): "data:text/html,<script>alert(1)</script>"},
                        {"en": ("javascript:alert(2)", 10)})
    [card] = page["languages"][0]["pieces"]
    assert card["thumb"] is None and card["files"][0]["href"] is None
    assert page["languages"][0]["zip"]["href"] is None
    html = render_template(project, "kit.html.j2", {"page": page})
    assert "javascript" not in html.lower() and "data:" not in html
    assert "<a>" in html and "<img" not in html  # the text stays, without the link


@pytest.mark.parametrize(("link", "message"), [
    ("JaVaScRiPt:alert(1)", "must be a full https:// address"),
    ("\\tjavascript:alert(1)", "has characters a printed link may not have"),
    ("data:text/html,<script>alert(1)</script>", "has characters a printed link may not"),
    ("data:text/html;base64,PHNjcmlwdD4K", "must be a full https:// address"),
])
def test_an_event_link_outside_the_allow_list_is_refused_by_its_file(campaign, tmp_path, link,
                                                                     message):
    event = tmp_path / "events/vigil.toml"
    event.parent.mkdir()
    event.write_text((FIXTURES / "events/harbour-vigil.toml").read_text("utf-8")
                     + f'[links]\npetition = "{link}"\n', "utf-8")
    code, output = build(campaign, tmp_path / "out", *KIT, "--event", str(event))
    refused(output, code, "vigil.toml:10: links.petition: ")
    assert message in output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("cell", "written"), [
    ("=HYPERLINK(\"https://evil.example\",\"x\")", "'=HYPERLINK(\"https://evil.example\",\"x\")"),
    ("+1", "'+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\r=1", "'\r=1"), ("Name", "Name"), ("E-mail", "E-mail"), ("", ""),
])
def test_a_spreadsheet_formula_is_written_as_text(cell, written):
    assert spreadsheet_text(cell) == written


def test_the_signature_csv_has_no_live_formula_and_stays_csv(campaign, tmp_path, monkeypatch):
    import pamphleteer.outputs as outputs

    project = load_project(campaign)
    hostile = {"name": "=cmd|' /C calc'!A0", "email": "+1", "zip": "-1", "phone": "@SUM(1)",
               "address": "\tStreet", "signature": "\r\nSigned", "row": 'No. "1", ok'}
    real = outputs.load_strings
    monkeypatch.setattr(outputs, "load_strings",
                        lambda *args: {**real(*args), **hostile})
    write_signsheet_csv(project, "en", tmp_path)
    text = (tmp_path / "en/signsheet.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(text.splitlines(keepends=True)))
    assert len(rows) == 1 and len(rows[0]) == 9, rows
    cells = dict(zip(("row", "name", "signature", "address", "zip", "email", "phone"), rows[0],
                     strict=False))
    for key, value in hostile.items():
        expected = "'" + value if value[:1] in "=+-@\t\r" else value
        assert cells[key] == expected, (key, cells[key])


def test_a_formula_in_the_strings_file_is_text_in_the_csv(campaign, tmp_path):
    edit(campaign / "content/en/strings.toml", 'name = "Name"',
         'name = "=HYPERLINK(\\"https://evil.example\\")"')
    write_signsheet_csv(load_project(campaign), "en", tmp_path)
    row, = csv.reader((tmp_path / "en/signsheet.csv").read_text("utf-8-sig").splitlines())
    assert row[1] == "'=HYPERLINK(\"https://evil.example\")"


class Links(HTMLParser):
    """Every href and src of a page."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("href", "src")]


def test_a_lock_file_that_is_a_link_is_refused_and_its_target_untouched(tmp_path):
    from pamphleteer.outputs import output_folder

    victim = tmp_path / "victim.txt"
    victim.write_text("mine")
    out = tmp_path / "out"
    (out / ".pamphleteer").mkdir(parents=True)
    (out / ".pamphleteer/build.lock").symlink_to(victim)
    with pytest.raises(BuildError) as caught, output_folder(out):
        pass
    assert caught.value.format_message().endswith(
        "out/.pamphleteer/build.lock: this lock file is a link: remove it (a build makes its "
        "own)")
    assert victim.read_text() == "mine"
