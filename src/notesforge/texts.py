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
    Location,
    Notes,
    Paragraph,
    Timeline,
)


def note_texts(notes: Notes, *, cards: bool = True) -> Iterator[tuple[Location, str]]:
    """Every piece of text of the notes as plain text, with where it was written.

    Exporters check it (e.g. for characters no font can draw); `cards=False` leaves out the
    explicit cards, for the content of the notes alone.
    """
    meta = notes.meta
    where = meta.loc or Location(notes.source.path, 0, 0)
    yield from ((where, t) for t in (meta.title, meta.subtitle, meta.course, meta.author) if t)
    for section in notes.walk():
        yield section.loc, plain(section.title)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                yield block.loc, plain(block.text)
            elif isinstance(block, BulletList):
                yield from ((b.loc, plain(b.text)) for b in block.items)
            elif isinstance(block, ComparisonTable):
                if block.caption:
                    yield block.loc, plain(block.caption)
                for column in block.columns:
                    yield column.loc, plain(column.heading)
                    yield from ((p.loc, plain(p.text)) for p in column.points)
            elif isinstance(block, Timeline):
                for event in block.events:
                    yield event.loc, event.date + " " + plain(event.text)
            elif isinstance(block, Glossary):
                for term in block.terms:
                    yield term.loc, plain(term.term) + " " + plain(term.definition)
            elif isinstance(block, CardList) and cards:
                for card in block.cards:
                    parts = (card.question, card.answer) if isinstance(card, BasicCard) else (card.text, card.extra)
                    yield card.loc, " ".join(plain(p) for p in parts if p)
