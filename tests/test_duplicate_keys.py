"""S007 duplicate-key: a JSON object that names a key twice, a CSV/TSV header that names a column twice.

The readers find repeats (:mod:`validator.readers.repeats`): the colons of a block of records'
text are compared with those of orjson's serialisation of the parsed values (they differ exactly
when a key repeats), and only a block that differs is looked at record by record and parsed a
second time. These tests hold the finding to its catalogue entry (where, which field, one per
record or header), the comparison to never missing a repeat (a hypothesis property over random
objects, separators and escapes) and to clearing ordinary records without a second look, and the
rule to giving the same findings in one pass, in shards and in worker processes.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import validator
from rules.schema import DuplicateKey
from tests.conftest import run_cli, run_json
from tests.test_cli import _script
from validator import engine, shards
from validator.api import FileFacts, Finding, Record
from validator.config import settings_from_mapping
from validator.fix import FixRefused, fix_file
from validator.plugins import RuleRegistry
from validator.readers import read_records, repeats
from validator.readers.repeats import REPEATED_KEY, find_repeats, may_repeat

# -- helpers ---------------------------------------------------------------------------------------


def read(data: bytes, fmt: str) -> tuple[list[Record], FileFacts]:
    facts = FileFacts(path=f"data.{fmt}", format=fmt, bytes=len(data))
    return list(read_records(io.BytesIO(data), facts, fmt)), facts


def repeated_fields(data: bytes, fmt: str) -> list[tuple[int, str]]:
    """``(line, field)`` of every record the reader marks as repeating a key."""
    records, _ = read(data, fmt)
    return [(r.line, v.field) for r in records for v in r.violations if v.kind == REPEATED_KEY]


def s007(findings: Sequence[Finding]) -> list[tuple[int | None, int | None, str | None]]:
    return sorted(((f.line, f.record, f.field) for f in findings if f.code == "S007"), key=repr)


def lint_file(path: Path, **options: Any) -> list[Finding]:
    return validator.lint(str(path), isolated=True, **options).findings


def sharded(records: list[Record], facts: FileFacts, count: int) -> list[Finding]:
    """S007's findings over ``records`` linted in ``count`` shards, merged (1: one pass)."""
    run = engine.run_sharded(
        [dataclasses.replace(r) for r in records],
        dataclasses.replace(facts),
        settings_from_mapping({}, "test"),
        RuleRegistry([DuplicateKey]),
        count,
    )
    return sorted(run.findings, key=lambda f: (f.line or 0, f.record or 0, f.field or "", f.message))


GOOD = '{"text_input": "When does the ferry leave?", "output": "At nine."}'


# -- JSON Lines -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ('{"input": "a", "input": "b", "output": "c"}', "/input"),
        ('{"input":"a","output":"c","input":"b"}', "/input"),  # orjson/compact spelling
        ('{"input" : "a", "output" : "c", "input" : "b"}', "/input"),  # a space before every colon
        ('{"input"\t:"a", "output":"c", "input"  :"b"}', "/input"),  # tabs, mixed spellings
        ('{"in\\u0070ut": "a", "input": "b", "output": "c"}', "/input"),  # equal after decoding
        ('{"output": "c", "input": "a", "inp\\u0075t": "b"}', "/input"),
        ('{"a/b": 1, "a\\/b": 2}', "/a~1b"),  # a JSON pointer escapes "/" and "~"
        ('{"t~": 1, "t~": 2}', "/t~0"),
    ],
)
def test_jsonl_repeat_is_found_at_its_record_and_member(line: str, field: str) -> None:
    data = (GOOD + "\n" + line + "\n" + GOOD + "\n").encode()
    assert repeated_fields(data, "jsonl") == [(2, field)]


@pytest.mark.parametrize(
    ("record", "field"),
    [
        (
            {"contents": [{"role": "user", "parts": [{"text": "q"}]}, {"role": "model", "parts": ["PART"]}]},
            "/contents/1/parts/0/text",
        ),
        ({"messages": [{"role": "user", "content": "q", "role ": "x"}, "TURN"]}, "/messages/1/role"),
        (
            {"messages": [{"role": "assistant", "tool_calls": [{"id": "1", "function": "CALL"}]}]},
            "/messages/0/tool_calls/0/function/name",
        ),
    ],
)
def test_nested_repeat_points_into_the_record(record: dict[str, Any], field: str) -> None:
    text = json.dumps(record)
    text = text.replace('"PART"', '{"text": "a", "text": "b"}')
    text = text.replace('"TURN"', '{"role": "model", "content": "a", "role": "assistant"}')
    text = text.replace('"CALL"', '{"name": "f", "arguments": "{}", "name": "g"}')
    assert repeated_fields((text + "\n").encode(), "jsonl") == [(1, field)]


