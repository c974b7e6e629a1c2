"""Markdown (CommonMark with GitHub's pipe tables), parsed with markdown-it-py.

Headings become sections (a document's one leading `#` heading is the notes' title), paragraphs
paragraphs, lists bullets, tables comparison tables (a grid when every row starts with a bold
heading), and a bold paragraph before a table its caption. In bullets, table cells and cloze cards
a key fact, `**bold**`, `==highlight==` or Anki's `{{c1::...}}`, becomes a cloze mark. Lists of
`**date** — text` items become events (dated bullets when only some are dated or a date has no
year), lists of `**term**: definition` items key terms, and a list after a paragraph
**Test yourself** cards (`question — answer`, `cloze text — extra`): so the project's own Markdown
export reads back as the notes it came from.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..inline import clozes, merge_text, plain
from ..model import (
    IMAGE_TYPES,
    BasicCard,
    Bullet,
    BulletList,
    CardList,
    Cell,
    Cloze,
    ClozeCard,
    Column,
    ComparisonTable,
    Emphasis,
    Event,
    Glossary,
    Grid,
    GridRow,
    Image,
    Inline,
    Meta,
    Paragraph,
    Point,
    Rich,
    Strong,
    Term,
    Text,
    Timeline,
)
from .base import Draft, Imported, ImportFailed, Locations, Report, finish, slug
from .rich import ANKI_CLOZE, flat, numbered, squash, tidy, writable

_HIGHLIGHT = re.compile(r"==(?=\S)(.+?)(?<=\S)==")
_YEAR = re.compile(r"\d{3,4}")
_DASH = " — "
_BRACE = "\ue001"
_READ = {"heading": "headings", "paragraph": "paragraphs", "bullet_list": "lists", "ordered_list": "lists"}
_READ |= {"table": "tables"}


def read(path: Path, notes_id: str | None = None) -> Imported:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(f"{path}: not UTF-8 (byte {exc.start}); save the file as UTF-8") from None
    return read_text(text, str(path), notes_id or slug(path.stem), " ".join(path.stem.split()), path.parent)


def read_text(text: str, origin: str, notes_id: str, title: str, folder: Path | None = None) -> Imported:
    """Notes from Markdown `text`; `title` unless the text has its own; images relative to `folder`."""
    from markdown_it import MarkdownIt
    from markdown_it.tree import SyntaxTreeNode

    report = Report(origin, "Markdown")
    front, body = _front_matter(text)
    # An escaped brace is text, never the start of a cloze deletion: keep it apart until the text is read.
    body = body.replace("\\{", _BRACE)
    nodes = list(SyntaxTreeNode(MarkdownIt("commonmark").enable("table").parse(body)).children)
    reader = _Reader(report, Locations(origin), folder)
    meta: dict[str, Any] = {"title": front.get("title") or title}
    headings = [n for n in nodes if n.type == "heading"]
    base = 0
    if nodes and nodes[0].type == "heading" and nodes[0].tag == "h1" and sum(h.tag == "h1" for h in headings) == 1:
        meta["title"] = plain(reader.inline(nodes[0].children[0], False)) or meta["title"]
        nodes, base = nodes[1:], 1
        nodes = _title_block(nodes, reader, meta)
    elif headings:
        base = min(int(h.tag[1]) for h in headings) - 1
    for key in ("subtitle", "author"):
        meta.setdefault(key, front.get(key))
    stack: list[tuple[int, Draft]] = []
    tops: list[Draft] = []
    for node in nodes:
        report.count(_READ.get(node.type, "other blocks"))
        if node.type == "heading":
            if stack:
                reader.flush(stack[-1][1])
            depth = int(node.tag[1]) - base
            while stack and stack[-1][0] >= depth:
                stack.pop()
            title_rich = reader.inline(node.children[0], False)
            draft = Draft(title_rich or (Text("Untitled"),))
            (stack[-1][1].sections if stack else tops).append(draft)
            stack.append((depth, draft))
            continue
        if not stack:  # text before the first heading: a section named after the notes
            draft = Draft((Text(meta["title"]),))
            tops.append(draft)
            stack.append((99, draft))  # closed by any heading: the sections are not inside it
        reader.block(node, stack[-1][1])
    if stack:
        reader.flush(stack[-1][1])
    language = front.get("lang") or "en"
    date = _date(front.get("date") or meta.get("date"))
    notes_meta = Meta(
        notes_id, meta["title"], language, meta.get("subtitle"), meta.get("course"), meta.get("author"), date
    )
    if not tops:
        raise ImportFailed(f"{origin}: no content to import")
    return Imported(finish(notes_meta, tops, origin, report), reader.images, report)


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """YAML front matter's `key: value` lines (values plain or double-quoted), and the rest."""
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 3)
    if end < 0:
        return {}, text
    found = {}
    for line in text[4:end].splitlines():
        key, sep, value = line.partition(":")
        value = value.strip()
        if sep and value:
            try:
                found[key.strip()] = json.loads(value) if value.startswith('"') else value
            except json.JSONDecodeError:
                found[key.strip()] = value
    return found, text[end + 5 :]


