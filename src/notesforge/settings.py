"""Per-format settings: the exporter's `Config` defaults, then `[export.FORMAT]`, then `--set`.

Every value is checked, and located where it was written, before any format builds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from . import registry
from .course import Course
from .diagnostics import Diagnostic, did_you_mean
from .exporters.base import Config, Option
from .model import Location, Notes

Overrides = Mapping[str, Mapping[str, str]]


def parse_overrides(pairs: Iterable[str]) -> dict[str, dict[str, str]]:
    """`["pdf.paper=letter"]` -> `{"pdf": {"paper": "letter"}}`; ValueError if malformed."""
    out: dict[str, dict[str, str]] = {}
    for pair in pairs:
        target, sep, value = pair.partition("=")
        fmt, dot, key = target.strip().partition(".")
        if not sep or not dot or not fmt or not key:
            raise ValueError(f"{pair!r} is not FORMAT.KEY=VALUE (e.g. pdf.paper=letter)")
        out.setdefault(fmt, {})[key.strip()] = value
    return out


def resolve(notes: Notes, name: str, overrides: Overrides | None = None) -> tuple[Config, list[Diagnostic]]:
    """The settings one exporter runs with, and every problem found in them, each located at the
    `[export.FORMAT]` line or the `--set` option that gave the value."""
    config_class = registry.get(name).config_class
    options = {option.name: option for option in config_class.options()}
    file_loc = Location(notes.source.path, 0, 0)
    # (key, value, where it was written, whether it was written as text on the command line)
    given: list[tuple[str, Any, Location, bool]] = [
        (key, setting.value, setting.loc or file_loc, False) for key, setting in notes.settings.get(name, {}).items()
    ]
    given += [
        (key, value, Location(f"--set {name}.{key}", 0, 0), True)
        for key, value in (overrides or {}).get(name, {}).items()
    ]
    values: dict[str, Any] = {}
    where: dict[str, Location] = {}
    problems: list[Diagnostic] = []
    for key, value, loc, text in given:
        option = options.get(key)
        if option is None:
            known = ", ".join(sorted(options)) or "none"
            problems.append(
                Diagnostic(
                    loc, f"unknown setting '{key}' for {name}{did_you_mean(key, list(options))} (known: {known})"
                )
            )
            continue
        try:
            values[key], where[key] = option.coerce(value, text=text), loc
        except ValueError as exc:
            problems.append(Diagnostic(loc, f"{name}.{key}: {exc}"))
    config = config_class(**values)
    problems += [
        Diagnostic(where.get(key, file_loc), f"{name}.{key}: {message}") for key, message in config.problems(notes)
    ]
    return config, problems


def unknown_formats(notes: Notes, overrides: Overrides | None = None) -> list[Diagnostic]:
    known = registry.names()
    problems = []
    for fmt, table in notes.settings.items():
        if fmt not in known:
            loc = next((s.loc for s in table.values() if s.loc), None) or Location(notes.source.path, 0, 0)
            problems.append(Diagnostic(loc, f"[export.{fmt}]: no such format{did_you_mean(fmt, known)}"))
    for fmt in overrides or {}:
        if fmt not in known:
            problems.append(
                Diagnostic(Location(f"--set {fmt}", 0, 0), f"no such format {fmt!r}{did_you_mean(fmt, known)}")
            )
    return problems


def check_all(notes: Notes, overrides: Overrides | None = None) -> list[Diagnostic]:
    """Every settings problem in the notes and the overrides, for every installed format."""
    problems = unknown_formats(notes, overrides)
    for name in registry.names():
        if name in notes.settings or name in (overrides or {}):
            try:
                problems += resolve(notes, name, overrides)[1]
            except registry.RegistryError:
                continue  # reported when that format is built
    return problems


def resolve_course(
    course: Course, name: str, overrides: Overrides | None = None
) -> tuple[Config, tuple[Config, ...], list[Diagnostic]]:
    """The settings of one format for a course (its `[export.FORMAT]` and `--set`, checked against
    the whole course: `sections` may name units) and for each unit (its own keys over those).

    A value the course gives is checked once, against the course; a unit's problems are those in
    its own file.
    """
    config, problems = resolve(course.as_notes(), name, overrides)
    units = []
    for unit in course.units:
        unit_config, found = resolve(unit, name, overrides)
        units.append(unit_config)
        problems += [d for d in found if d.loc.path == unit.source.path and d not in problems]
    return config, tuple(units), problems


def check_course(course: Course, overrides: Overrides | None = None) -> list[Diagnostic]:
    """Every settings problem of a course, its units' included."""
    problems: dict[Diagnostic, None] = {}
    for document in (course.as_notes(), *course.units):
        problems.update(dict.fromkeys(unknown_formats(document, overrides)))
    for name in registry.names():
        try:
            problems.update(dict.fromkeys(resolve_course(course, name, overrides)[2]))
        except registry.RegistryError:
            continue  # reported when that format is built
    return list(problems)


_JSON_TYPES = {str: "string", bool: "boolean", int: "integer", float: "number", list: "array"}


def export_json_schema() -> dict[str, Any]:
    """The JSON Schema of `[export]`: every installed format's settings as its `Config` declares
    them (the declarations `resolve` checks against), and no other formats or keys."""
    formats: dict[str, Any] = {}
    for name in registry.names():
        try:
            exporter = registry.get(name)
        except registry.RegistryError:
            formats[name] = {"type": "object"}  # a broken plugin: reported when it is built
            continue
        formats[name] = {
            "type": "object",
            "description": f"[export.{name}]: {exporter.description}.",
            "additionalProperties": False,
            "properties": {option.name: _option_schema(option) for option in exporter.config_class.options()},
        }
    return {
        "type": "object",
        "description": "Per-format settings: [export.pdf], [export.anki], ... (notesforge formats --settings).",
        "additionalProperties": False,
        "properties": formats,
    }


def _option_schema(option: Option) -> dict[str, Any]:
    default = list(option.default) if option.type is list else option.default
    out: dict[str, Any] = {"description": option.description, "type": _JSON_TYPES[option.type], "default": default}
    allowed: dict[str, Any] = {}
    if option.span:
        allowed = {"minimum": option.span[0], "maximum": option.span[1]}
    elif option.choices:
        allowed = {"enum": list(option.choices)}
    if option.type is list:
        out["items"] = {"type": "string", **allowed}
    else:
        out.update(allowed)
    return out
