"""The Markdown exporter: structure, literal text, deterministic bytes, pandoc's reading of it.

The whole output is pinned too, byte for byte, by the golden files in tests/golden/. After an
intended change to the Markdown, write them anew from the code and review their diff:

    NOTESFORGE_UPDATE_GOLDEN=1 python -m pytest tests/test_markdown.py -k golden
"""

from __future__ import annotations

import difflib
import os
import random
import re
import shutil
import subprocess
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from support.common import EVENTS, GRID, HOSTILE, SEED, TESTS

import notesforge
from notesforge.cards import generate
from notesforge.exporters.markdown import MarkdownConfig, MarkdownExporter, escape, span, to_markdown
from notesforge.inline import clozes, plain
from notesforge.model import (
    Bullet,
    BulletList,
    Cloze,
    ComparisonTable,
    Emphasis,
    Glossary,
    Location,
    Meta,
    Notes,
    Paragraph,
    Section,
    Source,
    Strong,
    Text,
    Timeline,
)

PANDOC = shutil.which("pandoc")
needs_pandoc = pytest.mark.skipif(PANDOC is None, reason="pandoc is not on PATH (apt-get install pandoc)")
LOC = Location("test", 1, 1)


def pandoc_html(markdown: str) -> str:
    assert PANDOC is not None
    done = subprocess.run(
        [PANDOC, "-f", "gfm", "-t", "html", "--wrap=none"],
        input=markdown,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout


class Blocks(HTMLParser):
    """The text of every <p>, <li>, <h1>-<h6>, <th> and <td>, in order, and every tag seen."""

    TEXT_TAGS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "th", "td"})

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []
        self.tags: list[str] = []
        self._open: list[tuple[str, list[str]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in self.TEXT_TAGS:
            self._open.append((tag, []))

    def handle_endtag(self, tag):
        if self._open and self._open[-1][0] == tag:
            name, parts = self._open.pop()
            self.blocks.append((name, squash("".join(parts))))

    def handle_data(self, data):
        for _, parts in self._open:
            parts.append(data)


def squash(text: str) -> str:
    """Whitespace collapsed and NFC (pandoc composes `e` + U+0301 into `é`)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def notes_of(*blocks, title: str = "T") -> Notes:
    section = Section("s", (Text("Section"),), tuple(blocks), (), True, 1, LOC)
    return Notes(Meta("t", title, "en"), (section,), Source("test", "0" * 64, 0))


# --- the seed notes ------------------------------------------------------------------


def test_seed_file_name_and_bytes(seed_notes: Notes, build_format, tmp_path: Path) -> None:
    path = build_format(seed_notes, "markdown")
    assert path.name == f"{seed_notes.meta.id}.md"
    data = path.read_bytes()
    assert b"\r" not in data
    assert data.endswith(b"\n") and not data.endswith(b"\n\n")
    text = data.decode("utf-8")
    assert "’" in text  # UTF-8, not escaped to entities
    # Same source, same bytes.
    again = tmp_path / "again.md"
    MarkdownExporter().export(seed_notes, again, MarkdownConfig())
    assert again.read_bytes() == data
    assert not list(path.parent.glob(".notesforge-*"))  # written atomically, no temporary left


def test_seed_structure(seed_notes: Notes) -> None:
    text = to_markdown(seed_notes)
    lines = text.split("\n")
    assert lines[0] == "# " + escape(seed_notes.meta.title)
    assert f"*{escape(seed_notes.meta.subtitle or '')}*" in lines
    headings = [line for line in lines if line.startswith("#")]
    sections = list(seed_notes.walk())
    assert len(headings) == 1 + len(sections)
    for heading, section in zip(headings[1:], sections, strict=True):
        assert heading.startswith("#" * (section.depth + 1) + " ")
    # Every cloze answer of every bullet is bold.
    bullets = [b for s in sections for blk in s.blocks if isinstance(blk, BulletList) for b in blk.items]
    assert len(bullets) == sum(1 for line in lines if line.startswith(("- ", "* "))) - _non_bullet_items(seed_notes)
    for bullet in bullets:
        for cloze in clozes(bullet.text):
            assert f"**{escape(cloze.answer)}**" in text
    assert "[[" not in text
    assert text.count("**Test yourself**") == sum(
        1 for s in sections for blk in s.blocks if type(blk).__name__ == "CardList"
    )


def _non_bullet_items(notes: Notes) -> int:
    n = 0
    for section in notes.walk():
        for block in section.blocks:
            n += len(getattr(block, "events", ())) + len(getattr(block, "terms", ()))
            n += len(getattr(block, "cards", ())) if type(block).__name__ == "CardList" else 0
    return n


def test_seed_events_terms_and_table(seed_notes: Notes) -> None:
    """The seed's dated bullets and point, terms and table; an events block from the events notes."""
    checked: dict[str, int] = {}
    for notes in (seed_notes, notesforge.load(EVENTS)):
        text = to_markdown(notes)
        for section in notes.walk():
            for block in section.blocks:
                if isinstance(block, Timeline):
                    for event in block.events:
                        line = f"- **{escape(event.date)}** — {escape(plain(event.text))}"
                        assert line in text.split("\n"), line
                        checked["events"] = checked.get("events", 0) + 1
                elif isinstance(block, BulletList):
                    for bullet in block.items:
                        if bullet.date and not plain(bullet.text).startswith(bullet.date):
                            assert re.search(rf"^[-*] \*\*{re.escape(escape(bullet.date))}\*\* — ", text, re.M)
                            checked["dated bullets"] = checked.get("dated bullets", 0) + 1
                elif isinstance(block, Glossary):
                    for term in block.terms:
                        assert re.search(rf"^[-*] \*\*{re.escape(escape(plain(term.term)))}\*\*: ", text, re.M)
                        checked["terms"] = checked.get("terms", 0) + 1
                elif isinstance(block, ComparisonTable):
                    header = "| " + " | ".join(escape(plain(c.heading)) for c in block.columns) + " |"
                    assert header in text
                    rows = max(len(c.points) for c in block.columns)
                    start = text.split("\n").index(header)
                    table = text.split("\n")[start : start + 2 + rows + 1]
                    assert table[1] == "|" + "|".join(" --- " for _ in block.columns) + "|"
                    assert all(line.startswith("| ") for line in table[2 : 2 + rows])
                    assert not table[2 + rows].startswith("|")
                    dated = [p.date for c in block.columns for p in c.points if p.date]
                    assert dated == ["October 1917"] and "| **October 1917** — Trotsky had" in table[2]
                    checked["tables"] = checked.get("tables", 0) + 1
    # 6 dated bullets, one of which starts with its date ("1936 – Constitution ..."): not said twice.
    assert checked == {"dated bullets": 5, "tables": 1, "terms": 18, "events": 7}


def test_uneven_columns_are_padded() -> None:
    from notesforge.model import Column, Point

    short = Column((Text("A"),), (Point((Text("a1"),), LOC),), LOC)
    long = Column((Text("B"),), tuple(Point((Text(f"b{i}"),), LOC) for i in range(3)), LOC)
    third = Column((Text("C"),), (Point((Text("c1"),), LOC), Point((Text("c2"),), LOC)), LOC)
    text = to_markdown(notes_of(ComparisonTable("t", None, (short, long, third), True, LOC)))
    rows = [line for line in text.split("\n") if line.startswith("|")]
    assert rows == ["| A | B | C |", "| --- | --- | --- |", "| a1 | b0 | c1 |", "|   | b1 | c2 |", "|   | b2 |   |"]


def test_a_grid_is_a_pipe_table_with_its_row_headings_first(build_format) -> None:
    text = build_format(notesforge.load(GRID), "markdown").read_text(encoding="utf-8")
    assert (
        "**The *Five-Year* Plans**\n\n"
        "| Plan | Aims | Results |\n"
        "| --- | --- | --- |\n"
        "| **First Five-Year Plan (1928–32)** | Heavy industry: **coal, iron, steel** | "
        "Output of coal and steel **doubled** |\n"
        "| **Second Five-Year Plan (1933–37)** | Heavy industry, **transport** |   |\n"
        "| **Third Five-Year Plan (1938–41)** | **Rearmament** | Cut short by the German invasion of **1941** |\n"
    ) in text
    # No corner heading: the first header cell is empty.
    assert "|   | Role |\n| --- | --- |\n| **Stakhanov** | A miner held up as a model worker |\n" in text


@needs_pandoc
def test_pandoc_reads_a_grid_back_cell_by_cell() -> None:
    html = pandoc_html(to_markdown(notesforge.load(GRID)))
    tables = [
        [
            [squash(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
        ]
        for table in re.findall(r"<table>(.*?)</table>", html, re.S)
    ]
    assert tables[0] == [
        ["Plan", "Aims", "Results"],
        ["First Five-Year Plan (1928–32)", "Heavy industry: coal, iron, steel", "Output of coal and steel doubled"],
        ["Second Five-Year Plan (1933–37)", "Heavy industry, transport", ""],
        ["Third Five-Year Plan (1938–41)", "Rearmament", "Cut short by the German invasion of 1941"],
    ]
    assert tables[2] == [["", "A", "B", "C"], ["Only row", "a", "", "c"]]
    assert "<strong>First Five-Year Plan (1928–32)</strong>" in html


def test_front_matter_option(seed_notes: Notes, build_format) -> None:
    path = build_format(seed_notes, "markdown", front_matter="true")
    text = path.read_text(encoding="utf-8")
    head = text.split("\n")
    assert head[0] == "---"
    assert 'title: "Stalin’s Dictatorship"' in head
    assert 'lang: "en-GB"' in head
    assert head.index("---", 1) < head.index("# " + escape(seed_notes.meta.title))
    assert not to_markdown(seed_notes).startswith("---")


# --- hostile text stays text -----------------------------------------------------------


def test_hostile_markup_is_escaped(hostile_notes: Notes) -> None:
    text = to_markdown(hostile_notes)
    for raw in ("<script>", "<b>", "<img", "<dfn>", "</table>", "&amp;", "[sound:", "]]>"):
        assert not re.search(r"(?<!\\)" + re.escape(raw), text), raw
    assert "\\<script\\>" in text
    # Braces are escaped: tools that read Markdown for Anki (and `notesforge import`) see no cloze.
    assert "\\{\\{c1::x}}" in text and "{{c1" not in text
    assert "\\*\\*" in text and "\\\\" in text  # the lone ** and the backslash


@needs_pandoc
def test_pandoc_renders_hostile_text_literally(hostile_notes: Notes) -> None:
    html = pandoc_html(to_markdown(hostile_notes))
    parsed = Blocks(html)
    assert "script" not in parsed.tags and "img" not in parsed.tags and "dfn" not in parsed.tags
    assert parsed.tags.count("h1") == 1  # the title only: the section's "<h1>" is text
    assert "&lt;script&gt;" in html
    texts = [t for _, t in parsed.blocks]
    assert squash(hostile_notes.meta.title) in texts
    for section in hostile_notes.walk():
        for block in section.blocks:
            if isinstance(block, BulletList):
                for bullet in block.items:
                    assert squash(plain(bullet.text)) in texts
            elif isinstance(block, Paragraph):
                assert squash(plain(block.text)) in texts
    for card in generate(hostile_notes):
        if card.kind == "basic":
            assert f"{squash(plain(card.question))} — {squash(plain(card.answer))}" in texts


def _hostile_strings(count: int) -> list[str]:
    """Deterministic text built from everything Markdown, GFM, HTML and Obsidian treat specially."""
    pieces = [
        "*", "**", "_", "__", "`", "``", "\\", "[", "]", "(x)", "<", ">", "<b>", "</p>", "&amp;", "&", "&#65;",
        "#", "##", "|", "~", "~~", "$", "$x$", ":smile:", ":", "!", "![", "-", "+", "=", "1.", "2)", "---",
        "===", "    ", "\t", "{", "}", "<!--", "-->", "http://example.org", "<http://x.y>", "^", "%%", "==",
        "word", "Сталин", "Ἀθῆναι", "é", " ", " ", "a", "b",
    ]  # fmt: skip
    rng = random.Random(7)
    out = []
    for _ in range(count):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))).strip()
        out.append(text or "x")
    return out


@needs_pandoc
def test_pandoc_reads_back_every_special_character() -> None:
    """Random mixtures of specials, as paragraphs (where line starts matter) and bullets."""
    strings = _hostile_strings(300)
    paragraphs = [Paragraph((Text(s),), LOC) for s in strings[:150]]
    bullets = BulletList(tuple(Bullet((Text(s),), None, LOC) for s in strings[150:]), LOC)
    html = pandoc_html(to_markdown(notes_of(*paragraphs, bullets)))
    parsed = Blocks(html)
    tags = set(parsed.tags)
    assert tags <= {"h1", "h2", "p", "ul", "li", "a"}, tags  # "a": GFM links bare URLs, text unchanged
    got = [t for name, t in parsed.blocks if name in ("p", "li")]
    assert got == [squash(s) for s in strings]


@needs_pandoc
def test_adjacent_lists_stay_separate() -> None:
    bullets = BulletList((Bullet((Text("one"),), None, LOC),), LOC)
    more = BulletList((Bullet((Text("two"),), None, LOC),), LOC)
    third = BulletList((Bullet((Text("three"),), None, LOC),), LOC)
    text = to_markdown(notes_of(bullets, more, third))
    assert "- one" in text and "* two" in text and "- three" in text
    assert Blocks(pandoc_html(text)).tags.count("ul") == 3


def test_newlines_in_text_do_not_break_blocks() -> None:
    text = to_markdown(notes_of(BulletList((Bullet((Text("a\n# b\n\n- c"),), None, LOC),), LOC)))
    assert "- a \\# b - c" in text


BOLD_CASES = [
    ((Strong((Text("a"),)), Cloze("b", None, 1), Text(" end")), "**ab** end"),
    ((Cloze("a", None, 1), Cloze("b", "hint", 2), Text(".")), "**ab**."),
    ((Strong((Cloze("a", None, 1), Text(" b"))),), "**a b**"),
    ((Strong((Text("x "), Strong((Text("y"),)), Text(" z"))),), "**x y z**"),
    ((Emphasis((Cloze("a", None, 1),)),), "***a***"),
    ((Cloze("a*", None, 1), Text(" "), Strong((Text("b"),))), "**a\\*** **b**"),
]


@pytest.mark.parametrize(("rich", "expected"), BOLD_CASES)
def test_bold_runs_are_markdown_bold(rich, expected) -> None:
    assert span(rich) == expected


@needs_pandoc
def test_pandoc_reads_bold_runs_as_bold() -> None:
    bullets = BulletList(tuple(Bullet(rich, None, LOC) for rich, _ in BOLD_CASES), LOC)
    html = pandoc_html(to_markdown(notes_of(bullets)))
    items = re.findall(r"<li>(.*?)</li>", html)
    assert len(items) == len(BOLD_CASES)
    for item, (rich, _) in zip(items, BOLD_CASES, strict=True):
        assert "<strong>" in item
        assert re.sub(r"<[^>]+>", "", item) == plain(rich)
        assert "**" not in item


def test_card_images_follow_their_answers() -> None:
    from notesforge.model import BasicCard, CardList, ClozeCard, Image

    plain_name = Image("/n/images/lenin.png", "images/lenin.png", LOC)
    awkward = Image("/n/my pics/a (1).jpg", "my pics/a (1).jpg", LOC)
    cards = CardList(
        (
            BasicCard((Text("Who?"),), (Text("Lenin"),), False, None, LOC, plain_name),
            ClozeCard((Cloze("1924", None, 1),), (Text("Gorki"),), None, LOC, awkward),
            BasicCard((Text("No image?"),), (Text("None"),), False, None, LOC),
        ),
        LOC,
    )
    text = to_markdown(notes_of(cards))
    assert "- Who? — Lenin ![](images/lenin.png)\n" in text
    assert "- **1924** — Gorki ![](my%20pics/a%20%281%29.jpg)\n" in text
    assert "- No image? — None\n" in text
    if PANDOC:
        html = pandoc_html(text)
        assert '<img src="images/lenin.png"' in html
        assert '<img src="my%20pics/a%20%281%29.jpg"' in html


# --- golden files ------------------------------------------------------------------

GOLDEN = TESTS / "golden"
UPDATE_GOLDEN = os.environ.get("NOTESFORGE_UPDATE_GOLDEN") == "1"
GOLDEN_SOURCES = [SEED, HOSTILE, *sorted((TESTS / "fixtures" / "valid").glob("*.toml"))]
GOLDEN_CASES = [(source, settings) for source in GOLDEN_SOURCES for settings in ({}, {"front_matter": "true"})]


def golden_name(source: Path, settings: dict[str, str]) -> str:
    """`source-notes.md` for source/notes.toml; settings other than the defaults come before `.md`."""
    return "".join([f"{source.parent.name}-{source.stem}", *(f".{key}" for key in settings), ".md"])


@pytest.mark.parametrize(
    ("source", "settings"), GOLDEN_CASES, ids=[golden_name(s, settings)[:-3] for s, settings in GOLDEN_CASES]
)
def test_output_is_the_golden_file_byte_for_byte(source: Path, settings: dict[str, str], build_format) -> None:
    built = build_format(notesforge.load(source), "markdown", **settings).read_bytes()
    golden = GOLDEN / golden_name(source, settings)
    if UPDATE_GOLDEN:
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(built)
    assert golden.is_file(), f"no {golden}: write it with NOTESFORGE_UPDATE_GOLDEN=1 (see this module's docstring)"
    expected = golden.read_bytes()
    if built != expected:
        diff = difflib.unified_diff(
            expected.decode("utf-8", "replace").splitlines(keepends=True),
            built.decode("utf-8", "replace").splitlines(keepends=True),
            f"tests/golden/{golden.name}",
            "built",
        )
        pytest.fail(
            "the Markdown differs from its golden file (if that is intended, write the golden files anew: "
            "see this module's docstring):\n" + "".join(list(diff)[:200])
        )


def test_every_golden_file_is_checked() -> None:
    assert sorted(p.name for p in GOLDEN.iterdir()) == sorted(golden_name(s, settings) for s, settings in GOLDEN_CASES)
