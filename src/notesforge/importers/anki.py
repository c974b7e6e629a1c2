"""Anki packages (`.apkg`, `.colpkg`) in every export format in use: the legacy `collection.anki2`
and `collection.anki21` (note types and decks as JSON in `col`), and the current
`collection.anki21b` (zstd-compressed, note types, fields, templates and decks in tables of their
own, a protobuf media list, media files zstd-compressed too).

Each note becomes one explicit card that keeps the note's GUID, so the deck notesforge builds from
the notes updates it in place: Cloze note types a cloze card, a note type with a second template
asking the second field (Basic and reversed) a reversed card, any other a basic card of its first
field and the rest. Decks become sections, subdecks subsections.
"""

from __future__ import annotations

import dataclasses
import json
import posixpath
import re
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..inline import clozes, plain
from ..model import IMAGE_TYPES, BasicCard, ClozeCard, Image, Meta, Rich, Text
from . import _proto
from .base import Draft, Imported, ImportFailed, Locations, Report, finish, slug
from .html import plain_text, read_field
from .rich import Clozes, flat, tidy, writable

_COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_IMAGE_MAGIC = {
    ".png": b"\x89PNG\r\n\x1a\n",
    ".jpg": b"\xff\xd8\xff",
    ".jpeg": b"\xff\xd8\xff",
    ".gif": b"GIF8",
}


@dataclass(frozen=True, slots=True)
class NoteType:
    """A note type of the imported package: its fields and its cards' question formats."""

    name: str
    cloze: bool
    fields: tuple[str, ...]
    questions: tuple[str, ...]  # each template's question format

    @property
    def reversed(self) -> bool:
        """Basic (and reversed card): a second template asks the second field, not the first."""
        if self.cloze or len(self.fields) < 2 or len(self.questions) < 2:
            return False
        first, second = (f"{{{{{name}}}}}" for name in self.fields[:2])
        return second in self.questions[1] and first not in self.questions[1]

    @property
    def basic(self) -> bool:
        return not self.cloze and len(self.fields) == 2 and (len(self.questions) == 1 or self.reversed)


@dataclass(frozen=True, slots=True)
class Note:
    """A note of the imported package, with its type and the deck of its first card."""

    guid: str
    type: NoteType
    fields: tuple[str, ...]
    tags: str
    deck: tuple[str, ...]  # the deck of its first card, as names from the top


def read(path: Path, notes_id: str | None = None) -> Imported:
    report = Report(str(path), "Anki package")
    with tempfile.TemporaryDirectory(prefix="notesforge-import-") as work:
        try:
            with zipfile.ZipFile(path) as package:
                names = set(package.namelist())
                name = next((n for n in _COLLECTIONS if n in names), None)
                if name is None:
                    raise ImportFailed(f"{path}: not an Anki package (no {' or '.join(_COLLECTIONS)} in it)")
                current = name.endswith("21b")
                data = package.read(name)
                media = _media(package, names, current)
            db = Path(work) / "collection.sqlite"
            db.write_bytes(_unzstd(data) if current else data)
        except zipfile.BadZipFile:
            raise ImportFailed(f"{path}: not an Anki package (not a zip file)") from None
        except (ValueError, IndexError, KeyError, TypeError) as exc:  # a damaged media list or compressed file
            raise ImportFailed(f"{path}: the package is damaged ({type(exc).__name__}: {exc})") from None
        notes = _notes(db, current, path)
    return _imported(path, notes, media, notes_id, report)


def _unzstd(data: bytes) -> bytes:
    import zstandard

    try:
        return zstandard.ZstdDecompressor().decompressobj().decompress(data)
    except zstandard.ZstdError as exc:
        raise ValueError(f"not zstd data: {exc}") from None


def _media(package: zipfile.ZipFile, names: set[str], current: bool) -> dict[str, bytes]:
    """File name -> bytes of every media file in the package."""
    if "media" not in names:
        return {}
    raw = package.read("media")
    if current:
        listed = _proto.fields(_unzstd(raw)).get(1, [])
        entries = {}
        for i, entry in enumerate(listed):
            message = _proto.fields(entry)  # type: ignore[arg-type]
            index = _proto.first(message, 255, i)
            entries[str(index)] = bytes(_proto.first(message, 1)).decode("utf-8")  # type: ignore[arg-type]
    else:
        entries = json.loads(raw.decode("utf-8") or "{}")
    files = {}
    for number, name in entries.items():
        if number in names:
            data = package.read(number)
            files[name] = _unzstd(data) if current and data.startswith(_ZSTD_MAGIC) else data
    return files


