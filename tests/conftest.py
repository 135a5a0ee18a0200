"""Shared test helpers: paths to shipped samples and shared real datasets, and CLI runners."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from validator import engine, shards
from validator.cli import main

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_datasets"
GOLDEN = Path(__file__).resolve().parent / "golden"
SHARED_DATASETS = REPO.parent / "shared" / "datasets"


@pytest.fixture
def shared_dataset() -> Callable[[str], Path]:
    """Path to a real public dataset in ../shared/datasets (skips when the folder is absent)."""

    def get(name: str) -> Path:
        path = SHARED_DATASETS / name
        if not path.is_file():
            pytest.skip(f"shared dataset {name} not available at {SHARED_DATASETS}")
        return path

    return get


def run_cli(*args: str, input: str | bytes | None = None) -> tuple[int, str, str]:
    """Run ``tunelint ARGS`` in-process; returns (exit code, stdout, stderr)."""
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def run_json(*args: str) -> tuple[int, dict[str, Any]]:
    """Run ``tunelint lint --output-format json --isolated ARGS`` and parse the envelope."""
    code, out, err = run_cli("lint", "--output-format", "json", "--isolated", *args)
    assert code in (0, 1), f"tool error (exit {code}): {err}"
    return code, json.loads(out)


def codes_at(envelope: dict[str, Any]) -> list[tuple[str, int | None]]:
    """``[(code, line), ...]`` of an envelope's findings, in report order."""
    return [(f["code"], f["line"]) for f in envelope["findings"]]


def read_terminal(master: int) -> bytes:
    """Everything written to a pseudo-terminal until the child closes it (EIO or EOF)."""
    chunks = []
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


@pytest.fixture
def small_shards(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Shard files of a few hundred kilobytes, and record how many ranges each sharded lint used."""
    monkeypatch.setattr(shards, "MIN_SHARD_BYTES", 64 * 1024)
    used: list[int] = []
    real = engine.lint_sharded

    def spy(*args: Any) -> Any:
        result = real(*args)
        if result is not None:
            used.append(args[4])
        return result

    monkeypatch.setattr(engine, "lint_sharded", spy)
    return used
