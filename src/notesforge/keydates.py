"""The key dates of the notes: the events, and every bullet and table point that carries a date."""

from __future__ import annotations

from collections.abc import Iterator

from .model import BulletList, CardList, ComparisonTable, Event, Glossary, Grid, Notes, Paragraph, Timeline
from .visitor import BlockVisitor

Dates = Iterator[Event]


def key_dates(notes: Notes, *, events: bool = True) -> list[Event]:
    """Every dated item in document order, as events (a dated bullet is an event of its text).

    `events=False` leaves out the events blocks, for a format that shows those where they stand.
    """
    dates = _Dates(events)
    return [e for section in notes.walk() for block in section.blocks for e in dates.visit(block)]


class _Dates(BlockVisitor[Dates]):
    __slots__ = ("events",)

    def __init__(self, events: bool):
        self.events = events

    def visit_paragraph(self, block: Paragraph) -> Dates:
        return iter(())

    def visit_bullets(self, block: BulletList) -> Dates:
        return (Event(b.date, b.text, b.id, b.loc) for b in block.items if b.date)

    def visit_table(self, block: ComparisonTable) -> Dates:
        return (Event(p.date, p.text, None, p.loc) for c in block.columns for p in c.points if p.date)

    def visit_grid(self, block: Grid) -> Dates:
        return iter(())

    def visit_events(self, block: Timeline) -> Dates:
        return iter(block.events if self.events else ())

    def visit_terms(self, block: Glossary) -> Dates:
        return iter(())

    def visit_cards(self, block: CardList) -> Dates:
        return iter(())
