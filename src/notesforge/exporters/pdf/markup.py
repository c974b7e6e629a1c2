"""Inline markup for reportlab Paragraphs: escape every piece of note text, then add our tags.

reportlab's Paragraph text is XML-like: an unescaped `<troika>` silently vanishes
and `AT&T` turns into `AT&T;`. `PdfInline` escapes each text run (`&`, `<`, `>`,
as `xml.sax.saxutils.escape` does) and only then wraps it in `<i>`/`<b>`; cloze marks
(key facts) print in bold.

Subclass `PdfInline` to change one piece, e.g. a worksheet that prints a cloze as
a blank line::

    class Blanks(PdfInline):
        def cloze(self, cloze):
            return "_" * 12

    para_text(rich, Blanks())
"""

from __future__ import annotations

from ...inline import render
from ...keydates import shown_date
from ...model import Cloze, Rich
from . import fonts


def escape_text(value: str) -> str:
    """`value` as Paragraph markup that prints literally (see `fonts.printable` for what cannot)."""
    # xml.sax.saxutils.escape, written out: importing it imports urllib.request (http, ssl, email).
    return fonts.printable(value).replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


class PdfInline:
    """An `InlineRenderer` producing reportlab Paragraph markup."""

    def text(self, value: str) -> str:
        return escape_text(value)

    def emphasis(self, inner: str) -> str:
        return f"<i>{inner}</i>"

    def strong(self, inner: str) -> str:
        return f"<b>{inner}</b>"

    def cloze(self, cloze: Cloze) -> str:
        """A key fact: its answer in bold."""
        return self.strong(self.text(cloze.answer))


INLINE = PdfInline()


def para_text(rich: Rich, renderer: PdfInline = INLINE) -> str:
    """Paragraph markup for rich text from the notes (safe to pass to `Paragraph`)."""
    return render(rich, renderer)


def dated_text(date: str | None, rich: Rich, renderer: PdfInline = INLINE) -> str:
    """Paragraph markup of a bullet's or a point's text, after its date in bold (as an event's) if it has one."""
    text = para_text(rich, renderer)
    date = shown_date(date, rich)
    return f"<b>{escape_text(date)}</b> — {text}" if date else text
