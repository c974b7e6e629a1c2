"""Where each key and array element of a TOML document starts.

`tomllib` gives values but no positions, so this scanner walks the (already
valid) text once and maps every path -- ("section", 0, "block", 2, "items", 5)
-- to the offset of its key, header or element. Only when a location is shown:
a build asks for the table headers alone, which one quicker pass finds.
"""

from __future__ import annotations

import bisect
import re

Path = tuple[str | int, ...]


class Positions:
    """Positions of the (valid) TOML `text`, each scan made when first needed: a build of notes
    without problems asks for none but the headers (`headers`), which a quick scan finds."""

    def __init__(self, text: str):
        self.text = text
        self._keys: dict[Path, int] | None = None  # key, table header or array element
        self._values: dict[Path, int] = {}  # start of the value
        self._headers: dict[Path, int] | None = None
        self._lines: list[int] | None = None
        self._aot: dict[Path, int] = {}
        self._i = 0

    @property
    def keys(self) -> dict[Path, int]:
        """Offset of every key, table header and array element, by path."""
        if self._keys is None:
            self._keys, self._aot, self._i = {}, {}, 0
            try:
                self._scan()
            except (IndexError, RecursionError):  # the scanner assumes valid TOML; never hide real errors
                self._keys, self._values = {}, {}
        return self._keys

    @property
    def values(self) -> dict[Path, int]:
        """Offset of every value, by path."""
        self.keys  # noqa: B018 - the scan fills both
        return self._values

    @property
    def headers(self) -> dict[Path, int]:
        """Offset of every table and array-of-tables header (`[a.b]`, `[[a.b]]`), by the path the
        full scan gives it: one pass that skips strings, comments and values whole."""
        if self._headers is None:
            try:
                self._headers = self._scan_headers()
            except (IndexError, RecursionError):
                self._headers = {}
        return self._headers

    def find(self, path: Path, value: bool = False) -> tuple[int, int]:
        """Line and column of `path`'s value (`value`) or key: a lazy `Location`'s finder."""
        return self.value(path) if value else self.key(path)

    def line_col(self, offset: int) -> tuple[int, int]:
        if self._lines is None:
            self._lines = [0, *(m.end() for m in re.finditer("\n", self.text))]
        line = bisect.bisect_right(self._lines, offset)
        return line, offset - self._lines[line - 1] + 1

    def key(self, path: Path) -> tuple[int, int]:
        """Line and column of `path`, or of its nearest located ancestor."""
        keys = self.keys
        while path and path not in keys:
            path = path[:-1]
        return self.line_col(keys.get(path, 0))

    def value(self, path: Path) -> tuple[int, int]:
        values = self.values
        if path in values:
            return self.line_col(values[path])
        return self.key(path)

    # --- scanning ---------------------------------------------------------

    def _scan(self) -> None:
        s, n = self.text, len(self.text)
        table: Path = ()
        while True:
            self._skip_blank(newlines=True)
            if self._i >= n:
                return
            if s[self._i] == "[":
                table = self._header()
            else:
                self._keyval(table)

    def _scan_headers(self) -> dict[Path, int]:
        """The headers: a bracket outside any value, first on its line, opens one."""
        s = self.text
        full, self._keys, self._aot = self._keys, {}, {}
        try:
            depth, i = 0, 0
            while True:
                i = _NOT_BRACKETS.match(s, i).end()
                if i >= len(s):
                    return self._keys
                if s[i] in "]}":
                    depth, i = depth - 1, i + 1
                elif s[i] == "[" and not depth and not s[s.rfind("\n", 0, i) + 1 : i].strip(" \t"):
                    self._i = i
                    self._header()
                    i = self._i
                else:  # a value's array or inline table
                    depth, i = depth + 1, i + 1
        finally:
            self._keys, self._aot = full, {}

    def _header(self) -> Path:
        s = self.text
        start = self._i
        double = s.startswith("[[", start)
        bare = _BARE_HEADER.match(s, start)
        if bare:  # bare dotted names, as most headers have: one match instead of a scan
            names = [name.strip(" \t") for name in bare.group(1).split(".")]
            self._i = bare.end()
        else:
            self._i += 2 if double else 1
            self._skip_blank()
            names = [name for name, _ in self._key()]
            self._skip_blank()
            self._i += 2 if double else 1
        resolved: Path = ()
        for k, name in enumerate(names):
            resolved += (name,)
            if k < len(names) - 1 and resolved in self._aot:
                resolved += (self._aot[resolved] - 1,)
        if double:
            count = self._aot.get(resolved, 0)
            self._aot[resolved] = count + 1
            resolved += (count,)
            self._keys[resolved] = start
        else:
            self._keys.setdefault(resolved, start)
        return resolved

    def _keyval(self, base: Path) -> None:
        simple = _SIMPLE_KEY.match(self.text, self._i)
        if simple:  # one bare key and its '=', as most keys are: one match instead of a scan
            path = (*base, simple.group(1))
            self._keys.setdefault(path, simple.start(1))
            self._i = simple.end()
            self._value(path)
            return
        path = base
        for name, pos in self._key():
            path += (name,)
            self._keys.setdefault(path, pos)
        self._skip_blank()
        self._i += 1  # '='
        self._skip_blank()
        self._value(path)

    def _key(self) -> list[tuple[str, int]]:
        s, n = self.text, len(self.text)
        parts = []
        while True:
            self._skip_blank()
            pos = self._i
            if s[pos] in "\"'":
                end = self._string_end(pos)
                raw = s[pos + 1 : end - 1]
                parts.append((_unquote(raw) if s[pos] == '"' else raw, pos))
                self._i = end
            else:
                j = _BARE_KEY.match(s, pos).end()
                parts.append((s[pos:j], pos))
                self._i = j
            self._skip_blank()
            if self._i < n and s[self._i] == ".":
                self._i += 1
                continue
            return parts

    def _value(self, path: Path) -> None:
        s = self.text
        self._values[path] = self._i
        c = s[self._i]
        if c in "\"'":
            self._i = self._string_end(self._i)
        elif c == "[":
            self._i += 1
            index = 0
            while True:  # _skip_blank(newlines=True) written out: arrays hold most of the values
                self._i = _BLANK_LINES.match(s, self._i).end()
                if s[self._i] == "]":
                    self._i += 1
                    return
                self._keys[(*path, index)] = self._i
                self._value((*path, index))
                index += 1
                self._i = _BLANK_LINES.match(s, self._i).end()
                if s[self._i] == ",":
                    self._i += 1
        elif c == "{":
            self._i += 1
            while True:
                self._i = _BLANK_LINES.match(s, self._i).end()
                if s[self._i] == "}":
                    self._i += 1
                    return
                self._keyval(path)
                self._i = _BLANK_LINES.match(s, self._i).end()
                if s[self._i] == ",":
                    self._i += 1
        else:
            self._i = _SCALAR.match(s, self._i).end()

    def _string_end(self, start: int) -> int:
        s = self.text
        quote = s[start]
        if s.startswith(quote * 3, start):
            pattern = _ML_BASIC if quote == '"' else _ML_LITERAL
        else:
            pattern = _BASIC if quote == '"' else _LITERAL
        match = pattern.match(s, start)
        return match.end() if match else len(s)

    def _skip_blank(self, newlines: bool = False) -> None:
        self._i = (_BLANK_LINES if newlines else _BLANK).match(self.text, self._i).end()


