"""notesforge: write revision notes once, build Anki decks, PDFs and EPUB booklets.

The public names load on first use, so `notesforge --help` stays as quick as click itself.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .course import Course
    from .diagnostics import Diagnostic, NotesError
    from .model import Notes
    from .pipeline import Outcome, build
    from .reader import load, load_course, loads

_LAZY = {
    "Course": "course",
    "Diagnostic": "diagnostics",
    "NotesError": "diagnostics",
    "Notes": "model",
    "Outcome": "pipeline",
    "build": "pipeline",
    "load": "reader",
    "load_course": "reader",
    "loads": "reader",
}

__all__ = [
    "Course",
    "Diagnostic",
    "Notes",
    "NotesError",
    "Outcome",
    "__version__",
    "build",
    "load",
    "load_course",
    "loads",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'notesforge' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
