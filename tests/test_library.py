"""The library API: ``validator.lint`` on paths and in-memory data, the :class:`Report` methods,
exceptions, ``__all__``, and the guarantee that linting never modifies an input file."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import validator
from tests.conftest import run_json
from tests.test_cli import varied_records, write_csv, write_jsonl
from validator import (
    ConfigError,
    DatasetValidationError,
    Finding,
    Report,
    Severity,
    SourceError,
    TunelintError,
)


@pytest.fixture(autouse=True)
def _cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In-memory data discovers config from the working directory: make that an empty tmp dir."""
    monkeypatch.chdir(tmp_path)


def codes_lines(report: Report) -> list[tuple[str, int | None]]:
    return [(f.code, f.line) for f in report.findings]


def error_records(n: int = 25, empty_output_at: int = 3) -> list[dict[str, str]]:
    records = varied_records(n)
    records[empty_output_at - 1]["output"] = ""
    return records


# -- sources -----------------------------------------------------------------------------------------


def test_lint_a_path_str_and_pathlike(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "d.jsonl", error_records())
    for source in (str(path), path):
        report = validator.lint(source)
        assert isinstance(report, Report)
        assert codes_lines(report) == [("L004", None), ("S003", 3)]
        assert [f.path for f in report.files] == [str(path)]


def test_lint_a_list_of_paths(tmp_path: Path) -> None:
    a = write_jsonl(tmp_path / "a.jsonl", varied_records(25))
    b = write_jsonl(tmp_path / "b.jsonl", error_records())
    report = validator.lint([a, str(b)])
    assert [f.path for f in report.files] == [str(a), str(b)]
    assert [(Path(f.path).name, f.code, f.line) for f in report.findings] == [
        ("a.jsonl", "L004", None),
        ("b.jsonl", "L004", None),
        ("b.jsonl", "S003", 3),
    ]


def test_lint_a_directory(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "data" / "a.jsonl", varied_records(25))
    write_csv(tmp_path / "data" / "nested" / "b.csv", error_records(empty_output_at=4))
    write_jsonl(tmp_path / "data" / ".git" / "c.jsonl", error_records())
    report = validator.lint(tmp_path / "data")
    assert sorted(Path(f.path).relative_to(tmp_path).as_posix() for f in report.files) == [
        "data/a.jsonl",
        "data/nested/b.csv",
    ]
    assert ("S003", 5) in codes_lines(report)  # CSV: header line 1, 4th row on line 5
    assert not report.ok


def test_lint_a_glob(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "x" / "a.jsonl", varied_records(25))
    write_jsonl(tmp_path / "x" / "b.jsonl", varied_records(25))
    write_csv(tmp_path / "x" / "c.csv", varied_records(25))
    report = validator.lint(str(tmp_path / "x" / "*.jsonl"))
    assert [Path(f.path).name for f in report.files] == ["a.jsonl", "b.jsonl"]


def test_list_of_dicts_numbers_records_from_one() -> None:
    records: list[Any] = varied_records(25)
    records[0] = {"text_input": "first", "output": ""}
    records[9] = {"text_input": "tenth", "output": "nan"}
    records[24] = {"text_input": "last", "output": "x", "extra": 1}
    report = validator.lint(records)
    assert [(f.code, f.line, f.record) for f in report.findings] == [
        ("L004", None, None),
        ("S003", 1, 1),
        ("S006", 10, 10),
        ("S004", 25, 25),
    ]
    for finding in report.findings:
        assert finding.line == finding.record
    (file,) = report.files
    assert file.records == 25
    assert file.schema == "gemini"
    assert file.bytes is None


def test_list_of_tuples() -> None:
    pairs = [(r["text_input"], r["output"]) for r in varied_records(25)]
    pairs[6] = ("seventh", " ")
    pairs[7] = ("  ", "eighth")
    report = validator.lint(pairs)
    assert [(f.code, f.line, f.record, f.severity) for f in report.findings] == [
        ("L004", None, None, Severity.WARNING),
        ("S003", 7, 7, Severity.ERROR),
        ("S003", 8, 8, Severity.WARNING),  # an empty input is a warning
    ]
    assert report.files[0].records == 25


def test_dict_of_columns() -> None:
    records = varied_records(25)
    columns = {
        "text_input": [r["text_input"] for r in records],
        "output": [r["output"] for r in records],
    }
    columns["output"][11] = ""
    report = validator.lint(columns)
    assert codes_lines(report) == [("L004", None), ("S003", 12)]
    assert report.files[0].records == 25


def test_dict_of_columns_needs_lists() -> None:
    with pytest.raises(SourceError):
        validator.lint({"text_input": "a", "output": ["b"]})


