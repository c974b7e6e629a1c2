"""Knowledge organiser (PDF): the notes' summary on one landscape page (two at most).

Under a title band, three columns hold the big questions (the section titles that
are questions, `summary.big_questions`), the key dates as a compact timeline, the key terms with their
definitions, and the comparison tables. The type is set as large as lets it all
fit on one page, else on two, but never below 7 points: each size from 10.5 down
is laid out until one fits (a page's layout takes about a tenth of a second). Notes too
long for two pages at 7 points keep every item, take more pages and get a warning.
"""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.platypus import Frame, FrameBreak, PageTemplate, Table

from ...inline import plain
from ...keydates import key_dates
from ...model import ComparisonTable, Grid, Notes
from ...summary import big_questions, key_terms
from . import fonts
from .document import Margins, doc_with_templates
from .markup import dated_text, escape_text, para_text
from .paragraph import Paragraph
from .styles import (
    ACCENT,
    MAX_REPEATED_HEADING,
    MUTED,
    grid_table_style,
    heading_rows,
    hex_color,
    make_styles,
)
from .timeline import timeline_table

SIZES = (10.5, 10.0, 9.5, 9.0, 8.5, 8.0, 7.5, 7.0)  # 7 points is the floor: nothing smaller is printed
MM = 72 / 25.4
MARGIN = 10 * MM
GUTTER = 5 * MM  # between the columns
COLUMNS = 3


def tables(notes: Notes) -> list[ComparisonTable]:
    return list(notes.blocks(ComparisonTable))


def build_organiser(notes: Notes, paper: str) -> tuple[int, bytes]:
    """(pages, PDF bytes) at the largest type size that fits one page, else two, else the smallest.

    The largest size is tried first (short notes fit at once), then the smallest (notes too
    long for two pages need no other layout), then every size in between.
    """
    layouts: dict[float, tuple[int, bytes]] = {}

    def at(size: float) -> tuple[int, bytes]:
        if size not in layouts:
            layouts[size] = _layout(notes, paper, size)
        return layouts[size]

    if at(SIZES[0])[0] == 1:
        return at(SIZES[0])
    if at(SIZES[-1])[0] > 2:
        return at(SIZES[-1])
    return next(at(size) for wanted in (1, 2) for size in SIZES if at(size)[0] <= wanted)


def _layout(notes: Notes, paper: str, size: float) -> tuple[int, bytes]:
    out = io.BytesIO()
    header = _header(notes, size)
    margins = Margins(left=MARGIN, right=MARGIN, top=MARGIN, bottom=MARGIN + 3 * MM, footer=MARGIN - 2 * MM)

    header_in_columns = False

    def templates(doc: Any) -> list:
        nonlocal header_in_columns
        x, y, width, height = doc.leftMargin, doc.bottomMargin, doc.width, doc.height
        _, head = header.wrap(width, height)
        head += size  # the space under the band
        col = (width - (COLUMNS - 1) * GUTTER) / COLUMNS

        def columns(top: float) -> list:
            return [Frame(x + i * (col + GUTTER), y, col, top, 0, 0, 0, 0, id=f"col{i}") for i in range(COLUMNS)]

        # A title too long for a band across the page (pasted text) flows in the columns instead.
        header_in_columns = head > height / 3
        if header_in_columns:
            first = columns(height)
        else:
            first = [Frame(x, y + height - head, width, head, 0, 0, 0, 0, id="head"), *columns(height - head)]
        return [
            PageTemplate("first", first, onPage=doc.draw_footer, autoNextPageTemplate="more"),
            PageTemplate("more", columns(height), onPage=doc.draw_footer),
        ]

    doc = doc_with_templates(
        out,
        notes,
        paper=paper,
        subject=" — ".join(t for t in ("Knowledge organiser", notes.meta.subtitle, notes.meta.course) if t),
        templates=templates,
        landscape=True,
        margins=margins,
    )
    col_width = (doc.width - (COLUMNS - 1) * GUTTER) / COLUMNS
    body = _body(notes, size, col_width)
    doc.build([_header(notes, size, col_width), *body] if header_in_columns else [header, FrameBreak(), *body])
    return doc.page, out.getvalue()


def _styles(size: float) -> dict[str, Any]:
    base = make_styles(size).body.clone("org-body", fontSize=size, leading=size * 1.22, spaceAfter=0)
    return {
        "body": base,
        "term": base.clone("org-term", spaceAfter=size * 0.3),
        "band": base.clone("org-band", fontName=fonts.BOLD, fontSize=size + 1.5, leading=(size + 1.5) * 1.2),
        "date": base.clone("org-date", fontName=fonts.BOLD, textColor=ACCENT, alignment=TA_RIGHT),
        "caption": base.clone("org-caption", fontName=fonts.BOLD_ITALIC, spaceBefore=2, spaceAfter=2, keepWithNext=1),
        "head": base.clone("org-head", fontName=fonts.BOLD),
        "question": base.clone(
            "org-question",
            fontName=fonts.BOLD,
            leftIndent=size * 1.4,
            bulletFontName=fonts.BOLD,
            bulletColor=ACCENT,
            spaceAfter=size * 0.3,
        ),
    }


