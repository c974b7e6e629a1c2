"""`notesforge import`: CSV/TSV, Markdown and Anki packages into notes files that pass `check`,
the summary of what could not be mapped, and GUIDs kept so that rebuilt decks update in place."""

from __future__ import annotations

import dataclasses
import re
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from support.strategies import Doc, documents

import notesforge
from notesforge.cards import generate
from notesforge.cli import cli
from notesforge.inline import plain
from notesforge.model import BasicCard, CardList, ClozeCard
from notesforge.reader.json_schema import json_schema


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def explicit_cards(notes) -> list[BasicCard | ClozeCard]:
    return [c for s in notes.walk() for b in s.blocks if isinstance(b, CardList) for c in b.cards]


def import_file(tmp_path: Path, name: str, text: str, *args: str) -> tuple[Path, str]:
    source = tmp_path / name
    source.write_text(textwrap.dedent(text), encoding="utf-8")
    out = tmp_path / "notes" / "notes.toml"
    code, stdout, err = run("import", str(source), "--out", str(out), *args)
    assert code == 0, err
    assert stdout == ""
    assert run("check", str(out))[0] == 0
    return out, err


# --- CSV / TSV -----------------------------------------------------------------


def test_csv_with_a_header_makes_cards_in_sections_by_deck_and_reports_tags_and_repeats(tmp_path: Path) -> None:
    out, err = import_file(
        tmp_path,
        "russia.csv",
        """\
        Deck,Back,Front,Tags
        Russia::Lenin,January 1924,When did Lenin die?,history dates
        Russia,"Stalin <b>&amp;</b> [co] *star*",Who said {{this}}?,
        ,extra note,"{{c2::Stalin}} became {{c1::General Secretary::post}} in 1922",
        Russia,a copy,when did Lenin die,
        """,
        "--id",
        "russia",
    )
    notes = notesforge.load(out)
    assert notes.meta.id == "russia" and notes.meta.title == "russia"
    # Rows without a deck first; a deck's own cards before its subdecks'. Of two cards asking one
    # question the later in the file goes (here the subdeck's), and its section with it.
    assert [(s.id, plain(s.title), s.depth) for s in notes.walk()] == [
        ("russia", "russia", 1),
        ("russia-2", "Russia", 1),
    ]
    cards = explicit_cards(notes)
    assert [type(c).__name__ for c in cards] == ["ClozeCard", "BasicCard", "BasicCard"]
    cloze, said, died = cards
    # Text stays literal: HTML, brackets, braces and asterisks are the characters typed.
    assert plain(said.question) == "Who said {{this}}?"
    assert plain(said.answer) == "Stalin <b>&amp;</b> [co] *star*"
    assert [(c.answer, c.hint, c.number) for c in cloze.text if type(c).__name__ == "Cloze"] == [
        ("Stalin", None, 1),
        ("General Secretary", "post", 2),
    ]
    assert plain(cloze.extra) == "extra note"
    assert (plain(died.question), plain(died.answer)) == ("when did Lenin die", "a copy")
    assert err.splitlines() == [
        f"imported {tmp_path / 'russia.csv'} (CSV): read 4 rows; made 2 sections, 0 bullets, 0 tables, 0 grids, "
        "0 events, 0 terms, 3 cards (2 basic, 1 cloze)",
        "  not mapped: tags (the notes format has no card tags): 1, e.g. 'history dates'",
        "  not mapped: cloze numbers renumbered (the notes number each mark in order): 1, "
        "e.g. '{{c2::Stalin}} became {{c1::General Secretary::post}} in 1922'",
        "  not mapped: a question another card asks already (left out): 1, e.g. 'When did Lenin die?'",
        f"wrote {out}; check it with: notesforge check {out}",
    ]


