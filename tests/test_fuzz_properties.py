"""Property tests (hypothesis) of ``validator.lint`` with every registered rule, on JSON Lines, CSV
and JSON files built from arbitrary JSON values and from mutated records of every known shape; and
the atheris fuzz target (``fuzz/fuzz_readers.py``) run over its seed corpus and every crash it found.

Invariants, for every generated file: no exception but the documented tool error (here: none at
all, the files are readable); the number of records is the number of non-blank JSONL lines, CSV data
rows or JSON array elements, computed from how the file was built, not by the readers; every
finding's line is within the file's physical lines and its record within the records; related
locations too; the report lists findings in order.
"""

from __future__ import annotations

import copy
import csv
import importlib.util
import io
import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import validator
from validator.api import FileFacts
from validator.plugins import load_rules
from validator.readers import read_records
from validator.report import Report
from validator.schemas import SHAPES, detect_shape, majority_shape

REPO = Path(__file__).resolve().parents[1]
GOLDEN_SHAPES = Path(__file__).resolve().parent / "golden_shapes"
REGISTRY = load_rules()
RULE_CODES = [rule.code for rule in REGISTRY.all()]
#: Every registered rule: ``ALL`` and the opt-in rules, which ``ALL`` does not switch on.
EVERY_RULE = ["ALL", *(rule.code for rule in REGISTRY.all() if not rule.default_enabled)]

# -- strategies ----------------------------------------------------------------------------------------------------

# Characters that trouble readers and rules: controls, NUL, line and paragraph separators, bidi
# overrides and isolates, zero-width characters, BOM, quotes, escapes, CSV and JSON punctuation,
# combining marks, astral characters.
_ODD = list(
    "\x00\x01\x07\x08\x0b\x0c\x1b\x1f\x7f\x85\xa0\u2028\u2029\u202e\u2066\u2069\u200b\u200d\ufeff\ufffd"
    "\"'\\/,;\t\r\n []{}:#&<>%=+-@é\u0301日本🙂𝔘"
)
_CHARS = st.characters(codec="utf-8")  # no lone surrogates: these texts are written as UTF-8
texts = st.one_of(
    st.text(_CHARS, max_size=24),
    st.lists(st.one_of(st.sampled_from(_ODD), _CHARS), max_size=24).map("".join),
    st.sampled_from(["", " ", "nan", "None", "null", "<NA>", "Positive", "positive ", "question: a context: b"]),
)
# Text for JSON only: lone surrogates survive as \\ud800-style escapes (the readers must refuse them).
json_texts = st.one_of(texts, st.sampled_from(["\ud800", "a\udfffb", "\udbff\udc00", "x\ud83d"]))
numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(),  # inf and nan are written as Infinity / NaN, which is not JSON
    st.sampled_from([0, -0.0, 2**63, -(2**63) - 1, 1e308, -1e-308, 10**4000]),  # Python prints at most 4,300 digits
)
json_scalars = st.one_of(st.none(), st.booleans(), numbers, json_texts)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(json_texts, children, max_size=4)),
    max_leaves=12,
)


def _shape_seeds() -> list[Any]:
    """Valid records of every known shape: the good files under tests/golden_shapes."""
    seeds: list[Any] = []
    for path in sorted(GOLDEN_SHAPES.glob("*/good*")):
        if path.suffix == ".jsonl":
            seeds += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        elif path.suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            seeds += data if isinstance(data, list) else [data]
    return [s for s in seeds if isinstance(s, dict)]


SHAPE_SEEDS = _shape_seeds()


