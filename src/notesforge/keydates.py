"""The key dates of the notes: the events, and every bullet and table point that carries a date."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .inline import plain
from .model import BulletList, CardList, ComparisonTable, Event, Glossary, Grid, Notes, Paragraph, Rich, Timeline
from .visitor import BlockVisitor

Dates = Iterator[Event]


def key_dates(notes: Notes, *, events: bool = True) -> list[Event]:
    """Every dated item as an event (a dated bullet is an event of its text), in date order: by the
    first year of its date, then its month; items without a year, and ties, in document order.

    `events=False` leaves out the events blocks, for a format that shows those where they stand.
    """
    dates = _Dates(events)
    found = [e for section in notes.walk() for block in section.blocks for e in dates.visit(block)]
    return sorted(found, key=_when)


_YEAR = re.compile(r"\b(\d{3,4})\b")
_MONTHS = {
    m: n
    for n, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        1,
    )
}


def _when(event: Event) -> tuple[int, int]:
    year = _YEAR.search(event.date)
    month = next((_MONTHS[w] for w in event.date.casefold().split() if w in _MONTHS), 0)
    return (int(year.group(1)) if year else 10_000, month)


def shown_date(date: str | None, text: Rich) -> str | None:
    """The date to print before an item's text: none when the text already starts with it."""
    if date and not plain(text).lstrip().startswith(date):
        return date
    return None


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
