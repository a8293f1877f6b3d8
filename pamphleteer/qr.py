"""Stage 4: tagged URLs and vector QR codes."""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks
# 45 modules: on the smallest printed code (0.85 in, a call script's) a module is still
# 0.48 mm, which a phone reads at arm's length; denser codes are hard to scan at card size.
# (Version 7 leaves room for an event's slug in the tracking of a long national link.)
MAX_VERSION = 7


@dataclass(frozen=True)
class QRCode:
    """A QR code to print: what it is for, the URL it carries and its SVG drawing."""

    purpose: str
    url: str
    display: str
    svg: str
    modules: int  # modules per side, quiet zone included
    version: int = 1  # 1 to 40: how dense the code is

    @property
    def scale(self) -> float:
        """The drawing's size over the symbol's (the quiet zone is drawn around it)."""
        return self.modules / (self.modules - 2 * QUIET_ZONE)


def tagged_url(url: str, *, material: str, campaign: str, locale: str,
               event: str | None = None) -> str:
    """Add the tracking parameters that tell organizers which printed piece was scanned.

    ``material`` is the material's short code (``utm_medium=cs`` for a call script): every
    character makes the code denser, and a code must stay small enough to scan from a card.
    """
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.startswith("utm_")]
    content = f"{locale}-{event}" if event else locale
    query += [("utm_source", "print"), ("utm_medium", material), ("utm_campaign", campaign),
              ("utm_content", content)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def display_url(url: str) -> str:
    """The short, human-readable address printed under a code (no scheme, no tracking)."""
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.")
    return host + parts.path.rstrip("/")


@lru_cache(maxsize=256)  # the same codes are drawn for every profile and layout of a piece
def make_qr(purpose: str, url: str, display: str, color: str = "#000",
            background: str = "#fff") -> QRCode:
    """Draw ``url`` as an SVG QR code whose dark modules are one merged vector path."""
    matrix, version = symbol(url)
    size = len(matrix)
    # Each horizontal run of dark modules is one stroke a module wide along the middle of its
    # row: it covers exactly the run's modules, in two path commands where a filled rectangle
    # takes five (WeasyPrint parses SVG paths in Python: a flyer writes about 15% faster).
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                runs.append(f"M{start} {y}.5h{x - start}")
            else:
                x += 1
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
           f'shape-rendering="crispEdges" role="img" '
           f'aria-label="QR code: {html.escape(display, quote=True)}">'
           f'<rect width="{size}" height="{size}" fill="{background}"/>'
           f'<path fill="none" stroke="{color}" stroke-width="1" stroke-linecap="butt" '
           f'd="{"".join(runs)}"/></svg>')
    return QRCode(purpose=purpose, url=url, display=display, svg=svg, modules=size,
                  version=version)


@lru_cache(maxsize=256)  # one symbol per link, whatever its colours, purpose or caption
def symbol(url: str) -> tuple[tuple[tuple[bool, ...], ...], int]:
    """The modules of ``url``'s QR code (quiet zone included), and its version."""
    import qrcode  # here: it brings Pillow, which a build with nothing to render never needs
    import qrcode.constants

    # Medium error correction (15%) unless low (7%) makes the code less dense: fewer, larger
    # modules scan better from paper than more correction does. The version follows from the
    # data alone, so only the chosen level is made (choosing a mask costs ~20 ms a code).
    versions = {}
    for level in (qrcode.constants.ERROR_CORRECT_M, qrcode.constants.ERROR_CORRECT_L):
        code = qrcode.QRCode(error_correction=level, border=QUIET_ZONE)
        code.add_data(url)
        versions[level] = code.best_fit()
    level = min(versions, key=lambda lv: (versions[lv], lv != qrcode.constants.ERROR_CORRECT_M))
    code = qrcode.QRCode(version=versions[level], error_correction=level, border=QUIET_ZONE)
    code.add_data(url)
    code.make(fit=False)
    return tuple(tuple(row) for row in code.get_matrix()), code.version
