"""Copyfit on real PDFs of the fixture campaign: type that shrinks and grows, pages that follow
the copy, no holes, refusals that say by how much, and a ``check`` that predicts them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pamphleteer.fit import Fit
from pamphleteer.materials import MATERIALS, PRINTED
from pamphleteer.measure import TEXT, Node
from pamphleteer.predict import _wrap, predict
from pamphleteer.prepress import SLUG

from conftest import FIXTURE_EN, FIXTURES, ROOT, build, run
from pdfinspect import empty_bands, page_texts, text_runs, text_sizes

FITTED = ("flyer", "trifold", "booklet")
BODY_PT = {"flyer": 11.8, "trifold": 11.5, "booklet": 11.5}  # body size at 100% (the CSS)


def manifest(out: Path) -> dict[str, dict]:
    return {e["path"]: e for e in json.loads((out / "manifest.json").read_text())["outputs"]}


def body_of(path: Path) -> str:
    """A Markdown file's text after its front matter."""
    return path.read_text(encoding="utf-8").split("---\n", 2)[2]


def with_body(path: Path, body: str) -> None:
    text = path.read_text(encoding="utf-8")
    front = text[:len(text) - len(body_of(path))]
    path.write_text(front + body, encoding="utf-8")


def trim_bands(path: Path) -> list[float]:
    """Blank bands of a shop PDF's pages, inside the trim (not in the bleed and slug)."""
    return empty_bands(path, margin_in=0.25 + SLUG / 72)


def main_size(path: Path, page: int = 0) -> float:
    """The text size most characters on a page are set in."""
    return text_sizes(path)[page].most_common(1)[0][0]


@pytest.mark.slow
def test_paper_has_one_scale_per_document_and_says_so(fixture_kit):
    entries = manifest(fixture_kit)
    output = (fixture_kit / "output.txt").read_text()
    for locale in ("en", "de"):
        for material in FITTED:
            # Paper (home and shop) has one scale; screen pages grow to their copy instead.
            paper = {entries[f"{locale}/{material}-{p}.pdf"]["fit_scale"] for p in ("home", "shop")}
            assert len(paper) == 1, (locale, material, paper)
            assert entries[f"{locale}/{material}-screen.pdf"]["fit_scale"] == 1
            floor, ceiling = MATERIALS[material].fit
            for profile in ("home", "shop"):
                scale = entries[f"{locale}/{material}-{profile}.pdf"]["fit_scale"]
                assert floor <= scale <= ceiling
                line = re.search(rf"wrote \S*{locale}/{material}-{profile}\.pdf \(.*", output)
                assert line and f"fitted at {scale:.0%}, QR verified)" in line[0], line


@pytest.mark.slow
@pytest.mark.parametrize(("locale", "material"), [("en", material) for material in PRINTED]
                         + [("de", material) for material in FITTED])
def test_trim_pages_are_filled_without_holes(fixture_kit, locale, material):
    path = fixture_kit / f"{locale}/{material}-shop.pdf"
    texts = page_texts(path)
    assert all(len(text.strip()) > 40 for text in texts), "a blank or nearly blank page"
    bands = trim_bands(path)
    assert max(bands) < 0.2, [round(b, 2) for b in bands]


@pytest.mark.slow
def test_type_has_one_size_on_every_panel_and_follows_the_scale(fixture_kit):
    entries = manifest(fixture_kit)
    for locale in ("en", "de"):
        path = fixture_kit / f"{locale}/trifold-shop.pdf"
        scale = entries[f"{locale}/trifold-shop.pdf"]["fit_scale"]
        # The inside panels hold only body copy under a heading.
        sizes = {main_size(path, page) for page in (0, 1)}
        assert len(sizes) == 1, sizes
        assert sizes.pop() == pytest.approx(BODY_PT["trifold"] * scale, abs=0.1)


@pytest.mark.slow
def test_a_language_a_quarter_longer_builds_on_a4(fixture_kit):
    for material in FITTED:
        english = body_of(FIXTURE_EN / f"{material}.md")
        german = body_of(FIXTURES / f"campaign/content/de/{material}.md")
        assert len(german) >= 1.2 * len(english), material  # the fixture is what it claims
    entries = manifest(fixture_kit)
    for material in FITTED:
        for profile in ("home", "shop", "screen"):
            assert f"de/{material}-{profile}.pdf" in entries
    booklet = entries["de/booklet-shop.pdf"]
    assert booklet["pages"] in (8, 12, 16)
    assert booklet["pages"] >= entries["en/booklet-shop.pdf"]["pages"]


