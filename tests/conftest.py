"""Shared fixtures: the seed notes, hostile text, and a way to build one format.

Fixtures only: the helpers and constants the test modules share live in the `support` package.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import notesforge
from notesforge.model import Notes

# The support modules' asserts explain their failures as a test's do (registered before they load).
pytest.register_assert_rewrite("support")

from support.common import EPOCH, HOSTILE, SEED, build_one  # noqa: E402


@pytest.fixture(autouse=True)
def _fixed_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))


@pytest.fixture
def seed_notes() -> Notes:
    return notesforge.load(SEED)


@pytest.fixture
def hostile_notes() -> Notes:
    return notesforge.load(HOSTILE)


@pytest.fixture
def build_format(tmp_path: Path):
    """`build_format(notes, "pdf", paper="letter") -> Path`, into a fresh folder."""
    return lambda notes, fmt, **settings: build_one(notes, fmt, tmp_path / "out", **settings)
