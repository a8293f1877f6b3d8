"""Odd asset files (issue 23, group 3): font family names, font files, colour profiles, logos
and photos a volunteer's campaign may carry. Each ends in a message naming the file (and the
line, or the place in the copy that uses it), never in a traceback, a hang, an empty box in
the print or a half-grey photo; and random bytes of each kind end in a message too."""

from __future__ import annotations

import io
import os
import re
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest
import tinycss2
from fontTools import subset
from fontTools.ttLib import TTFont
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from pamphleteer.errors import ContentError, PamphleteerError
from pamphleteer.fontconfig import font_config, font_files, fontconfig_file, load_weasyprint
from pamphleteer.fonts import (
    FontFace,
    coverage,
    family_problem,
    font_cmap,
    font_face_css,
    font_problem,
    load_fonts,
)
from pamphleteer.identity import MAX_LOGO_DEPTH, sanitize_logo
from pamphleteer.pdf import render_pdf
from pamphleteer.photos import find_photo, for_press, image_problem, pixels_problem
from pamphleteer.preflight import unembedded_fonts
from pamphleteer.prepress import (
    icc_description,
    icc_engine_problem,
    icc_problem,
)
from pamphleteer.project import load_project

from conftest import ROOT, build, run

FONTS = ROOT / "assets" / "fonts"
SERIF = "NotoSerif-Regular.subset.ttf"  # the fixture's text face (en, de)
ICC = ROOT / "assets" / "icc" / "pamphleteer-fogra39.icc"
PROFILE = ICC.read_bytes()
FLYER = ("-m", "flyer", "-p", "home", "-l", "en")
BUDGET = 30  # seconds: far above what a refusal costs


def own_assets(campaign: Path) -> Path:
    """Give a fixture campaign an assets folder of its own (it links to the theme's)."""
    (campaign / "assets").unlink()
    shutil.copytree(ROOT / "assets", campaign / "assets")
    return campaign / "assets"


def refused(campaign: Path, tmp_path: Path, pattern: str, *args: str) -> str:
    """``check`` and ``build`` both fail fast with a message matching ``pattern``, and no
    traceback; the build's output is returned."""
    for command in (["check", "--project", str(campaign), "-l", "en"],
                    ["build", "--project", str(campaign), "--out", f"{tmp_path}/out",
                     *FLYER, *args]):
        start = time.monotonic()
        code, output = run(*command)
        assert time.monotonic() - start < BUDGET
        assert code == 1 and "Traceback" not in output, output[-3000:]
        assert re.search(pattern, output), output[-3000:]
    assert not (tmp_path / "out" / "en" / "flyer-home.pdf").exists()
    return output


def line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
                if needle in line)


# 1. Font family names -------------------------------------------------------------------

REAL_FAMILIES = ["Noto Sans KR", "Noto Sans JP", "Source Han Serif", "Noto Serif", "Inter",
                 "M+ 1p", "Source Sans 3", "IBM Plex Sans", "Zen Kaku Gothic New",
                 "Noto Sans Devanagari", "源ノ明朝", "본고딕", "思源黑体", "نوتو نسخ",
                 "פרנק רואיל", "Tiếng Việt Sans", "Ünïcödé Grotesk", "A.B_C-D & E"]
