"""notesforge: write revision notes once, build Anki decks, PDFs and EPUB booklets."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .diagnostics import Diagnostic, NotesError
from .model import Notes
from .pipeline import Outcome, build
from .reader import load, loads

try:
    __version__ = version("notesforge")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0"

__all__ = ["Diagnostic", "Notes", "NotesError", "Outcome", "__version__", "build", "load", "loads"]
