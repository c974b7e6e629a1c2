"""The Anki exporter, checked against the real Anki backend (the `anki` package from PyPI)."""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import re
import statistics
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.anki import (  # the real Anki backend (test extra), not a mock
    CLOZE_MARK,
    cards_by_deck,
    cards_of,
    expected_card_count,
    fill_clozes,
    import_deck,
    open_collection,
    our_notetypes,
    parse_html,
    text_of,
    tree_order,
)
from support.cardimages import DOT, FIRST_CARD_LINE, card_notes
from support.common import EPOCH, GRID, HOSTILE, SEED, build_one

import notesforge
from notesforge.cards import CardKind, generate
from notesforge.diagnostics import NotesError
from notesforge.exporters import anki as exporter
from notesforge.inline import plain
from notesforge.model import BulletList, ClozeCard, Notes, Text

ACTIVE_CLOZE = re.compile(r'<span class="cloze"[^>]*>(.*?)</span>', re.S)


@pytest.fixture
def seed_deck(seed_notes: Notes, build_format) -> Path:
    return build_format(seed_notes, "anki")


@pytest.fixture
def seed_col(seed_deck: Path, tmp_path: Path):
    col = open_collection(tmp_path / "anki")
    log = import_deck(col, seed_deck)
    assert len(log.new) == col.note_count()
    yield col
    col.close()


# --- the seed deck in real Anki ------------------------------------------------------


def test_seed_deck_imports_with_subdecks_tags_and_no_empty_cards(seed_notes: Notes, seed_col) -> None:
    col = seed_col
    cards = list(generate(seed_notes))
    assert col.note_count() == len(cards) == 89
    assert col.card_count() == expected_card_count(seed_notes) == 136
    assert col.get_empty_cards().notes == []
    # Every note has a card.
    assert col.db.scalar("select count() from notes where id not in (select nid from cards)") == 0

    title = seed_notes.meta.title
    decks = {d.name for d in col.decks.all_names_and_ids()}
    sections = [plain(s.title) for s in seed_notes.walk()]
    assert decks - {"Default"} == {title} | {f"{title}::{s}" for s in sections}
    for section in seed_notes.walk():
        found = col.find_cards(f'"deck:{title}::{plain(section.title)}" -"deck:{title}::*::*"')
        assert len(found) == sum(len(c.questions()) for c in cards if c.section is section)

    tags = set(col.tags.all())
    assert tags == {f"{seed_notes.meta.id}::{s.id}" for s in seed_notes.walk()}
    assert our_notetypes(col) == ["notesforge Basic", "notesforge Basic (and reversed card)", "notesforge Cloze"]


def test_generated_cards_from_table_and_terms(seed_col) -> None:
    col = seed_col

    def only(query: str):
        [nid] = col.find_notes(query)
        return col.get_note(nid)

    # A "which column?" card: the point as plain text (its blanks are other cards' answers), the
    # column's own subject masked, the table's caption in the context.
    point = only('"Front:*had ALWAYS been loyal to Lenin and the Bolsheviks*"')
    assert point.note_type()["name"] == "notesforge Basic"
    assert point["Back"] == "Factors in favour of Stalin"
    assert point["Context"] == "Who would succeed Lenin? › Stalin or Trotsky: who would succeed Lenin?"
    [card] = point.cards()
    assert "Which column: Factors in favour of Stalin or Factors in favour of Trotsky?" in card.question()
    assert "<b>" not in point["Front"] and "Stalin" not in text_of(card.question()).split("?")[-1]
    # A blank from a table point says whose point it is.
    cloze = only('"Text:*victory in the*"')
    assert cloze["Text"].startswith("Factors in favour of Trotsky: He led the {{c1::Red Army}}")

    # The glossary asks each term's meaning only: its bullets already ask for the terms.
    term = only('"Front:Kulaks"')
    assert term.note_type()["name"] == "notesforge Basic (and reversed card)"
    assert term["Back"] == "Peasants supposed to have grown rich under NEP; Stalin attacked them."
    assert term["ReversePrompt"] == ""
    [define] = term.cards()
    assert text_of(define.question()) == "Key terms Define the term. Kulaks"

    by_kind = Counter(str(c.kind) for c in generate(notesforge.load(SEED)))
    assert len(col.find_notes('"note:notesforge Cloze"')) == by_kind["cloze"] == 50
    assert len(col.find_notes('"note:notesforge Basic (and reversed card)"')) == by_kind["term"] == 18
    assert by_kind["table"] == 8 and by_kind["event"] == 0


TWO_WAYS = """\
[notes]
id = "ways"
title = "Ways"
language = "en-GB"

[[section]]
id = "s"
title = "S"

[[section.block]]
type = "events"
items = [
  { date = "1917", text = "Trotsky joins the Bolsheviks" },
  { date = "October 1917", text = "The Bolsheviks seize power" },
  { date = "1924", text = "Lenin dies", ask = "event" },
]

[[section.block]]
type = "terms"
items = [{ term = "NEP", definition = "The New Economic Policy, which allowed private trade" }]
"""


