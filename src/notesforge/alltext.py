"""All the text of the notes, item by item, with its source location."""

from __future__ import annotations

from collections.abc import Iterator

from .inline import plain
from .model import (
    BasicCard,
    BulletList,
    CardList,
    ComparisonTable,
    Glossary,
    Grid,
    Location,
    Notes,
    Paragraph,
    Timeline,
)
from .visitor import BlockVisitor

Located = Iterator[tuple[Location, str]]


def all_text(notes: Notes, *, cards: bool = True) -> Located:
    """Every piece of text of the notes as plain text, with where it was written.

    Exporters check it (e.g. for characters no font can draw); `cards=False` leaves out the
    explicit cards, for the content of the notes alone.
    """
    meta = notes.meta
    where = meta.loc or Location(notes.source.path, 0, 0)
    yield from ((where, t) for t in (meta.title, meta.subtitle, meta.course, meta.author) if t)
    texts = _BlockText(cards)
    for section in notes.walk():
        yield section.loc, plain(section.title)
        for block in section.blocks:
            yield from texts.visit(block)


class _BlockText(BlockVisitor[Located]):
    __slots__ = ("cards",)

    def __init__(self, cards: bool):
        self.cards = cards

    def visit_paragraph(self, block: Paragraph) -> Located:
        yield block.loc, plain(block.text)

    def visit_bullets(self, block: BulletList) -> Located:
        return ((b.loc, _dated(b.date, plain(b.text))) for b in block.items)

    def visit_table(self, block: ComparisonTable) -> Located:
        if block.caption:
            yield block.loc, plain(block.caption)
        for column in block.columns:
            yield column.loc, plain(column.heading)
            yield from ((p.loc, _dated(p.date, plain(p.text))) for p in column.points)

    def visit_grid(self, block: Grid) -> Located:
        for heading in (block.caption, block.corner, *block.columns):
            if heading:
                yield block.loc, plain(heading)
        for row in block.rows:
            yield row.loc, plain(row.heading)
            yield from ((c.loc, plain(c.text)) for c in row.cells if c.text)

    def visit_events(self, block: Timeline) -> Located:
        return ((e.loc, e.date + " " + plain(e.text)) for e in block.events)

    def visit_terms(self, block: Glossary) -> Located:
        return ((t.loc, plain(t.term) + " " + plain(t.definition)) for t in block.terms)

    def visit_cards(self, block: CardList) -> Located:
        if not self.cards:
            return
        for card in block.cards:
            parts = (card.question, card.answer) if isinstance(card, BasicCard) else (card.text, card.extra)
            yield card.loc, " ".join(plain(p) for p in parts if p)


def _dated(date: str | None, text: str) -> str:
    """A bullet's or a point's text after its date, as an event's."""
    return f"{date} {text}" if date else text
