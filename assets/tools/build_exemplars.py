#!/usr/bin/env python3
"""Build pamphleteer/exemplars.json: each language's exemplar characters, from CLDR.

Usage::

    python assets/tools/build_exemplars.py CLDRROOT [--out pamphleteer/exemplars.json]

CLDRROOT is a directory into which Debian's unicode-cldr-core was extracted with
``dpkg -x unicode-cldr-core_*.deb CLDRROOT``. For each locale file of common/main that
has main exemplar characters (the letters a language needs, CLDR's ``exemplarCharacters``
without a type), the set is written as one sorted string of code points; multi-character
elements such as {ch} give their characters. A file's sub-locales (de_AT) that only
inherit are left out; the loader falls back from zh_Hant_TW to zh_Hant to zh.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

MAIN = "usr/share/unicode/cldr/common/main"
ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|x\{[0-9A-Fa-f]+\}|.)")


def unescape(token: str) -> str:
    """One UnicodeSet escape (\\u0041, \\x{41}, \\-) as its character."""
    body = token[1:]
    if body[0] in "uU" and len(body) > 1:
        return chr(int(body[1:], 16))
    if body.startswith("x{"):
        return chr(int(body[2:-1], 16))
    return body


def parse_set(text: str) -> set[int]:
    """The code points of a CLDR exemplar UnicodeSet such as ``[a-z á {ch} \\u0301]``."""
    inner = text.strip()
    if not (inner.startswith("[") and inner.endswith("]")):
        raise ValueError(f"not a set: {text[:40]!r}")
    inner = inner[1:-1]
    chars: list[str] = []
    found: set[int] = set()
    index = 0
    while index < len(inner):
        char = inner[index]
        if char.isspace():
            index += 1
            continue
        if char == "{":  # a string: each of its characters
            end = inner.index("}", index)
            found.update(ord(c) for c in inner[index + 1:end] if not c.isspace())
            index = end + 1
            continue
        if char == "-" and chars and index + 1 < len(inner):  # a range from the last one
            match = ESCAPE.match(inner, index + 1)
            last = unescape(match.group(0)) if match else inner[index + 1]
            index = match.end() if match else index + 2
            found.update(range(ord(chars[-1]), ord(last) + 1))
            chars.append(last)
            continue
        match = ESCAPE.match(inner, index)
        if match:
            char = unescape(match.group(0))
            index = match.end()
        else:
            index += 1
        chars.append(char)
        found.add(ord(char))
    return found


def exemplars(main: Path) -> dict[str, str]:
    """Each locale's main exemplar characters, keyed by its code (zh_Hant, sr_Latn)."""
    table: dict[str, str] = {}
    for path in sorted(main.glob("*.xml")):
        root = ET.parse(path).getroot()
        for element in root.iter("exemplarCharacters"):
            if element.get("type") is None and element.get("alt") is None and element.text:
                table[path.stem] = "".join(sorted(map(chr, parse_set(element.text))))
    return table


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, read CLDR, write the JSON file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cldrroot", type=Path)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[2]
                        / "pamphleteer" / "exemplars.json")
    args = parser.parse_args(argv)
    table = exemplars(args.cldrroot / MAIN)
    version = (args.cldrroot / "usr/share/doc/unicode-cldr-core").is_dir()
    text = json.dumps(table, ensure_ascii=False, sort_keys=True, indent=0)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"{args.out}: {len(table)} locales, {len(text.encode()):,} bytes"
          + ("" if version else " (no Debian doc folder found)"))


if __name__ == "__main__":
    sys.exit(main())
