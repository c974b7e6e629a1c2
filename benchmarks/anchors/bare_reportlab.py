"""Anchor: the same content as notesforge's PDF booklet, built by bare reportlab in one pass.

    python benchmarks/anchors/bare_reportlab.py SOURCE OUT.pdf

The one-pass floor of the printed formats: a SimpleDocTemplate with the same embedded
Unicode font (Noto Sans from pymupdf_fonts, as notesforge uses: Helvetica cannot draw
Cyrillic or Greek): headings, paragraphs, bullet paragraphs, ruled tables whose heading
row repeats on each page, events, the glossary and the explicit cards, and a page number
on every page. No contents page, no page references, no checks.
"""

from __future__ import annotations

import io
import sys
from typing import Any

from _source import load, plain, sections, text_of, to_html
from pymupdf_fonts import NotoSans_Bold, NotoSans_BoldItalic, NotoSans_Italic, NotoSans_Regular
from reportlab.lib import colors
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FACES = {
    "Noto": NotoSans_Regular,
    "Noto-Bold": NotoSans_Bold,
    "Noto-Italic": NotoSans_Italic,
    "Noto-BoldItalic": NotoSans_BoldItalic,
}


def fonts() -> None:
    for name, module in FACES.items():
        pdfmetrics.registerFont(TTFont(name, io.BytesIO(module.fontbuffer)))
    for bold, italic, name in ((0, 0, "Noto"), (1, 0, "Noto-Bold"), (0, 1, "Noto-Italic"), (1, 1, "Noto-BoldItalic")):
        addMapping("Noto", bold, italic, name)


def flowables(block: dict, styles: Any, grid: TableStyle) -> list[Any]:
    kind, body, bullet = block["type"], styles["BodyText"], styles["Bullet"]
    if kind == "paragraph":
        return [Paragraph(to_html(block["text"]), body)]
    if kind == "bullets":
        return [Paragraph(to_html(text_of(i)), bullet, bulletText="•") for i in block["items"]]
    if kind == "table":
        columns = block["columns"]
        data = [[Paragraph(to_html(c["heading"]), body) for c in columns]]
        for r in range(max(len(c["points"]) for c in columns)):
            data.append([Paragraph(to_html(c["points"][r]), body) if r < len(c["points"]) else "" for c in columns])
        return [Paragraph(to_html(block.get("caption", "")), body), Table(data, repeatRows=1, style=grid)]
    if kind == "events":
        return [Paragraph(f"<b>{plain(e['date'])}</b> — {to_html(e['text'])}", bullet) for e in block["items"]]
    if kind == "terms":
        return [Paragraph(f"<b>{to_html(t['term'])}</b>: {to_html(t['definition'])}", body) for t in block["items"]]
    out = [Paragraph("Test yourself", styles["Heading4"])]
    for c in block["items"]:
        text = to_html(c["cloze"]) if "cloze" in c else f"{to_html(c['q'])} — {to_html(c['a'])}"
        out.append(Paragraph(text, bullet, bulletText="•"))
    return out


def page_number(canvas: Any, doc: Any) -> None:
    canvas.setFont("Noto", 8)
    canvas.drawCentredString(A4[0] / 2, 20, str(canvas.getPageNumber()))


def main(source: str, out: str) -> None:
    fonts()
    doc = load(source)
    styles = getSampleStyleSheet()
    for style in styles.byName.values():
        style.fontName = "Noto-Bold" if style.name.startswith(("Heading", "Title")) else "Noto"
    styles["Bullet"].bulletFontName = "Noto"
    grid = TableStyle([("FONTNAME", (0, 0), (-1, -1), "Noto"), ("GRID", (0, 0), (-1, -1), 0.5, colors.grey)])
    story = [Paragraph(plain(doc["notes"]["title"]), styles["Title"])]
    for depth, section in sections(doc):
        story.append(Paragraph(to_html(section["title"]), styles[f"Heading{min(depth, 4)}"]))
        for block in section.get("block", []):
            story += flowables(block, styles, grid)
            story.append(Spacer(1, 4))
    template = SimpleDocTemplate(out, pagesize=A4, title=plain(doc["notes"]["title"]), initialFontName="Noto")
    template.build(story, onFirstPage=page_number, onLaterPages=page_number)


if __name__ == "__main__":
    main(*sys.argv[1:3])
