"""Dates on bullets and table points, `ask` on events, terms and tables, prompts on basic cards, shared
event dates and `notesforge schema` for them: read into the model, and the dates read back from every
format that prints the notes (cards are cards.py's, tested in test_cards.py)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from lxml import etree
from support.common import EPOCH, SEED, TESTS, build_one
from support.epubcheck import run_epubcheck
from support.pdf import Pdf
from support.prints import nows
from support.readback import epub_text
from support.schema import as_json, schema_validator

import notesforge
from notesforge.alltext import all_text
from notesforge.cards import CardKind, generate
from notesforge.inline import plain
from notesforge.keydates import key_dates
from notesforge.model import (
    BasicCard,
    Bullet,
    BulletList,
    CardList,
    ComparisonTable,
    Event,
    Glossary,
    Location,
    Notes,
    Point,
    Term,
    Text,
    Timeline,
)

DATED = TESTS / "fixtures" / "valid" / "dates.toml"
XHTML = {"x": "http://www.w3.org/1999/xhtml"}
LOC = Location("test", 1, 1)


@pytest.fixture(scope="module")
def dated() -> Notes:
    return notesforge.loads(DATED.read_bytes(), str(DATED), epoch=EPOCH)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("dated")


def blocks(notes: Notes, kind: type) -> list[Any]:
    return list(notes.blocks(kind))


# --- the model -----------------------------------------------------------------------------------


def test_dates_ask_and_prompts_are_read_into_the_model(dated: Notes) -> None:
    [bullets] = blocks(dated, BulletList)
    assert [(b.date, b.id, b.loc.line) for b in bullets.items] == [
        ("January 1923", "ruhr", 14),
        (None, None, 15),
        ("November 1923", None, 16),  # stripped, as other plain text
    ]
    [table] = blocks(dated, ComparisonTable)
    assert table.ask == ("blanks",)
    assert [[(p.date, plain(p.text)) for p in c.points] for c in table.columns] == [
        [("1924", "The Dawes Plan eased reparations."), (None, "Culture flourished.")],
        [(None, "Germany depended on American loans."), ("October 1929", "The Wall Street Crash ended the loans.")],
    ]
    [timeline] = blocks(dated, Timeline)
    assert timeline.ask == "date"
    assert [(e.date, e.ask) for e in timeline.events] == [("8 November 1923", None), ("August 1923", "both")]
    [glossary] = blocks(dated, Glossary)
    assert glossary.ask == "definition"
    assert [t.ask for t in glossary.terms] == [None, "term"]
    [cards] = blocks(dated, CardList)
    assert [(c.prompt, c.reverse_prompt) for c in cards.cards if isinstance(c, BasicCard)] == [
        ("Who?", "What was he?"),
        ("Recall.", None),
        (None, None),
    ]


def test_notes_without_the_new_keys_get_the_defaults(hostile_notes: Notes) -> None:
    # The hostile notes have one block of each kind that takes the new keys, and none of the keys.
    [bullets] = blocks(hostile_notes, BulletList)
    assert [b.date for b in bullets.items] == [None] * 4
    [table] = blocks(hostile_notes, ComparisonTable)
    assert table.ask == ("blanks", "columns")
    assert [p.date for c in table.columns for p in c.points] == [None] * 4
    [timeline] = blocks(hostile_notes, Timeline)
    assert timeline.ask == "both" and [e.ask for e in timeline.events] == [None, None]
    [glossary] = blocks(hostile_notes, Glossary)
    assert glossary.ask == "both" and [t.ask for t in glossary.terms] == [None, None]
    [cards] = blocks(hostile_notes, CardList)
    basic = [c for c in cards.cards if isinstance(c, BasicCard)]
    assert [(c.prompt, c.reverse_prompt) for c in basic] == [(None, None), (None, None)]


def test_the_seed_uses_the_new_keys(seed_notes: Notes) -> None:
    """Its key dates on the bullets and the table point they date, its glossary asked one way."""
    dated = [b.date for block in seed_notes.blocks(BulletList) for b in block.items if b.date]
    assert dated == ["January 1924", "1917", "1936", "1934", "1929", "1931–33"]
    [table] = blocks(seed_notes, ComparisonTable)
    assert table.ask == ("blanks", "columns")
    assert [p.date for c in table.columns for p in c.points if p.date] == ["October 1917"]
    assert blocks(seed_notes, Timeline) == []
    [glossary] = blocks(seed_notes, Glossary)
    assert glossary.ask == "definition" and all(t.ask is None for t in glossary.terms)


def test_the_new_fields_come_last_with_defaults_so_older_constructors_work() -> None:
    text = (Text("x"),)
    assert Bullet(text, None, LOC).date is None
    assert Point(text, LOC).date is None
    assert Event("1924", text, None, LOC).ask is None
    assert Timeline((), True, LOC).ask == "both"
    assert Term(text, text, None, LOC).ask is None
    assert Glossary((), True, LOC).ask == "both"
    assert ComparisonTable("t", None, (), True, LOC).ask == ("blanks", "columns")
    card = BasicCard(text, text, False, None, LOC, None)
    assert (card.prompt, card.reverse_prompt) == (None, None)


SHARED = """\
[notes]
id = "shared"
title = "Shared dates"
language = "en"

