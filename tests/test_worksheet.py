"""The fill-in-the-blanks worksheet, read back: blanks where the answers were, the key at the end."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner
from support.common import EPOCH, GRID, SEED
from support.pdf import MM, Pdf, squash
from support.prints import build, check_print_basics, nows

import notesforge
from notesforge.cli import cli
from notesforge.inline import clozes, plain
from notesforge.model import BulletList, CardList, ClozeCard, ComparisonTable, Grid, Notes, Rich


def test_worksheet_basics(tmp_path: Path) -> None:
    check_print_basics("worksheet", tmp_path)


# --- the worksheet -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> Notes:
    return notesforge.loads(SEED.read_bytes(), str(SEED), epoch=EPOCH)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("worksheet")


def read(path: Path) -> tuple[str, str, list[str]]:
    """(body without whitespace, answers key, every page's text) of a worksheet, footers left out."""
    with pdfplumber.open(path) as pdf:
        # Content-stream order keeps each bullet and table cell in one piece (as in test_pdf.py).
        pages = [
            squash(p.crop((0, 0, p.width, p.height - 16 * MM)).extract_text(use_text_flow=True) or "")
            for p in pdf.pages
        ]
        assert all(p.width == pytest.approx(595.28, abs=0.01) for p in pdf.pages)  # A4, portrait
    [start] = [i for i, page in enumerate(pages) if page.startswith("Answers")]
    return nows(" ".join(pages[:start])), " ".join(pages[start:]), pages


def blank_blocks(notes: Notes, ids: Sequence[str] = ()) -> list[tuple[bool, list[Rich]]]:
    """(is a table, its texts) of every block that carries blanks, in worksheet order.

    A bullet list's texts are its bullets; a table's are its points row by row.
    """
    if ids:
        by_id = {s.id: s for s in notes.walk()}
        sections = list({s.id: s for i in ids for s in by_id[i].walk()}.values())
    else:
        sections = list(notes.walk())
    blocks: list[tuple[bool, list[Rich]]] = []
    for section in sections:
        for block in section.blocks:
            if isinstance(block, BulletList):
                blocks.append((False, [b.text for b in block.items]))
            elif isinstance(block, CardList) and any(isinstance(c, ClozeCard) for c in block.cards):
                blocks.append((False, [c.text for c in block.cards if isinstance(c, ClozeCard)]))
            elif isinstance(block, ComparisonTable):
                depth = max(len(c.points) for c in block.columns)
                blocks.append(
                    (True, [c.points[i].text for i in range(depth) for c in block.columns if i < len(c.points)])
                )
    return blocks


def blank_items(notes: Notes, ids: Sequence[str] = ()) -> list[Rich]:
    """The texts that carry blanks, in worksheet order."""
    return [rich for _, texts in blank_blocks(notes, ids) for rich in texts]


def blanked(rich: Rich, first: int) -> str:
    """`rich` as the worksheet prints it: each cloze its number (and hint), numbered from `first`."""
    numbers = iter(range(first, first + len(clozes(rich))))

    def mark(cloze: object) -> str:
        hint = getattr(cloze, "hint", None)
        return f"({next(numbers)})" + (f"({hint})" if hint else "")

    return nows(plain(rich, mark))


def check_blanks_and_key(body: str, key: str, items: list[Rich]) -> None:
    """Each item in order, its answers blanked and numbered; the key lists every answer under its number."""
    at, number = 0, 1
    answers: list[str] = []
    for rich in items:
        expected = blanked(rich, number)
        found = body.find(expected, at)
        assert found >= 0, f"not printed (in order) with its blanks: {expected}"
        at = found + len(expected)
        if clozes(rich):
            assert nows(plain(rich)) not in body, f"answer shown in the body: {plain(rich)}"
        number += len(clozes(rich))
        answers += [c.answer for c in clozes(rich)]
    assert answers, "no blanks"
    listed = [int(n) for n in re.findall(r"(?:^|\s)(\d+)\. ", key)]
    assert listed == list(range(1, len(answers) + 1))
    key_text, at = nows(key), 0
    for n, answer in enumerate(answers, 1):
        found = key_text.find(f"{n}.{nows(answer)}", at)
        assert found >= 0, f"answer {n} ({answer}) not in the key, in order"
        at = found


def test_every_cloze_of_the_seed_is_a_numbered_blank_and_keyed_at_the_end(seed: Notes, out: Path) -> None:
    path = build(seed, "worksheet", out / "all").path
    body, key, pages = read(path)
    items = blank_items(seed)
    assert sum(len(clozes(r)) for r in items) == 97  # bullets, table points and cloze cards
    check_blanks_and_key(body, key, items)
    assert len(pages) == 5
    # A bookmark for each section that prints (the key terms have no blanks) and for the answers.
    outline = Pdf(path).outline()
    shown = [plain(s.title) for s in seed.sections if s.id != "key-terms"]
    assert [(level, title) for level, title, _ in outline] == [(0, t) for t in [*shown, "Answers"]]
    for _, title, page in outline:
        assert nows(title) in nows(pages[page - 1]), (title, page)
    assert outline[-1][2] == len(pages) and pages[-1].startswith("Answers")
    # Headings and the paragraphs stay as context; explicit question cards are not on the worksheet.
    assert nows("The death of Lenin") in body and nows("In his Testament (will) Lenin had warned") in body
    assert nows("When did Lenin die?") not in body


def test_the_cloze_marks_of_grid_cells_are_numbered_blanks_in_the_grid(tmp_path: Path) -> None:
    notes = notesforge.loads(GRID.read_bytes(), str(GRID), epoch=EPOCH)
    path = build(notes, "worksheet", tmp_path).path
    body, key, _ = read(path)
    cells = [c.text for grid in notes.blocks(Grid) for row in grid.rows for c in row.cells if c.text]
    check_blanks_and_key(body, key, cells)
    assert "1. coal, iron, steel 2. doubled 3. Rearmament 4. 1941" in key
    with pdfplumber.open(path) as pdf:
        tables = [t for page in pdf.pages for t in page.extract_tables()]
    [plans] = [t for t in tables if t[0] == ["Plan", "Aims", "Results"]]
    assert [squash(row[0]) for row in plans[1:]] == [plain(r.heading) for r in next(notes.blocks(Grid)).rows]
    assert nows(plans[1][1]) == "Heavyindustry:(1)" and nows(plans[1][2]) == "Outputofcoalandsteel(2)"
    assert nows(plans[3][1]) == "(3)(what?)" and plans[2][2] == ""
    # A subsection's bookmark sits under its section's.
    levels = [(level, title) for level, title, _ in Pdf(path).outline()]
    assert levels == [(0, "The Five-Year Plans"), (1, "Who did what"), (0, "Answers")]


def test_hints_print_after_their_blank_in_small_print(tmp_path: Path) -> None:
    notes = notesforge.loads(
        b'[notes]\nid = "h"\ntitle = "Hints"\nlanguage = "en"\n[[section]]\nid = "s"\ntitle = "S"\n'
        b'[[section.block]]\ntype = "bullets"\n'
        b'items = ["The capital is [[Paris|city]], on the [[Seine]].",\n'
        b'  "A [[b]] and [[a much longer answer indeed]]."]\n',
        "hints.toml",
        epoch=EPOCH,
    )
    path = build(notes, "worksheet", tmp_path).path
    body, key, _ = read(path)
    assert "Thecapitalis(1)(city),onthe(2)." in body
    assert "1. Paris 2. Seine 3. b 4. a much longer answer indeed" in key
    with pdfplumber.open(path) as pdf:
        chars = pdf.pages[0].chars
        text = "".join(c["text"] for c in chars)
        hint = text.index("(city)")
        assert all(c["size"] < 9 for c in chars[hint : hint + 6])  # small print
        assert chars[text.index("capital")]["size"] == pytest.approx(11)
        # Each blank is a line of underscores sized to its answer, never shorter than a short word.
        runs = [len(m) for m in re.findall(r"_+", text[text.index("capital") :])]
        assert len(runs) == 4 and runs[3] > 2 * runs[2] and runs[2] >= 8


def test_sections_picks_sections_in_the_order_given(seed: Notes, out: Path) -> None:
    ids = ["who-would-succeed-lenin", "death-of-lenin"]
    body, key, _ = read(build(seed, "worksheet", out / "some", sections=",".join(ids)).path)
    check_blanks_and_key(body, key, blank_items(seed, ids))
    assert body.index(nows("Who would succeed Lenin?")) < body.index(nows("The death of Lenin"))
    assert nows("The background of Stalin and Trotsky") not in body


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout + result.stderr


def test_an_unknown_section_id_on_the_command_line_exits_2_naming_the_known_ids(tmp_path: Path) -> None:
    code, output = run_cli(
        "build", str(SEED), "-f", "worksheet", "-o", str(tmp_path), "--set", "worksheet.sections=death-of-lenin,nope"
    )
    assert code == 2, output
    assert "--set worksheet.sections" in output
    assert "unknown section id 'nope'" in output
    assert "known: death-of-lenin, background-of-stalin-and-trotsky, who-would-succeed-lenin," in output
    assert not list(tmp_path.glob("*.pdf"))


def test_an_unknown_section_id_in_the_notes_is_located_at_the_setting(tmp_path: Path) -> None:
    source = tmp_path / "notes.toml"
    text = SEED.read_text(encoding="utf-8") + '\n[export.worksheet]\nsections = ["death-of-lenin", "economic-powr"]\n'
    source.write_text(text, encoding="utf-8")
    line = text.splitlines().index('sections = ["death-of-lenin", "economic-powr"]') + 1
    code, output = run_cli("build", str(source), "-f", "worksheet", "-o", str(tmp_path / "out"))
    assert code == 2, output
    assert (
        f"{source}:{line}:12: error: worksheet.sections: unknown section id 'economic-powr'; "
        "did you mean 'economic-power'?"
    ) in output
    # The same id given on the command line replaces the file's setting.
    out = str(tmp_path / "out")
    code, output = run_cli(
        "build", str(source), "-f", "worksheet", "-o", out, "--set", "worksheet.sections=economic-power"
    )
    assert code == 0, output


def shuffled_order(body: str, items: list[Rich]) -> list[int]:
    """The order in which a (possibly shuffled) worksheet prints `items`, as indexes into `items`."""
    plain_body = re.sub(r"\(\d+\)", "", body)

    def hint_only(cloze: object) -> str:
        hint = getattr(cloze, "hint", None)
        return f"({hint})" if hint else ""

    positions = []
    for i, rich in enumerate(items):
        found = plain_body.find(nows(plain(rich, hint_only)))
        assert found >= 0, plain(rich)
        positions.append((found, i))
    return [i for _, i in sorted(positions)]


def test_shuffle_with_a_seed_reorders_bullets_the_same_way_every_time(seed: Notes, out: Path) -> None:
    items = blank_items(seed)
    plain_order = shuffled_order(read(build(seed, "worksheet", out / "plain").path)[0], items)
    assert plain_order == list(range(len(items)))

    one, again, other = (
        build(seed, "worksheet", out / name, shuffle=True, seed=number).path
        for name, number in (("s7", 7), ("s7b", 7), ("s8", 8))
    )
    assert one.read_bytes() == again.read_bytes()
    body, key, pages = read(one)
    order = shuffled_order(body, items)
    assert order != plain_order and sorted(order) == plain_order
    assert order != shuffled_order(read(other)[0], items)
    check_blanks_and_key(body, key, [items[i] for i in order])  # numbered down the shuffled sheet
    assert "version 7" in pages[0]
    # Bullets move only within their own list; a table keeps its points in place.
    start = 0
    for is_table, texts in blank_blocks(seed):
        block = list(range(start, start + len(texts)))
        placed = order[start : start + len(texts)]
        assert sorted(placed) == block
        if is_table:
            assert placed == block
        start += len(texts)
