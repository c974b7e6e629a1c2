"""One dispatch over block types, one method per type (as markdown-it-py's renderer rules).

A format subclasses `BlockVisitor` and implements a `visit_<type>` method for every block type,
`<type>` being the block's name in the notes (`visit_bullets` for `type = "bullets"`). The methods
are abstract: a visitor that forgets one cannot be instantiated, so a new block type is an error in
every format that has not learnt it, never a block skipped in silence. A format that shows nothing
for a block says so in a method that returns nothing.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Generic, TypeVar

from .model import BLOCK_TYPES, Block, BulletList, CardList, ComparisonTable, Glossary, Grid, Paragraph, Timeline

T = TypeVar("T")

_METHODS = {cls: f"visit_{cls.type}" for cls in BLOCK_TYPES}


class BlockVisitor(ABC, Generic[T]):
    """`visit(block)` calls the method for the block's type and returns what it returns."""

    __slots__ = ()

    def visit(self, block: Block) -> T:
        return getattr(self, _METHODS[type(block)])(block)

    @abstractmethod
    def visit_paragraph(self, block: Paragraph) -> T: ...

    @abstractmethod
    def visit_bullets(self, block: BulletList) -> T: ...

    @abstractmethod
    def visit_table(self, block: ComparisonTable) -> T: ...

    @abstractmethod
    def visit_grid(self, block: Grid) -> T: ...

    @abstractmethod
    def visit_events(self, block: Timeline) -> T: ...

    @abstractmethod
    def visit_terms(self, block: Glossary) -> T: ...

    @abstractmethod
    def visit_cards(self, block: CardList) -> T: ...
