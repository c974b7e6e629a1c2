"""The EPUB booklet, validated by the official EPUBCheck and read back with lxml."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest
from lxml import etree
from support import calibre
from support.cardimages import DOT, card_notes
from support.epubcheck import Report, java, run_epubcheck

import notesforge
from notesforge.cards import generate
from notesforge.exporters import _cover as cover
from notesforge.exporters import epub as exporter
from notesforge.inline import clozes, plain
from notesforge.model import (
    Bullet,
    BulletList,
    CardList,
    ClozeCard,
    ComparisonTable,
    Glossary,
    Grid,
    Notes,
    Paragraph,
    Point,
    Rich,
    Section,
    Text,
    Timeline,
)

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "source" / "notes.toml"
HOSTILE = ROOT / "tests" / "data" / "hostile.toml"
GRID = ROOT / "tests" / "data" / "grid.toml"
EVENTS = ROOT / "tests" / "data" / "events.toml"
EPOCH = 1700000000  # as fixed by conftest's autouse fixture
MODIFIED = "2023-11-14T22:13:20Z"  # EPOCH in UTC

NS = {
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"

# Subsections six deep (the most the reader allows), ids that start with a digit, a table
# without a caption, a section of cards only, a cloze card of two deletions, a reversed card,
# a section without cards. `nested_notes()` adds control characters and a noncharacter, which
# the reader refuses but the model can hold.
NESTED = r"""
[notes]
id = "1-nested"
title = "Nested notes"
language = "fr"

[[section]]
id = "1917"
title = "Depth one"

[[section.block]]
type = "bullets"
items = ["A fact about [[1917]]."]

[[section.block]]
type = "table"
[[section.block.columns]]
heading = "Left"
points = ["Point L1", "Point L2", "Point L3"]
[[section.block.columns]]
heading = "Right"
points = ["Point R1"]

[[section.section]]
id = "d2"
title = "Depth *two*"
[[section.section.block]]
type = "paragraph"
text = "Paragraph two."
[[section.section.section]]
id = "d3"
title = "Depth three"
[[section.section.section.block]]
type = "cards"
items = [{ q = "Question at depth three?", a = "Answer three" }]
[[section.section.section.section]]
id = "d4"
title = "Depth four"
[[section.section.section.section.block]]
type = "paragraph"
text = "Four."
[[section.section.section.section.section]]
id = "d5"
title = "Depth five"
[[section.section.section.section.section.block]]
type = "paragraph"
text = "Five."
[[section.section.section.section.section.section]]
id = "d6"
title = "Depth six"
[[section.section.section.section.section.section.block]]
type = "paragraph"
text = "Six."

[[section]]
id = "2-cards-only"
title = "Cards only"

[[section.block]]
type = "cards"
items = [
  { q = "Capital of France", a = "Paris", reverse = true },
  { cloze = "[[Lenin]] died in [[1924]].", extra = "Both facts." },
]

[[section]]
id = "no-cards"
title = "No cards"
cards = false

[[section.block]]
type = "bullets"
items = ["A [[fact]] with no card."]
"""


# --- reading a booklet back ----------------------------------------------------------


def words(text: str) -> str:
    return " ".join(text.split())


def text_of(element: etree._Element) -> str:
    return words("".join(element.itertext()))


@dataclass
class Booklet:
    path: Path

    @cached_property
    def zip(self) -> zipfile.ZipFile:
        return zipfile.ZipFile(self.path)

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.zip.read(name))

    @cached_property
    def opf(self) -> etree._Element:
        container = self.xml("META-INF/container.xml")
        [rootfile] = container.xpath("//*[local-name()='rootfile']/@full-path")
        assert rootfile == "EPUB/content.opf"
        return self.xml(rootfile)

    def manifest(self) -> dict[str, etree._Element]:
        return {item.get("id"): item for item in self.opf.iterfind("opf:manifest/opf:item", NS)}

    @cached_property
    def spine(self) -> list[str]:
        """Zip names of the spine's documents, in reading order."""
        items = self.manifest()
        return ["EPUB/" + items[ref.get("idref")].get("href") for ref in self.opf.iterfind("opf:spine/opf:itemref", NS)]

    def document(self, name: str) -> etree._Element:
        return self.xml(name if name.startswith("EPUB/") else "EPUB/" + name)

    def section_doc(self, section: Section) -> etree._Element:
        return self.document(exporter.document_name(section))

    def dc(self, name: str) -> list[str]:
        return [el.text for el in self.opf.iterfind(f"opf:metadata/dc:{name}", NS)]

    def meta(self, prop: str) -> list[str]:
        return [el.text for el in self.opf.iterfind(f"opf:metadata/opf:meta[@property='{prop}']", NS)]

    @cached_property
    def nav(self) -> etree._Element:
        [nav] = [i for i in self.manifest().values() if "nav" in (i.get("properties") or "").split()]
        return self.document(nav.get("href"))

    def toc_links(self) -> list[etree._Element]:
        return self.nav.xpath("//x:nav[@epub:type='toc']//x:a", namespaces=NS)


