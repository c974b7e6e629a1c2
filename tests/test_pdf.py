"""The PDF booklet, read back: text layer, tables, outline, fonts, metadata, paper, same bytes.

Reading uses pdfplumber (text in content-stream order, ruled tables, drawn shapes)
and pypdf (outline, fonts, metadata). `qpdf --check` runs when qpdf is installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pypdf
import pytest
from support.cardimages import FIRST_CARD_LINE, card_notes
from support.common import EPOCH, EVENTS, GRID, HOSTILE, SEED, TESTS
from support.pdf import MM, Pdf, assert_fonts_embedded, squash

import notesforge
from notesforge import summary
from notesforge.cards import CardKind, generate
from notesforge.inline import plain
from notesforge.keydates import key_dates
from notesforge.model import (
    Bullet,
    BulletList,
    ComparisonTable,
    Glossary,
    Grid,
    Notes,
    Paragraph,
    Point,
    Timeline,
)

A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)

NESTED = r"""
[notes]
id = "nested"
title = "Nested notes"
language = "fr"
date = 2024-09-01

[[section]]
id = "one"
title = "Depth one"
[[section.block]]
type = "bullets"
items = ["A fact about [[1917]]."]
[[section.section]]
id = "two"
title = "Depth *two*"
[[section.section.block]]
type = "paragraph"
text = "Paragraph two."
[[section.section.section]]
id = "three"
title = "Depth three"
[[section.section.section.block]]
type = "cards"
items = [{ q = "Question at depth three?", a = "Answer three" }]

[[section]]
id = "wide"
title = "Three columns"
[[section.block]]
type = "table"
id = "three"
[[section.block.columns]]
heading = "A"
points = ["a1", "a2"]
[[section.block.columns]]
heading = "B"
points = ["b1"]
[[section.block.columns]]
heading = "C"
points = ["c1", "c2", "c3 is a much longer point than the others, so its column gets a little wider"]

[export.pdf]
paper = "letter"
"""


def build(notes: Notes, out: Path, **settings: str) -> Path:
    overrides = {"pdf": settings} if settings else None
    [outcome] = notesforge.build(notes, ["pdf"], out, overrides)
    assert outcome.ok, outcome.detail or outcome.error
    assert outcome.path is not None
    return outcome.path


@pytest.fixture(scope="module")
def seed_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The seed built three times (twice for identical bytes, once on Letter paper)."""
    out = tmp_path_factory.mktemp("pdf")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        notes = notesforge.load(SEED)
        return {
            "a4": build(notes, out / "a"),
            "again": build(notes, out / "b"),
            "letter": build(notes, out / "c", paper="letter"),
        }


@pytest.fixture(scope="module")
def seed() -> Notes:
    return notesforge.loads(SEED.read_bytes(), str(SEED), epoch=EPOCH)


@pytest.fixture(scope="module")
def book(seed_pdfs: dict[str, Path]) -> Pdf:
    return Pdf(seed_pdfs["a4"])


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Notes, Pdf]:
    notes = notesforge.loads(HOSTILE.read_bytes(), str(HOSTILE), epoch=EPOCH)
    return notes, Pdf(build(notes, tmp_path_factory.mktemp("hostile")))


@pytest.fixture(scope="module")
def nested(tmp_path_factory: pytest.TempPathFactory) -> tuple[Notes, Pdf]:
    notes = notesforge.loads(NESTED, "nested.toml", epoch=EPOCH)
    return notes, Pdf(build(notes, tmp_path_factory.mktemp("nested")))


def dated(item: Bullet | Point) -> str:
    """A bullet or table point as the booklet prints it: its date, if any, before it (unless it starts with it)."""
    shown = item.date and not plain(item.text).startswith(item.date)
    return f"{item.date} — {plain(item.text)}" if shown else plain(item.text)


def printed_texts(notes: Notes) -> list[str]:
    """Every piece of note text the booklet must print, as plain text."""
    texts = []
    for section in notes.walk():
        texts.append(plain(section.title))
        for block in section.blocks:
            if isinstance(block, Paragraph):
                texts.append(plain(block.text))
            elif isinstance(block, BulletList):
                texts += [dated(b) for b in block.items]
            elif isinstance(block, ComparisonTable):
                texts += [plain(block.caption)] if block.caption else []
                for column in block.columns:
                    texts += [plain(column.heading), *(dated(p) for p in column.points)]
            elif isinstance(block, Timeline):
                texts += [t for e in block.events for t in (e.date, plain(e.text))]
            elif isinstance(block, Glossary):
                texts += [t for term in block.terms for t in (plain(term.term), plain(term.definition))]
    return texts


# --- content -----------------------------------------------------------------------


