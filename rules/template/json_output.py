"""T006: outputs that are not valid JSON where most outputs are JSON objects or arrays."""

from __future__ import annotations

import json
import re
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rules.template._common import _FIRST, _kept, _ratio, _reaches, _share
from rules.template.where import _Where
from validator.api import NO_SHIFT, Batch, Context, Example, Finding, Rule, Severity, Shift

_JSON, _BROKEN, _TEXT, _FENCED = 0, 1, 2, 3
_MAX_ERRORS = 10_000
_WHY = {
    _TEXT: "it is not a JSON object or array",
    _FENCED: "it is wrapped in a Markdown code fence",
}
#: A first character that may start JSON, a code fence, or whitespace before them.
_MAYBE_JSON = re.compile(r"[\s{\[`]")


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def _json_kind(text: str) -> tuple[int, str]:
    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        if stripped.startswith("```"):
            return _FENCED, _WHY[_FENCED]
        return _TEXT, _WHY[_TEXT]
    try:
        value = _DECODER.decode(stripped)
    except ValueError as exc:
        return _BROKEN, f"it does not parse: {exc}"
    except RecursionError:
        return _BROKEN, "it is nested too deeply to parse"
    if isinstance(value, (dict, list)):
        return _JSON, ""
    return _TEXT, _WHY[_TEXT]  # pragma: no cover - a "{"/"[" start parses to one


@dataclass(frozen=True)
class JsonOutputOptions:
    """Options of T006."""

    #: Share of outputs (0.5-1) that must be JSON objects or arrays.
    share: float = 0.8
    #: Fewer non-empty outputs than this: no JSON convention is inferred.
    min_examples: int = 20


class InvalidJsonOutput(Rule):
    """What: At least ``share`` (80%) of the outputs are JSON objects or arrays, and this output is
    not: it does not parse (a trailing comma, single quotes, a truncated object), is wrapped in a
    Markdown code fence, or is plain text.

    Why: Tuned models have no JSON mode: the model learns the output format from the examples alone,
    so a few broken outputs teach it to emit broken JSON that production parsers reject.

    Example: 98 of 100 outputs are ``{"label": ..., "score": ...}``; one has a trailing comma and one
    uses single quotes.

    Fix: Repair the flagged outputs (``json.loads`` must accept them) and keep them in the same
    structure as the others.
    """

    code = "T006"
    name = "invalid-json-output"
    summary = "Output is not valid JSON where most outputs are"
    default_severity = Severity.WARNING
    options = JsonOutputOptions

    def __init__(self, options: JsonOutputOptions | None = None) -> None:
        super().__init__(options)
        self._good = 0  # outputs that are JSON objects or arrays: counted, nothing else kept
        self._where = _Where()  # the other non-empty outputs only
        self._kind = array("B")  # their kind (_BROKEN, _TEXT, _FENCED)
        self._errors: dict[int, str] = {}  # position in _where -> why a broken one fails (bounded)

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        return self.check_batch(Batch.of([example]), ctx)

    def check_batch(self, batch: Batch, ctx: Context) -> Iterable[Finding]:
        outputs = batch.outputs
        keep = _kept(outputs)
        if keep is None and _MAYBE_JSON.search("".join(map(_FIRST, outputs))) is None:
            # no output can be JSON: all plain text
            self._where.add(batch)
            self._kind.frombytes(bytes([_TEXT]) * len(outputs))
            return ()
        bad: list[int] = []
        kinds = bytearray()
        for i in range(len(outputs)) if keep is None else keep:
            kind, why = _json_kind(outputs[i])
            if kind == _JSON:
                self._good += 1
                continue
            if kind == _BROKEN and len(self._where) + len(bad) < _MAX_ERRORS:
                self._errors[len(self._where) + len(bad)] = why[:200]
            bad.append(i)
            kinds.append(kind)
        if bad:
            self._where.add(batch, bad)
            self._kind.frombytes(bytes(kinds))
        return ()

    def merge(self, other: Rule, shift: Shift = NO_SHIFT) -> None:
        """Add ``other``'s count, append its positions (moved by ``shift``), kinds and errors."""
        assert isinstance(other, InvalidJsonOutput)
        base = len(self._where)
        self._good += other._good
        for position, why in other._errors.items():
            if base + position < _MAX_ERRORS:
                self._errors[base + position] = why
        self._where.merge(other._where, shift)
        self._kind.extend(other._kind)

    def finish(self, ctx: Context) -> Iterator[Finding]:
        good = self._good
        total = good + len(self._where)
        if total < max(self.opts.min_examples, 1):
            return
        if not _reaches(good, total, _share(self.opts.share)):
            return
        ctx.file.template["json_outputs"] = True
        for i, kind in enumerate(self._kind):
            if i >= _MAX_ERRORS:
                why = "it is not valid JSON"  # the first outputs keep their reason; memory stays bounded
            else:
                why = _WHY[kind] if kind in _WHY else self._errors.get(i, "it is not valid JSON")
            yield self.finding(
                ctx,
                f"output is not valid JSON where {_ratio(good, total)} outputs are JSON objects or arrays: "
                f"{why}. Tuned models have no JSON mode; fix this output so the model learns valid JSON",
                at=self._where.record(i),
                field=self._where.field(i, "output"),
            )
