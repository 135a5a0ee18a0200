"""The streaming pass: shape detection, mapping, field references, statistics, severity handling."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import validator
from validator import engine
from validator.api import Finding, Location, Severity
from validator.engine import LOOKAHEAD_RECORDS
from validator.stats import LengthStats


def _jsonl(path: Path, records: list[object]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _pairs(n: int) -> list[dict[str, str]]:
    return [{"text_input": f"question number {i}", "output": f"answer {i * 7}"} for i in range(n)]


def test_majority_shape_wins_and_minority_records_are_s005(tmp_path: Path) -> None:
    records: list[object] = [*_pairs(30), {"prompt": "p", "completion": "c"}]
    report = validator.lint(_jsonl(tmp_path / "m.jsonl", records), isolated=True)
    assert report.files[0].schema == "gemini"
    s005 = [f for f in report.findings if f.code == "S005"]
    assert [(f.line, f.record) for f in s005] == [(31, 31)]
    assert s005[0].related[0].line == 1


def test_shape_detected_after_a_long_run_of_broken_lines(tmp_path: Path) -> None:
    lines = ["{broken"] * (LOOKAHEAD_RECORDS + 5) + [json.dumps(r) for r in _pairs(3)]
    path = tmp_path / "late.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = validator.lint(path, isolated=True, select=["F002", "F007", "S"])
    assert sum(f.code == "F002" for f in report.findings) == LOOKAHEAD_RECORDS + 5
    # The lookahead saw no parsed record, so the shape is unknown: one F007, on the first good record.
    assert [(f.code, f.line) for f in report.findings if f.code == "F007"] == [("F007", LOOKAHEAD_RECORDS + 6)]
    assert report.files[0].records == LOOKAHEAD_RECORDS + 8


def test_records_counts_every_delimited_record(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text('{"text_input": "a", "output": "b"}\n\nnot json\n[1, 2]\n', encoding="utf-8")
    report = validator.lint(path, isolated=True)
    assert report.files[0].records == 3  # the blank line is not a record


def test_csv_fields_are_column_names_and_json_fields_are_pointers(tmp_path: Path) -> None:
    csv_path = tmp_path / "d.csv"
    csv_path.write_text("text_input,output,extra\nq,,x\n", encoding="utf-8")
    report = validator.lint(csv_path, isolated=True, select=["S003", "S004"])
    assert {(f.code, f.field) for f in report.findings} == {("S003", "output"), ("S004", "extra")}
    json_path = _jsonl(tmp_path / "d.jsonl", [{"text_input": "q", "output": "", "a/b": 1}])
    report = validator.lint(json_path, isolated=True, select=["S003", "S004"])
    assert {(f.code, f.field) for f in report.findings} == {("S003", "/output"), ("S004", "/a~1b")}


def test_mapping_uses_named_columns_and_gemini_profile(tmp_path: Path) -> None:
    path = tmp_path / "qa.csv"
    rows = "\n".join(f"q{i},{'x' * (5001 if i == 3 else 3)},meta" for i in range(25))
    path.write_text("question,answer,source\n" + rows + "\n", encoding="utf-8")
    report = validator.lint(path, isolated=True, input_field="question", output_field="answer")
    file = report.files[0]
    assert (file.schema, file.profile) == ("mapped", "gemini")
    assert [(f.code, f.line, f.field) for f in report.findings if f.severity is Severity.ERROR] == [
        ("L002", 5, "answer")
    ]
    assert not any(f.code == "S004" for f in report.findings)  # a mapping accepts other columns


def test_only_one_mapping_side_defaults_the_other(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "half.jsonl", [{"question": "q", "output": "o"}] * 20)
    report = validator.lint(path, isolated=True, input_field="question", select=["F007", "S001"])
    assert report.findings == []


def test_length_statistics_are_exact(tmp_path: Path) -> None:
    records = [{"text_input": "x" * n, "output": "y" * (n * 2)} for n in range(1, 101)]
    report = validator.lint(_jsonl(tmp_path / "s.jsonl", records), isolated=True)
    stats = report.files[0].stats
    histogram = stats["input_chars"].pop("histogram")
    assert stats["input_chars"] == {"count": 100, "min": 1, "p50": 50, "p95": 95, "max": 100, "mean": 50.5}
    assert stats["output_chars"]["max"] == 200
    # 24 buckets of width ceil(101 / 24) = 5 from 0: lengths 1-4 in the first, 100 alone in the last.
    assert histogram["edges"] == list(range(0, 106, 5))
    assert histogram["counts"] == [4] + [5] * 19 + [1]
    assert sum(stats["output_chars"]["histogram"]["counts"]) == 100


@given(st.lists(st.integers(min_value=0, max_value=5000), min_size=1, max_size=300))
def test_histogram_counts_every_length_in_its_bucket(lengths: list[int]) -> None:
    stats = LengthStats()
    for n in lengths:
        stats.add(n)
    hist = stats.histogram()
    edges, counts = hist["edges"], hist["counts"]
    assert len(edges) == len(counts) + 1 and len(counts) <= 24 and sum(counts) == len(lengths)
    for i, count in enumerate(counts):
        assert count == sum(1 for n in lengths if edges[i] <= n < edges[i + 1])


def test_length_stats_merge_matches_single_pass() -> None:
    one, a, b = LengthStats(), LengthStats(), LengthStats()
    for n in range(1000):
        one.add(n % 37)
        (a if n % 2 else b).add(n % 37)
    a.merge(b)
    assert a.to_dict() == one.to_dict()


def test_severity_override_and_per_file_ignores(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "few.jsonl", _pairs(30))
    report = validator.lint(path, config={"severity": {"L004": "error"}})
    assert [(f.code, f.severity) for f in report.findings] == [("L004", Severity.ERROR)]
    assert not report.ok
    report = validator.lint(path, config={"per-file-ignores": {"*.jsonl": ["L"]}})
    assert report.findings == []
    report = validator.lint(path, config={"per-file-ignores": {"other/*.jsonl": ["L"]}})
    assert [f.code for f in report.findings] == ["L004"]


def test_profile_follows_shape_and_can_be_overridden(tmp_path: Path) -> None:
    alpaca = _jsonl(tmp_path / "a.jsonl", [{"instruction": "i", "input": "", "output": "o"}] * 3)
    report = validator.lint(alpaca, isolated=True)
    assert (report.files[0].schema, report.files[0].profile) == ("alpaca", "generic")
    assert not any(f.code.startswith("L") for f in report.findings)
    report = validator.lint(alpaca, isolated=True, profile="gemini")
    assert [f.code for f in report.findings if f.code.startswith("L")] == ["L003"]


def test_alpaca_input_joins_instruction_and_input(tmp_path: Path) -> None:
    rec = {"instruction": "x" * 39_999, "input": "y", "output": "o"}  # 39,999 + "\n" + 1 = 40,001
    report = validator.lint([rec], profile="gemini", select=["L001"])
    assert [(f.code, f.field) for f in report.findings] == [("L001", "/instruction")]


def test_unknown_profile_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(validator.ConfigError):
        validator.lint(_pairs(1), profile="nope")


def test_in_memory_records_are_numbered_from_one() -> None:
    report = validator.lint([{"text_input": "a", "output": ""}, {"text_input": "b", "output": ""}])
    s003 = [(f.line, f.record, f.path) for f in report.findings if f.code == "S003"]
    assert s003 == [(1, 1, "<memory>"), (2, 2, "<memory>")]
    assert report.files[0].format == "memory"


def test_each_field_mapping_validates_against_its_own_schema() -> None:
    # Schemas of mapped shapes are built per lint; a validator cached by the id() of a schema that was
    # freed could be handed to the next mapping. Alternate mappings many times to catch any reuse.
    for i in range(30):
        input_field, output_field = (f"q{i}", f"a{i}")
        report = validator.lint(
            [{input_field: "question"}], input_field=input_field, output_field=output_field, select=["S001"]
        )
        assert [(f.code, f.field) for f in report.findings] == [("S001", f"/{output_field}")]


def test_fingerprinting_a_finding_keeps_every_other_field() -> None:
    """The engine copies a finding field by field to set its fingerprint (faster than
    ``dataclasses.replace``): a field added to Finding later must be copied too."""
    values: dict[str, Any] = {}
    for number, field in enumerate(dataclasses.fields(Finding)):
        if field.name == "severity":
            values[field.name] = Severity.INFO
        elif field.name == "related":
            values[field.name] = (Location("other.jsonl", 3, 2, "/output"),)
        elif field.name == "fixable":
            values[field.name] = True
        elif field.type in ("int | None", "int"):
            values[field.name] = 100 + number
        else:
            values[field.name] = f"value-{number}"
    original = Finding(**values)
    copied = engine._fingerprinted(original, "new-print")
    assert copied.fingerprint == "new-print"
    assert dataclasses.replace(copied, fingerprint=original.fingerprint) == original
