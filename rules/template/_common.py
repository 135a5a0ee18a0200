"""Small helpers the T rules share: shares and thresholds, message fragments, and the ends of texts
(heads and tails) taken without copying long texts."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from operator import itemgetter

_EPSILON = 1e-9


def _reaches(count: int, total: int, share: float) -> bool:
    """``count`` is at least ``share`` of ``total`` (60 of 100 reaches 0.6; 59 does not)."""
    return total > 0 and count >= share * total - _EPSILON


def _share(value: float) -> float:
    """Shares below one half would let two conventions both be "dominant": clamp into [0.5, 1]."""
    return min(max(float(value), 0.5), 1.0)


def _quote(text: str, limit: int = 60) -> str:
    """A short, one-line rendering of a dataset string for a message."""
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return json.dumps(shown, ensure_ascii=False)


def _ratio(count: int, total: int) -> str:
    return f"{count:,} of {total:,}"


def _kept(texts: Sequence[str]) -> list[int] | None:
    """Positions of the texts that are not blank, or ``None`` when none is (the usual case, decided
    by two C-level scans instead of a test per text)."""
    if "" not in texts and not any(map(str.isspace, texts)):
        return None
    return [i for i, text in enumerate(texts) if text and not text.isspace()]


def _head(text: str, size: int) -> str:
    """The first ``size`` characters after leading whitespace, without copying a long text."""
    head = text[: 2 * size].lstrip()
    if len(head) < size < len(text) // 2:
        head = text.lstrip()
    return head[:size]


def _tail(text: str, size: int) -> str:
    """The last ``size`` characters before trailing spaces and tabs, without copying a long text."""
    tail = text[-2 * size :].rstrip(" \t")
    if len(tail) < size < len(text) // 2:
        tail = text.rstrip(" \t")
    return tail[-size:]


_FIRST = itemgetter(0)
_LAST = itemgetter(-1)
#: Any whitespace character (the same class as ``str.isspace``).
_SPACE = re.compile(r"\s")
_SPACE_OR_TAB = re.compile("[ \t]")


def _heads(texts: Sequence[str], keep: Sequence[int] | None, size: int) -> list[str | None]:
    """``_head(text, size)`` of every text, ``None`` for blank ones. Texts that start with no
    whitespace (almost all) are just sliced."""
    if keep is None:
        heads: list[str | None] = [text[:size] for text in texts]
        for match in _SPACE.finditer("".join(map(_FIRST, texts))):
            heads[match.start()] = _head(texts[match.start()], size)
        return heads
    heads = [None] * len(texts)
    for i in keep:
        heads[i] = _head(texts[i], size)
    return heads


def _reversed_tails(texts: Sequence[str], keep: Sequence[int] | None, size: int) -> list[str | None]:
    """``_tail(text, size)`` reversed for every text, ``None`` for blank ones. Texts that do not end
    with a space or tab (almost all) are sliced backwards in one step."""
    if keep is None:
        stop = -size - 1
        tails: list[str | None] = [text[:stop:-1] for text in texts]
        for match in _SPACE_OR_TAB.finditer("".join(map(_LAST, texts))):
            tails[match.start()] = _tail(texts[match.start()], size)[::-1]
        return tails
    tails = [None] * len(texts)
    for i in keep:
        tails[i] = _tail(texts[i], size)[::-1]
    return tails
