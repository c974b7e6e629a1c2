"""Small exporters for testing the build pipeline, registered by a test (see test_pipeline.py's
`registered` fixture) in place of the installed ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from notesforge.diagnostics import Diagnostic, NotesError
from notesforge.exporters.base import Config, Exporter, setting
from notesforge.model import Location, Notes


@dataclass(frozen=True, slots=True)
class LabelConfig(Config):
    label: str = setting("plain", "What to write after the title")
    fail: bool = setting(False, "Fail after writing half the file")


class Label(Exporter):
    """Writes the notes' title and its `label`; with `fail`, dies halfway through writing."""

    name = "label"
    description = "The title and a label"
    suffix = ".label.txt"
    config_class = LabelConfig

    def export(self, notes: Notes, path: Path, config: LabelConfig) -> None:
        if config.fail:
            path.write_bytes(b"half a file")
            raise OSError(28, "No space left on device")
        path.write_bytes(f"{notes.meta.title}: {config.label}\n".encode())


class Failing(Exporter):
    """Always fails, as a bug would."""

    name = "failing"
    description = "Always fails"
    suffix = ".failing"

    def export(self, notes: Notes, path: Path, config: Config) -> None:
        raise ZeroDivisionError("division by zero")


class Located(Exporter):
    """Finds a problem in the notes, located at their first line."""

    name = "located"
    description = "Refuses every notes"
    suffix = ".located"

    def export(self, notes: Notes, path: Path, config: Config) -> None:
        raise NotesError([Diagnostic(Location("notes.toml", 1, 1), "this exporter refuses these notes")])