def test_one_finding_per_record_naming_every_repeated_key(tmp_path: Path) -> None:
    line = '{"a": 1, "a": 2, "b": {"c": 1, "c": 2, "c": 3}, "d": [{"e": 1, "e": 2}], "text_input": "q", "output": "o"}'
    path = tmp_path / "many.jsonl"
    path.write_text(GOOD + "\n" + line + "\n", encoding="utf-8")
    [finding] = [f for f in lint_file(path) if f.code == "S007"]
    assert (finding.line, finding.record, finding.field) == (2, 2, "/a")  # the first repeat in the record
    assert finding.severity.value == "error"
    for named in ("'a'", "'c'", "'e'", "/b", "/d/0"):  # the message names every key and where
        assert named in finding.message


@pytest.mark.parametrize(
    "line",
    [
        GOOD,
        '{"text_input": "\\"text_input\\": x", "output": "\\"output\\": y"}',  # keys inside strings
        '{"text_input": "call", "output": "{\\"a\\": 1, \\"a\\": 2}"}',  # repeated keys of JSON in a string
        '{"text_input": "Remarque : oui : non", "output": "\\" : \\" :"}',  # spaces before colons in text
        '{"text_input": "a", "output": "b", "Output": "case differs"}',
        '{"text_input": "a", "output": "b", "meta": {"x\\\\": 1, "x": 2}}',  # "x\" and "x" differ
        '{"text_input": "a", "output": "b", "meta": [{"k": 1}, {"k": 2}, {"k": {"k": {"k": 3}}}]}',
        '[{"a": 1}, {"a": 2}]',  # the same key in different objects
        '{"text_input": "q", "output": "\\\\\\": not a key"}',
    ],
)
def test_no_repeat_no_violation(line: str) -> None:
    data = (line + "\n").encode()
    assert repeated_fields(data, "jsonl") == []
    assert repeated_fields(b"[\n" + data + b"]\n", "json") == []


def test_the_last_value_is_linted(tmp_path: Path) -> None:
    path = tmp_path / "last.jsonl"
    path.write_text('{"text_input": "q", "output": "an answer", "output": "  "}\n', encoding="utf-8")
    found = [(f.code, f.field) for f in lint_file(path) if f.code in ("S003", "S007")]
    assert sorted(found) == [("S003", "/output"), ("S007", "/output")]


def test_non_utf8_lines_are_checked_as_decoded(tmp_path: Path) -> None:
    """A cp1252 line is decoded before the check: two keys that differ only in a non-UTF-8 byte are
    two keys, not one repeated."""
    data = (
        b'{"text_input": "caf\xe9", "output": "b", "k\xe9": 1, "k\xe8": 2}\n'
        b'{"text_input": "x", "output": "y", "k\xe9": 1, "k\xe9": 2}\n'
    )
    assert repeated_fields(data, "jsonl") == [(2, "/k\u00e9")]


def test_deep_records_are_still_judged_exactly() -> None:
    """Beyond orjson's 254 levels of writing, the colons are counted in Python instead."""
    deep = '{"k": ' * 300 + '{"x": "a: b"}' + "}" * 300
    repeated = '{"k": ' * 300 + '{"x": 1, "x": 2}' + "}" * 300
    assert not may_repeat(deep.encode(), json.loads(deep))
    assert may_repeat(repeated.encode(), json.loads(repeated))
    data = (deep + "\n" + repeated + "\n").encode()
    assert repeated_fields(data, "jsonl") == [(2, "/k" * 300 + "/x")]


