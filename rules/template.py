"""T rules: the dataset's template (field markers, preamble, separators, whitespace, JSON outputs) and
the records that deviate from it.

The tuning guide's advice: examples must be formatted exactly like production traffic. When most
examples carry ``question:`` and ``context:``, production prompts must carry them in the same order;
a preamble used in training must be used at inference. These rules find a *dominant* convention and
flag the minority of records that break it. They stay silent on free-form data with no dominant
convention, and on files with fewer than ``min-examples`` (default 20) usable texts: with a dozen
records one stray format looks like a template.

Streaming: a rule cannot know the dominant template before the last record, so each keeps a few
bytes per record (record number, line, field names, a signature id or a common-prefix length; never
the texts), decides in ``finish`` and only then reports the deviating records. Every rule publishes
what it detected into ``ctx.file.template`` (``files[].template`` in the JSON report).
"""

from __future__ import annotations

import json
import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from rules.labels import InconsistentLabel
from validator.api import Context, Example, Finding, Record, Rule, Severity

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


class _Where:
    """Where each counted text lives, in ten bytes per record: record number, physical line, and an
    id of the record's field names (shared by almost every record of a file)."""

    def __init__(self) -> None:
        self.index = array("I")
        self.line = array("I")
        self._fid = array("H")
        self._ids: dict[tuple[str | None, str | None], int] = {}
        self._names: list[tuple[str | None, str | None]] = []
        self._last: tuple[object, int] = (None, 0)  # the engine shares one fields mapping per shape

    def add(self, example: Example) -> None:
        fields = example.fields
        last, fid = self._last
        if fields is not last:
            names = (fields.get("input"), fields.get("output"))
            found = self._ids.get(names)
            if found is None:
                found = len(self._names)
                if found > 0xFFFF:  # pragma: no cover - 65,536 distinct field pairs in one file
                    found = 0
                else:
                    self._ids[names] = found
                    self._names.append(names)
            fid = found
            self._last = (fields, fid)
        self.index.append(example.index)
        self.line.append(example.line)
        self._fid.append(fid)

    def __len__(self) -> int:
        return len(self.index)

    def record(self, i: int) -> Record:
        """A stand-in record (number and line) to locate a finding at."""
        return Record(index=self.index[i], line=self.line[i])

    def field(self, i: int, role: str) -> str | None:
        names = self._names[self._fid[i]]
        return names[0] if role == "input" else names[1]


# -- T001: field markers ----------------------------------------------------------------------------

# A field label: one to three words of letters (digits and underscores after the first letter),
# e.g. ``question``, ``Context``, ``input_text``, ``Customer review``. No dots, slashes or digits first,
# so ``e.g.:``, ``https:`` and ``10:30`` are not labels.
_WORD = r"[^\W\d_]\w*"
_LABEL = rf"{_WORD}(?:[ \-]{_WORD}){{0,2}}"
# A label counts at the start of the input, at the start of a line (optionally after a Markdown heading
# or bold mark: ``### Instruction:``, ``**Question:**``), or after sentence punctuation and a space.
# An ASCII colon must end the token (followed by whitespace or the end), so ``mailto:x`` is no label.
# Texts are scanned colon by colon: text without a colon costs one ``in`` test.
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


def markers_of(text: str) -> tuple[str, ...]:
    """The field markers of ``text`` in order of first appearance, one per label regardless of case
    (``("question:", "context:")``); the first spelling of each label is kept."""
    if ":" not in text and "：" not in text:
        return ()
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
    labels = tuple(found)
    cached = _MARKERS.get(labels)
    if cached is not None:
        return cached
    markers: list[str] = []
    seen: set[str] = set()
    for label in found:
        marker, key = _normal(label)
        if key not in seen:
            seen.add(key)
            markers.append(marker)
            if len(markers) == _MAX_MARKERS:
                break
    if len(_MARKERS) >= 4096:
        _MARKERS.clear()
    result = _MARKERS[labels] = tuple(markers)
    return result


