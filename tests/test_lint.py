"""The card linter and what the cards do to avoid its warnings: masking, prompts, unambiguous dates."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from support.common import SEED

import notesforge
from notesforge.cards import WHO_OR_WHAT, CardKind, generate
from notesforge.cli import cli
from notesforge.inline import parse, plain, unparse
from notesforge.lint import lint
from notesforge.masking import acronym_expansions, guard_clozes, mask

FIXTURES = Path(__file__).parent / "fixtures" / "lint"


@pytest.mark.parametrize("source", sorted(FIXTURES.glob("*.toml")), ids=lambda p: p.stem)
def test_the_linter_says_exactly_what_the_fixture_expects(source: Path) -> None:
    """Each fixture lists its warnings, one headline a line (regenerate by hand when a message changes)."""
    relative = source.relative_to(Path.cwd()) if source.is_relative_to(Path.cwd()) else source
    shown = [d.headline().replace(str(relative), "SOURCE") for d in lint(notesforge.load(relative))]
    expected = source.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert shown == [line.replace(str(relative), "SOURCE") for line in expected]


def test_check_prints_the_warnings_and_strict_makes_them_errors(tmp_path: Path) -> None:
    source = FIXTURES / "cards.toml"
    result = CliRunner().invoke(cli, ["check", str(source)])
    assert result.exit_code == 0, result.output
    assert "warning: the answer shows on its own front" in result.stderr
    assert '   21 |   { q = "Which army did Trotsky build, the Red Army?"' in result.stderr
    assert "8 warnings" in result.stdout
    strict = CliRunner().invoke(cli, ["check", "--strict", str(source)])
    assert strict.exit_code == 2
    assert "error: the answer shows on its own front" in strict.stderr and "8 errors" in strict.stderr


def test_cards_lists_every_question_with_its_line_without_building(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["cards", str(FIXTURES / "cards.toml"), "--kind", "event"])
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert [row[1:] for row in rows] == [
        ["event", "When? Trotsky joins the Bolsheviks", "1917"],
        ["event", "When? The Bolsheviks seize power", "October 1917"],
        ["event", "What happened? October 1917", "The Bolsheviks seize power"],
    ]
    assert rows[0][0].endswith("cards.toml:33:3")


# --- masking -----------------------------------------------------------------------------------


def test_an_answer_written_twice_in_its_sentence_is_blanked_twice() -> None:
    guarded = guard_clozes(parse("[[NEP]] ended in 1929; Stalin thought NEP’s results poor and [[nep]] dead."))
    assert unparse(guarded) == "[[NEP]] ended in 1929; Stalin thought [[NEP’s]] results poor and [[nep]] dead."
    assert {c.number for c in guarded if hasattr(c, "number")} == {1}


def test_masking_takes_whole_words_and_the_longest_phrase_first() -> None:
    rich = parse("The New Economic Policy: *Stalin’s* plan, not Stalingrad.")
    masked = mask(rich, ["Stalin", "New Economic Policy", "Policy"])
    assert plain(masked) == "The […]: […] plan, not Stalingrad."
    assert acronym_expansions("NEP", "the New Economic Policy of Lenin") == ["New Economic Policy"]
    assert acronym_expansions("USSR", "the Union of Soviet Socialist Republics") == [
        "Union of Soviet Socialist Republics"
    ]
    assert acronym_expansions("Purges", "anything") == []


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        ("kelvin", "the \u212aelvin scale"),  # the Kelvin sign matches k
        ("less", "a le\u017f\u017f known view"),  # the long s matches s
        ("Istanbul", "\u0130stanbul fell"),  # dotted capital I matches i
        ("Stalin’s purges", "STALIN’S  PURGES began"),
        ("Lenin", "Lenin’s plan"),
        ("Москва", "в Москве и Москва"),
        ("nep", "the N.E.P. and NEP"),
    ],
)
def test_the_quick_test_before_a_phrase_search_never_hides_a_match(phrase: str, text: str) -> None:
    # The search compiles a pattern only for texts that pass a substring test on a folded copy;
    # it must find exactly what the pattern finds on its own, case-folding oddities included.
    from notesforge.masking import _Phrase, _phrase_pattern, contains_phrase

    pattern = _phrase_pattern(phrase)
    assert pattern.search(text) is not None
    assert _Phrase.of(phrase).may_be_in(text)
    assert contains_phrase(text, phrase)
    assert _Phrase.of(phrase).sub("[…]", text) == pattern.sub("[…]", text)
    assert not contains_phrase("nothing alike here", phrase)


# --- the seed's cards --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_questions():
    notes = notesforge.load(SEED)
    return [(card, q) for card in generate(notes) for q in card.questions()]


def test_no_seed_card_shows_its_answer_on_its_front(seed_questions) -> None:
    from notesforge.masking import content_stems

    for card, q in seed_questions:
        answer = content_stems(plain(q.back))
        front = content_stems(plain(q.front))
        assert not (answer and answer <= front), (card.loc, plain(q.front), plain(q.back))
        if card.kind is CardKind.TERM and q.prompt == "Which key term is this?":  # the term is not in its definition
            assert not answer & front, q


def test_every_seed_front_asks(seed_questions) -> None:
    from notesforge.cards import asks

    for card, q in seed_questions:
        assert q.prompt or asks(q.front) or card.is_cloze, (card.loc, plain(q.front))  # a blank asks


def test_table_cards_keep_their_meaning(seed_questions) -> None:
    table = [(c, q) for c, q in seed_questions if c.context]
    assert table and all(c.context == "Stalin or Trotsky: who would succeed Lenin?" for c, _ in table)
    fronts = [plain(q.front) for c, q in table if c.kind is CardKind.CLOZE]
    assert "Factors in favour of Trotsky: He led the […] to victory in the Civil War." in fronts
    columns = {plain(q.front)[:40]: plain(q.back) for c, q in table if c.kind is CardKind.TABLE}
    assert columns["[…] had ALWAYS been loyal to Lenin and t"] == "Factors in favour of Stalin"


def test_a_date_that_does_not_name_one_event_is_not_asked_date_first() -> None:
    notes = notesforge.load(FIXTURES / "cards.toml")
    events = [c for c in generate(notes) if c.kind is CardKind.EVENT]
    assert [(plain(c.answer), c.reverse) for c in events] == [("1917", False), ("October 1917", True)]


def test_an_explicit_front_that_asks_nothing_gets_a_prompt_both_ways() -> None:
    notes = notesforge.load(FIXTURES / "cards.toml")
    [kirov] = [c for c in generate(notes) if plain(c.answer) == "Kirov"]
    assert [(q.prompt, plain(q.front)) for q in kirov.questions()] == [
        (WHO_OR_WHAT, "Leader of the Leningrad Party, murdered in 1934"),
        (WHO_OR_WHAT, "Kirov"),
    ]


ASKED = """\
[notes]
id = "ask"
title = "Ask"
language = "en-GB"

