"""tunelint never opens a network connection: not while reading, linting, tokenizing, fixing or
writing any report. Sockets are made to fail loudly (and to record the attempt) for the whole test,
in-process and, through ``sitecustomize``, in a real ``tunelint`` subprocess."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import validator
from tests.conftest import SAMPLES, run_cli
from validator.errors import ConfigError

FORMATS = ("full", "concise", "json", "json-lines", "sarif", "github", "gitlab", "junit", "markdown", "html")
SAMPLE_FILES = sorted(p for p in SAMPLES.rglob("*") if p.suffix in (".jsonl", ".json", ".csv", ".tsv"))


class NetworkAttempt(AssertionError):
    """Raised (and recorded) by every patched socket entry point."""


@pytest.fixture
def attempts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Make every way to reach the network raise; yields the list of attempts made."""
    made: list[str] = []

    def refuse(name: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            made.append(name)
            raise NetworkAttempt(f"network access through {name}")

        return call

    for name in ("connect", "connect_ex", "sendto", "bind"):
        monkeypatch.setattr(socket.socket, name, refuse(f"socket.{name}"))
    for name in ("create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, refuse(name))
    yield made
    assert made == [], f"tunelint tried to reach the network: {made}"


def test_the_guard_catches_a_connection(attempts: list[str]) -> None:
    with pytest.raises(NetworkAttempt):
        socket.create_connection(("127.0.0.1", 9))
    assert attempts == ["create_connection"]
    attempts.clear()  # the fixture's own check must pass


@pytest.mark.parametrize("output_format", FORMATS)
def test_every_sample_and_output_format_lints_offline(output_format: str, attempts: list[str], tmp_path: Path) -> None:
    report = tmp_path / f"report.{output_format}"
    code, _, err = run_cli(
        "lint",
        "--isolated",
        "--output-format",
        output_format,
        "-o",
        str(report),
        "--statistics",
        *map(str, SAMPLE_FILES),
    )
    assert code == 1, err  # the bad samples have errors
    assert report.stat().st_size > 0


def test_library_fix_baseline_and_subcommands_offline(attempts: list[str], tmp_path: Path) -> None:
    for path in SAMPLE_FILES:
        report = validator.lint(str(path))
        assert report.files, path
    code, _, err = run_cli("fix", str(SAMPLES / "bad" / "bom.jsonl"), "-o", str(tmp_path / "fixed.jsonl"))
    assert code in (0, 1), err
    assert (tmp_path / "fixed.jsonl").is_file()
    baseline = tmp_path / "baseline.json"
    code, _, err = run_cli("lint", "--isolated", "--write-baseline", str(baseline), str(SAMPLES / "bad"))
    assert code in (0, 1), err
    assert json.loads(baseline.read_text())
    for args in (("rules",), ("rule", "D002"), ("profiles",)):
        code, out, err = run_cli(*args)
        assert code == 0, err
        assert out


def test_a_tokenizer_missing_from_the_cache_is_an_error_not_a_download(
    attempts: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "empty-cache"))
    with pytest.raises(ConfigError):
        validator.lint(str(SAMPLES / "good" / "qa_150.jsonl"), tokenizer="tiktoken:o200k_base")
    code, _, err = run_cli(
        "lint", "--isolated", "--tokenizer", "hf:bert-base-uncased", str(SAMPLES / "good" / "qa_150.jsonl")
    )
    assert code == 2, err


def test_a_real_subprocess_makes_no_connection(tmp_path: Path) -> None:
    """``sitecustomize`` runs before tunelint in the child: any socket use aborts it with exit 97."""
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(
        textwrap.dedent(
            """
            import os, socket

            def _refuse(*args, **kwargs):
                os.write(2, b"NETWORK ATTEMPT\\n")
                os._exit(97)

            for _name in ("connect", "connect_ex", "sendto", "bind"):
                setattr(socket.socket, _name, _refuse)
            socket.create_connection = socket.getaddrinfo = socket.gethostbyname = _refuse
            """
        )
    )
    script = shutil.which("tunelint", path=str(Path(sys.executable).parent)) or shutil.which("tunelint")
    assert script is not None, "the tunelint console script is not installed next to the test interpreter"
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TUNELINT_DEBUG")}
    env["PYTHONPATH"] = os.pathsep.join([str(guard), env.get("PYTHONPATH", "")])
    env["TIKTOKEN_CACHE_DIR"] = str(tmp_path / "empty-cache")
    for args in (
        ["lint", "--isolated", "--output-format", "html", "-o", str(tmp_path / "r.html"), str(SAMPLES)],
        ["lint", "--isolated", "--tokenizer", "tiktoken:cl100k_base", str(SAMPLES / "good" / "qa_150.jsonl")],
    ):
        done = subprocess.run([script, *args], env=env, capture_output=True, text=True, timeout=120, check=False)
        assert "NETWORK ATTEMPT" not in done.stderr
        assert done.returncode in (1, 2), done.stderr
