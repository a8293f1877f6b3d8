"""Content photos: raster images from the campaign's assets/ folder, placed by Markdown
(``![what it shows](assets/photos/rally.jpg "caption")``), checked before any layout, turned
into the press's CMYK for print shops, and measured at their printed size."""

from __future__ import annotations

import io
import re
import time
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote

from pamphleteer.errors import ContentError
from pamphleteer.files import checked, read_bytes
from pamphleteer.theme import find, folders

ASSETS = "assets"
SUFFIXES = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}
MAX_BYTES = 25_000_000  # a 50-megapixel JPEG is about 20 MB
MAX_PIXELS = 50_000_000  # a poster at 300 ppi is 35 megapixels; more only costs memory
SHOP_PPI = 250  # below this, a photo looks soft or blocky in offset print
HOME_PPI = 300  # home and screen PDFs keep no more detail than this (smaller files)
PRESS_QUALITY = 95  # JPEG quality of the CMYK copy a shop PDF carries
DAMAGED = "is damaged: it cannot be decoded as an image; export it again"


@dataclass(frozen=True)
class Photo:
    """A checked photo: its path in the campaign folder and its size in pixels."""

    src: str  # "assets/…", as the page's HTML refers to it (URL-quoted)
    width: int
    height: int


def find_photo(root: Path, src: str, path: Path, line: int | None) -> Photo:
    """The photo ``src`` names, if it is a whole JPEG or PNG inside the campaign's assets/
    folder and small enough to print; otherwise a ``ContentError`` at ``path:line``."""
    where = "a photo comes from this campaign's assets/ folder, written like " \
            "![what it shows](assets/photos/rally.jpg)"
    if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:|/|\\", src) or "\\" in src:
        raise ContentError(f"'{src}' is not a photo in assets/: {where}", path, line)
    file = find(root, src).resolve()  # the campaign's photo, or else the theme's
    homes = [home.resolve() for home in folders(root, ASSETS)]
    folder = next((home for home in homes if file.is_relative_to(home)), None)
    if folder is None:
        raise ContentError(f"'{src}' is outside assets/: {where}", path, line)
    if not file.exists():
        raise ContentError(f"photo '{src}' does not exist", path, line)
    kind = SUFFIXES.get(file.suffix.lower())
    if kind is None:
        raise ContentError(f"photo '{src}' must be a JPEG or PNG file (.jpg, .jpeg, .png)",
                           path, line)
    try:
        real = checked(file, "image", homes, error=ContentError)
        if real.stat().st_size > MAX_BYTES:
            raise ContentError(f"photo '{src}' is larger than {MAX_BYTES // 1_000_000} MB: "
                               "export it smaller", path, line)
        data = read_bytes(real, "image", homes, error=ContentError)
    except ContentError as exc:
        if exc.file == path:
            raise
        raise ContentError(f"photo '{src}': {exc.message}", path, line) from None
    problem, found, (width, height) = _inspect(data, signature(real))
    if problem:
        raise ContentError(f"photo '{src}' {problem}", path, line)
    if found != kind:
        raise ContentError(f"photo '{src}' is a {found or 'unknown'} file named like a {kind}",
                           path, line)
    relative = file.relative_to(folder).as_posix()
    return Photo(src=quote(f"{ASSETS}/{relative}"), width=width, height=height)


def figure(photo: Photo, alt: str, caption: str, line: int | None) -> str:
    """A checked photo as the page shows it: a figure, captioned if a caption is given."""
    return (f'<figure class="photo fixed-size"><img src="{photo.src}" alt="{alt}" '
            f'data-line="{line}">'
            + (f"<figcaption>{caption}</figcaption>" if caption else "") + "</figure>")


SETTLED_NS = 2_000_000_000  # a file unchanged this long has times that tell its changes


def signature(path: Path) -> tuple | None:
    """What says the file at ``path`` changed since it was last read: its place, inode,
    size and times (its content cannot change without its ctime). None while it changed
    only moments ago: file times tick in milliseconds, or seconds, so a file written twice
    within one tick looks unchanged; its contents must then be read again (as git does)."""
    info = path.stat()
    if time.time_ns() - max(info.st_mtime_ns, info.st_ctime_ns) < SETTLED_NS:
        return None
    return (str(path), info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns,
            info.st_ctime_ns)


