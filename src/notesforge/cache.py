"""Skip a format whose output is already built from the same inputs.

The key covers the source bytes, its time stamp, the `--set` overrides, the
format and the version of the code that builds it, and is checked before the
source is even parsed, so an unchanged rebuild costs a hash and a stat.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from .files import write_bytes_atomically
from .reader import MAX_SOURCE_BYTES, source_epoch

CACHE_NAME = ".notesforge-cache.json"


def build_key(source_sha256: str, epoch: int, fmt: str, overrides: Mapping[str, str] | None, code_version: str) -> str:
    material = json.dumps([code_version, fmt, source_sha256, epoch, dict(sorted((overrides or {}).items()))])
    return hashlib.sha256(material.encode()).hexdigest()


class BuildCache:
    def __init__(self, out_dir: Path):
        self.path = Path(out_dir) / CACHE_NAME
        try:
            entries = json.loads(self.path.read_text(encoding="utf-8"))
            self.entries: dict[str, dict] = entries if isinstance(entries, dict) else {}
        except (OSError, ValueError):
            self.entries = {}
        self._dirty = False

    def fresh(self, fmt: str, key: str) -> Path | None:
        """The output built with `key`, if it is still there as it was written and the
        other files it was built from (card images) are unchanged."""
        entry = self.entries.get(fmt)
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        inputs = entry.get("inputs", {})
        if not isinstance(inputs, dict) or any(_stat(Path(p)) != stamp for p, stamp in inputs.items()):
            return None
        output = self.path.parent / str(entry.get("output", ""))
        try:
            stat = output.stat()
        except OSError:
            return None
        if [stat.st_size, stat.st_mtime_ns] != entry.get("stat"):
            return None
        return output

    def record(self, fmt: str, key: str, output: Path, inputs: Sequence[str] = ()) -> None:
        self.entries[fmt] = {
            "key": key,
            "output": Path(output).name,
            "stat": _stat(Path(output)),
            "inputs": {path: _stat(Path(path)) for path in sorted(inputs)},
        }
        self._dirty = True

    def forget(self, fmt: str) -> None:
        self._dirty |= self.entries.pop(fmt, None) is not None

    def save(self) -> None:
        if self._dirty and self.path.parent.is_dir():
            data = json.dumps(self.entries, indent=1, sort_keys=True).encode()
            write_bytes_atomically(self.path, data)
            self._dirty = False


def _stat(path: Path) -> list[int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns]


def source_fingerprint(path: str | os.PathLike[str]) -> tuple[str, int] | None:
    """(sha256 of the bytes, time stamp) of a source, or None if it cannot be read."""
    try:
        stat = os.stat(path)
        if stat.st_size > MAX_SOURCE_BYTES or not Path(path).is_file():
            return None
        data = Path(path).read_bytes()
    except OSError:
        return None
    return hashlib.sha256(data).hexdigest(), source_epoch(stat.st_mtime)
