"""Retired cards: the card record beside the notes, and what a student's Anki makes of a deck that
ships the cards the notes lost (tagged `notesforge::retired`), checked with the real Anki backend."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from support.anki import import_deck, open_collection, text_of
from support.common import COURSE, EPOCH, HOSTILE, SEED, TESTS
from support.strategies import Doc, documents

import notesforge
from notesforge import pipeline, record
from notesforge.cards import generate
from notesforge.cli import cli
from notesforge.diagnostics import NotesError
from notesforge.exporters import anki as exporter
from notesforge.inline import unparse
from notesforge.model import IssuedCard, Text

BULLET = '  "Petrograd was renamed [[Leningrad]].",\n'
CARD = '  { q = "Why did Stalin alter photographs?", a = "To show how close he was to Lenin" },\n'
TERM = '  { term = "Kulaks", definition = "Peasants supposed to have grown rich under NEP; Stalin attacked them." },\n'
BULLET_KEY = "stalin-ussr-1924-41/death-of-lenin/bullet/leningrad"
CARD_KEY = "stalin-ussr-1924-41/who-would-succeed-lenin/card/why-did-stalin-alter-photographs"
TERM_KEY = "stalin-ussr-1924-41/key-terms/term/kulaks"
TITLE = 'title = "The death of Lenin"'


def write(folder: Path, *, without: tuple[str, ...] = (), renamed: bool = False) -> Path:
    """The seed in `folder` with its terms asked both ways (two cards a note), less the lines
    `without`, with its first section retitled if `renamed`."""
    text = SEED.read_text(encoding="utf-8").replace('ask = "definition"', 'ask = "both"')
    for line in (*without, TITLE if renamed else ""):
        assert not line or text.count(line) == 1
    for line in without:
        text = text.replace(line, "")
    if renamed:
        text = text.replace(TITLE, 'title = "Lenin’s death"')
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "notes.toml"
    source.write_text(text, encoding="utf-8")
    return source


def build(source: Path, monkeypatch: pytest.MonkeyPatch, epoch: int, *formats: str) -> list[pipeline.Outcome]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    outcomes = pipeline.build_source(source, formats or ["anki"], source.parent / "out", jobs=1)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    return outcomes


def states(source: Path) -> dict[str, str]:
    cards = record.read(record.record_path(source))
    assert cards is not None
    lines = record.record_path(source).read_text(encoding="utf-8").splitlines()[2:]
    return {card.key: line.split("\t")[2] for card, line in zip(cards, lines, strict=True)}


def snapshot(col) -> dict[str, tuple]:
    """Every note by GUID: its fields and tags; and every card's scheduling."""
    notes = {}
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        cards = tuple((c.ord, c.did, c.type, c.queue, c.due, c.ivl) for c in sorted(note.cards(), key=lambda c: c.ord))
        notes[note.guid] = (tuple(note.fields), tuple(note.tags), cards)
    return notes