def nested_notes() -> Notes:
    notes = notesforge.loads(NESTED, "nested.toml", epoch=EPOCH)
    last = notes.sections[-1]
    odd = Paragraph((Text("Controls\x00\x07 and \x85 next-line."),), last.loc)
    meta = dataclasses.replace(notes.meta, title="Nested\x01 notes \uffff", author="Bell\x07")
    return dataclasses.replace(
        notes, meta=meta, sections=(*notes.sections[:-1], dataclasses.replace(last, blocks=(*last.blocks, odd)))
    )


def build(notes: Notes, out: Path) -> Path:
    [outcome] = notesforge.build(notes, ["epub"], out)
    assert outcome.ok, outcome.detail or outcome.error
    assert outcome.path is not None
    return outcome.path


@pytest.fixture(scope="module")
def booklets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The seed, the hostile text, the nested notes, the grids and the events, each built once for the module."""
    out = tmp_path_factory.mktemp("epub")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        notes = {
            "seed": notesforge.load(SEED),
            "hostile": notesforge.load(HOSTILE),
            "nested": nested_notes(),
            "grid": notesforge.load(GRID),
            "events": notesforge.load(EVENTS),
        }
    return {name: build(n, out / name) for name, n in notes.items()}


@pytest.fixture(scope="module")
def reports(booklets: dict[str, Path]) -> dict[str, Report]:
    """EPUBCheck's report on each booklet: one run each, side by side (~5 s of JVM apiece)."""
    java()  # skips here, in the test's thread, when there is no Java
    with ThreadPoolExecutor(max_workers=len(booklets)) as pool:
        runs = {name: pool.submit(run_epubcheck, path) for name, path in booklets.items()}
        return {name: run.result() for name, run in runs.items()}


@pytest.fixture(scope="module")
def seed() -> Notes:
    return notesforge.loads(SEED.read_bytes(), str(SEED), epoch=EPOCH)


@pytest.fixture(scope="module")
def book(booklets: dict[str, Path]) -> Booklet:
    return Booklet(booklets["seed"])


# --- validity ----------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", ["seed", "hostile", "nested", "grid", "events"])
def test_epubcheck_reports_no_error_and_no_warning(reports: dict[str, Report], name: str) -> None:
    report = reports[name]
    print(report.summary())
    assert report.version.startswith("5.")
    assert report.clean, report.summary()
    assert report.raw["publication"]["ePubVersion"].startswith("3")


def test_package_shape_avoids_the_ebooklib_traps(book: Booklet) -> None:
    names = book.zip.namelist()
    assert names[0] == "mimetype" and book.zip.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
    assert book.zip.read("mimetype") == b"application/epub+zip"
    assert not [n for n in names if re.search(r"[^A-Za-z0-9._/-]", n)]  # no spaces or odd characters
    assert book.opf.get("version") == "3.0"
    # The cover, a title page, the contents, then one document per top-level section, all linear.
    assert book.spine[:3] == ["EPUB/cover.xhtml", "EPUB/title.xhtml", "EPUB/nav.xhtml"] and len(book.spine) == 3 + 7
    assert not book.opf.xpath("//opf:itemref[@linear='no']", namespaces=NS)
    manifest = book.manifest()
    ncx = [i for i in manifest.values() if i.get("media-type") == "application/x-dtbncx+xml"]
    assert len(ncx) == 1 and book.opf.find("opf:spine", NS).get("toc") == ncx[0].get("id")
    for name in book.spine:
        doc = book.document(name)
        assert doc.get("lang") == "en-GB" and doc.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-GB"
        assert doc.findtext("x:head/x:title", namespaces=NS).strip()
        assert doc.find("x:head/x:link[@rel='stylesheet']", NS).get("href") == exporter.CSS_NAME


def test_contents_in_nav_and_ncx(seed: Notes, book: Booklet) -> None:
    tops = [text_of(a) for a in book.nav.xpath("//x:nav[@epub:type='toc']/x:ol/x:li/x:a", namespaces=NS)]
    assert tops == [plain(s.title) for s in seed.sections]
    hrefs = [a.get("href") for a in book.toc_links()]
    assert [h for h in hrefs if "#" not in h] == [exporter.document_name(s) for s in seed.sections]
    # Every section has a self-test but "steps-to-secure-power": its bullets' blanks are its only cards.
    tests = [a.get("href").split("#")[0] for a in book.toc_links() if text_of(a) == "Self-test"]
    assert tests == [exporter.document_name(s) for s in seed.sections if s.id != "steps-to-secure-power"]
    ncx = book.xml("EPUB/toc.ncx")
    labels = [words(t) for t in ncx.xpath("//ncx:navMap/ncx:navPoint/ncx:navLabel/ncx:text/text()", namespaces=NS)]
    assert labels == tops
    assert ncx.findtext("ncx:docTitle/ncx:text", namespaces=NS) == seed.meta.title
    [landmarks] = book.nav.xpath("//x:nav[@epub:type='landmarks']", namespaces=NS)
    assert landmarks.xpath(".//x:a/@epub:type", namespaces=NS) == ["cover", "toc", "bodymatter"]
    # For reading systems only: hidden, and hidden by the stylesheet too (calibre ignores the attribute).
    assert landmarks.get("hidden") == "" and book.nav.xpath("//x:nav[@hidden]", namespaces=NS) == [landmarks]
    assert "[hidden] { display: none; }" in book.zip.read("EPUB/" + exporter.CSS_NAME).decode()


