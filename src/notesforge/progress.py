"""A one-line progress display for builds, on a terminal only (quiet in pipes and CI)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from .pipeline import Outcome


class Progress:
    def __init__(self, total: int, *, enabled: bool, stream: TextIO | None = None):
        self.total = total
        self.count = 0
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.start = time.perf_counter()
        self._shown = False
        if enabled:
            self._show(f"building {total} format{'s' if total != 1 else ''}…")

    def done(self, outcome: Outcome) -> None:
        self.count += 1
        if self.enabled:
            state = "up to date" if outcome.cached else ("done" if outcome.ok else "FAILED")
            elapsed = time.perf_counter() - self.start
            self._show(f"[{self.count}/{self.total}] {outcome.format} {state} ({elapsed:.1f} s)")

    def close(self) -> None:
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False

    def _show(self, text: str) -> None:
        self.stream.write("\r\x1b[K" + text)
        self.stream.flush()
        self._shown = True
