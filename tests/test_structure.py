"""The structure ARCHITECTURE.md describes, held: small modules, and WeasyPrint behind one."""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "pamphleteer"
MAX_LINES = 400


def test_no_module_is_over_400_lines():
    long = {path.name: n for path in PACKAGE.glob("*.py")
            if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert long == {}


def test_only_the_adapter_imports_weasyprint():
    importing = sorted(path.name for path in PACKAGE.glob("*.py")
                       if re.search(r"^\s*(import|from) weasyprint\b", path.read_text(), re.M))
    assert importing == ["weasy.py"]
