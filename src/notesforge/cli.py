"""The `notesforge` command line.

Exit status: 0 success, 2 a problem with the input or the command line,
1 an exporter failed. Heavy exporter libraries load only inside `build`.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

DEFAULT_SOURCE = "source/notes.toml"
DEFAULT_OUT = "outputs"


class InputError(click.ClickException):
    """Located problems in the notes: printed like a compiler's, exit status 2."""

    exit_code = 2

    def __init__(self, rendered: str):
        super().__init__(rendered)

    def show(self, file=None) -> None:
        click.echo(self.message, err=True)


def _load(source: str):
    from . import reader
    from .diagnostics import NotesError

    try:
        return reader.load(source)
    except NotesError as exc:
        raise InputError(exc.render()) from None


def _source_text(source: str) -> str | None:
    try:
        return Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _version() -> str:
    from ._version import __version__

    return __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=_version(), prog_name="notesforge", message="%(prog)s %(version)s")
def cli() -> None:
    """Write revision notes once in TOML; build Anki decks, printable PDFs and EPUB booklets."""


def _format_options(command):
    """The options `build` and `watch` share."""
    for option in reversed(
        [
            click.option(
                "--format",
                "-f",
                "formats",
                multiple=True,
                metavar="FMT",
                help="Formats to build: a name, a comma list (pdf,anki), or 'all'; repeatable.",
            ),
            click.option(
                "--out",
                "-o",
                "out_dir",
                default=DEFAULT_OUT,
                show_default=True,
                type=click.Path(file_okay=False),
                help="Where outputs go.",
            ),
            click.option(
                "--set", "-s", "sets", multiple=True, metavar="FMT.KEY=VALUE", help="Override a per-format setting."
            ),
            click.option(
                "--jobs",
                "-j",
                type=click.IntRange(1),
                default=None,
                help="Parallel exporter processes [default: CPU count].",
            ),
            click.option("--quiet", "-q", is_flag=True, help="Print only problems."),
            click.option("--verbose", "-v", is_flag=True, help="Show the traceback when an exporter fails."),
        ]
    ):
        command = option(command)
    return command


@dataclass(frozen=True)
class BuildRequest:
    """What `build` and `watch` were asked for, checked before any work."""

    source: str
    names: list[str]
    overrides: dict[str, dict[str, str]]
    out_dir: str
    jobs: int | None
    quiet: bool
    verbose: bool


def _plan(source: str, formats: tuple[str, ...], sets: tuple[str, ...], **options: Any) -> BuildRequest:
    """Check the command line before any work: format names and --set pairs."""
    from . import pipeline, registry, settings

    if not formats:
        raise click.UsageError("name at least one --format (see 'notesforge formats'), or --format all")
    try:
        overrides = settings.parse_overrides(sets)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--set") from None
    try:
        names = pipeline.expand(formats)
    except registry.RegistryError as exc:
        raise click.BadParameter(str(exc), param_hint="--format") from None
    if not names:
        raise click.BadParameter("no format named: give names such as pdf,anki or 'all'", param_hint="--format")
    return BuildRequest(source, names, overrides, **options)