def _notes(db: Path, current: bool, path: Path) -> list[Note]:
    conn = sqlite3.connect(db)
    # Anki's tables sort names with a collation of its own; SQLite needs one of that name to read them.
    conn.create_collation("unicase", lambda a, b: (a.casefold() > b.casefold()) - (a.casefold() < b.casefold()))
    try:
        types, decks = (_tables if current else _json)(conn)
        rows = conn.execute(
            "SELECT n.guid, n.mid, n.flds, n.tags,"
            # A card in a filtered deck is still in its home deck (odid).
            " (SELECT CASE WHEN c.odid THEN c.odid ELSE c.did END FROM cards c WHERE c.nid = n.id ORDER BY c.ord"
            " LIMIT 1) FROM notes n ORDER BY n.id"
        ).fetchall()
    except sqlite3.DatabaseError as exc:
        raise ImportFailed(f"{path}: the collection in the package cannot be read ({exc})") from None
    finally:
        conn.close()
    unknown = NoteType("unknown note type", False, (), ())
    return [
        Note(guid, types.get(mid, unknown), tuple(fields.split("\x1f")), tags.strip(), decks.get(did, ("Default",)))
        for guid, mid, fields, tags, did in rows
    ]


def _json(conn: sqlite3.Connection) -> tuple[dict[int, NoteType], dict[int, tuple[str, ...]]]:
    """Note types and decks of the legacy schema: JSON in the `col` table."""
    models, decks = conn.execute("SELECT models, decks FROM col").fetchone()
    types = {
        int(mid): NoteType(
            m["name"],
            m.get("type") == 1,
            tuple(f["name"] for f in sorted(m["flds"], key=lambda f: f["ord"])),
            tuple(t["qfmt"] for t in sorted(m["tmpls"], key=lambda t: t["ord"])),
        )
        for mid, m in json.loads(models).items()
    }
    return types, {int(did): tuple(d["name"].split("::")) for did, d in json.loads(decks).items()}


def _tables(conn: sqlite3.Connection) -> tuple[dict[int, NoteType], dict[int, tuple[str, ...]]]:
    """Note types and decks of the current schema: tables of their own, configs as protobuf."""
    fields: dict[int, list[str]] = {}
    for ntid, name in conn.execute("SELECT ntid, name FROM fields ORDER BY ntid, ord"):
        fields.setdefault(ntid, []).append(name)
    questions: dict[int, list[str]] = {}
    for ntid, config in conn.execute("SELECT ntid, config FROM templates ORDER BY ntid, ord"):
        qfmt = _proto.first(_proto.fields(config), 1)
        questions.setdefault(ntid, []).append(bytes(qfmt).decode("utf-8"))  # type: ignore[arg-type]
    types = {
        ntid: NoteType(
            name,
            _proto.first(_proto.fields(config), 1, 0) == 1,
            tuple(fields.get(ntid, ())),
            tuple(questions.get(ntid, ())),
        )
        for ntid, name, config in conn.execute("SELECT id, name, config FROM notetypes")
    }
    decks = {did: tuple(name.split("\x1f")) for did, name in conn.execute("SELECT id, name FROM decks")}
    return types, decks


def _imported(path: Path, notes: list[Note], media: dict[str, bytes], notes_id: str | None, report: Report) -> Imported:
    report.count("notes", len(notes))
    tops = {note.deck[0] for note in notes}
    one_top = len(tops) == 1
    title = next(iter(tops)) if one_top else " ".join(path.stem.split())
    root = Draft((Text(title),))
    loc = Locations(str(path))
    images: dict[str, bytes] = {}
    for note in sorted(notes, key=lambda n: tuple(part.casefold() for part in n.deck)):
        card = _card(note, loc, report, media, images)
        if card is None:
            continue
        if note.tags:
            report.lose("tags (the notes format has no card tags)", note.tags)
        # One top deck is the notes' title and its subdecks the sections (its own cards first, in a
        # section of its name); several top decks are sections themselves.
        parts = note.deck[1:] if one_top else note.deck
        draft = root
        for n, part in enumerate(parts):
            draft = draft.child((Text(part),), key="::".join(parts[: n + 1]))
        draft.cards.append(card)
    report.count("images", len(images))
    meta = Meta(notes_id or slug(path.stem), title, "en")
    drafts = [Draft(root.title, cards=root.cards)] if root.cards else []
    return Imported(finish(meta, [*drafts, *root.sections], str(path), report), images, report)


