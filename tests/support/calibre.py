"""calibre's command-line tools, as a reader of our EPUBs: `ebook-convert` and `ebook-meta`.

They run headless; as root calibre's renderer (Qt WebEngine) needs `--no-sandbox`. A machine
without calibre skips the calling test (`.ci/run` installs it: Debian's `calibre`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

TIMEOUT = 300  # seconds; a conversion of the seed takes ~4 s


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"calibre's {name} is not on PATH (install calibre, e.g. apt-get install calibre)")
    return found


def run(name: str, *args: str | Path) -> str:
    """Run calibre's `name` with `args`; its output, or a failed test with it."""
    env = {**os.environ, "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox"}
    done = subprocess.run(
        [tool(name), *map(str, args)], capture_output=True, text=True, env=env, timeout=TIMEOUT, check=False
    )
    assert done.returncode == 0, f"{name} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return done.stdout


def convert(book: Path, out: Path) -> Path:
    """`ebook-convert book out`: the format is `out`'s suffix (.txt, .pdf, ...)."""
    run("ebook-convert", book, out)
    return out
