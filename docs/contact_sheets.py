"""Contact sheets of a built kit: every page of every shop PDF of one language, side by side.

    python docs/contact_sheets.py DIST LABEL    (e.g. dist after)

Writes docs/contact-sheets/<label>-<locale>.png for each language folder of DIST: each row one
material, its pages at 24 dpi (trim and bleed; the slug is left off), in a 64-colour palette
to keep the files small. Designers look at these; tests never do.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pypdfium2
from PIL import Image, ImageDraw

MATERIALS = ("flyer", "handbill", "trifold", "booklet", "palmcard", "poster", "callscript",
             "signsheet")
DPI = 24
GAP = 8


def sheet(dist: Path, locale: str) -> Image.Image:
    rows = []
    for material in MATERIALS:
        path = dist / locale / f"{material}-shop.pdf"
        if not path.exists():
            continue
        document = pypdfium2.PdfDocument(str(path))
        pages = [page.render(scale=DPI / 72).to_pil().convert("RGB") for page in document]
        document.close()
        width = sum(p.width for p in pages) + GAP * (len(pages) - 1)
        row = Image.new("RGB", (width, max(p.height for p in pages)), "white")
        x = 0
        for page in pages:
            row.paste(page, (x, 0))
            x += page.width + GAP
        rows.append((material, row))
    label = 90
    width = label + max(row.width for _, row in rows)
    height = sum(row.height for _, row in rows) + GAP * (len(rows) + 1)
    out = Image.new("RGB", (width, height), "#eeeeee")
    draw = ImageDraw.Draw(out)
    y = GAP
    for material, row in rows:
        draw.text((6, y + 4), material, fill="black")
        out.paste(row, (label, y))
        y += row.height + GAP
    return out.quantize(colors=64)


def main() -> None:
    dist, name = Path(sys.argv[1]), sys.argv[2]
    folder = Path(__file__).resolve().parent / "contact-sheets"
    folder.mkdir(exist_ok=True)
    for locale in sorted(p.name for p in dist.iterdir() if (p / "flyer-shop.pdf").exists()):
        target = folder / f"{name}-{locale}.png"
        sheet(dist, locale).save(target, optimize=True)
        print(target, f"{target.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
