"""T001: the field markers of inputs (``question:``, ``### Input:``), how they are found (memoised
regular expressions), and the rule that flags inputs that break the dominant marker template."""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import cast

from rules.template._common import _kept, _ratio, _reaches, _share
from rules.template._ids import _positions_of, _renumbered
from rules.template.where import _Where
from validator.api import NO_SHIFT, Batch, Context, Example, Finding, Rule, Severity, Shift

# A field label: one to three words of letters (digits and underscores after the first letter),
# e.g. ``question``, ``Context``, ``input_text``, ``Customer review``. No dots, slashes or digits first,
# so ``e.g.:``, ``https:`` and ``10:30`` are not labels.
# A label counts at the start of the input, at the start of a line (optionally after a Markdown heading
# or bold mark: ``### Instruction:``, ``**Question:**``), or after sentence punctuation and a space.
# An ASCII colon must end the token (followed by whitespace or the end), so ``mailto:x`` is no label.
_COLON = re.compile(r":(?=\s|\Z|\*\*|__)|：")
# The label before a colon is matched on the reversed text right before it (a forward search anchored
# at the colon would retry every start position): reversed words, markup and heading hashes.
_DROW = r"\w*[^\W\d_]"
_BEFORE_COLON_REVERSED = re.compile(
    rf"[ \t]*(?:\*\*|__)?(?P<label>{_DROW}(?:[ \-]{_DROW}){{0,2}})(?:[ \t]*(?P<hashes>\#{{1,6}})|\*\*|__)?"
)
# Inline labels (``question: ... context: ...``): one word right before the colon, after a space; only
# when the input itself starts with a label, so prose such as "the following: x" in free text is ignored.
_WORD_REVERSED = re.compile(_DROW)
_LOOK_BACK = 64
_MAX_LABEL = 32
_MAX_MARKERS = 16
_MAX_SIGNATURES = 65_536
_UNTRACKED = 0xFFFFFFFF


def _key(marker: str) -> str:
    """The label of a marker, case-folded: ``"### Input:"`` -> ``"input"``."""
    return marker.lstrip("#").strip()[:-1].casefold()


def _anchored(text: str, start: int) -> bool:
    """Whether a label starting at ``start`` is at the start of the text or of a line, or follows
    sentence punctuation and a space."""
    j = start
    while j > 0 and text[j - 1] in " \t":
        j -= 1
    return j == 0 or text[j - 1] == "\n" or (j < start and text[j - 1] in ".!?;")


_NORMAL: dict[str, tuple[str, str]] = {}


def _normal(label: str) -> tuple[str, str]:
    """``(marker, key)`` of a raw label: ``"###  Input"`` -> ``("### Input:", "input")`` (memoised; a
    dataset has few distinct labels, and the cache is emptied when it grows past 4,096)."""
    found = _NORMAL.get(label)
    if found is None:
        if len(_NORMAL) >= 4096:
            _NORMAL.clear()
        marker = " ".join(label.split()) + ":"
        found = _NORMAL[label] = (marker, _key(marker))
    return found


def _markers(labels: Iterable[str]) -> tuple[str, ...]:
    """Markers of raw labels in order, one per label regardless of case, at most ``_MAX_MARKERS``."""
    markers: list[str] = []
    seen: set[str] = set()
    for label in labels:
        marker, key = _normal(label)
        if key not in seen:
            seen.add(key)
            markers.append(marker)
            if len(markers) == _MAX_MARKERS:
                break
    return tuple(markers)


def _markers_by_colon(text: str) -> tuple[str, ...]:
    """The definition of :func:`markers_of`, colon by colon (slow; the fast paths fall back to it
    for the rare texts they cannot settle)."""
    found: list[str] = []
    starts_with_label = False
    match_before = _BEFORE_COLON_REVERSED.match
    for colon in _COLON.finditer(text):
        end = colon.start()
        before = text[end - _LOOK_BACK if end > _LOOK_BACK else 0 : end][::-1]
        match = match_before(before)
        if match is not None and len(match.group("label")) <= _MAX_LABEL and _anchored(text, end - match.end()):
            label, hashes = match.group("label")[::-1], match.group("hashes")
            found.append(f"{hashes} {label}" if hashes else label)
            if len(found) == 1 and not text[: end - match.end("label")].strip(" \t\r\n#*_"):
                starts_with_label = True
        elif starts_with_label and colon.group() == ":" and text[end + 1 : end + 2] in (" ", "\t"):
            word = _WORD_REVERSED.match(before)
            if word is not None and text[end - word.end() - 1 : end - word.end()] in (" ", "\t"):
                found.append(word.group()[::-1])
    return _markers(found)


