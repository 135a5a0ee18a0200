"""Machine-readable reporters: sarif, github, gitlab, junit, markdown and json-lines.

Golden outputs live in ``tests/data/golden_reports/``; regenerate them with
``TUNELINT_UPDATE_GOLDEN=1 pytest tests/test_reporters_formats.py`` and review the diff.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

import validator
from tests.conftest import run_cli
from validator.api import Finding, Severity
from validator.report import FileReport, Report, RuleInfo
from validator.reporters import ReportOptions, get_reporter, reporter_names
from validator.reporters.junit import xml_text
from validator.reporters.markdown import MAX_FINDINGS

DATA = Path(__file__).resolve().parent / "data"
GOLDEN_REPORTS = DATA / "golden_reports"
FORMATS = {
    "sarif": "sarif.json",
    "github": "github.txt",
    "gitlab": "gitlab.json",
    "junit": "junit.xml",
    "markdown": "markdown.md",
    "json-lines": "findings.jsonl",
}
NASTY = 'say "hi" 100% :: a,b <script>alert(1)</script> ]]> & `x` | *y* $z$ @all #1\nnext\rline \x01\x1b[31m'


def _rows(n: int) -> list[dict[str, str]]:
    return [{"text_input": f"question number {i}", "output": f"answer {i}"} for i in range(n)]


def _write_dataset(root: Path) -> None:
    """A small dataset with findings of every severity, a parse error (with a column), a duplicate
    (with a related location), a key made of hostile text, and a second file that is clean."""
    (root / "data").mkdir()
    lines = [json.dumps(r) for r in _rows(22)]
    lines[2] = json.dumps({"text_input": "q", "output": ""})
    lines[5] = '{"text_input": "broken", "output": }'
    lines[7] = lines[6]
    lines[9] = json.dumps({"text_input": "see <b>this</b> &amp; that", "output": "ok"})
    lines[11] = json.dumps({"text_input": "extra", "output": "key", NASTY: 1})
    lines.insert(14, "")
    (root / "data" / "train set.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    clean = [json.dumps(r) for r in _rows(100)]  # enough examples for no L004
    (root / "data" / "clean.jsonl").write_text("\n".join(clean) + "\n", encoding="utf-8")


@pytest.fixture(autouse=True)
def _no_step_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    """Never append to a real ``$GITHUB_STEP_SUMMARY`` when the tests run in GitHub Actions."""
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding the dataset."""
    monkeypatch.chdir(tmp_path)
    _write_dataset(tmp_path)
    return tmp_path


def _lint(*paths: str) -> Report:
    return validator.lint(list(paths) or ["data/train set.jsonl", "data/clean.jsonl"], isolated=True)


def _render(report: Report, fmt: str) -> str:
    return get_reporter(fmt)(report, ReportOptions())


def _hostile_report(path: str = "data/x.jsonl") -> Report:
    """A report whose messages, fields and paths carry hostile dataset text."""
    findings = [
        Finding("S004", "unexpected-field", Severity.ERROR, f"unexpected key {NASTY!s}", path, 3, 3, f"/{NASTY}", 7),
        Finding("C005", "markup-residue", Severity.INFO, NASTY, path, 4, 4, "/text_input"),
        Finding("L003", "too-few-examples", Severity.WARNING, "100% :: of, nothing\n", path),
        *(
            Finding("S004", "unexpected-field", Severity.ERROR, "same content", path, n, n, "/k", fingerprint="ab" * 8)
            for n in (9, 12)
        ),
    ]
    rules = {
        "S004": RuleInfo("S004", "unexpected-field", "A key the shape does not define", Severity.WARNING, "Drop it."),
        "C005": RuleInfo("C005", "markup-residue", "HTML left in a text", Severity.INFO),
    }
    file = FileReport(path, "jsonl", "gemini", "gemini", "general", True, 12, 100, "utf-8")
    return Report(findings, [file], tool_version="9.9.9", rules=rules)


# --- registry and library ---------------------------------------------------------------------------


def test_formats_are_registered() -> None:
    assert set(FORMATS) <= set(reporter_names())


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_report_render_is_the_reporter(workdir: Path, fmt: str) -> None:
    report = _lint()
    assert report.render(fmt) == _render(report, fmt)


def test_report_to_methods_match_the_formats(workdir: Path) -> None:
    report = _lint()
    assert report.to_sarif() == _render(report, "sarif")
    assert report.to_junit() == _render(report, "junit")
    assert report.to_gitlab() == _render(report, "gitlab")
    assert report.to_markdown() == _render(report, "markdown")


def test_to_html_goes_through_the_registry(workdir: Path) -> None:
    if "html" not in reporter_names():
        pytest.skip("html reporter not installed")
    report = _lint()
    assert report.to_html() == report.render("html")


