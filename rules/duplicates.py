"""D rules: duplicated examples, conflicting outputs, near-duplicate inputs, train/validation leakage
and (opt-in) similar inputs.

Keys are the canonical texts of an :class:`~validator.api.Example`, never the raw record: an ``id``
field, key order or extra columns must not hide a duplicate prompt. For chat shapes the input is the
whole context before the target turn. "Normalised" is :func:`validator.api.normalize_text` (NFKC,
case-folded, whitespace runs collapsed, trimmed).

State stays compact: D001-D004 keep no text and no per-record Python object, only columns appended
batch by batch (:mod:`array` arrays, 64-bit keys and 32-bit record and line numbers): 16 bytes a
record for D001 and D004, 24 for D002 and D003 (plus one byte a record for the field when a file's
records point at different fields, as chat shapes do). Keys are 64-bit xxh3 hashes of the texts
(:mod:`rules._batch`), computed once per batch and shared by the rules. Two different texts get the
same key with probability 2**-64, so among ``n`` distinct texts some pair collides with probability
about ``n**2 / 2**65``: 3e-8 for a million records, 3e-6 for ten million. A collision would make two
different examples look like duplicates; at these odds that is a far smaller risk than any other
source of a wrong finding, and it is what buys 16 bytes a record instead of a dict entry (~140).

Duplicates are found in ``finish`` by sorting the keys with NumPy (equal keys end up together, in
record order; a small file, where importing NumPy would cost more than it saves, walks its columns
with a dict instead), which is what makes the rules shardable: :meth:`merge` appends another shard's
columns, its record and line numbers moved into the whole file, and the *record number* (not the
order shards are merged in) decides which occurrence is the first one. One pass and any sharding with
merges give the same findings.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import re
import zlib
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rules._batch import input_keys, normalized_input_keys, normalized_inputs, numpy_pays, output_keys, pair_keys
from rules._batch import lines as batch_lines
from rules._batch import records as batch_records
from rules._text import plural, thousands
from validator.api import (
    NO_SHIFT,
    Batch,
    Context,
    Example,
    Finding,
    Location,
    Rule,
    Severity,
    Shift,
    normalize_text,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "RULES",
    "ConflictingOutputs",
    "DuplicateExample",
    "NearDuplicateInput",
    "SimilarInputs",
    "SimilarInputsOptions",
    "SplitLeakage",
    "lsh_bands",
    "minhash_signature",
]

_MASK64 = 0xFFFFFFFFFFFFFFFF

#: Where an example is: ``(line, record)``.
_Where = tuple[int, int]


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


def _where(where: _Where) -> str:
    return f"record {thousands(where[1])} (line {thousands(where[0])})"


def _location(path: str, where: _Where, field: str | None = None) -> Location:
    return Location(path, where[0], where[1] or None, field)


#: Bytes a record is taken to have when guessing a file's records from its size (a short prompt and
#: answer): a file above ``NUMPY_MIN * 256`` bytes (12.8 MB) uses NumPy from its first batch.
_BYTES_PER_RECORD = 256


def _scale(ctx: Context, seen: int) -> int:
    """How many records the file has, as far as choosing NumPy goes (:func:`numpy_pays`): those seen
    so far, or a guess from the file's size when larger, so that a large file (or a shard of one,
    which sees only its part) does not start in plain Python only to import NumPy half-way."""
    return max(seen, (ctx.file.bytes or 0) // _BYTES_PER_RECORD)


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


# -- columns ------------------------------------------------------------------------------------------

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


# -- D001-D003: first occurrence and repeats --------------------------------------------------------


class _FirstOccurrence(Rule):
    """Shared machinery of D001-D003: every example's key (and variant) in compact columns, judged in
    ``finish``. A subclass says what its key and variant are (:meth:`_columns`); with
    ``new_variants_only`` a repeat is reported only when its variant differs from the first
    occurrence's and from every earlier repeat's (D002: a new output for a known input; D003: a new
    spelling of a known normalised input); without it every repeat is reported (D001).
    """

    new_variants_only: ClassVar[bool] = True
    #: Which of ``Example.fields`` findings point at (``None``: no field).
    field_name: ClassVar[str | None] = None

    def __init__(self, options: Any = None) -> None:
        super().__init__(options)
        self._seen = _Occurrences(variants=self.new_variants_only, field=self.field_name)

    @property
    def state_bytes(self) -> int:
        """Bytes of state held (the columns), for memory tests and benchmarks."""
        return self._seen.nbytes

    def _columns(self, batch: Batch, scale: int) -> tuple[array[int], array[int] | None]:
        """The keys of a batch's examples and, with ``new_variants_only``, their variants; ``scale``
        (see :func:`_scale`) goes to the columns that can be computed with NumPy."""
        raise NotImplementedError

    def _report(self, ctx: Context, where: _Where, first: _Where, field: str | None) -> Finding:
        raise NotImplementedError

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        return self.check_batch(Batch.of([example]), ctx)

    def check_batch(self, batch: Batch, ctx: Context) -> Iterable[Finding]:
        if len(batch):
            keys, variants = self._columns(batch, _scale(ctx, len(self._seen)))
            self._seen.add(batch, keys, variants)
        return ()  # repeats are judged in finish, once every shard is known

    def merge(self, other: Rule, shift: Shift = NO_SHIFT) -> None:
        """Append another shard's columns; the record number decides which occurrence is the first."""
        if not isinstance(other, type(self)):
            raise TypeError(f"cannot merge {type(other).__name__} into {type(self).__name__}")
        self._seen.extend(other._seen, shift)

    def finish(self, ctx: Context) -> Iterator[Finding]:
        seen = self._seen
        fields = seen.fields
        for position, first in seen.repeats():
            field = fields.get(position) if fields is not None else None
            yield self._report(ctx, seen.where(position), seen.where(first), field)


