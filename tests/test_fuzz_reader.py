"""Broken sources: the command line refuses each with exit status 2 and a located error; the reader,
fed mutated sources, only ever answers with notes or located errors, never another exception.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, event, example, given, note, settings
from hypothesis import strategies as st
from support.strategies import documents

import notesforge
from notesforge.cards import generate
from notesforge.diagnostics import NotesError
from notesforge.exporters.markdown import to_markdown
from notesforge.reader import MAX_SOURCE_BYTES

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
INVALID = sorted((TESTS / "fixtures" / "invalid").glob("*.toml"))
SEEDS = [
    ROOT / "source" / "notes.toml",
    TESTS / "data" / "hostile.toml",
    *sorted((TESTS / "fixtures" / "valid").glob("*.toml")),
]
NAME = "fuzz.toml"
FUZZ_EXAMPLES = int(os.environ.get("NOTESFORGE_FUZZ_EXAMPLES", "400"))


def check(*args: str, cwd: Path, limit_memory: bool = False) -> subprocess.CompletedProcess[str]:
    """`python -m notesforge check ...` as a user runs it."""

    def cap() -> None:  # 512 MB of address space: far less than reading and parsing 100 MB would need
        resource.setrlimit(resource.RLIMIT_AS, (512 * 2**20, 512 * 2**20))

    return subprocess.run(
        [sys.executable, "-m", "notesforge", "check", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=cap if limit_memory else None,
        check=False,
    )


# --- the command line on every broken source ----------------------------------------------


def expected(source: Path) -> list[str]:
    return source.with_suffix(".expected").read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def checked_all() -> subprocess.CompletedProcess[str]:
    """One `notesforge check` of every broken fixture at once, as a pre-commit hook runs it."""
    return check(*(source.name for source in INVALID), cwd=INVALID[0].parent)


@pytest.mark.slow
@pytest.mark.parametrize("source", INVALID, ids=lambda p: p.stem)
def test_check_refuses_each_broken_fixture_with_status_2_and_its_first_diagnostic(
    source: Path, checked_all: subprocess.CompletedProcess[str]
) -> None:
    assert checked_all.returncode == 2, checked_all.stderr
    assert checked_all.stdout == ""
    assert "Traceback" not in checked_all.stderr
    # Each file's report starts with its first expected diagnostic and runs to the next file's.
    lines = checked_all.stderr.splitlines()
    i = INVALID.index(source)
    start = lines.index(expected(source)[0])
    end = lines.index(expected(INVALID[i + 1])[0]) if i + 1 < len(INVALID) else len(lines)
    assert start < end
    report = lines[start:end]
    # Every expected diagnostic is printed, each followed by its source line when there is one.
    assert [line for line in report if line.startswith(f"{source.name}:")] == expected(source)


def test_check_refuses_a_missing_file(tmp_path: Path) -> None:
    done = check("nope.toml", cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", "nope.toml: error: no such file\n")


def test_check_refuses_a_100_mb_source_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge.toml"
    with huge.open("wb") as handle:  # sparse: 100 MB that cost no disk
        handle.truncate(100 * 2**20)
    done = check(huge.name, cwd=tmp_path, limit_memory=True)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (
        f"huge.toml: error: the file is {100 * 2**20:,} bytes; notes files are limited to "
        f"{MAX_SOURCE_BYTES:,} bytes (split the notes into several files)\n"
    )
    # Text handed over directly is held to the same limit.
    with pytest.raises(NotesError, match="larger than"):
        notesforge.loads(b"#" * (MAX_SOURCE_BYTES + 1), "big.toml")


def test_a_source_just_under_the_limit_is_read(tmp_path: Path) -> None:
    seed = SEEDS[0].read_bytes()
    padded = seed + b"#" * (MAX_SOURCE_BYTES - len(seed) - 1) + b"\n"
    assert len(padded) == MAX_SOURCE_BYTES
    assert notesforge.loads(padded, "padded.toml").meta.id == "stalin-ussr-1924-41"


# --- the reader on mutated sources -------------------------------------------------------------

# TOML and notes syntax to splice in: headers, half-open strings and tables, escapes, deep nesting.
FRAGMENTS = [
    b"[[section]]\n",
    b"[[section.block]]\n",
    b"[[section.block.columns]]\n",
    b"[[section.section]]\n",
    b"[notes]\n",
    b"[export.pdf]\npaper = 1\n",
    b'type = "table"\n',
    b'type = "cards"\nitems = [{ q = "q", a = "a" }, { q = "q", a = "a" }]\n',
    b'items = [{ date = "1924", text = "x" }, { date = "1924", text = "y" }]\n',
    b'items = [{ text = "x", date = "1924" }, { text = "y", date = "" }]\n',
    b'points = [{ text = "p", date = "1924" }, [], 1, { date = "x" }]\n',
    b'ask = ["blanks", 3, "blanks", "colums"]\n',
    b'ask = "dates"\n',
    b'id = "x"\n',
    b'id = "Not A Slug"\n',
    b"cards = false\n",
    b"=",
    b'"',
    b"'",
    b'"""',
    b"'''",
    b"{",
    b"}",
    b"[",
    b"]",
    b"[[",
    b"]]",
    b"[[]]",
    b"\\",
    b"\\u0000",
    b"\\U0010FFFF",
    b"\\uD800",
    b"\\x",
    b"\x00",
    b"\x07",
    b"\x7f",
    b"\xc2\x9b",
    b"\xef\xbf\xbe",
    b"\xff\xfe",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\xef\xbb\xbf",
    b"\r",
    b"\r\n",
    b"\t",
    b"\n\n",
    b"#",
    b"a.b.c.d.e = 1\n",
    b"x = " + b"[" * 200 + b"]" * 200 + b"\n",
    b"y = " + b"{ a = " * 120 + b"1" + b" }" * 120 + b"\n",
    b"[" + b"t." * 40 + b"t]\n",
    b"inf",
    b"nan",
    b"1979-05-27T07:32:00Z",
    b"1e1000",
    b"0x_1",
    b"*",
    b"**",
    b"\\*",
    b"]]>",
    b"<script>",
    b"\xe2\x80\xae",
    b"\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x8f\xab",
    b"e\xcc\x81",
]


