"""Card generation, once, for every format that asks questions.

The Anki deck, the EPUB self-test and the printed flashcards all take their
cards from `generate()`. Each card has a key that survives edits of its text,
so a deck can update notes in place.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeAlias

from .diagnostics import Diagnostic
from .inline import clozes, normalise, plain
from .masking import STOPWORDS, acronym_expansions, guard_clozes, mask, words
from .model import (
    BasicCard,
    Block,
    Bullet,
    BulletList,
    CardList,
    Cell,
    Cloze,
    ClozeCard,
    ComparisonTable,
    Emphasis,
    Event,
    Glossary,
    Grid,
    Image,
    Inline,
    Location,
    Notes,
    Paragraph,
    Point,
    Rich,
    Section,
    Strong,
    Term,
    Text,
    Timeline,
)
from .visitor import BlockVisitor


class CardKind(StrEnum):
    BASIC = "basic"  # an explicit question and answer
    CLOZE = "cloze"  # an explicit cloze card, or a bullet / table point with cloze marks
    TABLE = "table"  # a comparison-table point -> its column
    EVENT = "event"  # event -> date, date -> event
    TERM = "term"  # term -> definition, definition -> term
    CELL = "cell"  # a grid's row and column -> its cell


@dataclass(frozen=True, slots=True)
class Question:
    """One direction of a card, as a student is asked it."""

    prompt: str  # plain-text instruction, may be empty
    front: Rich
    back: Rich
    extra: Rich = ()  # shown after the answer (an explicit cloze card's extra note)
    image: Image | None = None  # shown with the answer
    context: str = ""  # shown small above the front: the table a point comes from


# What a card asks about: a bullet, a table point, a grid cell, an event, a term or an explicit card.
Item: TypeAlias = "Bullet | Point | Cell | Event | Term | BasicCard | ClozeCard"


@dataclass(frozen=True, slots=True)
class Card:
    """A card of the notes: what it asks, from which item, and how (`questions()`)."""

    key: str  # stable identity: notes id, section id, kind and an edit-proof key
    kind: CardKind
    section: Section
    block: Block  # the block it was made from
    item: Item
    question: Rich  # for cloze cards: the text with its Cloze nodes
    answer: Rich  # for cloze cards: empty (each deletion is its own answer)
    extra: Rich = ()  # cloze cards: shown with every answer
    prompt: str = ""
    reverse: bool = False  # also asked answer -> question
    reverse_prompt: str = ""
    reverse_question: Rich = ()  # what the reverse question shows, when not the answer as it is (masked)
    image: Image | None = None  # explicit cards: shown with the answer
    context: str = ""  # shown small above the front: the table a point comes from
    guid: str | None = None  # explicit cards: the Anki note GUID written in the notes, kept verbatim

    @property
    def loc(self) -> Location:
        return self.item.loc

    @property
    def is_cloze(self) -> bool:
        return self.kind is CardKind.CLOZE

    @property
    def explicit(self) -> bool:
        """Written by the teacher in a `cards` block, not generated from the notes."""
        return isinstance(self.block, CardList)

    def questions(self) -> list[Question]:
        """Every question this card asks: one per direction, or one per cloze deletion.

        The image shows with every deletion's answer, or with the first direction's (the
        reverse question asks the answer, which the image may give away).
        """
        if self.is_cloze:
            numbers = sorted({c.number for c in clozes(self.question)})
            return [
                Question(
                    self.prompt,
                    blank(self.question, n),
                    answers(self.question, n),
                    self.extra,
                    self.image,
                    self.context,
                )
                for n in numbers
            ]
        asked = [Question(self.prompt, self.question, self.answer, image=self.image, context=self.context)]
        if self.reverse:
            front = self.reverse_question or self.answer
            asked.append(Question(self.reverse_prompt, front, self.question, context=self.context))
        return asked


def blank(rich: Rich, number: int, mark: str = "[…]") -> Rich:
    """`rich` with cloze `number` blanked (its hint shown) and the others filled in."""

    def one(node: Inline) -> Inline:
        if isinstance(node, Cloze):
            if node.number == number:
                return Strong((Text(f"[{node.hint}]" if node.hint else mark),))
            return Text(node.answer)
        if isinstance(node, Emphasis | Strong):
            return type(node)(tuple(one(c) for c in node.children))
        return node

    return tuple(one(n) for n in rich)


def answers(rich: Rich, number: int) -> Rich:
    """The answer of deletion `number`: its marks' answers, each once."""
    found = {c.answer.casefold(): c.answer for c in clozes(rich) if c.number == number}
    return (Text(", ".join(found.values())),)


