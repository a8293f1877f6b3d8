"""Pamphleteer: print-ready campaign kits from Markdown, Jinja templates and WeasyPrint.

The library API is the CLI's: ``pamphleteer.build(project, locales=[...], ...)`` returns what
``pamphleteer build`` prints (see ``pamphleteer.api``); ``check`` and ``merge`` likewise.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "build", "check", "merge"]


def __getattr__(name: str) -> Any:
    """``build``, ``check`` and ``merge``, imported when first asked for: importing the
    package alone (for its version) must not load the whole pipeline."""
    if name in ("build", "check", "merge"):
        from pamphleteer import api

        return getattr(api, name)
    raise AttributeError(f"module 'pamphleteer' has no attribute {name!r}")
