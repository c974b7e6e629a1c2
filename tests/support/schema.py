"""The JSON Schemas `notesforge schema` prints, as Python's jsonschema and taplo validate with them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from notesforge.cli import cli


def schema(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["schema", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def schema_validator(*args: str) -> Any:
    try:
        import jsonschema
    except ModuleNotFoundError:  # pragma: no cover
        pytest.fail("jsonschema is not installed: pip install -e '.[test]'")
    document = schema(*args)
    jsonschema.Draft202012Validator.check_schema(document)
    return jsonschema.Draft202012Validator(document)


def as_json(source: bytes | str) -> Any:
    """A notes file as an editor's TOML plugin hands it to the schema: dates as strings."""
    document = tomllib.loads(source if isinstance(source, str) else source.decode())
    return json.loads(json.dumps(document, default=lambda value: value.isoformat()))


def taplo(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`taplo check ARGS`, the validator of the Even Better TOML editor extension (npm @taplo/cli)."""
    program = shutil.which("taplo")
    if program is None:  # .ci/run installs it; a run without it must not pass silently
        pytest.fail("taplo is not installed: npm install -g @taplo/cli")
    return subprocess.run(
        [program, "check", "--no-auto-config", "--colors", "never", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "RUST_LOG": "warn"},
    )


def taplo_errors(output: str) -> dict[str, list[str]]:
    """taplo's `error: MESSAGE` lines, by the file each one is in, duplicates dropped."""
    errors: dict[str, list[str]] = {}
    lines = output.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("error: ") and i + 1 < len(lines) and "┌─ " in lines[i + 1]:
            path = lines[i + 1].split("┌─ ", 1)[1].rsplit(":", 2)[0]
            found = errors.setdefault(path, [])
            if line[7:] not in found:
                found.append(line[7:])
    return errors
