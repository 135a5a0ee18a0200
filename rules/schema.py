"""S rules: the structure of each record against its shape's JSON Schema, and empty/placeholder text."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass

from validator.api import Context, Example, Finding, Location, Record, Rule, Severity

__all__ = ["RULES"]


def _violations(
    rule: Rule, record: Record, ctx: Context, kinds: tuple[str, ...], advice: str, record_advice: str = ""
) -> Iterator[Finding]:
    for violation in record.violations:
        if violation.kind in kinds:
            # A violation with no field is about the record as a whole (e.g. an array, not an object).
            hint = advice if violation.field or not record_advice else record_advice
            yield rule.finding(ctx, f"{violation.message}; {hint}", at=record, field=violation.field or None)


class _OncePerColumn:
    """In CSV/TSV a missing or extra column is a header problem shared by every row: report it on
    the first row only, not once per row."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def first(self, ctx: Context, column: str) -> bool:
        if ctx.file.format not in ("csv", "tsv"):
            return True
        if column in self._seen:
            return False
        self._seen.add(column)
        return True


class MissingField(Rule):
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

    def __init__(self, options: object = None) -> None:
        super().__init__(options)
        self._columns = _OncePerColumn()

    def check_record(self, record: Record, ctx: Context) -> Iterator[Finding]:
        for finding in _violations(self, record, ctx, ("missing",), "add it or drop the record"):
            if self._columns.first(ctx, finding.field or ""):
                yield finding


class WrongType(Rule):
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

    def check_record(self, record: Record, ctx: Context) -> Iterator[Finding]:
        yield from _violations(
            self,
            record,
            ctx,
            ("type", "other"),
            "give the field the expected type (text in quotes)",
            "write the record as a JSON object with the shape's fields",
        )


class EmptyText(Rule):
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

    def check(self, example: Example, ctx: Context) -> Iterator[Finding]:
        if example.turns:
            return  # conversations: R004 reports each empty turn, R003 a missing answer
        if "output" in example.fields and not example.output_text.strip():
            yield self.finding(
                ctx,
                "output is empty or whitespace only; write the expected answer or drop the example",
                at=example,
                field=example.fields.get("output"),
            )
        if not example.input_text.strip():
            yield self.finding(
                ctx,
                "input is empty or whitespace only; write the prompt or drop the example",
                at=example,
                field=example.fields.get("input"),
                severity=Severity.WARNING,
            )


class UnexpectedField(Rule):
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

    def __init__(self, options: object = None) -> None:
        super().__init__(options)
        self._columns = _OncePerColumn()

    def check_record(self, record: Record, ctx: Context) -> Iterator[Finding]:
        tabular = ctx.file.format in ("csv", "tsv")
        for violation in record.violations:
            if violation.kind != "unexpected" or not self._columns.first(ctx, violation.field):
                continue
            key = violation.field.rsplit("/", 1)[-1]
            allowed = [a.strip() for a in violation.expected.split(",") if a.strip()]
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else f"this shape allows: {', '.join(allowed)}"
            what = "column" if tabular else "field"
            yield self.finding(
                ctx,
                f"{what} '{key}' is not part of the {record.schema or ctx.file.schema} shape; {hint} "
                "Remove or rename it",
                at=record,
                field=violation.field,
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
        self._first: Location | None = None
        # Records of another shape met before the first record of the main shape: reported once that
        # record is known, so ``related`` can point at it. The main shape won the vote over the
        # engine's bounded lookahead, so its first record lies within it and this list stays small.
        self._pending: list[Record] = []

    def check_record(self, record: Record, ctx: Context) -> Iterator[Finding]:
        main = ctx.file.schema
        if main is None or record.schema is None:
            return
        if record.schema == main:
            if self._first is None:
                self._first = Location(ctx.path, record.line, record.index)
                for held in self._pending:
                    yield self._mixed(held, ctx)
                self._pending.clear()
            return
        if self._first is None:
            # Keep only where the record is and its shape, not its (possibly large) value.
            self._pending.append(Record(index=record.index, line=record.line, schema=record.schema))
            return
        yield self._mixed(record, ctx)

    def finish(self, ctx: Context) -> Iterator[Finding]:
        for held in self._pending:
            yield self._mixed(held, ctx)
        self._pending.clear()

    def _mixed(self, record: Record, ctx: Context) -> Finding:
        return self.finding(
            ctx,
            f"record has the {record.schema} shape but the file's shape is {ctx.file.schema}; convert it "
            "or move it to its own file",
            at=record,
            related=(self._first,) if self._first else (),
        )


@dataclass(frozen=True)
class PlaceholderOptions:
    """Options of S006."""

    #: Whole values that mark missing data (compared after trimming whitespace).
    values: tuple[str, ...] = ("nan", "NaN", "NAN", "None", "none", "null", "NULL", "Null", "undefined", "<NA>")


class PlaceholderValue(Rule):
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
        self._longest = max((len(v) for v in self._values), default=0)

    def check(self, example: Example, ctx: Context) -> Iterator[Finding]:
        for role, text in (("input", example.input_text), ("output", example.output_text)):
            # Cheap on long texts: only one no longer than the longest value, or padded with
            # whitespace, can be a placeholder once trimmed.
            if len(text) > self._longest and not (text[:1].isspace() or text[-1:].isspace()):
                continue
            if text.strip() in self._values:
                yield self.finding(
                    ctx,
                    f"{role} is the placeholder {text.strip()!r}, the mark of a missing value converted "
                    "to text; fill it in or drop the example",
                    at=example,
                    field=example.fields.get(role),
                )


RULES = (MissingField, WrongType, EmptyText, UnexpectedField, MixedSchemas, PlaceholderValue)