def test_every_seed_line_is_in_the_text_layer(book: Pdf, seed: Notes) -> None:
    texts = printed_texts(seed)
    assert len(texts) == 96  # 7 titles, 41 bullets, a paragraph, a table of 11 lines, 18 terms and definitions
    missing = [t for t in texts if squash(t) not in book.text]
    assert missing == []


def test_key_facts_are_bold(book: Pdf) -> None:
    with pdfplumber.open(book.path) as pdf:
        words = pdf.pages[1].extract_words(extra_attrs=["fontname"])
    fonts_of = {w["text"]: w["fontname"] for w in words}
    assert fonts_of["Leningrad"].endswith("NotoSans-Bold")  # "renamed [[Leningrad]]."
    assert fonts_of["renamed"].endswith("NotoSans-Regular")


def test_title_block_then_contents_with_page_numbers_matching_the_bookmarks(book: Pdf, seed: Notes) -> None:
    first = book.pages[0]
    meta = seed.meta
    for part in (meta.title, meta.subtitle, meta.course.upper(), meta.author, "Contents"):
        assert part in first
    # The seed's [notes] has no date: none is printed (not the build day, 14 November 2023).
    assert meta.date is None and "2023" not in first and "November" not in first
    assert first.index(meta.author) < first.index("Contents")
    assert first.index(meta.title) < first.index("Contents")
    outline = book.outline()
    for _, title, page in outline:
        number, _, name = title.partition(" ") if title[0].isdigit() else ("", "", title)
        assert re.search(rf"{re.escape(number)} ?{re.escape(name)} {page}\b", first), (title, page)
    with pdfplumber.open(book.path) as pdf:  # the page numbers sit on the entries' lines
        lines = pdf.pages[0].extract_text().splitlines()
    assert "1 The death of Lenin 2" in lines


def test_outline_has_one_entry_per_section_then_the_back_matter(book: Pdf, seed: Notes) -> None:
    outline = book.outline()
    titles = [f"{i} {plain(s.title)}" for i, s in enumerate(seed.sections, 1)]
    assert [t for _, t, _ in outline] == [*titles, "Key dates", "Test yourself", "Answers"]
    assert {level for level, _, _ in outline} == {0}
    pages = [page for _, _, page in outline]
    assert pages == sorted(pages) and pages[0] == 2 and pages[-1] == len(book.pages)
    for _, title, page in outline:  # each bookmark lands on the page with its heading
        assert title.split(" ", 1)[-1] in book.pages[page - 1]
    assert book.reader.trailer["/Root"]["/PageMode"] == "/UseOutlines"


def test_nested_sections_nest_in_the_outline(nested: tuple[Notes, Pdf]) -> None:
    _, pdf = nested
    assert [(level, title) for level, title, _ in pdf.outline()] == [
        (0, "1 Depth one"),
        (1, "1.1 Depth two"),
        (2, "1.1.1 Depth three"),
        (0, "2 Three columns"),
        (0, "Test yourself"),
        (0, "Answers"),
    ]
    assert "2024-09-01" in pdf.pages[0]  # the notes' own date (ISO: the notes are in French)


def test_comparison_table_has_two_columns_with_every_point_under_its_heading(book: Pdf, seed: Notes) -> None:
    [table_block] = [b for s in seed.walk() for b in s.blocks if isinstance(b, ComparisonTable)]
    [table] = [t for t in book.tables if t and t[0] and "Factors in favour of Stalin" in (t[0][0] or "")]
    assert all(len(row) == 2 for row in table)
    assert [squash(c) for c in table[0]] == [plain(c.heading) for c in table_block.columns]
    for i, column in enumerate(table_block.columns):
        cells = [squash(row[i]) for row in table[1:] if row[i]]
        assert cells == [dated(p) for p in column.points]
    assert squash(table[1][1]).startswith("October 1917 — Trotsky had")  # the one dated point
    assert sum(len(c.points) for c in table_block.columns) == 8


def test_comparison_table_columns_are_balanced_and_inside_the_margins(book: Pdf) -> None:
    with pdfplumber.open(book.path) as pdf:
        [table] = [t for t in pdf.pages[1].find_tables() if "Stalin" in (t.extract()[0][0] or "")]
        x0, _, x1, _ = table.bbox
        xs = sorted({round(c[0], 1) for c in table.cells} | {round(c[2], 1) for c in table.cells})
    assert x0 >= 18 * MM - 1 and x1 <= A4[0] - 18 * MM + 1
    left, middle, right = xs
    assert abs((middle - left) - (right - middle)) < 0.2 * (right - left)