def test_dataframe_with_nan_is_empty_text_never_the_string_nan() -> None:
    pd = pytest.importorskip("pandas")
    records = varied_records(25)
    frame = pd.DataFrame(records)
    frame.loc[4, "output"] = float("nan")
    frame.loc[9, "text_input"] = None
    frame.loc[14, "output"] = pd.NA
    report = validator.lint(frame)
    assert [(f.code, f.line, f.record, f.severity) for f in report.findings] == [
        ("L004", None, None, Severity.WARNING),
        ("S003", 5, 5, Severity.ERROR),
        ("S003", 10, 10, Severity.WARNING),
        ("S003", 15, 15, Severity.ERROR),
    ]
    assert "S006" not in report.by_code()
    assert all("'nan'" not in f.message for f in report.findings)
    stats = report.files[0].stats
    assert stats["output_chars"]["min"] == 0  # empty text, not the three letters of "nan"
    assert stats["input_chars"]["min"] == 0


def test_dataframe_clean() -> None:
    pd = pytest.importorskip("pandas")
    report = validator.lint(pd.DataFrame(varied_records(25)))
    assert codes_lines(report) == [("L004", None)]
    assert report.ok


# -- options --------------------------------------------------------------------------------------------


def test_profile_and_task(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "d.jsonl", error_records())
    report = validator.lint(path, profile="generic")
    assert codes_lines(report) == [("S003", 3)]
    assert report.files[0].profile == "generic"
    report = validator.lint(path, task="classification")
    assert (report.files[0].task, report.files[0].task_inferred) == ("classification", False)
    with pytest.raises(TunelintError):
        validator.lint(path, profile="no-such-profile")


def test_select_and_ignore(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "d.jsonl", error_records())
    assert codes_lines(validator.lint(path, select=["S003"])) == [("S003", 3)]
    assert codes_lines(validator.lint(path, select=["empty-text", "L"])) == [("L004", None), ("S003", 3)]
    assert codes_lines(validator.lint(path, ignore=["S"])) == [("L004", None)]
    assert codes_lines(validator.lint(path, select=["ALL"], ignore=["L004"])) == [("S003", 3)]
    with pytest.raises(TunelintError):
        validator.lint(path, select=["NOPE"])
    with pytest.raises(TunelintError):
        validator.lint(varied_records(3), ignore=["NOPE"])


def test_fail_on(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "d.jsonl", varied_records(25))
    assert validator.lint(path).ok
    report = validator.lint(path, fail_on="warning")
    assert (report.ok, report.exit_code, report.fail_on) == (False, 1, Severity.WARNING)
    assert not validator.lint(path, fail_on=Severity.INFO).ok


def test_config_mapping(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "d.jsonl", error_records())
    report = validator.lint(path, config={"select": ["S"], "severity": {"S003": "warning"}})
    assert [(f.code, f.severity) for f in report.findings] == [("S003", Severity.WARNING)]
    assert report.ok
    report = validator.lint(path, config={"fail-on": "warning", "ignore": ["S003"]})
    assert codes_lines(report) == [("L004", None)]
    assert not report.ok
    # keyword options beat the config, as the command line does
    report = validator.lint(path, config={"select": ["S"]}, select=["L"])
    assert codes_lines(report) == [("L004", None)]


def test_config_path(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "d.jsonl", error_records())
    config = tmp_path / "conf" / "lint.toml"
    config.parent.mkdir()
    config.write_text('ignore = ["L"]\n[rules.S006]\nvalues = ["x"]\n', encoding="utf-8")
    for cfg in (config, str(config)):
        assert codes_lines(validator.lint(path, config=cfg)) == [("S003", 3)]
    with pytest.raises(ConfigError):
        validator.lint(path, config=tmp_path / "missing.toml")


def test_config_is_discovered_next_to_the_file_unless_isolated(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "proj" / "d.jsonl", error_records())
    (tmp_path / "proj" / ".tunelint.toml").write_text('select = ["S003"]\n', encoding="utf-8")
    assert codes_lines(validator.lint(path)) == [("S003", 3)]
    assert codes_lines(validator.lint(path, isolated=True)) == [("L004", None), ("S003", 3)]


def test_input_and_output_field(tmp_path: Path) -> None:
    rows = [{"q": r["text_input"], "a": r["output"]} for r in varied_records(25)]
    assert "F007" in validator.lint(rows).by_code()
    assert codes_lines(validator.lint(rows, input_field="q", output_field="a")) == [("L004", None)]


# -- the Report --------------------------------------------------------------------------------------------


