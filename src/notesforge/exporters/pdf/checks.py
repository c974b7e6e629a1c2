"""What the PDF exporters check before they build, each problem located where it is written.

- `choose_sections`: a teacher picks sections by id; an unknown id is an error naming the known ids;
- `check_choices`: a list setting (card kinds, ...) holds only known values;
- `setting_error`: a `NotesError` located at a setting, in the notes file or on `--set`;
- `missing_glyphs` / `warn_missing_glyphs`: characters Noto Sans cannot draw (printed as U+FFFD), a warning.

Light at import time (no reportlab until `fonts` registers the fonts), like the exporters that use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ...diagnostics import Diagnostic, NotesError
from ...model import Location, Notes, Section
from ...reader.document import did_you_mean
from ...alltext import all_text
from ..base import Exporter
from . import fonts


def missing_glyphs(notes: Notes) -> list[tuple[Location, list[str]]]:
    """Where the notes hold characters no embedded font can draw (printed as U+FFFD), and which."""
    found = []
    for loc, text in all_text(notes):
        missing = fonts.missing_glyphs([text])
        if missing:
            found.append((loc, missing))
    return found


def glyph_warning(missing: list[str]) -> str:
    """The user-facing message for characters `missing_glyphs` found."""
    shown = " ".join(f"{c} (U+{ord(c):04X})" for c in missing)
    return f"the PDF font (Noto Sans) has no glyph for {shown}: printed as \ufffd"


def warn_missing_glyphs(exporter: Exporter, notes: Notes) -> None:
    """Warn wherever the notes hold a character the PDF font cannot draw."""
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
