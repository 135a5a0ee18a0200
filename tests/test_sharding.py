"""Sharded linting gives exactly the result of one pass: in-process shards (the protocol a Dask or
Spark job would follow) and worker processes (``--workers``), for every default rule."""

from __future__ import annotations

import csv
import io
import itertools
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import validator
from validator import engine, shards
from validator.api import FileFacts
from validator.cli import main as cli
from validator.config import settings_from_mapping
from validator.plugins import load_rules
from validator.readers import read_records
from validator.testing import run_rules, run_rules_sharded

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import generate

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted(p for p in (ROOT / "sample_datasets").rglob("*") if p.suffix in (".jsonl", ".json", ".csv", ".tsv"))
DEFAULT_RULES = load_rules().select(None, (), ())

linux_only = pytest.mark.skipif(not shards._can_fork(), reason="worker processes use fork (Linux)")


def _mixed_lines(count: int) -> list[str]:
    """Benchmark records (duplicates, conflicts, over-limit texts, stray whitespace) plus records
    that are broken in every structural way, spread so every shard gets some."""
    lines = [json.dumps(r) for r in generate.records(count)]
    broken = [
        "{not json",
        "",
        json.dumps({"text_input": 5, "output": "x"}),
        json.dumps({"text_input": "only input"}),
        json.dumps({"text_input": "q", "output": "a", "extra": 1}),
        json.dumps(["an", "array"]),
        json.dumps({"prompt": "another shape", "completion": "yes"}),
        json.dumps({"text_input": "   ", "output": "TODO"}),
        json.dumps({"text_input": "zero\u200bwidth caf\u00c3\u00a9 &amp; <b>x</b>", "output": "ok"}),
    ]
    step = max(1, len(lines) // (len(broken) + 1))
    for i, line in enumerate(broken):
        lines.insert((i + 1) * step + i, line)
    return lines


def _report(result: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(result.output)
    data.pop("tool", None)
    return data


def _fingerprints(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    return sorted(
        (f["code"], f["line"], f.get("record"), f.get("field"), f["message"], f.get("fingerprint"))
        for f in report["findings"]
    )


def test_every_default_rule_is_shardable() -> None:
    assert [rule.code for rule in DEFAULT_RULES if not rule.shardable()] == []


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
@pytest.mark.parametrize("count", [2, 5])
def test_sample_datasets_in_shards_equal_one_pass(path: Path, count: int) -> None:
    config = settings_from_mapping({"workers": 1}, "test")
    registry = load_rules()
    whole = engine.lint_file(str(path), config, registry)
    facts = FileFacts(path=str(path), format="", bytes=path.stat().st_size)
    with path.open("rb") as stream:
        records = list(read_records(stream, facts))
    parts = engine.run_sharded(records, facts, config, registry, count)
    assert sorted(parts.findings, key=repr) == sorted(whole.findings, key=repr)
    assert parts.report.to_dict() == whole.report.to_dict()
    assert whole.findings or path.parent.name == "good"


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["q1", "Q1", "q1 ", "q2", "", "question: a context: b"]),
            st.sampled_from(["a", "b", " a", "{}"]),
        ),
        min_size=1,
        max_size=60,
    ),
    st.integers(min_value=2, max_value=6),
)
def test_any_records_in_any_shards_equal_one_pass(pairs: list[tuple[str, str]], count: int) -> None:
    records = [{"text_input": i, "output": o} for i, o in pairs]
    assert sorted(run_rules_sharded(DEFAULT_RULES, records, count), key=repr) == sorted(
        run_rules(DEFAULT_RULES, records), key=repr
    )


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=50), st.integers(1, 6))
def test_ranges_cover_the_file_and_start_at_line_starts(tmp_path_factory: Any, lengths: list[int], count: int) -> None:
    data = b"".join(b"x" * n + b"\n" for n in lengths)
    path = tmp_path_factory.mktemp("r") / "f.jsonl"
    path.write_bytes(data)
    ranges = shards.plan_ranges(str(path), len(data), count)
    assert ranges[0][0] == 0 and ranges[-1][1] == len(data)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))
    assert all(start == 0 or data[start - 1 : start] == b"\n" for start, _ in ranges)
    assert 1 <= len(ranges) <= count


def _lint(path: Path, *extra: str) -> dict[str, Any]:
    result = CliRunner().invoke(
        cli, ["lint", str(path), "--isolated", "--output-format", "json", "--exit-zero", *extra]
    )
    assert result.exit_code == 0, result.output
    return _report(result)