# --- content -----------------------------------------------------------------------


def dated(item: Bullet | Point) -> Rich:
    """A bullet or table point as the book shows it: its date, if any, before it (unless it starts with it)."""
    if item.date and not plain(item.text).startswith(item.date):
        return (Text(f"{item.date} — "), *item.text)
    return item.text


def seed_lines(section: Section) -> list[Rich]:
    """Every piece of text a reader must find: titles, paragraphs, bullets, tables, events, terms."""
    lines: list[Rich] = []
    for s in section.walk():
        lines.append(s.title)
        for block in s.blocks:
            if isinstance(block, Paragraph):
                lines.append(block.text)
            elif isinstance(block, BulletList):
                lines += [dated(b) for b in block.items]
            elif isinstance(block, ComparisonTable):
                lines += [block.caption] if block.caption else []
                lines += [c.heading for c in block.columns] + [dated(p) for c in block.columns for p in c.points]
            elif isinstance(block, Timeline):
                lines += [(Text(f"{e.date} — "), *e.text) for e in block.events]
            elif isinstance(block, Glossary):
                lines += [t.term for t in block.terms] + [t.definition for t in block.terms]
    return lines


def test_every_seed_line_is_in_its_section_document(seed: Notes, book: Booklet) -> None:
    checked = 0
    for section in seed.sections:
        doc = book.section_doc(section)
        # The section's own text, without its self-test, which repeats some lines as questions.
        for test in doc.iterfind(".//x:section[@class='self-test']", NS):
            test.getparent().remove(test)
        body = text_of(doc.find("x:body", NS))
        for line in seed_lines(section):
            assert words(plain(line)) in body, (section.id, plain(line))
            checked += 1
    assert checked == 96  # 7 titles, 41 bullets (6 dated), a paragraph, a table of 11 lines (1 dated), 18 terms x 2


def test_headings_paragraphs_lists_and_key_facts(seed: Notes, book: Booklet) -> None:
    doc = book.section_doc(seed.sections[0])
    assert text_of(doc.find(".//x:h1", NS)) == "The death of Lenin"
    items = doc.xpath("//x:section[@epub:type='chapter']/x:ul/x:li", namespaces=NS)
    assert len(items) == 4
    assert [(k.get("class"), text_of(k)) for k in items[0].iterfind("x:strong", NS)] == [
        ("date", "January 1924"),  # the bullet's date, before it
        ("key", "January 1924"),
        ("key", "strokes"),
        ("key", "53"),
    ]
    assert text_of(items[0]).startswith("January 1924 — Lenin died in January 1924, after")
    paragraph = book.section_doc(seed.sections[2]).find(".//x:section/x:p", NS)
    assert text_of(paragraph).startswith("In his Testament (will) Lenin")


def test_comparison_table_has_caption_and_header_row(seed: Notes, book: Booklet) -> None:
    section = seed.sections[2]
    [block] = [b for b in section.blocks if isinstance(b, ComparisonTable)]
    [table] = book.section_doc(section).iterfind(".//x:table", NS)
    assert text_of(table.find("x:caption", NS)) == "Stalin or Trotsky: who would succeed Lenin?"
    [header] = table.iterfind("x:thead/x:tr", NS)
    assert [th.get("scope") for th in header] == ["col", "col"]
    assert [text_of(th) for th in header] == ["Factors in favour of Stalin", "Factors in favour of Trotsky"]
    rows = [[text_of(td) for td in tr.iterfind("x:td", NS)] for tr in table.iterfind("x:tbody/x:tr", NS)]
    columns = [list(col) for col in zip(*rows, strict=True)]
    # Each point starts with its column's heading, hidden from sight, for reading without the grid.
    assert columns == [[f"{plain(c.heading)}: {words(plain(dated(p)))}" for p in c.points] for c in block.columns]
    assert columns[1][0] == (
        "Factors in favour of Trotsky: October 1917 — Trotsky had carried out the Bolshevik seizure of power in "
        "October 1917."
    )
    labels = table.xpath("x:tbody/x:tr/x:td/*[1]", namespaces=NS)
    assert {(el.get("class"), el.tag.split("}")[1]) for el in labels} == {("column-label", "span")} and len(labels) == 8