def test_each_way_is_asked_as_the_notes_say_in_one_note_type(tmp_path: Path) -> None:
    """Two-way kinds keep one note type whichever ways they are asked (a changed type would not
    update on import); the reverse card shows what its ReversePrompt field says, masked."""
    notes = notesforge.loads(TWO_WAYS, "w.toml", epoch=EPOCH)
    col = open_collection(tmp_path / "ways")
    try:
        import_deck(col, build_one(notes, "anki", tmp_path / "out"))
        asked = sorted(text_of(c.question()) for c in (col.get_card(i) for i in col.find_cards("")))
        assert asked == [
            "S Define the term. NEP",
            "S What happened? 1924",
            "S What happened? October 1917",
            "S When? The Bolsheviks seize power",
            "S When? Trotsky joins the Bolsheviks",  # "1917" does not name one event: not asked date first
            "S Which key term is this? The […], which allowed private trade",
        ]
        assert {col.get_note(n).note_type()["name"] for n in col.find_notes("")} == {
            "notesforge Basic (and reversed card)"
        }
        assert col.get_empty_cards().notes == []
    finally:
        col.close()


def test_the_seed_deck_is_worth_studying(seed_notes: Notes, seed_col) -> None:
    """As the real Anki shows the cards: no answer on its own front, every front asks, no two
    questions alike, and at most a tenth of the questions ask a fact another card asks too."""
    from notesforge.cards import asks
    from notesforge.lint import repeated_share
    from notesforge.masking import content_stems

    col = seed_col
    by_guid = {genanki_guid(card.key): card for card in generate(seed_notes)}
    shown: list[str] = []
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        note = card.note()
        question = card.question()
        front = text_of(question)
        model = by_guid[note.guid]
        asked = model.questions()[card.ord]
        if not model.is_cloze:
            stems = content_stems(plain(asked.back))
            assert not (stems and stems <= content_stems(front.split("?")[-1])), (front, plain(asked.back))
        assert 'class="nf-prompt"' in question or 'class="cloze"' in question or asks(asked.front), front
        shown.append(" ".join(front.split()).casefold())
    assert len(shown) == len(set(shown)) == 136
    repeated, asked = repeated_share(seed_notes)
    assert asked == 136 and repeated / asked <= 0.10


def genanki_guid(key: str) -> str:
    import genanki

    return genanki.guid_for(key)


def test_grid_cells_are_asked_by_row_and_column(build_format, tmp_path: Path) -> None:
    notes = notesforge.load(GRID)
    col = open_collection(tmp_path / "grid")
    try:
        import_deck(col, build_format(notes, "anki"))
        assert col.note_count() == len(list(generate(notes))) == 11
        assert col.card_count() == expected_card_count(notes) == 11
        assert col.get_empty_cards().notes == []
        [nid] = col.find_notes('"Front:First Five-Year Plan (1928–32) — Results?"')
        note = col.get_note(nid)
        assert note.note_type()["name"] == "notesforge Basic"
        assert note["Back"] == "Output of coal and steel doubled"  # not bold: a blank of another card
        [card] = note.cards()
        assert text_of(card.question()) == "The Five-Year Plans First Five-Year Plan (1928–32) — Results?"
        assert text_of(card.answer()).endswith("— Results? Output of coal and steel doubled")
        fronts = sorted(text_of(col.get_note(n)["Front"]) for n in col.find_notes('"note:notesforge Basic"'))
        assert fronts == sorted(
            [
                "First Five-Year Plan (1928–32) — Aims?",
                "First Five-Year Plan (1928–32) — Results?",
                "Second Five-Year Plan (1933–37) — Aims?",  # its empty Results cell asks nothing
                "Third Five-Year Plan (1938–41) — Aims?",
                "Third Five-Year Plan (1938–41) — Results?",
                "Stakhanov — Role?",
                "GOSPLAN — Role?",
            ]
        )
        # ask = ["cells", "blanks"]: the cells with cloze marks are cloze cards too, headed by their row and column.
        [nid] = col.find_notes('"Text:*German invasion*"')
        cloze = col.get_note(nid)
        assert (
            cloze["Text"]
            == "Third Five-Year Plan (1938–41) — Results: Cut short by the German invasion of {{c1::1941}}"
        )
        # The caption is the section's title here: it is not said twice in the context.
        assert (cloze["Extra"], cloze["Context"]) == ("", "The Five-Year Plans")
        [card] = cloze.cards()
        assert text_of(card.question()).endswith("Results: Cut short by the German invasion of [...]")
        assert text_of(card.answer()).endswith("German invasion of 1941")
    finally:
        col.close()


