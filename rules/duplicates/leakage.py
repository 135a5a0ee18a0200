"""D004: validation inputs that also appear, normalised, in the paired training file."""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from rules._batch import normalized_input_keys, numpy_pays
from rules.duplicates._columns import _Occurrences
from rules.duplicates._common import _location, _scale, _Where, _where
from validator.api import NO_SHIFT, Batch, Context, Example, Finding, Rule, Severity, Shift


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
