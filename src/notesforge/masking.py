"""Words in card text: finding an answer where it would show, and masking it there.

A card must not show its own answer on its front (Wozniak's rules: no cue that gives the
answer away). These helpers find words and phrases in inline markup, case-insensitively and
as whole words, and replace them with a mark; they also compare texts by their content words,
for the card linter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache

from .inline import clozes
from .model import Cloze, Emphasis, Inline, Rich, Strong, Text

MARK = "[…]"

_WORD = re.compile(r"[^\W_]+(?:[’'][^\W_]+)*", re.UNICODE)
# Little words that carry no fact: two texts sharing only these say nothing alike.
_STOPWORDS = """a about after all also an and any are as at be been before being but by can could did do does
    during each even first for from had has have he her him his how i if in into is it its many more
    most much no not of on once one only or other our out over same she should so some such than that
    the their them then there these they this those to too under up very was we were what when where
    which while who whom whose why will with would you"""
STOPWORDS = frozenset(_STOPWORDS.split())
_SUFFIXES = ("ing", "ed", "es", "s", "e")


def words(text: str) -> list[str]:
    """The words of `text`, case-folded, apostrophes kept inside a word (Lenin’s)."""
    return [w.casefold() for w in _WORD.findall(text)]


def stem(word: str) -> str:
    """A crude stem, enough to match died/dies/die or trials/trial: possessive and one suffix off."""
    for possessive in ("’s", "'s"):
        word = word.removesuffix(possessive)
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return word[: -len(suffix)]
    return word


def content_stems(text: str) -> set[str]:
    """The stems of the words of `text` that carry meaning."""
    return {stem(w) for w in words(text) if w not in STOPWORDS}


def contains_phrase(text: str, phrase: str) -> bool:
    """Whether `phrase` stands in `text` as whole words (case and apostrophes aside)."""
    return bool(phrase.strip()) and _Phrase.of(phrase).search(text) is not None


class _Phrase:
    """A phrase's whole-word pattern, compiled only for a text that may hold it.

    Compiling a pattern costs far more than searching, and most answers appear nowhere else on
    their card: a substring test on the ASCII runs of the phrase's words, in a folded copy of the
    text, rules most texts out first. It never rules out a real match (see `_fold`).
    """

    __slots__ = ("_pattern", "_words", "needles", "phrase")

    def __init__(self, phrase: str):
        self.phrase = phrase
        self.needles = tuple(run.lower() for w in _WORD.findall(phrase) for run in _NON_ASCII.split(w) if run)
        self._pattern: re.Pattern[str] | None = None
        self._words: tuple[str, ...] | bool | None = False  # not made yet

    @property
    def words(self) -> tuple[str, ...] | None:
        """The skeletons of the phrase's words, for `_in_runs`; None where runs cannot tell.

        Where the pattern matches, its words stand as runs of letters and digits one after the
        other in the folded text (the last perhaps with an s), letter for letter: each ASCII letter
        as itself, any other where one stands in the word (`_ANY`). For words of ASCII alone that
        is exactly where it matches. Not for words with an apostrophe (a run ends inside the word),
        nor with iota, which matches the combining ypogegrammeni, no letter.
        """
        if self._words is False:
            found = _WORD.findall(self.phrase)
            self._words = tuple(map(_skeleton, found)) if found and not _NOT_RUNS.search(self.phrase) else None
        return self._words  # type: ignore[return-value]

    @staticmethod
    @lru_cache(maxsize=4096)
    def of(phrase: str) -> _Phrase:
        return _Phrase(phrase)

    @property
    def pattern(self) -> re.Pattern[str]:
        if self._pattern is None:
            self._pattern = _phrase_pattern(self.phrase)
        return self._pattern

    def may_be_in(self, text: str) -> bool:
        return not self.needles or self.may_be_in_folded(fold(text))

    def may_be_in_folded(self, folded: str) -> bool:
        """`may_be_in` for a text already folded (`fold`): one fold serves every phrase."""
        for needle in self.needles:
            if needle not in folded:
                return False
        words = self.words
        return words is None or _in_runs(words, folded)

    def search(self, text: str) -> re.Match[str] | None:
        return self.pattern.search(text) if self.may_be_in(text) else None

    def sub(self, mark: str, text: str) -> str:
        return self.pattern.sub(mark, text) if self.may_be_in(text) else text


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_RUN = re.compile(r"[^\W_]+")  # what the patterns' (?<![^\W_]) and (?![^\W_]) bound
_ANY = "\0"  # in a word's skeleton: a letter that is not ASCII, which case-folding may match otherwise
# Apostrophes, and the letters case-insensitively equal to U+0345 (not a letter or digit).
_NOT_RUNS = re.compile("['’\u03b9\u0399\u1fbe]")


def _skeleton(word: str) -> str:
    return word.lower() if word.isascii() else "".join(c.lower() if c.isascii() else _ANY for c in word)


def _in_runs(words: tuple[str, ...], folded: str) -> bool:
    """Whether runs of letters and digits of `folded`, one after the other, fit `words`' skeletons,
    the last perhaps with an s after it: wherever the phrase's pattern matches, and for words of
    ASCII alone only there."""
    runs = _runs(folded)
    *inner, last = words
    k = len(words)
    for i in _starts(runs, words):
        run = runs[i + k - 1]
        if (_fits(run, last) or (run[-1] == "s" and _fits(run[:-1], last))) and all(
            _fits(runs[i + j], word) for j, word in enumerate(inner)
        ):
            return True
    return False


def _starts(runs: tuple[str, ...], words: tuple[str, ...]) -> Iterator[int]:
    """Where `words` may start among `runs`: where the first word of ASCII alone stands (found at C
    speed), or, for words all of other letters, anywhere they fit."""
    k = len(words)
    anchor = next((j for j, word in enumerate(words) if _ANY not in word), None)
    if anchor is None:
        yield from range(len(runs) - k + 1)
        return
    word = words[anchor]
    for form in (word, word + "s") if anchor == k - 1 else (word,):
        at = -1
        while True:
            try:
                at = runs.index(form, at + 1)
            except ValueError:
                break
            if anchor <= at <= len(runs) - k + anchor:
                yield at - anchor


def _fits(run: str, word: str) -> bool:
    if _ANY not in word:
        return run == word
    return len(run) == len(word) and all(w == _ANY or r == w for r, w in zip(run, word, strict=True))


@lru_cache(maxsize=64)
def _runs(folded: str) -> tuple[str, ...]:
    return tuple(_RUN.findall(folded))


_ASCII_LETTER = re.compile("[a-z]", re.IGNORECASE)


class _AsciiFold(dict[int, str]):
    """`str.translate` table: each character as the lower-case ASCII letter that an IGNORECASE
    pattern matches it to (A -> a, and the Kelvin sign -> k), else as itself.

    An ASCII run of a phrase's word, lowered, is then a substring of the folded text wherever the
    phrase's IGNORECASE pattern matches the text. Filled in per character as texts need it.
    """

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if code < 128 or not _ASCII_LETTER.fullmatch(char):
            folded = char.lower() if code < 128 else char
        else:
            folded = next((a for a in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch(a, char, re.IGNORECASE)), char)
        self[code] = folded
        return folded


_FOLD = _AsciiFold()


def fold(text: str) -> str:
    """`text` as `_Phrase.may_be_in_folded` looks for phrases in it."""
    # ASCII folds to its lower case (see _AsciiFold), which str.lower() does at C speed.
    return text.lower() if text.isascii() else text.translate(_FOLD)


@lru_cache(maxsize=4096)
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    parts = [re.escape(w) for w in _WORD.findall(phrase)]
    body = r"[\W_]+".join(parts)
    # Whole words; a possessive or plural ending on the last word is part of the match.
    return re.compile(rf"(?<![^\W_]){body}(?:[’']s|s)?(?![^\W_])", re.IGNORECASE)


def mask(rich: Rich, phrases: Iterable[str], mark: str = MARK) -> Rich:
    """`rich` with every whole-word occurrence of any of `phrases` in its text replaced by `mark`.

    Longer phrases are masked first, so "New Economic Policy" goes whole before "Policy" would.
    Cloze marks are left as they are (they are blanks or answers already).
    """
    patterns = [_Phrase.of(p) for p in sorted({p for p in phrases if _WORD.search(p)}, key=len, reverse=True)]
    if not patterns:
        return rich

    def text(value: str) -> str:
        folded = None  # `value` folded once for every phrase's quick test, again only after a change
        for phrase in patterns:
            if phrase.needles:
                if folded is None:
                    folded = fold(value)
                if not phrase.may_be_in_folded(folded):
                    continue
            masked = phrase.pattern.sub(mark, value)
            if masked != value:
                value, folded = masked, None
        return value

    def one(node: Inline) -> Inline:
        if isinstance(node, Text):
            return Text(text(node.value))
        if isinstance(node, Emphasis | Strong):
            return type(node)(tuple(one(c) for c in node.children))
        return node

    return tuple(one(n) for n in rich)


def acronym_expansions(acronym: str, text: str) -> list[str]:
    """Runs of words in `text` whose initials spell `acronym` (NEP: "New Economic Policy").

    Only for acronyms of two to six capital letters; small joining words may sit inside the run
    without an initial ("Union of Soviet Socialist Republics" is USSR).
    """
    letters = acronym.strip()
    if not (2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()):
        return []
    tokens = list(_WORD.finditer(text))
    found = []
    for start in range(len(tokens)):
        i, matched, end = start, 0, None
        while i < len(tokens) and matched < len(letters):
            word = tokens[i].group()
            if word[0].upper() == letters[matched] and word[0].isupper():
                matched += 1
                end = i
            elif not (matched and word.casefold() in STOPWORDS):
                break
            i += 1
        if matched == len(letters) and end is not None:
            found.append(text[tokens[start].start() : tokens[end].end()])
    return found


def guard_clozes(rich: Rich) -> Rich:
    """Cloze text in which no blank's answer shows elsewhere on the same card.

    Two marks with the same answer become one deletion (one number), and the answer written
    again as plain text in the same sentence becomes part of that deletion too. Numbers are then
    counted again from 1 in order of appearance.
    """
    found = clozes(rich)
    if not found:
        return rich
    number_of: dict[str, int] = {}
    for cloze in found:
        number_of.setdefault(cloze.answer.casefold(), cloze.number)
    patterns = [(_Phrase.of(a), n) for a, n in number_of.items() if _WORD.search(a)]
    if _guarded_already(rich, found, number_of, patterns):  # the usual cloze text: nothing to do
        return rich

    def split(value: str) -> list[Inline]:
        # A phrase that may not be in the text may not be in any of its tails: fold it once and
        # search only the phrases that may be there (most texts hold none of their card's answers).
        folded = fold(value)
        live = [(p, n) for p, n in patterns if p.may_be_in_folded(folded)]
        out: list[Inline] = []
        rest = value
        while rest:
            hits = [(m, n) for m, n in ((p.search(rest), n) for p, n in live) if m]
            if not hits:
                out.append(Text(rest))
                break
            match, number = min(hits, key=lambda h: (h[0].start(), -len(h[0].group())))
            if match.start():
                out.append(Text(rest[: match.start()]))
            out.append(Cloze(match.group(), None, number))
            rest = rest[match.end() :]
        return out

    def one(node: Inline) -> list[Inline]:
        if isinstance(node, Text):
            return split(node.value)
        if isinstance(node, Emphasis | Strong):
            return [type(node)(tuple(c for child in node.children for c in one(child)))]
        return [Cloze(node.answer, node.hint, number_of[node.answer.casefold()])]

    guarded = tuple(c for node in rich for c in one(node))
    order: dict[int, int] = {}
    for cloze in clozes(guarded):
        order.setdefault(cloze.number, len(order) + 1)
    return _renumber(guarded, order)


def _guarded_already(
    rich: Rich, found: list[Cloze], number_of: dict[str, int], patterns: list[tuple[_Phrase, int]]
) -> bool:
    """Whether `guard_clozes` would give `rich` back as it is: every mark already has its answer's
    number, counted from 1 in order, and no text holds an answer (nor is empty, which it drops)."""
    order: dict[int, int] = {}
    for cloze in found:
        number = number_of[cloze.answer.casefold()]
        if order.setdefault(number, len(order) + 1) != cloze.number:
            return False
    for value in _texts(rich):
        if not value:
            return False
        folded = fold(value)
        if any(p.may_be_in_folded(folded) and p.pattern.search(value) for p, _ in patterns):
            return False
    return True


def _texts(rich: Rich) -> Iterator[str]:
    for node in rich:
        if isinstance(node, Text):
            yield node.value
        elif isinstance(node, Emphasis | Strong):
            yield from _texts(node.children)


def _renumber(rich: Rich, order: dict[int, int]) -> Rich:
    def one(node: Inline) -> Inline:
        if isinstance(node, Cloze):
            return Cloze(node.answer, node.hint, order[node.number])
        if isinstance(node, Emphasis | Strong):
            return type(node)(tuple(one(c) for c in node.children))
        return node

    return tuple(one(n) for n in rich)
