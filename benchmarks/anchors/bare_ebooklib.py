"""Anchor: the same content as notesforge's EPUB, written by bare ebooklib.

    python benchmarks/anchors/bare_ebooklib.py SOURCE OUT.epub

One chapter per top-level section (its subsections inside, as notesforge does):
headings, paragraphs, bullets, tables, events, terms and the explicit cards as a
question list; nav and NCX; no self-test links, no checks.
"""

from __future__ import annotations

import sys

from _source import load, plain, sections, text_of, to_html
from ebooklib import epub


def block_html(block: dict) -> list[str]:
    kind = block["type"]
    if kind == "paragraph":
        return [f"<p>{to_html(block['text'])}</p>"]
    if kind == "bullets":
        return ["<ul>", *(f"<li>{to_html(text_of(i))}</li>" for i in block["items"]), "</ul>"]
    if kind == "table":
        columns = block["columns"]
        rows = max(len(c["points"]) for c in columns)
        out = ["<table>", f"<caption>{to_html(block.get('caption', ''))}</caption>", "<tr>"]
        out += [f"<th>{to_html(c['heading'])}</th>" for c in columns] + ["</tr>"]
        for r in range(rows):
            cells = [to_html(c["points"][r]) if r < len(c["points"]) else "" for c in columns]
            out.append("<tr>" + "".join(f"<td>{x}</td>" for x in cells) + "</tr>")
        return [*out, "</table>"]
    if kind == "events":
        return ["<ul>", *(f"<li><b>{plain(e['date'])}</b> {to_html(e['text'])}</li>" for e in block["items"]), "</ul>"]
    if kind == "terms":
        items = (f"<dt>{to_html(t['term'])}</dt><dd>{to_html(t['definition'])}</dd>" for t in block["items"])
        return ["<dl>", *items, "</dl>"]
    items = (
        f"<li>{to_html(c['cloze'])}</li>" if "cloze" in c else f"<li>{to_html(c['q'])} {to_html(c['a'])}</li>"
        for c in block["items"]
    )
    return ["<h4>Test yourself</h4>", "<ol>", *items, "</ol>"]


def main(source: str, out: str) -> None:
    doc = load(source)
    meta = doc["notes"]
    book = epub.EpubBook()
    book.set_identifier(f"bench-{meta['id']}")
    book.set_title(meta["title"])
    book.set_language(meta["language"])
    bodies: list[tuple[str, list[str]]] = []  # (title, lines) per top-level section
    for depth, section in sections(doc):
        if depth == 1:
            bodies.append((plain(section["title"]), []))
        level = min(depth, 6)
        body = bodies[-1][1]
        body.append(f"<h{level}>{to_html(section['title'])}</h{level}>")
        for block in section.get("block", []):
            body += block_html(block)
    chapters = []
    for n, (title, body) in enumerate(bodies, 1):
        chapter = epub.EpubHtml(title=title, file_name=f"s{n}.xhtml", lang=meta["language"])
        chapter.content = "\n".join(body)
        chapters.append(chapter)
    for chapter in chapters:
        book.add_item(chapter)
    book.toc = chapters
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *chapters]
    epub.write_epub(out, book)


if __name__ == "__main__":
    main(*sys.argv[1:3])
