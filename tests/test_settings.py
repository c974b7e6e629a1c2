"""Typed settings: defaults, `[export.FORMAT]`, `--set`, each problem located, all found before a build."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import notesforge
from notesforge import settings
from notesforge.diagnostics import NotesError
from notesforge.exporters.base import Config, Option, Strings, setting
from notesforge.exporters.pdf.config import FlashcardsConfig, WorksheetConfig

NOTES = """\
[notes]
id = "tiny"
title = "Tiny"
language = "en-GB"

[export.worksheet]
shuffle = true
sections = ["alpha", "gamma"]

[export.flashcards]
kinds = ["basic", "clozes"]
columns = 9

[[section]]
id = "alpha"
title = "Alpha"

[[section.block]]
type = "bullets"
items = ["The answer is [[42]]."]
"""


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_defaults_come_from_the_config_class() -> None:
    notes = notesforge.loads(NOTES.split("[export.worksheet]")[0] + NOTES.split("columns = 9\n")[1], "n.toml")
    config, problems = settings.resolve(notes, "worksheet")
    assert problems == [] and config == WorksheetConfig()
    assert (config.paper, config.sections, config.shuffle, config.seed) == ("a4", (), False, 1)


def test_values_are_typed_and_the_command_line_wins() -> None:
    notes = notesforge.loads(NOTES.replace('"gamma"', '"alpha"'), "n.toml")
    config, problems = settings.resolve(notes, "worksheet", {"worksheet": {"seed": "7", "paper": "letter"}})
    assert problems == []
    assert isinstance(config, WorksheetConfig)
    assert (config.shuffle, config.seed, config.paper, config.sections) == (True, 7, "letter", ("alpha", "alpha"))
    config, _ = settings.resolve(notes, "worksheet", {"worksheet": {"shuffle": "no", "sections": "alpha, alpha"}})
    assert config.shuffle is False and config.sections == ("alpha", "alpha")


def test_every_problem_is_located_at_its_line_or_option() -> None:
    notes = notesforge.loads(NOTES, "n.toml")
    problems = settings.check_all(notes, {"worksheet": {"papr": "a4"}, "flashcards": {"rows": "many"}})
    shown = sorted(f"{d.loc}: {d.message}" for d in problems)
    assert shown == sorted(
        [
            f"n.toml:{line_of(NOTES, 'sections =')}:12: worksheet.sections: unknown section id 'gamma' (known: alpha)",
            f"n.toml:{line_of(NOTES, 'kinds =')}:9: flashcards.kinds: unknown card kind 'clozes'; "
            "did you mean 'cloze'? (known: basic, cloze, table, event, term, cell)",
            f"n.toml:{line_of(NOTES, 'columns =')}:11: flashcards.columns: must be one of 1, 2, 3, 4",
            "--set worksheet.papr: unknown setting 'papr' for worksheet; did you mean 'paper'? "
            "(known: paper, sections, seed, shuffle)",
            "--set flashcards.rows: flashcards.rows: must be a whole number",
        ]
    )


def test_a_build_with_a_bad_setting_writes_nothing_for_any_format(tmp_path: Path) -> None:
    notes = notesforge.loads(NOTES, "n.toml")
    with pytest.raises(NotesError) as caught:
        notesforge.build(notes, ["markdown", "worksheet", "flashcards"], tmp_path / "out")
    assert len(caught.value.diagnostics) == 3  # sections, kinds, columns: all at once
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_a_section_id_given_on_the_command_line_is_located_there() -> None:
    notes = notesforge.loads(NOTES.replace('"gamma"', '"alpha"'), "n.toml")
    _, problems = settings.resolve(notes, "worksheet", {"worksheet": {"sections": "alpha,beta"}})
    assert [(str(d.loc), d.message) for d in problems] == [
        ("--set worksheet.sections", "worksheet.sections: unknown section id 'beta' (known: alpha)")
    ]


def test_unknown_formats_are_named_with_a_suggestion() -> None:
    notes = notesforge.loads(NOTES.replace("[export.flashcards]", "[export.flashcard]"), "n.toml")
    shown = [f"{d.loc}: {d.message}" for d in settings.unknown_formats(notes, {"pfd": {"paper": "a4"}})]
    assert shown == [
        f"n.toml:{line_of(NOTES, 'kinds =')}:9: [export.flashcard]: no such format; did you mean 'flashcards'?",
        "--set pfd: no such format 'pfd'; did you mean 'pdf'?",
    ]


def test_options_are_read_off_the_config_fields() -> None:
    by_name = {o.name: o for o in FlashcardsConfig.options()}
    assert list(by_name) == ["paper", "columns", "rows", "kinds", "sections"]
    assert by_name["kinds"].type is list and by_name["kinds"].noun == "card kind"
    assert by_name["rows"].choices == tuple(range(1, 9))
    with pytest.raises(ValueError, match="unknown card kind 'x'"):
        by_name["kinds"].coerce("basic,x")
    assert by_name["kinds"].coerce(["basic"]) == ("basic",)


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [(bool, "yes", True), (bool, "0", False), (int, "12", 12), (float, "2", 2.0), (list, "a, b,,c", ("a", "b", "c"))],
)
def test_text_from_the_command_line_is_converted(kind: type, text: str, value: object) -> None:
    assert Option("x", kind, None, "").coerce(text) == value


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        (int, True, "a whole number"),
        (bool, "maybe", "true or false"),
        (list, [1], "a list of strings"),
        (str, 3, "a string"),
    ],
)
def test_wrong_types_are_refused(kind: type, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Option("x", kind, None, "").coerce(value)


def test_a_value_written_in_the_file_has_its_toml_type_a_string_is_not_read_as_one() -> None:
    text = NOTES.replace("shuffle = true", 'shuffle = "yes"\nseed = "3"').replace('["alpha", "gamma"]', '"alpha"')
    _, problems = settings.resolve(notesforge.loads(text, "n.toml"), "worksheet")
    assert sorted(f"{d.loc}: {d.message}" for d in problems) == sorted(
        [
            f"n.toml:{line_of(text, 'sections =')}:12: worksheet.sections: must be a list of strings, not a string: "
            'write it ["a", "b"]',
            f"n.toml:{line_of(text, 'seed =')}:8: worksheet.seed: must be a whole number, not a string: "
            "write it without quotes",
            f"n.toml:{line_of(text, 'shuffle =')}:11: worksheet.shuffle: must be true or false, not a string: "
            "write it without quotes",
        ]
    )
    # The same text on the command line is converted.
    config, problems = settings.resolve(
        notesforge.loads(NOTES.replace('"gamma"', '"alpha"'), "n.toml"),
        "worksheet",
        {"worksheet": {"shuffle": "yes", "seed": "3", "sections": "alpha"}},
    )
    assert problems == [] and (config.shuffle, config.seed, config.sections) == (True, 3, ("alpha",))


def test_a_plugin_config_with_its_own_check() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Shout(Config):
        words: Strings = setting(("hey",), "what to shout")

        def problems(self, notes):
            return (("words", f"{w!r} is not in capitals") for w in self.words if w != w.upper())

    assert [o.name for o in Shout.options()] == ["words"]
    notes = notesforge.loads(NOTES, "n.toml")
    assert list(Shout(("HEY", "you")).problems(notes)) == [("words", "'you' is not in capitals")]
