"""D rules: duplicated examples, conflicting outputs, near-duplicate inputs, train/validation leakage
and (opt-in) similar inputs.

Keys are the canonical texts of an :class:`~validator.api.Example`, never the raw record: an ``id``
field, key order or extra columns must not hide a duplicate prompt. For chat shapes the input is the
whole context before the target turn. "Normalised" is :func:`validator.api.normalize_text` (NFKC,
case-folded, whitespace runs collapsed, trimmed).

State stays compact: every rule keeps a dict from a 16-byte :func:`~validator.api.digest` to one
packed int (line, record and, where needed, a 64-bit fingerprint of the text the rule compares), never
a text. Repeats found during the pass are kept as small tuples and reported in ``finish``, which is
what makes the rules shardable: :meth:`merge` folds another shard's first occurrences and repeats into
this instance, and the *record number* (not the order shards are merged in) decides which occurrence
is the first one. One pass and any sharding with a merge give the same findings.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
import zlib
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rules._example import input_digest, normalized_input, normalized_input_digest, output_digest
from rules._text import plural, thousands
from validator.api import Context, Example, Finding, Location, Rule, Severity, digest, normalize_text

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "RULES",
    "ConflictingOutputs",
    "DuplicateExample",
    "NearDuplicateInput",
    "SimilarInputs",
    "SimilarInputsOptions",
    "SplitLeakage",
    "lsh_bands",
    "minhash_signature",
]

_MASK32 = 0xFFFFFFFF
_MASK64 = 0xFFFFFFFFFFFFFFFF


# -- packing ------------------------------------------------------------------------------------------


def _pack(line: int, record: int, fingerprint: int = 0) -> int:
    """One int for ``(line, record)`` and an optional 64-bit fingerprint: record in bits 0-31, line in
    32-63, fingerprint above. (Four billion lines or records is far beyond any tuning file.)"""
    return (fingerprint << 64) | ((line & _MASK32) << 32) | (record & _MASK32)


def _line(packed: int) -> int:
    return (packed >> 32) & _MASK32


def _record(packed: int) -> int:
    return packed & _MASK32


def _fingerprint_of(packed: int) -> int:
    return packed >> 64


def _fingerprint(text: str) -> int:
    """64 bits of the text's digest: enough to tell two texts of the same key apart."""
    return int.from_bytes(digest(text)[:8], "big")


def _pair_key(example: Example) -> bytes:
    """A digest of the (input, output) pair: the digest of the two texts' digests (fixed-size, so the
    split between input and output is unambiguous), which other rules' digests of the same texts
    make cheap."""
    return hashlib.blake2b(input_digest(example) + output_digest(example), digest_size=16).digest()


def _where(packed: int) -> str:
    return f"record {thousands(_record(packed))} (line {thousands(_line(packed))})"


def _location(path: str, packed: int, field: str | None = None) -> Location:
    return Location(path, _line(packed), _record(packed) or None, field)


# -- D001-D003: first occurrence and repeats --------------------------------------------------------

#: A repeat seen during the pass: ``(packed line/record, key, fingerprint, field)``.
_Repeat = tuple[int, bytes, int, "str | None"]


