"""Keys that one JSON object names more than once.

JSON parsers keep one value per key: orjson, Python's ``json`` and JavaScript keep the last, others
the first, and Google's protobuf JSON parser rejects the object. A repeated key is therefore data
that silently disappears, and which of its values a provider would train on is undefined. orjson,
which the readers parse with, leaves no trace of a repeat, so this module looks at the text again:

- :func:`may_repeat` (one record) and :func:`check_block` (many at once, as the JSON Lines and
  JSON array readers call it) compare the colons of the text with those of orjson's compact
  serialisation of the parsed value: they differ exactly when a key repeats (see
  :func:`may_repeat`). A block of records costs a join, one serialisation and two byte counts, all
  in C: a fraction of a microsecond per record.
- :func:`find_repeats` parses again with the standard library, whose ``object_pairs_hook`` sees
  every key as written, and names each repeated key with the JSON pointer of its object.

:func:`first_repeated_key` is the same check for ``tunelint fix`` (:mod:`validator.fix.rawjson`),
which refuses a file with a repeat rather than write a record without the dropped values.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import orjson

from validator.api import Record, Violation
from validator.readers.jsonvalue import mark_too_deep
from validator.schemas import pointer

__all__ = [
    "REPEATED_KEY",
    "Repeat",
    "add_repeats",
    "check_block",
    "check_repeats",
    "find_repeats",
    "first_repeated_key",
    "may_repeat",
    "repeat_violation",
    "repeats_of",
]

#: The :class:`~validator.api.Violation` kind of a record whose text names a key twice (S007).
REPEATED_KEY = "repeated-key"

# An escape that spells a colon without the character (orjson writes colons as they are).
_HIDDEN_COLON_BYTES = re.compile(rb"\\u003[aA]").search
_HIDDEN_COLON_TEXT = re.compile(r"\\u003[aA]").search


def may_repeat(text: bytes | str, value: Any) -> bool:
    """Whether the JSON ``text``, parsed into ``value``, names a key twice in one object; exact
    unless ``text`` spells a colon as ``\\u003a`` (then True: only the second parse can tell).

    Why it is exact: let W be the keys ``text`` writes and K those ``value`` holds (W > K exactly
    when a key repeats). ``text`` has W colons after keys plus those inside its strings; orjson's
    serialisation of ``value`` has K plus those inside the strings kept. With every colon spelled as
    itself, the two differ only by what a repeat dropped (its key and value), so the text has more
    colons than the serialisation exactly when W > K. A flat object with no more colons than keys
    needs no serialisation at all."""
    if isinstance(text, bytes):
        if 92 in text and _HIDDEN_COLON_BYTES(text) is not None:  # 92: a backslash, found by memchr
            return True
        colons = text.count(58)
    else:
        if "\\" in text and _HIDDEN_COLON_TEXT(text) is not None:
            return True
        colons = text.count(":")
    if type(value) is dict and colons <= len(value):
        return False
    try:
        return colons > orjson.dumps(value).count(58)
    except orjson.JSONEncodeError:  # nested beyond orjson's 254 levels, or an integer beyond 64 bits
        return colons > _written_colons(value)


def _written_colons(value: Any) -> int:
    """The colons orjson would write for ``value`` (one per key, and those inside every string),
    counted in Python without recursion: for a value orjson cannot write."""
    total = 0
    todo = [value]
    while todo:
        item = todo.pop()
        if type(item) is dict:
            total += len(item) + sum(key.count(":") for key in item)
            todo.extend(item.values())
        elif type(item) is list:
            todo.extend(item)
        elif type(item) is str:
            total += item.count(":")
    return total


def check_block(records: Sequence[Record], texts: Sequence[bytes] | Sequence[str]) -> None:
    """:func:`check_repeats` for many records at once (``records[i]`` parsed from ``texts[i]``):
    their colons are counted in one joined text and one serialisation, as :func:`may_repeat` counts
    one record's. No record of the block has fewer colons than its serialisation, so equal sums mean
    none repeats a key; otherwise each record is checked on its own."""
    if not records:
        return
    if isinstance(texts[0], bytes):
        joined = b"".join(cast("Sequence[bytes]", texts))
        hidden = 92 in joined and _HIDDEN_COLON_BYTES(joined) is not None
    else:
        # Encoded (C speed) to count as bytes; "surrogatepass" as a decoded text may hold anything.
        text = "".join(cast("Sequence[str]", texts))
        hidden = "\\" in text and _HIDDEN_COLON_TEXT(text) is not None
        joined = text.encode("utf-8", "surrogatepass")
    if not hidden:
        try:
            serialised = orjson.dumps([record.value for record in records])
        except orjson.JSONEncodeError:
            pass
        else:
            if _colons(joined) <= _colons(serialised):
                return
    each: Sequence[bytes | str] = texts
    for record, one in zip(records, each, strict=True):
        check_repeats(record, one)


def _colons(data: bytes) -> int:
    """The colons in ``data``. When NumPy is loaded already, its vector compare is several times
    faster than ``bytes.count``, which looks at one byte at a time; importing it only for this
    would cost more than it saves (as ``rules._batch.numpy_pays`` reckons for the D rules)."""
    if "numpy" not in sys.modules:
        return data.count(58)
    import numpy as np

    return int(np.count_nonzero(np.frombuffer(data, dtype=np.uint8) == 58))


@dataclass(frozen=True, slots=True)
class Repeat:
    """A key an object names ``times`` times; ``at`` is the JSON pointer of the object (``""``: the
    record itself)."""

    at: str
    key: str
    times: int

    @property
    def field(self) -> str:
        """The JSON pointer of the repeated member (``/contents/1/parts/0/text``)."""
        return self.at + pointer(self.key)


def _repeats_in(pairs: Sequence[tuple[str, Any]]) -> tuple[tuple[str, int], ...]:
    """``(key, times)`` of every key ``pairs`` hold more than once, in order of first appearance."""
    counts: dict[str, int] = {}
    for key, _ in pairs:
        counts[key] = counts.get(key, 0) + 1
    return tuple((key, n) for key, n in counts.items() if n > 1)


class _Repeating(dict[str, Any]):
    """An object that names some keys more than once (the parsed value keeps the last of each)."""

    repeats: tuple[tuple[str, int], ...] = ()


def _marked(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) == len(pairs):
        return value
    marked = _Repeating(value)
    marked.repeats = _repeats_in(pairs)
    return marked


# One decoder, built once: json.loads with a hook would build a new one for every call.
_MARKING = json.JSONDecoder(object_pairs_hook=_marked).decode


def find_repeats(text: str, at: str = "") -> list[Repeat]:
    """Every key an object in the JSON ``text`` names more than once, in document order; ``at`` is
    the pointer of the value ``text`` holds. A repeat inside a value that a later repeat of its key
    replaced is not seen. Raises :class:`ValueError` when ``text`` is not JSON and
    :class:`RecursionError` when it nests too deeply for the standard library."""
    found: list[Repeat] = []
    todo: list[tuple[str, Any]] = [(at, _MARKING(text))]
    while todo:
        where, item = todo.pop()
        if type(item) is _Repeating:
            found += [Repeat(where, key, times) for key, times in item.repeats]
        if isinstance(item, dict):
            children = [(where + pointer(key), child) for key, child in item.items()]
        elif type(item) is list:
            children = [(f"{where}/{i}", child) for i, child in enumerate(item)]
        else:
            continue
        # Reversed onto the stack, so they are visited in document order.
        todo += [(p, child) for p, child in reversed(children) if isinstance(child, (dict, list))]
    return found


#: Repeats named in one record's message; the rest are counted.
_SHOWN = 3


def repeat_violation(repeats: Sequence[Repeat]) -> Violation:
    """The S007 violation of a record with ``repeats`` (at least one): its field is the first
    repeated member, its message names each repeated key and where."""
    parts = [
        f"{'the record' if not r.at else f'the object at {r.at}'} names the key {r.key!r} "
        + ("twice" if r.times == 2 else f"{r.times} times")
        for r in repeats[:_SHOWN]
    ]
    if len(repeats) > _SHOWN:
        parts.append(f"and {len(repeats) - _SHOWN} more repeated key(s)")
    return Violation(REPEATED_KEY, repeats[0].field, "; ".join(parts))


def repeats_of(text: bytes | str, value: Any, at: str = "") -> list[Repeat] | None:
    """The repeats in the JSON ``text`` that parsed into ``value`` (:func:`may_repeat` first, then
    :func:`find_repeats` when it must); ``None`` when ``text`` nests too deeply to check."""
    return _second_parse(text, at) if may_repeat(text, value) else []


def _second_parse(text: bytes | str, at: str = "") -> list[Repeat] | None:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")  # orjson read it, so it is UTF-8
    try:
        return find_repeats(text, at)
    except RecursionError:
        return None
    except ValueError:
        # Text orjson read but the standard library does not: none is known (orjson refuses NaN,
        # huge integers and lone surrogates too), so there is nothing to report.
        return []


def check_repeats(record: Record, text: bytes | str) -> None:
    """Give ``record``, parsed from the JSON ``text``, a :data:`REPEATED_KEY` violation when an
    object in it names a key more than once. A record too deep for the second parse becomes an
    unreadable one (F002), as the checks after the reader would make it."""
    if not may_repeat(text, record.value):
        return
    repeats = _second_parse(text)
    if repeats is None:
        mark_too_deep(record)
    elif repeats:
        add_repeats(record, repeats)


def add_repeats(record: Record, repeats: Sequence[Repeat]) -> None:
    """Give ``record`` the violation of ``repeats`` (at least one)."""
    record.violations = (*record.violations, repeat_violation(repeats))


class _FirstRepeat(ValueError):
    """An object names ``key`` more than once (stops the parse at the first one)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _strict_keep(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) != len(pairs):
        raise _FirstRepeat(_repeats_in(pairs)[0][0])
    return value


def _strict_discard(pairs: list[tuple[str, Any]]) -> None:
    # Objects parse to None: a large document is checked without being held twice.
    if len({key for key, _ in pairs}) != len(pairs):
        raise _FirstRepeat(_repeats_in(pairs)[0][0])


_KEEP: Callable[[str], Any] = json.JSONDecoder(object_pairs_hook=_strict_keep).decode
_DISCARD: Callable[[str], Any] = json.JSONDecoder(object_pairs_hook=_strict_discard).decode


def first_repeated_key(text: str, *, keep: bool = False) -> tuple[Any, str | None]:
    """``(value, key)``: the first key an object in the JSON ``text`` repeats (``None`` when none
    does) and, with ``keep`` and no repeat, the parsed value (else ``None``: objects are not kept).
    Raises :class:`ValueError` or :class:`RecursionError` as ``json.loads`` does."""
    try:
        return (_KEEP if keep else _DISCARD)(text), None
    except _FirstRepeat as exc:
        return None, exc.key
