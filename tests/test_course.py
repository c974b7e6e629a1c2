"""Course files: reading, checking and the starter course (`notesforge check/init course.toml`)."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import PIL.Image
import pytest
from click.testing import CliRunner
from support.common import COURSE, SEED
from support.watching import watching

from notesforge.cache import CACHE_DIR, UnitCache
from notesforge.cli import cli
from notesforge.course import SEPARATOR
from notesforge.diagnostics import NotesError
from notesforge.pipeline import build_source
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
    assert run("check", "--strict", str(course))[0] == 0
    assert run("init", "--course", str(tmp_path / "c"))[0] == 1  # refuses to overwrite
    assert run("init", "--course", "--force", str(tmp_path / "c"))[0] == 0


def test_the_course_schema() -> None:
    code, out, _ = run("schema", "--course")
    schema = json.loads(out)
    assert code == 0 and schema["required"] == ["course"]
    course = schema["properties"]["course"]
    assert set(course["properties"]) == {"id", "title", "subtitle", "course", "author", "language", "units"}
    assert course["required"] == ["id", "title", "units"]


def small_course(folder: Path) -> Path:
    """The test course's two small units (Weimar Germany, the Cold War) as a course in `folder`."""
    shutil.copytree(COURSE.parent / "units", folder / "units")
    return write(folder / "course.toml", '[course]\nid = "two"\ntitle = "Two units"\nunits = ["units"]\n')


def test_a_rebuild_reuses_the_unchanged_units_and_equals_a_fresh_build(tmp_path: Path) -> None:
    course = small_course(tmp_path / "c")
    out = tmp_path / "out"
    formats = ["worksheet", "organiser", "markdown"]
    assert all(o.ok for o in build_source(course, formats, out))
    store = out / CACHE_DIR
    parsed = sorted(p.name for p in (store / "units").iterdir())
    [organiser] = (store / "parts").glob("organiser-*")
    parts = sorted(p.name for p in organiser.iterdir())
    assert len(parsed) == len(parts) == 2  # a parsed unit and an organiser part per unit
    weimar = course.parent / "units" / "01-weimar.toml"
    weimar.write_text(weimar.read_text(encoding="utf-8").replace("The Kapp Putsch.", "The Kapp Putsch (1920)."))
    rebuilt = build_source(course, formats, out)
    assert all(o.ok and not o.cached for o in rebuilt)
    # The edited unit's entries are replaced, the other unit's kept; nothing stale is left behind.
    assert len(set(parsed) & {p.name for p in (store / "units").iterdir()}) == 1
    assert len(set(parts) & {p.name for p in organiser.iterdir()}) == 1
    assert len(list(organiser.iterdir())) == 2
    assert "The Kapp Putsch (1920)." in (out / "two.md").read_text(encoding="utf-8")
    # What was put together from kept parts is what a build from nothing makes (one format at a
    # time in this process, each unit's part in a process of its own).
    fresh = build_source(course, formats, tmp_path / "fresh", jobs=1)
    for outcome in fresh:
        assert outcome.path.read_bytes() == (out / outcome.path.name).read_bytes(), outcome.format


def test_units_read_in_parallel_keep_their_located_problems(tmp_path: Path) -> None:
    course = small_course(tmp_path / "c")
    cold_war = course.parent / "units" / "02-cold-war.toml"
    cold_war.write_text(cold_war.read_text(encoding="utf-8").replace('id = "origins"', 'idd = "origins"'))
    with pytest.raises(NotesError) as caught:
        load_course(course, UnitCache(tmp_path / "out", jobs=2).load)
    problems = [d.headline() for d in caught.value.diagnostics]
    assert problems[0].startswith(f"{cold_war}:8:1: error: section[1] is missing the required key 'id'")
    assert problems[1].startswith(f"{cold_war}:9:1: error: unknown key 'idd'")
    assert "9 | idd" in caught.value.render()  # the unit's own line, shown from its own text


@pytest.mark.slow
def test_watch_rebuilds_a_course_on_a_save_of_any_unit(tmp_path: Path) -> None:
    course = small_course(tmp_path / "c")
    output = tmp_path / "out" / "two.md"
    with watching(course, "-f", "markdown", "-o", str(tmp_path / "out")) as watcher:
        watcher.wait_for(f"watching {course}")
        cold_war = course.parent / "units" / "02-cold-war.toml"
        cold_war.write_text(cold_war.read_text(encoding="utf-8").replace("Airlift", "Airbridge"), encoding="utf-8")
        watcher.wait_for("markdown: wrote")
        assert "Berlin **Airbridge**" in output.read_text(encoding="utf-8")
        # A new notes file in a folder the course lists is a new unit.
        write(course.parent / "units" / "03-new.toml", UNIT.format(id="newcomer"))
        watcher.wait_for("markdown: wrote")
        assert "## Unit newcomer" in output.read_text(encoding="utf-8")


def test_a_changed_card_image_is_a_changed_unit(tmp_path: Path) -> None:
    course = small_course(tmp_path / "c")
    valid = Path(__file__).parent / "fixtures" / "valid"
    shutil.copy(valid / "image.toml", course.parent / "units" / "03-image.toml")
    shutil.copytree(valid / "images", course.parent / "units" / "images")
    out = tmp_path / "out"
    [before] = build_source(course, ["flashcards"], out)
    first = before.path.read_bytes()
    # Another picture under the same name: the unit's kept notes and flashcards part are stale.
    picture = course.parent / "units" / "images" / "dot.png"
    PIL.Image.new("RGB", (3, 3), "blue").save(picture)
    [again] = build_source(course, ["flashcards"], out, force=True)
    assert again.path.read_bytes() != first
    [fresh] = build_source(course, ["flashcards"], tmp_path / "fresh")
    assert fresh.path.read_bytes() == again.path.read_bytes()
    picture.unlink()  # gone: reported at the card that shows it, not taken from the cache
    with pytest.raises(NotesError, match=r"dot\.png"):
        build_source(course, ["flashcards"], out, force=True)


def test_cards_of_a_course_are_every_units_at_their_own_lines() -> None:
    code, out, err = run("cards", str(COURSE))
    assert code == 0, err
    lines = out.splitlines()
    course = load_course(COURSE)
    units = [unit.source.path for unit in course.units]
    assert [line.split(":", 1)[0] for line in lines] == sorted(
        (line.split(":", 1)[0] for line in lines), key=units.index
    )
    assert {line.split(":", 1)[0] for line in lines} == set(units)
    assert f"{units[1]}:47:3\tbasic\tWhich city did French and Belgian troops occupy in 1923?\tThe Ruhr" in out
