"""Small text helpers shared by the built-in rules."""

from __future__ import annotations

__all__ = ["plural", "thousands"]


def thousands(n: int) -> str:
    """``40000 -> "40,000"``."""
    return f"{n:,}"


def plural(n: int, word: str) -> str:
    """``plural(1, "record") -> "1 record"``, ``plural(2, "record") -> "2 records"``."""
    return f"{thousands(n)} {word}{'' if n == 1 else 's'}"
