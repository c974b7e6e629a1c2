"""Settings shared by the notesforge PDF exporters (no reportlab import: safe at module level)."""

from __future__ import annotations

from ..base import Option

PAPER_SIZES = ("a4", "letter")
PAPER_OPTION = Option("paper", str, "a4", "paper size: a4 or letter", choices=PAPER_SIZES)
