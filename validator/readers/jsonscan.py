"""A line-by-line scanner that finds the elements of the record arrays in a JSON document.

It lets a JSON array of a million records be linted without loading the document: each element's
text is cut out and parsed on its own, and its physical start line and column are known. JSON strings
cannot contain raw newlines, so tokenising one physical line at a time is exact.

Record arrays are arrays reached from the root through object keys only: the root array itself
(path ``()``), or ``{"examples": [...]}`` (path ``("examples",)``), up to four keys deep (the Gemini
REST body nests them at ``tuningTask.trainingData.examples.examples``). Anything nested inside an
element is part of that element.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from validator.api import ParseError
from validator.readers.jsonvalue import may_hold_big_int

__all__ = ["MAX_KEY_DEPTH", "Element", "scan_elements"]

# A complete string (unrolled loop: no catastrophic backtracking), a structural character, a bare
# scalar (number, true, false, null), or a lone quote that starts a string left open on this line.
_TOKEN = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"|[{}\[\],:]|[^\s{}\[\],:"]+|"')
MAX_KEY_DEPTH = 4


@dataclass(frozen=True, slots=True)
class Element:
    """One element of a record array (``text`` is its JSON text), or a structural error."""

    path: tuple[str, ...]
    line: int
    column: int
    text: str = ""
    error: ParseError | None = None
    #: The parsed element when the scanner already parsed it (an element alone on its line).
    value: Any = None
    parsed: bool = False


@dataclass(slots=True)
class _Frame:
    kind: str  # "[" or "{"
    path: tuple[str, ...]  # the keys leading here from the root
    expect: str = "value"  # "[": value|comma ; "{": key|colon|value|comma
    key: str = ""


def scan_elements(lines: Iterable[tuple[int, str]]) -> Iterator[Element]:
    """Yield every element of every record array, in document order, then stop; a structural error
    (mismatched bracket, unexpected end of file, text after the document) is yielded as an element
    with ``error`` set and ends the scan."""
    stack: list[_Frame] = []
    capture_depth = -1  # len(stack) at which the element being captured ends
    nested: list[str] = []  # brackets open inside the captured element
    buf: list[str] = []
    start = (0, 0)
    cap_path: tuple[str, ...] = ()
    discard = False  # capturing a value that is not a record (nested too deep): skip it
    root_done = False
    lineno, line = 0, ""  # after the loop: the last line (for the end-of-file error)
    for lineno, line in lines:
        if capture_depth >= 0:
            buf.append(line)
        elif stack and not root_done and stack[-1].kind == "[" and stack[-1].expect == "value":
            whole = _whole_element(line)
            if whole is not None:
                column, text, value, comma = whole
                yield Element(stack[-1].path, lineno, column, text, value=value, parsed=True)
                stack[-1].expect = "value" if comma else "comma"
                continue
        for match in _TOKEN.finditer(line):
            tok = match.group()
            col = match.start() + 1
            if root_done:
                yield _error("unexpected text after the end of the JSON document", lineno, col)
                return
            if tok == '"':
                yield _error("unterminated string", lineno, col)
                return
            if capture_depth >= 0:
                if tok in "{[":
                    nested.append(tok)
                elif tok in "}]":
                    if not nested or _closer(nested.pop()) != tok:
                        yield _error(f"unexpected {tok!r}", lineno, col)
                        return
                    if not nested:
                        end = match.end()
                        if start[0] == lineno:
                            text = line[start[1] - 1 : end]
                        else:
                            buf[-1] = line[:end]
                            text = "".join(buf)
                        if not discard:
                            yield Element(cap_path, start[0], start[1], text)
                        capture_depth, discard = -1, False
                        buf = []
                continue
            if not stack:
                if tok in "{[":
                    stack.append(_Frame(tok, (), expect="key" if tok == "{" else "value"))
                    continue
                if tok in "]},:":
                    yield _error(f"unexpected {tok!r}", lineno, col)
                    return
                yield Element((), lineno, col, tok)  # a scalar document
                root_done = True
                continue
            top = stack[-1]
            if top.kind == "[":  # always a record array: other arrays are captured whole
                if tok == ",":
                    if top.expect != "comma":
                        yield _error("unexpected ','", lineno, col)
                        return
                    top.expect = "value"
                elif tok == "]":
                    stack.pop()
                    root_done = not stack
                    _after_value(stack)
                elif tok in "}:":
                    yield _error(f"unexpected {tok!r}", lineno, col)
                    return
                else:
                    if top.expect != "value":
                        yield _error("missing ',' between array elements", lineno, col)
                        return
                    top.expect = "comma"
                    if tok in "{[":
                        capture_depth, nested, cap_path = len(stack), [tok], top.path
                        start = (lineno, col)
                        buf = [line]
                    else:
                        yield Element(top.path, lineno, col, tok)
                continue
            # top.kind == "{"
            if top.expect == "key":
                if tok == "}" and top.key == "":
                    stack.pop()
                    root_done = not stack
                    _after_value(stack)
                elif tok.startswith('"'):
                    try:
                        top.key = str(orjson.loads(tok)) if "\\" in tok else tok[1:-1]
                    except orjson.JSONDecodeError as exc:  # a bad escape (\q, \u12, a lone surrogate)
                        yield _error(f"invalid key {tok[:40]!r}: {exc.msg}", lineno, col + exc.colno - 1)
                        return
                    top.expect = "colon"
                else:
                    yield _error(f"expected a key, found {tok!r}", lineno, col)
                    return
            elif top.expect == "colon":
                if tok != ":":
                    yield _error("expected ':' after a key", lineno, col)
                    return
                top.expect = "value"
            elif top.expect == "value":
                top.expect = "comma"
                path = (*top.path, top.key)
                if tok in "{[" and len(path) > MAX_KEY_DEPTH:
                    # Too deep to hold records: skip the whole value.
                    capture_depth, nested, discard = len(stack), [tok], True
                    start, buf = (lineno, col), [line]
                elif tok == "[":
                    stack.append(_Frame("[", path))
                elif tok == "{":
                    stack.append(_Frame("{", path, expect="key"))
                elif tok in "]},:":
                    yield _error(f"unexpected {tok!r}", lineno, col)
                    return
            else:  # expect comma
                if tok == ",":
                    top.expect = "key"
                    top.key = "\x00"  # a key must follow: "}" now would be a trailing comma
                elif tok == "}":
                    stack.pop()
                    root_done = not stack
                    _after_value(stack)
                else:
                    yield _error("missing ',' between members", lineno, col)
                    return
    if stack or capture_depth >= 0:
        # At the end of the last line: a report must not point past the file's lines.
        end = len(line.rstrip("\r\n")) + 1
        yield _error("unexpected end of file: the JSON document is not closed", max(lineno, 1), end)


def _whole_element(line: str) -> tuple[int, str, Any, bool] | None:
    """``(column, text, value, trailing comma)`` when ``line`` holds exactly one complete object or
    array (and maybe the comma after it): the layout of most JSON record arrays, one record per
    line, parsed in one call instead of token by token. ``None`` sends the line to the tokeniser
    (which also reports any error precisely)."""
    text = line.strip()
    comma = text.endswith(",")
    if comma:
        text = text[:-1].rstrip()
    if text[:1] not in ("{", "[") or text[-1:] not in ("}", "]") or may_hold_big_int(text):
        return None
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    # One complete value (orjson refuses trailing text), so the tokeniser would cut out just this.
    return len(line) - len(line.lstrip()) + 1, text, value, comma


def _after_value(stack: list[_Frame]) -> None:
    if stack:
        stack[-1].expect = "comma"


def _closer(opener: str) -> str:
    return "}" if opener == "{" else "]"


def _error(message: str, line: int, column: int) -> Element:
    return Element((), line, column, error=ParseError(f"invalid JSON: {message}", line, column))