def test_tsv_without_a_header_reads_front_back_columns_and_writes_to_stdout(tmp_path: Path) -> None:
    source = tmp_path / "terms.tsv"
    source.write_text("NEP\tNew Economic Policy\nGOSPLAN\tthe planning agency\n", encoding="utf-8")
    code, out, err = run("import", str(source), "--out", "-")
    assert code == 0, err
    notes = notesforge.loads(out)
    assert [(plain(c.question), plain(c.answer)) for c in explicit_cards(notes)] == [
        ("NEP", "New Economic Policy"),
        ("GOSPLAN", "the planning agency"),
    ]
    assert out.startswith("# Imported from terms.tsv (TSV) by `notesforge import`.\n")
    assert "read 2 rows" in err


def test_import_refuses_to_overwrite_without_force_and_reports_bad_sources(tmp_path: Path) -> None:
    source = tmp_path / "q.csv"
    source.write_text("front,back\nq?,a\n", encoding="utf-8")
    out = tmp_path / "notes.toml"
    out.write_text("keep me", encoding="utf-8")
    code, _, err = run("import", str(source), "--out", str(out))
    assert code == 1 and "exists; use --force" in err
    assert out.read_text(encoding="utf-8") == "keep me"
    assert run("import", str(source), "--out", str(out), "--force")[0] == 0
    assert "q?" in out.read_text(encoding="utf-8")
    bad = tmp_path / "deck.xyz"
    bad.write_text("x", encoding="utf-8")
    code, _, err = run("import", str(bad), "--out", "-")
    assert code == 2 and "cannot import a '.xyz' file" in err and "Traceback" not in err
    code, _, err = run("import", str(source), "--out", "-", "--id", "Not A Slug")
    assert code == 2 and "is not a slug" in err


# --- GUIDs in the format -------------------------------------------------------

GUID_NOTES = """\
[notes]
id = "g"
title = "G"
language = "en"

[[section]]
id = "s"
title = "S"

[[section.block]]
type = "cards"
items = [
  { q = "Who?", a = "Lenin", guid = "Ab1&'x" },
  { cloze = "In [[1924]].", guid = "c2!" },
  { q = "Where?", a = "Moscow" },
]
"""


def test_a_kept_guid_is_the_anki_notes_guid_verbatim(tmp_path: Path) -> None:
    import genanki

    from notesforge.exporters.anki import build_notes

    notes = notesforge.loads(GUID_NOTES)
    who, when, where = (note.guid for note in build_notes(notes))
    assert (who, when) == ("Ab1&'x", "c2!")
    assert where == genanki.guid_for(next(c for c in generate(notes) if c.guid is None).key)
    card = json_schema()["$defs"]["basic-card"]["properties"]
    assert card["guid"]["type"] == "string"
    assert "guid" in json_schema()["$defs"]["cloze-card"]["properties"]


def test_a_guid_used_twice_is_a_located_error() -> None:
    text = GUID_NOTES.replace('guid = "c2!"', 'guid = "Ab1&\'x"')
    with pytest.raises(notesforge.NotesError) as exc:
        notesforge.loads(text, "g.toml")
    assert exc.value.render().splitlines()[0] == (
        'g.toml:14:36: error: duplicate guid "Ab1&\'x" (first used at line 13): one card per Anki note'
    )


# --- Markdown --------------------------------------------------------------------

SEED = Path(__file__).resolve().parents[1] / "source" / "notes.toml"


def markdown_round_trip(notes, tmp_path: Path, name: str = "notes.md"):
    """The notes' Markdown, imported back: (the Markdown, the imported notes, the report)."""
    from notesforge.exporters.markdown import to_markdown
    from notesforge.importers.markdown import read_text

    text = to_markdown(notes)
    imported = read_text(text, name, notes.meta.id, "fallback", tmp_path)
    return text, imported.notes, imported.report


def test_the_seeds_markdown_imports_back_to_the_same_notes(seed_notes, tmp_path: Path) -> None:
    from notesforge.exporters.markdown import to_markdown
    from notesforge.stats import stats

    text, notes, report = markdown_round_trip(seed_notes, tmp_path)
    assert to_markdown(notes) == text
    assert stats(notes) == stats(seed_notes)  # 7 sections, 41 bullets, 1 table, 18 terms, 89 cards
    assert notes.meta.title == seed_notes.meta.title and notes.meta.subtitle == seed_notes.meta.subtitle
    assert report.losses == {}
    # What every section shows, and the key facts its cloze cards ask (Markdown keeps no hints).
    for mine, theirs in zip(notes.walk(), seed_notes.walk(), strict=True):
        assert plain(mine.title) == plain(theirs.title)
    ours = {(c.kind, tuple(x.answer for x in clozes_of(c))) for c in generate(notes) if c.is_cloze}
    seeds = {(c.kind, tuple(x.answer for x in clozes_of(c))) for c in generate(seed_notes) if c.is_cloze}
    assert ours == seeds


