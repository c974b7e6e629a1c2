"""The embedded Unicode font family every notesforge PDF uses (Noto Sans).

The TrueType files come from the `pymupdf_fonts` package (a dependency), so a
fresh machine with no system fonts prints Cyrillic and Greek correctly, and
every font is embedded (as a subset) in the PDF. reportlab's built-in
Helvetica is never used: pass `REGULAR`/`BOLD`/... wherever reportlab takes a
font name (paragraph and bullet styles, `TableStyle` `FONTNAME`, canvas text,
the document's `initialFontName`).

Noto Sans covers Latin, Greek (polytonic too) and Cyrillic. `printable` turns
text into what the family can draw (format controls dropped, characters without
a glyph as U+FFFD); `missing_glyphs` tells which characters it cannot draw
(emoji, CJK, ...), for a warning. (The package's symbol and maths fonts are CFF
outlines, which reportlab cannot embed, so there is no fallback font.)

Call `register()` before building; it is idempotent and cheap after the first
call (~0.1 s for the four faces). It imports reportlab; importing this module does not,
so the light exporter classes can check glyph coverage (`checks`) at module level.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import io
import threading
import types
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

FAMILY = "NotoSans"
REGULAR = "NotoSans"
BOLD = "NotoSans-Bold"
ITALIC = "NotoSans-Italic"
BOLD_ITALIC = "NotoSans-BoldItalic"

# Our font name -> module of pymupdf_fonts holding the TTF bytes in `fontbuffer`.
_FACES = {
    REGULAR: "NotoSans_Regular",
    BOLD: "NotoSans_Bold",
    ITALIC: "NotoSans_Italic",
    BOLD_ITALIC: "NotoSans_BoldItalic",
}
_lock = threading.RLock()
_registered: set[str] = set()
_cmaps: dict[str, frozenset[int]] = {}
_printable: frozenset[str] = frozenset()  # characters the family draws as they are

REPLACEMENT = "\ufffd"  # printed for a character Noto Sans has no glyph for
SOFT_HYPHEN = "\u00ad"


def font_buffer(module: str) -> bytes:
    """The TrueType bytes of `pymupdf_fonts.<module>` (e.g. "NotoSans_Regular")."""
    return importlib.import_module(f"pymupdf_fonts.{module}").fontbuffer


@functools.cache
def unpack_in_background() -> Callable[[], None]:
    """Import the family's font modules in a thread (once); return what waits for it.

    Each module unpacks its font at import (lzma, ~10 ms a face, which runs without the GIL),
    so a build that starts this before it reads the notes has the fonts for nothing. A face
    that fails to load here fails again, reported, when `register()` loads it.
    """

    def unpack() -> None:
        for module in _FACES.values():
            try:
                importlib.import_module(f"pymupdf_fonts.{module}")
            except Exception:  # register() loads it again and reports the error
                continue

    thread = threading.Thread(target=unpack, name="notesforge-fonts", daemon=True)
    thread.start()
    return thread.join


def register() -> str:
    """Register the Noto Sans family with reportlab (idempotent); return the family name.

    After this, `<b>`/`<i>` in Paragraph markup and `fontName=REGULAR` with bold or
    italic map to the right face through reportlab's font family table.
    """
    global _printable
    if _printable:  # set last, once the family is registered: no lock for the calls after
        return FAMILY
    with _lock:
        if REGULAR in _registered:
            return FAMILY
        # Imported here, not at the top: this module (and `markup`, `checks`) loads without reportlab.
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics

        for name, module in _FACES.items():
            font = _tagged_font_class()(name, io.BytesIO(font_buffer(module)))
            pdfmetrics.registerFont(font)
            _cmaps[name] = frozenset(font.face.charToGlyph)
            _registered.add(name)
        for bold, italic, name in ((0, 0, REGULAR), (1, 0, BOLD), (0, 1, ITALIC), (1, 1, BOLD_ITALIC)):
            addMapping(FAMILY, bold, italic, name)
        common = frozenset.intersection(*(_cmaps[face] for face in _FACES))
        _printable = frozenset(
            chr(c) for c in common if unicodedata.category(chr(c)) not in ("Cc", "Cf") or chr(c) == SOFT_HYPHEN
        )
        return FAMILY


def subset_tag(font: str, index: int, codes: Iterable[int]) -> bytes:
    """The six capital letters before the `+` of a subset's PostScript name, from the font's name, the
    subset's number and the characters it holds: the same subset gets the same tag in every build, and
    different subsets (of one face or of the family) get different tags."""
    digest = hashlib.sha256(f"{font}/{index}/{','.join(map(str, codes))}".encode()).digest()
    return bytes(65 + b % 26 for b in digest[:6])


@functools.cache
def _tagged_font_class() -> type:
    """reportlab's `TTFont`, naming its subsets by `subset_tag`.

    reportlab names subset n of every font `SUBSETN(n)`: AAAAAA, AAAAAB, ..., so the first subsets of
    the regular and the bold face are both AAAAAA+, which viewers and `pdffonts` take for one font.
    Its `addObjects` (which names and writes the subsets) is run as it is, with `SUBSETN` resolved to
    this font's tags instead: no copy of reportlab's code. A test reads the tags back with `pdffonts`.
    """
    from reportlab.pdfbase import ttfonts

    code = ttfonts.TTFont.addObjects

    class TaggedTTFont(ttfonts.TTFont):  # type: ignore[misc]
        def addObjects(self, doc: Any) -> None:
            subsets = self._assignState(doc).subsets

            def tag(index: int) -> bytes:
                return subset_tag(self.fontName, index, subsets[index])

            named = types.FunctionType(code.__code__, {**vars(ttfonts), "SUBSETN": tag}, code.__name__)
            named(self, doc)

    return TaggedTTFont


def _ignorable(char: str) -> bool:
    # Format controls (bidi marks, joiners), other controls and variation selectors need no glyph.
    code = ord(char)
    return (
        char.isspace()
        or unicodedata.category(char) in ("Cc", "Cf")
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
    )


# Line breaks and tabs print as a space: drawn with drawString they would show as a missing glyph.
_SPACES = str.maketrans(dict.fromkeys("\t\n\r\x0b\x0c\x85\u2028\u2029", " "))


def printable(text: str) -> str:
    """`text` as it can be printed in Noto Sans.

    Format controls (bidi overrides, joiners: reportlab neither reorders nor shapes
    text, so they would only draw as stray marks) are dropped, and a character with
    no glyph (emoji, CJK, ...) becomes U+FFFD, so the text layer matches the page.
    Spaces are kept. Pure-covered text (the usual case) is returned as it is.
    """
    register()
    if _printable.issuperset(text):  # which also means no line break or tab: controls are not printable
        return text
    text = text.translate(_SPACES)
    out = []
    for char in text:
        if char in _printable or char.isspace():
            out.append(char)
        elif not _ignorable(char):
            out.append(REPLACEMENT)
    return "".join(out)


def missing_glyphs(texts: Iterable[str]) -> list[str]:
    """Characters of `texts` that Noto Sans cannot draw, sorted; spaces and format controls left out.

    `printable` prints them as U+FFFD; an exporter may report them as a warning.
    """
    register()
    missing = set()
    for text in texts:
        if not _printable.issuperset(text):
            missing.update(c for c in text if c not in _printable and not _ignorable(c))
    return sorted(missing)
