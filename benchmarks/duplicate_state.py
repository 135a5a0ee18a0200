"""Memory of the duplicate rules' state (D001-D004, and opt-in D005) per record.

Feeds N distinct synthetic examples straight into fresh rule instances (no reader, no engine) and
measures, with :mod:`tracemalloc`, how much memory each rule still holds afterwards: the state a
rule keeps for a file of N records without duplicates, its worst case. D004 is measured on the
training side, where it keeps an index (the validation side keeps nothing).

    python benchmarks/duplicate_state.py                 # 1,000,000 records, D001-D004
    python benchmarks/duplicate_state.py -n 200000 --d005
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc
from collections.abc import Iterator

from rules.duplicates import (
    ConflictingOutputs,
    DuplicateExample,
    NearDuplicateInput,
    SimilarInputs,
    SplitLeakage,
)
from validator.api import Context, Example, FileFacts, Profile, Rule


def examples(n: int) -> Iterator[Example]:
    """``n`` distinct examples of realistic length (about 90 characters of input)."""
    fields = {"input": "/text_input", "output": "/output"}
    for i in range(n):
        yield Example(
            index=i + 1,
            line=i + 1,
            input_text=f"Question {i}: what is the capital of the country listed as number {i * 7} in the atlas?",
            output_text=f"The capital is city {i * 13}.",
            schema="gemini",
            fields=fields,
        )


def measure(rule_type: type[Rule], n: int) -> tuple[int, float]:
    """Bytes the rule holds after ``n`` records, and the seconds it took (without tracing)."""
    facts = FileFacts(path="train.jsonl", format="jsonl", role="train")
    ctx = Context(profile=Profile(name="generic"), task="general", file=facts)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    rule = rule_type()
    for _ in rule.start(ctx):
        pass
    started = time.perf_counter()
    for example in examples(n):
        for _ in rule.check(example, ctx):
            pass
    elapsed = time.perf_counter() - started
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    del rule
    ctx.shared.clear()
    return held, elapsed


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
        held, elapsed = measure(rule_type, n)
        if rule_type is not SimilarInputs:
            total += held
        print(
            f"{rule_type.code} {rule_type.name:22} {held / 2**20:8.1f} MiB  {held / n:7.1f} bytes/record  "
            f"(check: {elapsed / n * 1e6:.2f} us/record, traced)"
        )
    print(f"D001-D004 together   {total / 2**20:8.1f} MiB  {total / n:7.1f} bytes/record")


if __name__ == "__main__":
    main()
