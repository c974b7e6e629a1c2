"""A course's printed formats made of its units' own PDFs, bound into one file.

A unit's part is the PDF its format makes of that unit alone, so a build keeps each part (by
the unit's bytes and the settings) and an edited unit costs one unit's layout plus the binding.
pypdf is imported by `bind` only.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from ...model import Meta


def bind(meta: Meta, parts: Sequence[tuple[str, bytes]], path: Path) -> None:
    """Write `parts` (a bookmark title and a PDF each), in order, as one PDF with a bookmark per part,
    the part's own bookmarks (its sections, the worksheet's answer key) under it."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for title, data in parts:
        writer.append(io.BytesIO(data), outline_item=title, import_outline=True)
    info = {"/Title": meta.title, "/Producer": "notesforge", "/Creator": "notesforge"}
    if meta.author:
        info["/Author"] = meta.author
    writer.add_metadata(info)
    writer.page_mode = "/UseOutlines"
    with open(path, "wb") as out:
        writer.write(out)


def unit_sections(chosen: Sequence[str], unit_id: str, separator: str) -> tuple[str, ...] | None:
    """A course's `sections` setting as one unit's: () for all of it (none chosen, or the unit
    named), its own section ids, or None when the unit has no part in the chosen sections."""
    if not chosen or unit_id in chosen:
        return ()
    prefix = unit_id + separator
    own = tuple(section[len(prefix) :] for section in chosen if section.startswith(prefix))
    return own or None
