"""What every exporter is: a named class that turns `Notes` into one file, and its typed settings.

Exporter modules import their heavy libraries inside `export()`, so listing formats or checking a
source stays fast. The build writes each output atomically around `export()`; an exporter writes
the path it is given.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import typing
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from .._version import __version__
from ..course import Course, image_files
from ..diagnostics import Diagnostic, did_you_mean
from ..model import IssuedCard, Location, Notes

# The type of a list setting: `kinds = ["basic", "cloze"]`, or `--set flashcards.kinds=basic,cloze`.
Strings = tuple[str, ...]


def setting(default: Any, description: str, *, choices: Iterable[Any] = (), noun: str = "value") -> Any:
    """A field of a `Config`: its default, what it means (for `notesforge formats --settings`), and
    the values it may take (for a list setting: the values its items may take, called `noun`)."""
    return dataclasses.field(
        default=default, metadata={"description": description, "choices": tuple(choices), "noun": noun}
    )


@dataclass(frozen=True, slots=True)
class Config:
    """An exporter's settings: a frozen dataclass whose fields, declared with `setting()`, are the
    keys of its `[export.FORMAT]` table. Values are checked against the field types (str, bool,
    int, float, `Strings`) and choices before any format builds; `problems()` checks what needs the
    notes in hand."""

    @classmethod
    def options(cls) -> tuple[Option, ...]:
        hints = typing.get_type_hints(cls)
        return tuple(
            Option(f.name, _OPTION_TYPES[hints[f.name]], f.default, f.metadata["description"], **_extra(f.metadata))
            for f in dataclasses.fields(cls)
        )

    def problems(self, notes: Notes) -> Iterator[tuple[str, str]]:
        """(key, message) for each value that does not fit these notes (a section id they lack)."""
        return iter(())


def _extra(metadata: Any) -> dict[str, Any]:
    return {"choices": metadata.get("choices", ()), "noun": metadata.get("noun", "value")}


_OPTION_TYPES: dict[Any, type] = {str: str, bool: bool, int: int, float: float, Strings: list}


@dataclass(frozen=True, slots=True)
class Option:
    """One `[export.FORMAT]` setting, as a `Config` field declares it."""

    name: str
    type: type  # str, bool, int, float or list (of strings, held as a tuple)
    default: Any
    description: str
    choices: tuple[Any, ...] = ()  # of a list: of its items
    noun: str = "value"  # what an item of a list is called in messages

    @property
    def span(self) -> tuple[int, int] | None:
        """(lowest, highest) when the choices are every whole number from one to the other."""
        choices = self.choices
        if not choices or not all(isinstance(c, int) and not isinstance(c, bool) for c in choices):
            return None
        low, high = min(choices), max(choices)
        return (low, high) if sorted(choices) == list(range(low, high + 1)) else None

    def coerce(self, value: Any, *, text: bool = True) -> Any:
        """Check a value from TOML, or convert one given as text by `--set` (`text`: a string may
        stand for a number, a boolean or a comma list); raise ValueError."""
        if isinstance(value, str) and self.type is not str:
            if not text:  # TOML has types: `paper = 4` and `questions = "no"` are both mistakes
                example = '["a", "b"]' if self.type is list else "without quotes"
                raise ValueError(f"must be {_TYPE_NAMES[self.type]}, not a string: write it {example}")
            value = _from_text(value, self.type)
        if self.type is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if self.type is list:
            if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"must be {_TYPE_NAMES[list]}")
            return self._items(tuple(value))
        if not isinstance(value, self.type) or (self.type is int and isinstance(value, bool)):
            raise ValueError(f"must be {_TYPE_NAMES[self.type]}")
        if self.choices and value not in self.choices:
            raise ValueError("must be one of " + ", ".join(repr(c) for c in self.choices))
        return value

    def _items(self, values: Strings) -> Strings:
        wrong = [v for v in values if self.choices and v not in self.choices]
        if wrong:
            raise ValueError("; ".join(unknown_choice(self.noun, v, self.choices) for v in wrong))
        return values


def unknown_choice(noun: str, value: str, allowed: Iterable[str]) -> str:
    """ "unknown section id 'x'; did you mean 'y'? (known: a, b)"."""
    allowed = list(allowed)
    return f"unknown {noun} {value!r}{did_you_mean(value, allowed)} (known: {', '.join(allowed) or 'none'})"


_TYPE_NAMES = {
    str: "a string",
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    list: "a list of strings",
}


def _from_text(text: str, kind: type) -> Any:
    if kind is bool:
        lowered = text.strip().lower()
        if lowered in ("true", "yes", "on", "1"):
            return True
        if lowered in ("false", "no", "off", "0"):
            return False
        raise ValueError("must be true or false")
    if kind is list:
        return [part.strip() for part in text.split(",") if part.strip()]
    try:
        return kind(text)
    except ValueError:
        raise ValueError(f"must be {_TYPE_NAMES[kind]}") from None


class Parts:
    """Where an exporter keeps pieces of a course build (one unit's part) for the next build, by
    key; the build layer gives each course build a store on disk, pruned to the keys it used.
    This base keeps nothing."""

    def get(self, key: str) -> bytes | None:
        return None

    def put(self, key: str, data: bytes) -> None:
        return None


def unit_key(unit: Notes, *settings: Any) -> str:
    """A key of one unit's part: its bytes, path and time stamp, its images' sizes and times, the
    code's version and `settings`."""
    images = [(path, file_stamp(path)) for path in image_files(unit)]
    material = repr((__version__, unit.source.path, unit.source.sha256, unit.source.epoch, images, settings))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def file_stamp(path: str) -> tuple[int, int] | None:
    """(size, modification time in ns) of a file, None if it is gone: a change of either is a new file."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


class Exporter:
    """Base class of every exporter (also the plugin interface).

    Subclasses set `name`, `description`, `suffix` and, if they have settings, `config_class`,
    and implement `export(notes, path, config)`; a course is built by `export_course`, which
    exports the course as one document unless the format knows better.
    """

    name: ClassVar[str]  # the format's name: `notesforge build --format NAME`, `[export.NAME]`
    description: ClassVar[str]  # one line for `notesforge formats`
    suffix: ClassVar[str]  # of the output file, after the notes id: ".apkg", ".worksheet.pdf", ...
    config_class: ClassVar[type[Config]] = Config  # its settings; the base class has none
    cost: ClassVar[float] = 1.0  # rough relative build time: parallel builds start the costliest first

    def __init__(self) -> None:
        self.warnings: list[Diagnostic] = []
        self.parts = Parts()  # a course build's store of units' parts, set by the build layer

    def warn(self, loc: Location, message: str) -> None:
        """Report a problem that does not stop the build (shown to the user, located)."""
        self.warnings.append(Diagnostic(loc, message, "warning"))

    def output_name(self, notes: Notes) -> str:
        return f"{notes.meta.id}{self.suffix}"

    @classmethod
    def prepare(cls) -> Callable[[], None] | None:
        """Start, while the notes are read, set-up that needs no notes and leaves the GIL free
        (unpacking the fonts); return what waits for it to end, or None. The build layer waits
        before it exports (or forks); `export()` must not rely on it having run."""
        return None

    def issued(self, notes: Notes, config: Any) -> list[IssuedCard] | None:
        """The cards this format hands to students to keep (a deck's notes), or None if it hands out none.

        The build records them beside the notes; a card the notes later lose comes back to
        `export()` in `notes.retired`, so the format can still ship it, marked as retired.
        """
        return None

    def issued_course(self, course: Course, config: Any, units: Sequence[Any]) -> list[IssuedCard] | None:
        """`issued()` for the output of a whole course (`export_course`), or None."""
        return None

    def export(self, notes: Notes, path: Path, config: Any) -> None:
        """Write the output to `path`: a temporary file, renamed into place when this returns.

        `config` is an instance of `config_class`, already checked. Raise `NotesError` for a
        located problem in the notes; any other exception fails this format alone.
        """
        raise NotImplementedError

    def export_course(self, course: Course, path: Path, config: Any, units: Sequence[Any]) -> None:
        """Write the output of a whole course to `path` (named `output_name(course.as_notes())`).

        `config` is the course's settings (its `[export.FORMAT]`), `units` each unit's (its own
        keys over the course's). The default exports `course.as_notes()`: the course as one
        document, a top-level section per unit; a format that can do better (keep each unit's
        identities, bind each unit's pages) overrides this.
        """
        self.export(course.as_notes(), path, config)