def test_a_grid_names_each_cell_by_its_row_and_column_heading(booklets: dict[str, Path]) -> None:
    notes, book = notesforge.load(GRID), Booklet(booklets["grid"])
    plans, people, _ = notes.blocks(Grid)
    tables = list(book.section_doc(notes.sections[0]).iterfind(".//x:table[@class='grid']", NS))
    assert len(tables) == 3
    table = tables[0]
    assert text_of(table.find("x:caption", NS)) == "The Five-Year Plans"
    assert table.find("x:caption/x:em", NS).text == "Five-Year"
    [header] = table.iterfind("x:thead/x:tr", NS)
    assert [(th.get("scope"), text_of(th)) for th in header] == [("col", "Plan"), ("col", "Aims"), ("col", "Results")]
    rows = list(table.iterfind("x:tbody/x:tr", NS))
    assert [(r[0].tag, r[0].get("scope")) for r in rows] == [(f"{{{NS['x']}}}th", "row")] * 3
    got = [[text_of(cell) for cell in row] for row in rows]
    columns = [plain(h) for h in plans.columns]
    cells = [zip(columns, r.cells, strict=True) for r in plans.rows]
    assert got == [
        [words(plain(r.heading)), *(f"{h}: {words(plain(c.text))}" if plain(c.text) else "" for h, c in cells)]
        for r, cells in zip(plans.rows, cells, strict=True)
    ]
    assert got[0][1] == "Aims: Heavy industry: coal, iron, steel" and got[1][2] == ""  # the empty cell is empty
    assert [text_of(k) for k in rows[0].iterfind("x:td/x:strong", NS)] == ["coal, iron, steel", "doubled"]
    # No caption, no corner: no <caption>, and an empty data cell above the row headings.
    second = tables[1]
    assert second.find("x:caption", NS) is None
    assert [(c.tag.split("}")[1], text_of(c)) for c in second.find("x:thead/x:tr", NS)] == [("td", ""), ("th", "Role")]
    assert [text_of(r[0]) for r in second.iterfind("x:tbody/x:tr", NS)] == [plain(r.heading) for r in people.rows]


def test_grid_cells_are_asked_in_the_self_test(booklets: dict[str, Path]) -> None:
    notes, book = notesforge.load(GRID), Booklet(booklets["grid"])
    test = book.section_doc(notes.sections[0]).find(".//x:section[@class='self-test']", NS)
    questions = [re.sub(r" Answer \d+$", "", text_of(li)) for li in test.iterfind(".//x:li", NS)]
    assert questions[:3] == [
        "First Five-Year Plan (1928–32) — Aims?",
        "First Five-Year Plan (1928–32) — Results?",
        "Second Five-Year Plan (1933–37) — Aims?",
    ]
    assert "Stakhanov — Role?" in questions and not any(q.startswith("Only row") for q in questions)
    answers = [text_of(a) for a in test.iterfind(".//x:aside", NS)]
    assert answers[0] == "1. Heavy industry: coal, iron, steel Back to question 1"


def test_events_are_an_ordered_timeline_and_terms_a_glossary(
    seed: Notes, book: Booklet, booklets: dict[str, Path]
) -> None:
    notes = notesforge.load(EVENTS)
    dates = Booklet(booklets["events"]).section_doc(notes.sections[0])
    [timeline] = dates.iterfind(".//x:ol[@class='timeline']", NS)
    [events] = [b for b in notes.sections[0].blocks if isinstance(b, Timeline)]
    assert [text_of(li) for li in timeline] == [f"{e.date} — {plain(e.text)}" for e in events.events]
    assert len(timeline) == 7 and text_of(timeline[1]) == "October 1917 — Bolshevik seizure of power, led by Trotsky"
    assert [li.find("x:strong", NS).get("class") for li in timeline] == ["date"] * 7
    # The seed has no events block: its dates stand on its bullets, and no timeline is made of them.
    assert not [name for name in book.spine if book.document(name).find(".//x:ol[@class='timeline']", NS) is not None]
    terms = book.section_doc(seed.sections[6])
    [glossary] = terms.iterfind(".//x:dl[@class='glossary']", NS)
    [block] = [b for b in seed.sections[6].blocks if isinstance(b, Glossary)]
    assert len(block.terms) == 18
    assert [text_of(dt) for dt in glossary.iterfind("x:dt/x:dfn", NS)] == [plain(t.term) for t in block.terms]
    assert [text_of(dd) for dd in glossary.iterfind("x:dd", NS)] == [plain(t.definition) for t in block.terms]


def self_test_items(doc: etree._Element) -> list[tuple[str, str]]:
    """(question, answer) of each self-test question, following the links both ways."""
    [test] = doc.xpath("//x:section[@class='self-test']", namespaces=NS)
    asides = {a.get("id"): a for a in test.iterfind(".//x:aside", NS)}
    pairs = []
    for li in test.iterfind("x:ol/x:li", NS):
        [link] = li.xpath("x:a[@epub:type='noteref']", namespaces=NS)
        aside = asides[link.get("href").removeprefix("#")]
        assert aside.get(EPUB_TYPE) == "footnote"
        [back] = aside.xpath(".//x:a[@role='doc-backlink']", namespaces=NS)
        assert back.get("href") == "#" + li.get("id")
        question = words((li.text or "") + "".join(etree.tostring(c, method="text", encoding=str) for c in li[:-1]))
        answer = text_of(aside).removesuffix(text_of(back)).strip()
        pairs.append((question, re.sub(r"^\d+\. ", "", answer)))
    return pairs


