"""JSON Lines / NDJSON: one JSON value per physical line."""

from __future__ import annotations

from collections.abc import Iterator

import orjson

from validator.api import ParseError, Record, RecordKind
from validator.readers.decode import LineSource
from validator.readers.jsonvalue import may_hold_big_int, parse_json_text
from validator.readers.repeats import check_block, check_repeats

__all__ = ["CR_ONLY", "read_jsonl"]

#: The file-level fault (a record numbered 0 at line 1, reported as F002) of a JSON Lines file whose
#: lines end with CR only. Its lines are still read one by one; ``fix`` writes LF line ends.
CR_ONLY = "lines end with a carriage return (CR) only; JSON Lines needs LF line ends: convert them"

# Records checked for repeated keys together. A block holds its lines as well as their records:
# a quarter of what the engine holds in a batch of records at a time (validator.engine.BATCH_RECORDS).
_BLOCK_RECORDS = 256


def read_jsonl(source: LineSource) -> Iterator[Record]:
    """Yield one :class:`Record` per non-blank line and a ``BLANK`` record per blank line.

    A file's single trailing newline ends its last line; it is not a blank line. A record whose
    objects name a key twice carries a repeated-key violation (S007).
    """
    index = 0
    loads, decode_error = orjson.loads, orjson.JSONDecodeError
    # The records orjson parsed straight from their lines (almost all), and the lines: checked for
    # repeated keys a block at a time, in a few C calls per block rather than per record. Any
    # other record (blank, unparsable, decoded) ends the block, so records stay in file order.
    parsed: list[Record] = []
    texts: list[bytes] = []
    if source.cr_only:
        # Read line by line all the same (so every record is linted at its line), but JSON Lines
        # readers split on LF: to them the whole file is one line that does not parse.
        yield Record(index=0, line=1, error=ParseError(CR_ONLY, 1, None))
    for lineno, line in source:
        if not line or line.isspace():  # no stripped copy of every line
            if parsed:
                yield from _checked(parsed, texts)
                parsed, texts = [], []
            yield Record(index=0, line=lineno, kind=RecordKind.BLANK)
            continue
        index += 1
        if source.utf8 and type(line) is bytes and not may_hold_big_int(line):
            try:
                parsed.append(Record(index, lineno, loads(line)))
            except decode_error:
                pass  # fall through: decode (maybe another encoding) and get a precise error
            else:
                texts.append(line)
                if len(texts) == _BLOCK_RECORDS:
                    yield from _checked(parsed, texts)
                    parsed, texts = [], []
                continue
        if parsed:
            yield from _checked(parsed, texts)
            parsed, texts = [], []
        # Without its terminator, so an error at the end of the line stays on this line.
        text = source.text(line, lineno).rstrip("\r\n")
        value, error = parse_json_text(text, lineno)
        if error is not None:
            yield Record(index=index, line=lineno, error=error)
        else:
            record = Record(index=index, line=lineno, value=value)
            check_repeats(record, text)  # the decoded text: another encoding's keys may differ in bytes only
            yield record
    yield from _checked(parsed, texts)


def _checked(records: list[Record], texts: list[bytes]) -> list[Record]:
    """``records`` (parsed from ``texts``), checked for repeated keys."""
    check_block(records, texts)
    return records
