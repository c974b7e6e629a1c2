"""What the classroom prints (worksheet, flashcards, knowledge organiser) share.

- `SECTIONS_OPTION` and `choose_sections`: a teacher picks sections by id; an unknown
  id is a located error naming the known ids;
- `setting_error`: a `NotesError` located at a setting, in the notes file or on `--set`;
- `print_doc`: a `NotesDocTemplate` (same fonts, metadata and reproducible bytes as the
  revision booklet) with page templates of our own, portrait or landscape;
- `fitted_paragraph`: the largest type size at which a text fits a box;
- `warn_missing_glyphs`: the revision booklet's warning for characters Noto Sans cannot
  draw (printed as U+FFFD), located where they are written.

Light at import time: reportlab is imported inside the functions that need it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ...diagnostics import Diagnostic, NotesError
from ...model import Location, Notes, Section
from ...reader.document import did_you_mean
from ..base import Exporter, Option

SECTIONS_OPTION = Option(
    "sections", list, [], "ids of the sections to include, in this order (with their subsections); default all"
)


def warn_missing_glyphs(exporter: Exporter, notes: Notes) -> None:
    """Warn, as the revision booklet does, wherever the notes hold a character the PDF font cannot draw."""
    from .common import glyph_warning, missing_glyphs

    for loc, chars in missing_glyphs(notes):
        exporter.warn(loc, glyph_warning(chars))


def setting_location(notes: Notes, fmt: str, key: str, value: Any) -> Location:
    """Where the setting `fmt.key` with this value came from: the notes file, or `--set`."""
    setting = notes.settings.get(fmt, {}).get(key)
    if setting is not None and setting.value == value:
        return setting.loc or Location(notes.source.path, 0, 0)
    return Location(f"--set {fmt}.{key}", 0, 0)


def setting_error(notes: Notes, fmt: str, key: str, value: Any, messages: Iterable[str]) -> NotesError:
    loc = setting_location(notes, fmt, key, value)
    return NotesError([Diagnostic(loc, message) for message in messages])


def choose_sections(notes: Notes, fmt: str, ids: Sequence[str]) -> list[Section]:
    """Every section (document order) if `ids` is empty, else those sections and their subsections.

    Raises `NotesError` naming the known ids if any id is unknown.
    """
    if not ids:
        return list(notes.walk())
    by_id = {section.id: section for section in notes.walk()}
    check_choices(notes, fmt, "sections", ids, list(by_id), "section id")
    chosen: dict[str, Section] = {}
    for i in ids:
        for section in by_id[i].walk():
            chosen.setdefault(section.id, section)
    return list(chosen.values())


def check_choices(
    notes: Notes, fmt: str, key: str, values: Sequence[str], allowed: Sequence[str], noun: str = "value"
) -> None:
    """Raise a located `NotesError` if the list setting `fmt.key` holds anything outside `allowed`."""
    known = ", ".join(allowed) or "none"
    wrong = [v for v in values if v not in allowed]
    if wrong:
        messages = [
            f"{fmt}.{key}: unknown {noun} {v!r}{did_you_mean(v, list(allowed))} (known: {known})" for v in wrong
        ]
        raise setting_error(notes, fmt, key, list(values), messages)


def hex_color(color: Any) -> str:
    """A reportlab colour as `#rrggbb`, for `<font color=...>` in Paragraph markup."""
    return color.hexval().replace("0x", "#")


def print_doc(
    out: Any,
    notes: Notes,
    *,
    paper: str,
    subject: str,
    templates: Callable[[Any], list],
    landscape: bool = False,
    margins: Any = None,
) -> Any:
    """A `NotesDocTemplate` whose page templates are `templates(doc)` (called once the page size is set)."""
    from reportlab.lib.pagesizes import landscape as turned

    from .common import MARGINS, NotesDocTemplate

    doc = NotesDocTemplate(out, notes, paper=paper, subject=subject, margins=margins or MARGINS)
    if landscape:
        doc.pagesize = turned(doc.pagesize)
        doc._calc()  # width and height of the body from the new page size
    doc.pageTemplates = []
    doc.addPageTemplates(templates(doc))
    return doc


def fitted_paragraph(markup: str, style: Any, width: float, height: float, sizes: Iterable[float]) -> tuple[Any, float]:
    """The Paragraph at the first of `sizes` whose lines fit `width` x `height`, and its height.

    If none fits, the last (smallest) size is returned; the caller scales it down.
    """
    from reportlab.platypus import Paragraph

    para, used = None, 0.0
    for size in sizes:
        para = Paragraph(markup, style.clone(f"{style.name}-{size}", fontSize=size, leading=size * 1.22))
        _, used = para.wrap(width, height)
        if used <= height and max(para.getActualLineWidths0(), default=0) <= width + 0.01:
            break
    assert para is not None, "no sizes given"
    return para, used
