"""Focused tests of the F, S and L rules on both sides of every threshold.

Assertions are on codes, lines, fields and severities, never on message wording, with two
exceptions the catalogue requires: F007's message lists the keys seen, and L001's message gives the
numbers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

import validator
from tests.conftest import run_cli, run_json
from tests.test_rules_golden import write_jsonl_of_size
from validator import ConfigError, Finding
from validator.plugins import load_rules


def rec(i: int) -> dict[str, str]:
    return {"text_input": f"What is {i} plus {i + 7}?", "output": str(2 * i + 7)}


def records(n: int) -> list[Any]:
    return [rec(i) for i in range(n)]


def write_jsonl(path: Path, rows: Sequence[Any]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def lint(path: Path, **options: Any) -> list[Finding]:
    return validator.lint(str(path), isolated=True, **options).findings


def of(findings: list[Finding], code: str) -> list[tuple[int | None, str, str | None]]:
    """``(line, severity, field)`` of the findings of one rule, in report order."""
    return [(f.line, f.severity.value, f.field) for f in findings if f.code == code]


def codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


# -- L001 / L002: per-example lengths in code points -------------------------------------------------

# One code point each, but 2, 3 and 4 bytes in UTF-8 (and the emoji is 2 UTF-16 units).
WIDE = ["é", "語", "😀"]


@pytest.mark.parametrize("char", ["a", *WIDE])
@pytest.mark.parametrize(("length", "fires"), [(40_000, False), (40_001, True)])
def test_l001_input_limit_counts_code_points(tmp_path: Path, char: str, length: int, fires: bool) -> None:
    rows = records(20)
    rows[4] = {"text_input": char * length, "output": "x"}
    findings = lint(write_jsonl(tmp_path / "d.jsonl", rows))
    assert of(findings, "L001") == ([(5, "error", "/text_input")] if fires else [])


def test_l001_combining_sequences_count_every_code_point(tmp_path: Path) -> None:
    """``e`` + COMBINING ACUTE is one grapheme but two code points: 20,000 of them are 40,000."""
    rows = records(20)
    rows[1] = {"text_input": "e\u0301" * 20_000, "output": "at the limit"}
    rows[2] = {"text_input": "e\u0301" * 20_000 + "!", "output": "one over"}
    findings = lint(write_jsonl(tmp_path / "d.jsonl", rows))
    assert of(findings, "L001") == [(3, "error", "/text_input")]


def test_l001_message_gives_the_numbers(tmp_path: Path) -> None:
    rows = records(20)
    rows[0] = {"text_input": "😀" * 40_001, "output": "x"}
    (finding,) = [f for f in lint(write_jsonl(tmp_path / "d.jsonl", rows)) if f.code == "L001"]
    assert "40,001" in finding.message
    assert "40,000" in finding.message
    assert finding.record == 1


def test_l001_alpaca_input_is_instruction_plus_newline_plus_input(tmp_path: Path) -> None:
    rows: list[Any] = [{"instruction": f"Task {i}", "input": "", "output": "done"} for i in range(20)]
    rows[3] = {"instruction": "i" * 39_998, "input": "x", "output": "exactly 40,000 with the newline"}
    rows[4] = {"instruction": "i" * 39_998, "input": "xy", "output": "one over"}
    findings = lint(write_jsonl(tmp_path / "a.jsonl", rows), profile="gemini")
    assert of(findings, "L001") == [(5, "error", "/instruction")]


def test_l001_csv_field_is_the_column(tmp_path: Path) -> None:
    rows = [(r["text_input"], r["output"]) for r in records(20)]
    rows[2] = ("w" * 40_001, "long")
    findings = lint(write_csv(tmp_path / "d.csv", ["text_input", "output"], rows))
    assert of(findings, "L001") == [(4, "error", "text_input")]


@pytest.mark.parametrize("char", ["b", *WIDE])
@pytest.mark.parametrize(("length", "fires"), [(5_000, False), (5_001, True)])
def test_l002_output_limit_counts_code_points(tmp_path: Path, char: str, length: int, fires: bool) -> None:
    rows = records(20)
    rows[9] = {"text_input": "Write a long answer.", "output": char * length}
    findings = lint(write_jsonl(tmp_path / "d.jsonl", rows))
    assert of(findings, "L002") == ([(10, "error", "/output")] if fires else [])


def test_length_limits_follow_the_profile(tmp_path: Path) -> None:
    rows = records(20)
    rows[0] = {"text_input": "a" * 40_001, "output": "b" * 5_001}
    path = write_jsonl(tmp_path / "d.jsonl", rows)
    assert {"L001", "L002"} <= codes(lint(path))
    assert not {"L001", "L002"} & codes(lint(path, profile="generic"))


# -- L003 / L004: counts -----------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "l003"), [(1, True), (19, True), (20, False), (21, False)])
def test_l003_minimum_of_twenty(tmp_path: Path, count: int, l003: bool) -> None:
    findings = lint(write_jsonl(tmp_path / "d.jsonl", records(count)))
    assert of(findings, "L003") == ([(None, "error", None)] if l003 else [])


def test_l003_counts_records_not_only_valid_examples(tmp_path: Path) -> None:
    """20 delimited records, two of which do not parse: the count is still 20 (architecture.md)."""
    lines = [json.dumps(r) for r in records(20)]
    lines[3] = "{not json"
    lines[7] = '{"text_input": "x", "output": }'
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    findings = lint(path)
    assert "L003" not in codes(findings)
    assert of(findings, "F002") == [(4, "error", None), (8, "error", None)]


def test_l003_silent_on_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")
    assert [f.code for f in lint(path)] == ["F005"]


@pytest.mark.parametrize(("count", "l004"), [(20, True), (99, True), (100, False), (150, False)])
def test_l004_classification_recommends_one_hundred(tmp_path: Path, count: int, l004: bool) -> None:
    findings = lint(write_jsonl(tmp_path / "d.jsonl", records(count)), task="classification")
    assert of(findings, "L004") == ([(None, "warning", None)] if l004 else [])
    assert "L003" not in codes(findings)


@pytest.mark.parametrize("task", ["general", "classification", "summarization", "document-search"])
def test_l004_silent_when_l003_fires(tmp_path: Path, task: str) -> None:
    findings = lint(write_jsonl(tmp_path / "d.jsonl", records(19)), task=task)
    assert of(findings, "L003") == [(None, "error", None)]
    assert "L004" not in codes(findings)


def test_count_rules_silent_without_provider_limits(tmp_path: Path) -> None:
    findings = lint(write_jsonl(tmp_path / "d.jsonl", records(5)), profile="generic")
    assert not {"L003", "L004"} & codes(findings)


# -- S001-S006 ---------------------------------------------------------------------------------------


def test_s001_missing_fields_point_at_the_field(tmp_path: Path) -> None:
    rows = records(20)
    rows[0] = {"text_input": "no output here"}
    rows[1] = {"output": "no input here"}
    findings = lint(write_jsonl(tmp_path / "d.jsonl", rows))
    assert of(findings, "S001") == [(1, "error", "/output"), (2, "error", "/text_input")]


def test_s001_csv_missing_column(tmp_path: Path) -> None:
    rows = [(r["text_input"], r["output"]) for r in records(20)]
    findings = lint(write_csv(tmp_path / "d.csv", ["text_input", "answer"], rows))
    s001 = of(findings, "S001")
    assert s001 and all(field == "output" and sev == "error" for _, sev, field in s001)


def test_s002_wrong_types(tmp_path: Path) -> None:
    rows = records(20)
    rows[0] = {"text_input": "What is 1 + 1?", "output": 2}
    rows[1] = ["an", "array"]
    rows[2] = {"text_input": {"nested": "object"}, "output": "x"}
    rows[3] = {"text_input": "flag", "output": True}
    findings = lint(write_jsonl(tmp_path / "d.jsonl", rows))
    assert of(findings, "S002") == [
        (1, "error", "/output"),
        (2, "error", None),
        (3, "error", "/text_input"),
        (4, "error", "/output"),
    ]
    assert not {"S001", "S003"} & codes(findings)


def test_s003_output_empty_is_error_input_empty_is_warning(tmp_path: Path) -> None:
    rows = records(20)
    rows[0] = {"text_input": "Fill me in", "output": ""}
    rows[1] = {"text_input": "", "output": "An answer without a prompt"}
    rows[2] = {"text_input": "Whitespace output", "output": " \n\t "}
    rows[3] = {"text_input": "\u3000", "output": "ideographic space is whitespace too"}
    findings = lint(write_jsonl(tmp_path / "d.jsonl", rows))
    assert of(findings, "S003") == [
        (1, "error", "/output"),
        (2, "warning", "/text_input"),
        (3, "error", "/output"),
        (4, "warning", "/text_input"),
    ]


def test_s003_input_only_problem_does_not_fail_the_gate(tmp_path: Path) -> None:
    rows = records(100)
    rows[5] = {"text_input": " ", "output": "hello"}
    report = validator.lint(str(write_jsonl(tmp_path / "d.jsonl", rows)), isolated=True)
    assert [(f.code, f.severity.value) for f in report.findings] == [("S003", "warning")]
    assert report.ok


def test_s004_extra_csv_column_is_reported_once(tmp_path: Path) -> None:
    rows = [(r["text_input"], r["output"], "web", "7") for r in records(30)]
    findings = lint(write_csv(tmp_path / "d.csv", ["text_input", "output", "source", "id"], rows))
    s004 = [f for f in findings if f.code == "S004"]
    assert sorted(f.field or "" for f in s004) == ["id", "source"]
    assert {f.severity.value for f in s004} == {"warning"}


def test_s001_missing_csv_column_is_reported_once(tmp_path: Path) -> None:
    rows = [(r["text_input"],) for r in records(25)]
    findings = lint(write_csv(tmp_path / "d.csv", ["text_input"], rows))
    assert of(findings, "S001") == [(2, "error", "output")]


def test_s004_jsonl_extra_key_is_reported_per_record(tmp_path: Path) -> None:
    rows: list[Any] = records(20)
    rows[2] = {**rec(2), "source": "web"}
    rows[6] = {**rec(6), "source": "book"}
    rows[8] = {"text_input": "typo", "outptu": "x"}
    findings = lint(write_jsonl(tmp_path / "d.jsonl", rows))
    assert of(findings, "S004") == [(3, "warning", "/source"), (7, "warning", "/source"), (9, "warning", "/outptu")]
    assert of(findings, "S001") == [(9, "error", "/output")]


def test_s004_silent_for_mapped_fields(tmp_path: Path) -> None:
    rows = [{"id": i, "q": r["text_input"], "a": r["output"], "meta": {"k": 1}} for i, r in enumerate(records(20))]
    findings = lint(write_jsonl(tmp_path / "d.jsonl", rows), input_field="q", output_field="a")
    assert "S004" not in codes(findings)


@pytest.mark.parametrize("leading", [1, 5])
def test_s005_related_points_at_the_first_record_of_the_main_shape(tmp_path: Path, leading: int) -> None:
    """Also when records of another shape come before any record of the main shape."""
    other = [{"prompt": f"p{i}", "completion": f"c{i}"} for i in range(leading)]
    rows: list[Any] = [*other, *records(20)]
    rows.insert(10, {"instruction": "alpaca", "output": "too"})  # line 11
    path = write_jsonl(tmp_path / "d.jsonl", rows)
    report = validator.lint(str(path), isolated=True)
    assert report.files[0].schema == "gemini"
    s005 = [f for f in report.findings if f.code == "S005"]
    assert [(f.line, f.severity.value) for f in s005] == [(n, "error") for n in [*range(1, leading + 1), 11]]
    main_first = leading + 1  # the first gemini record follows the mixed-in ones
    for finding in s005:
        assert [(loc.line, loc.record) for loc in finding.related] == [(main_first, main_first)]
        assert finding.related[0].path == str(path)


def test_s005_silent_when_one_shape(tmp_path: Path) -> None:
    rows = [{"prompt": f"p{i}", "completion": f"c{i}"} for i in range(20)]
    assert "S005" not in codes(lint(write_jsonl(tmp_path / "d.jsonl", rows)))


@pytest.mark.parametrize("value", ["nan", "NaN", "None", "null", "NULL", "undefined", "<NA>", "  nan  "])
def test_s006_default_placeholders(tmp_path: Path, value: str) -> None:
    rows = records(20)
    rows[3] = {"text_input": "Population of the village?", "output": value}
    assert of(lint(write_jsonl(tmp_path / "d.jsonl", rows)), "S006") == [(4, "warning", "/output")]


@pytest.mark.parametrize("value", ["nana", "Nan Goldin", "none of these", "n/a", "0", "nullable"])
def test_s006_only_whole_values(tmp_path: Path, value: str) -> None:
    rows = records(20)
    rows[3] = {"text_input": "Question", "output": value}
    assert "S006" not in codes(lint(write_jsonl(tmp_path / "d.jsonl", rows)))


def test_s006_values_are_configurable(tmp_path: Path) -> None:
    rows = records(20)
    rows[1] = {"text_input": "Status?", "output": "TBD"}
    rows[2] = {"text_input": "Population?", "output": "nan"}
    path = write_jsonl(tmp_path / "d.jsonl", rows)
    assert of(lint(path), "S006") == [(3, "warning", "/output")]
    custom = validator.lint(str(path), config={"rules": {"S006": {"values": ["TBD"]}}})
    assert of(custom.findings, "S006") == [(2, "warning", "/output")]
    by_name = validator.lint(str(path), config={"rules": {"placeholder-value": {"values": ["TBD", "nan"]}}})
    assert of(by_name.findings, "S006") == [(2, "warning", "/output"), (3, "warning", "/output")]


def test_s006_whitespace_padding_of_any_length(tmp_path: Path) -> None:
    """The value is compared after trimming, however much whitespace surrounds it."""
    rows = records(20)
    rows[2] = {"text_input": "Population?", "output": "      nan       "}
    rows[4] = {"text_input": "\n\nNone\n\n\n\n\n\n\n\n\n", "output": "x"}
    assert of(lint(write_jsonl(tmp_path / "d.jsonl", rows)), "S006") == [
        (3, "warning", "/output"),
        (5, "warning", "/text_input"),
    ]


def test_s006_configured_values_of_any_length(tmp_path: Path) -> None:
    rows = records(20)
    rows[3] = {"text_input": "Status?", "output": "to be determined"}
    rows[5] = {"text_input": "Status?", "output": "to be determined later, once the survey is in"}
    path = write_jsonl(tmp_path / "d.jsonl", rows)
    report = validator.lint(str(path), config={"rules": {"S006": {"values": ["to be determined"]}}})
    assert of(report.findings, "S006") == [(4, "warning", "/output")]


def test_s006_unknown_option_is_a_config_error(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "d.jsonl", records(20))
    with pytest.raises(ConfigError):
        validator.lint(str(path), config={"rules": {"S006": {"placeholders": ["TBD"]}}})
    with pytest.raises(ConfigError):
        validator.lint(str(path), config={"rules": {"S006": {"values": "TBD"}}})


# -- F002-F007 ---------------------------------------------------------------------------------------


def test_f002_json_document_reports_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text('[\n  {"text_input": "a", "output": "b"},\n  {"text_input": "c", "output": "d",}\n]\n')
    (finding,) = [f for f in lint(path) if f.code == "F002"]
    assert (finding.line, finding.column, finding.severity.value) == (3, 37, "error")


def test_f002_keeps_linting_the_records_around_it(tmp_path: Path) -> None:
    lines = [json.dumps(r) for r in records(25)]
    lines[2] = '{"text_input": "broken", "output": "x"'
    lines[20] = json.dumps({"text_input": "after the break", "output": ""})
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = validator.lint(str(path), isolated=True)
    assert of(report.findings, "F002") == [(3, "error", None)]
    assert of(report.findings, "S003") == [(21, "error", "/output")]
    assert report.files[0].records == 25


def test_f002_csv_row_with_wrong_field_count(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    body = ["text_input,output"] + [f"q{i},a{i}" for i in range(20)]
    body[4] = "q3,a3,extra"  # line 5
    body[9] = '"multi\nline",a8,extra'  # lines 10-11
    body[12] = "lonely"  # line 14 (the quoted newline added a line)
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    assert of(lint(path), "F002") == [(5, "error", None), (10, "error", None), (14, "error", None)]


def test_f003_cp1252_is_reported_and_still_linted(tmp_path: Path) -> None:
    rows = [(r["text_input"], r["output"]) for r in records(20)]
    rows[5] = ("Price of tea?", "£2.50 in the café")  # line 7
    rows[10] = ("Missing value", "nan")  # line 12
    path = write_csv(tmp_path / "d.csv", ["text_input", "output"], rows, encoding="cp1252")
    report = validator.lint(str(path), isolated=True)
    assert of(report.findings, "F003") == [(7, "error", None)]
    assert of(report.findings, "S006") == [(12, "warning", "output")]
    assert report.files[0].encoding.replace("-", "").lower() in ("cp1252", "windows1252")
    assert report.files[0].records == 20


def test_f003_silent_for_utf8_and_ascii(tmp_path: Path) -> None:
    rows = records(20)
    rows[0] = {"text_input": "Zürich, 東京, 😀", "output": "ok"}
    assert "F003" not in codes(lint(write_jsonl(tmp_path / "u.jsonl", rows)))
    assert "F003" not in codes(lint(write_jsonl(tmp_path / "a.jsonl", records(20))))


@pytest.mark.parametrize("suffix", ["jsonl", "csv", "json"])
def test_f004_bom_is_a_warning_and_the_first_record_is_intact(tmp_path: Path, suffix: str) -> None:
    if suffix == "jsonl":
        text = "".join(json.dumps(r) + "\n" for r in records(20))
    elif suffix == "json":
        text = json.dumps(records(20), indent=1)
    else:
        text = "text_input,output\n" + "".join(f"q{i},a{i}\n" for i in range(20))
    path = tmp_path / f"bom.{suffix}"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    report = validator.lint(str(path), isolated=True)
    assert of(report.findings, "F004") == [(1, "warning", None)]
    assert report.files[0].schema == "gemini"
    assert not {"S001", "S004", "F002", "F007"} & codes(report.findings)


def test_f005_no_records(tmp_path: Path) -> None:
    for name, data in [("a.jsonl", b""), ("b.jsonl", b"\n\n"), ("c.json", b"[]"), ("d.csv", b"text_input,output\n")]:
        path = tmp_path / name
        path.write_bytes(data)
        assert of(lint(path), "F005") == [(None, "error", None)], name


@pytest.mark.parametrize("document", ['{"examples": []}', '{"text_input": [], "output": []}'])
def test_f005_empty_wrapper_or_columns(tmp_path: Path, document: str) -> None:
    """The wrapper form and the dict-of-columns form with no rows hold no records: F005, not one
    record of an unknown shape or with array fields."""
    path = tmp_path / "empty.json"
    path.write_text(document + "\n", encoding="utf-8")
    report = validator.lint(str(path), isolated=True)
    assert of(report.findings, "F005") == [(None, "error", None)]
    assert report.files[0].records == 0
    assert not {"F007", "S002", "L003"} & codes(report.findings)


@pytest.mark.parametrize("ending", ["\n", "\r\n", ""])
def test_f006_silent_on_one_trailing_newline(tmp_path: Path, ending: str) -> None:
    path = tmp_path / "d.jsonl"
    path.write_bytes(ending.join(json.dumps(r) for r in records(20)).encode() + ending.encode())
    assert "F006" not in codes(lint(path))


def test_f006_blank_lines_inside_and_at_the_end(tmp_path: Path) -> None:
    lines = [json.dumps(r) for r in records(20)]
    lines.insert(1, "")  # line 2
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")  # line 22 is an extra blank line
    findings = lint(path)
    assert of(findings, "F006") == [(2, "info", None), (22, "info", None)]
    assert validator.lint(str(path), isolated=True).files[0].records == 20


def test_f007_lists_keys_and_disappears_with_a_mapping(tmp_path: Path) -> None:
    rows = [{"question": r["text_input"], "answer": r["output"], "topic": "sums"} for r in records(20)]
    path = write_jsonl(tmp_path / "qa.jsonl", rows)
    findings = lint(path)
    (f007,) = [f for f in findings if f.code == "F007"]
    assert (f007.line, f007.severity.value) == (1, "error")
    for key in ("question", "answer", "topic"):
        assert key in f007.message
    mapped = lint(path, input_field="question", output_field="answer")
    assert "F007" not in codes(mapped)
    assert not [f for f in mapped if f.severity.value == "error"]


def test_f007_silent_for_known_shapes_and_non_objects(tmp_path: Path) -> None:
    assert "F007" not in codes(lint(write_jsonl(tmp_path / "g.jsonl", records(20))))
    findings = lint(write_jsonl(tmp_path / "arrays.jsonl", [["a", "b"], ["c", "d"]]))
    assert "F007" not in codes(findings)
    assert of(findings, "S002") == [(1, "error", None), (2, "error", None)]


def test_f001_follows_the_profile(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    write_jsonl_of_size(path, 4_194_305)
    assert of(lint(path), "F001") == [(None, "error", None)]
    assert "F001" not in codes(lint(path, profile="generic"))


# -- exit status through the CLI ---------------------------------------------------------------------


def test_cli_exit_status_follows_severity(tmp_path: Path) -> None:
    warn = tmp_path / "warn.jsonl"
    warn.write_bytes(b"\xef\xbb\xbf" + "".join(json.dumps(r) + "\n" for r in records(100)).encode())
    code, envelope = run_json(str(warn))
    assert code == 0
    assert [(f["code"], f["line"]) for f in envelope["findings"]] == [("F004", 1)]
    code, _ = run_json("--fail-on", "warning", str(warn))
    assert code == 1
    err = write_jsonl(tmp_path / "err.jsonl", records(19))
    code, envelope = run_json(str(err))
    assert code == 1
    assert envelope["summary"]["errors"] == 1


# -- rule metadata -----------------------------------------------------------------------------------

IMPLEMENTED = sorted(r.code for r in load_rules().all() if r.code.startswith(("F", "S", "L")))


def test_catalogue_codes_are_all_implemented() -> None:
    expected = [f"F00{i}" for i in range(1, 8)] + [f"L00{i}" for i in range(1, 5)] + [f"S00{i}" for i in range(1, 7)]
    assert set(expected) <= set(IMPLEMENTED)


@pytest.mark.parametrize("code", IMPLEMENTED)
def test_rule_metadata(code: str) -> None:
    status, out, _ = run_cli("rule", code, "--output-format", "json")
    assert status == 0
    info = json.loads(out)
    assert info["code"] == code
    assert info["severity"] in ("error", "warning", "info")
    for section in ("what", "why", "example", "fix"):
        assert isinstance(info.get(section), str) and info[section].strip(), f"{code} lacks {section}"
    assert info["name"] and info["summary"]
    status, by_name, _ = run_cli("rule", info["name"], "--output-format", "json")
    assert status == 0 and json.loads(by_name)["code"] == code


def test_rule_severities_match_the_catalogue() -> None:
    status, out, _ = run_cli("rules", "--output-format", "json")
    assert status == 0
    severity = {r["code"]: r["severity"] for r in json.loads(out)}
    catalogue = {
        "F001": "error", "F002": "error", "F003": "error", "F004": "warning", "F005": "error",
        "F006": "info", "F007": "error", "S001": "error", "S002": "error", "S003": "error",
        "S004": "warning", "S005": "error", "S006": "warning", "L001": "error", "L002": "error",
        "L003": "error", "L004": "warning",
    }  # fmt: skip
    assert {c: severity.get(c) for c in catalogue} == catalogue


def test_s006_options_are_listed() -> None:
    status, out, _ = run_cli("rule", "S006", "--output-format", "json")
    assert status == 0
    values = json.loads(out)["options"]["values"]
    assert {"nan", "NaN", "None", "null", "NULL", "undefined", "<NA>"} <= set(values)
