"""Counts of what the notes hold, for `notesforge check` and closing reports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .cards import generate
from .model import BulletList, CardList, ComparisonTable, Glossary, Notes, Timeline


@dataclass(frozen=True, slots=True)
class Stats:
    sections: int
    bullets: int
    tables: int
    events: int
    terms: int
    explicit_cards: int
    cards: int
    by_kind: dict[str, int]

    def line(self) -> str:
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.by_kind.items()))
        return (
            f"{self.sections} sections, {self.bullets} bullets, {self.tables} tables, "
            f"{self.events} events, {self.terms} terms, {self.cards} cards ({kinds})"
        )


def stats(notes: Notes) -> Stats:
    blocks = [block for section in notes.walk() for block in section.blocks]

    def count(kind: type, attr: str) -> int:
        return sum(len(getattr(b, attr)) for b in blocks if isinstance(b, kind))

    cards = list(generate(notes))
    return Stats(
        sections=sum(1 for _ in notes.walk()),
        bullets=count(BulletList, "items"),
        tables=sum(isinstance(b, ComparisonTable) for b in blocks),
        events=count(Timeline, "events"),
        terms=count(Glossary, "terms"),
        explicit_cards=count(CardList, "cards"),
        cards=len(cards),
        by_kind=dict(Counter(str(c.kind) for c in cards)),
    )
