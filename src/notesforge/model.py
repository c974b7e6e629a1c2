"""The content model: frozen, typed dataclasses that every exporter reads.

Each node carries the `Location` it came from, so any stage can report a
problem at the right place in the source.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator, Mapping
from dataclasses import FrozenInstanceError, dataclass, field
from types import MappingProxyType
from typing import Any, ClassVar, Protocol, TypeAlias, TypeVar


class Location:
    """Where something stands in a source file: its path, and 1-based line and column.

    Immutable and compared by value like the dataclasses here. A reader's locations may be
    found when first asked for (`lazy`): most are never shown, and finding them scans the file.
    """

    __slots__ = ("_col", "_finder", "_line", "path")

    path: str

    def __init__(self, path: str, line: int, col: int) -> None:
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "_line", line)
        object.__setattr__(self, "_col", col)
        object.__setattr__(self, "_finder", None)

    @classmethod
    def lazy(cls, path: str, finder: Finder, *where: Any) -> Location:
        """A location whose line and column are `finder.find(*where)`, called when first needed."""
        loc = cls.__new__(cls)
        object.__setattr__(loc, "path", path)
        object.__setattr__(loc, "_finder", (finder, where))
        return loc

    def _found(self) -> None:
        finder, where = self._finder
        line, col = finder.find(*where)
        object.__setattr__(self, "_line", line)
        object.__setattr__(self, "_col", col)
        object.__setattr__(self, "_finder", None)

    @property
    def line(self) -> int:
        if self._finder is not None:
            self._found()
        return self._line

    @property
    def col(self) -> int:
        if self._finder is not None:
            self._found()
        return self._col

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Location:
            return NotImplemented
        return (self.path, self.line, self.col) == (other.path, other.line, other.col)  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash((self.path, self.line, self.col))

    def __repr__(self) -> str:
        return f"Location(path={self.path!r}, line={self.line!r}, col={self.col!r})"

    def __str__(self) -> str:
        # Line 0 stands for the file as a whole (missing, unreadable, a folder).
        return f"{self.path}:{self.line}:{self.col}" if self.line else self.path

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (Location, (self.path, self.line, self.col))  # found before it leaves the process


class Finder(Protocol):
    """What finds a lazy `Location`'s line and column (the reader's key positions)."""

    def find(self, *where: Any) -> tuple[int, int]: ...


# --- inline markup ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    """A run of literal text (the renderers escape it for their format)."""

    value: str


@dataclass(frozen=True, slots=True)
class Emphasis:
    """`*emphasis*`: italic in every format."""

    children: Rich


@dataclass(frozen=True, slots=True)
class Strong:
    """`**strong**`: bold in every format."""

    children: Rich


@dataclass(frozen=True, slots=True)
class Cloze:
    """A key fact: bold in print, a deletion in Anki, a blank on a worksheet."""

    answer: str
    hint: str | None
    number: int  # 1-based, in order of appearance within its text


Inline: TypeAlias = "Text | Emphasis | Strong | Cloze"
Rich: TypeAlias = "tuple[Inline, ...]"


# --- blocks ----------------------------------------------------------------

# Which cards a block asks for (`ask` in the notes): an events block "both" ways, only for the "date"
# (event -> date) or only for the "event" (date -> event); a terms block likewise for the "definition"
# (term -> definition) or the "term" (definition -> term); a table some of its cloze "blanks" and its
# "which column?" cards.
TIMELINE_ASK: tuple[str, ...] = ("both", "date", "event")
GLOSSARY_ASK: tuple[str, ...] = ("both", "definition", "term")
TABLE_ASK: tuple[str, ...] = ("blanks", "columns")


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of prose: printed, never asked as a card."""

    type: ClassVar[str] = "paragraph"

    text: Rich
    loc: Location


@dataclass(frozen=True, slots=True)
class Bullet:
    """One bullet point; its cloze marks make a cloze card."""

    text: Rich
    id: str | None
    loc: Location
    date: str | None = None  # plain text, shown in bold before the text; a key date of the organiser


@dataclass(frozen=True, slots=True)
class BulletList:
    """A list of bullet points."""

    type: ClassVar[str] = "bullets"

    items: tuple[Bullet, ...]
    loc: Location


