"""Markdown: the notes as plain GitHub-flavoured Markdown (pandoc, wikis, Obsidian).

Every character of the notes stays literal: Markdown and HTML specials are
backslash-escaped, so `<script>` renders as text and `*` as an asterisk.
Cloze marks are bold, as a key fact is in print.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ..inline import merge_text, render
from ..keydates import shown_date
from ..model import (
    BasicCard,
    BulletList,
    CardList,
    Cloze,
    ClozeCard,
    ComparisonTable,
    Emphasis,
    Glossary,
    Grid,
    Image,
    Inline,
    Notes,
    Paragraph,
    Point,
    Rich,
    Section,
    Strong,
    Text,
    Timeline,
)
from ..visitor import BlockVisitor
from .base import Config, Exporter, setting

# Always escaped: emphasis, code, links, HTML and entities, headings, tables, strikethrough,
# and the extensions of common renderers ($ math in Obsidian and pandoc; `{` for Obsidian's
# Anki plugins and notesforge's own import, which read `{{c1::x}}` as a cloze deletion).
_SPECIALS = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|&~${"})
# `:smile:` is an emoji in GFM (pandoc's gfm reader too): break the shortcode.
_EMOJI = re.compile(r":(?=[\w+-]+:)")
# What would start another block at the beginning of a line: a list item, a setext
# underline or thematic break, an ordered list item.
_LINE_START = re.compile(r"^(?:([-+=])|(\d{1,9})([.)]))")
_NEWLINES = re.compile(r"\s*[\r\n\u2028\u2029]+\s*")
_BULLETS = ("-", "*")  # alternated so that two lists in a row stay two lists


def escape(text: str) -> str:
    """`text` as Markdown that renders exactly as `text` (on one line)."""
    out = _NEWLINES.sub(" ", text).translate(_SPECIALS)
    return _EMOJI.sub(r"\\:", out) if ":" in out else out


def guard(line: str) -> str:
    """Escape what would make the start of `line` a list item, a rule or a code block."""
    line = line.lstrip(" \t")
    match = _LINE_START.match(line)
    if not match:
        return line
    if match.group(1):
        return "\\" + line
    return f"{match.group(2)}\\{line[len(match.group(2)) :]}"


class MarkdownRenderer:
    """Inline markup as Markdown; cloze answers in bold."""

    def text(self, value: str) -> str:
        return escape(value)

    def emphasis(self, inner: str) -> str:
        return f"*{inner}*"

    def strong(self, inner: str) -> str:
        return f"**{inner}**"

    def cloze(self, cloze: Cloze) -> str:
        return f"**{escape(cloze.answer)}**"


_RENDERER = MarkdownRenderer()


def _unbold(rich: Rich, bold: bool = False) -> Rich:
    """Bold runs Markdown can write: no bold inside bold, no two bold runs side by side.

    `**a **b** c**` and `**a****b**` are not bold in Markdown: strong text and cloze
    marks inside bold text become its plain content, and adjacent ones merge.
    """
    out: list[Inline] = []
    for node in rich:
        if isinstance(node, Emphasis):
            out.append(Emphasis(_unbold(node.children, bold)))
        elif not isinstance(node, Cloze | Strong):
            out.append(node)
        elif bold:
            out.extend(_unbold(node.children, True) if isinstance(node, Strong) else (Text(node.answer),))
        elif out and isinstance(out[-1], Cloze | Strong):
            out[-1] = Strong(_unbold((out[-1], node), True))
        else:
            out.append(Strong(_unbold(node.children, True)) if isinstance(node, Strong) else node)
    return merge_text(out)


def span(rich: Rich) -> str:
    """Inline markup as Markdown on one line."""
    return render(_unbold(rich), _RENDERER)


def bold(rich: Rich) -> str:
    return f"**{render(_unbold(rich, True), _RENDERER)}**"


def cell(rich: Rich | None) -> str:
    return (span(rich) if rich else "") or " "


def dated(date: str | None, rich: Rich) -> str:
    """A bullet's or a point's text, after its date in bold (as an event's) if it has one."""
    date = shown_date(date, rich)
    return f"{bold((Text(date),))} — {span(rich)}" if date else span(rich)


@dataclass(frozen=True, slots=True)
class MarkdownConfig(Config):
    """The settings of the Markdown file (`[export.markdown]`)."""

    front_matter: bool = setting(
        False, "Start with YAML front matter (title, subtitle, author, lang, date) for pandoc and Obsidian."
    )


class MarkdownExporter(Exporter):
    name = "markdown"
    description = "Markdown of the notes (GFM: pipe tables), for pandoc, wikis and Obsidian"
    suffix = ".md"
    config_class = MarkdownConfig
    cost = 0.5

    def export(self, notes: Notes, path: Path, config: MarkdownConfig) -> None:
        path.write_bytes(to_markdown(notes, front_matter=config.front_matter).encode("utf-8"))


def to_markdown(notes: Notes, front_matter: bool = False) -> str:
    """The whole document: blocks separated by one blank line, LF endings, one final newline."""
    parts = list(_front_matter(notes)) if front_matter else []
    parts += _title_block(notes)
    for section in notes.walk():
        parts += _section(section)
    return "\n\n".join(parts) + "\n"


def _front_matter(notes: Notes) -> Iterator[str]:
    meta = notes.meta
    fields = {
        "title": meta.title,
        "subtitle": meta.subtitle,
        "author": meta.author,
        "lang": meta.language,
        "date": meta.date.isoformat() if meta.date else None,
    }
    # JSON strings are YAML double-quoted scalars.
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items() if value]
    yield "\n".join(["---", *lines, "---"])


