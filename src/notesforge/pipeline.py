"""Builds: settings, the build cache, exporters in parallel processes, atomic outputs."""

from __future__ import annotations

import dataclasses
import os
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from . import reader, record, registry, settings
from ._version import __version__
from .cache import BuildCache, UnitCache, build_key, part_store, source_fingerprint
from .cards import generate
from .course import Course
from .diagnostics import Diagnostic, NotesError, did_you_mean
from .exporters.base import Config
from .files import atomic_path, remove_stale_temporaries
from .model import Notes
from .settings import Overrides

ALL = "all"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What building one format gave: its output, or why not, and what it warned of."""

    format: str
    path: Path | None
    error: str | None = None  # one line for the user
    detail: str | None = None  # the traceback, for --verbose and bug reports
    source_problem: bool = False  # the exporter found a located problem in the notes
    cached: bool = False  # up to date: nothing was rebuilt
    seconds: float = 0.0
    warnings: tuple[Diagnostic, ...] = ()
    inputs: tuple[str, ...] = ()  # files besides the source this output depends on (the card record)

    @property
    def ok(self) -> bool:
        return self.error is None


def expand(formats: Iterable[str]) -> list[str]:
    """Format names in the order given, `all` meaning every registered one; unknown names raise.

    Each entry may be a comma list (`--format pdf,anki`), as `--set` lists are."""
    known = registry.names()
    out: list[str] = []
    for name in (part.strip() for entry in formats for part in entry.split(",")):
        if not name:
            continue
        for one in known if name == ALL else [name]:
            if one not in known:
                listed = ", ".join(known) or "none installed"
                raise registry.RegistryError(
                    f"unknown format {one!r}{did_you_mean(one, known)} (formats: {listed}, all)"
                )
            if one not in out:
                out.append(one)
    return out


def build(
    notes: Notes | Course,
    formats: Iterable[str],
    out_dir: str | Path = "outputs",
    overrides: Overrides | None = None,
    *,
    jobs: int | None = None,
    on_done: Callable[[Outcome], None] | None = None,
    card_record: str | Path | None = None,
) -> list[Outcome]:
    """Build `formats` from `notes` (or a whole course) into `out_dir`, several formats in
    parallel processes.

    Settings problems (and an unreadable `card_record`) raise `NotesError` before anything is
    written; an exporter that fails is reported in its `Outcome` and the others still run. With a
    `card_record` path, formats that issue cards (the deck) ship the cards it lists that the notes
    lost, retired, and the record is rewritten once they are built.
    """
    names = expand(formats)
    documents = (notes.as_notes(), *notes.units) if isinstance(notes, Course) else (notes,)
    problems = list(dict.fromkeys(d for doc in documents for d in settings.unknown_formats(doc, overrides)))
    resolved: dict[str, Resolved] = {}
    broken: dict[str, Outcome] = {}
    for name in names:
        try:
            if isinstance(notes, Course):
                config, units, found = settings.resolve_course(notes, name, overrides)
                resolved[name] = (config, units)
            else:
                resolved[name], found = settings.resolve(notes, name, overrides)
        except registry.RegistryError as exc:  # a plugin that cannot load fails alone
            broken[name] = Outcome(name, None, str(exc))
            continue
        problems += found
    if problems:
        raise NotesError(problems, _texts(notes))
    update, issuing = None, {}
    if card_record is not None:
        issuing = _issuing(notes, resolved)
        if issuing:
            update = record.plan(Path(card_record), (card for cards in issuing.values() for card in cards))
            notes = update.apply(notes)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out)
    for outcome in broken.values():
        if on_done:
            on_done(outcome)
    done = _run_all(notes, list(resolved), out, resolved, jobs, on_done)
    if update is not None and all(done[name].ok for name in issuing):
        unwritten = update.write()
        for name in issuing:
            outcome = done[name]
            warnings = outcome.warnings + update.warnings + unwritten
            done[name] = dataclasses.replace(outcome, warnings=warnings, inputs=(str(update.path),))
    return [broken.get(name) or done[name] for name in names]


# The settings a format builds with: a `Config`, or for a course its own and each unit's.
Resolved = Config | tuple[Config, tuple[Config, ...]]


def _texts(notes: Notes | Course) -> dict[str, str] | None:
    if not isinstance(notes, Course):
        return None
    return source_texts([notes.source.path, *(unit.source.path for unit in notes.units)])


def source_texts(paths: Iterable[str]) -> dict[str, str]:
    """The text of each file that can be read, by path: to show a problem's line from its own file."""
    texts = {}
    for path in dict.fromkeys(paths):
        try:
            texts[path] = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    return texts


def _issuing(notes: Notes | Course, resolved: dict[str, Resolved]) -> dict[str, list]:
    """The cards each format that hands out cards issues, by format (a plugin that fails here is
    left out of the record; its `export()` reports the problem)."""
    issuing = {}
    for name, config in resolved.items():
        try:
            exporter = registry.get(name)()
            if isinstance(notes, Course):
                assert isinstance(config, tuple)
                cards = exporter.issued_course(notes, *config)
            else:
                cards = exporter.issued(notes, config)
        except Exception:  # one broken exporter must not stop the build
            continue
        if cards is not None:
            issuing[name] = cards
    return issuing


