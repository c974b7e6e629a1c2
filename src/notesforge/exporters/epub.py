"""EPUB 3 booklet for phones and e-readers: `notesforge build --format epub` writes `ID.epub`.

The booklet holds a cover (an SVG drawn from the title, subtitle and course, `_cover.py`), a
title page, a contents page (EPUB 3 nav, plus an NCX for older readers; its landmarks nav is
hidden, being for reading systems) and one XHTML document per top-level section. Subsections go
inside their top-level section's document. Each section document ends with a self-test: the
questions of the section's cards, each linked to its answer as an EPUB 3 footnote with a link back.

The XHTML is written here, escaped text and our own tags only, and handed to ebooklib as it is
(ebooklib's own `EpubHtml` would re-parse it with an HTML parser). ebooklib writes the package
document, the nav and the NCX, into a zip with fixed dates (`_Package`), so the same notes give
the same bytes.
"""

from __future__ import annotations

import datetime as _dt
import re
import uuid
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path
from typing import Any

from ..cards import Card, generate
from ..inline import plain
from ..keydates import shown_date
from ..model import (
    BulletList,
    CardList,
    ComparisonTable,
    Emphasis,
    Glossary,
    Grid,
    Notes,
    Paragraph,
    Rich,
    Section,
    Strong,
    Text,
    Timeline,
)
from ..visitor import BlockVisitor
from ._cover import cover_svg
from ._media import Media, collect, in_order
from ._xml import clean, escape
from ._zip import write_entry
from .base import Config, Exporter

# Identifiers are uuid5 names in this namespace: the same notes id, the same book for a reader.
UUID_NAMESPACE = uuid.UUID("6f1d3c5e-2b7a-5c1e-9d4f-0a8b7e6c5d41")

CSS_NAME = "style/booklet.css"
IMAGE_FOLDER = "images"  # card images, stored by content: images/notesforge-<sha1[:12]>.png
TITLE_NAME = "title.xhtml"
COVER_NAME = "cover.xhtml"
COVER_IMAGE = "cover.svg"  # beside the cover page, apart from the card images
NAV_NAME = "nav.xhtml"
# Lead-ins of the self-test's runs of questions that have no prompt of their own.
OTHER_WAY = "The other way round: what is each of these?"
FILL_IN = "Fill in the blank."

_NOT_ID = re.compile(r"[^A-Za-z0-9._-]")


def xml_id(prefix: str, slug: str) -> str:
    """A valid XML id (letter first, NCName characters only) from a prefix and a slug."""
    return prefix + _NOT_ID.sub("-", slug)


def book_uuid(notes: Notes) -> str:
    return f"urn:uuid:{uuid.uuid5(UUID_NAMESPACE, notes.meta.id)}"


def modified(notes: Notes) -> _dt.datetime:
    """`dcterms:modified`: the source's time (SOURCE_DATE_EPOCH or its mtime), never the clock."""
    return _dt.datetime.fromtimestamp(notes.source.epoch, tz=_dt.UTC)


def rich(text: Rich) -> str:
    """Inline markup as XHTML: emphasis, strong, cloze answers in bold.

    `inline.render` with the XHTML written in place: a book renders tens of thousands of texts,
    most of them one plain run, and a renderer's method calls would double their cost.
    """
    if len(text) == 1 and isinstance(first := text[0], Text):
        return escape(first.value)
    parts = []
    for node in text:
        if isinstance(node, Text):
            parts.append(escape(node.value))
        elif isinstance(node, Emphasis):
            parts.append(f"<em>{rich(node.children)}</em>")
        elif isinstance(node, Strong):
            parts.append(f"<strong>{rich(node.children)}</strong>")
        else:
            parts.append(f'<strong class="key">{escape(node.answer)}</strong>')
    return "".join(parts)


def label(text: Rich | str, fallback: str) -> str:
    """Plain text for a title, nav entry or metadata value; never empty (EPUBCheck rejects that)."""
    value = " ".join(clean(text if isinstance(text, str) else plain(text)).split())
    return value or fallback


# --- documents -----------------------------------------------------------------


