"""F rules: the file as a whole: size, encoding, syntax, emptiness, shape."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

from rules._text import thousands
from validator.api import NO_SHIFT, Context, Finding, Record, RecordKind, Rule, Severity, Shift, StatelessRule

__all__ = ["RULES"]


class FileTooLarge(StatelessRule):
    """What: The file is larger than the profile's maximum upload size.

    Why: The provider rejects the upload, or the client library fails before sending it (the Gemini
    API client library accepts at most 4 MB per tuning file).

    Example: a 5 MB ``train.jsonl`` under the ``gemini`` profile (limit 4,194,304 bytes).

    Fix: Remove duplicates and overly long examples, or split the data and upload it another way
    (for Gemini, pass the examples inline through the REST API). A file exactly at the limit passes.
    """

    code = "F001"
    name = "file-too-large"
    summary = "File is larger than the profile allows"
    default_severity = Severity.ERROR

    def start(self, ctx: Context) -> Iterator[Finding]:
        limit = ctx.profile.max_file_bytes
        size = ctx.file.bytes
        if limit is not None and size is not None and size > limit:
            yield self.finding(
                ctx,
                f"file is {thousands(size)} bytes; the {ctx.profile.name} profile allows at most "
                f"{thousands(limit)} bytes ({limit / 1_048_576:.1f} MiB). Split the file or remove "
                "duplicate and oversized examples",
            )


class InvalidSyntax(Rule):
    """What: A record that does not parse: a JSONL line or JSON document that is not valid JSON, or a
    CSV/TSV row whose number of fields differs from the header.

    Why: The provider rejects the whole file on the first unparsable record, after the upload.

    Example: ``{"text_input": "1", "output": "2",}`` (a trailing comma) on line 7.

    Fix: Correct the JSON at the reported line and column, or quote CSV cells that contain the
    delimiter. tunelint keeps linting the records around it.
    """

    code = "F002"
    name = "invalid-syntax"
    summary = "Record does not parse (JSON syntax, CSV field count)"
    default_severity = Severity.ERROR

    def __init__(self, options: object = None) -> None:
        super().__init__(options)
        # (line of the fault, record number, column, message) of every unparsable record. The
        # message names the line, which a shard only knows relative to its own start: the findings
        # are made in ``finish``, after ``merge`` has moved every line into the whole file.
        self._errors: list[tuple[int, int, int | None, str]] = []

    def check_record(self, record: Record, ctx: Context) -> Iterable[Finding]:
        return self.check_records((record,), ctx)

    def check_records(self, records: Sequence[Record], ctx: Context) -> Iterable[Finding]:
        errors = self._errors
        for record in records:
            error = record.error
            if error is not None:
                errors.append((error.line, record.index, error.column, error.message))
        return ()

    def merge(self, other: Rule, shift: Shift = NO_SHIFT) -> None:
        """Append the next shard's unparsable records, moved into the whole file."""
        theirs = _same(self, other)._errors
        self._errors += [
            (shift.line(line), shift.record(index), column, message) for line, index, column, message in theirs
        ]

    def finish(self, ctx: Context) -> Iterator[Finding]:
        for line, index, column, message in self._errors:
            where = f"line {line}" + (f", column {column}" if column else "")
            yield self.finding(
                ctx,
                f"{message} ({where}); fix the syntax so the record can be read",
                line=line,
                record=index,
                column=column,
            )


class NotUtf8(StatelessRule):
    """What: The file's bytes are not valid UTF-8.

    Why: Providers expect UTF-8; other encodings are rejected or decoded into garbage characters that
    the model then learns.

    Example: a CSV exported from Excel in Windows-1252, where ``£`` is the single byte ``0xA3``.

    Fix: Re-save the file as UTF-8 (``iconv -f cp1252 -t utf-8 in.csv > out.csv``). tunelint decodes
    it with the detected encoding and lints it anyway.
    """

    code = "F003"
    name = "not-utf8"
    summary = "File is not UTF-8 encoded"
    default_severity = Severity.ERROR

    def finish(self, ctx: Context) -> Iterator[Finding]:
        issue = ctx.file.encoding_issue
        if issue is not None:
            line, detected = issue
            yield self.finding(
                ctx,
                f"file is not valid UTF-8 (first bad bytes on line {line}; detected encoding: "
                f"{detected}); it was decoded as {ctx.file.encoding} for linting. Re-save it as UTF-8",
                line=line,
            )