def _run_build(request: BuildRequest, *, force: bool) -> int:
    """One build as the command line runs it; returns the exit status."""
    from . import pipeline
    from .diagnostics import NotesError, render_all
    from .progress import Progress

    quiet, source = request.quiet, request.source
    progress = Progress(len(request.names), enabled=not quiet and sys.stderr.isatty())
    try:
        outcomes = pipeline.build_source(
            source,
            request.names,
            request.out_dir,
            request.overrides,
            force=force,
            jobs=request.jobs,
            on_done=progress.done,
        )
    except NotesError as exc:
        progress.close()
        click.echo(exc.render(), err=True)
        return 2
    progress.close()
    failed = [o for o in outcomes if not o.ok]
    warnings = sorted({w for o in outcomes for w in o.warnings}, key=lambda w: (w.loc.line, w.loc.col, w.message))
    if warnings:  # in the notes, or in any unit of a course
        click.echo(render_all(warnings, pipeline.source_texts(w.loc.path for w in warnings)), err=True)
    for outcome in outcomes:
        if not outcome.ok:
            click.echo(f"{outcome.format}: failed: {outcome.error}", err=True)
            if request.verbose and outcome.detail:
                click.echo(outcome.detail, err=True)
        elif not quiet:
            state = "up to date" if outcome.cached else "wrote"
            click.echo(f"{outcome.format}: {state} {outcome.path}")
    if any(o.source_problem for o in failed):
        return 2
    if failed:
        which = ", ".join(o.format for o in failed)
        click.echo(
            f"notesforge: {len(failed)} of {len(outcomes)} formats failed ({which}); "
            "earlier outputs were left as they were",
            err=True,
        )
        return 1
    return 0


@cli.command()
@click.argument("source", default=DEFAULT_SOURCE, type=click.Path(dir_okay=True))
@_format_options
@click.option("--force", is_flag=True, help="Rebuild even if nothing changed.")
def build(source: str, force: bool, **options: Any) -> None:
    """Build SOURCE (default: source/notes.toml) into --out (default: outputs/).

    Formats whose output is up to date (same source, settings and version) are skipped.
    """
    status = _run_build(_plan(source, **options), force=force)
    if status:
        sys.exit(status)


class _OnceWatching:
    """A stop event for `watchfiles.watch` that never stops it, but runs `start` once watching has begun.

    `watchfiles.watch` sets its watch up when the iteration starts, then asks its stop event
    `is_set()` at every step while it waits: by the first question every change is being recorded,
    so `start` (the first build, then the "watching" line) runs then and no save is missed.
    """

    def __init__(self, start: Callable[[], None]) -> None:
        self._start: Callable[[], None] | None = start

    def is_set(self) -> bool:
        if self._start is not None:
            start, self._start = self._start, None
            start()
        return False


@cli.command()
@click.argument("source", default=DEFAULT_SOURCE, type=click.Path(dir_okay=True))
@_format_options
def watch(source: str, **options: Any) -> None:
    """Rebuild SOURCE whenever it is saved (a course: whenever it or any unit is); errors are shown
    and watching goes on. Stop with Ctrl-C."""
    from watchfiles import watch as watch_changes

    from .reader import is_course
    from .reader.course import watched

    request = _plan(source, **options)
    path = Path(source).resolve()
    if not path.parent.is_dir():  # no folder to watch: say why, as `build` would
        sys.exit(_run_build(request, force=False))

    def inputs() -> tuple[set[Path], set[Path]]:
        """The files to rebuild on, and the folders whose new notes files are new units."""
        if not is_course(source):
            return {path}, set()
        files, folders = watched(source)
        return {f.resolve() for f in files}, {f.resolve() for f in folders}

    files, folders = inputs()

    def start() -> None:
        # The watch is in place: a save from now on is seen, even one made during this first build.
        _run_build(request, force=False)
        click.echo(f"watching {source} (Ctrl-C to stop)", err=True)

    def relevant(_change: Any, changed: str) -> bool:
        changed_path = Path(changed)
        return changed_path in files or (changed_path.suffix == ".toml" and changed_path.parent in folders)

    stop = _OnceWatching(start)  # builds once, then never stops the watch
    while True:
        # Watch the folders: editors often save by writing a new file and renaming it over the old one.
        roots = sorted({f.parent for f in files} | folders)
        for changes in watch_changes(*roots, watch_filter=relevant, stop_event=stop, raise_interrupt=False):
            kinds = ", ".join(sorted({change.name for change, _ in changes}))
            click.echo(f"{source}: {kinds}; rebuilding", err=True)
            _run_build(request, force=False)
            now = inputs()
            if now != (files, folders):  # the course lists other units: watch those
                files, folders = now
                break
        else:
            return  # Ctrl-C
        # A save made while the watch moves would be missed: build again once the new watch is in place.
        stop = _OnceWatching(lambda: _run_build(request, force=False))


