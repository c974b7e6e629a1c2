"""A course of three units (the seed, Weimar Germany, the Cold War) built once in every format
and read back with the real clients: the Anki backend, pypdf, EPUBCheck."""

from __future__ import annotations

import dataclasses
import subprocess
import zipfile
from pathlib import Path

import genanki
import pytest
from support.anki import import_deck, open_collection
from support.common import COURSE, EPOCH
from support.epubcheck import run_epubcheck
from support.pdf import Pdf, assert_fonts_embedded, squash

import notesforge
from notesforge.cards import generate
from notesforge.course import Course

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def course() -> Course:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        return notesforge.load_course(COURSE)


@pytest.fixture(scope="module")
def built(course: Course, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every format of the course, and each unit's own deck (`anki:UNIT`), built once."""
    out = tmp_path_factory.mktemp("course")
    outcomes = notesforge.build(course, ["all"], out / "course")
    # The `sections` setting of the printed formats names units (and UNIT/SECTION) in a course.
    chosen = {"sections": "weimar-germany,cold-war/berlin"}
    outcomes += [
        dataclasses.replace(o, format=f"{o.format}:chosen")
        for o in notesforge.build(
            course, ["worksheet", "flashcards"], out / "chosen", {f: chosen for f in ("worksheet", "flashcards")}
        )
    ]
    assert all(o.ok for o in outcomes), [o.detail or o.error for o in outcomes if not o.ok]
    paths = {o.format: o.path for o in outcomes}
    for unit in course.units:
        [deck] = notesforge.build(unit, ["anki"], out / unit.meta.id)
        paths[f"anki:{unit.meta.id}"] = deck.path
    return paths


@pytest.fixture
def col(tmp_path: Path):
    """A fresh collection of the real Anki backend."""
    col = open_collection(tmp_path / "collection")
    yield col
    col.close()


def guids(col) -> set[str]:
    return {col.get_note(nid).guid for nid in col.find_notes("")}


def test_the_course_deck_has_a_subdeck_per_unit_and_the_units_guids(
    course: Course, built: dict[str, Path], col
) -> None:
    log = import_deck(col, built["anki"])
    assert len(log.new) == sum(len(list(generate(unit))) for unit in course.units)
    names = col.decks.all_names()
    top = [name for name in names if name.count("::") == 1 and name.startswith("GCSE History::")]
    assert sorted(top) == sorted(f"GCSE History::{unit.meta.title}" for unit in course.units)
    assert "GCSE History::Weimar Germany::The crisis years, 1919–23" in names
    assert "GCSE History::The Cold War::Origins of the Cold War::The Berlin Blockade" in names
    for unit in course.units:
        keys = {genanki.guid_for(card.key) for card in generate(unit)}
        in_unit = {col.get_note(nid).guid for nid in col.find_notes(f'"deck:GCSE History::{unit.meta.title}"')}
        assert in_unit == keys  # each unit's subdeck holds exactly the unit's notes, by GUID
        tags = {tag for nid in col.find_notes(f"tag:gcse-history::{unit.meta.id}::*") for tag in col.get_note(nid).tags}
        assert tags and all(tag.startswith(f"gcse-history::{unit.meta.id}::") for tag in tags)
    assert not col.find_notes("-tag:gcse-history::*")  # every note under the course's tag


def test_a_unit_deck_then_the_course_deck_makes_no_duplicates(course: Course, built: dict[str, Path], col) -> None:
    first = import_deck(col, built["anki:weimar-germany"])
    unit_guids = guids(col)
    assert len(first.new) == len(unit_guids) > 0
    then = import_deck(col, built["anki"])
    # The unit's notes are matched by GUID (same time stamp: counted as duplicates, not added).
    total = sum(len(list(generate(unit))) for unit in course.units)
    assert len(then.new) == total - len(unit_guids)
    assert len(then.duplicate) == len(unit_guids)
    assert unit_guids <= guids(col)
    assert len(col.find_notes("")) == total


def test_the_booklet_has_a_part_per_unit_one_contents_and_the_course_outline(
    course: Course, built: dict[str, Path]
) -> None:
    pdf = Pdf(built["pdf"])
    outline = pdf.outline()
    assert outline[0] == (0, "GCSE History", 1)
    units = [(title, page) for level, title, page in outline if level == 1 and title[0].isdigit()]
    assert [title for title, _ in units] == ["1 Stalin’s Dictatorship", "2 Weimar Germany", "3 The Cold War"]
    # Each unit starts a page of its own, after the previous unit: numbered across the book.
    pages = [page for _, page in units]
    assert pages == sorted(set(pages)) and pages[0] == 2
    for (_, first), title in zip(units[1:], ["2 Weimar Germany", "3 The Cold War"], strict=True):
        assert pdf.pages[first - 1].startswith(title)
    sections = [title for level, title, _ in outline if level == 2]
    assert "2.3 Key terms" in sections and "3.1 Origins of the Cold War" in sections and "1.7 Key terms" in sections
    assert (3, "3.1.1 The Berlin Blockade", units[2][1]) in outline
    assert [title for level, title, _ in outline if level == 1 and not title[0].isdigit()] == [
        "Key dates",
        "Test yourself",
        "Answers",
    ]
    # One contents, on the first page, with every unit and its sections and their page numbers.
    contents = pdf.pages[0]
    for title, page in units:
        number, name = title.split(" ", 1)
        assert f"{number} {name} {page}" in contents
    assert "2.2 The crisis years, 1919–23 " + str(units[1][1]) in contents
    assert sum("Contents" in page for page in pdf.pages) == 1
    assert pdf.footers[-1].endswith(str(len(pdf.pages)))
    assert_fonts_embedded(pdf)


def test_the_organiser_binds_each_units_organiser(course: Course, built: dict[str, Path]) -> None:
    pdf = Pdf(built["organiser"])
    assert pdf.size[0] > pdf.size[1]  # landscape
    assert len(pdf.pages) == 3  # one page each: these units fit
    for page, unit in zip(pdf.pages, course.units, strict=True):
        assert page.startswith(unit.meta.title)
    assert "Hyperinflation: Prices rising so fast" in pdf.pages[1] and "Containment" in pdf.pages[2]
    # Each unit's own organiser, bound: a bookmark per unit at its first page, a sound file.
    assert pdf.outline() == [(0, unit.meta.title, n) for n, unit in enumerate(course.units, 1)]
    assert pdf.reader.metadata.title == "GCSE History"
    assert_fonts_embedded(pdf)
    subprocess.run(["qpdf", "--check", str(built["organiser"])], check=True, capture_output=True)


def test_worksheet_and_flashcards_of_the_whole_course_or_of_named_units(built: dict[str, Path]) -> None:
    whole = Pdf(built["worksheet"]).text
    assert "Stalin’s Dictatorship" in whole and "Weimar Germany" in whole and "The Berlin Blockade" in whole
    chosen = Pdf(built["worksheet:chosen"]).text
    assert "Weimar Germany" in chosen and "The Berlin Blockade" in chosen
    assert "Stalin" not in chosen and "Yalta" not in chosen  # the Cold War's other section is left out
    cards = Pdf(built["flashcards:chosen"]).text
    assert "Kapp Putsch" in cards and "Airlift" in cards and "Lenin" not in cards and "Yalta" not in cards
    assert "Lenin" in Pdf(built["flashcards"]).text
    # A part per unit chosen, each from the unit's own first page, in the course's order.
    # Under each, the unit's own bookmarks: the sections of its cards, the worksheet's sections and key.
    cards = Pdf(built["flashcards:chosen"]).outline()
    assert [title for level, title, _ in cards if level == 0] == ["Weimar Germany", "The Cold War"]
    assert [level for level, _, _ in cards][:2] == [0, 1] and {level for level, _, _ in cards} == {0, 1}
    sheets = Pdf(built["worksheet"])
    outline = sheets.outline()
    units = [(title, page) for level, title, page in outline if level == 0]
    assert [title for title, _ in units] == ["Stalin’s Dictatorship", "Weimar Germany", "The Cold War"]
    keys = [page for level, title, page in outline if level == 1 and title == "Answers"]
    assert len(keys) == 3 and [page for _, page in units][1:] == [page + 1 for page in keys[:2]]
    for level, title, page in outline:  # each bookmark lands on the page with its heading
        assert level == 0 or squash(title) in sheets.pages[page - 1], (title, page)
    subprocess.run(["qpdf", "--check", str(built["worksheet"])], check=True, capture_output=True)


def test_the_epub_has_a_chapter_per_unit_and_nested_navigation(course: Course, built: dict[str, Path]) -> None:
    report = run_epubcheck(built["epub"])
    assert (report.fatals, report.errors, report.warnings) == (0, 0, 0), report
    with zipfile.ZipFile(built["epub"]) as book:
        names = book.namelist()
        nav = book.read("EPUB/nav.xhtml").decode()
        cold_war = book.read("EPUB/s-cold-war.xhtml").decode()
    assert [n for n in names if n.startswith("EPUB/s-")] == [f"EPUB/s-{u.meta.id}.xhtml" for u in course.units]
    # unit > section > subsection in the navigation
    assert nav.index(">The Cold War<") < nav.index(">Origins of the Cold War<") < nav.index(">The Berlin Blockade<")
    assert nav.count("<ol") >= 1 + len(course.units) + 1
    assert "&lt;capitalism&gt; &amp; communism; [sound:x] and {{c1::braces}}" in cold_war  # text is text


def test_the_markdown_is_one_file_with_a_heading_per_unit(course: Course, built: dict[str, Path]) -> None:
    text = built["markdown"].read_text(encoding="utf-8")
    assert text.startswith("# GCSE History\n")
    assert [line for line in text.splitlines() if line.startswith("## ")] == [
        f"## {u.meta.title}" for u in course.units
    ]
    assert "#### The Berlin Blockade" in text
