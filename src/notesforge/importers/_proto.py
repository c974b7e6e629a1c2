"""Just enough of protocol buffers' wire format to read the few messages of Anki's current packages
(the media list, a note type's kind, a template's question): field number -> its values."""

from __future__ import annotations

from collections import defaultdict


def _varint(data: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, i
        shift += 7


def fields(data: bytes) -> dict[int, list[int | bytes]]:
    """Every field of one message: varints as ints, length-delimited fields as bytes."""
    out: dict[int, list[int | bytes]] = defaultdict(list)
    i = 0
    while i < len(data):
        key, i = _varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(data, i)
            out[number].append(value)
        elif wire == 2:
            size, i = _varint(data, i)
            out[number].append(data[i : i + size])
            i += size
        elif wire == 1:
            i += 8
        elif wire == 5:
            i += 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
    return out


def first(message: dict[int, list[int | bytes]], number: int, default: int | bytes = b"") -> int | bytes:
    values = message.get(number)
    return values[0] if values else default
