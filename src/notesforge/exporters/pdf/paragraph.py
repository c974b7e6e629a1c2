"""`Paragraph`: reportlab's, remembering its last layout, so that asking its size again is free.

reportlab lays a paragraph out (breaks its lines) every time something asks its size: a table
when it measures its rows and again when it draws each cell, and `BalancedColumns` many times
over while it searches for the column height that balances its columns (the worksheet's answer
key: 84,000 layouts of 1,000 paragraphs at the benchmark's scale 1). A layout depends on the
width, the style, the bullet and the paragraph's fragments, so this one keeps the last and hands
it back when those are the same objects.

It keeps a layout only when laying the paragraph out again would repeat it exactly: reportlab
rewrites `frags` while it breaks lines (the text's fragments become word fragments, and a
fragment may be split or injected at a break), so a layout is kept only if it left `frags`
as it found them, item for item. Reusing it then gives the same lines, the same attributes and
the same PDF bytes as reportlab's own second pass.
"""

from __future__ import annotations

from itertools import repeat
from operator import is_
from typing import Any

from reportlab.platypus import Paragraph as _Paragraph

# What `Paragraph.wrap` (with `breakLines`) sets on the paragraph, besides `frags`.
_LAID_OUT = ("width", "_wrapWidths", "blPara", "height", "_width_max", "_splitLongWordCount", "_hyphenations")


class Paragraph(_Paragraph):
    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        before = self.frags
        kept = self.__dict__.get("_nf_layout")
        if kept is not None:
            width, style, bullet, frags, size, state = kept
            if width == availWidth and style is self.style and bullet is self.bulletText and frags is before:
                self.__dict__.update(zip(_LAID_OUT, state, strict=True))  # plain attributes: Paragraph has no setters
                return size
        size = super().wrap(availWidth, availHeight)
        after = self.frags
        # Item by item, and the state, with map: generators here cost more than the work they do.
        same = after is before or (len(after) == len(before) and all(map(is_, after, before)))
        state = tuple(map(getattr, repeat(self), _LAID_OUT, repeat(_MISSING)))
        keep = same and _MISSING not in state  # not laid out at all (no width to lay it out in): nothing to keep
        self._nf_layout = (availWidth, self.style, self.bulletText, after, size, state) if keep else None
        return size


_MISSING: Any = object()