@dataclass(frozen=True, slots=True)
class Point:
    """One point in a column of a comparison table."""

    text: Rich
    loc: Location
    date: str | None = None  # plain text, shown in bold before the text; a key date of the organiser


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a comparison table: its heading and its points."""

    heading: Rich
    points: tuple[Point, ...]
    loc: Location


@dataclass(frozen=True, slots=True)
class ComparisonTable:
    """Columns of points side by side (in favour of Stalin | of Trotsky)."""

    type: ClassVar[str] = "table"

    id: str
    caption: Rich | None
    columns: tuple[Column, ...]
    cards: bool
    loc: Location
    ask: tuple[str, ...] = TABLE_ASK  # which cards: some of TABLE_ASK

    @property
    def rows(self) -> tuple[tuple[Point | None, ...], ...]:
        """The points side by side, row by row; `None` where a column has run out of points."""
        depth = max((len(c.points) for c in self.columns), default=0)
        return tuple(tuple(c.points[i] if i < len(c.points) else None for c in self.columns) for i in range(depth))


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of a grid; `text == ()` for a cell written empty (`""`)."""

    text: Rich
    loc: Location


@dataclass(frozen=True, slots=True)
class GridRow:
    """A row of a grid: its heading and a cell for each column."""

    heading: Rich
    cells: tuple[Cell, ...]  # one per column of its grid
    loc: Location


@dataclass(frozen=True, slots=True)
class Grid:
    """Rows of items against columns of aspects: the learning is in each row's cells."""

    type: ClassVar[str] = "grid"

    id: str
    caption: Rich | None
    corner: Rich | None  # the heading over the column of row headings
    columns: tuple[Rich, ...]  # the headings of the cell columns
    rows: tuple[GridRow, ...]
    cards: bool
    ask: tuple[str, ...]  # which cards: "cells", "blanks"
    loc: Location


@dataclass(frozen=True, slots=True)
class Event:
    """A dated event of a timeline; `date` is plain text as written ("October 1917")."""

    date: str
    text: Rich
    id: str | None
    loc: Location
    ask: str | None = None  # one of TIMELINE_ASK; None: the block's


@dataclass(frozen=True, slots=True)
class Timeline:
    """Key dates: events in the order written."""

    type: ClassVar[str] = "events"

    events: tuple[Event, ...]
    cards: bool
    loc: Location
    ask: str = "both"  # one of TIMELINE_ASK


@dataclass(frozen=True, slots=True)
class Term:
    """A key term and its definition."""

    term: Rich
    definition: Rich
    id: str | None
    loc: Location
    ask: str | None = None  # one of GLOSSARY_ASK; None: the block's


@dataclass(frozen=True, slots=True)
class Glossary:
    """Key terms, in the order written."""

    type: ClassVar[str] = "terms"

    terms: tuple[Term, ...]
    cards: bool
    loc: Location
    ask: str = "both"  # one of GLOSSARY_ASK


# Image files a card may show, by lower-case suffix: the media type every format declares.
IMAGE_TYPES: Mapping[str, str] = MappingProxyType(
    {
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".gif": "image/gif",
        ".svg": "image/svg+xml",
        ".webp": "image/webp",
    }
)


@dataclass(frozen=True, slots=True)
class Image:
    """An image file shown with a card's answer; the reader has checked that it exists."""

    path: str  # absolute
    name: str  # as written in the notes: relative to the notes file's folder, forward slashes
    loc: Location  # of the `image` value

    @property
    def suffix(self) -> str:
        """Lower-case file suffix, one of `IMAGE_TYPES`: ".png", ".jpg", ..."""
        return "." + self.name.rsplit(".", 1)[-1].lower()

    @property
    def media_type(self) -> str:
        return IMAGE_TYPES[self.suffix]


@dataclass(frozen=True, slots=True)
class BasicCard:
    """A question and answer written by the teacher (`reverse`: asked both ways)."""

    question: Rich
    answer: Rich
    reverse: bool
    id: str | None
    loc: Location
    image: Image | None = None  # shown with the answer
    prompt: str | None = None  # plain text: the instruction shown with the question
    reverse_prompt: str | None = None  # plain text: the instruction of the answer -> question direction
    guid: str | None = None  # the Anki note GUID to keep (an imported deck's), instead of one from the key


@dataclass(frozen=True, slots=True)
class ClozeCard:
    """A cloze card written by the teacher: text with cloze marks, and a note shown with the answer."""

    text: Rich
    extra: Rich | None
    id: str | None
    loc: Location
    image: Image | None = None  # shown with the answer
    guid: str | None = None  # the Anki note GUID to keep (an imported deck's), instead of one from the key