def _card(
    note: Note, loc: Locations, report: Report, media: dict[str, bytes], images: dict[str, bytes]
) -> BasicCard | ClozeCard | None:
    kind = note.type
    named = dict(zip(kind.fields, note.fields, strict=False))
    if named.keys() >= _OWN:  # a deck notesforge made: its fields by name
        return _own_card(note, named, loc, report, media, images)
    fields = note.fields + ("",) * (2 - len(note.fields))
    if not kind.cloze and not kind.basic:
        report.lose(f"note type '{kind.name}': first field as the question, the others as the answer", note.fields[0])
    front, shown = _rich(fields[0], kind.cloze, report)
    rest = [f for f in fields[1:] if plain_text(f).strip() or "<img" in f]
    backs = [_rich(f, False, report) for f in rest]
    back: Rich = tuple(n for i, (r, _) in enumerate(backs) for n in ((Text(" · "),) if i else ()) + r)
    image = _image(shown + [src for _, found in backs for src in found], note, loc, report, media, images)
    return _made(note, kind.cloze, front, back, kind.reversed, loc, report, image)


# The fields of notesforge's own note types (exporters/anki.py), read by name.
_OWN = frozenset({"Context", "Prompt"})
_PROMPT = re.compile(r'<div class="nf-prompt">(.*?)</div>', re.S)


def _own_card(
    note: Note, named: dict[str, str], loc: Locations, report: Report, media: dict[str, bytes], images: dict[str, bytes]
) -> BasicCard | ClozeCard | None:
    """A note of notesforge's own types: Front/Back or Text/Extra, its Prompt and ReversePrompt.

    The Context field (the section line, and a table's caption) is made again from the sections.
    """
    cloze = note.type.cloze
    front, shown = _rich(named.get("Text" if cloze else "Front", ""), cloze, report)
    back, more = _rich(named.get("Extra" if cloze else "Back", ""), False, report)
    image = _image(shown + more, note, loc, report, media, images)
    context = " › ".join(note.deck[1:])
    if plain_text(named["Context"]).strip() not in ("", context):
        report.lose("the context line of a card (a table's caption): made again from the sections", named["Context"])
    prompt = " ".join(plain_text(named["Prompt"]).split()) or None
    reverse = named.get("ReversePrompt", "")
    if cloze:
        if prompt:
            report.lose("prompts of cloze notes", prompt)
        return _made(note, True, front, back, False, loc, report, image)
    found = _PROMPT.search(reverse)
    reverse_prompt = " ".join(plain_text(found.group(1)).split()) if found else None
    card = _made(note, False, front, back, bool(reverse.strip()), loc, report, image)
    if isinstance(card, BasicCard):
        return dataclasses.replace(card, prompt=prompt, reverse_prompt=reverse_prompt if card.reverse else None)
    return card


def _made(
    note: Note, cloze: bool, front: Rich, back: Rich, reverse: bool, loc: Locations, report: Report, image: Image | None
) -> BasicCard | ClozeCard | None:
    if cloze:
        if not clozes(front):
            report.lose("cloze notes without a cloze deletion (left out)", plain(front) or note.guid)
            return None
        return ClozeCard(front, back or None, None, loc(), image, note.guid)
    if not plain(front).strip() or not plain(back).strip():
        report.lose("notes with an empty question or answer (left out)", plain(front) or plain(back) or note.guid)
        return None
    return BasicCard(front, back, reverse, None, loc(), image, guid=note.guid)


def _rich(html: str, cloze: bool, report: Report) -> tuple[Rich, list[str]]:
    """A field as inline markup (cloze deletions as cloze marks where `cloze`) and its images."""
    found = Clozes()
    if cloze:
        html = found.take(html, plain_text)
    field = read_field(html)
    for what in dict.fromkeys(field.dropped):
        report.lose(what, plain_text(html))
    rich = tidy(found.put_back(field.rich))
    if cloze and found.renumbered:
        report.lose("cloze numbers renumbered (the notes number each mark in order)", plain(rich))
    if not writable(rich, cloze):
        report.lose("emphasis the notes cannot write exactly (kept as plain text)", plain(rich))
        rich = tidy(flat(rich))
    return rich, field.images


def _image(
    names: list[str], note: Note, loc: Locations, report: Report, media: dict[str, bytes], images: dict[str, bytes]
) -> Image | None:
    """The note's first image, written under images/ (a card shows one image, with its answer)."""
    for extra in names[1:]:
        report.lose("images after a note's first (a card shows one)", extra)
    if not names:
        return None
    name = names[0]
    data = media.get(name)
    suffix = posixpath.splitext(name)[1].lower()
    if data is None:
        report.lose("images missing from the package", name)
        return None
    if suffix not in IMAGE_TYPES or not data.startswith(_IMAGE_MAGIC.get(suffix, b"")):
        report.lose("images of a kind the notes cannot show", name)
        return None
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", posixpath.basename(name)).strip("-.") or "image"
    relative = f"images/{safe}"
    if relative in images and images[relative] != data:
        stem, dot, ext = safe.rpartition(".")
        relative = f"images/{stem}-{note.guid.encode('utf-8').hex()[:8]}{dot}{ext}"
    images[relative] = data
    return Image(relative, relative, loc())
