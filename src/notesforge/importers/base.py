"""What every importer shares: the result and its report, and drafts of sections that become the model."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..cards import duplicate_fronts
from ..inline import plain
from ..model import (
    BasicCard,
    Block,
    BulletList,
    CardList,
    ClozeCard,
    ComparisonTable,
    Glossary,
    Location,
    Meta,
    Notes,
    Rich,
    Section,
    Source,
    Text,
    Timeline,
)


class ImportFailed(Exception):
    """A source that cannot be read at all (not a zip, no collection, not UTF-8): one message."""


@dataclass
class Loss:
    """Something an import could not map: how often, and one example."""

    count: int
    example: str


@dataclass
class Report:
    """What an import made, and every thing it could not map, with a count and an example."""

    source: str  # the file, as the user named it
    kind: str  # "Anki package", "Markdown", "CSV"
    counts: dict[str, int] = field(default_factory=dict)  # what was read, by noun (rows, notes, images)
    losses: dict[str, Loss] = field(default_factory=dict)  # what was not mapped, by description

    def count(self, noun: str, n: int = 1) -> None:
        self.counts[noun] = self.counts.get(noun, 0) + n

    def lose(self, what: str, example: str) -> None:
        example = " ".join(example.split())
        if what in self.losses:
            self.losses[what].count += 1
        else:
            self.losses[what] = Loss(1, example if len(example) <= 70 else example[:67] + "...")

    def lines(self, made: str) -> list[str]:
        """The summary: what was read, `made` (what the notes hold), then each loss."""
        read = ", ".join(f"{n} {noun}" for noun, n in self.counts.items() if n)
        out = [f"imported {self.source} ({self.kind}): read {read or 'nothing'}; made {made}"]
        for what, loss in self.losses.items():
            out.append(f"  not mapped: {what}: {loss.count}, e.g. {loss.example!r}")
        return out


@dataclass
class Imported:
    """What an import made: the notes, their images and the report."""

    notes: Notes
    images: dict[str, bytes]  # path relative to the notes file (images/x.png) -> bytes
    report: Report


@dataclass
class Draft:
    """A section being read: its title, blocks and subsections; ids and depth are given at the end."""

    title: Rich
    blocks: list[Block] = field(default_factory=list)
    cards: list[BasicCard | ClozeCard] = field(default_factory=list)  # a cards block after the blocks
    sections: list[Draft] = field(default_factory=list)
    key: str = ""  # what names it in the source (a deck name, a heading), for finding it again

    def child(self, title: Rich, key: str = "") -> Draft:
        for sub in self.sections:
            if key and sub.key == key:
                return sub
        sub = Draft(title, key=key)
        self.sections.append(sub)
        return sub


class Locations:
    """Made-up locations, one line per item, so that a problem found in the model names one item."""

    def __init__(self, origin: str):
        self.origin = origin
        self.line = 0

    def __call__(self) -> Location:
        self.line += 1
        return Location(self.origin, self.line, 1)


def slug(text: str, fallback: str = "notes") -> str:
    """A slug from any text: ASCII letters and digits in words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    return "-".join(words)[:60].strip("-") or fallback


def finish(meta: Meta, drafts: Iterable[Draft], origin: str, report: Report) -> Notes:
    """The notes from the drafts: unique section ids, empty sections left out, no question asked twice."""
    used: set[str] = set()
    loc = Locations(origin)

    def section(draft: Draft, depth: int) -> Section | None:
        base = slug(plain(draft.title), "section")
        sid, n = base, 2
        while sid in used:
            sid, n = f"{base}-{n}", n + 1
        used.add(sid)
        where = loc()
        blocks = (*draft.blocks, CardList(tuple(draft.cards), loc())) if draft.cards else tuple(draft.blocks)
        subs = tuple(s for d in draft.sections if (s := section(d, depth + 1)))
        if not blocks and not subs:
            return None
        return Section(sid, draft.title, blocks, subs, True, depth, where)

    sections = tuple(s for d in drafts if (s := section(d, 1)))
    notes = _without_repeats(Notes(meta, sections, Source(origin, "", 0)), report)
    if not notes.sections:
        raise ImportFailed(f"{origin}: nothing to import (no card, no text)")
    return notes


def _without_repeats(notes: Notes, report: Report) -> Notes:
    """The notes without the later of two cards that ask the same question (the format refuses them)."""
    problems = duplicate_fronts(notes)
    if not problems:
        return notes
    dropped = {p.loc for p in problems}
    for p in problems:
        report.lose("a question another card asks already (left out)", p.message.split("'")[1])

    def keep(items: tuple) -> tuple:
        return tuple(i for i in items if i.loc not in dropped)

    def block(b: Block) -> Block | None:
        if isinstance(b, CardList):
            b = dataclasses.replace(b, cards=keep(b.cards))
            return b if b.cards else None
        if isinstance(b, BulletList):
            return dataclasses.replace(b, items=keep(b.items)) if keep(b.items) else None
        if isinstance(b, Timeline):
            return dataclasses.replace(b, events=keep(b.events)) if keep(b.events) else None
        if isinstance(b, Glossary):
            return dataclasses.replace(b, terms=keep(b.terms)) if keep(b.terms) else None
        if isinstance(b, ComparisonTable):
            columns = tuple(dataclasses.replace(c, points=keep(c.points)) for c in b.columns)
            return dataclasses.replace(b, columns=columns) if all(c.points for c in columns) else None
        return b

    def section(s: Section) -> Section | None:
        blocks = tuple(b for old in s.blocks if (b := block(old)))
        subs = tuple(x for old in s.sections if (x := section(old)))
        return dataclasses.replace(s, blocks=blocks, sections=subs) if blocks or subs else None

    notes = dataclasses.replace(notes, sections=tuple(x for s in notes.sections if (x := section(s))))
    return _without_repeats(notes, report)


def title_of(path: Path) -> Rich:
    """A title from a file name: `stalin_ussr-notes.csv` -> "stalin ussr notes"."""
    return (Text(" ".join(re.split(r"[\s_-]+", path.stem)).strip() or path.stem),)
