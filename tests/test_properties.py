"""Property tests (hypothesis) of the readers and of ``validator.lint`` on arbitrary bytes.

Expected record lines are computed independently of the readers: the test builds the file text piece
by piece and counts the newlines written before each record.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import validator
from validator.api import FileFacts, Record, RecordKind
from validator.readers import read_records

# -- strategies ------------------------------------------------------------------------------------

# Text with the characters that trouble line-based readers: quotes, brackets, separators, escapes,
# newlines and other line breaks, non-ASCII and astral characters.
_TRICKY = st.sampled_from(list(",;\"'\\/[]{}:\t\n\r \u2028\u2029\x85\x0b\x0c\x00\x1f£é日本🙂\ufeff"))
texts = st.one_of(
    st.text(max_size=20),
    st.lists(st.one_of(_TRICKY, st.characters(codec="utf-8")), max_size=20).map("".join),
)

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),  # unbounded: includes integers beyond 64 bits
    st.floats(allow_nan=False, allow_infinity=False),
    texts,
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(texts, children, max_size=4),
    ),
    max_leaves=6,
)
json_records = st.dictionaries(texts, json_values, max_size=4)
record_lists = st.lists(json_records, max_size=6)


def read(data: bytes, path: str, hint: str | None = None) -> tuple[FileFacts, list[Record]]:
    facts = FileFacts(path=path, format="")
    return facts, list(read_records(io.BytesIO(data), facts, hint))


def canonical(value: Any) -> str:
    """A type-exact text of a JSON value (``1 == 1.0 == True`` in Python, but not here)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=True)


# -- JSONL -----------------------------------------------------------------------------------------

blank_texts = st.sampled_from(["", " ", "\t", "  \t "])


@settings(deadline=None, max_examples=150)
@given(
    records=record_lists,
    blanks_before=st.lists(st.lists(blank_texts, max_size=2), min_size=6, max_size=6),
    trailing_blanks=st.lists(blank_texts, max_size=2),
    crlf=st.lists(st.booleans(), min_size=1, max_size=8),
    final_newline=st.booleans(),
    ensure_ascii=st.booleans(),
)
def test_jsonl_round_trip(
    records: list[dict[str, Any]],
    blanks_before: list[list[str]],
    trailing_blanks: list[str],
    crlf: list[bool],
    final_newline: bool,
    ensure_ascii: bool,
) -> None:
    # (content, kind) of every physical line, in order.
    lines: list[tuple[str, str]] = []
    for record, blanks in zip(records, blanks_before[: len(records)], strict=True):
        lines.extend((b, "blank") for b in blanks)
        lines.append((json.dumps(record, ensure_ascii=ensure_ascii), "data"))
    lines.extend((b, "blank") for b in trailing_blanks)
    endings = itertools.cycle(crlf)
    text = ""
    expected: list[tuple[int, int, str]] = []  # (index, line, kind)
    index = 0
    for n, (content, kind) in enumerate(lines):
        line_number = text.count("\n") + 1
        last = n == len(lines) - 1
        if last and not final_newline and content == "":
            break  # an empty last line without a terminator is no line at all
        if kind == "data":
            index += 1
        expected.append((index if kind == "data" else 0, line_number, kind))
        text += content
        if not (last and not final_newline):
            text += "\r\n" if next(endings) else "\n"

    _, got = read(text.encode("utf-8"), "x.jsonl")

    assert [(r.index, r.line, r.kind.value) for r in got] == expected
    data = [r for r in got if r.kind is RecordKind.DATA]
    assert all(r.error is None for r in data)
    assert [canonical(r.value) for r in data] == [canonical(rec) for rec in records]


# -- JSON array ------------------------------------------------------------------------------------


def pretty_array(elements: list[Any]) -> tuple[str, list[int]]:
    """The text of ``json.dumps(elements, indent=2)`` built element by element, with the physical
    line where each element starts."""
    if not elements:
        return "[]", []
    text = "[\n"
    starts = []
    for n, element in enumerate(elements):
        if n:
            text += ",\n"
        starts.append(text.count("\n") + 1)
        text += textwrap.indent(json.dumps(element, indent=2), "  ")
    text += "\n]"
    return text, starts


@settings(deadline=None, max_examples=150)
@given(records=record_lists, ensure_ascii=st.booleans(), trailing_newline=st.booleans())
def test_json_pretty_array_round_trip(
    records: list[dict[str, Any]], ensure_ascii: bool, trailing_newline: bool
) -> None:
    text, starts = pretty_array(records)
    assert text == json.dumps(records, indent=2)  # the independent construction matches
    if not ensure_ascii:
        text = json.dumps(records, indent=2, ensure_ascii=False)
    if trailing_newline:
        text += "\n"

    _, got = read(text.encode("utf-8"), "x.json")

    assert [(r.index, r.line) for r in got] == [(n, line) for n, line in enumerate(starts, start=1)]
    assert all(r.parsed for r in got)
    assert [canonical(r.value) for r in got] == [canonical(rec) for rec in records]


