"""The shape of a notes file, declared once: the reader validates against it and
`notesforge schema` turns it into a JSON Schema for editors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..model import GLOSSARY_ASK, TABLE_ASK, TIMELINE_ASK

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"


@dataclass(frozen=True, slots=True)
class Field:
    kind: str  # text | plain | slug | language | bool | date | items | tables | table | choice | choices
    description: str
    required: bool = False
    choices: tuple[str, ...] = ()  # the allowed values of a `choice`, or of each element of `choices`


def _f(kind: str, description: str, required: bool = False) -> Field:
    return Field(kind, description, required)


def _choice(description: str, choices: tuple[str, ...], *, many: bool = False) -> Field:
    """A string that is one of `choices` (`many`: a list of some of them, each once)."""
    return Field("choices" if many else "choice", description, False, choices)


TEXT_NOTE = "Inline markup: *emphasis*, **strong**, [[cloze|hint]]; \\ escapes * [ ] | \\."

DATE_NOTE = "Plain text (no markup), shown in bold before the text and listed with the key dates."
EVENTS_ASK = "Which cards: 'both' (default), 'date' (event -> its date) or 'event' (date -> what happened)."
TERMS_ASK = "Which cards: 'both' (default), 'definition' (term -> its definition) or 'term' (definition -> the term)."

GUID_FIELD = _f(
    "plain",
    "Anki note GUID kept from an imported deck (notesforge import writes it): the deck built from these notes "
    "updates that note in place. Unique in the file; leave it as it is.",
)

IMAGE_FIELD = _f(
    "plain",
    "Image shown with the answer: a .png, .jpg, .gif, .svg or .webp file, its path relative to the notes "
    "file's folder with forward slashes, e.g. 'images/lenin.png'.",
)

TABLES: dict[str, dict[str, Field]] = {
    "document": {
        "notes": _f("table", "Metadata of the notes.", True),
        "export": _f("table", "Per-format settings: [export.pdf], [export.anki], ..."),
        "section": _f("tables", "The sections, in order.", True),
    },
    "notes": {
        "id": _f("slug", "Stable id (a slug); file names, deck and note identities derive from it.", True),
        "title": _f("plain", "Title.", True),
        "subtitle": _f("plain", "Subtitle."),
        "course": _f("plain", "Subject or course, e.g. 'GCSE History'."),
        "author": _f("plain", "Author or department."),
        "language": _f("language", "BCP 47 language tag, e.g. 'en-GB'.", True),
        "date": _f("date", "Date of the notes (a TOML date, 2024-09-01)."),
    },
    "section": {
        "id": _f("slug", "Stable id of the section, unique in the file.", True),
        "title": _f("text", "Heading. " + TEXT_NOTE, True),
        "cards": _f("bool", "Generate cards from this section's content (default true)."),
        "block": _f("tables", "Content blocks, in order: [[section.block]] with a `type`."),
        "section": _f("tables", "Subsections, same shape: [[section.section]]."),
    },
    "paragraph": {
        "type": _f("plain", "Block type.", True),
        "text": _f("text", "The paragraph. " + TEXT_NOTE, True),
    },
    "bullets": {
        "type": _f("plain", "Block type.", True),
        "items": _f("items", "Bullet points: strings, or { text, id } tables.", True),
    },
    "bullet": {
        "text": _f("text", "The bullet. " + TEXT_NOTE, True),
        "id": _f("slug", "Stable identity of the bullet's cloze card."),
        "date": _f("plain", "A date for the bullet, e.g. 'January 1924'. " + DATE_NOTE),
    },
    "table": {
        "type": _f("plain", "Block type.", True),
        "id": _f("slug", "Stable id of the table (default: from its caption or position)."),
        "caption": _f("text", "Caption. " + TEXT_NOTE),
        "cards": _f("bool", "Generate 'which column?' cards (default true)."),
        "columns": _f("tables", "Columns, [[section.block.columns]], two or more.", True),
        "ask": _choice(
            "Which cards, a list: 'blanks' (cloze cards of points with [[marks]]) and 'columns' "
            "('which column?' cards); default both.",
            TABLE_ASK,
            many=True,
        ),
    },
    "column": {
        "heading": _f("text", "Column heading.", True),
        "points": _f("items", "Points in this column: strings, or { text, date } tables. " + TEXT_NOTE, True),
    },
    "point": {
        "text": _f("text", "The point. " + TEXT_NOTE, True),
        "date": _f("plain", "A date for the point, e.g. 'January 1924'. " + DATE_NOTE),
    },
    "grid": {
        "type": _f("plain", "Block type.", True),
        "id": _f("slug", "Stable id of the grid, part of its cards' identities.", True),
        "caption": _f("text", "Caption. " + TEXT_NOTE),
        "corner": _f("text", "Heading over the column of row headings, e.g. 'Plan'."),
        "columns": _f("items", "Headings of the cell columns, one or more.", True),
        "cards": _f("bool", "Generate cards from the cells (default true)."),
        "ask": _f("items", "Which cards: 'cells' (row and column -> cell), 'blanks' (cloze cards); default ['cells']."),
        "rows": _f("tables", "Rows, [[section.block.rows]]: { heading, cells }, one or more.", True),
    },
    "grid-row": {
        "heading": _f("text", "Row heading.", True),
        "cells": _f("items", 'One cell per column, in order; "" for an empty cell. ' + TEXT_NOTE, True),
    },
    "events": {
        "type": _f("plain", "Block type.", True),
        "cards": _f("bool", "Generate event -> date and date -> event cards (default true)."),
        "items": _f("items", "Dated events: { date, text } tables.", True),
        "ask": _choice(EVENTS_ASK, TIMELINE_ASK),
    },
    "event": {
        "date": _f("plain", "A date or range containing a year: '1924', 'January 1924', '1931–33'.", True),
        "text": _f("text", "What happened. " + TEXT_NOTE, True),
        "id": _f("slug", "Stable identity of the event's cards."),
        "ask": _choice(EVENTS_ASK.replace("'both' (default)", "'both' (default: the block's)"), TIMELINE_ASK),
    },
    "terms": {
        "type": _f("plain", "Block type.", True),
        "cards": _f("bool", "Generate term -> definition and definition -> term cards (default true)."),
        "items": _f("items", "Key terms: { term, definition } tables.", True),
        "ask": _choice(TERMS_ASK, GLOSSARY_ASK),
    },
    "term": {
        "term": _f("text", "The term.", True),
        "definition": _f("text", "Its definition. " + TEXT_NOTE, True),
        "id": _f("slug", "Stable identity of the term's cards."),
        "ask": _choice(TERMS_ASK.replace("'both' (default)", "'both' (default: the block's)"), GLOSSARY_ASK),
    },
    "cards": {
        "type": _f("plain", "Block type.", True),
        "items": _f("items", "Cards: { q, a }, { q, a, reverse = true } or { cloze, extra }; any with an image.", True),
    },
    "basic-card": {
        "q": _f("text", "Question. " + TEXT_NOTE, True),
        "a": _f("text", "Answer, short. " + TEXT_NOTE, True),
        "reverse": _f("bool", "Also ask the answer -> question (default false)."),
        "id": _f("slug", "Stable identity: keeps the card when the question is edited."),
        "image": IMAGE_FIELD,
        "guid": GUID_FIELD,
        "prompt": _f("plain", "Instruction shown with the question, e.g. 'Name the leader.'; plain text."),
        "reverse_prompt": _f("plain", "Instruction shown with the answer -> question direction (reverse = true)."),
    },
    "cloze-card": {
        "cloze": _f("text", "Text with [[cloze marks]]. " + TEXT_NOTE, True),
        "extra": _f("text", "Shown on the back. " + TEXT_NOTE),
        "id": _f("slug", "Stable identity: keeps the card when the text is edited."),
        "image": IMAGE_FIELD,
        "guid": GUID_FIELD,
    },
    # A course file (course.toml): several notes files built as one.
    "course-document": {
        "course": _f("table", "The course: its metadata and its units.", True),
        "export": _f("table", "Per-format settings of the course, and the defaults of its units: [export.pdf], ..."),
    },
    "course": {
        "id": _f("slug", "Stable id (a slug) of the course; its file names, deck and tag derive from it.", True),
        "title": _f("plain", "Title of the course, e.g. 'GCSE History'; the top of the Anki deck.", True),
        "subtitle": _f("plain", "Subtitle."),
        "course": _f("plain", "Subject or qualification, e.g. 'AQA 8145'."),
        "author": _f("plain", "Author or department."),
        "language": _f("language", "BCP 47 language tag, e.g. 'en-GB' (default: the first unit's)."),
        "units": _f(
            "items",
            "The units' notes files, in order, relative to this file; a folder stands for the .toml files in "
            "it, in name order.",
            True,
        ),
    },
}

BLOCK_TYPES = ("paragraph", "bullets", "table", "grid", "events", "terms", "cards")
ITEM_TABLE = {"bullets": "bullet", "events": "event", "terms": "term"}
GRID_ASK = ("cells", "blanks")  # the cards a grid can make

KIND_NAMES = {
    "text": "a string",
    "plain": "a string",
    "slug": "a string",
    "language": "a string",
    "bool": "a boolean (true or false)",
    "date": "a date (YYYY-MM-DD)",
    "items": "an array",
    "tables": "an array of tables",
    "table": "a table",
    "choice": "a string",
    "choices": "an array of strings",
}


def type_ok(kind: str, value: Any) -> bool:
    if kind in ("text", "plain", "slug", "language", "choice"):
        return isinstance(value, str)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "date":
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    if kind in ("items", "tables", "choices"):
        return isinstance(value, list)
    return isinstance(value, dict)


# --- JSON Schema -------------------------------------------------------------------


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


def _object(name: str, **overrides: dict[str, Any]) -> dict[str, Any]:
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


def json_schema() -> dict[str, Any]:
    ref = lambda name: {"$ref": f"#/$defs/{name}"}  # noqa: E731
    blocks = []
    for block in BLOCK_TYPES:
        overrides: dict[str, dict[str, Any]] = {"type": {"const": block}}
        if block in ITEM_TABLE:
            item = ref(ITEM_TABLE[block])
            if block == "bullets":
                item = {"oneOf": [{"type": "string", "minLength": 1}, item]}
            overrides["items"] = {"items": item, "minItems": 1}
        elif block == "cards":
            overrides["items"] = {"items": {"oneOf": [ref("basic-card"), ref("cloze-card")]}, "minItems": 1}
        elif block == "table":
            overrides["columns"] = {"items": ref("column"), "minItems": 2}
        elif block == "grid":
            overrides.update(_grid_overrides())
        blocks.append(_object(block, **overrides))
    defs = {
        "notes": _object("notes"),
        "section": _object(
            "section",
            block={"items": ref("block")},
            section={"items": ref("section")},
        ),
        "block": {"oneOf": blocks},
        "column": _object(
            "column", points={"items": {"oneOf": [{"type": "string", "minLength": 1}, ref("point")]}, "minItems": 1}
        ),
        "export": {
            "type": "object",
            "additionalProperties": {"type": "object"},
            "description": "Per-format settings, keyed by format name.",
        },
    }
    for name in ("bullet", "event", "term", "basic-card", "cloze-card"):
        defs[name] = _object(name)
    defs["point"] = _object("point")
    defs["grid-row"] = _object("grid-row", cells={"items": {"type": "string"}, "minItems": 1})
    top = _object("document", section={"items": ref("section"), "minItems": 1})
    top["properties"]["notes"] = ref("notes")
    top["properties"]["export"] = ref("export")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "notesforge notes",
        "description": "Revision notes for notesforge (source/notes.toml).",
        **top,
        "$defs": defs,
    }


def _grid_overrides() -> dict[str, dict[str, Any]]:
    """A grid's lists: column headings, the kinds of card it asks, its rows."""
    return {
        "columns": {"items": {"type": "string", "minLength": 1}, "minItems": 1},
        "ask": {"items": {"enum": list(GRID_ASK)}, "minItems": 1, "uniqueItems": True},
        "rows": {"items": {"$ref": "#/$defs/grid-row"}, "minItems": 1},
    }


def course_json_schema() -> dict[str, Any]:
    """The JSON Schema of course files (`course.toml`)."""
    top = _object("course-document")
    top["properties"]["course"] = _object("course", units={"items": {"type": "string", "minLength": 1}, "minItems": 1})
    top["properties"]["export"] = json_schema()["$defs"]["export"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "notesforge course",
        "description": "A notesforge course (course.toml): notes files built as one.",
        **top,
    }
