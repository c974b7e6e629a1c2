"""Fill-in-the-blanks worksheet (PDF): the notes' bullets with every key fact a numbered blank.

Each cloze mark `[[answer|hint]]` of a bullet or a comparison-table point prints as
its number and a blank line sized to the answer (with room for handwriting), the
hint in small print after it; paragraphs stay as context. Blanks are numbered down
the worksheet, and an **Answers** key on a page of its own lists every number and its
answer, so the teacher can keep it back. `sections` picks sections by id (in that
order); `shuffle` with `seed` reorders the bullets of each list, the same way for the
same seed.
"""

from __future__ import annotations

import math
import random
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import BalancedColumns, HRFlowable, PageBreak, Spacer, Table

from ...inline import plain
from ...model import (
    Bullet,
    BulletList,
    CardList,
    Cloze,
    ClozeCard,
    ComparisonTable,
    Glossary,
    Grid,
    Notes,
    Paragraph,
    Rich,
    Section,
    Timeline,
)
from ...visitor import BlockVisitor
from . import fonts
from .config import WorksheetConfig
from .document import NotesDocTemplate
from .markup import PdfInline, dated_text, escape_text, para_text
from .outline import Entry, OutlineHeading, levels
from .paragraph import Paragraph as P
from .styles import ACCENT, MUTED, RULE, Styles, grid_table_style, heading_rows, hex_color, make_styles

BODY_SIZE = 11.0
SMALL_SIZE = 7.5  # numbers and hints of the blanks
MIN_BLANK = 48.0  # points: room for a short answer written by hand
HANDWRITING = 1.45  # handwriting is wider than print


def blank_markup(number: int, cloze: Cloze, size: float = BODY_SIZE) -> str:
    """Paragraph markup of blank `number`: its number, a line of underscores as wide as the answer, the hint."""
    width = max(MIN_BLANK, stringWidth(cloze.answer, fonts.BOLD, size) * HANDWRITING + size)
    line = "_" * math.ceil(width / stringWidth("_", fonts.REGULAR, size))
    label = f'<font size="{SMALL_SIZE}" color="{hex_color(ACCENT)}"><b>({number})</b></font>'
    hint = ""
    if cloze.hint:
        hint = f'\u00a0<font size="{SMALL_SIZE}" color="{hex_color(MUTED)}"><i>({escape_text(cloze.hint)})</i></font>'
    return f"{label}\u00a0{line}{hint}"


class Blanks(PdfInline):
    """Cloze marks as numbered blanks; remembers their answers in order."""

    def __init__(self) -> None:
        self.answers: list[Cloze] = []

    def cloze(self, cloze: Cloze) -> str:
        self.answers.append(cloze)
        return blank_markup(len(self.answers), cloze)


def build_worksheet(notes: Notes, sections: list[Section], out: Any, config: WorksheetConfig) -> None:
    line = " · ".join(t for t in ("Worksheet", notes.meta.subtitle, notes.meta.course) if t)
    if config.shuffle:
        line += f" · version {config.seed}"
    doc = NotesDocTemplate(str(out), notes, paper=config.paper, subject=line)
    styles = make_styles(BODY_SIZE)
    key_entry = styles.body.clone("ws-key", leftIndent=22, bulletIndent=0, spaceAfter=2, leading=BODY_SIZE * 1.3)
    blanks = Blanks()
    meta = notes.meta

    story: list[Any] = [P(escape_text(meta.title), styles.title.clone("ws-title", fontSize=24, leading=29))]
    story.append(P(escape_text(line), styles.byline))
    story.append(Spacer(1, 5 * mm))
    fields = "Name " + "_" * 34 + "\u2003Class " + "_" * 12 + "\u2003Date " + "_" * 14
    story.append(P(fields, styles.body.clone("ws-fields", leading=BODY_SIZE * 2)))
    story.append(
        P(
            "Fill in each numbered blank. A word in brackets after a blank is a hint. "
            "The answers are on the last page.",
            styles.small,
        )
    )
    story.append(HRFlowable(width="100%", thickness=0.8, color=ACCENT, spaceBefore=4, spaceAfter=4))

    sheet = _Sheet(blanks, random.Random(config.seed) if config.shuffle else None, styles, doc.width)
    # Blanks are numbered in document order; a heading prints if its section or a subsection prints anything.
    printed = {id(section): [f for block in section.blocks for f in sheet.visit(block)] for section in sections}
    shown = [section for section in sections if any(printed.get(id(s)) for s in section.walk())]
    level = levels(notes, shown)
    for section in shown:  # each heading bookmarked, a subsection under its section
        entry = Entry(f"sec-{section.id}", "", plain(section.title), para_text(section.title), level[section.id])
        story.append(OutlineHeading(entry, styles.h2 if section.depth == 1 else styles.h3))
        story += printed[id(section)]

    story.append(PageBreak())
    answers = Entry("answers", "", "Answers", "Answers", 0)  # no clash: section keys start "sec-"
    story.append(OutlineHeading(answers, styles.h1.clone("ws-answers", spaceBefore=0)))
    if blanks.answers:
        entries = [
            P(escape_text(c.answer), key_entry, bulletText=f"{n}.") for n, c in enumerate(blanks.answers, start=1)
        ]
        story.append(BalancedColumns(entries, nCols=3, innerPadding=8 * mm))
    else:
        story.append(P("These sections have no blanks: mark key facts with [[answer]] in bullets.", styles.small))
    story.append(HRFlowable(width="100%", thickness=0.4, color=RULE, spaceBefore=6))
    doc.build(story)


