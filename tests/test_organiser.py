"""The knowledge organiser, read back: one or two landscape pages, everything legible."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from support.common import EPOCH, EVENTS, GRID, SEED
from support.pdf import Pdf
from support.prints import build, check_print_basics, nows

import notesforge
from notesforge import summary
from notesforge.inline import plain
from notesforge.keydates import key_dates
from notesforge.model import ComparisonTable, Glossary, Grid, Notes, Timeline

A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)


class Organiser:
    def __init__(self, path: Path) -> None:
        self.path = path
        with pdfplumber.open(path) as pdf:
            self.sizes = [(float(p.width), float(p.height)) for p in pdf.pages]
            self.text = nows(" ".join(p.extract_text(use_text_flow=True) or "" for p in pdf.pages))
            self.chars = [c for p in pdf.pages for c in p.chars]


def contents(notes: Notes) -> dict[str, list[str]]:
    """What the organiser must show, by kind: the key dates are the events and every dated item."""
    dated = key_dates(notes)
    found: dict[str, list[str]] = {
        "dates": [e.date for e in dated],
        "events": [plain(e.text) for e in dated],
        "terms": [],
        "definitions": [],
        "tables": [],
    }
    for section in notes.walk():
        for block in section.blocks:
            if isinstance(block, Glossary):
                found["terms"] += [plain(t.term) for t in block.terms]
                found["definitions"] += [plain(t.definition) for t in block.terms]
            elif isinstance(block, ComparisonTable):
                found["tables"] += [plain(block.caption)] if block.caption else []
                for column in block.columns:
                    found["tables"] += [plain(column.heading), *(plain(p.text) for p in column.points)]
    return found


@pytest.fixture(scope="module")
def seed() -> Notes:
    return notesforge.loads(SEED.read_bytes(), str(SEED), epoch=EPOCH)


@pytest.fixture(scope="module", params=["a4", "letter"])
def organiser(request: pytest.FixtureRequest, seed: Notes, tmp_path_factory: pytest.TempPathFactory) -> Organiser:
    out = tmp_path_factory.mktemp(request.param)
    return Organiser(build(seed, "organiser", out, paper=request.param).path)


def test_the_seed_fits_one_or_two_landscape_pages(organiser: Organiser) -> None:
    assert 1 <= len(organiser.sizes) <= 2
    for width, height in organiser.sizes:
        assert width > height
        assert (height, width) == pytest.approx(A4 if "a4" in str(organiser.path) else LETTER, abs=0.01)


def test_every_key_date_term_and_table_point_is_printed(organiser: Organiser, seed: Notes) -> None:
    found = contents(seed)
    # 7 dated bullets and points; 18 terms; the table's caption, 2 headings and 8 points.
    assert {kind: len(texts) for kind, texts in found.items()} == {
        "dates": 7,
        "events": 7,
        "terms": 18,
        "definitions": 18,
        "tables": 11,
    }
    for kind, texts in found.items():
        for text in texts:
            assert nows(text) in organiser.text, (kind, text)
    # The big questions: the notes' sections whose titles ask one.
    assert nows("Big questions1Who would succeed Lenin?2Did Stalin make the USSR a great economic power?") in (
        organiser.text
    )


def key_dates_in_order(organiser: Organiser, notes: Notes) -> list[str]:
    """The dates found, each with its text, in the notes' order under "Key dates"."""
    found = contents(notes)
    at, key = 0, organiser.text[organiser.text.index("Keydates") :]
    printed = []
    for date, event in zip(found["dates"], found["events"], strict=True):
        at = key.find(nows(date) + nows(event), at)
        assert at >= 0, (date, event)
        printed.append(date)
    return printed


def test_key_dates_are_in_date_order_with_their_events(organiser: Organiser, seed: Notes) -> None:
    # The seed's dates are on its bullets and a table point, listed by year and month.
    assert key_dates_in_order(organiser, seed) == [
        "1917",
        "October 1917",
        "January 1924",
        "1929",
        "1931–33",
        "1934",
        "1936",
    ]


def test_an_events_block_is_listed_as_key_dates(tmp_path: Path) -> None:
    notes = notesforge.loads(EVENTS.read_bytes(), str(EVENTS), epoch=EPOCH)
    organiser = Organiser(build(notes, "organiser", tmp_path).path)
    [timeline] = notes.blocks(Timeline)
    assert key_dates_in_order(organiser, notes) == [e.date for e in timeline.events]
    assert len(timeline.events) == 7 and len(organiser.sizes) == 1


def test_no_text_is_smaller_than_7_points(organiser: Organiser) -> None:
    assert organiser.chars
    assert min(c["size"] for c in organiser.chars) >= 7 - 1e-6