class DuplicateExample(_FirstOccurrence):
    """What: The same input and output appear again, exactly. Reported on every repeat, with the
    first occurrence as the related location. Only the canonical input and output are compared, so
    records that differ in an ``id`` field, key order or extra columns are still duplicates.

    Why: A duplicated example is trained on twice as often as the others, which over-weights it and
    wastes the example budget; duplicates that land in both a training and an evaluation set also
    inflate evaluation scores.

    Example: ``{"text_input": "2+2?", "output": "4"}`` on line 3 and again on line 40.

    Fix: Drop the repeats (keep the first occurrence). This finding is fixable: removing the
    reported records is safe.
    """

    code = "D001"
    name = "duplicate-example"
    summary = "An example (input and output) is repeated exactly"
    default_severity = Severity.WARNING
    fixable = True
    new_variants_only = False

    def _columns(self, batch: Batch, scale: int) -> tuple[array[int], array[int] | None]:
        return pair_keys(batch), None

    def _report(self, ctx: Context, where: _Where, first: _Where, field: str | None) -> Finding:
        return self.finding(
            ctx,
            f"example repeats {_where(first)} exactly (same input and output); duplicates are "
            "over-weighted in training. Drop this record",
            line=where[0],
            record=where[1],
            related=(_location(ctx.path, first),),
        )


class ConflictingOutputs(_FirstOccurrence):
    """What: An input appears again (exactly) with a different output than its first occurrence.
    Reported on each record that brings a new output for a known input, with the first occurrence as
    the related location; an exact repeat of an earlier (input, output) pair is D001 instead. The
    severity is error when the task is classification (given with ``--task`` or inferred), warning
    otherwise.

    Why: For one prompt the model is taught two answers. In classification that is a labelling
    error: the model cannot learn a label the data contradicts. In generation tasks it may be
    intended variety, but often it is a stale or mistaken copy.

    Example: ``"Legal Deposit Services"`` labelled ``Literature & Archive`` on line 60 and ``Other``
    on line 73.

    Fix: Decide on one output per input and drop or correct the others; for free-text tasks where
    several answers are wanted, ignore D002 for the file.
    """

    code = "D002"
    name = "conflicting-outputs"
    summary = "One input has different outputs"
    default_severity = Severity.WARNING
    field_name = "output"

    def _columns(self, batch: Batch, scale: int) -> tuple[array[int], array[int] | None]:
        return input_keys(batch), output_keys(batch)

    def _report(self, ctx: Context, where: _Where, first: _Where, field: str | None) -> Finding:
        classification = ctx.task == "classification"
        why = (
            "contradictory labels: the model cannot learn both"
            if classification
            else "the model is taught two answers to one prompt"
        )
        return self.finding(
            ctx,
            f"input also appears at {_where(first)} with a different output ({why}). Keep one output "
            "per input and correct or drop the other records",
            line=where[0],
            record=where[1],
            field=field,
            severity=Severity.ERROR if classification else None,
            related=(_location(ctx.path, first, field),),
        )


