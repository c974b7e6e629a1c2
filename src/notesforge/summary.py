"""What a summary of the notes lists besides the key dates (`keydates`): the big questions and the key terms.

One rule each, for every format that shows them (docs/format.md, "Big questions and key terms"):

- **Big questions** are the section titles (subsections too) that ask a question: their text
  ends with a question mark, before any closing quotation mark or bracket ("Was it a ‘great
  turn’?", "Why (and when)?"). In document order.
- **Key terms** are the terms of the `terms` blocks, in the order written: a teacher orders
  them (a term before the terms that use it), so no format sorts them.
"""

from __future__ import annotations

from .inline import plain
from .model import Glossary, Notes, Section, Term

QUESTION_MARKS = "?？"  # ASCII and full-width
CLOSERS = "\"'’”»)]}›"  # may follow the question mark


def asks(section: Section) -> bool:
    """Whether the title of `section` is a question."""
    title = plain(section.title).rstrip().rstrip(CLOSERS).rstrip()
    return title.endswith(tuple(QUESTION_MARKS))


def big_questions(notes: Notes) -> list[str]:
    """The titles (plain text) of the sections that ask a question, in document order."""
    return [plain(s.title).strip() for s in notes.walk() if asks(s)]


def key_terms(notes: Notes) -> list[Term]:
    """Every key term, in the order of the file."""
    return [term for block in notes.blocks(Glossary) for term in block.terms]
