"""Printable flashcards (PDF) for double-sided printing, cut from a grid.

One card per question of `cards.generate()` (`Card.questions()`): explicit cards,
both directions of reversed cards, dates and key terms; each cloze deletion is a
card of its own, its sentence on the front with the deleted fact as a bold `[…]`
(or its hint). A sheet is two pages: the fronts (odd page), in a grid of
`columns` x `rows` cards read left to right, top to bottom, then the backs (even
page) with the columns mirrored, so that printed duplex and flipped on the long
edge each back lands behind its front. Each card carries its section's name and
its number in small print on both sides; its text is set as large as fits the card
(shrunk, never overflowing). Fronts get thin cut marks in the margins and a faint
cutting grid.

Two cards made from one sentence (the deletions of a bullet, a table point's cloze and
its "which column?") each show the other's answer, so `arrange` never prints them side
by side or one above the other; the cards are numbered in the order they are printed.
"""

from __future__ import annotations

import dataclasses
import functools
import io
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, Frame, PageBreak, PageTemplate

from ...cards import generate
from ...inline import plain
from ...model import Image, Location, Notes, Rich
from .._media import RASTER
from . import fonts
from .config import FlashcardsConfig
from .document import MUTED as MUTED_RGB
from .document import Margins, doc_with_templates, fit_text
from .markup import escape_text, para_text
from .outline import Entry, mark
from .paragraph import Paragraph
from .styles import INK, MUTED, hex_color

MM = 72 / 25.4
SIDE_MARGIN = 12 * MM  # left and right: equal, so that the mirrored backs line up
TOP_MARGIN = 12 * MM
BOTTOM_MARGIN = 18 * MM  # the sheet label sits inside it, below the cut marks
PADDING = 4.5 * MM  # inside a card: printers shift duplex pages by a millimetre or two
SMALL = 6.5  # section name and card number
TEXT_SIZES = (15, 14, 13, 12, 11, 10, 9, 8.5, 8, 7.5, 7, 6.5, 6, 5.5, 5)


@dataclass(frozen=True, slots=True)
class Face:
    """One printed card: its number, section, front (with the prompt) and back."""

    number: int
    section: str
    prompt: str
    front: Rich
    back: Rich
    extra: Rich = ()  # a cloze card's extra note, on the back
    image: Image | None = None  # on the back, below the answer
    item: object = dataclasses.field(default=None, compare=False, repr=False)  # what it was made from
    top: str = ""  # the id of its top-level section: the outline marks where each one's cards begin


Box = tuple[float, float, float, float]  # x0, y0 (bottom), x1, y1 (top), in points from the page's lower left


def card_boxes(page: tuple[float, float], columns: int, rows: int) -> list[list[Box]]:
    """The cells of the grid on a page of size `page`: `boxes[row][column]`, row 0 at the top."""
    width, height = page
    cw = (width - 2 * SIDE_MARGIN) / columns
    ch = (height - TOP_MARGIN - BOTTOM_MARGIN) / rows
    top = height - TOP_MARGIN
    return [
        [(SIDE_MARGIN + c * cw, top - (r + 1) * ch, SIDE_MARGIN + (c + 1) * cw, top - r * ch) for c in range(columns)]
        for r in range(rows)
    ]


def slot(index: int, columns: int, rows: int, back: bool) -> tuple[int, int, int]:
    """(page index from 0, column, row) of card `index` (from 0), front or back."""
    per_sheet = columns * rows
    sheet, place = divmod(index, per_sheet)
    row, column = divmod(place, columns)
    if back:
        column = columns - 1 - column
    return 2 * sheet + back, column, row


def drawable(faces: list[Face], warn: Callable[[Location, str], None]) -> list[Face]:
    """`faces` without the images a PDF cannot draw (SVG, WebP), each warned of once."""
    left_out = {face.image.loc: face.image for face in faces if face.image and face.image.suffix not in RASTER}
    for image in left_out.values():
        warn(image.loc, f"flashcards show PNG, JPEG and GIF images only: '{image.name}' is left out")
    return [dataclasses.replace(face, image=None) if face.image in left_out.values() else face for face in faces]


