"""The command line through click's CliRunner, plus the plugin mechanism."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from support.common import EVENTS, GRID
from support.watching import watching

import notesforge
from notesforge import registry
from notesforge.cli import cli

FIXTURES = Path(__file__).parent / "fixtures"
SEED = Path(__file__).resolve().parents[1] / "source" / "notes.toml"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_check_prints_a_summary_of_the_seed() -> None:
    code, out, err = run("check", str(SEED))
    assert code == 0, err
    assert out == (
        f"{SEED}: ok: 7 sections, 41 bullets, 1 tables, 0 grids, 0 events, 18 terms, "
        "89 cards (13 basic, 50 cloze, 8 table, 18 term); "
        "0 warnings; 0 of 136 questions ask a fact another card asks too\n"
    )
    # The curated seed gives the card linter nothing to say (tests/test_lint.py pins its messages),
    # so it passes the strict check a teacher's CI would run.
    assert ": warning: " not in err
    assert run("check", "--strict", str(SEED))[0] == 0


def test_check_takes_several_files_and_reports_every_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "invalid")
    code, out, err = run("check", str(SEED), "misspelt.toml", str(GRID), "syntax.toml")
    assert code == 2
    assert [line.split(": ok: ")[0] for line in out.splitlines()] == [str(SEED), str(GRID)]
    assert "misspelt.toml:3:1: error: unknown key 'titel' in [notes]" in err
    assert "syntax.toml:3:22: error: TOML syntax: Illegal character" in err
    assert run("check", str(SEED), str(SEED))[0] == 0


HOOKS = Path(__file__).resolve().parents[1] / ".pre-commit-hooks.yaml"


def precommit_hook() -> dict[str, Any]:
    import yaml

    [hook] = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    return hook


def test_the_pre_commit_hook_runs_check_on_the_files_init_writes() -> None:
    hook = precommit_hook()
    assert hook["id"] == "notesforge-check" and hook["language"] == "python" and hook["pass_filenames"] is True
    assert hook["entry"].split() == ["notesforge", "check"]
    files = re.compile(hook["files"])  # pre-commit searches each path with it
    for path in ["source/notes.toml", "notes.toml", "course.toml", "history/units/01-lenin.toml"]:
        assert files.search(path), path
    for path in ["pyproject.toml", ".taplo.toml", "source/notes.toml.bak", "units/a/b.toml", "mynotes.toml"]:
        assert not files.search(path), path
    # The README's .pre-commit-config.yaml names this hook.
    import yaml

    readme = (HOOKS.parent / "README.md").read_text(encoding="utf-8")
    config = yaml.safe_load("repos:" + readme.split("```yaml\nrepos:", 1)[1].split("```", 1)[0])
    assert [h["id"] for h in config["repos"][0]["hooks"]] == [hook["id"]]


@pytest.mark.slow
def test_the_pre_commit_hook_entry_runs_as_pre_commit_runs_it(tmp_path: Path) -> None:
    """pre-commit installs the package and runs `entry` followed by the staged files that match."""
    entry = precommit_hook()["entry"].split()
    program = shutil.which(entry[0], path=str(Path(sys.executable).parent))
    assert program, f"the console script {entry[0]} is not installed beside {sys.executable}"
    bad = tmp_path / "units" / "02-bad.toml"
    bad.parent.mkdir()
    bad.write_text(SEED.read_text(encoding="utf-8").replace("title =", "titel =", 1), encoding="utf-8")
    done = subprocess.run([program, *entry[1:], str(SEED), str(bad)], capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stdout.startswith(f"{SEED}: ok: ")
    assert f"{bad}:" in done.stderr and "unknown key 'titel'" in done.stderr and "Traceback" not in done.stderr
    assert subprocess.run([program, *entry[1:], str(SEED)], capture_output=True).returncode == 0


@pytest.mark.parametrize("fixture", ["syntax", "misspelt", "types"])
def test_bad_input_exits_2_with_located_errors_and_no_traceback(fixture: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "invalid")
    code, out, err = run("check", f"{fixture}.toml")
    assert code == 2
    assert out == ""
    assert f"{fixture}.toml:" in err and ": error: " in err
    assert "Traceback" not in err


def test_build_refuses_bad_input_before_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "invalid")
    code, _, err = run("build", "misspelt.toml", "--format", "markdown", "--out", str(tmp_path))
    assert code == 2 and "misspelt.toml:3:1: error:" in err
    assert list(tmp_path.iterdir()) == []


def test_command_line_mistakes_exit_2(tmp_path: Path) -> None:
    assert run("build", str(SEED))[0] == 2  # no --format
    code, _, err = run("build", str(SEED), "--format", "pfd", "--out", str(tmp_path))
    assert code == 2 and "did you mean 'pdf'" in err
    code, _, err = run("build", str(SEED), "--format", "pdf", "--set", "paper=letter", "--out", str(tmp_path))
    assert code == 2 and "FORMAT.KEY=VALUE" in err
    code, _, err = run("build", str(SEED), "--format", "pdf", "--set", "pdf.papr=letter", "--out", str(tmp_path))
    assert code == 2 and "unknown setting 'papr' for pdf; did you mean 'paper'?" in err


def test_formats_are_taken_as_comma_lists_too(tmp_path: Path) -> None:
    code, out, err = run("build", str(SEED), "-f", "markdown,anki", "-f", " anki ,markdown", "--out", str(tmp_path))
    assert code == 0, err
    built = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
    assert built == ["stalin-ussr-1924-41.apkg", "stalin-ussr-1924-41.md"]
    assert out.count("markdown: wrote") == 1 and out.count("anki: wrote") == 1
    code, _, err = run("build", str(SEED), "--format", "markdown,pfd", "--out", str(tmp_path))
    assert code == 2 and "unknown format 'pfd'; did you mean 'pdf'?" in err
    code, _, err = run("watch", str(SEED), "--format", "markdown,ankii", "--out", str(tmp_path))
    assert code == 2 and "unknown format 'ankii'; did you mean 'anki'?" in err
    code, _, err = run("build", str(SEED), "--format", ",", "--out", str(tmp_path))
    assert code == 2 and "no format named" in err


def test_unknown_export_table_is_a_located_error(tmp_path: Path) -> None:
    source = tmp_path / "notes.toml"
    source.write_text(SEED.read_text(encoding="utf-8").replace("[export.pdf]", "[export.pfd]"), encoding="utf-8")
    code, _, err = run("check", str(source))
    assert code == 2
    line = next(
        i for i, text in enumerate(source.read_text(encoding="utf-8").splitlines(), 1) if text.startswith("paper")
    )
    assert f"{source}:{line}:9: error: [export.pfd]: no such format; did you mean 'pdf'?" in err


def test_init_writes_a_valid_starter(tmp_path: Path) -> None:
    code, out, _ = run("init", str(tmp_path / "src"))
    assert code == 0 and "wrote" in out
    starter = tmp_path / "src" / "notes.toml"
    # the starter is a model to copy: it passes the strict check (no card warning) a teacher's CI would run
    assert run("check", "--strict", str(starter))[0] == 0
    assert run("init", str(tmp_path / "src"))[0] == 1  # refuses to overwrite
    assert run("init", str(tmp_path / "src"), "--force")[0] == 0


def test_schema_is_json_and_describes_the_format() -> None:
    code, out, _ = run("schema")
    schema = json.loads(out)
    assert code == 0
    assert schema["required"] == ["notes", "section"]
    assert set(schema["$defs"]["notes"]["properties"]) == {
        "id",
        "title",
        "subtitle",
        "course",
        "author",
        "language",
        "date",
    }
    block = schema["$defs"]["block"]
    types = ["paragraph", "bullets", "table", "grid", "events", "terms", "cards"]
    assert block["properties"]["type"]["enum"] == types
    # Each block type is checked against its own keys alone: an `if` on the type, then its table.
    assert [(b["if"]["properties"]["type"]["const"], b["then"]) for b in block["allOf"]] == [
        (t, {"$ref": f"#/$defs/{t}"}) for t in types
    ]
    assert all(schema["$defs"][t]["properties"]["type"]["const"] == t for t in types)


def test_check_counts_grids() -> None:
    code, out, err = run("check", str(GRID))
    assert code == 0, err
    assert (
        out == f"{GRID}: ok: 2 sections, 0 bullets, 0 tables, 3 grids, 0 events, 0 terms, 11 cards (7 cell, 4 cloze); "
        "4 warnings; 4 of 11 questions ask a fact another card asks too\n"  # cells and blanks ask two cells twice
    )


def test_check_counts_events_and_warns_of_a_date_within_another() -> None:
    code, out, err = run("check", str(EVENTS))
    assert code == 0, err
    assert out == (
        f"{EVENTS}: ok: 1 sections, 0 bullets, 0 tables, 0 grids, 7 events, 0 terms, 7 cards (7 event); "
        "1 warnings; 0 of 13 questions ask a fact another card asks too\n"  # 1917 is asked one way only
    )
    assert f"{EVENTS}:16:3: warning: the date '1917' does not name one event (also 'October 1917' (line 17))" in err


def test_schema_describes_a_grid() -> None:
    schema = json.loads(run("schema")[1])
    defs = schema["$defs"]
    grid = defs["grid"]
    assert grid["additionalProperties"] is False
    assert grid["required"] == ["type", "id", "columns", "rows"]
    props = grid["properties"]
    assert set(props) == {"type", "id", "caption", "corner", "columns", "cards", "ask", "rows"}
    assert props["columns"]["minItems"] == 1 and props["columns"]["items"] == {"type": "string", "minLength": 1}
    assert props["ask"]["items"] == {"enum": ["cells", "blanks"]}
    assert props["rows"] == {**props["rows"], "type": "array", "minItems": 1, "items": {"$ref": "#/$defs/grid-row"}}
    row = defs["grid-row"]
    assert row["required"] == ["heading", "cells"] and row["additionalProperties"] is False
    assert row["properties"]["cells"]["items"] == {"type": "string"}  # "" is an empty cell
    assert row["properties"]["heading"]["minLength"] == 1
    # The test notes' grids have only the keys the schema names.
    for section in tomllib.loads(GRID.read_text(encoding="utf-8"))["section"]:
        for block in [*section.get("block", []), *(b for sub in section.get("section", []) for b in sub["block"])]:
            if block["type"] == "grid":
                assert set(block) <= set(props) and set(grid["required"]) <= set(block)
                for r in block["rows"]:
                    assert set(r) == set(row["properties"])


def test_formats_lists_every_registered_exporter() -> None:
    code, out, _ = run("formats")
    assert code == 0
    for name in registry.names():
        assert out.count(f"{name} ") >= 1


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.strip() == f"notesforge {notesforge.__version__}"


def test_python_dash_m_and_lazy_imports() -> None:
    """`--help`, `check` and `schema` run without loading reportlab, genanki or ebooklib."""
    probe = textwrap.dedent(
        f"""
        import sys, runpy
        for args in (["--help"], ["check", {str(SEED)!r}], ["schema"]):
            sys.argv = ["notesforge", *args]
            try:
                runpy.run_module("notesforge", run_name="__main__")
            except SystemExit as exit:
                assert exit.code in (0, None), exit.code
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("reportlab", "genanki", "ebooklib", "lxml"))
        print("HEAVY", heavy)
        """
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert "Usage: notesforge" in done.stdout
    assert done.stdout.strip().endswith("HEAVY []")


PLUGINS = {
    "nf_wordcount": """
