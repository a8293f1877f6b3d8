"""Stage 5, colours: the campaign's brand and neutral colours as each profile's ink prints
them (sRGB, the press's CMYK, or a copier's black and paper)."""

from __future__ import annotations

from pamphleteer.profiles import BLACK, CMYK
from pamphleteer.project import Project


def colours(project: Project, ink: str) -> dict[str, str]:
    """Brand and neutral colours as CSS values for a profile's ``ink``: sRGB, the print
    shop's ``device-cmyk()``, or black and paper alone (``black_only``)."""
    tint = tuple(c * 0.1 for c in project.brand["primary"].cmyk)
    if ink == CMYK:
        def css(c: tuple[float, ...]) -> str:
            return "device-cmyk(" + " ".join(f"{v / 100:.3f}" for v in c) + ")"
        values = {name: css(colour.cmyk) for name, colour in project.brand.items()}
        # Small print (captions, the imprint) must not be a tint either: solid, like the ink.
        values.update(muted=values["ink"], rule=css((0, 0, 0, 40)), tint=css(tint),
                      black=css((0, 0, 0, 100)), white=css((0, 0, 0, 0)))
        return values | {"reverse": values["white"]}
    values = {name: colour.rgb for name, colour in project.brand.items()}
    primary = project.brand["primary"].rgb
    mixed = (round(255 - (255 - int(primary[i:i + 2], 16)) * 0.1) for i in (1, 3, 5))
    values.update(muted="#4a4a4a", rule="#999999", tint="#" + "".join(f"{v:02x}" for v in mixed),
                  black="#000000", white="#ffffff")
    # Reversed marks: paper on a colour; black on a copier, whose colour blocks are outlines.
    return black_only(values) | {"reverse": "#000000"} if ink == BLACK else \
        values | {"reverse": values["white"]}


# A copier drops a tint lighter than 30% and turns a darker one blotchy: in one ink, a colour
# is black where it would print as 30% or more of it, and paper where lighter.
COPIER_TINT = 0.30


def black_only(values: dict[str, str]) -> dict[str, str]:
    """Each ``#rrggbb`` colour as black or paper: black where its grey would be at least
    ``COPIER_TINT`` of ink (a dark brand band stays a band, reversed type stays reversed)."""
    def grey_ink(rgb: str) -> float:
        r, g, b = (int(rgb[i:i + 2], 16) / 255 for i in (1, 3, 5))
        return 1 - (0.2126 * r + 0.7152 * g + 0.0722 * b)  # ink a grey of its lightness takes

    return {name: "#000000" if grey_ink(rgb) >= COPIER_TINT else "#ffffff"
            for name, rgb in values.items()}
