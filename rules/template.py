"""T rules: the dataset's template (field markers, preamble, separators, whitespace, JSON outputs) and
the records that deviate from it.

The tuning guide's advice: examples must be formatted exactly like production traffic. When most
examples carry ``question:`` and ``context:``, production prompts must carry them in the same order;
a preamble used in training must be used at inference. These rules find a *dominant* convention and
flag the minority of records that break it. They stay silent on free-form data with no dominant
convention, and on files with fewer than ``min-examples`` (default 20) usable texts: with a dozen
records one stray format looks like a template.

Streaming: a rule cannot know the dominant template before the last record, so each keeps a few
bytes per record (a signature id, a common-prefix length, whitespace bits; never the texts) and the
records' positions as runs (:class:`_Where`), decides in ``finish`` and only then reports the
deviating records. The hooks take whole batches (column operations on ``batch.inputs``), and the state
of a shard merges exactly into the state of the shards before it, so a sharded lint reports what one
pass does. Every rule publishes what it detected into ``ctx.file.template`` (``files[].template`` in
the JSON report).
"""

from __future__ import annotations

import json
import re
import zlib
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, cast

from rules._batch import numpy_pays
from rules.labels import InconsistentLabel
from validator.api import NO_SHIFT, Batch, Context, Example, Finding, Record, Rule, Severity, Shift

__all__ = ["RULES"]

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


def _blank(text: str) -> bool:
    """Empty or whitespace only (S003's business: the T rules skip such texts)."""
    return not text or text.isspace()


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


# -- positions -------------------------------------------------------------------------------------

_Names = tuple[str | None, str | None]


class _Where:
    """Where each counted text lives: record number, physical line and field names, kept as runs.

    A run is a stretch of entries whose record and line numbers both go up by one and that share their
    field names; a regular file is a handful of runs (fourteen bytes each), whatever its size, and a
    file whose every record breaks the run costs fourteen bytes per record. Entries are appended a
    batch at a time and merged, shifted, from the next shard.
    """

    def __init__(self) -> None:
        self._at = array("I")  # first entry of each run
        self._index = array("I")  # the record number of that entry
        self._line = array("I")  # its physical line
        self._fid = array("H")  # its field names: an id into _names
        self._size = 0
        self._ids: dict[_Names, int] = {}
        self._names: list[_Names] = []
        self._cache: tuple[object, int] = (None, 0)  # the engine shares one fields mapping per shape

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_cache"] = (None, 0)  # an identity cache means nothing in another process
        return state

    def __len__(self) -> int:
        return self._size

    def _fid_of_names(self, names: _Names) -> int:
        found = self._ids.get(names)
        if found is None:
            found = len(self._names)
            if found > 0xFFFF:  # pragma: no cover - 65,536 distinct field pairs in one file
                return 0
            self._ids[names] = found
            self._names.append(names)
        return found

    def _fid_of(self, fields: Mapping[str, str]) -> int:
        cached, fid = self._cache
        if fields is not cached:
            fid = self._fid_of_names((fields.get("input"), fields.get("output")))
            self._cache = (fields, fid)
        return fid

    def _push(self, index: int, line: int, fid: int, count: int) -> None:
        """Append ``count`` entries numbered from ``index``/``line`` (extending the last run when
        they continue it)."""
        size = self._size
        if self._at:
            last = len(self._at) - 1
            step = size - self._at[last]
            if self._fid[last] == fid and self._index[last] + step == index and self._line[last] + step == line:
                self._size = size + count
                return
        self._at.append(size)
        self._index.append(index)
        self._line.append(line)
        self._fid.append(fid)
        self._size = size + count

    def add(self, batch: Batch, keep: Sequence[int] | None = None) -> None:
        """Append every example of ``batch``, or the ones at positions ``keep``."""
        records, lines, fields = batch.records, batch.lines, batch.fields
        if keep is not None:
            records = [records[i] for i in keep]
            lines = [lines[i] for i in keep]
            fields = [fields[i] for i in keep]
        count = len(records)
        if not count:
            return
        shared = fields[0]
        if fields.count(shared) == count:  # identity first: one comparison per entry, in C
            fid = self._fid_of(shared)
            # Record numbers only go up, so their span tells whether they are consecutive; lines may
            # repeat (records sharing a line), so they are compared in full.
            if (
                records[-1] - records[0] == count - 1
                and lines[-1] - lines[0] == count - 1
                and lines == list(range(lines[0], lines[0] + count))
            ):
                self._push(records[0], lines[0], fid, count)
                return
            fids = [fid] * count
        else:
            fids = [self._fid_of(f) for f in fields]
        push = self._push
        for index, line, fid in zip(records, lines, fids, strict=True):
            push(index, line, fid, 1)

    def _run(self, i: int) -> tuple[int, int]:
        run = bisect_right(self._at, i) - 1
        return run, i - self._at[run]

    def line(self, i: int) -> int:
        """The physical line of entry ``i``."""
        run, step = self._run(i)
        return self._line[run] + step

    def record(self, i: int) -> Record:
        """A stand-in record (number and line) to locate a finding at."""
        run, step = self._run(i)
        return Record(index=self._index[run] + step, line=self._line[run] + step)

    def field(self, i: int, role: str) -> str | None:
        names = self._names[self._fid[self._run(i)[0]]]
        return names[0] if role == "input" else names[1]

    def merge(self, other: _Where, shift: Shift = NO_SHIFT) -> None:
        """Append ``other``'s entries (the next shard's), moved by ``shift`` into the whole file."""
        if not other._at:
            return
        fids = [self._fid_of_names(names) for names in other._names]
        # The first run may continue this one's last run; the others start runs of their own.
        base = self._size
        first_end = other._at[1] if len(other._at) > 1 else other._size
        self._push(shift.record(other._index[0]), shift.line(other._line[0]), fids[other._fid[0]], first_end)
        if len(other._at) > 1:
            self._at.extend(array("I", [at + base for at in other._at[1:]]))
            self._index.extend(array("I", [shift.record(index) for index in other._index[1:]]))
            self._line.extend(array("I", [line + shift.lines for line in other._line[1:]]))
            self._fid.extend(array("H", [fids[fid] for fid in other._fid[1:]]))
            self._size = base + other._size


