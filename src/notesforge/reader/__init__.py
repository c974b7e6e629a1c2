"""The source reader: `notes.toml` -> `Notes`, with every problem located."""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, NotesError
from ..model import Location, Notes, Source
from . import syntax
from .course import is_course, load_course
from .document import ModelBuilder
from .positions import Positions

try:  # tomli's compiled wheels parse the same TOML 1.0 as tomllib (its source) 2-3 times faster
    from tomli import loads as _parse
except ImportError:  # pragma: no cover - tomli is a dependency; its pure-Python build is no faster
    _parse = tomllib.loads

# Teachers' notes are kilobytes; refuse early rather than exhaust memory on a stray file.
MAX_SOURCE_BYTES = 8 * 1024 * 1024

__all__ = ["MAX_SOURCE_BYTES", "is_course", "load", "load_course", "loads"]


def load(path: str | os.PathLike[str]) -> Notes:
    """Read and validate a notes file; raise `NotesError` listing every problem."""
    data, mtime = read_source(path)
    return loads(data, os.fspath(path), source_epoch(mtime))


def read_source(path: str | os.PathLike[str], what: str = "notes") -> tuple[bytes, float]:
    """The bytes and modification time of a source file; a located `NotesError` if it cannot be read."""
    name = os.fspath(path)
    p = Path(path)

    def fail(message: str) -> NotesError:
        return NotesError([Diagnostic(Location(name, 0, 0), message)])

    try:
        if p.is_dir():
            hint = " (did you mean {}?)".format(p / "notes.toml") if (p / "notes.toml").is_file() else ""
            raise fail(f"is a folder, not a {what} file{hint}")
        stat = p.stat()
        if stat.st_size > MAX_SOURCE_BYTES:
            raise fail(
                f"the file is {stat.st_size:,} bytes; {what} files are limited to "
                f"{MAX_SOURCE_BYTES:,} bytes (split the notes into several files)"
            )
        data = p.read_bytes()
    except FileNotFoundError:
        raise fail("no such file") from None
    except PermissionError:
        raise fail("permission denied") from None
    except OSError as exc:
        raise fail(f"cannot read the file: {exc.strerror or exc}") from None
    return data, stat.st_mtime


def source_epoch(mtime: float) -> int:
    """The time stamped into outputs: SOURCE_DATE_EPOCH if set, else the file's mtime."""
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if env.isdigit():
        return int(env)
    return int(mtime)


def loads(data: bytes | str, name: str = "<string>", epoch: int = 0) -> Notes:
    """Parse notes from bytes or text; `name` is used in diagnostics."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    text, document, positions = parse_toml(
        raw, name, "the file is empty: a notes file needs a [notes] table and at least one [[section]]"
    )
    source = Source(path=name, sha256=hashlib.sha256(raw).hexdigest(), epoch=epoch)
    builder = ModelBuilder(name, positions)
    notes = builder.notes(document, source)
    if builder.errors:
        raise NotesError(builder.errors, text)
    return notes


def parse_toml(raw: bytes, name: str, empty: str) -> tuple[str, dict[str, Any], Positions]:
    """The text, the parsed document and the key positions of a TOML file; `NotesError` if it is
    too large, not UTF-8, empty (saying `empty`), nested too deeply or not TOML."""
    if len(raw) > MAX_SOURCE_BYTES:
        raise NotesError([Diagnostic(Location(name, 0, 0), f"the source is larger than {MAX_SOURCE_BYTES:,} bytes")])
    text = _decode(raw, name)
    if not text.strip():
        raise NotesError([Diagnostic(Location(name, 1, 1), empty)], text)
    too_deep = _too_deep(text, name)
    if too_deep:
        raise NotesError([too_deep], text)
    try:
        try:
            document = _parse(text)
        except Exception:  # problems are told in the standard library's words (reader.syntax reads them)
            document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, col, message = syntax.describe(exc, text)
        raise NotesError([Diagnostic(Location(name, line, col), f"TOML syntax: {message}")], text) from None
    except RecursionError:
        deepest = max(text.find("[" * 64), text.find("{" * 64), 0)
        line = text.count("\n", 0, deepest) + 1
        col = deepest - (text.rfind("\n", 0, deepest) + 1) + 1
        where = Location(name, line, col)
        raise NotesError([Diagnostic(where, "arrays or inline tables are nested too deeply")], text) from None
    return text, document, Positions(text)  # scanned when asked (a scan that fails finds nothing)


def _decode(raw: bytes, name: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        col = len(raw[line_start : exc.start].decode("utf-8", "replace")) + 1
        bad = raw[exc.start : exc.start + 1].hex()
        raise NotesError(
            [
                Diagnostic(
                    Location(name, line, col),
                    f"not UTF-8: byte 0x{bad} at offset {exc.start} cannot be decoded; save the file as UTF-8",
                )
            ]
        ) from None
    return text.removeprefix("\ufeff")  # Windows editors add a byte-order mark


MAX_KEY_DEPTH = 32  # dotted keys and [a.b.c] headers; deeper ones make TOML parsing quadratic
_DOTTED = re.compile(
    r"^[ \t]*\[{0,2}[ \t]*((?:[A-Za-z0-9_-]+[ \t]*\.[ \t]*){" + str(MAX_KEY_DEPTH) + ",})", re.MULTILINE
)


def _too_deep(text: str, name: str) -> Diagnostic | None:
    match = _DOTTED.search(text)
    if match is None:
        return None
    line = text.count("\n", 0, match.start()) + 1
    depth = match.group(1).count(".") + 1
    message = f"keys are nested {depth} or more levels deep; at most {MAX_KEY_DEPTH} are allowed"
    return Diagnostic(Location(name, line, 1), message)
