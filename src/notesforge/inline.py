"""Inline markup: `*emphasis*`, `**strong**`, cloze marks `[[answer|hint]]`.

Everything else is literal text; the renderers escape it for their format.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from .model import Cloze, Emphasis, Inline, Rich, Strong, Text

ESCAPABLE = frozenset("*[]|\\")


@dataclass(frozen=True, slots=True)
class InlineError:
    """A problem in inline markup, at a character offset of its text."""

    offset: int  # character offset into the text
    message: str


class InlineSyntaxError(ValueError):
    def __init__(self, errors: list[InlineError]):
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


_SPECIAL = re.compile(r"[\\\[*]")


def parse(source: str, *, allow_cloze: bool = True) -> Rich:
    """Parse inline markup; raise `InlineSyntaxError` listing every problem."""
    if not _SPECIAL.search(source):  # most text has no markup at all
        return (Text(source),) if source else ()
    if allow_cloze and "*" not in source and "\\" not in source:
        simple = _clozes_only(source)
        if simple is not None:
            return simple
    errors: list[InlineError] = []
    tokens = _tokenize(source, allow_cloze, errors)
    if errors:
        raise InlineSyntaxError(errors)
    return _nest(tokens)


_MARK = re.compile(r"\[\[([^\\\[\]|]*)(?:\|([^\\\[\]|]*))?\]\]")


def _clozes_only(source: str) -> Rich | None:
    """`parse(source)` for text whose only markup is plain cloze marks (no escape, emphasis or
    stray '['), as most bullets are: one split instead of the scanner; None for other text."""
    parts = _MARK.split(source)
    out: list[Inline] = []
    for number, i in enumerate(range(0, len(parts) - 1, 3), 1):
        text, answer, hint = parts[i : i + 3]
        if "[" in text or not answer.strip():
            return None  # a bracket the scanner reads otherwise, or an error to report
        if text:
            out.append(Text(text))
        out.append(Cloze(answer.strip(), hint.strip() if hint and hint.strip() else None, number))
    if "[" in parts[-1]:
        return None
    if parts[-1]:
        out.append(Text(parts[-1]))
    return tuple(out)


# Tokens: Text/Cloze nodes, or (delimiter, can_open, can_close) tuples.
_Token = Text | Cloze | tuple[str, bool, bool]


def _tokenize(s: str, allow_cloze: bool, errors: list[InlineError]) -> list[_Token]:
    tokens: list[_Token] = []
    buf: list[str] = []
    clozes = 0
    i, n = 0, len(s)

    def flush() -> None:
        if buf:
            tokens.append(Text("".join(buf)))
            buf.clear()

    while i < n:
        c = s[i]
        if c == "\\" and i + 1 < n and s[i + 1] in ESCAPABLE:
            buf.append(s[i + 1])
            i += 2
        elif s.startswith("[[", i):
            end, answer, hint, nested = _scan_cloze(s, i + 2)
            if end is None:
                errors.append(
                    InlineError(
                        i, "unclosed cloze mark '[[' (close it with ']]', or write '\\[' for a literal bracket)"
                    )
                )
                buf.append("[[")
                i += 2
                continue
            if not answer.strip():
                errors.append(InlineError(i, "empty cloze mark: write the answer between '[[' and ']]'"))
            elif not allow_cloze:
                errors.append(
                    InlineError(i, "cloze marks are only allowed in bullets, table points, grid cells and cloze cards")
                )
            elif nested:
                errors.append(InlineError(i, "cloze marks cannot be nested"))
            clozes += 1
            flush()
            tokens.append(Cloze(answer.strip(), hint.strip() if hint and hint.strip() else None, clozes))
            i = end
        elif c == "*":
            run = 2 if s.startswith("**", i) else 1
            before = s[i - 1] if i > 0 else " "
            after = s[i + run] if i + run < n else " "
            flush()
            tokens.append(("*" * run, not after.isspace(), not before.isspace()))
            i += run
        else:
            # Copy the plain run up to the next character that may start markup.
            found = _SPECIAL.search(s, i + 1)
            end = found.start() if found else n
            buf.append(s[i:end])
            i = end
    flush()
    return tokens


# The rest of a cloze mark holding no backslash, bracket or second '|': `_scan_cloze` reads it the
# same way character by character.
_SIMPLE_CLOZE = re.compile(r"([^\\\[\]|]*)(?:\|([^\\\[\]|]*))?\]\]")


def _scan_cloze(s: str, i: int) -> tuple[int | None, str, str | None, bool]:
    """From just after '[[', find the closing ']]'; return (end, answer, hint, nested).

    `nested` tells whether an unescaped '[[' came first (escaped brackets are text).
    """
    simple = _SIMPLE_CLOZE.match(s, i)
    if simple:  # the usual mark: no escape, bracket or second '|' inside, read in one match
        return simple.end(), simple.group(1), simple.group(2), False
    parts: list[list[str]] = [[]]
    n = len(s)
    nested = False
    while i < n:
        c = s[i]
        if c == "\\" and i + 1 < n and s[i + 1] in ESCAPABLE:
            parts[-1].append(s[i + 1])
            i += 2
            continue
        if s.startswith("]]", i):
            answer = "".join(parts[0])
            hint = "|".join("".join(p) for p in parts[1:]) if len(parts) > 1 else None
            return i + 2, answer, hint, nested
        nested = nested or s.startswith("[[", i)
        if c == "|" and len(parts) == 1:
            parts.append([])
        else:
            parts[-1].append(c)
        i += 1
    return None, "", None, nested


def _nest(tokens: list[_Token]) -> Rich:
    # A stack of open delimiters; unmatched ones fall back to literal text.
    frames: list[tuple[str, list[Inline]]] = [("", [])]
    for tok in tokens:
        if not isinstance(tok, tuple):
            frames[-1][1].append(tok)
            continue
        delim, can_open, can_close = tok
        if can_close and any(d == delim for d, _ in frames[1:]):
            while frames[-1][0] != delim:
                d, children = frames.pop()
                frames[-1][1].extend([Text(d), *children])
            _, children = frames.pop()
            if children:
                node = Strong if delim == "**" else Emphasis
                frames[-1][1].append(node(merge_text(children)))
            else:
                frames[-1][1].append(Text(delim * 2))
        elif can_open:
            frames.append((delim, []))
        else:
            frames[-1][1].append(Text(delim))
    while len(frames) > 1:
        d, children = frames.pop()
        frames[-1][1].extend([Text(d), *children])
    return merge_text(frames[0][1])


def merge_text(nodes: list[Inline]) -> Rich:
    """`nodes` as the parser leaves them: adjacent text joined, empty text dropped."""
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].value + node.value)
        elif not (isinstance(node, Text) and not node.value):
            out.append(node)
    return tuple(out)


# --- reading the tree back ---------------------------------------------------


class InlineRenderer(Protocol):
    """What a format supplies to turn inline markup into its own markup."""

    def text(self, value: str) -> str: ...
    def emphasis(self, inner: str) -> str: ...
    def strong(self, inner: str) -> str: ...
    def cloze(self, cloze: Cloze) -> str: ...


def render(rich: Rich, renderer: InlineRenderer) -> str:
    parts: list[str] = []
    for node in rich:
        if isinstance(node, Text):
            parts.append(renderer.text(node.value))
        elif isinstance(node, Emphasis):
            parts.append(renderer.emphasis(render(node.children, renderer)))
        elif isinstance(node, Strong):
            parts.append(renderer.strong(render(node.children, renderer)))
        else:
            parts.append(renderer.cloze(node))
    return "".join(parts)


def _answer(cloze: Cloze) -> str:
    return cloze.answer


def plain(rich: Rich, cloze: Callable[[Cloze], str] = _answer) -> str:
    """The text as a reader sees it, without markup (cloze answers filled in)."""
    if len(rich) == 1 and type(rich[0]) is Text:  # most text: one run, no markup
        return rich[0].value  # type: ignore[union-attr]
    parts: list[str] = []
    for node in rich:
        kind = type(node)
        if kind is Text:
            parts.append(node.value)  # type: ignore[union-attr]
        elif kind is Cloze:
            parts.append(cloze(node))  # type: ignore[arg-type]
        else:
            parts.append(plain(node.children, cloze))  # type: ignore[union-attr]
    return "".join(parts)


def clozes(rich: Rich) -> list[Cloze]:
    found: list[Cloze] = []
    for node in rich:
        kind = type(node)
        if kind is Cloze:
            found.append(node)  # type: ignore[arg-type]
        elif kind is not Text:  # Emphasis, Strong
            found.extend(clozes(node.children))  # type: ignore[union-attr]
    return found


# A backslash before each character that would be markup: in text, and in a cloze's answer or hint.
_TEXT_ESCAPES = str.maketrans({c: "\\" + c for c in "*[]|\\"})
_CLOZE_ESCAPES = str.maketrans({c: "\\" + c for c in "[]|\\"})
_TEXT_MARKUP = re.compile(r"[*\[\]|\\]")


def _escaped(value: str, table: dict[int, str]) -> str:
    # A search first: most text holds no markup character, and translating is much slower.
    return value.translate(table) if _TEXT_MARKUP.search(value) else value


def unparse(rich: Rich) -> str:
    """Source markup for `rich`, so that `parse(unparse(r)) == r`."""
    parts: list[str] = []
    for node in rich:
        if isinstance(node, Text):
            parts.append(_escaped(node.value, _TEXT_ESCAPES))
        elif isinstance(node, Emphasis):
            parts.append(f"*{unparse(node.children)}*")
        elif isinstance(node, Strong):
            parts.append(f"**{unparse(node.children)}**")
        else:
            esc = _escaped(node.answer, _CLOZE_ESCAPES)
            hint = "|" + _escaped(node.hint, _CLOZE_ESCAPES) if node.hint else ""
            parts.append(f"[[{esc}{hint}]]")
    return "".join(parts)


_WORD_RUN = re.compile(r"[^\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """A key that survives edits of case, punctuation and spacing."""
    # NFKC leaves ASCII as it is, and casefold() lowers it: the quick path for most keys.
    folded = text.lower() if text.isascii() else unicodedata.normalize("NFKC", text).casefold()
    return "-".join(_WORD_RUN.findall(folded))  # the runs between non-word characters
