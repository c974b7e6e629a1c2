"""TOML syntax errors as the user can mend them: tomllib's message, located, and what to do.

tomllib says what it found ("Expected newline or end of document after a statement"); the hint
says what the writer most likely did (a `"` inside a string) and how to write it instead.
"""

from __future__ import annotations

import re
import tomllib

_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_HEADER = re.compile(r"^\s*\[+\s*([^\[\]\s]+)")


def describe(exc: tomllib.TOMLDecodeError, text: str) -> tuple[int, int, str]:
    """Line, column and message for a tomllib error, the message ending in a hint when there is one."""
    line, col, message = _position(exc, text)
    lines = text.splitlines()
    hint = _hint(message, lines[line - 1] if 1 <= line <= len(lines) else "", col)
    return line, col, f"{message}; {hint}" if hint else message


def _position(exc: tomllib.TOMLDecodeError, text: str) -> tuple[int, int, str]:
    message = str(exc)
    match = _AT.search(message)
    if match:
        return int(match[1]), int(match[2]), message[: match.start()]
    if message.endswith("(at end of document)"):
        lines = text.splitlines() or [""]
        return len(lines), len(lines[-1]) + 1, message.removesuffix(" (at end of document)")
    return 1, 1, message


QUOTE_INSIDE = 'a " inside a "..." string ends it: write it as \\" or put the whole text in single quotes \'...\''
APOSTROPHE_INSIDE = "an apostrophe inside a '...' string ends it: put the text in double quotes \"...\" instead"
AFTER_VALUE = "only a # comment may follow a value on its line: give each key = value a line of its own"
BROKEN_STRING = (
    "a {q}...{q} string must end on the line it starts: close it with {q} or join the lines; "
    "for text over several lines use triple quotes {q}{q}{q}...{q}{q}{q}"
)
INLINE_TABLE_LINES = (
    "an inline table { ... } must be written on one line: join its lines, or write the item as a [[...]] table"
)
TRAILING_COMMA = "remove the comma before '}': an inline table takes no comma after its last key"
BARE_KEY = 'a key is letters, digits, _ and -; put any other key in quotes: "my key" = ...'
EQUALS = 'write key = value; a key with spaces or other characters needs quotes: "my key" = ...'
BACKSLASH = (
    'in a "..." string write \\\\ for a backslash (\\\\* for a literal * in the markup), '
    "or use single quotes '...', where a backslash is just a backslash"
)
CURLY_QUOTES = "use straight quotes \" or ' (curly ones, as word processors type them, are not TOML quotes)"
BARE_TEXT = 'put text in quotes: "..." (the only bare words are true and false)'
NO_VALUE = 'give the key a value: text in quotes "...", a number, true or false, or a date'

# What the parser says when something follows a value where only a separator may.
_ENDS_A_VALUE = ("Expected newline or end of document after a statement", "Unclosed array", "Unclosed inline table")

_FIXED = {
    "Expected newline or end of document after a statement": AFTER_VALUE,
    "Cannot overwrite a value": (
        "this key is already set in this table: keep one of the two "
        "(each [[section]] or [[section.block]] header starts a new table)"
    ),
    "Unclosed array": "close the list with ']' and separate its items with commas",
    "Unclosed inline table": "close it with '}' on the same line, and separate its keys with commas",
    "Unescaped '\\' in a string": BACKSLASH,
    "Unterminated string": "the string is never closed: end it with the quote it starts with",
    "Invalid date or datetime": "write a date as YYYY-MM-DD, e.g. 2024-09-01",
    "Expected '=' after a key in a key/value pair": EQUALS,
}


def _hint(message: str, line: str, col: int) -> str:
    """What to do about tomllib's `message` at column `col` (1-based) of `line`; "" if unsure."""
    before, after = line[: col - 1], line[col - 1 :]
    quote, braces = _scan(before)
    if message in _ENDS_A_VALUE and before[-1:] in ('"', "'"):
        # The parser took a string to end where the writer meant a quote inside it.
        return QUOTE_INSIDE if before.endswith('"') else APOSTROPHE_INSIDE
    if message in _FIXED:
        return _FIXED[message]
    if message == "Illegal character '\\n'" and quote:
        return BROKEN_STRING.format(q=quote)
    if message.startswith("Illegal character"):
        return "remove this invisible control character (a copy and paste can bring one in)"
    if message == "Invalid initial character for a key part":
        if braces > 0 and not after.split("#", 1)[0].strip():
            return INLINE_TABLE_LINES
        if before.rstrip().endswith(",") and after.lstrip().startswith("}"):
            return TRAILING_COMMA
        return BARE_KEY
    if message == "Invalid value":
        first = after[:1]
        if first in "“”‘’„«»" and first:
            return CURLY_QUOTES
        return BARE_TEXT if first.isalpha() else NO_VALUE if not after.split("#", 1)[0].strip() else ""
    if message.startswith("Expected ']"):
        header = _HEADER.match(line)
        brackets = "[[{}]]" if message.startswith("Expected ']]'") else "[{}]"
        return f"close the header: {brackets.format(header[1])}" if header else ""
    if message.startswith("Cannot declare"):
        header = _HEADER.match(line)
        name = f"[{header[1]}]" if header else "this table"
        return f"{name} is declared twice: merge the two tables, or write [[...]] headers for a list of tables"
    if message.startswith("Duplicate inline table key"):
        return "keep one of the two"
    return ""


def _scan(text: str) -> tuple[str | None, int]:
    """The quote of a string still open at the end of `text` (one line), and how many `{` are open."""
    quote: str | None = None
    braces = 0
    i = 0
    while i < len(text):
        c = text[i]
        if quote == '"' and c == "\\":
            i += 1
        elif quote and c == quote:
            quote = None
        elif quote is None:
            if c in "\"'":
                quote = c
            elif c == "#":
                break
            elif c == "{":
                braces += 1
            elif c == "}":
                braces -= 1
        i += 1
    return quote, braces
