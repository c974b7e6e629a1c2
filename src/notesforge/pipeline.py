"""`build()`: run exporters over loaded notes, each writing one file atomically."""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from . import registry, settings
from .diagnostics import NotesError
from .exporters.base import remove_stale_temporaries
from .model import Notes

ALL = "all"


@dataclass(frozen=True, slots=True)
class Outcome:
    format: str
    path: Path | None
    error: str | None = None  # one line for the user
    detail: str | None = None  # the traceback, for --verbose and bug reports
    source_problem: bool = False  # the exporter found a located problem in the notes

    @property
    def ok(self) -> bool:
        return self.error is None


def expand(formats: Iterable[str]) -> list[str]:
    """Format names in the order given, `all` meaning every registered one; unknown names raise."""
    known = registry.names()
    out: list[str] = []
    for name in formats:
        for one in known if name == ALL else [name]:
            if one not in known:
                from .reader.document import did_you_mean

                listed = ", ".join(known) or "none installed"
                raise registry.RegistryError(
                    f"unknown format {one!r}{did_you_mean(one, known)} (formats: {listed}, all)"
                )
            if one not in out:
                out.append(one)
    return out


def build(
    notes: Notes,
    formats: Iterable[str],
    out_dir: str | Path = "outputs",
    overrides: Mapping[str, Mapping[str, str]] | None = None,
) -> list[Outcome]:
    """Build `formats` from `notes` into `out_dir`.

    Settings problems raise `NotesError` before anything is written; an
    exporter that fails is reported in its `Outcome` and the others still run.
    """
    names = expand(formats)
    problems = settings.unknown_formats(notes, overrides)
    resolved: dict[str, dict] = {}
    broken: dict[str, Outcome] = {}
    for name in names:
        try:
            values, found = settings.resolve(notes, name, overrides)
        except registry.RegistryError as exc:  # a plugin that cannot load fails alone
            broken[name] = Outcome(name, None, str(exc))
            continue
        resolved[name] = values
        problems += found
    if problems:
        raise NotesError(problems)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out)
    return [broken[name] if name in broken else run_one(notes, name, out, resolved[name]) for name in names]


def run_one(notes: Notes, name: str, out: Path, values: dict) -> Outcome:
    try:
        exporter = registry.get(name)()
        path = exporter.export(notes, out, values)
    except NotesError as exc:
        return Outcome(name, None, exc.render(), source_problem=True)
    except Exception as exc:  # one broken exporter must not stop the others
        return Outcome(name, None, f"{type(exc).__name__}: {exc}", traceback.format_exc())
    return Outcome(name, Path(path))
