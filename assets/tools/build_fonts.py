#!/usr/bin/env python3
"""Build Pamphleteer's bundled font subsets, fonts.toml and licence files.

Usage::

    python assets/tools/build_fonts.py DEBROOT [--out assets/fonts]
    python assets/tools/build_fonts.py --verify-only [--out assets/fonts]

DEBROOT is one directory into which the Debian packages fonts-inter,
fonts-noto-core, fonts-noto-cjk and fonts-noto-cjk-extra were extracted with
``dpkg -x PKG.deb DEBROOT`` (see assets/README.md).  Every subset is made by
``fontTools.subset.main`` with the same arguments that the script prints as a
``pyftsubset`` command line, so each file can also be rebuilt by hand.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

# Latin and Cyrillic (Russian, Ukrainian, Serbian, Bulgarian...): the theme's families draw
# both in full, so a campaign's Russian pieces need no font of their own. The IPA letters and
# modifiers (U+0250-02FF) and Latin Extended-D are letters of Hausa (ɓ ɗ), Azerbaijani (ə),
# Hawaiian and Tongan (U+02BB), Ukrainian and Uzbek (U+02BC), Akan and Lingala (ɔ ɛ): every letter
# CLDR's exemplars give a Latin or Cyrillic language that these families draw; and Greek,
# monotonic and polytonic.
LATIN_UNICODES = (
    "U+0020-007E,U+00A0-00FF,U+0100-017F,U+0180-024F,U+0250-02FF,U+0300-036F,U+0400-052F,"
    "U+1E00-1EFF,U+A720-A7FF,U+0370-03FF,U+1F00-1FFF,U+2000-206F,U+20A0-20CF,U+2100-214F,U+2190-21FF,U+2212,U+2713,U+2022,"
    "U+25A1,U+25CF"
)
# Devanagari (Hindi, Marathi, Nepali): its letters, marks and the joiners its conjuncts use;
# Latin digits and punctuation come from the theme's Latin families after it in a stack.
DEVANAGARI_UNICODES = "U+0020,U+00A0,U+0900-097F,U+1CD0-1CFF,U+200B-200D,U+20B9,U+25CC,U+A8E0-A8FF"
KOREAN_UNICODES = (
    "U+0020-007E,U+00A0-00FF,U+2000-206F,U+2190-21FF,U+1100-11FF,U+3000-303F,"
    "U+3130-318F,U+AC00-D7A3,U+FF00-FFEF"
)
# Japanese and Chinese: punctuation, kana and full-width forms, then the ideographs of each
# locale's national character set (see cjk_ideographs), read from Python's own codecs.
CJK_UNICODES = (
    "U+0020-007E,U+00A0-00FF,U+2000-206F,U+2190-21FF,U+2460-24FF,U+25A0-25FF,U+3000-303F,"
    "U+3040-30FF,U+31F0-31FF,U+FF00-FFEF"
)
# Arabic (Arabic, Persian, Urdu): letters, marks, presentation forms and the bidi controls;
# Latin comes from Inter after it in a stack.
ARABIC_UNICODES = (
    "U+0020,U+00A0,U+0600-06FF,U+0750-077F,U+08A0-08FF,U+200B-200F,U+2066-2069,U+25CC,"
    "U+FB50-FDFF,U+FE70-FEFF"
)
# Hebrew (Hebrew, Yiddish): letters, points and the bidi controls; Latin from Inter after it.
HEBREW_UNICODES = "U+0020,U+00A0,U+0590-05FF,U+200B-200F,U+2066-2069,U+25CC,U+FB1D-FB4F"
SAMPLES = {
    "latin": "Ạặễờựđ Мир Україна Ειρήνη", "korean": "평화협정", "devanagari": "शांति समझौता क्षत्र",
    "japanese": "平和協定を結ぶ「署名」", "simplified": "和平协定签名",
    "traditional": "和平協定簽名",
    "arabic": "اتفاقية سلام", "hebrew": "הסכם שלום",
}
# Layout features a subset keeps. The CJK faces keep only what horizontal text uses: their
# locl (other regions' glyph shapes), vert and the JIS78/83/90 variants would double them.
CJK_FEATURES = "ccmp,liga,kern,palt,halt,mark,mkmk"

EXEMPLARS = Path(__file__).resolve().parents[2] / "pamphleteer" / "exemplars.json"
INTER_DIR = "usr/share/fonts/opentype/inter"
NOTO_DIR = "usr/share/fonts/truetype/noto"
CJK_DIR = "usr/share/fonts/opentype/noto"

LICENCE = "OFL-1.1"

# Debian package that ships each family, and the name of the OFL stanza in its copyright file.
FAMILY_PACKAGES = {
    "Inter": ("fonts-inter", "OFL-1.1"),
    "Noto Serif": ("fonts-noto-core", "OFL-1.1"),
    "Noto Sans KR": ("fonts-noto-cjk", "SIL-1.1"),
    "Noto Sans JP": ("fonts-noto-cjk", "SIL-1.1"),
    "Noto Sans SC": ("fonts-noto-cjk", "SIL-1.1"),
    "Noto Sans TC": ("fonts-noto-cjk", "SIL-1.1"),
    "Noto Sans Devanagari": ("fonts-noto-core", "OFL-1.1"),
    "Noto Sans Arabic": ("fonts-noto-core", "OFL-1.1"),
    "Noto Sans Hebrew": ("fonts-noto-core", "OFL-1.1"),
}


def double_byte(codec: str, rows: range, cells: range) -> list[int]:
    """The one-character code points a double-byte codec decodes, in the standard's order."""
    found: list[int] = []
    for row in rows:
        for cell in cells:
            try:
                text = bytes((row, cell)).decode(codec)
            except UnicodeDecodeError:
                continue
            if len(text) == 1 and ord(text) not in found:
                found.append(ord(text))
    return found


