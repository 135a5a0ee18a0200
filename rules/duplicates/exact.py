"""D001-D003: exact repeats of an example, one input with different outputs, and inputs equal after
normalisation, all found in ``finish`` from the first occurrence of every key."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from rules._batch import input_keys, normalized_input_keys, output_keys, pair_keys
from rules.duplicates._columns import _Occurrences
from rules.duplicates._common import _location, _scale, _Where, _where
from validator.api import NO_SHIFT, Batch, Context, Example, Finding, Rule, Severity, Shift


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
