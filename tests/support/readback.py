"""Read built outputs back as the text a reader sees, whatever the format; check what they show.

`visible_text(path)` picks the reader by the file's suffix: the PDF text layer (pypdf), the
body text of every XHTML document of an EPUB (lxml), Markdown with its backslash escapes
undone. An Anki package is imported into a real Anki collection (`anki_deck`, with the helpers
of support.anki). A suffix no reader knows fails the test: teach this module the new format.

`check_output` asserts that an output shows every text of a generated document (`strategies.Doc`)
that its format shows (`SHOWS`): each marker word, each hostile fragment literally.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import notesforge
from notesforge.cards import generate
from notesforge.inline import plain
from notesforge.model import BasicCard, BulletList, CardList, ComparisonTable, Glossary, Notes, Paragraph, Timeline
from support.anki import cards_of, expected_card_count, fill_clozes, import_deck, open_collection, text_of
from support.strategies import Doc, Slot

XHTML = "{http://www.w3.org/1999/xhtml}"
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def squash(text: str) -> str:
    """For comparing text across formats: NFC, case folded, whitespace runs as one space."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def pdf_text(path: Path) -> str:
    """The text layer, page after page; then again without the running footers.

    A footer (page number, title) is drawn first on every page, so a text that runs over a page
    break reads back interrupted by it: the second rendition lets such a text be found whole.
    """
    import pypdf

    pages = [page.extract_text() for page in pypdf.PdfReader(path).pages]
    return "\n".join(pages) + "\n\n" + "\n".join(_without_running_lines(pages))


def _without_running_lines(pages: list[str]) -> list[str]:
    split = [page.split("\n") for page in pages]
    leading: dict[str, int] = {}
    for lines in split:
        for line in lines[:3]:
            leading[line.strip()] = leading.get(line.strip(), 0) + 1
    running = {line for line, n in leading.items() if n >= 2 and n * 2 >= len(pages)}
    out = []
    for lines in split:
        while lines and (lines[0].strip().isdigit() or lines[0].strip() in running):
            lines = lines[1:]
        out.append(" ".join(lines))
    return out


def epub_text(path: Path) -> str:
    """The body text of every XHTML document in the book (navigation included)."""
    from lxml import etree

    parts = []
    with zipfile.ZipFile(path) as book:
        for name in sorted(book.namelist()):
            if name.endswith(".xhtml"):
                root = etree.fromstring(book.read(name))
                for body in root.iter(f"{XHTML}body"):
                    parts.append(" ".join(body.itertext()))
    return "\n".join(parts)


def markdown_text(path: Path) -> str:
    return _MD_ESCAPE.sub(r"\1", path.read_text(encoding="utf-8"))


READERS = {".pdf": pdf_text, ".epub": epub_text, ".md": markdown_text}


def visible_text(path: Path) -> str:
    """The text of any output; an Anki package as its notes' fields and its cards as shown."""
    path = Path(path)
    if path.suffix == ".apkg":
        deck = anki_deck(path)
        return deck.fields + "\n" + deck.rendered
    reader = READERS.get(path.suffix)
    assert reader is not None, f"no reader for {path.name}: add one to tests/readback.py"
    return reader(path)


@dataclass(frozen=True)
class AnkiDeck:
    notes: int
    cards: int
    empty_cards: int  # notes with a card whose template renders empty (Anki's "Empty cards")
    notes_without_cards: int
    media_tags: int  # [sound:] and TTS tags Anki would play
    fields: str  # every field of every note as text (cloze answers filled in)
    rendered: str  # every card's question and answer as the reviewer shows them


def anki_deck(apkg: Path) -> AnkiDeck:
    """Import `apkg` into a fresh collection of the real Anki backend and read it back."""
    with tempfile.TemporaryDirectory() as tmp:
        col = open_collection(Path(tmp))
        try:
            import_deck(col, apkg)
            fields, rendered, media = [], [], 0
            for nid in col.find_notes(""):
                fields += [text_of(fill_clozes(value)) for value in col.get_note(nid).values()]
            for card in cards_of(col):
                question, answer = card.question(), card.answer()
                rendered += [text_of(question), text_of(answer)]
                media += len(card.question_av_tags()) + len(card.answer_av_tags())
            return AnkiDeck(
                col.note_count(),
                col.card_count(),
                len(col.get_empty_cards().notes),
                col.db.scalar("select count() from notes where id not in (select nid from cards)"),
                media,
                "\n".join(fields),
                "\n".join(rendered),
            )
        finally:
            col.close()


