"""Parsing one JSON text with orjson, falling back to the standard library for what orjson refuses
but JSON allows (integers beyond 64 bits), and describing syntax errors with line and column."""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

from validator.api import ParseError, Record

__all__ = ["TOO_DEEP", "mark_too_deep", "may_hold_big_int", "parse_json_text"]

#: Why a value nested too deeply is not read (F002). orjson refuses more than 1,024 levels; the
#: standard library, the schema checks and hashing recurse in Python and give up at about as many.
TOO_DEEP = "JSON nested too deeply to check (no training record needs hundreds of levels of arrays or objects)"

# orjson reads an integer beyond 64 bits as a float and silently drops digits; a text with a run of
# 19 or more digits may hold one, so it is parsed by the standard library, which keeps them all.
# The run is found with one bytes.translate (every digit to "0", every other byte to a space) and a
# substring search, both at C speed: a regex tries a match at every position, many times slower.
_DIGITS_AS_ZEROS = bytes(0x30 if 0x30 <= byte <= 0x39 else 0x20 for byte in range(256))
_LONG_RUN = b"0" * 19


def may_hold_big_int(data: bytes | str) -> bool:
    """True when ``data`` (one JSON text, or several joined by line ends) may hold an integer
    orjson cannot read exactly."""
    if isinstance(data, str):
        # Digits are ASCII and no byte of a longer UTF-8 sequence is one: the bytes hold the same runs.
        data = data.encode("utf-8", "surrogatepass")
    return _LONG_RUN in data.translate(_DIGITS_AS_ZEROS)


# A \uD800-\uDFFF escape: JSON syntax allows it, but alone (not as a high+low pair) it is not a
# character, cannot be encoded as UTF-8, and providers reject it.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD]([89abAB]|[c-fC-F])[0-9a-fA-F]{2}")


def _lone_surrogate(text: str) -> int | None:
    """Offset of the first unpaired surrogate escape in ``text``, or ``None``."""
    pending_high: int | None = None
    for match in _SURROGATE_ESCAPE.finditer(text):
        before = match.start()
        while before > 0 and text[before - 1] == "\\":
            before -= 1
        if (match.start() - before) % 2:
            continue  # "\\ud800" is an escaped backslash followed by letters, not an escape
        is_high = match.group(1) in "89abAB"
        if pending_high is not None:
            if not is_high and match.start() == pending_high + 6:
                pending_high = None
                continue
            return pending_high
        if not is_high:
            return match.start()
        pending_high = match.start()
    return pending_high


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse_json_text(text: str, first_line: int, first_column: int = 1) -> tuple[Any, ParseError | None]:
    """Parse ``text``, which starts at physical ``first_line``/``first_column`` of the file.

    Returns ``(value, None)`` or ``(None, ParseError)`` with the fault's physical position.
    """
    if not may_hold_big_int(text):
        try:
            return orjson.loads(text), None
        except orjson.JSONDecodeError:
            pass
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        column = exc.colno + (first_column - 1 if exc.lineno == 1 else 0)
        return None, ParseError(f"invalid JSON: {exc.msg}", first_line + exc.lineno - 1, column)
    except RecursionError:
        return None, ParseError(TOO_DEEP, first_line, None)
    except ValueError as exc:
        if not _is_digit_limit(exc):
            return None, ParseError(f"invalid JSON: {exc}", first_line, None)
        return None, _huge_int_error(text, first_line, first_column)
    offset = _lone_surrogate(text) if "\\u" in text else None
    if offset is not None:
        line, column = _position(text, offset, first_line, first_column)
        escape = text[offset : offset + 6]
        return None, ParseError(f"invalid JSON: unpaired surrogate escape {escape} is not a character", line, column)
    return value, None


_HUGE_INT = re.compile(r"[0-9]{4301,}")


def _is_digit_limit(exc: ValueError) -> bool:
    return "integer string conversion" in str(exc)


def _huge_int_error(text: str, first_line: int, first_column: int) -> ParseError:
    """Python refuses to convert integers of more than 4,300 digits (a guard against quadratic
    time); raising the limit would let one line stall the run, so the record is not read."""
    found = _HUGE_INT.search(text)
    if found is None:  # pragma: no cover - the standard library only refuses such a run of digits
        return ParseError("invalid JSON: an integer too long to read; quote it as a string", first_line, None)
    line, column = _position(text, found.start(), first_line, first_column)
    digits = found.end() - found.start()
    message = f"invalid JSON: an integer of {digits:,} digits cannot be read as a number; quote it as a string"
    return ParseError(message, line, column)


def _position(text: str, offset: int, first_line: int, first_column: int) -> tuple[int, int]:
    """The physical ``(line, column)`` of ``offset`` in ``text``, which starts at ``first_line``,
    ``first_column`` of the file."""
    line = first_line + text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1 + (first_column - 1 if line == first_line else 0)


def mark_too_deep(record: Record) -> None:
    """Make ``record`` an unreadable one (F002, :data:`TOO_DEEP`): called when a check met a value
    nested deeper than Python's recursion allows, so the run goes on instead of crashing."""
    record.error = ParseError(TOO_DEEP, record.line, None)
    record.value = None
    record.schema = None
    record.violations = ()