# Strings as TOML 1.0 defines them; a multi-line string may end with up to two extra quotes.
_BASIC = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_LITERAL = re.compile(r"'[^'\n]*'")
_ML_BASIC = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""(?:"{0,2})', re.DOTALL)
_ML_LITERAL = re.compile(r"'''(?:[^']|'(?!''))*'''(?:'{0,2})", re.DOTALL)
_BLANK = re.compile(r"[ \t]*")
_BLANK_LINES = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]*")
# A header of bare names only, `[[a.b]]` or `[ a . b ]` (`_header` reads others name by name).
_BARE_HEADER = re.compile(r"\[{1,2}[ \t]*([A-Za-z0-9_-]+(?:[ \t]*\.[ \t]*[A-Za-z0-9_-]+)*)[ \t]*\]{1,2}")
# A key of one bare name, then '=' (what `_key` and `_keyval` read from it), with the blanks around.
_SIMPLE_KEY = re.compile(r"[ \t]*([A-Za-z0-9_-]+)[ \t]*=[ \t]*")
# Everything but brackets and braces, with strings and comments skipped whole (they may hold any).
_NOT_BRACKETS = re.compile(
    r"""(?:[^"'#\[\]{}]+|""\"[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"{3,5}|'''[^']*(?:'(?!'')[^']*)*'{3,5}"""
    r"""|"[^"\\\n]*(?:\\.[^"\\\n]*)*"|'[^'\n]*'|#[^\n]*)*""",  # loops unrolled: no branch a character
    re.DOTALL,
)
# A scalar ends at a separator, a comment or white space (a date-time may hold one space).
_SCALAR = re.compile(r"(?:[^,\]}#\s]|(?<=\d) (?=\d))*")


def _unquote(raw: str) -> str:
    import json

    try:
        return json.loads(f'"{raw}"')
    except ValueError:
        return raw
