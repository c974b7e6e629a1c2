"""`Paragraph`: reportlab's, remembering its last layout, so that asking its size again is free.

reportlab lays a paragraph out (breaks its lines) every time something asks its size: a table
when it measures its rows and again when it draws each cell, and `BalancedColumns` many times
over while it searches for the column height that balances its columns (the worksheet's answer
key: 84,000 layouts of 1,000 paragraphs at the benchmark's scale 1). A layout depends on the
width, the style, the bullet and the paragraph's fragments, so this one keeps the last and hands
it back when those are the same objects.

It keeps a layout only when laying the paragraph out again would repeat it exactly. reportlab
rewrites `frags` while it breaks lines: the text's fragments become words, which a later layout
takes as they are (the same words, so the same lines), unless a word was split at a line's end
or holds a soft hyphen (reportlab rejoins those parts, or injects an empty fragment, each time).
So a layout is kept if it left `frags` as it found them, item for item, or made plain words of
them (`_PLAIN_WORDS`). Reusing it then gives the same lines, the same attributes and the same
PDF bytes as reportlab's own next layout.

A hair narrower: `BalancedColumns` measures its columns at a width W and draws each in a
`KeepInFrame` that lays its paragraphs out again at W - 1e-6 (reportlab's `_FUZZ`): a second
layout of every question and answer of the booklet's "Test yourself". The kept layout also
serves there when it proves that reportlab would break the lines at the same places
(`_same_breaks`), for left-aligned text, whose drawing reads a line's spare width only for its
sign: the same PDF bytes.

A text without markup (most cells, questions and answers) is not parsed: its one fragment is a
copy of the one reportlab's parser makes in that style (`_plain_frag`).
"""

from __future__ import annotations

from copy import copy
from itertools import repeat
from operator import is_
from typing import Any
from weakref import WeakKeyDictionary

from reportlab.lib.enums import TA_LEFT
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph as _Paragraph
from reportlab.platypus.paragraph import _handleBulletWidth, _HSFrag, cleanBlockQuotedText, textTransformFrags
from reportlab.platypus.paraparser import ParaParser

# What `Paragraph.wrap` (with `breakLines`) sets on the paragraph, besides `frags`.
_LAID_OUT = ("width", "_wrapWidths", "blPara", "height", "_width_max", "_splitLongWordCount", "_hyphenations")
# Words as reportlab first makes them from a text (no soft hyphen, not split at a line's end), which
# it takes as they are when it lays the paragraph out again: the same words, the same lines.
_PLAIN_WORDS = frozenset((list, _HSFrag))
_HAIR = 1e-5  # at most this much narrower (KeepInFrame draws 1e-6 narrower than it measured)
_ROOM = 1e-3  # every line of the kept layout has at least this much width to spare


class Paragraph(_Paragraph):
    def __init__(
        self,
        text: str,
        style: Any = None,
        bulletText: Any = None,
        frags: list | None = None,
        caseSensitive: int = 1,
        encoding: str = "utf8",
    ) -> None:
        # Text without markup (no tag, no entity): the one fragment reportlab's parser would make.
        if frags is None and style is not None and isinstance(text, str) and "<" not in text and "&" not in text:
            cleaned = cleanBlockQuotedText(text)
            if cleaned:
                frags = [_plain_frag(style, cleaned)]
                textTransformFrags(frags, style)
                text = cleaned
        super().__init__(text, style, bulletText, frags, caseSensitive, encoding)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        before = self.frags
        kept = self.__dict__.get("_nf_layout")
        if kept is not None:
            width, style, bullet, frags, size, state = kept
            if style is self.style and bullet is self.bulletText and frags is before:
                if width == availWidth:
                    # Plain attributes: Paragraph has no setters.
                    self.__dict__.update(zip(_LAID_OUT, state, strict=True))
                    return size
                if 0 < width - availWidth <= _HAIR and _same_breaks(self, availWidth, state):
                    self.__dict__.update(zip(_LAID_OUT, state, strict=True))
                    self.width = availWidth
                    self._wrapWidths = _widths(self, availWidth)
                    return availWidth, size[1]
        size = super().wrap(availWidth, availHeight)
        after = self.frags
        # Item by item, and the state, with map: generators here cost more than the work they do.
        same = after is before or (len(after) == len(before) and all(map(is_, after, before)))
        state = tuple(map(getattr, repeat(self), _LAID_OUT, repeat(_MISSING)))
        if not same:  # the text's fragments became words: kept if laying the words out repeats this
            same = set(map(type, after)) <= _PLAIN_WORDS
        keep = same and _MISSING not in state  # not laid out at all (no width to lay it out in): nothing to keep
        self._nf_layout = (availWidth, self.style, self.bulletText, after, size, state) if keep else None
        return size


