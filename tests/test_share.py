"""Share images: a portrait post and a link preview per language, PNG and WebP, laid out for a
phone, in the manifest, the cache, the checks, merges and the kit page (its og:image)."""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from pamphleteer.fit import Fit
from pamphleteer.materials import MATERIALS
from pamphleteer.piece import prepare
from pamphleteer.pipeline import lay_out
from pamphleteer.preflight import phone_text
from pamphleteer.project import load_project

from conftest import build, fixture_campaign, run

SIZES = {"share-portrait": (1080, 1350), "share-preview": (1200, 630)}
SHARE = ("-p", "png", "-p", "webp")


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The fixture campaign's share images (en, de; and ko, which falls back to English)."""
    root = tmp_path_factory.mktemp("share")
    project = fixture_campaign("campaign", root)
    out = root / "out"
    code, output = build(project, out, *SHARE)
    assert code == 0, output
    return {"project": project, "out": out}


def entries(out: Path) -> list[dict]:
    return json.loads((out / "manifest.json").read_text())["outputs"]


@pytest.mark.slow
def test_each_language_gets_both_images_in_both_formats_at_their_exact_size(shared):
    out = shared["out"]
    made = {(e["locale"], e["material"], e["profile"]): e for e in entries(out)}
    assert set(made) == {(locale, material, fmt) for locale in ("en", "de", "ko")
                         for material in SIZES for fmt in ("png", "webp")}
    for (locale, material, fmt), entry in made.items():
        path = out / entry["path"]
        assert entry["path"] == f"{locale}/{material}.{fmt}"
        data = path.read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["bytes"] == len(data) and entry["pages"] == 1 and entry["qr"] == []
        with Image.open(io.BytesIO(data)) as image:
            assert image.format.lower() == fmt and image.size == SIZES[material]
            assert image.mode == "RGB"
            pixels = image.convert("RGB")
        # No code that points at the phone showing it.
        assert not zxingcpp.read_barcodes(pixels)
    # The WebP is the PNG's pixels, losslessly, and smaller.
    for locale in ("en", "de"):
        for material in SIZES:
            png = Image.open(out / locale / f"{material}.png").convert("RGB")
            webp = Image.open(out / locale / f"{material}.webp").convert("RGB")
            assert png.tobytes() == webp.tobytes()
            assert (out / locale / f"{material}.webp").stat().st_size < \
                (out / locale / f"{material}.png").stat().st_size
    # Korean has no copy of its own: the English copy, said so in the manifest.
    assert {e["content_locale"] for e in entries(out) if e["locale"] == "ko"} == {"en"}


@pytest.mark.slow
def test_the_headline_the_ask_and_the_short_link_read_at_phone_size(shared):
    """What the image is made of: the page before it is drawn, measured as a phone shows the
    image (390 px wide)."""
    project = load_project(shared["project"])
    for locale in ("en", "de"):
        for material in SIZES:
            piece = prepare(project, locale, MATERIALS[material], ("png",))[0]
            rendered = lay_out(project, piece, "png", [0], Fit()).written()
            text = PdfReader(io.BytesIO(rendered.pdf)).pages[0].extract_text()
            flat = re.sub(r"\s+", " ", text)
            assert piece.doc.meta["title"] in flat and piece.doc.meta["cta"] in flat
            assert "example.org/fx/sign" in flat.replace(" ", "")
            document = pypdfium2.PdfDocument(rendered.pdf)
            body, smallest = phone_text(document[0])
            document.close()
            assert body >= 10 and smallest >= 8, (locale, material, body, smallest)


@pytest.mark.slow
def test_a_second_build_keeps_them_and_an_edit_remakes_only_its_own(shared, tmp_path):
    project, out = shared["project"], tmp_path / "out"
    code, _ = build(project, out, *SHARE, "-l", "en")
    assert code == 0
    code, output = build(project, out, *SHARE, "-l", "en")
    assert code == 0 and "4 unchanged" in output and "wrote" not in output
    copy = project / "content" / "en" / "share-preview.md"
    copy.write_text(copy.read_text().replace("Sign the petition", "Sign it today"))
    code, output = build(project, out, *SHARE, "-l", "en")
    assert code == 0, output
    assert sorted(re.findall(r"wrote \S+/(en/\S+)", output)) == [
        "en/share-preview.png", "en/share-preview.webp"]


@pytest.mark.slow
def test_copy_too_long_for_the_image_is_refused_by_name(tmp_path):
    project = fixture_campaign("campaign", tmp_path)
    copy = project / "content" / "en" / "share-preview.md"
    lede = "A ceasefire is not a peace, and every year without one costs us. " * 14
    copy.write_text(re.sub(r'lede: ".*"', f'lede: "{lede.strip()}"', copy.read_text()))
    code, output = build(project, tmp_path / "out", *SHARE, "-l", "en")
    assert code == 1 and "Traceback" not in output
    assert "content/en/share-preview.md" in output and "does not fit" in output
    code, output = run("check", "--project", str(project), "-l", "en", "-m", "share-preview")
    assert code == 1 and "content/en/share-preview.md" in output and "does not fit" in output