def build_source(
    source: str | os.PathLike[str],
    formats: Iterable[str],
    out_dir: str | Path = "outputs",
    overrides: Overrides | None = None,
    *,
    force: bool = False,
    jobs: int | None = None,
    on_done: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Like `build()` from a notes or course file, skipping formats whose outputs are up to date
    (unless `force`), and keeping the card record beside a notes file (`record.record_path`)."""
    names = expand(formats)
    out = Path(out_dir)
    cache = BuildCache(out)
    # A course's units are read in parallel, or taken as they were read last time if unchanged.
    course = reader.load_course(source, UnitCache(out, jobs).load) if reader.is_course(source) else None
    fingerprint = (course.source.sha256, course.source.epoch) if course else source_fingerprint(source)
    keys: dict[str, str] = {}
    fresh: dict[str, Outcome] = {}
    if fingerprint is not None:
        for name in names:
            keys[name] = build_key(
                *fingerprint, name, (overrides or {}).get(name), f"{__version__}/{registry.version(name)}"
            )
            path = None if force else cache.fresh(name, keys[name])
            if path is not None:
                fresh[name] = Outcome(name, path, cached=True)
                if on_done:
                    on_done(fresh[name])
    stale = [name for name in names if name not in fresh]
    built: dict[str, Outcome] = {}
    if stale:
        waiting = [] if course else _prepare(stale)
        try:
            notes = course or reader.load(source)
        finally:  # before any export, and before the build forks
            for wait in waiting:
                wait()
        inputs = extra_inputs(notes)
        card_record = record.record_path(source)
        for outcome in build(notes, stale, out, overrides, jobs=jobs, on_done=on_done, card_record=card_record):
            built[outcome.format] = outcome
            if outcome.ok and outcome.path and outcome.format in keys:
                cache.record(outcome.format, keys[outcome.format], outcome.path, [*inputs, *outcome.inputs])
            else:
                cache.forget(outcome.format)
        cache.save()
    return [fresh.get(name) or built[name] for name in names]


def _prepare(names: Iterable[str]) -> list[Callable[[], None]]:
    """What waits for each format's set-up that needs no notes, started before they are read
    (`Exporter.prepare`; a plugin that fails here is reported when it builds)."""
    waiting = []
    for name in names:
        try:
            wait = registry.get(name).prepare()
        except Exception:  # one broken exporter must not stop the build
            continue
        if wait is not None:
            waiting.append(wait)
    return waiting


def extra_inputs(notes: Notes | Course) -> list[str]:
    """Files besides the source that outputs are built from (card images): a change rebuilds."""
    units = notes.units if isinstance(notes, Course) else (notes,)
    return sorted({card.image.path for unit in units for card in generate(unit) if card.image is not None})


def _run_all(
    notes: Notes | Course,
    names: list[str],
    out: Path,
    resolved: dict[str, Resolved],
    jobs: int | None,
    on_done: Callable[[Outcome], None] | None,
) -> dict[str, Outcome]:
    jobs = min(jobs or os.cpu_count() or 1, len(names))
    results: dict[str, Outcome] = {}
    if jobs <= 1:
        for name in names:
            results[name] = run_one(notes, name, out, resolved[name])
            if on_done:
                on_done(results[name])
        return results
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    # fork where it exists: the workers inherit the notes (and their cards) without pickling.
    global _FORKED_NOTES
    forking = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if forking else "spawn")
    # The costliest first, so that no worker is left with a long build at the end.
    order = sorted(names, key=lambda name: -_cost(name))
    _FORKED_NOTES = notes if forking else None
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = {
            pool.submit(_run_forked, name, out, resolved[name])
            if forking
            else pool.submit(run_one, notes, name, out, resolved[name]): name
            for name in order
        }
        for future in as_completed(futures):
            name = futures[future]
            try:
                results[name] = future.result()
            except BrokenProcessPool as exc:  # the worker died (killed, out of memory)
                results[name] = Outcome(name, None, f"the build process died: {exc}")
            if on_done:
                on_done(results[name])
    return results


_FORKED_NOTES: Notes | Course | None = None


def _run_forked(name: str, out: Path, config: Resolved) -> Outcome:
    assert _FORKED_NOTES is not None
    return run_one(_FORKED_NOTES, name, out, config)


def _cost(name: str) -> float:
    try:
        return registry.get(name).cost
    except registry.RegistryError:
        return 0.0


def run_one(notes: Notes | Course, name: str, out: Path, config: Resolved) -> Outcome:
    """Build one format into `out`, atomically: a failure leaves the earlier output as it was."""
    start = time.perf_counter()
    exporter = None
    try:
        exporter = registry.get(name)()
        target = out / exporter.output_name(notes.as_notes() if isinstance(notes, Course) else notes)
        with atomic_path(target) as tmp:
            if isinstance(notes, Course):
                assert isinstance(config, tuple)
                # The units' parts of the last build, reused where a unit is unchanged.
                store = part_store(out, name, f"{__version__}/{registry.version(name)}")
                exporter.parts = store
                exporter.export_course(notes, tmp, *config)
                store.prune()
            else:
                exporter.export(notes, tmp, config)
    except NotesError as exc:
        return Outcome(name, None, exc.render(), source_problem=True)
    except Exception as exc:  # one broken exporter must not stop the others
        return Outcome(name, None, f"{type(exc).__name__}: {exc}", traceback.format_exc())
    return Outcome(name, target, seconds=time.perf_counter() - start, warnings=tuple(exporter.warnings))