BAD_FAMILIES = [("</style><script>alert(1)</script>", "< (U+003C LESS-THAN SIGN)"),
                ('Inter"; } * { color: red', '" (U+0022 QUOTATION MARK)'),
                ("Inter'", "' (U+0027 APOSTROPHE)"),
                ("Inter\\", "\\ (U+005C REVERSE SOLIDUS)"),
                ("Inter; x", "; (U+003B SEMICOLON)"),
                ("Inter{", "{ (U+007B LEFT CURLY BRACKET)"),
                ("Inter>", "> (U+003E GREATER-THAN SIGN)"),
                ("Inter, Arial", ", (U+002C COMMA)"),
                ("In/ter", "/ (U+002F SOLIDUS)"),
                ("Inter\u202e", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
                ("Inter\x07", "U+0007 (a control character)"),
                ("Inter\u200b", "U+200B (ZERO WIDTH SPACE)")]


@pytest.mark.parametrize("family", REAL_FAMILIES)
def test_a_real_family_name_in_any_script_is_a_family_name(family):
    assert family_problem(family) is None


@pytest.mark.parametrize(("family", "char"), BAD_FAMILIES)
def test_a_family_name_with_markup_quotes_or_controls_is_refused(family, char):
    problem = family_problem(family)
    assert problem and problem.startswith(f"holds {char}, which a family name may not hold")


@pytest.mark.parametrize(("family", "problem"), [
    ("", "is empty"), ("   ", "is empty"), (" Inter", "has a space at its start"),
    ("Noto  Serif", "two in a row"), ("serif", "generic CSS family"),
    ("x" * 65, "65 characters long")])
def test_an_empty_generic_or_long_family_name_is_refused(family, problem):
    assert problem in family_problem(family)


def test_a_family_name_in_fonts_toml_is_refused_at_its_line(campaign, tmp_path):
    """The attack of issue 23: was AttributeError: 'NoneType' object has no attribute 'get'
    (please report this), from a PDF whose font dictionary the name had broken."""
    assets = own_assets(campaign)
    fonts = assets / "fonts" / "fonts.toml"
    hostile = "</style><script>alert(1)</script>"
    fonts.write_text(fonts.read_text("utf-8").replace('"Noto Serif"', f'"{hostile}"'), "utf-8")
    settings_file = campaign / "campaign.toml"
    settings_file.write_text(settings_file.read_text("utf-8")
                             .replace('"Noto Serif"', f'"{hostile}"'), "utf-8")
    line = line_of(fonts, hostile)
    refused(campaign, tmp_path, re.escape(f"fonts.toml:{line}: font #5: family '{hostile}' "
                                          "holds < (U+003C LESS-THAN SIGN), which a family "
                                          "name may not hold"))


@pytest.mark.parametrize("family", ["</style><b>", 'Noto Serif", "x', "Noto Serif\x1b[31m"])
def test_a_family_name_in_a_locale_file_is_refused_at_its_line(campaign, tmp_path, family):
    locale = campaign / "content" / "de" / "locale.toml"
    toml_family = family.replace("\\", "\\\\").replace('"', '\\"').replace("\x1b", "\\u001b")
    locale.write_text(locale.read_text("utf-8") + f'\n[fonts]\ntext = ["{toml_family}"]\n',
                      "utf-8")
    code, output = run("check", "--project", str(campaign), "-l", "de")
    assert code == 1 and "Traceback" not in output and "\x1b" not in output, output
    line = line_of(locale, "text = [")
    assert re.search(rf"content/de/locale\.toml:{line}: fonts\.text: font family '.*' holds ",
                     output), output


def test_family_names_reach_the_css_as_escaped_strings():
    hostile = "</style><script>x()</script>\"'\\;{}"
    face = FontFace(family=hostile, path=FONTS / SERIF, weight=400, style="normal",
                    url="assets/fonts/a%22b.ttf")
    css = font_face_css((face,))
    assert "</style>" not in css and "<" not in css and "\\\"" not in css
    [rule] = [r for r in tinycss2.parse_stylesheet(css) if r.type == "at-rule"]
    declarations = tinycss2.parse_blocks_contents(rule.content)
    family = next(d for d in declarations if d.type == "declaration" and d.name == "font-family")
    assert [token.value for token in family.value if token.type == "string"] == [hostile]


@pytest.mark.slow
def test_a_family_name_a_pdf_name_cannot_hold_is_escaped_in_the_pdf():
    """WeasyPrint writes a family into the PDF font's name unescaped; whatever the name
    holds, the PDF's font dictionaries stay whole (defence behind the family check)."""
    from pamphleteer.markup import css_string

    family = "A(b)<c>/d%e#f[g]{h} 노토"
    html = (f"<style>@font-face {{ font-family: {css_string(family)}; "
            "src: url(assets/fonts/Inter-Regular.subset.otf); } "
            f"p {{ font-family: {css_string(family)}; }}</style><p>Hello</p>")
    pdf = render_pdf(html, root=ROOT, source=ROOT / "x.md").pdf
    assert unembedded_fonts(pdf) == []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        names = {str(obj.BaseFont) for obj in document.objects
                 if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font"}
    assert any(name.endswith("+A(b)<c>/d%e#f[g]{h}-노토") for name in names), names


@pytest.mark.slow
def test_a_family_named_in_another_script_builds(campaign, tmp_path):
    assets = own_assets(campaign)
    fonts = assets / "fonts" / "fonts.toml"
    fonts.write_text(fonts.read_text("utf-8").replace('"Noto Serif"', '"노토 세리프"'), "utf-8")
    settings_file = campaign / "campaign.toml"
    settings_file.write_text(settings_file.read_text("utf-8")
                             .replace('"Noto Serif"', '"노토 세리프"'), "utf-8")
    code, output = build(campaign, tmp_path / "out", *FLYER)
    assert code == 0, output
    assert unembedded_fonts((tmp_path / "out/en/flyer-home.pdf").read_bytes()) == []


# 2. Font files ----------------------------------------------------------------------------

def serif() -> bytes:
    return (FONTS / SERIF).read_bytes()


def table(data: bytes, tag: bytes) -> tuple[int, int]:
    """The offset and length of the font's ``tag`` table."""
    count = struct.unpack_from(">H", data, 4)[0]
    for index in range(count):
        found, _, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * index)
        if found == tag:
            return offset, length
    raise KeyError(tag)


def tables_end(data: bytes) -> int:
    """Where the font's last table ends (the file may run on a little, padded)."""
    count = struct.unpack_from(">H", data, 4)[0]
    return max(sum(struct.unpack_from(">II", data, 20 + 16 * index)) for index in range(count))


def patched(data: bytes, at: int, new: bytes) -> bytes:
    return data[:at] + new + data[at + len(new):]


def cmap_subtable(data: bytes) -> int:
    """Where the font's first cmap subtable starts."""
    offset, _ = table(data, b"cmap")
    return offset + struct.unpack_from(">I", data, offset + 8)[0]


def without_table(data: bytes, tag: str) -> bytes:
    font = TTFont(io.BytesIO(data))
    del font[tag]
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def lacking(data: bytes, chars: str) -> bytes:
    """The font without the glyphs of ``chars``, its names kept: a file a volunteer might
    put in the place of a bundled one."""
    font = TTFont(io.BytesIO(data))
    options = subset.Options()
    options.name_IDs, options.layout_features, options.notdef_outline = ["*"], ["*"], True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[code for code in font.getBestCmap() if chr(code) not in chars])
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