@cli.command()
@click.argument("sources", nargs=-1, metavar="[SOURCE]...", type=click.Path(dir_okay=True))
@click.option("--strict", is_flag=True, help="Treat the card warnings as errors (exit status 2).")
def check(sources: tuple[str, ...], strict: bool) -> None:
    """Validate each SOURCE (default: source/notes.toml), notes or course file, report what its cards
    would do badly, and print what it holds. Every file is checked, as a pre-commit hook names them."""
    failed = False
    for source in sources or (DEFAULT_SOURCE,):
        try:
            _check_one(source, strict)
        except InputError as exc:
            exc.show()
            failed = True
    if failed:
        sys.exit(InputError.exit_code)


def _check_one(source: str, strict: bool) -> None:
    """`check` of one notes file, or of a course file: every unit, then the course."""
    import dataclasses

    from . import reader, settings
    from .diagnostics import NotesError, render_all
    from .lint import lint
    from .stats import stats

    course = _load_course(source) if reader.is_course(source) else None
    if course is not None:
        units, texts, problems = course.units, _texts(course), settings.check_course(course)
    else:
        notes = _load(source)
        units, texts, problems = (notes,), _source_text(source), settings.check_all(notes)
    if problems:
        raise InputError(NotesError(problems, texts).render())
    lines, warnings = [], []
    for unit in units:
        found = lint(unit)
        warnings += found
        lines.append(_ok_line(unit.source.path, unit, len(found)))
    if strict and warnings:
        raise InputError(NotesError([dataclasses.replace(w, severity="error") for w in warnings], texts).render())
    if warnings:
        click.echo(render_all(NotesError(warnings, texts).diagnostics, texts), err=True)
    if course is not None:
        lines.append(f"{source}: ok: a course of {len(course.units)} units: {stats(course.as_notes()).line()}")
    click.echo("\n".join(lines))


def _ok_line(source: str, notes, warnings: int) -> str:
    """`check`'s summary of one notes file."""
    from .lint import repeated_share
    from .stats import stats

    repeated, asked = repeated_share(notes)
    share = f"{repeated} of {asked} questions ask a fact another card asks too"
    return f"{source}: ok: {stats(notes).line()}; {warnings} warnings; {share}"


def _load_course(source: str):
    from . import reader
    from .diagnostics import NotesError

    try:
        return reader.load_course(source)
    except NotesError as exc:
        raise InputError(exc.render()) from None


def _texts(course) -> dict[str, str]:
    """The course file's and every unit's text by path, to show the lines problems are on."""
    from .pipeline import source_texts

    return source_texts([course.source.path, *(unit.source.path for unit in course.units)])


@cli.command()
@click.argument("source", default=DEFAULT_SOURCE, type=click.Path(dir_okay=True))
@click.option("--kind", "kinds", multiple=True, metavar="KIND", help="Only cards of this kind (repeatable).")
def cards(source: str, kinds: tuple[str, ...]) -> None:
    """List every question the cards of SOURCE ask, without building: where, kind, front and answer.
    A course file lists every unit's cards, each at its line in its unit."""
    from .cards import generate
    from .inline import plain
    from .reader import is_course

    documents = _load_course(source).units if is_course(source) else (_load(source),)
    for card in (card for notes in documents for card in generate(notes)):
        if kinds and card.kind.value not in kinds:
            continue
        for q in card.questions():
            front = " ".join(f"{q.prompt} {plain(q.front)}".split())
            click.echo(f"{card.loc}\t{card.kind.value}\t{front}\t{' '.join(plain(q.back).split())}")