def page(title: str, language: str, body: list[str]) -> bytes:
    """A complete XHTML content document around `body` (lines of markup)."""
    lang = escape(language)
    head = [
        '<?xml version="1.0" encoding="utf-8"?>',
        "<!DOCTYPE html>",
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
        f'lang="{lang}" xml:lang="{lang}">',
        "<head>",
        '<meta charset="utf-8"/>',
        f"<title>{escape(title)}</title>",
        f'<link rel="stylesheet" type="text/css" href="{CSS_NAME}"/>',
        "</head>",
    ]
    return "\n".join([*head, *body, "</html>", ""]).encode("utf-8")


def cover_page(title: str) -> list[str]:
    """The cover image as the first page, for readers that open a book at its cover."""
    return [
        '<body epub:type="cover">',
        '<section class="cover" epub:type="cover">',
        f'<img src="{COVER_IMAGE}" alt="{escape(title)}"/>',
        "</section>",
        "</body>",
    ]


def title_page(notes: Notes) -> list[str]:
    meta = notes.meta
    lines = [
        '<body epub:type="frontmatter">',
        '<section class="titlepage" epub:type="titlepage">',
        f'<h1 class="title">{escape(label(meta.title, meta.id))}</h1>',
    ]
    for css, value in (("subtitle", meta.subtitle), ("course", meta.course), ("author", meta.author)):
        if value and clean(value).strip():
            lines.append(f'<p class="{css}">{escape(value)}</p>')
    if meta.date:
        lines.append(f'<p class="date">{meta.date.isoformat()}</p>')
    lines += [
        '<p class="howto">Each section ends with a self-test: tap “Answer” to see an answer, '
        "and “Back to question” to return.</p>",
        "</section>",
        "</body>",
    ]
    return lines


@dataclass(frozen=True, slots=True)
class Asked:
    """One self-test question with its answer, as shown."""

    turn: int  # 0: a card's first question; 1: its reverse or its second deletion; ...
    prompt: str  # the lead-in of its run of questions; "" for plain questions
    front: Rich
    back: Rich
    extra: Rich
    image: str = ""  # the href of the card's image, shown with the answer


def image_href(media: Media) -> str:
    return f"{IMAGE_FOLDER}/{media.name}"


def self_test_questions(section: Section, cards: list[Card], images: Mapping[str, Media] | None = None) -> list[Asked]:
    """The questions of the cards of `section` and its subsections, first questions first.

    Basic, table, event and term cards are asked in each direction; of the cloze cards only the
    explicit ones (written in a `cards` block) are asked, once per deletion: cloze bullets and
    points would repeat the notes just above with blanks in them. A card's second question comes
    after every first question, so that it does not sit next to its own answer. A card's image
    (`images`: source path -> media) shows with its answer: every deletion's, or the first
    direction's (the reverse question asks the answer).
    """
    inside = {id(s) for s in section.walk()}
    asked: list[Asked] = []
    for card in cards:
        if id(card.section) not in inside or (card.is_cloze and not card.explicit):
            continue
        for turn, q in enumerate(card.questions()):
            prompt = q.prompt or (FILL_IN if card.is_cloze else OTHER_WAY if turn else "")
            media = (images or {}).get(q.image.path) if q.image else None
            asked.append(Asked(turn, prompt, q.front, q.back, q.extra, image_href(media) if media else ""))
    return sorted(asked, key=lambda a: a.turn)  # stable: document order within a turn


def section_document(section: Section, asked: list[Asked]) -> list[str]:
    """A top-level section's document body, ending with the self-test of its questions `asked`."""
    lines = ['<body epub:type="bodymatter">', f'<section id="{xml_id("s-", section.id)}" epub:type="chapter">']
    lines += _section_content(section)
    lines += self_test(section, asked)
    lines += ["</section>", "</body>"]
    return lines


def _section_content(section: Section) -> Iterator[str]:
    h = min(section.depth, 6)
    yield f"<h{h}>{rich(section.title) or escape(section.id)}</h{h}>"
    for block in section.blocks:
        yield from _BLOCKS.visit(block)
    for sub in section.sections:
        yield f'<section id="{xml_id("s-", sub.id)}">'
        yield from _section_content(sub)
        yield "</section>"


