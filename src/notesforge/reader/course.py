"""The course reader: `course.toml` -> `Course`, with its units read and every problem located.

All the problems of the course file and of every unit are reported at once: a unit listed twice,
a missing file, two units with one id, a bad key in `[course]`, and each unit's own problems.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..course import Course, units_settings
from ..diagnostics import Diagnostic, NotesError
from ..model import Location, Notes, Source
from .document import ModelBuilder

COURSE_EMPTY = "the file is empty: a course file needs a [course] table with an id, a title and units"
_COURSE_TABLE = re.compile(r"^[ \t]*\[[ \t]*course[ \t]*\]", re.MULTILINE)

# Reads units' notes files, in order: each a `Notes` or the `NotesError` of its problems. The
# build layer passes one that reads in parallel and reuses the notes it has cached.
UnitLoader = Callable[[Sequence[str]], list["Notes | NotesError"]]


def is_course(path: str | os.PathLike[str]) -> bool:
    """Whether a file is a course file (it has a `[course]` table) rather than a notes file."""
    try:
        head = Path(path).read_bytes()[:1_000_000].decode("utf-8", "replace")
    except OSError:
        return False
    return "course" in head and _COURSE_TABLE.search(head) is not None  # a substring test rules most files out


def load_units(paths: Sequence[str]) -> list[Notes | NotesError]:
    """Read each unit in turn (the plain `UnitLoader`)."""
    from . import load

    out: list[Notes | NotesError] = []
    for path in paths:
        try:
            out.append(load(path))
        except NotesError as exc:
            out.append(exc)
    return out


def load_course(path: str | os.PathLike[str], units: UnitLoader = load_units) -> Course:
    """Read and check a course file and its units; raise `NotesError` listing every problem."""
    from . import parse_toml, read_source, source_epoch

    name = os.fspath(path)
    data, mtime = read_source(path, "course")
    text, document, positions = parse_toml(data, name, COURSE_EMPTY)
    builder = ModelBuilder(name, positions)
    top = builder.fields(document, "course-document", (), "the course file") or {}
    raw = top.get("course")
    meta = builder.meta(raw, "course")
    settings = builder.settings(top.get("export", {}))
    listed = _listed(builder, raw, Path(name))
    texts: dict[str, str] = {name: text}
    loaded: list[Notes] = []
    unit_errors: list[Diagnostic] = []
    for (unit_path, _), got in zip(listed, units([p for p, _ in listed]), strict=True):
        if isinstance(got, NotesError):
            unit_errors += got.diagnostics
            if isinstance(got.source_text, str):
                texts[unit_path] = got.source_text
        else:
            loaded.append(got)
    _same_ids(builder, listed, loaded)
    if builder.errors or unit_errors:
        raise NotesError(builder.errors + unit_errors, texts)
    if not (isinstance(raw, dict) and "language" in raw):
        meta = dataclasses.replace(meta, language=loaded[0].meta.language)
    units_with_defaults = tuple(_with_defaults(unit, settings) for unit in loaded)
    digest = hashlib.sha256(data)
    for unit in loaded:
        digest.update(f"\n{unit.source.path}\n{unit.source.sha256}".encode())
    newest = max([mtime, *(unit.source.epoch for unit in loaded)])
    source = Source(path=name, sha256=digest.hexdigest(), epoch=source_epoch(newest))
    return Course(meta, units_with_defaults, source, settings)


def watched(path: str | os.PathLike[str]) -> tuple[list[Path], list[Path]]:
    """(files, folders) a course is built from: the course file and its units' files, and the
    folders it lists (a new notes file there is a new unit); what `notesforge watch` watches.
    A course file that does not read gives itself alone."""
    from . import parse_toml, read_source

    name = os.fspath(path)
    try:
        _, document, positions = parse_toml(read_source(path, "course")[0], name, COURSE_EMPTY)
    except NotesError:
        return [Path(name)], []
    raw = document.get("course")
    listed = _listed(ModelBuilder(name, positions), raw, Path(name))
    entries = raw.get("units") if isinstance(raw, dict) and isinstance(raw.get("units"), list) else []
    base = os.path.dirname(name)
    folders = [Path(base, e) for e in entries if isinstance(e, str) and e.strip() and Path(base, e).is_dir()]
    return [Path(name), *(Path(p) for p, _ in listed)], folders


def _listed(builder: ModelBuilder, raw: Any, course_path: Path) -> list[tuple[str, Location]]:
    """The units' files in order, each with where the course lists it; problems reported."""
    entries = raw.get("units") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        return []  # missing or mistyped: `fields` said so
    if not entries:
        builder.error(("course", "units"), "'units' must list at least one notes file", value=True)
    base = os.path.dirname(builder.name)
    out: list[tuple[str, Location]] = []
    first: dict[Path, Location] = {}
    for i, entry in enumerate(entries):
        where: Any = ("course", "units", i)
        if not isinstance(entry, str) or not entry.strip():
            builder.error(where, "each unit must be the path of a notes file or folder, as a string", value=True)
            continue
        loc = builder.loc(where, value=True)
        target = Path(base, entry)
        if target.is_dir():
            files = sorted(p for p in target.glob("*.toml") if p.is_file() and not _same(p, course_path))
            if not files:
                builder.error(where, f"the folder '{entry}' holds no .toml notes files", value=True)
            paths = [os.path.normpath(os.path.join(base, entry, p.name)) for p in files]
        elif target.is_file():
            paths = [os.path.normpath(os.path.join(base, entry))]
        else:
            builder.error(
                where, f"no such notes file or folder '{entry}' (paths are relative to the course file)", value=True
            )
            continue
        for unit_path in paths:
            key = Path(unit_path).resolve()
            if key in first:
                builder.error(
                    where,
                    f"'{unit_path}' is listed twice (first at line {first[key].line}); a unit appears once",
                    value=True,
                )
                continue
            first[key] = loc
            out.append((unit_path, loc))
    return out


def _same(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def _same_ids(builder: ModelBuilder, listed: list[tuple[str, Location]], loaded: list[Notes]) -> None:
    """Two units with one id would share decks, tags and card identities: an error at the second."""
    where = dict(listed)
    first: dict[str, Notes] = {}
    for unit in loaded:
        other = first.setdefault(unit.meta.id, unit)
        if other is not unit:
            builder.errors.append(
                Diagnostic(
                    where[unit.source.path],
                    f"unit id '{unit.meta.id}' of '{unit.source.path}' is already the id of '{other.source.path}' "
                    "(line " + str(where[other.source.path].line) + "); each unit needs its own [notes] id",
                )
            )


def _with_defaults(unit: Notes, course_settings: Any) -> Notes:
    """The unit with the course's `[export.FORMAT]` settings under its own; its cards kept."""
    if not course_settings:
        return unit
    merged = dataclasses.replace(unit, settings=units_settings(course_settings, unit.settings))
    merged.derived.update(unit.derived)
    return merged