def test_a_record_too_deep_to_check_is_unreadable_not_a_crash(tmp_path: Path) -> None:
    depth = 990  # orjson reads it; the standard library's second parse cannot
    inner = '{"a": 1, "a": 2}'
    deep = '{"k": ' * depth + inner + "}" * depth
    path = tmp_path / "deep.jsonl"
    path.write_text(GOOD + "\n" + deep + "\n" + GOOD + "\n", encoding="utf-8")
    code, out, err = run_cli("lint", "--isolated", "--output-format", "json", str(path))
    assert code == 1 and "Traceback" not in err
    found = [(f["code"], f["line"]) for f in json.loads(out)["findings"]]
    assert ("F002", 2) in found
    assert not [c for c, _ in found if c == "S007"]
    # As deep (below a record the shape checks can read) without a repeat: its colons are counted,
    # it is not parsed again, so it is linted as before this check existed (no F002).
    meta = '{"text_input": "q", "output": "a", "meta": ' + deep.replace(inner, '{"a": "b: c"}') + "}"
    path.write_text(GOOD + "\n" + meta + "\n", encoding="utf-8")
    code, out, err = run_cli("lint", "--isolated", "--output-format", "json", str(path))
    assert "Traceback" not in err
    assert {f["code"] for f in json.loads(out)["findings"]} & {"F002", "S007"} == set()


# -- JSON documents ---------------------------------------------------------------------------------


def test_json_array_elements_one_per_line_and_spread_over_lines() -> None:
    data = (
        "[\n"
        f"  {GOOD},\n"
        '  {"text_input": "a", "output": "b", "output": "c"},\n'
        "  {\n"
        '    "text_input": "a",\n'
        '    "text_input"\n'
        '      : "again",\n'
        '    "output": "b"\n'
        "  }\n"
        "]\n"
    ).encode()
    assert repeated_fields(data, "json") == [(3, "/output"), (4, "/text_input")]


def test_wrapped_json_records_are_checked() -> None:
    data = (
        '{"name": "harbour",\n'
        ' "examples": [\n'
        f"   {GOOD},\n"
        '   {"text_input": "x", "text_input": "y", "output": "z"}\n'
        " ]}\n"
    ).encode()
    assert repeated_fields(data, "json") == [(4, "/text_input")]


def test_single_record_document_and_dict_of_columns() -> None:
    single = b'{\n  "contents": [\n    {"role": "user", "parts": [{"text": "a", "text": "b"}]}\n  ]\n}\n'
    assert repeated_fields(single, "json") == [(1, "/contents/0/parts/0/text")]
    columns = b'{"text_input": ["a", "b"], "output": ["c", {"x": 1, "x": 2}]}\n'
    assert repeated_fields(columns, "json") == [(1, "/output/x")]


# -- keys repeated outside the records (wrapper objects, request bodies) ------------------------------


def wrapper_repeats(data: bytes) -> tuple[tuple[int, str, int], ...]:
    records, facts = read(data, "json")
    assert records or facts.tuning is not None
    return facts.repeated_keys


def test_a_wrapper_key_named_twice_is_reported_at_its_line_once() -> None:
    data = (
        "{\n"
        '  "name": "harbour questions",\n'
        '  "name": "harbour questions v2",\n'
        '  "examples": [\n'
        f"    {GOOD},\n"
        '    {"text_input": "Who keeps the light?", "output": "The keeper.", "output": "Nobody."}\n'
        "  ]\n"
        "}\n"
    ).encode()
    # The wrapper's repeat is the file's; the record's repeat stays the record's (never reported twice).
    assert wrapper_repeats(data) == ((3, "/name", 2),)
    assert repeated_fields(data, "json") == [(6, "/output")]


def test_a_repeated_records_key_is_reported_and_both_arrays_are_linted(tmp_path: Path) -> None:
    """``{"examples": [...], "examples": [...]}``: a provider keeps one array; lint reads both and
    says the key repeats."""
    path = tmp_path / "twice.json"
    path.write_text(
        '{"examples": [{"text_input": "a", "output": "b"}],\n "examples": [{"text_input": "c", "output": "d"}]}\n',
        encoding="utf-8",
    )
    report = validator.lint(str(path), isolated=True)
    assert s007(report.findings) == [(2, None, "/examples")]
    assert report.files[0].records == 2


def test_a_column_named_twice_in_a_dict_of_columns() -> None:
    data = b'{"text_input": ["a", "b"],\n "output": ["x", "y"],\n "text_input": ["c", "d"]}\n'
    assert wrapper_repeats(data) == ((3, "/text_input", 2),)


