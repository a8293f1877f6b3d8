"""``watch``: an edit rebuilds what depends on it; a broken edit is reported with its file and
line and leaves the last good PDF in place; the kit's own output never sets it off."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT
from pdfinspect import page_texts

pytestmark = pytest.mark.slow


class Watcher:
    """``pamphleteer watch`` running in a process of its own, its output read as it comes."""

    def __init__(self, campaign: Path, *args: str):
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pamphleteer", "watch", "--project", str(campaign), *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
            cwd=campaign)  # as an organizer runs it: paths print relative to the campaign
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def until(self, text: str, seconds: float = 120) -> list[str]:
        """The lines printed up to and including the first that holds ``text``."""
        got, end = [], time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                continue
            got.append(line)
            self.seen.append(line)
            if text in line:
                return got
        raise AssertionError(f"no {text!r} within {seconds} s; printed:\n" + "\n".join(self.seen))

    def quiet(self, seconds: float) -> list[str]:
        """What it prints in the next ``seconds``."""
        time.sleep(seconds)
        got = []
        while not self.lines.empty():
            got.append(self.lines.get())
        self.seen += got
        return got

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=30)
        finally:
            self.process.kill()


def test_watch_rebuilds_an_edit_and_keeps_the_last_good_pdf(campaign: Path) -> None:
    flyer, pdf = campaign / "content/en/flyer.md", campaign / "dist/en/flyer-home.pdf"
    source = flyer.read_text(encoding="utf-8")
    watcher = Watcher(campaign, "-l", "en", "-m", "flyer", "-p", "home", "-j", "1")
    try:
        watcher.until("watching")
        assert "Lasting" not in page_texts(pdf)[0]
        # Its own PDFs land in dist/, inside the campaign: that must not set it off again.
        assert watcher.quiet(1.5) == []

        flyer.write_text(source.replace("Make Peace Official", "Make Peace Lasting"), "utf-8")
        printed = watcher.until("done in")
        assert "changed: content/en/flyer.md" in printed
        assert any(line.startswith("wrote dist/en/flyer-home.pdf") for line in printed)
        good = pdf.read_bytes()
        assert "Lasting" in page_texts(pdf)[0]

        # Broken front matter: the error names the file and line; the last PDF stays.
        flyer.write_text(source.replace('title: "', 'title: ["', 1), "utf-8")
        printed = watcher.until("last good PDFs kept")
        assert any(re.search(r"error: content/en/flyer\.md:\d+: front matter", line)
                   for line in printed), printed
        assert pdf.read_bytes() == good

        flyer.write_text(source, "utf-8")  # mended: built again
        printed = watcher.until("done in")
        assert any(line.startswith("wrote dist/en/flyer-home.pdf") for line in printed)
        assert "Lasting" not in page_texts(pdf)[0]

        # A file no PDF of this kit depends on: noticed, nothing rendered.
        german = campaign / "content/de/flyer.md"
        german.write_text(german.read_text("utf-8") + "\n", "utf-8")
        printed = watcher.until("done in")
        assert not any(line.startswith("wrote") for line in printed), printed
    finally:
        code = watcher.stop()
    assert code == 0 and "stopped watching" in "\n".join(watcher.seen + watcher.quiet(0))