@pytest.fixture
def mixed(tmp_path: Path) -> Report:
    """Two files with findings on several lines and of every severity."""
    a = varied_records(5)
    a[3]["output"] = ""
    a[1]["extra"] = "x"
    lines = [json.dumps(r) for r in a]
    lines.insert(2, "")
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    b = varied_records(25)
    b[0]["output"] = "None"
    b[20]["output"] = "   "
    write_jsonl(tmp_path / "m" / "b.jsonl", b)
    return validator.lint(tmp_path / "m")


def test_report_ok_and_exit_code(tmp_path: Path, mixed: Report) -> None:
    assert (mixed.ok, mixed.exit_code) == (False, 1)
    good = validator.lint(write_jsonl(tmp_path / "g.jsonl", varied_records(25)))
    assert (good.ok, good.exit_code) == (True, 0)


def test_findings_are_sorted_by_path_line_code(mixed: Report) -> None:
    keys = [(f.path, f.line or 0, f.code) for f in mixed.findings]
    assert keys == sorted(keys)
    assert [(Path(f.path).name, f.code, f.line) for f in mixed.findings] == [
        ("a.jsonl", "L003", None),
        ("a.jsonl", "S004", 2),
        ("a.jsonl", "F006", 3),
        ("a.jsonl", "S003", 5),
        ("b.jsonl", "L004", None),
        ("b.jsonl", "S006", 1),
        ("b.jsonl", "S003", 21),
    ]
    assert all(isinstance(f, Finding) for f in mixed.findings)


def test_by_code_and_counts(mixed: Report) -> None:
    grouped = mixed.by_code()
    assert list(grouped) == sorted(grouped)
    assert {code: len(fs) for code, fs in grouped.items()} == dict(Counter(f.code for f in mixed.findings))
    assert all(f.code == code for code, fs in grouped.items() for f in fs)
    assert [f.line for f in grouped["S003"]] == [5, 21]
    assert mixed.counts() == {"errors": 3, "warnings": 3, "infos": 1}
    by_severity = Counter(f.severity for f in mixed.findings)
    assert mixed.counts() == {
        "errors": by_severity[Severity.ERROR],
        "warnings": by_severity[Severity.WARNING],
        "infos": by_severity[Severity.INFO],
    }


def test_to_dict_is_the_cli_envelope(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "d" / "a.jsonl", error_records())
    write_csv(tmp_path / "d" / "b.csv", varied_records(30))
    report = validator.lint("d", isolated=True)
    _, envelope = run_json("d")
    assert report.to_dict() == envelope
    assert envelope["version"] == 1
    assert envelope["summary"]["files"] == 2


def test_to_dict_of_in_memory_data(mixed: Report) -> None:
    data = validator.lint(error_records()).to_dict()
    assert data["version"] == 1
    assert data["tool"] == {"name": "tunelint", "version": validator.__version__}
    assert data["summary"]["records"] == 25
    assert [(f["code"], f["line"], f["record"]) for f in data["findings"]] == [("L004", None, None), ("S003", 3, 3)]
    json.dumps(data)  # serialisable as it is


def test_to_json(mixed: Report) -> None:
    assert json.loads(mixed.to_json()) == mixed.to_dict()
    assert json.loads(mixed.to_json(indent=None)) == mixed.to_dict()
    assert "\n" not in mixed.to_json(indent=None)


def test_raise_for_errors(tmp_path: Path, mixed: Report) -> None:
    with pytest.raises(DatasetValidationError) as info:
        mixed.raise_for_errors()
    assert info.value.report is mixed
    good = validator.lint(varied_records(25))
    assert good.raise_for_errors() is None
    warned = validator.lint(varied_records(25), fail_on="warning")
    with pytest.raises(DatasetValidationError) as info:
        warned.raise_for_errors()
    assert info.value.report is warned


def test_findings_in_data_never_raise_from_lint(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"text_input": "a",\n\xff\xfe garbage\n[1, 2]\n')
    report = validator.lint(path)
    assert not report.ok
    assert {"F002"} <= set(report.by_code())


# -- tool errors ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "kwargs", "error"),
    [
        ("missing.jsonl", {}, SourceError),
        (["missing.jsonl"], {}, SourceError),
        ("no_match_*.jsonl", {}, SourceError),
        (42, {}, SourceError),
        (3.5, {}, SourceError),
        (object(), {}, SourceError),
        ({"text_input": "x"}, {}, SourceError),
        ([{"text_input": "a", "output": "b"}], {"config": {"selcet": ["S"]}}, ConfigError),
        ([{"text_input": "a", "output": "b"}], {"config": {"fail-on": "fatal"}}, ConfigError),
        ([{"text_input": "a", "output": "b"}], {"config": {"rules": {"NOPE": {}}}}, ConfigError),
        ([{"text_input": "a", "output": "b"}], {"config": {"rules": {"S006": {"values": 1}}}}, ConfigError),
    ],
)
def test_tool_errors_raise_tunelint_errors(source: object, kwargs: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error) as info:
        validator.lint(source, **kwargs)
    assert isinstance(info.value, TunelintError)


