"""The document every notesforge PDF is: deterministic setup, footer, late page references.

`NotesDocTemplate` is a reportlab `BaseDocTemplate` that

- embeds the Noto Sans family (`fonts.register`) and starts every page in it;
- is reproducible: `invariant=1`, and the PDF dates come from `notes.source.epoch`
  (never the clock), so the same source gives the same bytes;
- fills the document information from `notes.meta` (title, author, subject,
  keywords, language) and shows the title in the viewer's title bar;
- takes its page size from the `paper` setting ("a4" or "letter", see `config.PAPER_SIZES`)
  with margins that school printers can print;
- draws a footer with the title and the page number (`draw_footer`);
- resolves forward page references in one layout pass: a `PageRef` flowable draws
  a form XObject whose content (the page number) is written after the last page,
  once `record_page(key)` has told on which page `key` landed. A contents list
  therefore costs no second layout pass (no `multiBuild`).

`doc_with_templates` gives one with page templates of one's own (cards on a grid,
columns under a title band), portrait or landscape.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.pagesizes import landscape as turned
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from ...model import Notes
from . import fonts

PAGE_SIZES = {"a4": A4, "letter": LETTER}


@dataclass(frozen=True, slots=True)
class Margins:
    """The page margins of every printed format, in points."""

    left: float = 18 * mm
    right: float = 18 * mm
    top: float = 17 * mm
    bottom: float = 20 * mm  # the footer sits inside it
    footer: float = 10 * mm  # baseline of the footer above the paper's edge


MARGINS = Margins()
INK = (0.13, 0.13, 0.16)  # near black: crisp on laser printers
MUTED = (0.38, 0.38, 0.42)


def page_size(paper: str) -> tuple[float, float]:
    """(width, height) in points for a `paper` setting; ValueError for an unknown name."""
    try:
        return PAGE_SIZES[paper.lower()]
    except KeyError:
        raise ValueError(f"unknown paper size {paper!r} (known: {', '.join(PAGE_SIZES)})") from None


def pdf_date(epoch: int) -> str:
    """A PDF date string (UTC) for a Unix time."""
    return time.strftime("D:%Y%m%d%H%M%S+00'00'", time.gmtime(epoch))


def keywords(notes: Notes) -> list[str]:
    """Document keywords: the course, the notes id and the top-level section ids.

    Ids, not titles: a title may hold commas, and a viewer reads the keywords as a list split
    at commas. The course is the one text among them; its commas are turned into semicolons.
    """
    course = " ".join(notes.meta.course.replace(",", ";").split()) if notes.meta.course else ""
    words = [course, notes.meta.id, *(section.id for section in notes.sections)]
    return [w for w in dict.fromkeys(words) if w]


class PageRef(Flowable):
    """A page number known only after layout, drawn right-aligned at the frame's right edge.

    It is one line of `leading` points with its baseline where a Paragraph of that
    size and leading puts it (`leading - size` above its bottom), so it lines up with text beside it in a table row.
    `doc.record_page(key)` must be called (during the same build) when the thing
    referred to is placed; `NotesDocTemplate.build` writes the number at the end.
    """

    def __init__(
        self, key: str, font: str = fonts.REGULAR, size: float = 10, color: tuple = INK, leading: float | None = None
    ) -> None:
        super().__init__()
        self.key, self.font, self.size, self.color = key, font, size, color
        self.leading = leading or size * 1.2

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, self.leading

    def draw(self) -> None:
        doc = self.canv._doctemplate
        self.canv.saveState()
        self.canv.translate(self.width, self.leading - self.size)
        self.canv.doForm(doc.page_ref_form(self.key, self.font, self.size, self.color))
        self.canv.restoreState()


class NotesDocTemplate(BaseDocTemplate):
    """A reproducible, font-embedding document with footer and late page references.

    Page templates: "first" (no footer, for a title page) and "body" (footer).
    """

    outline_shift = 0  # added to every outline level (a course's booklet: the course above its units)

    def __init__(
        self,
        filename: Any,
        notes: Notes,
        *,
        paper: str = "a4",
        subject: str | None = None,
        margins: Margins = MARGINS,
    ) -> None:
        fonts.register()
        meta = notes.meta
        self.notes = notes
        self.margins = margins
        default_subject = " — ".join(t for t in (meta.subtitle, meta.course) if t) or meta.title
        super().__init__(
            filename,
            pagesize=page_size(paper),
            leftMargin=margins.left,
            rightMargin=margins.right,
            topMargin=margins.top,
            bottomMargin=margins.bottom,
            title=meta.title,
            author=meta.author or "",
            subject=subject or default_subject,
            keywords=keywords(notes),
            creator="notesforge",
            lang=meta.language,
            invariant=1,
            displayDocTitle=1,
            initialFontName=fonts.REGULAR,
            initialFontSize=10,
        )
        frame = Frame(
            self.leftMargin,
            self.bottomMargin,
            self.width,
            self.height,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        self.addPageTemplates(
            [
                PageTemplate("first", [frame], autoNextPageTemplate="body"),
                PageTemplate("body", [frame], onPage=self.draw_footer),
            ]
        )
        self.page_of: dict[str, int] = {}
        self._ref_forms: dict[str, tuple[str, str, float, tuple]] = {}
        self.has_outline = False

    # --- per-build state ------------------------------------------------------

    def beforeDocument(self) -> None:
        self.page_of = {}
        self._ref_forms = {}
        self.has_outline = False  # set by `outline.mark`
        epoch = self.notes.source.epoch
        self.canv.setDateFormatter(lambda *_: pdf_date(epoch))

    # --- page references ------------------------------------------------------

    def record_page(self, key: str) -> None:
        """Note that `key` is on the current page (first call wins)."""
        self.page_of.setdefault(key, self.canv.getPageNumber())

    def page_ref_form(self, key: str, font: str, size: float, color: tuple) -> str:
        """The form XObject name that will show the page of `key` (right-aligned at x=0)."""
        spec = (key, font, size, color)
        for name, known in self._ref_forms.items():
            if known == spec:
                return name
        name = f"NfPageRef{len(self._ref_forms)}"
        self._ref_forms[name] = spec
        return name

    def _define_page_ref_forms(self) -> None:
        canv = self.canv
        for name, (key, font, size, color) in self._ref_forms.items():
            if key not in self.page_of:
                raise ValueError(f"page reference {key!r} was never placed (record_page)")
            text = str(self.page_of[key])
            canv.beginForm(name, lowerx=-size * 6, lowery=0, upperx=0, uppery=size * 1.2)
            canv.setFillColorRGB(*color)
            canv.setFont(font, size)
            canv.drawRightString(0, 0, text)
            canv.endForm()

    def build(self, flowables: list, **kwargs: Any) -> None:  # type: ignore[override]
        """One layout pass; page references are written after the last page."""
        self._doSave = 0
        super().build(flowables, **kwargs)
        self._define_page_ref_forms()
        if self.has_outline:
            self.canv.showOutline()  # open with the bookmarks pane
        self.canv.save()

    # --- page decoration ------------------------------------------------------

    def draw_footer(self, canv: Any, doc: Any) -> None:
        """A hairline, the title and the page number (on the outer edge for duplex printing)."""
        width, _ = self.pagesize
        left, right = self.leftMargin, width - self.rightMargin
        y = self.margins.footer
        page = canv.getPageNumber()
        label = str(page)
        canv.saveState()
        canv.setStrokeColorRGB(0.75, 0.75, 0.78)
        canv.setLineWidth(0.4)
        canv.line(left, y + 10, right, y + 10)
        canv.setFillColorRGB(*MUTED)
        canv.setFont(fonts.REGULAR, 8)
        title = fit_text(fonts.printable(self.notes.meta.title), fonts.REGULAR, 8, (right - left) * 0.75)
        canv.setFont(fonts.BOLD, 9)
        if page % 2:
            canv.drawRightString(right, y, label)
            canv.setFont(fonts.REGULAR, 8)
            canv.drawString(left, y, title)
        else:
            canv.drawString(left, y, label)
            canv.setFont(fonts.REGULAR, 8)
            canv.drawRightString(right, y, title)
        canv.restoreState()


def fit_text(text: str, font: str, size: float, width: float) -> str:
    """`text` cut with an ellipsis so that it fits `width` points (for canvas strings)."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def doc_with_templates(
    out: Any,
    notes: Notes,
    *,
    paper: str,
    subject: str,
    templates: Callable[[Any], list],
    landscape: bool = False,
    margins: Margins = MARGINS,
) -> NotesDocTemplate:
    """A `NotesDocTemplate` whose page templates are `templates(doc)` (called once the page size is set)."""
    doc = NotesDocTemplate(out, notes, paper=paper, subject=subject, margins=margins)
    if landscape:
        doc.pagesize = turned(doc.pagesize)
        doc._calc()  # width and height of the body from the new page size
    doc.pageTemplates = []
    doc.addPageTemplates(templates(doc))
    return doc
