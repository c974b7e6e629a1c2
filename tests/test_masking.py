"""Finding an answer where it would show: the quick tests that spare most texts a pattern of
their own must never say no where the phrase's pattern matches."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from notesforge import masking

# Words and pieces of text that stress case-insensitive whole-word matching: other cases, the
# Kelvin sign and long s (which match k and s), dotless and dotted i, underscores, apostrophes,
# plurals and possessives, accents precomposed and combining.
_WORDS = st.sampled_from(["coal", "Coal", "s", "1", "12", "i", "k", "ab", "ss", "Lenin"])
_PIECES = st.sampled_from(
    ["coal", "COAL", "Coal", "coals", "coal\u017f", "\u212aoal", "coal’s", "coal's", "_coal", "coal_", "1", "12",
     "\u0131", "\u0130", "i", "k", "\u212a", "ab", "ss", "\u017f", "é", "e\u0301", "lenin", "LENINS", " ", "-", "’",
     "'", ",", "x"]
)  # fmt: skip


@settings(max_examples=2000, deadline=None)
@given(st.lists(_WORDS, min_size=1, max_size=3), st.lists(_PIECES, max_size=10))
def test_a_phrase_of_ascii_words_is_found_by_its_runs_exactly_where_its_pattern_matches(
    words: list[str], pieces: list[str]
) -> None:
    phrase, text = masking._Phrase(" ".join(words)), "".join(pieces)
    assert phrase.words is not None
    assert phrase.may_be_in(text) == bool(phrase.pattern.search(text))


_ANY_WORDS = st.sampled_from(
    ["Łódź", "νόμος", "Rôle", "Lenin's", "o'brien", "coal", "\u017f", "12", "Straße", "\u212aelvin", "ΐ", "ιστορία"]
)
_ANY_PIECES = st.sampled_from(
    ["ŁÓDŹ", "łódź", "ΝΌΜΟΣ", "νόμοσ", "νόμος", "RÔLE", "rôles", "rôle\u017f", "LENIN’S", "Lenin's", "O'BRIEN",
     "o’brien", "COAL", "\u212aoal", "S", "s", "12", "STRASSE", "straße", "STRAẞE", "kelvin", "KELVINS", "\u0390",
     "\u1fd3", "ΙΣΤΟΡΊΑ", "\u0345στορία", "Ḱ", " ", "-", "_", "x"]
)  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(st.lists(_ANY_WORDS, min_size=1, max_size=2), st.lists(_ANY_PIECES, max_size=8))
def test_the_quick_test_never_rules_out_a_match(words: list[str], pieces: list[str]) -> None:
    # Letters of other scripts and case oddities (sigma, long s, Kelvin sign, sharp s, Greek
    # letters with two code points, iota and the ypogegrammeni it matches): the runs may only
    # say "maybe" where the pattern matches.
    phrase, text = masking._Phrase(" ".join(words)), "".join(pieces)
    if phrase.pattern.search(text):
        assert phrase.may_be_in(text)


def test_iota_and_apostrophes_leave_the_phrase_to_its_pattern() -> None:
    # ι matches U+0345, the combining ypogegrammeni, which is no letter: runs cannot tell.
    iota = masking._Phrase("ιστορία")
    assert iota.words is None and iota.pattern.search("\u0345στορία") and iota.may_be_in("\u0345στορία")
    assert masking._Phrase("Lenin's").words is None
