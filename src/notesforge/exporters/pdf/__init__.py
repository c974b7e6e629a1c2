"""The printed formats (PDF): revision booklet, cloze worksheet, duplex flashcards, knowledge organiser.

This module holds the four exporters (names, descriptions, settings) and imports no
reportlab, so listing formats or checking notes stays fast. Each `export()` imports its
format's module, which imports reportlab:

- `booklet`, `worksheet`, `flashcards`, `organiser`: one format each (`build_...`);
- `document`: `NotesDocTemplate` (reproducible bytes, metadata, paper size, margins,
  footer, page references resolved in one pass), `PageRef`, `Margins`, and
  `doc_with_templates` for page layouts of one's own;
- `outline`: headings that bookmark their place (`OutlineHeading`, `mark`), for every outline;
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

import dataclasses
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ...course import SEPARATOR, Course
from ...diagnostics import NotesError
from ...model import Location, Notes
from .._media import collect
from ..base import Exporter, unit_key
from . import fonts
from .checks import choose_sections, warn_missing_glyphs
from .config import BookletConfig, FlashcardsConfig, OrganiserConfig, WorksheetConfig

__all__ = ["FlashcardsExporter", "OrganiserExporter", "PdfExporter", "WorksheetExporter"]


class Printed(Exporter):
    """Every printed format: the fonts are unpacked while the notes are read (`Exporter.prepare`)."""

    @classmethod
    def prepare(cls) -> Callable[[], None]:
        return fonts.unpack_in_background()


class PdfExporter(Printed):
    name = "pdf"
    description = "Printable revision booklet (PDF): contents, tables, timeline, glossary, test yourself"
    suffix = ".pdf"
    config_class = BookletConfig
    cost = 4.0

    def export(self, notes: Notes, path: Path, config: BookletConfig) -> None:
        from .booklet import build_booklet

        warn_missing_glyphs(self, notes)
        build_booklet(notes, path, config, self.warn)

    def export_course(self, course: Course, path: Path, config: BookletConfig, units: Sequence[Any]) -> None:
        """One booklet: a part per unit, one contents, the outline course -> unit -> section."""
        from .booklet import build_booklet

        notes = course.as_notes()
        warn_missing_glyphs(self, notes)
        build_booklet(notes, path, config, self.warn, course=True)


class BoundCourse(Printed):
    """A printed format whose course output is each unit's own PDF, bound in order (`binding`):
    a part per unit, reused from the last build while the unit and the settings are unchanged."""

    def export_course(self, course: Course, path: Path, config: Any, units: Sequence[Any]) -> None:
        from .binding import bind

        chosen = []  # (unit, its part's settings, the part's key), in order
        for unit, unit_config in zip(course.units, units, strict=True):
            part_config = self.unit_config(config, unit_config, unit)
            if part_config is not None:
                chosen.append((unit, part_config, unit_key(unit, self.name, repr(part_config))))
        kept = {key: data for *_, key in chosen if (data := self.parts.get(key)) is not None}
        todo = [(unit, part_config, key) for unit, part_config, key in chosen if key not in kept]
        problems = []
        for (*_, key), (data, warnings, errors) in zip(todo, self._made(todo), strict=True):
            self.warnings += warnings
            problems += errors
            if data is not None:
                kept[key] = data
                self.parts.put(key, data)
        if problems:
            raise NotesError(problems)
        bind(course.meta, [(unit.meta.title, kept[key]) for unit, _, key in chosen], path)

    def _made(self, todo: list[tuple[Notes, Any, str]]) -> list[tuple[bytes | None, list, list]]:
        """Each unit's part; in parallel processes when there are several and this build is not
        already one of several formats in parallel (one core each)."""
        import multiprocessing
        import os

        items = [(type(self), unit, part_config) for unit, part_config, _ in todo]
        if len(items) < 2 or (os.cpu_count() or 1) < 2 or multiprocessing.parent_process() is not None:
            return [_part(item) for item in items]
        from concurrent.futures import ProcessPoolExecutor

        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        with ProcessPoolExecutor(os.cpu_count(), mp_context=multiprocessing.get_context(method)) as pool:
            return list(pool.map(_part, items))

    def unit_config(self, config: Any, unit_config: Any, unit: Notes) -> Any:
        """The settings of a unit's part: the unit's own, with the course's choice of `sections`
        (units, or UNIT/SECTION ids) as the unit's; None to leave the unit out."""
        from .binding import unit_sections

        sections = unit_sections(config.sections, unit.meta.id, SEPARATOR)
        return None if sections is None else dataclasses.replace(unit_config, sections=sections)


def _part(item: tuple[type[Exporter], Notes, Any]) -> tuple[bytes | None, list, list]:
    """(PDF, warnings, problems) of one unit's part; a `NotesError` does not pickle back from a
    worker, its diagnostics do."""
    exporter_class, unit, config = item
    exporter = exporter_class()
    with tempfile.TemporaryDirectory(prefix="notesforge-part-") as work:
        part = Path(work) / "part.pdf"
        try:
            exporter.export(unit, part, config)
        except NotesError as exc:
            return None, exporter.warnings, list(exc.diagnostics)
        return part.read_bytes(), exporter.warnings, []


class WorksheetExporter(BoundCourse):
    name = "worksheet"
    description = "Fill-in-the-blanks worksheet (PDF): numbered blanks for the key facts, answers key at the end"
    suffix = ".worksheet.pdf"
    config_class = WorksheetConfig
    cost = 4.0

    def export(self, notes: Notes, path: Path, config: WorksheetConfig) -> None:
        from .worksheet import build_worksheet

        warn_missing_glyphs(self, notes)
        build_worksheet(notes, choose_sections(notes, config.sections), path, config)


class FlashcardsExporter(BoundCourse):
    name = "flashcards"
    description = "Printable flashcards (PDF): a grid of cards per page, backs behind fronts when printed duplex"
    suffix = ".flashcards.pdf"
    config_class = FlashcardsConfig
    cost = 4.0

    def export(self, notes: Notes, path: Path, config: FlashcardsConfig) -> None:
        from .flashcards import build_flashcards, drawable, faces_of

        sections = {s.id for s in choose_sections(notes, config.sections)}
        faces = list(faces_of(notes, set(config.kinds), sections))
        warn_missing_glyphs(self, notes)
        faces = drawable(faces, self.warn)
        pictures = {path: media.data for path, media in collect(face.image for face in faces).items()}
        build_flashcards(notes, faces, str(path), config, pictures)


class OrganiserExporter(BoundCourse):
    name = "organiser"
    description = "Knowledge organiser (PDF): dates, terms, tables and big questions on one landscape page"
    suffix = ".organiser.pdf"
    config_class = OrganiserConfig
    cost = 4.0

    def export(self, notes: Notes, path: Path, config: OrganiserConfig) -> None:
        from .organiser import SIZES, build_organiser

        warn_missing_glyphs(self, notes)
        pages, data = build_organiser(notes, config.paper)
        if pages > 2:
            where = notes.meta.loc or Location(notes.source.path, 0, 0)
            self.warn(where, f"the knowledge organiser takes {pages} pages even at {SIZES[-1]:g} pt: shorten the notes")
        path.write_bytes(data)

    def unit_config(self, config: Any, unit_config: Any, unit: Notes) -> Any:
        return unit_config  # every unit's organiser, with its own settings