class _FirstOccurrence(Rule):
    """Shared machinery of D001-D003: the first occurrence of every key (digest -> packed location
    and fingerprint) and the repeats, judged in ``finish`` in record order.

    A subclass says what its key and fingerprint are (:meth:`_key`). With ``new_variants_only`` a
    repeat is reported only when its fingerprint differs from the first occurrence's and from every
    earlier repeat's (D002: a new output for a known input; D003: a new spelling of a known
    normalised input); without it every repeat is reported (D001).
    """

    new_variants_only: ClassVar[bool] = True

    def __init__(self, options: Any = None) -> None:
        super().__init__(options)
        self._first: dict[bytes, int] = {}
        self._repeats: list[_Repeat] = []
        #: Field of the first example this instance saw: used for a first occurrence that a merge
        #: turns into a repeat (records of one file almost always share their fields).
        self._field: str | None = None
        self._fielded = False

    def _key(self, example: Example) -> tuple[bytes, int]:
        raise NotImplementedError

    def _field_of(self, example: Example) -> str | None:
        return None

    def _report(self, ctx: Context, repeat: _Repeat, first: int) -> Finding:
        raise NotImplementedError

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        key, fingerprint = self._key(example)
        first = self._first
        if not self._fielded:
            self._field, self._fielded = self._field_of(example), True
        if key in first:
            self._repeats.append((_pack(example.line, example.index), key, fingerprint, self._field_of(example)))
        else:
            first[key] = _pack(example.line, example.index, fingerprint)
        return ()

    def merge(self, other: Rule) -> None:
        """Fold another shard's state into this one. The occurrence with the lowest record number is
        the first one; the other becomes a repeat, judged in ``finish`` like any other."""
        if not isinstance(other, type(self)):
            raise TypeError(f"cannot merge {type(other).__name__} into {type(self).__name__}")
        if not self._fielded:
            self._field, self._fielded = other._field, other._fielded
        for key, theirs in other._first.items():
            mine = self._first.get(key)
            if mine is None:
                self._first[key] = theirs
                continue
            if _record(theirs) < _record(mine):
                self._first[key] = theirs
                later, field = mine, self._field
            else:
                later, field = theirs, other._field
            self._repeats.append((later & _MASK64, key, _fingerprint_of(later), field))
        self._repeats.extend(other._repeats)

    def finish(self, ctx: Context) -> Iterator[Finding]:
        self._repeats.sort(key=lambda repeat: _record(repeat[0]))
        seen: dict[bytes, set[int]] = {}
        for repeat in self._repeats:
            _, key, fingerprint, _ = repeat
            first = self._first[key]
            if self.new_variants_only:
                variants = seen.get(key)
                if variants is None:
                    variants = seen[key] = {_fingerprint_of(first)}
                if fingerprint in variants:
                    continue
                variants.add(fingerprint)
            yield self._report(ctx, repeat, first)


class DuplicateExample(_FirstOccurrence):
    """What: The same input and output appear again, exactly. Reported on every repeat, with the
    first occurrence as the related location. Only the canonical input and output are compared, so
    records that differ in an ``id`` field, key order or extra columns are still duplicates.

    Why: A duplicated example is trained on twice as often as the others, which over-weights it and
    wastes the example budget; duplicates that land in both a training and an evaluation set also
    inflate evaluation scores.

    Example: ``{"text_input": "2+2?", "output": "4"}`` on line 3 and again on line 40.

    Fix: Drop the repeats (keep the first occurrence). This finding is fixable: removing the
    reported records is safe.
    """

    code = "D001"
    name = "duplicate-example"
    summary = "An example (input and output) is repeated exactly"
    default_severity = Severity.WARNING
    fixable = True
    new_variants_only = False

    def _key(self, example: Example) -> tuple[bytes, int]:
        return _pair_key(example), 0

    def _report(self, ctx: Context, repeat: _Repeat, first: int) -> Finding:
        where = repeat[0]
        return self.finding(
            ctx,
            f"example repeats {_where(first)} exactly (same input and output); duplicates are "
            "over-weighted in training. Drop this record",
            line=_line(where),
            record=_record(where),
            related=(_location(ctx.path, first),),
        )


class ConflictingOutputs(_FirstOccurrence):
    """What: An input appears again (exactly) with a different output than its first occurrence.
    Reported on each record that brings a new output for a known input, with the first occurrence as
    the related location; an exact repeat of an earlier (input, output) pair is D001 instead. The
    severity is error when the task is classification (given with ``--task`` or inferred), warning
    otherwise.

    Why: For one prompt the model is taught two answers. In classification that is a labelling
    error: the model cannot learn a label the data contradicts. In generation tasks it may be
    intended variety, but often it is a stale or mistaken copy.

    Example: ``"Legal Deposit Services"`` labelled ``Literature & Archive`` on line 60 and ``Other``
    on line 73.

    Fix: Decide on one output per input and drop or correct the others; for free-text tasks where
    several answers are wanted, ignore D002 for the file.
    """

    code = "D002"
    name = "conflicting-outputs"
    summary = "One input has different outputs"
    default_severity = Severity.WARNING

    def _key(self, example: Example) -> tuple[bytes, int]:
        return input_digest(example), int.from_bytes(output_digest(example)[:8], "big")

    def _field_of(self, example: Example) -> str | None:
        return example.fields.get("output")

    def _report(self, ctx: Context, repeat: _Repeat, first: int) -> Finding:
        where, _, _, field = repeat
        classification = ctx.task == "classification"
        why = (
            "contradictory labels: the model cannot learn both"
            if classification
            else "the model is taught two answers to one prompt"
        )
        return self.finding(
            ctx,
            f"input also appears at {_where(first)} with a different output ({why}). Keep one output "
            "per input and correct or drop the other records",
            line=_line(where),
            record=_record(where),
            field=field,
            severity=Severity.ERROR if classification else None,
            related=(_location(ctx.path, first, field),),
        )


