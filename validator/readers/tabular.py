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
    :data:`RANGE_END_ROW`.
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
        if not row or (len(row) == 1 and consumed == start and not counter.last.strip()):
            continue  # a blank line (a quoted empty cell, '""', is not one)
        if range_end is not None and len(row) == 1 and row[0] == _RANGE_END:
            range_end.clean = True
            return
        if header is None:
            header = [name.strip() for name in row]
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


class _CountingLines:
    """Feeds decoded physical lines to ``csv.reader`` and counts how many it has taken."""

    def __init__(self, source: LineSource) -> None:
        self._lines = iter(source)
        self._source = source
        self.count = 0
        #: The last line taken, decoded.
        self.last = ""

    def __iter__(self) -> _CountingLines:
        return self

    def __next__(self) -> str:
        lineno, line = next(self._lines)
        self.count = lineno
        self.last = self._source.text(line, lineno)
        return self.last