@linux_only
def test_workers_give_the_report_of_one_pass(tmp_path: Path, small_shards: list[int]) -> None:
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(_mixed_lines(4200)) + "\n", encoding="utf-8")
    one = _lint(path, "--workers", "1")
    assert small_shards == []
    codes = {f["code"] for f in one["findings"]}
    assert {"D001", "D002", "L001", "L002", "T004", "F002", "F006", "S001", "S002", "S005"} <= codes
    for workers in ("2", "3"):
        many = _lint(path, "--workers", workers)
        assert small_shards[-1] == int(workers)
        assert _fingerprints(many) == _fingerprints(one)
        assert many == one  # every summary number too: counts, statistics, template, labels


@linux_only
def test_sharded_duplicates_point_at_the_first_occurrence_in_another_shard(
    tmp_path: Path, small_shards: list[int]
) -> None:
    rows = [{"text_input": f"question: q{i} context: c{i}", "output": f"a{i}"} for i in range(4000)]
    rows.append(dict(rows[3]))  # the repeat is in the last shard, its first occurrence in the first
    path = tmp_path / "dups.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    report = _lint(path, "--workers", "2", "--select", "D001")
    assert small_shards == [2]
    [finding] = report["findings"]
    assert (finding["line"], finding["record"]) == (4001, 4001)
    assert [(r["line"], r["record"]) for r in finding["related"]] == [(4, 4)]


@linux_only
def test_a_failing_worker_falls_back_to_one_pass(
    tmp_path: Path, small_shards: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(_mixed_lines(2000)) + "\n", encoding="utf-8")
    one = _lint(path, "--workers", "1")

    def broken(*args: Any) -> None:
        raise RuntimeError("worker broke")

    monkeypatch.setattr(shards, "_lint_range", broken)
    assert _lint(path, "--workers", "2") == one
    assert small_shards == []  # the sharded attempt gave up; one pass made the report


@linux_only
def test_a_file_that_is_not_utf8_is_linted_in_one_pass(tmp_path: Path, small_shards: list[int]) -> None:
    lines = [json.dumps(r) for r in generate.records(3000)]
    lines[2500] = '{"text_input": "caf\xe9 cr\xe8me", "output": "ok"}'
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(("\n".join(lines) + "\n").encode("latin-1"))
    one = _lint(path, "--workers", "1")
    assert any(f["code"] == "F003" for f in one["findings"])
    assert _lint(path, "--workers", "2") == one
    assert small_shards == []


@linux_only
def test_library_workers_option_matches(tmp_path: Path, small_shards: list[int]) -> None:
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(_mixed_lines(1500)) + "\n", encoding="utf-8")
    one = validator.lint(str(path), isolated=True, workers=1)
    two = validator.lint(str(path), isolated=True, workers=2)
    assert sorted(two.findings, key=repr) == sorted(one.findings, key=repr)