def test_cloze_cards_render_their_blanks(seed_col) -> None:
    col = seed_col
    clozes = [c for c in cards_of(col) if c.note_type()["type"] == 1]
    assert len(clozes) == sum(len(set(CLOZE_MARK.findall(col.get_note(n)["Text"]))) for n in col.find_notes("Text:_*"))
    for card in clozes:
        marks = [m for m in CLOZE_MARK.finditer(card.note()["Text"]) if int(m.group(1)) == card.ord + 1]
        assert marks, card.note()["Text"]
        # The asked deletion is a blank (or its hint) on the question and its answer on the back.
        blanks = ACTIVE_CLOZE.findall(card.question())
        shown = ACTIVE_CLOZE.findall(card.answer())
        assert [text_of(b) for b in blanks] == [f"[{m.group(3)}]" if m.group(3) else "[...]" for m in marks]
        assert [text_of(a) for a in shown] == [text_of(m.group(2)) for m in marks]
        assert all(text_of(m.group(2)) not in blanks[0] for m in marks)
    hinted = col.get_note(col.find_notes('"Text:*at the age of*"')[0])
    assert "{{c3::53::age}}" in hinted["Text"]


def test_every_bullet_is_asked_and_answers_are_short(seed_notes: Notes, seed_col) -> None:
    col = seed_col
    notes = [col.get_note(nid) for nid in col.find_notes("")]
    cloze_texts = {text_of(fill_clozes(n["Text"])) for n in notes if "Text" in n}
    bullets = [b for s in seed_notes.walk() for blk in s.blocks if isinstance(blk, BulletList) for b in blk.items]
    assert len(bullets) == 41
    for bullet in bullets:
        assert " ".join(plain(bullet.text).split()) in cloze_texts

    answers = []
    deletions = []
    for card in cards_of(col):
        note = card.note()
        if "Text" in note:
            deletions += [
                text_of(m.group(2)) for m in CLOZE_MARK.finditer(note["Text"]) if int(m.group(1)) == card.ord + 1
            ]
        else:
            answers.append(text_of(note["Back" if card.ord == 0 else "Front"]))
    median_answer = statistics.median(len(a.split()) for a in answers)
    median_deletion = statistics.median(len(d.split()) for d in deletions)
    assert median_answer <= 8, median_answer
    assert median_deletion <= 6, median_deletion
    assert all(answers) and all(deletions)


# --- identity and updates ----------------------------------------------------


def test_rebuild_is_byte_identical(seed_notes: Notes, tmp_path: Path) -> None:
    first = notesforge.build(seed_notes, ["anki"], tmp_path / "a")[0].path
    again = notesforge.build(notesforge.load(SEED), ["anki"], tmp_path / "b")[0].path
    assert first is not None and again is not None
    assert first.name == "stalin-ussr-1924-41.apkg"
    assert first.read_bytes() == again.read_bytes()
    # The same, rebuilt over the existing file.
    assert notesforge.build(seed_notes, ["anki"], tmp_path / "a")[0].path.read_bytes() == again.read_bytes()


def test_ids_are_fixed_and_guids_come_from_card_keys(seed_notes: Notes, seed_col) -> None:
    import genanki

    # Changing these ids would give every student a second copy of each note type.
    assert [t.id for t in exporter.NOTE_TYPES] == [1133369920, 1142009470, 1269647719]
    assert {m["id"] for m in seed_col.models.all() if m["name"].startswith("notesforge")} == {
        t.id for t in exporter.NOTE_TYPES
    }
    guids = {seed_col.get_note(nid).guid for nid in seed_col.find_notes("")}
    assert guids == {genanki.guid_for(card.key) for card in generate(seed_notes)}


