"""S rules: the structure of each record against its shape's JSON Schema, and empty/placeholder text."""

from __future__ import annotations

import difflib
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from validator.api import (
    NO_SHIFT,
    Batch,
    Context,
    Example,
    Finding,
    Location,
    Record,
    Rule,
    Severity,
    Shift,
    StatelessRule,
    Violation,
)

__all__ = ["RULES"]

#: Formats whose records are rows under one header: a missing or extra column is the header's.
_TABULAR = ("csv", "tsv")

_R = TypeVar("_R", bound=Rule)


def _same(rule: _R, other: Rule) -> _R:
    """``other`` as the type of ``rule``: only instances of one rule can be merged."""
    if not isinstance(other, type(rule)):
        raise TypeError(f"cannot merge {type(other).__name__} into {type(rule).__name__}")
    return other


def _finding(
    rule: Rule, record: Record, violation: Violation, ctx: Context, advice: str, record_advice: str = ""
) -> Finding:
    # A violation with no field is about the record as a whole (e.g. an array, not an object).
    hint = advice if violation.field or not record_advice else record_advice
    return rule.finding(ctx, f"{violation.message}; {hint}", at=record, field=violation.field or None)


def _findings_of(
    rule: Rule, records: Sequence[Record], ctx: Context, kinds: tuple[str, ...], advice: str, record_advice: str = ""
) -> Iterator[Finding]:
    """A finding (see :func:`_finding`) for every violation of one of ``kinds`` in ``records``."""
    for record in _flawed(records):
        for violation in record.violations:
            if violation.kind in kinds:
                yield _finding(rule, record, violation, ctx, advice, record_advice)


def _flawed(records: Sequence[Record]) -> list[Record]:
    """The records with structural violations (a non-empty tuple): none in a clean batch, found
    by one list comprehension (on CPython 3.11+ faster than ``attrgetter`` and ``compress``)."""
    return [r for r in records if r.violations]


class _OncePerColumn:
    """In CSV/TSV a missing or extra column is a header problem shared by every row: report it on
    the first row only, not once per row.

    Which row is the first is known only once every shard is merged, so the first finding of each
    column is kept (a few per file: one per column) and reported by the rule's ``finish``."""

    def __init__(self) -> None:
        self._first: dict[str, Finding] = {}

    def __contains__(self, column: object) -> bool:
        return column in self._first

    def keep(self, column: str, finding: Finding) -> None:
        """Remember ``finding`` unless an earlier row already has one for ``column``."""
        self._first.setdefault(column, finding)

    def merge(self, other: _OncePerColumn, shift: Shift) -> None:
        """Add the columns first met in the next shard (this shard's rows come first)."""
        for column, finding in other._first.items():
            if column not in self._first:
                self._first[column] = shift.finding(finding)

    def findings(self) -> Iterator[Finding]:
        """The first finding of every column."""
        yield from self._first.values()


class _ViolationOfKind(Rule):
    """S001/S004: one finding per violation of ``kind``; in CSV/TSV, where a missing or extra column
    is a header problem shared by every row, only the first row's, reported at ``finish``."""

    kind: str = ""

    def __init__(self, options: object = None) -> None:
        super().__init__(options)
        self._columns = _OncePerColumn()

    def _report(self, record: Record, violation: Violation, ctx: Context, tabular: bool) -> Finding:
        raise NotImplementedError

    def check_record(self, record: Record, ctx: Context) -> Iterable[Finding]:
        return self.check_records((record,), ctx)

    def check_records(self, records: Sequence[Record], ctx: Context) -> Iterator[Finding]:
        tabular = ctx.file.format in _TABULAR
        columns = self._columns
        for record in _flawed(records):
            for violation in record.violations:
                if violation.kind != self.kind or (tabular and violation.field in columns):
                    continue
                finding = self._report(record, violation, ctx, tabular)
                if tabular:
                    columns.keep(violation.field, finding)
                else:
                    yield finding

    def merge(self, other: Rule, shift: Shift = NO_SHIFT) -> None:
        """Fold the next shard's first row per column."""
        self._columns.merge(_same(self, other)._columns, shift)

    def finish(self, ctx: Context) -> Iterator[Finding]:
        yield from self._columns.findings()


