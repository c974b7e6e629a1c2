"""The revision booklet: title block, contents, sections, test yourself, answers.

One layout pass: the contents' page numbers are form XObjects filled in after
the last page (see `document.NotesDocTemplate`), so there is no `multiBuild`.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import (
    BalancedColumns,
    CondPageBreak,
    Flowable,
    HRFlowable,
    Indenter,
    PageBreak,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import Image as Picture

from ...cards import CardKind, generate
from ...inline import plain
from ...keydates import key_dates
from ...model import (
    BulletList,
    CardList,
    ComparisonTable,
    Event,
    Glossary,
    Grid,
    Image,
    Location,
    Notes,
    Rich,
    Section,
    Timeline,
)
from ...model import Paragraph as NoteParagraph
from ...visitor import BlockVisitor
from .._media import RASTER, Media, collect
from . import fonts
from .config import BookletConfig
from .document import NotesDocTemplate, PageRef
from .markup import dated_text, escape_text, para_text
from .outline import Anchor, Entry, OutlineHeading
from .paragraph import Paragraph
from .styles import ACCENT, ACCENT_LIGHT, MUTED, RULE, ZEBRA, Styles, grid_table_style, heading_rows, make_styles
from .timeline import timeline_flowables

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class Heading(OutlineHeading):
    """A numbered heading in the outline and the contents; a top-level one is underlined."""

    def __init__(self, entry: Entry, style: Any) -> None:
        number = f'<font color="#{ACCENT.hexval()[2:]}">{entry.number}</font>&nbsp;&nbsp;' if entry.number else ""
        super().__init__(entry, style, number + entry.markup)
        # A heading kept with a whole table or glossary would push it all to the next
        # page; a conditional page break before the heading keeps it off page bottoms.
        self.keepWithNext = 0

    def draw(self) -> None:
        super().draw()
        if self.entry.level == 0:
            canv = self.canv
            canv.saveState()
            canv.setStrokeColor(ACCENT)
            canv.setLineWidth(0.8)
            canv.line(0, -3, self.width, -3)
            canv.restoreState()


def format_date(day: dt.date, language: str) -> str:
    if language.lower().startswith("en"):
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return day.isoformat()


Warn = Callable[[Location, str], None]
MAX_IMAGE_HEIGHT = 40 * mm  # a card's image on the answers page


def build_booklet(
    notes: Notes, path: Path, config: BookletConfig, warn: Warn | None = None, *, course: bool = False
) -> None:
    """Write the booklet for `notes` to `path`.

    Characters Noto Sans cannot draw print as U+FFFD; `checks.missing_glyphs` finds them.
    `warn(loc, message)` hears of card images the PDF cannot show (SVG, WebP: named instead).
    `course`: the notes are a course (`Course.as_notes()`): each unit, a top-level section,
    starts a page as a part of the book, and the outline is course -> unit -> section.
    """
    styles = make_styles()
    doc = NotesDocTemplate(str(path), notes, paper=config.paper)
    doc.outline_shift = int(course)  # a course's outline has the course at the top: every heading one level down
    booklet = _Booklet(notes, styles, doc.width, warn, parts=course)
    doc.build(booklet.story(config.questions))


class _Booklet(BlockVisitor[list[Flowable]]):
    """The booklet's flowables: title, contents, each section's blocks, test yourself."""

    def __init__(
        self, notes: Notes, styles: Styles, width: float, warn: Warn | None = None, *, parts: bool = False
    ) -> None:
        self.notes, self.s, self.width, self.parts = notes, styles, width, parts
        self.warn = warn or (lambda loc, message: None)
        self.entries: list[Entry] = []
        self.numbers: dict[str, str] = {}  # section id -> number

    # --- the whole book -------------------------------------------------------

    def story(self, questions: bool) -> list[Flowable]:
        body: list[Flowable] = []
        for i, section in enumerate(self.notes.sections, 1):
            if self.parts and i > 1:  # a course: each unit is a part of the book, from a new page
                body.append(PageBreak())
            body += self.section(section, str(i))
        body += self.key_dates()
        if questions:
            body += self.test_yourself()
        return [*self.title_block(), *self.contents(questions), PageBreak(), *body]

    def title_block(self) -> list[Flowable]:
        meta, s = self.notes.meta, self.s
        out: list[Flowable] = []
        if meta.course:
            out.append(Paragraph(escape_text(meta.course.upper()), _kicker(s)))
        if self.parts:  # the course, at the top of the outline
            out.append(Anchor(Entry("course", "", meta.title, escape_text(meta.title), -1)))
        out.append(Paragraph(escape_text(meta.title), s.title))
        if meta.subtitle:
            out.append(Paragraph(escape_text(meta.subtitle), s.subtitle))
        # Only what the notes say: no date is printed unless [notes] has one (never the build day).
        byline = [t for t in (meta.author, meta.date and format_date(meta.date, meta.language)) if t]
        out.append(Spacer(0, 4 * mm))
        if byline:
            out.append(Paragraph(" &nbsp;·&nbsp; ".join(escape_text(t) for t in byline), s.byline))
        out.append(Spacer(0, 3 * mm))
        out.append(HRFlowable(width="100%", thickness=2.2, color=ACCENT, spaceBefore=0, spaceAfter=9 * mm))
        return out

    def contents(self, questions: bool) -> list[Flowable]:
        """The contents list; its page numbers are written after layout (one pass)."""
        rows = []
        s = self.s
        for entry in self.planned_entries(questions):
            style = s.toc1 if entry.level == 0 else s.toc2
            link = f'<a href="#{entry.key}">{entry.markup}</a>'
            rows.append(
                [
                    Paragraph(entry.number, style),
                    Paragraph(link, style),
                    PageRef(
                        entry.key,
                        fonts.BOLD if entry.level == 0 else fonts.REGULAR,
                        style.fontSize,
                        ACCENT.rgb(),
                        style.leading,
                    ),
                ]
            )
        if not rows:
            return []
        num_w, page_w = 11 * mm, 14 * mm
        table = Table(rows, colWidths=[num_w, self.width - num_w - page_w, page_w], splitInRow=1, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE, 0, (1, 2)),
                    ("TEXTCOLOR", (0, 0), (0, -1), ACCENT),
                ]
            )
        )
        return [Paragraph("Contents", s.h2), table]

    def planned_entries(self, questions: bool) -> list[Entry]:
        """Every heading that will be in the contents, computed before layout."""
        entries = []
        for i, section in enumerate(self.notes.sections, 1):
            entries += self._section_entries(section, str(i))
        if self.dated():
            entries.append(_back_entry("key-dates", "Key dates"))
        if questions and self.quiz():
            entries += [_back_entry("test-yourself", "Test yourself"), _back_entry("answers", "Answers")]
        return [e for e in entries if e.level <= 1]

    def _section_entries(self, section: Section, number: str) -> list[Entry]:
        out = [self.entry(section, number)]
        for j, sub in enumerate(section.sections, 1):
            out += self._section_entries(sub, f"{number}.{j}")
        return out

    def entry(self, section: Section, number: str) -> Entry:
        return Entry(
            f"sec-{number}", number, f"{number} {plain(section.title)}", para_text(section.title), section.depth - 1
        )

    # --- sections -------------------------------------------------------------

    def section(self, section: Section, number: str) -> list[Flowable]:
        s = self.s
        entry = self.entry(section, number)
        style = s.h1 if entry.level == 0 else s.h2 if entry.level == 1 else s.h3
        out: list[Flowable] = [CondPageBreak(45 * mm), Heading(entry, style)]
        for block in section.blocks:
            out += self.visit(block)
        for j, sub in enumerate(section.sections, 1):
            out += self.section(sub, f"{number}.{j}")
        return out

    def visit_paragraph(self, block: NoteParagraph) -> list[Flowable]:
        return [Paragraph(para_text(block.text), self.s.body)]

    def visit_bullets(self, block: BulletList) -> list[Flowable]:
        s = self.s
        return [
            *(Paragraph(dated_text(b.date, b.text), s.bullet, bulletText="•") for b in block.items),
            Spacer(0, s.body.spaceAfter),
        ]

    def visit_events(self, block: Timeline) -> list[Flowable]:
        return [Spacer(0, 3), *timeline_flowables(block, self.s, self.width), Spacer(0, self.s.body.spaceAfter)]

    def visit_cards(self, block: CardList) -> list[Flowable]:
        return []  # explicit cards are asked in "Test yourself"

    def visit_table(self, block: ComparisonTable) -> list[Flowable]:
        s = self.s
        columns = block.columns
        header = [Paragraph(para_text(c.heading), s.cell_head) for c in columns]
        depth = len(block.rows)
        rows = [[Paragraph(dated_text(p.date, p.text), s.cell) if p else "" for p in row] for row in block.rows]
        texts = [
            [plain(c.heading)] + [(f"{p.date} — " if p.date else "") + plain(p.text) for p in c.points] for c in columns
        ]
        widths = balanced_widths(texts, self.width)
        repeat = heading_rows([plain(c.heading) for c in columns])
        table = Table([header, *rows], colWidths=widths, repeatRows=repeat, splitInRow=1, hAlign="LEFT")
        table.setStyle(grid_table_style(header_rows=1, rows=depth + 1))
        out: list[Flowable] = []
        if block.caption:
            out += [CondPageBreak(35 * mm), Paragraph(para_text(block.caption), s.caption)]
        out += [table, Spacer(0, s.body.spaceAfter * 1.5)]
        return out

    def visit_grid(self, block: Grid) -> list[Flowable]:
        """A ruled grid: the row headings in bold in the first column, the heading row repeated on each page."""
        s = self.s
        header = [Paragraph(para_text(h), s.cell_head) if h else "" for h in (block.corner, *block.columns)]
        rows = [
            [
                Paragraph(f"<b>{para_text(row.heading)}</b>", s.cell),
                *(Paragraph(para_text(c.text), s.cell) if c.text else "" for c in row.cells),
            ]
            for row in block.rows
        ]
        texts = [[plain(block.corner or ()), *(plain(row.heading) for row in block.rows)]]
        texts += [[plain(h), *(plain(row.cells[i].text) for row in block.rows)] for i, h in enumerate(block.columns)]
        repeat = heading_rows([plain(h) for h in (block.corner or (), *block.columns)])
        table = Table(
            [header, *rows],
            colWidths=balanced_widths(texts, self.width),
            repeatRows=repeat,
            splitInRow=1,
            hAlign="LEFT",
        )
        table.setStyle(grid_table_style(header_rows=1, rows=len(rows) + 1))
        out: list[Flowable] = []
        if block.caption:
            out += [CondPageBreak(35 * mm), Paragraph(para_text(block.caption), s.caption)]
        out += [table, Spacer(0, s.body.spaceAfter * 1.5)]
        return out

    def visit_terms(self, block: Glossary) -> list[Flowable]:
        """Key terms in the order written (as in every format, see `summary`), as a two-column table
        whose heading row repeats."""
        s = self.s
        terms = block.terms
        if not terms:
            return []
        rows = [[Paragraph("Term", s.cell_head), Paragraph("Meaning", s.cell_head)]]
        rows += [
            [Paragraph(f"<b>{para_text(t.term)}</b>", s.cell), Paragraph(para_text(t.definition), s.cell)]
            for t in terms
        ]
        term_w = min(max(32 * mm, self.width * 0.26), 55 * mm)
        table = Table(rows, colWidths=[term_w, self.width - term_w], repeatRows=1, splitInRow=1, hAlign="LEFT")
        cmds: list[tuple] = [
            ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), ACCENT_LIGHT),
            ("LINEABOVE", (0, 0), (-1, 0), 0.9, ACCENT),
            ("LINEBELOW", (0, 0), (-1, 0), 0.9, ACCENT),
            ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
            ("LINEBELOW", (0, -1), (-1, -1), 0.9, ACCENT),
            ("LEFTPADDING", (0, 0), (-1, -1), 5),
            ("RIGHTPADDING", (0, 0), (-1, -1), 5),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ]
        cmds += [("BACKGROUND", (0, r), (-1, r), ZEBRA) for r in range(2, len(rows), 2)]
        table.setStyle(TableStyle(cmds))
        return [table, Spacer(0, s.body.spaceAfter)]

    # --- test yourself --------------------------------------------------------

    def quiz(self) -> list[tuple[Section, list[tuple[Rich, Rich, Image | None]]]]:
        """The explicit question cards of each section, grouped (first direction only), with their images."""
        groups: dict[str, tuple[Section, list[tuple[Rich, Rich, Image | None]]]] = {}
        for card in generate(self.notes):
            if card.kind is CardKind.BASIC:
                question = card.questions()[0]
                item = (question.front, question.back, card.image)
                groups.setdefault(card.section.id, (card.section, []))[1].append(item)
        return list(groups.values())

    def dated(self) -> tuple[Event, ...]:
        """The dated bullets and table points (events are drawn where they stand)."""
        return tuple(key_dates(self.notes, events=False))

    def key_dates(self) -> list[Flowable]:
        """The dated bullets and points drawn as one timeline after the sections, so a date typed once
        on its bullet still shows on a timeline."""
        dated = self.dated()
        if not dated:
            return []
        timeline = Timeline(dated, False, dated[0].loc)
        return [
            CondPageBreak(45 * mm),
            Heading(_back_entry("key-dates", "Key dates"), self.s.h1),
            *self.visit_events(timeline),
        ]

    def test_yourself(self) -> list[Flowable]:
        s = self.s
        groups = self.quiz()
        if not groups:
            return []
        questions: list[Flowable] = []
        answers: list[Flowable] = []
        n = 0
        q_style, a_style, group_style = _quiz_styles(s)
        media = collect(image for _, items in groups for _, _, image in items)
        for section, items in groups:
            title = para_text(section.title)
            questions.append(Paragraph(title, group_style))
            answers.append(Paragraph(title, group_style))
            for front, back, image in items:
                n += 1
                questions.append(Paragraph(para_text(front), q_style, bulletText=f"{n}."))
                answers.append(Paragraph(para_text(back), a_style, bulletText=f"{n}."))
                if image is not None:
                    answers += self.picture(image, media[image.path], a_style)
        return [
            PageBreak(),
            Heading(_back_entry("test-yourself", "Test yourself"), s.h1),
            Paragraph("Cover the notes and answer from memory; the answers are on the last page.", s.small),
            BalancedColumns(questions, nCols=2, spaceBefore=3, innerPadding=8),
            PageBreak(),
            Heading(_back_entry("answers", "Answers"), s.h1),
            BalancedColumns(answers, nCols=2, spaceBefore=3, innerPadding=8),
        ]

    def picture(self, image: Image, media: Media, style: Any) -> list[Flowable]:
        """A card's image under its answer, at most `MAX_IMAGE_HEIGHT` high; SVG and WebP by name."""
        if image.suffix not in RASTER:
            self.warn(image.loc, f"the PDF shows PNG, JPEG and GIF images only: '{image.name}' is named instead")
            return [Paragraph(f"<i>{escape_text(image.name)}</i>", style)]
        natural_w, natural_h = ImageReader(io.BytesIO(media.data)).getSize()
        room = (self.width - 8) / 2 - style.leftIndent  # a column of the answers, less the number's indent
        scale = min(1.0, MAX_IMAGE_HEIGHT / natural_h, room / natural_w)
        picture = Picture(io.BytesIO(media.data), natural_w * scale, natural_h * scale, hAlign="LEFT")
        picture.spaceAfter = style.spaceAfter + 2
        return [Indenter(left=style.leftIndent), picture, Indenter(left=-style.leftIndent)]


