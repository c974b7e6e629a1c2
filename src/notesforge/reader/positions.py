"""Where each key and array element of a TOML document starts.

`tomllib` gives values but no positions, so this scanner walks the (already
valid) text once and maps every path -- ("section", 0, "block", 2, "items", 5)
-- to the offset of its key, header or element.
"""

from __future__ import annotations

import bisect

Path = tuple[str | int, ...]

_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class Positions:
    def __init__(self, text: str):
        self.text = text
        self.keys: dict[Path, int] = {}  # key, table header or array element
        self.values: dict[Path, int] = {}  # start of the value
        self._line_starts = [0]
        self._line_starts += [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        self._aot: dict[Path, int] = {}
        self._i = 0
        self._scan()

    def line_col(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def key(self, path: Path) -> tuple[int, int]:
        """Line and column of `path`, or of its nearest located ancestor."""
        while path and path not in self.keys:
            path = path[:-1]
        return self.line_col(self.keys.get(path, 0))

    def value(self, path: Path) -> tuple[int, int]:
        if path in self.values:
            return self.line_col(self.values[path])
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

    def _header(self) -> Path:
        s = self.text
        start = self._i
        double = s.startswith("[[", start)
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
            self.keys[resolved] = start
        else:
            self.keys.setdefault(resolved, start)
        return resolved

    def _keyval(self, base: Path) -> None:
        path = base
        for name, pos in self._key():
            path += (name,)
            self.keys.setdefault(path, pos)
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
                j = pos
                while j < n and s[j] in _BARE:
                    j += 1
                parts.append((s[pos:j], pos))
                self._i = j
            self._skip_blank()
            if self._i < n and s[self._i] == ".":
                self._i += 1
                continue
            return parts

    def _value(self, path: Path) -> None:
        s, n = self.text, len(self.text)
        self.values[path] = self._i
        c = s[self._i]
        if c in "\"'":
            self._i = self._string_end(self._i)
        elif c == "[":
            self._i += 1
            index = 0
            while True:
                self._skip_blank(newlines=True)
                if s[self._i] == "]":
                    self._i += 1
                    return
                self.keys[(*path, index)] = self._i
                self._value((*path, index))
                index += 1
                self._skip_blank(newlines=True)
                if s[self._i] == ",":
                    self._i += 1
        elif c == "{":
            self._i += 1
            while True:
                self._skip_blank(newlines=True)
                if s[self._i] == "}":
                    self._i += 1
                    return
                self._keyval(path)
                self._skip_blank(newlines=True)
                if s[self._i] == ",":
                    self._i += 1
        else:
            j = self._i
            while j < n and s[j] not in ",]}#\n\r" and not (s[j] == " " and _ends_scalar(s, j)):
                j += 1
            self._i = j

    def _string_end(self, start: int) -> int:
        s, n = self.text, len(self.text)
        quote = s[start]
        if s.startswith(quote * 3, start):
            j = start + 3
            while j < n:
                if quote == '"' and s[j] == "\\":
                    j += 2
                    continue
                if s.startswith(quote * 3, j):
                    end = j + 3
                    extra = 0
                    while end < n and s[end] == quote and extra < 2:
                        end += 1
                        extra += 1
                    return end
                j += 1
            return n
        j = start + 1
        while j < n and s[j] != quote and s[j] != "\n":
            j += 2 if quote == '"' and s[j] == "\\" else 1
        return j + 1

    def _skip_blank(self, newlines: bool = False) -> None:
        s, n = self.text, len(self.text)
        while self._i < n:
            c = s[self._i]
            if c in " \t" or (newlines and c in "\r\n"):
                self._i += 1
            elif c == "#" and newlines:
                while self._i < n and s[self._i] != "\n":
                    self._i += 1
            else:
                return


def _ends_scalar(s: str, j: int) -> bool:
    # A local date-time may hold one space ("1979-05-27 07:32:00"); anything else ends it.
    return not (j > 0 and s[j - 1].isdigit() and j + 1 < len(s) and s[j + 1].isdigit())


def _unquote(raw: str) -> str:
    import json

    try:
        return json.loads(f'"{raw}"')
    except ValueError:
        return raw
