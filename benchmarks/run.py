"""Benchmark tunelint against a parse-and-hash floor, in one table.

    python benchmarks/run.py                                  # 100k and 1M records, JSONL and CSV
    python benchmarks/run.py --sizes 100000 --rules           # plus the cost of every rule
    python benchmarks/run.py --sizes 100000 --rules --profile # plus a cProfile of the engine
    python benchmarks/run.py --quick                          # 1,000 and 10,000 records: a smoke test
    python benchmarks/run.py --formats jsonl --select F001    # the engine alone (one rule that reads nothing)

For each size and container, each in a fresh process (so peak RSS is that run's own, read with
``os.wait4``): the *floor* — a bare loop that reads the file line by line (CSV: ``csv.reader``),
parses each record with ``orjson.loads`` (CSV: the row is the record) and hashes its input with
``hashlib.blake2b(digest_size=16)`` — and the command ``tunelint lint FILE --isolated --output-format
json -o REPORT --exit-zero`` with every default rule (wall time of the whole command, start-up
included, with compiled bytecode cached as an installed tool has it: see ``child_env``). Targets,
marked ✓/✗: tunelint ≤ 3× the floor, peak RSS ≤ 300 MB, 10× the records ≤ 11× the time, CSV ≤ 1.5×
the JSONL time.

``--rules`` lints the smallest JSONL file in-process with every rule hook wrapped by a timer and
prints each rule's share; the rest ("engine") is reading, decoding, shape checks, statistics, token
estimates and fingerprints.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import FORMATS, write  # noqa: E402 - the sibling script, importable once HERE is on the path

RATIO_TARGET = 3.0
RSS_TARGET_MB = 300.0
SCALING_SLACK = 1.1  # 10x the records may cost 11x the time
CSV_TARGET = 1.5
HOOKS = ("start", "check_record", "check_records", "check", "check_batch", "finish")

# The floor: parse every record and hash its input, nothing else. Prints its record count.
_FLOOR = r"""
import csv, hashlib, sys
import orjson
path, fmt = sys.argv[1], sys.argv[2]
n = 0
if fmt == "csv":
    with open(path, encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh)
        column = next(rows).index("text_input")
        for row in rows:
            hashlib.blake2b(row[column].encode(), digest_size=16).digest()
            n += 1
else:
    with open(path, "rb") as fh:
        for line in fh:
            if fmt == "json":  # one array element per line: strip the brackets and the commas
                line = line.strip().rstrip(b",")
                if line in (b"[", b"]", b""):
                    continue
            hashlib.blake2b(orjson.loads(line)["text_input"].encode(), digest_size=16).digest()
            n += 1
