"""A second, independent read of JSON and JSON Lines inputs (standard library) for what a parsed
record cannot show: an object that repeats a key. The readers keep the last value of a repeated key,
so writing the record would silently drop the others; ``fix`` refuses such a file instead.

For an object document the parsed document is also returned, so :mod:`validator.fix.wrapped` can
check what the object holds beside its records. Other documents are checked without being kept
(every object is parsed to ``None``), so a large input is not held in memory twice.
"""

from __future__ import annotations

import json
from typing import Any

from validator.fix.result import FixRefused, line_list

__all__ = ["check_keys"]


class _Repeated(ValueError):
    """An object repeats ``key``."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _keep(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) != len(pairs):
        raise _Repeated(_first_repeat(pairs))
    return value


def _discard(pairs: list[tuple[str, Any]]) -> None:
    if len({key for key, _ in pairs}) != len(pairs):
        raise _Repeated(_first_repeat(pairs))


# One decoder each: ``json.loads`` with a hook would build a new decoder for every line.
_CHECK = json.JSONDecoder(object_pairs_hook=_discard).decode
_KEEP = json.JSONDecoder(object_pairs_hook=_keep).decode


def _first_repeat(pairs: list[tuple[str, Any]]) -> str:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            return key
        seen.add(key)
    return ""  # unreachable: only called when a key repeats


def check_keys(path: str, fmt: str, encoding: str, *, keep_object: bool = False) -> Any:
    """Raise :class:`FixRefused` when an object in the JSON or JSON Lines file at ``path`` repeats a
    key (every line of a JSON Lines file is checked, and all of them listed). With ``keep_object``
    (a JSON document that is an object) the parsed document is returned, else ``None``. Text the
    standard library cannot parse is not checked here: the readers report it (F002)."""
    if fmt == "jsonl":
        _check_lines(path, encoding)
        return None
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        text = fh.read().lstrip("\ufeff")
    try:
        return (_KEEP if keep_object else _CHECK)(text)
    except _Repeated as exc:
        raise FixRefused(
            f"{path}: an object repeats the key {exc.key!r}; only its last value is read, so fix would drop "
            "the others — remove or rename the repeated key first"
        ) from None
    except (ValueError, RecursionError):
        if keep_object:
            raise FixRefused(
                f"{path}: cannot check what the JSON object holds beside its records; fix would risk "
                "losing data — write the records as a JSON array first"
            ) from None
        return None


def _check_lines(path: str, encoding: str) -> None:
    repeated: list[tuple[int, str]] = []
    with open(path, encoding=encoding, errors="replace", newline="\n") as fh:
        for number, line in enumerate(fh, start=1):
            if number == 1:
                line = line.lstrip("\ufeff")
            try:
                _CHECK(line)
            except _Repeated as exc:
                repeated.append((number, exc.key))
            except (ValueError, RecursionError):
                continue  # blank, or unparsable: the readers report it
    if repeated:
        lines = [n for n, _ in repeated]
        details = "; ".join(f"line {n}: {key!r}" for n, key in repeated[:5])
        raise FixRefused(
            f"{len(repeated)} record(s) repeat a key (lines {line_list(lines)}): {details}. Only the last "
            "value of a repeated key is read, so fix would drop the others — remove or rename them first",
            tuple(lines),
        )
