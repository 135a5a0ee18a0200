"""Data safety: ``lint`` never writes its inputs, every writer is atomic, ``fix`` never loses a record.

Inputs are frozen (files 0444, directories 0555) and fingerprinted — sha256, size, mtime_ns and mode
of every file, mtime_ns and listing of every directory — before and after each run. A directory's
mtime changes when an entry is created or removed, so even a temporary file that appeared and was
deleted again is caught.

These tests usually run as root, where chmod does not stop a write. Where ``chattr`` can set the
immutable flag, the inputs are made immutable as well, which stops root too (a write then fails
loudly); everywhere else the fingerprint comparison is what the assertions rest on, and it holds for
root as for anyone.

Outputs are read back with the standard library (json, csv), never with tunelint's readers.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import validator
import validator.atomic as atomic
from tests.conftest import SAMPLES, run_cli
from tests.test_fix import read_out, sha256, write_jsonl
from validator.errors import TunelintError
from validator.fix import fix_file
from validator.reporters import reporter_names

TUNELINT = Path(sys.executable).with_name("tunelint")
ROOT = os.geteuid() == 0
CHATTR = shutil.which("chattr")
BUILTIN_FORMATS = ("full", "concise", "json", "json-lines", "sarif", "github", "gitlab", "junit", "markdown", "html")
BIG_BYTES = 17 * 1024 * 1024  # above validator.shards.MIN_SHARD_BYTES, so --workers 2 shards it


# -- helpers ----------------------------------------------------------------------------------------


def snapshot(root: Path) -> dict[str, tuple[Any, ...]]:
    """Everything that a write, a rename, a chmod or a stray file would change under ``root``."""
    state: dict[str, tuple[Any, ...]] = {}
    for directory, dirs, files in os.walk(root):
        d = Path(directory)
        info = d.stat()
        state[str(d.relative_to(root)) + "/"] = (info.st_mtime_ns, info.st_mode, sorted(dirs + files))
        for name in files:
            p = d / name
            info = p.lstat()
            state[str(p.relative_to(root))] = (sha256(p), info.st_size, info.st_mtime_ns, info.st_mode)
    return state


def temp_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def assert_tool_error(code: int, out: str, err: str) -> None:
    """Exit 2 with one ``tunelint: error:`` line on stderr and no traceback anywhere."""
    assert code == 2, (code, out, err)
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tunelint: error: "), err


def qa(n: int, start: int = 0) -> list[dict[str, str]]:
    """``n`` distinct gemini records."""
    return [
        {"text_input": f"Question {i}: what is {i} times {i + 3}?", "output": f"{i} times {i + 3} is {i * (i + 3)}."}
        for i in range(start, start + n)
    ]


def failing_records(n: int) -> list[dict[str, str]]:
    """``n`` distinct records, each with an error finding (S003: whitespace-only output)."""
    return [{"text_input": f"Question {i}: name a prime above {i}.", "output": " "} for i in range(n)]


# -- frozen inputs ----------------------------------------------------------------------------------


def _generated(small: Path) -> None:
    """Good and bad datasets of every container, beside the shipped samples."""
    gen = small / "generated"
    gen.mkdir()
    write_jsonl(gen / "good.jsonl", qa(120))
    bad = [json.dumps(r) for r in qa(30)]
    bad[3] = '{"text_input": "unterminated'
    bad[7] = ""
    bad[9] = json.dumps({"text_input": "empty", "output": ""})
    bad[11] = "[1, 2, 3]"
    (gen / "bad.jsonl").write_text("\n".join(bad) + "\n", encoding="utf-8")
    rows = "".join(f'"{r["text_input"]}","{r["output"]}"\n' for r in qa(60))
    (gen / "good.csv").write_text("text_input,output\n" + rows, encoding="utf-8")
    (gen / "bad.csv").write_text('text_input,output\na,b,c\nd\n"open quote,x\n', encoding="utf-8")
    tsv = "".join(f"{r['text_input']}\t{r['output']}\n" for r in qa(60))
    (gen / "good.tsv").write_text("text_input\toutput\n" + tsv, encoding="utf-8")
    (gen / "good.json").write_text(json.dumps(qa(40), indent=2), encoding="utf-8")
    (gen / "bad.json").write_text(json.dumps(qa(5), indent=2)[:-40], encoding="utf-8")
    (gen / "cp1252.csv").write_bytes("text_input,output\ncaf\u00e9,cr\u00e8me\n".encode("cp1252"))


def _big(directory: Path) -> Path:
    """A JSONL file of at least :data:`BIG_BYTES` bytes."""
    path = directory / "big.jsonl"
    lines: list[str] = []
    size, i = 0, 0
    while size < BIG_BYTES:
        line = (
            json.dumps(
                {
                    "text_input": f"Question {i}: what is {i} plus {i * 7}? " + "detail " * 8,
                    "output": f"The sum of {i} and {i * 7} is {i * 8}.",
                }
            )
            + "\n"
        )
        lines.append(line)
        size += len(line)
        i += 1
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _set_immutable(paths: list[Path], on: bool) -> bool:
    """``chattr +i``/``-i`` (root only): even root cannot write an immutable file. False when the
    file system or the container does not allow it."""
    if not (ROOT and CHATTR):
        return False
    done = subprocess.run([CHATTR, "+i" if on else "-i", *map(str, paths)], capture_output=True, check=False)
    return done.returncode == 0


class Frozen:
    """The frozen input tree: ``small`` (the samples and generated files) and ``big`` (one file of
    at least 16 MiB). ``immutable`` says whether chattr made it unwritable even for root."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.small = root / "small"
        self.big = root / "big"
        self.big_file = self.big / "big.jsonl"
        self.immutable = False

    def entries(self) -> list[Path]:
        return [self.root, *sorted(self.root.rglob("*"))]


