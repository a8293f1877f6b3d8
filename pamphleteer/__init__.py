"""Pamphleteer: print-ready campaign kits from Markdown, Jinja templates and WeasyPrint.

The library API is the CLI's: ``pamphleteer.build(project, locales=[...], ...)`` returns what
``pamphleteer build`` prints (see ``pamphleteer.api``); ``check`` likewise, and
``pamphleteer.api.merge`` (``pamphleteer.merge`` is the module that joins shards).
"""

from __future__ import annotations

from typing import Any

from pamphleteer.version import __version__

__all__ = ["__version__", "build", "check"]


def __getattr__(name: str) -> Any:
    """``build`` and ``check``, imported when first asked for: importing the
    package alone (for its version) must not load the whole pipeline."""
    if name in ("build", "check"):
        from pamphleteer import api

        return getattr(api, name)
    raise AttributeError(f"module 'pamphleteer' has no attribute {name!r}")