def _slots(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place inside ``value`` (keys of objects, indexes of arrays) as a path."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key)
            yield from _slots(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield (*path, index)
            yield from _slots(item, (*path, index))


@st.composite
def mutated_records(draw: st.DrawFn) -> Any:
    """A valid record of a known shape with a few random edits: a value replaced by an arbitrary
    one, a key dropped or renamed, a stray key added, a value wrapped in an array."""
    record = copy.deepcopy(draw(st.sampled_from(SHAPE_SEEDS)))
    for _ in range(draw(st.integers(0, 3))):
        slots = list(_slots(record))
        if not slots:
            break
        path = draw(st.sampled_from(slots))
        parent = record
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        edit = draw(st.sampled_from(["replace", "drop", "rename", "add", "wrap"]))
        if edit == "replace":
            parent[last] = draw(json_values)
        elif edit == "drop":
            del parent[last]
        elif edit == "rename" and isinstance(parent, dict):
            parent[draw(json_texts)] = parent.pop(last)
        elif edit == "add" and isinstance(parent, dict):
            parent[draw(json_texts)] = draw(json_values)
        elif edit == "wrap":
            parent[last] = [parent[last]]
    return record


records = st.one_of(mutated_records(), st.dictionaries(json_texts, json_values, max_size=5), json_values)


def dumps(value: Any, ensure_ascii: bool, indent: int | None = None) -> str:
    """JSON text; lone surrogates can only be written as escapes (ensure_ascii)."""
    try:
        text = json.dumps(value, ensure_ascii=ensure_ascii, indent=indent)
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(value, ensure_ascii=True, indent=indent)
    return text


# -- checking a report -------------------------------------------------------------------------------------------


def lint_bytes(data: bytes, name: str, select: list[str] | None = None) -> Report:
    """Lint ``data`` written to a file called ``name``; a tool error fails the test."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        return validator.lint(str(path), isolated=True, select=select or EVERY_RULE, workers=1)


def physical_lines(data: bytes) -> int:
    return data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)


def check_report(report: Report, data: bytes, expected_records: int) -> None:
    assert [f.records for f in report.files] == [expected_records]
    lines = max(1, physical_lines(data))
    known = set(RULE_CODES)
    for finding in report.findings:
        assert finding.code in known
        assert finding.line is None or 1 <= finding.line <= lines, (finding.code, finding.line, lines)
        assert finding.record is None or 1 <= finding.record <= expected_records, (finding.code, finding.record)
        for where in finding.related:
            assert where.line is None or 1 <= where.line <= lines
            assert where.record is None or 1 <= where.record <= expected_records
    order = [(f["path"], f["line"] or 0, f.get("column") or 0, f["code"]) for f in report.to_dict()["findings"]]
    assert order == sorted(order)
    json.loads(report.to_json())  # the envelope is JSON whatever the data held


# -- JSON Lines -------------------------------------------------------------------------------------------------


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.lists(records, max_size=8),
    blanks=st.lists(st.sampled_from(["", " ", "\t", "  \t"]), max_size=8),
    crlf=st.booleans(),
    final_newline=st.booleans(),
    ensure_ascii=st.booleans(),
)
def test_jsonl_of_arbitrary_records(
    values: list[Any], blanks: list[str], crlf: bool, final_newline: bool, ensure_ascii: bool
) -> None:
    lines = [dumps(v, ensure_ascii) for v in values]
    for n, blank in enumerate(blanks):  # blank lines between the records
        lines.insert(min(len(lines), 2 * n + 1), blank)
    eol = "\r\n" if crlf else "\n"
    text = eol.join(lines) + (eol if final_newline and lines else "")
    data = text.encode("utf-8")
    non_blank = sum(1 for line in lines if line.strip())
    check_report(lint_bytes(data, "data.jsonl"), data, non_blank)


# -- CSV --------------------------------------------------------------------------------------------------------

header_names = st.one_of(st.sampled_from(["text_input", "output", "input", "prompt", "completion", "label"]), texts)


def csv_line(row: list[str], delimiter: str, eol: str) -> str:
    """One CSV row ending in ``eol``. Written with CRLF, whatever ``eol`` is: the csv module quotes a
    cell holding a line-end character only if that character is in its line terminator."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerow(row)
    return buffer.getvalue()[:-2] + eol


def _blank_row(row: list[str], delimiter: str) -> bool:
    """A one-column row the csv module writes unquoted and that holds only whitespace: its line is
    blank, and blank lines are not rows (a quoted cell, ``""`` or ``"\t"`` in a TSV, is)."""
    quoted = any(c in row[0] for c in '\r\n"' + delimiter) if len(row) == 1 else True
    return len(row) == 1 and row[0] != "" and not row[0].strip() and not quoted


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    columns=st.lists(header_names, min_size=1, max_size=4).filter(lambda names: all(n.strip() for n in names)),
    rows=st.data(),
    crlf=st.booleans(),
    delimiter=st.sampled_from([",", "\t"]),
)
def test_csv_of_arbitrary_cells(columns: list[str], rows: st.DataObject, crlf: bool, delimiter: str) -> None:
    width = len(columns)
    cells = rows.draw(st.lists(st.lists(texts, min_size=width, max_size=width), max_size=8))
    data = "".join(csv_line(row, delimiter, "\r\n" if crlf else "\n") for row in [columns, *cells]).encode("utf-8")
    expected = sum(1 for row in cells if not _blank_row(row, delimiter))
    check_report(lint_bytes(data, "data.tsv" if delimiter == "\t" else "data.csv"), data, expected)


# -- JSON documents ---------------------------------------------------------------------------------------------


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(records, max_size=8), indent=st.sampled_from([None, 2]), ensure_ascii=st.booleans())
def test_json_array_of_arbitrary_records(values: list[Any], indent: int | None, ensure_ascii: bool) -> None:
    data = (dumps(values, ensure_ascii, indent) + "\n").encode("utf-8")
    check_report(lint_bytes(data, "data.json"), data, len(values))


# -- every rule on its own ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", RULE_CODES)
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.lists(records, min_size=1, max_size=6))
def test_each_rule_alone_on_mutated_records(code: str, values: list[Any]) -> None:
    """Each registered rule selected alone (no other rule's state around it) on the same kind of data."""
    lines = [dumps(v, ensure_ascii=True) for v in values]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    report = lint_bytes(data, "data.jsonl", select=[code])
    check_report(report, data, len(values))
    assert {f.code for f in report.findings} <= {code}


