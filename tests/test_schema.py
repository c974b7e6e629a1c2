"""`notesforge schema` as editors use it: Python's jsonschema and taplo (the validator of the Even
Better TOML extension) name the bad key or value, know every format's settings, describe each text
as `check` treats it, and find the schema through the `#:schema` line `notesforge init` writes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support.common import SEED
from support.schema import as_json, schema, schema_validator, taplo, taplo_errors

import notesforge
from notesforge import registry, settings
from notesforge.cli import cli
from notesforge.diagnostics import NotesError

BASE = """\
[notes]
id = "n"
title = "N"
language = "en"

[export.pdf]
paper = "a4"

[[section]]
id = "s"
title = "S"

[[section.block]]
type = "bullets"
items = ["Lenin died in [[1924]]."]

[[section.block]]
type = "cards"
items = [{ q = "When did Lenin die?", a = "1924" }]
"""

# name: (the mistake, jsonschema's messages, taplo's messages). Each names the bad key or value.
MISTAKES: dict[str, tuple[tuple[str, str], set[str], set[str]]] = {
    "block-type": (
        ('type = "bullets"', 'type = "bulets"'),
        {"'bulets' is not one of ['paragraph', 'bullets', 'table', 'grid', 'events', 'terms', 'cards']"},
        {'"bulets" is not one of ["paragraph","bullets","table","grid","events","terms","cards"]'},
    ),
    "card-key": (
        ('a = "1924"', 'ans = "1924"'),
        {"Additional properties are not allowed ('ans' was unexpected)", "'a' is a required property"},
        {"Additional properties are not allowed ('ans' was unexpected)", '"a" is a required property'},
    ),
    "card-type": (('a = "1924"', "a = 1924"), {"1924 is not of type 'string'"}, {'1924 is not of type "string"'}),
    "paper-choice": (
        ('paper = "a4"', 'paper = "a5"'),
        {"'a5' is not one of ['a4', 'letter']"},
        {'"a5" is not one of ["a4","letter"]'},
    ),
    "paper-type": (
        ('paper = "a4"', "paper = 4"),
        {"4 is not of type 'string'", "4 is not one of ['a4', 'letter']"},
        {'4 is not of type "string"', '4 is not one of ["a4","letter"]'},
    ),
    "format": (
        ("[export.pdf]", "[export.pdff]"),
        {"Additional properties are not allowed ('pdff' was unexpected)"},
        {"Additional properties are not allowed ('pdff' was unexpected)"},
    ),
    "setting": (
        ('paper = "a4"', 'papr = "a4"'),
        {"Additional properties are not allowed ('papr' was unexpected)"},
        {"Additional properties are not allowed ('papr' was unexpected)"},
    ),
}


def mistaken(name: str) -> str:
    (old, new), _, _ = MISTAKES[name]
    assert old in BASE
    return BASE.replace(old, new, 1)


def test_the_base_document_is_valid_for_check_and_for_the_schema(tmp_path: Path) -> None:
    assert list(schema_validator().iter_errors(as_json(BASE))) == []
    (tmp_path / "n.toml").write_text(BASE, encoding="utf-8")
    assert CliRunner().invoke(cli, ["check", str(tmp_path / "n.toml")]).exit_code == 0


@pytest.mark.parametrize("name", MISTAKES)
def test_jsonschema_names_the_bad_key_or_value(name: str, tmp_path: Path) -> None:
    import jsonschema

    validator = schema_validator()
    errors = list(validator.iter_errors(as_json(mistaken(name))))
    assert {e.message for e in errors} == MISTAKES[name][1]
    assert jsonschema.exceptions.best_match(errors).message in MISTAKES[name][1]
    # And `check` refuses the same file.
    (tmp_path / "n.toml").write_text(mistaken(name), encoding="utf-8")
    assert CliRunner().invoke(cli, ["check", str(tmp_path / "n.toml")]).exit_code == 2


@pytest.mark.slow
def test_taplo_names_the_bad_key_or_value(tmp_path: Path) -> None:
    (tmp_path / "notes.schema.json").write_text(json.dumps(schema()), encoding="utf-8")
    for name in MISTAKES:
        (tmp_path / f"{name}.toml").write_text(mistaken(name), encoding="utf-8")
    shutil.copy(SEED, tmp_path / "seed.toml")
    done = taplo("--schema", (tmp_path / "notes.schema.json").as_uri(), *sorted(tmp_path.glob("*.toml")))
    errors = taplo_errors(done.stdout + done.stderr)
    assert done.returncode != 0
    assert {Path(path).stem: set(found) for path, found in errors.items()} == {
        name: taplo_messages for name, (_, _, taplo_messages) in MISTAKES.items()
    }  # and nothing in the seed


@pytest.mark.slow
def test_taplo_finds_the_schema_init_names_at_the_top_of_each_file(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(tmp_path / "notes")]).exit_code == 0
    assert runner.invoke(cli, ["init", "--course", str(tmp_path / "course")]).exit_code == 0
    notes = tmp_path / "notes" / "notes.toml"
    unit = tmp_path / "course" / "units" / "01-first-unit.toml"
    course = tmp_path / "course" / "course.toml"
    bad_notes = notes.with_name("bad.toml")
    bad_notes.write_text(notes.read_text(encoding="utf-8").replace('paper = "a4"', 'paper = "a5"'), encoding="utf-8")
    bad_unit = unit.with_name("03-bad.toml")
    bad_unit.write_text(unit.read_text(encoding="utf-8").replace("[[section]]", "[[sectoin]]", 1), encoding="utf-8")
    bad_course = course.with_name("bad-course.toml")
    bad_course.write_text(course.read_text(encoding="utf-8").replace("[course]", "[course]\nauthr = 'x'", 1), "utf-8")
    files = [notes, unit, unit.with_name("02-second-unit.toml"), course, bad_notes, bad_unit, bad_course]
    done = taplo(*files)  # no --schema: each file's own `#:schema` line
    errors = taplo_errors(done.stdout + done.stderr)
    assert set(errors) == {str(bad_notes), str(bad_unit), str(bad_course)}, done.stdout + done.stderr
    assert errors[str(bad_notes)] == ['"a5" is not one of ["a4","letter"]']
    assert "Additional properties are not allowed ('sectoin' was unexpected)" in errors[str(bad_unit)]
    assert errors[str(bad_course)] == ["Additional properties are not allowed ('authr' was unexpected)"]


def test_init_writes_the_schema_beside_the_files_and_names_it_on_their_first_line(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["init", str(tmp_path / "s")]).exit_code == 0
    assert runner.invoke(cli, ["init", "--course", str(tmp_path / "c")]).exit_code == 0
    first = {
        path.relative_to(tmp_path).as_posix(): path.read_text(encoding="utf-8").splitlines()[0]
        for path in sorted(tmp_path.rglob("*.toml"))
    }
    assert first == {
        "c/course.toml": "#:schema ./course.schema.json",
        "c/units/01-first-unit.toml": "#:schema ../notes.schema.json",
        "c/units/02-second-unit.toml": "#:schema ../notes.schema.json",
        "s/notes.toml": "#:schema ./notes.schema.json",
    }
    assert json.loads((tmp_path / "s" / "notes.schema.json").read_text(encoding="utf-8")) == schema()
    assert json.loads((tmp_path / "c" / "course.schema.json").read_text(encoding="utf-8")) == schema("--course")
    assert json.loads((tmp_path / "c" / "notes.schema.json").read_text(encoding="utf-8")) == schema()


# --- the settings of every format --------------------------------------------------------------


@pytest.mark.parametrize("args", [(), ("--course",)])
def test_export_holds_every_format_settings_as_its_config_declares_them(args: tuple[str, ...]) -> None:
    export = schema(*args)["$defs"]["export"]
    assert export["additionalProperties"] is False
    assert set(export["properties"]) == set(registry.names())
    for name, table in export["properties"].items():
        options = {o.name: o for o in registry.get(name).config_class.options()}
        assert table["additionalProperties"] is False
        assert set(table["properties"]) == set(options), name
        for key, prop in table["properties"].items():
            option = options[key]
            assert prop["description"] == option.description
            assert prop["default"] == (list(option.default) if option.type is list else option.default)
            assert option.coerce(prop["default"]) == option.default  # the default passes `check`


def test_a_setting_schema_allows_what_check_allows_and_no_more() -> None:
    flashcards = schema()["$defs"]["export"]["properties"]["flashcards"]["properties"]
    assert flashcards["rows"] == {**flashcards["rows"], "type": "integer", "minimum": 1, "maximum": 8}
    assert flashcards["columns"]["minimum"] == 1 and flashcards["columns"]["maximum"] == 4
    assert flashcards["kinds"]["items"]["enum"] == ["basic", "cloze", "table", "event", "term", "cell"]
    validator = schema_validator()
    cases = [("rows", 8, True), ("rows", 9, False), ("rows", 0, False), ("kinds", ["cell"], True)]
    cases += [("kinds", ["x"], False), ("seed", 3, False), ("paper", "letter", True), ("rows", "3", False)]
    cases += [("kinds", "basic", False)]
    for key, value, ok in cases:
        text = BASE.replace("[[section]]", f"[export.flashcards]\n{key} = {json.dumps(value)}\n\n[[section]]", 1)
        assert validator.is_valid(as_json(text)) is ok, (key, value)
        assert (settings.check_all(notesforge.loads(text, "n.toml")) == []) is ok, (key, value)


# --- texts as `check` reads them ---------------------------------------------------------------

HEAD = '[notes]\nid = "n"\ntitle = "N"\nlanguage = "en"\n\n[[section]]\nid = "s"\ntitle = {title}\n'
TABLE = '[[section.block]]\ntype = "table"\ncaption = {caption}\n{columns}'
COLUMN = "[[section.block.columns]]\nheading = {heading}\npoints = [{points}]\n"
GRID = (
    '[[section.block]]\ntype = "grid"\nid = "g"\ncaption = {caption}\ncorner = {corner}\ncolumns = [{columns}]\n'
    "[[section.block.rows]]\nheading = {heading}\ncells = [{cells}]\n"
)
BLOCKS = {
    "paragraph": '[[section.block]]\ntype = "paragraph"\ntext = {text}\n',
    "bullets": '[[section.block]]\ntype = "bullets"\nitems = [{items}]\n',
    "bullet": '[[section.block]]\ntype = "bullets"\nitems = [{{ text = {text} }}]\n',
    "events": '[[section.block]]\ntype = "events"\nitems = [{{ date = "1924", text = {text} }}]\n',
    "terms": '[[section.block]]\ntype = "terms"\nitems = [{{ term = {term}, definition = {definition} }}]\n',
    "basic-card": '[[section.block]]\ntype = "cards"\nitems = [{{ q = {q}, a = {a} }}]\n',
    "cloze-card": '[[section.block]]\ntype = "cards"\nitems = [{{ cloze = "[[x]]", extra = {extra} }}]\n',
    "cloze-only": '[[section.block]]\ntype = "cards"\nitems = [{{ cloze = {cloze} }}]\n',
}
# Every text of a notes file: (the table of TABLES it is declared in, its key) -> how to write a
# file with `{}` in it and plain text in every other slot.
SLOTS: dict[tuple[str, str], tuple[str, str]] = {
    ("section", "title"): ("", "title"),
    ("paragraph", "text"): ("paragraph", "text"),
    ("bullets", "items"): ("bullets", "items"),
    ("bullet", "text"): ("bullet", "text"),
    ("table", "caption"): ("table", "caption"),
    ("column", "heading"): ("table", "heading"),
    ("column", "points"): ("table", "points"),
    ("point", "text"): ("point", "text"),
    ("grid", "caption"): ("grid", "caption"),
    ("grid", "corner"): ("grid", "corner"),
    ("grid", "columns"): ("grid", "columns"),
    ("grid-row", "heading"): ("grid", "heading"),
    ("grid-row", "cells"): ("grid", "cells"),
    ("event", "text"): ("events", "text"),
    ("term", "term"): ("terms", "term"),
    ("term", "definition"): ("terms", "definition"),
    ("basic-card", "q"): ("basic-card", "q"),
    ("basic-card", "a"): ("basic-card", "a"),
    ("cloze-card", "cloze"): ("cloze-only", "cloze"),
    ("cloze-card", "extra"): ("cloze-card", "extra"),
}


def with_text(slot: tuple[str, str], text: str) -> str:
    """A notes file with `text` in one slot and plain words in every other."""
    block, key = SLOTS[slot]
    fill: dict[str, Any] = {k: '"plain words"' for k in ("title", "text", "items", "caption", "corner", "heading")}
    fill.update(term='"t"', definition='"d"', q='"q"', a='"a"', extra='"e"', columns='"c"', cells='"x"')
    fill["points"] = '"p"'
    fill[key] = json.dumps(text)
    if block == "point":
        fill["points"] = f"{{ text = {json.dumps(text)} }}"
    head = HEAD.format(title=fill["title"] if block == "" else '"S"')
    if block == "":
        return head + BLOCKS["paragraph"].format(text='"p"')
    if block in ("table", "point"):
        columns = COLUMN.format(**fill) + COLUMN.format(heading='"B"', points='"b"')
        return head + TABLE.format(caption=fill["caption"], columns=columns)
    if block == "grid":
        return head + GRID.format(**fill)
    return head + BLOCKS[block].format(**fill)


def test_every_text_says_whether_it_takes_cloze_marks_as_check_treats_it() -> None:
    document = schema()
    defs = document["$defs"]
    described = {
        (table, key): prop["description"]
        for table, definition in defs.items()
        for key, prop in definition.get("properties", {}).items()
        if "Inline markup" in prop.get("description", "")
    }
    assert set(described) == set(SLOTS)
    for slot, description in described.items():
        if slot != ("cloze-card", "cloze"):  # (which needs one)
            notesforge.loads(with_text(slot, "plain *words*"), "n.toml")  # good without a cloze mark
        takes_cloze = "[[answer]]" in description
        assert ("No [[cloze]] marks" in description) is not takes_cloze, slot
        try:
            notesforge.loads(with_text(slot, "a [[cloze]] mark"), "n.toml")
            accepted = True
        except NotesError as exc:
            assert [d.message for d in exc.diagnostics] == [
                "cloze marks are only allowed in bullets, table points, grid cells and cloze cards"
            ], slot
            accepted = False
        assert accepted is takes_cloze, (slot, description)