def test_edited_source_reimports_as_update_keeping_review_history(
    seed_col, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    col = seed_col
    notes_before, cards_before = col.note_count(), col.card_count()
    [cid] = col.find_cards('"Front:Which city was renamed Leningrad?"')
    card = col.get_card(cid)
    card.start_timer()
    col.sched.answerCard(card, 4)  # "Easy": graduates at once, so it has an interval
    reviewed = col.get_card(cid)
    assert reviewed.ivl > 0 and reviewed.type == 2
    history = col.db.all("select id, cid, ease, ivl from revlog")
    assert [row[1] for row in history] == [cid]

    # Re-importing the unchanged deck changes nothing.
    log = import_deck(col, notesforge.build(notesforge.load(SEED), ["anki"], tmp_path / "same")[0].path)
    assert (len(log.new), len(log.updated), len(log.duplicate)) == (0, 0, notes_before)

    edited = tmp_path / "notes.toml"
    old = '{ q = "Which city was renamed Leningrad?", a = "Petrograd" }'
    assert old in SEED.read_text(encoding="utf-8")
    edited.write_text(
        SEED.read_text(encoding="utf-8").replace(
            old, '{ q = "Which city was renamed Leningrad?", a = "Petrograd (St Petersburg)" }'
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 1000))
    [outcome] = notesforge.build(notesforge.load(edited), ["anki"], tmp_path / "edited")
    assert outcome.ok and outcome.path is not None
    log = import_deck(col, outcome.path)

    assert len(log.new) == 0 and len(log.conflicting) == 0
    assert len(log.updated) == notes_before
    assert (col.note_count(), col.card_count()) == (notes_before, cards_before)
    after = col.get_card(cid)
    assert after.note()["Back"] == "Petrograd (St Petersburg)"
    assert (after.type, after.queue, after.due, after.ivl) == (
        reviewed.type,
        reviewed.queue,
        reviewed.due,
        reviewed.ivl,
    )
    assert col.db.all("select id, cid, ease, ivl from revlog") == history
    assert our_notetypes(col) == ["notesforge Basic", "notesforge Basic (and reversed card)", "notesforge Cloze"]
    assert col.get_note(after.nid).mod == EPOCH + 1000


# --- text stays text -------------------------------------------------------------


LITERALS = [
    "<script>alert(2)</script>",
    "[sound:x.mp3]",
    "<img src=x onerror=alert(1)>",
    "{{c1::fake}}",
    "Template {{Front}} and {{#Tags}} stay text",
    "[sound:z.mp3]",
    "[latex]\\frac{1}{2}[/latex]",
    "No: [sound:a.mp3]",
    "{{c9::x}}",
    "R&D",
    "<h1>Heading</h1> & [latex]x^2[/latex]",
    "Event with <i>tags</i> & ampersand",
    "Right & {{Back}}",
]


def test_hostile_text_builds_imports_and_stays_inert(hostile_notes: Notes, build_format, tmp_path: Path) -> None:
    apkg = build_format(hostile_notes, "anki")
    col = open_collection(tmp_path / "hostile")
    try:
        import_deck(col, apkg)
        assert col.note_count() == len(list(generate(hostile_notes)))
        assert col.card_count() == expected_card_count(hostile_notes)
        assert col.get_empty_cards().notes == []
        shown = []
        for card in cards_of(col):
            for side, rendered in (("question", card.question()), ("answer", card.answer())):
                assert card.question_av_tags() == [] and card.answer_av_tags() == []
                for tag, attrs in parse_html(rendered).tags:
                    assert tag in {"style", "div", "span", "b", "i", "hr"}, (side, tag, rendered)
                    assert not any(name.startswith("on") for name, _ in attrs)
                for syntax in ("[sound:", "[latex]", "{{", "[anki:"):
                    assert syntax not in rendered
                shown.append(text_of(rendered))
        visible = "\n".join(shown)
        for literal in LITERALS:
            assert literal in visible, literal
        # The cloze whose answer looks like `{{c9::x}}` makes two deletions (c1, c2), not a c9.
        [nid] = col.find_notes('"Text:*tricky*"')
        assert sorted(c.ord for c in col.get_note(nid).cards()) == [0, 1]
        assert col.media.check().missing == [] and list((tmp_path / "hostile").glob("*.media/*")) == []
    finally:
        col.close()


def test_field_text_neutralises_anki_syntax() -> None:
    field = exporter.field_text("a <b> & [sound:x.mp3] {{c1::y}} [latex]z[/latex] \\(m\\)")
    assert "<b>" not in field and "[" not in field and "{" not in field
    assert field.startswith("a &lt;b&gt; &amp; &#91;sound:x.mp3&#93; &#123;&#123;c1::y&#125;&#125;")
    assert "\\" + exporter.WORD_JOINER + "(" in field
    # Inside a deletion `::` and `}}` would end the answer: written as references.
    renderer = exporter.FieldHtml(deletions=True)
    mark = renderer.cloze(notesforge.model.Cloze("a::b}}", "c::d", 2))
    assert mark == "{{c2::a&#58;&#58;b&#125;&#125;::c&#58;&#58;d}}"


# --- source errors, settings, structure ---------------------------------------------


def test_cloze_without_mark_is_a_located_error(seed_notes: Notes, tmp_path: Path) -> None:
    def unmark(block):
        if hasattr(block, "cards"):
            items = tuple(
                dataclasses.replace(c, text=(Text("no marks here"),)) if isinstance(c, ClozeCard) else c
                for c in block.cards
            )
            return dataclasses.replace(block, cards=items)
        return block

    [economy] = [i for i, s in enumerate(seed_notes.sections) if s.id == "economic-power"]
    section = seed_notes.sections[economy]
    broken = dataclasses.replace(section, blocks=tuple(unmark(b) for b in section.blocks))
    sections = seed_notes.sections
    notes = dataclasses.replace(seed_notes, sections=(*sections[:economy], broken, *sections[economy + 1 :]))
    [outcome] = notesforge.build(notes, ["anki"], tmp_path)
    assert not outcome.ok and outcome.source_problem
    line = (
        SEED.read_text(encoding="utf-8")
        .splitlines()
        .index(next(x for x in SEED.read_text(encoding="utf-8").splitlines() if "two-parts-of-command-economy" in x))
    )
    assert f"notes.toml:{line + 1}:" in outcome.error and "cloze mark" in outcome.error
    assert not (tmp_path / "stalin-ussr-1924-41.apkg").exists()


def test_two_notes_with_one_front_are_an_error(seed_notes: Notes, tmp_path: Path) -> None:
    first = seed_notes.sections[0]
    notes = dataclasses.replace(seed_notes, sections=(first, first))
    with pytest.raises(notesforge.NotesError, match="ask the same question"):
        exporter.build_notes(notes)


def test_deck_setting_names_the_deck(seed_notes: Notes, build_format, tmp_path: Path) -> None:
    apkg = build_format(seed_notes, "anki", deck="History ::Stalin")
    col = open_collection(tmp_path / "named")
    try:
        import_deck(col, apkg)
        names = {d.name for d in col.decks.all_names_and_ids()}
        assert "History::Stalin::Key terms" in names and "History" in names
        assert not any(n.startswith(seed_notes.meta.title) for n in names)
    finally:
        col.close()
    hostile = exporter.deck_names(notesforge.load(HOSTILE), "")
    assert hostile[()] == "R&D <script>alert(1)</script> & {{c1: x}}"
    assert all(name.count("::") == len(ids) for ids, name in hostile.items())


def test_css_suits_night_mode_and_phones() -> None:
    css = exporter.CSS
    assert ".card" in css and "sans-serif" in css and "max-width" in css
    assert ".nightMode" in css and ".night_mode" in css
    assert all(int(px) <= 1 for px in re.findall(r"(\d+)px", css))  # hairlines only, no fixed widths


def test_listing_formats_does_not_import_genanki() -> None:
    code = "import sys, notesforge.exporters.anki; assert 'genanki' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


NESTED = """
[notes]
id = "nested"
title = "Economy :: notes"
language = "en"

[[section]]
id = "economy"
title = "The *economy*"

[[section.block]]
type = "paragraph"
text = "No cards here."

[[section.section]]
id = "collectivisation"
title = "Collectivisation"

[[section.section.block]]
type = "bullets"
items = ["Stalin attacked the [[Kulaks]]."]

[[section.section]]
id = "five-year-plans"
title = "The Five-Year Plans"
cards = false

[[section.section.block]]
type = "bullets"
items = ["The plans were managed by [[GOSPLAN]]."]
"""


def test_subsections_nest_decks_tags_and_context(tmp_path: Path) -> None:
    notes = notesforge.loads(NESTED, "nested.toml", epoch=EPOCH)
    apkg = notesforge.build(notes, ["anki"], tmp_path / "out")[0].path
    col = open_collection(tmp_path / "nested")
    try:
        import_deck(col, apkg)
        [nid] = col.find_notes("")
        note = col.get_note(nid)
        assert note["Context"] == "The <i>economy</i> › Collectivisation"
        assert note.tags == ["nested::economy::collectivisation"]
        [card] = note.cards()
        assert col.decks.name(card.did) == "Economy : notes::The economy::Collectivisation"
        # No deck for the subsection without cards.
        assert not any("Five-Year" in d.name for d in col.decks.all_names_and_ids())
    finally:
        col.close()


# --- numbered subdecks: the notes' order in Anki's deck list ---------------------------


def many_sections(top: int, subsections: int) -> str:
    """Notes of `top` sections, the first with `subsections` subsections, each with one cloze bullet.

    The titles run Z to A, so that A-Z order is the reverse of the notes' order.
    """
    lines = ['[notes]\nid = "many"\ntitle = "Many"\nlanguage = "en"\n']
    for n in range(1, top + 1):
        lines.append(f'[[section]]\nid = "s{n}"\ntitle = "Topic {top + 1 - n:03d}"\n')
        lines.append(f'[[section.block]]\ntype = "bullets"\nitems = ["Topic {n} is [[this]]."]\n')
        for m in range(1, subsections + 1 if n == 1 else 1):
            lines.append(f'[[section.section]]\nid = "s{n}-{m}"\ntitle = "Part {chr(ord("Z") - m)}"\n')
            lines.append(f'[[section.section.block]]\ntype = "bullets"\nitems = ["Part {m} is [[that]]."]\n')
    return "\n".join(lines)


def test_numbered_subdecks_sort_in_the_notes_order(seed_notes: Notes, build_format, tmp_path: Path) -> None:
    title = seed_notes.meta.title
    in_notes = [plain(s.title) for s in seed_notes.walk()]
    col = open_collection(tmp_path / "plain")
    try:
        import_deck(col, build_format(seed_notes, "anki"))
        listed = [name.removeprefix(title + "::") for name in tree_order(col) if name.startswith(title + "::")]
        assert listed == sorted(in_notes) != in_notes  # without numbers: A-Z, not the notes' order
    finally:
        col.close()

    apkg = notesforge.build(seed_notes, ["anki"], tmp_path / "numbered", {"anki": {"numbered": "true"}})[0].path
    col = open_collection(tmp_path / "anki")
    try:
        import_deck(col, apkg)
        expected = [f"{title}::{n:02d} {name}" for n, name in enumerate(in_notes, 1)]
        names = [d.name for d in col.decks.all_names_and_ids() if d.name.startswith(title + "::")]
        assert names == sorted(names) == expected
        assert [n for n in tree_order(col) if n.startswith(title + "::")] == expected  # the deck browser's order
        assert cards_by_deck(col)[f"{title}::01 The death of Lenin"] == 8
    finally:
        col.close()


def test_numbers_sort_right_past_ten_and_past_ninety_nine(tmp_path: Path) -> None:
    notes = notesforge.loads(many_sections(101, 12), "many.toml", epoch=EPOCH)
    names = exporter.deck_names(notes, "", numbered=True)
    assert names[("s1",)] == "Many::001 Topic 101" and names[("s101",)] == "Many::101 Topic 001"
    assert names[("s1", "s1-12")] == "Many::001 Topic 101::12 Part N"  # each level numbered on its own
    apkg = notesforge.build(notes, ["anki"], tmp_path / "out", {"anki": {"numbered": "true"}})[0].path
    col = open_collection(tmp_path / "anki")
    try:
        import_deck(col, apkg)
        in_notes = [names[ids] for ids in names if ids]  # sections in document order
        assert len(in_notes) == 113
        assert tree_order(col) == ["Many", *in_notes]  # the deck browser's order (it hides the empty Default)
        assert [d.name for d in col.decks.all_names_and_ids()] == ["Default", "Many", *in_notes]
    finally:
        col.close()


def test_renamed_subdecks_split_a_students_decks(
    seed_notes: Notes, seed_col, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the real importer does when subdecks are renamed, and the student's two ways back."""
    col = seed_col
    title = seed_notes.meta.title
    before = cards_by_deck(col)
    sections = [plain(s.title) for s in seed_notes.walk()]
    assert sum(before.values()) == col.card_count() == 136 and len(before) == 2 + 7
    reviewed = col.get_card(col.find_cards(f'"deck:{title}::The death of Lenin"')[0])
    reviewed.start_timer()
    col.sched.answerCard(reviewed, 4)
    schedule = (reviewed := col.get_card(reviewed.id)).type, reviewed.ivl, reviewed.due
    assert reviewed.ivl > 0

    # Turning numbering on, in a later build: every note updated, no card moves, eight empty decks.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 1000))
    numbered = {"anki": {"numbered": "true"}}
    apkg = notesforge.build(notesforge.load(SEED), ["anki"], tmp_path / "numbered", numbered)[0].path
    log = import_deck(col, apkg)
    assert (len(log.new), len(log.updated), len(log.duplicate), len(log.conflicting)) == (0, 89, 0, 0)
    assert (col.note_count(), col.card_count()) == (89, 136)
    assert all(col.get_note(nid).mod == EPOCH + 1000 for nid in col.find_notes(""))
    after = cards_by_deck(col)
    new_decks = {f"{title}::{n:02d} {name}" for n, name in enumerate(sections, 1)}
    assert set(after) == set(before) | new_decks
    assert {name: after[name] for name in before} == before  # the cards stay where they were
    assert {after[name] for name in new_decks} == {0}  # the numbered decks arrive empty

    # The student's first way back (Browse, Cards > Change Deck, then delete the empty old deck).
    old, new = f"{title}::The death of Lenin", f"{title}::01 The death of Lenin"
    moved = col.set_deck(col.find_cards(f'"deck:{old}"'), col.decks.id_for_name(new)).count
    assert moved == before[old] == 8
    again = col.get_card(reviewed.id)  # its reviews went with it
    assert col.decks.name(again.did) == new and (again.type, again.ivl, again.due) == schedule
    assert [row[0] for row in col.db.all("select cid from revlog")] == [reviewed.id]
    assert col.decks.remove([col.decks.id_for_name(old)]).count == 0  # no card deleted with it
    # The second (delete the empty new deck, then rename the old one). Renamed onto the name of
    # a deck that exists, Anki adds a "+" instead.
    old, new = f"{title}::Key terms", f"{title}::07 Key terms"
    col.decks.rename(col.decks.id_for_name(old), new)
    assert col.decks.name(col.decks.id_for_name(new + "+")) == new + "+"
    col.decks.rename(col.decks.id_for_name(new + "+"), old)
    assert col.decks.remove([col.decks.id_for_name(new)]).count == 0
    col.decks.rename(col.decks.id_for_name(old), new)

    # The next build lands in the mended decks: no deck made, no card moved.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 2000))
    apkg = notesforge.build(notesforge.load(SEED), ["anki"], tmp_path / "later", numbered)[0].path
    mended = cards_by_deck(col)
    log = import_deck(col, apkg)
    assert (len(log.new), len(log.updated)) == (0, 89)
    assert cards_by_deck(col) == mended
    assert mended[f"{title}::01 The death of Lenin"] == 8 and mended[f"{title}::07 Key terms"] == 18
    assert f"{title}::The death of Lenin" not in mended and f"{title}::Key terms" not in mended
    assert sum(mended.values()) == 136


def test_an_edited_section_title_leaves_its_cards_in_the_old_deck(
    seed_col, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    col = seed_col
    before = cards_by_deck(col)
    edited = tmp_path / "notes.toml"
    old = 'title = "The death of Lenin"'
    assert SEED.read_text(encoding="utf-8").count(old) == 1
    edited.write_text(SEED.read_text(encoding="utf-8").replace(old, 'title = "Lenin’s death"'), encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 1000))
    log = import_deck(col, notesforge.build(notesforge.load(edited), ["anki"], tmp_path / "out")[0].path)
    assert (len(log.new), len(log.updated)) == (0, 89)
    after = cards_by_deck(col)
    title = "Stalin’s Dictatorship"
    assert set(after) - set(before) == {f"{title}::Lenin’s death"}
    assert after[f"{title}::Lenin’s death"] == 0 and after[f"{title}::The death of Lenin"] == 8
    # The notes themselves are updated: their context shows the new title.
    [cid] = col.find_cards('"Front:Which city was renamed Leningrad?"')
    card = col.get_card(cid)
    assert card.note()["Context"] == "Lenin’s death" and col.decks.name(card.did) == f"{title}::The death of Lenin"


# --- kinds: which cards go into the deck --------------------------------------------


def test_kinds_choose_the_cards_in_the_deck(seed_notes: Notes, build_format, tmp_path: Path) -> None:
    import genanki

    apkg = build_format(seed_notes, "anki", kinds="basic,term")
    chosen = [c for c in generate(seed_notes) if c.kind in (CardKind.BASIC, CardKind.TERM)]
    col = open_collection(tmp_path / "anki")
    try:
        log = import_deck(col, apkg)
        assert len(log.new) == col.note_count() == len(chosen) == 31
        assert col.card_count() == sum(len(c.questions()) for c in chosen) == 31
        guids = {col.get_note(nid).guid for nid in col.find_notes("")}
        assert guids == {genanki.guid_for(c.key) for c in chosen}
        # Only the note types those cards use are imported: no cloze note type, no cloze card.
        assert our_notetypes(col) == ["notesforge Basic", "notesforge Basic (and reversed card)"]
        assert not col.find_cards("card:Cloze")
        # Subdecks only for sections with cards of those kinds: none for the bullets-only section.
        decks = cards_by_deck(col)
        assert not any(name.endswith("::Steps taken by Stalin to secure power") for name in decks)
        assert decks[f"{seed_notes.meta.title}::Key terms"] == 18
    finally:
        col.close()


def test_kinds_that_leave_no_card_warn(seed_notes: Notes, tmp_path: Path) -> None:
    [outcome] = notesforge.build(seed_notes, ["anki"], tmp_path, {"anki": {"kinds": ""}})
    assert outcome.ok
    [warning] = outcome.warnings
    assert warning.loc.line == 21 and "no cards" in warning.message
    with pytest.raises(notesforge.NotesError, match=r"anki\.kinds: unknown card kind 'terms'; did you mean 'term'"):
        notesforge.build(seed_notes, ["anki"], tmp_path, {"anki": {"kinds": "basic,terms"}})


# --- images ------------------------------------------------------------------------


def image_source(folder: Path, image: str = "images/dot.png") -> Path:
    """Notes in `folder` whose cards show `image`, and a different file also named dot.png."""
    from PIL import Image  # test-only: Pillow comes with pdfplumber

    (folder / "images").mkdir(parents=True)
    (folder / "more").mkdir()
    (folder / "images" / "dot.png").write_bytes(DOT.read_bytes())
    Image.new("RGB", (3, 1), (20, 40, 60)).save(folder / "more" / "dot.png")
    return card_notes(
        folder,
        f'{{ q = "Whose portrait is this?", a = "Lenin’s", image = "{image}" }}',
        '{ q = "Which dot is this?", a = "The other one", image = "more/dot.png" }',
        f'{{ q = "The same file again?", a = "Yes", image = "{image}" }}',
        f'{{ cloze = "Lenin died in [[1924]].", extra = "In Gorki.", image = "{image}" }}',
        '{ q = "A card without an image?", a = "Yes" }',
    )


def test_images_are_bundled_once_as_media_and_shown_with_the_answer(tmp_path: Path) -> None:
    source = image_source(tmp_path / "src")
    notes = notesforge.load(source)
    apkg = notesforge.build(notes, ["anki"], tmp_path / "out")[0].path
    other = (tmp_path / "src" / "more" / "dot.png").read_bytes()
    dot_name = f"notesforge-{hashlib.sha1(DOT.read_bytes()).hexdigest()[:12]}.png"
    other_name = f"notesforge-{hashlib.sha1(other).hexdigest()[:12]}.png"
    with zipfile.ZipFile(apkg) as package:
        media = json.loads(package.read("media"))
        # Numbered entries in name order; the same file once, two files of one name apart.
        assert media == dict(zip(["0", "1"], sorted([dot_name, other_name]), strict=True))
        assert {package.read(n) for n in media} == {DOT.read_bytes(), other}
    col = open_collection(tmp_path / "anki")
    try:
        import_deck(col, apkg)
        folder = Path(col.media.dir())
        assert (folder / dot_name).read_bytes() == DOT.read_bytes()
        assert (folder / other_name).read_bytes() == other
        answers = {text_of(c.question()): c.answer() for c in cards_of(col)}
        shown = f'<img src="{dot_name}">'
        assert shown in answers["Lenin Whose portrait is this?"]
        assert shown in answers["Lenin The same file again?"]
        assert f'<img src="{other_name}">' in answers["Lenin Which dot is this?"]
        [cloze] = [a for q, a in answers.items() if "died in" in q]
        assert shown in cloze and "In Gorki." in text_of(cloze)
        assert "<img" not in answers["Lenin A card without an image?"]
        assert not any("<img" in c.question() for c in cards_of(col))
        check = col.media.check()
        assert check.missing == [] and check.unused == []
    finally:
        col.close()
    again = notesforge.build(notes, ["anki"], tmp_path / "again")[0].path
    assert again.read_bytes() == apkg.read_bytes()


def test_a_missing_image_exits_2_with_its_location(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from notesforge.cli import cli

    source = image_source(tmp_path / "src", image="images/lenin.png")
    result = CliRunner().invoke(cli, ["build", str(source), "-f", "anki", "-o", str(tmp_path / "out"), "-j", "1"])
    assert result.exit_code == 2, result.output
    where = f"{source}:{FIRST_CARD_LINE}:59"
    message = f"error: image 'images/lenin.png' not found (looked in {source.parent}/images/)"
    assert f"{where}: {message}" in result.stderr
    assert not (tmp_path / "out" / "pictures.apkg").exists()


def test_an_image_removed_after_reading_is_a_located_error(tmp_path: Path) -> None:
    notes = notesforge.load(image_source(tmp_path / "src"))
    (tmp_path / "src" / "more" / "dot.png").unlink()
    with pytest.raises(NotesError) as caught:
        exporter.build_notes(notes)
    [problem] = caught.value.diagnostics
    assert problem.headline().endswith(
        f":{FIRST_CARD_LINE + 1}:60: error: image 'more/dot.png' cannot be read: No such file or directory"
    )


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_guid_for_is_genankis(key: str) -> None:
    # The deck's GUIDs and the card record's are made without genanki; they must be its own.
    import genanki

    assert exporter.guid_for(key) == genanki.guid_for(key)


def test_note_rows_are_those_genanki_writes(seed_notes: Notes) -> None:
    """Notes and cards are written as rows directly: the same rows, in the same order, as
    `genanki.Note.write_to_db` writes for the same notes (cloze numbers out of order and
    repeated, a reversed note without a reverse card, and every note of the seed)."""
    import sqlite3

    import genanki
    from genanki.apkg_schema import APKG_SCHEMA

    made = exporter.build_notes(seed_notes)
    odd = [
        exporter.AnkiNote("g1", exporter.CLOZE, ("{{c3::a}} {{c1::b}} {{c3::c}} {{c12::d}}", "", "", ""), (), ("t",)),
        exporter.AnkiNote("g2", exporter.REVERSED, ("front", "back", "", "", ""), (), ("t",)),
        exporter.AnkiNote("g3", exporter.CLOZE, ("no deletion", "", "", ""), (), ()),
    ]
    notes = [(due, note) for due, note in enumerate(odd + made)]
    models = {t.key: exporter._genanki_model(genanki, t) for t in exporter.NOTE_TYPES}

    def rows(write) -> list[list[tuple]]:
        conn = sqlite3.connect(":memory:")
        conn.executescript(APKG_SCHEMA)
        write(conn.cursor())
        return [conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall() for table in ("notes", "cards")]

    def ours(cursor) -> None:
        exporter._NoteRows({key: exporter._ModelCards(m) for key, m in models.items()}, EPOCH).write(cursor, 7, notes)

    def genankis(cursor) -> None:
        ids = itertools.count(EPOCH * 1000)
        for due, note in notes:
            g = genanki.Note(models[note.type.key], list(note.fields), tags=list(note.tags), guid=note.guid, due=due)
            g.write_to_db(cursor, EPOCH, 7, ids)

    expected = rows(genankis)
    assert len(expected[1]) > len(notes)  # reversed notes and cloze numbers make more cards than notes
    assert rows(ours) == expected