class NearDuplicateInput(_FirstOccurrence):
    """What: An input equals an earlier input after normalisation (Unicode NFKC, case folding,
    whitespace runs collapsed, ends trimmed) but is spelt differently from every earlier input with
    that normalised form. Reported once per new spelling, with the first occurrence as the related
    location; exact repeats are D001/D002, not D003.

    Why: ``"Hello  World"`` and ``"hello world"`` are the same prompt to a reader and nearly the same
    to the model: near-duplicates over-weight one prompt, and when their outputs differ they
    contradict each other without looking like a conflict.

    Example: ``"Ｈello  World"`` (full-width H, two spaces) on line 8 and ``"hello world"`` on line 2.

    Fix: Keep one of the spellings and drop the other records, or merge their outputs. If the
    variants are deliberate (teaching robustness to case or spacing), ignore D003.
    """

    code = "D003"
    name = "near-duplicate-input"
    summary = "Inputs are equal after normalisation"
    default_severity = Severity.INFO
    field_name = "input"

    def _columns(self, batch: Batch, scale: int) -> tuple[array[int], array[int] | None]:
        return normalized_input_keys(batch, scale), input_keys(batch)

    def _report(self, ctx: Context, where: _Where, first: _Where, field: str | None) -> Finding:
        return self.finding(
            ctx,
            f"input equals the input of {_where(first)} once case, whitespace and Unicode width are "
            "normalised; the two are near-duplicates. Keep one of them, or ignore D003 if the "
            "variation is deliberate",
            line=where[0],
            record=where[1],
            field=field,
            related=(_location(ctx.path, first, field),),
        )


# -- D004: split leakage ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _TrainIndex:
    """What a training file publishes for its validation file: the first occurrence of every
    normalised-input key, sorted by key (16 bytes a distinct input)."""

    keys: array[int]
    records: array[int]
    lines: array[int]

    def __len__(self) -> int:
        return len(self.keys)

    @classmethod
    def of(cls, seen: _Occurrences) -> _TrainIndex:
        firsts = seen.first_occurrences()
        return cls(firsts.keys, firsts.records, firsts.lines)

    def lookup(self, keys: array[int]) -> list[int]:
        """For every key, its index in this index, or -1 when the training file does not have it."""
        known = self.keys
        if not known:
            return [-1] * len(keys)
        if not numpy_pays(len(known)):
            return [self._find(key) for key in keys]
        import numpy as np

        sorted_keys = np.frombuffer(known, dtype=np.uint64)
        wanted = np.frombuffer(keys, dtype=np.uint64)
        at = np.minimum(np.searchsorted(sorted_keys, wanted), len(known) - 1)
        found: list[int] = np.where(sorted_keys[at] == wanted, at, -1).tolist()
        return found

    def _find(self, key: int) -> int:
        at = bisect.bisect_left(self.keys, key)
        return at if at < len(self.keys) and self.keys[at] == key else -1

    def where(self, index: int) -> _Where:
        return self.lines[index], self.records[index]