def test_every_registered_rule_is_selected() -> None:
    chosen = {rule.code for rule in REGISTRY.select(EVERY_RULE, (), ())}
    assert chosen == set(RULE_CODES)
    assert len(RULE_CODES) >= 40  # the built-in catalogue is registered (entry points found)


# -- readers and shapes directly ---------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(value=json_values)
def test_shape_checks_accept_any_value(value: Any) -> None:
    """Detection, the quick check, JSON Schema validation and text extraction of every shape take any
    JSON value without raising."""
    detect_shape(value)
    majority_shape([value, value])
    for shape in SHAPES.values():
        if isinstance(value, dict):
            shape.claims(value)
            shape.canonical(value)
        shape.quick_ok(value)
        assert isinstance(shape.violations(value), tuple)


@settings(max_examples=200, deadline=None)
@given(value=mutated_records())
def test_shape_checks_accept_mutated_records(value: Any) -> None:
    shape = detect_shape(value)
    if shape is not None:
        violations = shape.violations(value)
        assert all(v.kind in ("missing", "type", "unexpected", "other") for v in violations)
        shape.canonical(value)


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=2000), name=st.sampled_from(["x.jsonl", "x.json", "x.csv", "x.tsv", "x.txt"]))
def test_readers_take_any_bytes(data: bytes, name: str) -> None:
    facts = FileFacts(path=name, format="")
    lines = max(1, data.count(b"\n") + 1, data.count(b"\r") + 1)
    for record in read_records(io.BytesIO(data), facts):
        assert 1 <= record.line <= lines
        if record.error is not None:
            assert 1 <= record.error.line <= lines
            assert record.error.column is None or record.error.column >= 1


# -- the atheris fuzz target --------------------------------------------------------------------------------------

FUZZ_TARGET = REPO / "fuzz" / "fuzz_readers.py"
CORPUS = sorted((REPO / "fuzz" / "corpus").iterdir())

#: Inputs that crashed the fuzz target (first byte: the extension, see fuzz/fuzz_readers.py).
CRASHERS = {
    # jsonscan: a bad escape in a key of a JSON document's wrapper object raised orjson's error.
    "bad-escape-in-wrapper-key": b'1{"disp|ayName": "m", "baseMo\x9c\x9al": "models/gemini-1.5-flash-001-tuning", '
    b'"tuning\\ask": {"hyperparameter s":{"epochCOunt": 5, "batchSize": 4, "learningRate": 0.001}, '
    b'"trainingData": {"examples": {"examples": [{"textInput": "a", "output": "b"}]}}}}',
}


def load_target(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """Import the fuzz target as the test suite must: without atheris (it is optional)."""
    monkeypatch.setitem(sys.modules, "atheris", None)  # import atheris -> ImportError
    spec = importlib.util.spec_from_file_location("fuzz_readers_under_test", FUZZ_TARGET)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.atheris is None
    return module


def test_fuzz_corpus_is_present() -> None:
    assert len(CORPUS) >= 10
    extensions = {load_extension(path.read_bytes()[:1]) for path in CORPUS}
    assert {".jsonl", ".json", ".csv", ".tsv"} <= extensions


def load_extension(first: bytes) -> str:
    """The extension the target picks for an input starting with ``first`` (as its docstring says)."""
    extensions = (".jsonl", ".json", ".csv", ".tsv", ".txt", ".ndjson")
    return extensions[first[0] % len(extensions)] if first else ".jsonl"


@pytest.mark.parametrize("seed", CORPUS, ids=[p.name for p in CORPUS])
def test_fuzz_target_runs_on_its_seed_corpus(seed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = load_target(monkeypatch)
    assert target.path_for(seed.read_bytes())[0].endswith(load_extension(seed.read_bytes()[:1]))
    target.TestOneInput(seed.read_bytes())


@pytest.mark.parametrize("data", list(CRASHERS.values()), ids=list(CRASHERS))
def test_fuzz_crashers_stay_fixed(data: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    load_target(monkeypatch).TestOneInput(data)


def test_fuzz_target_lets_only_tool_errors_through(monkeypatch: pytest.MonkeyPatch) -> None:
    """The target must fail loudly on anything else: a fault injected into lint propagates."""
    target = load_target(monkeypatch)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("injected")

    monkeypatch.setattr(target.validator, "lint", broken)
    with pytest.raises(RuntimeError):
        target.TestOneInput(b"0{}\n")

    def tool_error(*args: Any, **kwargs: Any) -> Any:
        raise validator.SourceError("injected tool error")

    monkeypatch.setattr(target.validator, "lint", tool_error)
    target.TestOneInput(b"0{}\n")  # a tool error is an allowed outcome
