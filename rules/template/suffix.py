"""T003: inputs or outputs that lack the separator or stop sequence most of them end with."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from rules.template._common import _kept, _quote, _ratio, _reversed_tails, _share
from rules.template.anchors import _Anchors
from rules.template.where import _Where
from validator.api import NO_SHIFT, Batch, Context, Example, Finding, Rule, Severity, Shift

_SEPARATOR_SYMBOLS = "#=-*~_|<>"
_SEPARATOR_START = _SEPARATOR_SYMBOLS + "["


def _suffix_accept(window: int) -> Callable[[str, int], bool]:
    """A suffix (given reversed) is a separator or stop sequence: it starts with whitespace or a
    separator symbol (or a word right after a non-word character), and carries a newline, a letter,
    or separator symbols — never bare sentence punctuation such as ``.`` or ``?``."""

    def accept(reversed_text: str, length: int) -> bool:
        if length == len(reversed_text) and len(reversed_text) < window:
            return False  # the whole text
        suffix = reversed_text[:length][::-1]
        first = suffix[0]
        before = reversed_text[length] if length < len(reversed_text) else ""
        core = "".join(suffix.split())
        word_start = first.isalpha() and before != "" and not before.isalnum()
        if not (first.isspace() or first in _SEPARATOR_START or word_start):
            return False
        if not core:
            return "\n" in suffix
        return any(c.isalpha() for c in core) or any(c in _SEPARATOR_SYMBOLS for c in core)

    return accept


_SUFFIX_WINDOW = 256


@dataclass(frozen=True)
class SuffixOptions:
    """Options of T003."""

    #: Share of inputs (or outputs) (0.5-1) that must end with the same separator.
    share: float = 0.8
    #: Fewer non-empty texts than this: no separator is inferred.
    min_examples: int = 20


class InconsistentSuffix(Rule):
    """What: At least ``share`` (80%) of the inputs, or of the outputs, end with the same separator or
    stop sequence (``"\\n\\n###\\n\\n"``, ``"\\nAnswer:"``, ``" END"``, a newline) and this one does
    not. A separator starts with whitespace or a symbol and holds a line break, a word or symbols
    such as ``###``; sentence punctuation (most texts ending in ``.``) is never a separator. Trailing
    spaces and tabs are ignored here (T004 reports them). A tail most texts share for 256 characters
    or more is repeated content, not a separator. A cue that is also a field label (``Answer:``) is
    part of T001's template too, so a record without it is reported by both.

    Why: Separators tell the model where the prompt ends and stop sequences where the answer ends;
    records without them teach it to run on (or to stop early), and production prompts must end with
    the same separator.

    Example: 95 of 100 outputs end with ``" END"`` (the stop sequence passed at inference); five do
    not, so the model sometimes never emits it.

    Fix: Append the separator to the flagged inputs or outputs (the report's summary shows it).
    """

    code = "T003"
    name = "inconsistent-suffix"
    summary = "Input or output lacks the separator most of them end with"
    default_severity = Severity.WARNING
    options = SuffixOptions

    def __init__(self, options: SuffixOptions | None = None) -> None:
        super().__init__(options)
        self._where = _Where()  # every example, for both roles
        self._roles = {role: _Anchors(keylen=1, window=_SUFFIX_WINDOW) for role in ("input", "output")}

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        return self.check_batch(Batch.of([example]), ctx)

    def check_batch(self, batch: Batch, ctx: Context) -> Iterable[Finding]:
        self._where.add(batch)
        for texts, anchors in ((batch.inputs, self._roles["input"]), (batch.outputs, self._roles["output"])):
            anchors.add_many(_reversed_tails(texts, _kept(texts), _SUFFIX_WINDOW))
        return ()

    def merge(self, other: Rule, shift: Shift = NO_SHIFT) -> None:
        """Append ``other``'s positions (moved by ``shift``) and both roles' anchors."""
        assert isinstance(other, InconsistentSuffix)
        self._where.merge(other._where, shift)
        for role, anchors in self._roles.items():
            anchors.merge(other._roles[role])

    def finish(self, ctx: Context) -> Iterator[Finding]:
        found: list[tuple[int, int, Finding]] = []
        where = self._where
        for order, (role, anchors) in enumerate(self._roles.items()):
            total = anchors.counted
            if total < max(self.opts.min_examples, 1):
                continue
            accept = _suffix_accept(_SUFFIX_WINDOW)
            anchor = anchors.dominant(total, _share(self.opts.share), accept, limit=_SUFFIX_WINDOW)
            if anchor is None:
                continue
            suffix = anchor.text[::-1]
            ctx.file.template[f"{role}_suffix"] = suffix
            for i in anchor.missing:
                finding = self.finding(
                    ctx,
                    f"{role} does not end with {_quote(suffix)}, the separator {_ratio(anchor.count, total)} "
                    f"{role}s end with. Append it, so the model learns where the "
                    f"{'prompt' if role == 'input' else 'answer'} ends"
                    + (" (and end production prompts with it)" if role == "input" else ""),
                    at=where.record(i),
                    field=where.field(i, role),
                )
                found.append((where.line(i), order, finding))
        found.sort(key=lambda t: (t[0], t[1]))
        for _, _, finding in found:
            yield finding