class SplitLeakage(Rule):
    """What: An input of a validation (or test) file also appears, normalised, in its paired training
    file. Reported at the validation file's record, with the training file's first occurrence as the
    related location. Pairs come from ``--validation``, ``[[datasets]]`` in config, or files linted
    together whose names differ only by a split word (``train.jsonl`` / ``valid.jsonl``).

    Why: The validation set measures how the tuned model does on prompts it has not seen. A leaked
    prompt was trained on, so the validation loss and any evaluation on it look better than the
    model will do in production.

    Example: ``"What is the capital of France?"`` in ``train.jsonl`` and ``"what is the capital of
    france?"`` in ``valid.jsonl``.

    Fix: Remove the leaked records from the validation file (or from the training file), so the two
    splits share no input.
    """

    code = "D004"
    name = "split-leakage"
    summary = "A validation input also appears in the training file"
    default_severity = Severity.ERROR

    def __init__(self, options: Any = None) -> None:
        super().__init__(options)
        #: Training side: the normalised-input key of every example; its first occurrences are
        #: published in ``ctx.shared[("D004", path)]`` by ``finish``.
        self._seen: _Occurrences | None = None
        #: Validation side: the training file's index and path.
        self._train: _TrainIndex | None = None
        self._train_path: str | None = None

    @property
    def state_bytes(self) -> int:
        """Bytes of state held (the training side's columns), for memory tests and benchmarks."""
        return self._seen.nbytes if self._seen is not None else 0

    def start(self, ctx: Context) -> Iterator[Finding]:
        if ctx.file.role == "train":
            self._seen = _Occurrences()
        elif ctx.file.role == "validation" and ctx.file.pair is not None:
            found = ctx.shared.get((self.code, ctx.file.pair))
            if isinstance(found, _TrainIndex):
                self._train, self._train_path = found, ctx.file.pair
        yield from ()

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        return self.check_batch(Batch.of([example]), ctx)

    def check_batch(self, batch: Batch, ctx: Context) -> Iterable[Finding]:
        if not len(batch):
            return ()
        if self._seen is not None:
            self._seen.add(batch, normalized_input_keys(batch, _scale(ctx, len(self._seen))))
            return ()
        if self._train is None or self._train_path is None:
            return ()
        hits = self._train.lookup(normalized_input_keys(batch, _scale(ctx, len(self._train))))
        train, path = self._train, self._train_path
        return [self._leak(batch, i, ctx, train.where(hit), path) for i, hit in enumerate(hits) if hit >= 0]

    def _leak(self, batch: Batch, i: int, ctx: Context, first: _Where, train_path: str) -> Finding:
        return self.finding(
            ctx,
            f"input also appears in the training file {train_path} at {_where(first)}; a "
            "leaked example makes validation scores look better than the model is. Remove it "
            "from one of the two files",
            line=batch.lines[i],
            record=batch.records[i],
            field=batch.fields[i].get("input"),
            related=(_location(train_path, first),),
        )

    def merge(self, other: Rule, shift: Shift = NO_SHIFT) -> None:
        """Training side: append another shard's keys (the lowest record number is the first
        occurrence). Validation side: nothing to merge, findings are made batch by batch."""
        if not isinstance(other, SplitLeakage):
            raise TypeError(f"cannot merge {type(other).__name__} into SplitLeakage")
        if other._seen is None:
            return
        if self._seen is None:
            self._seen = _Occurrences()
        self._seen.extend(other._seen, shift)

    def finish(self, ctx: Context) -> Iterator[Finding]:
        if self._seen is not None and ctx.file.role == "train":
            ctx.shared[(self.code, ctx.path)] = _TrainIndex.of(self._seen)
        yield from ()


# -- D005: similar inputs (MinHash + LSH) -----------------------------------------------------------


@dataclass(frozen=True)
class SimilarInputsOptions:
    #: Report an input whose estimated Jaccard similarity to an earlier input exceeds this.
    threshold: float = 0.8
    #: Words per shingle (inputs are normalised, then split on whitespace; characters of scripts
    #: written without spaces count as words).
    shingle_size: int = 3
    #: MinHash permutations: more is more accurate and slower (signatures take 2 bytes each).
    num_perm: int = 64
    #: Records indexed at most (about 150 bytes each with the defaults); later ones are not checked.
    max_records: int = 1_000_000
    #: Earlier records of one LSH bucket compared with each record (bounds the work on data where
    #: many inputs share a template).
    max_candidates: int = 64


