"""Record shapes: detection, structural findings (S001/S002/S004/S005) and the canonical Example.

Golden files live in ``tests/golden_shapes/<shape>/``: ``good*`` files must be detected as the shape
and produce no structural finding; ``bad*`` files produce exactly the findings listed in
``expected.json`` as ``[code, line, field]``; ``examples`` pin the Example one record maps to.
``mixed/`` holds files mixing two shapes, with the lines S005 must report.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import validator
from validator.api import Context, Example, Finding, Rule
from validator.config import settings_from_mapping
from validator.engine import lint_file
from validator.plugins import RuleRegistry
from validator.schemas import MAPPED, ROLES, SHAPES, Shape, detect_shape, mapped_shape
from validator.testing import run_rules

GOLDEN_SHAPES = Path(__file__).resolve().parent / "golden_shapes"
STRUCTURAL = ("S001", "S002", "S004", "S005")
SHAPE_NAMES = (
    "gemini",
    "vertex-gemini",
    "vertex-messages",
    "vertex-palm",
    "openai-chat",
    "preference",
    "prompt-completion",
    "alpaca",
    "sharegpt",
    "text",
)

ROOT = Path(__file__).resolve().parents[1]


def _meta(shape: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((GOLDEN_SHAPES / shape / "expected.json").read_text(encoding="utf-8"))
    return data


def _files(prefix: str) -> list[tuple[str, str]]:
    return [
        (shape, p.name)
        for shape in SHAPE_NAMES
        for p in sorted((GOLDEN_SHAPES / shape).iterdir())
        if p.name.startswith(prefix) and p.suffix in (".jsonl", ".json", ".csv")
    ]


def _lint(path: Path, **options: Any) -> validator.Report:
    return validator.lint(path, isolated=True, **options)


def _structural(report: validator.Report) -> list[list[Any]]:
    return sorted(([f.code, f.line, f.field] for f in report.findings if f.code in STRUCTURAL), key=_order)


def _order(item: list[Any]) -> tuple[int, str, str]:
    return (item[1] or 0, item[0], item[2] or "")


class Recorder(Rule):
    """Records every Example the engine builds (a rule that never finds anything)."""

    code = "X901"
    name = "recorder"
    summary = "records examples"
    seen: ClassVar[list[Example]] = []

    def check(self, example: Example, ctx: Context) -> Iterator[Finding]:
        Recorder.seen.append(example)
        return iter(())


def examples_of_file(path: Path) -> list[Example]:
    Recorder.seen = []
    lint_file(str(path), settings_from_mapping({}, "test"), RuleRegistry([Recorder]))
    return list(Recorder.seen)


def examples_of_records(records: list[Any]) -> list[Example]:
    Recorder.seen = []
    assert run_rules([Recorder], records) == []
    return list(Recorder.seen)


# -- the golden directories ------------------------------------------------------------------------


def test_every_shape_has_a_golden_directory() -> None:
    assert set(SHAPES) == set(SHAPE_NAMES)
    for shape in SHAPE_NAMES:
        meta = _meta(shape)
        assert meta["schema"] == shape
        assert _files("good") and any(s == shape for s, _ in _files("good"))
        assert set(meta["bad"]) == {name for s, name in _files("bad") if s == shape}
        assert meta["examples"], f"{shape}: no Example pinned"


@pytest.mark.parametrize(("shape", "name"), _files("good"))
def test_good_file_is_detected_and_clean(shape: str, name: str) -> None:
    report = _lint(GOLDEN_SHAPES / shape / name)
    assert report.files[0].schema == shape
    assert report.files[0].records > 0
    assert _structural(report) == []
    assert "F007" not in {f.code for f in report.findings}


@pytest.mark.parametrize(("shape", "name"), _files("bad"))
def test_bad_file_has_exactly_the_expected_structural_findings(shape: str, name: str) -> None:
    report = _lint(GOLDEN_SHAPES / shape / name)
    assert report.files[0].schema == shape
    expected = sorted(_meta(shape)["bad"][name], key=_order)
    assert _structural(report) == expected
    offset = 1 if name.endswith(".csv") else 0  # the CSV header is line 1
    for finding in report.findings:
        if finding.code in STRUCTURAL:
            assert finding.record is not None
            assert finding.line == finding.record + offset


def _example_cases() -> list[tuple[str, int]]:
    return [(shape, i) for shape in SHAPE_NAMES for i in range(len(_meta(shape)["examples"]))]


@pytest.mark.parametrize(("shape", "case"), _example_cases())
def test_canonical_example(shape: str, case: int) -> None:
    want = _meta(shape)["examples"][case]
    examples = {e.index: e for e in examples_of_file(GOLDEN_SHAPES / shape / want["file"])}
    example = examples[want["record"]]
    assert example.schema == shape
    assert example.input_text == want["input_text"]
    assert example.output_text == want["output_text"]
    assert dict(example.fields) == want["fields"]
    assert [t.role for t in example.turns] == want["roles"]
    assert [t.kind for t in example.turns] == want["kinds"]
    assert example.target == want["target"]
    if example.turns:
        # Chat facts: the output is the target turn's text; its field is the output pointer.
        target = example.turns[example.target] if example.target is not None else None
        assert target is not None and target.kind == "assistant"
        assert example.fields["output"] in (target.field, example.fields["input"])
        for turn in example.turns:
            assert turn.kind == ROLES[shape].get(turn.role, "")
    else:
        assert example.target is None
    if "output" not in want["fields"]:
        assert "output" not in example.fields
    if "system" in want:
        assert example.system == want["system"]
    if "rejected" in want:
        assert example.rejected is not None and example.rejected.text == want["rejected"]
    if "parts" in want:
        assert [[p.kind for p in t.parts] for t in example.turns] == want["parts"]
    if "tool_calls" in want:
        assert [[c.name for c in t.tool_calls] for t in example.turns] == want["tool_calls"]
    if "responds_to" in want:
        assert [list(t.responds_to) for t in example.turns] == want["responds_to"]
    if "trainable" in want:
        assert [t.trainable for t in example.turns] == want["trainable"]


def test_every_good_record_maps_to_an_example() -> None:
    for shape, name in _files("good"):
        path = GOLDEN_SHAPES / shape / name
        report = _lint(path)
        examples = examples_of_file(path)
        assert [e.index for e in examples] == list(range(1, report.files[0].records + 1)), name
        assert {e.schema for e in examples} == {shape}


def test_plain_text_has_no_output_field() -> None:
    (example,) = examples_of_records([{"text": "Only text."}])
    assert example.input_text == "Only text."
    assert example.output_text == ""
    assert dict(example.fields) == {"input": "/text"}


# -- mixed shapes ----------------------------------------------------------------------------------


def _mixed_cases() -> list[str]:
    return sorted(json.loads((GOLDEN_SHAPES / "mixed" / "expected.json").read_text(encoding="utf-8"))["files"])


@pytest.mark.parametrize("name", _mixed_cases())
def test_mixed_shapes_flag_exactly_the_minority_records(name: str) -> None:
    want = json.loads((GOLDEN_SHAPES / "mixed" / "expected.json").read_text(encoding="utf-8"))["files"][name]
    report = _lint(GOLDEN_SHAPES / "mixed" / name)
    assert report.files[0].schema == want["schema"]
    assert [f.line for f in report.findings if f.code == "S005"] == want["S005"]
    assert [f.record for f in report.findings if f.code == "S005"] == want["S005"]
    # A valid record of another shape is a mix, not a pile of missing/unexpected fields.
    assert [f for f in report.findings if f.code in ("S001", "S002", "S004")] == []


def test_mixed_minority_records_still_map_with_their_own_shape() -> None:
    examples = examples_of_file(GOLDEN_SHAPES / "mixed" / "gemini_prompt_completion.jsonl")
    assert [(e.index, e.schema) for e in examples if e.schema != "gemini"] == [
        (2, "prompt-completion"),
        (5, "prompt-completion"),
    ]
    assert examples[1].input_text == "Prompt 1" and examples[1].output_text == "Completion 1"


def test_invalid_record_of_another_shape_is_a_violation_of_the_file_shape() -> None:
    records = [{"text_input": "a", "output": "b"}] * 3 + [{"prompt": "p", "completion": 5}]
    findings = validator.lint(records).findings
    assert [(f.code, f.line, f.field) for f in findings if f.code in STRUCTURAL] == [
        ("S001", 4, "/output"),
        ("S001", 4, "/text_input"),
        ("S004", 4, "/completion"),
        ("S004", 4, "/prompt"),
    ]


# -- detection -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("record", "shape"),
    [
        ({"text_input": "a", "output": "b"}, "gemini"),
        ({"textInput": "a", "output": "b"}, "gemini"),
        ({"contents": []}, "vertex-gemini"),
        ({"messages": [{"role": "user", "content": "a"}, {"role": "model", "content": "b"}]}, "vertex-messages"),
        ({"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]}, "openai-chat"),
        ({"input": {}, "preferred_output": [], "non_preferred_output": []}, "preference"),
        ({"prompt": "a", "chosen": "b", "rejected": "c"}, "preference"),
        ({"prompt": "a", "completion": "b"}, "prompt-completion"),
        ({"instruction": "a", "output": "b"}, "alpaca"),
        ({"conversations": []}, "sharegpt"),
        ({"input_text": "a", "output_text": "b"}, "vertex-palm"),
        ({"text": "a"}, "text"),
        ({"text": "a", "id": 1, "meta": {}}, "text"),
        ({"text": "a", "label": "b"}, None),
        ({"text": "a", "category": "b"}, None),
        ({"prompt": "a"}, None),
        ({"question": "a", "answer": "b"}, None),
        ({}, None),
        ([{"text": "a"}], None),
        ("text", None),
        (None, None),
    ],
)
def test_detect_shape(record: Any, shape: str | None) -> None:
    found = detect_shape(record)
    assert (found.name if found else None) == shape


# -- real public datasets (../shared/datasets, see PROVENANCE.md) ------------------------------------


@pytest.mark.parametrize(
    ("name", "schema", "records"),
    [
        ("openai-cookbook__toy_chat_fine_tuning.jsonl", "openai-chat", 5),
        ("openai-cookbook__drone_training.jsonl", "openai-chat", 103),
        ("gemini-cookbook__increment_tuning_data.json", "gemini", 15),
        ("llamafactory__alpaca_en_demo.json", "alpaca", 999),
        ("llamafactory__alpaca_zh_demo.json", "alpaca", 1000),
        ("openai-cookbook__dbpedia_samples.jsonl", None, 200),
        ("openai-cookbook__labelled_transactions.csv", None, 101),
        ("openai-cookbook__25000_spend_dataset_current.csv", None, 359),
        ("openai-cookbook__AG_news_samples.csv", None, 2000),
    ],
)
def test_shared_dataset_detection(
    shared_dataset: Callable[[str], Path], name: str, schema: str | None, records: int
) -> None:
    report = _lint(shared_dataset(name))
    assert report.files[0].schema == schema
    assert report.files[0].records == records
    codes = {f.code for f in report.findings}
    if schema is None:
        assert "F007" in codes
    else:
        assert "F007" not in codes
        assert not codes & set(STRUCTURAL)


@pytest.mark.parametrize(
    ("name", "input_field", "output_field", "records"),
    [
        ("openai-cookbook__dbpedia_samples.jsonl", "text", "category", 200),
        ("openai-cookbook__labelled_transactions.csv", "Description", "Classification", 101),
        ("openai-cookbook__AG_news_samples.csv", "description", "label", 2000),
        ("openai-cookbook__25000_spend_dataset_current.csv", "Description", "Supplier", 359),
    ],
)
def test_shared_dataset_mapped(
    shared_dataset: Callable[[str], Path], name: str, input_field: str, output_field: str, records: int
) -> None:
    path = shared_dataset(name)
    report = _lint(path, input_field=input_field, output_field=output_field)
    assert report.files[0].schema == MAPPED
    assert report.files[0].records == records
    codes = {f.code for f in report.findings}
    assert "F007" not in codes
    assert not codes & {"S001", "S002", "S005"}


def test_shared_dbpedia_mapped_examples(shared_dataset: Callable[[str], Path]) -> None:
    path = shared_dataset("openai-cookbook__dbpedia_samples.jsonl")
    Recorder.seen = []
    settings_ = settings_from_mapping({"input-field": "text", "output-field": "category"}, "test")
    lint_file(str(path), settings_, RuleRegistry([Recorder]))
    assert len(Recorder.seen) == 200
    first = Recorder.seen[0]
    raw = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    assert (first.input_text, first.output_text) == (raw["text"], raw["category"])
    assert dict(first.fields) == {"input": "/text", "output": "/category"}
    assert first.schema == MAPPED


def test_mapped_shape_requires_both_fields_as_strings() -> None:
    shape = mapped_shape("q", "a")
    assert shape.violations({"q": "x", "a": "y", "extra": 1}) == ()
    assert [(v.kind, v.field) for v in shape.violations({"q": "x"})] == [("missing", "/a")]
    assert [(v.kind, v.field) for v in shape.violations({"q": "x", "a": 1})] == [("type", "/a")]


# -- properties (hypothesis) -----------------------------------------------------------------------

_KEYS = sorted(
    {key for shape in SHAPES.values() for key in shape.schema.get("properties", {})}
    | {"role", "content", "parts", "from", "value", "name", "weight", "tool_calls", "function", "arguments"}
    | {"type", "text", "fileData", "functionCall", "functionResponse", "mimeType", "fileUri", "id"}
    | {"label", "extra"}
)
_ROLES = ["user", "assistant", "model", "system", "tool", "human", "gpt", "function_call", "observation", ""]

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=3),
    st.floats(allow_nan=False, allow_infinity=False, width=16),
    st.sampled_from(_ROLES),
    st.text(max_size=5),
)
_values = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(_KEYS), children, max_size=4),
    ),
    max_leaves=12,
)
_records = st.dictionaries(st.sampled_from(_KEYS), _values, max_size=5)


def _adapt(shape: Shape, record: Any) -> object:
    return shape.adapt(record) if shape.adapt is not None else shape.texts(record)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=_records)
def test_shapes_never_raise_on_arbitrary_records(record: dict[str, Any]) -> None:
    detect_shape(record)
    for shape in SHAPES.values():
        shape.claims(record)
        shape.violations(record)
        # The engine adapts invalid records too (to keep their texts), so adapters must be lenient.
        _adapt(shape, record)


#: Each shape's JSON Schema checked by jsonschema directly, independently of the shape's own checks.
_SCHEMA_CHECKS = {name: Draft202012Validator(shape.schema) for name, shape in SHAPES.items()}


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=st.one_of(_records, _values))
def test_quick_check_never_accepts_what_the_schema_rejects(record: Any) -> None:
    for shape in SHAPES.values():
        if shape.quick_ok(record):
            errors = [e.message for e in _SCHEMA_CHECKS[shape.name].iter_errors(record)]
            assert errors == [], f"{shape.name}: quick_ok accepted a record the schema rejects"


@settings(max_examples=300, deadline=None)
@given(record=st.one_of(_records, _values))
def test_violations_agree_with_the_schema(record: Any) -> None:
    for shape in SHAPES.values():
        schema_ok = not list(_SCHEMA_CHECKS[shape.name].iter_errors(record))
        assert (shape.violations(record) == ()) == schema_ok, shape.name


def _valid_near_misses() -> list[tuple[str, Any]]:
    """Hand-picked records the quick checks must reject (Python equalities JSON Schema does not share)."""
    msgs = [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]
    return [
        ("openai-chat", {"messages": [{**msgs[0], "weight": True}, msgs[1]]}),
        ("openai-chat", {"messages": [msgs[0], {**msgs[1], "weight": False}]}),
        ("openai-chat", {"messages": msgs, "parallel_tool_calls": 1}),
        ("sharegpt", {"conversations": [{"from": "human", "value": "a"}], "id": True}),
        ("text", {"text": "a", "id": False}),
        ("gemini", {"text_input": "a", "output": "b", "textInput": None}),
    ]


@pytest.mark.parametrize(("shape", "record"), _valid_near_misses())
def test_quick_check_rejects_near_misses(shape: str, record: Any) -> None:
    assert not SHAPES[shape].quick_ok(record)
    assert SHAPES[shape].violations(record) != ()


_text = st.text(max_size=8)
_openai_role = st.sampled_from(["system", "user", "assistant", "tool"])
_openai_message = st.builds(
    lambda role, content, extra: {"role": role, "content": content, **extra},
    _openai_role,
    st.one_of(_text, st.none()),
    st.fixed_dictionaries({}, optional={"name": _text, "weight": st.sampled_from([0, 1])}),
)
_openai_records = st.builds(
    lambda messages, extra: {"messages": messages, **extra},
    st.lists(_openai_message, min_size=1, max_size=6),
    st.fixed_dictionaries(
        {}, optional={"tools": st.just([{"type": "function"}]), "parallel_tool_calls": st.booleans()}
    ),
)
_vertex_part = st.one_of(
    st.builds(lambda t: {"text": t}, _text),
    st.builds(lambda n: {"functionCall": {"name": n, "args": {}}}, _text),
    st.builds(lambda n: {"functionResponse": {"name": n, "response": {}}}, _text),
    st.just({"fileData": {"mimeType": "image/png", "fileUri": "gs://b/x.png"}}),
)
_vertex_records = st.builds(
    lambda contents, system: {"contents": contents, **system},
    st.lists(
        st.builds(
            lambda r, p: {"role": r, "parts": p}, st.sampled_from(["user", "model"]), st.lists(_vertex_part, max_size=3)
        ),
        min_size=1,
        max_size=6,
    ),
    st.fixed_dictionaries(
        {},
        optional={
            "systemInstruction": st.builds(lambda t: {"parts": [{"text": t}]}, _text),
            "tools": st.just([{"functionDeclarations": []}]),
        },
    ),
)
_sharegpt_records = st.builds(
    lambda conversations, extra: {"conversations": conversations, **extra},
    st.lists(
        st.builds(
            lambda f, v: {"from": f, "value": v},
            st.sampled_from(["system", "human", "gpt", "function_call", "observation", "user", "assistant"]),
            _text,
        ),
        min_size=1,
        max_size=6,
    ),
    st.fixed_dictionaries({}, optional={"system": _text, "tools": _text, "id": st.integers(0, 9)}),
)


def _last_assistant(kinds: list[str]) -> int | None:
    found = [i for i, k in enumerate(kinds) if k == "assistant"]
    return found[-1] if found else None


@settings(max_examples=200, deadline=None)
@given(
    data=st.one_of(
        st.tuples(st.just("openai-chat"), _openai_records),
        st.tuples(st.just("vertex-gemini"), _vertex_records),
        st.tuples(st.just("sharegpt"), _sharegpt_records),
    )
)
def test_valid_conversations_adapt_turn_for_turn(data: tuple[str, dict[str, Any]]) -> None:
    name, record = data
    shape = SHAPES[name]
    assert detect_shape(record) is shape
    assert shape.violations(record) == ()
    assert shape.adapt is not None
    adapted = shape.adapt(record)
    assert adapted is not None
    messages = record[{"openai-chat": "messages", "vertex-gemini": "contents", "sharegpt": "conversations"}[name]]
    assert len(adapted.turns) == len(messages)
    kinds = [t.kind for t in adapted.turns]
    assert kinds == [ROLES[name].get(m.get("role", m.get("from")), "") for m in messages]
    assert adapted.target == _last_assistant(kinds)
    assert "input" in adapted.fields
    assert ("output" in adapted.fields) == (adapted.target is not None)


_simple_records = st.one_of(
    st.builds(lambda i, o: {"text_input": i, "output": o}, _text, _text),
    st.builds(lambda i, o: {"input_text": i, "output_text": o}, _text, _text),
    st.builds(lambda i, o: {"prompt": i, "completion": o}, _text, _text),
    st.builds(lambda i, x, o: {"instruction": i, "input": x, "output": o}, _text, _text, _text),
    st.builds(lambda t: {"text": t, "id": 1, "source": "s"}, _text),
    st.builds(lambda p, c, r: {"prompt": p, "chosen": c, "rejected": r}, _text, _text, _text),
)


def _paths(value: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield at
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*at, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _paths(child, (*at, i))


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replace(value[head], rest, new)}
    return [_replace(v, rest, new) if i == head else v for i, v in enumerate(value)]


# The quick checks' fast paths: string contents only, text parts only.
_plain_openai_records = st.builds(
    lambda messages: {"messages": messages},
    st.lists(
        st.builds(
            lambda role, content, extra: {"role": role, "content": content, **extra},
            _openai_role,
            _text,
            st.fixed_dictionaries({}, optional={"name": _text, "weight": st.sampled_from([0, 1])}),
        ),
        min_size=1,
        max_size=3,
    ),
)
_text_vertex_records = st.builds(
    lambda contents: {"contents": contents},
    st.lists(
        st.builds(
            lambda r, texts: {"role": r, "parts": [{"text": t} for t in texts]},
            st.sampled_from(["user", "model"]),
            st.lists(_text, max_size=2),
        ),
        min_size=1,
        max_size=3,
    ),
)
_FAMILIES = {
    "openai-chat": _openai_records,
    "openai-chat-plain": _plain_openai_records,
    "vertex-gemini": _vertex_records,
    "vertex-gemini-text": _text_vertex_records,
    "sharegpt": _sharegpt_records,
    "single-turn": _simple_records,
}


@pytest.mark.parametrize("family", sorted(_FAMILIES))
@settings(max_examples=500, deadline=None)
@given(data=st.data())
def test_quick_check_on_one_mutation_from_valid(family: str, data: st.DataObject) -> None:
    """Near-valid records (one leaf replaced, maybe one key added) are where a quick check and its
    schema disagree (``True == 1`` in Python, ``None`` for a string, an extra key)."""
    record = data.draw(_FAMILIES[family])
    leaves = [p for p in _paths(record) if p and not isinstance(_get(record, p), (dict, list))]
    containers = [p for p in _paths(record) if p and isinstance(_get(record, p), (dict, list))]
    path = data.draw(st.sampled_from(leaves or containers))
    mutated = _replace(record, path, data.draw(st.one_of(_scalars, _values) if leaves else _values))
    if data.draw(st.integers(0, 3)) == 0:
        mutated = {**mutated, data.draw(st.sampled_from(_KEYS)): data.draw(_scalars)}
    for shape in SHAPES.values():
        if shape.quick_ok(mutated):
            assert list(_SCHEMA_CHECKS[shape.name].iter_errors(mutated)) == [], shape.name


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        value = value[step]
    return value


def test_jsonschema_is_imported_only_when_a_record_fails_a_quick_check() -> None:
    """A clean file (the usual pre-commit run) never builds a JSON Schema validator: importing
    jsonschema is a fifth of the start-up. A broken record builds it, once per shape."""
    clean = ROOT / "sample_datasets" / "good" / "qa_150.jsonl"
    script = (
        "import sys, validator\n"
        f"report = validator.lint({str(clean)!r}, isolated=True)\n"
        "assert report.files[0].records == 150, report.files[0].records\n"
        "assert 'jsonschema' not in sys.modules, 'jsonschema was imported'\n"
        "from validator.schemas import SHAPES\n"
        "gemini = SHAPES['gemini']\n"
        "assert [v.kind for v in gemini.violations({'text_input': 'q'})] == ['missing']\n"
        "assert 'jsonschema' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr
