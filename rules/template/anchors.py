"""The shared-prefix machinery of T002 and T003: the longest anchor (a prefix; suffixes as prefixes
of reversed tails) that a share of the texts carry, found in one pass with bounded memory."""

from __future__ import annotations

import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, cast

from rules._batch import numpy_pays
from rules.template._common import _reaches
from rules.template._ids import _offset
from rules.template.lookup import BATCH_MIN, SortedRefs


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

    __slots__ = ("count", "cur", "hash", "lookup", "memo", "primary", "refs", "root", "segment")

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
        #: The current segment's references sorted for batch lookups, once they are all there.
        self.lookup: SortedRefs | None = None

    def restart(self, segment: int) -> None:
        """Start comparing with the references of ``segment`` (none yet)."""
        self.segment = segment
        self.cur = []
        self.root = None
        self.memo = {}
        self.lookup = None

    def __getstate__(self) -> tuple[None, dict[str, Any]]:
        # The add-time index is rebuilt by the next text: a shipped key carries only what finish reads.
        state = {name: getattr(self, name) for name in self.__slots__}
        state.update(segment=-1, cur=[], root=None, memo={}, lookup=None)
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
        ``_REFS_PER_KEY``; from the text that completes them on, the trie no longer changes and the
        remaining texts are looked up together (:mod:`rules.template.lookup`), with the same results."""
        if entry.segment != self._segment:
            entry.restart(self._segment)
        entry.count += len(positions)
        key_hash = entry.hash
        for i in positions:
            hashes[i] = key_hash
        while positions:
            if self._full(entry):
                # No text can become a reference or a candidate any more: the texts are only looked up.
                if len(positions) < BATCH_MIN or not self._looked_up(entry, anchors, positions, refs, shared):
                    self._walk(entry, anchors, positions, refs, shared, until_full=False)
                return
            positions = positions[self._walk(entry, anchors, positions, refs, shared, until_full=True) :]

    def _full(self, entry: _Key) -> bool:
        """Whether ``entry``'s segment has all its references and candidates: its trie is final."""
        return len(entry.cur) >= self._REFS_PER_KEY and len(entry.primary) >= self._CANDIDATES

    def _walk(
        self,
        entry: _Key,
        anchors: Sequence[str],
        positions: Sequence[int],
        refs: list[int],
        shared: list[int],
        *,
        until_full: bool,
    ) -> int:
        """Walk the trie for the texts at ``positions`` (see :meth:`_add_key`); with ``until_full``,
        stop after the text that completes the segment's references. Returns how many were walked."""
        keylen, cur, memo, primary, texts = self.keylen, entry.cur, entry.memo, entry.primary, self._refs
        cap, candidates = self._REFS_PER_KEY, self._CANDIDATES
        walked = 0
        for i in positions:
            walked += 1
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
            if until_full and len(cur) >= cap and len(primary) >= candidates:
                break
        return walked

    def _looked_up(
        self,
        entry: _Key,
        anchors: Sequence[str],
        positions: Sequence[int],
        refs: list[int],
        shared: list[int],
    ) -> bool:
        """Write what the trie walk would for the texts at ``positions`` of a key whose segment holds
        all its references, by a batch lookup (:mod:`rules.template.lookup`) where NumPy pays; False
        when it was not done."""
        if not numpy_pays(len(self.ref) + len(positions)):
            return False
        lookup = entry.lookup
        if lookup is None or lookup.segment != self._segment:
            lookup = entry.lookup = SortedRefs(self._segment, [self._refs[rid] for rid in entry.cur], entry.cur)
        found = lookup.query([anchors[i] for i in positions], _FULL)
        if found is None:
            return False
        bests, flags = found
        if type(positions) is range and positions.step == 1:  # the texts of a one-key batch
            refs[positions.start : positions.stop] = bests
            shared[positions.start : positions.stop] = flags
            return True
        for i, best, flagged in zip(positions, bests, flags, strict=True):
            refs[i] = best
            shared[i] = flagged
        return True

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
