"""The fonts a render may use: the campaign's and the theme's bundled files alone, through a
fontconfig setup of their own (never the machine's fonts), and one WeasyPrint font
configuration per set of them, kept while the files are unchanged."""

from __future__ import annotations

import hashlib
import os
from functools import cache, lru_cache
from html import escape
from pathlib import Path

import platformdirs

from pamphleteer.files import checked, private_folder, read_bytes
from pamphleteer.fonts import SUFFIXES as FONT_SUFFIXES
from pamphleteer.outputs import write_atomic
from pamphleteer.photos import signature
from pamphleteer.theme import folders, layers
from pamphleteer.weasy import engine, font_configuration


def font_dirs(root: Path) -> tuple[Path, ...]:
    """The campaign's and the theme's font folders: those that exist and, their links
    resolved, lie in the campaign or the theme (fontconfig may fall back on any font in
    them, so a link to the system's fonts must not count)."""
    places = [layer.resolve() for layer in layers(root)]
    found = (path.resolve() for folder in folders(root, "assets")
             for path in [folder / "fonts"] if path.is_dir())
    return tuple(dict.fromkeys(path for path in found
                               if any(path.is_relative_to(place) for place in places)))


def font_files(fonts_dirs: tuple[Path, ...]) -> tuple[tuple, ...]:
    """The font files of ``fonts_dirs`` (a campaign's before the theme's of the same name):
    each one's name, real path, size, time and inode, and the SHA-256 of its contents, which
    is what the font caches are keyed by. Each must be an ordinary file: fontconfig, which
    scans them, would wait for ever on a pipe."""
    files, seen = [], set()
    for fonts_dir in fonts_dirs:
        for path in sorted(fonts_dir.iterdir()):
            if path.name in seen or path.suffix.lower() not in FONT_SUFFIXES:
                continue
            seen.add(path.name)
            real = checked(path, "font", fonts_dirs)
            info = real.stat()
            files.append((path.name, str(real), info.st_size, info.st_mtime_ns, info.st_ino,
                          _content_digest(real)))
    return tuple(files)


def _content_digest(real: Path) -> str:
    """The SHA-256 of a font file, hashed again only when its ``signature`` changes."""
    key = signature(real)
    if key is None or key not in _DIGESTS:
        digest = hashlib.sha256(read_bytes(real, "font")).hexdigest()
        if key is None:
            return digest
        _DIGESTS[key] = digest
    return _DIGESTS[key]


_DIGESTS: dict[tuple, str] = {}


@cache
def fontconfig_file(files: tuple[tuple, ...]) -> str:
    """A fontconfig setup that knows only the project's bundled fonts, none of the system's.

    Only ``@font-face`` fonts from assets/fonts may be used, so a machine with other system
    fonts gives the same PDF; a glyph no bundled font has is caught by the glyph check rather
    than borrowed silently from the machine. (Pango crashes with no fonts at all, so the
    bundled fonts are the fallback.)
    """
    # The folder is named after the fonts' places and contents and holds a link per font
    # named after its contents: fontconfig's cache in it describes those contents, never a
    # font file since replaced under the same name (its cache trusts a folder's time, which
    # an edit in place does not change). It is in this user's own cache folder: in a shared
    # temp folder another user could plant a configuration.
    key = hashlib.sha256(repr([(name, real, digest) for name, real, *_, digest in files])
                         .encode())
    folder = private_folder(Path(platformdirs.user_cache_dir("pamphleteer")) /
                            f"fc-{key.hexdigest()[:16]}")
    fonts = folder / "fonts"
    fonts.mkdir(exist_ok=True)
    for name, real, *_, digest in files:
        _link(fonts / f"{Path(name).stem}.{digest[:12]}{Path(name).suffix}", Path(real))
    config = folder / "fonts.conf"
    text = ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
            f"<fontconfig><dir>{escape(str(fonts))}</dir>"
            f"<cachedir>{escape(str(folder))}/cache</cachedir></fontconfig>\n")
    if not config.is_file() or config.read_text() != text:
        write_atomic(config, text.encode())
    return str(config)


def _link(link: Path, target: Path) -> None:
    """``link`` made (or made again) a symbolic link to ``target``."""
    if link.is_symlink() and os.readlink(link) == str(target):
        return
    spare = link.with_name(f".{link.name}.{os.getpid()}")
    spare.unlink(missing_ok=True)
    spare.symlink_to(target)
    spare.replace(link)  # atomic: a build beside this one sees the old link or the new


def load_weasyprint(root: Path, files: tuple[tuple, ...] | None = None):
    """Import WeasyPrint (once; it costs about a second) with the project's fonts only
    (``files``: its ``font_files``, when they are known)."""
    # WeasyPrint loads the fontconfig file anew for every document, so set it every time.
    files = font_files(font_dirs(root)) if files is None else files
    os.environ["FONTCONFIG_FILE"] = fontconfig_file(files)
    return engine()


def font_config(fonts_dirs: tuple[Path, ...], files: tuple[tuple, ...] | None = None):
    """One WeasyPrint font configuration per set of fonts, kept while its files are
    unchanged.

    WeasyPrint reads, copies and indexes every ``@font-face`` file for each document it is
    given a new configuration for: for the three Korean fonts alone that is 4 MB per layout.
    A configuration remembers the faces it has loaded, and all of a project's documents
    declare the same faces from ``fonts.toml``, so one serves them all. It would keep serving
    a face whose file changed (``watch``), so the files' contents are part of the key.
    """
    files = font_files(fonts_dirs) if files is None else files
    return configuration(fonts_dirs, fontconfig_file(files), files)


@lru_cache(maxsize=4)
def configuration(fonts_dirs: tuple[Path, ...], config_file: str, files: tuple):
    os.environ["FONTCONFIG_FILE"] = config_file  # read by the configuration made here
    return font_configuration()