# -- T001: field markers ----------------------------------------------------------------------------

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


def _positions_of(ids: array[int], wanted: Sequence[int]) -> list[int]:
    """Positions in ``ids`` whose value is one of ``wanted``."""
    if not numpy_pays(len(ids)):
        chosen = set(wanted)
        return [i for i, value in enumerate(ids) if value in chosen]
    import numpy as np

    column = np.frombuffer(ids, dtype=np.dtype(ids.typecode))
    positions: list[int] = np.flatnonzero(np.isin(column, np.array(wanted, dtype=column.dtype))).tolist()
    return positions


def _renumbered(ids: array[int], table: Sequence[int], keep: int) -> array[int]:
    """``ids`` with every value ``v`` replaced by ``table[v]``, except ``keep`` (kept as it is)."""
    if not numpy_pays(len(ids)):
        return array(ids.typecode, [v if v == keep else table[v] for v in ids])
    import numpy as np

    column = np.frombuffer(ids, dtype=np.dtype(ids.typecode))
    lookup = np.array([*table, keep], dtype=column.dtype)
    renumbered = lookup[np.where(column == keep, len(table), column)]
    return array(ids.typecode, renumbered.tobytes())


def _offset(ids: array[int], by: int) -> array[int]:
    """``ids`` with ``by`` added to every value but 0 (no id)."""
    if not numpy_pays(len(ids)):
        return array(ids.typecode, [v + by if v else 0 for v in ids])
    import numpy as np

    column = np.frombuffer(ids, dtype=np.dtype(ids.typecode))
    if len(column) and int(column.max()) + by >= 1 << (8 * ids.itemsize):
        raise OverflowError("reference number out of range")
    return array(ids.typecode, np.where(column != 0, column + by, 0).astype(column.dtype).tobytes())


# -- T002 / T003: shared prefixes and suffixes ------------------------------------------------------


