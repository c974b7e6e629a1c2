"""The PDF outline (bookmarks): headings that mark their own place, for every printed format.

A viewer's bookmarks pane lists the outline; an entry leads to a named destination. An
`OutlineHeading` is a paragraph that, when drawn, sets its destination at its top, adds its
outline entry and records its page (for the contents' page numbers, `document.PageRef`).
`mark(canv, entry, top)` does the same from any flowable that draws (a flashcard sheet marks
the first card of each section). The document shows the outline pane on opening once an entry
exists (`NotesDocTemplate.build`).

Outline levels may rise by one at a time only: `levels` gives each of a list of sections its
level, a subsection one below its section when that section is in the outline too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.platypus import Flowable

from ...model import Notes, Section
from .paragraph import Paragraph

MAX_HEADING_HEIGHT = 300  # points; no real heading is this tall


@dataclass(frozen=True, slots=True)
class Entry:
    """A heading in the outline (and, in the booklet, the contents and the page references)."""

    key: str  # named destination and page-reference key
    number: str  # "1", "1.2", or "" for unnumbered headings
    title: str  # plain text (outline)
    markup: str  # Paragraph markup (escaped)
    level: int  # 0 for top level


def mark(canv: Any, entry: Entry, top: float) -> None:
    """The destination of `entry` at `top` above the current origin, its outline entry and its page."""
    doc = canv._doctemplate
    canv.bookmarkHorizontal(entry.key, 0, top)
    canv.addOutlineEntry(entry.title, entry.key, level=entry.level + doc.outline_shift, closed=False)
    doc.record_page(entry.key)
    doc.has_outline = True


class OutlineHeading(Paragraph):
    """A heading paragraph that marks its own place in the outline when drawn."""

    def __init__(self, entry: Entry, style: Any, markup: str | None = None) -> None:
        super().__init__(entry.markup if markup is None else markup, style)
        self.entry = entry

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        # A heading moves to the next page whole, unless it is too long for any page (pasted text):
        # then an anchor keeps its bookmark and the text flows on like a paragraph.
        if getattr(self, "height", 0) <= MAX_HEADING_HEIGHT:
            return []
        text = Paragraph(self.text, self.style)
        text.wrap(avail_width, avail_height)
        parts = text.split(avail_width, avail_height)
        return [Anchor(self.entry), *parts] if parts else []

    def draw(self) -> None:
        mark(self.canv, self.entry, self.height + self.style.spaceBefore)
        super().draw()


class Anchor(Flowable):
    """The outline mark of a heading that had to be split over pages."""

    def __init__(self, entry: Entry) -> None:
        super().__init__()
        self.entry = entry

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        mark(self.canv, self.entry, 0)


def levels(notes: Notes, sections: Sequence[Section]) -> dict[str, int]:
    """Section id -> outline level, for `sections` in the order they are marked: 0, or one below
    the level of the section's parent when the parent came earlier."""
    parent = {sub.id: section.id for section in notes.walk() for sub in section.sections}
    found: dict[str, int] = {}
    for section in sections:
        above = parent.get(section.id)
        found[section.id] = found[above] + 1 if above in found else 0
    return found