def faces_of(notes: Notes, kinds: set[str], sections: set[str]) -> Iterator[Face]:
    """A face per question of every chosen card, numbered from 1 in document order."""
    number = 0
    top_of = {id(sub): top.id for top in notes.sections for sub in top.walk()}
    for card in generate(notes):
        if card.kind.value not in kinds or card.section.id not in sections:
            continue
        for q in card.questions():
            number += 1
            yield Face(
                number,
                " › ".join(filter(None, [plain(card.section.title), q.context])),
                q.prompt,
                q.front,
                q.back,
                q.extra,
                q.image,
                card.item,
                top_of[id(card.section)],
            )


def arrange(faces: list[Face], columns: int, rows: int) -> list[Face]:
    """`faces` in print order, numbered from 1, with no two faces of one item neighbours on a page.

    Neighbours share an edge: left and right, or one above the other (diagonal is fine; so is the
    next page). Slot by slot, left to right and top to bottom, each slot takes the earliest face in
    document order that has no face of its item to its left or above it, so a face that cannot go
    in a slot waits for the next one where it can. Near the end, when few items are left, an item
    with several faces must start early enough to keep them apart: a slot takes such a face when
    the slots left would otherwise be too few, and if a slot still ends with nothing that fits, the
    slot before takes its next choice (a search, in document order, for the earliest such order).
    When no order keeps them all apart (one item with more faces than the pages can keep apart),
    the one with the fewest neighbouring pairs the search finds; never an error.
    Faces without an item are nobody's neighbours.
    """
    groups: dict[int, int] = {}
    keys = [groups.setdefault(id(f.item), len(groups)) if f.item is not None else -1 - n for n, f in enumerate(faces)]
    per_page = columns * rows
    budget = 20 * len(keys) + 20_000  # search steps: a few per face on real notes
    order = _search(keys, columns, per_page, 0, budget)
    if order is None:
        order = _fewest_neighbours(keys, columns, per_page)
        for allowed in range(1, min(neighbours(keys, order, columns, per_page), 10)):
            better = _search(keys, columns, per_page, allowed, budget)
            if better is not None:
                order = better
                break
    return [dataclasses.replace(faces[i], number=n) for n, i in enumerate(order, 1)]


def _before(position: int, columns: int, per_page: int) -> list[int]:
    """The slots left of and above `position` on its page (filled before it)."""
    at = position % per_page
    return ([position - 1] if at % columns else []) + ([position - columns] if at >= columns else [])


def neighbours(keys: list[int], order: list[int], columns: int, per_page: int) -> int:
    """How many pairs of neighbouring slots hold faces of one key."""
    return sum(keys[order[p]] == keys[i] for n, i in enumerate(order) for p in _before(n, columns, per_page))


def _search(keys: list[int], columns: int, per_page: int, allowed: int, budget: int) -> list[int] | None:
    """The earliest order (by document position) with at most `allowed` neighbouring pairs of one
    key, each slot preferring a face that adds none; None if there is none, or after `budget` steps."""
    count = len(keys)
    room = _room(count, columns, per_page)
    members: dict[int, list[int]] = {}
    for i, key in enumerate(keys):
        members.setdefault(key, []).append(i)
    left = {key: len(faces) for key, faces in members.items()}  # faces not yet placed, by key
    by_left: dict[int, set[int]] = {}  # number of faces left -> the keys with that many
    for key, n in left.items():
        by_left.setdefault(n, set()).add(key)

    def take(key: int, step: int) -> None:
        by_left[left[key]].discard(key)
        left[key] -= step
        by_left.setdefault(left[key], set()).add(key)

    used = [False] * count
    order: list[int] = []
    costs: list[int] = []  # per slot: the neighbouring pairs its face made
    spent = 0
    tried: list[set[int]] = [set()]  # per slot: the keys that led to a dead end there
    first = 0  # the first face not yet placed
    for _ in range(budget):
        if len(order) == count:
            return order
        position = len(order)
        near = [keys[order[p]] for p in _before(position, columns, per_page)]
        # Keys with more faces left than the later slots can keep apart make that many pairs at least.
        spare = room[position + 1]
        over = {key for n, ks in by_left.items() if n > spare for key in ks}
        slack = allowed - spent - sum(left[key] - spare for key in over)
        pick, pick_cost = None, 0
        if slack >= -1:  # at -1 only a face of an `over` key, making no pair, can go here
            pool = range(first, count) if slack >= 0 else sorted(i for key in over for i in members[key])
            for i in pool:
                if used[i] or keys[i] in tried[-1]:
                    continue
                cost = near.count(keys[i])
                if cost <= slack + (keys[i] in over) and (pick is None or cost < pick_cost):
                    pick, pick_cost = i, cost
                    if not cost:
                        break
        if pick is not None:
            order.append(pick)
            costs.append(pick_cost)
            spent += pick_cost
            used[pick] = True
            take(keys[pick], 1)
            tried.append(set())
            while first < count and used[first]:
                first += 1
            continue
        if not order:
            return None  # every choice for the first slot led to a dead end
        tried.pop()
        undone = order.pop()
        spent -= costs.pop()
        used[undone] = False
        take(keys[undone], -1)
        first = min(first, undone)
        tried[-1].add(keys[undone])
    return None


