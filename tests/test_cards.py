"""Card generation in the model layer: kinds, stable keys, questions."""

from __future__ import annotations

from pathlib import Path

import notesforge
from notesforge import inline
from notesforge.cards import CardKind, front_key, generate
from notesforge.model import ComparisonTable, Text

MINI = """
[notes]
id = "mini"
title = "Mini"
language = "en"

[[section]]
id = "s"
title = "S"

[[section.block]]
type = "bullets"
items = ["Lenin died in [[January 1924]] aged [[53|age]].", "No cloze here."]

[[section.block]]
type = "table"
id = "who"

[[section.block.columns]]
heading = "Stalin"
points = ["General Secretary"]

[[section.block.columns]]
heading = "Trotsky"
points = ["Led the [[Red Army]]"]

[[section.block]]
type = "events"
items = [{ date = "1934", text = "Kirov murdered" }]

[[section.block]]
type = "terms"
cards = false
items = [{ term = "NEP", definition = "New Economic Policy" }]

[[section.block]]
type = "cards"
items = [
  { q = "Who led the Red Army?", a = "Trotsky", reverse = true },
  { id = "renamed", cloze = "Petrograd became [[Leningrad]]." },
]
"""


def load(text: str) -> notesforge.Notes:
    return notesforge.loads(text, "mini.toml")


def test_kinds_and_questions() -> None:
    cards = list(generate(load(MINI)))
    kinds = [c.kind for c in cards]
    assert kinds == [
        CardKind.CLOZE,  # the bullet with cloze marks; the other bullet has none
        CardKind.TABLE,
        CardKind.CLOZE,  # the table point with a cloze mark
        CardKind.TABLE,
        CardKind.EVENT,  # terms have cards = false
        CardKind.BASIC,
        CardKind.CLOZE,
    ]
    bullet = cards[0]
    questions = bullet.questions()
    assert [inline.plain(q.front) for q in questions] == [
        "Lenin died in […] aged 53.",
        "Lenin died in January 1924 aged [age].",
    ]
    assert [inline.plain(q.back) for q in questions] == ["January 1924", "53"]
    table_card = cards[1]
    assert table_card.prompt == "Which column: Stalin or Trotsky?"
    assert inline.plain(table_card.answer) == "Stalin"
    event = cards[4]
    assert [(q.prompt, inline.plain(q.front), inline.plain(q.back)) for q in event.questions()] == [
        ("When?", "Kirov murdered", "1934"),
        ("What happened?", "1934", "Kirov murdered"),
    ]
    assert len(cards[5].questions()) == 2  # reverse = true


def test_keys_survive_edits_of_answers_and_wording() -> None:
    before = {c.key for c in generate(load(MINI))}
    edited = (
        MINI.replace('a = "Trotsky"', 'a = "Leon Trotsky"')
        .replace("Lenin died in", "Lenin, exhausted, died in")
        .replace("Kirov murdered", "Sergei Kirov is murdered")
        .replace("Petrograd became", "The city of Petrograd was renamed")
    )
    after = {c.key for c in generate(load(edited))}
    assert before == after
    assert "mini/s/card/who-led-the-red-army" in before
    assert "mini/s/cloze/renamed" in before
    assert "mini/s/event/1934" in before


def test_section_switch_turns_off_generated_cards_but_not_explicit_ones() -> None:
    notes = load(MINI.replace('title = "S"', 'title = "S"\ncards = false'))
    assert [c.kind for c in generate(notes)] == [CardKind.BASIC, CardKind.CLOZE]


def test_seed_cards_have_unique_keys_and_fronts(seed_notes: notesforge.Notes) -> None:
    cards = list(generate(seed_notes))
    assert len({c.key for c in cards}) == len(cards)
    assert all(c.key.startswith("stalin-ussr-1924-41/") for c in cards)
    # No grid; and each dated bullet or point names its date in its text, so its own blank asks it
    # (a "When?" card would show the answer): no event cards.
    kinds = [c.kind for c in cards]
    assert {kind: kinds.count(kind) for kind in CardKind} == {
        CardKind.CLOZE: 50,
        CardKind.BASIC: 13,
        CardKind.TABLE: 8,
        CardKind.EVENT: 0,
        CardKind.TERM: 18,
        CardKind.CELL: 0,
    }
    fronts = [front_key(q) for c in cards for q in (c.questions()[:1] if c.is_cloze else c.questions())]
    assert len(fronts) == len(set(fronts))