def test_table_heading_row_repeats_after_a_page_break(tmp_path: Path) -> None:
    points = ", ".join(f'"Point {i} ' + "with enough words to wrap over a line or two " * 3 + '"' for i in range(40))
    source = f"""
[notes]
id = "long"
title = "Long table"
language = "en"
[[section]]
id = "s"
title = "S"
[[section.block]]
type = "table"
id = "t"
[[section.block.columns]]
heading = "Left heading"
points = [{points}]
[[section.block.columns]]
heading = "Right heading"
points = ["Only one"]
"""
    pdf = Pdf(build(notesforge.loads(source, "long.toml", epoch=EPOCH), tmp_path))
    heads = [t[0] for t in pdf.tables if t and t[0] and (t[0][0] or "").startswith("Left heading")]
    assert len(heads) >= 2
    lefts = [squash(row[0]) for t in pdf.tables for row in t[1:] if row[0]]
    assert len(lefts) == 40 and lefts[0].startswith("Point 0 ")


def test_three_column_table_widths_follow_the_text_within_limits(nested: tuple[Notes, Pdf]) -> None:
    _, pdf = nested
    [table] = [t for t in pdf.tables if t and t[0] == ["A", "B", "C"]]
    assert [row[1] for row in table] == ["B", "b1", "", ""]
    from notesforge.exporters.pdf.booklet import balanced_widths

    widths = balanced_widths([["a"], ["b" * 100]], 300)
    assert sum(widths) == pytest.approx(300) and widths[1] / widths[0] == pytest.approx(1.6)


def test_a_grid_prints_row_by_row_with_its_row_headings_in_bold(tmp_path: Path) -> None:
    notes = notesforge.loads(GRID.read_bytes(), str(GRID), epoch=EPOCH)
    pdf = Pdf(build(notes, tmp_path))
    plans, people, quiet = notes.blocks(Grid)
    for grid in (plans, people, quiet):
        [table] = [t for t in pdf.tables if t and len(t) > 1 and squash(t[1][0] or "") == plain(grid.rows[0].heading)]
        assert [squash(c or "") for c in table[0]] == [plain(h) for h in (grid.corner or (), *grid.columns)]
        assert [[squash(c or "") for c in row] for row in table[1:]] == [
            [plain(r.heading), *(plain(c.text) for c in r.cells)] for r in grid.rows
        ]
    assert "The Five-Year Plans" in pdf.text  # the caption
    with pdfplumber.open(pdf.path) as doc:
        chars = [c for page in doc.pages for c in page.chars]
    text = "".join(c["text"] for c in chars)
    heading = text.index("Second Five-Year Plan")
    assert all("Bold" in c["fontname"] for c in chars[heading : heading + 6])
    cell = text.index("Heavy industry, ")
    assert "Bold" not in chars[cell]["fontname"]
    assert "Bold" in chars[text.index("transport", cell)]["fontname"]  # **transport**


def test_a_long_grid_repeats_its_heading_row_on_every_page(tmp_path: Path) -> None:
    rows = "\n".join(
        f'{{ heading = "Row {i}", cells = ["{"Words enough to wrap over a line or two. " * 4}", "r{i}"] }},'
        for i in range(40)
    )
    source = f"""
[notes]
id = "long"
title = "Long grid"
language = "en"
[[section]]
id = "s"
title = "S"
[[section.block]]
type = "grid"
id = "g"
corner = "Item"
columns = ["Left heading", "Right heading"]
rows = [
{rows}
]
"""
    pdf = Pdf(build(notesforge.loads(source, "long.toml", epoch=EPOCH), tmp_path))
    tables = [t for t in pdf.tables if t and t[0] == ["Item", "Left heading", "Right heading"]]
    assert len(tables) >= 2 and len(pdf.pages) >= 3
    assert [row[0] for t in tables for row in t[1:]] == [f"Row {i}" for i in range(40)]
    assert [row[2] for t in tables for row in t[1:]] == [f"r{i}" for i in range(40)]


def test_dated_items_are_drawn_as_a_key_dates_timeline_after_the_sections(book: Pdf, seed: Notes) -> None:
    """The seed has no events block: its dated bullets and point make the timeline, in date order."""
    dated_items = key_dates(seed)
    assert [e.date for e in dated_items] == ["1917", "October 1917", "January 1924", "1929", "1931–33", "1934", "1936"]
    [page] = [i for i, text in enumerate(book.pages) if i and "Key dates" in text]
    text = book.pages[page]
    assert (0, "Key dates", page + 1) in book.outline()  # the back matter, after the sections
    positions = [text.index(f"{e.date} {squash(plain(e.text))}") for e in dated_items]
    assert positions == sorted(positions)
    assert book.curves[page] == sum(book.curves) == 7  # one circle marker per date, on that page only
    assert sum(book.images) == 0