@cli.command()
@click.option("--settings", is_flag=True, help="Print every format's settings as a Markdown table.")
def formats(settings: bool) -> None:
    """List the installed output formats."""
    from . import registry

    names = registry.names()
    if settings:
        click.echo(settings_table(names))
        return
    if not names:
        click.echo("no exporters installed")
    width = max((len(n) for n in names), default=0)
    for name in names:
        try:
            exporter = registry.get(name)
            click.echo(f"{name:<{width}}  {exporter.description}  -> ID{exporter.suffix}")
        except registry.RegistryError as exc:
            click.echo(f"{name:<{width}}  (broken: {exc})")


_TYPE_WORDS = {str: "text", bool: "true/false", int: "number", float: "number", list: "comma-separated list"}


def _choices(option) -> str:
    if option.span:
        return "{} to {}".format(*option.span)
    return " or ".join(f"`{json.dumps(c)}`" for c in option.choices)


def settings_table(names: list[str]) -> str:
    """`[export.FORMAT]` settings of the formats `names`, as a Markdown table."""
    from . import registry

    rows = ["| format | setting | type | default | meaning |", "| --- | --- | --- | --- | --- |"]
    for name in names:
        for option in registry.get(name).config_class.options():
            kind = _choices(option) if option.choices and option.type is not list else _TYPE_WORDS[option.type]
            default = ", ".join(option.default) if option.type is list else json.dumps(option.default)
            shown = f"`{default}`" if option.default not in ("", ()) else "—"
            rows.append(f"| {name} | `{option.name}` | {kind} | {shown} | {option.description} |")
    return "\n".join(rows)


# What `init` writes (file -> template), and with --course.
_STARTER = {"notes.toml": "starter.toml"}
_COURSE_STARTER = {
    "course.toml": "course.toml",
    "units/01-first-unit.toml": "starter.toml",
    "units/02-second-unit.toml": "second-unit.toml",
}
# The JSON Schema `init` writes beside them, for each kind of document, named by a `#:schema` line
# at the top of each file (taplo, and so the Even Better TOML editor extension, reads it there).
SCHEMA_FILES = {"notes": "notes.schema.json", "course": "course.schema.json"}


@cli.command()
@click.argument("directory", default="source", type=click.Path(file_okay=False))
@click.option("--course", is_flag=True, help="Write a starter course: course.toml and two units.")
@click.option("--force", is_flag=True, help="Overwrite existing files.")
def init(directory: str, course: bool, force: bool) -> None:
    """Write a small, commented starter notes.toml into DIRECTORY (default: source/), or with
    --course a course.toml and two units under DIRECTORY/units/; and the JSON Schema editors
    check them with (notes.schema.json, course.schema.json), named at the top of each file."""
    from importlib import resources

    root = Path(directory)
    files = {root / name: template for name, template in (_COURSE_STARTER if course else _STARTER).items()}
    existing = [str(target) for target in files if target.exists()]
    if existing and not force:
        raise click.ClickException(f"{', '.join(existing)} already there; use --force to overwrite")
    kinds = {target: "course" if template == "course.toml" else "notes" for target, template in files.items()}
    root.mkdir(parents=True, exist_ok=True)
    schemas = {kind: root / SCHEMA_FILES[kind] for kind in sorted(set(kinds.values()))}
    for kind, path in schemas.items():
        path.write_text(_schema_json(kind), encoding="utf-8")
    templates = resources.files("notesforge").joinpath("templates")
    for target, template in files.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        directive = _schema_directive(schemas[kinds[target]], target)
        target.write_text(directive + templates.joinpath(template).read_text(encoding="utf-8"), encoding="utf-8")
    first = next(iter(files))
    click.echo(f"wrote {', '.join(map(str, [*files, *schemas.values()]))}; check it with: notesforge check {first}")


def _schema_directive(schema: Path, target: Path) -> str:
    """taplo's `#:schema` line naming `schema` relative to `target`'s folder, as taplo resolves it."""
    relative = Path(os.path.relpath(schema, target.parent)).as_posix()
    return f"#:schema {relative if relative.startswith('.') else './' + relative}\n"


