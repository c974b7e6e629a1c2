"""Anchor: the same notes as notesforge's Anki deck, written by bare genanki.

    python benchmarks/anchors/bare_genanki.py SOURCE OUT.apkg

tomllib parses the source; one genanki note per cloze bullet, explicit card, table
point (and one more for a point with cloze marks), event and term, with genanki's
stock note types, in one deck, written once.
"""

from __future__ import annotations

import sys

import genanki
from _source import load, plain, sections, text_of, to_html


def deletion(answer: str, hint: str | None, n: int) -> str:
    return f"{{{{c{n}::{answer}::{hint}}}}}" if hint else f"{{{{c{n}::{answer}}}}}"


def main(source: str, out: str) -> None:
    doc = load(source)
    deck = genanki.Deck(2059400110, doc["notes"]["title"])
    basic, reverse, cloze = genanki.BASIC_MODEL, genanki.BASIC_AND_REVERSED_CARD_MODEL, genanki.CLOZE_MODEL

    def add(model: genanki.Model, *fields: str) -> None:
        deck.add_note(genanki.Note(model=model, fields=list(fields)))

    for _, section in sections(doc):
        for block in section.get("block", []):
            kind = block["type"]
            if kind == "bullets":
                for item in block["items"]:
                    text = text_of(item)
                    if "[[" in text:
                        add(cloze, to_html(text, deletion), "")
            elif kind == "table":
                for column in block["columns"]:
                    for point in column["points"]:
                        if "[[" in point:
                            add(cloze, to_html(point, deletion), "")
                        add(basic, to_html(point), to_html(column["heading"]))
            elif kind == "events":
                for event in block["items"]:
                    add(reverse, to_html(event["text"]), plain(event["date"]))
            elif kind == "terms":
                for term in block["items"]:
                    add(reverse, to_html(term["term"]), to_html(term["definition"]))
            elif kind == "cards":
                for card in block["items"]:
                    if "cloze" in card:
                        add(cloze, to_html(card["cloze"], deletion), to_html(card.get("extra", "")))
                    else:
                        add(reverse if card.get("reverse") else basic, to_html(card["q"]), to_html(card["a"]))
    genanki.Package(deck).write_to_file(out)


if __name__ == "__main__":
    main(*sys.argv[1:3])