from dataclasses import dataclass

from notesforge.exporters.base import Config, Exporter, setting
from notesforge.inline import plain

@dataclass(frozen=True, slots=True)
class WordCountConfig(Config):
    label: str = setting("words", "What to call them")

class WordCount(Exporter):
    name = "wordcount"
    description = "Counts the words of each section title"
    suffix = ".words.txt"
    config_class = WordCountConfig

    def export(self, notes, path, config):
        lines = [f"{s.id}: {len(plain(s.title).split())} {config.label}" for s in notes.walk()]
        path.write_text("\\n".join(lines))
""",
    "nf_broken": """
from notesforge.exporters.base import Exporter

class Broken(Exporter):
    name = "broken"
    description = "Always fails, as on a full disk"
    suffix = ".broken"

    def export(self, notes, path, config):
        raise OSError(28, "No space left on device")
""",
}


@pytest.fixture
def plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Two third-party packages, installed the way pip would: a module and a dist-info with entry points."""
    site = tmp_path / "site"
    for module, code in PLUGINS.items():
        info = site / f"{module}-1.0.dist-info"
        info.mkdir(parents=True)
        (site / f"{module}.py").write_text(code, encoding="utf-8")
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.0\n")
        cls = "WordCount" if module == "nf_wordcount" else "Broken"
        name = "wordcount" if module == "nf_wordcount" else "broken"
        (info / "entry_points.txt").write_text(f"[notesforge.exporters]\n{name} = {module}:{cls}\n")
    monkeypatch.syspath_prepend(str(site))
    registry.refresh()
    yield
    monkeypatch.undo()
    registry.refresh()


