"""What else a JSON document holds when its records sit inside an object (``{"name": ..., "examples": [...]}``).

The readers lint the one array of records they find in such an object; ``fix`` writes those records
as a plain JSON array (or JSONL, CSV). Everything beside that array would silently disappear, so
:func:`left_out` names it: scalar metadata (``/name``, ``/version``) is listed in the change message,
while a left-out member that holds an array (more records, a column) makes the fix refuse — records
are never dropped unreported. When the document cannot be matched to the records read, the fix
refuses too: it cannot prove that nothing is lost.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from validator.fix.result import FixRefused
from validator.schemas import pointer

__all__ = ["describe", "left_out"]

#: Left-out members named in a message before "... (N more)".
_SHOWN = 10


def left_out(path: str, document: Any, values: Sequence[Any]) -> list[str]:
    """JSON pointers of the members of ``document`` (the object read from ``path``) that are not part
    of the records ``values`` (in document order; empty for a single record or a dict of columns).
    Raises :class:`FixRefused` when a left-out member holds an array, or when the records cannot be
    found in the document."""
    if not isinstance(document, dict) or (len(values) == 1 and values[0] == document):
        return []  # the document is the one record: it is written whole
    records = list(values)
    found = next((pointer for pointer, member in _arrays(document) if member == records), None)
    if found is None:
        if all(isinstance(v, list) for v in document.values()):
            return []  # a dict of columns: every member became part of the rows
        raise FixRefused(
            f"{path}: cannot tell which member of the JSON object holds the {len(records)} records read; "
            "fix would risk losing data — write the records as a JSON array first"
        )
    leftovers = list(_siblings(document, found))
    holding = [pointer for pointer, value in leftovers if _holds_array(value)]
    if holding:
        raise FixRefused(
            f"{path}: the JSON object holds arrays beside the records at {pointer(*found)} that fix would not "
            f"write ({_names(holding)}); move those records into one array, or split the file, first"
        )
    return [pointer for pointer, _ in leftovers]


def describe(found: list[str]) -> str:
    """``"; members left out: /name, /version"`` for a change message (empty when nothing is left out)."""
    return f"; members left out: {_names(found)}" if found else ""


def _arrays(document: dict[str, Any]) -> Iterator[tuple[tuple[str, ...], list[Any]]]:
    """Every array reachable through object members only (where readers look for records)."""
    stack: list[tuple[tuple[str, ...], dict[str, Any]]] = [((), document)]
    while stack:
        prefix, obj = stack.pop()
        for key, member in obj.items():
            if isinstance(member, list):
                yield (*prefix, key), member
            elif isinstance(member, dict):
                stack.append(((*prefix, key), member))


def _siblings(document: dict[str, Any], found: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
    """The members beside the path to the records, at every level: ``(pointer, value)``."""
    obj: Any = document
    for depth, key in enumerate(found):
        for other, value in obj.items():
            if other != key:
                yield pointer(*found[:depth], other), value
        obj = obj[key]


def _holds_array(value: Any) -> bool:
    """True when ``value`` is or contains a non-empty array (where records or columns could be)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            if item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.values())
    return False


def _names(pointers: list[str]) -> str:
    shown = ", ".join(pointers[:_SHOWN])
    more = len(pointers) - _SHOWN
    return shown + (f", ... ({more} more)" if more > 0 else "")
