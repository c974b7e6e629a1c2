"""benchmarks/_without.py turns off what it says, and nothing else: anki_costs.py times the wrong
thing otherwise."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

WITHOUT = Path(__file__).resolve().parent.parent / "benchmarks" / "_without.py"

NOTES = """\
[notes]
id = "costs"
title = "Costs"
language = "en"

[[section]]
id = "s"
title = "S"

[[section.block]]
type = "cards"
items = [
  { cloze = "[[Stalin]] defeated Trotsky, and Stalin ruled until 1953." },
  { q = "Who was exiled in 1929?", a = "Trotsky" },
  { q = "Who was exiled in 1929?", a = "Trotsky again" },
]
"""

# The same notes without the card that asks its question twice.
UNIQUE = NOTES.replace('  { q = "Who was exiled in 1929?", a = "Trotsky again" },\n', "")

pytestmark = pytest.mark.slow  # command lines run as subprocesses


def build(tmp_path: Path, features: str, notes: str = NOTES) -> tuple[subprocess.CompletedProcess, Path]:
    folder = tmp_path / (features.replace(",", "-") or "none")
    folder.mkdir()
    source = folder / "notes.toml"
    source.write_text(notes, encoding="utf-8")
    argv = [sys.executable, str(WITHOUT), features, "build", str(source), "-f", "anki", "-o", str(folder), "-q"]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120), folder


def fronts(package: Path) -> list[str]:
    with zipfile.ZipFile(package) as z:
        db = package.with_suffix(".anki2")
        db.write_bytes(z.read("collection.anki2"))
    with sqlite3.connect(db) as conn:
        return [flds.split("\x1f")[0] for (flds,) in conn.execute("SELECT flds FROM notes ORDER BY id")]


def test_the_duplicate_question_check_alone_is_turned_off(tmp_path):
    on, _ = build(tmp_path, "")
    assert on.returncode == 2 and "two cards ask the same question" in on.stderr
    off, folder = build(tmp_path, "duplicates")
    assert off.returncode == 0, off.stderr
    assert (folder / "costs.apkg").exists() and (folder / "notes.cards").exists()


def test_the_card_record_is_not_written(tmp_path):
    on, with_record = build(tmp_path, "", UNIQUE)
    off, without = build(tmp_path, "record", UNIQUE)
    assert on.returncode == off.returncode == 0, on.stderr + off.stderr
    assert (with_record / "notes.cards").exists() and not (without / "notes.cards").exists()


def test_deflate_off_stores_the_entries(tmp_path):
    on, deflated = build(tmp_path, "", UNIQUE)
    off, stored = build(tmp_path, "deflate", UNIQUE)
    assert on.returncode == off.returncode == 0, on.stderr + off.stderr
    with zipfile.ZipFile(deflated / "costs.apkg") as a, zipfile.ZipFile(stored / "costs.apkg") as b:
        assert {i.compress_type for i in a.infolist()} == {zipfile.ZIP_DEFLATED}
        assert {i.compress_type for i in b.infolist()} == {zipfile.ZIP_STORED}
        assert a.read("collection.anki2") == b.read("collection.anki2")


def test_masking_off_leaves_the_answer_showing(tmp_path):
    on, masked = build(tmp_path, "", UNIQUE)
    off, unmasked = build(tmp_path, "masking", UNIQUE)
    assert on.returncode == off.returncode == 0, on.stderr + off.stderr
    [cloze_on, basic_on] = fronts(masked / "costs.apkg")
    [cloze_off, basic_off] = fronts(unmasked / "costs.apkg")
    assert cloze_on.count("{{c1::Stalin}}") == 2  # the answer written again is guarded too
    assert cloze_off.count("{{c1::Stalin}}") == 1 and "and Stalin ruled" in cloze_off
    assert basic_on == basic_off


def test_all_four_off_still_builds_the_same_notes(tmp_path):
    on, every = build(tmp_path, "", UNIQUE)
    off, bare = build(tmp_path, "duplicates,record,deflate,masking", UNIQUE)
    assert on.returncode == off.returncode == 0, on.stderr + off.stderr
    assert len(fronts(every / "costs.apkg")) == len(fronts(bare / "costs.apkg")) == 2


def test_an_unknown_feature_is_refused(tmp_path):
    done, _ = build(tmp_path, "speed")
    assert done.returncode != 0 and "no feature 'speed'" in done.stderr