@pytest.fixture(scope="module")
def frozen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Frozen]:
    tree = Frozen(tmp_path_factory.mktemp("frozen"))
    shutil.copytree(SAMPLES, tree.small, ignore=shutil.ignore_patterns("__pycache__"))
    _generated(tree.small)
    tree.big.mkdir()
    _big(tree.big)
    entries = tree.entries()
    for entry in entries:
        entry.chmod(0o555 if entry.is_dir() else 0o444)
    tree.immutable = _set_immutable(entries, True)
    try:
        yield tree
    finally:
        if tree.immutable:
            _set_immutable(entries, False)
        for entry in entries:
            entry.chmod(0o755 if entry.is_dir() else 0o644)


# -- 1. lint never writes its inputs ----------------------------------------------------------------


def test_every_builtin_format_is_exercised() -> None:
    # The loop below runs every registered reporter; this pins that the built-ins are among them.
    assert set(BUILTIN_FORMATS) <= set(reporter_names())


def test_lint_in_every_format_leaves_inputs_untouched(frozen: Frozen, tmp_path: Path) -> None:
    before = snapshot(frozen.root)
    small = str(frozen.small)
    for fmt in reporter_names():
        code, out, err = run_cli("lint", small, "--isolated", "--output-format", fmt, "--statistics")
        assert code == 1 and out and "Traceback" not in err, (fmt, err)
        report = tmp_path / f"report.{fmt}"
        code, out, err = run_cli("lint", small, "--isolated", "--output-format", fmt, "-o", str(report))
        assert code == 1 and out == "" and report.stat().st_size > 0, (fmt, err)
    base = tmp_path / "elsewhere" / "baseline.json"
    base.parent.mkdir()
    code, _, err = run_cli("lint", small, "--isolated", "--write-baseline", str(base))
    assert code == 0, err
    assert json.loads(base.read_text("utf-8"))["entries"]
    code, out, err = run_cli("lint", small, "--isolated", "--baseline", str(base), "--output-format", "json")
    assert code == 0 and json.loads(out)["baseline"]["suppressed"] > 0, err
    code, out, _ = run_cli("lint", small, "--isolated", "--show-settings")
    assert code == 0 and out
    assert snapshot(frozen.root) == before
    assert temp_files(tmp_path) == [] and temp_files(base.parent) == []