class MissingField(_ViolationOfKind):
    """What: A field the detected shape requires is absent from a record.

    Why: The provider rejects the record (and usually the whole file); an example without its output
    teaches nothing.

    Example: ``{"text_input": "1"}`` in a file of ``text_input``/``output`` records.

    Fix: Add the missing field, or drop the record.
    """

    code = "S001"
    name = "missing-field"
    summary = "A required field is missing"
    default_severity = Severity.ERROR
    kind = "missing"

    def _report(self, record: Record, violation: Violation, ctx: Context, tabular: bool) -> Finding:
        return _finding(self, record, violation, ctx, "add it or drop the record")


class WrongType(StatelessRule):
    """What: A field has the wrong JSON type, or a record is not an object.

    Why: Providers expect text where text belongs; a number or a list where a string is expected is
    rejected, and a record that is an array is not an example at all.

    Example: ``{"text_input": "1", "output": 2}`` (a number, not the string ``"2"``).

    Fix: Quote the value (``"2"``) or restructure the record as an object with the expected fields.
    """

    code = "S002"
    name = "wrong-type"
    summary = "A field has the wrong JSON type"
    default_severity = Severity.ERROR

    def check_record(self, record: Record, ctx: Context) -> Iterable[Finding]:
        return self.check_records((record,), ctx)

    def check_records(self, records: Sequence[Record], ctx: Context) -> Iterator[Finding]:
        return _findings_of(
            self,
            records,
            ctx,
            ("type", "other"),
            "give the field the expected type (text in quotes)",
            "write the record as a JSON object with the shape's fields",
        )


class EmptyText(StatelessRule):
    """What: An example's output (error) or input (warning) is empty or only whitespace.

    Why: An empty output teaches the model to answer with nothing; an empty input teaches it to
    produce the output unprompted. Blank spreadsheet cells often end up like this.

    Example: ``{"text_input": "What is 2+2?", "output": "  "}``.

    Fix: Fill in the text or drop the example. (Conversations are checked turn by turn by R004.)
    """

    code = "S003"
    name = "empty-text"
    summary = "Input or output is empty or whitespace only"
    default_severity = Severity.ERROR

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        return self.check_batch(Batch.of((example,)), ctx)

    def check_batch(self, batch: Batch, ctx: Context) -> Iterator[Finding]:
        inputs, outputs = batch.inputs, batch.outputs
        # str.strip returns a text without surrounding whitespace unchanged, so a batch without
        # empty texts costs two C-speed passes. Empty outputs matter only for shapes with an output
        # (plain text has none, and its output is always empty).
        empty_inputs = not all(map(str.strip, inputs))
        empty_outputs = not all(map(str.strip, outputs)) and _any_output(batch)
        if not (empty_inputs or empty_outputs):
            return
        suspects: set[int] = set()
        if empty_inputs:
            suspects.update(i for i, text in enumerate(inputs) if not text.strip())
        if empty_outputs:
            suspects.update(i for i, text in enumerate(outputs) if not text.strip())
        for i in sorted(suspects):
            if batch.conversational and batch[i].turns:
                continue  # conversations: R004 reports each empty turn, R003 a missing answer
            fields = batch.fields[i]
            if "output" in fields and not outputs[i].strip():
                yield self.finding(
                    ctx,
                    "output is empty or whitespace only; write the expected answer or drop the example",
                    line=batch.lines[i],
                    record=batch.records[i],
                    field=fields.get("output"),
                )
            if not inputs[i].strip():
                yield self.finding(
                    ctx,
                    "input is empty or whitespace only; write the prompt or drop the example",
                    line=batch.lines[i],
                    record=batch.records[i],
                    field=fields.get("input"),
                    severity=Severity.WARNING,
                )


def _any_output(batch: Batch) -> bool:
    """Whether any example of ``batch`` has an output field; examples of one shape usually share
    one field map, so each distinct map is looked at once."""
    distinct = dict(zip(map(id, batch.fields), batch.fields, strict=True)).values()
    return any("output" in fields for fields in distinct)