def test_self_test_asks_every_basic_question_both_ways(seed: Notes, book: Booklet, booklets: dict[str, Path]) -> None:
    events = notesforge.load(EVENTS)
    for notes, booklet in ((seed, book), (events, Booklet(booklets["events"]))):
        cards = list(generate(notes))
        for section in notes.sections:
            doc = booklet.section_doc(section)
            inside = {id(s) for s in section.walk()}
            expected = [
                (words(plain(q.front)), words(plain(q.back)))
                for card in cards
                if id(card.section) in inside and not card.is_cloze
                for q in card.questions()
            ]
            explicit_clozes = [
                c
                for s in section.walk()
                for b in s.blocks
                if isinstance(b, CardList)
                for c in b.cards
                if isinstance(c, ClozeCard)
            ]
            if not expected and not explicit_clozes:  # its cloze bullets are not asked again
                assert doc.find(".//x:section[@class='self-test']", NS) is None, section.id
                continue
            asked = self_test_items(doc)
            assert sorted(expected) == sorted(p for p in asked if p in expected), section.id
            deletions = sum(len({c.number for c in clozes(cc.text)}) for cc in explicit_clozes)
            assert len(asked) == len(expected) + deletions, section.id
    # The explicit basic cards, the terms one way (ask = "definition"), the events both ways.
    pairs = [p for s in seed.sections if s.id != "steps-to-secure-power" for p in self_test_items(book.section_doc(s))]
    assert len(pairs) == 13 + 8 + 18 + 2  # basic, "which column?", term, and the cloze card's two deletions
    assert ("Which city was renamed Leningrad?", "Petrograd") in pairs
    assert ("Cheka / NKVD", "Lenin’s secret police; under Stalin it became the NKVD.") in pairs
    assert not [q for q, a in pairs if a == "Cheka / NKVD"]
    pairs = self_test_items(Booklet(booklets["events"]).section_doc(events.sections[0]))
    assert ("Bolshevik seizure of power, led by Trotsky", "October 1917") in pairs
    assert ("October 1917", "Bolshevik seizure of power, led by Trotsky") in pairs
    assert [q for q, _ in pairs].count("1917") == 0  # "1917" does not name one event beside "October 1917"


def test_self_test_keeps_a_card_away_from_its_reverse(booklets: dict[str, Path]) -> None:
    notes = notesforge.load(EVENTS)
    doc = Booklet(booklets["events"]).section_doc(notes.sections[0])  # each event asked both ways
    leads = [text_of(p) for p in doc.xpath("//x:section[@class='self-test']/x:p[@class='prompt']", namespaces=NS)]
    assert leads == ["When?", "What happened?"]
    asked = [q for q, _ in self_test_items(doc)]
    assert asked[:2] == [
        "Trotsky commits to the Bolsheviks and becomes Chairman of the Petrograd Soviet",
        "Bolshevik seizure of power, led by Trotsky",
    ]
    assert asked[7:] == ["October 1917", "January 1924", "1929", "1931–33", "1934", "1936"]


def test_explicit_cloze_cards_are_asked_per_deletion(seed: Notes, book: Booklet) -> None:
    pairs = self_test_items(book.section_doc(seed.sections[5]))
    assert (
        "Stalin’s Command Economy had two parts: […] of farming and 5-year plans for industry.",
        "Collectivisation",
    ) in pairs
    assert (
        "Stalin’s Command Economy had two parts: Collectivisation of farming and […] for industry.",
        "5-year plans",
    ) in pairs


def test_numbered_lists_are_indented_for_their_widest_number(seed: Notes, book: Booklet) -> None:
    # The seed's succession section asks ten questions: its second run ends at "10.".
    doc = book.section_doc(seed.sections[2])
    runs = [(int(ol.get("start")), len(ol), ol.get("class")) for ol in doc.iterfind(".//x:ol", NS)]
    assert runs == [(1, 8, "questions digits-1"), (9, 2, "questions digits-2")]
    css = book.zip.read("EPUB/" + exporter.CSS_NAME).decode()
    indents = {int(n): float(em) for n, em in re.findall(r"ol\.digits-(\d) \{ padding-left: ([\d.]+)em; \}", css)}
    assert sorted(indents) == [2, 3, 4] and indents[2] < indents[3] < indents[4]
    assert [exporter.digits_class(n) for n in (9, 10, 999, 1000, 123456)] == [
        "digits-1",
        "digits-2",
        "digits-3",
        "digits-4",
        "digits-4",
    ]


# --- the cover ---------------------------------------------------------------------


def test_cover_is_drawn_from_the_title_subtitle_and_course(seed: Notes, book: Booklet) -> None:
    manifest = book.manifest()
    [image] = [i for i in manifest.values() if "cover-image" in (i.get("properties") or "").split()]
    assert (image.get("href"), image.get("media-type")) == (exporter.COVER_IMAGE, "image/svg+xml")
    # EPUB 2 readers find it by <meta name="cover"> and the cover page by the guide.
    [meta] = book.opf.iterfind("opf:metadata/opf:meta[@name='cover']", NS)
    assert meta.get("content") == image.get("id")
    [ref] = book.opf.iterfind("opf:guide/opf:reference[@type='cover']", NS)
    assert ref.get("href") == "cover.xhtml" == book.spine[0].removeprefix("EPUB/")
    page = book.document("cover.xhtml")
    [img] = page.iterfind(".//x:img", NS)
    assert (img.get("src"), img.get("alt")) == (exporter.COVER_IMAGE, "Stalin’s Dictatorship")
    svg = etree.fromstring(book.zip.read("EPUB/" + exporter.COVER_IMAGE))
    lines = [t.text for t in svg.iterfind(".//{http://www.w3.org/2000/svg}text")]
    assert lines == ["GCSE History — Section B", "Stalin’s", "Dictatorship", "USSR, 1924–41"]
    label = "Stalin’s Dictatorship — USSR, 1924–41 — GCSE History — Section B"
    assert svg.findtext("{http://www.w3.org/2000/svg}title") == svg.get("aria-label") == label


