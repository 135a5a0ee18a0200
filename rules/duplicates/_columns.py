"""The compact columns the D rules keep for every example seen (64-bit keys, record and line
numbers, field ids) and the NumPy and plain-Python operations that find repeats in them, append
another shard's columns and take rows out of them."""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rules._batch import lines as batch_lines
from rules._batch import numpy_pays
from rules._batch import records as batch_records
from rules.duplicates._common import _Where
from validator.api import Batch, Shift

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

#: Bits of the bitmap :func:`_repeated` filters keys with (a 1 MiB array).
_FILTER_BITS = 20


def _repeated(keys: npt.NDArray[Any]) -> tuple[npt.NDArray[np.intp], npt.NDArray[Any]]:
    """The ranks (ascending) and keys of the examples whose key occurs more than once. A plain sort
    of the keys finds the repeated values several times faster than a stable argsort of them all
    would; only the (usually few) repeated examples are then sorted with their ranks."""
    import numpy as np

    ordered = np.sort(keys)
    values = ordered[1:][ordered[1:] == ordered[:-1]]  # sorted; a value k times repeated appears k-1 times
    del ordered
    if not len(values):
        return np.zeros(0, dtype=np.intp), keys[:0]
    # A bitmap of the repeated values' top bits rules out most keys at once (keys are well-mixed
    # hashes); only the rest are looked up exactly.
    top = np.uint64(64 - _FILTER_BITS)
    bitmap = np.zeros(1 << _FILTER_BITS, dtype=bool)
    bitmap[(values >> top).astype(np.intp)] = True
    ranks = np.flatnonzero(bitmap[(keys >> top).astype(np.intp)])
    candidates = keys[ranks]
    at = np.searchsorted(values, candidates)
    at[at == len(values)] = 0  # beyond the largest repeated value: compared with any, never equal
    ranks = ranks[values[at] == candidates]
    return ranks, keys[ranks]


def _shifted(column: array[int], by: int, keep_zero: bool = False) -> array[int]:
    """``column`` with ``by`` added to every value (but zeros when ``keep_zero``: record number 0
    means "no record" and stays 0); ``column`` itself when ``by`` is 0, else a new array."""
    if not by:
        return column
    if not numpy_pays(len(column)):
        return array(column.typecode, (v + by if v or not keep_zero else 0 for v in column))
    import numpy as np

    values = np.frombuffer(column, dtype=np.dtype(column.typecode))
    moved = values + values.dtype.type(by)
    if keep_zero:
        moved = np.where(values == 0, values, moved)
    shifted = array(column.typecode)
    shifted.frombytes(moved.astype(values.dtype).tobytes())
    return shifted


#: Field ids are kept in the narrowest array type that holds them.
_WIDTHS = (("B", 1 << 8), ("H", 1 << 16), ("I", 1 << 32))


class _FieldColumn:
    """The field ``fields[name]`` of every example, in the order seen: the distinct values, and one
    small id per example, kept only once a second value has appeared (the records of a file almost
    always share their fields; chat shapes point at the target turn, which moves)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.values: list[str | None] = []
        self._ids: dict[str | None, int] = {}
        #: ``None`` while every example has ``values[0]``.
        self.column: array[int] | None = None
        self.count = 0

    def __len__(self) -> int:
        return self.count

    @property
    def nbytes(self) -> int:
        """Bytes of the per-example ids (0 while there are none)."""
        return 0 if self.column is None else len(self.column) * self.column.itemsize

    def _id(self, value: str | None) -> int:
        found = self._ids.get(value)
        if found is None:
            found = self._ids[value] = len(self.values)
            self.values.append(value)
        return found

    def add(self, fields: Sequence[Mapping[str, str]]) -> None:
        """Append the fields of a batch's examples (``batch.fields``)."""
        n = len(fields)
        if n and fields.count(fields[0]) == n:  # one mapping for the whole batch: the usual case
            self._extend([self._id(fields[0].get(self.name))] * n)
        else:
            self._extend([self._id(f.get(self.name)) for f in fields])

    def extend(self, other: _FieldColumn) -> None:
        """Append another column's examples."""
        mapping = [self._id(value) for value in other.values]
        if other.column is None:
            if other.count:
                self._extend(itertools.repeat(mapping[0], other.count), other.count, mapping[0] == 0)
        else:
            self._extend(map(mapping.__getitem__, other.column), other.count, not any(mapping))

    def _extend(self, ids: Iterable[int], count: int | None = None, zeros: bool | None = None) -> None:
        """Append ``ids`` (``count`` of them; ``zeros`` when all are 0, known or found out)."""
        if count is None or zeros is None:
            ids = list(ids)
            count, zeros = len(ids), not any(ids)
        if self.column is None and zeros:
            self.count += count  # still one value for every example: no ids to keep
            return
        typecode = next(code for code, limit in _WIDTHS if len(self.values) <= limit)
        if self.column is None:
            self.column = array(typecode, bytes(self.count * array(typecode).itemsize))
        elif self.column.typecode != typecode:
            self.column = array(typecode, self.column)  # a 257th value: widen
        self.column.extend(ids)
        self.count += count

    def get(self, position: int) -> str | None:
        """The field of the example at ``position``."""
        if self.column is None:
            return self.values[0] if self.values else None
        return self.values[self.column[position]]


