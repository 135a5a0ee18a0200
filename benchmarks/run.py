"""Benchmark tunelint against the parse floor, in one table.

    python benchmarks/run.py                         # 100k and 1M records, JSONL and CSV
    python benchmarks/run.py --sizes 100000 --rules  # plus the cost of each rule
    python benchmarks/run.py --quick                 # 2,000 records: a smoke test

For each size and container it measures, each in a fresh process: the *floor* — a bare loop that
reads every record (JSONL: ``orjson.loads`` per line; CSV: ``csv.reader``) and hashes its input with
blake2b — and ``tunelint lint FILE`` with every default rule. It prints wall time, the ratio to the
floor, records per second and peak RSS, and checks the targets (ratio ≤ 3, RSS ≤ 300 MB, 10× the
records ≤ 11× the time, CSV ≤ 1.5× JSONL). ``--rules`` times every rule's hooks in-process.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import write  # noqa: E402 - the sibling script, importable once HERE is on the path

_FLOOR = r"""
import csv, hashlib, resource, sys, time
import orjson
path, fmt = sys.argv[1], sys.argv[2]
start = time.perf_counter()
n = 0
options = {} if fmt == "jsonl" else {"encoding": "utf-8", "newline": ""}
with open(path, "rb" if fmt == "jsonl" else "r", **options) as fh:
    if fmt == "jsonl":
        for line in fh:
            hashlib.blake2b(orjson.loads(line)["text_input"].encode(), digest_size=16).digest()
            n += 1
    else:
        rows = csv.reader(fh)
        next(rows)
        for row in rows:
            hashlib.blake2b(row[0].encode(), digest_size=16).digest()
            n += 1
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, n)
"""

_LINT = r"""
import resource, sys, time
start = time.perf_counter()
from validator.cli import main
try:
    main(["lint", sys.argv[1], "--isolated", "--output-format", "json", "-o", sys.argv[2], "--exit-zero"])
except SystemExit as exc:
    if exc.code not in (0, None):
        raise
finally:
    print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _child(code: str, *args: str) -> list[float]:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return [float(x) for x in done.stdout.split()[-3:] if x.replace(".", "", 1).isdigit()]


def _dataset(directory: Path, size: int, fmt: str) -> Path:
    path = directory / f"bench_{size}.{fmt}"
    if not path.exists():
        tmp = path.with_suffix(".partial")
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            write(fh, size, fmt)
        os.replace(tmp, path)
    return path


def measure(directory: Path, size: int, fmt: str) -> dict[str, float]:
    """Floor and tunelint seconds and peak RSS (MB) for one file."""
    path = _dataset(directory, size, fmt)
    floor_s, floor_kb, _ = _child(_FLOOR, str(path), fmt)
    lint_s, lint_kb = _child(_LINT, str(path), os.devnull)[:2]
    return {"floor": floor_s, "lint": lint_s, "floor_rss": floor_kb / 1024, "rss": lint_kb / 1024}


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def table(results: dict[tuple[int, str], dict[str, float]]) -> list[str]:
    """The Markdown table and the scaling/CSV checks."""
    lines = [
        "| records | format | floor s | tunelint s | ratio | records/s | peak RSS MB |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for (size, fmt), r in sorted(results.items()):
        ratio = r["lint"] / r["floor"] if r["floor"] else float("inf")
        lines.append(
            f"| {size:,} | {fmt} | {r['floor']:.2f} | {r['lint']:.2f} | {ratio:.1f} {_mark(ratio <= 3)} | "
            f"{size / r['lint']:,.0f} | {r['rss']:.0f} {_mark(r['rss'] <= 300)} |"
        )
    sizes = sorted({size for size, _ in results})
    for fmt in sorted({fmt for _, fmt in results}):
        if len(sizes) > 1 and (sizes[0], fmt) in results and (sizes[-1], fmt) in results:
            grow = results[(sizes[-1], fmt)]["lint"] / results[(sizes[0], fmt)]["lint"]
            limit = 1.1 * sizes[-1] / sizes[0]
            times = sizes[-1] // sizes[0]
            lines.append(f"scaling {fmt}: {times}x the records -> {grow:.1f}x the time {_mark(grow <= limit)}")
    for size in sizes:
        if (size, "csv") in results and (size, "jsonl") in results:
            share = results[(size, "csv")]["lint"] / results[(size, "jsonl")]["lint"]
            lines.append(f"csv/jsonl at {size:,}: {share:.2f} {_mark(share <= 1.5)}")
    return lines


def rule_costs(path: Path) -> list[str]:
    """Time every rule's hooks on ``path`` in-process; the rest is the engine (reading, shapes,
    statistics, fingerprints)."""
    import validator
    from validator.api import Rule
    from validator.plugins import load_rules

    spent: dict[str, float] = {}
    originals: list[tuple[type[Rule], str, object]] = []

    def timed(cls: type[Rule], name: str) -> None:
        original = getattr(cls, name)  # defined on the class or inherited from a rule base class

        def wrapper(self: Rule, *args: object) -> list[object]:
            start = time.perf_counter()
            out = list(original(self, *args))
            spent[cls.code] = spent.get(cls.code, 0.0) + time.perf_counter() - start
            return out

        originals.append((cls, name, cls.__dict__.get(name)))
        setattr(cls, name, wrapper)

    for cls in load_rules().all():
        for hook in ("start", "check_record", "check", "finish"):
            if getattr(cls, hook) is not getattr(Rule, hook):  # the engine skips hooks a rule leaves alone
                timed(cls, hook)
    try:
        start = time.perf_counter()
        validator.lint(str(path), isolated=True)
        total = time.perf_counter() - start
    finally:
        for cls, name, own in originals:
            if own is None:
                delattr(cls, name)
            else:
                setattr(cls, name, own)
    rules = sum(spent.values())
    lines = ["| rule | seconds | share |", "|---|---:|---:|"]
    lines += [f"| {code} | {s:.2f} | {s / total:.0%} |" for code, s in sorted(spent.items(), key=lambda i: -i[1])]
    lines.append(f"| engine (everything else) | {total - rules:.2f} | {(total - rules) / total:.0%} |")
    lines.append(f"| total (instrumented) | {total:.2f} | 100% |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--formats", default="jsonl,csv")
    parser.add_argument("--rules", action="store_true", help="also time each rule on the smallest JSONL file")
    parser.add_argument("--keep", help="directory for the generated files (kept between runs)")
    parser.add_argument("--quick", action="store_true", help="2,000 records only (a smoke test)")
    args = parser.parse_args(argv)
    sizes = [2000] if args.quick else [int(s) for s in args.sizes.split(",")]
    formats = args.formats.split(",")
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(args.keep) if args.keep else Path(scratch)
        directory.mkdir(parents=True, exist_ok=True)
        results = {(size, fmt): measure(directory, size, fmt) for size in sizes for fmt in formats}
        print("\n".join(table(results)))
        if args.rules:
            print()
            print("\n".join(rule_costs(_dataset(directory, min(sizes), "jsonl"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