[[section]]
id = "s"
title = "1923"

[[section.block]]
type = "events"
items = [
  { date = "November 1923", text = "Munich Putsch" },
  { date = "November 1923", text = "Hyperinflation peaks" },
]

[[section.block]]
type = "events"
items = [{ date = "November 1923", text = "The Rentenmark is introduced" }]
"""


def test_events_may_share_a_date() -> None:
    notes = notesforge.loads(SHARED, "shared.toml")
    events = [e for block in notes.blocks(Timeline) for e in block.events]
    assert [(e.date, plain(e.text)) for e in events] == [
        ("November 1923", "Munich Putsch"),
        ("November 1923", "Hyperinflation peaks"),
        ("November 1923", "The Rentenmark is introduced"),
    ]


def test_anki_builds_events_that_share_a_date(tmp_path: Path) -> None:
    """A shared date does not name one event, so no card asks date -> event: no two fronts alike."""
    notes = notesforge.loads(SHARED, "shared.toml", epoch=EPOCH)
    build_one(notes, "anki", tmp_path)
    events = [c for c in generate(notes) if c.kind is CardKind.EVENT]
    assert events and not any(c.reverse for c in events if plain(c.answer) == "November 1923")


# --- the formats ---------------------------------------------------------------------------------

# (date, text) of the dated bullets and points as printed, in document order.
BULLETS = [
    ("January 1923", "French and Belgian troops occupied the Ruhr."),
    ("November 1923", "A loaf of bread cost 200,000 million marks."),
]
POINTS = [
    ("1924", "The Dawes Plan eased reparations."),
    ("October 1929", "The Wall Street Crash ended the loans."),
]


def test_markdown_shows_dates_in_bold_before_the_text(dated: Notes, out: Path) -> None:
    lines = build_one(dated, "markdown", out / "md").read_text(encoding="utf-8").splitlines()
    assert "- **January 1923** — French and Belgian troops occupied the **Ruhr**." in lines
    assert "- Workers went on strike and the government printed money." in lines
    assert "- **November 1923** — A loaf of bread cost **200,000 million** marks." in lines
    assert "| **1924** — The **Dawes Plan** eased reparations. | Germany depended on American loans. |" in lines
    assert "| Culture flourished. | **October 1929** — The **Wall Street Crash** ended the loans. |" in lines


def epub_section(path: Path, section_id: str) -> etree._Element:
    with zipfile.ZipFile(path) as book:
        [name] = [n for n in book.namelist() if n.endswith(f"s-{section_id}.xhtml")]
        return etree.fromstring(book.read(name))


def test_epub_shows_dates_as_events_do(dated: Notes, out: Path) -> None:
    path = build_one(dated, "epub", out / "epub")
    doc = epub_section(path, "crisis")

    def dated_items(xpath: str) -> list[tuple[str, str]]:
        found = []
        for item in doc.xpath(xpath, namespaces=XHTML):
            [date] = item.xpath("x:strong[@class='date']", namespaces=XHTML) or [None]
            # A table cell begins with its column heading, hidden from sight (tests/test_epub.py).
            label = item.xpath("string(x:span[@class='column-label'])", namespaces=XHTML)
            text = "".join(item.itertext()).removeprefix(label)
            if date is not None:
                assert text.startswith(date.text + " — "), text
                found.append((date.text, text.removeprefix(date.text + " — ")))
        return found

    assert dated_items("//x:ul/x:li") == BULLETS
    assert dated_items("//x:table[@class='comparison']//x:td") == POINTS
    # The same markup as an event's date.
    assert dated_items("//x:ol[@class='timeline']/x:li") == [
        ("8 November 1923", "Munich Putsch"),
        ("August 1923", "Stresemann becomes Chancellor"),
    ]
    text = nows(epub_text(path))  # the text nodes of each body, joined with spaces
    for date, item in BULLETS + POINTS:
        assert nows(f"{date} — {item}") in text


@pytest.mark.slow
def test_an_epub_with_dates_passes_epubcheck(dated: Notes, out: Path) -> None:
    report = run_epubcheck(build_one(dated, "epub", out / "epubcheck"))
    assert report.clean, report.summary()


def bold_dates(path: Path, items: list[tuple[str, str]]) -> list[tuple[str, bool, bool]]:
    """(date, date in bold, first word after the dash in bold) of each item, found in the characters."""
    with pdfplumber.open(path) as pdf:
        pages = [page.chars for page in pdf.pages]
    found = []
    for date, text in items:
        word = text.split()[0]
        for chars in pages:
            at = "".join(c["text"] for c in chars).find(f"{date} — {word}")
            if at >= 0:
                bold = ["Bold" in c["fontname"] for c in chars]
                after = at + len(date) + 3
                found.append((date, all(bold[at : at + len(date)]), any(bold[after : after + len(word)])))
                break
        else:
            found.append((date, False, False))
    return found


def test_the_booklet_prints_dates_in_bold_before_the_text(dated: Notes, out: Path) -> None:
    path = build_one(dated, "pdf", out / "pdf")
    pdf = Pdf(path)
    for date, text in BULLETS:
        assert f"• {date} — {text}" in pdf.text
    cells = [re.sub(r"\s+", " ", cell) for table in pdf.tables for row in table for cell in row if cell]
    for date, text in POINTS:
        assert f"{date} — {text}" in cells
    assert bold_dates(path, BULLETS + POINTS) == [(date, True, False) for date, _ in BULLETS + POINTS]


def test_the_worksheet_prints_dates_in_bold_before_the_blanked_text(dated: Notes, out: Path) -> None:
    path = build_one(dated, "worksheet", out / "worksheet")
    with pdfplumber.open(path) as pdf:
        body = nows(pdf.pages[0].extract_text(use_text_flow=True) or "")
    # The dates stay; the cloze marks after them are numbered blanks.
    assert nows("January 1923 — French and Belgian troops occupied the (1)") in body
    assert nows("November 1923 — A loaf of bread cost (2)") in body
    assert nows("1924 — The (3)") in body and nows("eased reparations.") in body
    assert nows("October 1929 — The (4)") in body
    assert "Ruhr" not in body
    assert bold_dates(path, BULLETS + POINTS) == [(date, True, False) for date, _ in BULLETS + POINTS]


def test_the_organiser_lists_dated_items_with_the_events_in_date_order(dated: Notes, out: Path) -> None:
    # By year, then month; a tie (November 1923) keeps the order written.
    expected = [
        BULLETS[0],
        ("August 1923", "Stresemann becomes Chancellor"),
        BULLETS[1],
        ("8 November 1923", "Munich Putsch"),
        *POINTS,
    ]
    found = key_dates(dated)
    assert [(e.date, plain(e.text)) for e in found] == expected
    [bullets] = blocks(dated, BulletList)
    [table] = blocks(dated, ComparisonTable)
    dated_items = [b for b in bullets.items if b.date] + [p for c in table.columns for p in c.points if p.date]
    assert [e.loc for e in found if e.date not in ("8 November 1923", "August 1923")] == [i.loc for i in dated_items]
    assert all(isinstance(e, Event) for e in found)

    path = build_one(dated, "organiser", out / "organiser")
    with pdfplumber.open(path) as pdf:
        text = nows(" ".join(p.extract_text(use_text_flow=True) or "" for p in pdf.pages))
    key = text[text.index("Keydates") : text.index("Keyterms")]
    at = 0
    for date, item in expected:
        at = key.find(nows(date) + nows(item), at)
        assert at >= 0, (date, item)
    # The organiser's copy of the table prints the points' dates too.
    for date, item in POINTS:
        assert nows(f"{date} — {item}") in text[text.index("Recoveryorweakness?") :]


def test_all_text_has_the_dates(dated: Notes) -> None:
    texts = [text for _, text in all_text(dated)]
    for date, item in BULLETS + POINTS:
        assert f"{date} {item}" in texts


# --- notesforge schema ---------------------------------------------------------------------------


def test_the_schema_accepts_the_new_keys_and_the_old_files() -> None:
    validator = schema_validator()
    for path in (DATED, SEED, TESTS / "fixtures" / "valid" / "nested.toml"):
        errors = [e.message for e in validator.iter_errors(as_json(path.read_bytes()))]
        assert errors == [], path


@pytest.mark.parametrize(
    "block",
    [
        'type = "events"\nask = "dates"\nitems = [{ date = "1924", text = "x" }]',
        'type = "events"\nitems = [{ date = "1924", text = "x", ask = "when" }]',
        'type = "terms"\nask = "defintion"\nitems = [{ term = "t", definition = "d" }]',
        'type = "terms"\nitems = [{ term = "t", definition = "d", ask = true }]',
        'type = "bullets"\nitems = [{ text = "x", date = "" }]',
        'type = "bullets"\nitems = [{ text = "x", date = 1924 }]',
        'type = "cards"\nitems = [{ q = "q", a = "a", prompt = "" }]',
        'type = "cards"\nitems = [{ cloze = "[[x]]", prompt = "p" }]',
        *(
            f'type = "table"\n{ask}\n[[section.block.columns]]\nheading = "A"\npoints = [{point}]\n'
            '[[section.block.columns]]\nheading = "B"\npoints = ["b"]'
            for ask, point in [
                ('ask = ["blanks", "colums"]', '"a"'),
                ('ask = ["blanks", "blanks"]', '"a"'),
                ("ask = []", '"a"'),
                ('ask = "blanks"', '"a"'),
                ("", '{ text = "a", date = "1924", id = "x" }'),
                ("", '{ date = "1924" }'),
            ]
        ),
    ],
)
def test_the_schema_refuses_wrong_new_values(block: str) -> None:
    head = '[notes]\nid = "n"\ntitle = "N"\nlanguage = "en"\n[[section]]\nid = "s"\ntitle = "S"\n'
    source = f"{head}[[section.block]]\n{block}\n"
    assert not schema_validator().is_valid(as_json(source))
    with pytest.raises(notesforge.NotesError):  # and the reader agrees
        notesforge.loads(source, "n.toml")
