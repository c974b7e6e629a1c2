"""The EPUB container: the zip, its container file, package document, nav and NCX.

Written as text, not built as element trees: the booklet's structure is fixed, so the four
files are templates filled with escaped text. Their bytes are those ebooklib 0.20 wrote with
lxml (indented two spaces, lxml's escapes, its id and generator quirks), which the booklet
was first built with, so that a book built before and after is the same file.
"""

from __future__ import annotations

import datetime as _dt
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._zip import write_entry

FOLDER = "EPUB"
CONTAINER = f"""<?xml version="1.0" encoding="utf-8"?>
<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container" version="1.0">
  <rootfiles>
    <rootfile media-type="application/oebps-package+xml" full-path="{FOLDER}/content.opf"/>
  </rootfiles>
</container>
"""
# The generator ebooklib named; kept, with the rest of its bytes (see above).
GENERATOR = "Ebook-lib 0.20.0"
DECLARATION = "<?xml version='1.0' encoding='utf-8'?>"
NCX = "application/x-dtbncx+xml"
# Guide types as landmarks types, where EPUB 3 names them otherwise.
LANDMARK_TYPES = {"notes": "rearnotes", "text": "bodymatter"}


def text(value: str) -> str:
    """Character data as lxml writes it."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def attribute(value: str) -> str:
    """An attribute value as lxml writes it, in double quotes."""
    return (
        text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")
        if any(c in value for c in '&<>"\r\n\t')
        else value
    )


def element(name: str, attributes: Iterable[tuple[str, str]] = (), content: str | None = None) -> str:
    """One element on one line: empty (`content` None) or holding `content` as text."""
    attrs = "".join(f' {key}="{attribute(value)}"' for key, value in attributes)
    return f"<{name}{attrs}/>" if content is None else f"<{name}{attrs}>{text(content)}</{name}>"


@dataclass(frozen=True, slots=True)
class Item:
    """A file of the book, listed in the manifest."""

    id: str
    href: str  # inside FOLDER
    media_type: str
    content: bytes = field(repr=False)
    properties: str = ""


@dataclass(frozen=True, slots=True)
class Entry:
    """A contents entry: a link, with the entries below it."""

    href: str
    title: str
    id: str
    children: tuple[Entry, ...] = ()


@dataclass(frozen=True, slots=True)
class Landmark:
    """A guide reference (EPUB 2) and a landmark (EPUB 3)."""

    type: str
    title: str
    href: str


@dataclass(frozen=True, slots=True)
class Book:
    identifier: str
    title: str
    language: str
    modified: _dt.datetime
    dc: Sequence[tuple[str, str]]  # Dublin Core (name, value) after identifier, title and language
    meta: Sequence[tuple[dict[str, str], str]]  # <meta> (attributes, text) after those
    items: Sequence[Item]  # in manifest order; the nav (properties "nav") and the NCX are written here
    spine: Sequence[str]  # item ids
    guide: Sequence[Landmark]
    toc: Sequence[Entry]
    stylesheet: str  # the nav's
    contents: str = "Contents"  # the nav's title

    @property
    def ncx_id(self) -> str:
        return next((item.id for item in self.items if item.media_type == NCX), "ncx")


def package_document(book: Book) -> bytes:
    lines = [
        DECLARATION,
        '<package xmlns="http://www.idpf.org/2007/opf" unique-identifier="id" version="3.0" '
        'prefix="rendition: http://www.idpf.org/vocab/rendition/#">',
        '  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf">',
        f'    <meta property="dcterms:modified">{book.modified.strftime("%Y-%m-%dT%H:%M:%SZ")}</meta>',
        f'    <meta name="generator" content="{GENERATOR}"/>',
        "    " + element("dc:identifier", [("id", "id")], book.identifier),
        "    " + element("dc:title", (), book.title),
        "    " + element("dc:language", (), book.language),
    ]
    lines += ["    " + element(f"dc:{name}", [("id", name)] if name == "creator" else (), v) for name, v in book.dc]
    lines += ["    " + element("meta", attrs.items(), value) for attrs, value in book.meta]
    lines += ["  </metadata>", "  <manifest>"]
    for item in book.items:
        attrs = [("href", item.href), ("id", item.id), ("media-type", item.media_type)]
        lines.append("    " + element("item", attrs + [("properties", item.properties)] * bool(item.properties)))
    lines += ["  </manifest>", f'  <spine toc="{attribute(book.ncx_id)}">']
    lines += ["    " + element("itemref", [("idref", idref)]) for idref in book.spine]
    lines.append("  </spine>")
    if book.guide:
        lines.append("  <guide>")
        lines += [
            "    " + element("reference", [("type", g.type), ("title", g.title), ("href", g.href)]) for g in book.guide
        ]
        lines.append("  </guide>")
    lines += ["</package>", ""]
    return "\n".join(lines).encode("utf-8")


def nav_document(book: Book) -> bytes:
    """The EPUB 3 nav: the contents, and the landmarks (hidden: they are for reading systems,
    which find them by type; readers that show the nav as a page, calibre, would list them)."""
    lines = [
        DECLARATION,
        "<!DOCTYPE html>",
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
        f'lang="{attribute(book.language)}" xml:lang="{attribute(book.language)}">',
        "  <head>",
        "    " + element("title", (), book.contents),
        "    " + element("link", [("href", book.stylesheet), ("rel", "stylesheet"), ("type", "text/css")]),
        "  </head>",
        "  <body>",
        '    <nav epub:type="toc" id="id" role="doc-toc">',
        "      " + element("h2", (), book.contents),
    ]
    lines += _nav_list(book.toc, 3)
    lines.append("    </nav>")
    if book.guide:
        lines += ['    <nav epub:type="landmarks" hidden="">', "      <h2>Guide</h2>", "      <ol>"]
        for g in book.guide:
            kind = LANDMARK_TYPES.get(g.type, g.type)
            a = element("a", [("epub:type", kind), ("href", g.href)], g.title)
            lines += ["        <li>", f"          {a}", "        </li>"]
        lines += ["      </ol>", "    </nav>"]
    lines += ["  </body>", "</html>", ""]
    return "\n".join(lines).encode("utf-8")


def _nav_list(entries: Sequence[Entry], depth: int) -> list[str]:
    pad = "  " * depth
    if not entries:
        return [f"{pad}<ol/>"]
    lines = [f"{pad}<ol>"]
    for entry in entries:
        lines += [f"{pad}  <li>", f"{pad}    " + element("a", [("href", entry.href)], entry.title)]
        if entry.children:
            lines += _nav_list(entry.children, depth + 2)
        lines.append(f"{pad}  </li>")
    lines.append(f"{pad}</ol>")
    return lines


def ncx_document(book: Book) -> bytes:
    """The NCX, for EPUB 2 readers."""
    lines = [
        DECLARATION,
        '<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">',
        "  <head>",
        "    " + element("meta", [("content", book.identifier), ("name", "dtb:uid")]),
        '    <meta content="0" name="dtb:depth"/>',
        '    <meta content="0" name="dtb:totalPageCount"/>',
        '    <meta content="0" name="dtb:maxPageNumber"/>',
        "  </head>",
        "  <docTitle>",
        "    " + element("text", (), book.title),
        "  </docTitle>",
    ]
    if book.toc:
        lines.append("  <navMap>")
        _nav_points(lines, book.toc, 2, 0)
        lines.append("  </navMap>")
    else:
        lines.append("  <navMap/>")
    lines += ["</ncx>", ""]
    return "\n".join(lines).encode("utf-8")


def _nav_points(lines: list[str], entries: Sequence[Entry], depth: int, uid: int) -> int:
    """Append the navPoints of `entries`; an entry with entries below is named `sep_<n>`, numbered
    in document order (as ebooklib numbers them). Returns the next number."""
    pad = "  " * depth
    for entry in entries:
        name = f"sep_{uid}" if entry.children else entry.id
        lines += [
            f"{pad}" + f'<navPoint id="{attribute(name)}">',
            f"{pad}  <navLabel>",
            f"{pad}    " + element("text", (), entry.title),
            f"{pad}  </navLabel>",
            f"{pad}  " + element("content", [("src", entry.href)]),
        ]
        if entry.children:
            uid = _nav_points(lines, entry.children, depth + 1, uid + 1)
        lines.append(f"{pad}</navPoint>")
    return uid


def write_package(out: Any, book: Book, epoch: int) -> None:
    """Write the book to `out` (a path or a binary file object): the mimetype first and stored,
    as EPUB requires, the rest deflated, every entry dated by the source's time."""
    with zipfile.ZipFile(out, "w") as zout:
        write_entry(zout, "mimetype", b"application/epub+zip", epoch, stored=True)
        write_entry(zout, "META-INF/container.xml", CONTAINER.encode("utf-8"), epoch)
        write_entry(zout, f"{FOLDER}/content.opf", package_document(book), epoch)
        for item in book.items:
            if item.properties == "nav":
                content = nav_document(book)
            elif item.media_type == NCX:
                content = ncx_document(book)
            else:
                content = item.content
            write_entry(zout, f"{FOLDER}/{item.href}", content, epoch)
