"""Printable flashcards, read back with word positions: each back lands behind its front.

Printed duplex and flipped on the long edge, a portrait page's back is its front mirrored
left to right: the card in column c of a front page has its back in column ncols-1-c of the
next page, in the same row. The tests find every card's text in its cell on both pages, and
check that no two cards made from one sentence sit side by side or one above the other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
import pytest
from support.cardimages import FIRST_CARD_LINE, card_notes
from support.common import EPOCH, EVENTS, GRID, SEED
from support.pdf import Pdf
from support.prints import build, check_print_basics, nows

import notesforge
from notesforge.cards import Card, CardKind, generate
from notesforge.exporters.pdf.config import KINDS
from notesforge.exporters.pdf.flashcards import arrange, card_boxes, faces_of
from notesforge.inline import plain
from notesforge.model import Notes


@dataclass(frozen=True)
class Expected:
    section: str
    front: str
    back: str
    item: object = field(compare=False, repr=False)  # what the card was made from (a bullet, a term...)


def expected_cards(notes: Notes, keep: Callable[[Card], bool] = lambda card: True) -> list[Expected]:
    """Every question of every card kept, in document order, as the flashcards should print it."""
    out = []
    for card in filter(keep, generate(notes)):
        for question in card.questions():
            back = plain(question.back) + (" " + plain(card.extra) if card.is_cloze else "")
            front = question.prompt + " " + plain(question.front)
            where = " › ".join(filter(None, [plain(card.section.title), question.context]))
            out.append(Expected(where, front, back, card.item))
    return out


Box = tuple[float, float, float, float]  # x0, top, x1, bottom in pdfplumber's coordinates (top down)


class Sheets:
    """The words of every page of a flashcards PDF, and the grid of its cells."""

    def __init__(self, path: Path, columns: int = 2, rows: int = 4) -> None:
        self.path, self.columns, self.rows = path, columns, rows
        with pdfplumber.open(path) as pdf:
            first = pdf.pages[0]
            self.size = (float(first.width), float(first.height))
            self.words = [page.extract_words(extra_attrs=["non_stroking_color"]) for page in pdf.pages]
            self.chars = [page.chars for page in pdf.pages]
        height = self.size[1]
        # The exporter's grid (PDF coordinates, bottom up) in pdfplumber's, top down.
        self.cells = [
            [(x0, height - y1, x1, height - y0) for x0, y0, x1, y1 in row]
            for row in card_boxes(self.size, columns, rows)
        ]

    @property
    def pages(self) -> int:
        return len(self.words)

    def cell(self, page: int, column: int, row: int) -> tuple[str, list[dict]]:
        """(text read line by line, words) inside one cell of a page (1-based)."""
        x0, top, x1, bottom = self.cells[row][column]
        inside = [
            w
            for w in self.words[page - 1]
            if x0 <= (w["x0"] + w["x1"]) / 2 <= x1 and top <= (w["top"] + w["bottom"]) / 2 <= bottom
        ]
        lines: list[list[dict]] = []
        for word in sorted(inside, key=lambda w: (w["top"], w["x0"])):
            if lines and abs(lines[-1][0]["top"] - word["top"]) < 1.5:
                lines[-1].append(word)
            else:
                lines.append([word])
        text = "\n".join(" ".join(w["text"] for w in sorted(line, key=lambda w: w["x0"])) for line in lines)
        return text, inside


def centre(words: list[dict]) -> float:
    """The horizontal middle of the card's text in ink (the grey section, number and prompt left out)."""
    ink = [w for w in words if w["non_stroking_color"][0] < 0.25]
    return (min(w["x0"] for w in ink) + max(w["x1"] for w in ink)) / 2


def card_text(text: str, words: list[dict], number: int) -> str:
    """The text of a cell without its number, after checking the number is top right."""
    top = min(w["top"] for w in words)
    first_line = [w for w in words if abs(w["top"] - top) < 1.5]
    corner = max(first_line, key=lambda w: w["x1"])
    assert corner["text"] == str(number), (number, text)
    lines = text.split("\n")
    assert lines[0].endswith(" " + str(number)), (number, text)
    return nows(lines[0][: -len(str(number))] + " ".join(lines[1:]))