#: Shingles hashed per block when building signatures, bounding the temporary matrix (num_perm x
#: _BLOCK 8-byte values).
_BLOCK = 4096
#: Records whose signatures are computed together.
_BATCH = 256
_MIX1 = 0xBF58476D1CE4E5B9
_MIX2 = 0x94D049BB133111EB
_SHINGLE_MUL = 0x9E3779B97F4A7C15


@functools.lru_cache(maxsize=8)
def _permutations(num_perm: int) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """``(a, b)`` of ``num_perm`` hash functions ``h(x) = a*x + b mod 2**64`` (``a`` odd), derived
    from a fixed seed so signatures are identical in every process and on every platform (shards
    merged across machines compare correctly)."""
    import numpy as np

    words = [
        int.from_bytes(hashlib.blake2b(f"tunelint-minhash-{i}".encode(), digest_size=16).digest(), "little")
        for i in range(num_perm)
    ]
    a = np.array([(w & _MASK64) | 1 for w in words], dtype=np.uint64)
    b = np.array([w >> 64 for w in words], dtype=np.uint64)
    return a, b


def _mix(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """splitmix64's finaliser, element-wise: every output bit depends on every input bit."""
    import numpy as np

    values = values ^ (values >> np.uint64(30))
    values = values * np.uint64(_MIX1)
    values = values ^ (values >> np.uint64(27))
    values = values * np.uint64(_MIX2)
    return values ^ (values >> np.uint64(31))


#: Scripts written without spaces between words (Han, kana, Thai, Lao, Khmer, Myanmar): there every
#: character counts as a word, or a whole sentence would be one "word".
_UNSPACED = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
)
_HAS_UNSPACED = re.compile(f"[{_UNSPACED}]")
_TOKEN = re.compile(f"[{_UNSPACED}]|[^\\s{_UNSPACED}]+")


def _words(normalized: str) -> list[bytes]:
    """The words of a normalised text, as UTF-8."""
    if _HAS_UNSPACED.search(normalized):
        return [token.encode("utf-8", "surrogatepass") for token in _TOKEN.findall(normalized)]
    return normalized.encode("utf-8", "surrogatepass").split(b" ")


def minhash_signature(text: str, shingle_size: int = 3, num_perm: int = 64) -> bytes | None:
    """The MinHash signature of ``text``'s word shingles, normalised first: ``num_perm`` 16-bit values
    (2 bytes each, little-endian), or ``None`` for a text without words. A text with fewer words than
    ``shingle_size`` is one shingle.

    Each value is 16 bits of the minimum of one hash function over the shingles (b-bit minwise
    hashing): two texts agree on a position with probability ``J + (1 - J) / 65536`` for Jaccard
    similarity ``J``, so the share of equal positions estimates ``J``.
    """
    normalized = normalize_text(text)
    if not normalized:
        return None
    return bytes(_signatures([normalized], shingle_size, num_perm).tobytes())


