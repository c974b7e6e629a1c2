"""The checks every classroom print (worksheet, flashcards, organiser) shares.

`check_print_basics`: same bytes twice, only embedded Noto Sans, hostile text printed literally
and missing glyphs warned about.
"""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pypdf

import notesforge
from notesforge.model import Notes
from support.common import EPOCH, HOSTILE, SEED
from support.pdf import Pdf, assert_fonts_embedded


def nows(text: str) -> str:
    """Text without whitespace or blank lines, to compare across line breaks and wraps."""
    return re.sub(r"[\s_]+", "", text)


def build(notes: Notes, fmt: str, out: Path, **settings: object) -> notesforge.Outcome:
    overrides = {fmt: {k: str(v) for k, v in settings.items()}} if settings else None
    [outcome] = notesforge.build(notes, [fmt], out, overrides, jobs=1)
    assert outcome.ok, outcome.detail or outcome.error
    assert outcome.path is not None
    return outcome


def all_text(path: Path) -> str:
    """Every page's text, margins included (flashcards print the title in the bottom margin)."""
    with pdfplumber.open(path) as pdf:
        return " ".join(page.extract_text() or "" for page in pdf.pages)


class Fonts(Pdf):
    """A `Pdf` for its `fonts()`, without reading the text layer of every page."""

    def __init__(self, path: Path) -> None:
        self.path, self.data, self.reader = path, path.read_bytes(), pypdf.PdfReader(path)


def check_print_basics(fmt: str, tmp_path: Path) -> None:
    """Same bytes from the same source; only embedded Noto Sans; hostile text printed as written."""
    seed = notesforge.loads(SEED.read_bytes(), str(SEED), epoch=EPOCH)
    first = build(seed, fmt, tmp_path / "a").path
    again = build(seed, fmt, tmp_path / "b").path
    assert first.name == f"{seed.meta.id}.{fmt}.pdf"
    assert first.read_bytes() == again.read_bytes()

    hostile = notesforge.loads(HOSTILE.read_bytes(), str(HOSTILE), epoch=EPOCH)
    outcome = build(hostile, fmt, tmp_path / "hostile")
    assert_fonts_embedded(Fonts(first), Fonts(outcome.path))
    text = all_text(outcome.path)
    for literal in ("<script>alert(1)</script>", "R&D"):
        assert literal in text, literal
    assert text.count("&amp;") <= 1 and "&lt;" not in text  # nothing escaped twice (one is in the notes)
    # The emoji of the hostile notes (line 22) have no glyph: warned about where they are written.
    [warning] = outcome.warnings
    assert warning.loc.line == 22 and "U+1F3EB" in warning.message and "U+1F469" in warning.message
