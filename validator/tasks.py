"""Task inference and label counts, kept in bounded memory.

The catalogue's rule: a dataset is ``classification`` when its distinct normalised outputs number at
most ``max(2, min(50, examples / 5))`` and the median output is at most 50 characters; otherwise it
is ``general``. ``--task`` (or ``task`` in config) overrides the inference.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from validator.api import normalize_text

__all__ = ["OutputTally", "infer_task"]

#: Distinct outputs tracked at most: far above the 50 labels classification allows, so the tally
#: stays small even for free-text outputs.
MAX_DISTINCT = 1_000
MAX_LABELS = 50
MAX_MEDIAN_CHARS = 50


class OutputTally:
    """Counts outputs (trimmed, exact) until more than :data:`MAX_DISTINCT` distinct ones are seen,
    then only remembers that there were too many to be labels."""

    __slots__ = ("_counts", "overflow")

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self.overflow = False

    def add(self, output: str) -> None:
        """Count one output."""
        if self.overflow:
            return
        key = output.strip()
        if key not in self._counts and len(self._counts) >= MAX_DISTINCT:
            self.overflow = True
            self._counts.clear()
            return
        self._counts[key] += 1

    def add_many(self, outputs: Iterable[str]) -> None:
        """Count many outputs at once (C-level counting); the tally overflows exactly when
        :meth:`add` one by one would have."""
        if self.overflow:
            return
        counts = self._counts
        counts.update(map(str.strip, outputs))
        if len(counts) > MAX_DISTINCT:
            self.overflow = True
            counts.clear()

    def merge(self, other: OutputTally) -> None:
        """Fold another shard's tally into this one."""
        if other.overflow:
            self.overflow = True
            self._counts.clear()
            return
        for key, count in other._counts.items():
            if self.overflow:
                return
            if key not in self._counts and len(self._counts) >= MAX_DISTINCT:
                self.overflow = True
                self._counts.clear()
                return
            self._counts[key] += count

    def labels(self) -> dict[str, int]:
        """Label -> count, most frequent first (empty after an overflow)."""
        return dict(self._counts.most_common())

    def distinct_normalized(self) -> int | None:
        """Number of distinct outputs after normalisation, or ``None`` after an overflow."""
        if self.overflow:
            return None
        return len({normalize_text(k) for k in self._counts})


def infer_task(tally: OutputTally, examples: int, median_output_chars: int) -> str:
    """``"classification"`` or ``"general"`` by the catalogue's rule."""
    if examples == 0:
        return "general"
    distinct = tally.distinct_normalized()
    allowed = max(2, min(MAX_LABELS, examples // 5))
    if distinct is not None and distinct <= allowed and median_output_chars <= MAX_MEDIAN_CHARS:
        return "classification"
    return "general"
