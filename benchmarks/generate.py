"""Deterministic benchmark data: ``text_input``/``output`` records in a question/context template.

    python benchmarks/generate.py --records 1000000 --format jsonl --out /tmp/bench_1m.jsonl

Inputs read ``question: <q> context: <c>`` (questions from several templates, contexts of two or three
sentences, drawn with :class:`random.Random` from the word lists below), outputs a phrase or a
sentence: about 250 bytes per record on average, so 1,000,000 records are about 250 MB of JSONL.

Planted problems, at fixed positions (so the counts are exact for any seed):

* every 100th record repeats an earlier record exactly (~1% duplicates, D001);
* record 250 of every 500 repeats an earlier input with another output (~0.2% conflicts, D002);
* record 1,001 of every 2,000 is over the Gemini limits (~0.05%): alternately an input longer than
  40,000 characters (L001) and an output longer than 5,000 characters (L002);
* record 7 of every 1,000 has trailing whitespace on its output (~0.1%, T004).

Repeats copy from a ring of the 256 most recent *clean* records, so memory stays flat whatever the
size and a planted problem is never copied. The same seed gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from collections import deque
from collections.abc import Iterator
from typing import TextIO

__all__ = [
    "CONFLICT_EVERY",
    "DUPLICATE_EVERY",
    "FORMATS",
    "OVER_LIMIT_EVERY",
    "WHITESPACE_EVERY",
    "expected_counts",
    "records",
    "write",
]

FORMATS = ("jsonl", "csv", "json")
DUPLICATE_EVERY = 100
CONFLICT_EVERY = 500
OVER_LIMIT_EVERY = 2000
WHITESPACE_EVERY = 1000
_CONFLICT_AT = CONFLICT_EVERY // 2
_OVER_LIMIT_AT = OVER_LIMIT_EVERY // 2 + 1
_WHITESPACE_AT = 7
_RING = 256

_SUBJECTS = (
    "the harbour master", "the night ferry", "the fishing fleet", "the customs office", "the pilot boat",
    "the dry dock", "the weather service", "the quay crane crew", "the rescue team", "the port authority",
    "the city council", "the water board", "the school district", "the regional hospital", "the rail operator",
    "the library", "the fire brigade", "the tax office", "the museum", "the university", "the bakery",
    "the cooperative", "the tenants' union", "the airline", "the courier service", "the wind farm",
    "the zoo", "the observatory", "the vineyard", "the shipyard", "the market hall", "the ski resort",
    "the data centre", "the call centre", "the orchestra", "the football club", "the clinic", "the depot",
)  # fmt: skip
_VERBS = (
    "inspects", "schedules", "delays", "reports", "approves", "cancels", "reviews", "publishes", "audits",
    "renews", "restricts", "expands", "funds", "relocates", "announces", "suspends", "tests", "updates",
    "measures", "negotiates", "records", "replaces", "repairs", "doubles", "halves", "reorganises",
)  # fmt: skip
_OBJECTS = (
    "the safety drills", "its annual budget", "the cargo manifests", "the tide tables", "the crew rotas",
    "the mooring permits", "the maintenance plan", "the berth allocations", "the opening hours",
    "the visitor numbers", "the fuel contracts", "the staff training", "the waiting list", "the fare table",
    "the noise limits", "the parking rules", "the emergency exits", "the storage fees", "the delivery routes",
    "the inspection log", "the insurance cover", "the recycling scheme", "the heating system", "the ticket prices",
    "the evacuation routes", "the water quality tests", "the seasonal timetable", "the membership fees",
)  # fmt: skip
_WHEN = (
    "at dawn", "before noon", "after the storm", "on Tuesdays", "during the festival", "at low tide",
    "every spring", "once a quarter", "after each audit", "before the holidays", "at the end of the month",
    "when the river floods", "during the night shift", "twice a year", "after the elections", "in winter",
)  # fmt: skip
_PLACES = (
    "Port Ellery", "Westmarch", "Lindqvist Bay", "Ardmore", "Calder Falls", "New Haverly", "Oskarshamn",
    "Brightwater", "Kestrel Point", "Marlow Sands", "Eastwick", "Tarrow", "Glenmoor", "Saltby", "Rivenhall",
    "Dunmore Quay", "Ashcombe", "Pellworth", "Corran", "Fennick", "Halden", "Irvale", "Juniper Cove",
)  # fmt: skip
_REASONS = (
    "because of rising costs", "after complaints from residents", "to meet the new regulations",
    "following a staff shortage", "as part of a five-year plan", "after a failed inspection",
    "to cope with higher demand", "because the old contract expired", "after a vote by the board",
    "to reduce waiting times", "because of the weather", "at the request of the ministry",
)  # fmt: skip
_QUESTIONS = (
    "When does {s} in {p} review {o}?",
    "Why did {s} in {p} change {o}?",
    "How often does {s} check {o}?",
    "Who is responsible for {o} at {s} in {p}?",
    "What happened to {o} in {p} last year?",
    "Does {s} still publish {o}?",
    "Which office in {p} handles {o}?",
    "How much did {s} spend on {o} in {y}?",
)
_UNITS = ("percent", "staff", "visitors", "tonnes", "euros per month", "days", "vessels", "complaints")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sentence(rng: random.Random) -> str:
    choice = rng.random()
    if choice < 0.4:
        return f"{_cap(rng.choice(_SUBJECTS))} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {rng.choice(_WHEN)}."
    if choice < 0.7:
        return (
            f"In {rng.randint(1990, 2024)}, {rng.choice(_SUBJECTS)} in {rng.choice(_PLACES)} "
            f"{rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {rng.choice(_REASONS)}."
        )
    return f"{_cap(rng.choice(_OBJECTS))} changed by {rng.randint(2, 950)} {rng.choice(_UNITS)} {rng.choice(_WHEN)}."


def _question(rng: random.Random) -> str:
    return rng.choice(_QUESTIONS).format(
        s=rng.choice(_SUBJECTS), p=rng.choice(_PLACES), o=rng.choice(_OBJECTS), y=rng.randint(1990, 2024)
    )


def _answer(rng: random.Random) -> str:
    choice = rng.random()
    if choice < 0.4:
        return _cap(rng.choice(_WHEN if choice < 0.2 else _REASONS)) + "."
    if choice < 0.7:
        return _sentence(rng)
    return f"{_cap(rng.choice(_SUBJECTS))} {rng.choice(_VERBS)} them {rng.choice(_REASONS)}."


def _filler(rng: random.Random, chars: int) -> str:
    """At least ``chars`` characters of sentences."""
    parts: list[str] = []
    size = 0
    while size < chars:
        parts.append(_sentence(rng))
        size += len(parts[-1]) + 1
    return " ".join(parts)


def _fresh(rng: random.Random) -> dict[str, str]:
    context = " ".join(_sentence(rng) for _ in range(rng.choice((1, 1, 2))))
    return {"text_input": f"question: {_question(rng)} context: {context}", "output": _answer(rng)}


def records(count: int, seed: int = 7) -> Iterator[dict[str, str]]:
    """The records, in order (see the module docstring for the planted problems)."""
    rng = random.Random(seed)
    recent: deque[dict[str, str]] = deque(maxlen=_RING)
    for i in range(1, count + 1):
        if i % DUPLICATE_EVERY == 0 and recent:
            record = dict(recent[rng.randrange(len(recent))])
        elif i % CONFLICT_EVERY == _CONFLICT_AT and recent:
            earlier = recent[rng.randrange(len(recent))]
            output = _answer(rng)
            while output == earlier["output"]:
                output = _answer(rng)
            record = {"text_input": earlier["text_input"], "output": output}
        else:
            record = _fresh(rng)
            if i % OVER_LIMIT_EVERY == _OVER_LIMIT_AT:
                if (i // OVER_LIMIT_EVERY) % 2:
                    record["text_input"] += " " + _filler(rng, 40_001)
                else:
                    record["output"] += " " + _filler(rng, 5_001)
            elif i % WHITESPACE_EVERY == _WHITESPACE_AT:
                record["output"] += "  "
            else:
                recent.append(record)
        yield record


def expected_counts(count: int) -> dict[str, int]:
    """Exactly how many planted problems the first ``count`` records hold: extra copies of an
    example, inputs with more than one output, over-limit records and stray-whitespace records."""
    return {
        "duplicates": count // DUPLICATE_EVERY,
        "conflicts": sum(1 for i in range(1, count + 1) if i % CONFLICT_EVERY == _CONFLICT_AT),
        "over_limit": sum(1 for i in range(1, count + 1) if i % OVER_LIMIT_EVERY == _OVER_LIMIT_AT),
        "whitespace": sum(
            1 for i in range(1, count + 1)
            if i % WHITESPACE_EVERY == _WHITESPACE_AT and i % OVER_LIMIT_EVERY != _OVER_LIMIT_AT
        ),
    }  # fmt: skip


def write(out: TextIO, count: int, fmt: str, seed: int = 7) -> None:
    """Write ``count`` records to ``out`` as ``jsonl``, ``csv`` (header ``text_input,output``) or a
    ``json`` array (one element per line). Open ``out`` with ``newline=""``."""
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
    parser = argparse.ArgumentParser(description="Write deterministic benchmark data.")
    parser.add_argument("--records", type=int, required=True)
    parser.add_argument("--format", choices=FORMATS, default="jsonl")
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    with open(args.out, "w", encoding="utf-8", newline="") as fh:
        write(fh, args.records, args.format, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