def unclozed(rich: Rich) -> Rich:
    """Cloze marks as their answers in plain text, for cards that are not cloze cards.

    Not in bold: a bold word on one card marks it as the answer another card asks for.
    """

    def one(node: Inline) -> Inline:
        if isinstance(node, Cloze):
            return Text(node.answer)
        if isinstance(node, Emphasis | Strong):
            return type(node)(tuple(one(c) for c in node.children))
        return node

    return tuple(one(n) for n in rich)


def generate(notes: Notes) -> Iterator[Card]:
    """Every card of the notes, in document order, with unique keys.

    Computed once per `Notes` (the reader already needs them to check fronts).
    """
    cached = notes.derived.get("cards")
    if cached is None:
        cached = notes.derived["cards"] = tuple(_generate(notes))
    return iter(cached)


def _generate(notes: Notes) -> Iterator[Card]:
    seen: set[str] = set()
    ambiguous = ambiguous_dates(notes)
    for section in notes.walk():
        for card in _section_cards(notes, section, ambiguous):
            key = card.key
            if key in seen:  # two natural keys collide: fall back to the full text
                key = f"{key}~{normalise(plain(card.question))}"
            n = 2
            while key in seen:
                key, n = f"{card.key}~{n}", n + 1
            seen.add(key)
            yield card if key == card.key else _with_key(card, key)


def _with_key(card: Card, key: str) -> Card:
    return dataclasses.replace(card, key=key)


def _section_cards(notes: Notes, section: Section, ambiguous: frozenset[str]) -> Iterator[Card]:
    maker = _CardMaker(f"{notes.meta.id}/{section.id}", section, ambiguous)
    for block in section.blocks:
        yield from maker.visit(block)


def ambiguous_dates(notes: Notes) -> frozenset[str]:
    """Dates that do not name one event: another event has the same date, or a date within it.

    "What happened in 1917?" has two right answers beside an event of "October 1917" (both
    happened in 1917); "What happened in October 1917?" still has one.
    """
    dates = [words(e.date) for block in notes.blocks(Timeline) for e in block.events]
    # The dates holding every word of date i are the intersection of its words' sets of dates:
    # one pass over the words rather than a comparison of every pair of dates.
    having: dict[str, set[int]] = {}
    for i, d in enumerate(dates):
        for w in d:
            having.setdefault(w, set()).add(i)
    everyone = set(range(len(dates)))
    return frozenset(" ".join(d) for i, d in enumerate(dates) if everyone.intersection(*(having[w] for w in d)) - {i})


