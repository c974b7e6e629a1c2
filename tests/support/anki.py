"""Anki packages read back in the real Anki backend (the `anki` package from PyPI), not a mock:
import a deck into a fresh collection, list its cards, see their text as a reviewer does.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from anki import collection

from notesforge.cards import generate
from notesforge.exporters import anki as exporter
from notesforge.model import Notes

CLOZE_MARK = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.S)


class _Html(HTMLParser):
    """The elements, attributes and text of an HTML fragment, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._skip += tag == "style"
        self._break(tag)

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag == "style" and self._skip > 0
        self._break(tag)

    def _break(self, tag: str) -> None:
        if tag in ("div", "hr", "br"):
            self.text.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def parse_html(fragment: str) -> _Html:
    parser = _Html()
    parser.feed(fragment)
    parser.close()
    return parser


def text_of(fragment: str) -> str:
    """Visible text of field or card HTML, whitespace collapsed, word joiners dropped."""
    return " ".join("".join(parse_html(fragment).text).replace(exporter.WORD_JOINER, "").split())


def fill_clozes(field: str) -> str:
    return CLOZE_MARK.sub(lambda m: m.group(2), field)


def open_collection(path: Path):
    path.mkdir(parents=True, exist_ok=True)
    return collection.Collection(str(path / "collection.anki2"))


def import_deck(col, apkg: Path):
    """Import with the options Anki's import dialog starts with (update notes and note types if newer)."""
    request = collection.ImportAnkiPackageRequest(
        package_path=str(apkg), options=collection.ImportAnkiPackageOptions(with_scheduling=False)
    )
    return col.import_anki_package(request).log


def cards_of(col):
    return [col.get_card(cid) for cid in col.find_cards("")]


def our_notetypes(col) -> list[str]:
    return sorted(m["name"] for m in col.models.all() if m["name"].startswith("notesforge"))


def expected_card_count(notes: Notes) -> int:
    return sum(len(card.questions()) for card in generate(notes))


def cards_by_deck(col) -> dict[str, int]:
    """Every deck's name and the number of cards in it (not counting its subdecks)."""
    return {d.name: len(col.find_cards(f"did:{d.id}")) for d in col.decks.all_names_and_ids()}


def tree_order(col) -> list[str]:
    """Deck names as Anki's deck browser lists them: the deck tree, depth first, children in Anki's order."""
    out: list[str] = []

    def visit(node, above: str) -> None:
        for child in node.children:
            name = f"{above}::{child.name}" if above else child.name
            out.append(name)
            visit(child, name)

    visit(col.decks.deck_tree(), "")
    return out
