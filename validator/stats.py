"""Exact length statistics in bounded memory: a histogram of lengths, not a list of them."""

from __future__ import annotations

from collections import Counter
from typing import Any

__all__ = ["LengthStats"]


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
        self._hist[length] += 1
        self.count += 1
        self.total += length

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

    def to_dict(self) -> dict[str, Any]:
        """``{"count", "min", "p50", "p95", "max", "mean"}`` (all zero when empty)."""
        if not self.count:
            return {"count": 0, "min": 0, "p50": 0, "p95": 0, "max": 0, "mean": 0.0}
        return {
            "count": self.count,
            "min": min(self._hist),
            "p50": self.percentile(50),
            "p95": self.percentile(95),
            "max": max(self._hist),
            "mean": round(self.total / self.count, 1),
        }
