"""Importers: another front end. Each reads a source (an Anki package, Markdown, a CSV file) into the
content model, and `writer` renders the model as a notes file a person could have written.

`import_source` picks the importer by the file's suffix; every importer returns an `Imported`:
the notes, the image files to write beside them, and a `Report` of what was mapped and what was not.
"""

from __future__ import annotations

from pathlib import Path

from .base import Imported, ImportFailed, Report

__all__ = ["SUFFIXES", "ImportFailed", "Imported", "Report", "import_source"]

SUFFIXES = {
    ".apkg": "anki",
    ".colpkg": "anki",
    ".md": "markdown",
    ".markdown": "markdown",
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
}


def import_source(path: Path, notes_id: str | None = None) -> Imported:
    """Read `path` with the importer its suffix names; raise `ImportFailed` for what cannot be read."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(SUFFIXES))
        raise ImportFailed(f"{path}: cannot import a '{path.suffix}' file; the importers read {known}")
    if not path.is_file():
        raise ImportFailed(f"{path}: no such file")
    if kind == "anki":
        from . import anki

        return anki.read(path, notes_id)
    if kind == "markdown":
        from . import markdown

        return markdown.read(path, notes_id)
    from . import csv

    return csv.read(path, notes_id)