@pytest.mark.slow
def test_removed_cards_are_retired_in_a_students_anki_and_come_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import genanki

    source = write(tmp_path)
    [first] = build(source, monkeypatch, EPOCH)
    [warning] = first.warnings  # the record is new: nothing could be retired
    assert warning.loc.path == str(tmp_path / "notes.cards") and "no card record" in warning.message
    col = open_collection(tmp_path / "anki")
    assert len(import_deck(col, first.path).new) == col.note_count() == 89
    # The student reviews cards that will be retired and one that stays.
    guids = {genanki.guid_for(key): key for key in (BULLET_KEY, CARD_KEY, TERM_KEY)}
    asked = {
        BULLET_KEY: ["Petrograd was renamed [...]."],
        CARD_KEY: ["Why did Stalin alter photographs?"],
        TERM_KEY: ["Kulaks", "Kulaks"],  # both ways: the reverse card shows the notice too
    }
    for front in ("Why did Stalin alter photographs?", "Which city was renamed Leningrad?", "Kulaks"):
        [card] = [col.get_card(cid) for cid in col.find_cards(f'"Front:{front}"', order=True)][:1]
        card.start_timer()
        col.sched.answerCard(card, 4)
    history = col.db.all("select id, cid, ease, ivl from revlog")
    before = snapshot(col)

    # A bullet, an explicit card and a term leave the notes; a later build retires exactly those.
    write(tmp_path, without=(BULLET, CARD, TERM))
    [second] = build(source, monkeypatch, EPOCH + 1000)
    assert second.warnings == ()
    assert {k: v for k, v in states(source).items() if v == "retired"} == dict.fromkeys(guids.values(), "retired")
    log = import_deck(col, second.path)
    assert (len(log.new), len(log.updated), len(log.conflicting)) == (0, 89, 0)
    after = snapshot(col)
    assert set(after) == set(before) and col.db.all("select id, cid, ease, ivl from revlog") == history
    retired = {col.get_note(nid).guid for nid in col.find_notes("tag:notesforge::retired")}
    assert retired == set(guids)
    for guid, (fields, tags, cards) in after.items():
        if guid not in guids:
            assert (fields, tags, cards) == before[guid]  # no other note changes
            continue
        assert tags == ("notesforge::retired",) and cards == before[guid][2]  # same deck, same reviews
        [nid] = [nid for nid in col.find_notes("tag:notesforge::retired") if col.get_note(nid).guid == guid]
        fronts = [text_of(card.question()) for card in sorted(col.get_note(nid).cards(), key=lambda c: c.ord)]
        assert fronts == [f"{exporter.RETIRED_NOTICE} {question}" for question in asked[guids[guid]]]

    # The card comes back (same GUID, untagged); the first section is retitled: the build warns.
    write(tmp_path, without=(BULLET, TERM), renamed=True)
    [third] = build(source, monkeypatch, EPOCH + 2000)
    [moved] = third.warnings
    assert moved.loc.line == 36 and "'Stalin’s Dictatorship::The death of Lenin' is now" in moved.message
    assert "Change Deck" in moved.message
    assert states(source)[CARD_KEY] == "issued" and states(source)[BULLET_KEY] == "retired"
    log = import_deck(col, third.path)
    assert (len(log.new), len(log.updated), len(log.conflicting)) == (0, 89, 0)
    back = col.get_note(col.find_notes('"Front:Why did Stalin alter photographs?"')[0])
    assert back.guid == genanki.guid_for(CARD_KEY) and back.tags == ["stalin-ussr-1924-41::who-would-succeed-lenin"]
    assert back.fields == list(before[back.guid][0])
    assert {col.get_note(nid).guid for nid in col.find_notes("tag:notesforge::retired")} == {
        genanki.guid_for(BULLET_KEY),
        genanki.guid_for(TERM_KEY),
    }
    assert col.db.all("select id, cid, ease, ivl from revlog") == history

    # What docs/anki.md tells students: a deleted retired note comes back, new, from a later deck
    # (an import cannot know it was deleted); a suspended one stays suspended.
    retired_now = {col.get_note(nid).guid: nid for nid in col.find_notes("tag:notesforge::retired")}
    bullet, term = retired_now[genanki.guid_for(BULLET_KEY)], retired_now[genanki.guid_for(TERM_KEY)]
    col.remove_notes([bullet])
    col.sched.suspend_cards(col.get_note(term).card_ids())
    [later] = build(source, monkeypatch, EPOCH + 3000)
    log = import_deck(col, later.path)
    assert (len(log.new), len(log.updated)) == (1, 88)
    [back] = [col.get_note(nid) for nid in col.find_notes("tag:notesforge::retired") if nid != term]
    assert back.guid == genanki.guid_for(BULLET_KEY) and {c.queue for c in back.cards()} == {0}
    assert {col.get_card(cid).queue for cid in col.get_note(term).card_ids()} == {-1}
    col.close()

    # A deleted record is written again from the deck as it is: nothing retired, and a warning.
    record.record_path(source).unlink()
    [fourth] = build(source, monkeypatch, EPOCH + 3000)
    assert not fourth.cached and "no card record" in fourth.warnings[0].message
    assert set(states(source).values()) == {"issued"} and BULLET_KEY not in states(source)