#: Markers of a list of raw labels (memoised like :data:`_NORMAL`: most inputs of a file share them).
_MARKERS: dict[tuple[str, ...], tuple[str, ...]] = {}


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
        self._sig = array("I")  # per record: an id into self._signatures
        self._ids: dict[tuple[str, ...], int] = {}
        self._signatures: list[tuple[str, ...]] = []
        self._counts: list[int] = []

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        text = example.input_text
        if not text or text.isspace():
            return ()
        signature = markers_of(text)
        sid = self._ids.get(signature)
        if sid is None and len(self._signatures) < _MAX_SIGNATURES:
            sid = self._ids[signature] = len(self._signatures)
            self._signatures.append(signature)
            self._counts.append(0)
        if sid is None:
            sid = _UNTRACKED  # counted as a non-conforming input, never flagged
        else:
            self._counts[sid] += 1
        self._where.add(example)
        self._sig.append(sid)
        return ()

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
        for i, sid in enumerate(self._sig):
            if sid == _UNTRACKED or projected[sid] == template:
                continue
            has = projected[sid]
            yield self.finding(
                ctx,
                f"{head}; this input has {_sequence(has)}: it {_marker_difference(has, template)}. Use the "
                "same markers, in the same order and case, in every example and in production prompts",
                at=self._where.record(i),
                field=self._where.field(i, "input"),
            )


# -- T002 / T003: shared prefixes and suffixes ------------------------------------------------------


def _common_prefix(a: str, b: str, start: int = 0) -> int:
    """Length of the common prefix of ``a`` and ``b``, whose first ``start`` characters are known to
    match: galloping, then binary search, on short slices (C-speed compares, no per-character loop)."""
    n = len(a) if len(a) < len(b) else len(b)
    lo = start if start < n else n
    if lo < n and a[lo] != b[lo]:
        return lo  # the usual case for unrelated texts
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
    return hash(key) & 0xFFFFFFFF


@dataclass
class _Key:
    hash: int
    count: int = 0
    refs: list[int] = field(default_factory=list)
    #: ``firsts[k]``: the common-prefix length of ``refs[k]`` and ``refs[0]``.
    firsts: list[int] = field(default_factory=list)
    #: A recent text's common-prefix length with ``refs[0]`` and that prefix: texts of one key tend
    #: to share as much with it as the previous one did, which one ``startswith`` confirms.
    hint: int = -1
    hint_text: str = ""


@dataclass(frozen=True)
class _Anchor:
    """The dominant shared anchor: its text (a prefix of the reference), the number of texts that
    carry it and a predicate telling which record does."""

    text: str
    count: int
    carries: Callable[[int], bool | None]