def _signatures(texts: list[str], shingle_size: int, num_perm: int) -> npt.NDArray[np.uint16]:
    """Signatures of non-empty normalised texts, one row each (``len(texts) x num_perm``), computed
    together so NumPy's per-call cost is paid once per batch rather than once per record."""
    import numpy as np

    words = [_words(text) for text in texts]
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    flat = list(itertools.chain.from_iterable(words))
    # A word's 64-bit id: CRC-32 and Adler-32 side by side (two fast C calls; blake2b per word costs
    # four times as much), then spread by the splitmix64 finaliser.
    low = np.fromiter(map(zlib.crc32, flat), dtype=np.uint64, count=len(flat))
    high = np.fromiter(map(zlib.adler32, flat), dtype=np.uint64, count=len(flat))
    ids = _mix((high << np.uint64(32)) | low)

    # windows[w - 1][g] combines ids[g : g + w]; a record's shingles are its windows of width
    # min(shingle_size, its word count) that start inside it and stay inside it.
    widths = np.minimum(lengths, shingle_size)
    counts = lengths - widths + 1
    starts = np.cumsum(lengths) - lengths
    mul = np.uint64(_SHINGLE_MUL)
    windows = [ids]
    for w in range(1, int(widths.max())):
        windows.append(windows[-1][: len(ids) - w] * mul + ids[w:])
    owner = np.repeat(np.arange(len(texts)), counts)  # shingle -> its record
    first_shingle = np.cumsum(counts) - counts
    positions = np.repeat(starts, counts) + (np.arange(len(owner)) - np.repeat(first_shingle, counts))
    shingle_widths = np.repeat(widths, counts)
    shingles = np.empty(len(owner), dtype=np.uint64)
    for w in np.unique(widths).tolist():
        chosen = shingle_widths == w
        shingles[chosen] = windows[w - 1][positions[chosen]]
    shingles = _mix(shingles)

    a, b = _permutations(num_perm)
    mins = np.full((num_perm, len(texts)), _MASK64, dtype=np.uint64)
    for start in range(0, len(shingles), _BLOCK):
        block = shingles[start : start + _BLOCK]
        records = owner[start : start + _BLOCK]
        values = a[:, None] * block[None, :] + b[:, None]  # wraps modulo 2**64
        segments = np.flatnonzero(np.concatenate(([True], records[1:] != records[:-1])))
        present = records[segments]
        mins[:, present] = np.minimum(mins[:, present], np.minimum.reduceat(values, segments, axis=1))
    bits = ((mins >> np.uint64(16)) & np.uint64(0xFFFF)).astype("<u2")
    return np.ascontiguousarray(bits.T)


@functools.lru_cache(maxsize=32)
def lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """``(bands, rows)`` with ``bands * rows <= num_perm`` minimising the sum of the false-positive
    and false-negative areas of the LSH S-curve ``1 - (1 - s**rows)**bands`` around ``threshold`` (the
    usual choice, as in datasketch's ``MinHashLSH``)."""
    steps = 200

    def area(lo: float, hi: float, bands: int, rows: int, positive: bool) -> float:
        width = (hi - lo) / steps
        total = 0.0
        for i in range(steps):
            s = lo + (i + 0.5) * width
            p = 1.0 - (1.0 - s**rows) ** bands
            total += p if positive else 1.0 - p
        return total * width

    best = (float("inf"), 1, num_perm)
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            error = area(0.0, threshold, bands, rows, True) + area(threshold, 1.0, bands, rows, False)
            if error < best[0]:
                best = (error, bands, rows)
    return best[1], best[2]


