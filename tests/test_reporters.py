"""Reporters: full, concise and json render the report faithfully and safely."""

from __future__ import annotations

import json
import os
import re
import threading
from pathlib import Path

import validator
from validator.reporters import ReportOptions, get_reporter, reporter_names
from validator.reporters.text import sanitize

ANSI = re.compile(r"\x1b\[")


def _bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "bad.jsonl"
    lines = [json.dumps({"text_input": f"q{i}", "output": f"a{i}"}) for i in range(21)]
    lines[4] = json.dumps({"text_input": "x" * 40_001, "output": "ok"})
    lines[9] = '{"text_input": "q", "output": }'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_builtin_reporters_are_registered() -> None:
    assert {"full", "concise", "json"} <= set(reporter_names())


def test_concise_has_one_parseable_line_per_finding(tmp_path: Path) -> None:
    report = validator.lint(_bad_file(tmp_path), isolated=True)
    text = get_reporter("concise")(report, ReportOptions(quiet=True))
    lines = text.splitlines()
    assert len(lines) == len(report.findings)
    parsed = [re.match(r"^(.+?):(\d+):(\d+): ([A-Z]+\d{3}) ", line) for line in lines]
    assert all(parsed)
    # File-level findings (no line) point at 1:1, as compilers and ruff do.
    assert [(m.group(4), int(m.group(2)), int(m.group(3))) for m in parsed if m] == [
        (f.code, f.line or 1, f.column or 1) for f in report.findings
    ]


def test_full_groups_by_file_and_shows_summary_and_hints(tmp_path: Path) -> None:
    path = _bad_file(tmp_path)
    report = validator.lint(path, isolated=True)
    text = get_reporter("full")(report, ReportOptions())
    assert text.splitlines()[0] == str(path)
    for f in report.findings:
        assert f.code in text and f.name in text
    assert "help:" in text  # fix hints from the rules' Fix sections
    assert "Summary" in text and "limit 40,000" in text and "p95" in text
    assert not ANSI.search(text)


def test_full_quiet_prints_nothing_when_clean(tmp_path: Path) -> None:
    report = validator.lint([{"text_input": "a", "output": "b"}], select=["S"])
    assert get_reporter("full")(report, ReportOptions(quiet=True)) == ""
    assert "passed" in get_reporter("full")(report, ReportOptions())


def test_color_only_when_asked(tmp_path: Path) -> None:
    report = validator.lint(_bad_file(tmp_path), isolated=True)
    assert ANSI.search(get_reporter("full")(report, ReportOptions(color=True)))
    assert ANSI.search(get_reporter("concise")(report, ReportOptions(color=True)))
    assert not ANSI.search(get_reporter("concise")(report, ReportOptions(color=False)))


def test_statistics_counts_per_rule(tmp_path: Path) -> None:
    report = validator.lint(_bad_file(tmp_path), isolated=True)
    text = get_reporter("concise")(report, ReportOptions(statistics=True, quiet=True))
    stats = {m.group(2): int(m.group(1)) for m in re.finditer(r"^\s+(\d+)\s+([A-Z]\d{3})\s", text, re.M)}
    assert stats == {code: len(items) for code, items in report.by_code().items()}


def test_json_reporter_is_the_envelope(tmp_path: Path) -> None:
    report = validator.lint(_bad_file(tmp_path), isolated=True)
    data = json.loads(get_reporter("json")(report, ReportOptions()))
    assert data == json.loads(json.dumps(report.to_dict()))
    assert data["version"] == 1 and data["tool"]["name"] == "tunelint"
    assert data["summary"]["errors"] == sum(f["severity"] == "error" for f in data["findings"])


def test_terminal_escapes_from_data_are_neutralised(tmp_path: Path) -> None:
    evil = "\x1b[2J\x1b[31mpwned\x07"
    assert "\x1b" not in sanitize(evil) and "\x07" not in sanitize(evil)
    path = tmp_path / "evil.jsonl"
    path.write_text(json.dumps({"text_input": "q", "output": "o", evil: 1}) + "\n", encoding="utf-8")
    report = validator.lint(path, isolated=True)
    for name in ("full", "concise"):
        assert "\x1b" not in get_reporter(name)(report, ReportOptions())


