"""Outputs are never lost, and the same source gives the same bytes everywhere."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import notesforge
from notesforge import registry
from notesforge.files import TEMP_PREFIX, TEMP_SUFFIX

SEED = Path(__file__).resolve().parents[1] / "source" / "notes.toml"
FORMATS = registry.names()


def cli(*args: str, env: dict[str, str] | None = None, **kwargs) -> subprocess.Popen:
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "notesforge", *args], env=full_env, **kwargs)


def build_all(source: Path, out: Path, env: dict[str, str] | None = None) -> dict[str, bytes]:
    if source == SEED:  # a copy beside the outputs, so that its card record is not written into source/
        source = out.parent / f"{out.name}-seed" / SEED.name
        source.parent.mkdir(parents=True, exist_ok=True)
        source.write_bytes(SEED.read_bytes())
    done = cli(
        "build", str(source), "-f", "all", "-o", str(out), "--force", "-q", env=env, stderr=subprocess.PIPE, text=True
    )
    _, err = done.communicate(timeout=600)
    assert done.returncode == 0, err
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if not p.name.startswith(".")}


@pytest.mark.slow
def test_every_format_is_byte_identical_across_processes_time_zones_and_locales(tmp_path: Path) -> None:
    first = build_all(SEED, tmp_path / "a", {"TZ": "UTC", "LC_ALL": "C"})
    second = build_all(SEED, tmp_path / "b", {"TZ": "Pacific/Chatham", "LC_ALL": "C.UTF-8", "LANG": "de_DE.UTF-8"})
    assert sorted(first) == sorted(second)
    assert len(first) == len(FORMATS)
    for name in first:
        assert first[name] == second[name], f"{name} differs between builds"


@pytest.mark.slow
def test_a_failed_build_leaves_every_earlier_output_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "out"
    before = build_all(SEED, out)
    broken = tmp_path / "notes.toml"
    broken.write_text(
        SEED.read_text(encoding="utf-8").replace('title = "The death of Lenin"', "title = "), encoding="utf-8"
    )
    done = cli("build", str(broken), "-f", "all", "-o", str(out), "--force", stderr=subprocess.PIPE, text=True)
    _, err = done.communicate(timeout=120)
    assert done.returncode == 2 and f"{broken}:" in err and "Traceback" not in err
    after = {p.name: p.read_bytes() for p in sorted(out.iterdir()) if not p.name.startswith(".")}
    assert after == before


@pytest.mark.slow
def test_a_killed_build_leaves_old_or_complete_new_files_and_the_next_build_cleans_up(tmp_path: Path) -> None:
    edited = tmp_path / "notes.toml"
    edited.write_text(SEED.read_text(encoding="utf-8").replace("Petrograd was renamed", "Petrograd was soon renamed"))
    old = build_all(SEED, tmp_path / "old")
    new = build_all(edited, tmp_path / "new")
    assert old != new
    out = tmp_path / "out"
    # Kill builds at spread-out moments; after each, every output is the old or the new file, whole.
    for delay in (0.05, 0.3, 0.6, 1.0, 1.5, 2.5):
        if out.exists():
            for stale in out.iterdir():
                stale.unlink()
        out.mkdir(exist_ok=True)
        for name, data in old.items():
            (out / name).write_bytes(data)
        build = cli("build", str(edited), "-f", "all", "-o", str(out), "--force", "-j", "1", "-q")
        time.sleep(delay)
        build.send_signal(signal.SIGKILL)
        build.wait(timeout=60)
        for path in out.iterdir():
            if path.name.startswith(TEMP_PREFIX) or path.name.startswith("."):
                continue
            assert path.read_bytes() in (old[path.name], new[path.name]), f"{path.name} is neither old nor new"
    build_all(edited, out)
    assert not list(out.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"))


def test_building_into_a_read_only_folder_fails_cleanly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An exporter that cannot write (full disk, permissions) fails alone and keeps the earlier file."""
    out = tmp_path / "out"
    notes = notesforge.load(SEED)
    [first] = notesforge.build(notes, ["markdown"], out)
    earlier = first.path.read_bytes()

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("notesforge.files.os.replace", disk_full)
    outcomes = notesforge.build(notes, ["markdown"], out, jobs=1)
    assert [o.ok for o in outcomes] == [False]
    assert "No space left on device" in outcomes[0].error
    assert first.path.read_bytes() == earlier
    assert not list(out.glob(f"{TEMP_PREFIX}*"))


@pytest.mark.slow
def test_twenty_thousand_character_texts_build_in_every_format(tmp_path: Path) -> None:
    """A pasted wall of text, or one endless word, in every kind of block: every format still builds."""
    words = " ".join(f"w{i}" for i in range(3000))  # about 20,000 characters
    word = "x" * 20_000
    source = tmp_path / "long.toml"
    source.write_text(
        f"""
[notes]
id = "long"
title = "Long"
language = "en"

[[section]]
id = "s"
title = "S"

[[section.block]]
type = "bullets"
items = ["bullet {words} [[end]]", "{word}"]

[[section.block]]
type = "table"
[[section.block.columns]]
heading = "A"
points = ["point {words}"]
[[section.block.columns]]
heading = "B"
points = ["[[{word}]]"]

[[section.block]]
type = "events"
items = [{{ date = "1924", text = "event {words}" }}]

[[section.block]]
type = "terms"
items = [{{ term = "T", definition = "definition {words}" }}]

[[section.block]]
type = "cards"
items = [{{ q = "Q {word}", a = "answer {words}" }}]
""",
        encoding="utf-8",
    )
    built = build_all(source, tmp_path / "out")
    assert len(built) == len(FORMATS)
    markdown = built["long.md"].decode()
    assert "w2999" in markdown and word in markdown
