"""A second, independent read of JSON and JSON Lines inputs (standard library) for what a parsed
record cannot show: an object that repeats a key. The readers keep the last value of a repeated key
(and lint reports S007), so writing the record would silently drop the others; ``fix`` refuses such
a file instead. The check itself is :func:`validator.readers.repeats.first_repeated_key`.

For an object document the parsed document is also returned, so :mod:`validator.fix.wrapped` can
check what the object holds beside its records. Other documents are checked without being kept
(every object is parsed to ``None``), so a large input is not held in memory twice.
"""

from __future__ import annotations

from typing import Any

from validator.fix.result import FixRefused, line_list
from validator.readers.repeats import first_repeated_key

__all__ = ["check_keys"]


def check_keys(path: str, fmt: str, encoding: str, *, keep_object: bool = False, line_end: str = "\n") -> Any:
    """Raise :class:`FixRefused` when an object in the JSON or JSON Lines file at ``path`` repeats a
    key (every line of a JSON Lines file is checked, and all of them listed; its lines end with
    ``line_end``: ``"\r"`` for a file with CR-only line ends). With ``keep_object`` (a JSON document
    that is an object) the parsed document is returned, else ``None``. Text the standard library
    cannot parse is not checked here: the readers report it (F002)."""
    if fmt == "jsonl":
        _check_lines(path, encoding, line_end)
        return None
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        text = fh.read().lstrip("\ufeff")
    try:
        document, key = first_repeated_key(text, keep=keep_object)
    except (ValueError, RecursionError):
        if keep_object:
            raise FixRefused(
                f"{path}: cannot check what the JSON object holds beside its records; fix would risk "
                "losing data — write the records as a JSON array first"
            ) from None
        return None
    if key is not None:
        raise FixRefused(
            f"{path}: an object repeats the key {key!r}; only its last value is read, so fix would drop "
            "the others — remove or rename the repeated key first"
        )
    return document


def _check_lines(path: str, encoding: str, line_end: str) -> None:
    repeated: list[tuple[int, str]] = []
    with open(path, encoding=encoding, errors="replace", newline=line_end) as fh:
        for number, line in enumerate(fh, start=1):
            if number == 1:
                line = line.lstrip("\ufeff")
            try:
                _, key = first_repeated_key(line)
            except (ValueError, RecursionError):
                continue  # blank, or unparsable: the readers report it
            if key is not None:
                repeated.append((number, key))
    if repeated:
        lines = [n for n, _ in repeated]
        details = "; ".join(f"line {n}: {key!r}" for n, key in repeated[:5])
        raise FixRefused(
            f"{len(repeated)} record(s) repeat a key (lines {line_list(lines)}): {details}. Only the last "
            "value of a repeated key is read, so fix would drop the others — remove or rename them first",
            tuple(lines),
        )
