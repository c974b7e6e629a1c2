"""Anki's field HTML as inline markup: `<b>`/`<strong>` bold, `<i>`/`<em>` italic, entities as the
characters they stand for; line breaks and blocks as spaces; images collected; the rest reported."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ..inline import merge_text, plain
from ..model import Emphasis, Inline, Rich, Strong, Text

_KINDS = {"b": Strong, "strong": Strong, "i": Emphasis, "em": Emphasis}
_BREAKS = frozenset({"br", "div", "p", "li", "ul", "ol", "tr", "td", "th", "table", "h1", "h2", "h3", "hr"})
_SKIPPED = frozenset({"script", "style", "head", "title"})
# Tags that change nothing a reader would miss.
_HARMLESS = frozenset({"span", "font", "html", "body", "tbody", "thead", "a"})
SOUND = re.compile(r"\[sound:([^\]]*)\]")
_MATHJAX = re.compile(r"\\[(\[]")


@dataclass
class Field:
    """One field read: its text, the images it shows, and what it held that the notes cannot."""

    rich: Rich
    images: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # descriptions: "line breaks (<br>, <div>)", ...


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.frames: list[tuple[str, list[Inline]]] = [("", [])]
        self.images: list[str] = []
        self.dropped: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skip += 1
            self.dropped.append(f"<{tag}> content")
        elif tag in _KINDS:
            self.frames.append((tag, []))
        elif tag == "img":
            src = dict(attrs).get("src")
            if src:
                self.images.append(src)
        elif tag in _BREAKS:
            self._space(tag)
        elif tag not in _HARMLESS:
            self.dropped.append(f"<{tag}> formatting")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _KINDS:
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skip = max(0, self.skip - 1)
        elif tag in _KINDS and any(t in _KINDS and _KINDS[t] is _KINDS[tag] for t, _ in self.frames[1:]):
            while True:
                open_tag, children = self.frames.pop()
                node = _KINDS[open_tag](merge_text(children))
                self.frames[-1][1].append(node)
                if _KINDS[open_tag] is _KINDS[tag]:
                    break
        elif tag in _BREAKS:
            self._space(tag)

    def _space(self, tag: str) -> None:
        if tag in ("br", "div", "p") and self._has_text():
            self.dropped.append("line breaks (<br>, <div>, <p>), written as spaces")
        self.frames[-1][1].append(Text(" "))

    def _has_text(self) -> bool:
        return any(not isinstance(n, Text) or n.value.strip() for _, children in self.frames for n in children)

    def handle_data(self, data: str) -> None:
        if not self.skip:  # Anki's editor writes no-break spaces where a space was typed
            self.frames[-1][1].append(Text(data.replace("\xa0", " ")))

    def result(self) -> Rich:
        while len(self.frames) > 1:  # unclosed tags close at the end
            open_tag, children = self.frames.pop()
            self.frames[-1][1].append(_KINDS[open_tag](merge_text(children)))
        return merge_text(self.frames[0][1])


def read_field(html: str) -> Field:
    """The field's text as inline markup (not tidied), its images, and what was left out."""
    dropped = []
    if _MATHJAX.search(html):
        dropped.append("MathJax (\\( \\), \\[ \\]): kept as the text it is typed as")
    # notesforge's decks put a word joiner after a backslash that MathJax would read; take it out.
    html = html.replace("\\\u2060", "\\")
    if SOUND.search(html):
        dropped.append("sounds ([sound:...])")
        html = SOUND.sub(" ", html)
    reader = _Reader()
    reader.feed(html)
    reader.close()
    rich = reader.result()
    return Field(rich, reader.images, dropped + reader.dropped)


def plain_text(html: str) -> str:
    """The text of an HTML fragment, without its tags (a cloze answer)."""
    return plain(read_field(html).rich)