def _title_block(nodes: list, reader: _Reader, meta: dict[str, Any]) -> list:
    """After the title: an italic paragraph is the subtitle, then a `course · author · date` line."""
    if nodes and nodes[0].type == "paragraph":
        rich = reader.peek(nodes[0].children[0])
        if len(rich) == 1 and isinstance(rich[0], Emphasis):
            meta["subtitle"] = plain(rich)
            nodes = nodes[1:]
    if nodes and nodes[0].type == "paragraph":
        rich = reader.peek(nodes[0].children[0])
        parts = plain(rich).split(" · ")
        # One plain line just before the first heading: course · author · date (as the export writes it).
        line = all(c.type == "text" for c in nodes[0].children[0].children) and len(rich) == 1
        if len(parts) > 1 or _date(parts[-1]) or (line and (len(nodes) == 1 or nodes[1].type == "heading")):
            if _date(parts[-1]):
                meta["date"] = parts.pop()
            named = [*parts[:1], " · ".join(parts[1:])] if parts[1:] else parts
            meta.update(zip(("course", "author"), named, strict=False))
            nodes = nodes[1:]
    return nodes


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _strong(rich: Rich) -> Rich:
    """Cloze marks as bold text again, where the notes allow none."""
    return tuple(
        Strong((Text(n.answer),))
        if isinstance(n, Cloze)
        else type(n)(_strong(n.children))
        if isinstance(n, Emphasis | Strong)
        else n
        for n in rich
    )


def _inside(node: Inline) -> Rich:
    """What a bold run or a key fact holds."""
    return node.children if isinstance(node, Strong) else (Text(node.answer),) if isinstance(node, Cloze) else (node,)


def _split(rich: Rich, sep: str) -> tuple[Rich, Rich] | None:
    """`rich` cut at the first `sep` in its top-level text, or None."""
    for i, node in enumerate(rich):
        if isinstance(node, Text) and sep in node.value:
            before, after = node.value.split(sep, 1)
            return tidy(merge_text([*rich[:i], Text(before)])), tidy(merge_text([Text(after), *rich[i + 1 :]]))
    return None


