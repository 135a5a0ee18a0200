"""What can be linted: paths (files, directories, globs) and in-memory data.

In-memory sources (a list of dicts, a list of ``(input, output)`` tuples, a dict of columns, a pandas
DataFrame) become records numbered from 1 whose ``line`` is the record number.
"""

from __future__ import annotations

import glob
import math
import os
from collections.abc import Iterator, Mapping, Sequence
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from validator.api import Record
from validator.errors import SourceError
from validator.readers import format_from_extension

__all__ = ["MEMORY_PATH", "expand_paths", "is_path_like", "memory_records"]

MEMORY_PATH = "<memory>"
_GLOB_CHARS = frozenset("*?[")


def is_path_like(source: object) -> bool:
    """True for a path, or a non-empty sequence of paths."""
    if isinstance(source, (str, os.PathLike)):
        return True
    return (
        isinstance(source, Sequence)
        and not isinstance(source, (bytes, bytearray))
        and len(source) > 0
        and all(isinstance(item, (str, os.PathLike)) for item in source)
    )


def expand_paths(args: Sequence[str | os.PathLike[str]], exclude: Sequence[str] = ()) -> list[str]:
    """Files named by ``args``: files as given, directories searched recursively for dataset
    extensions (hidden directories skipped), globs expanded. A path that names nothing is a
    :class:`SourceError`."""
    files: list[str] = []
    for arg in args:
        text = os.fspath(arg)
        if text == "-":
            files.append(text)
        elif os.path.isdir(text):
            files.extend(p for p in _walk(text) if not _excluded(p, exclude))
        elif os.path.lexists(text):
            files.append(text)
        elif _GLOB_CHARS & set(text):
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                raise SourceError(f"{text}: the pattern matches no file")
            for match in matches:
                if os.path.isdir(match):
                    files.extend(_walk(match))
                else:
                    files.append(match)
        else:
            raise SourceError(f"{text}: no such file or directory")
    seen: set[str] = set()
    unique = []
    for f in files:
        if f not in seen and not _excluded(f, exclude):
            seen.add(f)
            unique.append(f)
    return unique


def _walk(directory: str) -> Iterator[str]:
    for root, dirs, names in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if format_from_extension(name) is not None:
                path = os.path.join(root, name)
                # A FIFO or a device with a dataset name in a searched directory is not a dataset
                # (reading one could block); named on the command line, it is opened (or refused).
                if os.path.isfile(path) or not os.path.exists(path):
                    yield path


def _excluded(path: str, patterns: Sequence[str]) -> bool:
    posix = Path(path).as_posix()
    return any(fnmatch(posix, p) or fnmatch(Path(path).name, p) for p in patterns)


def memory_records(source: object) -> Iterator[Record]:
    """Records from in-memory data; raises :class:`SourceError` for an unsupported type."""
    rows = _rows(source)
    for index, row in enumerate(rows, start=1):
        yield Record(index=index, line=index, value=row)


def _rows(source: object) -> Iterator[Any]:
    if _is_dataframe(source):
        yield from _dataframe_rows(source)
        return
    if isinstance(source, Mapping):
        yield from _column_rows(source)
        return
    if isinstance(source, (list, tuple)):
        for item in source:
            if isinstance(item, tuple) and len(item) == 2:
                yield {"text_input": item[0], "output": item[1]}
            else:
                yield item
        return
    raise SourceError(
        f"cannot lint a {type(source).__name__}: pass a path, a list of dicts, a list of "
        "(input, output) tuples, a dict of columns or a pandas DataFrame"
    )


def _column_rows(columns: Mapping[Any, Any]) -> Iterator[dict[str, Any]]:
    _refuse_repeats([str(k) for k in columns], "a dict of columns")
    lists = {str(k): list(v) if isinstance(v, (list, tuple)) else None for k, v in columns.items()}
    bad = [k for k, v in lists.items() if v is None]
    if bad:
        raise SourceError(f"a dict of columns needs a list per column; {bad[0]!r} is not a list")
    length = max((len(v) for v in lists.values() if v is not None), default=0)
    for i in range(length):
        yield {k: v[i] for k, v in lists.items() if v is not None and i < len(v)}


def _refuse_repeats(names: Sequence[str], what: str) -> None:
    """A record maps names to values, so of two columns with one name (``1`` and ``"1"`` become the
    same) only the last would be linted: refuse rather than lose the other without a word (S007 is
    the finding for files; an in-memory source is fixed in the caller's code)."""
    seen: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if name in seen:
            raise SourceError(
                f"{what} names column {name!r} twice (positions {seen[name]} and {position}); "
                "rename one so no values are lost"
            )
        seen[name] = position


def _is_dataframe(source: object) -> bool:
    # By name, so pandas is never imported for other sources; the MRO accepts subclasses
    # (a GeoDataFrame is a DataFrame).
    return any(c.__name__ == "DataFrame" and c.__module__.startswith("pandas") for c in type(source).__mro__)


def _dataframe_rows(frame: Any) -> Iterator[dict[str, Any]]:
    columns = [str(c) for c in frame.columns]
    _refuse_repeats(columns, "the DataFrame")
    for values in frame.itertuples(index=False, name=None):
        # A missing cell is empty text (S003), not the string "nan" that str() would produce.
        yield {c: ("" if _missing(v) else v) for c, v in zip(columns, values, strict=True)}


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ in ("NAType", "NaTType")  # pandas.NA and pandas.NaT