def test_error_hierarchy() -> None:
    for name in ("ConfigError", "SourceError", "PluginError", "UsageError"):
        assert issubclass(getattr(validator, name), validator.TunelintError)
    assert not issubclass(DatasetValidationError, TunelintError)  # findings are not tool errors


# -- the public namespace ----------------------------------------------------------------------------------


PUBLIC = {
    "ConfigError",
    "DatasetValidationError",
    "FileReport",
    "Finding",
    "Location",
    "PluginError",
    "Report",
    "Severity",
    "SourceError",
    "TunelintError",
    "UsageError",
    "__version__",
    "lint",
}


def test_all_lists_exactly_the_public_names() -> None:
    assert len(validator.__all__) == len(set(validator.__all__))
    assert set(validator.__all__) == PUBLIC
    namespace: dict[str, Any] = {}
    exec("from validator import *", namespace)  # the star import users may write
    assert set(namespace) - {"__builtins__"} == PUBLIC
    for name in validator.__all__:
        assert getattr(validator, name) is namespace[name]
    assert isinstance(validator.__version__, str) and validator.__version__


def test_public_classes_are_the_api_ones() -> None:
    from validator import api, errors, report

    assert validator.Finding is api.Finding
    assert validator.Severity is api.Severity
    assert validator.Location is api.Location
    assert validator.Report is report.Report
    assert validator.DatasetValidationError is errors.DatasetValidationError


# -- inputs are never modified -------------------------------------------------------------------------------


def _fingerprint(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), st.st_mtime_ns, stat.S_IMODE(st.st_mode)


def _inputs(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "inputs"
    records = error_records()
    jsonl = write_jsonl(folder / "a.jsonl", records)
    as_json = folder / "b.json"
    as_json.write_text(json.dumps(records, indent=2), encoding="utf-8")
    csv_file = write_csv(folder / "c.csv", records)
    bom = folder / "d.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + csv_file.read_bytes().replace(b"\n", b"\r\n"))  # BOM and CRLF (F004)
    broken = folder / "e.jsonl"
    broken.write_bytes(b'{"text_input": "a", "output": "b"}\n\n{"text_input": \xe9t\xe9}\n')
    past = 1_500_000_000
    for path in (jsonl, as_json, csv_file, bom, broken):
        os.utime(path, (past, past))
    return [jsonl, as_json, csv_file, bom, broken]


def test_linting_never_modifies_input_files(tmp_path: Path) -> None:
    files = _inputs(tmp_path)
    readonly = files[0].with_name("readonly.jsonl")
    readonly.write_bytes(files[0].read_bytes())
    readonly.chmod(0o444)
    files.append(readonly)
    before = {p: _fingerprint(p) for p in files}
    listing = sorted(os.listdir(files[0].parent))
    report = validator.lint(files[0].parent)
    assert {Path(f.path).name for f in report.files} == {p.name for p in files}
    assert {"F004", "F002", "S003"} <= set(report.by_code())
    for path in files:
        report = validator.lint(path)
        assert report.files[0].records > 0
    code, _ = run_json(str(files[0].parent))
    assert code == 1
    assert {p: _fingerprint(p) for p in files} == before
    assert sorted(os.listdir(files[0].parent)) == listing  # nothing written beside them
    assert stat.S_IMODE(readonly.stat().st_mode) == 0o444


def test_read_only_file_is_linted(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "ro.jsonl", error_records())
    path.chmod(0o444)
    try:
        before = _fingerprint(path)
        assert codes_lines(validator.lint(path)) == [("L004", None), ("S003", 3)]
        assert _fingerprint(path) == before
    finally:
        path.chmod(0o644)


def test_bad_fail_on_is_a_usage_error() -> None:
    with pytest.raises(validator.UsageError):
        validator.lint([{"text_input": "a", "output": "b"}], fail_on="fatal")


def test_testing_helpers_assert_codes_and_lines() -> None:
    from rules.schema import EmptyText
    from validator.testing import assert_findings, locations

    records = [{"text_input": "a", "output": "b"}, {"text_input": "c", "output": " "}]
    findings = assert_findings(EmptyText, records, [("S003", 2)])
    assert locations(findings) == [("S003", 2)]
    with pytest.raises(AssertionError):
        assert_findings([EmptyText], records, [("S003", 1)])
