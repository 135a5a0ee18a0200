"""Memory and time of the duplicate rules' state (D001-D004, and opt-in D005) per record.

Feeds N distinct synthetic examples straight into fresh rule instances (no reader, no engine), in
batches of 1,024 as the engine does, and measures with :mod:`tracemalloc` how much memory each rule
still holds afterwards: the state a rule keeps for a file of N records without duplicates, its worst
case. ``columns`` is the size of the state's arrays alone (``state_bytes``); ``held`` adds whatever
else the rule keeps and the arrays' spare capacity. D004 is measured on the training side, where it
keeps its columns (the validation side keeps nothing). ``finish`` is timed without tracing, as is
``check``.

    python benchmarks/duplicate_state.py                 # 1,000,000 records, D001-D004
    python benchmarks/duplicate_state.py -n 200000 --d005
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc
from collections.abc import Iterator

from rules import _batch
from rules.duplicates import (
    ConflictingOutputs,
    DuplicateExample,
    NearDuplicateInput,
    SimilarInputs,
    SplitLeakage,
)
from validator.api import Batch, Context, FileFacts, Profile, Rule

#: Examples per batch, as the engine hands them to ``check_batch``.
BATCH = 1024


def batches(n: int) -> Iterator[Batch]:
    """``n`` distinct examples of realistic length (about 90 characters of input), in batches."""
    fields = {"input": "/text_input", "output": "/output"}
    for start in range(0, n, BATCH):
        batch = Batch()
        for i in range(start, min(n, start + BATCH)):
            batch.add_texts(
                i + 1,
                i + 1,
                f"Question {i}: what is the capital of the country listed as number {i * 7} in the atlas?",
                f"The capital is city {i * 13}.",
                "gemini",
                fields,
                None,
                0,
                0,
            )
        yield batch


def _context() -> Context:
    facts = FileFacts(path="train.jsonl", format="jsonl", role="train")
    return Context(profile=Profile(name="generic"), task="general", file=facts)


def _feed(rule: Rule, ctx: Context, n: int) -> float:
    """Run ``start`` and ``check_batch`` over ``n`` records; return the seconds ``check_batch`` took."""
    for _ in rule.start(ctx):
        pass
    spent = 0.0
    for batch in batches(n):
        started = time.perf_counter()
        for _ in rule.check_batch(batch, ctx):
            pass
        spent += time.perf_counter() - started
    return spent


def measure(rule_type: type[Rule], n: int) -> tuple[int, int, float, float]:
    """Bytes the rule holds after ``n`` records (traced, and its columns alone) and the seconds
    ``check_batch`` and ``finish`` took (untraced)."""
    ctx = _context()
    rule = rule_type()
    check = _feed(rule, ctx, n)
    started = time.perf_counter()
    for _ in rule.finish(ctx):
        pass
    finish = time.perf_counter() - started
    columns = int(getattr(rule, "state_bytes", 0))
    del rule
    ctx.shared.clear()
    _batch.clear()

    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    rule = rule_type()
    ctx = _context()
    _feed(rule, ctx, n)
    _batch.clear()  # the cached columns of the last batch are not the rule's state
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return held, columns, check, finish


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--records", type=int, default=1_000_000)
    parser.add_argument("--d005", action="store_true", help="also measure the opt-in D005 (slower)")
    args = parser.parse_args()
    n = args.records
    rules: list[type[Rule]] = [DuplicateExample, ConflictingOutputs, NearDuplicateInput, SplitLeakage]
    if args.d005:
        rules.append(SimilarInputs)
    total = 0
    print(f"{n:,} distinct records")
    for rule_type in rules:
        held, columns, check, finish = measure(rule_type, n)
        if rule_type is not SimilarInputs:
            total += held
        print(
            f"{rule_type.code} {rule_type.name:22} {held / 2**20:8.1f} MiB  held {held / n:6.1f} B/record  "
            f"columns {columns / n:6.1f} B/record  check {check / n * 1e6:.2f} us/record  "
            f"finish {finish / n * 1e6:.2f} us/record"
        )
    print(f"D001-D004 together   {total / 2**20:8.1f} MiB  held {total / n:6.1f} B/record")


if __name__ == "__main__":
    main()