def _common_prefix(a: str, b: str, start: int = 0) -> int:
    """Length of the common prefix of ``a`` and ``b``, whose first ``start`` characters are known to
    match: a few single characters, then galloping and binary search on short slices (C-speed
    compares, no per-character loop)."""
    n = len(a) if len(a) < len(b) else len(b)
    lo = start if start < n else n
    stop = lo + 4 if lo + 4 < n else n
    while lo < stop:  # texts of one key usually part within a character or two of the hint
        if a[lo] != b[lo]:
            return lo
        lo += 1
    step = 16
    while lo < n:
        hi = lo + step if lo + step < n else n
        if a[lo:hi] == b[lo:hi]:
            lo, step = hi, step * 2
            continue
        while hi - lo > 1:  # the first difference is in [lo, hi)
            mid = (lo + hi) // 2
            if a[lo:mid] == b[lo:mid]:
                lo = mid
            else:
                hi = mid
        return lo
    return n


def _key_hash(key: str) -> int:
    """A hash of a key that is the same in every process (``hash`` of a str is salted per process,
    and the shards of a file may be linted in other processes)."""
    return zlib.crc32(key.encode("utf-8", "surrogatepass"))


#: Texts up to this long are memoised (hashing longer ones costs more than it saves).
_MEMO_SIZE = 64
#: Set in an entry of ``_Anchors.shared`` when the text is a prefix of its reference (or the
#: reference itself): what it shares with any other text is then known exactly.
_FULL = 0x8000


class _Node:
    """A node of the compressed trie of a segment's references: the edge into it (characters
    ``depth - len(edge)`` to ``depth`` of every reference below it), the first of those references
    (the best one for a text that ends or parts from them here), one of their texts, and the children
    by the character that follows ``depth``."""

    __slots__ = ("best", "depth", "edge", "kids", "text")

    def __init__(self, edge: str, depth: int, best: int, text: str) -> None:
        self.edge = edge
        self.depth = depth
        self.best = best
        self.text = text
        self.kids: dict[str, _Node] = {}


class _Key:
    """The texts of one key: how many, the references kept for them, and the add-time index (a trie)
    of the references of the current segment (the texts this instance added since it started or last
    merged)."""

    __slots__ = ("count", "cur", "hash", "memo", "primary", "refs", "root", "segment")

    def __init__(self, key_hash: int) -> None:
        self.hash = key_hash
        self.count = 0
        #: Every live reference of the key, of any segment.
        self.refs: list[int] = []
        #: The first distinct texts of the key (at most ``_CANDIDATES``): where anchors are looked for.
        self.primary: list[int] = []
        self.segment = -1
        #: References of the current segment, in order: texts are compared with these.
        self.cur: list[int] = []
        self.root: _Node | None = None
        #: Short texts already measured -> (reference, shared), for results that can no longer change:
        #: label-like texts repeat.
        self.memo: dict[str, tuple[int, int]] = {}

    def restart(self, segment: int) -> None:
        """Start comparing with the references of ``segment`` (none yet)."""
        self.segment = segment
        self.cur = []
        self.root = None
        self.memo = {}

    def __getstate__(self) -> tuple[None, dict[str, Any]]:
        # The add-time index is rebuilt by the next text: a shipped key carries only what finish reads.
        state = {name: getattr(self, name) for name in self.__slots__}
        state.update(segment=-1, cur=[], root=None, memo={})
        return None, state


@dataclass(frozen=True)
class _Anchor:
    """The dominant shared anchor: its text (a prefix of a reference), the number of texts that carry
    it and the entries (skips aside) of the texts that do not."""

    text: str
    count: int
    missing: list[int]