@settings(deadline=None, max_examples=100)
@given(
    elements=st.lists(json_values, max_size=8),
    separators=st.lists(st.sampled_from([", ", ",\n", " ,\r\n  ", ",", "\n,\n\n"]), min_size=8, max_size=8),
)
def test_json_compact_array_of_any_values(elements: list[Any], separators: list[str]) -> None:
    text = "["
    starts = []
    for n, element in enumerate(elements):
        if n:
            text += separators[n % len(separators)]
        starts.append(text.count("\n") + 1)
        text += json.dumps(element)
    text += "]\n"

    facts, got = read(text.encode("utf-8"), "x.json")

    assert facts.format == "json"
    assert [(r.index, r.line) for r in got] == [(n, line) for n, line in enumerate(starts, start=1)]
    assert all(r.parsed for r in got)
    assert [canonical(r.value) for r in got] == [canonical(e) for e in elements]


# -- CSV / TSV -------------------------------------------------------------------------------------

# Cell texts with delimiters, quotes, line breaks and non-ASCII characters. No NUL: a tiny file
# that is mostly NUL bytes is genuinely ambiguous with BOM-less UTF-16, which is not what this
# property is about (test_readers_never_raise feeds NUL bytes).
_CELL_CHARS = st.sampled_from(list(",;\"\t\n\r '\\£é日本🙂\u2028\x85"))
cells = st.one_of(
    st.text(max_size=15, alphabet=st.characters(codec="utf-8", exclude_characters="\x00")),
    st.lists(_CELL_CHARS | st.characters(codec="utf-8", exclude_characters="\x00"), max_size=15).map("".join),
)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    width = draw(st.integers(min_value=1, max_value=4))
    header = [f"col{i}" for i in range(width)]
    rows = draw(st.lists(st.lists(cells, min_size=width, max_size=width), max_size=8))
    return header, rows


@settings(deadline=None, max_examples=150)
@given(
    table=tables(),
    delimiter=st.sampled_from([",", "\t"]),
    terminator=st.sampled_from(["\r\n", "\n"]),
    final_newline=st.booleans(),
)
def test_csv_round_trip(
    table: tuple[list[str], list[list[str]]], delimiter: str, terminator: str, final_newline: bool
) -> None:
    header, rows = table
    text = ""
    expected: list[tuple[int, dict[str, str]]] = []  # (start line, value) of every record
    for n, row in enumerate([header, *rows]):
        buffer = io.StringIO()
        # csv.writer leaves a cell with "\r" unquoted when the terminator is "\n" (Python < 3.12),
        # which no CSV reader can read back: quote every cell then.
        quoting = csv.QUOTE_ALL if terminator == "\n" and any("\r" in cell for cell in row) else csv.QUOTE_MINIMAL
        csv.writer(buffer, delimiter=delimiter, lineterminator=terminator, quoting=quoting).writerow(row)
        written = buffer.getvalue()
        # A row of one unquoted whitespace-only cell is written as a blank line, and reads as one.
        if n and not (len(row) == 1 and not written.strip()):
            expected.append((text.count("\n") + 1, dict(zip(header, row, strict=True))))
        text += written
    if not final_newline:
        text = text[: -len(terminator)]
    fmt = "tsv" if delimiter == "\t" else "csv"
    facts, got = read(text.encode("utf-8"), f"x.{fmt}")

    assert facts.format == fmt
    assert [(r.index, r.line) for r in got] == [(n, line) for n, (line, _) in enumerate(expected, start=1)]
    assert all(r.parsed for r in got)
    assert [r.value for r in got] == [value for _, value in expected]


# -- never raise -----------------------------------------------------------------------------------

_BOMS = [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE]
_STRUCTURE = list(b'[]{}",:\\\n\r\t ,0123456789-.eEtrufalsn\xa3\xff\x00')
any_bytes = st.one_of(
    st.binary(max_size=300),
    st.lists(st.sampled_from(_STRUCTURE), max_size=300).map(bytes),
    st.tuples(st.sampled_from(_BOMS), st.binary(max_size=200)).map(b"".join),
    st.tuples(st.sampled_from(_BOMS), st.lists(st.sampled_from(_STRUCTURE), max_size=200).map(bytes)).map(b"".join),
    # Valid JSON documents cut at a random place.
    st.tuples(st.lists(json_records, max_size=4), st.integers(min_value=0, max_value=400), st.booleans()).map(
        lambda t: json.dumps(t[0], indent=2 if t[2] else None).encode()[: t[1]]
    ),
)


@settings(deadline=None, max_examples=250)
@given(data=any_bytes, hint=st.sampled_from(["jsonl", "json", "csv", "tsv", None]))
def test_readers_never_raise(data: bytes, hint: str | None) -> None:
    path = f"x.{hint}" if hint else "data.txt"
    for use_hint in (hint, None):
        facts, got = read(data, path, use_hint)
        assert facts.format in ("jsonl", "json", "csv", "tsv")
        for record in got:
            assert record.line >= 0
            assert record.index >= 0
            if record.kind is RecordKind.BLANK:
                assert record.index == 0
            if record.error is not None:
                assert record.error.line >= 1
        numbers = [r.index for r in got if r.index > 0]
        assert numbers == list(range(1, len(numbers) + 1))


@pytest.fixture(scope="module")
def lint_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("lint-any-bytes")


@settings(deadline=None, max_examples=100)
@given(data=any_bytes, extension=st.sampled_from(["jsonl", "json", "csv", "tsv", "txt"]))
def test_lint_never_raises(lint_dir: Path, data: bytes, extension: str) -> None:
    path = lint_dir / f"data.{extension}"
    path.write_bytes(data)
    report = validator.lint(str(path), isolated=True)
    assert isinstance(report, validator.Report)
    report.to_dict()  # the report serialises
