"""PDF exporters: the printed revision booklet, and the pieces other PDF formats share.

Shared layer (import inside `export()`, they import reportlab):

- `fonts`: the embedded Noto Sans family (`register()`, `REGULAR`, `BOLD`, ...),
  glyph coverage (`missing_glyphs`);
- `markup`: `PdfInline` (an `InlineRenderer` for Paragraph markup) and `para_text`;
- `styles`: paragraph styles and a ruled table style, all in Noto Sans;
- `common`: `NotesDocTemplate` (reproducible bytes, metadata, paper size, margins,
  footer, page references resolved in one pass) and `PageRef`;
- `options`: `PAPER_OPTION` (light: safe at module level).

The booklet itself is `booklet.build_booklet`, exported as `PdfExporter`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ...model import Notes
from ..base import Exporter, Option, atomic_path
from .options import PAPER_OPTION

__all__ = ["PAPER_OPTION", "PdfExporter"]


class PdfExporter(Exporter):
    name = "pdf"
    description = "Printable revision booklet (PDF): contents, tables, timeline, glossary, test yourself"
    suffix = ".pdf"
    cost = 4.0
    options = (
        PAPER_OPTION,
        Option("questions", bool, True, "end with a 'test yourself' page of the explicit cards, answers last"),
    )

    def export(self, notes: Notes, out_dir: Path, settings: Mapping[str, Any]) -> Path:
        from .booklet import build_booklet
        from .common import glyph_warning, missing_glyphs

        for loc, chars in missing_glyphs(notes):
            self.warn(loc, glyph_warning(chars))
        target = self.output_path(notes, out_dir)
        with atomic_path(target) as tmp:
            build_booklet(notes, tmp, settings, self.warn)
        return target
