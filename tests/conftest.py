"""Shared fixtures: the seed notes, hostile text, and a way to build one format."""

from __future__ import annotations

from pathlib import Path

import pytest

import notesforge
from notesforge.model import Notes

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "source" / "notes.toml"
DATA = Path(__file__).resolve().parent / "data"
HOSTILE = DATA / "hostile.toml"

# A fixed build time, so outputs do not depend on file modification times.
EPOCH = "1700000000"


@pytest.fixture(autouse=True)
def _fixed_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


@pytest.fixture
def seed_notes() -> Notes:
    return notesforge.load(SEED)


@pytest.fixture
def hostile_notes() -> Notes:
    return notesforge.load(HOSTILE)


def build_one(notes: Notes, fmt: str, out_dir: Path, **settings: str) -> Path:
    """Build one format and return the path written; fail the test if the exporter failed."""
    overrides = {fmt: {k: str(v) for k, v in settings.items()}} if settings else None
    [outcome] = notesforge.build(notes, [fmt], out_dir, overrides)
    assert outcome.ok, outcome.detail or outcome.error
    assert outcome.path is not None
    return outcome.path


@pytest.fixture
def build_format(tmp_path: Path):
    """`build_format(notes, "pdf", paper="letter") -> Path`, into a fresh folder."""
    return lambda notes, fmt, **settings: build_one(notes, fmt, tmp_path / "out", **settings)