class _Anchors:
    """Finds the longest anchor (a prefix; suffixes are handled as prefixes of reversed tails) that
    at least a share of the texts carry, in one pass and bounded memory.

    Texts are grouped by a short key (their first ``keylen`` characters). The first few texts of each
    key that are not a prefix of an earlier one are kept as references (at most ``window`` characters);
    every text stores, in ten bytes, its key's hash, the reference it shares most with and the length
    shared. A text starts with a reference's first ``b`` characters exactly when the length it shares
    with its own reference, and the length its reference shares with that one, are both at least ``b``
    — so the check is exact for any prefix of any reference, decided at the end. Anchors are looked
    for in the first ``_CANDIDATES`` distinct texts of each key (the other references only make the
    per-text lengths exact). At most ``_KEYS`` keys are tracked; when a new key arrives the least used
    half is dropped (kept aside a while, in case the key comes back), and the texts of a key dropped
    for good become "unknown": counted, never flagged.

    Merging (a shard's state into the state of the shards before it): the per-text entries are
    appended, the other's references renumbered and kept, and each key's candidates are the first
    distinct texts over both — exactly one pass's. A text of one shard measured against the references
    of its own shard is exact against a candidate of another shard as well, unless it shares as much
    with its reference as that reference does with the candidate; then a reference of its own shard
    that goes on like the candidate settles it. Only a shard whose first ``_REFS_PER_KEY`` texts of a
    key all part from the dominant anchor where the later ones do could leave a text undecided (it is
    then unknown), as could a key the shard dropped that one pass kept.
    """

    _KEYS = 64
    _REFS_PER_KEY = 64
    _CANDIDATES = 4
    _DEAD_REFS = _KEYS * _REFS_PER_KEY // 4

    def __init__(self, keylen: int, window: int) -> None:
        if window >= _FULL:
            raise ValueError(f"window {window} too large")
        self.keylen = keylen
        self.window = window
        self.hash = array("I")
        self.ref = array("I")  # 0: a skipped (blank) text
        self.shared = array("H")
        #: Entries that are texts (not skips).
        self.counted = 0
        self._keys: dict[str, _Key] = {}
        self._refs: dict[int, str] = {}
        #: Segment of every reference texts are compared with (the others only name a candidate).
        self._seg: dict[int, int] = {}
        self._next = 1
        self._segment = 0
        self._segments = 1
        #: Keys dropped to make room -> their incarnations (oldest first), see :meth:`_evict`.
        self._dead: dict[str, list[_Key]] = {}
        self._dead_refs = 0

    def __len__(self) -> int:
        return len(self.ref)

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        # Shipped keys dropped their add-time index: texts added from now on are a segment of their own.
        self._segment = self._segments
        self._segments += 1

    def _new_key(self, key: str) -> _Key:
        if len(self._keys) >= self._KEYS:
            self._evict()
        entry = self._keys[key] = _Key(_key_hash(key))
        for earlier in self._dead.pop(key, ()):
            # the key comes back: its dropped texts are measured against their own references again
            self._dead_refs -= len(earlier.refs)
            self._join(entry, earlier)
        return entry

    def _evict(self) -> None:
        """Drop the less used half of the keys (the older ones among equals), so eviction costs O(1)
        per text on average even when every text has a key of its own. A dropped key's references are
        kept a while (at most ``_DEAD_REFS`` of them, oldest dropped first): if the key comes back
        (most often a frequent key dropped while young) its earlier texts are still exact; after that,
        they are unknown."""
        ranked = sorted(self._keys, key=lambda k: self._keys[k].count)  # stable: older first among equals
        for victim in ranked[: len(ranked) // 2]:
            entry = self._keys.pop(victim)
            # Its texts were measured against these references only: a segment of their own.
            for rid in entry.cur:
                self._seg[rid] = self._segments
            self._segments += 1
            entry.restart(-1)
            self._dead.setdefault(victim, []).append(entry)
            self._dead_refs += len(entry.refs)
        while self._dead_refs > self._DEAD_REFS:
            key = next(iter(self._dead))
            incarnations = self._dead[key]
            entry = incarnations.pop(0)
            if not incarnations:
                del self._dead[key]
            self._dead_refs -= len(entry.refs)
            for rid in entry.refs:
                del self._refs[rid]
                self._seg.pop(rid, None)

    def _join(self, mine: _Key, theirs: _Key) -> None:
        """Fold ``theirs`` (texts of the same key that come after ``mine``'s) into ``mine``: counts add
        up, references are all kept, and the candidates are the first distinct texts over both."""
        mine.count += theirs.count
        mine.refs.extend(theirs.refs)
        known = {self._refs[rid] for rid in mine.primary}
        for rid in theirs.primary:
            if len(mine.primary) >= self._CANDIDATES:
                break
            if self._refs[rid] not in known:
                mine.primary.append(rid)
                known.add(self._refs[rid])

    def _reference(self, entry: _Key, text: str) -> int:
        rid = self._next
        self._next += 1
        self._refs[rid] = text
        entry.refs.append(rid)
        return rid

    def _admit(self, entry: _Key, anchor: str, node: _Node | None, shared: int) -> int:
        """Make ``anchor`` a reference of the current segment; it parts from the trie at ``node``,
        after ``shared`` characters (``node`` None: the first reference)."""
        rid = self._reference(entry, anchor)
        self._seg[rid] = self._segment
        entry.cur.append(rid)
        leaf = _Node(anchor[shared:], len(anchor), rid, anchor)
        if node is None:
            entry.root = leaf
        elif shared < node.depth:
            # split the edge into ``node``: what is below moves to a new node
            lower = _Node(node.edge[len(node.edge) - (node.depth - shared) :], node.depth, node.best, node.text)
            lower.kids = node.kids
            node.edge = node.edge[: len(node.edge) - (node.depth - shared)]
            node.depth = shared
            node.kids = {node.text[shared]: lower, anchor[shared]: leaf}
        else:
            node.kids[anchor[shared]] = leaf
        texts = self._refs
        if len(entry.primary) < self._CANDIDATES and all(texts[p] != anchor for p in entry.primary):
            entry.primary.append(rid)
        return rid

    def add(self, anchor: str) -> None:
        """Count one text by its anchor (at most ``window`` characters)."""
        self.add_many((anchor,))

    def add_many(self, anchors: Sequence[str | None]) -> None:
        """Count texts by their anchors (``None``: a blank text, skipped)."""
        count = len(anchors)
        keylen = self.keylen
        cut = itemgetter(slice(0, keylen))
        texts = cast("list[str]", anchors)  # None only where ``positions`` skips
        if None in anchors:
            positions: Sequence[int] = [i for i, anchor in enumerate(anchors) if anchor is not None]
            keys: list[str] = [cut(texts[i]) for i in positions]
        else:
            positions = range(count)
            keys = list(map(cut, texts))
        hashes, refs, shared = [0] * count, [0] * count, [0] * count
        # Texts are taken key by key (each key's in order) within stretches where no key is dropped:
        # the same as one text at a time, since keys only interact when one is dropped to make room.
        live, start, room = self._keys, 0, self._KEYS - len(self._keys)
        if sum(key not in live for key in dict.fromkeys(keys)) <= room:  # the usual case: one stretch
            self._add_stretch(texts, positions, keys, hashes, refs, shared)
            keys = []
        arriving: set[str] = set()
        for j, key in enumerate(keys):
            if key in live or key in arriving:
                continue
            if len(arriving) >= room:  # this text's key drops others: the stretch ends before it
                self._add_stretch(texts, positions[start:j], keys[start:j], hashes, refs, shared)
                start, arriving = j, set()
                room = self._KEYS - len(live)
                if room == 0:
                    self._evict()
                    room = self._KEYS - len(live)
            arriving.add(key)
        if keys:
            self._add_stretch(texts, positions[start:], keys[start:], hashes, refs, shared)
        self.hash.extend(hashes)
        self.ref.extend(refs)
        self.shared.extend(shared)
        self.counted += len(positions)

    def _add_stretch(
        self,
        texts: Sequence[str],
        positions: Sequence[int],
        keys: Sequence[str],
        hashes: list[int],
        refs: list[int],
        shared: list[int],
    ) -> None:
        """Count the texts at ``positions`` (keys ``keys``), among which no key is dropped."""
        if not positions:
            return
        groups = dict.fromkeys(keys)
        if len(groups) == 1:
            self._add_key(self._entry(keys[0]), texts, positions, hashes, refs, shared)
            return
        by_key: dict[str, list[int]] = {key: [] for key in groups}
        for i, key in zip(positions, keys, strict=True):
            by_key[key].append(i)
        for key, mine in by_key.items():
            entry = self._keys.get(key)
            if entry is None and len(mine) == 1:  # a key of its own, as in free text: its first reference
                entry = self._new_key(key)  # (with any earlier incarnation of the key folded in)
                entry.count += 1
                entry.segment = self._segment
                i = mine[0]
                hashes[i] = entry.hash
                refs[i] = self._admit(entry, texts[i], None, 0)
                shared[i] = len(texts[i]) | _FULL
                continue
            self._add_key(self._entry(key) if entry is None else entry, texts, mine, hashes, refs, shared)

    def _entry(self, key: str) -> _Key:
        entry = self._keys.get(key)
        return self._new_key(key) if entry is None else entry

    def _add_key(
        self,
        entry: _Key,
        anchors: Sequence[str],
        positions: Sequence[int],
        hashes: list[int],
        refs: list[int],
        shared: list[int],
    ) -> None:
        """Count the texts at ``positions`` (all of key ``entry``, in order), writing each one's hash,
        best reference (the first of those it shares the most with) and shared length at its position.

        The references of the segment form a compressed trie: a text follows the edges it matches in
        full (one ``startswith`` each) and its shared length is measured on the last one only. A text
        that parts from every reference becomes one while the segment has fewer than
        ``_REFS_PER_KEY``."""
        if entry.segment != self._segment:
            entry.restart(self._segment)
        entry.count += len(positions)
        key_hash = entry.hash
        for i in positions:
            hashes[i] = key_hash
        keylen, cur, memo, primary, texts = self.keylen, entry.cur, entry.memo, entry.primary, self._refs
        cap, candidates = self._REFS_PER_KEY, self._CANDIDATES
        for i in positions:
            anchor = anchors[i]
            size = len(anchor)
            if size <= _MEMO_SIZE:
                found = memo.get(anchor)
                if found is not None:
                    refs[i], shared[i] = found
                    continue
            node = entry.root
            if node is None:
                refs[i], shared[i] = self._admit(entry, anchor, None, 0), size | _FULL
                continue
            at = 0
            while True:
                depth = node.depth
                if anchor.startswith(node.edge, at):
                    if depth >= size:  # the text ends here
                        length = size
                        break
                    kid = node.kids.get(anchor[depth])
                    if kid is None:
                        length = depth
                        break
                    node, at = kid, depth
                else:  # parts from (or ends on) this edge: every reference below shares the same
                    length = _common_prefix(anchor, node.text, at if at > keylen else keylen)
                    break
            best = node.best
            if length < size:
                if len(cur) < cap:
                    best, length = self._admit(entry, anchor, node, length), size
            elif len(primary) < candidates and all(texts[p] != anchor for p in primary):
                # a prefix of a reference, but a text not seen before: still a candidate
                primary.append(self._reference(entry, anchor))
            refs[i] = best
            flagged = shared[i] = length | _FULL if length == size else length
            if size <= _MEMO_SIZE and (flagged & _FULL or len(cur) == cap):
                # this text's result can no longer change: it is (part of) a reference, or none is added
                if len(memo) >= 4096:
                    memo.clear()
                memo[anchor] = (best, flagged)

    def merge(self, other: _Anchors) -> None:
        """Append ``other``'s texts (the next shard's): references renumbered, candidates merged."""
        offset = self._next - 1
        segments = self._segments
        self.hash.extend(other.hash)
        self.ref.extend(_offset(other.ref, offset))
        self.shared.extend(other.shared)
        self.counted += other.counted
        for rid, text in other._refs.items():
            self._refs[rid + offset] = text
        for rid, seg in other._seg.items():
            self._seg[rid + offset] = seg + segments
        self._next = other._next + offset
        for entry in [e for incarnations in other._dead.values() for e in incarnations] + list(other._keys.values()):
            entry.refs = [rid + offset for rid in entry.refs]
            entry.primary = [rid + offset for rid in entry.primary]
        # The other's dropped keys come before its live ones (in the file, after this one's texts).
        for key, incarnations in other._dead.items():
            for entry in incarnations:
                mine = self._keys.get(key)
                if mine is not None:
                    self._join(mine, entry)
                else:
                    self._dead.setdefault(key, []).append(entry)
                    self._dead_refs += len(entry.refs)
        for key, theirs in other._keys.items():
            mine = self._keys.get(key)
            if mine is None:
                mine = self._keys[key] = _Key(theirs.hash)
                for earlier in self._dead.pop(key, ()):
                    self._dead_refs -= len(earlier.refs)
                    self._join(mine, earlier)
            self._join(mine, theirs)
        # Texts added from now on are a segment of their own (this one compares with none of the refs).
        self._segments = segments + other._segments
        self._segment = self._segments
        self._segments += 1

    def _pair_counts(self) -> dict[tuple[int, int], int]:
        """(reference, shared | flag) -> how many texts have it. Counted with NumPy over the packed
        pair (a ``Counter`` of a million tuples is the costliest step of ``finish``)."""
        if not numpy_pays(len(self.ref)):
            return dict(Counter(zip(self.ref, self.shared, strict=True)))
        import numpy as np

        refs = np.frombuffer(self.ref, dtype=np.dtype(self.ref.typecode)).astype(np.uint64)
        packed = (refs << np.uint64(16)) | np.frombuffer(self.shared, dtype=np.dtype(self.shared.typecode))
        # Sorted and counted by hand: np.unique can be many times slower on a million distinct values.
        packed.sort()
        starts = np.flatnonzero(np.concatenate(([True], packed[1:] != packed[:-1])))
        values, counts = packed[starts], np.diff(np.append(starts, len(packed)))
        rids, flags = (values >> np.uint64(16)).tolist(), (values & np.uint64(0xFFFF)).tolist()
        return dict(zip(zip(rids, flags, strict=True), counts.tolist(), strict=True))

    def dominant(
        self, total: int, share: float, accept: Callable[[str, int], bool], *, limit: int | None = None
    ) -> _Anchor | None:
        """The longest prefix ``p`` of a candidate with ``accept(candidate, len(p))`` that at least
        ``share`` of ``total`` texts start with; ``None`` when there is none. With ``limit``, a
        candidate that that many texts share for ``limit`` characters or more yields nothing: what
        they share is repeated content, not an anchor."""
        best: tuple[int, int, int, _Key] | None = None  # (length, count, candidate, key)
        pairs: dict[tuple[int, int], int] | None = None
        for entry in self._keys.values():
            if not _reaches(entry.count, total, share) or not entry.primary:
                continue
            if pairs is None:
                pairs = self._pair_counts()
            found = _Group(self, entry, pairs).longest(total, share, accept, limit)
            if found is not None and (best is None or found[0] > best[0]):
                best = (*found, entry)
        if best is None:
            return None
        length, count, chosen, entry = best
        missing = _Group(self, entry, pairs or {}).missing(chosen, length)
        return _Anchor(self._refs[chosen][:length], count, missing)


class _Group:
    """The texts of one key, measured against its candidates at the end of the pass."""

    def __init__(self, anchors: _Anchors, entry: _Key, pairs: Mapping[tuple[int, int], int]) -> None:
        self.anchors = anchors
        self.entry = entry
        self.texts = {rid: anchors._refs[rid] for rid in entry.refs}
        #: (reference, shared | flag) -> how many texts, for the key's live references
        self.groups = [(rid, flagged, n) for (rid, flagged), n in pairs.items() if rid in self.texts]
        self.own: dict[int, list[int]] = {}
        for rid in entry.refs:
            seg = anchors._seg.get(rid)
            if seg is not None:
                self.own.setdefault(seg, []).append(rid)
        self._between: dict[tuple[int, int], int] = {}

    def between(self, a: int, b: int) -> int:
        """The common-prefix length of references ``a`` and ``b``."""
        pair = (a, b) if a < b else (b, a)
        found = self._between.get(pair)
        if found is None:
            found = self._between[pair] = _common_prefix(self.texts[a], self.texts[b])
        return found

    def measure(self, candidate: int, rid: int, flagged: int) -> tuple[int, bool]:
        """What a text with reference ``rid`` and entry ``flagged`` shares with ``candidate``, and
        whether that is exact (otherwise it is a lower bound)."""
        shared = flagged & ~_FULL
        with_candidate = self.between(rid, candidate)
        if flagged & _FULL or shared != with_candidate:
            return min(shared, with_candidate), True
        seg = self.anchors._seg[rid]
        if self.anchors._seg.get(candidate) == seg:
            return shared, True  # compared with the candidate itself when it was added: it shares no more
        # The text parts from its reference where the reference parts from the candidate, and was
        # compared with every reference of its segment (all kept by then), none of which is the
        # candidate. If one of them goes on like the candidate further, the text (which shares no more
        # with it) parts from the candidate there too; otherwise whether it goes on like the candidate
        # is unknown, and ``shared`` is only a lower bound.
        along = max(self.between(r, candidate) for r in self.own[seg])
        return shared, along > shared or shared >= len(self.texts[candidate])

    def longest(
        self, total: int, share: float, accept: Callable[[str, int], bool], limit: int | None
    ) -> tuple[int, int, int] | None:
        """``(length, count, candidate)`` of the longest accepted anchor, or None."""
        best: tuple[int, int, int] | None = None
        size = self.anchors.window + 2
        for candidate in self.entry.primary:
            text = self.texts[candidate]
            hist = [0] * size
            for rid, flagged, n in self.groups:
                hist[self.measure(candidate, rid, flagged)[0]] += n
            at_least = 0
            for length in range(size - 1, 0, -1):
                at_least += hist[length]
                if length > len(text) or not _reaches(at_least, total, share):
                    continue
                if limit is not None and length >= limit:
                    break  # shared far beyond an anchor's length: repeated content
                if accept(text, length):
                    if best is None or length > best[0]:
                        best = (length, at_least, candidate)
                    break
        return best

    def missing(self, candidate: int, length: int) -> list[int]:
        """Entries of texts known not to start with the candidate's first ``length`` characters: of
        this key (exact, or unknown), and of every other key (whose hash differs)."""
        absent = []
        for rid, flagged, _ in self.groups:
            shared, exact = self.measure(candidate, rid, flagged)
            if shared < length and exact:
                absent.append((rid, flagged))
        a = self.anchors
        if not numpy_pays(len(a.ref)):
            pairs, texts, key_hash = set(absent), self.texts, self.entry.hash
            return [
                i
                for i, (rid, flagged, h) in enumerate(zip(a.ref, a.shared, a.hash, strict=True))
                if rid and ((rid, flagged) in pairs if rid in texts else h != key_hash)
            ]
        import numpy as np

        refs = np.frombuffer(a.ref, dtype=np.dtype(a.ref.typecode))
        flags = np.frombuffer(a.shared, dtype=np.dtype(a.shared.typecode))
        hashes = np.frombuffer(a.hash, dtype=np.dtype(a.hash.typecode))
        live = np.isin(refs, np.fromiter(self.texts, dtype=np.uint64, count=len(self.texts)))
        packed = (refs.astype(np.uint64) << np.uint64(16)) | flags
        of_key = np.isin(packed, np.array([(rid << 16) | flagged for rid, flagged in absent], dtype=np.uint64))
        missing = (refs != 0) & np.where(live, of_key, hashes != self.entry.hash)
        positions: list[int] = np.flatnonzero(missing).tolist()
        return positions


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
_SUFFIX_WINDOW = 256


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


# -- T004: whitespace at the ends -------------------------------------------------------------------

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


# -- T006: JSON outputs -----------------------------------------------------------------------------

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


RULES: tuple[type[Rule], ...] = (
    InconsistentFieldMarkers,
    InconsistentPreamble,
    InconsistentSuffix,
    StrayWhitespace,
    InconsistentLabel,
    InvalidJsonOutput,
)