@dataclass(frozen=True, slots=True)
class CardList:
    """Cards written by the teacher, asked as they are."""

    type: ClassVar[str] = "cards"

    cards: tuple[BasicCard | ClozeCard, ...]
    loc: Location


Block: TypeAlias = "Paragraph | BulletList | ComparisonTable | Grid | Timeline | Glossary | CardList"
# Every block type, in the order the format documents them. Each has a `type`, its name in the notes
# (`type = "bullets"`); `notesforge.visitor` dispatches on it.
BLOCK_TYPES: tuple[type, ...] = (Paragraph, BulletList, ComparisonTable, Grid, Timeline, Glossary, CardList)


@dataclass(frozen=True, slots=True)
class Section:
    """A titled section: its blocks, then its subsections."""

    id: str
    title: Rich
    blocks: tuple[Block, ...]
    sections: tuple[Section, ...]
    cards: bool
    depth: int  # 1 for top-level sections
    loc: Location

    def walk(self) -> Iterator[Section]:
        """This section and all its subsections, depth first, in document order."""
        yield self
        for sub in self.sections:
            yield from sub.walk()


B = TypeVar("B", Paragraph, BulletList, ComparisonTable, Grid, Timeline, Glossary, CardList)


@dataclass(frozen=True, slots=True)
class Meta:
    """The `[notes]` table: the notes' id, title and language, and what the title page shows."""

    id: str
    title: str
    language: str
    subtitle: str | None = None
    course: str | None = None
    author: str | None = None
    date: _dt.date | None = None
    loc: Location | None = None


@dataclass(frozen=True, slots=True)
class Source:
    """Where the notes came from; `epoch` stamps outputs that need a time."""

    path: str
    sha256: str
    epoch: int  # SOURCE_DATE_EPOCH if set, else the file's modification time


@dataclass(frozen=True, slots=True)
class IssuedCard:
    """A card as a deck handed it to students: one line of the card record kept beside the notes.

    A card later removed from the notes is still shipped from its record, retired, with the GUID,
    note type and deck the students have it under (docs/anki.md, Retired cards).
    """

    key: str  # the card's key (`cards.Card.key`), which its GUID comes from
    guid: str  # the GUID of its Anki note
    kind: str  # its `cards.CardKind` value
    reverse: bool  # also asked the other way (a second card)
    deck: str  # the full name of the deck it went into
    front: Rich  # its question as it was, cloze marks included
    loc: Location | None = field(default=None, compare=False)  # its section, while the notes have it


@dataclass(frozen=True, slots=True)
class Setting:
    """One value of an `[export.FORMAT]` table, and where it was written."""

    value: Any
    loc: Location | None


def _frozen(mapping: Mapping[str, Mapping[str, Setting]]) -> Mapping[str, Mapping[str, Setting]]:
    return MappingProxyType({k: MappingProxyType(dict(v)) for k, v in mapping.items()})


@dataclass(frozen=True, slots=True)
class Notes:
    """A notes file as every exporter reads it: metadata, sections, source and settings."""

    meta: Meta
    sections: tuple[Section, ...]
    source: Source
    # `[export.FORMAT]` tables as written; exporters validate their own keys.
    settings: Mapping[str, Mapping[str, Setting]] = field(default_factory=lambda: MappingProxyType({}))
    # Cards a deck of these notes once issued and the notes no longer make: the build reads them
    # from the card record, and the Anki deck still ships them, retired.
    retired: tuple[IssuedCard, ...] = ()
    # Values computed from the notes once and shared by every stage (the cards); not part of equality.
    derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "settings", _frozen(self.settings))

    def __reduce__(self):
        # Mapping proxies do not pickle, and parallel builds send the notes to worker processes.
        plain = {fmt: dict(table) for fmt, table in self.settings.items()}
        return (Notes, (self.meta, self.sections, self.source, plain, self.retired))

    def walk(self) -> Iterator[Section]:
        """Every section, subsections included, in document order."""
        for section in self.sections:
            yield from section.walk()

    def blocks(self, kind: type[B]) -> Iterator[B]:
        """Every block of one type, in document order (for summaries: all the key dates, all the tables)."""
        return (block for section in self.walk() for block in section.blocks if isinstance(block, kind))
