"""JSON documents: an array of records (streamed element by element), an object wrapping the
records (``{"examples": [...]}``), a dict of equal-length columns (as the old Gemini SDK accepted),
or a single record object."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import zip_longest
from typing import Any

import orjson

from validator.api import ParseError, Record
from validator.readers.decode import LineSource
from validator.readers.jsonscan import MAX_KEY_DEPTH as _MAX_KEY_DEPTH
from validator.readers.jsonscan import Element, scan_elements
from validator.readers.jsonvalue import mark_too_deep, parse_json_text
from validator.readers.repeats import Repeat, add_repeats, check_block, check_repeats, repeats_of
from validator.readers.request import parse_request
from validator.schemas import pointer

__all__ = ["read_json"]

# Records checked for repeated keys together (see validator.readers.repeats.check_block).
_BLOCK_RECORDS = 256

# When an object wraps several arrays of records, these keys name the records.
_PREFERRED_KEYS = ("examples", "data", "records", "rows", "train", "items")
# Keys whose arrays are the parts of one record (turns, preferred outputs), not a list of records.
_RECORD_PART_KEYS = frozenset(
    {"contents", "messages", "conversations", "preferred_output", "non_preferred_output", "chosen", "rejected"}
)


def read_json(source: LineSource) -> Iterator[Record]:
    """Yield the records of a JSON document with the physical line where each one starts; a record
    whose objects name a key twice carries a repeated-key violation (S007)."""
    lines = ((n, source.text(line, n)) for n, line in source)
    first: tuple[int, str] | None = None
    for n, text in lines:
        if text.strip():
            first = (n, text)
            break
    if first is None:
        return
    if first[1].lstrip().startswith("["):
        yield from _records_from_array(scan_elements(_chain(first, lines)))
        return
    # An object (or a scalar): its interpretation depends on all of it, so it is held in memory.
    held = [first, *lines]
    request = parse_request(held, source.facts.path)
    arrays: list[str] = []  # pointers of the arrays whose elements are records
    if request is not None:
        # A tuning-job body: its hyperparameters are linted by the H rules; its inline examples (if
        # the kind of body has them) are the file's records. The body itself is never a record: with
        # no examples (an empty or missing list) the file has none.
        source.facts.tuning = request
        if request.inline_examples:
            yield from _records_from_object(held, arrays, body=True)
        source.facts.repeated_keys = _wrapper_repeats(held, arrays)
        return
    yield from _records_from_object(held, arrays)
    if arrays:
        source.facts.repeated_keys = _wrapper_repeats(held, arrays)


def _chain(first: tuple[int, str], rest: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    yield first
    yield from rest


def _records_from_array(elements: Iterable[Element]) -> Iterator[Record]:
    yield from _checked(_unchecked(index, element) for index, element in enumerate(elements, start=1))


def _unchecked(index: int, element: Element) -> tuple[Record, str]:
    """The record an element holds, not yet checked for repeated keys, and its text."""
    if element.error is not None:
        return Record(index=0, line=element.line, error=element.error), ""
    if element.parsed:
        return Record(index, element.line, element.value), element.text
    value, error = parse_json_text(element.text, element.line, element.column)
    if error is not None:
        return Record(index=index, line=element.line, error=error), ""
    return Record(index=index, line=element.line, value=value), element.text


def _checked(records: Iterable[tuple[Record, str]]) -> Iterator[Record]:
    """The records, in order, checked for repeated keys a block at a time; a structural error (a
    record numbered 0) ends them."""
    block: list[Record] = []
    texts: list[str] = []
    for record, text in records:
        if record.error is None:
            block.append(record)
            texts.append(text)
            if len(block) < _BLOCK_RECORDS:
                continue
        check_block(block, texts)
        yield from block
        block, texts = [], []
        if record.error is not None:
            yield record
            if not record.index:
                return
    check_block(block, texts)
    yield from block


def _records_from_object(held: list[tuple[int, str]], arrays: list[str], *, body: bool = False) -> Iterator[Record]:
    """The records of an object document; the pointers of the arrays they are the elements of are
    appended to ``arrays`` (none when the object is itself the one record). With ``body`` (a tuning
    request) the records are the elements of its examples array (whatever they are), or none."""
    by_path: dict[tuple[str, ...], list[Element]] = {}
    for element in scan_elements(iter(held)):
        if element.error is not None:
            yield Record(index=0, line=element.line, error=element.error)
            return
        by_path.setdefault(element.path, []).append(element)
    if body:
        listed = [p for p in by_path if p and p[-1] in _PREFERRED_KEYS]  # not any list of the body
        if listed:
            chosen = _preferred(listed)
            arrays.append(pointer(*chosen))
            yield from _records_from_array(by_path[chosen])
        return
    wrapper = any(p and p[-1] in _PREFERRED_KEYS for p in by_path)
    # A single conversation (or preference pair): its turns are not records.
    conversation = not wrapper and any(key in _RECORD_PART_KEYS for p in by_path for key in p)
    record_paths = [p for p, els in by_path.items() if p and els[0].text.lstrip().startswith("{")]
    if record_paths and not conversation:
        chosen = _preferred(record_paths)
        arrays.append(pointer(*chosen))
        yield from _records_from_array(by_path[chosen])
        return
    text = "".join(t for _, t in held)
    value, error = parse_json_text(text, held[0][0])
    if error is not None:
        yield Record(index=1, line=held[0][0], error=error)
        return
    if isinstance(value, dict) and value and not conversation:
        if all(isinstance(v, list) for v in value.values()):
            # A dict of columns (only array members, no scalar metadata beside them).
            arrays += [pointer(name) for name in value]
            yield from _records_from_columns({name: by_path.get((name,), []) for name in value})
            return
        if _empty_wrapper(value):
            return
    record = Record(index=1, line=_value_line(held), value=value)
    check_repeats(record, text)
    yield record


def _preferred(paths: list[tuple[str, ...]]) -> tuple[str, ...]:
    for key in _PREFERRED_KEYS:
        for path in paths:
            if path[-1] == key:
                return path
    return paths[0]


def _empty_wrapper(value: dict[str, Any], depth: int = 1) -> bool:
    """An object wrapping an empty list of records (``{"name": ..., "examples": []}``), up to as deep
    as the scanner looks for record arrays."""
    for key in _PREFERRED_KEYS:
        inner = value.get(key)
        if inner == []:
            return True
        if isinstance(inner, dict) and depth < _MAX_KEY_DEPTH and _empty_wrapper(inner, depth + 1):
            return True
    return False


def _records_from_columns(columns: dict[str, list[Element]]) -> Iterator[Record]:
    names = list(columns)
    lengths = {name: len(cells) for name, cells in columns.items()}
    if len(set(lengths.values())) > 1:
        first = next(cells[0] for cells in columns.values() if cells)
        sizes = ", ".join(f"{name}: {size}" for name, size in lengths.items())
        message = f"columns have different lengths ({sizes}); missing cells are reported as missing fields"
        yield Record(index=0, line=first.line, error=ParseError(message, first.line, first.column))
    for index, cells in enumerate(zip_longest(*columns.values()), start=1):
        row: dict[str, Any] = {}
        line = 0
        for name, cell in zip(names, cells, strict=True):
            if cell is None:
                continue
            line = line or cell.line
            value, error = parse_json_text(cell.text, cell.line, cell.column)
            if error is not None:
                yield Record(index=index, line=cell.line, error=error)
                break
            row[name] = value
        else:
            yield _checked_row(Record(index=index, line=line, value=row), names, cells)


def _checked_row(record: Record, names: list[str], cells: tuple[Element | None, ...]) -> Record:
    """``record``, a row of a dict of columns, with the keys repeated in its cells' objects."""
    found: list[Repeat] = []
    for name, cell in zip(names, cells, strict=True):
        value = record.value.get(name)
        if cell is None or not isinstance(value, (dict, list)):
            continue
        repeats = repeats_of(cell.text, value, at=pointer(name))
        if repeats is None:
            mark_too_deep(record)
            return record
        found += repeats
    if found:
        add_repeats(record, found)
    return record


