"""The reader's key positions: the quick header scan a build uses finds exactly the headers that
the full scan (made only when a location is shown) finds, and locations are found lazily."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notesforge import reader
from notesforge.model import Location
from notesforge.reader.positions import Path as KeyPath
from notesforge.reader.positions import Positions

ROOT = Path(__file__).resolve().parents[1]
TRICKY = (ROOT / "tests" / "fixtures" / "positions" / "tricky.toml").read_text(encoding="utf-8")


class _Recorded(Positions):
    """The full scan, noting each header's path and offset as it reads it."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.seen: dict[KeyPath, int] = {}

    def _header(self) -> KeyPath:
        start = self._i
        path = super()._header()
        self.seen.setdefault(path, start)
        return path


def assert_headers_as_full_scan(text: str) -> None:
    tomllib.loads(text)  # valid TOML, as the reader gives the scanners
    full = _Recorded(text)
    full.keys  # noqa: B018 - runs the full scan
    assert Positions(text).headers == full.seen


def test_tricky_headers() -> None:
    full = _Recorded(TRICKY)
    full.keys  # noqa: B018
    assert ("section", 1, "block", 0) in full.seen and len(full.seen) == 8
    assert_headers_as_full_scan(TRICKY)


def _toml_files() -> list[Path]:
    """Every TOML file of the tests that is TOML (the invalid fixtures stop the reader before any scan)."""
    found = []
    for path in sorted(p for p in (ROOT / "tests").rglob("*.toml") if p.is_file()):
        try:
            tomllib.loads(path.read_bytes().decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
            continue
        found.append(path)
    return [*found, ROOT / "source" / "notes.toml"]


@pytest.mark.parametrize("path", _toml_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_headers_of_every_test_file(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert_headers_as_full_scan(text)
    assert_headers_as_full_scan(text.replace("\n", "\r\n"))  # as saved on Windows


_texts = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("[]{}#\"'\n\\"), max_size=30)


def _string(value: str, style: int) -> str:
    if style == 1 and "'''" not in value and not value.endswith("'"):
        return f"'''{value}'''"
    if style == 2 and "'" not in value and "\n" not in value:
        return f"'{value}'"
    return json.dumps(value, ensure_ascii=False)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["[[section]]", "[[section.block]]", "[[section.section]]", "kv"]),
            _texts,
            st.integers(0, 2),
        ),
        max_size=12,
    )
)
def test_headers_of_generated_files(lines: list[tuple[str, str, int]]) -> None:
    out, keys = [], 0
    for kind, value, style in lines:
        if kind == "kv":
            keys += 1
            out.append(f"k{keys} = [{_string(value, style)}, {{ t = {_string(value, 0)} }}]  # {value[:3]!r}")
        elif kind != "[[section]]" and not any(line.startswith("[[section") for line in out):
            out.append("[[section]]")
            out.append(kind)
        else:
            out.append(kind)
    text = "\n".join(out) + "\n"
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return
    assert_headers_as_full_scan(text)


def test_locations_are_found_when_shown() -> None:
    notes = reader.load(ROOT / "source" / "notes.toml")
    section = notes.sections[1]
    assert section.loc._finder is not None  # not found while reading
    lines = (ROOT / "source" / "notes.toml").read_text(encoding="utf-8").splitlines()
    assert lines[section.loc.line - 1].strip() == "[[section]]" and section.loc.col == 1
    assert section.loc == Location(section.loc.path, section.loc.line, 1)
    assert section.loc._finder is None  # found once, then kept


def test_a_location_leaves_the_process_found(tmp_path: Path) -> None:
    # Pickled (worker results, the course cache): as a plain location, its line and column found.
    script = (
        "import pickle, sys\n"
        "from notesforge import reader\n"
        "notes = reader.load(sys.argv[1])\n"
        "sys.stdout.buffer.write(pickle.dumps(notes.sections[1].loc))\n"
    )
    out = subprocess.run([sys.executable, "-c", script, str(ROOT / "source" / "notes.toml")], capture_output=True)
    import pickle

    loc = pickle.loads(out.stdout)
    assert loc._finder is None and loc.line > 1 and loc.col == 1


def test_a_build_without_problems_never_scans_every_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The full scan is for shown locations; a build of clean notes needs only the headers. A
    # comparison or hash of model nodes (which hold locations) would bring the scan back.
    from notesforge import pipeline

    scans: list[int] = []
    full_scan = Positions._scan
    monkeypatch.setattr(Positions, "_scan", lambda self: scans.append(1) or full_scan(self))
    source = tmp_path / "notes.toml"
    source.write_bytes((ROOT / "source" / "notes.toml").read_bytes())
    outcomes = pipeline.build_source(source, ["all"], tmp_path / "out", jobs=1)
    assert outcomes and all(o.ok for o in outcomes)
    assert scans == []
    reader.load(ROOT / "tests" / "data" / "hostile.toml").sections[0].loc.line  # noqa: B018 - shown: scanned
    assert scans == [1]
