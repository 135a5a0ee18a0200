"""Readers turn bytes into :class:`~validator.api.Record` objects with physical locations.

:func:`read_records` is the single entry point: it detects the container and the encoding, fills in
the file facts (size, encoding, BOM) and yields records lazily, so memory stays flat however large
the file is.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from validator.api import FileFacts, Record
from validator.readers.decode import LineSource
from validator.readers.detect import FORMATS, detect_format, format_from_extension
from validator.readers.jsondoc import read_json
from validator.readers.jsonl import read_jsonl
from validator.readers.tabular import read_tabular

__all__ = ["FORMATS", "detect_format", "format_from_extension", "read_records"]


def read_records(
    stream: BinaryIO, facts: FileFacts, format_hint: str | None = None
) -> Iterator[Record]:
    """Yield the records of ``stream``; ``facts.format`` and the encoding facts are set before the
    first record is yielded (and ``facts.encoding_issue`` may be set later, when a bad line is met)."""
    source = LineSource(stream, facts)
    fmt = format_hint or detect_format(facts.path, source.head)
    facts.format = fmt
    if fmt == "jsonl":
        return read_jsonl(source)
    if fmt == "json":
        return read_json(source)
    if fmt in ("csv", "tsv"):
        return read_tabular(source, "\t" if fmt == "tsv" else ",")
    raise ValueError(f"unknown format {fmt!r}")  # callers validate format names first
