"""The engine moves a batch of clean single-turn records into the rules column by column
(:meth:`Shape.columns`, ``PassState._columns``) and any other batch record by record. Both ways
must give the same report: findings (codes, locations, fields, fingerprints), counts and statistics,
whatever the mix of records and wherever batches start."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import validator
from validator import engine
from validator.schemas import SHAPES, Shape, mapped_shape

# -- Shape.columns against the one-by-one definition ------------------------------------------------

_COLUMN_SHAPES = [s for s in SHAPES.values() if s.text_keys is not None] + [mapped_shape("q", "a")]
_KEYS = ["text_input", "textInput", "output", "input_text", "output_text", "prompt", "completion", "text", "q", "a"]
_KEYS += ["id", "label", "metadata", "systemInstruction"]
_VALUES = st.one_of(
    st.text(max_size=6),
    st.none(),
    st.integers(-3, 3),
    st.booleans(),
    st.lists(st.text(max_size=2), max_size=2),
    st.dictionaries(st.text(max_size=2), st.text(max_size=2), max_size=1),
)
_OBJECT = st.dictionaries(st.sampled_from(_KEYS), _VALUES, max_size=4)


def _one_by_one(shape: Shape, values: list[Any]) -> tuple[list[str], list[str], dict[str, str]] | None:
    """What the engine's record-by-record path reads from each value, or ``None`` when any value
    is not one it takes on its fast path."""
    found = []
    for value in values:
        texts = shape.texts(value) if type(value) is dict and shape.quick_ok(value) else None
        if texts is None:
            return None
        found.append(texts)
    if not found or any(texts[2] != found[0][2] for texts in found):
        return None
    return [t[0] for t in found], [t[1] for t in found], found[0][2]


@st.composite
def _batches(draw: st.DrawFn) -> list[Any]:
    """A batch of objects that mostly share one set of keys in one order (so that whole batches
    pass), with now and then another value type, another order or a non-object."""
    base = draw(_OBJECT)
    size = draw(st.integers(1, 8))
    batch: list[Any] = []
    for _ in range(size):
        kind = draw(st.integers(0, 9))
        if kind <= 5:  # the base keys, in the base order, values redrawn as strings or anything
            batch.append({k: draw(st.text(max_size=5) if kind <= 3 else _VALUES) for k in base})
        elif kind == 6:  # the same keys in reverse order
            batch.append({k: draw(st.text(max_size=5)) for k in reversed(list(base))})
        elif kind == 7:
            batch.append(draw(_OBJECT))
        elif kind == 8:
            batch.append(draw(st.one_of(st.text(max_size=3), st.integers(), st.lists(st.integers(), max_size=2))))
        else:
            batch.append(dict(base))
    return batch


@settings(max_examples=400, deadline=None)
@given(_batches())
def test_columns_read_what_records_read_one_by_one(values: list[Any]) -> None:
    for shape in _COLUMN_SHAPES:
        columns = shape.columns(values)
        expected = _one_by_one(shape, values)
        if columns is not None:
            event("columns")
            assert columns == expected, shape.name
            assert all(shape.quick_ok(v) for v in values)
        elif expected is not None:
            # Declined although every record passes one by one: only when key orders differ.
            assert len({tuple(v) for v in values}) > 1, shape.name


def test_columns_of_a_gemini_batch() -> None:
    values = [{"text_input": f"q{i}", "output": f"a{i}"} for i in range(5)]
    inputs, outputs, fields = SHAPES["gemini"].columns(values) or ([], [], {})
    assert inputs == [f"q{i}" for i in range(5)]
    assert outputs == [f"a{i}" for i in range(5)]
    assert fields == {"input": "text_input", "output": "output"}
    camel = [{"textInput": "q", "output": "a"}]
    assert SHAPES["gemini"].columns(camel) == (["q"], ["a"], {"input": "textInput", "output": "output"})


def test_text_shape_columns_have_empty_outputs() -> None:
    assert SHAPES["text"].columns([{"text": "x"}, {"text": "y"}]) == (["x", "y"], ["", ""], {"input": "text"})


@pytest.mark.parametrize(
    "values",
    [
        [{"text_input": "q", "output": "a"}, {"text_input": "q", "output": 1}],  # a wrong type
        [{"text_input": "q", "output": "a"}, {"output": "a", "text_input": "q"}],  # another key order
        [{"text_input": "q", "output": "a"}, ["q", "a"]],  # not an object
        [{"text_input": "q"}],  # a missing output
        [{"text_input": "q", "output": "a", "surprise": "x"}],  # a key the schema forbids
        [],
    ],
)
def test_columns_decline_batches_with_an_odd_record(values: list[Any]) -> None:
    assert SHAPES["gemini"].columns(values) is None


def test_conversation_and_composed_shapes_have_no_columns() -> None:
    assert SHAPES["alpaca"].columns([{"instruction": "i", "output": "o"}]) is None
    assert SHAPES["openai-chat"].columns([{"messages": []}]) is None


# -- the engine: column by column or record by record, the same report -------------------------------

_LINES = st.sampled_from(
    [
        '{"text_input": "question: what? context: this.", "output": "yes"}',
        '{"text_input": "question: what? context: this.", "output": "yes"}',  # a duplicate
        '{"text_input": "question: what? context: this.", "output": "no"}',  # a conflict
        '{"text_input": "context: that. question: why?", "output": "Yes. "}',
        '{"text_input": "Question: how?", "output": "sk-proj-abcdefghijklmnopqrstuvwx1234"}',
        '{"output": "first", "text_input": "key order swapped"}',
        '{"text_input": "an extra key", "output": "x", "id": 3}',
        '{"text_input": "a number", "output": 7}',
        '{"text_input": "", "output": ""}',
        '{"textInput": "camel case", "output": "y"}',
        '{"text_input": "a repeated key", "text_input": "again", "output": "z"}',  # S007, last value read
        '{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}',
        "",
        "not json",
        "[1, 2]",
    ]
)
_CLEAN = [
    json.dumps({"text_input": f"question: item {i}? context: row {i % 7}.", "output": ["yes", "no"][i % 2]})
    for i in range(40)
]


def _report(path: Path, columns: bool, batch: int, monkeypatch: pytest.MonkeyPatch, **options: Any) -> dict[str, Any]:
    with monkeypatch.context() as patch:
        patch.setattr(engine, "BATCH_RECORDS", batch)
        if not columns:
            patch.setattr(engine.PassState, "_columns", lambda self, records, batch: False)
        report = validator.lint(str(path), isolated=True, workers=1, **options)
    envelope = report.to_dict()
    envelope.pop("elapsed_seconds", None)
    return envelope


def _counting_columns(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    taken: list[bool] = []
    original = engine.PassState._columns

    def spy(self: engine.PassState, records: list[Any], batch: Any) -> bool:
        result = original(self, records, batch)
        taken.append(result)
        return result

    monkeypatch.setattr(engine.PassState, "_columns", spy)
    return taken


@pytest.fixture()
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(st.one_of(_LINES, st.sampled_from(_CLEAN)), min_size=0, max_size=60),
    batch=st.sampled_from([3, 8, 1024]),
)
def test_columns_and_rows_give_the_same_report(
    lines: list[str], batch: int, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = folder / "data.jsonl"
    path.write_text("\n".join(_CLEAN[:25] + lines) + "\n", encoding="utf-8")
    assert _report(path, True, batch, monkeypatch) == _report(path, False, batch, monkeypatch)


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_a_clean_file_takes_the_columns_and_reports_like_rows(
    suffix: str, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [json.loads(line) for line in _CLEAN] * 3  # duplicates across batches
    rows.append({**rows[0], "output": "maybe"})  # and a conflict
    path = folder / f"data{suffix}"
    if suffix == ".csv":
        import csv

        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, ["text_input", "output"])
            writer.writeheader()
            writer.writerows(rows)
    else:
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    taken = _counting_columns(monkeypatch)
    with_columns = _report(path, True, 16, monkeypatch)
    assert taken and all(taken)  # every batch of the clean file went column by column
    assert with_columns == _report(path, False, 16, monkeypatch)
    codes = {f["code"] for f in with_columns["findings"]}
    assert {"D001", "D002"} <= codes  # the comparison is not between two empty reports
    assert with_columns["files"][0]["records"] == len(rows)


def test_a_batch_with_one_odd_record_goes_record_by_record(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [*_CLEAN[:8], '{"text_input": "q", "output": 1}', *_CLEAN[8:16]]
    path = folder / "data.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    taken = _counting_columns(monkeypatch)
    report = _report(path, True, 8, monkeypatch)
    assert taken == [True, False, True]  # lines 1-8, 9-16 (with the odd record 9), 17
    wrong = [(f["code"], f["line"]) for f in report["findings"] if f["code"] == "S002"]
    assert wrong == [("S002", 9)]


def test_mapped_fields_take_the_columns(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = folder / "data.jsonl"
    path.write_text("".join(json.dumps({"q": f"ask {i}", "a": "same"}) + "\n" for i in range(30)), encoding="utf-8")
    taken = _counting_columns(monkeypatch)
    report = _report(path, True, 8, monkeypatch, input_field="q", output_field="a")
    assert taken and all(taken)
    assert report == _report(path, False, 8, monkeypatch, input_field="q", output_field="a")