def test_lint_subprocess_with_workers_leaves_inputs_untouched(frozen: Frozen, tmp_path: Path) -> None:
    """A real process with ``--workers 2`` on a file above the sharding threshold, the report to
    ``-o`` and the baseline in another directory; then the same with ``--baseline``."""
    before = snapshot(frozen.root)
    base, report = tmp_path / "baseline.json", tmp_path / "report.json"
    lines = frozen.big_file.read_bytes().count(b"\n")
    args = [str(TUNELINT), "lint", str(frozen.big), str(frozen.small), "--isolated", "--workers", "2"]
    done = subprocess.run(
        [*args, "--statistics", "--write-baseline", str(base), "--output-format", "json", "-o", str(report)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    envelope = json.loads(report.read_text("utf-8"))
    records = {Path(f["path"]).name: f["records"] for f in envelope["files"]}
    assert records["big.jsonl"] == lines  # the whole file was read
    done = subprocess.run(
        [*args, "--baseline", str(base), "--output-format", "concise", "--statistics"],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert snapshot(frozen.root) == before
    assert temp_files(tmp_path) == []


def test_library_lint_leaves_inputs_untouched(frozen: Frozen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import validator.shards as shards

    cuts: list[int] = []
    real_plan = shards.plan_ranges

    def spy(path: str, size: int, count: int, *, quoted: bool = False) -> list[tuple[int, int]]:
        bounds = real_plan(path, size, count, quoted=quoted)
        cuts.append(len(bounds))
        return bounds

    monkeypatch.setattr(shards, "plan_ranges", spy)
    before = snapshot(frozen.root)
    report = validator.lint(str(frozen.small), isolated=True)
    assert not report.ok and json.loads(report.to_json())["files"]
    sharded = validator.lint(str(frozen.big_file), isolated=True, workers=2)
    assert cuts and max(cuts) == 2  # the multi-process path ran
    assert sharded.files[0].records == frozen.big_file.read_bytes().count(b"\n")
    assert report.write_baseline(str(tmp_path / "baseline.json")) > 0
    validator.lint(str(frozen.small), isolated=True, baseline=str(tmp_path / "baseline.json"))
    with pytest.raises(validator.DatasetValidationError):
        report.raise_for_errors()
    assert snapshot(frozen.root) == before


def test_immutable_inputs_really_refuse_writes(frozen: Frozen) -> None:
    """When chattr worked, the freeze is real even for root (so the tests above would have failed
    loudly on any write); otherwise this documents that only the fingerprints guard the inputs."""
    if not frozen.immutable and ROOT:
        pytest.skip("root without chattr +i: the fingerprint comparisons are the guard")
    with pytest.raises(PermissionError):
        (frozen.small / "good" / "qa_150.jsonl").open("ab")
    with pytest.raises(PermissionError):
        (frozen.small / "stray.tmp").write_text("x")


@pytest.mark.parametrize("option", ["-o", "--write-baseline"])
def test_lint_refuses_to_write_a_report_or_baseline_over_an_input(tmp_path: Path, option: str) -> None:
    (tmp_path / "data").mkdir()
    data = write_jsonl(tmp_path / "data" / "train.jsonl", qa(30))
    link = tmp_path / "link.jsonl"
    link.symlink_to(data)
    before = snapshot(tmp_path)
    # The file itself, through a symlink, through another spelling, and found by a directory walk.
    for target, linted in (
        (data, data),
        (link, data),
        (tmp_path / "data" / ".." / "data" / "train.jsonl", data),
        (data, tmp_path / "data"),
    ):
        code, out, err = run_cli("lint", str(linted), "--isolated", option, str(target))
        assert_tool_error(code, out, err)
        assert str(target) in err
    assert snapshot(tmp_path) == before


def test_lint_refuses_a_report_over_the_baseline_or_config_it_reads(tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "train.jsonl", qa(30))
    base, config = tmp_path / "baseline.json", tmp_path / "tunelint.toml"
    code, _, err = run_cli("lint", str(data), "--isolated", "--write-baseline", str(base))
    assert code == 0, err
    config.write_text('select = ["S003"]\n', encoding="utf-8")
    code, _, err = run_cli("lint", str(data), "--config", str(config), "--baseline", str(base))
    assert code == 0, err  # both are valid inputs: the refusals below are about the targets only
    before = snapshot(tmp_path)
    for args in (
        ["--isolated", "--baseline", str(base), "-o", str(base)],
        ["--config", str(config), "-o", str(config)],
        ["--config", str(config), "--write-baseline", str(config)],
    ):
        code, out, err = run_cli("lint", str(data), *args)
        assert_tool_error(code, out, err)
    assert snapshot(tmp_path) == before


def test_lint_refuses_the_same_file_for_report_and_baseline(tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "train.jsonl", qa(30))
    out = tmp_path / "out.json"
    code, stdout, err = run_cli("lint", str(data), "--isolated", "-o", str(out), "--write-baseline", str(out))
    assert_tool_error(code, stdout, err)
    assert not out.exists()


def test_library_baseline_never_replaces_a_linted_file(tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "train.jsonl", failing_records(30))
    before = sha256(data)
    report = validator.lint(str(data), isolated=True)
    assert report.findings
    with pytest.raises(TunelintError):
        report.write_baseline(str(data))
    assert sha256(data) == before and temp_files(tmp_path) == []


# -- 2. every writer is atomic ----------------------------------------------------------------------


def _wait_for_growing_temp(proc: subprocess.Popen[bytes], directory: Path, prefix: str, min_size: int) -> int:
    """Poll until a temporary file named ``prefix*.tmp`` holds at least ``min_size`` bytes; its size."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the process ended before the write was seen under way"
        for p in directory.iterdir():
            if p.name.startswith(prefix) and p.name.endswith(".tmp"):
                try:
                    size = p.stat().st_size
                except FileNotFoundError:
                    continue
                if size >= min_size:
                    return size
        time.sleep(0.002)
    raise AssertionError("no temporary file grew within the deadline")


@pytest.fixture(scope="module")
def slow_fix_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300k records: ``fix`` needs seconds to load them and about a second to write them."""
    records = [
        {"text_input": f"Question {i}: " + "context " * 12, "output": f"Answer number {i}."} for i in range(300_000)
    ]
    return write_jsonl(tmp_path_factory.mktemp("slow") / "in.jsonl", records)


@pytest.mark.parametrize(
    ("signum", "status", "leftover"),
    [(signal.SIGKILL, -signal.SIGKILL, 1), (signal.SIGTERM, 128 + signal.SIGTERM, 0), (signal.SIGINT, 2, 0)],
    ids=["SIGKILL", "SIGTERM", "SIGINT"],
)
def test_signal_during_fix_leaves_the_old_output_byte_identical(
    tmp_path: Path, slow_fix_input: Path, signum: int, status: int, leftover: int
) -> None:
    """A real ``tunelint fix`` of 300k records stopped by a signal while its temporary file grows:
    the old OUT is byte-identical and the input unchanged. SIGTERM and Ctrl-C remove the temporary
    file; SIGKILL cannot be caught, so it stays behind — named ``.out.jsonl.*.tmp``, never OUT."""
    source_hash = sha256(slow_fix_input)
    out = tmp_path / "out.jsonl"
    old = b'{"text_input": "old", "output": "content"}\n'
    out.write_bytes(old)
    proc = subprocess.Popen(
        [str(TUNELINT), "fix", str(slow_fix_input), "-o", str(out), "--force", "--isolated", "--strip"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        seen = _wait_for_growing_temp(proc, tmp_path, atomic.temp_prefix(str(out)), 1 << 20)
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == status, err
    assert seen >= 1 << 20
    assert b"Traceback" not in err
    assert out.read_bytes() == old
    assert sha256(slow_fix_input) == source_hash
    leftovers = temp_files(tmp_path)
    assert len(leftovers) == leftover and all(name.startswith(".out.jsonl.") for name in leftovers)
    # A later run is not disturbed by a leftover and replaces OUT completely.
    small = write_jsonl(tmp_path / "small.jsonl", qa(30))
    code, _, err_text = fix_json(str(small), "-o", str(out), "--force")
    assert code == 0 and read_out(out) == qa(30), err_text


class _DiskFull:
    """A text file wrapper whose writes stop after ``room`` characters with ENOSPC — the first
    part of the text really is written, as on a disk that fills up mid-write."""

    def __init__(self, inner: Any, room: int) -> None:
        self._inner = inner
        self._room = room

    def write(self, text: str) -> int:
        if len(text) > self._room:
            self._inner.write(text[: self._room])
            self._inner.flush()
            self._room = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self._room -= len(text)
        return int(self._inner.write(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __enter__(self) -> _DiskFull:
        return self

    def __exit__(self, *exc: object) -> None:
        self._inner.close()


def _break_writes(monkeypatch: pytest.MonkeyPatch, how: str, directory: Path) -> list[str]:
    """Make the atomic writer fail ``how`` for files in ``directory``; returns the temp files seen
    (proof that the failure hit a write under way, not a check before it)."""
    seen: list[str] = []
    ours: set[int] = set()  # descriptors of the temporary files in ``directory``
    real_fdopen, real_fsync, real_replace = os.fdopen, os.fsync, os.replace
    real_mkstemp = tempfile.mkstemp

    def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        fd, name = real_mkstemp(*args, **kwargs)
        if Path(name).parent == directory:
            seen.append(name)
            ours.add(fd)
        return fd, name

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        fh = real_fdopen(fd, *args, **kwargs)
        return _DiskFull(fh, 1000) if how == "write" and fd in ours else fh

    def fsync(fd: int) -> None:
        if how == "fsync" and fd in ours:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    def replace(src: Any, dst: Any) -> None:
        if how == "replace" and Path(os.fspath(dst)).parent == directory:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_replace(src, dst)

    monkeypatch.setattr(atomic.tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(atomic.os, "fdopen", fdopen)
    monkeypatch.setattr(atomic.os, "fsync", fsync)
    monkeypatch.setattr(atomic.os, "replace", replace)
    return seen


WRITERS = ("fix", "report", "baseline")


def _writer_args(writer: str, source: Path, target: Path) -> list[str]:
    if writer == "fix":
        return ["fix", str(source), "-o", str(target), "--force", "--isolated"]
    if writer == "report":
        return ["lint", str(source), "--isolated", "--output-format", "json", "-o", str(target)]
    return ["lint", str(source), "--isolated", "--write-baseline", str(target)]


@pytest.mark.parametrize("how", ["write", "fsync", "replace"])
@pytest.mark.parametrize("writer", WRITERS)
def test_failed_write_keeps_the_old_file_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer: str, how: str
) -> None:
    (tmp_path / "in").mkdir()
    source = write_jsonl(tmp_path / "in" / "data.jsonl", failing_records(400))
    outdir = tmp_path / "out"
    outdir.mkdir()
    target = outdir / ("fixed.jsonl" if writer == "fix" else "target.json")
    old = b"old content that must survive\n"
    target.write_bytes(old)
    inputs = snapshot(tmp_path / "in")
    seen = _break_writes(monkeypatch, how, outdir)
    code, out, err = run_cli(*_writer_args(writer, source, target))
    assert_tool_error(code, out, err)
    assert str(target) in err and os.strerror(errno.ENOSPC if how != "replace" else errno.EIO) in err
    assert seen, "the failure must hit a write under way"
    assert target.read_bytes() == old
    assert sorted(p.name for p in outdir.iterdir()) == [target.name]  # no temporary file left
    assert snapshot(tmp_path / "in") == inputs


@pytest.mark.parametrize("how", ["second-write", "second-rename"])
def test_split_replaces_both_files_or_neither(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    """``fix --split`` writes a training and a validation file: when the second one fails — while
    writing, or even at its rename, after the first file was already replaced — both old files are
    there afterwards (a new training file beside an old validation file could leak records)."""
    source = write_jsonl(tmp_path / "in.jsonl", qa(200))
    out, val = tmp_path / "out.jsonl", tmp_path / "out.validation.jsonl"
    out.write_bytes(b"old training\n")
    val.write_bytes(b"old validation\n")
    real_fdopen, real_replace, real_mkstemp = os.fdopen, os.replace, tempfile.mkstemp
    opened: list[int] = []  # descriptors of the temporary files, in order

    def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        fd, name = real_mkstemp(*args, **kwargs)
        opened.append(fd)
        return fd, name

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        fh = real_fdopen(fd, *args, **kwargs)
        second = len(opened) == 2 and fd == opened[1]
        return _DiskFull(fh, 100) if how == "second-write" and second else fh

    def replace(src: Any, dst: Any) -> None:
        if how == "second-rename" and Path(os.fspath(dst)) == val and Path(os.fspath(src)).name.endswith(".tmp"):
            assert out.read_bytes() != b"old training\n"  # the first file really was replaced
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_replace(src, dst)

    monkeypatch.setattr(atomic.tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(atomic.os, "fdopen", fdopen)
    monkeypatch.setattr(atomic.os, "replace", replace)
    code, out_text, err = run_cli(
        "fix", str(source), "-o", str(out), "--split", "validation=0.2", "--force", "--isolated"
    )
    assert_tool_error(code, out_text, err)
    assert out.read_bytes() == b"old training\n" and val.read_bytes() == b"old validation\n"
    assert temp_files(tmp_path) == []
    monkeypatch.undo()
    code, summary, err = fix_json(str(source), "-o", str(out), "--split", "validation=0.2", "--force")
    assert code in (0, 1) and summary["records_out"] + summary["validation_records"] == 200, err


def _limited_file_size(limit: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.parametrize("writer", WRITERS)
def test_real_file_size_limit_fails_cleanly(tmp_path: Path, writer: str) -> None:
    """A real process under ``RLIMIT_FSIZE`` (64 KiB): the kernel refuses the write half-way (EFBIG,
    as a full disk would), and the old file survives with no temporary file beside it."""
    source = write_jsonl(tmp_path / "data.jsonl", failing_records(3000))
    assert source.stat().st_size > 64 * 1024
    outdir = tmp_path / "out"
    outdir.mkdir()
    target = outdir / ("fixed.jsonl" if writer == "fix" else "target.json")
    old = b"old content\n"
    target.write_bytes(old)
    source_hash = sha256(source)
    done = subprocess.run(
        [str(TUNELINT), *_writer_args(writer, source, target)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        preexec_fn=_limited_file_size(64 * 1024),
    )
    assert_tool_error(done.returncode, done.stdout, done.stderr)
    assert os.strerror(errno.EFBIG) in done.stderr
    assert target.read_bytes() == old
    assert sorted(p.name for p in outdir.iterdir()) == [target.name]
    assert sha256(source) == source_hash


@pytest.mark.parametrize("writer", WRITERS)
def test_dev_full_is_a_clear_error(tmp_path: Path, writer: str) -> None:
    """``/dev/full`` is written in place (it is a device) and every write fails with ENOSPC."""
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this platform")
    source = write_jsonl(tmp_path / "data.jsonl", failing_records(50))
    code, out, err = run_cli(*_writer_args(writer, source, Path("/dev/full")))
    assert_tool_error(code, out, err)
    assert os.strerror(errno.ENOSPC) in err
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


# -- 4. bad targets: refused before anything is written ---------------------------------------------


def _bad_target(case: str, tmp_path: Path) -> Path:
    outdir = tmp_path / "out"
    outdir.mkdir()
    if case == "directory":
        target = outdir / "report.json"
        target.mkdir()
    elif case == "read-only file":
        target = outdir / "report.json"
        target.write_text("protected\n")
        target.chmod(0o444)
    elif case == "read-only directory":
        target = outdir / "locked" / "report.json"
        target.parent.mkdir()
        target.parent.chmod(0o555)
    else:  # missing directory
        target = outdir / "missing" / "report.json"
    return target


BAD_TARGETS = ("directory", "read-only file", "read-only directory", "missing directory")


@pytest.mark.parametrize("case", BAD_TARGETS)
@pytest.mark.parametrize("writer", WRITERS)
def test_bad_target_is_exit_2_and_nothing_is_touched(tmp_path: Path, writer: str, case: str) -> None:
    source = write_jsonl(tmp_path / "data.jsonl", failing_records(50))
    target = _bad_target(case, tmp_path)
    before = snapshot(tmp_path)
    try:
        code, out, err = run_cli(*_writer_args(writer, source, target))
        assert_tool_error(code, out, err)
        assert str(target) in err
        assert snapshot(tmp_path) == before
    finally:
        for p in (tmp_path / "out").rglob("*"):
            p.chmod(0o755 if p.is_dir() else 0o644)


def test_bad_targets_in_a_real_process(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "data.jsonl", failing_records(50))
    target = _bad_target("read-only file", tmp_path)
    done = subprocess.run(
        [str(TUNELINT), *_writer_args("report", source, target)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert_tool_error(done.returncode, done.stdout, done.stderr)
    assert target.read_text() == "protected\n" and temp_files(target.parent) == []


def test_read_only_check_is_a_tool_error_in_the_library(tmp_path: Path) -> None:
    report = validator.lint(qa(3))
    target = tmp_path / "baseline.json"
    target.write_text("keep\n")
    target.chmod(0o444)
    with pytest.raises(TunelintError):
        report.write_baseline(str(target))
    with pytest.raises(OSError):  # a write error is also an OSError, for callers that catch those
        report.write_baseline(str(tmp_path / "missing" / "baseline.json"))
    assert target.read_text() == "keep\n"


def test_report_to_a_symlink_replaces_the_link_not_the_file_it_points_to(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "data.jsonl", qa(30))
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text("someone else's file\n")
    elsewhere.chmod(0o444)
    link = tmp_path / "report.json"
    link.symlink_to(elsewhere)
    code, _, err = run_cli("lint", str(source), "--isolated", "--output-format", "json", "-o", str(link))
    assert code in (0, 1), err
    assert elsewhere.read_text() == "someone else's file\n"
    assert not link.is_symlink() and json.loads(link.read_text("utf-8"))["files"]


def test_a_device_target_is_written_in_place(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "data.jsonl", qa(30))
    code, out, err = run_cli("lint", str(source), "--isolated", "-o", os.devnull)
    assert code in (0, 1) and out == "", err
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


# -- 3. fix never loses data ------------------------------------------------------------------------


def fix_json(*args: str) -> tuple[int, dict[str, Any], str]:
    """``tunelint fix --output-format json --isolated ARGS`` in-process: (exit, parsed JSON, stderr)."""
    code, out, err = run_cli("fix", "--output-format", "json", "--isolated", *args)
    return code, (json.loads(out) if out.strip() else {}), err


def test_fix_refuses_to_write_its_input_in_every_spelling(tmp_path: Path) -> None:
    """Decision: ``fix IN -o IN`` is refused (exit 2) even with --force, rather than replacing the
    input after a complete write: a dataset is never the place a repaired copy lands."""
    source = write_jsonl(tmp_path / "train.jsonl", [*qa(30), *qa(3)])
    link = tmp_path / "link.jsonl"
    link.symlink_to(source)
    hard = tmp_path / "hard.jsonl"
    os.link(source, hard)
    # --split names the validation file beside OUT: out.validation.jsonl is the input here.
    split_input = write_jsonl(tmp_path / "out.validation.jsonl", qa(30))
    before = snapshot(tmp_path)
    cases = [
        (source, source, []),
        (source, link, []),
        (link, source, []),
        (hard, source, ["--dedupe"]),
        (source, tmp_path / "." / "train.jsonl", ["--strip"]),
        (split_input, tmp_path / "out.jsonl", ["--split", "validation=0.2"]),
    ]
    for src, out, extra in cases:
        code, summary, err = fix_json(str(src), "-o", str(out), "--force", *extra)
        assert_tool_error(code, "", err)
        assert summary == {}
    assert snapshot(tmp_path) == before


def test_fix_refuses_an_input_that_can_be_read_only_once(tmp_path: Path) -> None:
    """fix reads its input twice (records, then repeated keys or the CSV header): a pipe or a device
    is refused at once — a FIFO without a writer must not hang the command."""
    fifo = tmp_path / "data.jsonl"
    os.mkfifo(fifo)
    for source in (str(fifo), os.devnull):
        done = subprocess.run(
            [str(TUNELINT), "fix", source, "-o", str(tmp_path / "out.jsonl"), "--isolated"],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert_tool_error(done.returncode, done.stdout, done.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.jsonl"]


def test_fix_with_a_parse_error_refuses_and_writes_nothing(tmp_path: Path) -> None:
    """A record that does not parse: exit 1, nothing written (an existing OUT stays as it is), the
    bad lines listed; with --drop-invalid exactly those lines are dropped and listed."""
    lines = [json.dumps(r) for r in qa(40)]
    bad = [5, 17, 40]
    for n in bad:
        lines[n - 1] = lines[n - 1][:-7]  # cut off the closing quote and brace
    source = tmp_path / "broken.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, summary, err = fix_json(str(source), "-o", str(out))
    assert code == 1 and summary["lines"] == bad and "Traceback" not in err
    assert not out.exists() and temp_files(tmp_path) == []
    out.write_text("previous\n")
    code, summary, _ = fix_json(str(source), "-o", str(out), "--force")
    assert code == 1 and out.read_text() == "previous\n"
    code, summary, err = fix_json(str(source), "-o", str(out), "--force", "--drop-invalid")
    assert code == 0, err
    changes = {c["code"]: c["lines"] for c in summary["changes"]}
    assert changes["F002"] == bad
    expected = [r for n, r in enumerate(qa(40), start=1) if n not in bad]
    assert read_out(out) == expected
    assert summary["records_in"] == 40 and summary["records_out"] == 37


def test_fix_of_an_unknown_shape_copies_every_record(tmp_path: Path) -> None:
    """Records matching no shape are copied exactly (nothing is guessed); repairs that need the
    text fields are a tool error, not a silent no-op."""
    records = [{"question": f"q{i}", "answer": f"a {i} ", "meta": {"n": i, "tags": ["x", i]}} for i in range(25)]
    source = write_jsonl(tmp_path / "odd.jsonl", records)
    out = tmp_path / "out.jsonl"
    code, summary, err = fix_json(str(source), "-o", str(out))
    assert code in (0, 1) and "Traceback" not in err
    assert summary["records_in"] == summary["records_out"] == 25
    assert read_out(out) == records
    for option in ("--strip", "--dedupe"):
        other = tmp_path / f"out{option}.jsonl"
        code, _, err = fix_json(str(source), "-o", str(other), option)
        assert_tool_error(code, "", err)
        assert not other.exists()


def test_fix_keeps_records_that_do_not_fit_the_shape_unless_asked(tmp_path: Path) -> None:
    records: list[Any] = qa(30)
    records[4] = {"text_input": "no output here"}
    records[9] = ["an", "array"]
    records[14] = {"text_input": "typed", "output": 42}
    source = write_jsonl(tmp_path / "mixed.jsonl", records)
    out = tmp_path / "out.jsonl"
    code, summary, err = fix_json(str(source), "-o", str(out), "--strip", "--dedupe")
    assert "Traceback" not in err and summary["records_out"] == 30
    assert read_out(out) == records
    code, summary, _ = fix_json(str(source), "-o", str(out), "--force", "--drop-invalid")
    dropped = sorted(line for c in summary["changes"] if c["code"] in ("S001", "S002") for line in c["lines"])
    assert dropped == [5, 10, 15]
    assert read_out(out) == [r for n, r in enumerate(records, start=1) if n not in dropped]
    code, summary, err = fix_json(str(source), "-o", str(tmp_path / "out.csv"))
    assert code == 1 and summary["lines"] == [5, 10, 15] and not (tmp_path / "out.csv").exists(), err


def test_fix_of_a_wrapped_json_names_what_it_leaves_out(tmp_path: Path) -> None:
    document = {"name": "demo", "version": 3, "examples": qa(25)}
    source = tmp_path / "wrapped.json"
    source.write_text(json.dumps(document, indent=2), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code, summary, err = fix_json(str(source), "-o", str(out))
    assert code == 0, err
    assert read_out(out) == qa(25)
    message = next(c["message"] for c in summary["changes"] if c["code"] == "convert")
    assert "/name" in message and "/version" in message


@pytest.mark.parametrize(
    "document",
    [
        {"examples": qa(25), "more": qa(5, 100)},
        {"train": {"examples": qa(25)}, "test": {"examples": qa(5, 100)}},
        {"meta": {"columns": ["a", "b"]}, "data": qa(25)},
    ],
    ids=["second-array", "nested-second-array", "array-in-metadata"],
)
def test_fix_of_a_wrapped_json_refuses_to_drop_other_arrays(tmp_path: Path, document: dict[str, Any]) -> None:
    """The readers lint one array of records in an object; fix must not silently drop the rest."""
    source = tmp_path / "wrapped.json"
    source.write_text(json.dumps(document, indent=2), encoding="utf-8")
    for name in ("out.jsonl", "out.json"):
        code, summary, err = fix_json(str(source), "-o", str(tmp_path / name))
        assert code == 1 and "refused" in summary, err
        assert not (tmp_path / name).exists()


def test_fix_refuses_records_that_repeat_a_key(tmp_path: Path) -> None:
    """A repeated key is read as its last value: writing the record would drop the first one."""
    lines = [json.dumps(r) for r in qa(30)]
    lines[2] = '{"text_input": "first", "text_input": "second", "output": "x"}'
    lines[20] = '{"messages": [{"role": "user", "content": "a", "content": "b"}], "output": "y"}'
    source = tmp_path / "dup.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    document = tmp_path / "dup.json"
    document.write_text("[" + ",\n".join(lines) + "]", encoding="utf-8")
    wrapper = tmp_path / "wrapped.json"
    wrapper.write_text('{"examples": [' + ",".join(lines[:2]) + '], "examples": []}', encoding="utf-8")
    for path, expected in ((source, [3, 21]), (document, []), (wrapper, [])):
        for extra in ([], ["--drop-invalid"]):
            out = tmp_path / "out.jsonl"
            code, summary, err = fix_json(str(path), "-o", str(out), *extra)
            assert code == 1 and "refused" in summary and summary["lines"] == expected, err
            assert not out.exists() and temp_files(tmp_path) == []


def test_fix_refuses_a_csv_header_that_names_a_column_twice(tmp_path: Path) -> None:
    source = tmp_path / "dup.csv"
    source.write_text("text_input,output, output\nq1,a1,b1\nq2,a2,b2\n", encoding="utf-8")
    code, summary, err = fix_json(str(source), "-o", str(tmp_path / "out.jsonl"))
    assert code == 1 and summary["lines"] == [1], err
    assert not (tmp_path / "out.jsonl").exists()
    # Outer whitespace alone is trimmed by the readers, and said so.
    (tmp_path / "ok.csv").write_text("text_input, output \nq1,a1\n", encoding="utf-8")
    code, summary, err = fix_json(str(tmp_path / "ok.csv"), "-o", str(tmp_path / "ok.jsonl"))
    assert code in (0, 1) and read_out(tmp_path / "ok.jsonl") == [{"text_input": "q1", "output": "a1"}], err
    assert any("' output '" in c["message"] for c in summary["changes"])


def test_fix_refuses_numbers_json_cannot_write(tmp_path: Path) -> None:
    """``1e999`` reads as infinity, which JSON cannot spell: listed and refused, not an internal error."""
    records = [json.dumps(r) for r in qa(30)]
    records[6] = '{"text_input": "q", "output": "a", "score": 1e999}'
    records[9] = '{"text_input": "q2", "output": "a2", "score": -1e400}'
    source = tmp_path / "inf.jsonl"
    source.write_text("\n".join(records) + "\n", encoding="utf-8")
    for name in ("out.jsonl", "out.json"):
        out = tmp_path / name
        out.write_text("old\n")
        code, summary, err = fix_json(str(source), "-o", str(out), "--force")
        assert code == 1 and summary["lines"] == [7, 10], err
        assert out.read_text() == "old\n" and temp_files(tmp_path) == []


def test_fix_of_columns_and_single_record_documents_keeps_everything(tmp_path: Path) -> None:
    records = qa(25)
    columns = {"text_input": [r["text_input"] for r in records], "output": [r["output"] for r in records]}
    (tmp_path / "columns.json").write_text(json.dumps(columns), encoding="utf-8")
    code, summary, err = fix_json(str(tmp_path / "columns.json"), "-o", str(tmp_path / "a.jsonl"))
    assert code in (0, 1) and summary["records_out"] == 25, err
    assert read_out(tmp_path / "a.jsonl") == records
    chat = {"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]}
    (tmp_path / "one.json").write_text(json.dumps(chat), encoding="utf-8")
    code, summary, err = fix_json(str(tmp_path / "one.json"), "-o", str(tmp_path / "b.jsonl"))
    assert summary["records_out"] == 1, err
    assert read_out(tmp_path / "b.jsonl") == [chat]


# -- 3. property: record by record ------------------------------------------------------------------

# Any Unicode but lone surrogates, with the characters that stress JSON and CSV writers.
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=["Cs"]),
        st.sampled_from(["\n", "\r", '"', ",", "\t", " ", "\u00a0", "\u2028", "\\", "{", "\x00"]),
    ),
    max_size=20,
)


def _gemini(i: str, o: str) -> dict[str, Any]:
    return {"text_input": i, "output": o}


def _prompt(i: str, o: str) -> dict[str, Any]:
    return {"prompt": i, "completion": o}


def _alpaca(i: str, o: str) -> dict[str, Any]:
    return {"instruction": i, "input": "", "output": o}


def _openai(i: str, o: str) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": i}, {"role": "assistant", "content": o}]}


def _vertex(i: str, o: str) -> dict[str, Any]:
    return {"contents": [{"role": "user", "parts": [{"text": i}]}, {"role": "model", "parts": [{"text": o}]}]}


def _sharegpt(i: str, o: str) -> dict[str, Any]:
    return {"conversations": [{"from": "human", "value": i}, {"from": "gpt", "value": o}]}


BUILDERS: dict[str, Callable[[str, str], dict[str, Any]]] = {
    "gemini": _gemini,
    "prompt-completion": _prompt,
    "alpaca": _alpaca,
    "openai-chat": _openai,
    "vertex-gemini": _vertex,
    "sharegpt": _sharegpt,
}
FLAT = ("gemini", "prompt-completion", "alpaca")
CONVERTIBLE = ("gemini", "prompt-completion")
TARGETS = {"gemini": _gemini, "openai-chat": _openai, "vertex-gemini": _vertex}


@st.composite
def fix_cases(draw: st.DrawFn) -> dict[str, Any]:
    shape = draw(st.sampled_from(sorted(BUILDERS)))
    outputs = draw(st.lists(TEXT, min_size=1, max_size=12, unique=True))  # distinct per record
    pairs = [(draw(TEXT), o) for o in outputs]
    copies = draw(st.lists(st.integers(0, len(pairs) - 1), max_size=4))  # exact duplicates
    pairs = draw(st.permutations(pairs + [pairs[k] for k in copies]))
    to_shape = draw(st.sampled_from([None, *TARGETS])) if shape in CONVERTIBLE else None
    flat = (to_shape or shape) in ("gemini", *FLAT) and (to_shape is None or to_shape == "gemini")
    fmt = draw(st.sampled_from(["jsonl", "json", "csv", "tsv"] if flat else ["jsonl", "json"]))
    return {
        "shape": shape,
        "pairs": pairs,
        "strip": draw(st.booleans()),
        "dedupe": draw(st.booleans()),
        "to_shape": to_shape,
        "fmt": fmt,
        "split": draw(st.sampled_from([None, 0.3])),
    }


def _expected(case: dict[str, Any]) -> tuple[list[Any], list[int], list[int]]:
    """The records fix must write, in order, and the lines T004 and D001 must list."""
    build = BUILDERS[case["shape"]]
    kept: list[Any] = []
    stripped: list[int] = []
    dropped: list[int] = []
    seen: set[tuple[str, str]] = set()
    for line, (i, o) in enumerate(case["pairs"], start=1):
        if case["strip"] and (i.strip(), o.strip()) != (i, o):
            stripped.append(line)
            i, o = i.strip(), o.strip()
        if case["dedupe"]:
            if (i, o) in seen:
                dropped.append(line)
                continue
            seen.add((i, o))
        kept.append(TARGETS[case["to_shape"]](i, o) if case["to_shape"] else build(i, o))
    return kept, stripped, dropped


def _is_subsequence(part: list[Any], whole: list[Any]) -> bool:
    it = iter(whole)
    return all(any(x == y for y in it) for x in part)


@settings(deadline=None, max_examples=120, suppress_health_check=[HealthCheck.too_slow])
@given(case=fix_cases())
def test_fix_preserves_every_record_except_the_documented_repairs(case: dict[str, Any]) -> None:
    """Record by record: the output holds exactly the input records, in order, with only T004's
    listed records stripped and only D001's listed records dropped (a fix that wrote the same
    completion everywhere, or lost a record, fails here)."""
    build = BUILDERS[case["shape"]]
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        records = [build(i, o) for i, o in case["pairs"]]
        source = write_jsonl(d / "in.jsonl", records)
        source_hash = sha256(source)
        out = d / f"out.{case['fmt']}"
        result = fix_file(
            source,
            out,
            strip=case["strip"],
            dedupe=case["dedupe"],
            to_shape=case["to_shape"],
            split=case["split"],
            seed=3,
        )
        expected, stripped, dropped = _expected(case)
        changes = {c.code: list(c.lines) for c in result.changes}
        assert changes.get("T004", []) == stripped
        assert changes.get("D001", []) == dropped
        assert result.records_in == len(records)
        written = read_out(out)
        if case["split"] is None:
            assert written == expected
            assert result.records_out == len(expected)
        else:
            assert result.validation is not None
            held_out = read_out(Path(result.validation))
            assert len(written) + len(held_out) == len(expected)
            assert result.records_out == len(written) and result.validation_records == len(held_out)
            assert _is_subsequence(written, expected) and _is_subsequence(held_out, expected)
            canon = [json.dumps(r, sort_keys=True) for r in (*written, *held_out)]
            assert Counter(canon) == Counter(json.dumps(r, sort_keys=True) for r in expected)
        assert sha256(source) == source_hash
        assert temp_files(d) == []


def test_the_property_model_catches_a_fix_that_repeats_one_completion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Guard for the property above: a fix that overwrote every completion with one text must fail
    its comparison (this simulates that bug through the serialiser)."""
    import validator.fix as fix_module

    real = fix_module.serialize  # type: ignore[attr-defined]

    def same_completion(values: list[Any], fmt: str, header: list[str] | None = None) -> Iterator[str]:
        return real([{**v, "output": values[0]["output"]} for v in values], fmt, header)

    monkeypatch.setattr(fix_module, "serialize", same_completion)
    case = {
        "shape": "gemini",
        "pairs": [("a", "x"), ("b", "y")],
        "strip": False,
        "dedupe": False,
        "to_shape": None,
        "fmt": "jsonl",
        "split": None,
    }
    source = write_jsonl(tmp_path / "in.jsonl", [_gemini(i, o) for i, o in case["pairs"]])
    fix_file(source, tmp_path / "out.jsonl")
    assert read_out(tmp_path / "out.jsonl") != _expected(case)[0]
