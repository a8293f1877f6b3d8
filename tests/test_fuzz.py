"""Random front matter, Markdown, strings and settings: only a ``PamphleteerError`` (a message
naming the file) may come out of reading them, and each case stays within its time budget."""

from __future__ import annotations

import shutil
import tempfile
from contextlib import suppress
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pamphleteer.content import load_document, load_strings
from pamphleteer.errors import PamphleteerError
from pamphleteer.materials import MATERIALS
from pamphleteer.project import load_project
from pamphleteer.render import document_context

from conftest import fixture_campaign

# Pieces that mean something to YAML, TOML, Markdown, HTML or our own syntax, mixed with any
# text at all (control, bidi and combining characters included).
PIECES = ["---", "\n", "\n\n", ": ", '"', "'", "[", "]", "{", "}", "# ", "## ", "- ", "1. ",
          "> ", "***", "[a](https://example.org)", "![x](assets/x.jpg)", "<span>", "</span>",
          "<img src=x>", "**", "_", "::: front", "::: body", "{years_since:1953-07-27}",
          "{nope}", "!!! 7 | days", "|", "\u202e", "\u0301" * 3, "&amp;", "<", ">", "=",
          "title", "cta", "privacy", "    ", "\t", "\\", "\x00", "\ufeff", "x" * 90,
          # and the shapes of known attacks: deep nesting, floods
          "[" * 3000, "{a = " * 500, "1. " * 70, "<span>" * 499, "<sup>" * 499, "> " * 40,
          "***\n\n" * 40, "-" * 60, "*" * 20000]
FRAGMENTS = st.lists(st.sampled_from(PIECES) | st.text(max_size=40), max_size=40).map("".join)
FAST = settings(max_examples=120, deadline=3000, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def folder():
    root = Path(tempfile.mkdtemp(prefix="fuzz-"))
    yield fixture_campaign("campaign", root)
    shutil.rmtree(root)


@pytest.mark.slow
@FAST
@given(front=FRAGMENTS, body=FRAGMENTS, strings=FRAGMENTS)
def test_random_content_ends_in_a_message_not_a_traceback(folder, front, body, strings):
    (folder / "content/de/flyer.md").write_text(f"---\n{front}\n---\n{body}", "utf-8")
    (folder / "content/de/strings.toml").write_text(strings, "utf-8")
    project = load_project(folder)
    with suppress(PamphleteerError):
        document_context(project, load_document(project, "de", MATERIALS["flyer"], []), [])
    with suppress(PamphleteerError):
        load_strings(project, "de", [])


@pytest.mark.slow
@FAST
@given(name=FRAGMENTS, extra=FRAGMENTS)
def test_random_settings_end_in_a_message_not_a_traceback(folder, name, extra):
    settings_file = folder / "campaign.toml"
    original = settings_file.read_text("utf-8")
    try:
        settings_file.write_text(original.replace('name = "Fixture Peace Campaign"',
                                                  f"name = {name}\n{extra}"), "utf-8")
        with suppress(PamphleteerError):
            load_project(folder)
    finally:
        settings_file.write_text(original, "utf-8")