class NearDuplicateInput(_FirstOccurrence):
    """What: An input equals an earlier input after normalisation (Unicode NFKC, case folding,
    whitespace runs collapsed, ends trimmed) but is spelt differently from every earlier input with
    that normalised form. Reported once per new spelling, with the first occurrence as the related
    location; exact repeats are D001/D002, not D003.

    Why: ``"Hello  World"`` and ``"hello world"`` are the same prompt to a reader and nearly the same
    to the model: near-duplicates over-weight one prompt, and when their outputs differ they
    contradict each other without looking like a conflict.

    Example: ``"Ｈello  World"`` (full-width H, two spaces) on line 8 and ``"hello world"`` on line 2.

    Fix: Keep one of the spellings and drop the other records, or merge their outputs. If the
    variants are deliberate (teaching robustness to case or spacing), ignore D003.
    """

    code = "D003"
    name = "near-duplicate-input"
    summary = "Inputs are equal after normalisation"
    default_severity = Severity.INFO

    def _key(self, example: Example) -> tuple[bytes, int]:
        return normalized_input_digest(example), int.from_bytes(input_digest(example)[:8], "big")

    def _field_of(self, example: Example) -> str | None:
        return example.fields.get("input")

    def _report(self, ctx: Context, repeat: _Repeat, first: int) -> Finding:
        where, _, _, field = repeat
        return self.finding(
            ctx,
            f"input equals the input of {_where(first)} once case, whitespace and Unicode width are "
            "normalised; the two are near-duplicates. Keep one of them, or ignore D003 if the "
            "variation is deliberate",
            line=_line(where),
            record=_record(where),
            field=field,
            related=(_location(ctx.path, first, field),),
        )


# -- D004: split leakage ----------------------------------------------------------------------------


class SplitLeakage(Rule):
    """What: An input of a validation (or test) file also appears, normalised, in its paired training
    file. Reported at the validation file's record, with the training file's first occurrence as the
    related location. Pairs come from ``--validation``, ``[[datasets]]`` in config, or files linted
    together whose names differ only by a split word (``train.jsonl`` / ``valid.jsonl``).

    Why: The validation set measures how the tuned model does on prompts it has not seen. A leaked
    prompt was trained on, so the validation loss and any evaluation on it look better than the
    model will do in production.

    Example: ``"What is the capital of France?"`` in ``train.jsonl`` and ``"what is the capital of
    france?"`` in ``valid.jsonl``.

    Fix: Remove the leaked records from the validation file (or from the training file), so the two
    splits share no input.
    """

    code = "D004"
    name = "split-leakage"
    summary = "A validation input also appears in the training file"
    default_severity = Severity.ERROR

    def __init__(self, options: Any = None) -> None:
        super().__init__(options)
        #: Training side: normalised-input digest -> packed (line, record) of its first occurrence;
        #: the same dict is published in ``ctx.shared[("D004", path)]``.
        self._index: dict[bytes, int] | None = None
        #: Validation side: the training file's index and path.
        self._train: dict[bytes, int] | None = None
        self._train_path: str | None = None

    def start(self, ctx: Context) -> Iterator[Finding]:
        if ctx.file.role == "train":
            self._index = {}
            ctx.shared[(self.code, ctx.path)] = self._index
        elif ctx.file.role == "validation" and ctx.file.pair is not None:
            found = ctx.shared.get((self.code, ctx.file.pair))
            if isinstance(found, dict):
                self._train, self._train_path = found, ctx.file.pair
        yield from ()

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        if self._index is not None:
            key = normalized_input_digest(example)
            if key not in self._index:
                self._index[key] = _pack(example.line, example.index)
        elif self._train is not None and self._train_path is not None:
            first = self._train.get(normalized_input_digest(example))
            if first is not None:
                return self._leak(example, ctx, first)
        return ()

    def _leak(self, example: Example, ctx: Context, first: int) -> Iterator[Finding]:
        train_path = self._train_path
        assert train_path is not None
        yield self.finding(
            ctx,
            f"input also appears in the training file {train_path} at {_where(first)}; a "
            "leaked example makes validation scores look better than the model is. Remove it "
            "from one of the two files",
            at=example,
            field=example.fields.get("input"),
            related=(_location(train_path, first),),
        )

    def merge(self, other: Rule) -> None:
        """Training side: fold another shard's index (the lowest record number is the first
        occurrence). Validation side: nothing to merge, findings are made record by record."""
        if not isinstance(other, SplitLeakage):
            raise TypeError(f"cannot merge {type(other).__name__} into SplitLeakage")
        if other._index is None:
            return
        if self._index is None:
            self._index = {}
        for key, theirs in other._index.items():
            mine = self._index.get(key)
            if mine is None or _record(theirs) < _record(mine):
                self._index[key] = theirs

    def finish(self, ctx: Context) -> Iterator[Finding]:
        if self._index is not None and ctx.file.role == "train":
            ctx.shared[(self.code, ctx.path)] = self._index  # the merged index, after sharding
        yield from ()


