"""Unit tests of the readers (validator/readers): format detection, JSONL, JSON documents, CSV/TSV,
encodings, and the real public datasets in ../shared/datasets.

Every test asserts behaviour (record numbers, physical lines, values, error positions, file facts),
never message wording.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from validator.api import FileFacts, Record, RecordKind
from validator.readers import detect_format, format_from_extension, read_records


def read(data: bytes, path: str = "x.jsonl", hint: str | None = None) -> tuple[FileFacts, list[Record]]:
    """Read ``data`` fully as the engine does; returns the facts and every record."""
    facts = FileFacts(path=path, format="")
    records = list(read_records(io.BytesIO(data), facts, hint))
    return facts, records


def data_records(records: list[Record]) -> list[Record]:
    return [r for r in records if r.kind is RecordKind.DATA]


def values(records: list[Record]) -> list[Any]:
    return [r.value for r in records if r.parsed]


def summary(records: list[Record]) -> list[tuple[int, int, str, bool]]:
    """``(index, line, kind, has_error)`` of every record, for compact assertions."""
    return [(r.index, r.line, r.kind.value, r.error is not None) for r in records]


# -- format detection ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("a.jsonl", "jsonl"),
        ("a.ndjson", "jsonl"),
        ("A.JSONL", "jsonl"),
        ("dir.v2/a.json", "json"),
        ("a.csv", "csv"),
        ("a.tsv", "tsv"),
        ("a.txt", None),
        ("noext", None),
    ],
)
def test_format_from_extension(path: str, expected: str | None) -> None:
    assert format_from_extension(path) == expected


@pytest.mark.parametrize(
    ("path", "data", "expected"),
    [
        ("a.jsonl", b'{"a": 1}\n', "jsonl"),
        ("a.ndjson", b'{"a": 1}\n', "jsonl"),
        ("a.json", b'[{"a": 1}]\n', "json"),
        ("a.csv", b"a,b\n1,2\n", "csv"),
        ("a.tsv", b"a\tb\n1\t2\n", "tsv"),
        # The extension wins over the content for non-JSON extensions.
        ("a.csv", b'{"a": 1}\n{"a": 2}\n', "csv"),
        ("a.jsonl", b"[1, 2]\n", "jsonl"),
    ],
)
def test_detect_by_extension(path: str, data: bytes, expected: str) -> None:
    facts, _ = read(data, path)
    assert facts.format == expected


def test_json_extension_holding_json_lines_is_jsonl() -> None:
    data = b'{"text_input": "a", "output": "b"}\n{"text_input": "c", "output": "d"}\n'
    facts, records = read(data, "train.json")
    assert facts.format == "jsonl"
    assert summary(records) == [(1, 1, "data", False), (2, 2, "data", False)]
    assert values(records) == [{"text_input": "a", "output": "b"}, {"text_input": "c", "output": "d"}]


def test_json_extension_single_pretty_object_is_json() -> None:
    data = b'{\n  "text_input": "a",\n  "output": "b"\n}\n'
    facts, records = read(data, "one.json")
    assert facts.format == "json"
    assert values(records) == [{"text_input": "a", "output": "b"}]


def test_json_extension_holding_json_lines_with_line_separator_characters() -> None:
    # JSON strings may hold U+2028, U+2029 and U+0085 unescaped; they do not end a JSON Lines line.
    data = '{"text_input": "a\u2028b\u0085c", "output": "d\u2029"}\n{"text_input": "e", "output": "f"}\n'.encode()
    facts, records = read(data, "train.json")
    assert facts.format == "jsonl"
    assert summary(records) == [(1, 1, "data", False), (2, 2, "data", False)]
    assert records[0].value == {"text_input": "a\u2028b\u0085c", "output": "d\u2029"}


def test_json_extension_holding_json_lines_with_a_long_second_line() -> None:
    # The second line does not fit in the bytes sniffed up front; the file is still JSON Lines.
    long_record = json.dumps({"text_input": "x" * 70_000, "output": "y"})
    data = f'{{"text_input": "a", "output": "b"}}\n{long_record}\n{{"text_input": "c", "output": "d"}}\n'.encode()
    facts, records = read(data, "train.json")
    assert facts.format == "jsonl"
    assert summary(records) == [(1, 1, "data", False), (2, 2, "data", False), (3, 3, "data", False)]
    assert records[1].value["text_input"] == "x" * 70_000


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'[{"a": 1}, {"a": 2}]', "json"),
        (b'\n  [\n {"a": 1}\n]\n', "json"),
        (b'{"a": 1}\n{"a": 2}\n{"a": 3}\n', "jsonl"),
        (b'{\n "examples": [{"a": 1}]\n}\n', "json"),
        (b"text\tlabel\nhello\tpos\nbye\tneg\n", "tsv"),
        (b"text,label\nhello,pos\nbye,neg\n", "csv"),
    ],
)
@pytest.mark.parametrize("path", ["data.txt", "data", "data.dat"])
def test_unknown_extension_is_sniffed(path: str, data: bytes, expected: str) -> None:
    assert detect_format(path, data) == expected
    facts, records = read(data, path)
    assert facts.format == expected
    assert records and all(r.error is None for r in records)


def test_format_hint_overrides_detection() -> None:
    facts, records = read(b"a,b\n1,2\n", "x.jsonl", hint="csv")
    assert facts.format == "csv"
    assert values(records) == [{"a": "1", "b": "2"}]


# -- JSONL -----------------------------------------------------------------------------------------


def test_jsonl_records_and_lines() -> None:
    facts, records = read(b'{"a": 1}\n{"a": 2}\n{"a": 3}\n')
    assert facts.format == "jsonl"
    assert facts.encoding == "utf-8" and not facts.bom and facts.encoding_issue is None
    assert summary(records) == [(1, 1, "data", False), (2, 2, "data", False), (3, 3, "data", False)]
    assert values(records) == [{"a": 1}, {"a": 2}, {"a": 3}]


def test_jsonl_single_trailing_newline_is_not_blank() -> None:
    _, records = read(b'{"a": 1}\n')
    assert summary(records) == [(1, 1, "data", False)]


def test_jsonl_blank_lines_are_blank_records() -> None:
    data = b'\n{"a": 1}\n\n   \n{"a": 2}\n\t\n'
    _, records = read(data)
    assert summary(records) == [
        (0, 1, "blank", False),
        (1, 2, "data", False),
        (0, 3, "blank", False),
        (0, 4, "blank", False),
        (2, 5, "data", False),
        (0, 6, "blank", False),
    ]
    assert values(records) == [{"a": 1}, {"a": 2}]


def test_jsonl_trailing_blank_line_after_final_newline() -> None:
    _, records = read(b'{"a": 1}\n\n')
    assert summary(records) == [(1, 1, "data", False), (0, 2, "blank", False)]


def test_jsonl_bad_line_has_line_and_column_and_reading_continues() -> None:
    data = b'{"a": 1}\n{"a" 2}\n{"a": 3}\n'
    _, records = read(data)
    assert summary(records) == [(1, 1, "data", False), (2, 2, "data", True), (3, 3, "data", False)]
    error = records[1].error
    assert error is not None
    assert (error.line, error.column) == (2, 6)  # the "2" where ':' was expected
    assert records[2].value == {"a": 3}


@pytest.mark.parametrize("newline", [b"\n", b"\r\n"])
def test_jsonl_truncated_line_error_stays_on_its_own_line(newline: bytes) -> None:
    # The error is at the end of line 2's text; the line terminator must not push it onto line 3.
    data = b'{"a": 1}' + newline + b'{"a":' + newline + b'{"a": 3}' + newline
    _, records = read(data)
    assert summary(records) == [(1, 1, "data", False), (2, 2, "data", True), (3, 3, "data", False)]
    error = records[1].error
    assert error is not None
    assert error.line == 2
    assert error.column == 6


def test_jsonl_truncated_last_line_without_newline() -> None:
    _, records = read(b'{"a": 1}\n{"a": "unterminated')
    assert summary(records) == [(1, 1, "data", False), (2, 2, "data", True)]
    error = records[1].error
    assert error is not None and error.line == 2


def test_jsonl_crlf_line_endings() -> None:
    _, records = read(b'{"a": "x"}\r\n\r\n{"a": "y"}\r\n')
    assert summary(records) == [(1, 1, "data", False), (0, 2, "blank", False), (2, 3, "data", False)]
    assert values(records) == [{"a": "x"}, {"a": "y"}]


def test_jsonl_last_line_without_newline() -> None:
    _, records = read(b'{"a": 1}\n{"a": 2}')
    assert summary(records) == [(1, 1, "data", False), (2, 2, "data", False)]
    assert values(records) == [{"a": 1}, {"a": 2}]


@pytest.mark.parametrize(
    "number",
    [
        2**64,  # one past the largest unsigned 64-bit integer
        -(2**63) - 1,  # one below the smallest signed 64-bit integer
        123456789012345678901234567890,
        -(10**40),
    ],
)
def test_jsonl_integers_beyond_64_bits_parse_exactly(number: int) -> None:
    data = json.dumps({"n": number, "text": "x"}).encode() + b"\n"
    _, records = read(data)
    assert summary(records) == [(1, 1, "data", False)]
    value = records[0].value
    assert isinstance(value["n"], int)
    assert value["n"] == number


def test_jsonl_integer_at_64_bit_limits_parse_exactly() -> None:
    data = json.dumps([2**64 - 1, -(2**63), 2**63]).encode() + b"\n"
    _, records = read(data)
    assert records[0].value == [2**64 - 1, -(2**63), 2**63]


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_jsonl_nan_and_infinity_are_errors(constant: bytes) -> None:
    _, records = read(b'{"a": 1}\n{"a": ' + constant + b'}\n{"a": 3}\n')
    assert summary(records) == [(1, 1, "data", False), (2, 2, "data", True), (3, 3, "data", False)]
    error = records[1].error
    assert error is not None and error.line == 2


def test_jsonl_non_object_values_are_records() -> None:
    # Shape problems are for the schema rules; the reader delimits and parses.
    _, records = read(b'[1, 2]\n"text"\nnull\n')
    assert summary(records) == [(1, 1, "data", False), (2, 2, "data", False), (3, 3, "data", False)]
    assert [r.value for r in records] == [[1, 2], "text", None]


def test_jsonl_empty_input_has_no_records() -> None:
    facts, records = read(b"")
    assert records == []
    assert facts.format == "jsonl"


def test_jsonl_is_lazy_across_the_head_boundary() -> None:
    # Lines longer than the 64 KiB head and lines cut by the head boundary keep their numbers.
    long_text = "x" * 70_000
    lines = [json.dumps({"t": long_text}), json.dumps({"t": "short"}), json.dumps({"t": long_text + "y"})]
    data = ("\n".join(lines) + "\n").encode()
    _, records = read(data)
    assert summary(records) == [(1, 1, "data", False), (2, 2, "data", False), (3, 3, "data", False)]
    assert [r.value["t"] for r in records] == [long_text, "short", long_text + "y"]


def test_jsonl_reads_from_a_real_file(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_bytes(b'{"a": 1}\n\n{"a": 2}\n' * 3)
    facts = FileFacts(path=str(path), format="")
    with path.open("rb") as stream:
        records = list(read_records(stream, facts))
    assert [r.line for r in records] == list(range(1, 10))
    assert [r.index for r in records] == [1, 0, 2, 3, 0, 4, 5, 0, 6]


# -- JSON documents --------------------------------------------------------------------------------


def test_json_pretty_printed_array_start_lines() -> None:
    records_in = [{"text_input": "a", "output": "b"}, {"text_input": "c", "output": "d"}]
    data = json.dumps(records_in, indent=2).encode()
    # [ / { / "text_input" / "output" / }, / { ...
    _, records = read(data, "x.json")
    assert summary(records) == [(1, 2, "data", False), (2, 6, "data", False)]
    assert values(records) == records_in


def test_json_multi_line_and_same_line_elements() -> None:
    data = b'[{"a": 1}, {"a": 2},\n  {"a":\n   3}, {"a": 4}\n\n , {"a": 5}]'
    _, records = read(data, "x.json")
    assert summary(records) == [
        (1, 1, "data", False),
        (2, 1, "data", False),
        (3, 2, "data", False),
        (4, 3, "data", False),
        (5, 5, "data", False),
    ]
    assert values(records) == [{"a": 1}, {"a": 2}, {"a": 3}, {"a": 4}, {"a": 5}]


def test_json_array_element_with_nested_arrays_and_brackets_in_strings() -> None:
    data = b'[\n  {"contents": [{"role": "user", "parts": [{"text": "a ] } [ {"}]}]},\n  {"b": "\\"]"}\n]\n'
    _, records = read(data, "x.json")
    assert summary(records) == [(1, 2, "data", False), (2, 3, "data", False)]
    assert values(records) == [
        {"contents": [{"role": "user", "parts": [{"text": "a ] } [ {"}]}]},
        {"b": '"]'},
    ]


def test_json_element_syntax_error_position_and_next_elements_still_read() -> None:
    data = b'[\n  {"a": 1},\n  {\n    "a": 2\n    "b": 3\n  },\n  {"a": 4}\n]\n'
    _, records = read(data, "x.json")
    assert summary(records) == [(1, 2, "data", False), (2, 3, "data", True), (3, 7, "data", False)]
    error = records[1].error
    assert error is not None
    assert (error.line, error.column) == (5, 5)  # the '"b"' where ',' was expected
    assert records[2].value == {"a": 4}


def test_json_element_error_on_its_first_line_has_absolute_column() -> None:
    data = b'[{"a": 1}, {"a" 2}, {"a": 3}]'
    _, records = read(data, "x.json")
    assert summary(records) == [(1, 1, "data", False), (2, 1, "data", True), (3, 1, "data", False)]
    error = records[1].error
    assert error is not None
    assert (error.line, error.column) == (1, 17)
    assert data[error.column - 1 : error.column] == b"2"


def test_json_scalar_elements_are_records() -> None:
    _, records = read(b'[1, "two", null, {"a": 3}]', "x.json")
    assert [r.index for r in records] == [1, 2, 3, 4]
    assert [r.value for r in records] == [1, "two", None, {"a": 3}]


@pytest.mark.parametrize(
    "data",
    [
        b'{"examples": [\n  {"a": 1},\n  {"a": 2}\n]}\n',
        b'{"examples": {"examples": [\n  {"a": 1},\n  {"a": 2}\n]}}\n',
        b'{"name": "demo", "version": 2, "examples": [\n  {"a": 1},\n  {"a": 2}\n], "meta": {"k": "v"}}\n',
        b'{"meta": {"n": 2},\n "data": [\n  {"a": 1},\n  {"a": 2}\n]}\n',
    ],
    ids=["wrapper", "nested-wrapper", "wrapper-with-metadata", "data-key"],
)
def test_json_object_wrapping_records(data: bytes) -> None:
    facts, records = read(data, "x.json")
    assert facts.format == "json"
    assert values(records) == [{"a": 1}, {"a": 2}]
    assert [r.index for r in records] == [1, 2]
    lines = data.split(b"\n")
    for r in records:
        assert lines[r.line - 1].lstrip().startswith(b'{"a"')


def test_json_wrapper_prefers_examples_key() -> None:
    data = b'{"other": [{"x": 1}],\n "examples": [\n  {"a": 1}\n]}'
    _, records = read(data, "x.json")
    assert values(records) == [{"a": 1}]
    assert records[0].line == 3


def test_json_gemini_rest_body_wrapper() -> None:
    # The tunedModels.create REST body nests the examples four keys deep.
    body = {
        "displayName": "demo",
        "baseModel": "models/gemini-1.5-flash-001-tuning",
        "tuningTask": {
            "hyperparameters": {"batchSize": 2, "learningRate": 0.001, "epochCount": 5},
            "trainingData": {
                "examples": {"examples": [{"textInput": "1", "output": "2"}, {"textInput": "3", "output": "4"}]}
            },
        },
    }
    text = json.dumps(body, indent=2)
    _, records = read(text.encode(), "x.json")
    assert values(records) == [{"textInput": "1", "output": "2"}, {"textInput": "3", "output": "4"}]
    lines = text.split("\n")
    for r in records:
        assert lines[r.line - 1].strip() == "{"
        assert lines[r.line].strip().startswith('"textInput"')


@pytest.mark.parametrize(
    "record",
    [
        {"contents": [{"role": "user", "parts": [{"text": "hi"}]}, {"role": "model", "parts": [{"text": "yo"}]}]},
        {
            "systemInstruction": {"parts": [{"text": "be brief"}]},
            "contents": [{"role": "user", "parts": [{"text": "hi"}]}, {"role": "model", "parts": [{"text": "yo"}]}],
        },
        {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]},
        {
            "input": {"messages": [{"role": "user", "content": "hi"}]},
            "preferred_output": [{"role": "assistant", "content": "yo"}],
            "non_preferred_output": [{"role": "assistant", "content": "no"}],
        },
        {"conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "yo"}]},
    ],
    ids=["gemini-contents", "gemini-system", "openai-chat", "openai-preference", "sharegpt"],
)
@pytest.mark.parametrize("indent", [None, 2])
def test_json_single_chat_record_is_one_record(record: dict[str, Any], indent: int | None) -> None:
    # The turns of a single conversation are not a list of records.
    data = json.dumps(record, indent=indent).encode()
    _, records = read(data, "x.json")
    assert summary(records) == [(1, 1, "data", False)]
    assert records[0].value == record


def test_json_dict_of_columns() -> None:
    data = b'{\n  "text_input": [\n    "a",\n    "b"\n  ],\n  "output": [\n    "c",\n    "d"\n  ]\n}\n'
    _, records = read(data, "x.json")
    assert summary(records) == [(1, 3, "data", False), (2, 4, "data", False)]
    assert values(records) == [{"text_input": "a", "output": "c"}, {"text_input": "b", "output": "d"}]


def test_json_dict_of_columns_on_one_line() -> None:
    data = b'{"text_input": ["a", "b", "c"], "output": ["1", "2", "3"]}'
    _, records = read(data, "x.json")
    assert [r.index for r in records] == [1, 2, 3]
    assert all(r.line == 1 for r in records)
    assert values(records) == [
        {"text_input": "a", "output": "1"},
        {"text_input": "b", "output": "2"},
        {"text_input": "c", "output": "3"},
    ]


def test_json_dict_of_unequal_columns_gives_error_and_all_rows() -> None:
    data = b'{\n  "text_input": ["a",\n    "b",\n    "c"],\n  "output": ["x"]\n}\n'
    _, records = read(data, "x.json")
    errors = [r for r in records if r.error is not None]
    rows = [r for r in records if r.index > 0]
    assert len(errors) == 1
    assert errors[0].index == 0
    assert errors[0].error is not None and errors[0].error.line in (2, 5)
    assert [r.index for r in rows] == [1, 2, 3]
    assert [r.line for r in rows] == [2, 3, 4]
    assert [r.value for r in rows] == [
        {"text_input": "a", "output": "x"},
        {"text_input": "b"},
        {"text_input": "c"},
    ]


@pytest.mark.parametrize(
    "data",
    [
        b'{"examples": []}',
        b'{\n  "name": "demo",\n  "examples": []\n}\n',
        b'{"examples": {"examples": []}}',
        b'{"text_input": [], "output": []}',
    ],
)
def test_json_empty_wrapper_or_columns_has_no_records(data: bytes) -> None:
    _, records = read(data, "x.json")
    assert records == []


def test_json_dict_of_columns_with_an_empty_column() -> None:
    data = b'{"text_input": [],\n "output": ["x",\n "y"]}'
    _, records = read(data, "x.json")
    errors = [r for r in records if r.error is not None]
    assert len(errors) == 1 and errors[0].index == 0
    rows = [r for r in records if r.index > 0]
    assert [(r.index, r.line, r.value) for r in rows] == [(1, 2, {"output": "x"}), (2, 3, {"output": "y"})]


def test_json_single_record_object() -> None:
    data = b'\n{\n  "text_input": "a",\n  "output": "b"\n}\n'
    _, records = read(data, "x.json")
    assert summary(records) == [(1, 2, "data", False)]
    assert records[0].value == {"text_input": "a", "output": "b"}


def test_json_single_object_with_syntax_error() -> None:
    data = b'{\n  "text_input": "a"\n  "output": "b"\n}\n'
    _, records = read(data, "x.json")
    errors = [r for r in records if r.error is not None]
    assert len(errors) == 1
    error = errors[0].error
    assert error is not None and error.line == 3


@pytest.mark.parametrize("data", [b"[]", b"[\n]\n", b"  [ ]  \n", b""])
def test_json_empty_array_or_file_has_no_records(data: bytes) -> None:
    _, records = read(data, "x.json")
    assert records == []


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b'[\n  {"a": 1},\n  {"a": 2}\n', None),  # unclosed array
        (b'[\n  {"a": 1},\n  {"a": 2\n', None),  # unclosed element
        (b'[\n  {"a": 1}\n}\n', 3),  # mismatched bracket
        (b'[\n  {"a": [1}\n]\n', 2),  # mismatched bracket inside an element
        (b'[\n  {"a": 1}\n]\nextra\n', 4),  # text after the document
        (b'[{"a": 1}] [{"a": 2}]', 1),  # a second document
        (b'[\n  {"a": 1}\n  {"a": 2}\n]\n', 3),  # missing comma
        (b'[\n  {"a": 1},\n  "unterminated\n]\n', 3),  # unterminated string
        (b'[\n  {"a": 1},,\n]\n', 2),  # double comma
        (b'{"examples": [{"a": 1}], "x" 1}', 1),  # broken wrapper
    ],
)
def test_json_structural_errors_are_error_records(data: bytes, line: int | None) -> None:
    _, records = read(data, "x.json")  # never raises
    errors = [r for r in records if r.error is not None]
    assert errors, "a structural error must produce an error record"
    structural = errors[-1]
    assert structural.error is not None
    n_lines = data.count(b"\n") + 1
    assert 1 <= structural.error.line <= n_lines + 1
    if line is not None:
        assert structural.line == line
        assert structural.error.line == line
    # Elements read before the fault are kept.
    parsed = values(records)
    assert parsed == [{"a": 1}, {"a": 2}][: len(parsed)]


def test_json_unclosed_array_keeps_complete_elements() -> None:
    _, records = read(b'[\n  {"a": 1},\n  {"a": 2}\n', "x.json")
    assert values(records) == [{"a": 1}, {"a": 2}]
    assert [r.line for r in records if r.parsed] == [2, 3]
    assert records[-1].error is not None and records[-1].index == 0


def test_json_elements_crlf() -> None:
    data = b'[\r\n  {"a": 1},\r\n  {"a":\r\n 2}\r\n]\r\n'
    _, records = read(data, "x.json")
    assert summary(records) == [(1, 2, "data", False), (2, 3, "data", False)]
    assert values(records) == [{"a": 1}, {"a": 2}]


def test_json_big_integer_in_array_element() -> None:
    _, records = read(b'[{"n": 123456789012345678901234567890}]', "x.json")
    assert records[0].value == {"n": 123456789012345678901234567890}


# -- CSV / TSV -------------------------------------------------------------------------------------


def test_csv_header_and_rows() -> None:
    facts, records = read(b"text_input,output\nhello,world\nfoo,bar\n", "x.csv")
    assert facts.format == "csv"
    assert summary(records) == [(1, 2, "data", False), (2, 3, "data", False)]
    assert values(records) == [
        {"text_input": "hello", "output": "world"},
        {"text_input": "foo", "output": "bar"},
    ]


def test_csv_header_names_are_stripped() -> None:
    _, records = read(b" text_input , output \na,b\n", "x.csv")
    assert values(records) == [{"text_input": "a", "output": "b"}]


def test_csv_quoted_fields_with_embedded_newlines_start_line() -> None:
    data = b'q,a\n"line one\nline two\nline three",x\nplain,y\n"a, ""quoted"" one","multi\n\nline"\nlast,z\n'
    _, records = read(data, "x.csv")
    assert summary(records) == [
        (1, 2, "data", False),
        (2, 5, "data", False),
        (3, 6, "data", False),
        (4, 9, "data", False),
    ]
    assert values(records) == [
        {"q": "line one\nline two\nline three", "a": "x"},
        {"q": "plain", "a": "y"},
        {"q": 'a, "quoted" one', "a": "multi\n\nline"},
        {"q": "last", "a": "z"},
    ]


def test_csv_wrong_field_count_is_error_at_start_line_and_reading_continues() -> None:
    data = b'a,b\n1,2\n"multi\nline",2,3\n4,5\n6\n7,8\n'
    _, records = read(data, "x.csv")
    assert summary(records) == [
        (1, 2, "data", False),
        (2, 3, "data", True),
        (3, 5, "data", False),
        (4, 6, "data", True),
        (5, 7, "data", False),
    ]
    assert records[1].error is not None and records[1].error.line == 3
    assert records[3].error is not None and records[3].error.line == 6
    assert values(records) == [{"a": "1", "b": "2"}, {"a": "4", "b": "5"}, {"a": "7", "b": "8"}]


def test_csv_blank_lines_are_skipped() -> None:
    data = b"\na,b\n\n1,2\n\n\n3,4\n\n"
    _, records = read(data, "x.csv")
    assert summary(records) == [(1, 4, "data", False), (2, 7, "data", False)]
    assert values(records) == [{"a": "1", "b": "2"}, {"a": "3", "b": "4"}]


def test_csv_crlf_and_no_final_newline() -> None:
    data = b'a,b\r\n1,"x\r\ny"\r\n3,4'
    _, records = read(data, "x.csv")
    assert summary(records) == [(1, 2, "data", False), (2, 4, "data", False)]
    assert values(records) == [{"a": "1", "b": "x\r\ny"}, {"a": "3", "b": "4"}]


def test_csv_single_column_empty_quoted_cell_is_a_record() -> None:
    # '""' is an empty value, not a blank line.
    data = b'text\nhello\n""\nbye\n'
    _, records = read(data, "x.csv")
    assert summary(records) == [(1, 2, "data", False), (2, 3, "data", False), (3, 4, "data", False)]
    assert values(records) == [{"text": "hello"}, {"text": ""}, {"text": "bye"}]


def test_csv_cells_longer_than_the_default_field_limit() -> None:
    big = "x" * 200_000
    assert len(big) > 131072
    data = f'a,b\n"{big}",short\nnext,{big}\n'.encode()
    _, records = read(data, "x.csv")
    assert summary(records) == [(1, 2, "data", False), (2, 3, "data", False)]
    assert values(records) == [{"a": big, "b": "short"}, {"a": "next", "b": big}]


def test_csv_header_only_has_no_records() -> None:
    _, records = read(b"a,b\n", "x.csv")
    assert records == []


def test_tsv_rows() -> None:
    data = b'text_input\toutput\nhello, world\t"quoted\ttab"\nx\ty\n'
    facts, records = read(data, "x.tsv")
    assert facts.format == "tsv"
    assert summary(records) == [(1, 2, "data", False), (2, 3, "data", False)]
    assert values(records) == [
        {"text_input": "hello, world", "output": "quoted\ttab"},
        {"text_input": "x", "output": "y"},
    ]


def test_tsv_wrong_field_count() -> None:
    _, records = read(b"a\tb\n1\t2\t3\n4\t5\n", "x.tsv")
    assert summary(records) == [(1, 2, "data", True), (2, 3, "data", False)]


# -- encodings -------------------------------------------------------------------------------------


def test_utf8_bom_jsonl() -> None:
    facts, records = read(codecs.BOM_UTF8 + b'{"a": 1}\n{"a": 2}\n')
    assert facts.bom is True
    assert facts.encoding_issue is None
    assert summary(records) == [(1, 1, "data", False), (2, 2, "data", False)]
    assert values(records) == [{"a": 1}, {"a": 2}]


def test_utf8_bom_csv_header_has_no_bom() -> None:
    facts, records = read(codecs.BOM_UTF8 + b"text_input,output\na,b\n", "x.csv")
    assert facts.bom is True
    assert facts.encoding_issue is None
    assert values(records) == [{"text_input": "a", "output": "b"}]
    assert all("\ufeff" not in key for r in records for key in r.value)


def test_utf8_bom_json_and_sniffing() -> None:
    facts, records = read(codecs.BOM_UTF8 + b'[\n {"a": 1}\n]\n', "data.txt")
    assert facts.bom is True
    assert facts.format == "json"
    assert summary(records) == [(1, 2, "data", False)]


def test_no_bom_on_plain_utf8() -> None:
    facts, records = read('{"a": "£ é 日本"}\n'.encode())
    assert facts.bom is False and facts.encoding_issue is None
    assert records[0].value == {"a": "£ é 日本"}


def test_cp1252_jsonl_line_1() -> None:
    data = '{"text": "price £5"}\n{"text": "plain"}\n'.encode("cp1252")
    assert b"\xa3" in data
    facts, records = read(data)
    assert facts.encoding_issue is not None
    line, name = facts.encoding_issue
    assert line == 1
    assert isinstance(name, str) and name
    assert summary(records) == [(1, 1, "data", False), (2, 2, "data", False)]
    assert "£" in records[0].value["text"]
    assert records[1].value == {"text": "plain"}


def test_cp1252_csv_header() -> None:
    data = "Date,Value (£)\n01/01/2020,5\n".encode("cp1252")
    facts, records = read(data, "x.csv")
    assert facts.encoding_issue is not None and facts.encoding_issue[0] == 1
    assert values(records) == [{"Date": "01/01/2020", "Value (£)": "5"}]


def test_cp1252_bad_bytes_on_a_later_line() -> None:
    data = '{"text": "one"}\n{"text": "two"}\n{"text": "costs £3"}\n{"text": "four"}\n'.encode("cp1252")
    facts, records = read(data)
    assert facts.encoding_issue is not None
    assert facts.encoding_issue[0] == 3
    assert summary(records) == [(i, i, "data", False) for i in range(1, 5)]
    assert [r.value["text"] for r in records[:2]] == ["one", "two"]
    assert "£" in records[2].value["text"]
    assert records[3].value == {"text": "four"}


@pytest.mark.parametrize("accents", ["caf\u00e9 na\u00efve \u00a35", "\u00e9" * 40])
def test_cp1252_smart_quotes_and_euro_are_not_c1_controls(accents: str) -> None:
    """chardet often calls Windows-1252 text ISO-8859-1; decoding 0x80-0x9F with latin-1 would turn
    curly quotes and the euro sign into invisible C1 controls."""
    text = f"\u201cquoted\u201d costs \u20ac5 \u2013 {accents}"
    data = ('{"text": "' + text + '"}\n').encode("cp1252")
    facts, records = read(data)
    assert facts.encoding_issue is not None
    assert records[0].value == {"text": text}
    assert not any("\x80" <= ch <= "\x9f" for ch in records[0].value["text"])


def test_cp1252_in_json_document() -> None:
    data = '[\n  {"text": "caf\u00e9 \u00a32"}\n]\n'.encode("cp1252")
    facts, records = read(data, "x.json")
    assert facts.encoding_issue is not None and facts.encoding_issue[0] == 2
    assert records[0].line == 2
    assert "£" in records[0].value["text"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_wide_encodings_with_bom(encoding: str) -> None:
    text = '{"text": "£ 日本"}\n{"text": "two"}\n'
    raw = text.encode(encoding)
    bom = {
        "utf-16-le": codecs.BOM_UTF16_LE,
        "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE,
        "utf-32-be": codecs.BOM_UTF32_BE,
    }.get(encoding, b"")
    data = bom + raw
    facts, records = read(data)
    assert facts.encoding_issue is not None
    assert facts.encoding_issue[0] == 1
    assert summary(records) == [(1, 1, "data", False), (2, 2, "data", False)]
    assert values(records) == [{"text": "£ 日本"}, {"text": "two"}]


def test_utf16_lines_split_on_line_feed_only() -> None:
    # As in UTF-8 files, a bare carriage return does not start a new physical line.
    data = '{"a":\r 1}\n{"b": "x"}\r\n{"c": 3}\n'.encode("utf-16")
    _, records = read(data)
    assert summary(records) == [(1, 1, "data", False), (2, 2, "data", False), (3, 3, "data", False)]
    assert values(records) == [{"a": 1}, {"b": "x"}, {"c": 3}]


def test_utf16_csv_with_bom() -> None:
    data = 'text,label\n"multi\nline",£\nx,y\n'.encode("utf-16")
    facts, records = read(data, "x.csv")
    assert facts.encoding_issue is not None and facts.encoding_issue[0] == 1
    assert summary(records) == [(1, 2, "data", False), (2, 4, "data", False)]
    assert values(records) == [{"text": "multi\nline", "label": "£"}, {"text": "x", "label": "y"}]
    assert all("\ufeff" not in key for r in records for key in r.value)


def test_utf16_json_array_sniffed() -> None:
    data = '[\n  {"a": "x"},\n  {"a": "y"}\n]\n'.encode("utf-16")
    facts, records = read(data, "data.txt")
    assert facts.format == "json"
    assert summary(records) == [(1, 2, "data", False), (2, 3, "data", False)]


# -- real public datasets (../shared/datasets) -----------------------------------------------------

SharedDataset = Callable[[str], Path]


def read_path(path: Path, hint: str | None = None) -> tuple[FileFacts, list[Record]]:
    facts = FileFacts(path=str(path), format="", bytes=path.stat().st_size)
    with path.open("rb") as stream:
        records = list(read_records(stream, facts, hint))
    return facts, records


def csv_record_start_lines(text: str) -> list[int]:
    """Start line of every non-blank CSV record (header included), by a quote-state scan that does
    not use the csv module: a newline outside quotes ends a record."""
    starts: list[int] = []
    line = 1
    in_quotes = False
    at_start = True
    blank = True
    start_line = 1
    for ch in text:
        if at_start:
            start_line, at_start, blank = line, False, True
        if ch == '"':
            in_quotes = not in_quotes
        if ch == "\n":
            line += 1
            if not in_quotes:
                if not blank:
                    starts.append(start_line)
                at_start = True
                continue
        if ch not in "\r\n":
            blank = False
    if not at_start and not blank:
        starts.append(start_line)
    return starts


def test_real_spend_dataset_cp1252_with_multiline_cells(shared_dataset: SharedDataset) -> None:
    path = shared_dataset("openai-cookbook__25000_spend_dataset_current.csv")
    raw = path.read_bytes()
    facts, records = read_path(path)
    assert facts.format == "csv"
    assert facts.encoding_issue is not None
    assert facts.encoding_issue[0] == 1
    assert codecs.lookup(facts.encoding).name == "cp1252"
    assert len(records) == 359
    assert [r.index for r in records] == list(range(1, 360))
    assert all(r.parsed for r in records)
    header = list(records[0].value)
    assert header[3] == "Transaction value (£)"

    expected = csv_record_start_lines(raw.decode("cp1252"))[1:]  # without the header
    assert len(expected) == 359
    assert [r.line for r in records] == expected
    multiline = [r for r in records if any("\n" in cell for cell in r.value.values())]
    assert multiline, "the file has quoted cells with embedded newlines"
    # The rows after a multi-line cell start further down than their row number suggests.
    assert records[-1].line > records[-1].index + 1
    # Each multi-line record starts on a physical line that begins with its first cell.
    lines = raw.split(b"\n")
    for r in multiline:
        first_cell = next(iter(r.value.values()))
        assert lines[r.line - 1].decode("cp1252").startswith(first_cell.split("\n")[0])


def test_real_gemini_increment_json(shared_dataset: SharedDataset) -> None:
    path = shared_dataset("gemini-cookbook__increment_tuning_data.json")
    facts, records = read_path(path)
    lines = path.read_text(encoding="utf-8").split("\n")
    assert facts.format == "json"
    assert len(records) == 15
    assert [r.index for r in records] == list(range(1, 16))
    assert [r.line for r in records] == [2 + 4 * i for i in range(15)]
    assert all(lines[r.line - 1].strip() == "{" for r in records)
    assert values(records) == json.loads(path.read_bytes())


def test_real_alpaca_en_demo_json(shared_dataset: SharedDataset) -> None:
    path = shared_dataset("llamafactory__alpaca_en_demo.json")
    facts, records = read_path(path)
    expected = json.loads(path.read_bytes())
    assert facts.format == "json"
    assert len(records) == 999 == len(expected)
    assert [r.index for r in records] == list(range(1, 1000))
    assert values(records) == expected
    lines = path.read_text(encoding="utf-8").split("\n")
    starts = [n for n, text in enumerate(lines, start=1) if text.strip() in ("{", "},{", "{,")]
    assert [r.line for r in records] == starts


def test_real_labelled_transactions_csv(shared_dataset: SharedDataset) -> None:
    path = shared_dataset("openai-cookbook__labelled_transactions.csv")
    raw = path.read_bytes()
    assert b"\r\n" in raw and not raw.endswith(b"\n")
    facts, records = read_path(path)
    assert facts.format == "csv" and facts.encoding_issue is None
    assert len(records) == 101
    assert all(r.parsed for r in records)
    with path.open(newline="", encoding="utf-8") as handle:
        expected = [{k.strip(): v for k, v in row.items()} for row in csv.DictReader(handle)]
    assert values(records) == expected
    assert [r.line for r in records] == csv_record_start_lines(raw.decode("utf-8"))[1:]


def test_real_ag_news_csv(shared_dataset: SharedDataset) -> None:
    path = shared_dataset("openai-cookbook__AG_news_samples.csv")
    facts, records = read_path(path)
    assert facts.format == "csv"
    assert len(records) == 2000
    assert [r.index for r in records] == list(range(1, 2001))
    with path.open(newline="", encoding="utf-8") as handle:
        expected = list(csv.DictReader(handle))
    assert values(records) == expected
    assert [r.line for r in records] == csv_record_start_lines(path.read_text(encoding="utf-8"))[1:]


def test_real_jsonl_datasets(shared_dataset: SharedDataset) -> None:
    for name, count in (
        ("openai-cookbook__toy_chat_fine_tuning.jsonl", 5),
        ("openai-cookbook__dbpedia_samples.jsonl", 200),
        ("openai-cookbook__drone_training.jsonl", 103),
    ):
        path = shared_dataset(name)
        facts, records = read_path(path)
        assert facts.format == "jsonl"
        data = data_records(records)
        assert len(data) == count, name
        raw_lines = path.read_bytes().split(b"\n")
        for r in data:
            assert r.parsed
            assert r.value == json.loads(raw_lines[r.line - 1])


@pytest.mark.parametrize("label", ["ISO-8859-1", "latin-1", "ascii"])
def test_latin1_and_ascii_labels_decode_as_windows_1252(label: str) -> None:
    from validator.readers.decode import _usable_encoding

    assert _usable_encoding(label, "\u201cx\u201d \u20ac".encode("cp1252")) == "cp1252"


@pytest.mark.parametrize(
    ("escaped", "column"),
    [
        (r"a\ud800", 18),  # a lone high surrogate
        (r"a\ude00", 18),  # a lone low surrogate
        (r"\ud83d\ud83d\ude00", 17),  # a high surrogate followed by a complete pair
    ],
)
def test_lone_surrogate_escape_is_a_syntax_error(escaped: str, column: int) -> None:
    data = ('{"text_input": "ok", "output": "fine"}\n{"text_input": "' + escaped + '", "output": "b"}\n').encode()
    _, records = read(data)
    assert records[0].error is None
    error = records[1].error
    assert error is not None and (error.line, error.column) == (2, column)


@pytest.mark.parametrize("escaped", [r"\ud83d\ude00", r"\\ud800", "\\\\\\\\ud800"])
def test_surrogate_pairs_and_escaped_backslashes_parse(escaped: str) -> None:
    _, records = read(('{"t": "' + escaped + '"}\n').encode())
    assert records[0].error is None
    assert isinstance(records[0].value["t"], str)
    records[0].value["t"].encode("utf-8")  # a real character, never a lone surrogate
