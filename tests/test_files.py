"""files: what a user-controlled file must be before anything reads it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pamphleteer.errors import BuildError
from pamphleteer.files import CAPS, MAX_JSON_DEPTH, json_depth, load_json, read_bytes, read_text


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "ok.txt").write_text("hello", "utf-8")
    return tmp_path


@pytest.mark.parametrize(("make", "said"), [
    (lambda d: os.mkfifo(d / "x"), "not a regular file"),
    (lambda d: (d / "x").symlink_to("/dev/zero"), "outside the folders"),
    (lambda d: (d / "x").symlink_to("/etc/passwd"), "outside the folders"),
    (lambda d: (d / "x").symlink_to(d / "nothing"), "no such file"),
    (lambda d: (d / "x").mkdir(), "not a regular file"),
    (lambda d: (d / "x").write_bytes(b"a" * (CAPS["text"] + 1)), "may be at most"),
    (lambda d: (d / "x").write_bytes(b"\xff\xfe"), "not UTF-8"),
])
def test_what_is_not_an_ordinary_file_in_its_folder_is_refused_by_name(folder, make, said):
    make(folder)
    with pytest.raises(BuildError) as caught:
        read_text(folder / "x", within=[folder])
    assert said in caught.value.format_message()
    assert str(folder / "x") in caught.value.format_message()


def test_a_fifo_is_refused_without_waiting_for_a_writer(folder):
    os.mkfifo(folder / "fifo")
    with pytest.raises(BuildError):
        read_bytes(folder / "fifo", "text")  # returns at once: the test would hang otherwise


def test_a_link_inside_the_folder_is_read(folder):
    (folder / "link.txt").symlink_to(folder / "ok.txt")
    assert read_text(folder / "link.txt", within=[folder]) == "hello"


def test_json_nested_past_the_limit_is_an_error_not_a_recursion(folder):
    assert json_depth('{"a": [1, {"b": "[[[[\\" ]]"}]}') == 3
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(BuildError, match=f"nested more than {MAX_JSON_DEPTH} deep"):
        load_json(folder / "deep.json")
    (folder / "bad.json").write_text('{"a": ')
    with pytest.raises(BuildError, match="not valid JSON"):
        load_json(folder / "bad.json")
    (folder / "good.json").write_text('{"a": [1, 2]}')
    assert load_json(folder / "good.json") == {"a": [1, 2]}