def model_texts(notes: Notes) -> list[str]:
    """Every text of the model as shown (markup gone, cloze answers in), in document order."""
    out: list[str] = []
    for section in notes.walk():
        out.append(plain(section.title))
        for block in section.blocks:
            if isinstance(block, Paragraph):
                out.append(plain(block.text))
            elif isinstance(block, BulletList):
                out += [plain(b.text) for b in block.items]
            elif isinstance(block, ComparisonTable):
                out += [plain(block.caption)] if block.caption else []
                for column in block.columns:
                    out += [plain(column.heading), *(plain(p.text) for p in column.points)]
            elif isinstance(block, Timeline):
                for event in block.events:
                    out += [event.date, plain(event.text)]
            elif isinstance(block, Glossary):
                for term in block.terms:
                    out += [plain(term.term), plain(term.definition)]
            elif isinstance(block, CardList):
                for card in block.cards:
                    if isinstance(card, BasicCard):
                        out += [plain(card.question), plain(card.answer)]
                    else:
                        out += [plain(card.text)] + ([plain(card.extra)] if card.extra else [])
    return out


# --- which texts each format shows ------------------------------------------------------

PRINTED_BLOCKS = frozenset({"paragraph", "bullets", "table"})
SHOWS: dict[str, Callable[[Slot], bool]] = {
    "markdown": lambda slot: True,
    "epub": lambda slot: True,
    # The booklet's "test yourself" lists the question-and-answer cards; cloze cards are for Anki.
    "pdf": lambda slot: slot.kind not in {"cloze", "extra"},
    "anki": lambda slot: slot.carded,
    # Bullets, tables and paragraphs with their section titles; the answers key.
    "worksheet": lambda slot: (
        slot.kind in {"paragraph", "bullet", "caption", "heading", "point"}
        or (slot.kind == "title" and bool(slot.blocks & PRINTED_BLOCKS))
        or (slot.kind == "notes" and slot.key in {"title", "subtitle", "course"})
    ),
    # One card per question, each with its section's title; the notes' title.
    "flashcards": lambda slot: (
        (slot.carded and slot.kind != "title") or slot.asks or (slot.kind == "notes" and slot.key == "title")
    ),
    # Dates, terms and tables on one page (and the section titles that are questions: none here).
    "organiser": lambda slot: (
        slot.kind in {"date", "event", "term", "definition", "caption", "heading", "point"}
        or (slot.kind == "notes" and slot.key in {"title", "subtitle", "course"})
    ),
}


def check_output(fmt: str, doc: Doc, notes: Notes, outcome: notesforge.Outcome) -> None:
    """The build succeeded, its warnings are located, and it shows the words and fragments its format shows."""
    assert outcome.ok, outcome.detail or outcome.error
    assert outcome.path is not None and outcome.path.stat().st_size > 0
    lines = doc.toml.count("\n")
    for warning in outcome.warnings:  # e.g. a character no font can draw: located in the source
        assert warning.severity == "warning" and warning.message
        assert warning.loc.path == notes.source.path and 1 <= warning.loc.line <= lines, warning.headline()
    if fmt == "anki":
        deck = anki_deck(outcome.path)
        assert deck.notes == len(list(generate(notes)))
        assert deck.cards == expected_card_count(notes)
        assert (deck.empty_cards, deck.notes_without_cards, deck.media_tags) == (0, 0, 0)
        texts = {"fields": squash(deck.fields), "rendered cards": squash(deck.rendered)}
    else:
        texts = {"text": squash(visible_text(outcome.path))}
    shown = SHOWS.get(fmt)
    if shown is None:
        # A format these tests do not know yet: it must at least show some of the notes' words.
        assert any(m in texts["text"] for m in doc.markers()), f"{fmt}: none of the notes' words in the output"
        return
    slots = [s for s in doc.slots if shown(s)]
    markers = {m for s in slots for m in s.markers}
    pdf = outcome.path.suffix == ".pdf"
    # A PDF has no glyphs for some scripts (a warning) and breaks long words across lines.
    fragments = {f for s in slots for f in s.fragments if f.ascii or not pdf}
    for where, text in texts.items():
        lost = sorted(m for m in markers if m not in text)
        assert not lost, f"{fmt} {where}: {len(lost)} of {len(markers)} words missing, e.g. {lost[:5]}"
        if pdf:
            text = text.replace(" ", "")
        garbled = sorted(f.shown for f in fragments if squash(f.shown).replace(" " if pdf else "\0", "") not in text)
        assert not garbled, f"{fmt} {where}: not shown literally: {garbled}"