def test_a_request_body_repeating_a_hyperparameter(tmp_path: Path) -> None:
    path = tmp_path / "vertex.json"
    body = (
        "{\n"
        '  "baseModel": "gemini-2.5-flash",\n'
        '  "supervisedTuningSpec": {\n'
        '    "trainingDatasetUri": "gs://bucket/train.jsonl",\n'
        '    "hyperParameters": {"epochCount": 3,\n'
        '                        "epochCount": 50}\n'
        "  }\n"
        "}\n"
    )
    path.write_text(body, encoding="utf-8")
    assert s007(lint_file(path)) == [(6, None, "/supervisedTuningSpec/hyperParameters/epochCount")]


def test_a_key_spelled_inside_records_too_is_placed_at_the_document_start() -> None:
    """The line is the repeat's only when the document spells the key exactly that often; else the
    document's first line (the field still names the member exactly)."""
    data = (f'\n{{"output": "file-level", "output": "again",\n "examples": [\n  {GOOD}\n]}}\n').encode()
    assert wrapper_repeats(data) == ((2, "/output", 2),)


@pytest.mark.parametrize(
    "document",
    [
        '{"name": "n", "examples": [{"text_input": "a", "output": "b", "output": "c"}]}',
        '{"text_input": ["a", {"k": 1, "k": 2}], "output": ["x", "y"]}',
        '{"text_input": "a", "output": "b", "output": "c"}',
        '{"name": "n", "name_2": "m", "examples": [{"text_input": "a", "output": "b"}]}',
    ],
    ids=["inside-a-record", "inside-a-cell", "single-record", "no-repeat"],
)
def test_repeats_inside_records_are_not_file_level(document: str) -> None:
    assert wrapper_repeats(document.encode()) == ()


# -- CSV and TSV headers ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_header_repeat_is_one_finding_at_the_header(tmp_path: Path, fmt: str) -> None:
    sep = "," if fmt == "csv" else "\t"
    header = sep.join(["note", "text_input", "output", " text_input "])  # trimmed, as the reader trims
    rows = [sep.join(["n", "dropped question", "a", f"question {i}"]) for i in range(30)]
    path = tmp_path / f"data.{fmt}"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    found = [f for f in lint_file(path) if f.code == "S007"]
    assert [(f.line, f.record, f.field) for f in found] == [(1, None, "text_input")]
    assert re.search(r"\b2\b", found[0].message) and re.search(r"\b4\b", found[0].message)  # the positions


def test_header_after_blank_lines_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf\n\ninput,output,output,input,input\n1,2,3,4,5\n")
    found = sorted((f.line, f.field) for f in lint_file(path) if f.code == "S007")
    assert found == [(3, "input"), (3, "output")]


