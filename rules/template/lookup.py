"""Batch lookups in a key's full set of references (T002/T003), with NumPy.

Once a key of :class:`rules.template.anchors._Anchors` holds its last reference of a segment, its
trie no longer changes: every later text of that segment is a query — the longest prefix it shares
with any reference, and the first reference (lowest id) that shares that much. Walking the trie is
a few Python steps per text (about 3 µs); here a whole batch is answered with array operations:

* the references are sorted; the reference a text shares most with is always one of its two
  neighbours in that order (``searchsorted``), and the references that share as much form the run
  around that neighbour in which adjacent references share at least as much with each other;
* a common prefix is the first column where two rows of UCS-4 code points differ (compared two
  characters at a time as 64-bit words).

The result is the trie walk's, text for text (tests hold both to that). Texts holding a NUL
character are left to the walk: NumPy strings drop trailing NULs, which would misorder them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["BATCH_MIN", "SortedRefs"]

#: Fewer texts of a key than this in one call are cheaper to walk one by one.
BATCH_MIN = 32


#: Characters compared in the first pass: texts of one key mostly part from their nearest reference
#: within a few dozen characters, and one long text must not widen the whole batch's array.
_FIRST_WIDTH = 64


def _even_width(texts: Sequence[str]) -> int:
    """A string width that holds every text, rounded up to whole 64-bit words (two characters)."""
    longest = max(map(len, texts), default=0)
    return max(2, longest + (longest & 1))


def _as_words(texts: Sequence[str], width: int | None = None) -> npt.NDArray[np.str_]:
    """``texts`` as NumPy strings of an even ``width`` (cut there) or of the longest one's."""
    import numpy as np

    return np.array(texts, dtype=f"<U{_even_width(texts) if width is None else width}")


def _first_difference(
    a: npt.NDArray[np.str_], b: npt.NDArray[np.str_], limit: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Per row, the length of the common prefix of ``a[i]`` and ``b[i]`` (both padded with NULs, so
    a text that ends where the other goes on differs there), at most ``limit[i]``; rows equal over
    the compared width (the narrower of the two) share that width, or ``limit[i]`` if less."""
    import numpy as np

    rows = len(a)
    width = min(a.dtype.itemsize, b.dtype.itemsize) // 4  # characters compared: both are even
    chars_a = a.view(np.uint32).reshape(rows, -1)[:, :width]
    chars_b = b.view(np.uint32).reshape(rows, -1)[:, :width]
    words_a = a.view(np.uint64).reshape(rows, -1)[:, : width // 2]
    words_b = b.view(np.uint64).reshape(rows, -1)[:, : width // 2]
    differs = words_a != words_b
    word = differs.argmax(axis=1)
    every = np.arange(rows)
    found = differs[every, word]
    # The first word that differs: its first character, or else its second.
    at = 2 * word + (chars_a[every, 2 * word] == chars_b[every, 2 * word])
    shared: npt.NDArray[np.int64] = np.minimum(np.where(found, at, width), limit)
    return shared


def _neighbours(
    queries: npt.NDArray[np.str_],
    lengths: npt.NDArray[np.int64],
    refs: npt.NDArray[np.str_],
    ref_lengths: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Per query: the sorted position of the reference it shares most with among its two neighbours
    in ``refs``, and how much it shares (compared as far as both arrays' widths go)."""
    import numpy as np

    count = len(refs)
    after = np.searchsorted(refs, queries)  # the first reference not below the query
    before = np.maximum(after - 1, 0)
    following = np.minimum(after, count - 1)
    with_before = _first_difference(queries, refs[before], np.minimum(lengths, ref_lengths[before]))
    with_after = _first_difference(queries, refs[following], np.minimum(lengths, ref_lengths[following]))
    with_before[after == 0] = -1
    with_after[after == count] = -1
    shared = np.maximum(with_before, with_after)
    return np.where(with_before == shared, before, following), shared


class SortedRefs:
    """The references of a key's full segment (``texts[i]`` has id ``rids[i]``), sorted, for
    :meth:`query`. Built once per key and segment; ``segment`` says which."""

    def __init__(self, segment: int, texts: Sequence[str], rids: Sequence[int]) -> None:
        import numpy as np

        order = sorted(range(len(texts)), key=texts.__getitem__)
        ordered = [texts[i] for i in order]
        self.segment = segment
        self.rids = [rids[i] for i in order]
        self.usable = all("\x00" not in text for text in ordered)
        #: The references in full, and cut at ``_FIRST_WIDTH`` characters.
        self.full = _as_words(ordered)
        self.short = _as_words(ordered, _FIRST_WIDTH)
        self.lengths = np.fromiter(map(len, ordered), dtype=np.int64, count=len(ordered))
        # What each reference shares with the next one in sorted order.
        self._adjacent: list[int] = (
            _first_difference(self.full[:-1], self.full[1:], np.minimum(self.lengths[:-1], self.lengths[1:])).tolist()
            if len(ordered) > 1
            else []
        )
        self._best: dict[tuple[int, int], int] = {}

    def _best_of(self, at: int, shared: int) -> int:
        """The lowest id among the references around sorted position ``at`` that share ``shared``
        characters with it (and so with the text that shares that much with it)."""
        found = self._best.get((at, shared))
        if found is None:
            adjacent, lo, hi = self._adjacent, at, at
            while lo > 0 and adjacent[lo - 1] >= shared:
                lo -= 1
            while hi < len(adjacent) and adjacent[hi] >= shared:
                hi += 1
            found = self._best[at, shared] = min(self.rids[lo : hi + 1])
        return found

    def query(self, texts: Sequence[str], full: int) -> tuple[list[int], list[int]] | None:
        """For every text: the reference it shares most with (the lowest id among equals) and how
        many characters it shares, with the bit ``full`` set when that is the whole text. ``None``
        when the batch holds a NUL character (walk it instead)."""
        import numpy as np

        if not self.usable or "\x00" in "".join(texts):
            return None
        count = len(texts)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=count)
        nearest, shared = _neighbours(_as_words(texts, _FIRST_WIDTH), lengths, self.short, self.lengths)
        # A text equal to references over the first characters may sort anywhere among them (its cut
        # does not order it): those texts are placed and compared again in full.
        again = np.flatnonzero(shared >= _FIRST_WIDTH)
        if len(again):
            full_texts = _as_words([texts[i] for i in again.tolist()])
            nearest[again], shared[again] = _neighbours(full_texts, lengths[again], self.full, self.lengths)
        # Few distinct (position, length) pairs per batch: each one's best reference is found once.
        pairs, inverse = np.unique(nearest * 0x10000 + shared, return_inverse=True)
        best_of = self._best_of
        bests = np.array([best_of(pair >> 16, pair & 0xFFFF) for pair in pairs.tolist()], dtype=np.int64)
        flagged = shared | np.where(shared == lengths, full, 0)
        return bests[inverse].tolist(), flagged.tolist()
