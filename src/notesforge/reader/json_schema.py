"""The JSON Schemas `notesforge schema` prints for editors (taplo, Even Better TOML), made from the
declarations in `schema.py`.

Blocks are told apart by their `type` and cards by their keys (`if`/`then`, never `oneOf`), so a
validator names the bad key or value: "'bulets' is not one of [...]", "'ans' was unexpected",
"1924 is not of type 'string'", not "is not valid under any of the schemas" once per branch.

Each kind of document (a notes file, a course file) is a top-level table of `TABLES` plus the
definitions it refers to; `[export]` comes from the caller, since only the build layer knows the
formats (the reader may not import the exporters).
"""

from __future__ import annotations

from typing import Any

from .schema import BLOCK_TYPES, GRID_ASK, ITEM_TABLE, LANGUAGE_PATTERN, SLUG_PATTERN, TABLES, Field

DRAFT = "https://json-schema.org/draft/2020-12/schema"

# `[export]` when the caller has no formats to describe: any table per format.
ANY_EXPORT: dict[str, Any] = {
    "type": "object",
    "additionalProperties": {"type": "object"},
    "description": "Per-format settings, keyed by format name.",
}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}"}


def json_schema(export: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON Schema of notes files; `export` is the schema of their `[export]` table."""
    defs: dict[str, Any] = {
        "notes": _object("notes"),
        "section": _object("section", block={"items": _ref("block")}, section={"items": _ref("section")}),
        "block": _block(),
        "column": _object("column", points={"items": _string_or("point"), "minItems": 1}),
        "grid-row": _object("grid-row", cells={"items": {"type": "string"}, "minItems": 1}),
        "export": export or ANY_EXPORT,
    }
    for name in ("bullet", "point", "event", "term", "basic-card", "cloze-card"):
        defs[name] = _object(name)
    for block in BLOCK_TYPES:
        defs[block] = _object(block, **_block_overrides(block))
    sections = {"items": _ref("section"), "minItems": 1}
    top = _object("document", notes=_ref("notes"), export=_ref("export"), section=sections)
    return _document("notesforge notes", "Revision notes for notesforge (source/notes.toml).", top, defs)


def course_json_schema(export: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON Schema of course files (`course.toml`); `export` as for `json_schema`."""
    course = _object("course", units={"items": {"type": "string", "minLength": 1}, "minItems": 1})
    return _document(
        "notesforge course",
        "A notesforge course (course.toml): notes files built as one.",
        _object("course-document", course=course, export=_ref("export")),
        {"export": export or ANY_EXPORT},
    )


def _document(title: str, description: str, top: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """One kind of document: its top-level table and the definitions it refers to."""
    return {"$schema": DRAFT, "title": title, "description": description, **top, "$defs": defs}


def _block() -> dict[str, Any]:
    """A block: its `type` first (so a misspelt one is named), then the keys of that type alone."""
    return {
        "type": "object",
        "description": "A content block; its `type` says which keys it takes.",
        "required": ["type"],
        "properties": {"type": {"enum": list(BLOCK_TYPES), "description": "Block type."}},
        "allOf": [
            {"if": {"properties": {"type": {"const": block}}, "required": ["type"]}, "then": _ref(block)}
            for block in BLOCK_TYPES
        ],
    }


def _block_overrides(block: str) -> dict[str, dict[str, Any]]:
    """What a block's keys hold beyond their declared kind: its `type`, and the items of its lists."""
    overrides: dict[str, dict[str, Any]] = {"type": {"const": block}}
    if block == "bullets":
        overrides["items"] = {"items": _string_or("bullet"), "minItems": 1}
    elif block in ITEM_TABLE:
        overrides["items"] = {"items": _ref(ITEM_TABLE[block]), "minItems": 1}
    elif block == "cards":
        # As the reader tells them apart: a card with `cloze` is a cloze card, any other a basic card.
        card = {"if": {"type": "object", "required": ["cloze"]}, "then": _ref("cloze-card"), "else": _ref("basic-card")}
        overrides["items"] = {"items": card, "minItems": 1}
    elif block == "table":
        overrides["columns"] = {"items": _ref("column"), "minItems": 2}
    elif block == "grid":
        overrides["columns"] = {"items": {"type": "string", "minLength": 1}, "minItems": 1}
        overrides["ask"] = {"items": {"enum": list(GRID_ASK)}, "minItems": 1, "uniqueItems": True}
        overrides["rows"] = {"items": _ref("grid-row"), "minItems": 1}
    return overrides


def _string_or(table: str) -> dict[str, Any]:
    """A list item written as a string or as a table: each checked as what it is."""
    return {
        "type": ["string", "object"],
        "if": {"type": "string"},
        "then": {"minLength": 1},
        "else": {"if": {"type": "object"}, "then": _ref(table)},
    }


def _object(name: str, **overrides: dict[str, Any]) -> dict[str, Any]:
    """The table `TABLES[name]`: its keys and no others; `overrides` add to a key's schema."""
    fields = TABLES[name]
    props = {key: _prop(field) for key, field in fields.items()}
    for key, extra in overrides.items():
        props[key] = {**props[key], **extra}
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [k for k, f in fields.items() if f.required],
        "properties": props,
    }


def _prop(field: Field) -> dict[str, Any]:
    kind = field.kind
    base: dict[str, Any] = {"description": field.description}
    if kind in ("text", "plain"):
        base.update(type="string", minLength=1)
    elif kind == "slug":
        base.update(type="string", pattern=SLUG_PATTERN)
    elif kind == "language":
        base.update(type="string", pattern=LANGUAGE_PATTERN)
    elif kind == "bool":
        base.update(type="boolean")
    elif kind == "date":
        base.update(type="string", format="date")
    elif kind in ("items", "tables"):
        base.update(type="array")
    elif kind == "choice":
        base.update(type="string", enum=list(field.choices))
    elif kind == "choices":
        base.update(type="array", items={"enum": list(field.choices)}, minItems=1, uniqueItems=True)
    else:
        base.update(type="object")
    return base