class _Occurrences:
    """Every example a rule has seen, as parallel columns in the order seen: a 64-bit key, optionally
    a 64-bit *variant* (what tells apart two examples of one key: D002's output, D003's exact input),
    the record number and line, and optionally the field findings point at.

    The judging methods have two implementations giving the same positions: NumPy sorts for large
    columns, dicts in plain Python for small ones (see :func:`rules._batch.numpy_pays`)."""

    def __init__(self, *, variants: bool = False, field: str | None = None) -> None:
        self.keys = array("Q")
        self.variants = array("Q") if variants else None
        self.records = array("I")
        self.lines = array("I")
        self.fields = _FieldColumn(field) if field else None

    def __len__(self) -> int:
        return len(self.keys)

    @property
    def nbytes(self) -> int:
        """Bytes held by the columns (what a record costs, times the records)."""
        columns = [self.keys, self.records, self.lines]
        if self.variants is not None:
            columns.append(self.variants)
        size = sum(len(column) * column.itemsize for column in columns)
        return size + (self.fields.nbytes if self.fields is not None else 0)

    def add(self, batch: Batch, keys: array[int], variants: array[int] | None = None) -> None:
        """Append a batch's examples with their keys (and variants)."""
        self.keys.extend(keys)
        if self.variants is not None:
            assert variants is not None
            self.variants.extend(variants)
        self.records.extend(batch_records(batch))
        self.lines.extend(batch_lines(batch))
        if self.fields is not None:
            self.fields.add(batch.fields)

    def extend(self, other: _Occurrences, shift: Shift) -> None:
        """Append the columns of another shard, its positions moved by ``shift``."""
        self.keys.extend(other.keys)
        if self.variants is not None and other.variants is not None:
            self.variants.extend(other.variants)
        self.records.extend(_shifted(other.records, shift.records, keep_zero=True))
        self.lines.extend(_shifted(other.lines, shift.lines))
        if self.fields is not None and other.fields is not None:
            self.fields.extend(other.fields)

    def where(self, position: int) -> _Where:
        return self.lines[position], self.records[position]

    def repeats(self) -> Iterator[tuple[int, int]]:
        """``(position, position of its first occurrence)`` of every repeat to report, in record
        order. Without variants every repeat of a key is reported; with them only a repeat whose
        variant differs from those of the first occurrence and of every earlier repeat."""
        if numpy_pays(len(self)):
            return self._repeats_numpy()
        return self._repeats_python()

    def _positions(self) -> Sequence[int]:
        """Positions in record order (shards may have been merged in any order)."""
        records = self.records
        if all(a < b for a, b in itertools.pairwise(records)):
            return range(len(records))
        return sorted(range(len(records)), key=records.__getitem__)

    def _repeats_python(self) -> Iterator[tuple[int, int]]:
        keys, variants = self.keys, self.variants
        first: dict[int, int] = {}
        known: dict[int, set[int]] = {}  # key -> variants seen so far (keys that repeat only)
        for position in self._positions():
            key = keys[position]
            earliest = first.setdefault(key, position)
            if earliest == position:
                continue
            if variants is not None:
                seen = known.get(key)
                if seen is None:
                    seen = known[key] = {variants[earliest]}
                if variants[position] in seen:
                    continue
                seen.add(variants[position])
            yield position, earliest

    def _record_order(self) -> npt.NDArray[np.intp] | None:
        """Positions in record order, or ``None`` when they already are (one pass, or shards merged
        in file order; ``merge`` accepts any order)."""
        import numpy as np

        records = np.frombuffer(self.records, dtype=np.uint32)
        if len(records) < 2 or bool((records[1:] > records[:-1]).all()):
            return None
        return np.argsort(records, kind="stable")

    def _column(self, column: array[int], by_record: npt.NDArray[np.intp] | None) -> npt.NDArray[Any]:
        """``column`` as a NumPy array in record order (a view, without copying, when possible)."""
        import numpy as np

        values = np.frombuffer(column, dtype=np.dtype(column.typecode))
        return values if by_record is None else values[by_record]

    def _repeats_numpy(self) -> Iterator[tuple[int, int]]:
        import numpy as np

        by_record = self._record_order()
        # From here on an example is its rank in record order: a lower rank is an earlier record.
        ranks, keys = _repeated(self._column(self.keys, by_record))
        if not len(ranks):
            return
        by_key = np.argsort(keys, kind="stable")  # equal keys together, each group in record order
        members = ranks[by_key]  # ranks of examples whose key occurs more than once
        member_keys = keys[by_key]
        del ranks, keys, by_key
        starts = np.concatenate(([True], member_keys[1:] != member_keys[:-1]))
        first = members[np.maximum.accumulate(np.where(starts, np.arange(len(members)), 0))]
        if self.variants is None:
            report = ~starts
        else:
            variants = self._column(self.variants, by_record)[members]
            group = np.cumsum(starts)
            order = np.lexsort((variants, group))  # stable: record order within one variant
            group, variants = group[order], variants[order]
            new = np.concatenate(([True], (group[1:] != group[:-1]) | (variants[1:] != variants[:-1])))
            report = np.zeros(len(members), dtype=bool)
            report[order[new]] = True  # the first example of every (key, variant)...
            report &= ~starts  # ...but the key's first occurrence, whose variant is the known one
        repeated, firsts = members[report], first[report]
        in_record_order = np.argsort(repeated)
        repeated, firsts = repeated[in_record_order], firsts[in_record_order]
        if by_record is not None:  # ranks back to positions in the columns
            repeated, firsts = by_record[repeated], by_record[firsts]
        yield from zip(repeated.tolist(), firsts.tolist(), strict=True)

    def first_occurrences(self) -> _Occurrences:
        """The first occurrence of every key, in key order (no variants, no fields)."""
        if not numpy_pays(len(self)):
            first: dict[int, int] = {}
            for position in self._positions():
                first.setdefault(self.keys[position], position)
            return self._taken([first[key] for key in sorted(first)])
        import numpy as np

        by_record = self._record_order()
        keys = self._column(self.keys, by_record)
        by_key = np.argsort(keys, kind="stable")  # equal keys together, each group in record order
        sorted_keys = keys[by_key]
        starts = np.ones(len(keys), dtype=bool)
        starts[1:] = sorted_keys[1:] != sorted_keys[:-1]
        firsts = by_key[starts]
        return self._taken(firsts if by_record is None else by_record[firsts])

    def _taken(self, positions: list[int] | npt.NDArray[np.intp]) -> _Occurrences:
        """The keys, records and lines at ``positions``."""
        taken = _Occurrences()
        taken.keys, taken.records, taken.lines = (_take(c, positions) for c in (self.keys, self.records, self.lines))
        return taken


def _take(column: array[int], positions: list[int] | npt.NDArray[np.intp]) -> array[int]:
    """The values of ``column`` at ``positions`` (a list, or a NumPy array of indices)."""
    if isinstance(positions, list):
        return array(column.typecode, map(column.__getitem__, positions))
    import numpy as np

    taken = array(column.typecode)
    taken.frombytes(np.frombuffer(column, dtype=np.dtype(column.typecode))[positions].tobytes())
    return taken