@pytest.mark.usefixtures("plugins")
def test_a_third_party_exporter_plugs_in_through_the_entry_point_group(tmp_path: Path) -> None:
    assert {"wordcount", "broken"} <= set(registry.names())
    code, out, _ = run("formats")
    assert "Counts the words of each section title  -> ID.words.txt" in out
    out_dir = tmp_path / "out"
    code, out, err = run("build", str(SEED), "-f", "wordcount", "-o", str(out_dir), "--set", "wordcount.label=w")
    assert code == 0, err
    written = (out_dir / "stalin-ussr-1924-41.words.txt").read_text()
    assert written.splitlines()[0] == "death-of-lenin: 4 w"
    # Editors learn its settings from the schema, as `check` does from its Config.
    formats = json.loads(run("schema")[1])["$defs"]["export"]["properties"]
    assert formats["wordcount"]["properties"] == {
        "label": {"description": "What to call them", "type": "string", "default": "words"}
    }
    assert formats["broken"]["properties"] == {} and formats["broken"]["additionalProperties"] is False


@pytest.mark.usefixtures("plugins")
def test_a_failing_exporter_is_reported_and_the_others_still_build(tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    earlier = out_dir / "stalin-ussr-1924-41.broken"
    earlier.write_bytes(b"an earlier good build")
    code, _, err = run("build", str(SEED), "-f", "broken", "-f", "wordcount", "-o", str(out_dir))
    assert code == 1
    assert "broken: failed: OSError: [Errno 28] No space left on device" in err
    assert "1 of 2 formats failed (broken)" in err
    assert "Traceback" not in err
    assert (out_dir / "stalin-ussr-1924-41.words.txt").exists()
    assert earlier.read_bytes() == b"an earlier good build"
    outputs = sorted(p.name for p in out_dir.iterdir() if not p.name.startswith("."))
    assert outputs == ["stalin-ussr-1924-41.broken", "stalin-ussr-1924-41.words.txt"]


@pytest.mark.usefixtures("plugins")
def test_unchanged_rebuild_is_skipped_and_any_change_rebuilds(tmp_path: Path) -> None:
    source = tmp_path / "notes.toml"
    source.write_bytes(SEED.read_bytes())
    out_dir = tmp_path / "out"
    output = out_dir / "stalin-ussr-1924-41.words.txt"

    def build(*extra: str) -> str:
        code, out, err = run("build", str(source), "-f", "wordcount", "-o", str(out_dir), *extra)
        assert code == 0, err
        return out

    assert build().startswith("wordcount: wrote")
    stamp = output.stat().st_mtime_ns
    assert build().startswith("wordcount: up to date")
    assert output.stat().st_mtime_ns == stamp
    assert build("--force").startswith("wordcount: wrote")
    assert build("--set", "wordcount.label=w").startswith("wordcount: wrote")
    assert build("--set", "wordcount.label=w").startswith("wordcount: up to date")
    source.write_text(source.read_text(encoding="utf-8").replace("The death of Lenin", "Lenin dies"), encoding="utf-8")
    assert build("--set", "wordcount.label=w").startswith("wordcount: wrote")
    assert output.read_text().splitlines()[0] == "death-of-lenin: 2 w"
    output.write_text("tampered")
    assert build("--set", "wordcount.label=w").startswith("wordcount: wrote")
    assert build("--set", "wordcount.label=w", "--quiet") == ""


@pytest.mark.usefixtures("plugins")
def test_parallel_and_serial_builds_write_the_same_files(tmp_path: Path) -> None:
    for jobs in ("1", "2"):
        code, _, err = run(
            "build", str(SEED), "-f", "wordcount", "-f", "broken", "-o", str(tmp_path / jobs), "-j", jobs
        )
        assert code == 1 and "broken: failed: OSError" in err
    [serial] = (tmp_path / "1").glob("*.words.txt")
    [parallel] = (tmp_path / "2").glob("*.words.txt")
    assert serial.read_bytes() == parallel.read_bytes()


def test_the_settings_table_in_the_docs_is_current() -> None:
    """docs/format.md shows `notesforge formats --settings`; regenerate it when an option changes."""
    docs = (Path(__file__).resolve().parents[1] / "docs" / "format.md").read_text(encoding="utf-8")
    shown = docs.split("<!-- settings:start -->\n", 1)[1].split("<!-- settings:end -->", 1)[0]
    code, out, _ = run("formats", "--settings")
    assert code == 0 and shown == out
    for name in registry.names():
        for option in registry.get(name).config_class.options():
            assert f"| {name} | `{option.name}` |" in shown


def test_progress_shows_on_a_terminal_only() -> None:
    import io

    from notesforge.pipeline import Outcome
    from notesforge.progress import Progress

    shown = io.StringIO()
    progress = Progress(2, enabled=True, stream=shown)
    progress.done(Outcome("pdf", Path("x.pdf")))
    progress.done(Outcome("anki", None, "boom"))
    progress.close()
    text = shown.getvalue()
    assert "building 2 formats" in text and "[1/2] pdf done" in text and "[2/2] anki FAILED" in text
    assert text.endswith("\r\x1b[K")  # the line is cleared for the summary
    quiet = io.StringIO()
    Progress(2, enabled=False, stream=quiet).done(Outcome("pdf", Path("x.pdf")))
    assert quiet.getvalue() == ""
    # Through the command line (not a terminal): no progress line, only the summary.
    code, out, err = run("check", str(SEED))
    assert code == 0 and "\x1b" not in out + err


def test_watch_rebuilds_on_save_and_survives_a_bad_save(tmp_path: Path) -> None:
    source = tmp_path / "notes.toml"
    source.write_text((FIXTURES / "valid" / "minimal.toml").read_text(encoding="utf-8"), encoding="utf-8")
    output = tmp_path / "out" / "minimal.md"
    with watching(source, "-f", "markdown", "-o", str(tmp_path / "out")) as watcher:
        # The first build is done and the watch in place before the watcher says it is watching.
        watcher.wait_for(f"watching {source}")
        assert "Just a paragraph." in output.read_text(encoding="utf-8")
        text = source.read_text(encoding="utf-8")
        source.write_text(text.replace('title = "Only section"', 'titel = "x"'), encoding="utf-8")
        watcher.wait_for("unknown key 'titel'")  # reported, still watching
        source.write_text(text.replace("Just a paragraph.", "An edited paragraph."), encoding="utf-8")
        watcher.wait_for("markdown: wrote")
        assert "An edited paragraph." in output.read_text(encoding="utf-8")
