"""Drawn timelines: the dates right-aligned in a column, an axis, a marker per event, the events.

Both PDFs that draw one take it from here; they share the date column (`date_column_width`),
the paragraphs (`event_paragraphs`) and the marker (`_marker_pen`), and lay them out two ways:

- `timeline_flowables` (the booklet): a `TimelineEvent` flowable per event, so a long
  timeline breaks between events and a long event goes on over the break. Each event
  draws its stretch of a grey axis; consecutive stretches meet, the first and last
  events cap it.
- `timeline_table` (the knowledge organiser's key dates): a compact two-column
  `TimelineTable` whose rule between the columns is the axis, in the accent colour.

All vector graphics and Paragraph text (the text layer keeps dates and events).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getAscent, stringWidth
from reportlab.platypus import Flowable, Table

from ...model import Event, Timeline
from . import fonts
from .markup import escape_text, para_text
from .paragraph import Paragraph
from .styles import ACCENT, ACCENT_LIGHT, RULE, Styles

# --- what both layouts share ------------------------------------------------------


def date_column_width(
    dates: Iterable[str], size: float, width: float, *, padding: float, max_share: float, minimum: float = 0
) -> float:
    """The widest of `dates` in bold at `size`, plus `padding`; at least `minimum`, at most `max_share` of `width`."""
    widest = max((stringWidth(date, fonts.BOLD, size) for date in dates), default=0)
    return min(max(widest + padding, minimum), width * max_share)


def event_paragraphs(
    events: Sequence[Event], date_style: ParagraphStyle, text_style: ParagraphStyle
) -> list[tuple[Paragraph, Paragraph]]:
    """(date, text) Paragraphs of each event, in the notes' order."""
    return [(Paragraph(escape_text(e.date), date_style), Paragraph(para_text(e.text), text_style)) for e in events]


def _marker_pen(canv: Any, line_width: float) -> None:
    """Set the canvas up for markers: an accent ring, filled light."""
    canv.setStrokeColor(ACCENT)
    canv.setFillColor(ACCENT_LIGHT)
    canv.setLineWidth(line_width)


# --- the booklet: a flowable per event --------------------------------------------

MIN_DATE_WIDTH = 16 * mm
MAX_DATE_SHARE = 0.4  # of the frame width: a longer date wraps
GUTTER = 5 * mm  # between the date column and the axis, and between the axis and the text
MARKER = 3.4  # marker radius, points
GAP = 8  # vertical space after each event, points


class TimelineEvent(Flowable):
    """One event of a vertical timeline (`first`/`last` cap the axis)."""

    def __init__(
        self, date: Paragraph | None, text: Paragraph, first: bool, last: bool, date_width: float, marker: bool = True
    ) -> None:
        super().__init__()
        self.date, self.text, self.first, self.last = date, text, first, last
        self.date_width = date_width
        self.marker = marker  # False on the continuation of an event split over a page break
        self.keepWithNext = 0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        text_x = self.date_width + 2 * GUTTER
        _, dh = self.date.wrap(self.date_width, avail_height) if self.date else (0, 0)
        _, th = self.text.wrap(avail_width - text_x, avail_height)
        self.content_height = max(dh, th)
        self.height = self.content_height + (0 if self.last else GAP)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        """An event too long for the page goes on over the break: date and marker stay on the first part."""
        # The first part is not the last, so it carries the gap below it: leave room for that.
        parts = self.text.split(avail_width - (self.date_width + 2 * GUTTER), avail_height - GAP)
        if len(parts) < 2:
            return []
        head = TimelineEvent(self.date, parts[0], self.first, False, self.date_width, self.marker)
        tail = TimelineEvent(None, parts[1], False, self.last, self.date_width, marker=False)
        return [head, tail]

    def draw(self) -> None:
        canv = self.canv
        top = self.height
        axis_x = self.date_width + GUTTER
        # The marker sits on the middle of the first line of the text.
        size = self.text.style.fontSize
        marker_y = top - getAscent(self.text.style.fontName, size) + size * 0.3
        canv.saveState()
        canv.setStrokeColor(RULE)
        canv.setLineWidth(1.6)
        canv.setLineCap(0)
        canv.line(axis_x, marker_y if self.first else top, axis_x, marker_y if self.last else 0)
        if self.marker:
            _marker_pen(canv, 1.4)
            canv.circle(axis_x, marker_y, MARKER, stroke=1, fill=1)
        canv.restoreState()
        if self.date:
            self.date.drawOn(canv, 0, top - self.date.height)
        self.text.drawOn(canv, axis_x + GUTTER, top - self.text.height)


def timeline_flowables(block: Timeline, styles: Styles, width: float) -> list[Flowable]:
    """The flowables of a timeline block, in the notes' order, for a frame `width` points wide.

    The date column is as wide as the longest date (within limits), so dates stay on one line.
    """
    date_style = ParagraphStyle(
        "timeline-date", parent=styles.body, fontName=fonts.BOLD, textColor=ACCENT, alignment=TA_RIGHT, spaceAfter=0
    )
    text_style = ParagraphStyle("timeline-text", parent=styles.body, spaceAfter=0)
    last = len(block.events) - 1
    printed = (fonts.printable(e.date) for e in block.events)
    date_width = date_column_width(
        printed, date_style.fontSize, width, padding=2, minimum=MIN_DATE_WIDTH, max_share=MAX_DATE_SHARE
    )
    return [
        TimelineEvent(date, text, first=i == 0, last=i == last, date_width=date_width)
        for i, (date, text) in enumerate(event_paragraphs(block.events, date_style, text_style))
    ]


# --- the organiser: a compact table -----------------------------------------------


class TimelineTable(Table):
    """A two-column table whose rule between the columns is the axis, with a marker per row."""

    marker_drop = 6.0  # from the top of a row to the middle of its first line

    def draw(self) -> None:
        super().draw()
        canv = self.canv
        x = self._colpositions[1]
        canv.saveState()
        _marker_pen(canv, 1)
        for top in self._rowpositions[:-1]:
            canv.circle(x, top - self.marker_drop, 2.6, stroke=1, fill=1)
        canv.restoreState()


def timeline_table(
    events: Sequence[Event], date_style: ParagraphStyle, text_style: ParagraphStyle, width: float
) -> TimelineTable:
    """Dates on the left of an axis, a marker per event, the events on the right, `width` points wide."""
    # Measured as written, where the booklet measures the printed text: the same for any date Noto Sans can draw.
    date_width = date_column_width((e.date for e in events), date_style.fontSize, width, padding=8, max_share=0.32)
    rows = [list(pair) for pair in event_paragraphs(events, date_style, text_style)]
    table = TimelineTable(rows, colWidths=[date_width, width - date_width], splitInRow=1)
    table.marker_drop = 1 + text_style.leading * 0.62  # the top padding, then the middle of the first line
    table.setStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),  # reportlab sets it for every cell: not Helvetica
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBEFORE", (1, 0), (1, -1), 1.2, ACCENT),
            ("LEFTPADDING", (0, 0), (0, -1), 0),
            ("RIGHTPADDING", (0, 0), (0, -1), 6),
            ("LEFTPADDING", (1, 0), (1, -1), 7),
            ("RIGHTPADDING", (1, 0), (1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
    )
    return table