class _Reader:
    """Blocks and inline text of the Markdown tree, into drafts of sections."""

    def __init__(self, report: Report, loc: Locations, folder: Path | None):
        self.report = report
        self.loc = loc
        self.folder = folder
        self.images: dict[str, bytes] = {}
        self.pending: Rich | None = None  # a bold paragraph: a caption if a table follows
        self.ids: set[str] = set()

    # --- inline ------------------------------------------------------------------

    def inline(self, node: Any, cloze: bool, found: list[str] | None = None, whole: bool = True) -> Rich:
        """An inline node as inline markup: bold a cloze mark where `cloze`; images into `found`.
        `whole`: the text as it goes into the notes (else a list item, to be cut up first)."""
        rich = numbered(tidy(merge_text(self._nodes(node.children, cloze, found))))
        return self.fit(rich, cloze) if whole else rich

    def fit(self, rich: Rich, cloze: bool) -> Rich:
        """`rich` as the notes can write it: as plain text where its emphasis would read back otherwise."""
        rich = numbered(rich)
        if not writable(rich, cloze):
            self.report.lose("emphasis the notes cannot write exactly (kept as plain text)", plain(rich))
            rich = tidy(flat(rich))
        return rich

    def peek(self, node: Any) -> Rich:
        """An inline node read without reporting anything (to see whether it is metadata)."""
        report, self.report = self.report, Report("", "")
        try:
            return self.inline(node, False)
        finally:
            self.report = report

    def _nodes(self, children: list, cloze: bool, found: list[str] | None) -> list[Inline]:
        out: list[Inline] = []
        for child in children:
            kind = child.type
            if kind == "text":
                out += self._text(child.content, cloze)
            elif kind == "strong":
                inner = merge_text(self._nodes(child.children, False, found))
                # A key fact is plain text; bold with markup inside stays bold.
                if cloze and plain(inner).strip() and all(isinstance(n, Text) for n in inner):
                    out.append(Cloze(squash(plain(inner)), None, 0))
                elif inner:
                    out.append(Strong(inner))
            elif kind == "em":
                inner = merge_text(self._nodes(child.children, cloze, found))
                if inner:
                    out.append(Emphasis(inner))
            elif kind in ("softbreak", "hardbreak"):
                out.append(Text(" "))
            elif kind == "code_inline":
                code = child.content.replace(_BRACE, "\\{")
                self.report.lose("inline code (kept as text)", code)
                out.append(Text(code))
            elif kind == "link":
                self.report.lose("links (their text kept)", child.attrs.get("href", ""))
                out += self._nodes(child.children, cloze, found)
            elif kind == "image":
                if found is None:
                    self.report.lose("images outside a card (left out)", str(child.attrs.get("src", "")))
                else:
                    found.append(str(child.attrs.get("src", "")))
            elif kind == "html_inline":
                html = child.content.replace(_BRACE, "\\{")
                self.report.lose("inline HTML (kept as text)", html)
                out.append(Text(html))
            else:
                self.report.lose(f"inline {kind} (left out)", child.content or kind)
        return out

    def _text(self, value: str, cloze: bool) -> list[Inline]:
        if not cloze:
            return [Text(value.replace(_BRACE, "{"))]
        out: list[Inline] = []
        pattern = re.compile(f"{ANKI_CLOZE.pattern}|{_HIGHLIGHT.pattern}", re.S)
        last = 0
        for m in pattern.finditer(value):
            out.append(Text(value[last : m.start()]))
            answer = (m.group(2) if m.group(1) else m.group(4)).replace(_BRACE, "{")
            hint = m.group(3).replace(_BRACE, "{") if m.group(1) and m.group(3) else None
            out.append(Cloze(squash(answer), squash(hint) if hint else None, 0))
            last = m.end()
        out.append(Text(value[last:]))
        return [Text(n.value.replace(_BRACE, "{")) if isinstance(n, Text) else n for n in out]

    # --- blocks -------------------------------------------------------------------

    def block(self, node: Any, draft: Draft) -> None:
        kind = node.type
        if self.pending is not None and kind != "table" and not (kind.endswith("_list") and self._test_yourself()):
            self._paragraph(draft, self.pending)
        if kind == "paragraph":
            rich = self.inline(node.children[0], False, whole=False)
            if len(rich) == 1 and isinstance(rich[0], Strong) and self.pending is None:
                self.pending = rich
                return
            self.pending = None
            self._paragraph(draft, rich)
        elif kind in ("bullet_list", "ordered_list"):
            if self.pending is not None and self._test_yourself():
                self.pending = None
                self._cards(node, draft)
            else:
                self.pending = None
                self._list(node, draft)
        elif kind == "table":
            caption, self.pending = self.pending, None
            self._table(node, draft, self.fit(caption[0].children, False) if caption else None)
        elif kind == "blockquote":
            self.report.lose("block quotes (their paragraphs kept)", node.children[0].type if node.children else "")
            for child in node.children:
                self.block(child, draft)
        elif kind in ("fence", "code_block"):
            code = node.content.replace(_BRACE, "\\{")
            self.report.lose("code blocks (kept as a paragraph)", code)
            self._paragraph(draft, (Text(" ".join(code.split())),))
        elif kind == "hr":
            self.report.lose("thematic breaks (left out)", "---")
        else:
            self.report.lose(f"{kind} blocks (left out)", node.content or kind)

    def flush(self, draft: Draft) -> None:
        """A heading or the end: a bold paragraph still waiting is a paragraph of `draft`."""
        if self.pending is not None:
            self._paragraph(draft, self.pending)

    def _test_yourself(self) -> bool:
        return self.pending is not None and plain(self.pending).strip().casefold() == "test yourself"

    def _paragraph(self, draft: Draft, rich: Rich) -> None:
        self.pending = None
        rich = self.fit(rich, False)
        if rich:
            draft.blocks.append(Paragraph(rich, self.loc()))

    def _items(self, node: Any) -> list[Any]:
        """The inline node of each item (its paragraphs joined); nested lists flattened, reported."""
        found = []
        for item in node.children:
            inlines = [c.children[0] for c in item.children if c.type == "paragraph" and c.children]
            if inlines:
                found.append(inlines)
            for sub in item.children:
                if sub.type in ("bullet_list", "ordered_list"):
                    self.report.lose("nested lists (flattened)", sub.children[0].type)
                    found += self._items(sub)
        return found

    def _item(self, inlines: list[Any], cloze: bool, images: list[str] | None = None) -> Rich:
        parts = [self.inline(i, cloze, images, whole=False) for i in inlines]
        return numbered(tidy(merge_text([n for i, p in enumerate(parts) for n in ((Text(" "),) if i else ()) + p])))

    def _list(self, node: Any, draft: Draft) -> None:
        items = [self._item(i, True) for i in self._items(node)]
        items = [i for i in items if i]
        terms = [_split(i, ": ") if isinstance(i[0], Cloze | Strong) else None for i in items]
        if items and all(t is not None and len(t[0]) == 1 and t[1] for t in terms):
            made = [
                Term(self.fit(_inside(t[0]), False), self.fit(_strong(d), False), None, self.loc())
                for t, d in terms  # type: ignore[misc]
            ]
            draft.blocks.append(Glossary(tuple(made), True, self.loc()))
            return
        dated = [self._dated(i) for i in items]
        if items and all(d and _YEAR.search(d[0]) for d in dated):
            events = [Event(date, self.fit(_strong(text), False), None, self.loc()) for date, text in dated]  # type: ignore[misc]
            draft.blocks.append(Timeline(tuple(events), True, self.loc()))
            return
        bullets = [
            Bullet(self.fit(d[1], True), None, self.loc(), d[0]) if d else Bullet(self.fit(i, True), None, self.loc())
            for i, d in zip(items, dated, strict=True)
        ]
        if bullets:
            draft.blocks.append(BulletList(tuple(bullets), self.loc()))

    def _dated(self, rich: Rich) -> tuple[str, Rich] | None:
        """`**date** — text`: the date and the text (its marks renumbered), or None."""
        if len(rich) > 1 and isinstance(rich[0], Cloze | Strong) and isinstance(rich[1], Text):
            text = tidy((Text(rich[1].value.removeprefix(_DASH)), *rich[2:]))
            if rich[1].value.startswith(_DASH) and text:
                return plain((rich[0],)), numbered(text)
        return None

    def _cards(self, node: Any, draft: Draft) -> None:
        cards = []
        for inlines in self._items(node):
            images: list[str] = []
            rich = self._item(inlines, True, images)
            image = self._image(images)
            parts = _split(rich, _DASH)
            if clozes(rich) and (parts is None or clozes(parts[0])):
                text, extra = parts if parts else (rich, ())
                extra = self.fit(_strong(extra), False) or None
                cards.append(ClozeCard(self.fit(text, True), extra, None, self.loc(), image))
            elif parts and parts[0] and parts[1]:
                question, answer = (self.fit(_strong(p), False) for p in parts)
                cards.append(BasicCard(question, answer, False, None, self.loc(), image))
            else:
                self.report.lose("items under 'Test yourself' that are no card (left out)", plain(rich))
        if cards:
            draft.blocks.append(CardList(tuple(cards), self.loc()))

    def _image(self, names: list[str]) -> Image | None:
        for extra in names[1:]:
            self.report.lose("images after a card's first (a card shows one)", extra)
        if not names:
            return None
        name = unquote(names[0])
        source = (self.folder / name) if self.folder else None
        parts = name.split("/")
        usable = "." + name.rsplit(".", 1)[-1].lower() in IMAGE_TYPES and ".." not in parts and not name.startswith("/")
        if not usable or source is None or not source.is_file():
            self.report.lose("images not found beside the Markdown, or of a kind the notes cannot show", name)
            return None
        self.images[name] = source.read_bytes()
        return Image(name, name, self.loc())

    def _id(self, caption: Rich | None, kind: str) -> str:
        base = slug(plain(caption), kind) if caption else kind
        found, n = base, 2
        while found in self.ids:
            found, n = f"{base}-{n}", n + 1
        self.ids.add(found)
        return found

    def _table(self, node: Any, draft: Draft, caption: Rich | None) -> None:
        head = [c.children[0] if c.children else None for c in node.children[0].children[0].children]
        body = node.children[1].children if len(node.children) > 1 else []
        rows = [[c.children[0] if c.children else None for c in tr.children] for tr in body]
        grid = bool(rows) and all(r and r[0] is not None and self._bold_heading(r[0]) for r in rows)
        headings = [self.inline(h, False) if h is not None else () for h in head]
        if grid and all(headings[1:]) and len(head) > 1:
            grid_rows = []
            for r in rows:
                cells = [self.inline(c, True) if c is not None else () for c in r[1:]]
                cells += [()] * (len(head) - 1 - len(cells))
                heading = self.inline(r[0], False)
                grid_rows.append(GridRow(heading[0].children, tuple(Cell(c, self.loc()) for c in cells), self.loc()))
            corner = headings[0] or None
            grid_id = self._id(caption, "grid")
            block = Grid(grid_id, caption, corner, tuple(headings[1:]), tuple(grid_rows), True, ("cells",), self.loc())
            draft.blocks.append(block)
            return
        columns = []
        for i, heading in enumerate(headings):
            points = []
            for r in rows:
                cell = self.inline(r[i], True) if i < len(r) and r[i] is not None else ()
                if cell:
                    dated = self._dated(cell)
                    points.append(Point(dated[1], self.loc(), dated[0]) if dated else Point(cell, self.loc()))
            columns.append(Column(heading, tuple(points), self.loc()))
        if len(columns) < 2 or not all(c.heading and c.points for c in columns):
            self.report.lose("tables the notes cannot hold (one column, or an empty column): left out", str(len(rows)))
            return
        draft.blocks.append(ComparisonTable(self._id(caption, "table"), caption, tuple(columns), True, self.loc()))

    def _bold_heading(self, node: Any) -> bool:
        rich = self.peek(node)
        return len(rich) == 1 and isinstance(rich[0], Strong)
