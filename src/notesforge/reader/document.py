"""Turn the parsed TOML document into the model, collecting every problem."""

from __future__ import annotations

import os
import posixpath
import re
from typing import Any

from .. import inline
from ..cards import duplicate_fronts
from ..diagnostics import Diagnostic, did_you_mean
from ..model import (
    IMAGE_TYPES,
    TABLE_ASK,
    BasicCard,
    Bullet,
    BulletList,
    CardList,
    Cell,
    ClozeCard,
    Column,
    ComparisonTable,
    Event,
    Glossary,
    Grid,
    GridRow,
    Image,
    Location,
    Meta,
    Notes,
    Paragraph,
    Point,
    Rich,
    Section,
    Setting,
    Source,
    Term,
    Timeline,
)
from .positions import Path, Positions
from .schema import BLOCK_TYPES, GRID_ASK, KIND_NAMES, LANGUAGE_PATTERN, SLUG_PATTERN, TABLES, type_ok

MAX_SECTION_DEPTH = 6  # headings h1..h6 in every format
_SLUG = re.compile(SLUG_PATTERN)
_LANGUAGE = re.compile(LANGUAGE_PATTERN)
_YEAR = re.compile(r"\d{3,4}")
# C0 controls but tab and newlines, DEL, C1 controls, and the non-characters U+FFFE/U+FFFF:
# XML (EPUB), Anki's HTML fields and PDF text cannot carry them, and nobody can see them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_CONTROL_ESCAPE = re.compile(r"\\[bfuU]")  # TOML escapes that may write one (a control character)
_DRIVE = re.compile(r"^[A-Za-z]:")
# How each kind of image file starts (SVG is text, with any preamble: not checked).
_IMAGE_MAGIC = {
    ".png": ("PNG", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    ".jpg": ("JPEG", lambda head: head.startswith(b"\xff\xd8\xff")),
    ".jpeg": ("JPEG", lambda head: head.startswith(b"\xff\xd8\xff")),
    ".gif": ("GIF", lambda head: head[:6] in (b"GIF87a", b"GIF89a")),
    ".webp": ("WebP", lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
}


def describe(path: Path) -> str:
    """("section", 0, "block", 2) -> "section[1].block[3]" (1-based, as people count)."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "the document"


class ModelBuilder:
    """Builds the model from the parsed TOML, collecting every problem, located, as it goes."""

    def __init__(self, name: str, positions: Positions):
        self.name = name
        self.pos = positions
        # No text can hold a control character if the file holds none, raw or escaped: then no
        # value needs searching (most files).
        self._controls = bool(_CONTROL.search(positions.text) or _CONTROL_ESCAPE.search(positions.text))
        self.errors: list[Diagnostic] = []
        self._section_ids: dict[str, Location] = {}
        self._guids: dict[str, Location] = {}

    # --- reporting --------------------------------------------------------

    def loc(self, path: Path, *, value: bool = False) -> Location:
        # Found when shown: most locations never are, and finding one may scan the whole file.
        return Location.lazy(self.name, self.pos, path, value)

    def error(self, path: Path, message: str, *, value: bool = False, loc: Location | None = None) -> None:
        self.errors.append(Diagnostic(loc or self.loc(path, value=value), message))

    def fields(self, data: Any, spec_name: str, path: Path, what: str) -> dict[str, Any] | None:
        """Check keys and types of one table; return the well-typed fields."""
        if not isinstance(data, dict):
            where = describe(path)
            self.error(path, f"{where} must be a table" + (f" ({what})" if what != where else ""), value=True)
            return None
        spec = TABLES[spec_name]
        good: dict[str, Any] = {}
        for key, value in data.items():
            field = spec.get(key)
            if field is None:
                self.error((*path, key), f"unknown key '{key}' in {what}{did_you_mean(key, list(spec))}")
            elif not type_ok(field.kind, value):
                self.error(
                    (*path, key), f"'{key}' must be {KIND_NAMES[field.kind]}, not {_type_name(value)}", value=True
                )
            elif field.kind in ("text", "plain") and not value.strip():
                self.error((*path, key), f"'{key}' must not be empty", value=True)
            elif field.kind == "plain" and self.control_characters(value, (*path, key)):
                continue
            elif field.kind == "slug" and not _SLUG.match(value):
                self.error(
                    (*path, key),
                    f"'{key}' must be a slug (lower-case letters, digits and single hyphens), not {value!r}",
                    value=True,
                )
            elif field.kind == "choice" and value not in field.choices:
                hint = did_you_mean(value, field.choices)
                message = f"'{key}' must be one of {_one_of(field.choices)}, not {value!r}{hint}"
                self.error((*path, key), message, value=True)
            elif field.kind == "choices" and not self.choices(value, field.choices, (*path, key)):
                continue
            else:
                good[key] = value
        for key, field in spec.items():
            if field.required and key not in data:
                self.error(path, f"{what} is missing the required key '{key}'")
        return good

    def choices(self, value: list[Any], allowed: tuple[str, ...], path: Path) -> bool:
        """Check a list of some of `allowed`, each at most once; True if it is one."""
        key = path[-1]
        ok = True
        if not value:
            message = f"'{key}' must list at least one of {_one_of(allowed)} (for no cards, write cards = false)"
            self.error(path, message, value=True)
            return False
        for i, item in enumerate(value):
            if not isinstance(item, str) or item not in allowed:
                shown = repr(item) if isinstance(item, str) else _type_name(item)
                hint = did_you_mean(item, allowed) if isinstance(item, str) else ""
                message = f"'{key}' lists {shown}: each must be one of {_one_of(allowed)}{hint}"
                self.error((*path, i), message, value=True)
                ok = False
            elif item in value[:i]:
                self.error((*path, i), f"'{key}' lists {item!r} twice", value=True)
                ok = False
        return ok

    def control_characters(self, value: str, path: Path) -> bool:
        """Report a control character in text (no format can show or store it); True if found."""
        if not self._controls:
            return False
        match = _CONTROL.search(value)
        if match:
            line, col = self.pos.value(path)
            code = ord(match.group())
            where = Location(self.name, line, col + 1 + match.start())
            self.error(path, f"control character U+{code:04X} is not allowed in text; remove it", loc=where)
        return match is not None

    def rich(self, value: str | None, path: Path, *, cloze: bool = False) -> Rich | None:
        if value is None or self.control_characters(value, path):
            return None
        try:
            return inline.parse(value.strip(), allow_cloze=cloze)
        except inline.InlineSyntaxError as exc:
            line, col = self.pos.value(path)
            lead = len(value) - len(value.lstrip())
            for err in exc.errors:
                # Exact for one-line strings without escapes before the mark; close enough otherwise.
                where = Location(self.name, line, col + 1 + lead + err.offset)
                self.error(path, err.message, loc=where)
            return None

    # --- the document -----------------------------------------------------

    def notes(self, document: dict[str, Any], source: Source) -> Notes:
        top = self.fields(document, "document", (), "the document") or {}
        meta = self.meta(top.get("notes"))
        settings = self.settings(top.get("export", {}))
        sections = []
        raw_sections = top.get("section", [])
        if "section" in top and not raw_sections:
            self.error(("section",), "the notes need at least one [[section]]")
        for i, raw in enumerate(raw_sections):
            section = self.section(raw, ("section", i), depth=1, cards=True)
            if section:
                sections.append(section)
        notes = Notes(meta=meta, sections=tuple(sections), source=source, settings=settings)
        if not self.errors:
            self.errors.extend(duplicate_fronts(notes))
        return notes

    def meta(self, raw: Any, table: str = "notes", language: str = "en") -> Meta:
        """The metadata of a `[notes]` table (or of a course's `[course]`, `table="course"`)."""
        path: Path = (table,)
        got = (self.fields(raw, table, path, f"[{table}]") if raw is not None else None) or {}
        language = got.get("language", language)
        if "language" in got and not _LANGUAGE.match(language):
            self.error(
                (*path, "language"), f"'language' must be a BCP 47 tag such as 'en-GB', not {language!r}", value=True
            )
        return Meta(
            id=got.get("id", table),
            title=got.get("title", "").strip(),
            language=language,
            subtitle=_stripped(got.get("subtitle")),
            course=_stripped(got.get("course")),
            author=_stripped(got.get("author")),
            date=got.get("date"),
            loc=self.loc(path),
        )

    def settings(self, raw: dict[str, Any]) -> dict[str, dict[str, Setting]]:
        out: dict[str, dict[str, Setting]] = {}
        for fmt, table in raw.items():
            if not isinstance(table, dict):
                self.error(("export", fmt), f"[export.{fmt}] must be a table of settings", value=True)
                continue
            out[fmt] = {key: Setting(value, self.loc(("export", fmt, key), value=True)) for key, value in table.items()}
        return out

    def section(self, raw: Any, path: Path, depth: int, cards: bool) -> Section | None:
        got = self.fields(raw, "section", path, describe(path))
        if got is None:
            return None
        loc = self.loc(path)
        if depth > MAX_SECTION_DEPTH:
            self.error(path, f"sections are nested {depth} deep; at most {MAX_SECTION_DEPTH} levels are allowed")
            return None
        section_id = got.get("id", f"section-{len(self._section_ids) + 1}")
        if "id" in got:
            if section_id in self._section_ids:
                first = self._section_ids[section_id]
                self.error(
                    (*path, "id"), f"duplicate section id '{section_id}' (first used at line {first.line})", value=True
                )
            else:
                self._section_ids[section_id] = loc
        cards = got.get("cards", cards)
        self.blocks_first(got, path)
        item_ids: dict[str, Location] = {}
        blocks = []
        for i, raw_block in enumerate(got.get("block", [])):
            block = self.block(raw_block, (*path, "block", i), item_ids, len(blocks))
            if block is not None:
                blocks.append(block)
        subsections = []
        for i, raw_sub in enumerate(got.get("section", [])):
            sub = self.section(raw_sub, (*path, "section", i), depth + 1, cards)
            if sub is not None:
                subsections.append(sub)
        if not got.get("block") and not got.get("section") and "block" not in got and "section" not in got:
            self.error(path, f"section '{section_id}' is empty: add a [[section.block]] or a subsection")
        return Section(
            id=section_id,
            title=self.rich(got.get("title", section_id), (*path, "title")) or (),
            blocks=tuple(blocks),
            sections=tuple(subsections),
            cards=cards,
            depth=depth,
            loc=loc,
        )

    def blocks_first(self, got: dict[str, Any], path: Path) -> None:
        """A located error for each block written after a subsection of its section.

        TOML gives a section's blocks and its subsections as two lists, and every format prints the
        blocks first: a block written below a subsection would be printed above it.
        """
        blocks, subsections = got.get("block") or [], got.get("section") or []
        if not blocks or not subsections:
            return
        # Written as [[...]] tables, as most are, the headers tell; else every key's position does.
        where = [(*path, "section", i) for i in range(len(subsections))]
        where += [(*path, "block", j) for j in range(len(blocks))]
        headers = self.pos.headers
        located = headers if all(w in headers for w in where) else self.pos.keys
        starts = [(located.get((*path, "section", i), 0), i) for i in range(len(subsections))]
        starts = [start for start in starts if start[0]]
        if not starts:
            return
        first, i = min(starts)
        sub = subsections[i]
        sub_id = sub.get("id") if isinstance(sub, dict) else None
        name = repr(sub_id) if isinstance(sub_id, str) else describe((*path, "section", i))
        line = self.pos.line_col(first)[0]
        header = "[[" + ".".join(part for part in path if isinstance(part, str)) + ".section]]"
        for j in range(len(blocks)):
            block = (*path, "block", j)
            if located.get(block, 0) > first:
                self.error(
                    block,
                    f"block {describe(block)} comes after the subsection {name} (line {line}): "
                    f"a section's blocks come before its subsections; move it above {header}",
                )

    # --- blocks -----------------------------------------------------------

    def block(self, raw: Any, path: Path, ids: dict[str, Location], index: int):
        if not isinstance(raw, dict):
            self.error(path, "a block must be a table", value=True)
            return None
        kind = raw.get("type")
        if kind is None:
            self.error(path, f"block {describe(path)} needs a 'type': one of {', '.join(BLOCK_TYPES)}")
            return None
        if kind not in BLOCK_TYPES:
            shown = repr(kind) if isinstance(kind, str) else _type_name(kind)
            hint = did_you_mean(kind, BLOCK_TYPES) if isinstance(kind, str) else ""
            self.error(
                (*path, "type"), f"unknown block type {shown}{hint} (one of {', '.join(BLOCK_TYPES)})", value=True
            )
            return None
        got = self.fields(raw, kind, path, f"a {kind} block")
        if got is None:
            return None
        loc = self.loc(path)
        items = got.get("items")
        if items is not None and not items:
            self.error((*path, "items"), f"a {kind} block needs at least one item", value=True)
        items = items or []
        if kind == "paragraph":
            text = self.rich(got.get("text"), (*path, "text"))
            return Paragraph(text, loc) if text else None
        if kind == "bullets":
            bullets = [b for i, item in enumerate(items) if (b := self.bullet(item, (*path, "items", i), ids))]
            return BulletList(tuple(bullets), loc) if bullets else None
        if kind == "table":
            return self.table(got, path, ids, index)
        if kind == "grid":
            return self.grid(got, path, ids)
        if kind == "events":
            events = [e for i, item in enumerate(items) if (e := self.event(item, (*path, "items", i), ids))]
            return Timeline(tuple(events), got.get("cards", True), loc, got.get("ask", "both")) if events else None
        if kind == "terms":
            terms = [t for i, item in enumerate(items) if (t := self.term(item, (*path, "items", i), ids))]
            return Glossary(tuple(terms), got.get("cards", True), loc, got.get("ask", "both")) if terms else None
        cards = [c for i, item in enumerate(items) if (c := self.card(item, (*path, "items", i), ids))]
        return CardList(tuple(cards), loc) if cards else None

    def item_id(self, got: dict[str, Any], path: Path, ids: dict[str, Location]) -> str | None:
        item_id = got.get("id")
        if item_id is None:
            return None
        if item_id in ids:
            self.error(
                (*path, "id"),
                f"duplicate id '{item_id}' in this section (first used at line {ids[item_id].line})",
                value=True,
            )
        ids[item_id] = self.loc(path)
        return item_id

    def bullet(self, raw: Any, path: Path, ids: dict[str, Location]) -> Bullet | None:
        if isinstance(raw, str):
            if not raw.strip():
                self.error(path, "a bullet must not be empty", value=True)
                return None
            text = self.rich(raw, path, cloze=True)
            return Bullet(text, None, self.loc(path)) if text else None
        if not isinstance(raw, dict):
            self.error(
                path, f"a bullet must be a string or a {{ text = ... }} table, not {_type_name(raw)}", value=True
            )
            return None
        got = self.fields(raw, "bullet", path, "a bullet")
        if got is None:
            return None
        text = self.rich(got.get("text"), (*path, "text"), cloze=True)
        item_id = self.item_id(got, path, ids)
        return Bullet(text, item_id, self.loc(path), _stripped(got.get("date"))) if text else None

    def table(self, got: dict[str, Any], path: Path, ids: dict[str, Location], index: int) -> ComparisonTable | None:
        caption = self.rich(got.get("caption"), (*path, "caption"))
        table_id = got.get("id") or inline.normalise(inline.plain(caption or ())) or f"table-{index + 1}"
        if table_id in ids:
            self.error(path, f"duplicate id '{table_id}' in this section: give the table its own 'id'")
        ids[table_id] = self.loc(path)
        columns = []
        raw_columns = got.get("columns", [])
        if "columns" in got and len(raw_columns) < 2:
            self.error((*path, "columns"), f"a comparison table needs at least two columns, not {len(raw_columns)}")
        for i, raw in enumerate(raw_columns):
            cpath = (*path, "columns", i)
            col = self.fields(raw, "column", cpath, "a table column")
            if col is None:
                continue
            heading = self.rich(col.get("heading"), (*cpath, "heading"))
            points = []
            raw_points = col.get("points", [])
            if "points" in col and not raw_points:
                self.error((*cpath, "points"), "a column needs at least one point", value=True)
            for j, raw_point in enumerate(raw_points):
                point = self.point(raw_point, (*cpath, "points", j))
                if point:
                    points.append(point)
            if heading:
                columns.append(Column(heading, tuple(points), self.loc(cpath)))
        if len(columns) < 2:
            return None
        ask = tuple(got.get("ask", TABLE_ASK))
        return ComparisonTable(table_id, caption, tuple(columns), got.get("cards", True), self.loc(path), ask)

    def point(self, raw: Any, path: Path) -> Point | None:
        if isinstance(raw, str):
            if not raw.strip():
                self.error(path, "a point must not be empty", value=True)
                return None
            text = self.rich(raw, path, cloze=True)
            return Point(text, self.loc(path)) if text else None
        if not isinstance(raw, dict):
            self.error(path, f"a point must be a string or a {{ text = ... }} table, not {_type_name(raw)}", value=True)
            return None
        got = self.fields(raw, "point", path, "a table point")
        if got is None:
            return None
        text = self.rich(got.get("text"), (*path, "text"), cloze=True)
        return Point(text, self.loc(path), _stripped(got.get("date"))) if text else None

    def grid(self, got: dict[str, Any], path: Path, ids: dict[str, Location]) -> Grid | None:
        """A grid: every row has one cell per column (an empty cell written as "")."""
        grid_id = got.get("id")
        if grid_id is not None:
            if grid_id in ids:
                first = ids[grid_id].line
                self.error(
                    (*path, "id"), f"duplicate id '{grid_id}' in this section (first used at line {first})", value=True
                )
            ids[grid_id] = self.loc(path)
        caption = self.rich(got.get("caption"), (*path, "caption"))
        corner = self.rich(got.get("corner"), (*path, "corner"))
        raw_columns = got.get("columns")
        if raw_columns is not None and not raw_columns:
            self.error((*path, "columns"), "a grid needs at least one column heading", value=True)
        columns = [self.grid_heading(raw, (*path, "columns", i)) for i, raw in enumerate(raw_columns or [])]
        raw_rows = got.get("rows")
        if raw_rows is not None and not raw_rows:
            self.error((*path, "rows"), "a grid needs at least one row", value=True)
        width = len(raw_columns) if raw_columns else None
        rows = [self.grid_row(raw, (*path, "rows", i), width) for i, raw in enumerate(raw_rows or [])]
        ask = self.grid_ask(got.get("ask"), (*path, "ask"))
        if grid_id is None or not columns or not rows or None in columns or None in rows or ask is None:
            return None
        return Grid(grid_id, caption, corner, tuple(columns), tuple(rows), got.get("cards", True), ask, self.loc(path))

    def grid_heading(self, raw: Any, path: Path) -> Rich | None:
        if not isinstance(raw, str) or not raw.strip():
            self.error(path, "a column heading must be a non-empty string", value=True)
            return None
        return self.rich(raw, path)

    def grid_row(self, raw: Any, path: Path, width: int | None) -> GridRow | None:
        got = self.fields(raw, "grid-row", path, "a grid row")
        if got is None:
            return None
        heading = self.rich(got.get("heading"), (*path, "heading"))
        raw_cells = got.get("cells")
        if raw_cells is not None and width is not None and len(raw_cells) != width:
            name = f"the row {got['heading'].strip()!r}" if "heading" in got else "this row"
            self.error(
                path,
                f"{name} has {_count(len(raw_cells), 'cell')} but the grid has {_count(width, 'column')}: "
                'give a cell for every column, writing an empty one as ""',
            )
            raw_cells = None
        cells = [self.grid_cell(raw, (*path, "cells", j)) for j, raw in enumerate(raw_cells or [])]
        if not heading or raw_cells is None or None in cells:
            return None
        return GridRow(heading, tuple(cells), self.loc(path))

    def grid_cell(self, raw: Any, path: Path) -> Cell | None:
        if not isinstance(raw, str):
            self.error(path, f'a cell must be a string ("" for an empty cell), not {_type_name(raw)}', value=True)
            return None
        if not raw.strip():
            return Cell((), self.loc(path))
        text = self.rich(raw, path, cloze=True)
        return Cell(text, self.loc(path)) if text else None

    def grid_ask(self, raw: list[Any] | None, path: Path) -> tuple[str, ...] | None:
        """The kinds of card a grid makes: `ask = ["cells", "blanks"]`; default cells."""
        if raw is None:
            return ("cells",)
        if not raw:
            self.error(
                path, "'ask' must name the cards to make, 'cells' or 'blanks' (or write 'cards = false')", value=True
            )
            return None
        good = True
        for i, kind in enumerate(raw):
            if kind not in GRID_ASK:
                shown = repr(kind) if isinstance(kind, str) else _type_name(kind)
                hint = did_you_mean(kind, GRID_ASK) if isinstance(kind, str) else ""
                self.error((*path, i), f"unknown card kind {shown} in 'ask'{hint} (one of cells, blanks)", value=True)
                good = False
        return tuple(k for k in GRID_ASK if k in raw) if good else None

    def event(self, raw: Any, path: Path, ids: dict[str, Location]) -> Event | None:
        got = self.fields(raw, "event", path, "an event")
        if got is None:
            return None
        date = got.get("date", "").strip()
        if date and not _YEAR.search(date):
            self.error(
                (*path, "date"), f"the date {date!r} must contain a year, e.g. 'January 1924' or '1931–33'", value=True
            )
        text = self.rich(got.get("text"), (*path, "text"))
        item_id = self.item_id(got, path, ids)
        return Event(date, text, item_id, self.loc(path), got.get("ask")) if date and text else None

    def term(self, raw: Any, path: Path, ids: dict[str, Location]) -> Term | None:
        got = self.fields(raw, "term", path, "a key term")
        if got is None:
            return None
        term = self.rich(got.get("term"), (*path, "term"))
        definition = self.rich(got.get("definition"), (*path, "definition"))
        item_id = self.item_id(got, path, ids)
        return Term(term, definition, item_id, self.loc(path), got.get("ask")) if term and definition else None

    def card(self, raw: Any, path: Path, ids: dict[str, Location]) -> BasicCard | ClozeCard | None:
        if not isinstance(raw, dict):
            self.error(path, "a card must be a table: { q = ..., a = ... } or { cloze = ... }", value=True)
            return None
        if "cloze" in raw and ("q" in raw or "a" in raw):
            self.error(path, "a card has either 'q' and 'a', or 'cloze', not both")
            return None
        if "cloze" in raw:
            got = self.fields(raw, "cloze-card", path, "a cloze card")
            if got is None:
                return None
            text = self.rich(got.get("cloze"), (*path, "cloze"), cloze=True)
            if text is not None and not inline.clozes(text):
                self.error((*path, "cloze"), "a cloze card needs at least one cloze mark: [[answer]]", value=True)
                text = None
            extra = self.rich(got.get("extra"), (*path, "extra"))
            item_id = self.item_id(got, path, ids)
            image = self.image(got.get("image"), path)
            guid = self.guid(got, path)
            return ClozeCard(text, extra, item_id, self.loc(path), image, guid) if text else None
        got = self.fields(raw, "basic-card", path, "a card")
        if got is None:
            return None
        question = self.rich(got.get("q"), (*path, "q"))
        answer = self.rich(got.get("a"), (*path, "a"))
        item_id = self.item_id(got, path, ids)
        image = self.image(got.get("image"), path)
        reverse = got.get("reverse", False)
        if "reverse_prompt" in got and not reverse:
            self.error(
                (*path, "reverse_prompt"), "'reverse_prompt' needs reverse = true: this card is asked one way only"
            )
        prompts = _stripped(got.get("prompt")), _stripped(got.get("reverse_prompt"))
        guid = self.guid(got, path)
        if question and answer:
            return BasicCard(question, answer, reverse, item_id, self.loc(path), image, *prompts, guid)
        return None

    def guid(self, got: dict[str, Any], path: Path) -> str | None:
        """A kept Anki note GUID: one note per GUID in the whole file, or Anki would merge two cards."""
        guid = got.get("guid")
        if guid is None:
            return None
        where = (*path, "guid")
        if not guid.strip() or guid != guid.strip():
            self.error(
                where, "a guid is the GUID of an Anki note as imported: not empty, no spaces around it", value=True
            )
            return None
        if guid in self._guids:
            first = self._guids[guid].line
            self.error(
                where, f"duplicate guid {guid!r} (first used at line {first}): one card per Anki note", value=True
            )
        self._guids[guid] = self.loc(path)
        return guid

    def image(self, written: str | None, card: Path) -> Image | None:
        """A card's image file, relative to the notes file's folder; a located error unless it is there."""
        if written is None:
            return None
        path = (*card, "image")
        name = written.strip()

        def bad(message: str) -> None:
            self.error(path, f"image '{name}' {message}", value=True)

        suffix = posixpath.splitext(name)[1].lower()
        relative = posixpath.normpath(name)
        folder = os.path.dirname(self.name)  # "" for a bare file name: the current folder
        if "\\" in name:
            return bad("must be written with forward slashes: '{}'".format(name.replace("\\", "/")))
        if name.startswith("/") or _DRIVE.match(name):
            return bad("must be a path relative to the notes file's folder, not an absolute path")
        if relative == ".." or relative.startswith("../"):
            return bad("is outside the notes file's folder; keep images in that folder or below it")
        if suffix not in IMAGE_TYPES:
            return bad("must be a .png, .jpg, .jpeg, .gif, .svg or .webp file")
        file = os.path.abspath(os.path.join(folder, relative))
        if not os.path.exists(file):
            return bad(f"not found (looked in {os.path.join(folder or '.', posixpath.dirname(relative), '')})")
        if not os.path.isfile(file):
            return bad("is a folder, not a file" if os.path.isdir(file) else "is not a file")
        try:
            with open(file, "rb") as handle:
                head = handle.read(16)
        except OSError as exc:
            return bad(f"cannot be read: {exc.strerror or exc}")
        kind, looks_right = _IMAGE_MAGIC.get(suffix, ("", lambda head: True))
        if not looks_right(head):
            return bad(f"is not a {kind} file (its first bytes are not those of one)")
        return Image(file, name, self.loc(path, value=True))


def _one_of(choices: tuple[str, ...]) -> str:
    """('a', 'b', 'c') -> "'a', 'b' or 'c'"."""
    quoted = [f"'{c}'" for c in choices]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1] if len(quoted) > 1 else quoted[0]


def _stripped(value: str | None) -> str | None:
    return value.strip() if value else None


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _type_name(value: Any) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a float",
        str: "a string",
        list: "an array",
        dict: "a table",
    }.get(type(value), type(value).__name__)
