"""Small helpers the D rules share: where an example is and how it is named in a finding, and the
file size that decides between NumPy and plain Python."""

from __future__ import annotations

from rules._text import thousands
from validator.api import Context, Location

#: Where an example is: ``(line, record)``.
_Where = tuple[int, int]


def _where(where: _Where) -> str:
    return f"record {thousands(where[1])} (line {thousands(where[0])})"


def _location(path: str, where: _Where, field: str | None = None) -> Location:
    return Location(path, where[0], where[1] or None, field)


#: Bytes a record is taken to have when guessing a file's records from its size (a short prompt and
#: answer): a file above ``NUMPY_MIN * 256`` bytes (12.8 MB) uses NumPy from its first batch.
_BYTES_PER_RECORD = 256


def _scale(ctx: Context, seen: int) -> int:
    """How many records the file has, as far as choosing NumPy goes (:func:`rules._batch.numpy_pays`):
    those seen so far, or a guess from the file's size when larger, so that a large file (or a shard of
    one, which sees only its part) does not start in plain Python only to import NumPy half-way."""
    return max(seen, (ctx.file.bytes or 0) // _BYTES_PER_RECORD)
