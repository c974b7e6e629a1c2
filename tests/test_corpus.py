"""The benchmark corpus is valid notes with the promised contents, and the same bytes every time."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import notesforge
from notesforge.cards import generate
from notesforge.inline import clozes
from notesforge.model import BulletList, CardList, ComparisonTable, Glossary, Notes, Timeline

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "benchmarks" / "corpus.py"

# At scale 1 (the figures).
TARGETS = {
    "sections": 100,
    "bullets": 2000,
    "cloze bullets": 2000 / 3,
    "tables": 20,
    "events": 200,
    "terms": 200,
    "explicit cards": 500,
}


def write_corpus(scale: int, out: Path) -> Path:
    subprocess.run([sys.executable, str(CORPUS), "--scale", str(scale), "--out", str(out)], check=True, timeout=60)
    return out


def counts(notes: Notes) -> dict[str, int]:
    blocks = [block for section in notes.walk() for block in section.blocks]
    bullets = [b for block in blocks if isinstance(block, BulletList) for b in block.items]
    return {
        "sections": sum(1 for _ in notes.walk()),
        "bullets": len(bullets),
        "cloze bullets": sum(1 for b in bullets if clozes(b.text)),
        "tables": sum(isinstance(b, ComparisonTable) for b in blocks),
        "events": sum(len(b.events) for b in blocks if isinstance(b, Timeline)),
        "terms": sum(len(b.terms) for b in blocks if isinstance(b, Glossary)),
        "explicit cards": sum(len(b.cards) for b in blocks if isinstance(b, CardList)),
    }


@pytest.fixture(scope="module")
def corpus_1(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(1, tmp_path_factory.mktemp("corpus") / "scale-1.toml")


@pytest.fixture(scope="module")
def notes_1(corpus_1: Path) -> Notes:
    return notesforge.load(corpus_1)  # raises on any problem, duplicate card fronts included


def test_scale_1_loads_with_the_target_counts(notes_1: Notes) -> None:
    notes = notes_1
    got = counts(notes)
    for what, target in TARGETS.items():
        assert abs(got[what] - target) <= 0.05 * target, (what, got[what], target)
    tables = [b for s in notes.walk() for b in s.blocks if isinstance(b, ComparisonTable)]
    assert {len(t.columns) for t in tables} == {2, 3}
    assert len({s.depth for s in notes.walk()}) >= 2  # subsections too
    assert len(list(generate(notes))) > 1500


def test_unicode_and_text_to_escape(corpus_1: Path) -> None:
    text = corpus_1.read_text(encoding="utf-8")
    assert re.search(r"[àâçéèêëîïôöûüñãõłó]", text, re.I), "accents"
    assert re.search(r"[\u0400-\u04ff]", text), "Cyrillic"
    assert re.search(r"[\u0370-\u03ff\u1f00-\u1fff]", text), "Greek"
    for special in ("<b>", "R&D", "{{c1::x}}", "[sound:a.mp3]"):
        assert special in text


def test_events_have_distinct_dates(notes_1: Notes) -> None:
    dates = [e.date for s in notes_1.walk() for b in s.blocks if isinstance(b, Timeline) for e in b.events]
    assert len(dates) == len(set(dates)) == 200
    assert all(re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", d) for d in dates)


def test_deterministic_and_scaled(corpus_1: Path, notes_1: Notes, tmp_path: Path) -> None:
    again = write_corpus(1, tmp_path / "again.toml")
    assert again.read_bytes() == corpus_1.read_bytes()
    double = notesforge.load(write_corpus(2, tmp_path / "scale-2.toml"))
    single = counts(notes_1)
    for what, n in counts(double).items():
        assert n == 2 * single[what], what


def test_bad_scale_is_refused(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(CORPUS), "--scale", "0", "--out", str(tmp_path / "x.toml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--scale" in done.stderr
    assert not (tmp_path / "x.toml").exists()
