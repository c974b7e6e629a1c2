"""A course of three units (the seed, Weimar Germany, the Cold War) built once in every format
and read back with the real clients: the Anki backend, pypdf, EPUBCheck."""

from __future__ import annotations

from pathlib import Path

import genanki
import pytest
from support.anki import import_deck, open_collection
from support.common import COURSE, EPOCH

import notesforge
from notesforge.cards import generate
from notesforge.course import Course

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def course() -> Course:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        return notesforge.load_course(COURSE)


@pytest.fixture(scope="module")
def built(course: Course, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every format of the course, and each unit's own deck (`anki:UNIT`), built once."""
    out = tmp_path_factory.mktemp("course")
    outcomes = notesforge.build(course, ["all"], out / "course")
    assert all(o.ok for o in outcomes), [o.detail or o.error for o in outcomes if not o.ok]
    paths = {o.format: o.path for o in outcomes}
    for unit in course.units:
        [deck] = notesforge.build(unit, ["anki"], out / unit.meta.id)
        paths[f"anki:{unit.meta.id}"] = deck.path
    return paths


@pytest.fixture
def col(tmp_path: Path):
    """A fresh collection of the real Anki backend."""
    col = open_collection(tmp_path / "collection")
    yield col
    col.close()


def guids(col) -> set[str]:
    return {col.get_note(nid).guid for nid in col.find_notes("")}


def test_the_course_deck_has_a_subdeck_per_unit_and_the_units_guids(
    course: Course, built: dict[str, Path], col
) -> None:
    log = import_deck(col, built["anki"])
    assert len(log.new) == sum(len(list(generate(unit))) for unit in course.units)
    names = col.decks.all_names()
    top = [name for name in names if name.count("::") == 1 and name.startswith("GCSE History::")]
    assert sorted(top) == sorted(f"GCSE History::{unit.meta.title}" for unit in course.units)
    assert "GCSE History::Weimar Germany::The crisis years, 1919–23" in names
    assert "GCSE History::The Cold War::Origins of the Cold War::The Berlin Blockade" in names
    for unit in course.units:
        keys = {genanki.guid_for(card.key) for card in generate(unit)}
        in_unit = {col.get_note(nid).guid for nid in col.find_notes(f'"deck:GCSE History::{unit.meta.title}"')}
        assert in_unit == keys  # each unit's subdeck holds exactly the unit's notes, by GUID
        tags = {tag for nid in col.find_notes(f"tag:gcse-history::{unit.meta.id}::*") for tag in col.get_note(nid).tags}
        assert tags and all(tag.startswith(f"gcse-history::{unit.meta.id}::") for tag in tags)
    assert not col.find_notes("-tag:gcse-history::*")  # every note under the course's tag


def test_a_unit_deck_then_the_course_deck_makes_no_duplicates(course: Course, built: dict[str, Path], col) -> None:
    first = import_deck(col, built["anki:weimar-germany"])
    unit_guids = guids(col)
    assert len(first.new) == len(unit_guids) > 0
    then = import_deck(col, built["anki"])
    # The unit's notes are matched by GUID (same time stamp: counted as duplicates, not added).
    total = sum(len(list(generate(unit))) for unit in course.units)
    assert len(then.new) == total - len(unit_guids)
    assert len(then.duplicate) == len(unit_guids)
    assert unit_guids <= guids(col)
    assert len(col.find_notes("")) == total