def test_lone_surrogate_in_a_file_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    from tests.conftest import run_json

    path = tmp_path / "sur.jsonl"
    path.write_text('{"text_input": "a\\ud800", "output": "b"}\n', encoding="ascii")
    code, data = run_json(str(path))
    assert code == 1
    assert [(f["code"], f["line"], f["column"]) for f in data["findings"] if f["code"] == "F002"] == [("F002", 1, 18)]


def test_output_with_surrogates_from_memory_data_is_escaped_not_fatal(tmp_path: Path) -> None:
    from validator.cli import write_atomic

    report = validator.lint([{"text_input": "q", "output": "o", "bad\udc00key": 1}], select=["S004"])
    text = get_reporter("json")(report, ReportOptions())
    target = tmp_path / "out.json"
    write_atomic(str(target), text)
    data = json.loads(target.read_text(encoding="utf-8"))
    assert [f["code"] for f in data["findings"]] == ["S004"]
    assert data["findings"][0]["field"] == "/bad\udc00key"  # the escape round-trips through JSON


def test_full_summary_shows_template_and_labels() -> None:
    from validator.report import FileReport, Report

    file = FileReport(
        path="t.jsonl",
        format="jsonl",
        schema="gemini",
        profile="gemini",
        task="classification",
        task_inferred=True,
        records=3,
        bytes=10,
        encoding="utf-8",
        stats={"labels": {"positive": 2, "negative": 1}},
        template={
            "markers": ["question:", "context:"],
            "share": 0.95,
            "preamble": "You are a bot.",
            "output_suffix": " END",
            "json_outputs": True,
        },
    )
    text = get_reporter("full")(Report(findings=[], files=[file]), ReportOptions())
    assert "question: → context: (95% of inputs)" in text
    assert "'You are a bot.'" in text and "' END'" in text and "JSON" in text
    assert "'positive' 2, 'negative' 1" in text
    assert "task classification (inferred)" in text


def test_related_location_in_another_file_names_that_file(tmp_path: Path) -> None:
    train, val = tmp_path / "train.jsonl", tmp_path / "valid.jsonl"
    train.write_text(json.dumps({"text_input": "shared prompt", "output": "a"}) + "\n")
    val.write_text(json.dumps({"text_input": "Shared  prompt", "output": "b"}) + "\n")
    report = validator.lint([str(train), str(val)], isolated=True, select=["D004"])
    assert [(f.code, f.path, f.line) for f in report.findings] == [("D004", str(val), 1)]
    text = get_reporter("full")(report, ReportOptions())
    assert f"see {train} line 1" in text


def test_template_is_shown_in_every_text_format(tmp_path: Path) -> None:
    path = tmp_path / "tpl.jsonl"
    topics = ["rivers", "mountains", "deserts", "forests", "oceans", "islands", "volcanoes", "lakes"]
    lines = [
        json.dumps(
            {
                "text_input": f"question: what is fact {i} about {topics[i % 8]}?\ncontext: entry {i * 13}",
                "output": f"fact number {i * 7} about {topics[i % 8]}",
            }
        )
        for i in range(40)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = validator.lint(path, isolated=True)
    assert report.files[0].template is not None
    assert report.files[0].template["markers"] == ["question:", "context:"]
    for name in ("full", "concise"):
        assert "question: → context:" in get_reporter(name)(report, ReportOptions())
    assert json.loads(get_reporter("json")(report, ReportOptions()))["files"][0]["template"]["markers"] == [
        "question:",
        "context:",
    ]


def test_report_to_a_device_or_fifo_is_written_in_place(tmp_path: Path) -> None:
    """``-o /dev/null`` must not replace the device with a regular file (the atomic rename would)."""
    import stat

    from validator.atomic import write_text_atomic

    write_text_atomic(os.devnull, "discarded\n")
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    write_text_atomic(str(fifo), "through the pipe\n")
    reader.join(timeout=30)
    assert received == ["through the pipe\n"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]