@pytest.mark.slow
def test_booklet_home_sheets_have_no_blank_half(fixture_kit):
    for locale, sheet_width in (("en", 11 * 72), ("de", 297 / 25.4 * 72)):
        sheets = text_runs(fixture_kit / f"{locale}/booklet-home.pdf")
        for number, runs in enumerate(sheets):
            left = [t for x, _, t in runs if x < sheet_width / 2 and len(t.strip()) > 3]
            right = [t for x, _, t in runs if x >= sheet_width / 2 and len(t.strip()) > 3]
            assert len(left) > 2 and len(right) > 2, (locale, number)


@pytest.mark.slow
def test_doubled_prose_shrinks_onto_one_page(campaign, tmp_path):
    flyer = campaign / "content/en/flyer.md"
    body = body_of(flyer)
    with_body(flyer, body + "\n" + body)
    code, output = build(campaign, tmp_path / "out", "-l", "en", "-m", "flyer", "-p", "shop")
    assert code == 0, output
    entry = manifest(tmp_path / "out")["en/flyer-shop.pdf"]
    assert entry["pages"] == 1
    assert MATERIALS["flyer"].fit[0] <= entry["fit_scale"] < 1
    # Nothing was cut: the last sentence of the copy is printed twice.
    text = re.sub(r"\s+", " ", page_texts(tmp_path / "out/en/flyer-shop.pdf")[0])
    assert text.count("urging Congress to act") == 2
    assert main_size(tmp_path / "out/en/flyer-shop.pdf") == pytest.approx(
        BODY_PT["flyer"] * entry["fit_scale"], abs=0.1)


@pytest.mark.slow
def test_halved_prose_grows_to_fill_the_page(campaign, tmp_path):
    flyer = campaign / "content/en/flyer.md"
    sections = body_of(flyer).split("\n## ")
    with_body(flyer, "\n## ".join(sections[:2]) + "\n")
    code, output = build(campaign, tmp_path / "out", "-l", "en", "-m", "flyer", "-p", "shop")
    assert code == 0, output
    entry = manifest(tmp_path / "out")["en/flyer-shop.pdf"]
    assert entry["fit_scale"] > 1
    assert main_size(tmp_path / "out/en/flyer-shop.pdf") > BODY_PT["flyer"]
    assert max(trim_bands(tmp_path / "out/en/flyer-shop.pdf")) < 0.2


@pytest.mark.slow
def test_ten_times_the_prose_is_refused_once_with_the_scale_tried(campaign, tmp_path):
    flyer = campaign / "content/en/flyer.md"
    with_body(flyer, "\n".join([body_of(flyer)] * 10))
    code, output = build(campaign, tmp_path / "out", "-l", "en", "-m", "flyer")
    assert code == 1
    assert "Traceback" not in output
    refusals = [line for line in output.splitlines() if "does not fit" in line]
    assert len(refusals) == 1, output  # once for the document, not once per profile
    assert re.search(r"content/en/flyer\.md: the text does not fit: the flyer's page is too "
                     r"long by about \d+ lines even at 85% type", refusals[0]), refusals[0]
    assert "home, shop, screen" in refusals[0]
    assert not list((tmp_path / "out").glob("en/*.pdf"))


@pytest.mark.slow
def test_booklet_pages_follow_the_copy(campaign, tmp_path):
    booklet = campaign / "content/en/booklet.md"
    text = booklet.read_text(encoding="utf-8")
    body = text.split("::: body", 1)[1].split("::: back", 1)[0]
    booklet.write_text(text.replace("::: back", body + "\n::: back"), encoding="utf-8")
    code, output = build(campaign, tmp_path / "out", "-l", "en", "-m", "booklet", "-p", "shop")
    assert code == 0, output
    pages = manifest(tmp_path / "out")["en/booklet-shop.pdf"]["pages"]
    assert pages in (12, 16)
    texts = page_texts(tmp_path / "out/en/booklet-shop.pdf")
    assert all(len(t.strip()) > 40 for t in texts)
    assert max(trim_bands(tmp_path / "out/en/booklet-shop.pdf")) < 0.2

    booklet.write_text(text.replace("::: back", body * 6 + "\n::: back"), encoding="utf-8")
    code, output = build(campaign, tmp_path / "out", "-l", "en", "-m", "booklet", "-p", "shop")
    assert code == 1 and "Traceback" not in output
    assert re.search(r"content/en/booklet\.md: the text does not fit: the booklet is too long "
                     r"by about \d+ lines even at 87% type on 16 pages", output), output


