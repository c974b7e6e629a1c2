"""The card record: beside each notes file, every card its deck has issued, so none is lost.

`notes.toml` has `notes.cards` (a course file `course.toml`, for the course's deck, `course.cards`),
written by every build of the Anki deck and committed with the notes. One card a line, sorted by
key, tab-separated (tabs, newlines and backslashes escaped):

    key  guid  state  kind  deck  front

`state` is `issued` while the notes make the card and `retired` once they no longer do; a
retired card stays in the record (and in the deck, tagged) for good, unless a teacher deletes its
line. `kind` is a card kind, `+reverse` when it is asked both ways; `deck` the full deck name the
card went into; `front` its question in the notes' inline markup. See docs/anki.md, Retired cards.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from .cards import CardKind
from .course import Course
from .diagnostics import Diagnostic, NotesError
from .files import write_bytes_atomically
from .inline import InlineSyntaxError, parse, unparse
from .model import IssuedCard, Location, Notes

N = TypeVar("N", Notes, Course)

SUFFIX = ".cards"
HEADER = (
    "# notesforge card record: every card the Anki deck of these notes has issued; commit it with the notes.\n"
    "# One card a line: key, guid, state, kind, deck, front (tab-separated; see docs/anki.md, Retired cards).\n"
)
ISSUED, RETIRED = "issued", "retired"
REVERSE = "+reverse"
_COLUMNS = 6
_KINDS = frozenset(kind.value for kind in CardKind)
_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_UNESCAPE = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}
_ESCAPED = re.compile(r"\\(.?)", re.S)
_TO_ESCAPE = re.compile(r"[\\\t\n\r]")
_TO_ESCAPE_IN_LINE = re.compile(r"[\\\n\r]")  # the line's tabs are counted instead
_CONFLICT = ("<<<<<<<", "=======", ">>>>>>>", "|||||||")


def record_path(source: str | Path) -> Path:
    """The record of a notes file: `notes.toml` -> `notes.cards`, in the same folder."""
    path = Path(source)
    # Never the source itself (a notes file named `x.cards`).
    return path.with_suffix(SUFFIX) if path.suffix != SUFFIX else path.with_name(path.name + SUFFIX)


@dataclass(frozen=True, slots=True)
class Update:
    """What a build of the deck does with the record: the cards it retires, what it tells the
    teacher, and the record to write once the deck is built."""

    path: Path
    retired: tuple[IssuedCard, ...]
    warnings: tuple[Diagnostic, ...]
    text: str

    def apply(self, notes: N) -> N:
        """`notes` (or a course) with the retired cards, for the exporters (what is computed is kept)."""
        if not self.retired:
            return notes
        out = replace(notes, retired=self.retired)
        out.derived.update(notes.derived)
        return out

    def write(self) -> tuple[Diagnostic, ...]:
        """Write the record, unless it already says the same (its time stamp then stays, for the
        cache); a record that cannot be written is a warning: the deck is built."""
        data = self.text.encode("utf-8")
        try:
            if self.path.read_bytes() == data:
                return ()
        except OSError:
            pass
        try:
            write_bytes_atomically(self.path, data)
        except OSError as exc:
            message = f"cannot write the card record ({exc}): cards the deck issued now may not be retired later"
            return (Diagnostic(Location(str(self.path), 0, 0), message, "warning"),)
        return ()


def plan(path: Path, issued: Iterable[IssuedCard]) -> Update:
    """Compare the record at `path` with the cards a build issues now; raise `NotesError` if the
    record cannot be read as one."""
    current = {card.key: card for card in issued}
    written = _text(path)
    if written is not None and written == (same := render(current.values())):
        # The record says what this build would write, so every line is a card issued now: nothing
        # retires, no deck moved, and there is nothing to check (the usual rebuild: no need to read it).
        return Update(path, (), (), same)
    previous = None if written is None else parse_record(written, path)
    warnings: list[Diagnostic] = []
    if previous is None:
        previous = []
        warnings.append(
            Diagnostic(
                Location(str(path), 0, 0),
                f"no card record was here: wrote one with the {len(current)} cards the deck issues now; commit it "
                "with the notes (if it was deleted, cards removed from the notes before now are not retired)",
                "warning",
            )
        )
    retired = tuple(card for card in previous if card.key not in current)
    warnings += _moved(path, previous, current)
    return Update(path, retired, tuple(warnings), render(current.values(), retired))


def _moved(path: Path, previous: Sequence[IssuedCard], current: dict[str, IssuedCard]) -> list[Diagnostic]:
    """A warning for each renamed deck (a section, a unit, the notes' title) whose cards now go to
    another deck: one for a renamed deck and its subdecks together."""
    moved: dict[tuple[str, str], list[IssuedCard]] = {}
    for old in previous:
        new = current.get(old.key)
        if new is not None and new.deck != old.deck:
            moved.setdefault(_renamed(old.deck, new.deck), []).append(new)
    return [
        Diagnostic(
            cards[0].loc or Location(str(path), 0, 0),
            f"the deck '{old}' is now '{new}' ({len(cards)} notes): students who imported an earlier deck keep "
            f"these notes' cards in '{old}' (Anki never moves a card on import); they can move them with Browse, "
            "Cards › Change Deck (see docs/anki.md, Renamed decks)",
            "warning",
        )
        for (old, new), cards in moved.items()
    ]


def _renamed(old: str, new: str) -> tuple[str, str]:
    """The decks that were renamed: `old` and `new` without the subdecks they end in alike."""
    old_parts, new_parts = old.split("::"), new.split("::")
    while len(old_parts) > 1 and len(new_parts) > 1 and old_parts[-1] == new_parts[-1]:
        old_parts, new_parts = old_parts[:-1], new_parts[:-1]
    return "::".join(old_parts), "::".join(new_parts)


# --- the file -------------------------------------------------------------------------


def render(issued: Iterable[IssuedCard], retired: Iterable[IssuedCard] = ()) -> str:
    """The record's text: the header, then one line per card, sorted by key."""
    rows = [(card.key, _line(card, ISSUED)) for card in issued] + [(card.key, _line(card, RETIRED)) for card in retired]
    return HEADER + "".join(line + "\n" for _, line in sorted(rows))


def _line(card: IssuedCard, state: str) -> str:
    kind = card.kind + (REVERSE if card.reverse else "")
    values = (card.key, card.guid, state, kind, card.deck, unparse(card.front))
    line = "\t".join(values)
    if line.count("\t") == _COLUMNS - 1 and not _TO_ESCAPE_IN_LINE.search(line):  # the usual line: nothing to escape
        return line
    return "\t".join(_escape(value) for value in values)


def _escape(value: str) -> str:
    # Most values hold nothing to escape, and a search is much quicker than a translation.
    return value.translate(_ESCAPE) if _TO_ESCAPE.search(value) else value


def read(path: Path) -> list[IssuedCard] | None:
    """The cards of the record at `path` (issued and retired alike), or None if there is none."""
    text = _text(path)
    return None if text is None else parse_record(text, path)


def _text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise NotesError([Diagnostic(Location(str(path), 0, 0), f"cannot read the card record: {exc}")]) from None


def parse_record(text: str, path: Path) -> list[IssuedCard]:
    """The cards of a record's `text` (read from `path`, for the problems' locations)."""
    cards: list[IssuedCard] = []
    problems: list[Diagnostic] = []
    lines: dict[str, int] = {}
    # Lines end at "\n" alone (a checkout's "\r\n" too): text may hold the other characters
    # str.splitlines() breaks at (U+2028, form feed, ...), unescaped.
    for number, line in enumerate((line.removesuffix("\r") for line in text.split("\n")), 1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            card = _card(line)
        except _Bad as bad:
            problems.append(Diagnostic(Location(str(path), number, bad.col), bad.message))
            continue
        if card.key in lines:
            problems.append(
                Diagnostic(
                    Location(str(path), number, 1),
                    f"the card {card.key!r} is listed twice (line {lines[card.key]} too): keep one line",
                )
            )
            continue
        lines[card.key] = number
        cards.append(card)
    if problems:
        raise NotesError(problems)
    return cards


class _Bad(Exception):
    def __init__(self, col: int, message: str):
        self.col, self.message = col, message


def _card(line: str) -> IssuedCard:
    if line.startswith(_CONFLICT):
        raise _Bad(1, "an unresolved merge conflict: keep the lines of both sides and delete the markers")
    raw = line.split("\t")
    if len(raw) != _COLUMNS:
        raise _Bad(
            1,
            f"a card's line has {_COLUMNS} tab-separated columns (key, guid, state, kind, deck, front), not {len(raw)}",
        )
    cols = [1 + sum(len(value) + 1 for value in raw[:n]) for n in range(_COLUMNS)]
    values = [_unescape(value, col) for value, col in zip(raw, cols, strict=True)]
    key, guid, state, kind, deck, front = values
    if not key or not guid or not deck:
        raise _Bad(cols[0 if not key else 1 if not guid else 4], "a card needs a key, a guid and a deck")
    if state not in (ISSUED, RETIRED):
        raise _Bad(cols[2], f"unknown state {state!r} (known: {ISSUED}, {RETIRED})")
    reverse = kind.endswith(REVERSE)
    kind = kind.removesuffix(REVERSE)
    if kind not in _KINDS:
        raise _Bad(cols[3], f"unknown card kind {kind!r} (known: {', '.join(sorted(_KINDS))})")
    try:
        rich = parse(front)
    except InlineSyntaxError as exc:
        raise _Bad(cols[5], f"the front is not valid inline markup: {exc}") from None
    return IssuedCard(key, guid, kind, reverse, deck, rich)


def _unescape(value: str, col: int) -> str:
    def one(match: re.Match[str]) -> str:
        if match.group(1) not in _UNESCAPE:
            raise _Bad(col + match.start(), f"unknown escape {match.group(0)!r} (known: \\\\, \\t, \\n, \\r)")
        return _UNESCAPE[match.group(1)]

    return _ESCAPED.sub(one, value)