def test_an_events_block_is_drawn_as_a_timeline_where_it_stands(tmp_path: Path) -> None:
    notes = notesforge.loads(EVENTS.read_bytes(), str(EVENTS), epoch=EPOCH)
    pdf = Pdf(build(notes, tmp_path))
    [timeline] = notes.blocks(Timeline)
    assert [t for _, t, _ in pdf.outline()] == ["1 Key dates"]  # no second timeline, and no questions
    text = pdf.pages[1]
    assert text.startswith("1 Key dates 1917 Trotsky commits")
    positions = [text.index(f"{e.date} {plain(e.text)}") for e in timeline.events]
    assert positions == sorted(positions) and len(positions) == 7
    assert pdf.curves == [0, 7]  # one circle marker per event
    assert sum(pdf.images) == 0


def test_the_key_dates_timeline_leaves_an_events_block_where_it_stands(tmp_path: Path) -> None:
    source = TESTS / "fixtures" / "valid" / "dates.toml"  # dated bullets and points, and an events block
    pdf = Pdf(build(notesforge.loads(source.read_bytes(), str(source), epoch=EPOCH), tmp_path))
    assert [t for _, t, _ in pdf.outline()] == [
        "1 The crisis of 1923",
        "1.1 Key words",
        "Key dates",
        "Test yourself",
        "Answers",
    ]
    key_dates_page = pdf.text[pdf.text.index("Key dates", len(pdf.pages[0])) :]
    assert key_dates_page.startswith(
        "Key dates January 1923 French and Belgian troops occupied the Ruhr. "
        "November 1923 A loaf of bread cost 200,000 million marks. 1924 The Dawes Plan eased reparations. "
        "October 1929 The Wall Street Crash ended the loans. Test yourself"
    )
    assert pdf.text.count("Munich Putsch") == 1  # drawn once, in its section
    assert sum(pdf.curves) == 2 + 4  # the events block's markers and the key dates'


def test_a_long_date_stays_on_one_line(tmp_path: Path) -> None:
    source = """
[notes]
id = "dates"
title = "Dates"
language = "en"
[[section]]
id = "s"
title = "S"
[[section.block]]
type = "events"
items = [{ date = "early <script>alert(1)</script> 1003", text = "Something" }, { date = "1004", text = "Else" }]
"""
    pdf = Pdf(build(notesforge.loads(source, "dates.toml", epoch=EPOCH), tmp_path))
    with pdfplumber.open(pdf.path) as doc:
        lines = doc.pages[1].extract_text().splitlines()
    assert "early <script>alert(1)</script> 1003 Something" in lines


def test_glossary_lists_every_term_in_the_order_written(book: Pdf, seed: Notes) -> None:
    [glossary] = [b for s in seed.walk() for b in s.blocks if isinstance(b, Glossary)]
    start = book.text.index("7 Key terms", len(book.pages[0]))
    entries = summary.key_terms(seed)
    assert entries == list(glossary.terms) and entries != sorted(entries, key=lambda t: plain(t.term).casefold())
    positions = [book.text.index(f"{plain(t.term)} {plain(t.definition)}", start) for t in entries]
    assert positions == sorted(positions)


def test_test_yourself_asks_the_explicit_questions_with_answers_on_the_last_page(book: Pdf, seed: Notes) -> None:
    basics = [c.questions()[0] for c in generate(seed) if c.kind is CardKind.BASIC]
    assert len(basics) == 13
    start = next(i for i, text in enumerate(book.pages) if text.startswith("Test yourself"))
    questions = " ".join(book.pages[start:-1])
    answers = book.pages[-1]
    assert answers.startswith("Answers")
    for n, q in enumerate(basics, 1):
        assert f"{n}. {squash(plain(q.front))}" in questions
        assert f"{n}. {squash(plain(q.back))}" in answers
    assert f"{len(basics) + 1}. " not in questions
    assert len(book.pages) - start == 2  # one page of questions, one of answers


def test_questions_can_be_left_out(tmp_path: Path, seed: Notes) -> None:
    pdf = Pdf(build(seed, tmp_path, questions="false"))
    assert [t for _, t, _ in pdf.outline()][-2:] == ["7 Key terms", "Key dates"]
    assert "Test yourself" not in pdf.text


# --- fonts, text safety, metadata ----------------------------------------------------