@pytest.mark.slow
def test_a_panel_too_short_to_fill_is_a_warning_and_fails_strict(campaign, tmp_path):
    trifold = campaign / "content/en/trifold.md"
    text = trifold.read_text(encoding="utf-8")
    flap = text.split("::: flap", 1)[1].split("::: inside-1", 1)[0]
    trifold.write_text(text.replace(flap, "\n\n## Why now\n\nBecause.\n\n"), encoding="utf-8")
    code, output = build(campaign, tmp_path / "out", "-l", "en", "-m", "trifold", "-p", "shop")
    assert code == 0, output
    assert re.search(r"warning: \S*content/en/trifold\.md: the trifold's flap panel is only \d+% "
                     r"full", output), output
    entry = manifest(tmp_path / "out")["en/trifold-shop.pdf"]
    assert any("flap panel" in w for w in entry["warnings"])
    code, output = build(campaign, tmp_path / "out", "-l", "en", "-m", "trifold", "-p", "shop",
                         "--strict")
    assert code == 1 and "flap panel" in output


def _ten_times_the_flyer(campaign: Path) -> tuple[str, str]:
    flyer = campaign / "content/en/flyer.md"
    with_body(flyer, "\n".join([body_of(flyer)] * 10))
    return "en", "flyer"


def _a_booklet_of_one_paragraph(campaign: Path) -> tuple[str, str]:
    booklet = campaign / "content/en/booklet.md"
    text = booklet.read_text(encoding="utf-8")
    body = text.split("::: body", 1)[1].split("::: back", 1)[0]
    booklet.write_text(text.replace(body, "\n\nJust one short paragraph.\n\n"),
                       encoding="utf-8")
    return "en", "booklet"


def _a_palm_card_that_fits_letter_not_a4(campaign: Path) -> tuple[str, str]:
    # German has no palm card of its own: it prints the English copy, on A4's shorter card.
    card = campaign / "content/en/palmcard.md"
    line = ("Every year the armistice holds without a treaty, the risk of a deadly mistake "
            "stays with us.\n\n")
    card.write_text(card.read_text(encoding="utf-8").replace("::: back", line * 5 + "::: back"),
                    encoding="utf-8")
    return "de", "palmcard"


def _a_poster_template_without_fit_areas(campaign: Path) -> tuple[str, str]:
    template = campaign / "templates/poster.html.j2"
    template.write_text(template.read_text().replace(' data-fit="page"', ""))
    poster = campaign / "content/en/poster.md"
    with_body(poster, "\n".join([body_of(poster)] * 6))
    return "en", "poster"


def _a_korean_word_wider_than_its_column(campaign: Path) -> tuple[str, str]:
    flyer = campaign / "content/ko/flyer.md"
    with_body(flyer, body_of(flyer) + "\n" + "평화협정" * 12 + "\n")
    return "ko", "flyer"


REFUSED = [_ten_times_the_flyer, _a_booklet_of_one_paragraph,
           _a_palm_card_that_fits_letter_not_a4, _a_poster_template_without_fit_areas,
           _a_korean_word_wider_than_its_column]


@pytest.mark.slow
@pytest.mark.parametrize("edit", REFUSED, ids=lambda edit: edit.__name__.strip("_"))
def test_check_refuses_what_the_build_refuses(campaign, tmp_path, edit):
    locale, material = edit(campaign)
    built_code, built = build(campaign, tmp_path / "out", "-l", locale, "-m", material,
                              "-p", "shop")
    check_code, checked = run("check", "--project", str(campaign), "-l", locale,
                              "-m", material)

    def errors(output: str) -> set[str]:
        return {line.removeprefix("error: ").split(" [")[0]
                for line in output.splitlines() if line.startswith("error: ")}

    assert (built_code, check_code) == (1, 1), built + checked
    assert errors(built) and errors(built) == errors(checked)
    assert "Traceback" not in built + checked
    if locale != "en":  # the English copy itself still fits its own paper
        assert build(campaign, tmp_path / "out", "-l", "en", "-m", material, "-p", "shop")[0] == 0


@pytest.mark.slow
def test_check_passes_the_fixture_and_warns_as_the_build_does(campaign, tmp_path):
    code, output = run("check", "--project", str(campaign), "-l", "en", "-l", "de")
    assert code == 0, output
    trifold = campaign / "content/en/trifold.md"
    text = trifold.read_text(encoding="utf-8")
    flap = text.split("::: flap", 1)[1].split("::: inside-1", 1)[0]
    trifold.write_text(text.replace(flap, "\n\n## Why now\n\nBecause.\n\n"), encoding="utf-8")
    _, built = build(campaign, tmp_path / "out", "-l", "en", "-m", "trifold", "-p", "shop")
    _, checked = run("check", "--project", str(campaign), "-l", "en", "-m", "trifold")
    [warning] = [line for line in built.splitlines() if "flap panel is only" in line]
    assert warning in checked.splitlines()