class _CardMaker(BlockVisitor[Iterator[Card]]):
    """The cards of one section's blocks. Explicit cards always; the others unless turned off."""

    __slots__ = ("ambiguous", "base", "section")

    def __init__(self, base: str, section: Section, ambiguous: frozenset[str] = frozenset()):
        self.base = base
        self.section = section
        self.ambiguous = ambiguous

    def visit_paragraph(self, block: Paragraph) -> Iterator[Card]:
        return iter(())

    def visit_cards(self, block: CardList) -> Iterator[Card]:
        base, section = self.base, self.section
        for c in block.cards:
            if isinstance(c, BasicCard):
                key = f"{base}/card/{c.id or normalise(plain(c.question))}"
                asking = asks(c.question)
                yield Card(
                    key,
                    CardKind.BASIC,
                    section,
                    block,
                    c,
                    c.question,
                    c.answer,
                    prompt=c.prompt or ("" if asking else WHO_OR_WHAT),
                    reverse=c.reverse,
                    reverse_prompt=c.reverse_prompt or (OTHER_WAY if asking else WHO_OR_WHAT),
                    image=c.image,
                    guid=c.guid,
                )
            else:
                key = f"{base}/cloze/{c.id or _cloze_key(c)}"
                text = guard_clozes(c.text)
                yield Card(key, CardKind.CLOZE, section, block, c, text, (), c.extra or (), image=c.image, guid=c.guid)

    def visit_bullets(self, block: BulletList) -> Iterator[Card]:
        if not self.section.cards:
            return
        for b in block.items:
            if clozes(b.text):
                key = f"{self.base}/bullet/{b.id or _cloze_key(b)}"
                yield Card(key, CardKind.CLOZE, self.section, block, b, guard_clozes(b.text), ())
            if b.date:  # most bullets have none: no key to make
                yield from self._dated(block, b, f"{self.base}/bullet-date/{b.id or normalise(plain(b.text))}")

    def _dated(self, block: BulletList | ComparisonTable, item: Bullet | Point, key: str) -> Iterator[Card]:
        """A dated bullet or point is asked its date once: by its own blank when the date stands in
        its text (a "When?" card would show it), else by a "When?" card."""
        date = item.date
        if date and not set(words(date)) & set(words(plain(item.text))):
            text = unclozed(item.text)
            yield Card(key, CardKind.EVENT, self.section, block, item, text, (Text(date),), prompt="When?")

    def visit_table(self, block: ComparisonTable) -> Iterator[Card]:
        """A cloze card per point with cloze marks, its column heading before it ("Factors in favour
        of Trotsky: He led the […]"), and a "which column?" card per point with the column's own
        subject masked (a point that names Stalin does not ask whether it is about Stalin)."""
        if not (self.section.cards and block.cards):
            return
        base, section = f"{self.base}/{block.id}", self.section
        context = _caption(block, section)
        headings = [plain(c.heading) for c in block.columns]
        prompt = "Which column: " + _or_list(headings) + "?"
        for column, subject in zip(block.columns, _subjects(headings), strict=True):
            for point in column.points:
                if "blanks" in block.ask and clozes(point.text):
                    key = f"{base}/point/{_cloze_key(point)}"
                    text = guard_clozes((*column.heading, Text(": "), *point.text))
                    yield Card(key, CardKind.CLOZE, section, block, point, text, (), context=context)
                if "columns" in block.ask:
                    key = f"{base}/column/{normalise(plain(point.text))}"
                    text = mask(unclozed(point.text), subject)
                    heading = column.heading
                    yield Card(
                        key, CardKind.TABLE, section, block, point, text, heading, prompt=prompt, context=context
                    )
                if point.date:
                    yield from self._dated(block, point, f"{base}/point-date/{normalise(plain(point.text))}")

    def visit_grid(self, block: Grid) -> Iterator[Card]:
        """`ask` "cells": row heading and column heading -> each non-empty cell; "blanks": a cloze card
        of each cell with cloze marks, its row and column heading before it."""
        if not (self.section.cards and block.cards):
            return
        base, section = f"{self.base}/{block.id}", self.section
        context = _caption(block, section)
        for row in block.rows:
            for heading, cell in zip(block.columns, row.cells, strict=True):
                if not cell.text:
                    continue
                where = _cell_key(row.heading, heading)
                if "cells" in block.ask:
                    question = _cell_front(row.heading, heading, (Text("?"),))
                    answer = unclozed(cell.text)
                    key = f"{base}/cell/{where}"
                    yield Card(key, CardKind.CELL, section, block, cell, question, answer, context=context)
                if "blanks" in block.ask and clozes(cell.text):
                    question = guard_clozes(_cell_front(row.heading, heading, (Text(": "), *cell.text)))
                    key = f"{base}/blank/{_cloze_key(cell)}"
                    yield Card(key, CardKind.CLOZE, section, block, cell, question, (), context=context)

    def visit_events(self, block: Timeline) -> Iterator[Card]:
        """Event -> date ("When?") and date -> event ("What happened?"), as `ask` says; date -> event
        only where the date names this event alone."""
        if not (self.section.cards and block.cards):
            return
        for e in block.events:
            ask = e.ask or block.ask
            key = f"{self.base}/event/{e.id or normalise(e.date)}"
            named = " ".join(words(e.date)) not in self.ambiguous
            text, date = unclozed(e.text), (Text(e.date),)
            if ask == "event":  # only date -> event
                if named:
                    yield Card(key, CardKind.EVENT, self.section, block, e, date, text, prompt=WHAT_HAPPENED)
                continue
            yield Card(
                key,
                CardKind.EVENT,
                self.section,
                block,
                e,
                text,
                date,
                prompt="When?",
                reverse=ask == "both" and named,
                reverse_prompt=WHAT_HAPPENED,
            )

    def visit_terms(self, block: Glossary) -> Iterator[Card]:
        """Term -> definition ("Define the term.") and definition -> term ("Which key term is this?"),
        as `ask` says; the definition asked for its term does not show the term."""
        if not (self.section.cards and block.cards):
            return
        for t in block.terms:
            ask = t.ask or block.ask
            key = f"{self.base}/term/{t.id or normalise(plain(t.term))}"
            masked = _masked_definition(t)
            if ask == "term":  # only definition -> term
                question = masked or t.definition
                yield Card(key, CardKind.TERM, self.section, block, t, question, t.term, prompt=WHICH_TERM)
                continue
            yield Card(
                key,
                CardKind.TERM,
                self.section,
                block,
                t,
                t.term,
                t.definition,
                prompt="Define the term.",
                reverse=ask == "both",
                reverse_prompt=WHICH_TERM,
                reverse_question=masked,
            )


