"""Property-based tests: generated notes documents build in every format and show their words.

Documents come from `strategies.documents()`: TOML text with sections, subsections, every block
type, inline markup, cloze marks, random Unicode and markup-like fragments. For every registered
exporter (`registry.names()`, so formats that land later are covered; one that cannot load
fails) each example must build, and the output, read back by `readback.visible_text`, must hold
the marker words of every text that format shows, and every hostile fragment literally.

Example counts are fixed and the runs derandomized (profile "ci", which does not shrink a
failure); set NOTESFORGE_HYPOTHESIS=shrink to shrink the failing example, or =thorough for a
random, ten times longer run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from support.epubcheck import run_epubcheck
from support.readback import check_output, model_texts
from support.strategies import Doc, documents

import notesforge
from notesforge import registry
from notesforge.cards import generate
from notesforge.inline import plain
from notesforge.model import Notes

pytestmark = pytest.mark.slow  # hypothesis builds in every format, read back in Anki and EPUBCheck

EPOCH = 1700000000
NAME = "gen.toml"

settings.register_profile(
    "ci",
    derandomize=True,  # the same examples on every run and machine
    deadline=None,  # builds are slow and their time varies
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    # Shrinking a failing build can take minutes: CI reports the failure as found; the
    # "shrink" profile (same examples) and "thorough" (random, 10x as many) shrink it.
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
)
settings.register_profile("shrink", settings.get_profile("ci"), phases=tuple(Phase))
settings.register_profile("thorough", settings.get_profile("ci"), derandomize=False, phases=tuple(Phase))
PROFILE = os.environ.get("NOTESFORGE_HYPOTHESIS", "ci")
SCALE = 10 if PROFILE == "thorough" else 1


def examples(n: int) -> settings:
    return settings(settings.get_profile(PROFILE), max_examples=n * SCALE)


# Examples per format in CI: PDF formats take ~0.1-0.3 s per document, the others less.
EXAMPLES = {"markdown": 40, "epub": 25, "anki": 25}
PDF_EXAMPLES = 12
READER_EXAMPLES = 150
EPUBCHECK_SAMPLE = 3  # the largest generated books are validated (~4 s each)


def load(doc: Doc) -> Notes:
    note(f"--- the generated source ---\n{doc.toml}")
    try:
        return notesforge.loads(doc.toml, NAME, epoch=EPOCH)
    except notesforge.NotesError as exc:  # the generator made something the reader refuses
        pytest.fail(f"a generated document was refused:\n{exc.render()}\n--- source ---\n{doc.toml}")


# --- the reader on generated documents ------------------------------------------------------


@examples(READER_EXAMPLES)
@given(documents())
def test_generated_documents_read_back_exactly(doc: Doc) -> None:
    notes = load(doc)
    assert sum(1 for _ in notes.walk()) == doc.sections
    assert model_texts(notes) == [slot.shown for slot in doc.text_slots()]
    meta = {slot.key: slot.shown for slot in doc.slots if slot.kind == "notes"}
    assert (notes.meta.title, notes.meta.subtitle, notes.meta.course, notes.meta.author) == (
        meta["title"],
        meta.get("subtitle"),
        meta.get("course"),
        meta.get("author"),
    )
    # Card identities are unique and every card asks something.
    cards = list(generate(notes))
    assert len({c.key for c in cards}) == len(cards)
    assert all(plain(q.front).strip() for c in cards for q in c.questions())


# --- every exporter on generated documents -------------------------------------------------------


@pytest.mark.parametrize("fmt", registry.names())
def test_generated_notes_build_in_every_format_showing_their_words(fmt: str, tmp_path: Path) -> None:
    exporter = registry.get(fmt)  # an exporter that cannot load fails here, it is not skipped
    built: list[tuple[int, Path]] = []
    sizes: list[int] = []
    count = EXAMPLES.get(fmt, PDF_EXAMPLES) * SCALE

    @examples(EXAMPLES.get(fmt, PDF_EXAMPLES))
    @given(doc=documents())
    def build_and_read(doc: Doc) -> None:
        sizes.append(len(doc.slots))
        notes = load(doc)
        with tempfile.TemporaryDirectory() as out:
            [outcome] = notesforge.build(notes, [fmt], out)
            check_output(fmt, doc, notes, outcome)
            if exporter.suffix == ".epub":
                keep = tmp_path / f"book-{len(built)}.epub"
                shutil.copy(outcome.path, keep)
                keep.with_suffix(".toml").write_text(doc.toml, encoding="utf-8")
                built.append((len(doc.slots), keep))

    build_and_read()
    # As many documents as the profile says, of all sizes (texts per document).
    assert len(sizes) == count and max(sizes) >= 40, sorted(sizes)
    if built:
        sample = [path for _, path in sorted(built, key=lambda b: (-b[0], b[1].name))[:EPUBCHECK_SAMPLE]]
        with ThreadPoolExecutor(max_workers=2) as pool:
            reports = list(pool.map(run_epubcheck, sample))
        for report in reports:
            source = report.path.with_suffix(".toml")
            assert report.clean, f"{report.summary()}\nsource: {source}\n{source.read_text(encoding='utf-8')}"