class ByteOrderMark(StatelessRule):
    """What: The file starts with a UTF-8 byte-order mark (BOM).

    Why: Some loaders read the BOM as part of the first key or value (``\\ufefftext_input``), so the
    first record silently loses a field.

    Example: a CSV saved by Excel as "CSV UTF-8".

    Fix: Save the file as UTF-8 without BOM.
    """

    code = "F004"
    name = "byte-order-mark"
    summary = "File starts with a UTF-8 byte-order mark"
    default_severity = Severity.WARNING
    fixable = True

    def start(self, ctx: Context) -> Iterator[Finding]:
        if ctx.file.bom:
            yield self.finding(ctx, "file starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM", line=1)


class NoRecords(StatelessRule):
    """What: The file contains no records: it is empty, blank, or an empty array.

    Why: A tuning job needs examples; an empty file usually means an export or a path went wrong.

    Example: ``[]`` in ``train.json``.

    Fix: Check the export step that produced the file.
    """

    code = "F005"
    name = "no-records"
    summary = "File has no records"
    default_severity = Severity.ERROR

    def finish(self, ctx: Context) -> Iterator[Finding]:
        request = ctx.file.tuning
        if request is not None and request.kind != "config" and not request.inline_examples:
            return  # a tuning request whose dataset lives elsewhere (Vertex: a Cloud Storage URI)
        if ctx.file.records == 0:
            yield self.finding(ctx, "file has no records; check the export that produced it")


class BlankLine(StatelessRule):
    """What: A blank line inside a JSON Lines file.

    Why: Strict JSONL readers treat a blank line as an invalid record; some providers reject the
    file. (The single newline that ends the last line is fine.)

    Example: two records separated by an empty line.

    Fix: Delete blank lines (``grep -v '^\\s*$' in.jsonl > out.jsonl``).
    """

    code = "F006"
    name = "blank-line"
    summary = "Blank line inside a JSON Lines file"
    default_severity = Severity.INFO
    fixable = True

    def check_record(self, record: Record, ctx: Context) -> Iterable[Finding]:
        return self.check_records((record,), ctx)

    def check_records(self, records: Sequence[Record], ctx: Context) -> Iterator[Finding]:
        blank = RecordKind.BLANK
        # A list comprehension: on CPython 3.11+ faster than attrgetter and itertools.compress.
        for record in [r for r in records if r.kind is blank]:
            yield self.finding(ctx, "blank line; remove it (strict JSONL readers reject it)", line=record.line)


class UnknownShape(Rule):
    """What: The records match no known training-data shape and no field mapping was given.

    Why: Without knowing which field is the input and which the output, nothing else can be checked,
    and the provider will not know either.

    Example: ``{"question": "...", "answer": "..."}``.

    Fix: Rename the fields to a supported shape (``text_input``/``output`` for Gemini), or tell
    tunelint which fields to use: ``--input-field question --output-field answer`` (or
    ``input-field``/``output-field`` in the config).
    """

    code = "F007"
    name = "unknown-shape"
    summary = "Records match no known shape"
    default_severity = Severity.ERROR

    def __init__(self, options: object = None) -> None:
        super().__init__(options)
        # (line, record number) of the first object record: the finding is reported once per file,
        # and only the merged state knows which shard's first record is the file's first.
        self._first: tuple[int, int] | None = None

    def check_record(self, record: Record, ctx: Context) -> Iterable[Finding]:
        return self.check_records((record,), ctx)

    def check_records(self, records: Sequence[Record], ctx: Context) -> Iterable[Finding]:
        if self._first is not None or ctx.file.schema is not None:
            return ()  # the common case: the file has a shape
        for record in records:
            # Records that are not objects are S002's.
            if record.parsed and isinstance(record.value, dict):
                self._first = (record.line, record.index)
                break
        return ()

    def merge(self, other: Rule, shift: Shift = NO_SHIFT) -> None:
        """Keep the earlier shard's first object record, else take the next shard's."""
        theirs = _same(self, other)._first
        if self._first is None and theirs is not None:
            self._first = (shift.line(theirs[0]), shift.record(theirs[1]))

    def finish(self, ctx: Context) -> Iterator[Finding]:
        if self._first is None or ctx.file.schema is not None:
            return
        line, index = self._first
        keys = ", ".join(repr(k) for k in ctx.file.unknown_keys) or "none"
        yield self.finding(
            ctx,
            f"records match no known shape (keys seen: {keys}); use a supported shape such as "
            "text_input/output, or map your fields with --input-field NAME --output-field NAME",
            line=line,
            record=index,
        )


_R = TypeVar("_R", bound=Rule)


def _same(rule: _R, other: Rule) -> _R:
    """``other`` as the type of ``rule``: only instances of one rule can be merged."""
    if not isinstance(other, type(rule)):
        raise TypeError(f"cannot merge {type(other).__name__} into {type(rule).__name__}")
    return other


RULES = (FileTooLarge, InvalidSyntax, NotUtf8, ByteOrderMark, NoRecords, BlankLine, UnknownShape)