def _schema_json(kind: str) -> str:
    """The JSON Schema of notes (or course) files, with the settings of every installed format."""
    from . import settings
    from .reader.json_schema import course_json_schema, json_schema

    export = settings.export_json_schema()
    document = course_json_schema(export) if kind == "course" else json_schema(export)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


class _Discard(Exception):
    """Leaves an `atomic_path` block without renaming its file into place."""


@cli.command("import")
@click.argument("source", type=click.Path(dir_okay=False))
@click.option(
    "--out",
    "-o",
    default=DEFAULT_SOURCE,
    show_default=True,
    help="The notes file to write ('-': standard output); images go into images/ beside it.",
)
@click.option("--id", "notes_id", metavar="SLUG", help="The notes id (default: from the file name).")
@click.option("--force", is_flag=True, help="Overwrite an existing notes file and images.")
def import_(source: str, out: str, notes_id: str | None, force: bool) -> None:
    """Write a notes file from an Anki package (.apkg, .colpkg), Markdown (.md) or CSV/TSV (.csv, .tsv).

    Prints what was imported and every thing that could not be mapped, with a count and an example.
    """
    import contextlib
    import re

    from . import importers, reader
    from .diagnostics import NotesError
    from .files import atomic_path, write_bytes_atomically
    from .importers import writer
    from .reader.schema import SLUG_PATTERN
    from .stats import stats

    if notes_id is not None and not re.match(SLUG_PATTERN, notes_id):
        raise click.BadParameter(f"{notes_id!r} is not a slug (lower-case letters, digits, single hyphens)")
    target = Path(out) if out != "-" else None
    if target is not None and target.exists() and not force:
        raise click.ClickException(f"{target} exists; use --force to overwrite it")
    try:
        imported = importers.import_source(Path(source), notes_id)
    except importers.ImportFailed as exc:
        raise InputError(f"{exc}") from None
    folder = target.parent if target is not None else Path(".")
    for name in imported.images:
        image = folder / name
        if image.exists() and image.read_bytes() != imported.images[name] and not force:
            raise click.ClickException(f"{image} exists with other content; use --force to overwrite it")
    for name, data in sorted(imported.images.items()):
        write_bytes_atomically(folder / name, data)
    report = imported.report
    text = writer.render(imported.notes, f"Imported from {Path(source).name} ({report.kind}) by `notesforge import`.")
    # The file must pass `notesforge check`: read it back with the reader before it replaces anything.
    with contextlib.suppress(_Discard), atomic_path(folder / (target.name if target else "stdout.toml")) as tmp:
        tmp.write_text(text, encoding="utf-8")
        try:
            reader.load(tmp)
        except NotesError as exc:
            raise click.ClickException("the imported notes do not read back (a bug):\n" + exc.render()) from None
        if target is None:
            click.echo(text, nl=False)
            raise _Discard
    for line in report.lines(stats(imported.notes).line()):
        click.echo(line, err=True)
    if target is not None:
        click.echo(f"wrote {target}; check it with: notesforge check {target}", err=True)


@cli.command()
@click.option("--course", is_flag=True, help="The schema of course files (course.toml) instead.")
def schema(course: bool) -> None:
    """Print the JSON Schema of notes files, or of course files (for editors such as Even Better TOML):
    every block and card, and the settings of every installed format."""
    click.echo(_schema_json("course" if course else "notes"), nl=False)


def main(args: list[str] | None = None, prog_name: str | None = None) -> None:
    # A build makes hundreds of thousands of objects and next to no garbage cycles: the default
    # collection every 700 allocations, each scanning what was imported too, cost a tenth of a
    # build. What is loaded stays out of collections; they come less often, and still come (watch).
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    try:
        cli.main(args=args, prog_name=prog_name or "notesforge")
    except Exception as exc:  # a bug: say so in one line rather than with a traceback
        click.echo(f"notesforge: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(1)