def _wrapper_repeats(held: list[tuple[int, str]], arrays: Sequence[str]) -> tuple[tuple[int, str, int], ...]:
    """Keys repeated in the document's objects outside the records (the elements of ``arrays``):
    ``(line, pointer of the member, times)``. Checked like a record (colons first, a second parse
    only when they differ); repeats inside records are left to the records' own check."""
    text = "".join(t for _, t in held)
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return ()  # not one JSON value orjson reads (reported as F002 where it matters)
    repeats = repeats_of(text, value)
    if not repeats:
        return ()
    outside = [r for r in repeats if not any(_within(r.at, array) for array in arrays)]
    return tuple((_key_line(text, held[0][0], r.key, r.times), r.field, r.times) for r in outside)


def _within(pointer: str, array: str) -> bool:
    """Whether ``pointer`` is an element of the array at ``array``, or inside one."""
    if not pointer.startswith(array + "/"):
        return False
    index = pointer[len(array) + 1 :].split("/", 1)[0]
    return index.isdigit()


def _key_line(text: str, first_line: int, key: str, times: int) -> int:
    """The line of the last spelling of ``key`` when the document spells it as a key exactly
    ``times`` times (so those are the repeats); else the document's first line."""
    found = [m.start() for m in re.finditer(re.escape(json.dumps(key, ensure_ascii=False)) + r"\s*:", text)]
    if len(found) != times:
        return first_line
    return first_line + text.count("\n", 0, found[-1])


def _value_line(held: list[tuple[int, str]]) -> int:
    return held[0][0]
