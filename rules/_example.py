"""Per-example values several built-in rules need (digests, the normalised input), computed once.

The engine hands every rule the same :class:`~validator.api.Example` object in turn, so each value is
cached for the most recent example only, keyed by the object itself (the cache holds a reference,
so an identity match is never a recycled id). The cache is replaced with one assignment, so a
concurrent caller sees either the old pair or the new one, never a mix.
"""

from __future__ import annotations

from validator.api import Example, digest, normalize_text

__all__ = ["input_digest", "normalized_input", "normalized_input_digest", "output_digest"]

_input: tuple[object, bytes] = (None, b"")
_output: tuple[object, bytes] = (None, b"")
_normalized: tuple[object, str] = (None, "")
_normalized_digest: tuple[object, bytes] = (None, b"")


def input_digest(example: Example) -> bytes:
    """``digest(example.input_text)``."""
    global _input
    cached = _input
    if cached[0] is example:
        return cached[1]
    value = digest(example.input_text)
    _input = (example, value)
    return value


def output_digest(example: Example) -> bytes:
    """``digest(example.output_text)``."""
    global _output
    cached = _output
    if cached[0] is example:
        return cached[1]
    value = digest(example.output_text)
    _output = (example, value)
    return value


def normalized_input(example: Example) -> str:
    """``normalize_text(example.input_text)``."""
    global _normalized
    cached = _normalized
    if cached[0] is example:
        return cached[1]
    value = normalize_text(example.input_text)
    _normalized = (example, value)
    return value


def normalized_input_digest(example: Example) -> bytes:
    """``digest(normalize_text(example.input_text))``."""
    global _normalized_digest
    cached = _normalized_digest
    if cached[0] is example:
        return cached[1]
    value = digest(normalized_input(example))
    _normalized_digest = (example, value)
    return value