@pytest.mark.slow
def test_low_contrast_brand_colours_are_named_and_refused_when_strict(tmp_path):
    project = fixture_campaign("campaign", tmp_path)
    settings = project / "campaign.toml"
    text = settings.read_text()
    # A pale accent: white type on it (the share image's ask) cannot be read.
    text = re.sub(r'accent = \{ rgb = "#[0-9a-f]{6}"', 'accent = { rgb = "#f2a8a0"', text)
    settings.write_text(text)
    out = tmp_path / "out"
    code, output = build(project, out, "-p", "png", "-l", "en", "-m", "share-portrait")
    assert code == 0, output
    assert re.search(r"templates/share-portrait\.html\.j2: the text '[^']+' is #ffffff on "
                     r"#f2a8a0: a contrast of 1\.\d:1, where text of its size needs 3:1", output)
    code, output = build(project, out, "-p", "png", "-l", "en", "-m", "share-portrait",
                         "--strict")
    assert code == 1 and "contrast" in output and "(--strict)" in output


@pytest.mark.slow
def test_a_campaign_without_share_copy_builds_its_kit_without_them(tmp_path):
    project = fixture_campaign("campaign", tmp_path)
    for path in project.glob("content/*/share-*.md"):
        path.unlink()
    out = tmp_path / "out"
    code, output = build(project, out, "-l", "en", "-m", "flyer")
    assert code == 0, output
    code, output = build(project, out, "-l", "en", "-p", "png")
    assert code == 2 and "none of these profiles makes these materials" in output
    code, output = run("status", "--project", str(project))
    assert "share" not in output
    code, output = run("check", "--project", str(project), "--strict", "-l", "en")
    assert "share" not in output
    # Asked for by name, the missing copy is named.
    code, output = build(project, out, "-l", "en", "-m", "share-portrait", "-p", "png")
    assert code == 1 and "content/en/share-portrait.md" in output


@pytest.mark.slow
def test_the_kit_page_shows_them_and_takes_the_preview_as_its_og_image(shared, tmp_path):
    page = (shared["out"] / "index.html").read_text()
    assert '<meta property="og:image" content="en/share-preview.png">' in page
    assert '<meta property="og:image:width" content="1200">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    for locale in ("en", "de"):
        for material in SIZES:
            for fmt in ("png", "webp"):
                assert f'href="{locale}/{material}.{fmt}"' in page
    # With the campaign's [links] kit, the image's address is absolute, as feeds need it.
    project = fixture_campaign("campaign", tmp_path)
    settings = project / "campaign.toml"
    settings.write_text(settings.read_text().replace(
        "[links]\n", '[links]\nkit = "https://kit.example.org/fixture/"\n', 1))
    out = tmp_path / "out"
    code, output = build(project, out, *SHARE, "-l", "en", "-m", "share-preview")
    assert code == 0, output
    page = (out / "index.html").read_text()
    assert '<meta property="og:image" content="https://kit.example.org/fixture/en/' \
        'share-preview.png">' in page
    assert '<meta property="og:url" content="https://kit.example.org/fixture/">' in page


@pytest.mark.slow
def test_shards_of_images_merge_and_a_planted_image_is_refused(shared, tmp_path):
    project = shared["project"]
    for number in (1, 2):
        code, output = build(project, tmp_path / f"s{number}", *SHARE, "-l", "en",
                             "--shard", f"{number}/2")
        assert code == 0, output
    code, output = run("merge", str(tmp_path / "s1"), str(tmp_path / "s2"), "--project",
                       str(project), "--out", str(tmp_path / "merged"))
    assert code == 0, output
    assert {e["path"] for e in entries(tmp_path / "merged")} == {
        f"en/{material}.{fmt}" for material in SIZES for fmt in ("png", "webp")}
    # An image of another size put in place of one, its manifest entry made to match.
    shard = tmp_path / "s1"
    manifest = json.loads((shard / "manifest.json").read_text())
    entry = manifest["outputs"][0]
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "white").save(buffer, entry["path"].rsplit(".", 1)[1].upper())
    (shard / entry["path"]).write_bytes(buffer.getvalue())
    entry["sha256"] = hashlib.sha256(buffer.getvalue()).hexdigest()
    entry["bytes"] = len(buffer.getvalue())
    (shard / "manifest.json").write_text(json.dumps(manifest))
    code, output = run("merge", str(shard), "--project", str(project), "--out",
                       str(tmp_path / "again"))
    assert code == 1 and "Traceback" not in output
    assert "not the image a build writes" in output and "64x64 px" in output