@st.composite
def mutated_sources(draw) -> bytes:
    if draw(st.integers(0, 4)) == 0:
        data = bytearray(draw(documents(max_sections=2, max_depth=2)).toml.encode("utf-8"))
    else:
        data = bytearray(draw(st.sampled_from(SEEDS)).read_bytes())
    for op in draw(st.lists(st.sampled_from(OPERATIONS), min_size=1, max_size=4)):
        data = bytearray(op(draw, bytes(data)))
    return bytes(data)


def _at(draw, data: bytes) -> int:
    # Hypothesis favours small integers; a position anywhere in the file is what a fuzzer needs.
    return draw(st.randoms(use_true_random=False)).randrange(len(data) + 1)


def _delete(draw, data: bytes) -> bytes:
    at = _at(draw, data)
    return data[:at] + data[at + draw(st.integers(1, 40)) :]


def _insert_bytes(draw, data: bytes) -> bytes:
    at = _at(draw, data)
    return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]


def _replace_byte(draw, data: bytes) -> bytes:
    at = _at(draw, data)
    return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]


def _insert_text(draw, data: bytes) -> bytes:
    # Any code point, controls and lone surrogates included (written as UTF-8 or as "surrogatepass").
    text = draw(st.text(st.characters(codec=None), min_size=1, max_size=6))
    at = _at(draw, data)
    return data[:at] + text.encode("utf-8", "surrogatepass") + data[at:]


def _splice(draw, data: bytes) -> bytes:
    at = _at(draw, data)
    return data[:at] + draw(st.sampled_from(FRAGMENTS)) + data[at:]


def _truncate(draw, data: bytes) -> bytes:
    return data[: _at(draw, data)]


def _lines(draw, data: bytes) -> tuple[list[bytes], int]:
    lines = data.split(b"\n")
    return lines, draw(st.randoms(use_true_random=False)).randrange(len(lines))


def _duplicate_line(draw, data: bytes) -> bytes:
    lines, i = _lines(draw, data)
    return b"\n".join([*lines[: i + 1], lines[i], *lines[i + 1 :]])


def _drop_line(draw, data: bytes) -> bytes:
    lines, i = _lines(draw, data)
    return b"\n".join(lines[:i] + lines[i + 1 :])


def _move_line(draw, data: bytes) -> bytes:
    lines, i = _lines(draw, data)
    moved = lines.pop(i)
    lines.insert(draw(st.randoms(use_true_random=False)).randrange(len(lines) + 1), moved)
    return b"\n".join(lines)


OPERATIONS = (
    _delete,
    _insert_bytes,
    _replace_byte,
    _insert_text,
    _splice,
    _splice,
    _truncate,
    _duplicate_line,
    _drop_line,
    _move_line,
)


@pytest.mark.slow
@settings(
    max_examples=FUZZ_EXAMPLES,
    derandomize=True,
    deadline=None,
    phases=(Phase.explicit, Phase.generate, Phase.shrink),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutated_sources())
@example(b"")
@example(b"\xef\xbb\xbf")
@example(b"[notes]\n" + b"[" * 5000)
@example(b'[notes]\nid = "x"\ntitle = "unterminated')
def test_mutated_sources_give_notes_or_located_errors_never_an_exception(data: bytes) -> None:
    note(f"source: {data[:2000]!r}")
    try:
        notes = notesforge.loads(data, NAME, epoch=1700000000)
    except NotesError as exc:
        lines = data.count(b"\n") + 1
        assert exc.diagnostics
        for diagnostic in exc.diagnostics:
            assert diagnostic.loc.path == NAME and diagnostic.severity == "error"
            assert diagnostic.message.strip(), diagnostic
            assert 0 <= diagnostic.loc.line <= lines, diagnostic.headline()
            assert diagnostic.loc.col >= (1 if diagnostic.loc.line else 0), diagnostic.headline()
        rendered = exc.render()
        assert rendered.startswith(f"{NAME}")
        event("refused: " + exc.diagnostics[0].message.split(":")[0][:40])
    else:
        event("accepted")
        # Accepted notes are whole: their cards and a format made of them come out.
        list(generate(notes))
        assert to_markdown(notes)