def clozes_of(card):
    from notesforge.inline import clozes

    return clozes(card.question)


def test_markdown_makes_sections_cards_tables_and_grids_and_reports_what_it_cannot_hold(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "map.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 16)
    out, err = import_file(
        tmp_path,
        "ussr.md",
        """\
        # The USSR

        Intro with a [link](https://example.org) and `code`.

        ## Lenin

        - Lenin died in **1924**, aged ==53==.
        - Petrograd became {{c1::Leningrad::city}}.
          - a nested point
        - Plain <b>text</b> & stuff.

        ### Key terms

        - **NEP**: the New Economic Policy
        - **Kulaks**: wealthy peasants

        **Test yourself**

        - Who led the Red Army? — Trotsky ![](images/map.png)
        - **Stalin** was General Secretary — from 1922

        ## Tables

        **Stalin or Trotsky**

        | For Stalin | For Trotsky |
        | --- | --- |
        | **General Secretary** | Red Army |
        | Lenin's funeral | |

        | Plan | Aim |
        | --- | --- |
        | **First** | heavy industry |
        """,
    )
    notes = notesforge.load(out)
    assert notes.meta.title == "The USSR"
    assert [(plain(s.title), s.depth) for s in notes.walk()] == [
        ("The USSR", 1),
        ("Lenin", 1),
        ("Key terms", 2),
        ("Tables", 1),
    ]
    intro, lenin, terms, tables = notes.walk()
    assert plain(intro.blocks[0].text) == "Intro with a link and code."
    bullets = lenin.blocks[0].items
    assert [plain(b.text) for b in bullets] == [
        "Lenin died in 1924, aged 53.",
        "Petrograd became Leningrad.",
        "a nested point",  # after its parent
        "Plain <b>text</b> & stuff.",
    ]
    assert [(c.answer, c.hint) for b in bullets for c in clozes_of_rich(b.text)] == [
        ("1924", None),
        ("53", None),
        ("Leningrad", "city"),
    ]
    [glossary, cards] = terms.blocks
    assert [(plain(t.term), plain(t.definition)) for t in glossary.terms] == [
        ("NEP", "the New Economic Policy"),
        ("Kulaks", "wealthy peasants"),
    ]
    basic, cloze = cards.cards
    assert (plain(basic.question), plain(basic.answer), basic.image.name) == (
        "Who led the Red Army?",
        "Trotsky",
        "images/map.png",
    )
    assert (plain(cloze.text), plain(cloze.extra)) == ("Stalin was General Secretary", "from 1922")
    table, grid = tables.blocks
    assert (table.id, plain(table.caption)) == ("stalin-or-trotsky", "Stalin or Trotsky")
    assert [[plain(p.text) for p in c.points] for c in table.columns] == [
        ["General Secretary", "Lenin's funeral"],
        ["Red Army"],
    ]
    assert (plain(grid.corner), [plain(c) for c in grid.columns], plain(grid.rows[0].heading)) == (
        "Plan",
        ["Aim"],
        "First",
    )
    assert "  not mapped: links (their text kept): 1, e.g. 'https://example.org'" in err
    assert "  not mapped: inline code (kept as text): 1, e.g. 'code'" in err
    assert "  not mapped: nested lists (flattened): 1, e.g. 'list_item'" in err
    assert "  not mapped: inline HTML (kept as text): 2, e.g. '<b>'" in err


def shown(markdown: str) -> str:
    return re.sub(r"[ \t]+", " ", markdown)


def clozes_of_rich(rich):
    from notesforge.inline import clozes

    return clozes(rich)


@pytest.mark.slow
@settings(max_examples=60, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_notes_survive_markdown_export_and_import(doc: Doc) -> None:
    """The Markdown of generated notes, imported, gives notes whose Markdown is the same: every
    section, text, table, key fact and card shows as it did."""
    from notesforge.exporters.markdown import to_markdown
    from notesforge.importers.markdown import read_text

    notes = notesforge.loads(doc.toml, "gen.toml")
    text = to_markdown(notes)
    imported = read_text(text, "gen.md", notes.meta.id, "fallback")
    # A run of spaces and tabs shows as one space in Markdown, and the import keeps one.
    assert shown(to_markdown(imported.notes)) == shown(text)
    assert len(list(imported.notes.walk())) == len(list(notes.walk()))


# --- Anki decks notesforge made, imported back ---------------------------------------------


def questions(notes, reverse: bool = True) -> list[tuple[str, str, str]]:
    """Every question the notes ask, as a student sees it: prompt, front and back, in plain text."""
    return sorted(
        tuple(" ".join(text.split()) for text in (q.prompt, plain(q.front), plain(q.back)))
        for card in generate(notes)
        for i, q in enumerate(card.questions())
        if reverse or i == 0 or card.is_cloze
    )


def anki_round_trip(notes, tmp_path: Path):
    from notesforge.importers.anki import read

    [outcome] = notesforge.build(notes, ["anki"], tmp_path / "deck")
    assert outcome.ok, outcome.error
    return read(outcome.path, notes.meta.id)


def test_the_seeds_anki_deck_imports_back_asking_the_same_questions(seed_notes, tmp_path: Path) -> None:
    imported = anki_round_trip(seed_notes, tmp_path)
    assert questions(imported.notes) == questions(seed_notes)  # all 136, prompts and all
    # The sections in Anki's deck order (by name), as a student's deck list shows them.
    assert [plain(s.title) for s in imported.notes.walk()] == sorted(plain(s.title) for s in seed_notes.walk())
    cards = explicit_cards(imported.notes)
    assert len(cards) == 89 and len({c.guid for c in cards}) == 89
    assert sorted(imported.report.losses) == [
        "tags (the notes format has no card tags)",
        "the context line of a card (a table's caption): made again from the sections",
    ]


@pytest.mark.slow
@settings(max_examples=15, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_notes_survive_anki_export_and_import(doc: Doc) -> None:
    """Every card of generated notes, built into a deck and imported, asks what it asked: the same
    prompts, fronts and backs (a term's reverse, asked with its term masked, is the one exception:
    an explicit card's reverse shows its answer as it is)."""
    import tempfile

    from notesforge.importers import ImportFailed

    notes = notesforge.loads(doc.toml, "gen.toml")
    with tempfile.TemporaryDirectory() as work:
        if not questions(notes):  # a deck without notes: nothing to import
            with pytest.raises(ImportFailed, match="nothing to import"):
                anki_round_trip(notes, Path(work))
            return
        imported = anki_round_trip(notes, Path(work))
    assert questions(imported.notes, reverse=False) == questions(notes, reverse=False)
    assert len(questions(imported.notes)) == len(questions(notes))


def test_one_answer_twice_under_one_cloze_number_stays_one_deletion(tmp_path: Path) -> None:
    out, err = import_file(
        tmp_path,
        "nep.csv",
        """\
        front,back
        "{{c1::NEP}} ended in 1928; {{c1::nep}} had failed",
        "{{c1::Stalin}} and {{c1::Trotsky}}",
        """,
    )
    first, second = explicit_cards(notesforge.load(out))
    assert [c.answer for c in clozes_of_rich(first.text)] == ["NEP"]  # the second is text ...
    [card] = [c for c in generate(notesforge.load(out)) if c.item == first]
    assert [c.answer for c in clozes_of_rich(card.question)] == ["NEP", "nep"]  # ... blanked with it
    assert [(c.answer, c.number) for c in clozes_of_rich(second.text)] == [("Stalin", 1), ("Trotsky", 2)]
    assert "not mapped: cloze numbers renumbered (the notes number each mark in order): 1, e.g. " in err


# --- the writer ------------------------------------------------------------------


def rewritten(notes):
    """`notes` written as a notes file by the importers' writer, and read back."""
    from notesforge.importers.writer import render

    text = render(notes, "Written by a test.")
    return text, notesforge.loads(text, "rewritten.toml")


def test_the_writer_renders_the_seed_as_a_file_that_reads_back_as_the_same_notes(seed_notes) -> None:
    from notesforge.exporters.markdown import to_markdown
    from notesforge.importers.writer import render

    text, again = rewritten(seed_notes)
    assert text.startswith("# Written by a test.\n# Check it with `notesforge check`")
    assert again.meta == dataclasses.replace(seed_notes.meta, loc=again.meta.loc)
    assert questions(again) == questions(seed_notes)
    assert [c.key for c in generate(again)] == [c.key for c in generate(seed_notes)]  # ids kept
    assert to_markdown(again) == to_markdown(seed_notes)
    assert render(again, "Written by a test.") == text


@pytest.mark.slow
@settings(max_examples=40, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_the_writer_writes_generated_notes_back_exactly(doc: Doc) -> None:
    """Every block type, markup, hostile text, ids, dates, asks and switches survive the writer."""
    notes = notesforge.loads(doc.toml, "gen.toml")
    _, again = rewritten(notes)
    assert [(c.key, c.questions()) for c in generate(again)] == [(c.key, c.questions()) for c in generate(notes)]
    assert [(s.id, s.title, s.cards, s.depth) for s in again.walk()] == [
        (s.id, s.title, s.cards, s.depth) for s in notes.walk()
    ]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("deck.apkg", b"not a zip", "deck.apkg: not an Anki package (not a zip file)"),
        ("deck.apkg", "zip", "deck.apkg: not an Anki package (no collection.anki21b or collection.anki21 or"),
        ("deck.colpkg", "bad-db", "deck.colpkg: the collection in the package cannot be read"),
        ("deck.apkg", "bad-zstd", "deck.apkg: the package is damaged (ValueError: not zstd data"),
        ("notes.md", b"\xff\xfe# x", "notes.md: not UTF-8 (byte 0); save the file as UTF-8"),
        ("cards.csv", b"front,back\n", "cards.csv: nothing to import (no card, no text)"),
    ],
)
def test_sources_that_cannot_be_read_are_one_located_message_and_exit_2(
    tmp_path: Path, name: str, data: bytes | str, message: str
) -> None:
    import zipfile

    source = tmp_path / name
    if data == "zip":
        with zipfile.ZipFile(source, "w") as z:
            z.writestr("media", "{}")
    elif data in ("bad-db", "bad-zstd"):
        with zipfile.ZipFile(source, "w") as z:
            z.writestr("collection.anki2" if data == "bad-db" else "collection.anki21b", b"not sqlite at all" * 100)
    else:
        source.write_bytes(data)
    out = tmp_path / "notes.toml"
    code, stdout, err = run("import", str(source), "--out", str(out))
    assert code == 2, err
    assert err.startswith(f"{tmp_path}/{message}"), err  # like a located error: the file first
    assert "Traceback" not in err and stdout == "" and not out.exists()


def test_hostile_text_in_a_deck_stays_literal_through_import(hostile_notes, tmp_path: Path) -> None:
    """HTML, `&`, `{{Front}}`, `[sound:x]`, `[latex]`, `*` and backslashes in a deck's cards come back as
    the same literal text, each card asking what it asked."""
    imported = anki_round_trip(hostile_notes, tmp_path)
    assert questions(imported.notes, reverse=False) == questions(hostile_notes, reverse=False)
    assert len(questions(imported.notes)) == len(questions(hostile_notes))
    shown = " ".join(q for question in questions(imported.notes) for q in question)
    for raw in ("<th>", "x < y & y > z", "{{Front}}", "[sound:a.mp3]", "[latex]", "lone ** and a *single", "\\"):
        assert raw in shown, raw
    assert "MathJax" not in " ".join(imported.report.losses)  # notesforge's own guard is not MathJax
