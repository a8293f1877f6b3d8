"""Stage 4: tagged URLs and vector QR codes."""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks
# Error correction, most first: Q (25% of the code may be lost) where the code still has
# modules a phone reads in a crowd, else M (15%); never L (7%), which a smudge defeats.
LEVELS = ("Q", "M")


@dataclass(frozen=True)
class QRCode:
    """A QR code to print: what it is for, the URL it carries and its SVG drawing."""

    purpose: str
    url: str
    display: str
    svg: str
    modules: int  # modules per side, quiet zone included
    version: int = 1  # 1 to 40: how dense the code is
    level: str = "M"  # its error correction

    @property
    def scale(self) -> float:
        """The drawing's size over the symbol's (the quiet zone is drawn around it)."""
        return self.modules / (self.modules - 2 * QUIET_ZONE)


def side(version: int) -> int:
    """Modules per side of a symbol of ``version``, quiet zone not included."""
    return 17 + 4 * version


def module_mm(version: int, size: float) -> float:
    """How wide a module prints, in mm, when the symbol is ``size`` inches wide."""
    return size * 25.4 / side(version)


def max_version(size: float, min_module: float) -> int:
    """The densest version whose modules stay ``min_module`` mm wide in ``size`` inches."""
    return max(1, min(40, (int(size * 25.4 / min_module) - 17) // 4))


def tracked_url(url: str, parameter: str, value: str) -> str:
    """``url`` with one compact tracking parameter (``ref=fl-en``) that tells organizers
    which printed piece was scanned; every character makes the code denser, so it is one
    short parameter, not four ``utm_`` ones."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k != parameter]
    query.append((parameter, value))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def tracking_value(material: str, locale: str, event: str | None = None) -> str:
    """What the tracking parameter says: the material's short code, the locale, the event."""
    return "-".join(part for part in (material, locale, event) if part)


def display_url(url: str) -> str:
    """The short, human-readable address printed under a code (no scheme, no tracking)."""
    parts = urlsplit(url)
    host = parts.netloc.removeprefix("www.")
    return host + parts.path.rstrip("/")


@lru_cache(maxsize=256)  # the same codes are drawn for every profile and layout of a piece
def make_qr(purpose: str, url: str, display: str, color: str = "#000",
            background: str = "#fff", densest: int = 40, alt: str = "") -> QRCode:
    """Draw ``url`` as an SVG QR code whose dark modules are one merged vector path, at the
    strongest error correction whose version is at most ``densest``; ``alt``, what it does
    and where it goes, is a tagged PDF's alternative text for it (its ``<title>``)."""
    matrix, version, level = symbol(url, densest)
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
           f'aria-label="{html.escape(alt or "QR code: " + display, quote=True)}">'
           + (f"<title>{html.escape(alt)}</title>" if alt else "") +
           f'<rect width="{size}" height="{size}" fill="{background}"/>'
           f'<path fill="none" stroke="{color}" stroke-width="1" stroke-linecap="butt" '
           f'd="{"".join(runs)}"/></svg>')
    return QRCode(purpose=purpose, url=url, display=display, svg=svg, modules=size,
                  version=version, level=level)


@lru_cache(maxsize=256)  # one symbol per link and size, whatever its colours or caption
def symbol(url: str, densest: int = 40) -> tuple[tuple[tuple[bool, ...], ...], int, str]:
    """The modules of ``url``'s QR code (quiet zone included), its version and its error
    correction: Q if that fits in version ``densest``, else M (at whatever version it needs:
    the build warns when that is denser than the piece's code size reads well)."""
    import qrcode  # here: it brings Pillow, which a build with nothing to render never needs
    import qrcode.constants

    constants = {"Q": qrcode.constants.ERROR_CORRECT_Q, "M": qrcode.constants.ERROR_CORRECT_M}
    # The version follows from the data alone, so only the chosen level is made (choosing a
    # mask costs ~20 ms a code).
    for level in LEVELS:
        code = qrcode.QRCode(error_correction=constants[level], border=QUIET_ZONE)
        code.add_data(url)
        version = code.best_fit()
        if version <= densest:
            break
    code = qrcode.QRCode(version=version, error_correction=constants[level], border=QUIET_ZONE)
    code.add_data(url)
    code.make(fit=False)
    return tuple(tuple(row) for row in code.get_matrix()), code.version, level
