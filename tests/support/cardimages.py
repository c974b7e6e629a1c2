"""Notes whose explicit cards show images, written into a test's folder.

Tests import this module as `from support.cardimages import ...`.
"""

from __future__ import annotations

from pathlib import Path

DOT = Path(__file__).resolve().parents[1] / "fixtures" / "valid" / "images" / "dot.png"  # a 2 x 2 PNG
FIRST_CARD_LINE = 13  # the line of the first card in the file `card_notes` writes

HEAD = """\
[notes]
id = "pictures"
title = "Pictures"
language = "en"

[[section]]
id = "lenin"
title = "Lenin"

[[section.block]]
type = "cards"
items = [
"""


def card_notes(folder: Path, *cards: str) -> Path:
    """`folder/notes.toml`: one section, "Lenin", of `cards` (TOML inline tables), one a line."""
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "notes.toml"
    source.write_text(HEAD + "".join(f"  {card},\n" for card in cards) + "]\n", encoding="utf-8")
    return source
