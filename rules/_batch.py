"""Per-batch columns several built-in rules need (64-bit text keys, normalised inputs), computed once.

The engine hands every rule the same :class:`~validator.api.Batch` object in turn, so each column is
cached for the most recent batch only, keyed by the object itself and its length (the cache holds a
reference, so an identity match is never a recycled id; the length guards against a batch that grew
after a column was computed). Each entry is replaced with one assignment, so a concurrent caller sees
either the old pair or the new one, never a mix. Columns of numbers are :class:`array.array` objects,
so a rule appends one to its state with a copy of the bytes, not a conversion of Python ints (which
would cost every rule about 20 ns a value and column).

Keys are 64-bit xxh3 hashes of a text's UTF-8 bytes (lone surrogates encoded with ``surrogatepass``,
as :func:`validator.api.digest` does): a C call of about 0.1 µs for a prompt-sized text, against 1 µs
for a blake2b digest built through ``hashlib``.

Normalisation (:func:`validator.api.normalize_text`: NFKC, case folding, whitespace collapsed,
trimmed) costs about 3 µs a text. For most texts it is just ``lower()``: a text of printable ASCII
(``' '`` to ``'~'``) is unchanged by NFKC, its case folding is ``lower()``, and without a leading,
trailing or doubled space collapsing whitespace changes nothing. :func:`plain_ascii` is that test for
one text (about 1.3 µs for a 200-character prompt: ``isprintable`` looks every character up and
``"  " in text`` stops at every space), :func:`plain_mask` the same test for a whole batch in a few
NumPy passes over its bytes (0.2-0.3 µs a text).

NumPy is imported only where it pays (:func:`numpy_pays`): importing it costs 0.1-0.2 s and 10 MB,
about what the plain-Python forms cost beyond the NumPy ones over :data:`NUMPY_MIN` records, so
linting a small file never imports it. Both ways give the same values.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

import xxhash

from validator.api import Batch, normalize_text

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "NUMPY_MIN",
    "clear",
    "encoded_inputs",
    "encoded_outputs",
    "input_keys",
    "lines",
    "normalized_input_keys",
    "normalized_inputs",
    "numpy_pays",
    "output_keys",
    "pair_keys",
    "plain_ascii",
    "plain_mask",
    "records",
    "text_key",
]

T = TypeVar("T")
_hash = xxhash.xxh3_64_intdigest
# name -> (the batch the column belongs to, its length then, the column)
_cache: dict[str, tuple[Batch, int, object]] = {}

#: From this many values on, work is done with NumPy even when it is not imported yet.
NUMPY_MIN = 50_000


def numpy_pays(n: int) -> bool:
    """Whether to do work on ``n`` values with NumPy: it is imported already (free), or ``n`` is
    large enough to repay importing it."""
    return n >= NUMPY_MIN or "numpy" in sys.modules


def _memo(name: str, batch: Batch, compute: Callable[[Batch], T]) -> T:
    hit = _cache.get(name)
    if hit is not None and hit[0] is batch and hit[1] == len(batch):
        return hit[2]  # type: ignore[return-value]
    value = compute(batch)
    _cache[name] = (batch, len(batch), value)
    return value


def clear() -> None:
    """Drop the cached columns (and the reference to the last batch): for memory measurements."""
    _cache.clear()


def text_key(text: str) -> int:
    """The 64-bit key of one text: xxh3 of its UTF-8 bytes."""
    return _hash(text.encode("utf-8", "surrogatepass"))


def _encode(texts: Sequence[str]) -> list[bytes]:
    return [text.encode("utf-8", "surrogatepass") for text in texts]


def encoded_inputs(batch: Batch) -> list[bytes]:
    """The inputs as UTF-8 bytes."""
    return _memo("encoded_inputs", batch, lambda b: _encode(b.inputs))


def encoded_outputs(batch: Batch) -> list[bytes]:
    """The outputs as UTF-8 bytes."""
    return _memo("encoded_outputs", batch, lambda b: _encode(b.outputs))


def records(batch: Batch) -> array[int]:
    """The record numbers (32 bits each: four billion records is far beyond any tuning file)."""
    return _memo("records", batch, lambda b: array("I", b.records))


def lines(batch: Batch) -> array[int]:
    """The physical lines where the records start (32 bits each)."""
    return _memo("lines", batch, lambda b: array("I", b.lines))


def input_keys(batch: Batch) -> array[int]:
    """:func:`text_key` of every input."""
    return _memo("input_keys", batch, lambda b: array("Q", map(_hash, encoded_inputs(b))))


def output_keys(batch: Batch) -> array[int]:
    """:func:`text_key` of every output."""
    return _memo("output_keys", batch, lambda b: array("Q", map(_hash, encoded_outputs(b))))


def pair_keys(batch: Batch) -> array[int]:
    """A 64-bit key of every (input, output) pair: xxh3 of the output seeded with the input's key,
    so the split between the two texts is unambiguous and two pairs collide with probability about
    2**-64, like two texts do."""
    return _memo("pair_keys", batch, lambda b: array("Q", map(_hash, encoded_outputs(b), input_keys(b))))


def plain_ascii(text: str) -> bool:
    """Whether ``normalize_text(text) == text.lower()`` is known without normalising: printable
    ASCII without a leading, trailing or doubled space."""
    return (
        text.isascii()
        and text.isprintable()
        and "  " not in text
        and not text.startswith(" ")
        and not text.endswith(" ")
    )


def plain_mask(encoded: Sequence[bytes]) -> npt.NDArray[np.bool_]:
    """:func:`plain_ascii` of every text, given as UTF-8 bytes, computed on the joined bytes.

    Texts are joined with ``"\\n"`` (not printable, so never part of a plain text) plus one after
    the last, so every text owns the span from its first byte to its separator, empty texts too."""
    import numpy as np

    n = len(encoded)
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=n)
    plain = np.ones(n, dtype=bool)
    if n == 0:
        return plain
    codes = np.frombuffer(b"\n".join([*encoded, b""]), dtype=np.uint8)
    separators = np.cumsum(lengths + 1) - 1
    space = codes == 32
    # Control characters, DEL and every byte of a non-ASCII character fall outside ' '..'~': moved
    # down by 32 (wrapping below zero), they are exactly the bytes above 94.
    bad = (codes - np.uint8(32)) > 94
    bad[1:] |= space[1:] & space[:-1]  # the second space of a run
    bad[separators] = False
    # Bad bytes are rare in plain data: find the texts that hold one rather than reducing every span.
    plain[np.searchsorted(separators, np.flatnonzero(bad))] = False
    filled = lengths > 0
    starts, ends = (separators - lengths)[filled], (separators - 1)[filled]
    plain[filled] &= ~(space[starts] | space[ends])  # a leading or trailing space
    return plain


def _plain(batch: Batch, scale: int) -> list[bool]:
    """:func:`plain_ascii` of every input, by :func:`plain_mask` where NumPy pays."""

    def compute(b: Batch) -> list[bool]:
        if numpy_pays(scale + len(b)):
            flags: list[bool] = plain_mask(encoded_inputs(b)).tolist()
            return flags
        return list(map(plain_ascii, b.inputs))

    return _memo("plain", batch, compute)


def normalized_inputs(batch: Batch, scale: int = 0) -> list[str]:
    """``normalize_text`` of every input, by ``lower()`` where :func:`plain_ascii` allows.

    ``scale`` is how many records the caller's file has (seen so far, or expected): NumPy is used
    once it pays (:func:`numpy_pays`); the values are the same either way."""
    return _memo("normalized_inputs", batch, lambda b: _normalized_inputs(b, scale))


def _normalized_inputs(batch: Batch, scale: int) -> list[str]:
    plain = _plain(batch, scale)
    return [text.lower() if ok else normalize_text(text) for text, ok in zip(batch.inputs, plain, strict=True)]


def normalized_input_keys(batch: Batch, scale: int = 0) -> array[int]:
    """:func:`text_key` of every normalised input. A plain input is lower-cased as bytes (the same
    bytes as its lower-cased text, without building the text); one already in lower case keeps its
    input key, since its normalised text is the input itself. ``scale``: see
    :func:`normalized_inputs`."""
    return _memo("normalized_input_keys", batch, lambda b: _normalized_input_keys(b, scale))


def _normalized_input_keys(batch: Batch, scale: int) -> array[int]:
    plain = _plain(batch, scale)
    if plain and False not in plain:
        # Every input is plain (the usual batch): lower-case them all in one C call. A plain text
        # holds no line break, so splitting the joined result on it gives each text back.
        return array("Q", map(_hash, b"\n".join(encoded_inputs(batch)).lower().split(b"\n")))
    keys = array("Q")
    append = keys.append
    columns = (batch.inputs, encoded_inputs(batch), input_keys(batch), plain)
    for text, data, key, ok in zip(*columns, strict=True):
        if not ok:
            append(_hash(normalize_text(text).encode("utf-8", "surrogatepass")))
            continue
        lowered = data.lower()
        append(key if lowered == data else _hash(lowered))
    return keys
