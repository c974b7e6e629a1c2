"""Text from other tools as inline markup: Anki's `{{c1::answer::hint}}` as cloze marks, white space
tidied, and only markup that the notes format can write back exactly."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..inline import InlineSyntaxError, merge_text, parse, unparse
from ..model import Cloze, Emphasis, Inline, Rich, Strong, Text

ANKI_CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.S)
# A cloze found in the source stands in the text as one private-use character and its index.
_MARK = "\ue000"
# White space as HTML and Markdown collapse it: ASCII only (a no-break space is meant).
_SPACES = re.compile(r"[ \t\n\r\f]+")
_MARKED = re.compile(_MARK + r"(\d+)" + _MARK)


class Clozes:
    """Anki's cloze deletions taken out of a text, to be put back as `Cloze` nodes once it is parsed."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str, str | None]] = []  # (Anki's number, answer, hint)

    def take(self, source: str, answer_text: Callable[[str], str] = lambda s: s) -> str:
        """`source` with each `{{cN::...}}` replaced by a marker; `answer_text` makes its answer plain."""

        def one(m: re.Match[str]) -> str:
            answer = squash(answer_text(m.group(2)))
            hint = squash(answer_text(m.group(3))) if m.group(3) else None
            if not answer:
                return m.group(0)
            number = int(m.group(1))
            if any(n == number and a.casefold() == answer.casefold() for n, a, _ in self.found):
                # The same fact again under its number: text here, which the deck blanks again with it
                # (a blank's answer written elsewhere in its text is blanked too).
                return m.group(2)
            self.found.append((number, answer, hint or None))
            return f"{_MARK}{len(self.found) - 1}{_MARK}"

        return ANKI_CLOZE.sub(one, source)

    @property
    def renumbered(self) -> bool:
        """Whether the notes' numbering (each mark its own deletion, in order) differs from the source's."""
        return [number for number, _, _ in self.found] != list(range(1, len(self.found) + 1))

    def put_back(self, rich: Rich) -> Rich:
        """`rich` with the markers as cloze marks, numbered in order as the notes number them."""

        def nodes(rich: Rich) -> list[Inline]:
            out: list[Inline] = []
            for node in rich:
                if isinstance(node, Text):
                    for i, part in enumerate(_MARKED.split(node.value)):
                        out.append(Text(part) if i % 2 == 0 else Cloze(*self.found[int(part)][1:], 0))
                elif isinstance(node, Emphasis | Strong):
                    out.append(type(node)(merge_text(nodes(node.children))))
                else:
                    out.append(node)
            return out

        return numbered(merge_text(nodes(rich)))


def numbered(rich: Rich) -> Rich:
    """The cloze marks numbered 1, 2, ... in order, as the notes number them."""
    count = 0

    def nodes(rich: Rich) -> list[Inline]:
        nonlocal count
        out: list[Inline] = []
        for node in rich:
            if isinstance(node, Cloze):
                count += 1
                out.append(Cloze(node.answer, node.hint, count))
            elif isinstance(node, Emphasis | Strong):
                out.append(type(node)(tuple(nodes(node.children))))
            else:
                out.append(node)
        return out

    return tuple(nodes(rich))


def squash(text: str) -> str:
    """A plain text (a cloze answer, a hint) with its white space as a reader sees it."""
    return _SPACES.sub(" ", text).strip(" ")


def tidy(rich: Rich) -> Rich:
    """White space as a reader sees it: runs as one space, none at the ends or just inside emphasis."""

    def squeeze(rich: Rich) -> list[Inline]:
        out: list[Inline] = []
        for node in rich:
            if isinstance(node, Text):
                out.append(Text(_SPACES.sub(" ", node.value)))
            elif isinstance(node, Emphasis | Strong):
                inner = merge_text(squeeze(node.children))
                lead = " " if inner and isinstance(inner[0], Text) and inner[0].value.startswith(" ") else ""
                tail = " " if inner and isinstance(inner[-1], Text) and inner[-1].value.endswith(" ") else ""
                inner = _strip(inner)
                if inner:
                    out += [Text(lead), type(node)(inner), Text(tail)]
                else:
                    out.append(Text(lead or tail))
            else:
                out.append(node)
        return out

    rich = merge_text(squeeze(rich))
    rich = merge_text([Text(_SPACES.sub(" ", n.value)) if isinstance(n, Text) else n for n in rich])
    return _strip(rich)


def _strip(rich: Rich) -> Rich:
    nodes = list(rich)
    if nodes and isinstance(nodes[0], Text):
        nodes[0] = Text(nodes[0].value.lstrip(" "))
    if nodes and isinstance(nodes[-1], Text):
        nodes[-1] = Text(nodes[-1].value.rstrip(" "))
    return merge_text(nodes)


def writable(rich: Rich, allow_cloze: bool) -> bool:
    """Whether the notes can hold `rich` exactly: its markup written out parses back to it."""
    try:
        return parse(unparse(rich), allow_cloze=allow_cloze) == rich
    except InlineSyntaxError:
        return False


def flat(rich: Rich) -> Rich:
    """`rich` as plain text (for markup the notes cannot hold), its cloze marks kept."""
    out: list[Inline] = []
    for node in rich:
        if isinstance(node, Emphasis | Strong):
            out.extend(flat(node.children))
        else:
            out.append(node)
    return merge_text(out)