def place(index: int, columns: int, rows: int) -> tuple[int, int, int]:
    """(front page from 1, column, row) of card `index` (from 0): left to right, top to bottom."""
    sheet, at = divmod(index, columns * rows)
    row, column = divmod(at, columns)
    return 2 * sheet + 1, column, row


def check_fronts_and_backs(sheets: Sheets, cards: list[Expected], apart: bool = True) -> list[Expected]:
    """Every card of `cards` printed once, numbered 1, 2, ... in reading order, its back behind its
    front; with `apart`, no two cards of one item neighbours (left and right, or one above the other)
    on a page. Returns the cards in the order printed."""
    width = sheets.size[0]
    cols, rows = sheets.columns, sheets.rows
    assert sheets.pages == 2 * -(-len(cards) // (cols * rows))  # an even count: a back for every front
    waiting, printed = list(cards), []
    for i in range(len(cards)):
        page, column, row = place(i, cols, rows)
        front, front_words = sheets.cell(page, column, row)
        back, back_words = sheets.cell(page + 1, cols - 1 - column, row)
        # Both sides: the card's number top right and the section's name top left, then the text.
        shown = card_text(front, front_words, i + 1), card_text(back, back_words, i + 1)
        card = next((c for c in waiting if shown == (nows(c.section + c.front), nows(c.section + c.back))), None)
        assert card is not None, (i + 1, front, back)
        waiting.remove(card)
        printed.append(card)
        # Printed duplex (long edge), the back's text sits behind the front's: mirrored across the page.
        assert abs(centre(back_words) - (width - centre(front_words))) < 2, card
    assert not waiting
    for page in range(1, sheets.pages + 1):  # no empty sheet: its first card top left, or top right behind
        assert sheets.cell(page, 0 if page % 2 else cols - 1, 0)[0], f"page {page} has no card in its first cell"
    if apart:
        assert neighbours(printed, cols, rows) == [], "cards of one item side by side"
    return printed


def neighbours(cards: list[Expected], columns: int, rows: int) -> list[tuple[int, int]]:
    """(number, number) of every two cards of one item side by side or one above the other on a page."""
    out = []
    for i, card in enumerate(cards):
        _, column, row = place(i, columns, rows)
        for j in ([i - 1] if column else []) + ([i - columns] if row else []):
            if cards[j].item is card.item:
                out.append((j + 1, i + 1))
    return out


@pytest.fixture(scope="module")
def seed() -> Notes:
    return notesforge.loads(SEED.read_bytes(), str(SEED), epoch=EPOCH)


@pytest.fixture(scope="module")
def seed_sheets(seed: Notes, tmp_path_factory: pytest.TempPathFactory) -> Sheets:
    return Sheets(build(seed, "flashcards", tmp_path_factory.mktemp("cards")).path)


def test_the_grid_mirrors_exactly_between_fronts_and_backs(seed_sheets: Sheets) -> None:
    width, height = seed_sheets.size
    assert seed_sheets.size == pytest.approx((595.28, 841.89), abs=0.01)  # A4, portrait
    cells = seed_sheets.cells
    assert len(cells) == 4 and all(len(row) == 2 for row in cells)
    for row in cells:
        for c, (x0, top, x1, bottom) in enumerate(row):
            mirror = row[len(row) - 1 - c]
            assert (mirror[0], mirror[2]) == pytest.approx((width - x1, width - x0))
            assert (mirror[1], mirror[3]) == (top, bottom)
            assert 0 < x0 < x1 < width and 0 < top < bottom < height


def test_every_seed_card_has_its_back_behind_its_front(seed: Notes, seed_sheets: Sheets) -> None:
    cards = expected_cards(seed)
    assert len(cards) > 100
    check_fronts_and_backs(seed_sheets, cards)


def test_cards_of_one_sentence_are_kept_apart_in_nearly_document_order(seed: Notes, seed_sheets: Sheets) -> None:
    cards = expected_cards(seed)
    # In document order, 42 pairs of neighbours on the seed's 2 x 4 sheets come from one item (a
    # bullet's deletions, a term asked both ways); printed, none (checked by check_fronts_and_backs).
    assert len(neighbours(cards, 2, 4)) == 42
    printed = check_fronts_and_backs(seed_sheets, cards)
    place_of = {id(card): n for n, card in enumerate(printed)}
    moved = [abs(place_of[id(card)] - n) for n, card in enumerate(cards)]
    assert max(moved) <= 3 and sum(1 for m in moved if m) < len(cards) / 2  # 99 of 212 moved, by 1 or 2 slots


def test_each_section_is_bookmarked_where_its_first_card_is_printed(seed: Notes, seed_sheets: Sheets) -> None:
    printed = check_fronts_and_backs(seed_sheets, expected_cards(seed))
    outline = Pdf(seed_sheets.path).outline()
    titles = [plain(s.title) for s in seed.sections]
    assert [(level, title) for level, title, _ in outline] == [(0, t) for t in titles]  # each has cards
    for _, title, page in outline:
        first = next(i for i, card in enumerate(printed) if card.section.split(" › ")[0] == title)
        assert page == place(first, seed_sheets.columns, seed_sheets.rows)[0] and page % 2 == 1  # a front
    assert [page for _, _, page in outline] == [1, 3, 5, 11, 13, 21, 29]


@pytest.mark.parametrize(("columns", "rows"), [(2, 4), (1, 4), (3, 3), (4, 8), (1, 1)])
def test_arrange_keeps_one_items_faces_apart_on_any_grid(seed: Notes, columns: int, rows: int) -> None:
    faces = list(faces_of(seed, set(KINDS), {s.id for s in seed.walk()}))
    printed = arrange(faces, columns, rows)
    assert [face.number for face in printed] == list(range(1, len(faces) + 1))
    assert sorted(map(id, (f.front for f in printed))) == sorted(map(id, (f.front for f in faces)))
    for n, face in enumerate(printed):
        at = n % (columns * rows)
        if at % columns:
            assert printed[n - 1].item is not face.item, (n, columns, rows)
        if at >= columns:
            assert printed[n - columns].item is not face.item, (n, columns, rows)
    if columns * rows == 1:  # a card a page has no neighbours: document order
        assert [f.front for f in printed] == [f.front for f in faces]


@pytest.mark.slow
@pytest.mark.parametrize(("columns", "rows"), [(1, 4), (3, 3)])
def test_seed_cards_apart_on_other_grids(seed: Notes, tmp_path: Path, columns: int, rows: int) -> None:
    sheets = Sheets(build(seed, "flashcards", tmp_path, columns=columns, rows=rows).path, columns, rows)
    check_fronts_and_backs(sheets, expected_cards(seed))


ONE_ITEM = """
[notes]
id = "few"
title = "Few"
language = "en"

[[section]]
id = "lenin"
title = "Lenin"

[[section.block]]
type = "bullets"
items = [BULLETS]
"""


def bullet_notes(*bullets: str) -> Notes:
    items = ", ".join(f'"{b}"' for b in bullets)
    return notesforge.loads(ONE_ITEM.replace("BULLETS", items).encode(), "few.toml", epoch=EPOCH)


def test_an_item_with_more_faces_than_a_sheet_keeps_apart_prints_all_of_them(tmp_path: Path) -> None:
    # One bullet, three deletions, a 2 x 4 sheet: card 1 has cards 2 and 3 beside and below it.
    notes = bullet_notes("Lenin was born in [[1870]] in [[Simbirsk]] and died in [[1924]].")
    sheets = Sheets(build(notes, "flashcards", tmp_path / "one").path)
    printed = check_fronts_and_backs(sheets, expected_cards(notes), apart=False)
    assert len(neighbours(printed, 2, 4)) == 2  # the fewest possible
    # Two more cards and there is room: the deletions go top left, then diagonally down twice.
    born = "Lenin was born in [[1870]] in [[Simbirsk]] and died in [[1924]]."
    notes = bullet_notes(born, "He led the [[Bolsheviks]].", "He wrote [[April Theses]].")
    sheets = Sheets(build(notes, "flashcards", tmp_path / "two").path)
    printed = check_fronts_and_backs(sheets, expected_cards(notes))
    assert [n for n, card in enumerate(printed, 1) if card.item is printed[0].item] == [1, 4, 5]


def test_the_last_bullets_many_deletions_start_early_enough(tmp_path: Path) -> None:
    notes = bullet_notes(
        "Stalin was [[General Secretary]].",
        "Trotsky led the [[Red Army]].",
        "Kamenev and Zinoviev formed the [[triumvirate]].",
        "The [[NEP]] ended in [[1928]].",
        "[[Kirov]] was shot in [[1934]]; [[Yagoda]], [[Yezhov]] and [[Beria]] led the NKVD.",
    )
    cards = expected_cards(notes)
    assert len(cards) == 10 and len(neighbours(cards, 2, 4)) > 0
    sheets = Sheets(build(notes, "flashcards", tmp_path).path)
    check_fronts_and_backs(sheets, cards)


def test_fronts_have_cut_marks_and_backs_none(seed_sheets: Sheets) -> None:
    with pdfplumber.open(seed_sheets.path) as pdf:
        fronts, backs = pdf.pages[0], pdf.pages[1]
        x0, top = seed_sheets.cells[0][0][:2]
        # Short marks in the margins, beyond the grid's corners.
        marks = [line for line in fronts.lines if line["x1"] < x0 - 1 or line["bottom"] < top - 1]
        assert len(marks) >= 6
        assert not backs.lines and not backs.curves


def test_columns_and_rows_change_the_grid(seed: Notes, tmp_path: Path) -> None:
    ids = "death-of-lenin,who-would-succeed-lenin"
    sheets = Sheets(build(seed, "flashcards", tmp_path, columns=3, rows=2, sections=ids).path, columns=3, rows=2)
    assert len(sheets.cells) == 2 and all(len(row) == 3 for row in sheets.cells)
    cards = expected_cards(seed, lambda card: card.section.id in ids.split(","))
    assert len(cards) > 12 and len(cards) % 6  # several sheets, the last one not full
    check_fronts_and_backs(sheets, cards)


def test_a_very_long_answer_shrinks_to_stay_inside_its_card(tmp_path: Path) -> None:
    words = ("Collectivisation merged peasants' land into kolkhozes " * 40).split()
    answer = " ".join(words)[:1990] + " the end"
    long_word = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 3
    source = (
        '[notes]\nid = "long"\ntitle = "Long"\nlanguage = "en"\n[[section]]\nid = "s"\ntitle = "Long answers"\n'
        f'[[section.block]]\ntype = "cards"\nitems = [{{ q = "Explain collectivisation.", a = "{answer}" }},\n'
        f'  {{ q = "The longest word?", a = "{long_word}" }}]\n'
    )
    assert len(answer) == 1998
    notes = notesforge.loads(source.encode(), "long.toml", epoch=EPOCH)
    sheets = Sheets(build(notes, "flashcards", tmp_path).path)
    cards = expected_cards(notes)
    check_fronts_and_backs(sheets, cards)
    height = sheets.size[1]
    for page, column, text in ((2, 1, answer), (2, 0, long_word)):
        x0, top, x1, bottom = sheets.cells[0][column]
        chars = [c for c in sheets.chars[page - 1] if c["top"] < height - 18 * 72 / 25.4 and x0 <= c["x0"] < x1]
        assert nows("".join(c["text"] for c in chars)).endswith(nows(text))
        for c in chars:
            assert x0 <= c["x0"] and c["x1"] <= x1 and top <= c["top"] and c["bottom"] <= bottom, c
        assert min(c["size"] for c in chars) > 3  # shrunk, still printed


def test_kinds_and_sections_choose_the_cards(seed: Notes, tmp_path: Path) -> None:
    ids = "steps-to-secure-his-position,economic-power"
    sheets = Sheets(build(seed, "flashcards", tmp_path, kinds="basic", sections=ids).path)
    cards = expected_cards(seed, lambda c: c.kind is CardKind.BASIC and c.section.id in ids.split(","))
    assert len(cards) == 9  # 5 and 4 question cards; the sections' cloze cards left out
    assert [c.front for c in cards[::4]] == [
        " Give one right the 1936 Constitution seemed to guarantee.",
        " Of which group of people was Stalin always suspicious?",
        " What happened to housing as industry expanded?",
    ]
    check_fronts_and_backs(sheets, cards)


def test_events_print_as_cards_both_ways_unless_their_date_is_shared(tmp_path: Path) -> None:
    notes = notesforge.loads(EVENTS.read_bytes(), str(EVENTS), epoch=EPOCH)
    sheets = Sheets(build(notes, "flashcards", tmp_path, kinds="event").path)
    cards = expected_cards(notes)
    assert len(cards) == 13  # 7 events asked "When?"; 6 asked "What happened?" ("1917" is within "October 1917")
    assert [(c.front, c.back) for c in cards[:3]] == [
        ("When? Trotsky commits to the Bolsheviks and becomes Chairman of the Petrograd Soviet", "1917"),
        ("When? Bolshevik seizure of power, led by Trotsky", "October 1917"),
        ("What happened? October 1917", "Bolshevik seizure of power, led by Trotsky"),
    ]
    check_fronts_and_backs(sheets, cards)


def test_grid_cells_print_as_cards_of_their_own_kind(tmp_path: Path) -> None:
    notes = notesforge.loads(GRID.read_bytes(), str(GRID), epoch=EPOCH)
    sheets = Sheets(build(notes, "flashcards", tmp_path, kinds="cell").path)
    cards = expected_cards(notes, lambda c: c.kind is CardKind.CELL)
    assert len(cards) == 7 and cards[0].front == " First Five-Year Plan (1928–32) — Aims?"
    check_fronts_and_backs(sheets, cards)


def test_flashcards_basics(tmp_path: Path) -> None:
    check_print_basics("flashcards", tmp_path)


def test_backs_show_png_jpeg_and_gif_images_and_warn_of_svg(tmp_path: Path) -> None:
    from PIL import Image  # test-only: Pillow comes with pdfplumber

    Image.new("RGB", (40, 20), (20, 90, 200)).save(tmp_path / "flag.gif")
    Image.new("RGB", (4, 4), (128, 128, 128)).save(tmp_path / "map.webp")
    source = card_notes(
        tmp_path,
        '{ q = "Which flag?", a = "Blue", image = "flag.gif", reverse = true }',
        '{ q = "Which map?", a = "Grey", image = "map.webp" }',
    )
    notes = notesforge.load(source)
    [outcome] = notesforge.build(notes, ["flashcards"], tmp_path / "out")
    assert outcome.ok, outcome.error
    assert [w.headline() for w in outcome.warnings] == [
        f"{source}:{FIRST_CARD_LINE + 1}:43: warning: flashcards show PNG, JPEG and GIF images only: "
        "'map.webp' is left out"
    ]
    with pdfplumber.open(outcome.path) as pdf:
        fronts, backs = pdf.pages
        assert fronts.images == []
        [flag] = backs.images  # behind "Which flag?" only: the reverse card asks "Blue"
        assert flag["srcsize"] == (40, 20) and (flag["width"], flag["height"]) == pytest.approx((40, 20))
        # The flag's two cards may not sit side by side, so the map's comes first: "Which flag?" is
        # card 2, top right, and the image is in the lower half of its back (mirrored: top left),
        # below its answer.
        [which] = [w for w in fronts.extract_words() if w["text"] == "flag?"]
        [blue] = [w for w in backs.extract_words() if w["text"] == "Blue"]
        assert which["x0"] > fronts.width / 2 and flag["x1"] < backs.width / 2 and blue["bottom"] < flag["top"]
