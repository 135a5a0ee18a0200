"""CSV and TSV with a header row. Quoted fields may span lines; every record carries the physical
line where it starts, not the line where the csv module finished it."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator

from validator.api import ParseError, Record
from validator.readers.decode import LineSource

__all__ = ["RANGE_END_ROW", "RangeEnd", "read_tabular"]

# The csv module's default cap (128 KiB per field) is far below what a long training input can be.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


_RANGE_END = "\x00tunelint-range-end\x00"
#: Appended to a byte range of a CSV file read on its own (sharded linting): read as this one row
#: only when the range ends between rows; a range cut inside a quoted field swallows it instead.
RANGE_END_ROW = b'"\x00tunelint-range-end\x00"\n'


class RangeEnd:
    """Whether the reader of a byte range met :data:`RANGE_END_ROW` as a row of its own."""

    clean = False


def read_tabular(
    source: LineSource,
    delimiter: str,
    *,
    header: list[str] | None = None,
    range_end: RangeEnd | None = None,
) -> Iterator[Record]:
    """Yield one record per data row as a dict of header name to cell.

    A row whose field count differs from the header is a syntax error (F002); its cells are still
    kept in the record's error message context and the pass continues with the next row. A byte
    range of a file is read with the file's ``header`` given and, with ``range_end``, ends at
    :data:`RANGE_END_ROW`. Column names the header repeats are recorded in the file facts
    (``repeated_columns``, S007) when the header is read here.
    """
    counter = _CountingLines(source)
    reader = csv.reader(counter, delimiter=delimiter, strict=False)
    index = 0
    consumed = 0  # physical lines consumed before the current row
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            index += 1
            yield Record(index=index, line=consumed + 1, error=ParseError(f"invalid CSV: {exc}", consumed + 1))
            consumed = counter.count
            continue
        start = consumed + 1
        consumed = counter.count
        if counter.ended:  # the reader has taken _END_LINE: this is the last row it gives
            if row != _END_ROW:
                # A quoted field left open took every line up to the end of the file as its text.
                lines = f"line {start} (the last line)" if consumed <= start else f"lines {start}-{consumed}"
                message = (
                    f"a quoted field is not closed: {lines} read as one row, to the end of the file; "
                    'close the quote, or double a quote inside a quoted cell ("")'
                )
                yield Record(index=index + (header is not None), line=start, error=ParseError(message, start, None))
            return
        if not row or (len(row) == 1 and consumed == start and not counter.last.strip()):
            continue  # a blank line (a quoted empty cell, '""', is not one)
        if range_end is not None and len(row) == 1 and row[0] == _RANGE_END:
            range_end.clean = True
            return
        if header is None:
            header = [name.strip() for name in row]
            source.facts.repeated_columns = _repeated_columns(header, start)
            continue
        index += 1
        if len(row) != len(header):
            message = (
                f"row has {len(row)} field(s) but the header has {len(header)}; "
                "check for an unquoted delimiter or a missing/extra column"
            )
            yield Record(index=index, line=start, error=ParseError(message, start, None))
            continue
        yield Record(index=index, line=start, value=dict(zip(header, row, strict=True)))


def _repeated_columns(header: list[str], line: int) -> tuple[tuple[int, str, tuple[int, ...]], ...]:
    """``(line, name, 1-based positions)`` of every name ``header`` holds more than once: a row is a
    mapping of name to cell, so it keeps only the last of those cells."""
    positions: dict[str, list[int]] = {}
    for position, name in enumerate(header, start=1):
        positions.setdefault(name, []).append(position)
    return tuple((line, name, tuple(at)) for name, at in positions.items() if len(at) > 1)


# After the file's last line the csv reader is given this line. Read on its own it is one row of
# one field (_END_ROW); after a quoted field that was never closed, its first quote closes that
# field instead (the rest joins the cell) and the unfinished row arrives only now. csv's lenient
# mode would otherwise give such a row without a word, holding every later line in one cell.
_END_LINE = '"\x00"\n'
_END_ROW = ["\x00"]


class _CountingLines:
    """Feeds decoded physical lines to ``csv.reader`` and counts how many it has taken; then
    ``_END_LINE`` (after a line end, when the last line has none)."""

    def __init__(self, source: LineSource) -> None:
        self._lines = iter(source)
        self._source = source
        self.count = 0
        #: The last line taken, decoded.
        self.last = ""
        #: True once ``_END_LINE`` was handed out.
        self.ended = False
        self._closed_last = False

    def __iter__(self) -> _CountingLines:
        return self

    def __next__(self) -> str:
        try:
            lineno, line = next(self._lines)
        except StopIteration:
            return self._end()
        self.count = lineno
        self.last = self._source.text(line, lineno)
        return self.last

    def _end(self) -> str:
        if self.ended:
            raise StopIteration
        if self.last and not self.last.endswith(("\n", "\r")) and not self._closed_last:
            self._closed_last = True
            return "\n"  # end the last line first, so _END_LINE is a line of its own
        self.ended = True
        return _END_LINE