# --- the record without Anki -------------------------------------------------------------------


def test_a_source_with_no_removed_cards_builds_the_same_deck_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write(tmp_path)
    plain = notesforge.build(notesforge.load(source), ["anki"], tmp_path / "plain")[0].path  # keeps no record
    [first] = build(source, monkeypatch, EPOCH)
    [again] = pipeline.build_source(source, ["anki"], tmp_path / "again")  # the record in place now
    assert again.warnings == ()
    assert plain.read_bytes() == first.path.read_bytes() == again.path.read_bytes()


def test_the_record_is_sorted_one_card_a_line_and_survives_any_text(tmp_path: Path) -> None:
    notes = notesforge.load(HOSTILE)
    [config] = [exporter.AnkiConfig()]
    issued = exporter.AnkiExporter().issued(notes, config)
    odd = IssuedCard(
        "z/\ttab\nline\\", "g\\t", "term", True, "Deck\t::x\\n\u2028", (Text("a\tb\nc\\ [x] *y*\x0c\x85\r"),)
    )
    text = record.render(issued, [odd])
    lines = text.split("\n")[:-1]
    assert lines[:2] == record.HEADER.splitlines() and len(lines) == 2 + len(issued) + 1
    assert [line.split("\t")[0] for line in lines[2:]] == sorted(line.split("\t")[0] for line in lines[2:])
    assert all(line.count("\t") == 5 for line in lines[2:])
    path = tmp_path / "notes.cards"
    path.write_bytes(text.encode("utf-8"))
    read = record.read(path)
    assert [_shown(card) for card in read] == sorted(map(_shown, [*issued, odd]))
    assert record.render([card for card in read if card.key != odd.key], [odd]) == text