# --- golden outputs -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_golden_output(workdir: Path, fmt: str) -> None:
    report = dataclasses.replace(_lint(), tool_version="0.0.0+golden")
    text = _render(report, fmt).replace(str(workdir), "<TMP>").replace(workdir.as_uri(), "file://<TMP>")
    golden = GOLDEN_REPORTS / FORMATS[fmt]
    if os.environ.get("TUNELINT_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8", newline="")
    assert text == golden.read_bytes().decode("utf-8"), f"regenerate with TUNELINT_UPDATE_GOLDEN=1 and review {golden}"


def test_golden_dataset_covers_every_severity_and_location_kind(workdir: Path) -> None:
    report = _lint()
    assert {f.severity for f in report.findings} == set(Severity)
    assert any(f.line is None for f in report.findings)  # file-level
    assert any(f.column for f in report.findings)  # parse error column
    assert any(f.related for f in report.findings)  # duplicate
    assert any(NASTY.split("\n")[0][:10] in f.message for f in report.findings)  # dataset text in a message
    assert not [f for f in report.findings if f.path == "data/clean.jsonl"]


# --- CLI end to end --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_cli_end_to_end(workdir: Path, fmt: str) -> None:
    args = ["lint", "--isolated", "--output-format", fmt, "data/train set.jsonl", "data/clean.jsonl"]
    code, out, _ = run_cli(*args)
    assert code == 1  # error findings: exit status unchanged by the format
    assert out == _render(_lint(), fmt)
    code, out_file, _ = run_cli(*args, "-o", "report.out")
    assert code == 1 and out_file == ""
    assert (workdir / "report.out").read_text(encoding="utf-8") == out
    code, clean, _ = run_cli("lint", "--isolated", "--output-format", fmt, "data/clean.jsonl")
    assert code == 0
    if fmt == "json-lines":
        assert clean == ""


# --- SARIF ------------------------------------------------------------------------------------------


def _sarif_validator() -> jsonschema.Draft7Validator:
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    assert "2.1.0" in schema["$id"] and "2.1.0" in schema["title"]
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


@pytest.mark.parametrize("which", ["lint", "hostile", "clean"])
def test_sarif_validates_against_the_official_schema(workdir: Path, which: str) -> None:
    builders: dict[str, Callable[[], Report]] = {
        "lint": _lint,
        "hostile": _hostile_report,
        "clean": lambda: _lint("data/clean.jsonl"),
    }
    report = builders[which]()
    log = json.loads(_render(report, "sarif"))
    errors = sorted(_sarif_validator().iter_errors(log), key=str)
    assert not errors, errors[0]


def test_sarif_structure(workdir: Path) -> None:
    report = _lint()
    log = json.loads(_render(report, "sarif"))
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "tunelint" and driver["version"] == validator.__version__
    assert driver["informationUri"].startswith("https://")
    rules = driver["rules"]
    for rule in rules:
        info = report.rules[rule["id"]]
        assert rule["name"] == info.name and rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"] and rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
    results = run["results"]
    assert len(results) == len(report.findings)
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for result, f in zip(results, report.findings, strict=True):
        assert result["ruleId"] == f.code and rules[result["ruleIndex"]]["id"] == f.code
        assert result["level"] == levels[f.severity.value] and result["message"]["text"] == f.message
        (loc,) = result["locations"]
        artifact, region = loc["physicalLocation"]["artifactLocation"], loc["physicalLocation"]["region"]
        assert artifact == {"uri": "data/train%20set.jsonl", "uriBaseId": "%SRCROOT%"}
        assert region["startLine"] == (f.line or 1)
        assert region.get("startColumn") == f.column
        assert result["properties"].get("record") == f.record and result["properties"].get("field") == f.field
    prints = [r["partialFingerprints"]["tunelintFingerprint/v1"] for r in results]
    assert len(set(prints)) == len(prints)