def test_seed_table_cards_name_their_column_and_hide_its_subject(seed_notes: notesforge.Notes) -> None:
    cards = [c for c in generate(seed_notes) if isinstance(c.block, ComparisonTable)]
    assert [c.kind for c in cards] == [CardKind.CLOZE, CardKind.TABLE] * 8  # each point: its blanks, its column
    assert {c.context for c in cards} == {"Stalin or Trotsky: who would succeed Lenin?"}  # the caption
    red_army = next(c for c in cards if c.is_cloze and "Red Army" in inline.plain(c.question))
    assert [(inline.plain(q.front), inline.plain(q.back), q.context) for q in red_army.questions()] == [
        ("Factors in favour of Trotsky: He led the […] to victory in the Civil War.", "Red Army", red_army.context),
        ("Factors in favour of Trotsky: He led the Red Army to victory in the […].", "Civil War", red_army.context),
    ]
    loyal = next(c for c in cards if c.kind is CardKind.TABLE and "ALWAYS" in inline.plain(c.question))
    [question] = loyal.questions()
    assert question.prompt == "Which column: Factors in favour of Stalin or Factors in favour of Trotsky?"
    front = "[…] had ALWAYS been loyal to Lenin and the Bolsheviks. He even altered photographs to show how close he"
    assert inline.plain(question.front) == front + " was to Lenin."  # "Stalin" masked; "loyal" not bold here
    assert all(isinstance(node, Text) for node in question.front)
    assert inline.plain(question.back) == "Factors in favour of Stalin"


def test_generation_is_deterministic() -> None:
    path = Path(__file__).parent / "fixtures" / "valid" / "nested.toml"
    assert [c.key for c in generate(notesforge.load(path))] == [c.key for c in generate(notesforge.load(path))]


# --- grids ---------------------------------------------------------------------------

GRID = """
[notes]
id = "g"
title = "G"
language = "en"

[[section]]
id = "s"
title = "S"

[[section.block]]
type = "grid"
id = "plans"
caption = "The *Five-Year* Plans"
columns = ["Aims", "Results"]

[[section.block.rows]]
heading = "First Five-Year Plan (1928–32)"
cells = ["Heavy industry: [[coal, iron, steel]]", "Output of coal and steel doubled"]

[[section.block.rows]]
heading = "Second Five-Year Plan (1933–37)"
cells = ["Heavy industry, transport", ""]
"""


def test_a_grid_asks_each_non_empty_cell_by_its_row_and_column() -> None:
    cards = list(generate(load(GRID)))
    assert [c.kind for c in cards] == [CardKind.CELL] * 3  # the empty cell asks nothing
    first = cards[0]
    assert inline.plain(first.question) == "First Five-Year Plan (1928–32) — Aims?"
    assert inline.plain(first.answer) == "Heavy industry: coal, iron, steel"
    assert not inline.clozes(first.answer)  # a cloze mark is a bold fact here, not a blank
    assert first.prompt == "" and not first.reverse
    assert first.context == "The Five-Year Plans" and first.extra == ()  # the caption, shown above the front
    assert first.item is first.block.rows[0].cells[0]
    assert [c.key for c in cards] == [
        "g/s/plans/cell/first-five-year-plan-1928-32/aims",
        "g/s/plans/cell/first-five-year-plan-1928-32/results",
        "g/s/plans/cell/second-five-year-plan-1933-37/aims",
    ]
    [question] = cards[1].questions()
    assert inline.plain(question.front) == "First Five-Year Plan (1928–32) — Results?"
    assert inline.plain(question.back) == "Output of coal and steel doubled"
    assert question.context == "The Five-Year Plans" and question.extra == ()


def test_a_grid_cell_keeps_its_card_when_its_text_is_edited() -> None:
    before = [c.key for c in generate(load(GRID))]
    after = [c.key for c in generate(load(GRID.replace("coal and steel doubled", "coal and steel more than doubled")))]
    assert before == after


def test_blanks_make_cloze_cards_of_the_cells_with_cloze_marks() -> None:
    cards = list(generate(load(GRID.replace('columns = ["Aims"', 'ask = ["blanks"]\ncolumns = ["Aims"'))))
    [cloze] = cards
    assert cloze.kind is CardKind.CLOZE and cloze.key == "g/s/plans/blank/coal-iron-steel"
    [question] = cloze.questions()
    assert inline.plain(question.front) == "First Five-Year Plan (1928–32) — Aims: Heavy industry: […]"
    assert inline.plain(question.back) == "coal, iron, steel"
    both = list(generate(load(GRID.replace('columns = ["Aims"', 'ask = ["cells", "blanks"]\ncolumns = ["Aims"'))))
    assert [c.kind for c in both] == [CardKind.CELL, CardKind.CLOZE, CardKind.CELL, CardKind.CELL]


def test_a_grid_without_cards_makes_none() -> None:
    assert list(generate(load(GRID.replace('id = "plans"', 'id = "plans"\ncards = false')))) == []
    assert list(generate(load(GRID.replace('title = "S"', 'title = "S"\ncards = false')))) == []
