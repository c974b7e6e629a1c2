"""Typography shared by the notesforge PDFs: paragraph styles and table styles in Noto Sans.

Every style names an embedded font explicitly (also `bulletFontName`), so
reportlab's Helvetica never sneaks in. `Styles` is a plain object of
`ParagraphStyle`s; `grid_table_style` gives a ruled table with a shaded heading row;
`hex_color` writes a colour for `<font color=...>` in Paragraph markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import TableStyle

from . import fonts

INK = colors.Color(0.13, 0.13, 0.16)
MUTED = colors.Color(0.38, 0.38, 0.42)
ACCENT = colors.Color(0.10, 0.27, 0.45)  # deep blue: reads as dark grey on a mono printer
ACCENT_LIGHT = colors.Color(0.90, 0.93, 0.97)
RULE = colors.Color(0.62, 0.64, 0.68)
ZEBRA = colors.Color(0.965, 0.97, 0.975)


def hex_color(color: colors.Color) -> str:
    """A colour as `#rrggbb`, for `<font color=...>` in Paragraph markup."""
    return color.hexval().replace("0x", "#")


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of the printed formats."""

    body: ParagraphStyle
    bullet: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    byline: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    caption: ParagraphStyle
    cell: ParagraphStyle
    cell_head: ParagraphStyle
    small: ParagraphStyle
    toc1: ParagraphStyle
    toc2: ParagraphStyle


def make_styles(size: float = 10.5) -> Styles:
    """The paragraph styles at a body size of `size` points (registers the fonts)."""
    fonts.register()
    lead = size * 1.38

    def style(name: str, **kw: object) -> ParagraphStyle:
        base = {
            "fontName": fonts.REGULAR,
            "fontSize": size,
            "leading": lead,
            "textColor": INK,
            "bulletFontName": fonts.REGULAR,
            "alignment": TA_LEFT,
        }
        base.update(kw)
        return ParagraphStyle(name, **base)

    return Styles(
        body=style("body", spaceAfter=size * 0.6),
        bullet=style(
            "bullet",
            leftIndent=size * 1.5,
            bulletIndent=size * 0.35,
            bulletFontSize=size,
            bulletColor=ACCENT,
            spaceAfter=size * 0.35,
        ),
        title=style("title", fontName=fonts.BOLD, fontSize=size * 2.9, leading=size * 3.3, textColor=ACCENT),
        subtitle=style("subtitle", fontSize=size * 1.6, leading=size * 2.0, textColor=INK, spaceBefore=size * 0.3),
        byline=style("byline", fontSize=size * 1.0, leading=size * 1.45, textColor=MUTED),
        h1=style(
            "h1",
            fontName=fonts.BOLD,
            fontSize=size * 1.55,
            leading=size * 1.9,
            textColor=ACCENT,
            spaceBefore=size * 1.4,
            spaceAfter=size * 0.55,
            keepWithNext=1,
        ),
        h2=style(
            "h2",
            fontName=fonts.BOLD,
            fontSize=size * 1.22,
            leading=size * 1.55,
            textColor=INK,
            spaceBefore=size * 1.0,
            spaceAfter=size * 0.4,
            keepWithNext=1,
        ),
        h3=style("h3", fontName=fonts.BOLD, spaceBefore=size * 0.8, spaceAfter=size * 0.3, keepWithNext=1),
        caption=style("caption", fontName=fonts.BOLD_ITALIC, textColor=MUTED, spaceBefore=4, spaceAfter=5),
        cell=style("cell", fontSize=size * 0.93, leading=size * 1.27),
        cell_head=style("cell_head", fontName=fonts.BOLD, fontSize=size * 0.95, leading=size * 1.27, textColor=INK),
        small=style("small", fontSize=size * 0.85, leading=size * 1.18, textColor=MUTED),
        toc1=style("toc1", fontSize=size * 1.05, leading=size * 1.7),
        toc2=style("toc2", fontSize=size * 0.95, leading=size * 1.5, leftIndent=size * 1.6, textColor=MUTED),
    )


def grid_table_style(header_rows: int = 1, zebra: bool = True, rows: int = 0) -> TableStyle:
    """A ruled grid with a shaded, bold heading row; every cell font is Noto Sans."""
    cmds: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("BOX", (0, 0), (-1, -1), 0.9, ACCENT),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]
    if header_rows:
        cmds += [
            ("FONTNAME", (0, 0), (-1, header_rows - 1), fonts.BOLD),
            ("BACKGROUND", (0, 0), (-1, header_rows - 1), ACCENT_LIGHT),
            ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.9, ACCENT),
            ("VALIGN", (0, 0), (-1, header_rows - 1), "BOTTOM"),
        ]
    if zebra and rows:
        for r in range(header_rows + 1, rows, 2):
            cmds.append(("BACKGROUND", (0, r), (-1, r), ZEBRA))
    return TableStyle(cmds)


# A heading row longer than this is not repeated after a page break: it could fill a page itself.
MAX_REPEATED_HEADING = 400


def heading_rows(headings: list[str]) -> int:
    """`repeatRows` for a table whose heading row holds `headings` (plain text): 1, or 0 if too long."""
    return 1 if sum(len(h) for h in headings) <= MAX_REPEATED_HEADING else 0
