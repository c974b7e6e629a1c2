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

from .diagnostics import Diagnostic
from .inline import clozes, normalise, plain
from .model import (
    BasicCard,
    BulletList,
    CardList,
    Cloze,
    ComparisonTable,
    Emphasis,
    Glossary,
    Image,
    Inline,
    Location,
    Notes,
    Rich,
    Section,
    Strong,
    Text,
    Timeline,
)


class CardKind(StrEnum):
    BASIC = "basic"  # an explicit question and answer
    CLOZE = "cloze"  # an explicit cloze card, or a bullet / table point with cloze marks
    TABLE = "table"  # a comparison-table point -> its column
    EVENT = "event"  # event -> date, date -> event
    TERM = "term"  # term -> definition, definition -> term


@dataclass(frozen=True, slots=True)
class Question:
    """One direction of a card, as a student is asked it."""

    prompt: str  # plain-text instruction, may be empty
    front: Rich
    back: Rich


@dataclass(frozen=True, slots=True)
class Card:
    key: str  # stable identity: notes id, section id, kind and an edit-proof key
    kind: CardKind
    section: Section
    front: Rich  # for cloze cards: the text with its Cloze nodes
    back: Rich  # for cloze cards: the extra note (may be empty)
    loc: Location
    prompt: str = ""
    reverse: bool = False  # also asked back -> front
    reverse_prompt: str = ""
    image: Image | None = None  # explicit cards: shown with the answer

    @property
    def is_cloze(self) -> bool:
        return self.kind is CardKind.CLOZE

    def questions(self) -> list[Question]:
        """Every question this card asks: one per direction, or one per cloze deletion."""
        if self.is_cloze:
            numbers = sorted({c.number for c in clozes(self.front)})
            return [Question(self.prompt, blank(self.front, n), answers(self.front, n)) for n in numbers]
        asked = [Question(self.prompt, self.front, self.back)]
        if self.reverse:
            asked.append(Question(self.reverse_prompt, self.back, self.front))
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
                key = f"{key}~{normalise(plain(card.front))}"
            n = 2
            while key in seen:
                key, n = f"{card.key}~{n}", n + 1
            seen.add(key)
            yield card if key == card.key else _with_key(card, key)


def _with_key(card: Card, key: str) -> Card:
    return dataclasses.replace(card, key=key)


def _section_cards(notes: Notes, section: Section) -> Iterator[Card]:
    base = f"{notes.meta.id}/{section.id}"
    for block in section.blocks:
        if isinstance(block, CardList):
            for c in block.cards:
                if isinstance(c, BasicCard):
                    key = f"{base}/card/{c.id or normalise(plain(c.question))}"
                    yield Card(
                        key, CardKind.BASIC, section, c.question, c.answer, c.loc, reverse=c.reverse, image=c.image
                    )
                else:
                    key = f"{base}/cloze/{c.id or _cloze_key(c)}"
                    yield Card(key, CardKind.CLOZE, section, c.text, c.extra or (), c.loc, image=c.image)
        elif not section.cards:
            continue
        elif isinstance(block, BulletList):
            for b in block.items:
                if clozes(b.text):
                    key = f"{base}/bullet/{b.id or _cloze_key(b)}"
                    yield Card(key, CardKind.CLOZE, section, b.text, (), b.loc)
        elif isinstance(block, ComparisonTable) and block.cards:
            yield from _table_cards(base, section, block)
        elif isinstance(block, Timeline) and block.cards:
            for e in block.events:
                key = f"{base}/event/{e.id or normalise(e.date)}"
                yield Card(
                    key,
                    CardKind.EVENT,
                    section,
                    unclozed(e.text),
                    (Text(e.date),),
                    e.loc,
                    prompt="When?",
                    reverse=True,
                    reverse_prompt="What happened?",
                )
        elif isinstance(block, Glossary) and block.cards:
            for t in block.terms:
                key = f"{base}/term/{t.id or normalise(plain(t.term))}"
                yield Card(
                    key,
                    CardKind.TERM,
                    section,
                    t.term,
                    t.definition,
                    t.loc,
                    prompt="Define the term.",
                    reverse=True,
                    reverse_prompt="Which key term is this?",
                )


def _table_cards(base: str, section: Section, table: ComparisonTable) -> Iterator[Card]:
    headings = [plain(c.heading) for c in table.columns]
    prompt = "Which column: " + _or_list(headings) + "?"
    for column in table.columns:
        for point in column.points:
            if clozes(point.text):
                key = f"{base}/{table.id}/point/{_cloze_key(point)}"
                yield Card(key, CardKind.CLOZE, section, point.text, (), point.loc)
            key = f"{base}/{table.id}/column/{normalise(plain(point.text))}"
            yield Card(key, CardKind.TABLE, section, unclozed(point.text), column.heading, point.loc, prompt=prompt)


def _or_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _cloze_key(item: object) -> str:
    # The deleted facts identify a cloze card better than its wording, which gets polished.
    text = getattr(item, "text")  # noqa: B009
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
