"""The printed formats (PDF): revision booklet, cloze worksheet, duplex flashcards, knowledge organiser.

This module holds the four exporters (names, descriptions, settings) and imports no
reportlab, so listing formats or checking notes stays fast. Each `export()` imports its
format's module, which imports reportlab:

- `booklet`, `worksheet`, `flashcards`, `organiser`: one format each (`build_...`);
- `document`: `NotesDocTemplate` (reproducible bytes, metadata, paper size, margins,
  footer, page references resolved in one pass), `PageRef`, `Margins`, and
  `doc_with_templates` for page layouts of one's own;
- `styles`: colours, paragraph styles and a ruled table style, all in Noto Sans;
- `timeline`: the drawn timelines (of the booklet and of the organiser).

Light, like this module:

- `checks`: what every exporter checks before building (chosen sections, list settings,
  characters the font cannot draw);
- `fonts`: the embedded Noto Sans family (`register()`, `REGULAR`, `BOLD`, ...) and its
  glyph coverage (reportlab is imported on the first `register()`);
- `markup`: `PdfInline` (an `InlineRenderer` for Paragraph markup) and `para_text`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ...cards import CardKind
from ...model import Location, Notes
from ..base import Exporter, Option, atomic_path
from ..media import collect
from .checks import check_choices, choose_sections, warn_missing_glyphs

__all__ = [
    "PAPER_OPTION",
    "SECTIONS_OPTION",
    "FlashcardsExporter",
    "OrganiserExporter",
    "PdfExporter",
    "WorksheetExporter",
]

PAPER_SIZES = ("a4", "letter")
PAPER_OPTION = Option("paper", str, "a4", "paper size: a4 or letter", choices=PAPER_SIZES)
SECTIONS_OPTION = Option(
    "sections", list, [], "ids of the sections to include, in this order (with their subsections); default all"
)
KINDS = tuple(kind.value for kind in CardKind)


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

        warn_missing_glyphs(self, notes)
        target = self.output_path(notes, out_dir)
        with atomic_path(target) as tmp:
            build_booklet(notes, tmp, settings, self.warn)
        return target


class WorksheetExporter(Exporter):
    name = "worksheet"
    description = "Fill-in-the-blanks worksheet (PDF): numbered blanks for the key facts, answers key at the end"
    suffix = ".worksheet.pdf"
    cost = 4.0
    options = (
        PAPER_OPTION,
        SECTIONS_OPTION,
        Option("shuffle", bool, False, "shuffle the bullets of each list (the same order for the same seed)"),
        Option("seed", int, 1, "the seed of the shuffle: another seed, another version of the worksheet"),
    )

    def export(self, notes: Notes, out_dir: Path, settings: Mapping[str, Any]) -> Path:
        from .worksheet import build_worksheet

        sections = choose_sections(notes, self.name, settings["sections"])
        warn_missing_glyphs(self, notes)
        target = self.output_path(notes, out_dir)
        with atomic_path(target) as tmp:
            build_worksheet(notes, sections, tmp, settings)
        return target


class FlashcardsExporter(Exporter):
    name = "flashcards"
    description = "Printable flashcards (PDF): a grid of cards per page, backs behind fronts when printed duplex"
    suffix = ".flashcards.pdf"
    cost = 4.0
    options = (
        PAPER_OPTION,
        Option("columns", int, 2, "cards across a page", choices=(1, 2, 3, 4)),
        Option("rows", int, 4, "cards down a page", choices=tuple(range(1, 9))),
        Option("kinds", list, list(KINDS), "which cards: " + ", ".join(KINDS)),
        SECTIONS_OPTION,
    )

    def export(self, notes: Notes, out_dir: Path, settings: Mapping[str, Any]) -> Path:
        from .flashcards import build_flashcards, drawable, faces_of

        check_choices(notes, self.name, "kinds", settings["kinds"], KINDS, "card kind")
        sections = {s.id for s in choose_sections(notes, self.name, settings["sections"])}
        faces = list(faces_of(notes, set(settings["kinds"]), sections))
        warn_missing_glyphs(self, notes)
        faces = drawable(faces, self.warn)
        pictures = {path: media.data for path, media in collect(face.image for face in faces).items()}
        target = self.output_path(notes, out_dir)
        with atomic_path(target) as tmp:
            build_flashcards(notes, faces, str(tmp), settings, pictures)
        return target


class OrganiserExporter(Exporter):
    name = "organiser"
    description = "Knowledge organiser (PDF): dates, terms, tables and big questions on one landscape page"
    suffix = ".organiser.pdf"
    cost = 4.0
    options = (PAPER_OPTION,)

    def export(self, notes: Notes, out_dir: Path, settings: Mapping[str, Any]) -> Path:
        from .organiser import SIZES, build_organiser

        warn_missing_glyphs(self, notes)
        pages, data = build_organiser(notes, settings["paper"])
        if pages > 2:
            where = notes.meta.loc or Location(notes.source.path, 0, 0)
            self.warn(where, f"the knowledge organiser takes {pages} pages even at {SIZES[-1]:g} pt: shorten the notes")
        target = self.output_path(notes, out_dir)
        with atomic_path(target) as tmp:
            tmp.write_bytes(data)
        return target