class _Blocks(BlockVisitor[Iterator[str]]):
    """A block's XHTML, line by line."""

    __slots__ = ()

    def visit_paragraph(self, block: Paragraph) -> Iterator[str]:
        yield f"<p>{rich(block.text)}</p>"

    def visit_bullets(self, block: BulletList) -> Iterator[str]:
        yield "<ul>"
        yield from (f"<li>{_date(item.date, item.text)}{rich(item.text)}</li>" for item in block.items)
        yield "</ul>"

    def visit_table(self, block: ComparisonTable) -> Iterator[str]:
        # One row per point index keeps rows short, so a reader can break a long table across pages.
        # Read in document order (a screen reader, a text conversion) a row runs across the columns,
        # so each point starts with its column's heading, hidden from sight (`_column_label`).
        caption = rich(block.caption) if block.caption else ""
        if not caption.strip():
            caption = "Comparison: " + " / ".join(rich(c.heading) for c in block.columns)
        yield '<table class="comparison">'
        yield f"<caption>{caption}</caption>"
        yield "<thead>"
        yield "<tr>" + " ".join(f'<th scope="col">{rich(c.heading)}</th>' for c in block.columns) + "</tr>"
        yield "</thead>"
        yield "<tbody>"
        headings = [rich(c.heading) for c in block.columns]
        for row in block.rows:
            cells = (
                f"<td>{_column_label(h) + _date(p.date, p.text) + rich(p.text) if p else ''}</td>"
                for h, p in zip(headings, row, strict=True)
            )
            yield "<tr>" + "".join(cells) + "</tr>"
        yield "</tbody>"
        yield "</table>"

    def visit_grid(self, block: Grid) -> Iterator[str]:
        # Row headings are <th scope="row">: a screen reader names the row and the column of each cell.
        yield '<table class="grid">'
        if block.caption and rich(block.caption).strip():
            yield f"<caption>{rich(block.caption)}</caption>"
        yield "<thead>"
        corner = f'<th scope="col">{rich(block.corner)}</th>' if block.corner else "<td></td>"
        yield "<tr>" + " ".join([corner, *(f'<th scope="col">{rich(h)}</th>' for h in block.columns)]) + "</tr>"
        yield "</thead>"
        yield "<tbody>"
        headings = [rich(h) for h in block.columns]
        for row in block.rows:
            cells = "".join(
                f"<td>{_column_label(h) + rich(c.text) if plain(c.text).strip() else ''}</td>"
                for h, c in zip(headings, row.cells, strict=True)
            )
            yield f'<tr><th scope="row">{rich(row.heading)}</th>{cells}</tr>'
        yield "</tbody>"
        yield "</table>"

    def visit_events(self, block: Timeline) -> Iterator[str]:
        yield '<ol class="timeline">'
        for event in block.events:
            yield f'<li><strong class="date">{escape(event.date)}</strong> — {rich(event.text)}</li>'
        yield "</ol>"

    def visit_terms(self, block: Glossary) -> Iterator[str]:
        yield '<dl class="glossary">'
        for term in block.terms:
            yield f"<dt><dfn>{rich(term.term)}</dfn></dt>"
            yield f"<dd>{rich(term.definition)}</dd>"
        yield "</dl>"

    def visit_cards(self, block: CardList) -> Iterator[str]:
        return iter(())  # its cards are asked in the section's self-test


_BLOCKS = _Blocks()


def _column_label(heading: str) -> str:
    """A cell's column heading (markup) for readers that read the cell without its grid; drawn nowhere."""
    return f'<span class="column-label">{heading}: </span>' if heading.strip() else ""


def _date(date: str | None, text: Rich) -> str:
    """A bullet's or a point's date, in bold before its text as an event's, or nothing."""
    date = shown_date(date, text)
    return f'<strong class="date">{escape(date)}</strong> — ' if date else ""