[[section]]
id = "s"
title = "S"

[[section.block]]
type = "table"
id = "rivals"
ask = ["blanks"]

[[section.block.columns]]
heading = "Stalin"
points = ["Held the post of [[General Secretary]]."]

[[section.block.columns]]
heading = "Trotsky"
points = ["Led the [[Red Army]]."]

[[section.block]]
type = "events"
ask = "date"
items = [{ date = "1924", text = "Lenin dies" }, { date = "1929", text = "NEP ends", ask = "both" }]

[[section.block]]
type = "terms"
ask = "term"
items = [{ term = "Kulaks", definition = "Richer peasants" }]

[[section.block]]
type = "cards"
items = [
  { q = "Kirov", a = "Leningrad Party leader", reverse = true, prompt = "Who was he?", reverse_prompt = "Name him." },
]
"""


def test_ask_chooses_the_questions_of_each_kind() -> None:
    notes = notesforge.loads(ASKED, "ask.toml")
    shown = [(c.kind.value, q.prompt, plain(q.front), plain(q.back)) for c in generate(notes) for q in c.questions()]
    assert shown == [
        ("cloze", "", "Stalin: Held the post of […].", "General Secretary"),
        ("cloze", "", "Trotsky: Led the […].", "Red Army"),
        ("event", "When?", "Lenin dies", "1924"),
        ("event", "When?", "NEP ends", "1929"),
        ("event", "What happened?", "1929", "NEP ends"),
        ("term", "Which key term is this?", "Richer peasants", "Kulaks"),
        ("basic", "Who was he?", "Kirov", "Leningrad Party leader"),
        ("basic", "Name him.", "Leningrad Party leader", "Kirov"),
    ]