@settings(derandomize=True, deadline=None, max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_any_notes_cards_survive_the_record(doc: Doc) -> None:
    notes = notesforge.loads(doc.toml, "gen.toml", epoch=EPOCH)
    issued = exporter.AnkiExporter().issued(notes, exporter.AnkiConfig())
    half = len(issued) // 2
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "gen.cards"
        path.write_bytes(record.render(issued[:half], issued[half:]).encode("utf-8"))
        read = record.read(path)
        assert read is not None
        assert [_shown(card) for card in read] == sorted(map(_shown, issued))
        # Whatever a retired card's text, the deck can ship it: its front is the markup it was.
        plan = record.plan(path, issued[:half])
        assert [_shown(card) for card in plan.retired] == sorted(map(_shown, issued[half:]))
        assert plan.warnings == ()


def _shown(card: IssuedCard) -> tuple:
    return card.key, card.guid, card.kind, card.reverse, card.deck, unparse(card.front)


def test_an_unchanged_record_plans_as_reading_it_would(tmp_path: Path) -> None:
    # A record that says what the build would write is not read line by line (the usual rebuild);
    # the plan must be the one reading it gives, a text with U+2028 (a line break to
    # str.splitlines) included.
    notes = notesforge.load(SEED)
    issued = exporter.AnkiExporter().issued(notes, exporter.AnkiConfig())
    path = tmp_path / "notes.cards"
    path.write_text(record.render(issued), encoding="utf-8")
    plan = record.plan(path, issued)
    assert (plan.retired, plan.warnings, plan.text) == ((), (), path.read_text(encoding="utf-8"))
    assert len(record.read(path)) == len(issued)
    odd = IssuedCard("z/odd", "g", "basic", False, "Deck", (Text("one\u2028two"),))
    path.write_text(record.render([*issued, odd]), encoding="utf-8")
    assert record.read(path)[-1] == odd
    plan = record.plan(path, [*issued, odd])
    assert (plan.retired, plan.warnings, plan.text) == ((), (), path.read_text(encoding="utf-8"))
    assert record.plan(path, issued).retired == (odd,)


def test_a_broken_record_is_a_located_error_before_anything_is_written(tmp_path: Path) -> None:
    source = write(tmp_path)
    good = "k\tg\tissued\tbasic\tDeck\tWhat?"
    lines = [
        good,
        "<<<<<<< HEAD",
        "k2\tg\tissued\tbasics\tDeck\tWhat?",
        "k3\tg\tgone\tbasic\tDeck\tWhat?",
        "k4\tg\tissued\tbasic\tDeck",
        "k5\tg\tissued\tbasic\tDe\\ck\tWhat?",
        good,
    ]
    record.record_path(source).write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(source), "-f", "anki", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    where = f"{tmp_path / 'notes.cards'}"
    for line, col, message in [
        (2, 1, "merge conflict"),
        (3, 13, "unknown card kind 'basics'"),
        (4, 6, "unknown state 'gone'"),
        (5, 1, "6 tab-separated columns"),
        (6, 21, "unknown escape '\\\\c'"),
        (7, 1, "listed twice (line 1 too)"),
    ]:
        [found] = [got for got in result.output.splitlines() if got.startswith(f"{where}:{line}:")]
        assert found.startswith(f"{where}:{line}:{col}: error: ") and message in found
    assert not (tmp_path / "out").exists()


def test_the_record_is_an_input_of_the_deck_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = write(tmp_path)
    path = record.record_path(source)
    build(source, monkeypatch, EPOCH, "markdown")
    assert not path.exists()  # formats that issue no cards neither read nor write it
    first = build(source, monkeypatch, EPOCH, "anki", "markdown")
    assert [o.cached for o in first] == [False, True] and path.exists()
    assert [o.cached for o in build(source, monkeypatch, EPOCH, "anki", "markdown")] == [True, True]
    # An edited record (a teacher's merge) rebuilds the deck, and only the deck.
    path.write_text(path.read_text(encoding="utf-8").replace("\tissued\t", "\tretired\t", 1), encoding="utf-8")
    again = build(source, monkeypatch, EPOCH, "anki", "markdown")
    assert [o.cached for o in again] == [False, True] and again[0].warnings == ()
    assert "\tretired\t" not in path.read_text(encoding="utf-8")  # the card is in the notes: issued again


def test_check_and_cards_write_no_record(tmp_path: Path) -> None:
    source = write(tmp_path)
    for command in ("check", "cards"):
        assert CliRunner().invoke(cli, [command, str(source)]).exit_code == 0
    assert not record.record_path(source).exists()


def test_narrowed_kinds_retire_the_cards_left_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = write(tmp_path)
    build(source, monkeypatch, EPOCH)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 1))
    pipeline.build_source(source, ["anki"], tmp_path / "out", {"anki": {"kinds": "basic,cloze"}})
    found = states(source)
    left_out = {card.key for card in generate(notesforge.load(source)) if card.kind.value not in ("basic", "cloze")}
    assert {k for k, v in found.items() if v == "retired"} == left_out and left_out
    notes = record.plan(record.record_path(source), []).apply(notesforge.load(source))
    retired, old_decks = exporter.retired_notes(notes.retired, exporter.deck_names(notes, ""))
    assert len(retired) == len(found) and old_decks == {}  # every card retired, each in its section's deck
    assert {note.tags for note in retired} == {(exporter.RETIRED_TAG,)}


def test_the_record_sits_beside_the_notes_and_is_never_the_notes() -> None:
    assert record.record_path("history/units/01-weimar.toml") == Path("history/units/01-weimar.cards")
    assert record.record_path("course.toml") == Path("course.cards")
    assert record.record_path("odd.cards") == Path("odd.cards.cards")


