"""What the bare anchors share: read the notes TOML with tomllib and turn inline markup into HTML.

Deliberately bare: no validation, no located errors, regular expressions for the markup.
"""

from __future__ import annotations

import html
import re
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

CLOZE = re.compile(r"\[\[(.+?)(?:\|(.*?))?\]\]")
STRONG = re.compile(r"\*\*(.+?)\*\*")
EMPHASIS = re.compile(r"\*(\S.*?)\*")
TAGS = re.compile(r"</?[bi]>")
ESCAPED = re.compile(r"\\([*\[\]|\\])")


def load(path: str | Path) -> dict[str, Any]:
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def sections(doc: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(depth, section) for every section, depth first, in document order."""

    def visit(section: dict[str, Any], depth: int) -> Iterator[tuple[int, dict[str, Any]]]:
        yield depth, section
        for sub in section.get("section", []):
            yield from visit(sub, depth + 1)

    for top in doc["section"]:
        yield from visit(top, 1)


def text_of(item: str | dict[str, Any]) -> str:
    """A bullet is a string or `{ text = ..., id = ... }`."""
    return item if isinstance(item, str) else item["text"]


def bold(answer: str, hint: str | None, n: int) -> str:
    return f"<b>{answer}</b>"


def to_html(text: str, cloze: Callable[[str, str | None, int], str] = bold) -> str:
    """Escaped HTML with <b>/<i>; cloze marks through `cloze(answer, hint, number)`."""
    out = html.escape(text, quote=False)
    counter = iter(range(1, 1000))
    out = CLOZE.sub(lambda m: cloze(m[1], m[2], next(counter)), out)
    out = STRONG.sub(r"<b>\1</b>", out)
    out = EMPHASIS.sub(r"<i>\1</i>", out)
    return ESCAPED.sub(r"\1", out)


def plain(text: str) -> str:
    """The text without markup (cloze answers filled in), escaped for HTML."""
    return TAGS.sub("", to_html(text, lambda answer, hint, n: answer))
