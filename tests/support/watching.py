"""`notesforge watch` run in a subprocess, its printed lines read as they come."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


class Watcher:
    """The lines a running `notesforge watch` prints, waited for one by one."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process
        self.lines: list[str] = []
        self.printed: queue.Queue[str | None] = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)
            self.printed.put(line)
        self.printed.put(None)  # the watcher has stopped

    def wait_for(self, text: str) -> None:
        """Wait for the next line printed that holds `text` (each line is looked at once)."""
        while True:
            try:
                line = self.printed.get(timeout=60)
            except queue.Empty:
                pytest.fail(f"nothing printed with {text!r} within 60 s; printed:\n{''.join(self.lines)}")
            if line is None:
                pytest.fail(f"the watcher stopped before printing {text!r}; printed:\n{''.join(self.lines)}")
            if text in line:
                return


@contextmanager
def watching(source: Path, *args: str) -> Iterator[Watcher]:
    """`notesforge watch SOURCE ARGS...` until the block ends; no traceback may be printed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "notesforge", "watch", str(source), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1700000000"},
    )
    watcher = Watcher(process)
    try:
        yield watcher
        assert process.poll() is None
    finally:
        process.terminate()
        process.wait(timeout=30)
        watcher.reader.join(timeout=30)
    assert "Traceback" not in "".join(watcher.lines)