BROKEN_FONTS = {
    "random bytes": (lambda: os.urandom(5000),
                     "this is not a TrueType or OpenType font file"),
    "zero bytes": (lambda: b"", "this font file is 0 bytes long: it is empty or cut short"),
    "a header only": (lambda: serif()[:40], "cut short or damaged: its table directory"),
    "cut in half": (lambda: serif()[:len(serif()) // 2],
                    "this font file is cut short: its '\\w+' table runs past the end"),
    "its last table cut by a byte": (lambda: serif()[:tables_end(serif()) - 1],
                                     "this font file is cut short: its '\\w+' table"),
    "a cmap pointing outside itself": (
        lambda: patched(serif(), table(serif(), b"cmap")[0] + 8, b"\xff" * 4),
        "its character map \\(cmap\\) points past its end"),
    "a cmap of an unknown format": (
        lambda: patched(serif(), cmap_subtable(serif()), b"\x00\x63"),
        "its character map \\(cmap\\) has a subtable of unknown format 99"),
    "a cmap whose segments are garbage": (
        lambda: patched(serif(), cmap_subtable(serif()) + 6, b"\xff\xfe"),
        "this font file draws no characters|its character map cannot be read"),
    "a cmap pointing at glyphs it does not have": (
        lambda: patched(patched(serif(), table(serif(), b"maxp")[0] + 4, b"\x00\x0a"),
                        table(serif(), b"hhea")[0] + 34, b"\x00\x0a"),
        "its character map points at glyphs it does not have"),
    "no cmap": (lambda: without_table(serif(), "cmap"), "lacks the 'cmap' table"),
    "no glyph outlines": (lambda: without_table(serif(), "glyf"), "lacks the 'glyf' table"),
    "a damaged header": (lambda: patched(serif(), table(serif(), b"head")[0] + 12, b"\0" * 4),
                         "its 'head' table is not a font header"),
    "a loca past the outlines": (
        lambda: patched(serif(), table(serif(), b"loca")[0] + 4, b"\xff\xff"),
        "its 'loca' table points outside the glyph outlines"),
    "a font collection": (lambda: b"ttcf" + serif()[4:], "this is a font collection \\(.ttc\\)"),
    "a web font": (lambda: b"wOFF" + serif()[4:], "this is a web font \\(WOFF\\)"),
}


@pytest.mark.parametrize("case", BROKEN_FONTS)
def test_a_broken_font_file_is_refused_naming_it(campaign, tmp_path, case):
    """Each was a traceback (TTLibError, struct.error) from the glyph check, or worse."""
    make, message = BROKEN_FONTS[case]
    assets = own_assets(campaign)
    (assets / "fonts" / SERIF).write_bytes(make())
    refused(campaign, tmp_path, rf"assets/fonts/{re.escape(SERIF)}: [^\n]*({message})")


def test_every_bundled_font_passes_and_draws_what_fonttools_says():
    for path in sorted(FONTS.glob("*.?tf")):
        data = path.read_bytes()
        assert font_problem(data) is None, path
        with TTFont(path, lazy=True) as font:
            assert font_cmap(data) == frozenset(font.getBestCmap()), path


def test_a_character_every_face_of_a_family_must_draw(campaign):
    """Copy may be set in any face of its family: one face without '$' is enough to refuse
    it (the check took the union of the faces, and the regular face printed a box)."""
    assets = own_assets(campaign)
    (assets / "fonts" / SERIF).write_bytes(lacking(serif(), "$"))
    project = load_project(campaign)
    assert ord("$") not in coverage(project.font_faces, ("Noto Serif",))
    assert ord("$") in coverage(project.font_faces, ("Inter",))
    flyer = campaign / "content/en/flyer.md"
    code, output = run("check", "--project", str(campaign), "-l", "en", "-m", "flyer")
    assert code == 1 and "Traceback" not in output
    assert f"content/en/flyer.md:{line_of(flyer, '$')}: no bundled font for 'en' can draw " \
           "'$' (U+0024 DOLLAR SIGN)" in output, output


def test_the_glyph_check_reads_a_replaced_font_again(campaign):
    """A font replaced in place under the same name, its time put back: the glyph check
    (which kept the first file's characters for the process) sees the new file."""
    assets = own_assets(campaign)
    path = assets / "fonts" / SERIF
    before = coverage(load_project(campaign).font_faces, ("Noto Serif",))
    assert ord("$") in before
    info = path.stat()
    with path.open("r+b") as handle:  # the same file: its folder's time does not change
        handle.truncate(0)
        handle.write(lacking(serif(), "$"))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    after = coverage(load_project(campaign).font_faces, ("Noto Serif",))
    assert ord("$") not in after and len(after) == len(before) - 1


@pytest.mark.slow
def test_a_font_replaced_between_builds_is_never_taken_for_the_old_one(campaign, tmp_path):
    """The watch case: one process builds, a font is replaced in place without its glyph
    for '$', and the next build refuses it (it printed a .notdef box, exit 0)."""
    assets = own_assets(campaign)
    out = tmp_path / "out"
    code, output = build(campaign, out, *FLYER)
    assert code == 0, output
    path = assets / "fonts" / SERIF
    info = path.stat()
    with path.open("r+b") as handle:
        handle.truncate(0)
        handle.write(lacking(serif(), "$"))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    code, output = build(campaign, out, *FLYER)
    assert code == 1, output
    line = line_of(campaign / "content/en/flyer.md", "$")
    assert f"content/en/flyer.md:{line}: no bundled font for 'en' can draw '$'" in output


def test_the_font_configuration_is_keyed_by_the_fonts_contents(tmp_path):
    """A font rewritten in place with as many bytes and its time put back (what an editor
    or a copy that keeps times can do) gets a new WeasyPrint configuration and a new
    fontconfig setup: its size, time and inode alone said it was the same font."""
    fonts = tmp_path / "assets" / "fonts"
    shutil.copytree(FONTS, fonts)
    load_weasyprint(tmp_path)
    first, setup = font_config((fonts,)), fontconfig_file(font_files((fonts,)))
    face = fonts / "Inter-Bold.subset.otf"
    data, info = bytearray(face.read_bytes()), face.stat()
    offset, length = table(bytes(data), b"CFF ")
    data[offset + length // 2] ^= 0xFF  # one byte of one glyph's outline
    with face.open("r+b") as handle:
        handle.write(data)
    os.utime(face, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert face.stat().st_size == info.st_size and face.stat().st_ino == info.st_ino
    assert font_config((fonts,)) is not first
    assert fontconfig_file(font_files((fonts,))) != setup


def test_fontconfig_sees_only_checked_fonts_by_their_contents(tmp_path):
    fonts = tmp_path / "assets" / "fonts"
    shutil.copytree(FONTS, fonts)
    config = Path(fontconfig_file(font_files((fonts,))))
    [folder] = re.findall(r"<dir>([^<]+)</dir>", config.read_text())
    links = sorted(Path(folder).iterdir())
    assert [link.resolve() for link in links] == sorted(fonts.glob("*.?tf"))
    assert all(re.fullmatch(r"[\w.-]+\.[0-9a-f]{12}\.(ttf|otf)", link.name) for link in links)


@pytest.mark.slow
def test_a_pipe_among_the_fonts_is_refused_not_waited_on(campaign, tmp_path):
    """fontconfig scanned every file of the fonts folders and waited for ever on a pipe."""
    fonts = campaign / "assets" / "fonts"
    (campaign / "assets").unlink()
    fonts.mkdir(parents=True)
    os.mkfifo(fonts / "evil.ttf")
    result = subprocess.run([sys.executable, "-m", "pamphleteer", "build", "--project",
                             str(campaign), "--out", f"{tmp_path}/out", *FLYER],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "assets/fonts/evil.ttf: not a regular file" in result.stdout + result.stderr


@pytest.mark.slow
def test_a_character_no_font_draws_is_an_error_naming_where_it_comes_from(campaign, tmp_path):
    """A character the glyph check cannot see (a template's own) printed as an empty box
    with a warning, exit 0."""
    css = campaign / "templates/css/flyer.css"
    css.write_text(css.read_text("utf-8") + '\nh1::after { content: " \u2603"; }\n', "utf-8")
    code, output = build(campaign, tmp_path / "out", *FLYER)
    assert code == 1 and "Traceback" not in output, output
    assert f"templates/css/flyer.css:{line_of(css, chr(0x2603))}: '\u2603' (U+2603 SNOWMAN) " \
           "would print as an empty box: the font 'Inter' (assets/fonts/Inter-" in output
    assert "WeasyPrint: .notdef" not in output
    assert not (tmp_path / "out/en/flyer-home.pdf").exists()


@pytest.mark.slow
def test_the_notdef_check_runs_once_per_pdf_written(campaign):
    """The check reads the fonts WeasyPrint has just drawn with, once per PDF written (not per
    layout tried): four profiles of one flyer, four checks, whatever the fit tried."""
    from pamphleteer import pdf

    calls: list[Path | None] = []
    check = pdf.check_drawn

    def counted(*args, **kwargs):
        calls.append(kwargs.get("source"))
        check(*args, **kwargs)

    pdf.check_drawn = counted
    try:
        code, output = build(campaign, campaign.parent / "out", "-m", "flyer", "-l", "en")
    finally:
        pdf.check_drawn = check
    assert code == 0, output
    assert len(calls) == 4 and all(str(path).endswith("content/en/flyer.md") for path in calls)


# 3. Colour profiles -----------------------------------------------------------------------

CUT = "is cut short or damaged: its header says it is 77,352 bytes long, but the file has"


@pytest.mark.parametrize("length", [132, 150, 200, 400, 4000, len(PROFILE) - 1])
def test_a_colour_profile_cut_short_is_refused(length):
    """132-200 bytes were a struct.error; 400 of its 77 KB were accepted and embedded."""
    data = PROFILE[:length]
    assert icc_problem(data) == f"{CUT} {length:,}; copy it again from the printer's original"
    assert icc_problem(data) is not None
    assert icc_description(data) == ""


@pytest.mark.parametrize("length", [0, 10, 100, 131])
def test_a_colour_profile_shorter_than_its_header_is_refused(length):
    assert icc_problem(PROFILE[:length]).startswith(f"is only {length:,} bytes long")
    assert icc_description(PROFILE[:length]) == ""


def tag_entry(data: bytes, signature: bytes) -> int:
    """Where the tag table's entry for ``signature`` starts."""
    count = struct.unpack_from(">I", data, 128)[0]
    return next(132 + 12 * i for i in range(count) if data[132 + 12 * i:136 + 12 * i] ==
                signature)


def tag_data(data: bytes, signature: bytes) -> int:
    return struct.unpack_from(">I", data, tag_entry(data, signature) + 4)[0]


@pytest.mark.parametrize(("change", "problem"), [
    (lambda d: patched(d, 36, b"xxxx"), "it is not an ICC colour profile at all"),
    (lambda d: patched(d, 12, b"mntr"), "is not a CMYK printer profile: it is a display profile"),
    (lambda d: patched(d, 12, b"scnr"), "it is a scanner (input) profile"),
    (lambda d: patched(d, 16, b"RGB "), "it describes 'RGB' colour, not CMYK"),
    (lambda d: patched(d, 8, b"\x05"), "is an ICC version 5 profile"),
    (lambda d: patched(d, 20, b"????"), "its connection space is neither XYZ nor Lab"),
    (lambda d: patched(d, 128, b"\x00\x10\x00\x00"), "its list of tags does not fit"),
    (lambda d: patched(d, 128, b"\x00\x00\x00\x00"), "its list of tags does not fit"),
    (lambda d: patched(d, tag_entry(d, b"A2B0") + 4, struct.pack(">I", len(d) - 4)),
     "its 'A2B0' tag lies outside the file"),
    (lambda d: patched(d, tag_entry(d, b"desc") + 8, b"\xff\xff\xff\xff"),
     "its 'desc' tag lies outside the file"),
    (lambda d: patched(d, tag_entry(d, b"B2A0"), b"B2Ax"), "it has no 'B2A0' table"),
    (lambda d: patched(d, tag_data(d, b"A2B0"), b"text"), "its 'A2B0' table is not a colour"),
])
def test_a_colour_profile_that_is_not_a_whole_cmyk_press_profile_is_refused(change, problem):
    data = change(PROFILE)
    assert problem in (icc_problem(data) or ""), icc_problem(data)
    assert icc_problem(data) is not None
    assert isinstance(icc_description(data), str)


def test_the_bundled_profile_is_a_whole_cmyk_press_profile():
    assert icc_problem(PROFILE) is None
    assert icc_engine_problem(PROFILE) is None
    assert icc_description(PROFILE) == "Pamphleteer FOGRA39 (coated offset)"


def test_a_profile_whose_colour_tables_littlecms_cannot_use_is_refused():
    broken = patched(PROFILE, tag_data(PROFILE, b"B2A0") + 8, b"\x00")  # no input channel
    assert icc_problem(broken) is None  # whole, as far as its header and tags tell
    assert icc_engine_problem(broken).startswith("is damaged: the colour engine (LittleCMS) "
                                                 "cannot use it")


@pytest.mark.parametrize("length", [150, 400])
def test_a_shop_build_with_a_cut_profile_is_refused(campaign, tmp_path, length):
    assets = own_assets(campaign)
    (assets / "icc" / ICC.name).write_bytes(PROFILE[:length])
    code, output = run("build", "--project", str(campaign), "--out", f"{tmp_path}/out",
                       "-m", "flyer", "-p", "shop", "-l", "en")
    assert code == 1 and "Traceback" not in output, output
    assert re.search(rf"campaign\.toml(:\d+)?: .*'assets/icc/{ICC.name}' (is not a CMYK printer "
                     "profile|is cut short or damaged)", output), output
    assert not (tmp_path / "out/en/flyer-shop.pdf").exists()


@pytest.mark.slow
def test_a_shop_build_with_a_profile_littlecms_cannot_use_is_refused(campaign, tmp_path):
    assets = own_assets(campaign)
    letter = assets / "icc" / "pamphleteer-gracol2006.icc"  # the English pieces print on it
    profile = letter.read_bytes()
    broken = patched(profile, tag_data(profile, b"B2A0") + 8, b"\x00")
    letter.write_bytes(broken)
    code, output = run("build", "--project", str(campaign), "--out", f"{tmp_path}/out",
                       "-m", "flyer", "-p", "shop", "-l", "en")
    assert code == 1 and "Traceback" not in output, output
    assert f"assets/icc/{letter.name}: this colour profile is damaged: the colour engine " \
           "(LittleCMS) cannot use it" in output, output


# 4. Logos ---------------------------------------------------------------------------------

def nested(depth: int, shape: str = '<path d="M0 0h5v5z"/>') -> bytes:
    """An SVG whose shape sits inside ``depth`` groups."""
    return (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">' + b"<g>" * depth
            + shape.encode() + b"</g>" * depth + b"</svg>")


@pytest.mark.parametrize("depth", [MAX_LOGO_DEPTH - 1, 100, 1_500, 20_000])
def test_a_logo_nested_too_deep_is_refused_not_a_recursion_error(depth):
    with pytest.raises(ValueError, match=f"nests elements more than {MAX_LOGO_DEPTH} deep"):
        sanitize_logo(nested(depth))


def test_a_logo_nested_a_few_levels_is_kept():
    logo, ratio = sanitize_logo(nested(MAX_LOGO_DEPTH - 2))
    assert logo.count("<g>") + logo.count("<g ") == MAX_LOGO_DEPTH - 2 and ratio == 1.0


def test_a_logo_of_too_many_elements_is_refused():
    flat = nested(0, '<path d="M0 0h1v1z"/>' * 2_001)
    with pytest.raises(ValueError, match="has more than 2000 elements"):
        sanitize_logo(flat)


def test_a_deep_logo_is_refused_at_its_setting(campaign):
    assets = own_assets(campaign)
    (assets / "brand" / "logo.svg").write_bytes(nested(1_500))
    code, output = run("check", "--project", str(campaign))
    assert code == 1 and "Traceback" not in output, output
    line = line_of(campaign / "campaign.toml", "logo =")
    assert f"campaign.toml:{line}: identity.logo: 'assets/brand/logo.svg' nests elements " \
           f"more than {MAX_LOGO_DEPTH} deep" in output, output


# 5. Photos --------------------------------------------------------------------------------

def picture(width: int = 240, height: int = 160) -> Image.Image:
    image = Image.new("RGB", (width, height), (120, 170, 210))
    draw = ImageDraw.Draw(image)
    for index in range(12):
        draw.ellipse((index * 20, index * 10, index * 20 + 60, index * 10 + 50),
                     fill=(20 * index, 255 - 20 * index, 90))
    return image


def encoded(image: Image.Image, kind: str) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **({"quality": 90} if kind == "JPEG" else {}))
    return out.getvalue()


JPEG, PNG = encoded(picture(), "JPEG"), encoded(picture(), "PNG")


def place(root: Path, name: str, data: bytes) -> Path:
    path = root / "assets" / "photos" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def bad_crc(png: bytes) -> bytes:
    at = png.index(b"IDAT") + 10
    return patched(png, at, bytes([png[at] ^ 0xFF]))


@pytest.mark.parametrize(("name", "data", "problem"), [
    ("half.jpg", JPEG[:len(JPEG) // 2], "is cut short: the file ends before the picture does"),
    ("most.jpg", JPEG[:-200], "is cut short"),
    ("no-end.jpg", JPEG[:-2], "is cut short"),
    ("half.png", PNG[:len(PNG) // 2], "is cut short"),
    ("crc.png", bad_crc(PNG), "is damaged: it cannot be decoded as an image"),
    ("header.jpg", JPEG[:300], "is cut short|is damaged"),
    ("empty.png", b"", "cannot be read as an image"),
])
def test_a_cut_or_damaged_photo_is_refused_at_the_line_that_places_it(tmp_path, name, data,
                                                                       problem):
    """A JPEG cut short printed half grey, without a word."""
    place(tmp_path, name, data)
    with pytest.raises(ContentError, match=problem) as info:
        find_photo(tmp_path, f"assets/photos/{name}", Path("c.md"), 12)
    assert info.value.line == 12 and str(info.value.file) == "c.md"
    assert f"photo 'assets/photos/{name}' " in info.value.message


def test_a_whole_photo_is_found():
    assert image_problem(JPEG) == (None, "JPEG", (240, 160))
    assert image_problem(PNG) == (None, "PNG", (240, 160))


def test_a_photo_of_too_many_pixels_is_refused_from_its_header(tmp_path):
    huge = io.BytesIO()
    Image.new("1", (8_000, 7_000)).save(huge, "PNG")  # 56 megapixels, a few KB
    place(tmp_path, "huge.png", huge.getvalue())
    with pytest.raises(ContentError, match="has 8000x7000 pixels, more than 50 megapixels"):
        find_photo(tmp_path, "assets/photos/huge.png", Path("c.md"), 3)
    assert "more than 50 megapixels" in pixels_problem(huge.getvalue())
    with pytest.raises(ValueError, match="megapixels"):
        for_press(huge.getvalue(), ICC)


def test_a_pipe_in_a_photo_s_place_is_refused(tmp_path):
    (tmp_path / "assets" / "photos").mkdir(parents=True)
    os.mkfifo(tmp_path / "assets" / "photos" / "pipe.jpg")
    with pytest.raises(ContentError, match="not a regular file") as info:
        find_photo(tmp_path, "assets/photos/pipe.jpg", Path("c.md"), 7)
    assert info.value.line == 7


def test_a_cut_photo_is_refused_by_check_with_its_line(campaign):
    assets = own_assets(campaign)
    place(assets.parent, "rally.jpg", JPEG[:len(JPEG) // 2])
    flyer = campaign / "content/en/flyer.md"
    photo = "![A rally](assets/photos/rally.jpg)\n\n"
    text = flyer.read_text("utf-8").replace("## The standoff", photo + "## The standoff")
    flyer.write_text(text, "utf-8")
    code, output = run("check", "--project", str(campaign), "-l", "en", "-m", "flyer")
    assert code == 1 and "Traceback" not in output, output
    assert f"content/en/flyer.md:{line_of(flyer, 'rally.jpg')}: photo 'assets/photos/rally.jpg' " \
           "is cut short" in output, output


# 6. Random bytes of each kind -------------------------------------------------------------

FUZZ = settings(max_examples=300, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])


def mutations(size: int, head: int):
    """Edits of a file of ``size`` bytes: cuts, and byte changes mostly in its first
    ``head`` bytes (headers and tables), some anywhere."""
    position = st.integers(0, head) | st.integers(0, size - 1)
    flips = st.lists(st.tuples(position, st.integers(0, 255)), min_size=1, max_size=8)
    return st.one_of(st.tuples(st.just("cut"), st.integers(0, size)),
                     st.tuples(st.just("flip"), flips),
                     st.tuples(st.just("insert"), st.tuples(position, st.binary(max_size=32))))


def mutate(data: bytes, edit) -> bytes:
    kind, how = edit
    if kind == "cut":
        return data[:how]
    if kind == "insert":
        at, extra = how
        return data[:at] + extra + data[at:]
    out = bytearray(data)
    for at, value in how:
        out[at % len(out)] = value
    return bytes(out)


FONT_DATA = serif()


@FUZZ
@given(edit=mutations(len(FONT_DATA), table(FONT_DATA, b"cmap")[0] + 2000))
def test_random_font_bytes_end_in_a_message(edit):
    data = mutate(FONT_DATA, edit)
    problem = font_problem(data)
    assert problem is None or isinstance(problem, str)
    if problem is None:
        try:
            assert font_cmap(data)
        except ValueError as exc:
            assert str(exc).startswith("this font file")


@pytest.fixture(scope="module")
def font_campaign(tmp_path_factory) -> Path:
    """A campaign whose fonts.toml lists one face, its own file, to be broken."""
    root = tmp_path_factory.mktemp("font-fuzz")
    fonts = root / "assets" / "fonts"
    fonts.mkdir(parents=True)
    return root


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(edit=mutations(len(FONT_DATA), 400))
def test_random_font_files_loaded_and_counted_end_in_a_pamphleteer_error(font_campaign, edit):
    fonts = font_campaign / "assets" / "fonts"
    (fonts / "fonts.toml").write_text('[[font]]\nfamily = "Fuzz"\nfile = "fuzz.ttf"\n'
                                      'licence = "OFL-1.1"\n', "utf-8")
    (fonts / "fuzz.ttf").write_bytes(mutate(FONT_DATA, edit))
    try:
        coverage(load_fonts(font_campaign), ("Fuzz",))
    except PamphleteerError as exc:
        assert "fuzz.ttf" in str(exc.file)


TOML_PIECES = ["[[font]]\n", "family = ", "file = ", "weight = ", "style = ", "licence = ",
               '"Inter"', f'"{SERIF}"', '"../../campaign.toml"', '"fonts.toml"', '"italic"',
               '"oblique"', "400", "-1", "99999999999", "true", "[1, 2]", "{a = 1}", "\n",
               '"</style>"', '"\\u0000"', '"\\u202e"', '"Noto Sans KR"', '"OFL-1.1"', '"',
               "'", "=", "[", "]", "#"]


@FUZZ
@given(text=st.lists(st.sampled_from(TOML_PIECES) | st.text(max_size=12), max_size=40)
       .map("".join))
def test_random_fonts_toml_ends_in_a_pamphleteer_error(font_campaign, text):
    (font_campaign / "assets" / "fonts" / "fonts.toml").write_text(text, "utf-8")
    try:
        faces = load_fonts(font_campaign)
    except PamphleteerError:
        return
    assert all(family_problem(face.family) is None for face in faces)


@FUZZ
@given(edit=mutations(len(PROFILE), 1000))
def test_random_colour_profile_bytes_end_in_a_message(edit):
    data = mutate(PROFILE, edit)
    problem = icc_problem(data)
    assert problem is None or isinstance(problem, str)
    assert isinstance(icc_description(data), str)
    if problem is None:
        engine = icc_engine_problem(data)
        assert engine is None or engine.startswith("is damaged")


@pytest.fixture(scope="module")
def photo_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("photo-fuzz")


@FUZZ
@given(kind=st.sampled_from(["JPEG", "PNG"]), edit=mutations(len(PNG), 200))
def test_random_photo_bytes_end_in_a_content_error(photo_root, kind, edit):
    original = JPEG if kind == "JPEG" else PNG
    name = "fuzz.jpg" if kind == "JPEG" else "fuzz.png"
    place(photo_root, name, mutate(original, edit))
    try:
        photo = find_photo(photo_root, f"assets/photos/{name}", Path("c.md"), 4)
    except ContentError as exc:
        assert exc.line == 4 and exc.message.startswith(f"photo 'assets/photos/{name}' ")
    else:
        assert photo.width * photo.height > 0


@FUZZ
@given(depth=st.integers(0, 200), width=st.integers(0, 60),
       shape=st.sampled_from(['<path d="M0 0h5v5z"/>', "<g/>", "<rect width='1'/>", "<x/>"]))
def test_random_logo_trees_end_in_a_message(depth, width, shape):
    try:
        sanitize_logo(nested(depth, shape * width))
    except ValueError as exc:
        assert str(exc)
