"""End-to-end tests of the ``tunelint`` command line.

Every test builds its own small dataset in ``tmp_path`` and asserts behaviour: exit status, codes and
lines parsed from the JSON envelope, files written or not. Prose wording is never asserted.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest

import validator
from tests.conftest import codes_at, read_terminal, run_cli, run_json

ANSI = "\x1b["
F_CODES = [f"F00{i}" for i in range(1, 8)]
S_CODES = [f"S00{i}" for i in range(1, 7)]
L_CODES = [f"L00{i}" for i in range(1, 5)]
ALL_CODES = F_CODES + S_CODES + L_CODES
ENVELOPE_FILE_KEYS = {
    "path",
    "format",
    "schema",
    "profile",
    "task",
    "task_inferred",
    "records",
    "bytes",
    "encoding",
    "stats",
}
FINDING_KEYS = {"code", "name", "severity", "message", "path", "line", "record", "field", "related", "fixable"}


# -- data -------------------------------------------------------------------------------------------

_TEMPLATES: tuple[tuple[str, str], ...] = (
    ("What is {a} plus {b}?", "{a} plus {b} equals {s}."),
    ("Add {a} and {b} and tell me the result", "The result is {s}"),
    ("I had {a} marbles and a friend gave me {b} more. How many marbles do I have now?", "You now have {s} marbles."),
    (
        "A train leaves the station carrying {a} passengers; {b} more board at the next stop. "
        "How many passengers are on board",
        "There are {s} passengers on board.",
    ),
    ("Please compute the sum of {a} and {b}.", "Sum: {s}"),
    (
        "My shop sold {a} mugs on Monday and {b} on Tuesday. Total mugs sold over both days?",
        "Across the two days the shop sold {s} mugs, which is a decent start to the week.",
    ),
    ("Could you help with homework? The exercise asks for {a} + {b}", "Sure! {a} + {b} = {s}"),
)


def varied_records(n: int, start: int = 0) -> list[dict[str, str]]:
    """``n`` distinct, clean gemini (text_input/output) records with varied wording."""
    records = []
    for i in range(start, start + n):
        a, b = 7 * i + 3, 11 * i + 5
        question, answer = _TEMPLATES[i % len(_TEMPLATES)]
        records.append(
            {
                "text_input": question.format(a=a, b=b),
                "output": answer.format(a=a, b=b, s=a + b),
            }
        )
    return records


def write_jsonl(path: Path, records: Iterable[object]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def write_csv(path: Path, rows: list[dict[str, str]], delimiter: str = ",") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter=delimiter, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    """25 clean gemini records: only L004 (a warning: 25 < the recommended 100)."""
    return write_jsonl(tmp_path / "clean.jsonl", varied_records(25))


@pytest.fixture
def with_error(tmp_path: Path) -> Path:
    """25 records, the 5th with an empty output (S003, an error, on line 5)."""
    records = varied_records(25)
    records[4]["output"] = ""
    return write_jsonl(tmp_path / "error.jsonl", records)


@pytest.fixture
def many(tmp_path: Path) -> Path:
    """Six lines that trigger one finding of each of F006 (info), S003 (error), S004 (warning),
    S006 (warning) and L003 (error, file-level)."""
    recs = varied_records(5)
    lines = [
        json.dumps(recs[0]),
        "",
        json.dumps({"text_input": recs[1]["text_input"], "output": ""}),
        json.dumps({**recs[2], "source": "wiki"}),
        json.dumps({"text_input": recs[3]["text_input"], "output": "nan"}),
        json.dumps(recs[4]),
    ]
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


MANY_CODES = [("L003", None), ("F006", 2), ("S003", 3), ("S004", 4), ("S006", 5)]


def codes(envelope: dict[str, Any]) -> set[str]:
    return {f["code"] for f in envelope["findings"]}


def assert_tool_error(code: int, out: str, err: str) -> None:
    """Exit 2, one line on stderr, no traceback, nothing on stdout."""
    assert code == 2, (code, out, err)
    assert "Traceback" not in err and "Traceback" not in out
    assert len(err.strip().splitlines()) == 1, err
    assert out == ""


# -- exit status ------------------------------------------------------------------------------------


def test_clean_file_exits_zero(clean: Path) -> None:
    code, env = run_json(str(clean))
    assert code == 0
    assert codes_at(env) == [("L004", None)]
    assert env["ok"] is True
    assert env["findings"][0]["severity"] == "warning"


def test_error_exits_one(with_error: Path) -> None:
    code, env = run_json(str(with_error))
    assert code == 1
    assert env["ok"] is False
    assert ("S003", 5) in codes_at(env)
    s003 = [f for f in env["findings"] if f["code"] == "S003"]
    assert len(s003) == 1
    assert s003[0]["record"] == 5
    assert s003[0]["severity"] == "error"
    assert s003[0]["field"] == "/output"


def test_fail_on_warning_turns_a_warning_into_exit_one(clean: Path) -> None:
    code, env = run_json("--fail-on", "warning", str(clean))
    assert code == 1
    assert env["ok"] is False
    assert codes_at(env) == [("L004", None)]


def test_fail_on_info(tmp_path: Path) -> None:
    records = [json.dumps(r) for r in varied_records(25)]
    path = tmp_path / "blank.jsonl"
    path.write_text("\n".join([*records[:10], "", *records[10:]]) + "\n", encoding="utf-8")
    code, env = run_json("--ignore", "L004", str(path))
    assert (code, codes_at(env)) == (0, [("F006", 11)])
    assert env["findings"][0]["severity"] == "info"
    code, env = run_json("--ignore", "L004", "--fail-on", "warning", str(path))
    assert code == 0
    code, env = run_json("--ignore", "L004", "--fail-on", "info", str(path))
    assert (code, env["ok"]) == (1, False)


def test_exit_zero_reports_findings_but_exits_zero(with_error: Path) -> None:
    code, env = run_json("--exit-zero", str(with_error))
    assert code == 0
    assert env["ok"] is False
    assert ("S003", 5) in codes_at(env)


def test_exit_zero_never_masks_a_tool_error(tmp_path: Path) -> None:
    code, out, err = run_cli("lint", "--exit-zero", "--isolated", str(tmp_path / "missing.jsonl"))
    assert_tool_error(code, out, err)
    assert "missing.jsonl" in err


# -- tool errors: exit 2, one line on stderr, no traceback ------------------------------------------


def _bad_key_config(tmp: Path, clean: Path) -> list[str]:
    (tmp / "bad.toml").write_text('selcet = ["S"]\n', encoding="utf-8")
    return ["lint", "--config", str(tmp / "bad.toml"), str(clean)]


def _invalid_toml(tmp: Path, clean: Path) -> list[str]:
    (tmp / "broken.toml").write_text('select = ["S"\n', encoding="utf-8")
    return ["lint", "--config", str(tmp / "broken.toml"), str(clean)]


def _discovered_invalid_toml(tmp: Path, clean: Path) -> list[str]:
    (tmp / ".tunelint.toml").write_text("select = = 1\n", encoding="utf-8")
    return ["lint", str(clean)]


def _discovered_bad_key(tmp: Path, clean: Path) -> list[str]:
    (tmp / "tunelint.toml").write_text('profil = "gemini"\n', encoding="utf-8")
    return ["lint", str(clean)]


TOOL_ERRORS: dict[str, Callable[[Path, Path], list[str]]] = {
    "missing path": lambda tmp, clean: ["lint", "--isolated", str(tmp / "nope.jsonl")],
    "missing path among good ones": lambda tmp, clean: ["lint", "--isolated", str(clean), str(tmp / "nope.jsonl")],
    "glob matching nothing": lambda tmp, clean: ["lint", "--isolated", str(tmp / "*.nothing.jsonl")],
    "unknown profile": lambda tmp, clean: ["lint", "--isolated", "--profile", "nope", str(clean)],
    "unknown select": lambda tmp, clean: ["lint", "--isolated", "--select", "Q999", str(clean)],
    "unknown select among good ones": lambda tmp, clean: ["lint", "--isolated", "--select", "S003,NOPE", str(clean)],
    "unknown ignore": lambda tmp, clean: ["lint", "--isolated", "--ignore", "not-a-rule", str(clean)],
    "unknown extend-select": lambda tmp, clean: ["lint", "--isolated", "--extend-select", "ZZ", str(clean)],
    "unknown output format": lambda tmp, clean: ["lint", "--isolated", "--output-format", "yaml", str(clean)],
    "bad config key": _bad_key_config,
    "invalid TOML": _invalid_toml,
    "discovered invalid TOML": _discovered_invalid_toml,
    "discovered bad config key": _discovered_bad_key,
    "--config missing": lambda tmp, clean: ["lint", "--config", str(tmp / "none.toml"), str(clean)],
    "--config with --isolated": lambda tmp, clean: [
        "lint",
        "--config",
        str(clean.with_name("x.toml")),
        "--isolated",
        str(clean),
    ],
    "rule NOPE": lambda tmp, clean: ["rule", "NOPE"],
}


@pytest.mark.parametrize("case", list(TOOL_ERRORS))
def test_tool_errors_exit_two_with_one_line(case: str, tmp_path: Path, clean: Path) -> None:
    args = TOOL_ERRORS[case](tmp_path, clean)
    if case == "--config with --isolated":
        clean.with_name("x.toml").write_text('select = ["S"]\n', encoding="utf-8")
    code, out, err = run_cli(*args)
    assert_tool_error(code, out, err)


@pytest.mark.parametrize("case", ["missing path", "glob matching nothing", "unknown select", "bad config key"])
def test_tool_errors_are_not_masked_by_exit_zero(case: str, tmp_path: Path, clean: Path) -> None:
    args = TOOL_ERRORS[case](tmp_path, clean)
    code, out, err = run_cli(args[0], "--exit-zero", *args[1:])
    assert_tool_error(code, out, err)


def test_config_error_names_the_config_file(tmp_path: Path, clean: Path) -> None:
    code, out, err = run_cli(*_bad_key_config(tmp_path, clean))
    assert_tool_error(code, out, err)
    assert "bad.toml" in err and "selcet" in err


def test_unknown_selector_fails_even_when_nothing_is_linted(tmp_path: Path) -> None:
    """A typo in --select is a usage error up front, as an unknown --profile is: it must not pass
    silently just because the directory holds no dataset yet."""
    (tmp_path / "empty").mkdir()
    code, out, err = run_cli("lint", "--isolated", "--select", "L0O1", str(tmp_path / "empty"))
    assert_tool_error(code, out, err)
    assert "L0O1" in err


def test_directory_without_datasets_lints_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a dataset\n", encoding="utf-8")
    (folder / "README.md").write_text("# hi\n", encoding="utf-8")
    code, env = run_json(str(folder))
    assert code == 0
    assert env["ok"] is True
    assert env["summary"]["files"] == 0
    assert env["summary"]["records"] == 0
    assert env["files"] == [] and env["findings"] == []


# -- rule selection -----------------------------------------------------------------------------------


def test_default_selection(many: Path) -> None:
    code, env = run_json(str(many))
    assert code == 1
    assert codes_at(env) == MANY_CODES


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--select", "S003"], {"S003"}),
        (["--select", "s003"], {"S003"}),
        (["--select", "empty-text"], {"S003"}),
        (["--select", "S"], {"S003", "S004", "S006"}),
        (["--select", "S00"], {"S003", "S004", "S006"}),
        (["--select", "ALL"], {"F006", "S003", "S004", "S006", "L003"}),
        (["--select", "S003,F006"], {"S003", "F006"}),
        (["--select", "S003", "--select", "F006"], {"S003", "F006"}),
        (["--select", "S003, blank-line"], {"S003", "F006"}),
        (["--ignore", "S"], {"F006", "L003"}),
        (["--ignore", "S003,S004", "--ignore", "placeholder-value"], {"F006", "L003"}),
        (["--ignore", "too-few-examples"], {"F006", "S003", "S004", "S006"}),
        (["--ignore", "ALL"], set()),
        (["--select", "L", "--extend-select", "S003"], {"L003", "S003"}),
        (["--select", "F", "--extend-select", "S00,L003"], {"F006", "S003", "S004", "S006", "L003"}),
        (
            ["--select", "F006", "--extend-select", "S006", "--extend-select", "unexpected-field"],
            {"F006", "S004", "S006"},
        ),
        (["--extend-select", "S003"], {"F006", "S003", "S004", "S006", "L003"}),
        (["--select", "ALL", "--ignore", "F,L"], {"S003", "S004", "S006"}),
        (["--select", "S", "--ignore", "S004"], {"S003", "S006"}),
    ],
)
def test_select_ignore_extend_select(many: Path, args: list[str], expected: set[str]) -> None:
    code, env = run_json(*args, str(many))
    assert codes(env) == expected
    lines = dict(MANY_CODES)
    assert all(f["line"] == lines[f["code"]] for f in env["findings"])
    assert code == (1 if expected & {"S003", "L003"} else 0)


# -- output formats ------------------------------------------------------------------------------------


def test_output_format_json_matches_findings(many: Path) -> None:
    code, out, _ = run_cli("lint", "--isolated", "--output-format", "json", str(many))
    env = json.loads(out)
    assert code == 1
    assert codes_at(env) == MANY_CODES


def test_output_format_concise(many: Path) -> None:
    _, env = run_json(str(many))
    code, out, err = run_cli("lint", "--isolated", "--output-format", "concise", str(many))
    assert code == 1 and err == ""
    lines = out.splitlines()
    for finding in env["findings"]:
        prefix = str(many) + (f":{finding['line']}:" if finding["line"] is not None else "")
        matching = [ln for ln in lines if ln.startswith(prefix) and re.search(rf"\b{finding['code']}\b", ln)]
        assert len(matching) == 1, (finding["code"], out)
    finding_lines = [ln for ln in lines if ln.startswith(str(many))]
    assert len(finding_lines) == len(env["findings"])


def test_output_format_full(many: Path) -> None:
    code, out, err = run_cli("lint", "--isolated", "--output-format", "full", str(many))
    assert code == 1 and err == ""
    assert str(many) in out
    for c, _ in MANY_CODES:
        assert re.search(rf"\b{c}\b", out), c
    assert ANSI not in out


def test_full_is_the_default_format(many: Path) -> None:
    assert run_cli("lint", "--isolated", str(many)) == run_cli(
        "lint", "--isolated", "--output-format", "full", str(many)
    )


@pytest.mark.parametrize("fmt", ["json", "full", "concise"])
def test_output_file_is_written_atomically_and_stdout_stays_empty(tmp_path: Path, many: Path, fmt: str) -> None:
    out_dir = tmp_path / "reports"
    out_dir.mkdir()
    target = out_dir / f"report.{fmt}"
    code, out, err = run_cli("lint", "--isolated", "--output-format", fmt, "-o", str(target), str(many))
    assert code == 1
    assert out == "" and err == ""
    assert sorted(os.listdir(out_dir)) == [target.name]  # no temporary file left behind
    text = target.read_text(encoding="utf-8")
    assert ANSI not in text
    if fmt == "json":
        assert codes_at(json.loads(text)) == MANY_CODES
    else:
        assert all(c in text for c, _ in MANY_CODES)


def test_output_file_replaces_an_existing_file(tmp_path: Path, clean: Path) -> None:
    target = tmp_path / "out" / "report.json"
    target.parent.mkdir()
    target.write_text("old content that is longer than nothing\n" * 100, encoding="utf-8")
    code, out, _ = run_cli("lint", "--isolated", "--output-format", "json", "--output-file", str(target), str(clean))
    assert (code, out) == (0, "")
    assert codes_at(json.loads(target.read_text(encoding="utf-8"))) == [("L004", None)]
    assert os.listdir(target.parent) == ["report.json"]


def test_output_file_keeps_colour_out(tmp_path: Path, many: Path) -> None:
    target = tmp_path / "r.txt"
    code, out, _ = run_cli("lint", "--isolated", "--color", "-o", str(target), str(many))
    assert (code, out) == (1, "")
    assert ANSI not in target.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["full", "concise"])
def test_quiet_prints_nothing_on_a_clean_file(clean: Path, fmt: str) -> None:
    code, out, err = run_cli("lint", "--isolated", "--quiet", "--ignore", "L004", "--output-format", fmt, str(clean))
    assert (code, out, err) == (0, "", "")


@pytest.mark.parametrize("fmt", ["full", "concise"])
def test_quiet_still_prints_findings(many: Path, fmt: str) -> None:
    code, out, _ = run_cli("lint", "--isolated", "-q", "--output-format", fmt, str(many))
    assert code == 1
    assert all(c in out for c, _ in MANY_CODES)


@pytest.mark.parametrize("fmt", ["full", "concise"])
def test_statistics_prints_counts_per_rule(tmp_path: Path, fmt: str) -> None:
    records = varied_records(25)
    for i in (2, 7, 11):
        records[i]["output"] = " "
    records[20]["extra"] = "x"
    path = write_jsonl(tmp_path / "stats.jsonl", records)
    _, env = run_json(str(path))
    expected = Counter(f["code"] for f in env["findings"])
    assert expected == {"S003": 3, "S004": 1, "L004": 1}
    code, out, _ = run_cli("lint", "--isolated", "--statistics", "--output-format", fmt, str(path))
    assert code == 1
    stats = {m[2]: int(m[1]) for m in re.finditer(r"(?m)^\s*(\d+)\s+([A-Z]{1,3}\d{3})\b", out)}
    assert stats == expected
    without = run_cli("lint", "--isolated", "--output-format", fmt, str(path))[1]
    assert not re.search(r"(?m)^\s*\d+\s+[A-Z]{1,3}\d{3}\b", without)


def test_no_color_and_no_color_env(many: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _, out, _ = run_cli("lint", "--isolated", "--no-color", str(many))
    assert ANSI not in out
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = run_cli("lint", "--isolated", str(many))
    assert ANSI not in out
    _, out, _ = run_cli("lint", "--isolated", "--output-format", "concise", str(many))
    assert ANSI not in out


@pytest.mark.parametrize("fmt", ["full", "concise"])
def test_color_forces_ansi(many: Path, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _, out, _ = run_cli("lint", "--isolated", "--color", "--output-format", fmt, str(many))
    assert ANSI in out
    monkeypatch.setenv("NO_COLOR", "1")  # an explicit flag beats the environment
    _, out, _ = run_cli("lint", "--isolated", "--color", "--output-format", fmt, str(many))
    assert ANSI in out


def test_json_never_has_colour(many: Path) -> None:
    _, out, _ = run_cli("lint", "--isolated", "--color", "--output-format", "json", str(many))
    assert ANSI not in out
    assert codes_at(json.loads(out)) == MANY_CODES


# -- paths: directories, globs, several files, stdin -------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """data/ with datasets at several depths, a hidden directory, and non-dataset files."""
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "data"
    write_jsonl(data / "a.jsonl", varied_records(21))
    write_csv(data / "sub" / "b.csv", varied_records(22))
    write_csv(data / "sub" / "deeper" / "c.tsv", varied_records(23), delimiter="\t")
    write_jsonl(data / "sub" / "d.ndjson", varied_records(24))
    (data / "e.json").write_text(json.dumps(varied_records(26)), encoding="utf-8")
    write_jsonl(data / ".hidden" / "secret.jsonl", [{"text_input": "x", "output": ""}])
    write_jsonl(data / "sub" / ".cache" / "x.jsonl", [{"text_input": "x", "output": ""}])
    (data / "notes.txt").write_text('{"text_input": "x", "output": ""}\n', encoding="utf-8")
    (data / "sub" / "README.md").write_text("# data\n", encoding="utf-8")
    return data


def _paths(env: dict[str, Any]) -> list[str]:
    return [Path(f["path"]).as_posix() for f in env["files"]]


def test_directory_is_searched_recursively_skipping_hidden(tree: Path) -> None:
    code, env = run_json("data")
    assert sorted(_paths(env)) == sorted(
        [
            "data/a.jsonl",
            "data/e.json",
            "data/sub/b.csv",
            "data/sub/d.ndjson",
            "data/sub/deeper/c.tsv",
        ]
    )
    assert code == 0
    formats = {Path(f["path"]).name: f["format"] for f in env["files"]}
    assert formats == {"a.jsonl": "jsonl", "b.csv": "csv", "c.tsv": "tsv", "d.ndjson": "jsonl", "e.json": "json"}
    records = {Path(f["path"]).name: f["records"] for f in env["files"]}
    assert records == {"a.jsonl": 21, "b.csv": 22, "c.tsv": 23, "d.ndjson": 24, "e.json": 26}
    assert env["summary"]["files"] == 5
    assert env["summary"]["records"] == 21 + 22 + 23 + 24 + 26
    assert {f["schema"] for f in env["files"]} == {"gemini"}
    assert all(f["code"] == "L004" for f in env["findings"])


def test_globs(tree: Path) -> None:
    _, env = run_json("data/*.jsonl")
    assert _paths(env) == ["data/a.jsonl"]
    _, env = run_json("data/**/*.csv")
    assert _paths(env) == ["data/sub/b.csv"]
    _, env = run_json("data/**/*.*sv")
    assert sorted(_paths(env)) == ["data/sub/b.csv", "data/sub/deeper/c.tsv"]


def test_several_files_and_a_directory_in_one_run(tree: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text_input": "x", "output": ""}\n{"text_input": "y",}\n', encoding="utf-8")
    code, env = run_json("data/a.jsonl", str(bad), "data/sub/deeper")
    assert code == 1
    assert _paths(env) == ["data/a.jsonl", bad.as_posix(), "data/sub/deeper/c.tsv"]
    by_file: dict[str, list[tuple[str, int | None]]] = {}
    for f in env["findings"]:
        by_file.setdefault(Path(f["path"]).name, []).append((f["code"], f["line"]))
    assert sorted(by_file["bad.jsonl"]) == [("F002", 2), ("L003", None), ("S003", 1)]
    assert by_file["a.jsonl"] == [("L004", None)]
    assert by_file["c.tsv"] == [("L004", None)]


def test_a_file_named_twice_is_linted_once(tree: Path) -> None:
    _, env = run_json("data/a.jsonl", "data/a.jsonl", "data/*.jsonl")
    assert _paths(env) == ["data/a.jsonl"]


def test_stdin_jsonl(clean: Path) -> None:
    records = varied_records(3)
    records[1]["output"] = ""
    text = "".join(json.dumps(r) + "\n" for r in records)
    code, out, _ = run_cli("lint", "--isolated", "--output-format", "json", "--format-in", "jsonl", "-", input=text)
    env = json.loads(out)
    assert code == 1
    assert sorted(codes_at(env), key=str) == sorted([("L003", None), ("S003", 2)], key=str)
    assert env["files"][0]["format"] == "jsonl"
    assert env["files"][0]["records"] == 3
    assert all(f["path"] == env["files"][0]["path"] for f in env["findings"])


def test_stdin_csv(clean: Path) -> None:
    rows = varied_records(25)
    rows[9]["output"] = ""
    text = "text_input,output\n" + "".join(f'"{r["text_input"]}","{r["output"]}"\n' for r in rows)
    code, out, _ = run_cli("lint", "--isolated", "--output-format", "json", "--format-in", "csv", "-", input=text)
    env = json.loads(out)
    assert code == 1
    assert ("S003", 11) in codes_at(env)  # header on line 1, the 10th row on line 11
    assert env["files"][0]["format"] == "csv"
    assert env["files"][0]["records"] == 25


# -- field mapping ---------------------------------------------------------------------------------------


def test_input_output_field_mapping(tmp_path: Path) -> None:
    rows = [{"question": r["text_input"], "answer": r["output"]} for r in varied_records(25)]
    path = write_jsonl(tmp_path / "qa.jsonl", rows)
    code, env = run_json(str(path))
    assert code == 1
    assert "F007" in codes(env)
    code, env = run_json("--input-field", "question", "--output-field", "answer", str(path))
    assert code == 0
    assert "F007" not in codes(env)
    assert codes_at(env) == [("L004", None)]
    stats = env["files"][0]["stats"]
    assert stats["input_chars"]["max"] == max(len(r["question"]) for r in rows)
    assert stats["output_chars"]["min"] == min(len(r["answer"]) for r in rows)


def test_field_mapping_on_csv_reports_the_column(tmp_path: Path) -> None:
    rows = [{"question": r["text_input"], "answer": r["output"]} for r in varied_records(25)]
    rows[3]["answer"] = ""
    path = write_csv(tmp_path / "qa.csv", rows)
    code, env = run_json("--input-field", "question", "--output-field", "answer", str(path))
    assert code == 1
    s003 = [f for f in env["findings"] if f["code"] == "S003"]
    assert [(f["line"], f["record"], f["field"]) for f in s003] == [(5, 4, "answer")]


# -- rules, rule, profiles, version ------------------------------------------------------------------------


def test_rules_table_lists_every_rule() -> None:
    code, out, err = run_cli("rules")
    assert (code, err) == (0, "")
    listed = {m.group(1): m.group(2) for m in re.finditer(r"(?m)^([A-Z]{1,3}\d{3})\s+(\S+)", out)}
    for c in ALL_CODES:
        assert c in listed, c
    assert listed["L001"] == "input-too-long"


def test_rules_json() -> None:
    code, out, _ = run_cli("rules", "--output-format", "json")
    assert code == 0
    rules = {r["code"]: r for r in json.loads(out)}
    assert set(ALL_CODES) <= set(rules)
    for c in ALL_CODES:
        rule = rules[c]
        assert isinstance(rule["name"], str) and re.fullmatch(r"[a-z][a-z0-9-]*", rule["name"])
        assert rule["severity"] in ("error", "warning", "info")
        assert isinstance(rule["fixable"], bool)
    assert (rules["L001"]["name"], rules["L001"]["severity"], rules["L001"]["fixable"]) == (
        "input-too-long",
        "error",
        False,
    )
    assert (rules["F004"]["severity"], rules["F004"]["fixable"]) == ("warning", True)
    assert (rules["F006"]["severity"], rules["F006"]["fixable"]) == ("info", True)
    assert rules["L004"]["severity"] == "warning"
    assert rules["S006"]["options"] == {"values": list(rules["S006"]["options"]["values"])}
    assert "nan" in rules["S006"]["options"]["values"]
    assert len({r["name"] for r in rules.values()}) == len(rules)


@pytest.mark.parametrize("key", ["L001", "l001", "input-too-long"])
def test_rule_explains_one_rule(key: str) -> None:
    code, out, err = run_cli("rule", key)
    assert (code, err) == (0, "")
    assert out.split()[0] == "L001"
    headers = re.findall(r"(?m)^(What|Why|Example|Fix|Options):", out)
    assert headers == ["What", "Why", "Example", "Fix", "Options"]


def test_rule_json() -> None:
    code, out, _ = run_cli("rule", "S006", "--output-format", "json")
    assert code == 0
    data = json.loads(out)
    assert (data["code"], data["name"]) == ("S006", "placeholder-value")
    for key in ("what", "why", "example", "fix"):
        assert data[key].strip()
    assert "values" in data["options"]


def test_rule_options_section_shows_options() -> None:
    _, out, _ = run_cli("rule", "placeholder-value")
    options = out.split("\nOptions:", 1)[1]
    assert "values" in options


def test_profiles_table() -> None:
    code, out, _ = run_cli("profiles")
    assert code == 0
    blocks = dict(re.findall(r"(?ms)^(\w[\w-]*):(.*?)(?=^\w|\Z)", out))
    assert {"gemini", "generic"} <= set(blocks)
    limits = dict(re.findall(r"(?m)^\s+(max_\w+|min_\w+)\s+(\S+)\s*$", blocks["gemini"]))
    assert limits["max_input_chars"].replace(",", "") == "40000"
    assert limits["max_output_chars"].replace(",", "") == "5000"
    assert limits["max_file_bytes"].replace(",", "") == "4194304"
    assert limits["min_examples"] == "20"


def test_profiles_json() -> None:
    code, out, _ = run_cli("profiles", "--output-format", "json")
    assert code == 0
    profiles = {p["name"]: p for p in json.loads(out)}
    gemini = profiles["gemini"]
    assert gemini["max_input_chars"] == 40000
    assert gemini["max_output_chars"] == 5000
    assert gemini["max_file_bytes"] == 4194304
    assert gemini["min_examples"] == 20
    assert gemini["recommended_examples"]["general"] == 100
    assert "generic" in profiles
    assert profiles["generic"]["max_input_chars"] is None


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag: str) -> None:
    code, out, _ = run_cli(flag)
    assert code == 0
    assert version("tunelint") in out
    assert validator.__version__ == version("tunelint")


# -- the JSON envelope ---------------------------------------------------------------------------------------


def _nearest_rank(values: list[int], q: float) -> int:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(len(ordered) * q / 100)) - 1]


def test_json_envelope_shape(tmp_path: Path) -> None:
    records = varied_records(30)
    records[6]["output"] = ""
    records[12]["extra"] = "x"
    path = write_jsonl(tmp_path / "env.jsonl", records)
    code, env = run_json(str(path))
    assert code == 1
    assert env["version"] == 1
    assert env["tool"] == {"name": "tunelint", "version": validator.__version__}
    assert env["ok"] is False
    by_severity = Counter(f["severity"] for f in env["findings"])
    assert env["summary"] == {
        "files": 1,
        "records": 30,
        "errors": by_severity["error"],
        "warnings": by_severity["warning"],
        "infos": by_severity["info"],
    }
    assert (by_severity["error"], by_severity["warning"]) == (1, 2)  # S003; S004 and L004
    (file,) = env["files"]
    assert set(file) >= ENVELOPE_FILE_KEYS
    assert file["path"] == str(path)
    assert (file["format"], file["schema"], file["profile"]) == ("jsonl", "gemini", "gemini")
    # No --task: the task is inferred (30 distinct free-text outputs: general, not classification).
    assert (file["task"], file["task_inferred"]) == ("general", True)
    assert "labels" not in file["stats"]
    assert file["records"] == 30
    assert file["bytes"] == path.stat().st_size
    assert file["encoding"] == "utf-8"
    inputs = [len(r["text_input"]) for r in records]
    outputs = [len(r["output"]) for r in records]
    for key, lengths in (("input_chars", inputs), ("output_chars", outputs)):
        stats = file["stats"][key]
        assert {"min", "p50", "p95", "max"} <= set(stats)
        assert stats["min"] == min(lengths)
        assert stats["max"] == max(lengths)
        assert stats["p50"] == _nearest_rank(lengths, 50)
        assert stats["p95"] == _nearest_rank(lengths, 95)
    for finding in env["findings"]:
        assert set(finding) >= FINDING_KEYS
        assert finding["path"] == str(path)
        assert isinstance(finding["related"], list)
    assert codes_at(env) == [("L004", None), ("S003", 7), ("S004", 13)]


def test_json_envelope_for_a_clean_run_and_several_files(tmp_path: Path) -> None:
    a = write_jsonl(tmp_path / "a.jsonl", varied_records(20))
    b = write_jsonl(tmp_path / "b.jsonl", varied_records(40))
    code, env = run_json("--task", "classification", str(a), str(b))
    assert code == 0
    assert env["summary"]["files"] == 2
    assert env["summary"]["records"] == 60
    assert env["summary"]["warnings"] == len(env["findings"]) == 2
    assert [f["task"] for f in env["files"]] == ["classification", "classification"]
    assert [f["task_inferred"] for f in env["files"]] == [False, False]
    assert [f["path"] for f in env["findings"]] == [str(a), str(b)]


# -- the real console script ------------------------------------------------------------------------------------


def _script() -> str:
    candidate = Path(sys.executable).parent / "tunelint"
    if candidate.is_file():
        return str(candidate)
    import shutil

    found = shutil.which("tunelint", path=str(Path(sys.executable).parent)) or shutil.which("tunelint")
    if found is None:
        pytest.fail("the tunelint console script is not installed next to the test interpreter")
    return found


def _run_script(
    *args: str, cwd: Path, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TUNELINT_DEBUG")}
    environ.update(env or {})
    return subprocess.run(
        [_script(), *args],
        cwd=cwd,
        env=environ,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_script_clean_and_failing_files(tmp_path: Path, clean: Path, with_error: Path) -> None:
    done = _run_script("lint", "--isolated", "--output-format", "json", clean.name, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert codes_at(json.loads(done.stdout)) == [("L004", None)]
    done = _run_script("lint", "--isolated", "--output-format", "json", clean.name, with_error.name, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    env = json.loads(done.stdout)
    assert [f["path"] for f in env["files"]] == [clean.name, with_error.name]
    assert ("S003", 5) in codes_at(env)
    done = _run_script(
        "lint", "--isolated", "--fail-on", "warning", "--output-format", "json", clean.name, cwd=tmp_path
    )
    assert done.returncode == 1


def test_script_tool_errors(tmp_path: Path, clean: Path) -> None:
    for args in (
        ["lint", "--isolated", "missing.jsonl"],
        ["lint", "--isolated", "--exit-zero", "missing.jsonl"],
        ["lint", "--isolated", "--profile", "nope", clean.name],
        ["rule", "NOPE"],
    ):
        done = _run_script(*args, cwd=tmp_path)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
        assert done.stdout == ""


def test_script_stdin_rules_and_version(tmp_path: Path) -> None:
    text = "".join(json.dumps(r) + "\n" for r in varied_records(25))
    done = _run_script(
        "lint", "--isolated", "--output-format", "json", "--format-in", "jsonl", "-", cwd=tmp_path, stdin=text
    )
    assert done.returncode == 0, done.stderr
    env = json.loads(done.stdout)
    assert env["files"][0]["records"] == 25
    done = _run_script("rules", "--output-format", "json", cwd=tmp_path)
    assert done.returncode == 0
    assert set(ALL_CODES) <= {r["code"] for r in json.loads(done.stdout)}
    done = _run_script("--version", cwd=tmp_path)
    assert done.returncode == 0
    assert version("tunelint") in done.stdout


def _run_in_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    """Run the script with stdout on a pseudo-terminal; returns (exit status, output)."""
    import pty

    master, slave = pty.openpty()
    environ = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    environ.update(env)
    proc = subprocess.Popen([_script(), *args], cwd=cwd, env=environ, stdout=slave, stderr=subprocess.DEVNULL)
    os.close(slave)
    output = read_terminal(master)
    os.close(master)
    return proc.wait(timeout=120), output.decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")
def test_script_colour_on_a_terminal_honours_no_color(tmp_path: Path, many: Path) -> None:
    args = ["lint", "--isolated", "--output-format", "concise", many.name]
    code, out = _run_in_terminal(args, tmp_path, {})
    assert code == 1 and "S003" in out
    assert ANSI in out  # auto: colour on a terminal
    code, out = _run_in_terminal(args, tmp_path, {"NO_COLOR": "1"})
    assert code == 1 and "S003" in out
    assert ANSI not in out
    code, out = _run_in_terminal([*args, "--no-color"], tmp_path, {})
    assert ANSI not in out


@pytest.mark.parametrize(
    "args",
    [("lint", "--bogus", "x"), ("lint",), ("nope",), ("lint", "--task", "foo", "x"), ("rules", "--output-format", "x")],
)
def test_usage_errors_are_one_line_with_exit_2(args: tuple[str, ...]) -> None:
    code, out, err = run_cli(*args)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("tunelint: error:")


@pytest.mark.parametrize("args", [["rule", "R006"], ["rules"], ["lint", "--isolated", "--output-format", "concise"]])
def test_closed_pipe_stops_quietly(args: list[str], tmp_path: Path) -> None:
    """``tunelint ... | head -1``: the reader has gone; no traceback and no error line, exit 1."""
    data = tmp_path / "empty_outputs.jsonl"
    data.write_text("".join(json.dumps({"text_input": f"q{i}", "output": ""}) + "\n" for i in range(50)))
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write to stdout now fails with EPIPE, deterministically
    try:
        done = subprocess.run(
            [_script(), *args, *([data.name] if args[0] == "lint" else [])],
            cwd=tmp_path,
            stdout=write_end,
            stderr=subprocess.PIPE,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 1
    assert done.stderr == b""