# -- D005: similar inputs (MinHash + LSH) -----------------------------------------------------------


@dataclass(frozen=True)
class SimilarInputsOptions:
    #: Report an input whose estimated Jaccard similarity to an earlier input exceeds this.
    threshold: float = 0.8
    #: Words per shingle (inputs are normalised, then split on whitespace; characters of scripts
    #: written without spaces count as words).
    shingle_size: int = 3
    #: MinHash permutations: more is more accurate and slower (signatures take 2 bytes each).
    num_perm: int = 64
    #: Records indexed at most (about 150 bytes each with the defaults); later ones are not checked.
    max_records: int = 1_000_000
    #: Earlier records of one LSH bucket compared with each record (bounds the work on data where
    #: many inputs share a template).
    max_candidates: int = 64


#: Shingles hashed per block when building signatures, bounding the temporary matrix (num_perm x
#: _BLOCK 8-byte values).
_BLOCK = 4096
#: Records whose signatures are computed together.
_BATCH = 256
_MIX1 = 0xBF58476D1CE4E5B9
_MIX2 = 0x94D049BB133111EB
_SHINGLE_MUL = 0x9E3779B97F4A7C15


@functools.lru_cache(maxsize=8)
def _permutations(num_perm: int) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """``(a, b)`` of ``num_perm`` hash functions ``h(x) = a*x + b mod 2**64`` (``a`` odd), derived
    from a fixed seed so signatures are identical in every process and on every platform (shards
    merged across machines compare correctly)."""
    import numpy as np

    words = [
        int.from_bytes(hashlib.blake2b(f"tunelint-minhash-{i}".encode(), digest_size=16).digest(), "little")
        for i in range(num_perm)
    ]
    a = np.array([(w & _MASK64) | 1 for w in words], dtype=np.uint64)
    b = np.array([w >> 64 for w in words], dtype=np.uint64)
    return a, b


def _mix(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """splitmix64's finaliser, element-wise: every output bit depends on every input bit."""
    import numpy as np

    values = values ^ (values >> np.uint64(30))
    values = values * np.uint64(_MIX1)
    values = values ^ (values >> np.uint64(27))
    values = values * np.uint64(_MIX2)
    return values ^ (values >> np.uint64(31))


#: Scripts written without spaces between words (Han, kana, Thai, Lao, Khmer, Myanmar): there every
#: character counts as a word, or a whole sentence would be one "word".
_UNSPACED = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
)
_HAS_UNSPACED = re.compile(f"[{_UNSPACED}]")
_TOKEN = re.compile(f"[{_UNSPACED}]|[^\\s{_UNSPACED}]+")


def _words(normalized: str) -> list[bytes]:
    """The words of a normalised text, as UTF-8."""
    if _HAS_UNSPACED.search(normalized):
        return [token.encode("utf-8", "surrogatepass") for token in _TOKEN.findall(normalized)]
    return normalized.encode("utf-8", "surrogatepass").split(b" ")


