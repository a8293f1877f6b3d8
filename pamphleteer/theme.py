"""The built-in theme: the templates, CSS, fonts and colour profile every campaign starts from.

A campaign folder needs only ``campaign.toml`` and ``content/``. Its own ``templates/`` and
``assets/`` files, where it has them, stand in for the theme's file by file (as MkDocs and
Hugo themes work): ``templates/css/flyer.css`` in the campaign replaces the theme's flyer CSS
and nothing else. In a source checkout the theme is the repository's own ``templates/`` and
``assets/`` (the demo campaign); an installed package carries a copy in ``pamphleteer/theme``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


@cache
def theme_root() -> Path:
    """The folder holding the built-in ``templates/`` and ``assets/``."""
    packaged = PACKAGE / "theme"
    return packaged if (packaged / "templates").is_dir() else PACKAGE.parent


def layers(root: Path) -> tuple[Path, ...]:
    """Where a campaign's templates and assets are looked for, first match first: the
    campaign's own folder, then the theme's."""
    root = root.resolve()
    theme = theme_root()
    return (root,) if root == theme else (root, theme)


def find(root: Path, relative: str | Path) -> Path:
    """The campaign's file at ``relative`` (e.g. ``templates/flyer.html.j2``), or else the
    theme's; the campaign's path when neither has it, for the error message."""
    for layer in layers(root):
        path = layer / relative
        if path.exists():
            return path
    return root / relative


def inside(root: Path, name: str, path: Path) -> bool:
    """Whether ``path`` (resolved) lies in a ``name`` folder of the campaign or the theme."""
    return any(path.is_relative_to(folder.resolve()) for folder in folders(root, name))


def folders(root: Path, name: str) -> list[Path]:
    """Every existing ``name`` folder (``templates`` or ``assets``), the campaign's first."""
    return [layer / name for layer in layers(root) if (layer / name).is_dir()]


def roots(root: Path) -> tuple[Path, ...]:
    """Where every file a campaign supplies must lie once its links are resolved: the
    campaign's own folder and the theme's."""
    return tuple(dict.fromkeys((root.resolve(), theme_root())))


def trusted(root: Path, name: str) -> list[Path]:
    """The campaign's and the theme's ``name`` folders, links resolved, that lie in
    ``roots`` (a ``templates`` folder that is a link to elsewhere serves nothing)."""
    places = roots(root)
    found = []
    for folder in folders(root, name):
        try:
            real = folder.resolve()
        except (OSError, RuntimeError):  # a loop of links
            continue
        if any(real.is_relative_to(place) for place in places):
            found.append(real)
    return found
