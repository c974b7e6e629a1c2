"""Located problems, printed like a compiler's: `PATH:LINE:COL: error: MESSAGE`."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .model import Location


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A located problem: an error, or a warning that does not stop a build."""

    loc: Location
    message: str
    severity: str = "error"  # or "warning"

    def headline(self) -> str:
        return f"{self.loc}: {self.severity}: {self.message}"


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """ "; did you mean 'x'?" for the choice closest to a misspelt `word`, or ""."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


class NotesError(Exception):
    """The source (or the command line) has problems; each one is located.

    `source_text` is the text of the one file they are in, or, for problems in several files
    (a course and its units), each file's text by path, in the order to report them.
    """

    def __init__(self, diagnostics: Sequence[Diagnostic], source_text: str | Mapping[str, str] | None = None):
        if isinstance(source_text, Mapping):
            order = {path: n for n, path in enumerate(source_text)}
            key = lambda d: (order.get(d.loc.path, -1), d.loc.line, d.loc.col)  # noqa: E731
        else:
            key = lambda d: (d.loc.line, d.loc.col)  # noqa: E731
        self.diagnostics = tuple(sorted(diagnostics, key=key))
        self.source_text = source_text
        super().__init__("\n".join(d.headline() for d in self.diagnostics))

    def render(self) -> str:
        return render_all(self.diagnostics, self.source_text)


def render(diagnostic: Diagnostic, source_lines: Sequence[str] | None = None) -> str:
    """The headline, then the offending source line with a caret under the column."""
    out = diagnostic.headline()
    line_no = diagnostic.loc.line
    if source_lines and 1 <= line_no <= len(source_lines):
        line = source_lines[line_no - 1].rstrip("\r\n")
        shown = _printable(line)
        gutter = f"{line_no:>5} | "
        caret_at = len(_printable(line[: max(diagnostic.loc.col - 1, 0)]))
        out += f"\n{gutter}{shown}\n{' ' * (len(gutter) - 2)}| {' ' * caret_at}^"
    return out


def render_all(diagnostics: Iterable[Diagnostic], source_text: str | Mapping[str, str] | None) -> str:
    """Every diagnostic with its source line; `source_text` as `NotesError` takes it."""
    if isinstance(source_text, Mapping):
        by_path = {path: text.splitlines() for path, text in source_text.items()}
        lines_of = lambda d: by_path.get(d.loc.path)  # noqa: E731
    else:
        lines = source_text.splitlines() if source_text is not None else None
        lines_of = lambda d: lines  # noqa: E731
    diagnostics = list(diagnostics)
    errors = sum(d.severity == "error" for d in diagnostics)
    body = "\n".join(render(d, lines_of(d)) for d in diagnostics)
    if errors > 1:
        body += f"\n{errors} errors"
    return body


def _printable(text: str) -> str:
    # Control and bidi characters would garble the terminal; show them as escapes.
    out = []
    for ch in text:
        code = ord(ch)
        if ch == "\t":
            out.append(" ")
        elif code < 0x20 or code == 0x7F or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)
