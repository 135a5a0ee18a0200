"""The benchmark's data generator and runner (no timing assertions: targets live in the benchmark)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import generate  # noqa: E402 - benchmarks/ is not a package

import validator  # noqa: E402


def _jsonl(count: int, seed: int = 7) -> str:
    out = io.StringIO()
    generate.write(out, count, "jsonl", seed)
    return out.getvalue()


def test_generator_is_deterministic() -> None:
    assert _jsonl(500) == _jsonl(500)
    assert _jsonl(500) != _jsonl(500, seed=8)


def test_generator_proportions() -> None:
    rows = [json.loads(line) for line in _jsonl(2000).splitlines()]
    assert len(rows) == 2000
    assert all(r["text_input"].startswith("question: ") and " context: " in r["text_input"] for r in rows)
    pairs = Counter((r["text_input"], r["output"]) for r in rows)
    duplicates = sum(n - 1 for n in pairs.values())
    by_input: dict[str, set[str]] = {}
    for r in rows:
        by_input.setdefault(r["text_input"], set()).add(r["output"])
    conflicts = sum(1 for outputs in by_input.values() if len(outputs) > 1)
    over = sum(1 for r in rows if len(r["text_input"]) > 40_000 or len(r["output"]) > 5_000)
    assert duplicates == 2000 // generate.DUPLICATE_EVERY  # ~1%
    assert conflicts == 2000 // generate.CONFLICT_EVERY  # ~0.2% (distinct earlier inputs)
    assert over == 1  # record 2,001 would be the next
    assert 200 <= len(_jsonl(2000).encode()) / 2000 <= 300 + 45_000 / 2000  # ~250 bytes a record


def test_containers_hold_the_same_records(tmp_path: Path) -> None:
    texts = {}
    for fmt in ("jsonl", "csv", "json"):
        path = tmp_path / f"b.{fmt}"
        with path.open("w", encoding="utf-8", newline="") as fh:
            generate.write(fh, 300, fmt)
        texts[fmt] = path
    jsonl_rows = [json.loads(line) for line in texts["jsonl"].read_text(encoding="utf-8").splitlines()]
    with texts["csv"].open(encoding="utf-8", newline="") as fh:
        csv_rows = [{"text_input": a, "output": b} for a, b in list(csv.reader(fh))[1:]]
    json_rows = json.loads(texts["json"].read_text(encoding="utf-8"))
    assert jsonl_rows == csv_rows == json_rows
    reports = [validator.lint(str(p), isolated=True) for p in texts.values()]
    assert {r.files[0].records for r in reports} == {300}
    assert len({tuple(sorted((f.code, f.record) for f in r.findings)) for r in reports}) == 1


def test_run_quick_prints_the_table() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--quick", "--rules"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "| records | format | floor s | tunelint s | ratio | records/s | peak RSS MB |"
    assert sum(1 for line in lines if line.startswith("| 2,000 |")) == 2
    assert any(line.startswith("csv/jsonl at 2,000:") for line in lines)
    assert any(line.startswith("| engine (everything else) |") for line in lines)
    assert any(line.startswith("| T001 |") for line in lines)
