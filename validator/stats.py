"""Exact length statistics in bounded memory: a histogram of lengths, not a list of them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from validator.tokens import TokenCounter

__all__ = ["HISTOGRAM_BUCKETS", "LengthStats", "TokenStats"]

#: Buckets of the length histograms in ``files[].stats`` (drawn by the HTML report).
HISTOGRAM_BUCKETS = 24


class LengthStats:
    """Min / p50 / p95 / max / mean of text lengths. Memory grows with the number of *distinct*
    lengths (bounded by the longest text), never with the number of records."""

    __slots__ = ("_hist", "count", "total")

    def __init__(self) -> None:
        self._hist: Counter[int] = Counter()
        self.count = 0
        self.total = 0

    def add(self, length: int) -> None:
        """Record one text length."""
        hist = self._hist
        hist[length] = hist.get(length, 0) + 1
        self.count += 1
        self.total += length

    def add_many(self, lengths: Sequence[int]) -> None:
        """Record many text lengths at once (a C-level count: no Python call per length)."""
        self._hist.update(lengths)
        self.count += len(lengths)
        self.total += sum(lengths)

    def merge(self, other: LengthStats) -> None:
        """Fold another histogram (e.g. from another shard) into this one."""
        self._hist.update(other._hist)
        self.count += other.count
        self.total += other.total

    def percentile(self, q: float) -> int:
        """The nearest-rank ``q``-th percentile (0 < q <= 100)."""
        if not self.count:
            return 0
        rank = max(1, -(-self.count * q // 100))  # ceil without floats drifting
        seen = 0
        for length in sorted(self._hist):
            seen += self._hist[length]
            if seen >= rank:
                return length
        return max(self._hist)

    def histogram(self, buckets: int = HISTOGRAM_BUCKETS) -> dict[str, list[int]]:
        """Counts in ``buckets`` equal-width ranges from 0 to the longest length: ``edges`` has one
        more entry than ``counts`` and bucket ``i`` holds lengths in ``[edges[i], edges[i+1])``."""
        if not self.count:
            return {"edges": [0, 0], "counts": [0]}
        top = max(self._hist)
        width = max(1, -(-(top + 1) // buckets))  # ceil, so the longest length fits
        n = -(-(top + 1) // width)
        counts = [0] * n
        for length, count in self._hist.items():
            counts[min(length // width, n - 1)] += count
        return {"edges": [i * width for i in range(n + 1)], "counts": counts}

    def to_dict(self) -> dict[str, Any]:
        """``{"count", "min", "p50", "p95", "max", "mean", "histogram"}`` (all zero when empty)."""
        if not self.count:
            return {"count": 0, "min": 0, "p50": 0, "p95": 0, "max": 0, "mean": 0.0, "histogram": self.histogram()}
        return {
            "count": self.count,
            "min": min(self._hist),
            "p50": self.percentile(50),
            "p95": self.percentile(95),
            "max": max(self._hist),
            "mean": round(self.total / self.count, 1),
            "histogram": self.histogram(),
        }


class TokenStats:
    """Token counts per example (input, output, total) and the dataset total, for the summary and
    the billable-token estimate (Vertex bills dataset tokens times epochs)."""

    __slots__ = ("input", "output", "total")

    def __init__(self) -> None:
        self.input = LengthStats()
        self.output = LengthStats()
        self.total = LengthStats()

    def add(self, input_tokens: int, output_tokens: int) -> None:
        """Record one example's counts."""
        self.input.add(input_tokens)
        self.output.add(output_tokens)
        self.total.add(input_tokens + output_tokens)

    def add_many(self, input_tokens: Sequence[int], output_tokens: Sequence[int]) -> None:
        """Record many examples' counts (parallel sequences)."""
        self.input.add_many(input_tokens)
        self.output.add_many(output_tokens)
        self.total.add_many(list(map(int.__add__, input_tokens, output_tokens)))

    def merge(self, other: TokenStats) -> None:
        """Fold another shard's counts into this one."""
        self.input.merge(other.input)
        self.output.merge(other.output)
        self.total.merge(other.total)

    def to_dict(self, counter: TokenCounter, epochs: int) -> dict[str, Any]:
        """p50/p95/max per role, the dataset total and ``billable`` = total x ``epochs``."""

        def brief(stats: LengthStats) -> dict[str, int]:
            full = stats.to_dict()
            return {"p50": full["p50"], "p95": full["p95"], "max": full["max"]}

        return {
            "method": counter.spec,
            "estimated": counter.estimated,
            "description": counter.description,
            "input": brief(self.input),
            "output": brief(self.output),
            "total": brief(self.total),
            "dataset": self.total.total,
            "epochs": epochs,
            "billable": self.total.total * epochs,
        }