def test_no_record_is_left_among_the_tests() -> None:
    assert not list(TESTS.rglob(f"*{record.SUFFIX}"))


def test_a_record_that_cannot_be_read_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.cards"
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(NotesError, match="cannot read the card record"):
        record.read(path)
    shutil.rmtree(tmp_path)
    assert record.read(path) is None


# --- a course's deck keeps its own record -------------------------------------------------------


def test_a_course_deck_retires_its_removed_cards_and_warns_of_a_renamed_unit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import genanki

    write(tmp_path / "units")  # the seed as the first unit
    weimar = tmp_path / "units" / "weimar.toml"
    weimar.write_bytes((COURSE.parent / "units" / "01-weimar.toml").read_bytes())
    course = tmp_path / "course.toml"
    course.write_text('[course]\nid = "history"\ntitle = "History"\nunits = ["units"]\n', encoding="utf-8")
    [first] = build(course, monkeypatch, EPOCH)
    assert [w.loc.path for w in first.warnings] == [str(tmp_path / "course.cards")]
    assert not (tmp_path / "units" / "notes.cards").exists()  # the units' own decks keep their own
    col = open_collection(tmp_path / "anki")
    assert len(import_deck(col, first.path).new) == col.note_count()

    write(tmp_path / "units", without=(BULLET,))
    weimar.write_text(weimar.read_text(encoding="utf-8").replace('"Weimar Germany"', '"The Weimar Republic"'))
    [second] = build(course, monkeypatch, EPOCH + 1000)
    [renamed] = second.warnings
    assert renamed.loc.path == str(weimar)  # one warning for the unit's deck and its subdecks
    assert renamed.message.startswith("the deck 'History::Weimar Germany' is now 'History::The Weimar Republic' (")
    assert states(course)[BULLET_KEY] == "retired"
    log = import_deck(col, second.path)
    assert (len(log.new), len(log.conflicting)) == (0, 0)
    [nid] = col.find_notes("tag:notesforge::retired")
    note = col.get_note(nid)
    assert note.guid == genanki.guid_for(BULLET_KEY) and note.tags == ["notesforge::retired"]
    [card] = note.cards()
    assert col.decks.name(card.did) == "History::Stalin’s Dictatorship::The death of Lenin"
    col.close()


def test_a_record_that_cannot_be_written_is_a_warning_and_the_deck_is_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write(tmp_path)

    def full_disk(target: Path, data: bytes) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(record, "write_bytes_atomically", full_disk)
    [outcome] = build(source, monkeypatch, EPOCH)
    assert outcome.path.exists() and not record.record_path(source).exists()
    assert "cannot write the card record ([Errno 28] No space left on device)" in outcome.warnings[-1].message


def test_the_command_line_prints_the_records_warnings_like_any_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write(tmp_path)
    args = ["build", str(source), "-f", "anki", "-o", str(tmp_path / "out")]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0
    assert f"{tmp_path / 'notes.cards'}: warning: no card record was here" in first.stderr
    write(tmp_path, renamed=True)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 1))
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0
    headline, line, caret = again.stderr.splitlines()[:3]
    assert headline.startswith(f"{source}:36:1: warning: the deck 'Stalin’s Dictatorship::The death of Lenin' is now")
    assert line.endswith("| [[section]]") and caret.endswith("| ^")
    assert "anki: wrote" in again.stdout


def test_the_committed_seed_record_is_in_step_with_the_seed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # source/notes.cards is committed with the seed: an edit of the seed that drops or renames a
    # card must come with its rebuilt record, or the next build would retire cards by surprise.
    committed = record.record_path(SEED)
    source = tmp_path / "notes.toml"
    shutil.copy(SEED, source)
    shutil.copy(committed, record.record_path(source))
    [outcome] = build(source, monkeypatch, EPOCH)
    assert outcome.warnings == ()
    assert record.record_path(source).read_bytes() == committed.read_bytes()