def _title_block(notes: Notes) -> list[str]:
    meta = notes.meta
    out = [f"# {escape(meta.title)}"]
    if meta.subtitle:
        out.append(f"*{escape(meta.subtitle)}*")
    about = [escape(x) for x in (meta.course, meta.author) if x]
    if meta.date:
        about.append(meta.date.isoformat())
    if about:
        out.append(guard(" · ".join(about)))
    return out


def _section(section: Section) -> list[str]:
    out = [f"{'#' * min(section.depth + 1, 6)} {span(section.title)}"]
    blocks = _Blocks()
    for block in section.blocks:
        lead, items = blocks.visit(block)
        out += lead
        if items is not None:
            # A list right after another list would join it: switch the bullet character.
            marker = _BULLETS[1] if out[-1].startswith(_BULLETS[0] + " ") else _BULLETS[0]
            out.append("\n".join(f"{marker} {guard(item)}" for item in items))
    return out


# A block as Markdown: its blocks of text, then the items of the list that follows them (or None).
_Shown = tuple[list[str], list[str] | None]


class _Blocks(BlockVisitor[_Shown]):
    __slots__ = ()

    def visit_paragraph(self, block: Paragraph) -> _Shown:
        return [guard(span(block.text))], None

    def visit_bullets(self, block: BulletList) -> _Shown:
        return [], [dated(b.date, b.text) for b in block.items]

    def visit_table(self, block: ComparisonTable) -> _Shown:
        out = [bold(block.caption)] if block.caption else []
        lines = [
            "| " + " | ".join(cell(c.heading) for c in block.columns) + " |",
            "|" + "|".join(" --- " for _ in block.columns) + "|",
        ]
        lines += ["| " + " | ".join(_point_cell(p) for p in row) + " |" for row in block.rows]
        out.append("\n".join(lines))
        return out, None

    def visit_grid(self, block: Grid) -> _Shown:
        """A pipe table: the row headings (in bold) in the first column, under the corner heading."""
        out = [bold(block.caption)] if block.caption else []
        lines = [
            "| " + " | ".join(cell(h) for h in (block.corner, *block.columns)) + " |",
            "|" + "|".join(" --- " for _ in range(len(block.columns) + 1)) + "|",
        ]
        lines += [
            "| " + " | ".join([bold(row.heading), *(cell(c.text) for c in row.cells)]) + " |" for row in block.rows
        ]
        out.append("\n".join(lines))
        return out, None

    def visit_events(self, block: Timeline) -> _Shown:
        return [], [f"{bold((Text(e.date),))} — {span(e.text)}" for e in block.events]

    def visit_terms(self, block: Glossary) -> _Shown:
        return [], [f"{bold(t.term)}: {span(t.definition)}" for t in block.terms]

    def visit_cards(self, block: CardList) -> _Shown:
        return ["**Test yourself**"], [_card(c) for c in block.cards]


def _point_cell(point: Point | None) -> str:
    return dated(point.date, point.text) if point and point.date else cell(point.text if point else None)


def _card(card: BasicCard | ClozeCard) -> str:
    if isinstance(card, BasicCard):
        return f"{span(card.question)} — {span(card.answer)}{image(card.image)}"
    extra = f" — {span(card.extra)}" if card.extra else ""
    return span(card.text) + extra + image(card.image)


def image(img: Image | None) -> str:
    """The card's image after its answer, at the path written in the notes (relative to them).

    Percent-encoded: a space or parenthesis would end the link; plain names stay as written.
    """
    return f" ![]({quote(img.name, safe='/')})" if img else ""