def minhash_signature(text: str, shingle_size: int = 3, num_perm: int = 64) -> bytes | None:
    """The MinHash signature of ``text``'s word shingles, normalised first: ``num_perm`` 16-bit values
    (2 bytes each, little-endian), or ``None`` for a text without words. A text with fewer words than
    ``shingle_size`` is one shingle.

    Each value is 16 bits of the minimum of one hash function over the shingles (b-bit minwise
    hashing): two texts agree on a position with probability ``J + (1 - J) / 65536`` for Jaccard
    similarity ``J``, so the share of equal positions estimates ``J``.
    """
    normalized = normalize_text(text)
    if not normalized:
        return None
    return bytes(_signatures([normalized], shingle_size, num_perm).tobytes())


def _signatures(texts: list[str], shingle_size: int, num_perm: int) -> npt.NDArray[np.uint16]:
    """Signatures of non-empty normalised texts, one row each (``len(texts) x num_perm``), computed
    together so NumPy's per-call cost is paid once per batch rather than once per record."""
    import numpy as np

    words = [_words(text) for text in texts]
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    flat = list(itertools.chain.from_iterable(words))
    # A word's 64-bit id: CRC-32 and Adler-32 side by side (two fast C calls; blake2b per word costs
    # four times as much), then spread by the splitmix64 finaliser.
    low = np.fromiter(map(zlib.crc32, flat), dtype=np.uint64, count=len(flat))
    high = np.fromiter(map(zlib.adler32, flat), dtype=np.uint64, count=len(flat))
    ids = _mix((high << np.uint64(32)) | low)

    # windows[w - 1][g] combines ids[g : g + w]; a record's shingles are its windows of width
    # min(shingle_size, its word count) that start inside it and stay inside it.
    widths = np.minimum(lengths, shingle_size)
    counts = lengths - widths + 1
    starts = np.cumsum(lengths) - lengths
    mul = np.uint64(_SHINGLE_MUL)
    windows = [ids]
    for w in range(1, int(widths.max())):
        windows.append(windows[-1][: len(ids) - w] * mul + ids[w:])
    owner = np.repeat(np.arange(len(texts)), counts)  # shingle -> its record
    first_shingle = np.cumsum(counts) - counts
    positions = np.repeat(starts, counts) + (np.arange(len(owner)) - np.repeat(first_shingle, counts))
    shingle_widths = np.repeat(widths, counts)
    shingles = np.empty(len(owner), dtype=np.uint64)
    for w in np.unique(widths).tolist():
        chosen = shingle_widths == w
        shingles[chosen] = windows[w - 1][positions[chosen]]
    shingles = _mix(shingles)

    a, b = _permutations(num_perm)
    mins = np.full((num_perm, len(texts)), _MASK64, dtype=np.uint64)
    for start in range(0, len(shingles), _BLOCK):
        block = shingles[start : start + _BLOCK]
        records = owner[start : start + _BLOCK]
        values = a[:, None] * block[None, :] + b[:, None]  # wraps modulo 2**64
        segments = np.flatnonzero(np.concatenate(([True], records[1:] != records[:-1])))
        present = records[segments]
        mins[:, present] = np.minimum(mins[:, present], np.minimum.reduceat(values, segments, axis=1))
    bits = ((mins >> np.uint64(16)) & np.uint64(0xFFFF)).astype("<u2")
    return np.ascontiguousarray(bits.T)


@functools.lru_cache(maxsize=32)
def lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """``(bands, rows)`` with ``bands * rows <= num_perm`` minimising the sum of the false-positive
    and false-negative areas of the LSH S-curve ``1 - (1 - s**rows)**bands`` around ``threshold`` (the
    usual choice, as in datasketch's ``MinHashLSH``)."""
    steps = 200

    def area(lo: float, hi: float, bands: int, rows: int, positive: bool) -> float:
        width = (hi - lo) / steps
        total = 0.0
        for i in range(steps):
            s = lo + (i + 0.5) * width
            p = 1.0 - (1.0 - s**rows) ** bands
            total += p if positive else 1.0 - p
        return total * width

    best = (float("inf"), 1, num_perm)
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            error = area(0.0, threshold, bands, rows, True) + area(threshold, 1.0, bands, rows, False)
            if error < best[0]:
                best = (error, bands, rows)
    return best[1], best[2]


