"""The settings of the printed formats: typed, and checked against the notes before any format builds."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ...cards import CardKind
from ...model import Notes
from ..base import Config, Strings, setting, unknown_choice

PAPER_SIZES = ("a4", "letter")
KINDS = tuple(kind.value for kind in CardKind)


def paper_setting() -> Any:
    return setting("a4", "paper size: a4 or letter", choices=PAPER_SIZES)


def sections_setting() -> Any:
    return setting((), "ids of the sections to include, in this order (with their subsections); default all")


def section_problems(ids: Strings, notes: Notes) -> Iterator[tuple[str, str]]:
    """An unknown section id in the `sections` setting, with the ids the notes have."""
    known = [section.id for section in notes.walk()]
    return (("sections", unknown_choice("section id", i, known)) for i in ids if i not in known)


@dataclass(frozen=True, slots=True)
class BookletConfig(Config):
    """The settings of the revision booklet (`[export.pdf]`)."""

    paper: str = paper_setting()
    questions: bool = setting(True, "end with a 'test yourself' page of the explicit cards, answers last")


@dataclass(frozen=True, slots=True)
class WorksheetConfig(Config):
    """The settings of the cloze worksheet (`[export.worksheet]`)."""

    paper: str = paper_setting()
    sections: Strings = sections_setting()
    shuffle: bool = setting(False, "shuffle the bullets of each list (the same order for the same seed)")
    seed: int = setting(1, "the seed of the shuffle: another seed, another version of the worksheet")

    def problems(self, notes: Notes) -> Iterator[tuple[str, str]]:
        return section_problems(self.sections, notes)


@dataclass(frozen=True, slots=True)
class FlashcardsConfig(Config):
    """The settings of the printed flashcards (`[export.flashcards]`)."""

    paper: str = paper_setting()
    columns: int = setting(2, "cards across a page", choices=(1, 2, 3, 4))
    rows: int = setting(4, "cards down a page", choices=range(1, 9))
    kinds: Strings = setting(KINDS, "which cards: " + ", ".join(KINDS), choices=KINDS, noun="card kind")
    sections: Strings = sections_setting()

    def problems(self, notes: Notes) -> Iterator[tuple[str, str]]:
        return section_problems(self.sections, notes)


@dataclass(frozen=True, slots=True)
class OrganiserConfig(Config):
    """The settings of the knowledge organiser (`[export.organiser]`)."""

    paper: str = paper_setting()