def test_cover_lines_fit_the_cover() -> None:
    long = "The Origins, Course and Consequences of the Russian Revolutions and Civil War " * 3
    lines = cover.layout(long.strip(), "A subtitle", "")
    title = [line for line in lines if line.bold]
    assert len(title) == cover.MAX_TITLE_LINES and title[-1].text.endswith("…")
    assert all(cover.text_width(line.text, line.size) <= cover.WIDTH - 2 * cover.MARGIN for line in lines)
    assert [line.y for line in lines] == sorted(line.y for line in lines) and lines[-1].y < cover.HEIGHT - 120
    assert cover.wrap("Supercalifragilisticexpialidocious" * 2, 64, 300)[0] != "Supercalifragilisticexpialidocious" * 2
    assert cover.cover_svg("Only a title") == cover.cover_svg("Only a title")
    assert b"<text" in cover.cover_svg("Only a title") and b'font-size="26"' not in cover.cover_svg("Only a title")


def test_cover_text_is_xml_text_whatever_the_notes_hold() -> None:
    # Notes made by a program (an importer, the API) need not pass the reader's character check:
    # the cover escapes and cleans its texts as the book's pages do.
    svg = etree.fromstring(cover.cover_svg("<b>R&D</b>\ufffe\x0b", 'a "quoted" \x85subtitle', "{{c1::x}}"))
    texts = [t.text for t in svg.iterfind(".//{http://www.w3.org/2000/svg}text")]
    assert texts == ["{{c1::x}}", "<b>R&D</b>", 'a "quoted" subtitle']


# --- in calibre ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def calibre_text(booklets: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> str:
    """The seed booklet as calibre's `ebook-convert` reads it out as text (one conversion, ~4 s)."""
    out = calibre.convert(booklets["seed"], tmp_path_factory.mktemp("calibre") / "seed.txt")
    return out.read_text(encoding="utf-8")


@pytest.mark.slow
def test_calibre_reads_no_guide_and_tables_point_by_point(seed: Notes, calibre_text: str) -> None:
    lines = [words(line) for line in calibre_text.splitlines() if line.strip()]
    assert "Contents" in lines and "Guide" not in lines  # the landmarks are hidden
    [block] = [b for b in seed.sections[2].blocks if isinstance(b, ComparisonTable)]
    headings = [plain(c.heading) for c in block.columns]
    assert f"Stalin or Trotsky: who would succeed Lenin? {headings[0]} {headings[1]}" in lines
    assert "StalinFactors" not in calibre_text
    # Read row by row, each point still names its column: Trotsky, not Stalin, led the Red Army.
    text = words(calibre_text)
    for heading, column in zip(headings, block.columns, strict=True):
        for point in column.points:
            assert f"{heading}: {words(plain(dated(point)))}" in text
    assert "Factors in favour of Trotsky: He led the Red Army to victory in the Civil War." in text


