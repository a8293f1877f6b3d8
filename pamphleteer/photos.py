"""Content photos: raster images from the campaign's assets/ folder, placed by Markdown
(``![what it shows](assets/photos/rally.jpg "caption")``), checked before any layout, turned
into the press's CMYK for print shops, and measured at their printed size."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote

from pamphleteer.errors import ContentError
from pamphleteer.theme import find, folders

ASSETS = "assets"
SUFFIXES = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}
MAX_BYTES = 25_000_000  # a 50-megapixel JPEG is about 20 MB
MAX_PIXELS = 50_000_000  # a poster at 300 ppi is 35 megapixels; more only costs memory
SHOP_PPI = 250  # below this, a photo looks soft or blocky in offset print
HOME_PPI = 300  # home and screen PDFs keep no more detail than this (smaller files)
PRESS_QUALITY = 95  # JPEG quality of the CMYK copy a shop PDF carries


@dataclass(frozen=True)
class Photo:
    """A checked photo: its path in the campaign folder and its size in pixels."""

    src: str  # "assets/…", as the page's HTML refers to it (URL-quoted)
    width: int
    height: int


def find_photo(root: Path, src: str, path: Path, line: int) -> Photo:
    """The photo ``src`` names, if it is a JPEG or PNG inside the campaign's assets/ folder
    and small enough to print; otherwise a ``ContentError`` at ``path:line``."""
    from PIL import Image

    where = "a photo comes from this campaign's assets/ folder, written like " \
            "![what it shows](assets/photos/rally.jpg)"
    if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:|/|\\", src) or "\\" in src:
        raise ContentError(f"'{src}' is not a photo in assets/: {where}", path, line)
    file = find(root, src).resolve()  # the campaign's photo, or else the theme's
    folder = next((home.resolve() for home in folders(root, ASSETS)
                   if file.is_relative_to(home.resolve())), None)
    if folder is None:
        raise ContentError(f"'{src}' is outside assets/: {where}", path, line)
    if not file.is_file():
        raise ContentError(f"photo '{src}' does not exist", path, line)
    kind = SUFFIXES.get(file.suffix.lower())
    if kind is None:
        raise ContentError(f"photo '{src}' must be a JPEG or PNG file (.jpg, .jpeg, .png)",
                           path, line)
    if file.stat().st_size > MAX_BYTES:
        raise ContentError(f"photo '{src}' is larger than {MAX_BYTES // 1_000_000} MB: "
                           "export it smaller", path, line)
    try:
        with Image.open(file) as image:  # reads the header only
            found, (width, height) = image.format, image.size
    except (OSError, ValueError, Image.DecompressionBombError):
        raise ContentError(f"photo '{src}' cannot be read as an image", path, line) from None
    if found != kind:
        raise ContentError(f"photo '{src}' is a {found or 'unknown'} file named like a {kind}",
                           path, line)
    if width * height > MAX_PIXELS:
        raise ContentError(f"photo '{src}' has {width}x{height} pixels, more than "
                           f"{MAX_PIXELS // 1_000_000} megapixels: export it smaller",
                           path, line)
    relative = file.relative_to(folder).as_posix()
    return Photo(src=quote(f"{ASSETS}/{relative}"), width=width, height=height)


def for_press(data: bytes, icc: Path) -> bytes:
    """A photo in the press's CMYK (``icc``), as a JPEG: a PDF/X file carries no RGB.

    The photo's own embedded profile is honoured; without one it is taken as sRGB. Grey and
    CMYK photos are already fit for the press and are returned unchanged.
    """
    from PIL import Image, ImageCms, ImageOps

    with Image.open(io.BytesIO(data)) as original:
        if original.mode in ("L", "CMYK"):
            return data
        embedded = original.info.get("icc_profile")
        image = ImageOps.exif_transpose(original)  # the copy has no EXIF to turn it by
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA")
    if image.mode == "RGBA":  # transparency shows the paper
        paper = Image.new("RGB", image.size, (255, 255, 255))
        paper.paste(image, mask=image.getchannel("A"))
        image = paper
    try:
        transform = _transform(ImageCms.ImageCmsProfile(io.BytesIO(embedded)), str(icc)) \
            if embedded else _srgb_transform(str(icc))
    except ImageCms.PyCMSError:  # a broken or non-RGB embedded profile: assume sRGB
        transform = _srgb_transform(str(icc))
    cmyk = ImageCms.applyTransform(image, transform)
    out = io.BytesIO()
    cmyk.save(out, format="JPEG", quality=PRESS_QUALITY)
    return out.getvalue()


@cache
def _srgb():
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _transform(source, icc: str):
    """An RGB to CMYK transform from ``source`` (perceptual, as for photographs)."""
    from PIL import ImageCms

    return ImageCms.buildTransform(source, ImageCms.getOpenProfile(icc), "RGB", "CMYK",
                                   renderingIntent=ImageCms.Intent.PERCEPTUAL)


@cache
def _srgb_transform(icc: str):
    return _transform(_srgb(), icc)


def is_photo(path: Path) -> bool:
    """Whether a file the renderer asks for is a photo (by its name)."""
    return path.suffix.lower() in SUFFIXES
