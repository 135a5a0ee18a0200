"""In-memory sources for ``validator.lint``: lists of dicts, ``(input, output)`` tuples, dicts of
columns and pandas DataFrames become records numbered from 1 whose ``line`` is the record number."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest

import validator
from validator.errors import SourceError
from validator.sources import MEMORY_PATH, memory_records

pd = pytest.importorskip("pandas")

GEMINI = [
    {"text_input": "What is 2+2?", "output": "4"},
    {"text_input": "Capital of France?", "output": "Paris"},
    {"text_input": "Opposite of hot?", "output": "cold"},
]


def structural(report: validator.Report) -> list[tuple[str, int | None, int | None, str | None]]:
    return [(f.code, f.line, f.record, f.field) for f in report.findings if f.code[0] == "S"]


def codes(report: validator.Report) -> set[str]:
    return {f.code for f in report.findings}


def values(source: object) -> list[Any]:
    return [r.value for r in memory_records(source)]


# -- every supported kind of source -------------------------------------------------------------


@pytest.mark.parametrize(
    ("records", "shape"),
    [
        (GEMINI, "gemini"),
        ([{"prompt": "a b c", "completion": "d e f"}] * 2, "prompt-completion"),
        ([{"input_text": "a b c", "output_text": "d e f"}], "vertex-palm"),
        ([{"instruction": "Say hi.", "input": "", "output": "hi"}], "alpaca"),
        ([{"text": "Plain text for pretraining."}], "text"),
        ([{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}], "openai-chat"),
        ([{"messages": [{"role": "user", "content": "Hi"}, {"role": "model", "content": "Hello"}]}], "vertex-messages"),
        (
            [{"contents": [{"role": "user", "parts": [{"text": "Hi"}]}, {"role": "model", "parts": [{"text": "Yo"}]}]}],
            "vertex-gemini",
        ),
        ([{"conversations": [{"from": "human", "value": "Hi"}, {"from": "gpt", "value": "Hello"}]}], "sharegpt"),
        ([{"prompt": "Sky is", "chosen": " blue", "rejected": " green"}], "preference"),
    ],
)
def test_list_of_dicts_any_shape(records: list[dict[str, Any]], shape: str) -> None:
    report = validator.lint(records)
    assert len(report.files) == 1
    assert report.files[0].path == MEMORY_PATH == "<memory>"
    assert report.files[0].format == "memory"
    assert report.files[0].schema == shape
    assert report.files[0].records == len(records)
    assert not codes(report) & {"S001", "S002", "S004", "S005", "F007"}
    for finding in report.findings:
        assert finding.path == "<memory>"


def test_list_of_tuples_is_gemini() -> None:
    assert values([("a", "b"), ("c", "d")]) == [{"text_input": "a", "output": "b"}, {"text_input": "c", "output": "d"}]
    report = validator.lint([("What is 2+2?", "4"), ("Capital of France?", "")])
    assert report.files[0].schema == "gemini"
    assert report.files[0].records == 2
    assert structural(report) == [("S003", 2, 2, "/output")]


def test_tuple_of_tuples_is_accepted_too() -> None:
    report = validator.lint((("What is 2+2?", "4"), ("Capital of France?", "Paris")))
    assert report.files[0].schema == "gemini"
    assert report.files[0].records == 2


def test_tuple_not_a_pair_is_a_record_of_the_wrong_type() -> None:
    report = validator.lint([("What is 2+2?", "4"), ("a", "b", "c"), ("x", "y")])
    assert report.files[0].records == 3
    assert [(c, line, rec, f) for c, line, rec, f in structural(report) if c == "S002"] == [("S002", 2, 2, None)]


def test_dict_of_columns() -> None:
    columns = {"text_input": ["What is 2+2?", "Capital of France?"], "output": ("4", "Paris")}
    assert values(columns) == [
        {"text_input": "What is 2+2?", "output": "4"},
        {"text_input": "Capital of France?", "output": "Paris"},
    ]
    report = validator.lint(columns)
    assert report.files[0].schema == "gemini"
    assert report.files[0].records == 2
    assert structural(report) == []


def test_dict_of_ragged_columns_leaves_the_short_column_missing() -> None:
    report = validator.lint({"text_input": ["a b", "c d", "e f"], "output": ["1", "2"]})
    assert report.files[0].records == 3
    assert structural(report) == [("S001", 3, 3, "/output")]


def test_dict_with_a_column_that_is_not_a_list_is_a_source_error() -> None:
    with pytest.raises(SourceError):
        validator.lint({"text_input": ["a"], "output": "b"})


def test_empty_dict_of_columns_and_empty_list_have_no_records() -> None:
    sources: tuple[object, ...] = ({}, [])
    for source in sources:
        report = validator.lint(source)
        assert report.files[0].path == "<memory>"
        assert report.files[0].records == 0
        assert report.files[0].schema is None


def test_dataframe() -> None:
    frame = pd.DataFrame(GEMINI)
    report = validator.lint(frame)
    assert report.files[0].path == "<memory>"
    assert report.files[0].schema == "gemini"
    assert report.files[0].records == 3
    assert structural(report) == []


def test_dataframe_with_a_custom_index_still_numbers_from_one() -> None:
    frame = pd.DataFrame(GEMINI, index=[10, 20, 30])
    frame.loc[20, "output"] = ""
    report = validator.lint(frame)
    assert structural(report) == [("S003", 2, 2, "/output")]


# -- missing cells and placeholders --------------------------------------------------------------


def test_missing_dataframe_cells_are_empty_text_not_nan() -> None:
    frame = pd.DataFrame(
        {
            "text_input": ["What is 2+2?", "Capital of France?", "Opposite of hot?", "Colour of grass?", None],
            "output": ["4", float("nan"), None, pd.NA, "green"],
        }
    )
    # Each row's value as the engine sees it: missing cells are "" (never the text "nan").
    rows = values(frame)
    assert [r["output"] for r in rows] == ["4", "", "", "", "green"]
    assert rows[4]["text_input"] == ""
    report = validator.lint(frame)
    assert report.files[0].schema == "gemini"
    found = structural(report)
    assert ("S003", 2, 2, "/output") in found
    assert ("S003", 3, 3, "/output") in found
    assert ("S003", 4, 4, "/output") in found
    assert ("S003", 5, 5, "/text_input") in found
    assert not [f for f in found if f[0] in ("S001", "S002", "S006")]


def test_missing_cells_of_typed_columns() -> None:
    frame = pd.DataFrame(
        {
            "text_input": pd.array(["What is 2+2?", pd.NA], dtype="string"),
            "output": pd.array(["4", "x"], dtype="string"),
            "when": pd.to_datetime(["2024-01-01", None]),
        }
    )
    rows = values(frame)
    assert rows[1]["text_input"] == ""
    assert rows[1]["when"] == ""  # NaT is missing too


def test_numpy_nan_is_missing() -> None:
    np = pytest.importorskip("numpy")
    frame = pd.DataFrame({"text_input": ["a b", "c d"], "output": np.array([np.nan, "x"], dtype=object)})
    assert values(frame)[0]["output"] == ""


def test_literal_nan_string_is_a_placeholder() -> None:
    frame = pd.DataFrame({"text_input": ["What is 2+2?", "Capital of France?"], "output": ["4", "nan"]})
    report = validator.lint(frame)
    found = structural(report)
    assert ("S006", 2, 2, "/output") in found
    assert not [f for f in found if f[0] == "S003"]


def test_missing_values_in_a_list_of_dicts_are_kept_as_written() -> None:
    # Only DataFrame cells are normalised; in a list of dicts null is a wrong type, like in JSONL.
    records = [*GEMINI, {"text_input": "What is 3+3?", "output": None}]
    assert values(records)[3]["output"] is None
    report = validator.lint(records)
    assert ("S002", 4, 4, "/output") in structural(report)


def test_memory_missing_helper_on_floats() -> None:
    rows = values(pd.DataFrame({"text_input": ["a"], "output": [math.nan]}))
    assert rows == [{"text_input": "a", "output": ""}]


# -- numbering -------------------------------------------------------------------------------------


def test_records_are_numbered_from_one_and_line_is_the_record() -> None:
    records = [
        {"text_input": "What is 2+2?", "output": "4"},
        {"text_input": "Capital of France?"},
        {"text_input": "Opposite of hot?", "output": 5},
        {"text_input": "Colour of grass?", "output": "green", "source": "quiz"},
        {"text_input": "Colour of sky?", "output": " "},
    ]
    assert [(r.index, r.line) for r in memory_records(records)] == [(i, i) for i in range(1, 6)]
    report = validator.lint(records)
    assert report.files[0].records == 5
    assert sorted(structural(report)) == [
        ("S001", 2, 2, "/output"),
        ("S002", 3, 3, "/output"),
        ("S003", 5, 5, "/output"),
        ("S004", 4, 4, "/source"),
    ]
    for finding in report.findings:
        if finding.record is not None:
            assert finding.line == finding.record


def test_non_object_records_in_a_list() -> None:
    report = validator.lint([*GEMINI, ["What is 3+3?", "6"], 7, None])
    assert report.files[0].records == 6
    assert [(c, line, f) for c, line, _, f in structural(report) if c == "S002"] == [
        ("S002", 4, None),
        ("S002", 5, None),
        ("S002", 6, None),
    ]


def test_mixed_shapes_in_memory() -> None:
    records = [*GEMINI, {"prompt": "a b", "completion": "c d"}]
    report = validator.lint(records)
    assert [(f.code, f.line, f.record) for f in report.findings if f.code == "S005"] == [("S005", 4, 4)]


# -- unsupported sources -----------------------------------------------------------------------------


def _generator() -> Iterator[dict[str, str]]:
    yield from GEMINI


@pytest.mark.parametrize(
    "source",
    [
        42,
        4.2,
        {("text_input", "output")},
        frozenset(),
        _generator(),
        iter(GEMINI),
        b'{"text_input": "a"}',
        None,
        object(),
    ],
    ids=["int", "float", "set", "frozenset", "generator", "iterator", "bytes", "none", "object"],
)
def test_unsupported_objects_raise_source_error(source: object) -> None:
    with pytest.raises(SourceError):
        validator.lint(source)
    with pytest.raises(SourceError):
        list(memory_records(source))


def test_source_error_is_a_tunelint_error() -> None:
    with pytest.raises(validator.TunelintError):
        validator.lint(42)


def test_a_list_of_strings_is_a_list_of_paths() -> None:
    # Strings name files: a list of texts is not in-memory data.
    with pytest.raises(SourceError):
        validator.lint(["What is 2+2?", "4"])


def test_pandas_series_is_not_a_source() -> None:
    with pytest.raises(SourceError):
        validator.lint(pd.Series(["a", "b"]))
