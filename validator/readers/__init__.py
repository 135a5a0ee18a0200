"""Readers turn bytes into :class:`~validator.api.Record` objects with physical locations.

:func:`read_records` is the single entry point: it detects the container and the encoding, fills in
the file facts (size, encoding, BOM) and yields records lazily, so memory stays flat however large
the file is.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import BinaryIO

from validator.api import FileFacts, Record
from validator.errors import SourceError
from validator.readers.decode import LineSource
from validator.readers.detect import FORMATS, detect_format, format_from_extension
from validator.readers.jsondoc import read_json
from validator.readers.jsonl import read_jsonl
from validator.readers.tabular import RangeEnd, read_tabular

__all__ = ["FORMATS", "detect_format", "format_from_extension", "open_dataset", "read_records"]


def read_records(
    stream: BinaryIO,
    facts: FileFacts,
    format_hint: str | None = None,
    *,
    header: list[str] | None = None,
    range_end: RangeEnd | None = None,
) -> Iterator[Record]:
    """Yield the records of ``stream``; ``facts.format`` and the encoding facts are set before the
    first record is yielded (and ``facts.encoding_issue`` may be set later, when a bad line is met).
    ``header`` and ``range_end`` are for a byte range of a CSV/TSV file (see
    :func:`~validator.readers.tabular.read_tabular`)."""
    source = LineSource(stream, facts)
    fmt = format_hint or detect_format(facts.path, source.head)
    facts.format = fmt
    if fmt == "jsonl":
        return read_jsonl(source)
    if fmt == "json":
        return read_json(source)
    if fmt in ("csv", "tsv"):
        return read_tabular(source, "\t" if fmt == "tsv" else ",", header=header, range_end=range_end)
    raise ValueError(f"unknown format {fmt!r}")  # callers validate format names first


def open_dataset(path: str) -> tuple[BinaryIO, int]:
    """Open ``path`` read-only (binary) and return the stream and its size; a directory, a missing
    or unreadable file is a :class:`SourceError` with a one-line reason. The caller closes it."""
    if os.path.isdir(path):
        raise SourceError(f"{path}: is a directory")
    try:
        stream = open(path, "rb")  # noqa: SIM115 - the caller closes it; read-only, never written
    except FileNotFoundError:
        raise SourceError(f"{path}: no such file") from None
    except PermissionError:
        raise SourceError(f"{path}: permission denied") from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot open: {exc.strerror or exc}") from None
    try:
        return stream, os.fstat(stream.fileno()).st_size
    except OSError as exc:
        stream.close()
        raise SourceError(f"{path}: cannot read: {exc.strerror or exc}") from None
