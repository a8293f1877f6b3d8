"""The structure ARCHITECTURE.md describes, held: small modules, WeasyPrint and pydyf behind
one, PDFs changed with pikepdf."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "pamphleteer"
MAX_LINES = 400


def test_no_module_is_over_400_lines():
    long = {path.name: n for path in PACKAGE.glob("*.py")
            if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert long == {}


def importing(module: str) -> list[str]:
    return sorted(path.name for path in PACKAGE.glob("*.py")
                  if re.search(rf"^\s*(import|from) {module}\b", path.read_text(), re.M))


def test_only_the_adapter_imports_weasyprint_and_pydyf():
    """An upgrade of either is mended in one module; after it, PDFs are pikepdf's."""
    assert importing("weasyprint") == ["weasy.py"]
    assert importing("pydyf") == ["weasy.py"]


def test_written_pdfs_are_changed_only_through_pikepdf():
    assert importing("pypdf") == []
    assert {"finish.py", "impose.py", "prepress.py"} <= set(importing("pikepdf"))
