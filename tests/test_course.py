"""Course files: reading, checking and the starter course (`notesforge check/init course.toml`)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.common import COURSE, SEED

from notesforge.cli import cli
from notesforge.course import SEPARATOR
from notesforge.diagnostics import NotesError
from notesforge.reader import is_course, load, load_course


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_the_course_reads_its_units_in_order() -> None:
    course = load_course(COURSE)
    assert course.meta.id == "gcse-history" and course.meta.title == "GCSE History"
    assert [unit.meta.id for unit in course.units] == ["stalin-ussr-1924-41", "weimar-germany", "cold-war"]
    assert course.meta.language == "en-GB"  # not written: the first unit's
    # Each unit is the notes its file reads alone (so its cards keep their keys).
    assert course.units[0].sections == load(SEED).sections
    assert course.units[1].source.path == str(COURSE.parent / "units" / "01-weimar.toml")


def test_the_course_settings_are_the_units_defaults() -> None:
    course = load_course(COURSE)
    for unit in course.units:
        assert unit.settings["worksheet"]["shuffle"].value is False
        assert unit.settings["worksheet"]["shuffle"].loc.path == str(COURSE)
    assert course.units[0].settings["pdf"]["paper"].loc.path.endswith("notes.toml")  # the seed's own
    assert set(course.settings) == {"worksheet"}


def test_as_notes_puts_each_unit_under_a_section_of_its_own() -> None:
    merged = load_course(COURSE).as_notes()
    assert [s.id for s in merged.sections] == ["stalin-ussr-1924-41", "weimar-germany", "cold-war"]
    assert [s.title[0].value for s in merged.sections] == ["Stalin’s Dictatorship", "Weimar Germany", "The Cold War"]
    ids = [s.id for s in merged.walk()]
    assert len(ids) == len(set(ids))  # both units' key-terms sections, told apart
    assert f"cold-war{SEPARATOR}key-terms" in ids and f"weimar-germany{SEPARATOR}key-terms" in ids
    berlin = next(s for s in merged.walk() if s.id.endswith("berlin"))
    assert berlin.depth == 3


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


UNIT = """\
[notes]
id = "{id}"
title = "Unit {id}"
language = "en-GB"

[[section]]
id = "one"
title = "One"

[[section.block]]
type = "bullets"
items = ["A fact about [[{id}]]."]
"""


def test_every_problem_of_the_course_and_its_units_at_once(tmp_path: Path) -> None:
    write(tmp_path / "a.toml", UNIT.format(id="alpha"))
    write(tmp_path / "b.toml", UNIT.format(id="alpha"))  # the same id as a.toml
    write(tmp_path / "units" / "c.toml", UNIT.format(id="gamma").replace("[[gamma]]", "[[gamma"))
    course = write(
        tmp_path / "course.toml",
        """\
        [course]
        id = "c"
        title = "C"
        autor = "me"
        units = [
          "a.toml",
          "b.toml",
          "missing.toml",
          "a.toml",
          "units",
        ]
        """,
    )
    with pytest.raises(NotesError) as caught:
        load_course(course)
    headlines = [d.headline() for d in caught.value.diagnostics]
    name = str(course)
    assert headlines[:4] == [
        f"{name}:4:1: error: unknown key 'autor' in [course]; did you mean 'author'?",
        f"{name}:7:3: error: unit id 'alpha' of '{tmp_path}/b.toml' is already the id of '{tmp_path}/a.toml' "
        "(line 6); each unit needs its own [notes] id",
        f"{name}:8:3: error: no such notes file or folder 'missing.toml' (paths are relative to the course file)",
        f"{name}:9:3: error: '{tmp_path}/a.toml' is listed twice (first at line 6); a unit appears once",
    ]
    [unit_problem] = headlines[4:]
    assert unit_problem.startswith(f"{tmp_path}/units/c.toml:12:")  # the unit's own problem, in its file
    code, _, err = run("check", name)
    assert code == 2
    assert "4 | autor" in err and "12 | items" in err  # each line shown from its own file
    assert "Traceback" not in err


def test_a_course_without_units_or_id(tmp_path: Path) -> None:
    course = write(tmp_path / "course.toml", '[course]\ntitle = "C"\nunits = []\n')
    with pytest.raises(NotesError) as caught:
        load_course(course)
    messages = [d.message for d in caught.value.diagnostics]
    assert messages == ["[course] is missing the required key 'id'", "'units' must list at least one notes file"]
    write(tmp_path / "empty" / "readme.txt", "no notes here")
    course = write(tmp_path / "course.toml", '[course]\nid = "c"\ntitle = "C"\nunits = ["empty"]\n')
    with pytest.raises(NotesError, match=r"the folder 'empty' holds no \.toml notes files"):
        load_course(course)


def test_check_reports_every_unit_and_the_course() -> None:
    code, out, err = run("check", str(COURSE))
    assert code == 0, err
    lines = out.splitlines()
    assert [line.split(": ok: ")[0] for line in lines] == [
        str(SEED),
        str(COURSE.parent / "units" / "01-weimar.toml"),
        str(COURSE.parent / "units" / "02-cold-war.toml"),
        str(COURSE),
    ]
    assert lines[-1].startswith(f"{COURSE}: ok: a course of 3 units: 16 sections")
    assert run("check", "--strict", str(COURSE))[0] == 0


def test_a_bad_setting_in_the_course_is_located_there(tmp_path: Path) -> None:
    write(tmp_path / "a.toml", UNIT.format(id="alpha"))
    course = write(
        tmp_path / "course.toml", '[course]\nid = "c"\ntitle = "C"\nunits = ["a.toml"]\n\n[export.pdf]\npapr = "a4"\n'
    )
    code, _, err = run("check", str(course))
    assert code == 2
    assert err.count(f"{course}:7:8: error: unknown setting 'papr' for pdf; did you mean 'paper'?") == 1


def test_init_course_writes_a_course_that_checks(tmp_path: Path) -> None:
    code, out, _ = run("init", "--course", str(tmp_path / "c"))
    assert code == 0 and "check it with: notesforge check" in out
    course = tmp_path / "c" / "course.toml"
    assert is_course(course) and not is_course(tmp_path / "c" / "units" / "01-first-unit.toml")
    assert [u.meta.id for u in load_course(course).units] == ["my-topic", "second-unit"]
    assert run("check", str(course))[0] == 0
    assert run("init", "--course", str(tmp_path / "c"))[0] == 1  # refuses to overwrite
    assert run("init", "--course", "--force", str(tmp_path / "c"))[0] == 0


def test_the_course_schema() -> None:
    code, out, _ = run("schema", "--course")
    schema = json.loads(out)
    assert code == 0 and schema["required"] == ["course"]
    course = schema["properties"]["course"]
    assert set(course["properties"]) == {"id", "title", "subtitle", "course", "author", "language", "units"}
    assert course["required"] == ["id", "title", "units"]