class _Anchors:
    """Finds the longest anchor (a prefix; suffixes are handled as prefixes of reversed tails) that
    at least a share of the texts carry, in one pass and bounded memory.

    Texts are grouped by a short key (their first ``keylen`` characters). The first few texts of each
    key are kept as references (at most ``window`` characters); every text stores, in ten bytes, its
    key's hash, the reference it shares most with and the length shared. A text starts with a
    reference's first ``b`` characters exactly when the length it shares with its own reference, and
    the length its reference shares with that one, are both at least ``b`` — so the check is exact for
    any prefix of any reference, decided at the end. At most ``_KEYS`` keys are tracked; when a new key
    arrives the least used one is dropped, and its texts become "unknown": counted, never flagged.
    """

    _KEYS = 64
    _REFS_PER_KEY = 4

    def __init__(self, keylen: int, window: int) -> None:
        self.keylen = keylen
        self.window = window
        self.hash = array("I")
        self.ref = array("I")
        self.shared = array("H")
        self._keys: dict[str, _Key] = {}
        self._refs: dict[int, str] = {}
        self._next = 1

    def __len__(self) -> int:
        return len(self.ref)

    def add(self, anchor: str) -> None:
        """Count one text by its anchor (at most ``window`` characters)."""
        keylen = self.keylen
        key = anchor[:keylen]
        entry = self._keys.get(key)
        if entry is None:
            if len(self._keys) >= self._KEYS:
                self._evict()
            entry = self._keys[key] = _Key(_key_hash(key))
        entry.count += 1
        refs = entry.refs
        size = len(anchor)
        best, best_len, first = 0, 0, size
        if refs:
            # One full comparison, with the first reference; the others mostly follow from what
            # they share with it: lcp(x, r) = min(lcp(x, r0), lcp(r0, r)) unless those are equal.
            texts = self._refs
            best = refs[0]
            ref = texts[best]
            hint = entry.hint
            if hint >= keylen and anchor.startswith(entry.hint_text):
                # exact: the texts share ``hint`` characters; the common prefix ends there unless the
                # next characters match too
                if hint >= size or hint >= len(ref) or anchor[hint] != ref[hint]:
                    first = hint
                else:
                    first = _common_prefix(anchor, ref, hint)
            else:
                first = _common_prefix(anchor, ref, keylen)
                entry.hint, entry.hint_text = first, ref[:first]
            best_len = first
            if len(refs) > 1:
                firsts = entry.firsts
                for k in range(1, len(refs)):
                    with_first = firsts[k]
                    if with_first == first:
                        length = _common_prefix(anchor, texts[refs[k]], first)
                    else:
                        length = first if first < with_first else with_first
                    if length > best_len:
                        best, best_len = refs[k], length
        if size and best_len < size and len(refs) < self._REFS_PER_KEY:
            best, best_len = self._next, size
            self._refs[best] = anchor
            refs.append(best)
            entry.firsts.append(first)
            self._next += 1
        self.hash.append(entry.hash)
        self.ref.append(best)
        self.shared.append(best_len)

    def _evict(self) -> None:
        """Drop the less used half of the keys (the older ones among equals), so eviction costs O(1)
        per text on average even when every text has a key of its own."""
        ranked = sorted(self._keys, key=lambda k: self._keys[k].count)  # stable: older first among equals
        for victim in ranked[: len(ranked) // 2]:
            for rid in self._keys.pop(victim).refs:
                del self._refs[rid]

    def dominant(
        self, total: int, share: float, accept: Callable[[str, int], bool], *, limit: int | None = None
    ) -> _Anchor | None:
        """The longest prefix ``p`` of a reference with ``accept(reference, len(p))`` that at least
        ``share`` of ``total`` texts start with; ``None`` when there is none. With ``limit``, a
        reference that that many texts share for ``limit`` characters or more yields nothing: what
        they share is repeated content, not an anchor."""
        best: _Anchor | None = None
        for key, entry in self._keys.items():
            if not _reaches(entry.count, total, share) or not entry.refs:
                continue
            found = self._in_group(key, entry.refs, total, share, accept, limit)
            if found is not None and (best is None or len(found.text) > len(best.text)):
                best = found
        return best

    def _in_group(
        self,
        key: str,
        refs: list[int],
        total: int,
        share: float,
        accept: Callable[[str, int], bool],
        limit: int | None,
    ) -> _Anchor | None:
        texts = {rid: self._refs[rid] for rid in refs}
        between = {(a, b): _common_prefix(texts[a], texts[b]) for a in refs for b in refs}
        key_hash = _key_hash(key)
        hists = {rid: [0] * (self.window + 2) for rid in refs}
        for i, rid in enumerate(self.ref):
            if rid in texts:
                own = self.shared[i]
                for target in refs:
                    hists[target][min(own, between[target, rid])] += 1
        best: tuple[int, int, int] | None = None  # (length, count, reference)
        for rid in refs:
            text, hist = texts[rid], hists[rid]
            at_least = 0
            for length in range(len(hist) - 1, 0, -1):
                at_least += hist[length]
                if length > len(text) or not _reaches(at_least, total, share):
                    continue
                if limit is not None and length >= limit:
                    break  # shared far beyond an anchor's length: repeated content
                if accept(text, length):
                    if best is None or length > best[0]:
                        best = (length, at_least, rid)
                    break
        if best is None:
            return None
        length, count, chosen = best

        def carries(i: int) -> bool | None:
            rid = self.ref[i]
            if rid in texts:
                return min(self.shared[i], between[chosen, rid]) >= length
            if self.hash[i] == key_hash:
                return None  # its key was dropped while it was seen: unknown
            return False

        return _Anchor(texts[chosen][:length], count, carries)


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
        self._where = _Where()
        self._anchors = _Anchors(keylen=max(1, min(self.opts.min_length, _PREAMBLE_WINDOW)), window=_PREAMBLE_WINDOW)

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        text = example.input_text
        if text and not text.isspace():
            self._where.add(example)
            self._anchors.add(_head(text, _PREAMBLE_WINDOW))
        return ()

    def finish(self, ctx: Context) -> Iterator[Finding]:
        total = len(self._where)
        if total < max(self.opts.min_examples, 1):
            return
        accept = _preamble_accept(max(self.opts.min_length, 1), _PREAMBLE_WINDOW)
        found = self._anchors.dominant(total, _share(self.opts.share), accept)
        if found is None:
            return
        preamble = found.text
        ctx.file.template["preamble"] = preamble if len(preamble) <= 200 else preamble[:199] + "…"
        for i in range(total):
            if found.carries(i) is False:
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
        self._roles = {role: (_Where(), _Anchors(keylen=1, window=_SUFFIX_WINDOW)) for role in ("input", "output")}
        self._input, self._output = self._roles["input"], self._roles["output"]

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        text = example.input_text
        if text and not text.isspace():
            where, anchors = self._input
            where.add(example)
            anchors.add(_tail(text, _SUFFIX_WINDOW)[::-1])
        text = example.output_text
        if text and not text.isspace():
            where, anchors = self._output
            where.add(example)
            anchors.add(_tail(text, _SUFFIX_WINDOW)[::-1])
        return ()

    def finish(self, ctx: Context) -> Iterator[Finding]:
        found: list[tuple[int, int, Finding]] = []
        for role, (where, anchors) in self._roles.items():
            total = len(where)
            if total < max(self.opts.min_examples, 1):
                continue
            accept = _suffix_accept(_SUFFIX_WINDOW)
            anchor = anchors.dominant(total, _share(self.opts.share), accept, limit=_SUFFIX_WINDOW)
            if anchor is None:
                continue
            suffix = anchor.text[::-1]
            ctx.file.template[f"{role}_suffix"] = suffix
            for i in range(total):
                if anchor.carries(i) is False:
                    finding = self.finding(
                        ctx,
                        f"{role} does not end with {_quote(suffix)}, the separator {_ratio(anchor.count, total)} "
                        f"{role}s end with. Append it, so the model learns where the "
                        f"{'prompt' if role == 'input' else 'answer'} ends"
                        + (" (and end production prompts with it)" if role == "input" else ""),
                        at=where.record(i),
                        field=where.field(i, role),
                    )
                    found.append((where.line[i], 0 if role == "input" else 1, finding))
        found.sort(key=lambda t: (t[0], t[1]))
        for _, _, finding in found:
            yield finding


# -- T004: whitespace at the ends -------------------------------------------------------------------

_LEAD, _TRAIL = 1, 2


def _ends(text: str) -> int:
    bits = 0
    if text[:1].isspace():
        bits |= _LEAD
    if text[-1:].isspace():
        bits |= _TRAIL
    return bits


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
        self._roles = {role: (_Where(), array("B")) for role in ("input", "output")}
        self._input, self._output = self._roles["input"], self._roles["output"]

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        text = example.input_text
        if text and not text.isspace():
            where, bits = self._input
            where.add(example)
            bits.append((_LEAD if text[0].isspace() else 0) | (_TRAIL if text[-1].isspace() else 0))
        text = example.output_text
        if text and not text.isspace():
            where, bits = self._output
            where.add(example)
            bits.append((_LEAD if text[0].isspace() else 0) | (_TRAIL if text[-1].isspace() else 0))
        return ()

    def finish(self, ctx: Context) -> Iterator[Finding]:
        share = _share(self.opts.share)
        found: list[tuple[int, int, Finding]] = []
        for order, (role, (where, bits)) in enumerate(self._roles.items()):
            total = len(where)
            if total < max(self.opts.min_examples, 1):
                continue
            rules = [r for r in (self._convention(bits, total, share, end, role) for end in (_LEAD, _TRAIL)) if r]
            if not rules:
                continue
            for i in range(total):
                broken = [(expect, text) for end, expect, text in rules if bool(bits[i] & end) != expect]
                if broken:
                    expects = {expect for expect, _ in broken}
                    fix = "Add it" if expects == {True} else "Strip it" if expects == {False} else "Fix both ends"
                    finding = self.finding(
                        ctx,
                        f"{role} {' and '.join(text for _, text in broken)}. {fix}, so every {role} is formatted "
                        "the same way (tokenizers see the whitespace)",
                        at=where.record(i),
                        field=where.field(i, role),
                    )
                    found.append((where.line[i], order, finding))
        found.sort(key=lambda t: (t[0], t[1]))
        for _, _, finding in found:
            yield finding

    @staticmethod
    def _convention(bits: array[int], total: int, share: float, end: int, role: str) -> tuple[int, bool, str] | None:
        """``(end, whether the convention is to have whitespace there, message part)`` or None."""
        have = sum(1 for b in bits if b & end)
        side = "leading" if end == _LEAD else "trailing"
        if have > 0 and _reaches(total - have, total, share):
            return end, False, f"has {side} whitespace, which {_ratio(total - have, total)} {role}s do not have"
        if end == _LEAD and have < total and _reaches(have, total, share):
            return end, True, f"lacks the {side} whitespace that {_ratio(have, total)} {role}s have"
        return None


# -- T006: JSON outputs -----------------------------------------------------------------------------

_JSON, _BROKEN, _TEXT = 0, 1, 2
_MAX_ERRORS = 10_000


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def _json_kind(text: str) -> tuple[int, str]:
    stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        if stripped.startswith("```"):
            return _TEXT, "it is wrapped in a Markdown code fence"
        return _TEXT, "it is not a JSON object or array"
    try:
        value = _DECODER.decode(stripped)
    except ValueError as exc:
        return _BROKEN, f"it does not parse: {exc}"
    except RecursionError:
        return _BROKEN, "it is nested too deeply to parse"
    if isinstance(value, (dict, list)):
        return _JSON, ""
    return _TEXT, "it is not a JSON object or array"  # pragma: no cover - a "{"/"[" start parses to one


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
        self._where = _Where()
        self._kind = array("B")
        self._errors: dict[int, str] = {}  # record position -> why (bounded)

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        text = example.output_text
        if text and not text.isspace():
            kind, why = _json_kind(text)
            if kind != _JSON and len(self._errors) < _MAX_ERRORS:
                self._errors[len(self._where)] = why[:200]
            self._where.add(example)
            self._kind.append(kind)
        return ()

    def finish(self, ctx: Context) -> Iterator[Finding]:
        total = len(self._where)
        if total < max(self.opts.min_examples, 1):
            return
        good = self._kind.count(_JSON)
        if not _reaches(good, total, _share(self.opts.share)):
            return
        ctx.file.template["json_outputs"] = True
        for i, kind in enumerate(self._kind):
            if kind != _JSON:
                why = self._errors.get(i, "it is not valid JSON")
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
