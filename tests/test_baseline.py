"""Baselines and the fingerprints they are keyed by: write, pass, add a bad record, fail on it only."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

import validator
from tests.conftest import run_cli
from validator.baseline import apply_baseline
from validator.errors import UsageError


def _pairs(n: int, start: int = 0) -> list[dict[str, Any]]:
    return [
        {"text_input": f"Question number {i}: what is {i} plus one?", "output": f"It is {i + 1}."}
        for i in range(start, start + n)
    ]


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _with_problems() -> list[dict[str, Any]]:
    records = _pairs(30)
    records[4]["output"] = ""  # S003
    records[9] = dict(records[3])  # D001 (repeat of record 4)
    records[12]["output"] = "nan"  # S006
    return records


def _lint_json(*args: str, cwd: Path | None = None) -> tuple[int, dict[str, Any]]:
    code, out, err = run_cli("lint", "--isolated", "--output-format", "json", *args)
    assert code in (0, 1), err
    return code, json.loads(out)


def test_write_pass_then_fail_on_exactly_the_new_record(tmp_path: Path) -> None:
    data = _write(tmp_path / "train.jsonl", _with_problems())
    baseline = tmp_path / "tunelint-baseline.json"
    code, envelope = _lint_json(str(data), "--write-baseline", str(baseline))
    assert code == 0 and envelope["findings"] == [] and envelope["baseline"]["suppressed"] >= 3
    written = json.loads(baseline.read_text(encoding="utf-8"))
    assert {e["code"] for e in written["entries"]} >= {"S003", "D001", "S006"}
    assert all(e["path"] == "train.jsonl" for e in written["entries"])  # relative to the baseline file

    code, envelope = _lint_json(str(data), "--baseline", str(baseline))
    assert code == 0 and envelope["findings"] == [] and envelope["baseline"]["stale"] == []

    # One new bad record, inserted at the TOP: every old finding moves down a line, yet only the new
    # record's finding is reported.
    records = _with_problems()
    records.insert(0, {"text_input": "A brand new question?", "output": "   "})
    _write(data, records)
    code, envelope = _lint_json(str(data), "--baseline", str(baseline))
    assert code == 1
    assert {f["line"] for f in envelope["findings"]} == {1}  # the new record's findings, nothing else
    assert "S003" in {f["code"] for f in envelope["findings"]}


def test_another_identical_duplicate_is_new(tmp_path: Path) -> None:
    """Entries are counted: a third copy of a record that was duplicated once is one new D001."""
    records = _with_problems()
    data = _write(tmp_path / "d.jsonl", records)
    baseline = tmp_path / "b.json"
    _lint_json(str(data), "--write-baseline", str(baseline))
    records.append(dict(records[3]))
    _write(data, records)
    code, envelope = _lint_json(str(data), "--baseline", str(baseline))
    assert [(f["code"], f["line"]) for f in envelope["findings"]] == [("D001", 31)]
    assert code == 0  # D001 is a warning


def test_fixed_findings_are_listed_as_stale(tmp_path: Path) -> None:
    records = _with_problems()
    data = _write(tmp_path / "d.jsonl", records)
    baseline = tmp_path / "b.json"
    _lint_json(str(data), "--write-baseline", str(baseline))
    records[4]["output"] = "It is 5."  # the S003 is fixed
    _write(data, records)
    code, envelope = _lint_json(str(data), "--baseline", str(baseline))
    assert code == 0 and envelope["findings"] == []
    assert [(s["path"], s["code"], s["count"]) for s in envelope["baseline"]["stale"]] == [("d.jsonl", "S003", 1)]
    code, out, _ = run_cli("lint", "--isolated", str(data), "--baseline", str(baseline))
    assert "stale" in out and "S003" in out


def test_baseline_works_from_another_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "data").mkdir()
    data = _write(tmp_path / "data" / "d.jsonl", _with_problems())
    baseline = tmp_path / "data" / "baseline.json"
    monkeypatch.chdir(tmp_path)
    _lint_json("data/d.jsonl", "--write-baseline", "data/baseline.json")
    monkeypatch.chdir(tmp_path / "data")
    code, envelope = _lint_json("d.jsonl", "--baseline", "baseline.json")
    assert code == 0 and envelope["findings"] == [] and envelope["baseline"]["stale"] == []
    assert baseline.exists() and data.exists()


def test_library_baseline(tmp_path: Path) -> None:
    data = _write(tmp_path / "d.jsonl", _with_problems())
    first = validator.lint(str(data), isolated=True)
    assert not first.ok
    entries = first.write_baseline(str(tmp_path / "b.json"))
    assert entries == len({(f.code, f.fingerprint) for f in first.findings})
    again = validator.lint(str(data), isolated=True, baseline=tmp_path / "b.json")
    assert again.ok and again.findings == []
    assert again.baseline is not None and again.baseline.suppressed == len(first.findings)


def test_baseline_is_written_atomically_and_replaces_the_old_one(tmp_path: Path) -> None:
    data = _write(tmp_path / "d.jsonl", _with_problems())
    baseline = tmp_path / "b.json"
    baseline.write_text("old", encoding="utf-8")
    _lint_json(str(data), "--write-baseline", str(baseline))
    assert json.loads(baseline.read_text(encoding="utf-8"))["version"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.json", "d.jsonl"]  # no temporary file left


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        json.dumps({"version": 99, "entries": []}),
        json.dumps({"version": 1}),
        json.dumps({"version": 1, "entries": [{}]}),
    ],
)
def test_bad_baseline_files_are_exit_2(tmp_path: Path, content: str) -> None:
    data = _write(tmp_path / "d.jsonl", _pairs(25))
    baseline = tmp_path / "b.json"
    baseline.write_text(content, encoding="utf-8")
    code, _, err = run_cli("lint", "--isolated", str(data), "--baseline", str(baseline))
    assert code == 2 and str(baseline) in err and len(err.strip().splitlines()) == 1


def test_missing_baseline_and_conflicting_options(tmp_path: Path) -> None:
    data = _write(tmp_path / "d.jsonl", _pairs(25))
    code, _, err = run_cli("lint", "--isolated", str(data), "--baseline", str(tmp_path / "none.json"))
    assert code == 2 and "none.json" in err
    code, _, err = run_cli("lint", "--isolated", str(data), "--baseline", "a", "--write-baseline", "b")
    assert code == 2
    with pytest.raises(UsageError):
        apply_baseline([], str(tmp_path / "none.json"))


# -- fingerprints ---------------------------------------------------------------------------------


def test_fingerprints_follow_content_not_lines(tmp_path: Path) -> None:
    records = _with_problems()
    before = validator.lint(str(_write(tmp_path / "a.jsonl", records)), isolated=True)
    shifted = [*_pairs(3, start=100), *records]
    after = validator.lint(str(_write(tmp_path / "b.jsonl", shifted)), isolated=True)
    old = {(f.code, f.fingerprint) for f in before.findings if f.record is not None}
    new = {(f.code, f.fingerprint) for f in after.findings if f.record is not None}
    assert old and old <= new
    assert all(len(f.fingerprint) == 16 for f in after.findings)
    # Different content, different fingerprint (same code, same field).
    s003 = [f for f in after.findings if f.code == "S003"]
    other = validator.lint([{"text_input": "Something else entirely?", "output": ""}], isolated=True)
    assert {f.fingerprint for f in other.findings if f.code == "S003"}.isdisjoint({f.fingerprint for f in s003})


def test_fingerprint_is_in_the_json_report(tmp_path: Path) -> None:
    data = _write(tmp_path / "d.jsonl", _with_problems())
    _, envelope = _lint_json(str(data))
    assert all(isinstance(f["fingerprint"], str) and len(f["fingerprint"]) == 16 for f in envelope["findings"])


def test_baseline_file_is_never_the_dataset(tmp_path: Path) -> None:
    """Writing a baseline does not touch the linted file."""
    data = _write(tmp_path / "d.jsonl", _with_problems())
    before = data.read_bytes()
    os.chmod(data, 0o444)
    try:
        _lint_json(str(data), "--write-baseline", str(tmp_path / "b.json"))
    finally:
        os.chmod(data, 0o644)
    assert data.read_bytes() == before