class _Sheet(BlockVisitor[list[Any]]):
    """A block as the worksheet prints it: bullets, table points and explicit cloze cards with their
    cloze marks as numbered blanks, paragraphs as context; dates and terms are not asked here."""

    def __init__(self, blanks: Blanks, rng: random.Random | None, styles: Styles, width: float) -> None:
        self.blanks, self.rng, self.styles, self.width = blanks, rng, styles, width
        writing = BODY_SIZE * 2.0  # leading with room to write above each blank line
        self.bullet = styles.bullet.clone("ws-bullet", leading=writing, spaceAfter=2)
        self.context = styles.body.clone(
            "ws-context", fontName=styles.caption.fontName, textColor=styles.small.textColor
        )
        self.cell = styles.cell.clone("ws-cell", fontSize=BODY_SIZE * 0.95, leading=writing)

    def visit_paragraph(self, block: Paragraph) -> list[Any]:
        return [P(para_text(block.text), self.context)]

    def visit_bullets(self, block: BulletList) -> list[Any]:
        return self._items(list(block.items))

    def visit_cards(self, block: CardList) -> list[Any]:
        return self._items([card for card in block.cards if isinstance(card, ClozeCard)])

    def visit_events(self, block: Timeline) -> list[Any]:
        return []

    def visit_terms(self, block: Glossary) -> list[Any]:
        return []

    def _items(self, items: list[Any]) -> list[Any]:
        if self.rng:  # `shuffle`: the same order for the same seed
            self.rng.shuffle(items)
        # Bullets may carry a date; explicit cloze cards never do.
        return [
            P(
                dated_text(item.date if isinstance(item, Bullet) else None, item.text, self.blanks),
                self.bullet,
                bulletText="•",
            )
            for item in items
        ]

    def visit_table(self, block: ComparisonTable) -> list[Any]:
        """A comparison table with blanks in its points: one row per point, headings repeated on each page."""
        columns, styles = block.columns, self.styles
        rows: list[list[Any]] = [[P(para_text(c.heading), styles.cell_head) for c in columns]]
        rows += [
            [P(dated_text(p.date, p.text, self.blanks), self.cell) if p else "" for p in row] for row in block.rows
        ]
        widths = [self.width / len(columns)] * len(columns)
        return self._table(block.caption, rows, widths, heading_rows([plain(c.heading) for c in columns]))

    def visit_grid(self, block: Grid) -> list[Any]:
        """A grid with blanks in its cells: the row headings in bold in the first column, headings repeated."""
        styles = self.styles
        rows: list[list[Any]] = [
            [P(para_text(h), styles.cell_head) if h else "" for h in (block.corner, *block.columns)]
        ]
        for row in block.rows:
            cells = [P(para_text(c.text, self.blanks), self.cell) if c.text else "" for c in row.cells]
            rows.append([P(f"<b>{para_text(row.heading)}</b>", styles.cell), *cells])
        first = min(self.width * 0.3, self.width / (len(block.columns) + 1))
        widths = [first] + [(self.width - first) / len(block.columns)] * len(block.columns)
        repeat = heading_rows([plain(h) for h in (block.corner or (), *block.columns)])
        return self._table(block.caption, rows, widths, repeat)

    def _table(self, caption: Rich | None, rows: list[list[Any]], widths: list[float], repeat: int) -> list[Any]:
        """A ruled table under its caption, its heading rows repeated on every page."""
        table = Table(rows, colWidths=widths, repeatRows=repeat, splitInRow=1, spaceBefore=4, spaceAfter=8)
        table.setStyle(grid_table_style(rows=len(rows)))
        style = self.styles.caption.clone("ws-caption", keepWithNext=1)
        return ([P(para_text(caption), style)] if caption else []) + [table]
