"""The model as a notes file a person could have written: a comment saying where it came from, the
metadata, then the sections in order, each block under its own header, one item a line."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..inline import unparse
from ..model import (
    TABLE_ASK,
    BasicCard,
    BulletList,
    CardList,
    ClozeCard,
    ComparisonTable,
    Glossary,
    Grid,
    Notes,
    Paragraph,
    Rich,
    Section,
    Timeline,
)
from ..reader.schema import SLUG_PATTERN
from ..visitor import BlockVisitor

# What a TOML basic string must escape, and what a literal string cannot hold.
_BASIC_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
_SLUG = re.compile(SLUG_PATTERN)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def string(value: str) -> str:
    """A TOML string for `value`: a literal string '...' when that reads better (markup escapes
    with backslashes), else a basic string with the escapes TOML needs."""
    if "\\" in value and "'" not in value and not _CONTROL.search(value):
        return f"'{value}'"
    out = []
    for ch in value:
        if ch in _BASIC_ESCAPES:
            out.append(_BASIC_ESCAPES[ch])
        elif _CONTROL.match(ch):
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def markup(rich: Rich) -> str:
    return string(unparse(rich))


def inline_table(pairs: list[tuple[str, str | None]]) -> str:
    """`{ key = value, ... }` of the pairs whose value is not None (values already TOML)."""
    return "{ " + ", ".join(f"{k} = {v}" for k, v in pairs if v is not None) + " }"


def items(values: list[str]) -> str:
    return "[\n" + "".join(f"  {v},\n" for v in values) + "]"


def render(notes: Notes, origin: str) -> str:
    """The notes file for `notes`; `origin` is the comment's first line (where they came from)."""
    meta = notes.meta
    lines = [f"# {line}" for line in origin.splitlines()]
    lines += ["# Check it with `notesforge check`; see docs/format.md for what each key means.", "", "[notes]"]
    lines.append(f"id = {string(meta.id)}")
    lines.append(f"title = {string(meta.title)}")
    for key in ("subtitle", "course", "author"):
        value = getattr(meta, key)
        if value:
            lines.append(f"{key} = {string(value)}")
    lines.append(f"language = {string(meta.language)}")
    if meta.date:
        lines.append(f"date = {meta.date.isoformat()}")
    for section in notes.sections:
        lines += _section(section, "section", True)
    return "\n".join(lines) + "\n"


def _section(section: Section, header: str, inherited: bool) -> Iterator[str]:
    yield ""
    yield f"[[{header}]]"
    yield f"id = {string(section.id)}"
    yield f"title = {markup(section.title)}"
    if section.cards != inherited:  # a section's `cards` holds for its subsections unless they say
        yield f"cards = {'true' if section.cards else 'false'}"
    blocks = _Blocks(f"{header}.block")
    for block in section.blocks:
        yield ""
        yield f"[[{header}.block]]"
        yield from blocks.visit(block)
    for sub in section.sections:
        yield from _section(sub, f"{header}.section", section.cards)


class _Blocks(BlockVisitor[list[str]]):
    """The keys of one block, after its `[[...block]]` header."""

    __slots__ = ("header",)

    def __init__(self, header: str):
        self.header = header

    def visit_paragraph(self, block: Paragraph) -> list[str]:
        return ['type = "paragraph"', f"text = {markup(block.text)}"]

    def visit_bullets(self, block: BulletList) -> list[str]:
        values = [
            markup(b.text)
            if b.id is None and b.date is None
            else inline_table(
                [
                    ("text", markup(b.text)),
                    ("date", string(b.date) if b.date else None),
                    ("id", string(b.id) if b.id else None),
                ]
            )
            for b in block.items
        ]
        return ['type = "bullets"', f"items = {items(values)}"]

    def visit_table(self, block: ComparisonTable) -> list[str]:
        # A table's default id, made from its caption, need not be a slug: left out, it is made again.
        out = ['type = "table"', *([f"id = {string(block.id)}"] if _SLUG.match(block.id) else [])]
        if block.caption:
            out.append(f"caption = {markup(block.caption)}")
        if not block.cards:
            out.append("cards = false")
        if block.ask != TABLE_ASK:
            out.append("ask = [" + ", ".join(string(a) for a in block.ask) + "]")
        for column in block.columns:
            points = [
                inline_table([("text", markup(p.text)), ("date", string(p.date))]) if p.date else markup(p.text)
                for p in column.points
            ]
            out += [
                "",
                f"[[{self.header}.columns]]",
                f"heading = {markup(column.heading)}",
                f"points = {items(points)}",
            ]
        return out

    def visit_grid(self, block: Grid) -> list[str]:
        out = ['type = "grid"', f"id = {string(block.id)}"]
        if block.caption:
            out.append(f"caption = {markup(block.caption)}")
        if block.corner:
            out.append(f"corner = {markup(block.corner)}")
        out.append("columns = [" + ", ".join(markup(c) for c in block.columns) + "]")
        if not block.cards:
            out.append("cards = false")
        if block.ask != ("cells",):
            out.append("ask = [" + ", ".join(string(a) for a in block.ask) + "]")
        rows = [
            inline_table(
                [("heading", markup(r.heading)), ("cells", "[" + ", ".join(markup(c.text) for c in r.cells) + "]")]
            )
            for r in block.rows
        ]
        return [*out, f"rows = {items(rows)}"]

    def visit_events(self, block: Timeline) -> list[str]:
        values = [
            inline_table(
                [
                    ("date", string(e.date)),
                    ("text", markup(e.text)),
                    ("id", string(e.id) if e.id else None),
                    ("ask", string(e.ask) if e.ask else None),
                ]
            )
            for e in block.events
        ]
        return ['type = "events"', *_switches(block.cards, block.ask), f"items = {items(values)}"]

    def visit_terms(self, block: Glossary) -> list[str]:
        values = [
            inline_table(
                [
                    ("term", markup(t.term)),
                    ("definition", markup(t.definition)),
                    ("id", string(t.id) if t.id else None),
                    ("ask", string(t.ask) if t.ask else None),
                ]
            )
            for t in block.terms
        ]
        return ['type = "terms"', *_switches(block.cards, block.ask), f"items = {items(values)}"]

    def visit_cards(self, block: CardList) -> list[str]:
        return ['type = "cards"', f"items = {items([_card(c) for c in block.cards])}"]


def _switches(cards: bool, ask: str) -> list[str]:
    """An events or terms block's `cards` and `ask`, where they are not the defaults."""
    return [*([] if cards else ["cards = false"]), *([] if ask == "both" else [f"ask = {string(ask)}"])]


def _card(card: BasicCard | ClozeCard) -> str:
    def opt(value: str | None) -> str | None:
        return string(value) if value else None

    image = opt(card.image.name) if card.image else None
    if isinstance(card, ClozeCard):
        extra = markup(card.extra) if card.extra else None
        pairs = [("cloze", markup(card.text)), ("extra", extra), ("image", image), ("id", opt(card.id))]
        return inline_table([*pairs, ("guid", opt(card.guid))])
    return inline_table(
        [
            ("q", markup(card.question)),
            ("a", markup(card.answer)),
            ("reverse", "true" if card.reverse else None),
            ("prompt", opt(card.prompt)),
            ("reverse_prompt", opt(card.reverse_prompt)),
            ("image", image),
            ("id", opt(card.id)),
            ("guid", opt(card.guid)),
        ]
    )
