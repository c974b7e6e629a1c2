"""A book cover drawn from the notes' title, subtitle and course, as an SVG image.

Shelves (calibre, Apple Books, e-readers) show a book by its cover; notes have no picture, so
the cover is typeset: the course above, the title large, the subtitle below, on a plain band.
SVG text does not wrap, so lines are broken here by an estimate of each character's width in
a sans-serif face; the estimate errs wide, and a title too long for eight lines is cut with an
ellipsis. The same notes give the same bytes: nothing here reads the clock or the machine.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ._xml import escape

WIDTH, HEIGHT = 600, 900  # the 2:3 of most e-book covers
MARGIN = 60
BAND = "#1f3a5f"  # a dark blue band under light text: readable in colour and in greys
INK = "#ffffff"
PAPER = "#f4f1ea"
MAX_TITLE_LINES = 8


@dataclass(frozen=True, slots=True)
class Line:
    """A line of the cover's text, as the SVG places it."""

    text: str
    size: int  # font size in SVG user units
    y: int  # baseline
    bold: bool = False


def _em(char: str) -> float:
    """A generous estimate of `char`'s advance in a sans-serif face, in ems."""
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    if unicodedata.combining(char):
        return 0.0
    return 0.62 if char.isupper() or char.isdigit() else 0.3 if char in " .,;:!'’|il" else 0.56


def text_width(text: str, size: float) -> float:
    return sum(_em(c) for c in text) * size


def _pieces(word: str, size: float, width: float) -> list[str]:
    """`word` cut into pieces no wider than `width` (one piece if it fits), in one pass."""
    pieces, piece, used = [], "", 0.0
    for char in word:
        advance = _em(char) * size
        if piece and used + advance > width:
            pieces.append(piece)
            piece, used = "", 0.0
        piece += char
        used += advance
    return [*pieces, piece] if piece else pieces


def wrap(text: str, size: float, width: float, most: int = 1000) -> list[str]:
    """`text` broken at spaces into lines no wider than `width` (a word wider than that is cut),
    stopping after `most` lines (a cover shows a few: pasted pages of text need not be wrapped)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        if len(lines) > most:
            break
        *whole, word = _pieces(word, size, width)
        if whole:  # a word longer than a line: its pieces fill lines of their own
            lines += [current, *whole] if current else whole
            current = ""
        joined = f"{current} {word}" if current else word
        if current and text_width(joined, size) > width:
            lines.append(current)
            current = word
        else:
            current = joined
    if current:
        lines.append(current)
    return lines


def layout(title: str, subtitle: str, course: str) -> list[Line]:
    """The cover's lines: the title as large as lets it fit eight lines, then the subtitle, the course."""
    width = WIDTH - 2 * MARGIN
    size = 64
    title_lines = wrap(title, size, width, MAX_TITLE_LINES)
    while len(title_lines) > 4 and size > 36:
        size -= 4
        title_lines = wrap(title, size, width, MAX_TITLE_LINES)
    if len(title_lines) > MAX_TITLE_LINES:
        title_lines = title_lines[:MAX_TITLE_LINES]
        last = title_lines[-1]
        while last and text_width(last + "…", size) > width:
            last = last[:-1]
        title_lines[-1] = last.rstrip() + "…"
    lines: list[Line] = []
    y = 300
    for text in title_lines:
        y += round(size * 1.15)
        lines.append(Line(text, size, y, bold=True))
    y += 24  # clear of the title's descenders
    for text in wrap(subtitle, 32, width, 3)[:3]:
        y += 48
        lines.append(Line(text, 32, y))
    top = [Line(text, 26, 150 + 36 * i) for i, text in enumerate(wrap(course, 26, width, 3)[:3])]
    return top + lines


def cover_svg(title: str, subtitle: str = "", course: str = "") -> bytes:
    """The cover as SVG bytes; the texts are plain, one line each (wrapped here), and may be empty."""
    body = []
    for line in layout(title, subtitle, course):
        weight = ' font-weight="bold"' if line.bold else ""
        body.append(f'<text x="{MARGIN}" y="{line.y}" font-size="{line.size}"{weight}>{escape(line.text)}</text>')
    label = " — ".join(t for t in (title, subtitle, course) if t)
    svg = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}">',
        f"<title>{escape(label)}</title>",
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{PAPER}"/>',
        f'<rect y="60" width="{WIDTH}" height="{HEIGHT - 180}" fill="{BAND}"/>',
        f'<g fill="{INK}" font-family="sans-serif">',
        *body,
        "</g>",
        "</svg>",
        "",
    ]
    return "\n".join(svg).encode("utf-8")