print(n)
"""


# An installed tunelint starts from compiled bytecode (pip writes it at install time; an editable
# install's first run does). PYTHONDONTWRITEBYTECODE, set in some shells and containers, would make
# every measured run compile all its modules again (about 0.25 s here), so the children run without it
# and a warm-up run comes before any timing.
def child_env() -> dict[str, str]:
    """This process's environment without ``PYTHONDONTWRITEBYTECODE``."""
    return {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


@dataclass
class Run:
    """One child process: wall seconds, peak RSS in MB, and what it printed."""

    seconds: float
    rss_mb: float
    stdout: str


def child(argv: Sequence[str]) -> Run:
    """Run ``argv`` to completion; its wall time and its own peak RSS (``ru_maxrss`` from ``wait4``)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdout=out, stderr=err, env=child_env())
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}:\n{stderr}")
    per_mb = 1024 * 1024 if sys.platform == "darwin" else 1024  # ru_maxrss is bytes on macOS, KiB on Linux
    return Run(seconds, usage.ru_maxrss / per_mb, stdout)


def tunelint_command() -> list[str]:
    """The ``tunelint`` console script next to this interpreter, else on PATH, else via ``-c``."""
    beside = Path(sys.executable).with_name("tunelint")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("tunelint")
    if found:
        return [found]
    return [sys.executable, "-c", "import sys; from validator.cli import main; sys.exit(main())"]


def supports_workers(command: Sequence[str]) -> bool:
    """Whether this tunelint's ``lint`` takes ``--workers``."""
    done = subprocess.run([*command, "lint", "--help"], capture_output=True, text=True, check=False)
    return "--workers" in done.stdout


def dataset(directory: Path, size: int, fmt: str) -> Path:
    """The generated file for ``size`` records in ``fmt`` (written once, then reused)."""
    path = directory / f"bench_{size}.{fmt}"
    if not path.exists():
        partial = path.with_name(path.name + ".partial")
        with partial.open("w", encoding="utf-8", newline="") as fh:
            write(fh, size, fmt)
        os.replace(partial, path)
    return path


@dataclass
class Result:
    size: int
    fmt: str
    floor: float
    lint: float
    rss_mb: float
    floor_rss_mb: float

    @property
    def ratio(self) -> float:
        return self.lint / self.floor if self.floor else float("inf")


def measure(
    path: Path, size: int, fmt: str, command: Sequence[str], extra: Sequence[str], report: Path, repeat: int
) -> Result:
    """Floor and tunelint on one file (the best of ``repeat`` runs of each)."""
    floors = [child([sys.executable, "-c", _FLOOR, str(path), fmt]) for _ in range(repeat)]
    counted = int(floors[0].stdout.split()[-1])
    if counted != size:
        raise RuntimeError(f"the floor read {counted} records from {path}, expected {size}")
    lint_argv = [*command, "lint", str(path), "--isolated", "--output-format", "json", "-o", str(report)]
    lints = [child([*lint_argv, "--exit-zero", *extra]) for _ in range(repeat)]
    floor, lint = min(floors, key=lambda r: r.seconds), min(lints, key=lambda r: r.seconds)
    return Result(size, fmt, floor.seconds, lint.seconds, max(r.rss_mb for r in lints), floor.rss_mb)


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def table(results: Sequence[Result]) -> list[str]:
    """The Markdown table, then the scaling and CSV/JSONL lines."""
    lines = [
        "| records | format | floor s | tunelint s | ratio | records/s | peak RSS MB |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.size:,} | {r.fmt} | {r.floor:.2f} | {r.lint:.2f} | {r.ratio:.1f} {_mark(r.ratio <= RATIO_TARGET)} "
            f"| {r.size / r.lint:,.0f} | {r.rss_mb:.0f} {_mark(r.rss_mb <= RSS_TARGET_MB)} |"
        )
    by_key = {(r.size, r.fmt): r for r in results}
    sizes = sorted({r.size for r in results})
    lines.append("")
    for fmt in dict.fromkeys(r.fmt for r in results):
        if len(sizes) > 1 and (sizes[0], fmt) in by_key and (sizes[-1], fmt) in by_key:
            small, big = by_key[(sizes[0], fmt)], by_key[(sizes[-1], fmt)]
            times = big.size / small.size
            grow = big.lint / small.lint
            lines.append(
                f"scaling {fmt}: {times:g}x the records -> {grow:.2f}x the time "
                f"(target ≤ {SCALING_SLACK * times:g}x) {_mark(grow <= SCALING_SLACK * times)}"
            )
    for size in sizes:
        if (size, "csv") in by_key and (size, "jsonl") in by_key:
            share = by_key[(size, "csv")].lint / by_key[(size, "jsonl")].lint
            lines.append(f"csv/jsonl at {size:,}: {share:.2f}x (target ≤ {CSV_TARGET:g}x) {_mark(share <= CSV_TARGET)}")
    return lines


# -- per-rule cost ----------------------------------------------------------------------------------


def _timed(original: Callable[..., Iterable[Any]], cell: list[float]) -> Callable[..., list[Any]]:
    """``original`` with its time, including consuming what it yields, added to ``cell[0]`` (and the
    call counted in ``cell[1]``)."""

    def wrapper(self: object, *args: Any) -> list[Any]:
        start = time.perf_counter()
        out = list(original(self, *args))
        cell[0] += time.perf_counter() - start
        cell[1] += 1
        return out

    return wrapper


def _lint_seconds(path: Path) -> float:
    import validator

    start = time.perf_counter()
    validator.lint(str(path), isolated=True, workers=1)  # in this process, where the timers are
    return time.perf_counter() - start


def rule_costs(path: Path, warm: Path) -> list[str]:
    """Lint ``path`` in-process with every rule's hooks timed; a table sorted by cost. ``warm`` (a
    small file) is linted first, so imports and caches are not charged to the first rule."""
    from validator.api import Rule
    from validator.plugins import load_rules

    _lint_seconds(warm)
    plain = _lint_seconds(path)
    classes = load_rules().all()
    # Every original first, then patch: a rule subclassing another rule must call the unpatched hook.
    originals = {
        (cls, hook): getattr(cls, hook)
        for cls in classes
        for hook in HOOKS
        if getattr(cls, hook) is not getattr(Rule, hook)  # the engine skips hooks a rule leaves alone
    }
    cells: dict[tuple[type[Rule], str], list[float]] = {key: [0.0, 0] for key in originals}
    owned = {key: key[0].__dict__.get(key[1]) for key in originals}
    for (cls, hook), original in originals.items():
        setattr(cls, hook, _timed(original, cells[(cls, hook)]))
    try:
        total = _lint_seconds(path)
    finally:
        for (cls, hook), own in owned.items():
            if own is None:
                delattr(cls, hook)
            else:
                setattr(cls, hook, own)

    rows: list[tuple[float, str]] = []
    idle: list[str] = []
    for cls in classes:
        spent = {hook: cells[(cls, hook)][0] for hook in HOOKS if (cls, hook) in cells}
        if not any(cells[(cls, hook)][1] for hook in spent):
            idle.append(cls.code)  # not selected (opt-in) or no hooks of its own
            continue
        seconds = sum(spent.values())
        per_record = spent.get("check_record", 0.0) + spent.get("check_records", 0.0)
        per_example = spent.get("check", 0.0) + spent.get("check_batch", 0.0)
        ends = spent.get("start", 0.0) + spent.get("finish", 0.0)
        rows.append(
            (
                seconds,
                f"| {cls.code} | {cls.name} | {per_record:.3f} | {per_example:.3f} | {ends:.3f} | {seconds:.3f} "
                f"| {seconds / total:.1%} |",
            )
        )
    rules = sum(seconds for seconds, _ in rows)
    lines = [
        f"per-rule cost on {path.name} (in-process; {plain:.2f} s plain, {total:.2f} s instrumented):",
        "",
        "| rule | name | record hooks s | example hooks s | start+finish s | total s | share |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    lines += [line for _, line in sorted(rows, key=lambda row: -row[0])]
    lines.append(f"| — | all rules | | | | {rules:.3f} | {rules / total:.1%} |")
    lines.append(f"| — | engine (everything else) | | | | {total - rules:.3f} | {(total - rules) / total:.1%} |")
    lines.append(f"\nnot run (opt-in or no hooks): {', '.join(idle) or 'none'}")
    return lines


def profile(path: Path, warm: Path, top: int = 15) -> str:
    """cProfile of an in-process lint of ``path``: the top functions by cumulative time."""
    import validator

    validator.lint(str(warm), isolated=True)  # imports and caches out of the profile
    profiler = cProfile.Profile()
    profiler.enable()
    validator.lint(str(path), isolated=True, workers=1)  # one process: the profiler sees it all
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue().strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark tunelint against a parse-and-hash floor.")
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated record counts")
    parser.add_argument("--formats", default="jsonl,csv", help=f"comma-separated, of {', '.join(FORMATS)}")
    parser.add_argument("--workers", type=int, help="passed to tunelint lint --workers when it has that option")
    parser.add_argument(
        "--select",
        help="passed to tunelint lint --select: time only these rules (F001 alone times the engine)",
    )
    parser.add_argument("--rules", action="store_true", help="time every rule on the smallest JSONL file")
    parser.add_argument("--profile", action="store_true", help="cProfile (top 15, cumulative) of the same lint")
    parser.add_argument("--keep", help="directory for the generated files, kept between runs")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measurement; the best counts")
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000 records only (a smoke test)")
    args = parser.parse_args(argv)
    sizes = [1000, 10000] if args.quick else sorted(int(s.replace("_", "")) for s in args.sizes.split(","))
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = set(formats) - set(FORMATS)
    if unknown:
        parser.error(f"unknown format(s) {', '.join(sorted(unknown))}; use {', '.join(FORMATS)}")

    command = tunelint_command()
    extra: list[str] = []
    if args.workers is not None:
        if supports_workers(command):
            extra = ["--workers", str(args.workers)]
        else:
            print(f"note: this tunelint has no --workers option; --workers {args.workers} ignored", file=sys.stderr)
    if args.select:
        extra += ["--select", args.select]
    with tempfile.TemporaryDirectory(prefix="tunelint-bench-") as scratch:
        directory = Path(args.keep) if args.keep else Path(scratch)
        directory.mkdir(parents=True, exist_ok=True)
        report = Path(scratch) / "report.json"  # never /dev/null: the atomic writer would replace it
        warm = dataset(Path(scratch), 500, "jsonl")
        # Warm-up: a lint imports every module it uses, so their bytecode is cached before any timing.
        child([*command, "lint", str(warm), "--isolated", "--exit-zero", "--output-format", "json", "-o", str(report)])
        startup = child([*command, "--version"]).seconds
        results = []
        for size in sizes:
            for fmt in formats:
                path = dataset(directory, size, fmt)
                results.append(measure(path, size, fmt, command, extra, report, args.repeat))
                print(f"measured {size:,} {fmt}", file=sys.stderr, flush=True)
        print("\n".join(table(results)))
        print(
            f"\n{' '.join(Path(command[0]).name if i == 0 else c for i, c in enumerate(command))} lint "
            f"{' '.join(extra) or '(no options)'}; start-up (`tunelint --version`) {startup:.2f} s, included above; "
            f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}"
        )
        if args.rules or args.profile:
            path = dataset(directory, min(sizes), "jsonl")
            if args.rules:
                print()
                print("\n".join(rule_costs(path, warm)))
            if args.profile:
                print()
                print(profile(path, warm))
    return 0


if __name__ == "__main__":
    sys.exit(main())
