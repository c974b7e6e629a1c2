"""Text as XML character data, for the formats that write XML (the EPUB and its SVG cover)."""

from __future__ import annotations

import re

# Characters XML 1.0 forbids (C0 controls but tab, LF, CR; surrogates; U+FFFE, U+FFFF), and the
# C1 controls and DEL, which XHTML readers treat as errors. They carry no text: they are dropped.
_FORBIDDEN = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
_NOT_XML = re.compile(f"[{_FORBIDDEN}]")
# Those and the characters escaped: most text has none, and one search costs less than the edits.
_NOT_LITERAL = re.compile(f'[{_FORBIDDEN}&<>"]')


def clean(text: str) -> str:
    """`text` without the characters an XML document cannot hold."""
    return _NOT_XML.sub("", text)


def escape(text: str) -> str:
    """`text` as XML character data or attribute value: every character shows literally."""
    if not _NOT_LITERAL.search(text):
        return text
    return clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