WHAT_HAPPENED = "What happened?"
WHICH_TERM = "Which key term is this?"
# Prompts for explicit cards whose front does not ask anything by itself.
WHO_OR_WHAT = "Who or what is this?"
OTHER_WAY = "Which question has this answer?"
# Fronts that start with one of these ask already: "Give one right ...", "Name two ...".
_INSTRUCTION_WORDS = """give name list state explain describe define outline identify suggest compare complete
fill translate write say why how what when where which who whom whose is are was were did do does can"""
_INSTRUCTIONS = frozenset(_INSTRUCTION_WORDS.split())


def asks(front: Rich) -> bool:
    """Whether a front asks something by itself: a question, an instruction, a blank."""
    text = plain(front).strip().rstrip("\"'’”»)").strip()
    first = words(text)[:1]
    return text.endswith("?") or bool(clozes(front)) or (bool(first) and first[0] in _INSTRUCTIONS)


def _caption(block: ComparisonTable | Grid, section: Section) -> str:
    """A table's caption as its cards' context, unless the section's title already says it."""
    caption = plain(block.caption).strip() if block.caption else ""
    return "" if normalise(caption) == normalise(plain(section.title)) else caption


def _subjects(headings: list[str]) -> list[set[str]]:
    """For each column heading, the words no other heading has: what it is about ("Stalin")."""
    found = []
    for i, heading in enumerate(headings):
        others = {w for j, h in enumerate(headings) if j != i for w in words(h)}
        found.append({w for w in words(heading) if w not in others and w not in STOPWORDS})
    return found


def _masked_definition(term: Term) -> Rich:
    """The definition as "which key term is this?" shows it: without the term, its parts, its
    content words or, for an acronym, the words it stands for ("The […]: Lenin's temporary ...")."""
    name = plain(term.term)
    parts = [p.strip() for p in re.split(r"[/,;]| or ", name) if p.strip()]
    # Its words one by one too ("Show Trials" in "public trials"), but not numbers or short words,
    # which would blank "Term 1"'s definition "Definition number 1" into another's.
    phrases = [*parts, *(w for p in parts for w in words(p) if w not in STOPWORDS and len(w) > 2 and not w.isdigit())]
    phrases += [x for p in parts for x in acronym_expansions(p, plain(term.definition))]
    masked = mask(term.definition, phrases)
    return masked if masked != term.definition else ()


def _or_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _cell_front(row: Rich, column: Rich, end: Rich) -> Rich:
    """A grid cell's question: its row heading, " — ", its column heading, then `end`."""
    return (*row, Text(" — "), *column, *end)


def _cell_key(row: Rich, column: Rich) -> str:
    return f"{normalise(plain(row))}/{normalise(plain(column))}"


def _cloze_key(item: Bullet | Point | Cell | ClozeCard) -> str:
    # The deleted facts identify a cloze card better than its wording, which gets polished.
    text = item.text
    return normalise(" ".join(c.answer for c in clozes(text))) or normalise(plain(text))


def front_key(question: Question) -> str:
    # The prompt is left out: the Anki deck shows it in a field of its own, and a front that two
    # notes share is a duplicate there whatever their prompts.
    return _front_key(question.front)


def _front_key(front: Rich) -> str:
    return normalise(plain(front, _bracketed))


def _bracketed(cloze: Cloze) -> str:
    return f"[{cloze.answer}]"


def duplicate_fronts(notes: Notes) -> list[Diagnostic]:
    """A located error for every question asked twice (students could not tell them apart).

    Computed once per `Notes`, like the cards (the reader checks, and so does the Anki exporter
    for notes made in code)."""
    cached = notes.derived.get("duplicate_fronts")
    if cached is None:
        cached = notes.derived["duplicate_fronts"] = tuple(_duplicate_fronts(notes))
    return list(cached)


def _fronts(card: Card) -> list[Rich]:
    """The fronts `duplicate_fronts` compares: the first question's of a cloze card, else each
    direction's -- `card.questions()`'s fronts, without making every question of the card."""
    if card.is_cloze:
        numbers = [c.number for c in clozes(card.question)]
        return [blank(card.question, min(numbers))] if numbers else []
    return [card.question, card.reverse_question or card.answer] if card.reverse else [card.question]


def _duplicate_fronts(notes: Notes) -> list[Diagnostic]:
    first: dict[str, Location] = {}
    problems = []
    for card in generate(notes):
        for front in _fronts(card):
            key = _front_key(front)
            if not key:
                continue
            if key in first:
                where = first[key]
                text = plain(front)
                short = text if len(text) <= 60 else text[:57] + "..."
                problems.append(
                    Diagnostic(
                        card.loc,
                        f"two cards ask the same question {short!r} (first at line {where.line}); "
                        "reword one, or turn off generated cards with 'cards = false'",
                    )
                )
            else:
                first[key] = card.loc
    return problems
