"""Atomic writes: an output is either the old file or the complete new one, never half of it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TEMP_PREFIX = ".notesforge-"
TEMP_SUFFIX = ".part"


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside `target`, renamed over it only if the block succeeds.

    A failed or killed build therefore never leaves a half-written output.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes_atomically(target: Path, data: bytes) -> Path:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return Path(target)


def remove_stale_temporaries(out_dir: Path) -> int:
    """Delete temporaries left by a build that was killed; return how many."""
    removed = 0
    if Path(out_dir).is_dir():
        for stray in Path(out_dir).glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
            stray.unlink(missing_ok=True)
            removed += 1
    return removed
