"""PDFs read back: the text layer and tables (pdfplumber), the outline, fonts and metadata (pypdf)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pdfplumber
import pypdf

MM = 72 / 25.4


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


class Pdf:
    """One built PDF, read once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data = path.read_bytes()
        self.reader = pypdf.PdfReader(path)
        with pdfplumber.open(path) as pdf:
            self.size = (float(pdf.pages[0].width), float(pdf.pages[0].height))
            # Content-stream order keeps each paragraph and table cell in one piece; the
            # footer (below 16 mm) is left out so a paragraph split over pages stays whole.
            self.pages = [
                squash(p.crop((0, 0, p.width, p.height - 16 * MM)).extract_text(use_text_flow=True) or "")
                for p in pdf.pages
            ]
            self.footers = [
                squash(p.crop((0, p.height - 16 * MM, p.width, p.height)).extract_text() or "") for p in pdf.pages
            ]
            self.tables = [t for p in pdf.pages for t in p.extract_tables()]
            self.curves = [len(p.curves) for p in pdf.pages]
            self.images = [len(p.images) for p in pdf.pages]
        self.text = " ".join(self.pages)

    def outline(self) -> list[tuple[int, str, int]]:
        """(level, title, 1-based page) of every outline entry, in order."""

        def walk(items: list, level: int) -> list[tuple[int, str, int]]:
            out = []
            for item in items:
                if isinstance(item, list):
                    out += walk(item, level + 1)
                else:
                    out.append((level, item.title, self.reader.get_destination_page_number(item) + 1))
            return out

        return walk(self.reader.outline, 0)

    def fonts(self) -> dict[str, pypdf.generic.DictionaryObject]:
        """Every font used on any page or in any form XObject, by base name."""
        found: dict[str, pypdf.generic.DictionaryObject] = {}

        def scan(resources: pypdf.generic.DictionaryObject | None) -> None:
            if not resources:
                return
            resources = resources.get_object()
            for font in (resources.get("/Font") or {}).values():
                font = font.get_object()
                found[str(font["/BaseFont"])] = font
            for xobject in (resources.get("/XObject") or {}).values():
                scan(xobject.get_object().get("/Resources"))

        for page in self.reader.pages:
            scan(page.get("/Resources"))
        return found


def assert_fonts_embedded(*pdfs: Pdf) -> None:
    """Every font is an embedded Noto Sans (regular, bold, italic); Helvetica and Times never appear."""
    for pdf in pdfs:
        fonts = pdf.fonts()
        assert fonts, "no fonts found"
        for name, font in fonts.items():
            assert re.fullmatch(r"/[A-Z]{6}\+NotoSans-(Regular|Bold|Italic|BoldItalic)", name), name
            assert "/FontFile2" in font["/FontDescriptor"], f"{name} is not embedded"
        assert b"Helvetica" not in pdf.data and b"Times-Roman" not in pdf.data