def _inspect(data: bytes, known: tuple | None) -> tuple[str | None, str | None, tuple[int, int]]:
    """Why the image ``data`` cannot be printed (or None), its format and its size; the
    answer is kept for the file's ``signature`` (every piece that places it asks)."""
    if known is None:
        return image_problem(data)
    if known not in _INSPECTED:
        _INSPECTED[known] = image_problem(data)
    return _INSPECTED[known]


_INSPECTED: dict[tuple, tuple[str | None, str | None, tuple[int, int]]] = {}


def pixels_problem(data: bytes) -> str | None:
    """Why the image ``data`` is too large to decode (from its header alone), or None."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its own limit: a bomb is refused either way.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return f"has more than {MAX_PIXELS // 1_000_000} megapixels: export it smaller"
    except Image.UnidentifiedImageError:
        return "cannot be read as an image"
    except Exception:  # Pillow raises many kinds of error on damaged data
        return DAMAGED
    if width * height > MAX_PIXELS:
        return (f"has {width}x{height} pixels, more than {MAX_PIXELS // 1_000_000} "
                "megapixels: export it smaller")
    return None


def image_problem(data: bytes) -> tuple[str | None, str | None, tuple[int, int]]:
    """Why the image ``data`` cannot be printed (a phrase after its name, or None), its
    format ("JPEG", "PNG") and its size in pixels. The header is read first, so that a
    picture of too many pixels is refused before it is decoded; then the whole image is
    decoded, because a file cut short decodes without an error and prints half grey."""
    from PIL import Image, ImageFile

    problem = pixels_problem(data)
    if problem:
        return problem, None, (0, 0)
    truncated, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with Image.open(io.BytesIO(data)) as image:
            found, (width, height) = image.format, image.size
            if found == "JPEG":  # decoded at an eighth of its size: every byte is still read
                image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
            image.load()
    except OSError as exc:
        if "truncated" in str(exc):
            return ("is cut short: the file ends before the picture does (an interrupted "
                    "download or copy?); copy or export it again", None, (0, 0))
        return DAMAGED, None, (0, 0)
    except Exception:  # Pillow raises many kinds of error on damaged data
        return DAMAGED, None, (0, 0)
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated
    if width == 0 or height == 0:
        return "has no pixels", found, (width, height)
    return None, found, (width, height)


def for_press(data: bytes, icc: Path) -> bytes:
    """A photo in the press's CMYK (``icc``), as a JPEG: a PDF/X file carries no RGB.

    The photo's own embedded profile is honoured; without one it is taken as sRGB. Grey and
    CMYK photos are already fit for the press and are returned unchanged.
    """
    from PIL import Image, ImageCms, ImageOps

    problem = pixels_problem(data)  # a template's image is not checked as photos are
    if problem:
        raise ValueError(f"the image {problem}")
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
    assert cmyk is not None  # None only when converting in place
    out = io.BytesIO()
    cmyk.save(out, format="JPEG", quality=PRESS_QUALITY)
    return out.getvalue()


COPIER_PIXELS = 1600  # the longest side a photo for a copier is dithered at (200 ppi at 8 in)


def for_copier(data: bytes) -> bytes:
    """A photo in black and paper alone, as a PNG: dithered, as a copier or a risograph
    prints it (a grey photo would drop its light tones and fill in its dark ones)."""
    from PIL import Image, ImageOps

    problem = pixels_problem(data)
    if problem:
        raise ValueError(f"the image {problem}")
    with Image.open(io.BytesIO(data)) as original:
        image = ImageOps.exif_transpose(original)
    image = image.convert("RGBA")
    paper = Image.new("RGBA", image.size, (255, 255, 255, 255))
    grey = Image.alpha_composite(paper, image).convert("L")  # transparency shows the paper
    grey.thumbnail((COPIER_PIXELS, COPIER_PIXELS), Image.Resampling.LANCZOS)
    # Floyd-Steinberg keeps the tones as the density of black dots.
    dots = ImageOps.autocontrast(grey, cutoff=1).convert("1", dither=Image.Dither.FLOYDSTEINBERG)
    out = io.BytesIO()
    dots.save(out, format="PNG")
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
