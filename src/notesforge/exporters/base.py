"""What every exporter is: a named class that turns `Notes` into one file.

Exporter modules import their heavy libraries inside `export()`, so listing
formats or checking a source stays fast.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from ..diagnostics import Diagnostic
from ..model import Location, Notes

TEMP_PREFIX = ".notesforge-"
TEMP_SUFFIX = ".part"


@dataclass(frozen=True, slots=True)
class Option:
    """One `[export.FORMAT]` setting an exporter understands."""

    name: str
    type: type  # str, bool, int, float or list (of strings)
    default: Any
    description: str
    choices: tuple[Any, ...] = ()

    def coerce(self, value: Any) -> Any:
        """Check a value from TOML, or convert one given as text by `--set`; raise ValueError."""
        if isinstance(value, str) and self.type is not str:
            value = _from_text(value, self.type)
        if self.type is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if self.type is list and isinstance(value, list) and all(isinstance(v, str) for v in value):
            pass
        elif not isinstance(value, self.type) or (self.type is int and isinstance(value, bool)):
            raise ValueError(f"must be {_TYPE_NAMES[self.type]}")
        if self.choices and value not in self.choices:
            raise ValueError("must be one of " + ", ".join(repr(c) for c in self.choices))
        return value


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


class Exporter:
    """Base class of every exporter (also the plugin interface).

    Subclasses set `name`, `description`, `suffix` and `options`, and implement
    `export(notes, out_dir, settings) -> Path`, writing through `atomic_path`.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    suffix: ClassVar[str]  # ".apkg", ".pdf", ".worksheet.pdf", ...
    options: ClassVar[tuple[Option, ...]] = ()
    cost: ClassVar[float] = 1.0  # rough relative build time: parallel builds start the costliest first

    def __init__(self) -> None:
        self.warnings: list[Diagnostic] = []

    def warn(self, loc: Location, message: str) -> None:
        """Report a problem that does not stop the build (shown to the user, located)."""
        self.warnings.append(Diagnostic(loc, message, "warning"))

    def output_path(self, notes: Notes, out_dir: Path) -> Path:
        return Path(out_dir) / f"{notes.meta.id}{self.suffix}"

    def export(self, notes: Notes, out_dir: Path, settings: Mapping[str, Any]) -> Path:
        raise NotImplementedError

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {option.name: option.default for option in cls.options}


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside `target`, renamed over it only if the block succeeds.

    A failed or killed build therefore never leaves a half-written output.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_atomically(target: Path, write: Callable[[Path], None]) -> Path:
    with atomic_path(target) as tmp:
        write(tmp)
    return Path(target)


def write_bytes_atomically(target: Path, data: bytes) -> Path:
    return write_atomically(target, lambda tmp: tmp.write_bytes(data))


def remove_stale_temporaries(out_dir: Path) -> int:
    """Delete temporaries left by a build that was killed; return how many."""
    removed = 0
    if Path(out_dir).is_dir():
        for stray in Path(out_dir).glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
            stray.unlink(missing_ok=True)
            removed += 1
    return removed
