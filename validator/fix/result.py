"""What ``tunelint fix`` did: one :class:`Change` per rule code, and the :class:`FixResult`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Change", "FixRefused", "FixResult"]

#: Lines listed in a change's message before "... (N more)".
LINES_SHOWN = 20


@dataclass(frozen=True, slots=True)
class Change:
    """One kind of repair: the rule code it fixes (``D001``, ``T004``, ``F003``, ...; ``convert`` and
    ``split`` for conversions), a human message, how many records or texts it touched and their
    (physical, input-file) lines."""

    code: str
    message: str
    count: int = 0
    lines: tuple[int, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The change as an entry of ``--output-format json``'s ``changes`` array."""
        return {"code": self.code, "message": self.message, "count": self.count, "lines": list(self.lines)}


@dataclass(slots=True)
class FixResult:
    """The outcome of :func:`validator.fix.fix_file`: paths, formats, shapes, counts and changes."""

    input: str
    output: str
    input_format: str
    output_format: str
    input_shape: str | None
    output_shape: str | None
    records_in: int
    records_out: int
    validation: str | None = None
    validation_records: int = 0
    validation_naming: str | None = None
    changes: list[Change] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (``--output-format json``)."""
        return {
            "input": self.input,
            "output": self.output,
            "input_format": self.input_format,
            "output_format": self.output_format,
            "input_shape": self.input_shape,
            "output_shape": self.output_shape,
            "records_in": self.records_in,
            "records_out": self.records_out,
            "validation": self.validation,
            "validation_records": self.validation_records,
            "changes": [c.to_dict() for c in self.changes],
        }


class FixRefused(Exception):
    """The input cannot be repaired without losing records silently (unparsable records without
    ``drop_invalid``, records that cannot be converted): exit status 1. ``lines`` are the records'
    physical lines in the input."""

    def __init__(self, message: str, lines: tuple[int, ...] = ()) -> None:
        super().__init__(message)
        self.lines = lines


def line_list(lines: tuple[int, ...] | list[int]) -> str:
    """``"12, 88, 90"`` (the first :data:`LINES_SHOWN`, then ``", ... (N more)"``)."""
    shown = ", ".join(str(n) for n in lines[:LINES_SHOWN])
    more = len(lines) - LINES_SHOWN
    return shown + (f", ... ({more} more)" if more > 0 else "")
