"""Card generation, once, for every format that asks questions.

The Anki deck, the EPUB self-test and the printed flashcards all take their
cards from `generate()`. Each card has a key that survives edits of its text,
so a deck can update notes in place.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeAlias

from .diagnostics import Diagnostic
from .inline import clozes, normalise, plain
from .model import (
    BasicCard,
    Block,
    Bullet,
    BulletList,
    CardList,
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


# What a card asks about: a bullet, a table point, an event, a term or an explicit card.
Item: TypeAlias = "Bullet | Point | Event | Term | BasicCard | ClozeCard"


@dataclass(frozen=True, slots=True)
class Card:
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
    image: Image | None = None  # explicit cards: shown with the answer

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
                Question(self.prompt, blank(self.question, n), answers(self.question, n), self.extra, self.image)
                for n in numbers
            ]
        asked = [Question(self.prompt, self.question, self.answer, image=self.image)]
        if self.reverse:
            asked.append(Question(self.reverse_prompt, self.answer, self.question))
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
    return (Text(", ".join(c.answer for c in clozes(rich) if c.number == number)),)


def unclozed(rich: Rich) -> Rich:
    """Cloze marks as bold text, for cards that are not cloze cards."""

    def one(node: Inline) -> Inline:
        if isinstance(node, Cloze):
            return Strong((Text(node.answer),))
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
    for section in notes.walk():
        for card in _section_cards(notes, section):
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


def _section_cards(notes: Notes, section: Section) -> Iterator[Card]:
    maker = _CardMaker(f"{notes.meta.id}/{section.id}", section)
    for block in section.blocks:
        yield from maker.visit(block)


class _CardMaker(BlockVisitor[Iterator[Card]]):
    """The cards of one section's blocks. Explicit cards always; the others unless turned off."""

    __slots__ = ("base", "section")

    def __init__(self, base: str, section: Section):
        self.base = base
        self.section = section

    def visit_paragraph(self, block: Paragraph) -> Iterator[Card]:
        return iter(())

    def visit_cards(self, block: CardList) -> Iterator[Card]:
        base, section = self.base, self.section
        for c in block.cards:
            if isinstance(c, BasicCard):
                key = f"{base}/card/{c.id or normalise(plain(c.question))}"
                yield Card(
                    key, CardKind.BASIC, section, block, c, c.question, c.answer, reverse=c.reverse, image=c.image
                )
            else:
                key = f"{base}/cloze/{c.id or _cloze_key(c)}"
                yield Card(key, CardKind.CLOZE, section, block, c, c.text, (), c.extra or (), image=c.image)

    def visit_bullets(self, block: BulletList) -> Iterator[Card]:
        if not self.section.cards:
            return
        for b in block.items:
            if clozes(b.text):
                yield Card(
                    f"{self.base}/bullet/{b.id or _cloze_key(b)}", CardKind.CLOZE, self.section, block, b, b.text, ()
                )

    def visit_table(self, block: ComparisonTable) -> Iterator[Card]:
        if not (self.section.cards and block.cards):
            return
        base, section = f"{self.base}/{block.id}", self.section
        headings = [plain(c.heading) for c in block.columns]
        prompt = "Which column: " + _or_list(headings) + "?"
        for column in block.columns:
            for point in column.points:
                if clozes(point.text):
                    key = f"{base}/point/{_cloze_key(point)}"
                    yield Card(key, CardKind.CLOZE, section, block, point, point.text, ())
                key = f"{base}/column/{normalise(plain(point.text))}"
                text = unclozed(point.text)
                yield Card(key, CardKind.TABLE, section, block, point, text, column.heading, prompt=prompt)

    def visit_grid(self, block: Grid) -> Iterator[Card]:
        """`ask` "cells": row heading and column heading -> each non-empty cell; "blanks": a cloze card
        of each cell with cloze marks, its row and column heading before it."""
        if not (self.section.cards and block.cards):
            return
        base, section, extra = f"{self.base}/{block.id}", self.section, block.caption or ()
        for row in block.rows:
            for heading, cell in zip(block.columns, row.cells, strict=True):
                if not cell.text:
                    continue
                where = _cell_key(row.heading, heading)
                if "cells" in block.ask:
                    question = _cell_front(row.heading, heading, (Text("?"),))
                    answer = unclozed(cell.text)
                    yield Card(f"{base}/cell/{where}", CardKind.CELL, section, block, cell, question, answer, extra)
                if "blanks" in block.ask and clozes(cell.text):
                    question = _cell_front(row.heading, heading, (Text(": "), *cell.text))
                    yield Card(
                        f"{base}/blank/{_cloze_key(cell)}", CardKind.CLOZE, section, block, cell, question, (), extra
                    )

    def visit_events(self, block: Timeline) -> Iterator[Card]:
        if not (self.section.cards and block.cards):
            return
        for e in block.events:
            yield Card(
                f"{self.base}/event/{e.id or normalise(e.date)}",
                CardKind.EVENT,
                self.section,
                block,
                e,
                unclozed(e.text),
                (Text(e.date),),
                prompt="When?",
                reverse=True,
                reverse_prompt="What happened?",
            )

    def visit_terms(self, block: Glossary) -> Iterator[Card]:
        if not (self.section.cards and block.cards):
            return
        for t in block.terms:
            yield Card(
                f"{self.base}/term/{t.id or normalise(plain(t.term))}",
                CardKind.TERM,
                self.section,
                block,
                t,
                t.term,
                t.definition,
                prompt="Define the term.",
                reverse=True,
                reverse_prompt="Which key term is this?",
            )


def _or_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _cell_front(row: Rich, column: Rich, end: Rich) -> Rich:
    """A grid cell's question: its row heading, " — ", its column heading, then `end`."""
    return (*row, Text(" — "), *column, *end)


def _cell_key(row: Rich, column: Rich) -> str:
    return f"{normalise(plain(row))}/{normalise(plain(column))}"


def _cloze_key(item: Bullet | Point | ClozeCard) -> str:
    # The deleted facts identify a cloze card better than its wording, which gets polished.
    text = item.text
    return normalise(" ".join(c.answer for c in clozes(text))) or normalise(plain(text))


def front_key(question: Question) -> str:
    # The prompt is left out: the Anki deck shows it in a field of its own, and a front that two
    # notes share is a duplicate there whatever their prompts.
    return normalise(plain(question.front, lambda c: f"[{c.answer}]"))


def duplicate_fronts(notes: Notes) -> list[Diagnostic]:
    """A located error for every question asked twice (students could not tell them apart)."""
    first: dict[str, Location] = {}
    problems = []
    for card in generate(notes):
        for question in card.questions()[:1] if card.is_cloze else card.questions():
            key = front_key(question)
            if not key:
                continue
            if key in first:
                where = first[key]
                text = plain(question.front)
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
