"""Skip a format whose output is already built from the same inputs.

The key covers the source bytes, its time stamp, the `--set` overrides, the
format and the version of the code that builds it, and is checked before the
source is even parsed, so an unchanged rebuild costs a hash and a stat.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Mapping, Sequence
from pathlib import Path

from . import reader
from ._version import __version__
from .course import image_files
from .diagnostics import Diagnostic, NotesError
from .exporters.base import Parts, file_stamp
from .files import TEMP_PREFIX, write_bytes_atomically
from .model import Notes
from .reader import MAX_SOURCE_BYTES, source_epoch

CACHE_NAME = ".notesforge-cache.json"
CACHE_DIR = ".notesforge-cache"  # beside it: the parsed units of courses and their formats' parts


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


class PartStore(Parts):
    """`Parts` in a folder, one file a key; `prune()` deletes what this build did not use."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.used: set[str] = set()

    def get(self, key: str) -> bytes | None:
        self.used.add(key)
        try:
            return (self.folder / key).read_bytes()
        except OSError:
            return None

    def put(self, key: str, data: bytes) -> None:
        self.used.add(key)
        self.folder.mkdir(parents=True, exist_ok=True)
        write_bytes_atomically(self.folder / key, data)

    def prune(self) -> None:
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.name not in self.used and not path.name.startswith(TEMP_PREFIX):
                path.unlink(missing_ok=True)


def part_store(out_dir: Path, fmt: str, code_version: str) -> PartStore:
    """The store of one format's course parts in `out_dir`, one folder per format."""
    safe = hashlib.sha256(code_version.encode()).hexdigest()[:12]
    return PartStore(Path(out_dir) / CACHE_DIR / "parts" / f"{fmt}-{safe}")


class UnitCache:
    """The units of courses as read before, kept by the hash of their bytes: reading a course
    whose units are unchanged unpickles them instead of parsing. The units not kept are read in
    parallel processes. (A file under the output folder is trusted like the code: it is ours.)"""

    def __init__(self, out_dir: Path, jobs: int | None = None) -> None:
        self.store = PartStore(Path(out_dir) / CACHE_DIR / "units")
        self.jobs = jobs

    def load(self, paths: Sequence[str]) -> list[Notes | NotesError]:
        """The `reader.course.UnitLoader`: each unit's notes, or its problems."""
        found: dict[int, Notes | NotesError] = {}
        todo: dict[int, tuple[str, bytes, int, str]] = {}
        for i, path in enumerate(paths):
            try:
                data, mtime = reader.read_source(path)
            except NotesError as exc:
                found[i] = exc
                continue
            epoch = source_epoch(mtime)
            key = hashlib.sha256(repr((__version__, path, epoch)).encode() + data).hexdigest()
            kept = self.store.get(key)
            if kept is not None:
                try:
                    notes, images = pickle.loads(kept)
                except Exception:  # an older or damaged entry: read the file again
                    notes, images = None, None
                # The reader checked the card images: read again if one has changed since.
                if isinstance(notes, Notes) and images == _images(notes):
                    found[i] = notes
                    continue
            todo[i] = (path, data, epoch, key)
        for i, result in zip(todo, _read_all([t[:3] for t in todo.values()], self.jobs), strict=True):
            if isinstance(result, Notes):
                kept = pickle.dumps((result, _images(result)), protocol=pickle.HIGHEST_PROTOCOL)
                self.store.put(todo[i][3], kept)
                found[i] = result
            else:
                found[i] = NotesError(*result)
        self.store.prune()
        return [found[i] for i in range(len(paths))]


def _images(unit: Notes) -> list[tuple[str, tuple[int, int] | None]]:
    return [(path, file_stamp(path)) for path in image_files(unit)]


def _read(item: tuple[str, bytes, int]) -> Notes | tuple[list[Diagnostic], str | None]:
    # A NotesError does not pickle back from a worker: its diagnostics and text do.
    path, data, epoch = item
    try:
        return reader.loads(data, path, epoch)
    except NotesError as exc:
        return list(exc.diagnostics), exc.source_text if isinstance(exc.source_text, str) else None


def _read_all(items: list[tuple[str, bytes, int]], jobs: int | None) -> list:
    jobs = min(jobs or os.cpu_count() or 1, len(items))
    if jobs <= 1:
        return [_read(item) for item in items]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method)) as pool:
        return list(pool.map(_read, items))
