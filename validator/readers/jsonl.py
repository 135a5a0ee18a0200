"""JSON Lines / NDJSON: one JSON value per physical line."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import cast

import orjson

from validator.api import ParseError, Record, RecordKind
from validator.readers.decode import LineSource
from validator.readers.jsonvalue import may_hold_big_int, parse_json_text
from validator.readers.repeats import check_block, check_repeats

__all__ = ["CR_ONLY", "read_jsonl"]

#: The file-level fault (a record numbered 0 at line 1, reported as F002) of a JSON Lines file whose
#: lines end with CR only. Its lines are still read one by one; ``fix`` writes LF line ends.
CR_ONLY = "lines end with a carriage return (CR) only; JSON Lines needs LF line ends: convert them"

# Lines read (and their records checked for repeated keys) together. A block holds its lines as well
# as their records: a quarter of what the engine holds in a batch at a time (engine.BATCH_RECORDS).
_BLOCK_RECORDS = 256


def read_jsonl(source: LineSource) -> Iterator[Record]:
    """Yield one :class:`Record` per non-blank line and a ``BLANK`` record per blank line.

    A file's single trailing newline ends its last line; it is not a blank line. A record whose
    objects name a key twice carries a repeated-key violation (S007).
    """
    if source.cr_only:
        # Read line by line all the same (so every record is linted at its line), but JSON Lines
        # readers split on LF: to them the whole file is one line that does not parse.
        yield Record(index=0, line=1, error=ParseError(CR_ONLY, 1, None))
    index = 0
    # Lines are taken a block at a time. A block of UTF-8 lines that all parse as they are (almost
    # every block) is read in a few C calls; any other block is read line by line.
    for first, lines in source.blocks(_BLOCK_RECORDS):
        # Bytes lines (byte mode) that are UTF-8 so far: a block that parses in full is the usual case.
        records = _parsed_block(cast("Sequence[bytes]", lines), first, index) if source.binary and source.utf8 else None
        if records is None:
            records = _one_by_one(source, first, lines, index)
            index = max(index, max(record.index for record in records))
        else:
            index += len(records)
        yield from records


def _parsed_block(lines: Sequence[bytes], first: int, index: int) -> list[Record] | None:
    """The records of ``lines`` (bytes lines from line ``first``, after record ``index``) when every
    line parses with orjson as it is, with no run of digits that may be an integer beyond 64 bits;
    else None."""
    if may_hold_big_int(b"".join(lines)):  # lines end with a line break: no run of digits spans two
        return None
    try:
        values = list(map(orjson.loads, lines))  # a blank line does not parse either
    except orjson.JSONDecodeError:
        return None
    count = len(values)
    records = list(map(Record, range(index + 1, index + 1 + count), range(first, first + count), values))
    check_block(records, lines)
    return records


def _one_by_one(source: LineSource, first: int, lines: Sequence[bytes | str], index: int) -> list[Record]:
    """The records of ``lines`` (from line ``first``, after record ``index``), line by line: blank
    lines, lines that do not parse (with a precise error), other encodings, integers beyond 64 bits."""
    found: list[Record] = []
    # The records orjson parsed straight from their lines, and the lines: checked for repeated keys
    # together. Any other record ends the run, so records stay in file order.
    parsed: list[Record] = []
    texts: list[bytes] = []
    for lineno, line in enumerate(lines, start=first):
        if not line or line.isspace():  # no stripped copy of every line
            found += _checked(parsed, texts)
            parsed, texts = [], []
            found.append(Record(index=0, line=lineno, kind=RecordKind.BLANK))
            continue
        index += 1
        if source.utf8 and type(line) is bytes and not may_hold_big_int(line):
            try:
                parsed.append(Record(index, lineno, orjson.loads(line)))
            except orjson.JSONDecodeError:
                pass  # fall through: decode (maybe another encoding) and get a precise error
            else:
                texts.append(line)
                continue
        found += _checked(parsed, texts)
        parsed, texts = [], []
        # Without its terminator, so an error at the end of the line stays on this line.
        text = source.text(line, lineno).rstrip("\r\n")
        value, error = parse_json_text(text, lineno)
        if error is not None:
            found.append(Record(index=index, line=lineno, error=error))
        else:
            record = Record(index=index, line=lineno, value=value)
            check_repeats(record, text)  # the decoded text: another encoding's keys may differ in bytes only
            found.append(record)
    found += _checked(parsed, texts)
    return found


def _checked(records: list[Record], texts: list[bytes]) -> list[Record]:
    """``records`` (parsed from ``texts``), checked for repeated keys."""
    check_block(records, texts)
    return records