_PLAIN_FRAGS: WeakKeyDictionary = WeakKeyDictionary()  # style -> its fragment of a plain text


def _plain_frag(style: Any, text: str) -> Any:
    """The fragment reportlab's parser makes of `text` (no tag, no entity) in `style`.

    Parsing "<para>text</para>", it copies the paragraph's opening fragment, which holds the style's
    font, size and colour and new `link` and `us_lines` lists, and sets the text: the same for any
    text but that. So the style's fragment is parsed once, and copied with new lists and the text.
    """
    model = _PLAIN_FRAGS.get(style)
    if model is None:
        model = _PLAIN_FRAGS[style] = ParaParser().parse("x", style)[1][0]
    frag = copy(model)
    frag.text, frag.link, frag.us_lines = text, [], []
    return frag


def _widths(para: _Paragraph, width: float) -> list[float]:
    """The first and later line widths `Paragraph.wrap` breaks lines in, the bullet's overrun taken off."""
    style = para.style
    widths = [
        width - (style.leftIndent + style.firstLineIndent) - style.rightIndent,
        width - style.leftIndent - style.rightIndent,
    ]
    _handleBulletWidth(para.bulletText, style, widths)
    return widths


def _same_breaks(para: _Paragraph, narrower: float, state: tuple) -> bool:
    """Whether reportlab, laying `para` out at `narrower` (a hair less than the width of the layout
    `state`), would break its lines where `state` did, and draw the same bytes.

    In `breakLines` the width enters only by comparisons: a word fits on its line, a word does not
    fit (a narrower line fits it no better), a word is wider than the whole line (split), and the
    hyphenation and soft-hyphen searches, left out here (as are split words, to be safe). So the
    breaks are the same when every line kept at least `_ROOM` to spare (each word that fitted still
    fits) and the word that opens the second line, which was tried at the end of the first (narrower
    when the bullet overruns the indent), is no wider than that line will be. The lines' spare widths
    stay those of `state`: left-aligned text reads them only for their sign when drawn.
    """
    style = para.style
    if (
        style.alignment != TA_LEFT
        or style.wordWrap
        or style.endDots
        or style.shaping
        or style.hyphenationLang
        or style.uriWasteReduce
        or style.embeddedHyphenation
    ):
        return False
    widths, bl, count, hyphenations = state[1], state[2], state[5], state[6]
    if count or hyphenations:
        return False
    lines = bl.lines
    if bl.kind == 0:
        if any(extra < _ROOM or any("\xad" in word for word in words) for extra, words in lines):
            return False
    else:
        for line in lines:
            if line.extraSpace < _ROOM or any(hasattr(f, "cbDefn") or "\xad" in f.text for f in line.words):
                return False
    if len(lines) < 2 or widths[1] <= widths[0]:
        return True  # the word tried last on each line had room on the next, no wider
    if bl.kind == 0:
        first = stringWidth(lines[1][1][0], bl.fontName, bl.fontSize, para.encoding)
    else:
        first = para.frags[lines[1].sFW][0]
    return first <= _widths(para, narrower)[0] - _ROOM


_MISSING: Any = object()