# The whole definition as one regular expression over the reversed text, so a text costs one C call
# instead of a loop over its colons. After a colon (reversed: the text before it comes after it) it
# matches, in order of preference, an anchored label region (a label at the start of the text is
# captured in the first group, any other in the second) or an inline word (third group). The anchor is
# a lookahead on the reversed text (the original's look-behind), and since only the greedy reading of
# a region can be anchored, backtracking into it never finds another anchored one. Two things stay with
# :func:`_markers_by_colon`: a region longer than the look-back window and a label longer than
# ``_MAX_LABEL`` (the original then tries the inline reading instead).
_REGION = rf"[ \t]*(?:\*\*|__)?{_DROW}(?:[ \-]{_DROW}){{0,2}}(?:[ \t]*\#{{1,6}}|\*\*|__)?"
_ANCHOR = r"(?=[ \t]*(?:\n|\Z)|[ \t]+[.!?;])"
_COLON_OK = r"(?:(?<=：)|(?<=\s:)|(?<![\s\S]{2})|(?<=\*\*:)|(?<=__:))"
_LABELS_REVERSED = re.compile(
    rf"[:：]{_COLON_OK}(?:({_REGION}){_ANCHOR}(?=[ \t\r\n\#*_]*\Z)|({_REGION}){_ANCHOR}"
    rf"|(?<=[ \t]:)(\w{{0,{_LOOK_BACK - 1}}}[^\W\d_])(?=[ \t]))"
)
_LabelMatch = tuple[str, str, str]
_BY_LABELS: dict[tuple[_LabelMatch, ...], tuple[str, ...] | None] = {}


def _markers_of_labels(found: Sequence[_LabelMatch], starts: bool | None = None) -> tuple[str, ...] | None:
    """Markers from the matches of :data:`_LABELS_REVERSED` (reversed order), or ``None`` when a
    match is one the regular expression cannot settle. ``starts`` overrides whether the first label
    is at the very start of the text."""
    labels: list[str] = []
    starts_with_label = False
    for at_start, region, word in reversed(found):
        region = at_start or region
        if region:
            if starts is not None:
                at_start, starts = ("x" if starts else ""), None
            match = _BEFORE_COLON_REVERSED.match(region)
            if match is None or len(region) > _LOOK_BACK or len(match.group("label")) > _MAX_LABEL:
                return None
            label, hashes = match.group("label")[::-1], match.group("hashes")
            labels.append(f"{hashes} {label}" if hashes else label)
            starts_with_label = starts_with_label or bool(at_start)
        elif starts_with_label:
            labels.append(word[::-1])
    return _markers(labels)


def _markers_exact(text: str) -> tuple[str, ...]:
    """:func:`markers_of` with one regular-expression call (memoised by what it matched)."""
    found = _LABELS_REVERSED.findall(text[::-1])
    if not found:
        return ()
    key = tuple(found)
    if key in _BY_LABELS:
        result = _BY_LABELS[key]
    else:
        if len(_BY_LABELS) >= 4096:
            _BY_LABELS.clear()
        result = _BY_LABELS[key] = _markers_of_labels(found)
    return _markers_by_colon(text) if result is None else result


# Cheaper still, for texts with ASCII colons only: what decides a colon is the run of label-like
# characters before it (words, spaces, tabs, hyphens, hashes, asterisks), the character before that
# run (a line break, punctuation, the start) and whether a space follows the colon. One pass collects
# those per colon (a simple character-class run: fast), and texts whose colons read the same share a
# memoised result. A run as long as the cap, or an inline word whose "input starts with a label" test
# would look past the first colon's run, makes the key insufficient: such texts take the exact path.
_RUN_CAP = _LOOK_BACK + 8
_RUN = rf"[\w \t\-\#*]{{0,{_RUN_CAP}}}"
_COLON_RUNS = re.compile(
    rf":(?:(?<=[ \t]:)({_RUN})|(?:(?<=\s:)|(?<![\s\S]{{2}})|(?<=\*\*:)|(?<=__:))({_RUN}))(?=([\s\S]?))"
)
_ColonRun = tuple[str, str, str]
#: A key that does not settle its texts' markers (they take the exact path).
_NOT_LOCAL = object()
#: A key whose texts' markers depend on whether they start with their first label: the markers in
#: either case are in ``_BY_STARTS``.
_BY_START = object()
_BY_STARTS: dict[tuple[_ColonRun, ...], tuple[tuple[str, ...], tuple[str, ...]]] = {}
_BY_RUNS: dict[tuple[_ColonRun, ...], tuple[str, ...] | object] = {}