class SimilarInputs(Rule):
    """Similar inputs, found with MinHash and LSH banding.

    Implementation (not shown by ``tunelint rule``): an own MinHash with LSH banding, vectorised with
    NumPy (already installed: pandas requires it), rather than the ``datasketch`` library, which would
    add SciPy as a new dependency and keep a MinHash object plus a Python entry in every band's hash
    table for every record. Here a record costs ``2 * num-perm + 24`` bytes in flat arrays (152 with
    the defaults) and at most ``max-records`` are indexed. Signatures use fixed-seed hash functions, so
    shards built in different processes merge correctly. Candidates are found per band in ``finish``
    by sorting the band hashes (no per-record dict), then checked on the full signature.

    What: (Opt-in: select ``D005`` or ``similar-inputs``.) An input is very similar to an earlier
    one: the Jaccard similarity of their sets of word shingles (``shingle-size`` consecutive words of
    the normalised input, default 3; in Chinese, Japanese, Thai and other scripts written without
    spaces, characters count as words), estimated with MinHash, exceeds ``threshold`` (default 0.8).
    Reported once per record, with the most similar earlier record as the related location. Inputs
    that are equal after normalisation are D001/D002/D003, never D005.

    Why: Many slight variations of one prompt (a changed number, a reworded clause) over-weight it
    just like exact duplicates do, and across a train/validation split they leak. They are invisible
    to exact comparison.

    Example: ``"Summarise the following article about the harbour strike in Leith"`` and ``"Summarise
    the following article about the harbour strike in Leith today"``.

    Fix: Drop or rewrite the variants so each prompt teaches something new, or raise ``threshold`` in
    ``[rules.D005]`` if the similarity is expected (a shared template with short variable parts).
    """

    code = "D005"
    name = "similar-inputs"
    summary = "Inputs are very similar (MinHash estimate of Jaccard similarity)"
    default_severity = Severity.INFO
    default_enabled = False
    options = SimilarInputsOptions

    def __init__(self, options: SimilarInputsOptions | None = None) -> None:
        super().__init__(options)
        opts: SimilarInputsOptions = self.opts
        problems = []
        if not 0.0 < opts.threshold <= 1.0:
            problems.append(f"threshold must be above 0 and at most 1, got {opts.threshold}")
        if opts.shingle_size < 1:
            problems.append(f"shingle-size must be at least 1, got {opts.shingle_size}")
        if not 1 <= opts.num_perm <= 1024:
            problems.append(f"num-perm must be between 1 and 1024, got {opts.num_perm}")
        if opts.max_records < 1 or opts.max_candidates < 1:
            problems.append("max-records and max-candidates must be at least 1")
        if problems:
            raise ValueError(f"[rules.{self.code}] " + "; ".join(problems))
        self._signatures = bytearray()  # num_perm 16-bit values per record, in _records order
        self._normalized = array("Q")  # 64-bit fingerprint of the normalised input
        self._lines = array("Q")
        self._records = array("Q")
        #: Normalised inputs of the last records, whose signatures are computed in one batch.
        self._pending: list[str] = []
        self._field: str | None = None
        self._skipped = 0

    @property
    def state_bytes(self) -> int:
        """Bytes of state held (signatures and columns), for memory tests and benchmarks."""
        columns = (self._normalized, self._lines, self._records)
        return len(self._signatures) + sum(len(c) * c.itemsize for c in columns)

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        return self.check_batch(Batch.of([example]), ctx)

    def check_batch(self, batch: Batch, ctx: Context) -> Iterable[Finding]:
        normalized = normalized_inputs(batch, _scale(ctx, len(self._records)))
        chosen = [i for i, text in enumerate(normalized) if text]  # an input without words has no shingle
        room = max(0, self.opts.max_records - len(self._records))
        if len(chosen) > room:
            # Only inputs that would have been indexed count as skipped, so that shards (each with its
            # own room) add up to the same count as one pass.
            self._skipped += len(chosen) - room
            chosen = chosen[:room]
        if not chosen:
            return ()
        if not self._records:
            self._field = batch.fields[chosen[0]].get("input")
        keys = normalized_input_keys(batch, _scale(ctx, len(self._records)))
        self._pending.extend(normalized[i] for i in chosen)
        self._normalized.extend(keys[i] for i in chosen)
        self._lines.extend(batch.lines[i] for i in chosen)
        self._records.extend(batch.records[i] for i in chosen)
        if len(self._pending) >= _BATCH:
            self._flush()
        return ()

    def _flush(self) -> None:
        if self._pending:
            self._signatures += _signatures(self._pending, self.opts.shingle_size, self.opts.num_perm).tobytes()
            self._pending.clear()

    def merge(self, other: Rule, shift: Shift = NO_SHIFT) -> None:
        """Append another shard's records (same options), moved by ``shift``. Record numbers decide
        which record is earlier; beyond ``max-records`` the records with the highest numbers are
        dropped."""
        if not isinstance(other, SimilarInputs):
            raise TypeError(f"cannot merge {type(other).__name__} into SimilarInputs")
        if (other.opts.num_perm, other.opts.shingle_size) != (self.opts.num_perm, self.opts.shingle_size):
            raise ValueError("cannot merge D005 states built with different num-perm or shingle-size")
        self._flush()
        other._flush()
        if not self._records:
            self._field = other._field
        self._signatures += other._signatures
        self._normalized.extend(other._normalized)
        self._lines.extend(_shifted(other._lines, shift.lines))
        self._records.extend(_shifted(other._records, shift.records, keep_zero=True))
        self._skipped += other._skipped
        excess = len(self._records) - self.opts.max_records
        if excess > 0:
            keep = sorted(range(len(self._records)), key=self._records.__getitem__)[: self.opts.max_records]
            self._take(keep)
            self._skipped += excess

    def _take(self, order: list[int]) -> None:
        width = 2 * self.opts.num_perm
        sigs = self._signatures
        self._signatures = bytearray(b"".join(bytes(sigs[i * width : (i + 1) * width]) for i in order))
        self._normalized = array("Q", (self._normalized[i] for i in order))
        self._lines = array("Q", (self._lines[i] for i in order))
        self._records = array("Q", (self._records[i] for i in order))

    def finish(self, ctx: Context) -> Iterator[Finding]:
        self._flush()
        if self._skipped:
            yield self.finding(
                ctx,
                f"similar inputs were looked for among the first {plural(len(self._records), 'record')} "
                f"only ({thousands(self._skipped)} more were not checked); raise max-records in "
                "[rules.D005] to check them all",
            )
        if len(self._records) < 2:
            return
        yield from self._similar(ctx)

    def _similar(self, ctx: Context) -> Iterator[Finding]:
        import numpy as np

        perm = self.opts.num_perm
        n = len(self._records)
        records = np.frombuffer(self._records, dtype=np.uint64)
        order = np.argsort(records, kind="stable")  # position -> ordinal, in record order
        sigs = np.frombuffer(self._signatures, dtype="<u2").reshape(n, perm)[order]  # a copy
        normalized = np.frombuffer(self._normalized, dtype=np.uint64)[order]

        # An input whose normalised form was seen before is D001/D002/D003 territory.
        by_text = np.lexsort((np.arange(n), normalized))
        repeat = np.zeros(n, dtype=bool)
        repeat[by_text[1:]] = normalized[by_text[1:]] == normalized[by_text[:-1]]

        best_matches = np.zeros(n, dtype=np.int64)
        best_source = np.full(n, -1, dtype=np.int64)
        bands, rows = lsh_bands(self.opts.threshold, perm)
        multipliers = _permutations(rows)[0]
        window = self.opts.max_candidates
        for band in range(bands):
            part = sigs[:, band * rows : (band + 1) * rows].astype(np.uint64)
            keys = (part * multipliers).sum(axis=1, dtype=np.uint64)
            by_key = np.argsort(keys, kind="stable")  # equal keys together, in record order
            sorted_keys = keys[by_key]
            starts = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
            ends = np.append(starts[1:], n)
            for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
                if end - start < 2:
                    continue
                members = by_key[start:end]
                for p in range(1, len(members)):
                    current = int(members[p])
                    if repeat[current]:
                        continue
                    earlier = members[max(0, p - window) : p]
                    matches = np.count_nonzero(sigs[earlier] == sigs[current], axis=1)
                    top = int(matches.max())
                    source = int(earlier[int(np.argmax(matches == top))])
                    if top > best_matches[current] or (
                        top == best_matches[current] and 0 <= source < best_source[current]
                    ):
                        best_matches[current], best_source[current] = top, source

        lines = np.frombuffer(self._lines, dtype=np.uint64)[order]
        record_numbers = records[order]
        threshold = self.opts.threshold
        for position in np.flatnonzero(best_source >= 0).tolist():
            similarity = int(best_matches[position]) / perm
            if repeat[position] or similarity <= threshold:
                continue
            source = int(best_source[position])
            first = (int(lines[source]), int(record_numbers[source]))
            yield self.finding(
                ctx,
                f"input is about {similarity:.0%} similar to the input of {_where(first)} (estimated "
                f"Jaccard similarity of {self.opts.shingle_size}-word shingles, above {threshold:g}); "
                "near-copies over-weight one prompt. Drop or rewrite one of them",
                line=int(lines[position]),
                record=int(record_numbers[position]),
                field=self._field,
                related=(_location(ctx.path, first, self._field),),
            )


RULES = (DuplicateExample, ConflictingOutputs, NearDuplicateInput, SplitLeakage, SimilarInputs)