def test_grids_are_shown_with_the_tables_under_their_captions(tmp_path: Path) -> None:
    notes = notesforge.loads(GRID.read_bytes(), str(GRID), epoch=EPOCH)
    path = build(notes, "organiser", tmp_path).path
    organiser = Organiser(path)
    assert len(organiser.sizes) == 1
    with pdfplumber.open(path) as pdf:
        tables = [t for page in pdf.pages for t in page.extract_tables()]
    at = 0
    for grid, band in zip(notes.blocks(Grid), ["The Five-Year Plans", "Role", "A, B, C"], strict=True):
        expected = [[plain(h) for h in (grid.corner or (), *grid.columns)]]
        at = organiser.text.find(nows(band + "".join(expected[0])), at)  # its band, then its headings, in order
        assert at >= 0, band
        expected += [[plain(r.heading), *(plain(c.text) for c in r.cells)] for r in grid.rows]
        assert [[nows(c or "") for c in row] for row in expected] in [
            [[nows(c or "") for c in row] for row in t] for t in tables
        ]
    assert min(c["size"] for c in organiser.chars) >= 7 - 1e-6


def many_terms(count: int) -> Notes:
    terms = ",\n".join(
        f'{{ term = "Term {n}", definition = "Definition number {n}, long enough to wrap onto a second line '
        f'in a narrow column of the organiser, with a few more words." }}'
        for n in range(1, count + 1)
    )
    source = (
        '[notes]\nid = "many"\ntitle = "Many terms"\nlanguage = "en"\n[[section]]\nid = "s"\ntitle = "Terms"\n'
        # No cards: asked for its term, each definition hides the term's words ("number […]"), and
        # then all of them read the same.
        f'[[section.block]]\ntype = "terms"\ncards = false\nitems = [\n{terms}\n]\n'
    )
    return notesforge.loads(source.encode(), "many.toml", epoch=EPOCH)


@pytest.mark.parametrize("count, pages", [(40, 1), (80, 2), (160, 3)])
def test_longer_notes_shrink_to_one_page_then_two_never_below_7_points(count: int, pages: int, tmp_path: Path) -> None:
    outcome = build(many_terms(count), "organiser", tmp_path)
    organiser = Organiser(outcome.path)
    assert len(organiser.sizes) == pages
    assert all(width > height for width, height in organiser.sizes)
    body = min(c["size"] for c in organiser.chars)
    assert body >= 7 - 1e-6
    for n in range(1, count + 1):
        assert nows(f"Term {n}: Definition number {n},") in organiser.text
    if pages <= 2:
        assert body > 7  # one page at a smaller size is preferred to two, but not smaller than needed
        assert not outcome.warnings
    else:  # too long for two pages even at 7 points: every term kept, and a warning
        [warning] = outcome.warnings
        assert warning.loc.path == "many.toml" and f"{pages} pages" in warning.message


def test_organiser_basics(tmp_path: Path) -> None:
    check_print_basics("organiser", tmp_path)


QUESTIONS = """
[notes]
id = "q"
title = "Questions"
language = "en-GB"

[[section]]
id = "plain"
title = "The Five-Year Plans"
[[section.block]]
type = "terms"
items = [{ term = "Zeta", definition = "Written first." }, { term = "Alpha", definition = "Written second." }]

[[section]]
id = "quoted"
title = "Was it a ‘great turn?’"
[[section.block]]
type = "paragraph"
text = "A question mark inside the closing quote."

[[section.section]]
id = "bracketed"
title = "Why (and when?) "
[[section.section.block]]
type = "paragraph"
text = "A subsection, a question inside a bracket, a space after."

[[section.section]]
id = "mid"
title = "Who? Nobody knows"
[[section.section.block]]
type = "paragraph"
text = "A question mark inside the title is not a question."

[[section]]
id = "wide"
title = "何が起きたか？"
[[section.block]]
type = "paragraph"
text = "A full-width question mark."
"""


def test_big_questions_and_key_terms_follow_one_rule(tmp_path: Path) -> None:
    notes = notesforge.loads(QUESTIONS, "questions.toml", epoch=EPOCH)
    asked = summary.big_questions(notes)
    assert asked == ["Was it a ‘great turn?’", "Why (and when?)", "何が起きたか？"]
    assert [s.id for s in notes.walk() if summary.asks(s)] == ["quoted", "bracketed", "wide"]
    assert [plain(t.term) for t in summary.key_terms(notes)] == ["Zeta", "Alpha"]  # as written, not sorted
    organiser = Organiser(build(notes, "organiser", tmp_path / "organiser").path)
    assert nows("Big questions 1 Was it a ‘great turn?’ 2 Why (and when?)") in organiser.text
    assert organiser.text.index("Zeta") < organiser.text.index("Alpha")
    booklet = Pdf(build(notes, "pdf", tmp_path / "pdf").path)
    assert booklet.text.index("Zeta Written first.") < booklet.text.index("Alpha Written second.")
