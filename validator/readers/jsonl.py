"""JSON Lines / NDJSON: one JSON value per physical line."""

from __future__ import annotations

from collections.abc import Iterator

import orjson

from validator.api import ParseError, Record, RecordKind
from validator.readers.decode import LineSource
from validator.readers.jsonvalue import may_hold_big_int, parse_json_text

__all__ = ["read_jsonl"]


def read_jsonl(source: LineSource) -> Iterator[Record]:
    """Yield one :class:`Record` per non-blank line and a ``BLANK`` record per blank line.

    A file's single trailing newline ends its last line; it is not a blank line.
    """
    index = 0
    loads, decode_error = orjson.loads, orjson.JSONDecodeError
    if source.cr_only:
        # Read line by line all the same (so every record is linted at its line), but JSON Lines
        # readers split on LF: to them the whole file is one line that does not parse.
        message = "lines end with a carriage return (CR) only; JSON Lines needs LF line ends: convert them"
        yield Record(index=0, line=1, error=ParseError(message, 1, None))
    for lineno, line in source:
        if not line or line.isspace():  # no stripped copy of every line
            yield Record(index=0, line=lineno, kind=RecordKind.BLANK)
            continue
        index += 1
        if source.utf8 and type(line) is bytes and not may_hold_big_int(line):
            try:
                yield Record(index, lineno, loads(line))
                continue
            except decode_error:
                pass  # fall through: decode (maybe another encoding) and get a precise error
        # Without its terminator, so an error at the end of the line stays on this line.
        value, error = parse_json_text(source.text(line, lineno).rstrip("\r\n"), lineno)
        if error is not None:
            yield Record(index=index, line=lineno, error=error)
        else:
            yield Record(index=index, line=lineno, value=value)