def _room(count: int, columns: int, per_page: int) -> list[int]:
    """`room[s]`: the most faces of one item that slots s, s+1, ... (up to `count`) can hold apart."""
    room = [0] * (count + 2)
    for s in range(count - 1, -1, -1):
        page_start = s - s % per_page
        end = min(count, page_start + per_page)  # this page's slots from s
        room[s] = _most_apart(s - page_start, end - 1 - page_start, columns) + room[end]
    return room


@functools.cache
def _most_apart(first: int, last: int, columns: int) -> int:
    """The most of a page's slots first..last (row by row) with no two neighbours: the slots less a
    largest matching of neighbouring pairs (the grid is bipartite)."""
    slots = range(first, last + 1)
    partner: dict[int, int] = {}

    def near(k: int) -> list[int]:
        out = [k - columns, k + columns] + ([k - 1] if k % columns else []) + ([k + 1] if (k + 1) % columns else [])
        return [j for j in out if first <= j <= last]

    def augment(k: int, seen: set[int]) -> bool:
        for j in near(k):
            if j not in seen:
                seen.add(j)
                if j not in partner or augment(partner[j], seen):
                    partner[j] = k
                    return True
        return False

    black = [k for k in slots if (k // columns + k % columns) % 2 == 0]
    return len(slots) - sum(augment(k, set()) for k in black)


def _fewest_neighbours(keys: list[int], columns: int, per_page: int) -> list[int]:
    """Slot by slot, the face with the fewest same-key neighbours there: of those, a face of the
    item with the most faces left if the slots left are too few to keep them apart, else the
    earliest (no search)."""
    room = _room(len(keys), columns, per_page)
    waiting = list(range(len(keys)))
    left = Counter(keys)
    order: list[int] = []
    for position in range(len(keys)):
        near = [keys[order[p]] for p in _before(position, columns, per_page)]
        most = max(left.values())
        crowded = most > room[position + 1]
        best, best_rank = 0, (3, 2)
        for j, i in enumerate(waiting):
            rank = near.count(keys[i]), 0 if crowded and left[keys[i]] == most else 1
            if rank < best_rank:
                best, best_rank = j, rank
                if rank == (0, 0) or (rank[0] == 0 and not crowded):
                    break
        order.append(waiting.pop(best))
        left[keys[order[-1]]] -= 1
    return order


def build_flashcards(
    notes: Notes, faces: list[Face], out: str, config: FlashcardsConfig, pictures: Mapping[str, bytes] | None = None
) -> None:
    """Write the sheets; `pictures` holds the bytes of the faces' images by source path."""
    columns, rows = config.columns, config.rows
    faces = arrange(faces, columns, rows)
    per_sheet = columns * rows
    sheets = [faces[i : i + per_sheet] for i in range(0, len(faces), per_sheet)] or [[]]
    margins = Margins(left=SIDE_MARGIN, right=SIDE_MARGIN, top=TOP_MARGIN, bottom=BOTTOM_MARGIN, footer=6 * MM)

    def templates(doc: Any) -> list:
        frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, 0, 0, 0, 0, id="sheet")
        return [PageTemplate("sheet", [frame], onPage=lambda canv, d: _label(canv, d, len(sheets)))]

    subject = f"Flashcards: {len(faces)} cards"
    doc = doc_with_templates(out, notes, paper=config.paper, subject=subject, templates=templates, margins=margins)
    boxes = card_boxes(doc.pagesize, columns, rows)
    story: list[Any] = []
    fitted: dict[tuple, tuple[Any, float]] = {}  # the sheets share their laid-out section names and prompts
    # A bookmark for each top-level section, on the fronts where its first card is printed.
    entries = {s.id: Entry(f"sec-{s.id}", "", plain(s.title), "", 0) for s in notes.sections}
    for sheet in sheets:
        story += [Sheet(sheet, boxes, False, None, fitted, entries), PageBreak()]
        story += [Sheet(sheet, boxes, True, pictures, fitted), PageBreak()]
    doc.build(story[:-1])


def _label(canv: Any, doc: Any, sheets: int) -> None:
    """The notes' title and which side of which sheet this page is, in the bottom margin."""
    page = canv.getPageNumber()
    side = "fronts" if page % 2 else "backs"
    text = f"Sheet {(page + 1) // 2} of {sheets}, {side}"
    if page == 1:
        text += " · print double-sided, flip on the long edge, then cut along the marks"
    room = doc.width - canv.stringWidth(text, fonts.REGULAR, 7) - 6 * MM
    title = fit_text(fonts.printable(doc.notes.meta.title), fonts.REGULAR, 7, room)
    canv.saveState()
    canv.setFillColorRGB(*MUTED_RGB)
    canv.setFont(fonts.REGULAR, 7)
    canv.drawCentredString(doc.pagesize[0] / 2, doc.margins.footer, f"{title} · {text}")
    canv.restoreState()


class Sheet(Flowable):
    """One page of card faces, filling the frame, drawn in page coordinates."""

    def __init__(
        self,
        faces: list[Face],
        boxes: list[list[Box]],
        back: bool,
        pictures: Mapping[str, bytes] | None = None,
        fitted: dict[tuple, tuple[Any, float]] | None = None,
        entries: Mapping[str, Entry] | None = None,
    ) -> None:
        super().__init__()
        self.faces, self.boxes, self.back, self.pictures = faces, boxes, back, pictures or {}
        self.fitted = {} if fitted is None else fitted
        self.entries = entries or {}  # top-level section id -> its outline entry

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return avail_width, avail_height

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.translate(-SIDE_MARGIN, -BOTTOM_MARGIN)  # the frame's origin -> the page's
        if not self.back:
            _cut_marks(canv, self.boxes)
        for index, face in enumerate(self.faces):
            _, column, row = slot(index, len(self.boxes[0]), len(self.boxes), self.back)
            picture = self.pictures.get(face.image.path) if self.back and face.image else None
            box = self.boxes[row][column]
            entry = self.entries.get(face.top)
            if entry and entry.key not in canv._doctemplate.page_of:
                mark(canv, entry, box[3])
            _draw_face(canv, face, box, self.back, picture, self.fitted)
        canv.restoreState()


def _cut_marks(canv: Any, boxes: list[list[Box]]) -> None:
    """Marks in the margins on every cutting line, and a faint dashed grid between the cards."""
    left, top = boxes[0][0][0], boxes[0][0][3]
    right, bottom = boxes[-1][-1][2], boxes[-1][-1][1]
    xs = [left] + [b[2] for b in boxes[0]]
    ys = [top] + [row[0][1] for row in boxes]
    mark, gap = 5 * MM, 1.5 * MM
    canv.setStrokeColorRGB(0.35, 0.35, 0.38)
    canv.setLineWidth(0.3)
    for x in xs:
        canv.line(x, top + gap, x, top + gap + mark)
        canv.line(x, bottom - gap, x, bottom - gap - mark)
    for y in ys:
        canv.line(left - gap, y, left - gap - mark, y)
        canv.line(right + gap, y, right + gap + mark, y)
    canv.setStrokeColorRGB(0.82, 0.82, 0.85)
    canv.setLineWidth(0.25)
    canv.setDash(2, 3)
    for x in xs:
        canv.line(x, bottom, x, top)
    for y in ys:
        canv.line(left, y, right, y)
    canv.setDash()


# The styles of a card's text: the section's name, the prompt, and the question or answer.
SECTION_STYLE = ParagraphStyle("card-section", fontName=fonts.REGULAR, textColor=MUTED, alignment=TA_LEFT)
TEXT_STYLE = ParagraphStyle("card", fontName=fonts.REGULAR, textColor=INK, alignment=TA_CENTER)
PROMPT_STYLE = TEXT_STYLE.clone("card-prompt", fontName=fonts.ITALIC, textColor=MUTED)


def _draw_face(
    canv: Any,
    face: Face,
    box: Box,
    back: bool,
    picture: bytes | None = None,
    fitted: dict[tuple, tuple[Any, float]] | None = None,
) -> None:
    """One card face. `fitted` keeps the section names and prompts laid out so far: they recur on
    many cards (every card of a section, "Who or what?"), and a Paragraph draws the same each time."""
    x0, y0, x1, y1 = box
    inner_w = x1 - x0 - 2 * PADDING
    # The header: section name (left, on two lines at most) and card number (right), in small print.
    number = str(face.number)
    canv.setFillColor(MUTED)
    canv.setFont(fonts.BOLD, SMALL)
    canv.drawRightString(x1 - PADDING, y1 - PADDING - SMALL, number)
    room = inner_w - canv.stringWidth(number, fonts.BOLD, SMALL) - 2 * MM
    header = 2 * SMALL * 1.22 + 0.5
    top_left = (x0 + PADDING, y1 - PADDING)
    used = _fit_and_draw(canv, escape_text(face.section), SECTION_STYLE, top_left, room, header, SMALL, fitted)
    text_top = y1 - PADDING - max(used, SMALL * 1.22) - SMALL * 0.6
    box_h = text_top - (y0 + PADDING)
    if not back and face.prompt:
        # The prompt (a table's column headings can make it long) wraps, in at most a third of the card.
        top_left = (x0 + PADDING, text_top)
        used = _fit_and_draw(canv, escape_text(face.prompt), PROMPT_STYLE, top_left, inner_w, box_h / 3, 8, fitted)
        text_top -= used + 4
        box_h -= used + 4
    # The text, as large as fits, centred in what is left.
    markup = para_text(face.back if back else face.front)
    if back and face.extra:
        markup += f'<br/><font color="{hex_color(MUTED)}"><i>{para_text(face.extra)}</i></font>'
    if picture is not None:
        # The image in the lower half of the card, the answer centred above it.
        _draw_picture(canv, picture, (x0 + PADDING, y0 + PADDING, x1 - PADDING, y0 + PADDING + box_h / 2))
        box_h = box_h / 2 - 2 * MM
    _fit_and_draw(canv, markup or escape_text("—"), TEXT_STYLE, (x0 + PADDING, text_top), inner_w, box_h, None)


def _draw_picture(canv: Any, data: bytes, box: Box) -> None:
    """The image centred in `box`, scaled down to fit (never up)."""
    reader = ImageReader(io.BytesIO(data))
    natural_w, natural_h = reader.getSize()
    x0, y0, x1, y1 = box
    scale = min(1.0, (x1 - x0) / natural_w, (y1 - y0) / natural_h)
    w, h = natural_w * scale, natural_h * scale
    canv.drawImage(reader, x0 + (x1 - x0 - w) / 2, y0 + (y1 - y0 - h) / 2, w, h, mask="auto")


def _fit_and_draw(
    canv: Any,
    markup: str,
    style: Any,
    top_left: tuple[float, float],
    width: float,
    height: float,
    size: float | None,
    fitted: dict[tuple, tuple[Any, float]] | None = None,
) -> float:
    """Draw `markup` as large as fits `width` x `height` (at most `size`), centred; return the height used.

    With `size` given the text sits at the top of the box; without, it is set from 15 points
    down and centred in the box. Below the smallest size it is scaled down: never outside the box.
    """
    sizes = [s for s in TEXT_SIZES if size is None or s <= size]
    key = (markup, style, width, height, size)
    found = fitted.get(key) if fitted is not None else None
    para, used = found or fitted_paragraph(markup, style, width, height, sizes)
    if fitted is not None:
        fitted[key] = para, used
    widest = max(para.getActualLineWidths0(), default=0.0)
    scale = min(1.0, height / used if used else 1.0, width / widest if widest else 1.0)
    x, top = top_left
    canv.saveState()
    # Scaled down, the paragraph stays centred across the box as well as down it.
    drop = 0 if size is not None else (height - used * scale) / 2
    canv.translate(x + width * (1 - scale) / 2, top - drop)
    canv.scale(scale, scale)
    para.drawOn(canv, 0, -used)
    canv.restoreState()
    return used * scale


def fitted_paragraph(markup: str, style: Any, width: float, height: float, sizes: Iterable[float]) -> tuple[Any, float]:
    """The Paragraph at the first of `sizes` whose lines fit `width` x `height`, and its height.

    If none fits, the last (smallest) size is returned; the caller scales it down.
    """
    para, used = None, 0.0
    for size in sizes:
        para = Paragraph(markup, style.clone(f"{style.name}-{size}", fontSize=size, leading=size * 1.22))
        _, used = para.wrap(width, height)
        if used <= height and max(para.getActualLineWidths0(), default=0) <= width + 0.01:
            break
    assert para is not None, "no sizes given"
    return para, used
