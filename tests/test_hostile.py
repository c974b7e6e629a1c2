"""The hostile-text catalogue: each case either builds in every format and shows literally, or is
refused by the reader with a located error. docs/hostile-text.md is the table of these decisions.

The built cases go into one document, each in a section of its own that puts it in every kind of
text (title, paragraph, bullets, a cloze answer and hint, table caption, heading and point, event
date and text, term, definition, question, answer, cloze card, extra, the `[notes]` strings).
Every output is read back (`readback.check_output`): the marker words around each case, and the
case itself, literally, wherever the format shows that text.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.epubcheck import run_epubcheck
from support.readback import SHOWS, check_output, model_texts, squash, visible_text
from support.strategies import BLOCKS, Doc, Fragment, Markers, Slot, toml_string

import notesforge
from notesforge import registry
from notesforge.diagnostics import NotesError
from notesforge.exporters.pdf import fonts

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "hostile-text.md"
EPOCH = 1700000000
FORMATS = registry.names()


@dataclass(frozen=True)
class Built:
    """Text that builds in every format; `text` is the string value in the notes (after TOML escapes)."""

    name: str
    text: str
    shown: str | None = None  # what a reader sees, if not `text` (markup escapes)
    only: frozenset[str] | None = None  # the kinds of text it is put in, if not all

    @property
    def fragment(self) -> Fragment:
        shown = self.text if self.shown is None else self.shown
        return Fragment(self.text, shown, shown.isascii())


@dataclass(frozen=True)
class Refused:
    """Text the reader refuses: `written` is the TOML string as it stands in the file, in a bullet."""

    name: str
    written: str
    column: int  # of the diagnostic, on the bullet's line (the string starts at column 3)
    message: str


LONG_WORD = "W" * 20_000
LONG_LINE = " ".join(["Lorem ipsum dolor sit amet"] * 770)[:20_000]
assert len(LONG_WORD) == len(LONG_LINE) == 20_000

BUILT = [
    Built("bidi-override", "\u202eevil\u202c"),
    Built("bidi-override-unclosed", "\u202eopen to the end"),
    Built("bidi-isolate", "\u2067\u05e9\u05dc\u05d5\u05dd\u2069 and \u200fmarks\u200e"),
    Built("rtl-script", "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627"),
    Built("emoji-zwj", "\U0001f469\u200d\U0001f3eb \U0001f468\u200d\U0001f469\u200d\U0001f467"),
    Built("emoji-flag-skin-keycap", "\U0001f1ec\U0001f1e7 \U0001f44d\U0001f3fd 1\ufe0f\u20e3 \u2764\ufe0f"),
    Built("combining-marks", "e\u0301 a\u0308\u0323 Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357"),
    Built("zero-width", "zero\u200bwidth soft\u00adhyphen non\u200cjoiner \ufeffbom"),
    Built("line-separator", "one\u2028two\u2029three"),
    Built("private-use", "\ue000\uf8ff"),
    Built("astral-cjk", "\U00020000 \u4e2d\u6587 \ufb01"),
    Built("cdata-end", "]]>"),
    Built("closing-tags", "</p></td></table>"),
    Built("script", "<script>alert(1)</script>"),
    Built("event-handler", '<img src=x onerror="alert(2)">'),
    Built("html-comment", "<!-- hidden? -->"),
    Built("entity-bogus", "&bogus;"),
    Built("entity-real", "&amp; &lt;b&gt; &#x41; &#0;"),
    Built("ampersand", "R&D AT&T"),
    Built("closing-cloze-marks", "]] and ] and [x]"),
    Built("lone-strong", "a ** b"),
    Built("unclosed-strong", "**never closed"),
    Built("single-star", "5 * 3 and *half"),
    Built("stars-around-space", "* not emphasis *"),
    Built("backslash", "C:\\temp\\new \\ end\\"),
    Built("escaped-markup", "\\*lit\\* \\[\\[x\\]\\] a\\|b \\\\", "*lit* [[x]] a|b \\"),
    Built("mathjax", "\\(x\\) \\[y\\]", "\\(x\\) [y]"),
    Built("anki-cloze", "{{c1::x}} {{c2::y::z}}"),
    Built("anki-field", "{{Front}} {{#Tags}}t{{/Tags}} {{text:Back}}"),
    Built("anki-sound", "[sound:a.mp3] [anki:tts lang=en_US]x[/anki:tts]"),
    Built("anki-latex", "[latex]x^2[/latex] [$]y[/$]"),
    Built("markdown", "# h - x 1. y > q `code` ~~s~~ _u_ :smile: $m$ | t |"),
    Built("pdf-syntax", "%PDF-1.4 ( unbalanced \\n endobj"),
    Built("quotes", "\"double\" 'single' \u2018curly\u2019"),
    Built("tab-newline", "tab\there line\nbreak crlf\r\nend"),
]
# Long texts cost the PDF formats up to a second each (reportlab breaks a long word letter by
# letter; flashcards try several type sizes): each long case goes into the kinds of text that
# the formats lay out differently, not into every kind.
TITLE_AND_PARAGRAPH = frozenset({"title", "paragraph"})
LONG = [
    Built("long-word", LONG_WORD, only=frozenset({"notes", "paragraph", "bullet", "heading", "point"})),
    Built(
        "long-line", LONG_LINE, only=frozenset({"notes", "paragraph", "caption", "event", "definition", "q", "cloze"})
    ),
    # Flashcards print the section title on each card of the section: a long one in a section without cards.
    Built("long-title", LONG_WORD, only=TITLE_AND_PARAGRAPH),
]

CONTROL_HINT = "remove this invisible control character (a copy and paste can bring one in)"
REFUSED = [
    Refused("nul-escaped", '"a\\u0000b"', 5, "control character U+0000 is not allowed in text; remove it"),
    Refused("nul-raw", '"a\x00b"', 5, "TOML syntax: Illegal character '\\x00'; " + CONTROL_HINT),
    Refused("c0-escaped", '"a\\u0007b"', 5, "control character U+0007 is not allowed in text; remove it"),
    Refused("backspace-escaped", '"a\\bb"', 5, "control character U+0008 is not allowed in text; remove it"),
    Refused("form-feed-escaped", '"a\\fb"', 5, "control character U+000C is not allowed in text; remove it"),
    Refused("escape-escaped", '"a\\u001Bb"', 5, "control character U+001B is not allowed in text; remove it"),
    Refused("c0-raw", '"a\x1bb"', 5, "TOML syntax: Illegal character '\\x1b'; " + CONTROL_HINT),
    Refused("del-escaped", '"a\\u007Fb"', 5, "control character U+007F is not allowed in text; remove it"),
    Refused("del-raw", '"a\x7fb"', 5, "TOML syntax: Illegal character '\\x7f'; " + CONTROL_HINT),
    Refused("c1-escaped", '"a\\u0085b"', 5, "control character U+0085 is not allowed in text; remove it"),
    Refused("c1-raw", '"a\x9bb"', 5, "control character U+009B is not allowed in text; remove it"),
    Refused("fffe", '"a\\uFFFEb"', 5, "control character U+FFFE is not allowed in text; remove it"),
    Refused("ffff-raw", '"a\uffffb"', 5, "control character U+FFFF is not allowed in text; remove it"),
    Refused("carriage-return-raw", '"a\rb"', 5, "TOML syntax: Illegal character '\\r'; " + CONTROL_HINT),
    Refused("surrogate", '"a\\uD800b"', 11, "TOML syntax: Escaped character is not a Unicode scalar value"),
    Refused(
        "unclosed-cloze",
        '"x [[open"',
        6,
        "unclosed cloze mark '[[' (close it with ']]', or write '\\[' for a literal bracket)",
    ),
    Refused("empty-cloze", '"x [[]] y"', 6, "empty cloze mark: write the answer between '[[' and ']]'"),
    Refused("blank-cloze", '"x [[ ]] y"', 6, "empty cloze mark: write the answer between '[[' and ']]'"),
    Refused("nested-cloze", '"x [[a [[b]] c]] y"', 6, "cloze marks cannot be nested"),
]


# --- the catalogue as a notes document ---------------------------------------------------------


class _Doc:
    """Writes a document of one section per case, recording every text slot (see strategies.Doc)."""

    def __init__(self, title: str) -> None:
        self.m = Markers()
        self.lines: list[str] = []
        self.slots: list[Slot] = []
        self.sections = 0
        self.title = title

    def text(self, kind: str, case: Built | None, *, carded: bool, markup: bool = True, cloze: str = "") -> str:
        """Marker words around the case (after a cloze mark whose answer is a marker word, if asked)."""
        words = [self.m.marker(), self.m.marker()]
        if case is not None and case.only is not None and kind not in case.only:
            case = None
        if case is None:
            frag = None
        elif markup:
            frag = case.fragment
        else:  # plain text (dates, [notes]): what is written is shown
            frag = Fragment(case.text, case.text, case.text.isascii())
        answer = self.m.marker() if cloze else ""
        mark = f"[[{answer}{cloze}]]" if cloze else ""
        source = " ".join(filter(None, [words[0], mark, frag.source if frag else "", words[1]]))
        shown = " ".join(filter(None, [words[0], answer, frag.shown if frag else "", words[1]]))
        markers = (words[0], answer, words[1]) if answer else tuple(words)
        self.slots.append(Slot(kind, source, shown, markers, (frag,) if frag else (), carded, bool(cloze)))
        return source

    def key(self, name: str, value: str) -> None:
        self.lines.append(f"{name} = {toml_string(value)}")

    def notes(self, cases: list[Built]) -> None:
        self.lines += ["[notes]", 'id = "hostile-catalogue"']
        self.key("title", self.text("notes", None, carded=False, markup=False) + " " + self.title)
        self.slots[-1].key = "title"
        # The [notes] strings are plain text, on one line: each case once, in the subtitle or the course.
        one_line = [c for c in cases if not re.search(r"[\t\r\n]", c.text) and (c.only is None or "notes" in c.only)]
        for key, part in (("subtitle", one_line[::2]), ("course", one_line[1::2]), ("author", [])):
            source = self.text("notes", None, carded=False, markup=False)
            self.slots[-1].key = key
            frags = tuple(Fragment(c.text, c.text, c.text.isascii()) for c in part)
            self.slots[-1].fragments = frags
            self.key(key, " ".join([source, *(c.text for c in part)]))
        self.lines.append('language = "en-GB"')

    def section(self, case: Built) -> None:
        self.sections += 1
        m, key = self.m, self.key
        self.lines += ["", "[[section]]", f'id = "{case.name}"']
        bare = case.only == TITLE_AND_PARAGRAPH  # a title and its paragraph: no cards to print it on
        key("title", self.text("title", case, carded=not bare))
        self.slots[-1].asks = not bare
        self.slots[-1].blocks = frozenset({"paragraph"} if bare else BLOCKS)
        self.lines += ["", "[[section.block]]", 'type = "paragraph"']
        key("text", self.text("paragraph", case, carded=False))
        if bare:
            return
        # The hint holds the case too (escaped, so brackets in the case stay text).
        hint = "|" + re.sub(r"([\[\]|\\])", r"\\\1", case.fragment.shown)
        bullets = [self.text("bullet", case, carded=False), self.text("bullet", case, carded=True, cloze=hint)]
        self.lines += [
            "",
            "[[section.block]]",
            'type = "bullets"',
            "items = [",
            *(f"  {toml_string(b)}," for b in bullets),
            "]",
        ]
        self.lines += ["", "[[section.block]]", 'type = "table"', f'id = "t-{case.name}"']
        key("caption", self.text("caption", case, carded=False))
        for _ in range(2):
            self.lines.append("[[section.block.columns]]")
            key("heading", self.text("heading", case, carded=True))
            self.lines.append(f"points = [{toml_string(self.text('point', case, carded=True))}]")
        date = self.text("date", case, carded=True, markup=False) + f" {next(m.years)}"
        self.slots[-1].shown += date[len(self.slots[-1].source) :]
        event = self.text("event", case, carded=True)
        term, definition = self.text("term", case, carded=True), self.text("definition", case, carded=True)
        q, a = self.text("q", case, carded=True), self.text("a", case, carded=True)
        cloze = self.text("cloze", case, carded=True, cloze=" ")
        extra = self.text("extra", case, carded=True)
        self.lines += [
            "",
            "[[section.block]]",
            'type = "events"',
            f"items = [{{ date = {toml_string(date)}, text = {toml_string(event)} }}]",
            "",
            "[[section.block]]",
            'type = "terms"',
            f"items = [{{ term = {toml_string(term)}, definition = {toml_string(definition)} }}]",
            "",
            "[[section.block]]",
            'type = "cards"',
            "items = [",
            f"  {{ q = {toml_string(q)}, a = {toml_string(a)}, reverse = true }},",
            f"  {{ cloze = {toml_string(cloze)}, extra = {toml_string(extra)} }},",
            "]",
        ]

    def done(self) -> Doc:
        return Doc("\n".join(self.lines) + "\n", self.slots, self.sections)


def catalogue(cases: list[Built], title: str) -> Doc:
    writer = _Doc(title)
    writer.notes(cases)
    for case in cases:
        writer.section(case)
    return writer.done()


HOSTILE = catalogue(BUILT, "Hostile text")
LONG_LINES = catalogue(LONG, "20,000-character lines")


def load(doc: Doc, name: str) -> notesforge.Notes:
    return notesforge.loads(doc.toml, name, epoch=EPOCH)


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[notesforge.Notes, dict[str, notesforge.Outcome]]:
    """The catalogue built once in every format (in parallel processes)."""
    notes = load(HOSTILE, "hostile-catalogue.toml")
    outcomes = notesforge.build(notes, FORMATS, tmp_path_factory.mktemp("hostile"))
    return notes, {o.format: o for o in outcomes}


# --- built cases ------------------------------------------------------------------------------------


@pytest.mark.parametrize("doc", [HOSTILE, LONG_LINES], ids=["hostile", "long-lines"])
def test_the_catalogue_reads_back_exactly(doc: Doc) -> None:
    assert model_texts(load(doc, "catalogue.toml")) == [s.shown for s in doc.text_slots()]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_hostile_text_builds_in_every_format_and_shows_literally(fmt: str, hostile_build) -> None:
    registry.get(fmt)  # a format that cannot load fails here
    notes, outcomes = hostile_build
    check_output(fmt, HOSTILE, notes, outcomes[fmt])


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_20000_character_lines_build_in_every_format(fmt: str, tmp_path: Path) -> None:
    registry.get(fmt)
    notes = load(LONG_LINES, "long-lines.toml")
    [outcome] = notesforge.build(notes, [fmt], tmp_path)
    check_output(fmt, LONG_LINES, notes, outcome)


@pytest.mark.slow
def test_hostile_epubs_pass_epubcheck(hostile_build, tmp_path: Path) -> None:
    _, outcomes = hostile_build
    [long_book] = [o.path for o in notesforge.build(load(LONG_LINES, "long-lines.toml"), ["epub"], tmp_path)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(run_epubcheck, [outcomes["epub"].path, long_book]))
    for report in reports:
        assert report.clean, report.summary()


def _suffix(fmt: str) -> str:
    try:
        return registry.get(fmt).suffix
    except registry.RegistryError:  # fails in the tests over every format, not at collection
        return ""


PDF_FORMATS = [f for f in FORMATS if _suffix(f).endswith(".pdf")]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", PDF_FORMATS)
def test_characters_without_glyphs_are_warned_at_their_line(fmt: str, hostile_build) -> None:
    _, outcomes = hostile_build
    warnings = outcomes[fmt].warnings
    lines = HOSTILE.toml.splitlines()
    for case in BUILT:
        missing = fonts.missing_glyphs([case.fragment.shown])
        if not missing:
            continue
        # The case's section runs from its header to the next one.
        start = lines.index(f'id = "{case.name}"')
        end = next((i for i in range(start + 1, len(lines)) if lines[i] == "[[section]]"), len(lines))
        here = [w for w in warnings if start - 1 <= w.loc.line - 1 <= end]
        for char in missing:
            assert any(f"U+{ord(char):04X}" in w.message for w in here), (
                f"{case.name}: no warning for U+{ord(char):04X}"
            )
    drawable = [case.name for case in BUILT if not fonts.missing_glyphs([case.fragment.shown])]
    assert "script" in drawable and "emoji-zwj" not in drawable


# --- refused cases ------------------------------------------------------------------------------------

BULLET_DOC = """\
[notes]
id = "r"
title = "R"
language = "en"

