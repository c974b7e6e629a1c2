"""The Anki exporter: one `.apkg` per notes file, with notes that update in place.

The cards themselves come from `notesforge.cards.generate`; this module owns
their presentation: the note types (fixed ids, templates, CSS), the fields'
HTML, the decks and tags, and the identities that let a re-import update
the notes a student already has:

- a note's GUID is `guid_for(card.key)` (genanki's), or the `guid` an imported card keeps, never its text;
- every note, card and note type is stamped with `notes.source.epoch`, so an
  unchanged source gives the same bytes and an edited one (newer epoch) is
  taken by Anki's "update if newer" import;
- a card the notes lost (`notes.retired`, from the card record the build keeps)
  is still shipped under its GUID, note type and deck, tagged `RETIRED_TAG`.

genanki is imported inside `export()` (builds) only.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from ..cards import Card, CardKind, duplicate_fronts, generate
from ..course import Course
from ..diagnostics import Diagnostic, NotesError
from ..inline import clozes, plain, render
from ..model import Cloze, IssuedCard, Location, Notes, Section
from ._media import Media, collect, in_order
from ._zip import write_entry
from .base import Config, Exporter, Strings, setting

# Every id below derives from this namespace, never from a random number or the clock.
NAMESPACE = "notesforge/anki"
KINDS = tuple(kind.value for kind in CardKind)

# --- text to field HTML ------------------------------------------------------

# Anki reads its own syntax in field text after HTML escaping: `[sound:x]` plays, `[latex]`
# typesets, `{{c1::x}}` makes a deletion, `[anki:tts]` speaks. Writing the brackets and braces
# as character references keeps them out of Anki's parsers; the browser still shows them.
_ANKI_SYNTAX = {"[": "&#91;", "]": "&#93;", "{": "&#123;", "}": "&#125;"}
# html.escape and the references above in one pass.
_FIELD = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;", **_ANKI_SYNTAX})
_NEEDS_WORK = re.compile(r"[&<>\"'\[\]{}\\]")
# MathJax reads `\(` and `\[` in the rendered page; a word joiner after the backslash breaks that.
_MATHJAX = re.compile(r"\\(?=[()\[\]])")
WORD_JOINER = "\u2060"


def field_text(value: str) -> str:
    """Plain text as Anki field HTML that shows literally and triggers nothing."""
    if not _NEEDS_WORK.search(value):  # most text: nothing to escape
        return value
    if "\\" in value:
        value = _MATHJAX.sub("\\\\" + WORD_JOINER, value)
    return value.translate(_FIELD)


def _cloze_text(value: str) -> str:
    # Inside `{{c1::answer::hint}}` a `::` would start the hint: write colons as references too.
    return field_text(value).replace(":", "&#58;")


class FieldHtml:
    """`InlineRenderer` for Anki fields: escaped text, `<i>`/`<b>`, and (when asked) cloze deletions."""

    def __init__(self, deletions: bool = False):
        self.deletions = deletions

    def text(self, value: str) -> str:
        return field_text(value)

    def emphasis(self, inner: str) -> str:
        return f"<i>{inner}</i>"

    def strong(self, inner: str) -> str:
        return f"<b>{inner}</b>"

    def cloze(self, cloze: Cloze) -> str:
        if not self.deletions:
            return self.strong(field_text(cloze.answer))
        hint = f"::{_cloze_text(cloze.hint)}" if cloze.hint else ""
        return f"{{{{c{cloze.number}::{_cloze_text(cloze.answer)}{hint}}}}}"


HTML = FieldHtml()
CLOZE_HTML = FieldHtml(deletions=True)

# --- note types --------------------------------------------------------------

CSS = """\
.card {
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif;
  font-size: 1.25rem;
  line-height: 1.45;
  text-align: left;
  color: #1f2328;
  background-color: #fcfcfa;
}
.nf {
  max-width: 38em;
  margin: 0 auto;
  padding: 0 0.75em;
  overflow-wrap: break-word;
}
.nf-context {
  font-size: 0.7em;
  letter-spacing: 0.02em;
  color: #5f6b76;
  margin: 0 0 0.8em;
}
.nf-prompt {
  font-size: 0.85em;
  font-style: italic;
  color: #2f5f8f;
  margin: 0 0 0.4em;
}
.nf-back, .nf-extra {
  margin-top: 0.2em;
}
.nf-extra {
  font-size: 0.9em;
  color: #434b53;
}
.nf img {
  display: block;
  max-width: 100%;
  max-height: 50vh;
  margin: 0.5em 0 0;
}
hr#answer {
  border: 0;
  border-top: 1px solid #d0d4d9;
  margin: 0.9em 0;
}
.cloze {
  font-weight: bold;
  color: #0b57d0;
}
.card.nightMode, .card.night_mode, .nightMode .card, .night_mode .card {
  color: #e3e6e8;
  background-color: #1e1f22;
}
.nightMode .nf-context, .night_mode .nf-context { color: #9aa5b1; }
.nightMode .nf-prompt, .night_mode .nf-prompt { color: #8fb8e6; }
.nightMode .nf-extra, .night_mode .nf-extra { color: #c3c8cd; }
.nightMode hr#answer, .night_mode hr#answer { border-top-color: #454a50; }
.nightMode .cloze, .night_mode .cloze { color: #7cacf8; }
@media (max-width: 30em) {
  .card { font-size: 1.1rem; }
  .nf { padding: 0 0.25em; }
}
"""


# Templates: the section (context) small at the top, the prompt, then the asked field.
_HEAD = (
    '{{#Context}}<div class="nf-context">{{Context}}</div>{{/Context}}'
    '{{#PROMPT}}<div class="nf-prompt">{{PROMPT}}</div>{{/PROMPT}}'
)
# Wrapped in the asked field's section: an empty field renders nothing, so Anki (and
# genanki's `req`) make no card from it instead of a card showing only the context.
_QUESTION = '{{#ASKED}}<div class="nf">' + _HEAD + '<div class="nf-front">{{ASKED}}</div></div>{{/ASKED}}'
_ANSWER = '{{FrontSide}}\n<div class="nf"><hr id="answer"><div class="nf-back">{{SHOWN}}</div></div>'
_CLOZE_SIDE = '<div class="nf">' + _HEAD.replace("PROMPT", "Prompt") + '<div class="nf-front">{{cloze:Text}}</div>'
_EXTRA = '{{#Extra}}<hr id="answer"><div class="nf-extra">{{Extra}}</div>{{/Extra}}'


def _template(name: str, asked: str, prompt: str, shown: str) -> tuple[str, str, str]:
    question = _QUESTION.replace("ASKED", asked).replace("PROMPT", prompt)
    return name, question, _ANSWER.replace("SHOWN", shown)


@dataclass(frozen=True, slots=True)
class NoteType:
    """An Anki note type of the deck: fields, card templates, and a fixed id."""

    key: str  # part of the id's namespace: renaming a field needs a new key (and a new note type)
    name: str
    fields: tuple[str, ...]
    templates: tuple[tuple[str, str, str], ...]  # (name, question, answer)
    cloze: bool = False

    @property
    def id(self) -> int:
        return stable_id("notetype", self.key)


BASIC = NoteType(
    "basic-v1",
    "notesforge Basic",
    ("Front", "Back", "Context", "Prompt"),
    (_template("Card 1", "Front", "Prompt", "Back"),),
)
# The reverse card asks what its ReversePrompt field holds: the prompt and the front as the
# reverse shows them (a definition without its term), written by the exporter. An empty field
# makes no reverse card, so one note type serves cards asked one way or both ways: a teacher who
# changes `ask` changes the note's fields, never its type, and students' notes update in place
# (a note whose type changed is "conflicting" on import and is not updated).
_REVERSE_QUESTION = (
    '{{#ReversePrompt}}<div class="nf">{{#Context}}<div class="nf-context">{{Context}}</div>{{/Context}}'
    "{{ReversePrompt}}</div>{{/ReversePrompt}}"
)
REVERSED = NoteType(
    "reversed-v1",
    "notesforge Basic (and reversed card)",
    ("Front", "Back", "Context", "Prompt", "ReversePrompt"),
    (
        _template("Card 1", "Front", "Prompt", "Back"),
        ("Card 2", _REVERSE_QUESTION, _ANSWER.replace("SHOWN", "Front")),
    ),
)
# Kinds that may be asked both ways: their notes are REVERSED notes whether or not they are now.
_TWO_WAY = frozenset({CardKind.EVENT, CardKind.TERM})
CLOZE = NoteType(
    "cloze-v1",
    "notesforge Cloze",
    ("Text", "Extra", "Context", "Prompt"),
    (("Cloze", _CLOZE_SIDE + "</div>", _CLOZE_SIDE + _EXTRA + "</div>"),),
    cloze=True,
)
NOTE_TYPES = (BASIC, REVERSED, CLOZE)


def stable_id(*parts: str) -> int:
    """A 31-bit id (genanki's recommended range) derived from `parts` under our namespace."""
    digest = hashlib.sha256("/".join((NAMESPACE, *parts)).encode("utf-8")).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


# --- notes and decks -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnkiNote:
    """One note as it goes into the package (also what the tests compare against)."""

    guid: str
    type: NoteType
    fields: tuple[str, ...]
    deck: tuple[str, ...]  # its deck's key in `deck_names`: section ids from the top
    tags: tuple[str, ...]
    media: tuple[Media, ...] = ()  # the files its fields show


def image_html(media: Media) -> str:
    return f'<img src="{field_text(media.name)}">'


def section_paths(notes: Notes) -> dict[str, tuple[Section, ...]]:
    """Section id -> the sections from the top down to it."""
    paths: dict[str, tuple[Section, ...]] = {}

    def visit(section: Section, above: tuple[Section, ...]) -> None:
        paths[section.id] = (*above, section)
        for sub in section.sections:
            visit(sub, paths[section.id])

    for top in notes.sections:
        visit(top, ())
    return paths


def build_notes(notes: Notes, kinds: Iterable[str] = KINDS) -> list[AnkiNote]:
    """Every card of the chosen `kinds` as an Anki note; raise `NotesError` for cards Anki could not show."""
    places, guids = _places(notes), note_guids(notes)
    chosen = _chosen(notes, kinds)
    out: list[AnkiNote] = []
    problems: list[Diagnostic] = duplicate_fronts(notes)  # notes made in code have not been through the reader
    try:
        media = collect(card.image for card in chosen)
    except NotesError as exc:  # an image gone since the notes were read
        problems, media = problems + list(exc.diagnostics), {}
    for card in chosen:
        problem = _card_problem(card)
        if problem:
            problems.append(Diagnostic(card.loc, problem))
            continue
        image = media.get(card.image.path) if card.image else None
        out.append(_note(card, places[card.section.id], guids[card.key], image))
    if problems:
        raise NotesError(problems)
    return out


def _card_problem(card: Card) -> str | None:
    if card.is_cloze and not clozes(card.question):
        return "a cloze card needs at least one cloze mark [[answer]]; without one Anki would make no card"
    if not plain(card.question).strip():
        return "this card has an empty front"
    if not card.is_cloze and not plain(card.answer).strip():
        return "this card has an empty answer"
    return None


def _chosen(notes: Notes, kinds: Iterable[str]) -> list[Card]:
    kinds = frozenset(kinds)
    return [card for card in generate(notes) if card.kind.value in kinds]


def _ids(path: tuple[Section, ...]) -> tuple[str, ...]:
    return tuple(section.id for section in path)


def _note_type(kind: CardKind, reverse: bool) -> NoteType:
    return CLOZE if kind is CardKind.CLOZE else REVERSED if reverse or kind in _TWO_WAY else BASIC


def issued_cards(
    notes: Notes, kinds: Iterable[str], names: Mapping[tuple[str, ...], str], under: tuple[str, ...] = ()
) -> list[IssuedCard]:
    """The cards of `kinds` as the card record keeps them, each in its deck of `names` (keyed by
    `under` and its section ids)."""
    guids = note_guids(notes)
    decks = {section: names[(*under, *_ids(path))] for section, path in section_paths(notes).items()}
    return [
        IssuedCard(
            card.key,
            guids[card.key],
            card.kind.value,
            card.reverse,
            decks[card.section.id],
            card.question,
            card.section.loc,
        )
        for card in _chosen(notes, kinds)
    ]


@dataclass(frozen=True, slots=True)
class _Place:
    """What the notes of one section share: its title after its parents' (field HTML), its ids
    from the top and its tag."""

    titles: tuple[str, ...]
    ids: tuple[str, ...]
    tag: str


def _places(notes: Notes) -> dict[str, _Place]:
    """The `_Place` of every section, by id: made once per section, not once per note."""
    places = {}
    for section_id, path in section_paths(notes).items():
        ids = _ids(path)
        titles = tuple(render(section.title, HTML) for section in path)
        places[section_id] = _Place(titles, ids, "::".join((notes.meta.id, *ids)))
    return places


def _note(card: Card, place: _Place, guid: str, image: Media | None = None) -> AnkiNote:
    # The context: the section's title, after its parents' for a subsection.
    context = " › ".join([*place.titles, *filter(None, [field_text(card.context)])])
    kind = _note_type(card.kind, card.reverse)
    front = render(card.question, CLOZE_HTML if card.is_cloze else HTML)
    # The image goes with the answer: on the back of a basic card, in the extra of a cloze card.
    back = render(card.extra if card.is_cloze else card.answer, HTML) + (image_html(image) if image else "")
    fields = (front, back, context, field_text(card.prompt))
    if kind is REVERSED:
        fields += (_reverse_question(card),)
    return AnkiNote(guid, kind, fields, place.ids, (place.tag,), (image,) if image else ())


def _reverse_question(card: Card) -> str:
    """The ReversePrompt field: what the reverse card shows, or nothing for no reverse card."""
    if not card.reverse:
        return ""
    [_, reverse] = card.questions()
    prompt = f'<div class="nf-prompt">{field_text(reverse.prompt)}</div>' if reverse.prompt else ""
    return f'{prompt}<div class="nf-front">{render(reverse.front, HTML)}</div>'


# --- retired cards: removed from the notes, still shipped so that students can find and delete them ---

RETIRED_TAG = "notesforge::retired"
RETIRED_NOTICE = "Removed from the notes: you may delete this card."
# The deck key of a deck that only retired notes name (a section since renamed or removed).
_OLD_DECK = "notesforge::retired"


def retired_notes(
    retired: Iterable[IssuedCard], names: Mapping[tuple[str, ...], str]
) -> tuple[list[AnkiNote], dict[tuple[str, ...], str]]:
    """`retired` cards (`Notes.retired`, `Course.retired`) as notes saying they were removed, and
    the decks they need besides `names`.

    Each keeps the GUID, the note type and the deck the students have it under (a note whose type
    changed would not be updated on import), shows its old question under the notice, and is
    tagged `RETIRED_TAG` alone. Its old answer is gone: nothing needs learning from it.
    """
    keys = {name: ids for ids, name in reversed(names.items())}  # the first section of a name
    out: list[AnkiNote] = []
    extra: dict[tuple[str, ...], str] = {}
    notice = field_text(RETIRED_NOTICE)
    for old in retired:
        kind = _note_type(CardKind(old.kind), old.reverse)
        front = render(old.front, CLOZE_HTML if kind is CLOZE else HTML)
        fields = (front, "", "", notice)
        if kind is REVERSED:  # the reverse card, if the student has one, says so too
            fields += (
                f'<div class="nf-prompt">{notice}</div><div class="nf-front">{front}</div>' if old.reverse else "",
            )
        deck = keys.get(old.deck) or (_OLD_DECK, old.deck)
        if deck not in names:
            extra[deck] = old.deck
        out.append(AnkiNote(old.guid, kind, fields, deck, (RETIRED_TAG,)))
    return out, extra


def deck_names(notes: Notes, root: str, numbered: bool = False) -> dict[tuple[str, ...], str]:
    """Deck name of the notes (key `()`) and of every section (key: its section ids from the top).

    `numbered` puts each section's number among its siblings before its title, zero-padded
    (`01 The death of Lenin`, `01 Economy::02 Collectivisation`): Anki lists decks by name, level
    by level, so the subdecks then follow the notes' order.
    """
    base = "::".join(part.strip() for part in root.split("::") if part.strip()) or _deck_part(notes.meta.title, "")
    names = {(): base or notes.meta.id}
    numbers = section_numbers(notes) if numbered else {}
    for path in section_paths(notes).values():
        ids = tuple(s.id for s in path)
        part = _deck_part(plain(path[-1].title), path[-1].id)
        names[ids] = names[ids[:-1]] + "::" + (f"{numbers[ids[-1]]} {part}" if numbered else part)
    return names


def section_numbers(notes: Notes) -> dict[str, str]:
    """Section id -> its place among its siblings in the notes, from 1, as text that sorts in order.

    Two digits (`01`..`99`); a level with 100 sections or more gets as many digits as its count
    needs. Sections without cards count too, so the numbers match the booklet's and adding the
    first card to a section renames no other deck.
    """
    numbers: dict[str, str] = {}

    def visit(siblings: tuple[Section, ...]) -> None:
        width = max(2, len(str(len(siblings))))
        for n, section in enumerate(siblings, 1):
            numbers[section.id] = f"{n:0{width}d}"
            visit(section.sections)

    visit(notes.sections)
    return numbers


def _deck_part(title: str, fallback: str) -> str:
    # `::` separates deck levels and control characters have no place in a name.
    cleaned = re.sub(r"[\x00-\x1f\x7f]+", " ", title).replace("::", ": ")
    return " ".join(cleaned.split()) or fallback


# --- the exporter --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnkiConfig(Config):
    """The settings of the Anki deck (`[export.anki]`)."""

    deck: str = setting("", "deck name (default: the notes title); '::' nests it under a parent deck")
    numbered: bool = setting(
        False,
        "start each subdeck's name with its section's number (01 The death of Lenin) so that Anki lists them "
        "in the notes' order; set it before the first release: a renamed deck splits students' subdecks",
    )
    kinds: Strings = setting(
        KINDS, "which cards go into the deck: " + ", ".join(KINDS), choices=KINDS, noun="card kind"
    )


class AnkiExporter(Exporter):
    name: ClassVar[str] = "anki"
    description: ClassVar[str] = "Anki deck (.apkg): a subdeck per section, notes that update in place on re-import"
    suffix: ClassVar[str] = ".apkg"
    config_class = AnkiConfig

    def issued(self, notes: Notes, config: AnkiConfig) -> list[IssuedCard]:
        """Every note of the deck as the card record keeps it."""
        return issued_cards(notes, config.kinds, deck_names(notes, config.deck, config.numbered))

    def issued_course(self, course: Course, config: AnkiConfig, units: Sequence[AnkiConfig]) -> list[IssuedCard]:
        """Every note of the course's deck as the card record beside the course file keeps it."""
        names = course_deck_names(course, config.deck, config.numbered, units)
        return [
            card
            for unit, unit_config in zip(course.units, units, strict=True)
            for card in issued_cards(unit, unit_config.kinds, names, (unit.meta.id,))
        ]

    def export(self, notes: Notes, path: Path, config: AnkiConfig) -> None:
        anki_notes = build_notes(notes, config.kinds)
        if not anki_notes and any(True for _ in generate(notes)):
            where = notes.meta.loc or Location(notes.source.path, 0, 0)
            self.warn(where, "the deck has no cards: the notes make none of the kinds chosen (anki.kinds)")
        names = deck_names(notes, config.deck, config.numbered)
        retired, old_decks = retired_notes(notes.retired, names)
        self._write(notes, anki_notes + retired, names | old_decks, path)

    def export_course(self, course: Course, path: Path, config: AnkiConfig, units: Sequence[AnkiConfig]) -> None:
        """One deck `Course::Unit::Section` whose notes are the units' own (same GUIDs, same fields)."""
        anki_notes, names = course_notes(course, config.deck, config.numbered, units)
        if not anki_notes:
            self.warn(course.meta.loc or Location(course.source.path, 0, 0), "the course's deck has no cards")
        retired, old_decks = retired_notes(course.retired, names)
        # The course as one document gives the deck ids (from the course id) and the time stamp.
        self._write(course.as_notes(), anki_notes + retired, names | old_decks, path)

    def _write(
        self, notes: Notes, anki_notes: list[AnkiNote], names: Mapping[tuple[str, ...], str], path: Path
    ) -> None:
        write_package(notes, anki_notes, names, path)


def course_notes(
    course: Course, root: str, numbered: bool, units: Sequence[AnkiConfig]
) -> tuple[list[AnkiNote], dict[tuple[str, ...], str]]:
    """The notes and deck names of a course's deck: `Course::Unit::Section`.

    Each unit's notes are exactly those of its own deck (the same cards, so the same GUIDs: a
    student who has a unit's deck gets no duplicate from the course's), under the unit's id in
    the deck tree and with their tags under the course's tag. `units` are the units' settings.
    """
    names = course_deck_names(course, root, numbered, units)
    out: list[AnkiNote] = []
    problems: list[Diagnostic] = []
    for unit, config in zip(course.units, units, strict=True):
        try:
            made = build_notes(unit, config.kinds)
        except NotesError as exc:
            problems += exc.diagnostics
            continue
        out += [
            dataclasses.replace(
                note,
                deck=(unit.meta.id, *note.deck),
                tags=tuple(f"{course.meta.id}::{tag}" for tag in note.tags),
            )
            for note in made
        ]
    if problems:
        raise NotesError(problems)
    return out, names


def course_deck_names(
    course: Course, root: str, numbered: bool, units: Sequence[AnkiConfig]
) -> dict[tuple[str, ...], str]:
    """Deck names of a course's deck: the course (key `()`), each unit (`(UNIT,)`) and each unit's
    sections (`(UNIT, *section ids)`)."""
    base = "::".join(part.strip() for part in root.split("::") if part.strip())
    names: dict[tuple[str, ...], str] = {(): base or _deck_part(course.meta.title, course.meta.id)}
    for n, (unit, config) in enumerate(zip(course.units, units, strict=True), 1):
        part = _deck_part(unit.meta.title, unit.meta.id)
        unit_root = names[()] + "::" + (f"{n:0{max(2, len(str(len(course.units))))}d} {part}" if numbered else part)
        names.update({(unit.meta.id, *ids): name for ids, name in deck_names(unit, unit_root, config.numbered).items()})
    return names


def write_package(notes: Notes, anki_notes: list[AnkiNote], names: Mapping[tuple[str, ...], str], path: Path) -> None:
    """Write the package; every time in it is `notes.source.epoch`."""
    import genanki

    models = {t.key: _genanki_model(genanki, t) for t in NOTE_TYPES}  # by key: NoteType.id runs sha256 per call
    decks = {ids: genanki.Deck(stable_id("deck", notes.meta.id, *ids), name) for ids, name in names.items()}
    decks[()].description = _description(notes)
    used = {()} | {note.deck[:n] for note in anki_notes for n in range(1, len(note.deck) + 1)}
    # genanki writes a deck's notes together, decks in order: so do we (the same rows in the same order).
    by_deck: dict[tuple[str, ...], list[tuple[int, AnkiNote]]] = {ids: [] for ids in decks}
    for due, note in enumerate(anki_notes):
        by_deck[note.deck].append((due, note))
    epoch = notes.source.epoch
    with tempfile.TemporaryDirectory(prefix="notesforge-anki-") as work:
        db = Path(work) / "collection.anki2"
        conn = sqlite3.connect(db)
        # A scratch file, zipped right after: no journal and no syncs (the zip is what is written safely).
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        try:
            cursor = conn.cursor()
            written = [(decks[ids], by_deck[ids]) for ids in decks if ids in used]
            _write_collection(cursor, [deck for deck, _ in written], models.values(), epoch)
            # Note and card ids count up from the epoch in milliseconds, as genanki's own writer does.
            rows = _NoteRows({key: _ModelCards(model) for key, model in models.items()}, epoch)
            for deck, deck_notes in written:
                rows.write(cursor, deck.deck_id, deck_notes)
            conn.commit()
        finally:
            conn.close()
        collection = db.read_bytes()
    # Media as Anki packages them: numbered entries and a JSON map of number -> file name, in
    # name order so that the same files give the same bytes. Every entry dated by the epoch.
    media = in_order(m for note in anki_notes for m in note.media)
    with zipfile.ZipFile(path, "w") as out:
        write_entry(out, "collection.anki2", collection, epoch)
        write_entry(out, "media", json.dumps({str(i): m.name for i, m in enumerate(media)}).encode(), epoch)
        for i, m in enumerate(media):
            write_entry(out, str(i), m.data, epoch)


def note_guids(notes: Notes) -> dict[str, str]:
    """Card key -> its note's GUID: the one written in the notes (an imported deck's, so its notes
    update in place), else one from the key. Made once per notes: the card record and the deck
    both need them."""
    guids = notes.derived.get("guids")
    if guids is None:
        guids = notes.derived["guids"] = {card.key: card.guid or guid_for(card.key) for card in generate(notes)}
    return guids


_BASE91 = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~"


def guid_for(key: str) -> str:
    """`genanki.guid_for(key)`, without importing genanki: the first 8 bytes of the key's SHA-256
    in Anki's base-91 digits (the card record needs every GUID, and genanki's loop is slow)."""
    number = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")
    digits = []
    while number:
        number, digit = divmod(number, 91)
        digits.append(_BASE91[digit])
    return "".join(reversed(digits))


def _write_collection(cursor: Any, decks: list[Any], models: Any, epoch: int) -> None:
    """The collection row of `genanki.Package.write_to_db`, with the deck and model JSON written once.

    genanki re-reads and re-writes the whole deck list for every deck, which is
    quadratic: with 400 section subdecks that took a second of JSON work.
    """
    from genanki.apkg_col import APKG_COL
    from genanki.apkg_schema import APKG_SCHEMA

    cursor.executescript(APKG_SCHEMA)
    cursor.executescript(APKG_COL)
    (decks_json,) = cursor.execute("SELECT decks FROM col").fetchone()
    (models_json,) = cursor.execute("SELECT models FROM col").fetchone()
    all_decks = json.loads(decks_json) | {str(deck.deck_id): deck.to_json() for deck in decks}
    root = decks[0].deck_id
    all_models = json.loads(models_json) | {str(m.model_id): m.to_json(epoch, root) for m in models}
    cursor.execute("UPDATE col SET decks = ?, models = ?", (json.dumps(all_decks), json.dumps(all_models)))


# genanki's cloze card rule: a card per number of a `{{cN::...}}` in the fields the front's `cloze:` names.
_CLOZE_FIELDS = (re.compile(r"{{[^}]*?cloze:(?:[^}]?:)*(.+?)}}"), re.compile("<%cloze:(.+?)%>"))
_CLOZE_NUMBER = re.compile(r"{{c(\d+)::.+?}}", re.DOTALL)


class _ModelCards:
    """Which cards a note of one genanki model makes, worked out as `genanki.Note.cards` does."""

    __slots__ = ("cloze_fields", "model_id", "required")

    def __init__(self, model: Any):
        self.model_id = model.model_id
        if model.model_type == model.CLOZE:
            qfmt = model.templates[0]["qfmt"]
            named = set(_CLOZE_FIELDS[0].findall(qfmt) + _CLOZE_FIELDS[1].findall(qfmt))
            index = {f["name"]: i for i, f in reversed(list(enumerate(model.fields)))}
            self.cloze_fields: tuple[int, ...] | None = tuple(index.get(name, -1) for name in named)
            self.required: list[Any] = []
        else:
            self.cloze_fields = None
            self.required = [(o, any if how == "any" else all, needed) for o, how, needed in model._req]

    def ords(self, fields: Sequence[str]) -> Iterable[int]:
        if self.cloze_fields is None:
            return [o for o, test, needed in self.required if test(fields[i] for i in needed)]
        found: set[int] = set()  # a set, iterated as genanki iterates its own
        for i in self.cloze_fields:
            value = fields[i] if i >= 0 else ""
            found.update(int(m) - 1 for m in _CLOZE_NUMBER.findall(value) if int(m) > 0)
        return found


class _NoteRows:
    """The `notes` and `cards` rows genanki's `Note.write_to_db` writes, in its order and with its
    values (a note, then its cards; ids counting up), without a genanki object per note."""

    def __init__(self, models: dict[str, _ModelCards], epoch: int):
        self.models = models
        self.mod = int(epoch)
        self.ids = itertools.count(max(epoch, 1) * 1000)

    def write(self, cursor: Any, deck_id: int, notes: list[tuple[int, AnkiNote]]) -> None:
        add_note, add_card = _INSERT_NOTE, _INSERT_CARD
        mod, ids = self.mod, self.ids
        for due, note in notes:
            model = self.models[note.type.key]
            fields = note.fields
            if any(" " in tag for tag in note.tags):
                raise ValueError(f"an Anki tag cannot hold a space: {note.tags!r}")
            note_id = next(ids)
            tags = " " + " ".join(note.tags) + " "
            cursor.execute(
                add_note, (note_id, note.guid, model.model_id, mod, -1, tags, "\x1f".join(fields), fields[0], 0, 0, "")
            )
            for ord_ in model.ords(fields):
                cursor.execute(
                    add_card, (next(ids), note_id, deck_id, ord_, mod, -1, 0, 0, due, 0, 0, 0, 0, 0, 0, 0, 0, "")
                )


_INSERT_NOTE = "INSERT INTO notes VALUES(?,?,?,?,?,?,?,?,?,?,?);"
_INSERT_CARD = "INSERT INTO cards VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?);"


def _genanki_model(genanki: Any, kind: NoteType) -> Any:
    return genanki.Model(
        kind.id,
        kind.name,
        fields=[{"name": name} for name in kind.fields],
        templates=[{"name": name, "qfmt": q, "afmt": a} for name, q, a in kind.templates],
        css=CSS,
        model_type=genanki.Model.CLOZE if kind.cloze else genanki.Model.FRONT_BACK,
    )


def _description(notes: Notes) -> str:
    meta = notes.meta
    return "<br>".join(field_text(part) for part in (meta.subtitle, meta.course, meta.author) if part)