def _runs_decide(key: tuple[_ColonRun, ...], text: str) -> tuple[str, ...] | object:
    """The markers of ``text`` when every text with the same colon runs has them; ``_BY_START`` when
    they also depend on whether the text starts with its first label (the two results are in
    :data:`_BY_STARTS`); else ``_NOT_LOCAL``."""
    if any(len(spaced) >= _RUN_CAP or len(other) >= _RUN_CAP for spaced, other, _ in key):
        return _NOT_LOCAL
    found = _LABELS_REVERSED.findall(text[::-1])
    result = _markers_of_labels(found) if found else ()
    if result is None:
        return _NOT_LOCAL
    # Inline words count only after a label at the very start of the text: the key tells that only
    # when the first colon's run reaches the start (its following character is the end).
    if any(word for _, _, word in found) and key[-1][2] != "":
        first, other = _markers_of_labels(found, starts=True), _markers_of_labels(found, starts=False)
        if first is None or other is None:
            return _NOT_LOCAL
        _BY_STARTS[key] = (first, other)
        return _BY_START
    return result


def _starts_with_label(text: str) -> bool:
    """Whether the first colon of ``text`` ends a label with nothing but whitespace and markup
    before it (what decides inline labels): the exact expression on the text up to that colon."""
    colons = [i for i in (text.find(":"), text.find("：")) if i >= 0]
    found = _LABELS_REVERSED.findall(text[: min(colons) + 3][::-1]) if colons else []
    return bool(found) and bool(found[-1][0])


def _markers_many(texts: Sequence[str]) -> list[tuple[str, ...]]:
    """:func:`markers_of` of every text."""
    if any("：" in text for text in texts):  # rare: full-width colons take the exact path
        return [_markers_exact(text) if "：" in text else _markers_many((text,))[0] for text in texts]
    runs, memo = _COLON_RUNS.findall, _BY_RUNS
    keys = [tuple(runs(text[::-1])) for text in texts]  # a text without a colon has the key ()
    found: list[tuple[str, ...] | object | None] = list(map(memo.get, keys))
    if None in found or _NOT_LOCAL in found or _BY_START in found:
        for i, result in enumerate(found):
            if result is None:
                if len(memo) >= 4096:
                    memo.clear()
                    _BY_STARTS.clear()
                result = memo[keys[i]] = _runs_decide(keys[i], texts[i])
            if result is _BY_START:
                pair = _BY_STARTS.get(keys[i])  # (gone if the memo was emptied meanwhile)
                result = _NOT_LOCAL if pair is None else pair[0] if _starts_with_label(texts[i]) else pair[1]
            found[i] = _markers_exact(texts[i]) if result is _NOT_LOCAL else result
    return cast("list[tuple[str, ...]]", found)


def markers_of(text: str) -> tuple[str, ...]:
    """The field markers of ``text`` in order of first appearance, one per label regardless of case
    (``("question:", "context:")``); the first spelling of each label is kept."""
    return _markers_many((text,))[0]


def _sequence(markers: tuple[str, ...]) -> str:
    return " → ".join(f"`{m}`" for m in markers) if markers else "no field markers"


def _marker_difference(has: tuple[str, ...], want: tuple[str, ...]) -> str:
    """What a record's markers (projected on the template's labels) do differently."""
    want_keys = [_key(m) for m in want]
    has_keys = [_key(m) for m in has]
    parts: list[str] = []
    missing = [m for m in want if _key(m) not in has_keys]
    if missing:
        parts.append("lacks " + ", ".join(f"`{m}`" for m in missing))
    extra = [m for m in has if _key(m) not in want_keys]
    if extra:
        parts.append("adds " + ", ".join(f"`{m}`" for m in extra))
    common_has = [k for k in has_keys if k in want_keys]
    common_want = [k for k in want_keys if k in has_keys]
    if common_has != common_want:
        parts.append("has them in another order")
    spelled = {_key(m): m for m in want}
    variants = [(m, spelled[_key(m)]) for m in has if _key(m) in spelled and m != spelled[_key(m)]]
    for mine, theirs in variants:
        kind = "a case variant" if mine.casefold() == theirs.casefold() else "another spelling"
        parts.append(f"writes `{mine}` instead of `{theirs}` ({kind})")
    return "; ".join(parts)


@dataclass(frozen=True)
class MarkerOptions:
    """Options of T001."""

    #: Share of inputs (0.5-1) the dominant marker sequence must reach.
    share: float = 0.6
    #: Fewer non-empty inputs than this: no template is inferred.
    min_examples: int = 20