def test_every_font_is_embedded_noto_sans_and_helvetica_never_appears(book: Pdf, hostile: tuple[Notes, Pdf]) -> None:
    assert_fonts_embedded(book, hostile[1])


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_pdffonts_reports_every_font_embedded(book: Pdf) -> None:
    rows = subprocess.run(["pdffonts", str(book.path)], capture_output=True, text=True, check=True).stdout
    fonts = rows.splitlines()[2:]
    assert len(fonts) >= 3
    assert all(line.split()[-5] == "yes" for line in fonts), rows  # the "emb" column


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_every_font_subset_has_a_tag_of_its_own(book: Pdf, tmp_path: Path) -> None:
    # A subset holds 256 characters: Latin, Greek and Cyrillic letters together need two of the regular face.
    codes = [
        *range(0xC0, 0x180),
        *range(0x391, 0x3A2),
        *range(0x3A3, 0x3AA),
        *range(0x3B1, 0x3CA),
        *range(0x410, 0x450),
    ]
    letters = "".join(map(chr, codes))
    source = NESTED.replace('text = "Paragraph two."', f'text = "{letters}"')
    many = Pdf(build(notesforge.loads(source, "letters.toml", epoch=EPOCH), tmp_path))
    assert letters in many.text.replace(" ", "")
    for pdf in (book, many):
        rows = subprocess.run(["pdffonts", str(pdf.path)], capture_output=True, text=True, check=True).stdout
        names = [line.split()[0] for line in rows.splitlines()[2:]]
        tags = [name.split("+")[0] for name in names]
        assert all(re.fullmatch(r"[A-Z]{6}", tag) for tag in tags), names
        assert len(set(tags)) == len(tags) and "AAAAAA" not in tags, names
    faces = [name.split("+")[1] for name in names]
    assert faces.count("NotoSans-Regular") == 2  # two subsets of one face, each its own tag


def test_subset_tags_come_from_the_font_and_the_subset() -> None:
    from notesforge.exporters.pdf.fonts import subset_tag

    tag = subset_tag("NotoSans", 0, [32, 65, 66])
    assert re.fullmatch(rb"[A-Z]{6}", tag) and tag == subset_tag("NotoSans", 0, [32, 65, 66])
    others = {subset_tag("NotoSans-Bold", 0, [32, 65, 66]), subset_tag("NotoSans", 1, [32, 65, 66])}
    others.add(subset_tag("NotoSans", 0, [32, 65, 67]))
    assert tag not in others and len(others) == 3


def test_hostile_text_prints_literally_with_cyrillic_and_greek(hostile: tuple[Notes, Pdf]) -> None:
    notes, pdf = hostile
    for text in printed_texts(notes):
        # Emoji have no glyph in Noto Sans (printed as U+FFFD); bidi controls and joiners are dropped.
        expected = re.sub(r"[\U0001F000-\U0001FFFF]", "\ufffd", re.sub(r"[\u200d\u202a-\u202e]", "", text))
        assert squash(expected) in pdf.text, expected
    for literal in ("<script>alert(1)</script>", "R&D", "&bogus;", "<troika>", "]]>", "{{c1::x}}", "Сталин", "Ἀθῆναι"):
        assert literal in pdf.text, literal
    assert "emoji \ufffd\ufffd, combining é, bidi evil text, a tab here." in pdf.text
    assert pdf.text.count("&amp;") == 1 and "&lt;" not in pdf.text  # the one written in the notes
    assert pdf.reader.metadata.title == notes.meta.title
    assert pdf.reader.metadata.author == notes.meta.author
    assert pdf.outline()[0][1] == "1 <h1>Heading</h1> & [latex]x^2[/latex]"


def test_the_seed_has_a_glyph_for_every_character(seed: Notes) -> None:
    from notesforge.exporters.pdf.checks import missing_glyphs

    assert missing_glyphs(seed) == []


def test_characters_without_a_glyph_are_reported_where_they_are_written(tmp_path: Path) -> None:
    notes = notesforge.loads(HOSTILE.read_bytes(), str(HOSTILE), epoch=EPOCH)
    [outcome] = notesforge.build(notes, ["pdf"], tmp_path)
    assert outcome.ok
    [warning] = outcome.warnings
    assert warning.loc.line == 22
    assert "U+1F3EB" in warning.message and "U+1F469" in warning.message


def test_missing_glyphs_are_detected() -> None:
    from notesforge.exporters.pdf import fonts

    assert fonts.missing_glyphs(["Сталин Ἀθῆναι e\u0301 \u202eok\u202c", "emoji 👩\u200d🏫"]) == ["🏫", "👩"]
    printed = fonts.printable("Ἀθῆναι \u202eok\u202c 👩\u200d🏫 soft\u00adhyphen\t")
    assert printed == "Ἀθῆναι ok \ufffd\ufffd soft\u00adhyphen "  # a tab prints as a space