def self_test(section: Section, asked: list[Asked]) -> list[str]:
    """Questions in runs under their prompt, each linked to its answer (an EPUB 3 footnote),
    and the answers, each with a link back to its question."""
    if not asked:
        return []
    sid = _dash_id(section.id)
    lines = [f'<section id="t-{sid}" class="self-test">', "<h2>Self-test</h2>"]
    runs = [list(run) for _, run in groupby(enumerate(asked, 1), key=lambda na: (na[1].turn, na[1].prompt))]
    for run in runs:
        first, a = run[0]
        lead = a.prompt or ("Questions" if len(runs) > 1 else "")
        if lead:
            lines.append(f'<p class="prompt">{escape(lead)}</p>')
        lines.append(f'<ol class="questions {digits_class(first + len(run) - 1)}" start="{first}">')
        lines += [
            f'<li id="q-{sid}-{n}">{rich(a.front)} <a class="answer-link" epub:type="noteref" role="doc-noteref" '
            f'href="#a-{sid}-{n}">Answer {n}</a></li>'
            for n, a in run
        ]
        lines.append("</ol>")
    lines.append('<div class="answers">')
    for n, a in enumerate(asked, 1):
        extra = f' <span class="extra">{rich(a.extra)}</span>' if a.extra else ""
        extra += f' <img src="{escape(a.image)}" alt=""/>' if a.image else ""
        lines.append(
            f'<aside id="a-{sid}-{n}" epub:type="footnote" role="doc-footnote"><p>'
            f'<span class="number">{n}.</span> {rich(a.back)}{extra} '
            f'<a class="back-link" role="doc-backlink" href="#q-{sid}-{n}">Back to question {n}</a></p></aside>'
        )
    lines += ["</div>", "</section>"]
    return lines


def digits_class(last: int) -> str:
    """The class that indents a numbered list for its widest number ("10." needs more room than "9.")."""
    return f"digits-{min(len(str(last)), MAX_DIGITS)}"


def _dash_id(slug: str) -> str:
    return _NOT_ID.sub("-", slug)


def document_name(section: Section) -> str:
    return f"{xml_id('s-', section.id)}.xhtml"


# --- style -----------------------------------------------------------------------

# What e-readers honour: block layout, em and %, no colours (night mode inverts the reader's own),
# borders in the text colour, no flexbox, grid, fixed sizes or web fonts.
CSS = """\
body { margin: 0 2%; line-height: 1.4; }
h1, h2, h3, h4, h5, h6 { line-height: 1.2; margin: 1.2em 0 0.5em 0; page-break-after: avoid; break-after: avoid; }
h1 { font-size: 1.6em; }
h2 { font-size: 1.3em; }
h3 { font-size: 1.15em; }
h4, h5, h6 { font-size: 1em; }
p { margin: 0 0 0.6em 0; }
ul, ol { margin: 0 0 0.8em 0; padding-left: 1.4em; }
ol.digits-2 { padding-left: 2em; }
ol.digits-3 { padding-left: 2.6em; }
ol.digits-4 { padding-left: 3.2em; }
li { margin: 0 0 0.3em 0; }
table { border-collapse: collapse; width: 100%; margin: 0.8em 0; }
caption { font-weight: bold; text-align: left; padding: 0 0 0.3em 0; }
th, td { border: thin solid; padding: 0.3em; vertical-align: top; text-align: left; }
th { font-weight: bold; }
tr { page-break-inside: avoid; break-inside: avoid; }
ol.timeline { list-style-type: none; padding-left: 0; }
ol.timeline li { border-left: thin solid; padding-left: 0.6em; margin-bottom: 0.5em; }
dl.glossary dt { font-weight: bold; margin: 0.7em 0 0 0; page-break-after: avoid; break-after: avoid; }
dl.glossary dd { margin: 0.2em 0 0 1.2em; }
dfn { font-style: normal; }
.self-test { margin-top: 1.5em; border-top: thin solid; }
.self-test .prompt { font-style: italic; margin: 0.8em 0 0.3em 0; page-break-after: avoid; break-after: avoid; }
.answers { margin-top: 1em; font-size: 0.95em; }
.answers aside { margin: 0 0 0.5em 0; }
.extra { font-style: italic; }
.answers img { display: block; max-width: 100%; height: auto; margin: 0.3em 0; }
.cover { text-align: center; margin: 0; padding: 0; }
.cover img { max-width: 100%; max-height: 100%; }
.titlepage { text-align: center; margin-top: 15%; }
.titlepage .title { font-size: 2em; }
.titlepage .subtitle { font-size: 1.3em; }
.titlepage .howto { margin-top: 3em; font-size: 0.9em; font-style: italic; }
"""
# Read by screen readers and text conversions, not drawn; calibre ignores the `hidden` attribute.
HIDDEN_CSS = """\
[hidden] { display: none; }
.column-label { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0;
  overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; }
"""
MAX_DIGITS = 4  # the widest list indent: 9,999 questions in one section's self-test