def cjk_ideographs(script: str) -> tuple[list[int], set[int]]:
    """A locale's characters beyond CJK_UNICODES, and the commonly used ones among them.

    Japanese: JIS X 0208 (6,355 kanji; level 1, rows 16-47, the common ones) and the four
    joyo kanji of 2010 it lacks. Simplified Chinese: GB 2312 (6,763 hanzi; level 1, the
    3,755 of rows 16-55, common). Traditional Chinese: Big5's frequently used characters
    (5,401, rows A4-C6: Taiwan's list of common characters), all common.
    """
    if script == "japanese":
        level1 = double_byte("euc_jp", range(0xB0, 0xD0), range(0xA1, 0xFF))
        rest = double_byte("euc_jp", range(0xA1, 0xF5), range(0xA1, 0xFF))
        rest += [0x20B9F, 0x5861, 0x525D, 0x9830]  # 𠮟 塡 剝 頰
        cldr = ("ja",)
    elif script == "simplified":
        level1 = double_byte("gb2312", range(0xB0, 0xD8), range(0xA1, 0xFF))
        rest = double_byte("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF))
        cldr = ("zh",)
    else:
        cells = range(0x40, 0xFF)
        level1 = double_byte("big5", range(0xA1, 0xC6), cells)
        level1 += double_byte("big5", range(0xC6, 0xC7), range(0x40, 0x7F))
        rest = []
        cldr = ("zh_Hant", "yue")  # Cantonese is written in Traditional characters too
    # CLDR's exemplar characters for the locale (what `fonts add` and new-locale check a
    # font by), so the theme's face passes its own check: 20 of zh_Hant's are Big5 level 2.
    exemplars = json.loads(EXEMPLARS.read_text("utf-8"))
    rest += [ord(char) for code in cldr for char in exemplars[code]]
    return sorted(set(level1) | set(rest)), set(level1)


@dataclass(frozen=True)
class FontJob:
    """One subset to build: where it comes from and how it is registered."""

    family: str
    weight: int
    style: str
    source: str
    output: str
    script: str = "latin"
    face: str = ""  # PostScript name prefix of the face inside a .ttc

    @property
    def sample(self) -> str:
        """Text whose glyphs the subset must cover."""
        return SAMPLES[self.script]

    @property
    def unicodes(self) -> str:
        """The --unicodes argument (CJK ideographs go in a file: see subset_args)."""
        return {"latin": LATIN_UNICODES, "korean": KOREAN_UNICODES,
                "devanagari": DEVANAGARI_UNICODES, "arabic": ARABIC_UNICODES,
                "hebrew": HEBREW_UNICODES}.get(
                    self.script, CJK_UNICODES)


def cjk_jobs(family: str, prefix: str, script: str) -> tuple[FontJob, ...]:
    """The three weights (400, 700, 900) of one Noto Sans CJK region."""
    short = family.replace(" ", "")
    return tuple(
        FontJob(family, weight, "normal", f"{CJK_DIR}/NotoSansCJK-{name}.ttc",
                f"{short}-{name}.subset.otf", script, face=prefix)
        for weight, name in ((400, "Regular"), (700, "Bold"), (900, "Black")))


def noto_jobs(family: str, script: str) -> tuple[FontJob, ...]:
    """The two weights (400, 700) of one Noto Sans family for a script, from fonts-noto-core."""
    short = family.replace(" ", "")
    return tuple(FontJob(family, weight, "normal", f"{NOTO_DIR}/{short}-{name}.ttf",
                         f"{short}-{name}.subset.ttf", script)
                 for weight, name in ((400, "Regular"), (700, "Bold")))


JOBS: tuple[FontJob, ...] = (
    FontJob("Inter", 400, "normal", f"{INTER_DIR}/Inter-Regular.otf",
            "Inter-Regular.subset.otf"),
    FontJob("Inter", 700, "normal", f"{INTER_DIR}/Inter-Bold.otf", "Inter-Bold.subset.otf"),
    FontJob("Inter", 800, "normal", f"{INTER_DIR}/Inter-ExtraBold.otf",
            "Inter-ExtraBold.subset.otf"),
    FontJob("Inter", 900, "normal", f"{INTER_DIR}/Inter-Black.otf", "Inter-Black.subset.otf"),
    FontJob("Noto Serif", 400, "normal", f"{NOTO_DIR}/NotoSerif-Regular.ttf",
            "NotoSerif-Regular.subset.ttf"),
    FontJob("Noto Serif", 400, "italic", f"{NOTO_DIR}/NotoSerif-Italic.ttf",
            "NotoSerif-Italic.subset.ttf"),
    FontJob("Noto Serif", 700, "normal", f"{NOTO_DIR}/NotoSerif-Bold.ttf",
            "NotoSerif-Bold.subset.ttf"),
    FontJob("Noto Serif", 700, "italic", f"{NOTO_DIR}/NotoSerif-BoldItalic.ttf",
            "NotoSerif-BoldItalic.subset.ttf"),
    *cjk_jobs("Noto Sans KR", "NotoSansCJKkr-", "korean"),
    *noto_jobs("Noto Sans Devanagari", "devanagari"),
    *cjk_jobs("Noto Sans JP", "NotoSansCJKjp-", "japanese"),
    *cjk_jobs("Noto Sans SC", "NotoSansCJKsc-", "simplified"),
    *cjk_jobs("Noto Sans TC", "NotoSansCJKtc-", "traditional"),
    *noto_jobs("Noto Sans Arabic", "arabic"),
    *noto_jobs("Noto Sans Hebrew", "hebrew"),
)


def face_index(path: Path, prefix: str) -> int:
    """Return the index of the face whose PostScript name starts with prefix in a .ttc."""
    collection = TTCollection(str(path), lazy=True)
    matches = []
    for index, font in enumerate(collection.fonts):
        names = font["name"]
        postscript = names.getDebugName(6) or ""
        if postscript.startswith(prefix):
            matches.append(index)
            print(
                f"  {path.name}: face {index} = {postscript!r} "
                f"(family {names.getDebugName(1)!r}, full {names.getDebugName(4)!r})"
            )
    if len(matches) != 1:
        raise SystemExit(f"{path}: expected one {prefix}* face, found {matches}")
    return matches[0]


IDEOGRAPH_SCRIPTS = ("japanese", "simplified", "traditional")


def subset_args(job: FontJob, source: Path, output: Path, font_number: int | None,
                unicodes_file: Path | None = None) -> list[str]:
    """Return the pyftsubset arguments that build one subset."""
    args = [
        str(source),
        f"--output-file={output}",
        f"--unicodes={job.unicodes}",
        f"--layout-features={CJK_FEATURES if job.script in IDEOGRAPH_SCRIPTS else '*'}",
        "--no-hinting",
        "--name-IDs=*",
        "--name-languages=*",
        "--name-legacy",
        "--notdef-outline",
    ]
    if unicodes_file is not None:
        args.append(f"--unicodes-file={unicodes_file}")
    if font_number is not None:
        args.append(f"--font-number={font_number}")
    return args


def build_fonts(debroot: Path, out: Path) -> None:
    """Subset every font in JOBS from the extracted packages into out."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        for job in JOBS:
            source = debroot / job.source
            if not source.is_file():
                raise SystemExit(f"missing source font {source}")
            font_number = face_index(source, job.face) if job.face else None
            listed = None
            if job.script in IDEOGRAPH_SCRIPTS:  # thousands of code points: one per line
                listed = Path(scratch) / f"{job.script}.txt"
                codes = cjk_ideographs(job.script)[0]
                listed.write_text("".join(f"U+{code:04X}\n" for code in codes), "ascii")
                print(f"{listed.name}: {len(codes)} code points from cjk_ideographs()")
            args = subset_args(job, source, out / job.output, font_number, listed)
            print("pyftsubset " + shlex.join(args))
            subset.main(args)
            ordinary = ORDINARY.get(job.script)
            if ordinary is not None:
                order_glyphs(out / job.output, ordinary)


def common_hangul(code: int) -> bool:
    """Whether a Hangul syllable is one of the 2,350 of KS X 1001 (two bytes in EUC-KR, where
    the other 8,822 take eight): nearly all real Korean text uses only these."""
    return 0xAC00 <= code <= 0xD7A3 and len(chr(code).encode("euc_kr")) == 2


def ordinary_korean(code: int) -> bool:
    """What Korean text uses: everything but the jamo and the rare syllables."""
    return not (0x1100 <= code <= 0x11FF or 0xAC00 <= code <= 0xD7A3) or common_hangul(code)


def ordinary_latin(code: int) -> bool:
    """What an English or Spanish kit uses: everything but Cyrillic, Greek, the IPA letters
    and modifiers and Latin Extended-D (which their own languages' pieces use)."""
    return not (0x0400 <= code <= 0x052F or 0x0250 <= code <= 0x02FF
                or 0xA720 <= code <= 0xA7FF or 0x0370 <= code <= 0x03FF
                or 0x1F00 <= code <= 0x1FFF)


def common_ideographs(script: str) -> Callable[[int], bool]:
    """What Japanese or Chinese text uses: everything but the second level's ideographs."""
    chosen, common = cjk_ideographs(script)
    rare = set(chosen) - common
    return lambda code: code not in rare


ORDINARY: dict[str, Callable[[int], bool]] = {
    "latin": ordinary_latin, "korean": ordinary_korean,
    "japanese": common_ideographs("japanese"), "simplified": common_ideographs("simplified"),
}


def order_glyphs(path: Path, ordinary: Callable[[int], bool]) -> None:
    """Renumber a subset's glyphs: what ordinary text uses first, the rest last (a Korean
    subset's rare syllables; a Latin one's Cyrillic).

    WeasyPrint embeds a subset that keeps every glyph's number, so the embedded font holds an
    (empty) entry for every glyph up to the highest one used: about 20 KB per weight when
    that is a syllable near the end of the font. With the 2,350 common syllables, the other
    characters and every glyph their layout features reach numbered first, a page of Korean
    embeds about 3,000 entries instead of 12,000 (a flyer: 71 KB instead of 109 KB). The
    outlines and their private dicts are unchanged.
    """
    from fontTools import subset as subsetting
    from fontTools.ttLib.reorderGlyphs import reorderGlyphs

    font = TTFont(path, recalcTimestamp=False)  # the source's date: a rebuild is the same file
    cmap, order = font.getBestCmap(), font.getGlyphOrder()
    wanted = [code for code in sorted(cmap) if ordinary(code)]
    options = subsetting.Options()
    options.layout_features = ["*"]
    options.notdef_outline = True
    closure = subsetting.Subsetter(options)
    closure.populate(unicodes=wanted)
    closure._closure_glyphs(font)  # the glyphs the layout features reach from these
    first = set(closure.glyphs_retained) | {order[0]}
    new_order = [g for g in order if g in first] + [g for g in order if g not in first]
    if "CFF " not in font:  # TrueType: its glyphs are kept by name
        reorderGlyphs(font, new_order)
        font.save(path)
    else:
        top = font["CFF "].cff.topDictIndex[0]
        # CID-keyed CFF: each charstring keeps the private dict (FD) it was read with, and
        # the FD of each glyph number moves with its glyph (fontTools leaves FDSelect as it
        # was).
        cid = hasattr(top, "FDSelect")
        fd_of = dict(zip(order, top.FDSelect.gidArray, strict=True)) if cid else {}
        charstrings = {name: top.CharStrings[name] for name in order}
        for charstring in charstrings.values():
            charstring.decompile()
        reorderGlyphs(font, new_order)
        top.CharStrings.charStrings = {name: charstrings[name] for name in new_order}
        top.CharStrings.charStringsAreIndexed = False
        if cid:
            top.FDSelect.gidArray = [fd_of[name] for name in new_order]
        font.save(path)
    highest = max(new_order.index(cmap[code]) for code in wanted)
    print(f"ordered {path.name}: {len(first)} of {len(order)} glyphs first "
          f"(common text reaches glyph {highest})")


def write_fonts_toml(out: Path) -> None:
    """Write fonts.toml with one [[font]] table per subset."""
    lines = [
        "# Generated by assets/tools/build_fonts.py; one table per bundled font file.",
        "",
    ]
    for job in JOBS:
        lines += [
            "[[font]]",
            f'family = "{job.family}"',
            f'file = "{job.output}"',
            f"weight = {job.weight}",
            f'style = "{job.style}"',
            f'licence = "{LICENCE}"',
            "",
        ]
    (out / "fonts.toml").write_text("\n".join(lines), encoding="utf-8")


def debian_licence_text(copyright_file: Path, licence: str) -> str:
    """Extract and un-indent one 'License:' stanza from a Debian copyright file."""
    lines = copyright_file.read_text(encoding="utf-8").splitlines()
    # The stand-alone stanza is the "License:" line followed by indented text;
    # the same line also appears, without text, as a field of "Files:" stanzas.
    start = next(
        i + 1
        for i, line in enumerate(lines[:-1])
        if line == f"License: {licence}" and lines[i + 1].startswith(" ")
    )
    body: list[str] = []
    for line in lines[start:]:
        if not line.startswith(" "):
            break
        body.append("" if line.strip() == "." else line[1:])
    text = "\n".join(body).strip("\n")
    if "SIL OPEN FONT LICENSE" not in text:
        text = (
            "-----------------------------------------------------------\n"
            "SIL OPEN FONT LICENSE Version 1.1 - 26 February 2007\n"
            "-----------------------------------------------------------\n\n" + text
        )
    return text + "\n"


def debian_copyright_lines(copyright_file: Path) -> list[str]:
    """Return the Copyright: field of the 'Files: *' stanza of a Debian copyright file."""
    lines = copyright_file.read_text(encoding="utf-8").splitlines()
    start = lines.index("Files: *") + 1
    result: list[str] = []
    in_field = False
    for line in lines[start:]:
        if line.startswith("Copyright:"):
            in_field = True
            value = line.removeprefix("Copyright:").strip()
            if value:
                result.append(value)
        elif in_field and line.startswith(" "):
            result.append(line.strip())
        elif in_field:
            break
    return result


def write_licences(debroot: Path, out: Path) -> None:
    """Write one OFL text per family, headed by the font's own copyright notice."""
    licences = out / "LICENSES"
    licences.mkdir(parents=True, exist_ok=True)
    for family, (package, stanza) in FAMILY_PACKAGES.items():
        job = next(j for j in JOBS if j.family == family)
        font = TTFont(out / job.output, lazy=True)
        notice = font["name"].getDebugName(0)
        trademark = font["name"].getDebugName(7)
        copyright_file = debroot / "usr/share/doc" / package / "copyright"
        header = [
            f"{family} (bundled by Pamphleteer as subsets of the Debian package {package})",
            "",
            notice or "",
            f"Copyright as stated by Debian ({package}/copyright): "
            + "; ".join(debian_copyright_lines(copyright_file)),
        ]
        if trademark:
            header.append(trademark)
        header += [
            "",
            "This Font Software is licensed under the SIL Open Font License, Version 1.1.",
            "This license is copied below, and is also available with a FAQ at:",
            "https://openfontlicense.org",
            "",
            "",
        ]
        text = "\n".join(header) + debian_licence_text(copyright_file, stanza)
        name = family.replace(" ", "") + "-OFL.txt"
        (licences / name).write_text(text, encoding="utf-8")


def verify(out: Path) -> int:
    """Print glyph count, sample coverage and size of each subset; return total bytes."""
    total = 0
    failures = 0
    for job in JOBS:
        path = out / job.output
        font = TTFont(path)
        cmap = font.getBestCmap()
        missing = [c for c in job.sample if ord(c) not in cmap]
        static = "fvar" not in font
        hinted = any(tag in font for tag in ("fpgm", "prep", "cvt "))
        layout = [tag for tag in ("GSUB", "GPOS", "GDEF", "kern") if tag in font]
        size = path.stat().st_size
        total += size
        ordered = True
        limit = {"korean": 4000, "japanese": 4500, "simplified": 5000}.get(job.script)
        if limit:  # common text must reach only low glyph numbers
            ordinary = ORDINARY[job.script]
            highest = max(font.getGlyphID(cmap[code]) for code in cmap if ordinary(code)
                          and (job.script != "korean" or common_hangul(code)))
            ordered = highest < limit
            print(f"{job.output:34} common characters reach glyph {highest}")
        ok = not missing and static and not hinted and ordered
        failures += not ok
        print(
            f"{job.output:34} {size:>10,} B  glyphs={font['maxp'].numGlyphs:<6} "
            f"covers {job.sample!r}: {'yes' if not missing else 'NO ' + ''.join(missing)}  "
            f"static={static} hinted={hinted} layout={','.join(layout)} "
            f"name1={font['name'].getDebugName(1)!r}"
        )
    print(f"total {total:,} B ({total / 1024 / 1024:.2f} MiB) in {len(JOBS)} files")
    if failures:
        raise SystemExit(f"{failures} subset(s) failed verification")
    return total


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and run the build and verification."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "debroot", nargs="?", type=Path, help="directory holding the extracted font .deb packages"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent.parent / "fonts",
        help="output directory (default: assets/fonts)",
    )
    parser.add_argument(
        "--verify-only", action="store_true", help="only check the existing subsets"
    )
    args = parser.parse_args(argv)
    if not args.verify_only:
        if args.debroot is None:
            parser.error("DEBROOT is required unless --verify-only is given")
        build_fonts(args.debroot, args.out)
        write_fonts_toml(args.out)
        write_licences(args.debroot, args.out)
    verify(args.out)


if __name__ == "__main__":
    sys.exit(main())
