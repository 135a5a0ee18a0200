"""T004: leading or trailing whitespace that the rest of the dataset's inputs (or outputs) do not have."""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from rules.template._common import _FIRST, _LAST, _SPACE, _kept, _ratio, _reaches, _share
from rules.template.where import _Where
from validator.api import NO_SHIFT, Batch, Context, Example, Finding, Rule, Severity, Shift

_LEAD, _TRAIL, _SKIP = 1, 2, 4
_FLAGGED = re.compile(b"\x01")


def _ends(text: str) -> int:
    """``_LEAD``/``_TRAIL`` bits of a text, ``_SKIP`` for a blank one."""
    if not text or text.isspace():
        return _SKIP
    return (_LEAD if text[0].isspace() else 0) | (_TRAIL if text[-1].isspace() else 0)


def _end_bits(texts: Sequence[str]) -> bytes:
    """:func:`_ends` of every text, one byte each: first and last characters are gathered into two
    strings and searched for whitespace in C; only a batch with some looks at texts one by one."""
    if _kept(texts) is not None:
        return bytes(map(_ends, texts))
    bits = bytearray(len(texts))
    for end, pick in ((_LEAD, _FIRST), (_TRAIL, _LAST)):
        for match in _SPACE.finditer("".join(map(pick, texts))):
            bits[match.start()] |= end
    return bytes(bits)


@dataclass(frozen=True)
class WhitespaceOptions:
    """Options of T004."""

    #: Share of texts (0.5-1) that makes "no whitespace at this end" (or "whitespace") the convention.
    share: float = 0.9
    #: Fewer non-empty texts than this: no convention is inferred.
    min_examples: int = 20


class StrayWhitespace(Rule):
    """What: An input or output starts or ends with whitespace (spaces, tabs, newlines) where at least
    ``share`` (90%) of the dataset's inputs (or outputs) have none at that end — or, the reverse, lacks
    the leading whitespace that 90% have, such as the leading space of the OpenAI legacy completion
    convention. Each end of inputs and of outputs is judged separately; a convention held by 90% is
    never flagged itself. Trailing whitespace is never a convention to copy (a trailing newline that
    most texts end with is a stop sequence, which T003 reports).

    Why: Tokenizers treat ``" Paris"`` and ``"Paris"`` as different tokens; a few stray spaces or
    newlines teach the model to emit (or expect) them at random, and are usually export artefacts.

    Example: 2 of 200 outputs are ``"Positive "`` with a trailing space.

    Fix: Strip the flagged texts (or, for a leading-space convention, add the space); the change is
    mechanical, so the rule is marked fixable.
    """

    code = "T004"
    name = "stray-whitespace"
    summary = "Leading or trailing whitespace that the rest of the dataset does not have"
    default_severity = Severity.WARNING
    fixable = True
    options = WhitespaceOptions

    def __init__(self, options: WhitespaceOptions | None = None) -> None:
        super().__init__(options)
        self._where = _Where()  # every example, for both roles
        self._roles = {role: array("B") for role in ("input", "output")}  # _ends() of each text

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        return self.check_batch(Batch.of([example]), ctx)

    def check_batch(self, batch: Batch, ctx: Context) -> Iterable[Finding]:
        self._where.add(batch)
        self._roles["input"].frombytes(_end_bits(batch.inputs))
        self._roles["output"].frombytes(_end_bits(batch.outputs))
        return ()

    def merge(self, other: Rule, shift: Shift = NO_SHIFT) -> None:
        """Append ``other``'s positions (moved by ``shift``) and whitespace bits."""
        assert isinstance(other, StrayWhitespace)
        self._where.merge(other._where, shift)
        for role, bits in self._roles.items():
            bits.extend(other._roles[role])

    def finish(self, ctx: Context) -> Iterator[Finding]:
        share = _share(self.opts.share)
        found: list[tuple[int, int, Finding]] = []
        where = self._where
        for order, (role, bits) in enumerate(self._roles.items()):
            data = bits.tobytes()
            total = len(data) - data.count(_SKIP)
            if total < max(self.opts.min_examples, 1):
                continue
            have = {end: data.count(end) + data.count(_LEAD | _TRAIL) for end in (_LEAD, _TRAIL)}
            rules = [r for r in (self._convention(have[end], total, share, end, role) for end in (_LEAD, _TRAIL)) if r]
            if not rules:
                continue
            messages = [self._message(value, rules, role) for value in range(_SKIP)] + [None]
            # the entries whose bits break a rule, found in C: those bits map to 1, the others to 0
            flags = data.translate(bytes(1 if message else 0 for message in messages) + bytes(256 - len(messages)))
            for match in _FLAGGED.finditer(flags):
                i = match.start()
                finding = self.finding(ctx, messages[data[i]] or "", at=where.record(i), field=where.field(i, role))
                found.append((where.line(i), order, finding))
        found.sort(key=lambda t: (t[0], t[1]))
        for _, _, finding in found:
            yield finding

    @staticmethod
    def _message(value: int, rules: list[tuple[int, bool, str]], role: str) -> str | None:
        """The message for a text with whitespace bits ``value``, or None when it follows the rules."""
        broken = [(expect, text) for end, expect, text in rules if bool(value & end) != expect]
        if not broken:
            return None
        expects = {expect for expect, _ in broken}
        fix = "Add it" if expects == {True} else "Strip it" if expects == {False} else "Fix both ends"
        return (
            f"{role} {' and '.join(text for _, text in broken)}. {fix}, so every {role} is formatted "
            "the same way (tokenizers see the whitespace)"
        )

    @staticmethod
    def _convention(have: int, total: int, share: float, end: int, role: str) -> tuple[int, bool, str] | None:
        """``(end, whether the convention is to have whitespace there, message part)`` or None."""
        side = "leading" if end == _LEAD else "trailing"
        if have > 0 and _reaches(total - have, total, share):
            return end, False, f"has {side} whitespace, which {_ratio(total - have, total)} {role}s do not have"
        if end == _LEAD and have < total and _reaches(have, total, share):
            return end, True, f"lacks the {side} whitespace that {_ratio(have, total)} {role}s have"
        return None