def test_metadata_comes_from_the_notes(book: Pdf, seed: Notes) -> None:
    info = book.reader.metadata
    meta = seed.meta
    assert info.title == meta.title and info.author == meta.author
    assert meta.subtitle in info.subject and meta.course in info.subject
    # The course, the notes id and the section ids: words a viewer can split at the commas.
    assert info["/Keywords"].split(", ") == [meta.course, meta.id, *(s.id for s in seed.sections)]
    assert info["/Keywords"].endswith("steps-to-secure-his-position, economic-power, key-terms")
    assert info["/Creator"] == "notesforge"
    assert info["/CreationDate"].startswith("D:20231114221320")  # SOURCE_DATE_EPOCH, not the clock
    assert book.reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_footer_has_the_title_and_the_page_number(book: Pdf, seed: Notes) -> None:
    assert book.footers[0] == ""  # the title page has none
    for number, footer in enumerate(book.footers[1:], 2):
        assert footer.split() and str(number) in footer.split()
        assert seed.meta.title in footer


# --- paper and bytes ------------------------------------------------------------------


def test_paper_is_a4_by_default_and_letter_when_set(seed_pdfs: dict[str, Path], nested: tuple[Notes, Pdf]) -> None:
    assert Pdf(seed_pdfs["a4"]).size == pytest.approx(A4, abs=0.01)
    assert Pdf(seed_pdfs["letter"]).size == pytest.approx(LETTER, abs=0.01)  # --set pdf.paper=letter
    assert nested[1].size == pytest.approx(LETTER, abs=0.01)  # [export.pdf] paper = "letter"
    for page in pypdf.PdfReader(seed_pdfs["letter"]).pages:
        assert [float(v) for v in page.mediabox] == pytest.approx([0, 0, *LETTER], abs=0.01)


def test_two_builds_are_byte_identical(seed_pdfs: dict[str, Path]) -> None:
    assert seed_pdfs["a4"].read_bytes() == seed_pdfs["again"].read_bytes()