def _back_entry(key: str, title: str) -> Entry:
    return Entry(key, "", title, escape_text(title), 0)


def _kicker(s: Styles) -> Any:
    return ParagraphStyle("kicker", parent=s.byline, fontName=fonts.BOLD, textColor=ACCENT, spaceAfter=3)


def _quiz_styles(s: Styles) -> tuple[Any, Any, Any]:
    size = s.body.fontSize * 0.88
    q = ParagraphStyle(
        "question",
        parent=s.bullet,
        fontSize=size,
        leading=size * 1.25,
        leftIndent=7 * mm,
        bulletIndent=0,
        bulletColor=ACCENT,
        bulletFontName=fonts.BOLD,
        bulletFontSize=size,
        spaceAfter=2,
    )
    a = ParagraphStyle("answer", parent=q, spaceAfter=1)
    g = ParagraphStyle(
        "quiz-group", parent=s.h3, fontSize=size, textColor=MUTED, spaceBefore=5, spaceAfter=2, keepWithNext=1
    )
    return q, a, g


def balanced_widths(columns: list[list[str]], total: float, spread: float = 1.6) -> list[float]:
    """Column widths that follow each column's amount of text, within a factor `spread` of each other."""
    if not columns:
        return []
    weights = [math.sqrt(max(sum(len(t) for t in texts), 1)) for texts in columns]
    low = max(weights) / spread
    weights = [max(w, low) for w in weights]
    scale = total / sum(weights)
    return [w * scale for w in weights]
