"""B rules (label balance) and T005 (inconsistent label spellings) for classification datasets.

All three speak only when the task is ``classification`` (given with ``--task`` or inferred), which is
final only in ``finish``; during the pass they keep compact per-label state. The label of an example
is its output, trimmed (the engine's ``FileFacts.labels`` counts them the same way). The B rules count
a label's spellings together (:func:`label_key`: ``Positive``, ``positive.`` and ``POSITIVE`` are one
label spelt three ways), so a stray spelling is T005's business and not a rare label. The rules stay
silent when the outputs do not form a label set: more distinct labels than ``max-labels`` (50, the
catalogue's limit for inferring classification), or fewer than two examples per label on average,
means free text (linted with ``--task classification``), not labels.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

from rules._text import plural, thousands
from validator.api import (
    NO_SHIFT,
    Batch,
    Context,
    Example,
    Finding,
    Location,
    Rule,
    Severity,
    Shift,
    StatelessRule,
    digest,
)

__all__ = ["RULES", "RULES_B", "InconsistentLabel", "LabelImbalance", "RareLabel", "label_key"]

#: Distinct labels tracked at most during the pass (the engine's tally uses the same bound): beyond
#: it the outputs are free text and the state is dropped.
MAX_TRACKED = 1_000
#: Outputs longer than this are never labels; T005 does not remember them.
MAX_LABEL_CHARS = 200


#: Trimmed from both ends of a label before comparing: whitespace, sentence punctuation, quotes and
#: brackets (``(A)``, ``A.``, ``"A"``). ``+``, ``-``, ``#`` and other symbols stay: ``-1``/``1``,
#: ``A-``/``A`` and ``C#``/``C`` are different labels.
_EDGE = ".,;:!?'\"`()[]{}<>“”‘’„‚«»‹›「」『』（）【】。、，；：！？"
#: Removed between two letters or digits: whitespace, underscores, hyphens and dashes, apostrophes and
#: dots (``not-spam`` / ``not_spam`` / ``Not Spam`` / ``notspam``; ``U.S.`` / ``US``). A dot between
#: two digits stays (``1.5`` is not ``15``), a slash stays as one slash (``yes / no`` is ``yes/no``).
_INNER = re.compile(r"(?<=[^\W_])[\s_\-\u2010-\u2015.'’·/]+(?=[^\W_])")


def label_key(label: str) -> str:
    """The key spellings of one label share: NFKC, case-folded, ends trimmed of whitespace and
    punctuation, separators between word characters removed (``"Not_Sure."`` -> ``"notsure"``)."""
    text = unicodedata.normalize("NFKC", label).casefold().strip().strip(_EDGE).strip()
    if not text:
        return " ".join(label.casefold().split())
    return _INNER.sub(_inner_repl, text)


def _inner_repl(match: re.Match[str]) -> str:
    sep = match.group(0)
    if "/" in sep:
        return "/"  # "yes/no" and "yesno" stay apart
    if sep == "." and match.string[match.start() - 1].isdigit() and match.string[match.end()].isdigit():
        return sep
    return ""


def _label_set(ctx: Context, max_labels: int) -> Mapping[str, int] | None:
    """The non-empty labels of a classification file, or ``None`` when the rules have nothing to say:
    another task, no labels, or outputs that are not a label set (more than ``max_labels`` distinct
    ones, or fewer than two examples per label on average: free text linted with ``--task
    classification``)."""
    if ctx.task != "classification" or ctx.file.labels is None:
        return None
    labels = {label: n for label, n in ctx.file.labels.items() if label}
    if not labels or len(labels) > max_labels or 2 * len(labels) > sum(labels.values()):
        return None
    return labels


def _classes(labels: Mapping[str, int]) -> list[tuple[str, int, list[str]]]:
    """The classes of a label set: labels grouped by :func:`label_key` (``Positive`` and
    ``positive`` are one class spelt two ways, which is T005's business), as ``(name, count,
    spellings)`` with the most frequent spelling as the name, largest class first."""
    groups: dict[str, list[str]] = {}
    for label in labels:  # most frequent first, so a group's first spelling is its name
        groups.setdefault(label_key(label), []).append(label)
    classes = [(spellings[0], sum(labels[s] for s in spellings), spellings) for spellings in groups.values()]
    classes.sort(key=lambda c: -c[1])
    return classes


def _quote(label: str) -> str:
    return repr(label) if len(label) <= 60 else repr(label[:57] + "...")


@dataclass(frozen=True)
class RareLabelOptions:
    #: A label with fewer examples than this is rare.
    min_per_label: int = 5
    #: With more distinct labels than this the outputs are not a label set and the rule is silent.
    max_labels: int = 50


class RareLabel(Rule):
    """What: In a classification dataset, a label has fewer than ``min-per-label`` (default 5)
    examples. Reported once per rare label, at its first example, with its count. Spellings that
    differ only in case, spacing or punctuation count as one label (T005 reports the spellings).

    Why: A handful of examples is not enough for the model to learn a class; it will rarely or never
    predict it. A rare label is also often a typo or a stray variant of another label.

    Example: 96 transactions labelled ``Building Improvement``, ``Utility Bills`` or ``Other`` and
    two labelled ``Legal``.

    Fix: Add examples of the label, merge it into a related label, or drop its examples. Set
    ``min-per-label`` in ``[rules.B001]`` to change the threshold.
    """

    code = "B001"
    name = "rare-label"
    summary = "A classification label has very few examples"
    default_severity = Severity.WARNING
    options = RareLabelOptions

    def __init__(self, options: RareLabelOptions | None = None) -> None:
        super().__init__(options)
        # digest of the trimmed output -> (line, record, field) of its first example
        self._first: dict[bytes, tuple[int, int, str | None]] = {}
        self._overflow = False

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        return self.check_batch(Batch.of([example]), ctx)

    def check_batch(self, batch: Batch, ctx: Context) -> Iterable[Finding]:
        if self._overflow:
            return ()
        outputs, first = batch.outputs, self._first
        # Labels repeat: each distinct output of the batch is looked at once, at its first example
        # (the first output with a given trimmed text comes first in the batch's order too).
        for text in dict.fromkeys(outputs):
            key = digest(text.strip())
            if key in first:
                continue
            if len(first) >= MAX_TRACKED:
                self._overflow = True
                first.clear()
                return ()
            i = outputs.index(text)
            first[key] = (batch.lines[i], batch.records[i], batch.fields[i].get("output"))
        return ()

    def merge(self, other: Rule, shift: Shift = NO_SHIFT) -> None:
        """Keep the first example of every label over both (``other``'s moved by ``shift``)."""
        assert isinstance(other, RareLabel)
        if other._overflow or self._overflow:
            self._overflow = True
            self._first.clear()
            return
        for key, (line, record, field) in other._first.items():
            where = (shift.line(line), shift.record(record), field)
            mine = self._first.get(key)
            if mine is None or where[0] < mine[0]:
                self._first[key] = where
        if len(self._first) > MAX_TRACKED:
            self._overflow = True
            self._first.clear()

    def finish(self, ctx: Context) -> Iterator[Finding]:
        labels = _label_set(ctx, self.opts.max_labels)
        if labels is None:
            return
        total = sum(labels.values())
        minimum = self.opts.min_per_label
        found: list[tuple[int, Finding]] = []
        for label, count, spellings in _classes(labels):
            if count >= minimum:
                continue
            firsts = [w for w in (self._first.get(digest(s)) for s in spellings) if w is not None]
            where = min(firsts) if firsts else None
            share = f"{100 * count / total:.1f}%"
            message = (
                f"label {_quote(label)} has {plural(count, 'example')} ({share} of {thousands(total)}), fewer "
                f"than {thousands(minimum)}; the model will rarely predict it. Add examples of it, merge it "
                "into a related label, or drop it"
            )
            if where is None:
                found.append((0, self.finding(ctx, message)))
            else:
                line, record, field = where
                finding = self.finding(ctx, message, line=line, field=field)
                found.append((line, _with_record(finding, record)))
        for _, finding in sorted(found, key=lambda pair: pair[0]):
            yield finding


def _with_record(finding: Finding, record: int) -> Finding:
    return replace(finding, record=record or None)


@dataclass(frozen=True)
class LabelImbalanceOptions:
    #: Report when the largest label count divided by the smallest is at least this.
    max_ratio: float = 10.0
    #: With more distinct labels than this the outputs are not a label set and the rule is silent.
    max_labels: int = 50


class LabelImbalance(StatelessRule):
    """What: In a classification dataset, the most frequent label has at least ``max-ratio``
    (default 10) times as many examples as the least frequent one. One finding per file naming both
    labels and their counts. Spellings that differ only in case, spacing or punctuation count as one
    label, as in B001.

    Why: A tuned model learns the label distribution along with the task: with a 10:1 imbalance it
    leans towards the frequent labels and under-predicts the rare ones. Sometimes that matches
    production traffic; often it is an accident of how the data was collected.

    Example: 50 examples labelled ``Building Improvement`` and 5 labelled ``Other``.

    Fix: Add examples of the rare labels, or downsample the frequent ones, unless the imbalance is
    what production traffic looks like. Set ``max-ratio`` in ``[rules.B002]`` to change the threshold.
    """

    code = "B002"
    name = "label-imbalance"
    summary = "Classification labels are strongly imbalanced"
    default_severity = Severity.INFO
    options = LabelImbalanceOptions

    def finish(self, ctx: Context) -> Iterator[Finding]:
        labels = _label_set(ctx, self.opts.max_labels)
        if labels is None:
            return
        classes = _classes(labels)
        if len(classes) < 2:
            return
        (big_label, big, _), (small_label, small, _) = classes[0], classes[-1]
        if big < self.opts.max_ratio * small:
            return
        yield self.finding(
            ctx,
            f"labels are imbalanced: {_quote(big_label)} has {plural(big, 'example')}, {_quote(small_label)} "
            f"only {thousands(small)} ({big / small:.1f}:1, at or above {self.opts.max_ratio:g}:1); the model "
            "will favour the frequent labels. Add examples of the rare labels or downsample the frequent "
            "ones, unless production traffic is just as skewed",
        )


# -- T005 ---------------------------------------------------------------------------------------------


class _Spelling:
    """One exact spelling of a label: how many records use it and where the first few are."""

    __slots__ = ("count", "field", "lines", "records")

    def __init__(self, field: str | None) -> None:
        self.count = 0
        self.field = field
        self.lines = array("I")
        self.records = array("I")


@dataclass(frozen=True)
class InconsistentLabelOptions:
    #: Records reported individually per variant spelling; the rest get one summary finding.
    max_per_variant: int = 20
    #: With more distinct labels than this the outputs are not a label set and the rule is silent.
    max_labels: int = 50


class InconsistentLabel(Rule):
    """What: In a classification dataset, several spellings of what is evidently one label: outputs
    that differ only in case, surrounding whitespace, punctuation at the ends or separators between
    words (``Positive`` / ``positive `` / ``POSITIVE``; ``not_spam`` / ``Not spam``). The most
    frequent spelling is taken as the label; every record using another spelling is flagged (the
    first ``max-per-variant``, default 20, individually, the rest in one summary per spelling).

    Why: The provider trains on exact text: to the model ``positive`` and ``Positive`` are two
    classes, so it splits the examples of one class and may answer with either spelling, which then
    breaks the exact-match comparison your application does.

    Example: 300 outputs ``positive``, 12 ``Positive`` and 3 ``positive.``.

    Fix: Replace every variant with the dominant spelling. Symbols stay significant (``-1`` and
    ``1``, ``C#`` and ``C`` are different labels); so do digits around a dot (``1.5`` and ``15``).
    """

    code = "T005"
    name = "inconsistent-label"
    summary = "One label is spelt in several ways"
    default_severity = Severity.WARNING
    options = InconsistentLabelOptions

    def __init__(self, options: InconsistentLabelOptions | None = None) -> None:
        super().__init__(options)
        self._spellings: dict[str, _Spelling] = {}
        self._overflow = False
        self._max_per_variant: int = self.opts.max_per_variant

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        return self.check_batch(Batch.of([example]), ctx)

    def check_batch(self, batch: Batch, ctx: Context) -> Iterable[Finding]:
        if self._overflow:
            return ()
        outputs, spellings, limit = batch.outputs, self._spellings, self._max_per_variant
        # Counted per distinct output (labels repeat), in order of first appearance, so spellings are
        # met (and the table overflows) in the order one example at a time would.
        for text, count in Counter(outputs).items():
            if len(text) > MAX_LABEL_CHARS or not text.strip():
                continue
            spelling = spellings.get(text)
            if spelling is None:
                if len(spellings) >= MAX_TRACKED:
                    self._overflow = True
                    spellings.clear()
                    return ()
                spelling = spellings[text] = _Spelling(batch.fields[outputs.index(text)].get("output"))
            spelling.count += count
            i = -1
            for _ in range(min(limit - len(spelling.lines), count)):
                i = outputs.index(text, i + 1)
                spelling.lines.append(batch.lines[i])
                spelling.records.append(batch.records[i])
        return ()

    def merge(self, other: Rule, shift: Shift = NO_SHIFT) -> None:
        """Add ``other``'s spellings (positions moved by ``shift``), keeping the first positions."""
        assert isinstance(other, InconsistentLabel)
        if other._overflow or self._overflow:
            self._overflow = True
            self._spellings.clear()
            return
        limit = self._max_per_variant
        for text, theirs in other._spellings.items():
            lines = [shift.line(line) for line in theirs.lines]
            records = [shift.record(record) for record in theirs.records]
            mine = self._spellings.get(text)
            if mine is None:
                mine = self._spellings[text] = _Spelling(theirs.field)
            elif lines and (not mine.lines or lines[0] < mine.lines[0]):
                mine.field = theirs.field  # the spelling's field is where it first appears
            mine.count += theirs.count
            pairs = sorted(zip(list(mine.lines) + lines, list(mine.records) + records, strict=True))[:limit]
            mine.lines = array("I", [line for line, _ in pairs])
            mine.records = array("I", [record for _, record in pairs])
        if len(self._spellings) > MAX_TRACKED:
            self._overflow = True
            self._spellings.clear()

    def finish(self, ctx: Context) -> Iterator[Finding]:
        if self._overflow or _label_set(ctx, self.opts.max_labels) is None:
            return
        groups: dict[str, list[tuple[str, _Spelling]]] = {}
        for text, spelling in self._spellings.items():
            groups.setdefault(label_key(text), []).append((text, spelling))
        if len(groups) > self.opts.max_labels:
            return
        found: list[Finding] = []
        for members in groups.values():
            if len(members) < 2:
                continue
            # Most records wins; on a tie, the spelling seen first.
            canonical, main = max(members, key=lambda m: (m[1].count, -(m[1].lines[0] if m[1].lines else 1 << 32)))
            first = (
                Location(ctx.path, main.lines[0], main.records[0] or None, main.field)
                if main.lines
                else Location(ctx.path, field=main.field)
            )
            for text, spelling in members:
                if text == canonical:
                    continue
                found.extend(self._variant(ctx, text, spelling, canonical, main.count, first))
        found.sort(key=lambda f: (f.line is None, f.line or 0))
        yield from found

    def _variant(
        self, ctx: Context, text: str, spelling: _Spelling, canonical: str, canonical_count: int, first: Location
    ) -> Iterator[Finding]:
        what = (
            f"label {_quote(text)} ({plural(spelling.count, 'record')}) is a variant of the dominant spelling "
            f"{_quote(canonical)} ({plural(canonical_count, 'record')}); the model treats them as different "
            f"labels. Write {_quote(canonical)}"
        )
        for line, record in zip(spelling.lines, spelling.records, strict=True):
            finding = self.finding(ctx, what, line=line, field=spelling.field, related=(first,))
            yield _with_record(finding, record)
        rest = spelling.count - len(spelling.lines)
        if rest > 0:
            shown = len(spelling.lines)
            which = plural(rest, "record")
            if shown:
                which = f"{plural(rest, 'more record')} (after the {thousands(shown)} above)"
            yield self.finding(
                ctx,
                f"{which} use the label {_quote(text)}, a variant of the dominant spelling {_quote(canonical)}; "
                f"replace every {_quote(text)} with {_quote(canonical)}",
                field=spelling.field,
                related=(first,),
            )


RULES_B = (RareLabel, LabelImbalance)
RULES = RULES_B
