"""What the PDF exporters check and choose before they build.

- `choose_sections`: the sections a teacher picked by id (`config.py` has checked the ids);
- `missing_glyphs` / `warn_missing_glyphs`: characters Noto Sans cannot draw (printed as U+FFFD), a warning.

Light at import time (no reportlab until `fonts` registers the fonts), like the exporters that use it.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...alltext import all_text
from ...model import Location, Notes, Section
from ..base import Exporter
from . import fonts


def missing_glyphs(notes: Notes) -> list[tuple[Location, list[str]]]:
    """Where the notes hold characters no embedded font can draw (printed as U+FFFD), and which."""
    texts = list(all_text(notes))
    if not fonts.missing_glyphs(["".join(text for _, text in texts)]):  # the usual notes: all printable
        return []
    found = []
    for loc, text in texts:
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


def choose_sections(notes: Notes, ids: Sequence[str]) -> list[Section]:
    """Every section (document order) if `ids` is empty, else those sections and their subsections.

    The ids are known ones: the settings were checked against the notes before the build.
    """
    if not ids:
        return list(notes.walk())
    by_id = {section.id: section for section in notes.walk()}
    chosen: dict[str, Section] = {}
    for i in ids:
        for section in by_id[i].walk():
            chosen.setdefault(section.id, section)
    return list(chosen.values())
