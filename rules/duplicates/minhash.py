"""MinHash signatures of word shingles (fixed-seed hash functions, vectorised with NumPy) and the
choice of LSH bands for a similarity threshold: the machinery of D005."""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
import zlib
from typing import TYPE_CHECKING

from validator.api import normalize_text

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

_MASK64 = 0xFFFFFFFFFFFFFFFF

#: Shingles hashed per block when building signatures, bounding the temporary matrix (num_perm x
#: _BLOCK 8-byte values).
_BLOCK = 4096
_MIX1 = 0xBF58476D1CE4E5B9
_MIX2 = 0x94D049BB133111EB
_SHINGLE_MUL = 0x9E3779B97F4A7C15


@functools.lru_cache(maxsize=8)
def _permutations(num_perm: int) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """``(a, b)`` of ``num_perm`` hash functions ``h(x) = a*x + b mod 2**64`` (``a`` odd), derived
    from a fixed seed so signatures are identical in every process and on every platform (shards
    merged across machines compare correctly)."""
    import numpy as np

    words = [
        int.from_bytes(hashlib.blake2b(f"tunelint-minhash-{i}".encode(), digest_size=16).digest(), "little")
        for i in range(num_perm)
    ]
    a = np.array([(w & _MASK64) | 1 for w in words], dtype=np.uint64)
    b = np.array([w >> 64 for w in words], dtype=np.uint64)
    return a, b


def _mix(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """splitmix64's finaliser, element-wise: every output bit depends on every input bit."""
    import numpy as np

    values = values ^ (values >> np.uint64(30))
    values = values * np.uint64(_MIX1)
    values = values ^ (values >> np.uint64(27))
    values = values * np.uint64(_MIX2)
    return values ^ (values >> np.uint64(31))


#: Scripts written without spaces between words (Han, kana, Thai, Lao, Khmer, Myanmar): there every
#: character counts as a word, or a whole sentence would be one "word".
_UNSPACED = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
)
_HAS_UNSPACED = re.compile(f"[{_UNSPACED}]")
_TOKEN = re.compile(f"[{_UNSPACED}]|[^\\s{_UNSPACED}]+")


def _words(normalized: str) -> list[bytes]:
    """The words of a normalised text, as UTF-8."""
    if _HAS_UNSPACED.search(normalized):
        return [token.encode("utf-8", "surrogatepass") for token in _TOKEN.findall(normalized)]
    return normalized.encode("utf-8", "surrogatepass").split(b" ")


def minhash_signature(text: str, shingle_size: int = 3, num_perm: int = 64) -> bytes | None:
    """The MinHash signature of ``text``'s word shingles, normalised first: ``num_perm`` 16-bit values
    (2 bytes each, little-endian), or ``None`` for a text without words. A text with fewer words than
    ``shingle_size`` is one shingle.

    Each value is 16 bits of the minimum of one hash function over the shingles (b-bit minwise
    hashing): two texts agree on a position with probability ``J + (1 - J) / 65536`` for Jaccard
    similarity ``J``, so the share of equal positions estimates ``J``.
    """
    normalized = normalize_text(text)
    if not normalized:
        return None
    return bytes(_signatures([normalized], shingle_size, num_perm).tobytes())


def _signatures(texts: list[str], shingle_size: int, num_perm: int) -> npt.NDArray[np.uint16]:
    """Signatures of non-empty normalised texts, one row each (``len(texts) x num_perm``), computed
    together so NumPy's per-call cost is paid once per batch rather than once per record."""
    import numpy as np

    words = [_words(text) for text in texts]
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    flat = list(itertools.chain.from_iterable(words))
    # A word's 64-bit id: CRC-32 and Adler-32 side by side (two fast C calls; blake2b per word costs
    # four times as much), then spread by the splitmix64 finaliser.
    low = np.fromiter(map(zlib.crc32, flat), dtype=np.uint64, count=len(flat))
    high = np.fromiter(map(zlib.adler32, flat), dtype=np.uint64, count=len(flat))
    ids = _mix((high << np.uint64(32)) | low)

    # windows[w - 1][g] combines ids[g : g + w]; a record's shingles are its windows of width
    # min(shingle_size, its word count) that start inside it and stay inside it.
    widths = np.minimum(lengths, shingle_size)
    counts = lengths - widths + 1
    starts = np.cumsum(lengths) - lengths
    mul = np.uint64(_SHINGLE_MUL)
    windows = [ids]
    for w in range(1, int(widths.max())):
        windows.append(windows[-1][: len(ids) - w] * mul + ids[w:])
    owner = np.repeat(np.arange(len(texts)), counts)  # shingle -> its record
    first_shingle = np.cumsum(counts) - counts
    positions = np.repeat(starts, counts) + (np.arange(len(owner)) - np.repeat(first_shingle, counts))
    shingle_widths = np.repeat(widths, counts)
    shingles = np.empty(len(owner), dtype=np.uint64)
    for w in np.unique(widths).tolist():
        chosen = shingle_widths == w
        shingles[chosen] = windows[w - 1][positions[chosen]]
    shingles = _mix(shingles)

    a, b = _permutations(num_perm)
    mins = np.full((num_perm, len(texts)), _MASK64, dtype=np.uint64)
    for start in range(0, len(shingles), _BLOCK):
        block = shingles[start : start + _BLOCK]
        records = owner[start : start + _BLOCK]
        values = a[:, None] * block[None, :] + b[:, None]  # wraps modulo 2**64
        segments = np.flatnonzero(np.concatenate(([True], records[1:] != records[:-1])))
        present = records[segments]
        mins[:, present] = np.minimum(mins[:, present], np.minimum.reduceat(values, segments, axis=1))
    bits = ((mins >> np.uint64(16)) & np.uint64(0xFFFF)).astype("<u2")
    return np.ascontiguousarray(bits.T)


@functools.lru_cache(maxsize=32)
def lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """``(bands, rows)`` with ``bands * rows <= num_perm`` minimising the sum of the false-positive
    and false-negative areas of the LSH S-curve ``1 - (1 - s**rows)**bands`` around ``threshold`` (the
    usual choice, as in datasketch's ``MinHashLSH``)."""
    steps = 200

    def area(lo: float, hi: float, bands: int, rows: int, positive: bool) -> float:
        width = (hi - lo) / steps
        total = 0.0
        for i in range(steps):
            s = lo + (i + 0.5) * width
            p = 1.0 - (1.0 - s**rows) ** bands
            total += p if positive else 1.0 - p
        return total * width

    best = (float("inf"), 1, num_perm)
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            error = area(0.0, threshold, bands, rows, True) + area(threshold, 1.0, bands, rows, False)
            if error < best[0]:
                best = (error, bands, rows)
    return best[1], best[2]
