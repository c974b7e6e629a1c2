"""The shape of a notes file (and of a course file), declared once: the reader validates against
it and `json_schema.py` turns it into the JSON Schemas `notesforge schema` prints for editors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..model import GLOSSARY_ASK, TABLE_ASK, TIMELINE_ASK

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"


@dataclass(frozen=True, slots=True)
class Field:
    """One key a table of the notes may hold: its kind, what it is for, whether required."""

    kind: str  # text | plain | slug | language | bool | date | items | tables | table | choice | choices
    description: str
    required: bool = False
    choices: tuple[str, ...] = ()  # the allowed values of a `choice`, or of each element of `choices`


def _f(kind: str, description: str, required: bool = False) -> Field:
    return Field(kind, description, required)


def _choice(description: str, choices: tuple[str, ...], *, many: bool = False) -> Field:
    """A string that is one of `choices` (`many`: a list of some of them, each once)."""
    return Field("choices" if many else "choice", description, False, choices)


# How `check` reads each text (reader/document.py): cloze marks only where a card can blank them.
TEXT_NOTE = (
    "Inline markup: *emphasis*, **strong**; \\ escapes * [ ] | \\. No [[cloze]] marks here: "
    "they belong in bullets, table points, grid cells and cloze cards."
)
CLOZE_NOTE = (
    "Inline markup: *emphasis*, **strong**, and [[answer]] or [[answer|hint]] to blank the answer "
    "on a cloze card; \\ escapes * [ ] | \\."
)

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
        "items": _f("items", "Bullet points: strings, or { text, id, date } tables. " + CLOZE_NOTE, True),
    },
    "bullet": {
        "text": _f("text", "The bullet. " + CLOZE_NOTE, True),
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
        "heading": _f("text", "Column heading. " + TEXT_NOTE, True),
        "points": _f("items", "Points in this column: strings, or { text, date } tables. " + CLOZE_NOTE, True),
    },
    "point": {
        "text": _f("text", "The point. " + CLOZE_NOTE, True),
        "date": _f("plain", "A date for the point, e.g. 'January 1924'. " + DATE_NOTE),
    },
    "grid": {
        "type": _f("plain", "Block type.", True),
        "id": _f("slug", "Stable id of the grid, part of its cards' identities.", True),
        "caption": _f("text", "Caption. " + TEXT_NOTE),
        "corner": _f("text", "Heading over the column of row headings, e.g. 'Plan'. " + TEXT_NOTE),
        "columns": _f("items", "Headings of the cell columns, one or more. " + TEXT_NOTE, True),
        "cards": _f("bool", "Generate cards from the cells (default true)."),
        "ask": _f("items", "Which cards: 'cells' (row and column -> cell), 'blanks' (cloze cards); default ['cells']."),
        "rows": _f("tables", "Rows, [[section.block.rows]]: { heading, cells }, one or more.", True),
    },
    "grid-row": {
        "heading": _f("text", "Row heading. " + TEXT_NOTE, True),
        "cells": _f("items", 'One cell per column, in order; "" for an empty cell. ' + CLOZE_NOTE, True),
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
        "term": _f("text", "The term. " + TEXT_NOTE, True),
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
        "cloze": _f("text", "Text with at least one cloze mark. " + CLOZE_NOTE, True),
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