class SimilarInputs(Rule):
    """Similar inputs, found with MinHash and LSH banding.

    Implementation (not shown by ``tunelint rule``): an own MinHash with LSH banding, vectorised with
    NumPy (already installed: pandas requires it), rather than the ``datasketch`` library, which would
    add SciPy as a new dependency and keep a MinHash object plus a Python entry in every band's hash
    table for every record. Here a record costs ``2 * num-perm + 24`` bytes in flat arrays (152 with
    the defaults) and at most ``max-records`` are indexed. Signatures use fixed-seed hash functions, so
    shards built in different processes merge correctly. Candidates are found per band in ``finish``
    by sorting the band hashes (no per-record dict), then checked on the full signature.

    What: (Opt-in: select ``D005`` or ``similar-inputs``.) An input is very similar to an earlier
    one: the Jaccard similarity of their sets of word shingles (``shingle-size`` consecutive words of
    the normalised input, default 3; in Chinese, Japanese, Thai and other scripts written without
    spaces, characters count as words), estimated with MinHash, exceeds ``threshold`` (default 0.8).
    Reported once per record, with the most similar earlier record as the related location. Inputs
    that are equal after normalisation are D001/D002/D003, never D005.

    Why: Many slight variations of one prompt (a changed number, a reworded clause) over-weight it
    just like exact duplicates do, and across a train/validation split they leak. They are invisible
    to exact comparison.

    Example: ``"Summarise the following article about the harbour strike in Leith"`` and ``"Summarise
    the following article about the harbour strike in Leith today"``.

    Fix: Drop or rewrite the variants so each prompt teaches something new, or raise ``threshold`` in
    ``[rules.D005]`` if the similarity is expected (a shared template with short variable parts).
    """

    code = "D005"
    name = "similar-inputs"
    summary = "Inputs are very similar (MinHash estimate of Jaccard similarity)"
    default_severity = Severity.INFO
    default_enabled = False
    options = SimilarInputsOptions

    def __init__(self, options: SimilarInputsOptions | None = None) -> None:
        super().__init__(options)
        opts: SimilarInputsOptions = self.opts
        problems = []
        if not 0.0 < opts.threshold <= 1.0:
            problems.append(f"threshold must be above 0 and at most 1, got {opts.threshold}")
        if opts.shingle_size < 1:
            problems.append(f"shingle-size must be at least 1, got {opts.shingle_size}")
        if not 1 <= opts.num_perm <= 1024:
            problems.append(f"num-perm must be between 1 and 1024, got {opts.num_perm}")
        if opts.max_records < 1 or opts.max_candidates < 1:
            problems.append("max-records and max-candidates must be at least 1")
        if problems:
            raise ValueError(f"[rules.{self.code}] " + "; ".join(problems))
        self._signatures = bytearray()  # num_perm 16-bit values per record, in _records order
        self._normalized = array("Q")  # 64-bit fingerprint of the normalised input
        self._lines = array("Q")
        self._records = array("Q")
        #: Normalised inputs of the last records, whose signatures are computed in one batch.
        self._pending: list[str] = []
        self._field: str | None = None
        self._skipped = 0

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        if len(self._records) >= self.opts.max_records:
            self._skipped += 1
            return ()
        normalized = normalized_input(example)
        if not normalized:
            return ()
        if not self._records:
            self._field = example.fields.get("input")
        self._pending.append(normalized)
        self._normalized.append(_fingerprint(normalized))
        self._lines.append(example.line)
        self._records.append(example.index)
        if len(self._pending) >= _BATCH:
            self._flush()
        return ()

    def _flush(self) -> None:
        if self._pending:
            self._signatures += _signatures(self._pending, self.opts.shingle_size, self.opts.num_perm).tobytes()
            self._pending.clear()

    def merge(self, other: Rule) -> None:
        """Append another shard's records (same options). Record numbers decide which record is
        earlier; beyond ``max-records`` the records with the highest numbers are dropped."""
        if not isinstance(other, SimilarInputs):
            raise TypeError(f"cannot merge {type(other).__name__} into SimilarInputs")
        if (other.opts.num_perm, other.opts.shingle_size) != (self.opts.num_perm, self.opts.shingle_size):
            raise ValueError("cannot merge D005 states built with different num-perm or shingle-size")
        self._flush()
        other._flush()
        if not self._records:
            self._field = other._field
        self._signatures += other._signatures
        self._normalized.extend(other._normalized)
        self._lines.extend(other._lines)
        self._records.extend(other._records)
        self._skipped += other._skipped
        excess = len(self._records) - self.opts.max_records
        if excess > 0:
            keep = sorted(range(len(self._records)), key=self._records.__getitem__)[: self.opts.max_records]
            self._take(keep)
            self._skipped += excess

    def _take(self, order: list[int]) -> None:
        width = 2 * self.opts.num_perm
        sigs = self._signatures
        self._signatures = bytearray(b"".join(bytes(sigs[i * width : (i + 1) * width]) for i in order))
        self._normalized = array("Q", (self._normalized[i] for i in order))
        self._lines = array("Q", (self._lines[i] for i in order))
        self._records = array("Q", (self._records[i] for i in order))

    def finish(self, ctx: Context) -> Iterator[Finding]:
        self._flush()
        if self._skipped:
            yield self.finding(
                ctx,
                f"similar inputs were looked for among the first {plural(len(self._records), 'record')} "
                f"only ({thousands(self._skipped)} more were not checked); raise max-records in "
                "[rules.D005] to check them all",
            )
        if len(self._records) < 2:
            return
        yield from self._similar(ctx)

    def _similar(self, ctx: Context) -> Iterator[Finding]:
        import numpy as np

        perm = self.opts.num_perm
        n = len(self._records)
        records = np.frombuffer(self._records, dtype=np.uint64)
        order = np.argsort(records, kind="stable")  # position -> ordinal, in record order
        sigs = np.frombuffer(self._signatures, dtype="<u2").reshape(n, perm)[order]  # a copy
        normalized = np.frombuffer(self._normalized, dtype=np.uint64)[order]

        # An input whose normalised form was seen before is D001/D002/D003 territory.
        by_text = np.lexsort((np.arange(n), normalized))
        repeat = np.zeros(n, dtype=bool)
        repeat[by_text[1:]] = normalized[by_text[1:]] == normalized[by_text[:-1]]

        best_matches = np.zeros(n, dtype=np.int64)
        best_source = np.full(n, -1, dtype=np.int64)
        bands, rows = lsh_bands(self.opts.threshold, perm)
        multipliers = _permutations(rows)[0]
        window = self.opts.max_candidates
        for band in range(bands):
            part = sigs[:, band * rows : (band + 1) * rows].astype(np.uint64)
            keys = (part * multipliers).sum(axis=1, dtype=np.uint64)
            by_key = np.argsort(keys, kind="stable")  # equal keys together, in record order
            sorted_keys = keys[by_key]
            starts = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
            ends = np.append(starts[1:], n)
            for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
                if end - start < 2:
                    continue
                members = by_key[start:end]
                for p in range(1, len(members)):
                    current = int(members[p])
                    if repeat[current]:
                        continue
                    earlier = members[max(0, p - window) : p]
                    matches = np.count_nonzero(sigs[earlier] == sigs[current], axis=1)
                    top = int(matches.max())
                    source = int(earlier[int(np.argmax(matches == top))])
                    if top > best_matches[current] or (
                        top == best_matches[current] and 0 <= source < best_source[current]
                    ):
                        best_matches[current], best_source[current] = top, source

        lines = np.frombuffer(self._lines, dtype=np.uint64)[order]
        record_numbers = records[order]
        threshold = self.opts.threshold
        for position in np.flatnonzero(best_source >= 0).tolist():
            similarity = int(best_matches[position]) / perm
            if repeat[position] or similarity <= threshold:
                continue
            source = int(best_source[position])
            first = _pack(int(lines[source]), int(record_numbers[source]))
            yield self.finding(
                ctx,
                f"input is about {similarity:.0%} similar to the input of {_where(first)} (estimated "
                f"Jaccard similarity of {self.opts.shingle_size}-word shingles, above {threshold:g}); "
                "near-copies over-weight one prompt. Drop or rewrite one of them",
                line=int(lines[position]),
                record=int(record_numbers[position]),
                field=self._field,
                related=(_location(ctx.path, first, self._field),),
            )


RULES = (DuplicateExample, ConflictingOutputs, NearDuplicateInput, SplitLeakage, SimilarInputs)
