"""CSV and TSV: a card a row, in columns front, back and optionally tags and deck.

The first row is a header when its cells name the columns (`front`, `back`, `tags`, `deck`, or
`question`, `answer`, `q`, `a`); then the columns may come in any order. Without a header the
columns are front, back, tags, deck in that order. A front with Anki's `{{c1::...}}` makes a cloze
card (the back is its extra). Each deck (`History::Russia`: nested) becomes a section.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ..model import BasicCard, ClozeCard, Meta, Rich, Text
from .base import Draft, Imported, ImportFailed, Locations, Report, finish, slug, title_of
from .rich import Clozes, tidy

_NAMES = {
    "front": "front",
    "question": "front",
    "q": "front",
    "back": "back",
    "answer": "back",
    "a": "back",
    "tags": "tags",
    "tag": "tags",
    "deck": "deck",
}
_ORDER = ("front", "back", "tags", "deck")


def read(path: Path, notes_id: str | None = None) -> Imported:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(f"{path}: not UTF-8 (byte {exc.start}); save the file as UTF-8") from None
    rows = [row for row in csv.reader(text.splitlines(), _dialect(path, text)) if any(c.strip() for c in row)]
    report = Report(str(path), "TSV" if _dialect(path, text).delimiter == "\t" else "CSV")
    columns = _header(rows[0]) if rows else None
    if columns:
        rows = rows[1:]
    else:
        columns = {name: i for i, name in enumerate(_ORDER)}
    root = Draft(title_of(path))
    loc = Locations(str(path))
    for number, row in enumerate(rows, 2 if columns else 1):
        report.count("rows")
        cell = {name: row[i].strip() if i < len(row) else "" for name, i in columns.items()}
        card = _card(cell.get("front", ""), cell.get("back", ""), loc, report, number)
        if card is None:
            continue
        if cell.get("tags"):
            report.lose("tags (the notes format has no card tags)", cell["tags"])
        draft = root
        for part in (p.strip() for p in cell.get("deck", "").split("::")):
            if part:
                draft = draft.child((Text(part),), key=part)
        draft.cards.append(card)
    meta = Meta(notes_id or slug(path.stem), " ".join(path.stem.split()), "en")
    # Rows without a deck go first, in a section named after the file; each deck is a section.
    drafts = [Draft(root.title, cards=root.cards)] if root.cards else []
    drafts += root.sections
    return Imported(finish(meta, drafts, str(path), report), {}, report)


def _dialect(path: Path, text: str) -> type[csv.Dialect] | csv.Dialect:
    if path.suffix.lower() == ".tsv":
        return csv.excel_tab
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _header(row: list[str]) -> dict[str, int] | None:
    """Column name -> index, if `row` is a header naming at least the front and the back."""
    found = {}
    for i, cell in enumerate(row):
        name = _NAMES.get(cell.strip().lower())
        if name and name not in found:
            found[name] = i
    return found if {"front", "back"} <= found.keys() else None


def _card(front: str, back: str, loc: Locations, report: Report, row: int) -> BasicCard | ClozeCard | None:
    clozes = Clozes()
    text = tidy(clozes.put_back((Text(clozes.take(front)),)))
    answer: Rich = tidy((Text(back),))
    if not text:
        report.lose("rows without a front (left out)", f"row {row}: {back}")
        return None
    if clozes.found:
        if clozes.renumbered:
            report.lose("cloze numbers renumbered (the notes number each mark in order)", front)
        return ClozeCard(text, answer or None, None, loc())
    if not answer:
        report.lose("rows without a back (left out)", f"row {row}: {front}")
        return None
    return BasicCard(text, answer, False, None, loc())
