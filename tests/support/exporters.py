"""Small exporters for testing the build pipeline, registered by a test (see test_pipeline.py's
`registered` fixture) in place of the installed ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from notesforge.diagnostics import Diagnostic, NotesError
from notesforge.exporters.base import Exporter, Option, atomic_path, write_bytes_atomically
from notesforge.model import Location, Notes


class Label(Exporter):
    """Writes the notes' title and its `label`; with `fail`, dies halfway through writing."""

    name = "label"
    description = "The title and a label"
    suffix = ".label.txt"
    options = (
        Option("label", str, "plain", "What to write after the title"),
        Option("fail", bool, False, "Fail after writing half the file"),
    )

    def export(self, notes: Notes, out_dir: Path, settings: Mapping[str, Any]) -> Path:
        target = self.output_path(notes, out_dir)
        if settings["fail"]:
            with atomic_path(target) as tmp:
                tmp.write_bytes(b"half a file")
                raise OSError(28, "No space left on device")
        return write_bytes_atomically(target, f"{notes.meta.title}: {settings['label']}\n".encode())


class Failing(Exporter):
    """Always fails, as a bug would."""

    name = "failing"
    description = "Always fails"
    suffix = ".failing"

    def export(self, notes: Notes, out_dir: Path, settings: Mapping[str, Any]) -> Path:
        raise ZeroDivisionError("division by zero")


class Located(Exporter):
    """Finds a problem in the notes, located at their first line."""

    name = "located"
    description = "Refuses every notes"
    suffix = ".located"

    def export(self, notes: Notes, out_dir: Path, settings: Mapping[str, Any]) -> Path:
        raise NotesError([Diagnostic(Location("notes.toml", 1, 1), "this exporter refuses these notes")])
