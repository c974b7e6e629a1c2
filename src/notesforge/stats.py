"""Counts of what the notes hold, for `notesforge check` and closing reports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .cards import generate
from .model import BulletList, CardList, ComparisonTable, Glossary, Grid, Notes, Paragraph, Timeline
from .visitor import BlockVisitor


@dataclass(frozen=True, slots=True)
class Stats:
    """How much the notes hold: sections, bullets, tables and the cards of each kind."""

    sections: int
    bullets: int
    tables: int
    events: int
    terms: int
    cards: int
    by_kind: dict[str, int]
    grids: int = 0

    def line(self) -> str:
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.by_kind.items()))
        return (
            f"{self.sections} sections, {self.bullets} bullets, {self.tables} tables, {self.grids} grids, "
            f"{self.events} events, {self.terms} terms, {self.cards} cards ({kinds})"
        )


def stats(notes: Notes) -> Stats:
    counts: Counter[str] = Counter()
    counter = _Count(counts)
    sections = 0
    for section in notes.walk():
        sections += 1
        for block in section.blocks:
            counter.visit(block)
    cards = list(generate(notes))
    return Stats(
        sections=sections,
        bullets=counts["bullets"],
        tables=counts["tables"],
        events=counts["events"],
        terms=counts["terms"],
        cards=len(cards),
        by_kind=dict(Counter(str(c.kind) for c in cards)),
        grids=counts["grids"],
    )


class _Count(BlockVisitor[None]):
    """Adds each block's items to the count of their kind; paragraphs and explicit cards are not counted."""

    __slots__ = ("counts",)

    def __init__(self, counts: Counter[str]):
        self.counts = counts

    def visit_paragraph(self, block: Paragraph) -> None:
        pass

    def visit_bullets(self, block: BulletList) -> None:
        self.counts["bullets"] += len(block.items)

    def visit_table(self, block: ComparisonTable) -> None:
        self.counts["tables"] += 1

    def visit_grid(self, block: Grid) -> None:
        self.counts["grids"] += 1

    def visit_events(self, block: Timeline) -> None:
        self.counts["events"] += len(block.events)

    def visit_terms(self, block: Glossary) -> None:
        self.counts["terms"] += len(block.terms)

    def visit_cards(self, block: CardList) -> None:
        pass  # counted as cards, with the generated ones
