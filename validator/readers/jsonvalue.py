"""Parsing one JSON text with orjson, falling back to the standard library for what orjson refuses
but JSON allows (integers beyond 64 bits), and describing syntax errors with line and column."""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

from validator.api import ParseError

__all__ = ["may_hold_big_int", "parse_json_text"]

# orjson reads an integer beyond 64 bits as a float and silently drops digits; a text with a run of
# 19 or more digits may hold one, so it is parsed by the standard library, which keeps them all.
_LONG_DIGITS = re.compile(r"[0-9]{19}")
_LONG_DIGITS_BYTES = re.compile(rb"[0-9]{19}")


def may_hold_big_int(data: bytes | str) -> bool:
    """True when ``data`` may hold an integer orjson cannot read exactly."""
    if isinstance(data, bytes):
        return _LONG_DIGITS_BYTES.search(data) is not None
    return _LONG_DIGITS.search(data) is not None


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
        return json.loads(text, parse_constant=_reject_constant), None
    except json.JSONDecodeError as exc:
        column = exc.colno + (first_column - 1 if exc.lineno == 1 else 0)
        return None, ParseError(f"invalid JSON: {exc.msg}", first_line + exc.lineno - 1, column)
    except (ValueError, RecursionError) as exc:
        return None, ParseError(f"invalid JSON: {exc}", first_line, None)
