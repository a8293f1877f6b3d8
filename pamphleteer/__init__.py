"""Pamphleteer: print-ready campaign kits from Markdown, Jinja templates and WeasyPrint."""

__version__ = "0.1.0"
