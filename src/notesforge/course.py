"""A course: several notes files (its units) built as one set of outputs.

The units are `Notes` exactly as each file reads alone, so every card keeps the key (and the
Anki GUID) it has in the unit's own deck. `Course.as_notes()` is the whole course as one
`Notes`, a top-level section per unit, for the formats that print or list the course as one
document; their section ids are `UNIT/SECTION` so that two units may both have an `overview`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from .model import CardList, IssuedCard, Location, Meta, Notes, Section, Setting, Source, Text

SEPARATOR = "/"  # between a unit's id and a section id in `as_notes()`


@dataclass(frozen=True, slots=True)
class Course:
    """A course file: its units' notes, in order, under the course's own metadata."""

    meta: Meta  # the [course] table: id, title, language, subtitle, course, author
    units: tuple[Notes, ...]  # in the course's order; their settings include the course's defaults
    source: Source  # the course file; its sha256 covers the units' too, its epoch is the newest
    # The course's own `[export.FORMAT]` tables, the settings of the course outputs.
    settings: Mapping[str, Mapping[str, Setting]] = field(default_factory=lambda: MappingProxyType({}))
    # Cards the course's deck once issued and no longer does (the course's card record), shipped retired.
    retired: tuple[IssuedCard, ...] = ()
    derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        frozen = MappingProxyType({k: MappingProxyType(dict(v)) for k, v in self.settings.items()})
        object.__setattr__(self, "settings", frozen)

    def __reduce__(self):
        plain = {fmt: dict(table) for fmt, table in self.settings.items()}
        return (Course, (self.meta, self.units, self.source, plain, self.retired))

    def as_notes(self) -> Notes:
        """The course as one `Notes`: a section per unit (id: the unit's id), its sections below."""
        merged = self.derived.get("notes")
        if merged is None:
            sections = tuple(unit_section(unit) for unit in self.units)
            merged = Notes(self.meta, sections, self.source, self.settings)
            self.derived["notes"] = merged
        return merged


def unit_section(unit: Notes) -> Section:
    """A unit as a top-level section: its title, and its sections one level down."""
    loc = unit.meta.loc or Location(unit.source.path, 0, 0)
    prefix = unit.meta.id + SEPARATOR
    sections = tuple(_nested(section, prefix) for section in unit.sections)
    return Section(unit.meta.id, (Text(unit.meta.title),), (), sections, True, 1, loc)


def _nested(section: Section, prefix: str) -> Section:
    subs = tuple(_nested(sub, prefix) for sub in section.sections)
    return dataclasses.replace(section, id=prefix + section.id, sections=subs, depth=section.depth + 1)


def units_settings(
    course: Mapping[str, Mapping[str, Setting]], unit: Mapping[str, Mapping[str, Setting]]
) -> dict[str, dict[str, Setting]]:
    """A unit's `[export.FORMAT]` tables over the course's: the unit's own keys win."""
    out: dict[str, dict[str, Setting]] = {fmt: dict(table) for fmt, table in course.items()}
    for fmt, table in unit.items():
        out.setdefault(fmt, {}).update(table)
    return out


def image_files(unit: Notes) -> list[str]:
    """The image files a unit's cards show (absolute paths, in order, once each): besides its own
    bytes, what a unit's outputs are made of."""
    return list(dict.fromkeys(card.image.path for block in unit.blocks(CardList) for card in block.cards if card.image))