class UnexpectedField(_ViolationOfKind):
    """What: A record has a key, or a CSV file a column, that its shape does not define.

    Why: Usually a typo (``outptu``) that leaves the real field missing, or an extra column that the
    provider rejects or silently drops.

    Example: ``{"text_input": "1", "output": "2", "source": "wiki"}``.

    Fix: Rename a misspelt key, or remove the extra field. To train on other column names, map them
    with ``--input-field``/``--output-field``.
    """

    code = "S004"
    name = "unexpected-field"
    summary = "A key or column the shape does not define"
    default_severity = Severity.WARNING

    kind = "unexpected"

    def _report(self, record: Record, violation: Violation, ctx: Context, tabular: bool) -> Finding:
        return self._unexpected(record, violation.field, violation.expected, ctx, tabular)

    def _unexpected(self, record: Record, field: str, expected: str, ctx: Context, tabular: bool) -> Finding:
        key = field.rsplit("/", 1)[-1]
        allowed = [a.strip() for a in expected.split(",") if a.strip()]
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"this shape allows: {', '.join(allowed)}"
        what = "column" if tabular else "field"
        return self.finding(
            ctx,
            f"{what} '{key}' is not part of the {record.schema or ctx.file.schema} shape; {hint} Remove or rename it",
            at=record,
            field=field,
        )


class MixedSchemas(Rule):
    """What: Records of different shapes in one file.

    Why: Providers reject files that mix formats, and a mix usually means two exports were
    concatenated with different field names.

    Example: ``{"text_input", "output"}`` records followed by ``{"prompt", "completion"}`` records.

    Fix: Convert every record to the file's main shape, or split the file.
    """

    code = "S005"
    name = "mixed-schemas"
    summary = "Records of different shapes in one file"
    default_severity = Severity.ERROR

    def __init__(self, options: object = None) -> None:
        super().__init__(options)
        # (line, record number) of the first record of the file's main shape: every finding's
        # ``related`` points there, and it may lie in an earlier shard than the mixed-in record.
        self._first: tuple[int, int] | None = None
        # Where the records of another shape are (line, record number, shape), in file order:
        # positions only, never values. Reported in ``finish``, once the first main record is known.
        self._lines = array("q")
        self._records = array("q")
        self._shapes: list[str] = []

    def check_record(self, record: Record, ctx: Context) -> Iterable[Finding]:
        return self.check_records((record,), ctx)

    def check_records(self, records: Sequence[Record], ctx: Context) -> Iterable[Finding]:
        main = ctx.file.schema
        if main is None:
            return ()
        if self._first is None:
            first = next((r for r in records if r.schema == main), None)
            if first is not None:
                self._first = (first.line, first.index)
        for record in records:
            shape = record.schema
            if shape is not None and shape != main:
                self._lines.append(record.line)
                self._records.append(record.index)
                self._shapes.append(shape)
        return ()

    def merge(self, other: Rule, shift: Shift = NO_SHIFT) -> None:
        """Append the next shard's mixed-in records; its first main record counts only when this
        shard has none."""
        theirs = _same(self, other)
        if self._first is None and theirs._first is not None:
            self._first = (shift.line(theirs._first[0]), shift.record(theirs._first[1]))
        self._lines.extend(shift.line(line) for line in theirs._lines)
        self._records.extend(shift.record(index) for index in theirs._records)
        self._shapes += theirs._shapes

    def finish(self, ctx: Context) -> Iterator[Finding]:
        related = (Location(ctx.path, *self._first),) if self._first is not None else ()
        main = ctx.file.schema
        for line, index, shape in zip(self._lines, self._records, self._shapes, strict=True):
            yield self.finding(
                ctx,
                f"record has the {shape} shape but the file's shape is {main}; convert it or move it to its own file",
                line=line,
                record=index,
                related=related,
            )


@dataclass(frozen=True)
class PlaceholderOptions:
    """Options of S006."""

    #: Whole values that mark missing data (compared after trimming whitespace).
    values: tuple[str, ...] = ("nan", "NaN", "NAN", "None", "none", "null", "NULL", "Null", "undefined", "<NA>")