def test_sarif_uri_for_a_file_outside_the_working_directory(
    workdir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("else where") / "x.jsonl"
    elsewhere.write_text('{"text_input": "q", "output": ""}\n', encoding="utf-8")
    log = json.loads(_render(validator.lint(str(elsewhere), isolated=True), "sarif"))
    artifact = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": elsewhere.as_uri()} and "%20" in artifact["uri"]


def test_sarif_fingerprints_unique_when_content_repeats() -> None:
    results = json.loads(_render(_hostile_report(), "sarif"))["runs"][0]["results"]
    prints = [r["partialFingerprints"]["tunelintFingerprint/v1"] for r in results]
    assert len(set(prints)) == len(prints)


# --- GitHub -----------------------------------------------------------------------------------------

_PROP_VALUE = r"[^,:\r\n]*"
_WORKFLOW = re.compile(
    rf"^::(error|warning|notice) file=(?P<file>{_PROP_VALUE})(,line=(?P<line>\d+)(,col=(?P<col>\d+))?)?"
    rf",title=(?P<title>{_PROP_VALUE})::(?P<message>[^\r\n]*)$"
)


def _unescape(text: str, prop: bool = False) -> str:
    if prop:
        text = text.replace("%3A", ":").replace("%2C", ",")
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def test_github_lines_follow_the_workflow_command_grammar(workdir: Path) -> None:
    report = _lint()
    lines = _render(report, "github").splitlines()
    assert len(lines) == len(report.findings)
    for line, f in zip(lines, report.findings, strict=True):
        m = _WORKFLOW.match(line)
        assert m, line
        command = {"error": "error", "warning": "warning", "info": "notice"}[f.severity.value]
        assert m.group(1) == command and _unescape(m.group("file"), prop=True) == f.path
        assert m.group("line") == (str(f.line) if f.line else None)
        assert m.group("col") == (str(f.column) if f.line and f.column else None)
        assert _unescape(m.group("title"), prop=True) == f"{f.code} {f.name}"


def test_github_escaping_round_trips() -> None:
    report = _hostile_report("data/a,b:c%.jsonl")
    text = _render(report, "github")
    lines = text.splitlines()
    assert len(lines) == len(report.findings) and text.endswith("\n")
    for line, f in zip(lines, report.findings, strict=True):
        m = _WORKFLOW.match(line)
        assert m, line
        assert "\x1b" not in line and "\x01" not in line
        expected = f.message.replace("\x01", "\\x01").replace("\x1b[31m", "\\x1b[31m")
        assert _unescape(m.group("message")) == expected
        assert _unescape(m.group("file"), prop=True) == f.path


def test_github_appends_markdown_to_the_step_summary(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = workdir / "summary.md"
    summary.write_text("previous step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    report = _lint()
    text = _render(report, "github")
    assert all(_WORKFLOW.match(line) for line in text.splitlines())
    assert summary.read_text(encoding="utf-8") == "previous step\n" + _render(report, "markdown")
    _render(report, "github")
    assert summary.read_text(encoding="utf-8").count("## tunelint report") == 2  # appended, never truncated


def test_github_unwritable_step_summary_is_a_warning_annotation(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(workdir / "no such dir" / "summary.md"))
    last = _render(_lint(), "github").splitlines()[-1]
    assert last.startswith("::warning title=tunelint::could not write the step summary")


# --- GitLab -----------------------------------------------------------------------------------------


def test_gitlab_code_quality_shape(workdir: Path) -> None:
    report = _lint()
    issues = json.loads(_render(report, "gitlab"))
    assert isinstance(issues, list) and len(issues) == len(report.findings)
    severities = {"info": "info", "warning": "minor", "error": "major"}
    for issue, f in zip(issues, report.findings, strict=True):
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["check_name"] == f.code and f.message in issue["description"]
        assert issue["severity"] == severities[f.severity.value]
        assert issue["location"] == {"path": f.path, "lines": {"begin": f.line or 1}}
    prints = [i["fingerprint"] for i in issues]
    assert len(set(prints)) == len(prints)


def test_gitlab_fingerprints_are_stable_across_runs_and_insertions(workdir: Path) -> None:
    first = json.loads(_render(_lint(), "gitlab"))
    assert json.loads(_render(_lint(), "gitlab")) == first
    path = workdir / "data" / "train set.jsonl"
    path.write_text('{"text_input": "new first record", "output": ""}\n' + path.read_text(encoding="utf-8"), "utf-8")
    second = json.loads(_render(_lint(), "gitlab"))
    before = {i["fingerprint"]: i for i in first}
    after = {i["fingerprint"]: i for i in second}
    assert set(before) <= set(after)  # every old finding keeps its fingerprint...
    assert all(after[fp]["location"]["lines"]["begin"] >= before[fp]["location"]["lines"]["begin"] for fp in before)
    assert len(after) == len(before) + 1  # ...and only the inserted record's finding is new
    assert any(after[fp]["location"]["lines"]["begin"] == before[fp]["location"]["lines"]["begin"] + 1 for fp in before)


def test_gitlab_fingerprints_unique_when_content_repeats() -> None:
    prints = [i["fingerprint"] for i in json.loads(_render(_hostile_report(), "gitlab"))]
    assert len(set(prints)) == len(prints) == 5


# --- JUnit ------------------------------------------------------------------------------------------


def test_junit_parses_and_counts(workdir: Path) -> None:
    report = _lint()
    root = ET.fromstring(_render(report, "junit").encode("utf-8"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["data/train set.jsonl", "data/clean.jsonl"]
    failing = [f for f in report.findings if f.severity is not Severity.INFO]
    train, clean = suites
    assert int(train.get("tests", "")) == len(train.findall("testcase")) == len(report.findings)
    assert int(train.get("failures", "")) == len(train.findall("testcase/failure")) == len(failing)
    assert len(train.findall("testcase/system-out")) == len(report.findings) - len(failing)
    (case,) = clean.findall("testcase")
    assert clean.get("tests") == "1" and clean.get("failures") == "0" and case.find("failure") is None
    assert int(root.get("tests", "")) == len(report.findings) + 1
    assert int(root.get("failures", "")) == len(failing)
    for case, f in zip(train.findall("testcase"), report.findings, strict=True):
        assert case.get("classname") == f.path and case.get("name") == f"{f.code} line {f.line or 1}"
        failure = case.find("failure")
        if failure is not None:
            assert failure.get("message") == xml_text(f.message) and xml_text(f.message) in (failure.text or "")


def test_junit_survives_hostile_text() -> None:
    report = _hostile_report('data/<a> & "b" ]]>.jsonl')
    text = _render(report, "junit")
    root = ET.fromstring(text.encode("utf-8"))
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", text)
    failures = root.findall("testsuite/testcase/failure")
    assert len(failures) == 4 and root.get("failures") == "4" and root.get("tests") == "5"
    (first,) = [f for f in failures if "unexpected key" in (f.get("message") or "")]
    assert "<script>" in (first.get("message") or "") and "]]>" in (first.text or "")
    assert "\\x01" in (first.get("message") or "")
    info = root.find("testsuite/testcase/system-out")
    assert info is not None and "<script>alert(1)</script>" in (info.text or "")
    suite = root.find("testsuite")
    assert suite is not None and suite.get("name") == 'data/<a> & "b" ]]>.jsonl'


# --- Markdown ---------------------------------------------------------------------------------------


def test_markdown_tables(workdir: Path) -> None:
    report = _lint()
    text = _render(report, "markdown")
    lines = text.splitlines()
    header = "| File | Shape | Profile | Records | Errors | Warnings | Infos |"
    assert header in lines
    assert any(line.startswith("| data/clean.jsonl | jsonl / gemini | gemini | 100 | 0 | 0 | 0 |") for line in lines)
    rows = [line for line in lines if re.match(r"^\| (\d+|-) \| (error|warning|info) \|", line)]
    assert len(rows) == len(report.findings)


def test_markdown_escapes_dataset_text() -> None:
    text = _render(_hostile_report(), "markdown")
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    for row in rows:  # every row has exactly its columns: no unescaped pipe from the data
        assert len(re.findall(r"(?<!\\)\|", row)) in (6, 8)
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "\\`x\\`" in text and "\\*y\\*" in text and "\\$z\\$" in text and "\\@all" in text
    assert "\x1b" not in text and "\r" not in text


def test_markdown_caps_long_reports() -> None:
    findings = [
        Finding("S003", "empty-text", Severity.ERROR, f"empty {i}", "big.jsonl", i, i, "/output")
        for i in range(1, MAX_FINDINGS + 251)
    ]
    file = FileReport("big.jsonl", "jsonl", "gemini", "gemini", "general", False, 2000, 1, "utf-8")
    report = Report(findings, [file])
    text = _render(report, "markdown")
    assert len([line for line in text.splitlines() if line.startswith("| ") and "| error |" in line]) == MAX_FINDINGS
    assert "250 more finding(s) not shown" in text


# --- JSON Lines -------------------------------------------------------------------------------------


def test_json_lines_one_finding_per_line(workdir: Path) -> None:
    report = _lint()
    text = _render(report, "json-lines")
    lines = text.splitlines()
    assert text.endswith("\n") and len(lines) == len(report.findings)
    envelope = json.loads(report.to_json())
    assert [json.loads(line) for line in lines] == envelope["findings"]


def test_json_lines_empty_when_clean(workdir: Path) -> None:
    assert _render(_lint("data/clean.jsonl"), "json-lines") == ""


def test_json_lines_survives_hostile_text() -> None:
    report = _hostile_report()
    lonely = dataclasses.replace(report.findings[0], message="lone \ud800 and \u2028 separator")
    report = Report([lonely, *report.findings[1:]], report.files)
    text = _render(report, "json-lines")
    text.encode("utf-8")  # writable
    lines = text.splitlines()
    assert len(lines) == len(report.findings)
    assert [json.loads(line) for line in lines] == [f.to_dict() for f in report.findings]