@pytest.mark.parametrize("value", ["0", "65", "many", "-1"])
def test_bad_workers_value_is_a_usage_error(tmp_path: Path, value: str) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text('{"text_input": "a", "output": "b"}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["lint", str(path), "--isolated", "--workers", value])
    assert result.exit_code == 2
    assert "workers" in result.output


def test_workers_in_config(tmp_path: Path) -> None:
    (tmp_path / ".tunelint.toml").write_text("workers = 3\n", encoding="utf-8")
    path = tmp_path / "d.jsonl"
    path.write_text('{"text_input": "a", "output": "b"}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["lint", str(path), "--show-settings", "--output-format", "json"])
    assert result.exit_code == 0, result.output
    assert '"workers"' in result.output and "3" in result.output


def _csv_text(count: int, *, stray_quote: bool) -> str:
    out = io.StringIO()
    generate.write(out, count, "csv")
    rows = out.getvalue().splitlines(keepends=True)
    # Quoted cells spanning lines (a cut must never fall inside one), a ragged row, a blank line.
    for at in range(300, len(rows), 700):
        rows.insert(at, '"multi\nline ""quoted""\ninput","answer\nover two lines"\n')
    rows.insert(len(rows) // 2, "a,b,c\n")
    rows.insert(len(rows) // 3, "\n")
    if stray_quote:
        # A literal quote inside an unquoted cell: quote parity no longer tells where rows end.
        rows.insert(len(rows) // 4, "he is 5'10\" tall,short answer\n")
    return "".join(rows)


@linux_only
@pytest.mark.parametrize("stray_quote", [False, True])
@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_csv_workers_give_the_report_of_one_pass(
    tmp_path: Path, small_shards: list[int], stray_quote: bool, suffix: str
) -> None:
    text = _csv_text(4200, stray_quote=stray_quote)
    if suffix == ".tsv":
        text = "".join("\t".join(row) + "\n" for row in csv.reader(io.StringIO(text))).replace(
            '"', ""
        )  # TSV cells here hold no tabs, newlines or quotes
    path = tmp_path / f"data{suffix}"
    path.write_text(text, encoding="utf-8")
    one = _lint(path, "--workers", "1")
    assert {"D001", "D002", "F002"} <= {f["code"] for f in one["findings"]}
    many = _lint(path, "--workers", "3")
    assert many == one
    if not stray_quote:
        assert small_shards == [3]


@linux_only
def test_a_cut_inside_a_quoted_field_is_detected(tmp_path: Path, small_shards: list[int]) -> None:
    # One quoted cell spans the whole middle of the file: no cut between rows exists there, and
    # a stray quote before it makes parity pick cuts inside it; the reader must notice.
    rows = ["text_input,output\n", "he is 5'10\",x\n"]
    rows += [f"question {i},answer {i}\n" for i in range(1500)]
    rows.append('"' + "".join(f"line {i}\n" for i in range(9000)) + '",tail\n')
    rows += [f"question {i},answer {i}\n" for i in range(1500, 3000)]
    path = tmp_path / "quoted.csv"
    path.write_text("".join(rows), encoding="utf-8")
    one = _lint(path, "--workers", "1")
    assert _lint(path, "--workers", "3") == one


@linux_only
@pytest.mark.parametrize("memfd", [True, False], ids=["memfd", "temporary-file"])
def test_worker_results_travel_through_a_memory_file_or_a_temporary_file(
    tmp_path: Path, small_shards: list[int], monkeypatch: pytest.MonkeyPatch, memfd: bool
) -> None:
    """A worker writes its state to a file made before the fork (``memfd`` on Linux, an unlinked
    temporary file where that is refused); either way the report is one pass's, with line numbers
    placed by the line counts the workers return (the first range's counted by the second)."""
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(_mixed_lines(3000)) + "\n", encoding="utf-8")
    one = _lint(path, "--workers", "1")
    if not memfd:

        def refused(name: str, flags: int = 0) -> int:
            raise OSError(38, "Function not implemented")

        monkeypatch.setattr(shards.os, "memfd_create", refused)
    assert _lint(path, "--workers", "4") == one
    assert small_shards == [4]
    assert max(f["line"] or 0 for f in one["findings"]) > 2500  # findings in the last range: lines were shifted


@linux_only
def test_each_workers_state_file_is_freed_once_loaded(
    tmp_path: Path, small_shards: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The memory file holding a worker's state is closed as soon as its state is loaded, so a file
    cut into many ranges never holds every worker's state twice (in the files and merged)."""
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(_mixed_lines(3000)) + "\n", encoding="utf-8")
    real = shards._receive
    seen: list[tuple[bool, bool]] = []

    def receive(worker: Any) -> Any:
        before = worker.result.closed
        result = real(worker)
        seen.append((before, worker.result.closed))
        return result

    monkeypatch.setattr(shards, "_receive", receive)
    assert _lint(path, "--workers", "4") == _lint(path, "--workers", "1")
    assert small_shards == [4]
    assert seen == [(False, True)] * 3


@linux_only
def test_a_worker_that_cannot_be_started_falls_back_to_one_pass(
    tmp_path: Path, small_shards: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``fork`` refused (no memory, a process limit) for the third range: the workers already
    started are stopped and the file is linted in one pass, with the same report."""
    path = tmp_path / "data.jsonl"
    path.write_text("\n".join(_mixed_lines(3000)) + "\n", encoding="utf-8")
    one = _lint(path, "--workers", "1")
    real_start = shards.multiprocessing.process.BaseProcess.start
    started: list[Any] = []

    def start(process: Any) -> None:
        if len(started) == 2:
            raise OSError(11, "Resource temporarily unavailable")
        started.append(process)
        real_start(process)

    monkeypatch.setattr(shards.multiprocessing.process.BaseProcess, "start", start)
    assert _lint(path, "--workers", "4") == one
    assert small_shards == []  # the sharded attempt gave up
    assert len(started) == 2 and not any(p.is_alive() for p in started)