class PlaceholderValue(StatelessRule):
    """What: A whole input or output is a missing-value placeholder such as ``nan``, ``None``,
    ``null``, ``undefined`` or ``<NA>``.

    Why: These are the marks of a DataFrame converted with ``str()`` (the old Gemini SDK did this):
    blank cells became the text "nan", and the model learns to answer "nan".

    Example: ``{"text_input": "Summarise: ...", "output": "nan"}``.

    Fix: Fill the missing cells or drop those rows before exporting (``df.dropna()``).

    Options: ``values`` — the placeholder strings to flag.
    """

    code = "S006"
    name = "placeholder-value"
    summary = "A value is a placeholder such as nan or None"
    default_severity = Severity.WARNING
    options = PlaceholderOptions

    def __init__(self, options: PlaceholderOptions | None = None) -> None:
        super().__init__(options)
        self._values = frozenset(v.strip() for v in self.opts.values)

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        return self.check_batch(Batch.of((example,)), ctx)

    def check_batch(self, batch: Batch, ctx: Context) -> Iterator[Finding]:
        values, strip = self._values, str.strip
        # Values are trimmed, so a text is a placeholder exactly when its trimmed form is one of
        # them; isdisjoint tests a whole column in C and stops at the first hit.
        if values.isdisjoint(map(strip, batch.inputs)) and values.isdisjoint(map(strip, batch.outputs)):
            return
        for i, (source, target) in enumerate(zip(batch.inputs, batch.outputs, strict=True)):
            for role, text in (("input", source), ("output", target)):
                if text.strip() in values:
                    yield self.finding(
                        ctx,
                        f"{role} is the placeholder {text.strip()!r}, the mark of a missing value converted "
                        "to text; fill it in or drop the example",
                        line=batch.lines[i],
                        record=batch.records[i],
                        field=batch.fields[i].get(role),
                    )


class DuplicateKey(StatelessRule):
    """What: A JSON object names the same key more than once (the record itself or any object in
    it: a turn, a part, a tool call; or, in a JSON document, an object outside the records: the
    wrapper's ``examples``, a request body's ``epochCount``), or a CSV/TSV header names the same
    column more than once.

    Why: Only one value per key survives parsing, and which one depends on the parser: Python,
    orjson and JavaScript keep the last, others the first, and Google's protobuf JSON parser
    rejects the record. The other values vanish without a word, so what the provider would train on
    is undefined. tunelint lints the last value, as the rest of the record is read.

    Example: ``{"text_input": "draft", "text_input": "final question", "output": "a"}``, or the
    CSV header ``input,input,output``.

    Fix: Remove the repeated key (or column), or rename it if both values are wanted. Keys are
    compared after decoding escapes: ``"in\\u0070ut"`` is ``"input"``.
    """

    code = "S007"
    name = "duplicate-key"
    summary = "An object repeats a key, or a header a column"
    default_severity = Severity.ERROR

    def check_record(self, record: Record, ctx: Context) -> Iterable[Finding]:
        return self.check_records((record,), ctx)

    def check_records(self, records: Sequence[Record], ctx: Context) -> Iterator[Finding]:
        return _findings_of(
            self,
            records,
            ctx,
            (_REPEATED_KEY,),
            "only the last value of a repeated key is read and the others are silently dropped: "
            "remove or rename the repeat",
        )

    def finish(self, ctx: Context) -> Iterator[Finding]:
        for line, pointer, times in ctx.file.repeated_keys:
            parent, key = pointer.rsplit("/", 1)
            owner = f"the object at {parent}" if parent else "the document"
            yield self.finding(
                ctx,
                f"{owner} names the key {key.replace('~1', '/').replace('~0', '~')!r} {_times(times)} outside the "
                "records; only the last value is read and the others are silently dropped (a provider may also "
                "reject the file): remove or rename the repeat",
                line=line,
                field=pointer,
            )
        # The header is read once, by the reader of the file's start: its facts are the file's.
        for line, column, positions in ctx.file.repeated_columns:
            where = ", ".join(str(p) for p in positions[:-1]) + f" and {positions[-1]}"
            yield self.finding(
                ctx,
                f"the header names the column {column!r} {_times(len(positions))} (columns {where}); each row "
                "keeps only the last of those cells and the others are silently dropped: remove or rename "
                "the repeated column",
                line=line,
                field=column,
            )


def _times(n: int) -> str:
    return "twice" if n == 2 else f"{n} times"


#: The violation kind the readers give a record whose text names a key twice (see :class:`DuplicateKey`).
_REPEATED_KEY = "repeated-key"


RULES = (MissingField, WrongType, EmptyText, UnexpectedField, MixedSchemas, PlaceholderValue, DuplicateKey)
