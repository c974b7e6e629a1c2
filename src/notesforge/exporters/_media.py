"""Card images as the formats that bundle them (Anki, EPUB) store them: named by content.

The reader has checked that every image exists; an image removed or made unreadable
since then is a located error here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostic, NotesError
from ..model import Image

# What reportlab (through Pillow) draws in a PDF; SVG and WebP are shown by name there.
RASTER = frozenset({".png", ".jpg", ".jpeg", ".gif"})


@dataclass(frozen=True, slots=True)
class Media:
    """An image file's bytes and the name it is stored under."""

    name: str  # notesforge-<sha1[:12]>.<suffix>: two files of one name do not collide, an edited file is renamed
    media_type: str
    data: bytes = field(repr=False)


def media_of(image: Image) -> Media:
    """The image's bytes and stored name; a located `NotesError` if it cannot be read now."""
    try:
        data = Path(image.path).read_bytes()
    except OSError as exc:
        problem = f"image '{image.name}' cannot be read: {exc.strerror or exc}"
        raise NotesError([Diagnostic(image.loc, problem)]) from None
    return Media(f"notesforge-{hashlib.sha1(data).hexdigest()[:12]}{image.suffix}", image.media_type, data)


def collect(images: Iterable[Image | None]) -> dict[str, Media]:
    """Source path -> media, each file read once; every unreadable image reported at once."""
    found: dict[str, Media] = {}
    problems: list[Diagnostic] = []
    for image in images:
        if image is None or image.path in found:
            continue
        try:
            found[image.path] = media_of(image)
        except NotesError as exc:
            problems += exc.diagnostics
    if problems:
        raise NotesError(problems)
    return found


def in_order(media: Iterable[Media]) -> list[Media]:
    """Each stored file once, by name: the same files give the same package bytes."""
    return sorted({m.name: m for m in media}.values(), key=lambda m: m.name)
