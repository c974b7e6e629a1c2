"""`notesforge import` of real Anki packages, made in the test with the real Anki backend: a
collection with subdecks, basic, reversed and cloze notes, tags, an image and review history,
exported in the legacy and the current format, imported, rebuilt with notesforge, and imported
back into the original collection: no new note, every note updated in place, the history kept."""

from __future__ import annotations

import base64
import shutil
import time
from pathlib import Path

import pytest
from anki import collection
from click.testing import CliRunner
from support.anki import open_collection

import notesforge
from notesforge.cli import cli
from notesforge.inline import plain
from notesforge.model import BasicCard, CardList, Cloze

pytestmark = pytest.mark.slow

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The collection (closed), and beside it legacy.apkg, current.apkg and whole.colpkg exported from it."""
    where = tmp_path_factory.mktemp("anki")
    col = open_collection(where / "col")
    models = {name: col.models.by_name(name) for name in ("Basic", "Basic (and reversed card)", "Cloze")}
    top, russia, lenin = (col.decks.id(n) for n in ("History", "History::Russia", "History::Russia::Lenin"))
    image = col.media.write_data("lenin.png", PNG)

    def add(model: str, deck: int, *fields: str, tags: tuple[str, ...] = ()) -> None:
        note = col.new_note(models[model])
        for i, value in enumerate(fields):
            note.fields[i] = value
        note.tags = list(tags)
        col.add_note(note, deck)

    add("Basic", top, "What is <b>&lt;history&gt;</b>?", "The study of the <i>past</i> &amp; {{more}}", tags=("intro",))
    add("Basic", lenin, "When did Lenin die?", f'January 1924<br><img src="{image}">')
    add("Basic (and reversed card)", russia, "NEP", "New Economic Policy")
    add("Cloze", russia, "{{c1::Stalin}} became {{c2::General Secretary::post}} in 1922", "He held it until 1952")
    add("Cloze", lenin, "Lenin died in {{c1::1924}}", "")
    col.decks.select(top)
    for _ in range(4):  # review history: four answers with the scheduler
        col.sched.answerCard(col.sched.getCard(), 3)
    for legacy, name in ((True, "legacy.apkg"), (False, "current.apkg")):
        options = collection.ExportAnkiPackageOptions(
            with_scheduling=True, with_deck_configs=True, with_media=True, legacy=legacy
        )
        col.export_anki_package(out_path=str(where / name), options=options, limit=None)
    col.export_collection_package(str(where / "whole.colpkg"), include_media=True, legacy=False)  # closes it
    return where


def snapshot(col) -> tuple[dict, dict, int]:
    """Note ids with their GUIDs, card ids with their note, interval and repetitions, and the revlog size."""
    notes = {nid: col.get_note(nid).guid for nid in col.find_notes("")}
    cards = {cid: (c.nid, c.ivl, c.reps) for cid in col.find_cards("") if (c := col.get_card(cid))}
    return notes, cards, col.db.scalar("SELECT count() FROM revlog")


@pytest.mark.parametrize("package", ["legacy.apkg", "current.apkg", "whole.colpkg"])
def test_an_exported_deck_imports_and_rebuilds_into_a_deck_that_updates_the_original_in_place(
    original: Path, package: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "notes" / "notes.toml"
    result = CliRunner().invoke(cli, ["import", str(original / package), "--out", str(out), "--id", "history"])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[1:] == [
        "  not mapped: tags (the notes format has no card tags): 1, e.g. 'intro'",
        "  not mapped: line breaks (<br>, <div>, <p>), written as spaces: 1, e.g. 'January 1924'",
        f"wrote {out}; check it with: notesforge check {out}",
    ]
    assert "read 5 notes, 1 images; made 3 sections" in result.stderr
    assert (out.parent / "images" / "lenin.png").read_bytes() == PNG

    # Built later than the collection's notes were last changed, as a teacher's edit would be.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(time.time()) + 60))
    notes = notesforge.load(out)
    assert notes.meta.title == "History"
    assert [(s.id, plain(s.title), s.depth) for s in notes.walk()] == [
        ("history", "History", 1),
        ("russia", "Russia", 1),
        ("lenin", "Lenin", 2),
    ]
    cards = [c for s in notes.walk() for b in s.blocks if isinstance(b, CardList) for c in b.cards]
    basic = [(plain(c.question), plain(c.answer), c.reverse) for c in cards if isinstance(c, BasicCard)]
    assert basic == [
        ("What is <history>?", "The study of the past & {{more}}", False),  # escaped HTML: literal text
        ("NEP", "New Economic Policy", True),
        ("When did Lenin die?", "January 1924", False),
    ]
    assert [c.image.name if c.image else None for c in cards] == [None, None, None, "images/lenin.png", None]
    clozes = [c for c in cards if not isinstance(c, BasicCard)]
    assert [(plain(c.text), plain(c.extra) if c.extra else None) for c in clozes] == [
        ("Stalin became General Secretary in 1922", "He held it until 1952"),
        ("Lenin died in 1924", None),
    ]
    assert [(c.answer, c.hint, c.number) for c in clozes[0].text if isinstance(c, Cloze)] == [
        ("Stalin", None, 1),
        ("General Secretary", "post", 2),
    ]
    assert all(c.guid for c in cards)

    [outcome] = notesforge.build(notes, ["anki"], tmp_path / "out")
    assert outcome.ok, outcome.error
    shutil.copytree(original / "col", tmp_path / "col")
    col = open_collection(tmp_path / "col")
    try:
        before = snapshot(col)
        assert len(before[1]) == 7 and before[2] == 4
        # The first import over the original deck needs "Merge notetypes": the notes change from
        # Anki's note types to notesforge's, which Anki otherwise refuses as conflicting.
        request = collection.ImportAnkiPackageRequest(
            package_path=str(outcome.path),
            options=collection.ImportAnkiPackageOptions(merge_notetypes=True, with_scheduling=False),
        )
        log = col.import_anki_package(request).log
        assert (len(log.new), len(log.updated), len(log.duplicate), len(log.conflicting)) == (0, 5, 0, 0)
        assert snapshot(col) == before  # the same notes and cards, the intervals and the review log
        types = sorted(col.get_note(nid).note_type()["name"] for nid in col.find_notes(""))
        assert types == ["notesforge Basic"] * 2 + ["notesforge Basic (and reversed card)"] + ["notesforge Cloze"] * 2
    finally:
        col.close()