def test_distinct_columns_no_finding(tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    path.write_text('text_input,output,Output,"output,"\nq,a,b,c\n', encoding="utf-8")
    assert not [f for f in lint_file(path) if f.code == "S007"]


# -- the command line and the library ---------------------------------------------------------------


def _bad_jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "dup.jsonl"
    path.write_text(GOOD + "\n" + '{"text_input": "a", "output": "b", "output": "c"}\n', encoding="utf-8")
    return path


def test_cli_reports_s007_and_fails(tmp_path: Path) -> None:
    code, envelope = run_json(str(_bad_jsonl(tmp_path)))
    assert code == 1
    found = [(f["code"], f["line"], f["record"], f["field"], f["severity"]) for f in envelope["findings"]]
    assert ("S007", 2, 2, "/output", "error") in found
    code, envelope = run_json("--ignore", "duplicate-key", str(_bad_jsonl(tmp_path)))
    assert "S007" not in {f["code"] for f in envelope["findings"]}


def test_script_reports_s007(tmp_path: Path) -> None:
    path = _bad_jsonl(tmp_path)
    done = subprocess.run(
        [_script(), "lint", "--isolated", "--select", "S007", "--output-format", "json", path.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert [(f["code"], f["line"]) for f in json.loads(done.stdout)["findings"]] == [("S007", 2)]


def test_python_m_validator_explains_the_rule() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "validator", "rule", "S007"], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[0] == "S007"
    assert re.findall(r"(?m)^(What|Why|Example|Fix):", done.stdout) == ["What", "Why", "Example", "Fix"]


def test_rule_json_metadata() -> None:
    code, out, _ = run_cli("rule", "duplicate-key", "--output-format", "json")
    assert code == 0
    data = json.loads(out)
    assert (data["code"], data["name"], data["severity"]) == ("S007", "duplicate-key", "error")


def test_library_raise_for_errors(tmp_path: Path) -> None:
    report = validator.lint(str(_bad_jsonl(tmp_path)), isolated=True, select=["S007"])
    assert not report.ok
    with pytest.raises(validator.DatasetValidationError):
        report.raise_for_errors()


def test_fix_still_refuses_a_repeated_key(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(GOOD + "\n" + '{"text_input": "a", "output": "b", "m": {"x": 1, "\\u0078": 2}}\n', encoding="utf-8")
    with pytest.raises(FixRefused) as refused:
        fix_file(src, tmp_path / "out.jsonl")
    assert refused.value.lines == (2,)
    assert not (tmp_path / "out.jsonl").exists()


# -- the prefilter ----------------------------------------------------------------------------------


def test_ordinary_records_need_no_second_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    """The point of the block check: records as json.dumps or orjson write them, with colons and
    quotes in their texts and JSON embedded in strings, are cleared a block at a time."""
    calls: list[str] = []
    real = repeats.find_repeats

    def counting(text: str, at: str = "") -> list[repeats.Repeat]:
        calls.append(text)
        return real(text, at)

    one_by_one: list[Record] = []
    real_check = repeats.check_repeats

    def check_counting(record: Record, text: bytes | str) -> None:
        one_by_one.append(record)
        real_check(record, text)

    monkeypatch.setattr(repeats, "find_repeats", counting)
    monkeypatch.setattr(repeats, "check_repeats", check_counting)

    def arguments(i: int) -> str:  # tool-call arguments: JSON in a string, keys and all
        return json.dumps({"city": f"c{i}", "n": i})

    records = [
        {"text_input": f"question: when is {i}? context: 10:30, see http://x.org/{i}", "output": f"Answer: {i}"}
        for i in range(200)
    ]
    records += [
        {"messages": [{"role": "user", "content": f'q{i}: "quoted"'}, {"role": "assistant", "content": "a"}]}
        for i in range(200)
    ]
    records += [
        {"messages": [{"role": "assistant", "tool_calls": [{"function": {"name": "f", "arguments": arguments(i)}}]}]}
        for i in range(200)
    ]
    for separators in ((", ", ": "), (",", ":")):
        data = "".join(json.dumps(r, separators=separators) + "\n" for r in records).encode()
        assert repeated_fields(data, "jsonl") == []
    assert calls == []
    assert one_by_one == []  # every block was cleared as a whole
    bad = b'{"a": 1, "a": 2}\n'
    assert repeated_fields(bad, "jsonl") == [(1, "/a")]
    assert len(calls) == len(one_by_one) == 1  # and the counters are live


def test_may_repeat_is_exact_unless_a_colon_is_escaped() -> None:
    assert not may_repeat(b'{"a": "x: y", "b": 1}', {"a": "x: y", "b": 1})
    assert may_repeat(b'{"a": 1, "a": 2}', {"a": 2})
    assert may_repeat('{"a" : 1, "a" : 2}', {"a": 2})
    assert not may_repeat(b"[1, 2, 3]", [1, 2, 3])
    assert not may_repeat(b'"a string: \\" :"', 'a string: " :')
    nested = {"m": [{"r": "Remarque : oui", "c": 'x":'}], "n": {"o": 1}}
    assert not may_repeat(json.dumps(nested).encode(), nested)
    assert may_repeat(b'{"m": [{"r": 1, "r": 2}]}', {"m": [{"r": 2}]})
    # A colon written as an escape is not counted in the text: only the second parse can tell.
    assert may_repeat(b'{"a": "\\u003a", "b": {"c": 1}}', {"a": ":", "b": {"c": 1}})


def test_find_repeats_document_order_and_counts() -> None:
    found = find_repeats('{"z": {"y": 1, "y": 2}, "x": [{"w": 1, "w": 2, "w": 3}], "z": {"v": 1, "v": 2}}')
    # The first "z" value (with its repeated "y") is replaced by the second, which is what is read.
    assert [(r.at, r.key, r.times, r.field) for r in found] == [
        ("", "z", 2, "/z"),
        ("/z", "v", 2, "/z/v"),
        ("/x/0", "w", 3, "/x/0/w"),
    ]


# -- hypothesis: S007 fires exactly when a repeat was written -------------------------------------

_CHARS = st.sampled_from([*'ab :"\\/{}[],\u00e9\u4e2d\t~', "\U0001f600"])
_KEYS = st.text(_CHARS, max_size=4)
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000), st.text(_CHARS, max_size=12))
_COLONS = [":", ": ", " :", " : ", "\t:", "  :\t"]


@dataclasses.dataclass
class Written:
    """JSON text written by hand, and the pointers of the members it repeats."""

    text: str
    repeated: set[str]


def _key_text(draw: st.DrawFn, key: str) -> str:
    spelled = json.dumps(key, ensure_ascii=draw(st.booleans()))
    if key and draw(st.booleans()):  # spell the first character as a \\u escape
        code = ord(key[0])
        escape = f"\\u{code:04x}" if code < 0x10000 else json.dumps(key[0])[1:-1]
        spelled = '"' + escape + json.dumps(key[1:], ensure_ascii=False)[1:]
    return spelled


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


@st.composite
def _value(draw: st.DrawFn, at: str, depth: int) -> Written:
    kind = draw(st.sampled_from(["scalar", "object", "array"] if depth < 3 else ["scalar"]))
    if kind == "scalar":
        return Written(json.dumps(draw(_SCALARS), ensure_ascii=draw(st.booleans())), set())
    if kind == "array":
        items = [draw(_value(f"{at}/{i}", depth + 1)) for i in range(draw(st.integers(0, 3)))]
        return Written("[" + ", ".join(w.text for w in items) + "]", set().union(*(w.repeated for w in items)))
    return draw(_object(at, depth))


@st.composite
def _object(draw: st.DrawFn, at: str = "", depth: int = 0) -> Written:
    keys = draw(st.lists(_KEYS, max_size=4, unique=True))
    order = list(keys)
    repeated: set[str] = set()
    if keys and draw(st.booleans()):
        again = draw(st.sampled_from(keys))
        order.insert(draw(st.integers(0, len(order))), again)
        repeated.add(f"{at}/{_escape(again)}")
    members = []
    for key in order:
        value = draw(_value(f"{at}/{_escape(key)}", depth + 1))
        repeated |= value.repeated
        members.append(_key_text(draw, key) + draw(st.sampled_from(_COLONS)) + value.text)
    return Written("{" + draw(st.sampled_from([",", ", "])).join(members) + "}", repeated)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(objects=st.lists(_object(), min_size=1, max_size=4))
def test_s007_fires_exactly_when_a_repeat_was_written(objects: list[Written]) -> None:
    """Several records per file: the JSON Lines reader checks them a block at a time."""
    jsonl = "".join(w.text + "\n" for w in objects)
    array = "[\n" + ",\n".join(w.text for w in objects) + "\n]\n"
    for fmt, data in (("jsonl", jsonl), ("json", array)):
        records, facts = read(data.encode("utf-8"), fmt)
        assert [r.index for r in records] == list(range(1, len(objects) + 1))
        expected: list[tuple[str, int]] = []
        for written, record in zip(objects, records, strict=True):
            assert record.error is None, record.error
            found = [v for v in record.violations if v.kind == REPEATED_KEY]
            if "\\u003" not in written.text.lower():  # exact unless a colon is written as an escape
                assert may_repeat(written.text.encode("utf-8"), record.value) == bool(written.repeated)
            if written.repeated:
                [violation] = found
                assert violation.field in written.repeated
                expected.append(("S007", record.line))
            else:
                assert found == []
        # Through the rule: one finding per record that repeats a key.
        assert [(f.code, f.line) for f in sharded(records, facts, 1)] == expected


def test_blocks_keep_order_and_check_every_record() -> None:
    """Records around block boundaries (256 parsed lines), blank and unparsable lines (which end a
    block), a colon written as an escape (the block's count cannot be trusted) and a record too deep
    to serialise (likewise): every repeat is found, at its line, in file order."""
    lines: list[str] = []
    expected: list[tuple[int, str]] = []
    for i in range(700):
        if i in (0, 255, 256, 257, 511, 699):
            lines.append(f'{{"k{i}": 1, "k{i}": 2}}')
            expected.append((i + 1, f"/k{i}"))
        elif i == 100:
            lines.append("")
        elif i == 101:
            lines.append("{not json")
        elif i == 650:  # in the last block, whose only repeat is at line 700
            lines.append('{"colon": "\\u003a", "x": {"y": 1}}')
        elif i == 400:
            lines.append('{"deep": ' + "[" * 300 + "]" * 300 + "}")
        else:
            lines.append(json.dumps({"text_input": f'q{i}: {{"a": 1}}', "output": {"n": [i, {"m": "x: y"}]}}))
    records, _ = read(("\n".join(lines) + "\n").encode(), "jsonl")
    assert [r.line for r in records] == list(range(1, 701))
    assert [(r.line, v.field) for r in records for v in r.violations if v.kind == REPEATED_KEY] == expected


# -- sharding ---------------------------------------------------------------------------------------


def _spread_jsonl(count: int) -> bytes:
    lines = []
    for i in range(count):
        if i % 7 == 3:
            lines.append(f'{{"text_input": "q{i}", "output": "a", "output": "b{i}"}}')
        elif i % 11 == 5:
            lines.append(f'{{"contents": [{{"role": "user", "parts": [{{"text": "q{i}", "text": "r"}}]}}]}}')
        else:
            lines.append(json.dumps({"text_input": f"question {i}", "output": f"answer {i}"}))
    return ("\n".join(lines) + "\n").encode()


def test_shards_equal_one_pass_jsonl() -> None:
    records, facts = read(_spread_jsonl(60), "jsonl")
    whole = sharded(records, facts, 1)
    assert len(whole) == len([i for i in range(60) if i % 7 == 3 or i % 11 == 5])
    for count in (2, 3, 7):
        assert sharded(records, facts, count) == whole


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_shards_equal_one_pass_header(fmt: str) -> None:
    sep = "," if fmt == "csv" else "\t"
    data = sep.join(["text_input", "output", "output"]) + "\n" + "".join(f"q{i}{sep}a{sep}b\n" for i in range(40))
    records, facts = read(data.encode(), fmt)
    whole = sharded(records, facts, 1)
    assert [(f.line, f.field) for f in whole] == [(1, "output")]
    for count in (2, 3, 7):
        assert sharded(records, facts, count) == whole


linux_only = pytest.mark.skipif(not shards._can_fork(), reason="worker processes use fork (Linux)")


@linux_only
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_worker_processes_equal_one_pass(tmp_path: Path, small_shards: list[int], fmt: str) -> None:
    used = small_shards
    path = tmp_path / f"data.{fmt}"
    if fmt == "jsonl":
        path.write_bytes(_spread_jsonl(3000))
    else:
        rows = "".join(f"question {i} about the harbour,answer {i},x\n" for i in range(6000))
        path.write_text("text_input,output,output\n" + rows, encoding="utf-8")

    def lint(workers: str) -> list[tuple[Any, ...]]:
        code, envelope = run_json("--select", "S007", "--workers", workers, str(path))
        assert code == 1
        return [(f["line"], f["record"], f["field"], f["message"], f["fingerprint"]) for f in envelope["findings"]]

    one = lint("1")
    assert used == []
    assert len(one) == (1 if fmt == "csv" else len([i for i in range(3000) if i % 7 == 3 or i % 11 == 5]))
    assert lint("2") == one
    assert used == [2]


def test_in_memory_sources_with_a_repeated_column_are_refused() -> None:
    """A DataFrame (or a dict of columns whose keys stringify alike) cannot be a record without losing
    a column: the library refuses with the tool error instead of linting the last one only."""
    import pandas as pd

    from validator.errors import SourceError

    frame = pd.DataFrame([["q", "a", "b"]] * 25, columns=["text_input", "output", "output"])
    with pytest.raises(SourceError, match="'output'"):
        validator.lint(frame)
    with pytest.raises(SourceError, match="'1'"):
        validator.lint({1: ["a"], "1": ["b"]})
    fine = pd.DataFrame([["q", "a"]] * 25, columns=["text_input", "output"])
    assert validator.lint(fine).files[0].records == 25
