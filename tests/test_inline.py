"""Inline markup: the parser and its round trip, table-driven."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notesforge import inline
from notesforge.model import Cloze, Emphasis, Strong, Text

CASES = [
    ("plain text", (Text("plain text"),)),
    ("*em*", (Emphasis((Text("em"),)),)),
    ("**strong** end", (Strong((Text("strong"),)), Text(" end"))),
    ("*a **b** c*", (Emphasis((Text("a "), Strong((Text("b"),)), Text(" c"))),)),
    ("died in [[1924]]", (Text("died in "), Cloze("1924", None, 1))),
    ("[[53|age]] and [[x]]", (Cloze("53", "age", 1), Text(" and "), Cloze("x", None, 2))),
    ("**[[key]]**", (Strong((Cloze("key", None, 1),)),)),
    ("2 * 3 * 4", (Text("2 * 3 * 4"),)),
    ("lone ** here", (Text("lone ** here"),)),
    ("*unclosed", (Text("*unclosed"),)),
    ("****", (Text("****"),)),
    (r"\*not em\* \[\[not cloze]] a\\b", (Text("*not em* [[not cloze]] a\\b"),)),
    ("<script>&amp; {{c1::x}} [sound:a.mp3]", (Text("<script>&amp; {{c1::x}} [sound:a.mp3]"),)),
    ("[[a\\|b|hint]]", (Cloze("a|b", "hint", 1),)),
    ("single [bracket] ok", (Text("single [bracket] ok"),)),
]


@pytest.mark.parametrize(("source", "expected"), CASES, ids=[c[0] for c in CASES])
def test_parse(source: str, expected: tuple) -> None:
    assert inline.parse(source) == expected


@pytest.mark.parametrize(("source", "expected"), CASES, ids=[c[0] for c in CASES])
def test_unparse_round_trips(source: str, expected: tuple) -> None:
    assert inline.parse(inline.unparse(expected)) == expected


@pytest.mark.parametrize(
    ("source", "offset", "message"),
    [
        ("a [[b", 2, "unclosed cloze mark"),
        ("[[]]", 0, "empty cloze mark"),
        ("x [[ |hint]]", 2, "empty cloze mark"),
    ],
)
def test_errors_are_located(source: str, offset: int, message: str) -> None:
    with pytest.raises(inline.InlineSyntaxError) as caught:
        inline.parse(source)
    [error] = caught.value.errors
    assert error.offset == offset and message in error.message


def test_cloze_marks_can_be_forbidden() -> None:
    with pytest.raises(inline.InlineSyntaxError, match="only allowed in bullets"):
        inline.parse("a [[b]]", allow_cloze=False)


def test_plain_and_clozes() -> None:
    rich = inline.parse("*Lenin* died in [[January 1924]] aged [[53|age]]")
    assert inline.plain(rich) == "Lenin died in January 1924 aged 53"
    assert [c.answer for c in inline.clozes(rich)] == ["January 1924", "53"]
    assert inline.plain(rich, lambda c: "___") == "Lenin died in ___ aged ___"


def test_normalise_ignores_case_punctuation_and_spacing() -> None:
    assert inline.normalise("When did  Lenin die?") == inline.normalise("when did lenin die")
    assert inline.normalise("Сталин, 1924–41") == "сталин-1924-41"


_PIECES = [*"ab |[]\\* é", "[[", "]]", "[[x]]", "[[a|b]]", "[[ |c]]", "[[Lenin|who?]]"]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12).map("".join))
def test_the_quick_path_for_cloze_marks_reads_as_the_scanner(source: str) -> None:
    # parse() splits text whose only markup is plain cloze marks; the scanner must agree on all.
    errors: list[inline.InlineError] = []
    tokens = inline._tokenize(source, True, errors)
    try:
        quick = inline.parse(source)
    except inline.InlineSyntaxError as exc:
        assert [e.message for e in exc.errors] == [e.message for e in errors]
    else:
        assert not errors and quick == inline._nest(tokens)