# --- metadata --------------------------------------------------------------------

ACCESSIBILITY = (
    ("schema:accessMode", "textual"),
    ("schema:accessModeSufficient", "textual"),
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityFeature", "displayTransformability"),
    ("schema:accessibilityHazard", "none"),
    (
        "schema:accessibilitySummary",
        "Text only, with headings, lists, tables with column and row headers (each cell also names its column, "
        "for reading without the grid) and a table of contents. "
        "Each section ends with a self-test whose answers are footnotes linked both ways. "
        "No colours or fixed font sizes are set, so the reader's own settings apply.",
    ),
)


# --- the exporter ------------------------------------------------------------------


class EpubExporter(Exporter):
    name = "epub"
    description = "EPUB 3 booklet for phones and e-readers, with a self-test after each section"
    suffix = ".epub"
    cost = 0.5

    def export(self, notes: Notes, path: Path, config: Config) -> None:
        write_book(notes, path)


def write_book(notes: Notes, out: Any) -> None:
    """Write the booklet with ebooklib to `out` (a path or a binary file object)."""
    from ebooklib import epub

    images = collect(card.image for card in generate(notes))
    meta = notes.meta
    title = label(meta.title, meta.id)
    book = epub.EpubBook()
    book.set_identifier(book_uuid(notes))
    book.set_title(title)
    book.set_language(clean(meta.language))
    if meta.author and clean(meta.author).strip():
        book.add_author(label(meta.author, ""))
    if meta.subtitle and clean(meta.subtitle).strip():
        book.add_metadata("DC", "description", label(meta.subtitle, ""))
    if meta.course and clean(meta.course).strip():
        book.add_metadata("DC", "subject", label(meta.course, ""))
    if meta.date:
        book.add_metadata("DC", "date", meta.date.isoformat())
    for prop, value in ACCESSIBILITY:
        if images and prop == "schema:accessibilitySummary":
            book.add_metadata(None, "meta", "visual", {"property": "schema:accessMode"})
            value = value.replace("Text only, with", "Text, with") + " Some self-test answers also show an image."
        book.add_metadata(None, "meta", value, {"property": prop})
    for media in in_order(images.values()):
        uid = xml_id("img-", media.name.rsplit(".", 1)[0])
        book.add_item(
            epub.EpubItem(uid=uid, file_name=image_href(media), media_type=media.media_type, content=media.data)
        )

    cover = epub.EpubCover(uid="cover-image", file_name=COVER_IMAGE)
    cover.media_type = "image/svg+xml"
    cover.content = cover_svg(title, label(meta.subtitle or "", ""), label(meta.course or "", ""))
    book.add_item(cover)
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})  # EPUB 2 readers
    css = epub.EpubItem(
        uid="style", file_name=CSS_NAME, media_type="text/css", content=(CSS + HIDDEN_CSS).encode("utf-8")
    )
    book.add_item(css)

    def document(uid: str, name: str, heading: str, body: list[str]) -> Any:
        item = epub.EpubItem(uid=uid, file_name=name, media_type="application/xhtml+xml")
        item.content = page(heading, meta.language, body)
        book.add_item(item)
        return item

    cover_doc = document("cover", COVER_NAME, title, cover_page(title))
    title_doc = document("title", TITLE_NAME, title, title_page(notes))
    nav = epub.EpubNav(uid="nav", file_name=NAV_NAME, title="Contents")
    nav.add_link(href=CSS_NAME, rel="stylesheet", type="text/css")
    book.add_item(nav)
    book.add_item(epub.EpubNcx())

    # Each chapter asks only its own cards: group them once rather than scan them all per chapter.
    top_of = {id(sub): top.id for top in notes.sections for sub in top.walk()}
    chapter_cards: dict[str, list[Card]] = {top.id: [] for top in notes.sections}
    for card in generate(notes):
        chapter_cards[top_of[id(card.section)]].append(card)
    chapters = []
    for section in notes.sections:
        heading = label(section.title, section.id)
        asked = self_test_questions(section, chapter_cards[section.id], images)
        body = section_document(section, asked)
        chapters.append(document(xml_id("s-", section.id), document_name(section), heading, body))
        book.toc.append(_toc_entry(epub, section, document_name(section), heading, asked))

    book.spine = [cover_doc, title_doc, nav, *chapters]
    book.guide = [
        {"href": COVER_NAME, "title": "Cover", "type": "cover"},
        {"href": NAV_NAME, "title": "Contents", "type": "toc"},
        {"href": chapters[0].file_name, "title": label(notes.sections[0].title, notes.sections[0].id), "type": "text"},
    ]
    options = {"mtime": modified(notes), "epub3_pages": False, "raise_exceptions": True}
    writer = _writer_class(epub)(out, book, options)
    writer.process()
    writer.write_to(_Package(out, notes.source.epoch))


