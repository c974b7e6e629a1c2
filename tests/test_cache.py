"""The build cache itself (notesforge.cache): what it remembers, when an output is fresh, its key."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from support.common import EPOCH

from notesforge.cache import CACHE_NAME, BuildCache, build_key, source_fingerprint

KEY = build_key("0" * 64, EPOCH, "label", None, "1.0/0")
OTHER_KEY = build_key("1" * 64, EPOCH, "label", None, "1.0/0")


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def image(tmp_path: Path) -> Path:
    path = tmp_path / "dot.png"
    path.write_bytes(b"a picture")
    return path


def record(out: Path, *inputs: Path) -> Path:
    """Write an output, record it as built with `KEY` from `inputs`, save the cache."""
    output = out / "tiny.label.txt"
    output.write_bytes(b"built")
    cache = BuildCache(out)
    cache.record("label", KEY, output, [str(p) for p in inputs])
    cache.save()
    return output


def touch(path: Path) -> None:
    """A new modification time, a second later: the size and the bytes stay as they were."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))


# --- remembering --------------------------------------------------------------------------------


def test_a_recorded_output_is_fresh_after_a_save_and_a_reload(out: Path, image: Path) -> None:
    output = record(out, image)
    assert (out / CACHE_NAME).is_file()
    cache = BuildCache(out)
    assert cache.fresh("label", KEY) == output
    assert cache.fresh("label", OTHER_KEY) is None  # built from something else
    assert cache.fresh("markdown", KEY) is None  # never built


def test_a_forgotten_format_is_not_fresh_after_a_save(out: Path) -> None:
    record(out)
    cache = BuildCache(out)
    cache.forget("label")
    cache.forget("markdown")  # never recorded: nothing to forget
    cache.save()
    assert BuildCache(out).fresh("label", KEY) is None


def test_the_cache_file_is_written_only_when_something_changed(out: Path, tmp_path: Path) -> None:
    cache = BuildCache(out)
    cache.forget("label")
    cache.save()
    assert not (out / CACHE_NAME).exists()
    record(out)
    written = (out / CACHE_NAME).stat()
    BuildCache(out).save()
    assert (out / CACHE_NAME).stat().st_ino == written.st_ino  # not written again
    gone = BuildCache(tmp_path / "gone")  # an output folder that does not exist (yet)
    gone.record("label", KEY, tmp_path / "gone" / "tiny.label.txt")
    gone.save()
    assert not (tmp_path / "gone").exists()


# --- what makes an output stale -----------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        lambda output: output.write_bytes(b"built, then edited"),
        touch,
        Path.unlink,
    ],
    ids=["edited", "touched", "deleted"],
)
def test_an_output_edited_or_deleted_is_not_fresh(out: Path, change) -> None:
    output = record(out)
    change(output)
    assert BuildCache(out).fresh("label", KEY) is None


@pytest.mark.parametrize(
    "change",
    [
        lambda image: image.write_bytes(b"another picture"),
        touch,
        Path.unlink,
    ],
    ids=["edited", "touched", "deleted"],
)
def test_an_input_file_changed_is_not_fresh(out: Path, image: Path, change) -> None:
    record(out, image)
    change(image)
    assert BuildCache(out).fresh("label", KEY) is None


def test_an_input_file_that_appears_is_not_fresh(out: Path, tmp_path: Path) -> None:
    missing = tmp_path / "not-yet.png"
    record(out, missing)
    assert BuildCache(out).fresh("label", KEY) is not None
    missing.write_bytes(b"a picture")
    assert BuildCache(out).fresh("label", KEY) is None


@pytest.mark.parametrize(
    "text",
    [
        b"{not json",
        b"\xff\xfe not UTF-8",
        b"[1, 2, 3]",
        b'{"label": "not an entry"}',
        b'{"label": {"key": "%s", "output": "tiny.label.txt", "stat": "?", "inputs": []}}' % KEY.encode(),
        b'{"label": {"key": "%s", "output": "tiny.label.txt"}}' % KEY.encode(),
    ],
    ids=["syntax", "bytes", "list", "entry", "inputs", "no-stat"],
)
def test_a_corrupt_cache_file_is_ignored_then_replaced(out: Path, text: bytes) -> None:
    output = record(out)
    (out / CACHE_NAME).write_bytes(text)
    cache = BuildCache(out)
    assert cache.fresh("label", KEY) is None
    cache.record("label", KEY, output)
    cache.save()
    assert BuildCache(out).fresh("label", KEY) == output


# --- the key ------------------------------------------------------------------------------------

BASE = ("a" * 64, EPOCH, "pdf", {"paper": "a4", "questions": "false"}, "1.0/1.0")


@pytest.mark.parametrize(
    "changed",
    [
        ("b" * 64, *BASE[1:]),
        (BASE[0], EPOCH + 1, *BASE[2:]),
        (*BASE[:2], "epub", *BASE[3:]),
        (*BASE[:3], {"paper": "letter", "questions": "false"}, BASE[4]),
        (*BASE[:3], {"paper": "a4"}, BASE[4]),
        (*BASE[:3], None, BASE[4]),
        (*BASE[:4], "1.1/1.0"),
        (*BASE[:4], "1.0/2.0"),
    ],
    ids=["source", "epoch", "format", "override-value", "override-dropped", "no-overrides", "version", "plugin"],
)
def test_the_key_changes_with_each_of_its_inputs(changed: tuple) -> None:
    assert build_key(*changed) != build_key(*BASE)


def test_the_key_is_a_sha256_that_ignores_the_order_of_overrides() -> None:
    key = build_key(*BASE)
    assert len(key) == 64 and int(key, 16) >= 0
    assert build_key(*BASE[:3], {"questions": "false", "paper": "a4"}, BASE[4]) == key
    assert build_key(*BASE[:3], None, BASE[4]) == build_key(*BASE[:3], {}, BASE[4])


# --- the source's fingerprint -------------------------------------------------------------------


def test_the_fingerprint_is_the_sha256_of_the_bytes_and_the_build_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "notes.toml"
    source.write_bytes(b"[notes]\n")
    os.utime(source, (1_600_000_000, 1_600_000_000))
    assert source_fingerprint(source) == (hashlib.sha256(b"[notes]\n").hexdigest(), EPOCH)  # SOURCE_DATE_EPOCH
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert source_fingerprint(str(source)) == (hashlib.sha256(b"[notes]\n").hexdigest(), 1_600_000_000)


def test_no_fingerprint_for_a_source_that_cannot_be_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert source_fingerprint(tmp_path / "nope.toml") is None
    assert source_fingerprint(tmp_path) is None  # a folder
    big = tmp_path / "big.toml"
    big.write_bytes(b"#" * 101)
    monkeypatch.setattr("notesforge.cache.MAX_SOURCE_BYTES", 100)
    assert source_fingerprint(big) is None
