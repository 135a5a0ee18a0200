"""Per-example values several built-in rules need (digests, the normalised input), computed once.

The engine hands every rule the same :class:`~validator.api.Example` object in turn, so each value is
cached for the most recent example only, keyed by the object itself (the cache holds a reference,
so an identity match is never a recycled id). Each entry is replaced with one assignment, so a
concurrent caller sees either the old pair or the new one, never a mix.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from validator.api import Example, digest, normalize_text

__all__ = ["input_digest", "normalized_input", "normalized_input_digest", "output_digest"]

T = TypeVar("T")
# name -> (the example the value belongs to, the value)
_cache: dict[str, tuple[object, object]] = {}


def _memo(name: str, example: Example, compute: Callable[[Example], T]) -> T:
    hit = _cache.get(name)
    if hit is not None and hit[0] is example:
        return hit[1]  # type: ignore[return-value]
    value = compute(example)
    _cache[name] = (example, value)
    return value


def input_digest(example: Example) -> bytes:
    """``digest(example.input_text)``."""
    return _memo("input", example, lambda e: digest(e.input_text))


def output_digest(example: Example) -> bytes:
    """``digest(example.output_text)``."""
    return _memo("output", example, lambda e: digest(e.output_text))


def normalized_input(example: Example) -> str:
    """``normalize_text(example.input_text)``."""
    return _memo("normalized", example, lambda e: normalize_text(e.input_text))


def normalized_input_digest(example: Example) -> bytes:
    """``digest(normalize_text(example.input_text))``."""
    return _memo("normalized_digest", example, lambda e: digest(normalized_input(e)))
