"""Read a dataset with tunelint's own readers and map each record to its shape and canonical texts.

This mirrors what the lint engine does for one file (shape by majority of the records' detected
shapes, or the mapped shape of ``--input-field/--output-field``; a record valid in another shape keeps
that shape), using only the public pieces of :mod:`validator.readers` and :mod:`validator.schemas`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from validator.api import FileFacts, RecordKind
from validator.errors import SourceError
from validator.readers import open_dataset, read_records
from validator.schemas import MAPPED, Shape, detect_shape, majority_shape, mapped_shape

__all__ = ["Item", "Loaded", "canonical_texts", "file_shape", "load"]

#: Violation kinds that S001 (missing) and S002 (type, other) report: the record does not fit its shape.
INVALID_KINDS = frozenset({"missing", "type", "other"})


@dataclass(slots=True)
class Item:
    """One record of the input: where it was, its value, the shape it maps to and, when it maps,
    its canonical ``(input, output)`` texts. ``problem`` says why a record is invalid (unparsable:
    ``code`` F002; not fitting the shape: S001/S002), else it is ``None``."""

    index: int
    line: int
    value: Any = None
    shape: Shape | None = None
    texts: tuple[str, str] | None = None
    code: str | None = None
    problem: str | None = None


@dataclass(slots=True)
class Loaded:
    """The whole input: its records, the detected container and shape, encoding facts, blank lines."""

    path: str
    format: str
    shape: Shape | None
    facts: FileFacts
    items: list[Item] = field(default_factory=list)
    blank_lines: list[int] = field(default_factory=list)
    #: Faults of the file rather than of a record, after which reading went on (CR-only line ends,
    #: JSON columns of different lengths): not records, so never "dropped".
    notices: list[Item] = field(default_factory=list)
    #: A fault of the file after which no record could be read (a structural JSON error, a binary
    #: file): fixing would silently lose whatever follows it.
    broken: Item | None = None


def canonical_texts(shape: Shape, value: Any) -> tuple[str, str] | None:
    """The ``(input, output)`` texts the rules compare (:class:`validator.api.Example`), or ``None``."""
    if not isinstance(value, dict):
        return None
    canonical = shape.canonical(value)
    return None if canonical is None else (canonical[0], canonical[1])


def file_shape(values: Iterable[Any], input_field: str | None, output_field: str | None) -> Shape | None:
    """The file's shape: the mapped shape when a field is given, else the shape most records announce."""
    if input_field or output_field:
        return mapped_shape(input_field or "text_input", output_field or "output", default_profile="gemini")
    return majority_shape(values)


def load(
    path: str, format_hint: str | None = None, input_field: str | None = None, output_field: str | None = None
) -> Loaded:
    """Read every record of ``path`` (opened read-only) and classify it."""
    stream, size = open_dataset(path)
    with stream:
        facts = FileFacts(path=path, format=format_hint or "", bytes=size)
        items: list[Item] = []
        blanks: list[int] = []
        notices: list[Item] = []
        # A fault of the file (a record numbered 0) is a notice if reading goes on after it, and
        # leaves the file broken if nothing follows: the readers stop at a fault they cannot pass.
        held: Item | None = None
        try:
            for record in read_records(stream, facts, format_hint):
                if record.kind is RecordKind.BLANK:
                    blanks.append(record.line)
                    continue
                if held is not None:
                    notices.append(held)
                    held = None
                if record.error is not None and not record.index:
                    held = Item(0, record.line, code="F002", problem=record.error.message)
                elif record.error is not None:
                    items.append(Item(record.index, record.line, code="F002", problem=record.error.message))
                else:
                    items.append(Item(record.index, record.line, record.value))
        except OSError as exc:
            raise SourceError(f"{path}: read failed: {exc.strerror or exc}") from None
    shape = file_shape((i.value for i in items if i.code is None), input_field, output_field)
    for item in items:
        if item.code is None:
            _classify(item, shape)
    return Loaded(path, facts.format, shape, facts, items, blanks, notices, held)


def _classify(item: Item, shape: Shape | None) -> None:
    """Set the item's shape and texts, or mark it invalid (S002 not an object; S001/S002 against the
    shape), following the engine: a record valid in another shape keeps that shape (S005 reports it)."""
    value = item.value
    if not isinstance(value, dict):
        item.code, item.problem = "S002", "the record is not a JSON object"
        return
    if shape is None:
        return
    own = shape
    violations = shape.violations(value)
    if violations:
        other = detect_shape(value)
        if shape.name != MAPPED and other is not None and other is not shape and not other.violations(value):
            own = other
        else:
            bad = [v for v in violations if v.kind in INVALID_KINDS]
            if bad:
                item.code = "S001" if bad[0].kind == "missing" else "S002"
                item.problem = bad[0].message
                return
    item.shape = own
    item.texts = canonical_texts(own, value)
    if item.texts is None:
        item.code, item.problem = "S002", f"the record does not map to the {own.name} shape"