@pytest.mark.slow
def test_a_piece_is_fitted_alike_whichever_profiles_are_built(fixture_kit, campaign, tmp_path):
    full = manifest(fixture_kit)
    for profile in ("home", "shop", "screen"):
        out = tmp_path / profile
        code, output = build(campaign, out, "-l", "en", "-m", "booklet", "-p", profile)
        assert code == 0, output
        alone = manifest(out)[f"en/booklet-{profile}.pdf"]
        assert alone["fit_scale"] == full[f"en/booklet-{profile}.pdf"]["fit_scale"]
        assert alone["sha256"] == full[f"en/booklet-{profile}.pdf"]["sha256"]


def text_node(words: list[float], width: float, lines: int, line_height: float = 20.0) -> Node:
    return Node(TEXT, height=line_height * lines, lines=(width,) * lines, width=width,
                words=tuple(words), trailing=(5.0,) * len(words))


def test_a_paragraph_is_broken_again_at_its_new_size():
    # Ten 45 px words with 5 px spaces: two to a 100 px line at 100%, three at 60%.
    node = text_node([45.0] * 10, 100.0, 5)
    assert _wrap(node, 1.0) == 5
    assert _wrap(node, 0.6) == 4
    assert _wrap(node, 1.2) == 10  # one word a line
    # Heights scale with the type and the line count.
    assert predict(node, 1.0, 0) == 100.0
    assert predict(node, 1.2, 0) == pytest.approx(10 * 20 * 1.2)


def test_spread_space_goes_between_blocks_never_under_a_heading():
    """The gap weights measure.py reads are the ones print.css applies, on a real layout."""
    import weasyprint

    from pamphleteer.measure import measure

    def area(gap: float) -> tuple[Node, list[float]]:
        html = (f'<html><head><link rel="stylesheet" href="templates/css/print.css">'
                f'<style>[data-fit] {{ --fit-gap: {gap}px; height: 900px }}</style></head>'
                '<body><div data-fit="a"><div class="flow"><h2>Heading</h2><p>One.</p>'
                '<p>Two.</p><h2>Another</h2><p>Three.</p></div></div></body></html>')
        document = weasyprint.HTML(string=html, base_url=str(ROOT) + "/").render()
        [measured] = measure(document).areas
        tops = [box.content_box_y() for box in _flow_children(document)]
        return measured.content.children[0], tops

    flow, plain = area(0.0)
    assert flow.weights == (0, 0, 1, 2, 0)  # none under a heading, two above one
    _, spread = area(10.0)
    moved = [round(b - a, 1) for a, b in zip(plain, spread, strict=True)]
    assert moved == [0.0, 0.0, 10.0, 30.0, 30.0]  # what the weights say, added up
    assert predict(flow, 1.0, 10.0) - predict(flow, 1.0, 0.0) == pytest.approx(30.0)
    assert "--fit: 0.920" in Fit(scale=0.92).css()
    assert '[data-fit="cover panel"] { --fit-gap: 3.50px; }' in \
        Fit(gaps=(("cover panel", 3.5),)).css()


def _flow_children(document) -> list:
    page = document.pages[0]._page_box
    stack = [page]
    while stack:
        box = stack.pop()
        element = getattr(box, "element", None)
        if element is not None and "flow" in (element.get("class") or "") \
                and box.element_tag == "div":
            return list(box.children)
        stack.extend(getattr(box, "children", ()))
    return []


def test_copy_that_runs_into_the_foot_overflows(campaign):
    """The call to action is placed at the foot of its column whatever is above it: copy
    grown past its top is an overflow of the text frame, by how far it runs in."""
    from pamphleteer import pipeline as kit
    from pamphleteer.project import load_project

    project = load_project(campaign)
    piece = kit.prepare(project, "en", MATERIALS["handbill"], ("home",))[0]
    fitted, rendered = kit._fit(lambda fit, tall=False: kit.lay_out(
        project, piece, "home", [0], fit, tall), piece, "home")
    assert not rendered.layout.overflows
    [area] = rendered.layout.areas
    # The foot is measured under the copy: the area's content predicts what fills it (to
    # within a twentieth; the foot alone is a third of the page).
    assert predict(area.content, 1.0, dict(fitted.gaps)["page"]) \
        == pytest.approx(area.capacity, rel=0.05)
    grown = kit.lay_out(project, piece, "home", [0], Fit(scale=fitted.scale * 1.25))
    [(_, excess)] = [o for o in grown.layout.overflows if o[0] == "text"]
    assert excess > 5  # mm
