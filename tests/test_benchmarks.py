"""The benchmark's data generator and runner (fast checks only: the timing targets live in the
benchmark itself, never in a unit test)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import generate  # noqa: E402 - benchmarks/ is not a package

import validator  # noqa: E402

N = 2000


def _text(count: int, fmt: str = "jsonl", seed: int = 7) -> str:
    out = io.StringIO(newline="")
    generate.write(out, count, fmt, seed)
    return out.getvalue()


def _files(tmp_path: Path, count: int) -> dict[str, Path]:
    paths = {}
    for fmt in generate.FORMATS:
        path = tmp_path / f"bench.{fmt}"
        with path.open("w", encoding="utf-8", newline="") as fh:
            generate.write(fh, count, fmt)
        paths[fmt] = path
    return paths


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    for fmt in generate.FORMATS:
        assert _text(500, fmt) == _text(500, fmt)
        assert _text(500, fmt) != _text(500, fmt, seed=8)
    written = tmp_path / "b.jsonl"
    assert generate.main(["--records", "500", "--format", "jsonl", "--out", str(written), "--seed", "7"]) == 0
    assert written.read_bytes() == _text(500).encode()


def test_planted_problems_are_exact() -> None:
    rows = [json.loads(line) for line in _text(N).splitlines()]
    assert len(rows) == N
    assert all(r["text_input"].startswith("question: ") and " context: " in r["text_input"] for r in rows)
    pairs = Counter((r["text_input"], r["output"]) for r in rows)
    outputs: dict[str, set[str]] = {}
    for r in rows:
        outputs.setdefault(r["text_input"], set()).add(r["output"])
    found = {
        "duplicates": sum(n - 1 for n in pairs.values()),
        "conflicts": sum(1 for o in outputs.values() if len(o) > 1),
        "over_limit": sum(1 for r in rows if len(r["text_input"]) > 40_000 or len(r["output"]) > 5_000),
        "whitespace": sum(1 for r in rows if r["output"] != r["output"].strip()),
    }
    assert found == generate.expected_counts(N) == {"duplicates": 20, "conflicts": 4, "over_limit": 1, "whitespace": 2}


def test_about_250_bytes_a_record() -> None:
    rows = _text(20_000).encode()
    assert 220 <= len(rows) / 20_000 <= 290  # over-limit records included
    vocabulary = {word for line in _text(N).splitlines() for word in json.loads(line)["text_input"].split()}
    assert len(vocabulary) > 300


def test_containers_hold_the_same_records(tmp_path: Path) -> None:
    paths = _files(tmp_path, N)
    jsonl_rows = [json.loads(line) for line in paths["jsonl"].read_text(encoding="utf-8").splitlines()]
    with paths["csv"].open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        assert next(reader) == ["text_input", "output"]
        csv_rows = [{"text_input": a, "output": b} for a, b in reader]
    json_rows = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert jsonl_rows == csv_rows == json_rows


def test_tunelint_finds_the_planted_problems(tmp_path: Path) -> None:
    expected = generate.expected_counts(N)
    for fmt, path in _files(tmp_path, N).items():
        report = validator.lint(str(path), isolated=True)
        assert report.files[0].records == N, fmt
        codes = Counter(f.code for f in report.findings)
        assert codes["D001"] == expected["duplicates"], fmt
        assert codes["D002"] == expected["conflicts"], fmt
        assert codes["L001"] + codes["L002"] == expected["over_limit"], fmt
        assert codes["T004"] == expected["whitespace"], fmt


def test_run_quick_prints_the_tables(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--quick", "--rules", "--keep", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "| records | format | floor s | tunelint s | ratio | records/s | peak RSS MB |"
    rows = [line for line in lines if line.startswith(("| 1,000 |", "| 10,000 |"))]
    assert [row.split("|")[2].strip() for row in rows] == ["jsonl", "csv", "jsonl", "csv"]
    assert all(("✓" in row or "✗" in row) and len(row.split("|")) == 9 for row in rows)
    assert any(line.startswith("scaling jsonl: 10x the records") for line in lines)
    assert any(line.startswith("csv/jsonl at 10,000:") for line in lines)
    assert "| rule | name | record hooks s | example hooks s | start+finish s | total s | share |" in lines
    assert any(line.startswith("| D001 | duplicate-example |") for line in lines)
    assert any(line.startswith("| — | engine (everything else) |") for line in lines)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bench_1000.csv",
        "bench_1000.jsonl",
        "bench_10000.csv",
        "bench_10000.jsonl",
    ]


def test_children_keep_compiled_bytecode(monkeypatch: pytest.MonkeyPatch) -> None:
    """The timed commands start as an installed tool does, even from a shell that turns bytecode
    caching off: otherwise every run would pay for compiling every module again."""
    import run

    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("TUNELINT_BENCH_PROBE", "kept")
    done = run.child(
        [sys.executable, "-c", "import os, sys; print(sys.dont_write_bytecode, os.environ['TUNELINT_BENCH_PROBE'])"]
    )
    assert done.stdout.split() == ["False", "kept"]


def test_select_reaches_tunelint(tmp_path: Path) -> None:
    """``--select`` times only the chosen rules: it is passed to the measured command (an unknown
    selector makes tunelint, and so the benchmark, fail)."""
    argv = [sys.executable, str(BENCHMARKS / "run.py"), "--sizes", "1000", "--formats", "jsonl"]
    argv += ["--keep", str(tmp_path)]
    done = subprocess.run([*argv, "--select", "F001"], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "lint --select F001;" in done.stdout
    bad = subprocess.run([*argv, "--select", "Z999"], capture_output=True, text=True, timeout=300, check=False)
    assert bad.returncode != 0
    assert "Z999" in bad.stderr