[[section]]
id = "s"
title = "S"

[[section.block]]
type = "bullets"
items = [
  {},
]
"""
BULLET_LINE = 13


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c.name)
def test_refused_text_is_a_located_error(case: Refused) -> None:
    source = BULLET_DOC.format(case.written).encode("utf-8")
    with pytest.raises(NotesError) as caught:
        notesforge.loads(source, "r.toml")
    assert [d.headline() for d in caught.value.diagnostics] == [
        f"r.toml:{BULLET_LINE}:{case.column}: error: {case.message}"
    ]
    assert "Traceback" not in caught.value.render()


@pytest.mark.parametrize("where", ["title", "subtitle"])
def test_control_characters_are_refused_in_plain_text_too(where: str) -> None:
    source = BULLET_DOC.format('"ok"').replace(
        'title = "R"', f'{where} = "R\\u0007"' + ('\ntitle = "R"' if where != "title" else "")
    )
    with pytest.raises(NotesError) as caught:
        notesforge.loads(source, "r.toml")
    [diagnostic] = caught.value.diagnostics
    assert diagnostic.message == "control character U+0007 is not allowed in text; remove it"
    assert diagnostic.loc.line == 3


# --- bugs once pinned here, mended: their tests stay ---------------------------------------------


def test_escaped_brackets_inside_a_cloze_answer_are_literal() -> None:
    notes = notesforge.loads(BULLET_DOC.format('"x [[a\\\\[\\\\[b]] y"'), "r.toml")
    [bullet] = notes.sections[0].blocks[0].items
    assert bullet.text[1].answer == "a[[b"


@pytest.mark.parametrize("fmt", PDF_FORMATS)
def test_a_line_break_in_the_notes_title_prints_as_a_space(fmt: str, tmp_path: Path) -> None:
    source = BULLET_DOC.format('"ok"').replace('title = "R"', 'title = "First\\nSecond\\tThird"')
    [outcome] = notesforge.build(notesforge.loads(source, "r.toml", epoch=EPOCH), [fmt], tmp_path)
    assert outcome.ok and outcome.path is not None
    text = visible_text(outcome.path)
    assert "\x00" not in text and "\ufffd" not in text
    assert "first second third" in squash(text)


# --- the documentation -------------------------------------------------------------------------------


def test_docs_list_every_case_and_every_format() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for case in [*BUILT, *LONG, *REFUSED]:
        assert f"`{case.name}`" in text, f"docs/hostile-text.md does not list `{case.name}`"
    for fmt in SHOWS:
        assert f"`{fmt}`" in text, fmt