def _writer_class(epub: Any) -> Any:
    """ebooklib's writer, with the landmarks nav hidden: it is for reading systems, which find it
    by its type; readers that show the nav document as a page (calibre) would list it as "Guide"."""

    class Writer(epub.EpubWriter):  # type: ignore[misc, name-defined]
        def _get_nav(self, item: Any) -> bytes:
            return hide_landmarks(super()._get_nav(item))

        def write_to(self, package: _Package) -> None:
            """ebooklib's `write`, into `package` rather than a zip of its own."""
            with package:
                self.out = package
                package.writestr("mimetype", "application/epub+zip")
                self._write_container()
                self._write_opf()
                self._write_items()

    return Writer


class _Package:
    """The EPUB's zip as ebooklib hands over its entries, each written once (`_zip.write_entry`):
    the mimetype first and stored, as EPUB requires, the rest deflated, all dated by the source."""

    def __init__(self, out: Any, epoch: int) -> None:
        self._zip = zipfile.ZipFile(out, "w")
        self._epoch = epoch

    def writestr(self, name: str, data: bytes | str, compress_type: int | None = None) -> None:
        content = data.encode("utf-8") if isinstance(data, str) else data
        write_entry(self._zip, name, content, self._epoch, stored=name == "mimetype")

    def __enter__(self) -> _Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self._zip.close()


def hide_landmarks(nav: bytes) -> bytes:
    """The nav document `nav` with `hidden=""` on its landmarks nav."""
    from lxml import etree

    root = etree.fromstring(nav)
    for landmarks in root.iterfind(".//{*}nav[@{http://www.idpf.org/2007/ops}type='landmarks']"):
        landmarks.set("hidden", "")
    return etree.tostring(root.getroottree(), pretty_print=True, encoding="utf-8", xml_declaration=True)


def _toc_entry(epub: Any, section: Section, name: str, heading: str, asked: list[Asked] | None) -> Any:
    """A nav/NCX entry for `section`, with its subsections (and, at the top, its self-test) below it."""
    href = name if asked is not None else f"{name}#{xml_id('s-', section.id)}"
    link = epub.Link(href, heading, xml_id("toc-s-", section.id))
    children = [_toc_entry(epub, sub, name, label(sub.title, sub.id), None) for sub in section.sections]
    if asked:
        children.append(epub.Link(f"{name}#t-{_dash_id(section.id)}", "Self-test", xml_id("toc-t-", section.id)))
    return (link, children) if children else link
