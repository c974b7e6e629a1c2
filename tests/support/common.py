"""What many test modules share: the notes they build, the fixed build time, building one format."""

from __future__ import annotations

from pathlib import Path

import notesforge
from notesforge.model import Notes

TESTS = Path(__file__).resolve().parent.parent
ROOT = TESTS.parent
SEED = ROOT / "source" / "notes.toml"
DATA = TESTS / "data"
HOSTILE = DATA / "hostile.toml"
GRID = DATA / "grid.toml"  # grids: a caption and corner, an inline row, an empty cell, blanks
EVENTS = DATA / "events.toml"  # an events block (the seed types its dates on its bullets instead)
COURSE = DATA / "course" / "course.toml"  # a course: the seed, then units/ (Weimar Germany, the Cold War)

# A fixed build time, so outputs do not depend on file modification times (conftest sets
# SOURCE_DATE_EPOCH to it for every test).
EPOCH = 1700000000


def build_one(notes: Notes, fmt: str, out_dir: Path, **settings: str) -> Path:
    """Build one format and return the path written; fail the test if the exporter failed."""
    overrides = {fmt: {k: str(v) for k, v in settings.items()}} if settings else None
    [outcome] = notesforge.build(notes, [fmt], out_dir, overrides)
    assert outcome.ok, outcome.detail or outcome.error
    assert outcome.path is not None
    return outcome.path
