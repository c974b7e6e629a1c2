"""A drawn vertical timeline: one flowable per event, so a long timeline breaks across pages.

Each `TimelineEvent` draws its date (right-aligned, bold), its stretch of the
axis, a marker on the axis and the event text. Consecutive events' stretches
meet, so the axis reads as one line; the first and last events cap it. All
vector graphics and Paragraph text (the text layer keeps dates and events).
"""

from __future__ import annotations

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getAscent, stringWidth
from reportlab.platypus import Flowable, Paragraph

from ...model import Timeline
from . import fonts
from .markup import escape_text, para_text
from .styles import ACCENT, ACCENT_LIGHT, RULE, Styles

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
            canv.setStrokeColor(ACCENT)
            canv.setFillColor(ACCENT_LIGHT)
            canv.setLineWidth(1.4)
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
    widest = max(
        (stringWidth(fonts.printable(e.date), fonts.BOLD, date_style.fontSize) for e in block.events), default=0
    )
    date_width = min(max(widest + 2, MIN_DATE_WIDTH), width * MAX_DATE_SHARE)
    return [
        TimelineEvent(
            Paragraph(escape_text(event.date), date_style),
            Paragraph(para_text(event.text), text_style),
            first=i == 0,
            last=i == last,
            date_width=date_width,
        )
        for i, event in enumerate(block.events)
    ]