@pytest.mark.slow
def test_calibre_finds_and_draws_the_cover(book: Booklet, tmp_path: Path) -> None:
    from PIL import Image  # test-only: Pillow comes with pdfplumber

    shown = calibre.run("ebook-meta", book.path, f"--get-cover={tmp_path / 'cover.jpg'}")
    assert "Cover saved to" in shown
    with Image.open(tmp_path / "cover.jpg") as image:
        width, height = image.size
        middle = image.convert("RGB").getpixel((width // 2, height // 2))
    assert width > 500 and height > 700
    band = tuple(int(cover.BAND[i : i + 2], 16) for i in (1, 3, 5))
    assert all(abs(a - b) < 24 for a, b in zip(middle, band, strict=True)), middle  # drawn, not blank


# --- metadata and sameness -----------------------------------------------------------


def test_metadata(seed: Notes, book: Booklet) -> None:
    assert book.dc("title") == ["Stalin’s Dictatorship"]
    assert book.dc("creator") == ["History Department"]
    assert book.dc("language") == ["en-GB"]
    [identifier] = book.opf.iterfind(f"opf:metadata/dc:identifier[@id='{book.opf.get('unique-identifier')}']", NS)
    assert identifier.text == f"urn:uuid:{uuid.uuid5(exporter.UUID_NAMESPACE, 'stalin-ussr-1924-41')}"
    assert book.meta("dcterms:modified") == [MODIFIED]
    assert book.meta("schema:accessMode") == ["textual"]
    assert book.meta("schema:accessModeSufficient") == ["textual"]
    assert {"structuralNavigation", "tableOfContents"} <= set(book.meta("schema:accessibilityFeature"))
    assert book.meta("schema:accessibilityHazard") == ["none"]
    [summary] = book.meta("schema:accessibilitySummary")
    assert len(summary) > 40
    title = book.document("title.xhtml")
    assert [text_of(p) for p in title.iterfind(".//x:p", NS)][:3] == [
        "USSR, 1924–41",
        "GCSE History — Section B",
        "History Department",
    ]


def test_rebuilds_are_byte_identical_and_dated_by_the_source(seed: Notes, book: Booklet, tmp_path: Path) -> None:
    again = build(seed, tmp_path / "again")
    assert again.read_bytes() == book.path.read_bytes()
    assert build(seed, tmp_path / "again").read_bytes() == book.path.read_bytes()  # over the old file
    assert {i.date_time for i in book.zip.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    later = notesforge.loads(SEED.read_bytes(), str(SEED), epoch=EPOCH + 86400)
    newer = Booklet(build(later, tmp_path / "later"))
    assert newer.meta("dcterms:modified") == ["2023-11-15T22:13:20Z"]
    assert newer.dc("identifier") == book.dc("identifier")  # the same book, a new edition


# --- hostile text and odd structure -----------------------------------------------------

OUR_TAGS = {
    "html", "head", "meta", "title", "link", "body", "section", "nav", "h1", "h2", "h3", "h4", "h5", "h6", "p",
    "ul", "ol", "li", "a", "span", "em", "strong", "dfn", "table", "caption", "thead", "tbody", "tr", "th", "td",
    "dl", "dt", "dd", "div", "aside",
}  # fmt: skip


def test_hostile_text_shows_literally(booklets: dict[str, Path]) -> None:
    hostile = notesforge.loads(HOSTILE.read_bytes(), str(HOSTILE), epoch=EPOCH)
    book = Booklet(booklets["hostile"])
    for name in book.spine:
        doc = book.document(name)
        tags = {etree.QName(el).localname for el in doc.iter(etree.Element)}
        ours = OUR_TAGS | {"img"} if name == "EPUB/cover.xhtml" else OUR_TAGS
        assert tags <= ours, (name, tags - ours)  # no <script>, <troika>, <b>, <img>, ...
    # The cover draws the title as text: the same characters, escaped once.
    cover = etree.fromstring(book.zip.read("EPUB/" + exporter.COVER_IMAGE))
    assert {etree.QName(el).localname for el in cover.iter(etree.Element)} == {"svg", "title", "rect", "g", "text"}
    drawn = " ".join(t.text for t in cover.iterfind(".//{http://www.w3.org/2000/svg}text"))
    assert "R&D <script>alert(" in drawn and "AT&T <troika> ]]> &bogus; [sound:x.mp3]" in drawn
    title = book.document("title.xhtml")
    assert title.findtext("x:head/x:title", namespaces=NS) == hostile.meta.title
    texts = [text_of(el) for el in title.iterfind(".//x:body//x:*", NS)]
    assert "R&D <script>alert(1)</script> & {{c1::x}}" in texts
    assert "AT&T <troika> ]]> &bogus; [sound:x.mp3]" in texts
    assert 'O\'Brien "Quoted" <b>bold</b>' in texts
    assert book.dc("title") == [hostile.meta.title]
    assert text_of(book.toc_links()[0]) == "<h1>Heading</h1> & [latex]x^2[/latex]"
    doc = book.section_doc(hostile.sections[0])
    assert doc.findtext("x:head/x:title", namespaces=NS) == "<h1>Heading</h1> & [latex]x^2[/latex]"
    body = text_of(doc.find("x:body", NS))
    for line in seed_lines(hostile.sections[0]):
        assert words(plain(line)) in body
    assert "A <b>paragraph</b> with &amp; &bogus; ]]> and </p></td></table> and {{c2::not a cloze}}." in body
    assert "What does <script> do here?" in body


def test_subsections_nest_in_their_document_with_valid_ids(booklets: dict[str, Path]) -> None:
    nested = nested_notes()
    book = Booklet(booklets["nested"])
    assert len(book.spine) == 3 + 3  # the subsections are not documents of their own
    doc = book.section_doc(nested.sections[0])
    headings = [(etree.QName(h).localname, text_of(h)) for h in doc.xpath("//x:section/*[1]", namespaces=NS)]
    assert headings[:6] == [
        ("h1", "Depth one"),
        ("h2", "Depth two"),
        ("h3", "Depth three"),
        ("h4", "Depth four"),
        ("h5", "Depth five"),
        ("h6", "Depth six"),
    ]
    assert doc.find(".//x:h2/x:em", NS) is not None
    ids = doc.xpath("//@id")
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[A-Za-z_][\w.-]*", i) for i in ids)
    assert {"s-1917", "s-d2", "s-d6"} <= set(ids)
    # The contents lead to each subsection; only sections with cards have a self-test.
    hrefs = [a.get("href") for a in book.toc_links()]
    assert "s-1917.xhtml#s-d6" in hrefs and "s-1917.xhtml#s-d3" in hrefs
    assert [h for h in hrefs if "#t-" in h] == ["s-1917.xhtml#t-1917", "s-2-cards-only.xhtml#t-2-cards-only"]
    # A table without a caption still gets one; short columns are padded with empty cells.
    [table] = doc.iterfind(".//x:table", NS)
    assert text_of(table.find("x:caption", NS)) == "Comparison: Left / Right"
    assert [[text_of(td) for td in tr] for tr in table.iterfind("x:tbody/x:tr", NS)] == [
        ["Left: Point L1", "Right: Point R1"],
        ["Left: Point L2", ""],
        ["Left: Point L3", ""],
    ]
    # Characters XML 1.0 forbids or XHTML treats as errors are dropped.
    assert book.dc("title") == ["Nested notes"] and book.dc("creator") == ["Bell"]
    assert "Controls and next-line." in text_of(book.document("s-no-cards.xhtml"))
    pairs = self_test_items(book.section_doc(nested.sections[1]))
    assert pairs == [
        ("Capital of France", "Paris"),
        ("[…] died in 1924.", "Lenin Both facts."),
        ("Paris", "Capital of France"),
        ("Lenin died in […].", "1924 Both facts."),
    ]


def test_escape_and_clean() -> None:
    assert exporter.escape('<a href="x">&amp;</a> ]]>') == "&lt;a href=&quot;x&quot;&gt;&amp;amp;&lt;/a&gt; ]]&gt;"
    assert exporter.clean("a\x00b\x07c\td\ne\rf\x85g\x9fh\ufffei\uffffj\ud800k") == "abc\td\ne\rfghijk"
    assert exporter.clean("Сталин 👩‍🏫 e\u0301 \u202eevil\u202c") == "Сталин 👩‍🏫 e\u0301 \u202eevil\u202c"
    assert exporter.xml_id("s-", "1917") == "s-1917"


def test_css_is_what_e_readers_honour() -> None:
    css = exporter.CSS
    assert not re.search(r"\b(flex|grid|position|float)\b", css)
    assert not re.search(r"\d(px|pt|cm|mm|in)\b", css)  # relative units only
    assert not re.search(r"(^|[;{\s])(color|background)", css)  # night mode keeps its own colours


def test_listing_formats_does_not_import_ebooklib() -> None:
    code = "import sys, notesforge.exporters.epub; assert 'ebooklib' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


# --- card images -------------------------------------------------------------------

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle cx="5" cy="5" r="4"/></svg>\n'


@pytest.mark.slow
def test_card_images_are_in_the_book_beside_their_answers(tmp_path: Path) -> None:
    from PIL import Image  # test-only: Pillow comes with pdfplumber

    images = tmp_path / "src" / "images"
    images.mkdir(parents=True)
    (images / "dot.png").write_bytes(DOT.read_bytes())
    (images / "circle.svg").write_text(SVG, encoding="utf-8")
    Image.new("RGB", (4, 4), (128, 128, 128)).save(images / "grey.webp")
    source = card_notes(
        tmp_path / "src",
        '{ q = "Whose dot is this?", a = "Lenin’s", image = "images/dot.png", reverse = true }',
        '{ q = "Which shape is drawn?", a = "A circle", image = "images/circle.svg" }',
        '{ q = "Which colour is this?", a = "Grey", image = "images/grey.webp" }',
        '{ cloze = "Lenin died in [[1924]] at [[Gorki]].", image = "images/dot.png" }',
    )
    path = build(notesforge.load(source), tmp_path / "out")
    report = run_epubcheck(path)
    assert report.clean, report.summary()
    book = Booklet(path)
    stored = {
        i.get("href"): i.get("media-type") for i in book.manifest().values() if i.get("href").startswith("images/")
    }
    assert sorted(stored.values()) == ["image/png", "image/svg+xml", "image/webp"]
    sources = {"png": "dot.png", "svg": "circle.svg", "webp": "grey.webp"}
    for href in stored:
        name = href.removeprefix("images/")
        assert re.fullmatch(r"notesforge-[0-9a-f]{12}\.(png|svg|webp)", name), name
        assert book.zip.read("EPUB/" + href) == (images / sources[name.rsplit(".", 1)[1]]).read_bytes()
    [doc] = [book.document(name) for name in book.spine if name.endswith("s-lenin.xhtml")]
    answers = {
        text_of(aside).split(" Back to question")[0]: aside.xpath(".//x:img", namespaces=NS)
        for aside in doc.xpath("//x:aside", namespaces=NS)
    }
    shown = {answer: [(img.get("src"), img.get("alt")) for img in imgs] for answer, imgs in answers.items()}
    png = next(h for h, t in stored.items() if t == "image/png")
    assert shown["1. Lenin’s"] == [(png, "")]
    assert shown["4. 1924"] == shown["6. Gorki"] == [(png, "")]  # every deletion's answer
    assert [src for src, _ in shown["2. A circle"]] == [next(h for h, t in stored.items() if t == "image/svg+xml")]
    assert shown["5. Whose dot is this?"] == []  # the reverse question asks the answer: no image beside it
    assert "visual" in book.meta("schema:accessMode")
