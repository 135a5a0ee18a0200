"""T002: inputs that lack the preamble most inputs start with."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from rules.template._common import _heads, _kept, _quote, _ratio, _share
from rules.template.anchors import _Anchors
from rules.template.where import _Where
from validator.api import NO_SHIFT, Batch, Context, Example, Finding, Rule, Severity, Shift

_PREAMBLE_END = ".:;?!)]>。：；？！"


def _preamble_accept(min_length: int, window: int) -> Callable[[str, int], bool]:
    def accept(text: str, length: int) -> bool:
        head = text[:length]
        if len(head.strip()) < min_length:
            return False
        if length == len(text) and len(text) < window:
            return False  # the whole input, not a preamble before varying content
        return head.endswith("\n") or head.rstrip(" \t")[-1:] in tuple(_PREAMBLE_END)

    return accept


@dataclass(frozen=True)
class PreambleOptions:
    """Options of T002."""

    #: Share of inputs (0.5-1) that must start with the same preamble.
    share: float = 0.8
    #: A preamble is at least this many characters (not counting surrounding whitespace).
    min_length: int = 20
    #: Fewer non-empty inputs than this: no preamble is inferred.
    min_examples: int = 20


_PREAMBLE_WINDOW = 1024


class InconsistentPreamble(Rule):
    """What: At least ``share`` (80%) of the inputs start with the same preamble of at least
    ``min-length`` (20) characters — an instruction or system text ending at a line break or after
    ``:``/``.``/``?`` — and this input does not. Leading whitespace is ignored here (T004 reports it).

    Why: A preamble used in training must be used at inference; records without it teach the model
    a second prompt format, and usually come from an older export or a hand-written batch.

    Example: 90 of 100 inputs start with ``"Classify the sentiment of this review.\\n\\n"``; ten
    inputs are the bare review.

    Fix: Add the preamble to the flagged inputs (the report's summary shows it) and send it with every
    production prompt, or remove it everywhere.
    """

    code = "T002"
    name = "inconsistent-preamble"
    summary = "Input lacks the preamble most inputs start with"
    default_severity = Severity.WARNING
    options = PreambleOptions

    def __init__(self, options: PreambleOptions | None = None) -> None:
        super().__init__(options)
        self._where = _Where()  # every example; blank inputs are skipped entries of the anchors
        self._anchors = _Anchors(keylen=max(1, min(self.opts.min_length, _PREAMBLE_WINDOW)), window=_PREAMBLE_WINDOW)

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        return self.check_batch(Batch.of([example]), ctx)

    def check_batch(self, batch: Batch, ctx: Context) -> Iterable[Finding]:
        self._where.add(batch)
        texts = batch.inputs
        self._anchors.add_many(_heads(texts, _kept(texts), _PREAMBLE_WINDOW))
        return ()

    def merge(self, other: Rule, shift: Shift = NO_SHIFT) -> None:
        """Append ``other``'s positions (moved by ``shift``) and anchors."""
        assert isinstance(other, InconsistentPreamble)
        self._where.merge(other._where, shift)
        self._anchors.merge(other._anchors)

    def finish(self, ctx: Context) -> Iterator[Finding]:
        total = self._anchors.counted
        if total < max(self.opts.min_examples, 1):
            return
        accept = _preamble_accept(max(self.opts.min_length, 1), _PREAMBLE_WINDOW)
        found = self._anchors.dominant(total, _share(self.opts.share), accept)
        if found is None:
            return
        preamble = found.text
        ctx.file.template["preamble"] = preamble if len(preamble) <= 200 else preamble[:199] + "…"
        for i in found.missing:
            yield self.finding(
                ctx,
                f"input does not start with the preamble {_quote(preamble)} that "
                f"{_ratio(found.count, total)} inputs start with. A preamble used in training must be "
                "used at inference: add it to this input, or remove it from every example",
                at=self._where.record(i),
                field=self._where.field(i, "input"),
            )
