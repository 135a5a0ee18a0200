"""The pre-commit hook: its definition, and a real ``pre-commit try-repo`` run against a temporary
git repository holding a good and then also a bad dataset."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO
from tests.test_cli import varied_records, write_jsonl

HOOKS_FILE = REPO / ".pre-commit-hooks.yaml"


def _hook() -> dict[str, Any]:
    hooks = yaml.safe_load(HOOKS_FILE.read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    (hook,) = [h for h in hooks if h.get("id") == "tunelint"]
    assert isinstance(hook, dict)
    return hook


def test_hook_definition() -> None:
    hook = _hook()
    assert hook["language"] == "python"
    assert hook["entry"].split()[:2] == ["tunelint", "lint"]
    assert hook["require_serial"] is True
    assert hook["types"] == ["text"]
    assert "types_or" not in hook  # pre-commit has no jsonl type tag: it would skip .jsonl files
    assert re.fullmatch(r"\d+\.\d+(\.\d+)?", str(hook["minimum_pre_commit_version"]))
    assert hook.get("pass_filenames", True) is True
    assert hook.get("name")


@pytest.mark.parametrize(
    ("filename", "matches"),
    [
        ("train.jsonl", True),
        ("data/train.ndjson", True),
        ("a/b/c/val.json", True),
        ("sheet.csv", True),
        ("sheet.tsv", True),
        ("notes.txt", False),
        ("train.jsonl.bak", False),
        ("README.md", False),
        ("script.py", False),
        ("jsonl", False),
    ],
)
def test_hook_files_pattern(filename: str, matches: bool) -> None:
    # pre-commit matches `files` with re.search against the path relative to the repository root.
    assert bool(re.search(_hook()["files"], filename)) is matches


def test_hook_definition_is_valid_for_pre_commit() -> None:
    clientlib = pytest.importorskip("pre_commit.clientlib")
    manifest = clientlib.load_manifest(str(HOOKS_FILE))
    assert [h["id"] for h in manifest] == ["tunelint"]


def test_hook_minimum_version_is_satisfied_by_the_test_extra() -> None:
    from importlib.metadata import version

    wanted = tuple(int(p) for p in str(_hook()["minimum_pre_commit_version"]).split("."))
    have = tuple(int(p) for p in re.findall(r"\d+", version("pre-commit"))[:3])
    assert have >= wanted


# -- a real run ---------------------------------------------------------------------------------------


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, timeout=60)


def _try_repo(repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    pre_commit = Path(sys.executable).parent / "pre-commit"
    command = [str(pre_commit)] if pre_commit.is_file() else [sys.executable, "-m", "pre_commit"]
    return subprocess.run(
        [*command, "try-repo", str(REPO), "tunelint", "--all-files", "--color", "never"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@pytest.mark.slow
def test_pre_commit_try_repo(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed; pre-commit needs it")
    repo = tmp_path / "project"
    repo.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    # HOME stays: pip's configuration (indexes, proxies) lives there and pre-commit installs the hook
    # with pip. Only pre-commit's own cache is redirected.
    env.update({"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"})
    _git("init", "-q", cwd=repo)
    _git("config", "user.name", "tunelint tests", cwd=repo)
    _git("config", "user.email", "tests@tunelint.invalid", cwd=repo)
    _git("config", "commit.gpgsign", "false", cwd=repo)
    _git("config", "core.hooksPath", str(tmp_path / "no-hooks"), cwd=repo)

    write_jsonl(repo / "data" / "good.jsonl", varied_records(120))
    (repo / "notes.txt").write_text('{"text_input": "not linted", "output": ""}\n', encoding="utf-8")
    _git("add", ".", cwd=repo)
    _git("commit", "-q", "-m", "good data", cwd=repo)
    done = _try_repo(repo, env)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Passed" in output
    assert "notes.txt" not in output

    bad = varied_records(30, start=200)
    bad[4]["output"] = ""
    write_jsonl(repo / "data" / "bad.jsonl", bad)
    (repo / "extra.csv").write_text(
        "text_input,output\n" + "".join(f'"{r["text_input"]}","{r["output"]}"\n' for r in varied_records(25, 400)),
        encoding="utf-8",
    )
    _git("add", ".", cwd=repo)
    _git("commit", "-q", "-m", "bad data", cwd=repo)
    done = _try_repo(repo, env)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "data/bad.jsonl" in output
    assert "good.jsonl" not in output  # quiet about the file that passed
    assert "Failed" in output


@pytest.mark.slow
def test_hook_entry_lints_every_file_and_is_quiet_on_success(tmp_path: Path) -> None:
    """What the hook runs (its `entry` plus the staged file names) passes on good files, and on a
    bad one still lints every file rather than stopping at the first failure."""
    entry = _hook()["entry"].split()
    script = Path(sys.executable).parent / entry[0]
    good = [write_jsonl(tmp_path / f"good{i}.jsonl", varied_records(120, start=i * 1000)) for i in range(2)]
    bad_records = varied_records(30)
    bad_records[1]["output"] = ""
    bad = write_jsonl(tmp_path / "bad.jsonl", bad_records)
    run = [str(script), *entry[1:]]
    done = subprocess.run(
        [*run, *map(str, good)], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    done = subprocess.run(
        [*run, "--output-format", "json", str(bad), *map(str, good)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    envelope = json.loads(done.stdout)
    assert [Path(f["path"]).name for f in envelope["files"]] == ["bad.jsonl", "good0.jsonl", "good1.jsonl"]
    assert [(f["code"], f["line"]) for f in envelope["findings"]] == [("L004", None), ("S003", 2)]