def test_an_unknown_paper_size_is_a_settings_error(seed: Notes, tmp_path: Path) -> None:
    with pytest.raises(notesforge.NotesError, match="paper"):
        notesforge.build(seed, ["pdf"], tmp_path, {"pdf": {"paper": "a5"}})


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf not installed")
def test_qpdf_finds_no_structural_problem(book: Pdf, hostile: tuple[Notes, Pdf]) -> None:
    for pdf in (book, hostile[1]):
        run = subprocess.run(["qpdf", "--check", str(pdf.path)], capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr
        assert "No syntax or stream encoding errors" in run.stdout


def test_importing_the_exporter_does_not_import_reportlab() -> None:
    # The shared layer's light modules are imported at module level by the other PDF exporters.
    code = (
        "import sys, notesforge.exporters.pdf as p, notesforge.exporters.pdf.markup, notesforge.exporters.pdf.fonts; "
        "p.PdfExporter; print('reportlab' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"


# --- card images -------------------------------------------------------------------


def test_answers_show_card_images_at_most_40_mm_high_and_name_svg(tmp_path: Path) -> None:
    from PIL import Image  # test-only: Pillow comes with pdfplumber

    Image.new("RGB", (300, 900), (200, 30, 30)).save(tmp_path / "photo.jpg")
    (tmp_path / "circle.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>')
    source = card_notes(
        tmp_path,
        '{ q = "Which photograph?", a = "The tall one", image = "photo.jpg" }',
        '{ q = "Which drawing?", a = "A circle", image = "circle.svg" }',
    )
    notes = notesforge.load(source)
    [outcome] = notesforge.build(notes, ["pdf"], tmp_path / "out")
    assert outcome.ok, outcome.error
    assert [w.headline() for w in outcome.warnings] == [
        f"{source}:{FIRST_CARD_LINE + 1}:51: warning: the PDF shows PNG, JPEG and GIF images only: "
        "'circle.svg' is named instead"
    ]
    with pdfplumber.open(outcome.path) as pdf:
        [answers] = [p for p in pdf.pages if "Answers" in (p.extract_text() or "").splitlines()[:1]]
        [picture] = answers.images
        assert picture["srcsize"] == (300, 900)
        # Scaled to 40 mm high (balancing the two columns may shrink it a little more), in proportion.
        assert 30 * MM < picture["height"] <= 40 * MM + 0.01
        assert picture["width"] == pytest.approx(picture["height"] / 3, abs=0.1)
        text = answers.extract_text()
        assert text.index("The tall one") < text.index("A circle") < text.index("circle.svg")
        assert sum(len(p.images) for p in pdf.pages) == 1


# --- laying a paragraph out again ---------------------------------------------------------------


def _lines(para) -> list:
    """What a laid-out paragraph draws: per line its words (or fragments) and spare width."""
    bl = para.blPara
    if bl.kind == 0:
        return [(round(extra, 6), list(words)) for extra, words in bl.lines]
    return [(round(ln.extraSpace, 6), [getattr(w, "text", "") for w in ln.words]) for ln in bl.lines]


@pytest.mark.parametrize(
    "markup",
    [
        "plain words that wrap over a few lines of a narrow column, and then some more words",
        # A worksheet's blank: at 58 points reportlab injects an empty fragment at the break each time
        # it lays this out, so no layout of it may be kept.
        'canals the harvest newspapers <font size="7.5" color="#194472"><b>(935)</b></font>'
        "&nbsp;____________________________",
        "<b>bold</b> and <i>italic</i> runs, a long <b>key fact</b> and more words after it",
        "Ελληνικά and русский текст between <i>emphasis</i> and supercalifragilisticexpialidocious",
        # Soft hyphens: reportlab hyphenates at them, and rejoins the parts when it lays them out again.
        "the <b>counter\xadrevolution\xadaries</b> and the anti\xaddis\xadestab\xadlish\xadment\xadarian\xadism "
        "of the <i>in\xadcom\xadpre\xadhen\xadsi\xadbil\xadi\xadties</i> of it",
    ],
)
def test_a_paragraph_laid_out_again_is_laid_out_as_reportlab_would(markup: str) -> None:
    # notesforge's Paragraph keeps its last layout (BalancedColumns and tables ask for it again and
    # again); asked again at any sequence of widths it must give what reportlab's own gives.
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph as Reportlab

    from notesforge.exporters.pdf import fonts
    from notesforge.exporters.pdf.paragraph import Paragraph as Ours

    fonts.register()
    style = ParagraphStyle("t", fontName=fonts.REGULAR, fontSize=10, leading=12)
    theirs, ours = Reportlab(markup, style, bulletText="•"), Ours(markup, style, bulletText="•")
    for width in (90, 90, 90, 160, 160, 58, 58, 58, 58, 40, 40, 90, 90):
        assert ours.wrap(width, 1000) == theirs.wrap(width, 1000)
        assert _lines(ours) == _lines(theirs)
        assert ours.getActualLineWidths0() == theirs.getActualLineWidths0()


def test_a_paragraph_is_not_laid_out_twice_at_one_width() -> None:
    from reportlab.lib.styles import ParagraphStyle

    from notesforge.exporters.pdf import fonts
    from notesforge.exporters.pdf.paragraph import Paragraph

    class Counted(Paragraph):
        breaks = 0

        def breakLines(self, width):
            Counted.breaks += 1
            return super().breakLines(width)

    fonts.register()
    para = Counted("<b>Stalin</b> and the <i>Five-Year Plans</i> " * 4, ParagraphStyle("t", fontName=fonts.REGULAR))
    for _ in range(5):
        para.wrap(120, 500)
    # The first layout turns the text's fragments into words, which a layout again takes as they are.
    assert Counted.breaks == 1
    para.wrap(200, 500)
    assert Counted.breaks == 2


@pytest.mark.parametrize(
    "text",
    [
        "plain words, Ελληνικά and русский текст",
        "  spaces\n   and  lines \n to clean  ",
        "a\u00a0b > c",
        "   ",
        "",
        "AT&amp;T &lt;troika&gt;",  # entities and tags: parsed
        "<b>bold</b> and plain",
    ],
)
@pytest.mark.parametrize("transform", [None, "uppercase"])
def test_a_paragraph_of_plain_text_has_the_fragments_reportlab_parses(text: str, transform: str | None) -> None:
    from reportlab.platypus import Paragraph as Reportlab

    from notesforge.exporters.pdf.paragraph import Paragraph as Ours

    style = _hair_style(textTransform=transform)
    ours, theirs, again = Ours(text, style, "•"), Reportlab(text, style, "•"), Ours(text, style, "•")
    assert (ours.text, ours.style, ours.bulletText) == (theirs.text, theirs.style, theirs.bulletText)
    assert [(type(f), list(vars(f).items())) for f in ours.frags] == [
        (type(f), list(vars(f).items())) for f in theirs.frags
    ]
    for mine, other in zip(ours.frags, again.frags, strict=True):  # no list shared between paragraphs
        assert all(v is not vars(other)[k] for k, v in vars(mine).items() if isinstance(v, list))


def _drawn(para, widths: tuple[float, ...]) -> bytes:
    """The PDF bytes of `para` laid out at each of `widths` in turn and drawn after each."""
    import io

    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(io.BytesIO(), invariant=1)
    for width in widths:
        para.wrap(width, 1000)
        para.drawOn(canvas, 0, 0)
    return canvas.getpdfdata()


def _hair_style(**kw):
    from reportlab.lib.styles import ParagraphStyle

    from notesforge.exporters.pdf import fonts

    fonts.register()
    base = {"fontName": fonts.REGULAR, "fontSize": 10, "leading": 12, "leftIndent": 8, "bulletFontName": fonts.BOLD}
    return ParagraphStyle("t", **{**base, **kw})


@pytest.mark.parametrize(
    "markup",
    [
        "plain words that wrap over a few lines of a narrow column, and then some more words",
        "<b>bold</b> and <i>italic</i> runs, a long <b>key fact</b> and more words after it",
        "Ελληνικά and русский текст between <i>emphasis</i> and supercalifragilisticexpialidocious",
    ],
)
@pytest.mark.parametrize("bullet", ["•", "1000."])  # the second overruns the indent: a narrower first line
@pytest.mark.parametrize("alignment", [0, 1, 2, 4])  # left (the kept layout serves), centre, right, justified
def test_a_paragraph_a_hair_narrower_is_drawn_as_reportlab_would(markup: str, bullet: str, alignment: int) -> None:
    # BalancedColumns measures at a width and KeepInFrame draws 1e-6 narrower: the kept layout serves.
    from reportlab.platypus import Paragraph as Reportlab

    from notesforge.exporters.pdf.paragraph import Paragraph as Ours

    style = _hair_style(alignment=alignment)
    widths = (120, 120 - 1e-6, 120, 120 - 1e-6, 90, 90 - 1e-6, 90 - 2e-6, 160, 160 - 1e-3)
    theirs, ours = Reportlab(markup, style, bulletText=bullet), Ours(markup, style, bulletText=bullet)
    assert _drawn(ours, widths) == _drawn(theirs, widths)


def test_a_paragraph_is_laid_out_again_a_hair_narrower_where_its_lines_would_break_elsewhere() -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Paragraph as Reportlab

    from notesforge.exporters.pdf import fonts
    from notesforge.exporters.pdf.paragraph import Paragraph as Ours

    # A line full to the last millionth of a point: a hair narrower, its last word moves on.
    style = _hair_style(leftIndent=0, spaceShrinkage=0)
    text = "alpha beta gamma delta"
    full = stringWidth(text, fonts.REGULAR, 10)
    theirs, ours = Reportlab(text, style), Ours(text, style)
    for para in (theirs, ours):
        para.wrap(full, 1000)
        para.wrap(full - 1e-6, 1000)
    assert len(ours.blPara.lines) == len(theirs.blPara.lines) == 2
    # A word that just fits the first line (narrowed by the bullet) when tried there, so it opened the
    # roomy second line whole: a hair narrower it is wider than the first line and reportlab splits it.
    style = _hair_style(leftIndent=4, bulletFontSize=10)
    word = "Weltanschauungsgeschichtlichkeiten"
    overrun = stringWidth("1000.", fonts.BOLD, 10) + 6 - 4
    width = stringWidth(word, fonts.REGULAR, 10) + overrun + 4 + 5e-7
    for markup in (f"a {word} b", f"<i>a</i> {word} <b>b</b>"):
        theirs, ours = Reportlab(markup, style, bulletText="1000."), Ours(markup, style, bulletText="1000.")
        assert _drawn(ours, (width, width - 1e-6)) == _drawn(theirs, (width, width - 1e-6))
        assert theirs._splitLongWordCount == ours._splitLongWordCount == 1


def test_a_paragraph_is_not_laid_out_again_a_hair_narrower() -> None:
    from notesforge.exporters.pdf.paragraph import Paragraph

    class Counted(Paragraph):
        breaks = 0

        def breakLines(self, width):
            Counted.breaks += 1
            return super().breakLines(width)

    para = Counted("Why did the <b>Five-Year Plans</b> matter? " * 3, _hair_style(), bulletText="100.")
    para.wrap(150, 500)
    assert para.wrap(150 - 1e-6, 500) == (150 - 1e-6, para.height)
    assert Counted.breaks == 1
    para.wrap(150 - 1e-3, 500)  # more than a hair
    assert Counted.breaks == 2


def test_the_fonts_unpack_once_in_the_background_while_the_notes_are_read() -> None:
    from notesforge.exporters.pdf import PdfExporter, WorksheetExporter, fonts

    wait = PdfExporter.prepare()
    assert WorksheetExporter.prepare() is wait is fonts.unpack_in_background()  # one thread for every format
    wait()
    assert all(f"pymupdf_fonts.{module}" in sys.modules for module in fonts._FACES.values())
    assert fonts.register() == fonts.FAMILY
