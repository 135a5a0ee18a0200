"""Deterministic benchmark data: ``text_input``/``output`` records in a question/context template.

    python benchmarks/generate.py --records 1000000 --format jsonl --out /tmp/bench_1m.jsonl

About 250 bytes per record. Every 100th record repeats an earlier one exactly (~1% duplicates), one in
500 repeats an earlier input with another output (~0.2% conflicts), one in 2,000 is over the
Gemini limits (~0.05%: alternately a 40,001-character input and a 5,001-character output), and every
1,000th has stray trailing whitespace. The same seed gives the same bytes; writing streams, so memory
stays flat whatever the size.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from collections.abc import Iterator
from typing import TextIO

__all__ = ["CONFLICT_EVERY", "DUPLICATE_EVERY", "OVER_LIMIT_EVERY", "WHITESPACE_EVERY", "records", "write"]

DUPLICATE_EVERY = 100
CONFLICT_EVERY = 500
OVER_LIMIT_EVERY = 2000
WHITESPACE_EVERY = 1000

_SUBJECTS = (
    "the harbour", "a lighthouse", "the night ferry", "a fishing fleet", "the customs office", "a tide table",
    "the pilot boat", "a cargo manifest", "the dry dock", "a weather buoy", "the quay crane", "a rescue drill",
)  # fmt: skip
_VERBS = ("opens", "closes", "reports", "schedules", "delays", "inspects", "records", "announces", "moves")
_WHEN = ("at dawn", "before noon", "after the storm", "on Tuesdays", "during the festival", "at low tide")
_TOPICS = ("safety", "tonnage", "arrivals", "fuel", "crew rotas", "permits", "maintenance", "berths")
_ANSWERS = ("Yes.", "No.", "It depends on the tide.", "Only with a permit.", "Twice a week.", "Not this season.")


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(_SUBJECTS).capitalize()} {rng.choice(_VERBS)} {rng.choice(_TOPICS)} {rng.choice(_WHEN)}."


def records(count: int, seed: int = 7) -> Iterator[dict[str, str]]:
    """The records, in order (a small ring of recent records feeds the repeats, so memory is flat)."""
    rng = random.Random(seed)
    recent: list[dict[str, str]] = []
    for i in range(1, count + 1):
        if i % DUPLICATE_EVERY == 0 and recent:
            record = dict(rng.choice(recent))
        elif i % CONFLICT_EVERY == CONFLICT_EVERY // 2 and recent:
            earlier = rng.choice(recent)
            record = {"text_input": earlier["text_input"], "output": earlier["output"] + " Check the notice board."}
        else:
            question = f"When does {rng.choice(_SUBJECTS)} handle {rng.choice(_TOPICS)} (case {i})?"
            context = " ".join(_sentence(rng) for _ in range(3))
            record = {"text_input": f"question: {question} context: {context}", "output": rng.choice(_ANSWERS)}
            if i % OVER_LIMIT_EVERY == OVER_LIMIT_EVERY // 2 + 1:
                if (i // OVER_LIMIT_EVERY) % 2:
                    record["text_input"] += " " + "x" * 40_001
                else:
                    record["output"] += " " + "y" * 5_001
            elif i % WHITESPACE_EVERY == 7:
                record["output"] += "  "
            recent.append(record)
            if len(recent) > 256:
                recent.pop(0)
        yield record


def write(out: TextIO, count: int, fmt: str, seed: int = 7) -> None:
    """Write ``count`` records to ``out`` as ``jsonl``, ``csv`` (header ``text_input,output``) or a
    ``json`` array (one element per line)."""
    if fmt == "jsonl":
        for record in records(count, seed):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["text_input", "output"])
        for record in records(count, seed):
            writer.writerow([record["text_input"], record["output"]])
    elif fmt == "json":
        out.write("[\n")
        for i, record in enumerate(records(count, seed)):
            out.write(("" if i == 0 else ",\n") + json.dumps(record, ensure_ascii=False))
        out.write("\n]\n")
    else:
        raise ValueError(f"unknown format {fmt!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, required=True)
    parser.add_argument("--format", choices=("jsonl", "csv", "json"), default="jsonl")
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    with open(args.out, "w", encoding="utf-8", newline="") as fh:
        write(fh, args.records, args.format, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