def _header(notes: Notes, size: float, width: float | None = None) -> Any:
    """The title band: title on the left; what it is, subtitle and course on the right."""
    meta = notes.meta
    body = _styles(size)["body"]
    title = body.clone("org-title", fontName=fonts.BOLD, fontSize=size * 1.9, leading=size * 2.2, textColor=ACCENT)
    right = body.clone("org-right", alignment=TA_RIGHT, textColor=MUTED)
    about = "<b>Knowledge organiser</b>"
    about += "".join(f"<br/>{escape_text(t)}" for t in (meta.subtitle, meta.course) if t)
    cells = [[Paragraph(escape_text(meta.title), title), Paragraph(about, right)]]
    if width is not None:  # in a column: the title above the rest
        cells = [[cells[0][0]], [cells[0][1]]]
    table = Table(cells, colWidths=[width] if width is not None else ["62%", "38%"], splitInRow=1)
    table.setStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),  # reportlab sets it for every cell: not Helvetica
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LINEBELOW", (0, 0), (-1, -1), 1.2, ACCENT),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]
    )
    return table


def _band(text: str, size: float, width: float) -> Any:
    """A coloured heading bar the width of a column, kept with what follows."""
    style = _styles(size)["band"].clone("org-band-white", textColor=colors.white)
    band = Table(
        [[Paragraph(escape_text(text), style)]],
        colWidths=[width],
        spaceBefore=size * 0.6,
        spaceAfter=size * 0.5,
        splitInRow=1,
    )
    band.setStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),  # reportlab sets it for every cell: not Helvetica
            ("BACKGROUND", (0, 0), (-1, -1), ACCENT),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
    )
    band.spaceAfter = size * 0.5
    band.keepWithNext = int(len(text) <= MAX_REPEATED_HEADING)  # a band longer than a column cannot be kept
    return band


def _body(notes: Notes, size: float, width: float) -> list[Any]:
    st = _styles(size)
    story: list[Any] = []
    questions = big_questions(notes)
    if questions:
        story.append(_band("Big questions", size, width))
        story += [
            Paragraph(escape_text(q), st["question"], bulletText=f"{n}") for n, q in enumerate(questions, start=1)
        ]
    dates = key_dates(notes)
    if dates:
        story.append(_band("Key dates", size, width))
        story.append(timeline_table(dates, st["date"], st["body"], width))
    terms = key_terms(notes)
    if terms:
        story.append(_band("Key terms", size, width))
        accent = hex_color(ACCENT)
        story += [
            Paragraph(
                f'<font color="{accent}"><b>{para_text(t.term)}</b></font>: {para_text(t.definition)}', st["term"]
            )
            for t in terms
        ]
    for block in tables(notes):
        story.append(_band(plain(block.caption) if block.caption else "Comparison", size, width))
        columns = block.columns
        rows = [[Paragraph(para_text(c.heading), st["head"]) for c in columns]]
        rows += [[Paragraph(dated_text(p.date, p.text), st["body"]) if p else "" for p in row] for row in block.rows]
        story.append(_compact_table(rows, width, heading_rows([plain(c.heading) for c in columns])))
    for grid in notes.blocks(Grid):
        story += _grid(grid, st, size, width)
    if not story:
        story.append(Paragraph("These notes have no key dates, key terms, comparison tables or questions.", st["body"]))
    return story


def _grid_band(grid: Grid) -> str:
    """A grid's band: its caption, else what its rows and columns are."""
    if grid.caption:
        return plain(grid.caption)
    columns = ", ".join(plain(h) for h in grid.columns)
    return f"{plain(grid.corner)}: {columns}" if grid.corner else columns


def _grid(grid: Grid, st: dict[str, Any], size: float, width: float) -> list[Any]:
    """A grid under its band, as the comparison tables: its row headings in bold in the first column."""
    headings = (grid.corner, *grid.columns)
    rows = [[Paragraph(para_text(h), st["head"]) if h else "" for h in headings]]
    for row in grid.rows:
        cells = [Paragraph(para_text(c.text), st["body"]) if c.text else "" for c in row.cells]
        rows.append([Paragraph(para_text(row.heading), st["head"]), *cells])
    table = _compact_table(rows, width, heading_rows([plain(h or ()) for h in headings]))
    return [_band(_grid_band(grid), size, width), table]


def _compact_table(rows: list[list[Any]], width: float, repeat: int) -> Any:
    """A ruled table of equal columns across `width`, padded tight for one page, its heading rows repeated."""
    columns = len(rows[0])
    table = Table(rows, colWidths=[width / columns] * columns, repeatRows=repeat, splitInRow=1)
    style = grid_table_style(rows=len(rows))
    for cmd in ("LEFTPADDING", "RIGHTPADDING"):
        style.add(cmd, (0, 0), (-1, -1), 3)
    style.add("TOPPADDING", (0, 0), (-1, -1), 2)
    style.add("BOTTOMPADDING", (0, 0), (-1, -1), 3)
    table.setStyle(style)
    return table
