"""Serialise records as JSONL, a JSON array or CSV/TSV text (UTF-8 is applied by the file writer).

:func:`check_tabular` runs before anything is written: CSV holds text cells under one header, so a
record whose values are not all strings, or whose keys differ from the header, is refused rather than
silently changed.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from typing import Any

from validator.fix.result import FixRefused, line_list

__all__ = ["WRITE_FORMATS", "can_write", "check_tabular", "serialize"]

#: Containers ``--to`` can write.
WRITE_FORMATS: tuple[str, ...] = ("jsonl", "json", "csv", "tsv")


def _dumps(value: Any, indent: int | None = None) -> str:
    # allow_nan=False: a value JSON cannot spell (inf from "1e999") is an error, never "Infinity".
    return json.dumps(value, ensure_ascii=False, allow_nan=False, indent=indent)


def can_write(value: Any) -> bool:
    """True when ``value`` can be written as JSON exactly (no infinite or NaN number in it)."""
    try:
        _dumps(value)
    except ValueError:
        return False
    return True


def _jsonl(values: Sequence[Any]) -> Iterator[str]:
    for value in values:
        yield _dumps(value) + "\n"


def _json_array(values: Sequence[Any]) -> Iterator[str]:
    if not values:
        yield "[]\n"
        return
    yield "[\n"
    last = len(values) - 1
    for i, value in enumerate(values):
        body = "\n".join("  " + line for line in _dumps(value, indent=2).split("\n"))
        yield body + (",\n" if i < last else "\n")
    yield "]\n"


def check_tabular(values: Sequence[Any], lines: Sequence[int]) -> list[str]:
    """The header for ``values`` written as CSV/TSV: the keys of the first record. Raises
    :class:`FixRefused` listing the records that CSV cannot hold exactly (not an object, a value
    that is not a string, other keys than the header, a key with outer whitespace)."""
    header: list[str] | None = None
    bad: list[int] = []
    reason = ""
    for value, line in zip(values, lines, strict=True):
        if not isinstance(value, dict):
            bad.append(line)
            reason = reason or "a record is not an object"
            continue
        if header is None:
            header = list(value)
            if any(k != k.strip() for k in header) or not header:
                raise FixRefused(f"line {line}: a CSV header cannot hold an empty key or one with outer whitespace")
        if list(value) != header and set(value) != set(header):
            bad.append(line)
            reason = reason or f"keys differ from the header ({', '.join(header)})"
        elif not all(isinstance(v, str) for v in value.values()):
            bad.append(line)
            reason = reason or "a value is not a string (CSV cells hold text only)"
    if bad:
        raise FixRefused(
            f"{len(bad)} record(s) cannot be written as CSV exactly: {reason} (lines {line_list(bad)}); "
            "write JSONL or JSON instead (--to jsonl)",
            tuple(bad),
        )
    return header or []


def _tabular(values: Sequence[Any], header: list[str], delimiter: str) -> Iterator[str]:
    buffer = io.StringIO()
    # CRLF row ends: the csv module then quotes every cell holding "\r" or "\n", so both round-trip.
    # One column: quote every cell, or a whitespace-only cell would read back as a blank line.
    if len(header) == 1:
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    else:
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for value in values:
        writer.writerow([value[k] for k in header])
        if buffer.tell() >= 1 << 16:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def serialize(values: Sequence[Any], fmt: str, header: list[str] | None = None) -> Iterator[str]:
    """The text of ``values`` in ``fmt`` (``header`` from :func:`check_tabular` for CSV/TSV)."""
    if fmt == "jsonl":
        return _jsonl(values)
    if fmt == "json":
        return _json_array(values)
    if fmt in ("csv", "tsv"):
        return _tabular(values, header if header is not None else [], "\t" if fmt == "tsv" else ",")
    raise ValueError(f"unknown output format {fmt!r}")
