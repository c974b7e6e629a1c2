"""The build pipeline itself (notesforge.pipeline), without the command line: which formats a
request means, exporters that fail alone, outputs replaced whole, and the build cache at work.

The registry holds the real Markdown exporter and the small ones of support/exporters.py, so the
builds take milliseconds and every way of failing is at hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cardimages import DOT, card_notes

import notesforge
from notesforge import pipeline, registry
from notesforge.files import TEMP_PREFIX, TEMP_SUFFIX

NOTES = """\
[notes]
id = "tiny"
title = "Tiny"
language = "en"

[[section]]
id = "only"
title = "Only section"

[[section.block]]
type = "paragraph"
text = "Just a paragraph."
"""
OURS = {"label": "Label", "failing": "Failing", "located": "Located", "missing": "Missing"}  # Missing does not exist
NAMES = ["failing", "label", "located", "markdown", "missing"]


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch):
    """Only these exporters are registered: markdown (the installed one) and those of `OURS`."""
    [markdown] = [plugin for plugin in registry.discover(registry.GROUP) if plugin.name == "markdown"]
    ours = [registry.Plugin(name, f"support.exporters:{cls}", lambda: None) for name, cls in OURS.items()]
    monkeypatch.setattr(registry, "discover", lambda group: [markdown, *ours] if group == registry.GROUP else [])
    registry.refresh()
    yield
    monkeypatch.undo()
    registry.refresh()


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "notes.toml"
    path.write_text(NOTES, encoding="utf-8")
    return path


@pytest.fixture
def notes(source: Path) -> notesforge.Notes:
    return notesforge.load(source)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    return tmp_path / "out"


def cached(source: Path, out: Path, formats: list[str], overrides=None, **options) -> list[bool]:
    """Build from the file; for each format, whether it was up to date (and so not rebuilt)."""
    outcomes = pipeline.build_source(source, formats, out, overrides, jobs=1, **options)
    assert [o.format for o in outcomes] == formats
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    return [o.cached for o in outcomes]


# --- which formats ------------------------------------------------------------------------------


def test_all_means_every_registered_format_once_in_the_order_asked() -> None:
    assert registry.names() == NAMES
    assert pipeline.expand(["all"]) == NAMES
    assert pipeline.expand(["markdown", "all", "label", "markdown"]) == [
        "markdown",
        "failing",
        "label",
        "located",
        "missing",
    ]


def test_formats_may_be_given_as_comma_lists() -> None:
    assert pipeline.expand(["markdown,label", " located , markdown", "label,"]) == ["markdown", "label", "located"]
    assert pipeline.expand(["label,all"]) == ["label", "failing", "located", "markdown", "missing"]
    with pytest.raises(registry.RegistryError, match="unknown format 'markdwon'; did you mean 'markdown'"):
        pipeline.expand(["label,markdwon"])


def test_build_expands_all(notes: notesforge.Notes, out: Path) -> None:
    outcomes = pipeline.build(notes, ["label", "all"], out, jobs=1)
    assert [o.format for o in outcomes] == ["label", "failing", "located", "markdown", "missing"]


def test_an_unknown_format_raises_naming_the_close_one_before_any_work(
    notes: notesforge.Notes, source: Path, out: Path
) -> None:
    with pytest.raises(registry.RegistryError) as caught:
        pipeline.expand(["label", "markdwon"])
    assert str(caught.value) == (
        "unknown format 'markdwon'; did you mean 'markdown'? (formats: failing, label, located, markdown, missing, all)"
    )
    with pytest.raises(registry.RegistryError) as caught:
        pipeline.expand(["zzz"])
    assert str(caught.value).startswith("unknown format 'zzz' (formats: ")
    with pytest.raises(registry.RegistryError, match="did you mean 'markdown'"):
        pipeline.build(notes, ["markdwon"], out)
    with pytest.raises(registry.RegistryError, match="did you mean 'label'"):
        pipeline.build_source(source, ["markdown", "lable"], out)
    assert not out.exists()


# --- failures -----------------------------------------------------------------------------------


@pytest.mark.parametrize("jobs", [1, 2], ids=["serial", "parallel"])
def test_a_failing_exporter_fails_alone_and_the_others_still_write(
    notes: notesforge.Notes, out: Path, jobs: int
) -> None:
    reported: list[pipeline.Outcome] = []
    outcomes = pipeline.build(notes, ["all"], out, jobs=jobs, on_done=reported.append)
    assert sorted(o.format for o in reported) == NAMES  # each one reported once, as it is done
    failing, label, located, markdown, missing = outcomes
    assert (failing.error, failing.path, failing.source_problem) == ("ZeroDivisionError: division by zero", None, False)
    assert "Traceback" in failing.detail
    assert located.source_problem and located.error == "notes.toml:1:1: error: this exporter refuses these notes"
    assert missing.error.startswith("the exporter 'missing' (support.exporters:Missing) cannot be loaded: ")
    assert label.ok and markdown.ok
    assert label.path.read_text(encoding="utf-8") == "Tiny: plain\n"
    assert "Just a paragraph." in markdown.path.read_text(encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == ["tiny.label.txt", "tiny.md"]


def test_a_failed_build_leaves_the_earlier_output_whole_and_no_temporary(notes: notesforge.Notes, out: Path) -> None:
    [first] = pipeline.build(notes, ["label"], out)
    stale = out / f"{TEMP_PREFIX}tiny.label.txt.killed{TEMP_SUFFIX}"  # left by a build that was killed
    stale.write_bytes(b"half")
    [failed] = pipeline.build(notes, ["label"], out, {"label": {"fail": "true"}})
    # It wrote half its file, then failed: the half never replaced the earlier output.
    assert failed.error == "OSError: [Errno 28] No space left on device"
    assert first.path.read_text(encoding="utf-8") == "Tiny: plain\n"
    assert sorted(p.name for p in out.iterdir()) == ["tiny.label.txt"]
    [again] = pipeline.build(notes, ["label"], out, {"label": {"label": "new"}})
    assert again.path == first.path and first.path.read_text(encoding="utf-8") == "Tiny: new\n"


def test_a_settings_problem_raises_before_anything_is_written(notes: notesforge.Notes, out: Path) -> None:
    with pytest.raises(notesforge.NotesError):
        pipeline.build(notes, ["markdown", "label"], out, {"label": {"colour": "red"}})
    assert not out.exists()


def test_a_missing_source_is_a_located_error_and_nothing_is_written(tmp_path: Path, out: Path) -> None:
    with pytest.raises(notesforge.NotesError, match="no such file"):
        pipeline.build_source(tmp_path / "nope.toml", ["label"], out)
    assert not out.exists()


# --- the build cache ----------------------------------------------------------------------------


def test_an_unchanged_rebuild_is_skipped_and_force_rebuilds(source: Path, out: Path) -> None:
    [first] = pipeline.build_source(source, ["label"], out)
    assert first.ok and not first.cached
    written = first.path.stat()
    reported: list[pipeline.Outcome] = []
    [again] = pipeline.build_source(source, ["label"], out, on_done=reported.append)
    assert again.ok and again.cached and again.path == first.path and reported == [again]
    assert (first.path.stat().st_ino, first.path.stat().st_mtime_ns) == (written.st_ino, written.st_mtime_ns)
    [forced] = pipeline.build_source(source, ["label"], out, force=True)
    assert forced.ok and not forced.cached
    assert first.path.stat().st_ino != written.st_ino  # written anew (outputs are replaced, never edited)
    assert cached(source, out, ["label"]) == [True]


def test_changed_overrides_rebuild_their_format_only(source: Path, out: Path) -> None:
    both = ["label", "markdown"]
    assert cached(source, out, both) == [False, False]
    assert cached(source, out, both) == [True, True]
    new = {"label": {"label": "new"}}
    assert cached(source, out, both, new) == [False, True]
    assert (out / "tiny.label.txt").read_text(encoding="utf-8") == "Tiny: new\n"
    assert cached(source, out, both, new) == [True, True]
    assert cached(source, out, both, {**new, "markdown": {"front_matter": "true"}}) == [True, False]
    assert cached(source, out, both) == [False, False]


def test_an_edited_source_rebuilds(source: Path, out: Path) -> None:
    assert cached(source, out, ["markdown"]) == [False]
    source.write_text(NOTES.replace("Just a paragraph.", "An edited paragraph."), encoding="utf-8")
    assert cached(source, out, ["markdown"]) == [False]
    assert "An edited paragraph." in (out / "tiny.md").read_text(encoding="utf-8")
    assert cached(source, out, ["markdown"]) == [True]


def test_an_edited_card_image_rebuilds(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    image = tmp_path / "images" / "dot.png"
    image.write_bytes(DOT.read_bytes())
    source = card_notes(tmp_path, '{ q = "Who is this?", a = "Lenin", image = "images/dot.png" }')
    out = tmp_path / "out"
    assert cached(source, out, ["label"]) == [False]  # the label does not show the image: still an input
    assert cached(source, out, ["label"]) == [True]
    image.write_bytes(DOT.read_bytes() + b"\0")  # same name, new picture
    assert cached(source, out, ["label"]) == [False]
    assert cached(source, out, ["label"]) == [True]


def test_a_failed_format_is_not_remembered(source: Path, out: Path) -> None:
    assert cached(source, out, ["label"]) == [False]
    fail = {"label": {"fail": "true"}}
    for _ in range(2):  # tried again each time, never taken as up to date
        [outcome] = pipeline.build_source(source, ["label"], out, fail)
        assert not outcome.ok and not outcome.cached
    assert (out / "tiny.label.txt").read_text(encoding="utf-8") == "Tiny: plain\n"


def test_set_up_that_needs_no_notes_starts_before_they_are_read_and_ends_before_the_export(
    source: Path, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from support import exporters

    events: list[str] = []

    def prepare(cls):
        events.append(f"prepare {cls.name}")
        return lambda: events.append(f"waited {cls.name}")

    def broken(cls):
        raise RuntimeError("a plugin that cannot prepare")

    load, export = pipeline.reader.load, exporters.Label.export
    monkeypatch.setattr(exporters.Label, "prepare", classmethod(prepare))
    monkeypatch.setattr(exporters.Failing, "prepare", classmethod(broken))
    monkeypatch.setattr(pipeline.reader, "load", lambda path: events.append("read") or load(path))
    monkeypatch.setattr(exporters.Label, "export", lambda self, *a: events.append("export") or export(self, *a))
    outcomes = pipeline.build_source(source, ["label", "failing", "markdown"], out, jobs=1)
    assert events == ["prepare label", "read", "waited label", "export"]
    assert [o.ok for o in outcomes] == [True, False, True]  # a broken prepare() fails nothing by itself


def test_the_quick_plugin_scan_finds_what_importlib_metadata_finds() -> None:
    # The registry reads entry_points.txt itself (importlib.metadata costs a build 10 ms to import).
    import sys
    from importlib.metadata import entry_points

    scanned = registry._scan(registry.GROUP, sys.path)
    assert scanned is not None
    expected = {(ep.name, ep.value, ep.dist.version) for ep in entry_points(group=registry.GROUP)}
    assert {(p.name, p.value, p.version()) for p in scanned} == expected
    assert {"anki", "epub", "markdown", "pdf"} <= {name for name, _, _ in expected}


def test_a_zip_file_on_the_path_leaves_the_search_to_importlib(tmp_path: Path) -> None:
    archive = tmp_path / "plugins.zip"
    archive.write_bytes(b"PK\x05\x06" + bytes(18))  # an empty zip
    assert registry._scan(registry.GROUP, [str(archive)]) is None
    assert registry._scan(registry.GROUP, [str(tmp_path / "missing")]) == []
