"""The reader, driven by fixtures: each invalid source lists the exact diagnostics it must produce."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from support.common import GRID

import notesforge
from notesforge import inline
from notesforge.alltext import all_text
from notesforge.cards import generate
from notesforge.diagnostics import NotesError
from notesforge.keydates import key_dates
from notesforge.model import BulletList, ComparisonTable, Glossary, Grid
from notesforge.stats import stats

FIXTURES = Path(__file__).parent / "fixtures"
INVALID = sorted((FIXTURES / "invalid").glob("*.toml"))
VALID = sorted((FIXTURES / "valid").glob("*.toml"))


@pytest.mark.parametrize("source", INVALID, ids=lambda p: p.stem)
def test_invalid_source_reports_exactly_the_expected_diagnostics(source: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(source.parent)
    expected = source.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    with pytest.raises(NotesError) as caught:
        notesforge.load(source.name)
    assert [d.headline() for d in caught.value.diagnostics] == expected


@pytest.mark.parametrize("source", VALID, ids=lambda p: p.stem)
def test_valid_source_loads_with_expected_shape(source: Path) -> None:
    notes = notesforge.load(source)
    expected = dict(
        line.split(" ", 1) if " " in line else (line, "")
        for line in source.with_suffix(".expected").read_text().splitlines()
    )
    assert str(sum(1 for _ in notes.walk())) == expected["sections"]
    kinds = sorted(f"{kind}:{n}" for kind, n in _count_kinds(notes).items())
    assert " ".join(kinds) == expected["cards"]


def _count_kinds(notes: notesforge.Notes) -> dict[str, int]:
    counts: dict[str, int] = {}
    for card in generate(notes):
        counts[card.kind] = counts.get(card.kind, 0) + 1
    return counts


def test_every_diagnostic_shows_the_source_line_with_a_caret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "invalid")
    with pytest.raises(NotesError) as caught:
        notesforge.load("misspelt.toml")
    rendered = caught.value.render().splitlines()
    i = rendered.index("misspelt.toml:3:1: error: unknown key 'titel' in [notes]; did you mean 'title'?")
    assert rendered[i + 1] == '    3 | titel = "Typo"'
    assert rendered[i + 2] == "      | ^"
    assert rendered[-1] == "4 errors"


def test_missing_file_and_folder_are_one_clear_error_each(tmp_path: Path) -> None:
    with pytest.raises(NotesError) as missing:
        notesforge.load(tmp_path / "nope.toml")
    assert [d.headline() for d in missing.value.diagnostics] == [f"{tmp_path / 'nope.toml'}: error: no such file"]
    (tmp_path / "notes.toml").write_text("", encoding="utf-8")
    with pytest.raises(NotesError) as folder:
        notesforge.load(tmp_path)
    [diagnostic] = folder.value.diagnostics
    assert "is a folder, not a notes file (did you mean" in diagnostic.message


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    source = (FIXTURES / "valid" / "minimal.toml").read_bytes()
    bom = tmp_path / "bom.toml"
    bom.write_bytes(b"\xef\xbb\xbf" + source)
    assert notesforge.load(bom).meta.id == "minimal"


def test_seed_holds_every_line_of_the_teachers_notes(seed_notes: notesforge.Notes) -> None:
    """Each bullet of the seed document, compared word by word (typo fixes are listed in the notes)."""
    seed = Path(__file__).resolve().parents[1].parent / "shared" / "seeds" / "000_99d07d390d7d2d21.txt"
    if not seed.exists():
        pytest.skip(f"the seed document is not beside the project ({seed})")
    text = " ".join(t for _, t in all_text(seed_notes, cards=False))  # the notes, not the cards
    words = set(inline.normalise(text).split("-"))
    fixed = {"s", "ranged", "pled"}  # "s series" -> "a series", "ranged" -> "range"; "pled" kept
    missing = []
    for line in seed.read_text(encoding="utf-8").splitlines():
        for word in inline.normalise(line).split("-"):
            if word and word not in words and word not in fixed:
                missing.append(word)
    assert not missing, f"seed words missing from source/notes.toml: {sorted(set(missing))}"


def test_seed_has_the_structures_the_notes_need(seed_notes: notesforge.Notes) -> None:
    counts = stats(seed_notes)
    assert (counts.sections, counts.tables, counts.events, counts.terms) == (7, 1, 0, 18)
    # The key dates are typed once, on the bullets and the table point they date (no events block).
    assert [(e.date, " ".join(inline.plain(e.text).split()[:4])) for e in key_dates(seed_notes)] == [
        ("1917", "He only committed to"),
        ("October 1917", "Trotsky had carried out"),  # a table point
        ("January 1924", "Lenin died in January"),
        ("1929", "Lenin had never intended"),
        ("1931–33", "Opposition caused a famine"),
        ("1934", "The Purges of the"),
        ("1936", "1936 – Constitution SEEMED"),
    ]
    [table] = [b for s in seed_notes.walk() for b in s.blocks if isinstance(b, ComparisonTable)]
    assert [inline.plain(c.heading) for c in table.columns] == [
        "Factors in favour of Stalin",
        "Factors in favour of Trotsky",
    ]
    assert [len(c.points) for c in table.columns] == [4, 4]
    terms = {
        inline.plain(t.term).lower()
        for s in seed_notes.walk()
        for b in s.blocks
        if isinstance(b, Glossary)
        for t in b.terms
    }
    for needed in ["kulaks", "collectivisation", "gosplan", "stakhanovites", "nep", "command economy", "show trials"]:
        assert any(needed in term for term in terms), needed


def test_every_seed_bullet_is_covered_by_a_card(seed_notes: notesforge.Notes) -> None:
    bullet_locs = {
        b.loc for s in seed_notes.walk() for blk in s.blocks if isinstance(blk, BulletList) for b in blk.items
    }
    card_locs = {c.loc for c in generate(seed_notes)}
    assert bullet_locs and bullet_locs <= card_locs


def test_source_epoch_follows_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1234567890")
    assert notesforge.load(FIXTURES / "valid" / "minimal.toml").source.epoch == 1234567890
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    path = FIXTURES / "valid" / "minimal.toml"
    assert notesforge.load(path).source.epoch == int(path.stat().st_mtime)


def test_model_is_frozen(seed_notes: notesforge.Notes) -> None:
    with pytest.raises(AttributeError):
        seed_notes.meta.title = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        seed_notes.settings["pdf"] = {}  # type: ignore[index]


def test_nodes_carry_their_source_lines(seed_notes: notesforge.Notes) -> None:
    lines = Path(seed_notes.source.path).read_text(encoding="utf-8").splitlines()
    for section in seed_notes.walk():
        assert lines[section.loc.line - 1].strip() == "[[section]]"
        for block in section.blocks:
            if isinstance(block, BulletList):
                for bullet in block.items:
                    assert inline.unparse(bullet.text)[:20] in lines[bullet.loc.line - 1].replace("\\\\", "\\")


def test_a_huge_source_is_refused_before_it_is_read(tmp_path: Path) -> None:
    from notesforge.reader import MAX_SOURCE_BYTES

    huge = tmp_path / "huge.toml"
    with huge.open("wb") as handle:  # sparse: 100 MB on paper, nothing on disk
        handle.truncate(100 * 1024 * 1024)
    with pytest.raises(NotesError) as caught:
        notesforge.load(huge)
    [diagnostic] = caught.value.diagnostics
    assert diagnostic.headline() == (
        f"{huge}: error: the file is 104,857,600 bytes; notes files are limited to {MAX_SOURCE_BYTES:,} bytes "
        "(split the notes into several files)"
    )


def test_diagnostics_never_print_control_or_bidi_characters_raw(tmp_path: Path) -> None:
    source = tmp_path / "bidi.toml"
    source.write_text('[notes]\nid = "x"\ntitel = "\u202eevil\u202c"\n', encoding="utf-8")
    with pytest.raises(NotesError) as caught:
        notesforge.load(source)
    rendered = caught.value.render()
    assert "\u202e" not in rendered and "\\u202e" in rendered


# --- grids ---------------------------------------------------------------------------


def test_a_grid_is_read_row_by_row_with_its_empty_cells() -> None:
    notes = notesforge.load(GRID)
    lines = GRID.read_text(encoding="utf-8").splitlines()
    plans, people, quiet = notes.blocks(Grid)
    assert (plans.id, inline.plain(plans.caption), inline.plain(plans.corner)) == (
        "five-year-plans",
        "The Five-Year Plans",
        "Plan",
    )
    assert [inline.plain(h) for h in plans.columns] == ["Aims", "Results"]
    assert plans.ask == ("cells", "blanks") and plans.cards
    assert [inline.plain(r.heading) for r in plans.rows] == [
        "First Five-Year Plan (1928–32)",
        "Second Five-Year Plan (1933–37)",
        "Third Five-Year Plan (1938–41)",
    ]
    second = plans.rows[1]
    assert [inline.plain(c.text) for c in second.cells] == ["Heavy industry, transport", ""]
    assert second.cells[1].text == ()  # written "" : an empty cell, not a missing one
    assert [c.answer for c in inline.clozes(plans.rows[0].cells[1].text)] == ["doubled"]
    # Rows and cells carry their lines: a [[section.block.rows]] header, an inline row.
    assert lines[second.loc.line - 1] == "[[section.block.rows]]"
    assert 'cells = ["Heavy industry, **transport**", ""]' in lines[second.cells[1].loc.line - 1]
    assert lines[people.rows[1].loc.line - 1].strip().startswith('{ heading = "GOSPLAN"')
    # Defaults: no caption or corner, cells asked.
    assert (people.caption, people.corner, people.ask) == (None, None, ("cells",))
    assert not quiet.cards and [inline.plain(c.text) for c in quiet.rows[0].cells] == ["a", "", "c"]


def test_grids_are_counted_and_their_text_is_located() -> None:
    notes = notesforge.load(GRID)
    counts = stats(notes)
    assert counts.grids == 3 and counts.tables == 0
    assert " 0 tables, 3 grids, 0 events, " in counts.line()
    texts = {text: loc.line for loc, text in all_text(notes)}
    lines = GRID.read_text(encoding="utf-8").splitlines()
    assert "Plan" in texts and "Results" in texts and "The Five-Year Plans" in texts
    assert "Output of coal and steel [[doubled]]" in lines[texts["Output of coal and steel doubled"] - 1]
    assert "" not in texts  # empty cells hold no text


def test_two_rows_with_one_heading_ask_the_same_question() -> None:
    source = GRID.read_text(encoding="utf-8").replace(
        'heading = "Third Five-Year Plan (1938–41)"', 'heading = "First Five-Year Plan (1928–32)"'
    )
    with pytest.raises(NotesError) as caught:
        notesforge.loads(source, "grid.toml")
    lines = source.splitlines()
    first = next(i for i, text in enumerate(lines, 1) if text.startswith('cells = ["Heavy industry: [[coal'))
    line = lines.index('cells = ["[[Rearmament|what?]]", "Cut short by the German invasion of [[1941]]"]') + 1
    assert [d.headline() for d in caught.value.diagnostics] == [
        f"grid.toml:{line}:{col}: error: two cards ask the same question "
        f"'First Five-Year Plan (1928–32) — {column}?' (first at line {first}); "
        "reword one, or turn off generated cards with 'cards = false'"
        for col, column in ((10, "Aims"), (34, "Results"))
    ]


# Each syntax hint, followed to the letter, mends its fixture: (what the hint says, the edit it asks for).
HINTS_FOLLOWED = {
    "syntax": ("join the lines", ('"unterminated\n', '"unterminated"\n')),
    "syntax-quote": ('write it as \\"', ('"Socialism in One Country"', '\\"Socialism in One Country\\"')),
    "syntax-quote-inline": ('write it as \\"', ('"Socialism in One Country"', '\\"Socialism in One Country\\"')),
    "syntax-apostrophe-array": ('double quotes "..."', ("'Lenin's death'", '"Lenin\'s death"')),
    "syntax-apostrophe": ('double quotes "..."', ("'Lenin's death'", '"Lenin\'s death"')),
    "syntax-inline-table": ("join its lines", (',\n    a = "Trotsky" }', ', a = "Trotsky" }')),
    "syntax-trailing-comma": ("remove the comma", ('"Trotsky", }', '"Trotsky" }')),
    "syntax-header": ("[[section]]", ("[[section]\n", "[[section]]\n")),
    "syntax-table-header": ("[notes]", ("[notes\n", "[notes]\n")),
    "syntax-equals": ("write key = value", ('title "T"', 'title = "T"')),
    "syntax-table-twice": ("merge the two", ('"T"\n\n[notes]\n', '"T"\n')),
    "syntax-backslash": ("\\\\* for a literal *", ("\\*", "\\\\*")),
    "syntax-bare-text": ('put text in quotes: "..."', ("The death of Lenin", '"The death of Lenin"')),
    "syntax-curly": ("straight quotes", ("“The death of Lenin”", '"The death of Lenin"')),
    "syntax-array": ("separate its items with commas", ('"one" "two"', '"one", "two"')),
    "syntax-date": ("YYYY-MM-DD", ("2024-02-30", "2024-02-29")),
    "syntax-after-value": ("a line of its own", ('"S" as written', '"S"')),
    "syntax-no-value": ("give the key a value", ("subtitle =", 'subtitle = "S"')),
    "syntax-inline-duplicate": ("keep one of the two", (', q = "Who?" }', " }")),
    "syntax-unterminated": ("end it with the quote it starts with", ('"""T', '"""T"""')),
    "nul-raw": ("remove this invisible control character", ("\0", "")),
    "duplicate-key": ("keep one of the two", ('id = "b"\n', "")),
}


def test_every_syntax_fixture_has_a_hint_and_following_it_mends_the_file() -> None:
    syntax_fixtures = {p.stem for p in INVALID if "TOML syntax" in p.with_suffix(".expected").read_text("utf-8")}
    assert syntax_fixtures == set(HINTS_FOLLOWED)
    for stem, (hint, (old, new)) in HINTS_FOLLOWED.items():
        text = (FIXTURES / "invalid" / f"{stem}.toml").read_text(encoding="utf-8")
        with pytest.raises(NotesError) as caught:
            notesforge.loads(text, f"{stem}.toml")
        [diagnostic] = caught.value.diagnostics
        assert hint in diagnostic.message.partition("; ")[2], stem
        assert old in text, stem
        tomllib.loads(text.replace(old, new, 1))  # raises if the hint did not mend it