class InconsistentFieldMarkers(Rule):
    """What: Most inputs carry the same field markers in the same order (``question: ... context:
    ...``, ``### Instruction:`` / ``### Input:``, ``Text:``), and this input lacks one of them, has
    them in another order, or writes one in another case (``Question:`` for ``question:``). A marker
    is a short label followed by a colon at the start of the input, at the start of a line or after
    sentence punctuation (and inline, ``question: ... context: ...``, when the input starts with one).
    The template is the marker sequence shared by at least ``share`` (60%) of the non-empty inputs,
    looking only at labels that many inputs carry, so a stray ``Note:`` in one record changes nothing.

    Why: The model learns the exact format it is tuned on; production prompts must carry the same
    markers in the same order. Records that deviate teach an inconsistent format and are usually
    assembly mistakes (a swapped template, a hand-edited record).

    Example: 114 of 120 inputs read ``question: ... context: ...``; record 17 reads ``context: ...
    question: ...`` and record 40 ``Question: ...`` without a context.

    Fix: Rewrite the flagged records with the template's markers, order and case (the report's
    summary shows the template), and format production prompts the same way.
    """

    code = "T001"
    name = "inconsistent-field-markers"
    summary = "Input does not follow the dataset's dominant field-marker template"
    default_severity = Severity.WARNING
    options = MarkerOptions

    def __init__(self, options: MarkerOptions | None = None) -> None:
        super().__init__(options)
        self._where = _Where()
        self._sig = array("I")  # per input: an id into self._signatures (or _UNTRACKED)
        self._ids: dict[tuple[str, ...], int] = {}
        self._signatures: list[tuple[str, ...]] = []
        self._counts: list[int] = []

    def _sid(self, signature: tuple[str, ...]) -> int:
        found = self._ids.get(signature)
        return self._track(signature) if found is None else found

    def _track(self, signature: tuple[str, ...]) -> int:
        """The id of a signature not seen before (``_UNTRACKED`` beyond ``_MAX_SIGNATURES``: counted
        as a non-conforming input, never flagged)."""
        if len(self._signatures) >= _MAX_SIGNATURES:
            return _UNTRACKED
        sid = self._ids[signature] = len(self._signatures)
        self._signatures.append(signature)
        self._counts.append(0)
        return sid

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        return self.check_batch(Batch.of([example]), ctx)

    def check_batch(self, batch: Batch, ctx: Context) -> Iterable[Finding]:
        keep = _kept(batch.inputs)
        texts = batch.inputs if keep is None else [batch.inputs[i] for i in keep]
        if not texts:
            return ()
        self._where.add(batch, keep)
        signatures = _markers_many(texts)
        known = list(map(self._ids.get, signatures))
        sids = cast("list[int]", known) if None not in known else [self._sid(s) for s in signatures]
        counts = self._counts
        for sid, count in Counter(sids).items():
            if sid != _UNTRACKED:
                counts[sid] += count
        self._sig.extend(sids)
        return ()

    def merge(self, other: Rule, shift: Shift = NO_SHIFT) -> None:
        """Signatures of ``other`` take this instance's ids (new ones in the order ``other`` met
        them, as one pass would), its inputs' positions move by ``shift``."""
        assert isinstance(other, InconsistentFieldMarkers)
        ids = []
        for signature, count in zip(other._signatures, other._counts, strict=True):
            sid = self._sid(signature)
            if sid != _UNTRACKED:
                self._counts[sid] += count
            ids.append(sid)
        self._where.merge(other._where, shift)
        self._sig.extend(_renumbered(other._sig, ids, _UNTRACKED))

    def finish(self, ctx: Context) -> Iterator[Finding]:
        total = len(self._where)
        share = _share(self.opts.share)
        if total < max(self.opts.min_examples, 1):
            return
        labels: Counter[str] = Counter()
        for signature, count in zip(self._signatures, self._counts, strict=True):
            for marker in signature:
                labels[_key(marker)] += count
        frequent = {k for k, c in labels.items() if _reaches(c, total, share)}
        if not frequent:
            return
        projected = [tuple(m for m in s if _key(m) in frequent) for s in self._signatures]
        votes: Counter[tuple[str, ...]] = Counter()
        for projection, count in zip(projected, self._counts, strict=True):
            votes[projection] += count
        template, conforming = votes.most_common(1)[0]
        if not template or not _reaches(conforming, total, share):
            return
        ctx.file.template["markers"] = list(template)
        ctx.file.template["share"] = round(conforming / total, 3)
        head = f"the dataset's field-marker template is {_sequence(template)} (in {_ratio(conforming, total)} inputs)"
        deviant = [sid for sid, projection in enumerate(projected) if projection != template]
        for i in _positions_of(self._sig, deviant):
            has = projected[self._sig[i]]
            yield self.finding(
                ctx,
                f"{head}; this input has {_sequence(has)}: it {_marker_difference(has, template)}. Use the "
                "same markers, in the same order and case, in every example and in production prompts",
                at=self._where.record(i),
                field=self._where.field(i, "input"),
            )
