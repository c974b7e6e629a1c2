"""The card linter: what `notesforge check` tells a teacher about the cards the notes make.

Every problem is a located warning (an error with `--strict`), at the card's source line:

- a card whose answer can be read on its own front;
- a front that asks nothing (no question, blank, instruction or prompt), shown with a default prompt;
- a date that does not name one event, so it is not asked date -> event;
- two questions that read alike and have different answers;
- a fact that two cards ask (reported at both), beyond the directions and deletions of one card;
- an answer over 12 words (Wozniak: keep answers minimal).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from .cards import WHO_OR_WHAT, Card, Question, ambiguous_dates, asks, generate
from .diagnostics import Diagnostic
from .inline import plain
from .masking import content_stems, words
from .model import BasicCard, Location, Notes, Timeline

MAX_ANSWER_WORDS = 12


@dataclass(frozen=True, slots=True)
class Asked:
    """One question of one card, with the content words the linter compares."""

    card: Card
    number: int  # which question of its card
    question: Question
    front: frozenset[str]  # content stems of the front, less those of the answer
    answer: frozenset[str]  # content stems of the answer

    @property
    def loc(self) -> Location:
        return self.card.loc

    def shown(self) -> str:
        front = " ".join(plain(self.question.front).split())
        front = front if len(front) <= 50 else front[:47] + "..."
        return f"{front!r} -> {' '.join(plain(self.question.back).split())!r}"


def asked(notes: Notes) -> list[Asked]:
    """Every question the notes' cards ask, in document order."""
    out = []
    for card in generate(notes):
        for n, q in enumerate(card.questions()):
            answer = frozenset(content_stems(plain(q.back)))
            # Prompts are left out: "When?" or "Define the term." say nothing about the fact.
            front = frozenset(content_stems(plain(q.front, lambda c: "")) - answer)
            out.append(Asked(card, n, q, front, answer))
    return out


def lint(notes: Notes) -> list[Diagnostic]:
    """Every warning about the cards of `notes`, in source order."""
    questions = asked(notes)
    found = [
        *_leaks(questions),
        *_no_prompt(notes, questions),
        *_ambiguous_dates(notes),
        *_alike(questions),
        *_asked_twice(questions),
        *_long_answers(questions),
    ]
    return sorted(found, key=lambda d: (d.loc.line, d.loc.col, d.message))


def _warning(loc: Location, message: str) -> Diagnostic:
    return Diagnostic(loc, message, "warning")


def _leaks(questions: list[Asked]) -> Iterator[Diagnostic]:
    for a in questions:
        if a.card.is_cloze:
            continue  # blanks are masked wherever their answer stands in the sentence
        front = content_stems(plain(a.question.front))
        if a.answer and a.answer <= front:
            yield _warning(a.loc, f"the answer shows on its own front: {a.shown()}; reword the question")


def _no_prompt(notes: Notes, questions: list[Asked]) -> Iterator[Diagnostic]:
    for a in questions:
        item = a.card.item
        if a.number == 0 and isinstance(item, BasicCard) and not item.prompt and not asks(item.question):
            yield _warning(
                a.loc,
                f"this card's front asks nothing: {a.shown()}; it is shown with {WHO_OR_WHAT!r}: "
                "write it as a question, or give it a 'prompt'",
            )


def _ambiguous_dates(notes: Notes) -> Iterator[Diagnostic]:
    ambiguous = ambiguous_dates(notes)
    events = [e for block in notes.blocks(Timeline) for e in block.events]
    for event in events:
        date = " ".join(words(event.date))
        if date in ambiguous:
            others = [
                f"{e.date!r} (line {e.loc.line})"
                for e in events
                if e is not event and set(words(event.date)) <= set(words(e.date))
            ]
            yield _warning(
                event.loc,
                f"the date {event.date!r} does not name one event (also {', '.join(others)}): "
                "it is asked only event -> date",
            )


def _alike(questions: list[Asked]) -> Iterator[Diagnostic]:
    """Questions with the same prompt and the same content words, and different answers."""
    by_front: dict[tuple[str, frozenset[str]], list[Asked]] = {}
    for a in questions:
        front = frozenset(content_stems(plain(a.question.front)))
        if front:
            by_front.setdefault((a.question.prompt, front), []).append(a)
    for group in by_front.values():
        answers = {" ".join(words(plain(a.question.back))) for a in group}
        if len(group) > 1 and len(answers) > 1:
            for a in group:
                others = ", ".join(f"line {b.loc.line}" for b in group if b is not a)
                yield _warning(
                    a.loc, f"this question reads like another with a different answer ({others}): {a.shown()}"
                )


def _asked_twice(questions: list[Asked]) -> Iterator[Diagnostic]:
    for a, b in same_facts(questions):
        yield _warning(a.loc, f"asks the same fact as the card at line {b.loc.line}: {a.shown()} / {b.shown()}")
        yield _warning(b.loc, f"asks the same fact as the card at line {a.loc.line}: {b.shown()} / {a.shown()}")


def same_facts(questions: list[Asked]) -> list[tuple[Asked, Asked]]:
    """Pairs of questions of different cards that ask one fact.

    Either they have the same answer about the same thing (their fronts share half the content
    words of the shorter; two thirds when one short answer contains the other, as "3" and "3 days"),
    or one shows, as its whole front, what the other asks, and asks what the other shows
    ("What happened? January 1924" beside "Lenin died in [...]").
    """
    pairs = []
    for i, a in enumerate(questions):
        for b in questions[i + 1 :]:
            if a.card is not b.card and a.answer and b.answer and (_same(a, b) or _crossed(a, b) or _crossed(b, a)):
                pairs.append((a, b))
    return pairs


def _same(a: Asked, b: Asked) -> bool:
    if a.answer == b.answer:
        return _overlap(a.front, b.front, 1 / 2)
    small, large = sorted((a.answer, b.answer), key=len)
    # One answer within the other, and not lost in it ("3" and "3 days", not "1936" in a definition).
    return small < large and 2 * len(small) >= len(large) and _overlap(a.front, b.front, 2 / 3)


def _overlap(one: frozenset[str], other: frozenset[str], share: float) -> bool:
    if not one or not other:
        return False
    return len(one & other) >= max(1, math.ceil(min(len(one), len(other)) * share))


def _crossed(a: Asked, b: Asked) -> bool:
    """`a`'s whole front is what `b` asks, and `a` asks what `b` shows."""
    shown = frozenset(content_stems(plain(a.question.front)))
    return shown == b.answer and a.answer <= b.front


def _long_answers(questions: list[Asked]) -> Iterator[Diagnostic]:
    for a in questions:
        if a.card.is_cloze or a.number:
            continue  # a reverse question's answer is the front of the first
        count = len(plain(a.question.back).split())
        if count > MAX_ANSWER_WORDS:
            yield _warning(
                a.loc, f"the answer has {count} words (over {MAX_ANSWER_WORDS}): {a.shown()}; split or shorten it"
            )


def repeated_share(notes: Notes) -> tuple[int, int]:
    """(questions that ask a fact another card also asks, all questions): the deck's padding."""
    questions = asked(notes)
    involved = {id(x) for pair in same_facts(questions) for x in pair}
    return len(involved), len(questions)
