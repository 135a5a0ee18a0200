"""D005 (opt-in): inputs very similar to an earlier input, found with MinHash and LSH banding."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rules._batch import normalized_input_keys, normalized_inputs
from rules._text import plural, thousands
from rules.duplicates._columns import _shifted
from rules.duplicates._common import _location, _scale, _where
from rules.duplicates.minhash import _permutations, _signatures, lsh_bands
from validator.api import NO_SHIFT, Batch, Context, Example, Finding, Rule, Severity, Shift


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


#: Records whose signatures are computed together.
_BATCH = 256


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

    @property
    def state_bytes(self) -> int:
        """Bytes of state held (signatures and columns), for memory tests and benchmarks."""
        columns = (self._normalized, self._lines, self._records)
        return len(self._signatures) + sum(len(c) * c.itemsize for c in columns)

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        return self.check_batch(Batch.of([example]), ctx)

    def check_batch(self, batch: Batch, ctx: Context) -> Iterable[Finding]:
        normalized = normalized_inputs(batch, _scale(ctx, len(self._records)))
        chosen = [i for i, text in enumerate(normalized) if text]  # an input without words has no shingle
        room = max(0, self.opts.max_records - len(self._records))
        if len(chosen) > room:
            # Only inputs that would have been indexed count as skipped, so that shards (each with its
            # own room) add up to the same count as one pass.
            self._skipped += len(chosen) - room
            chosen = chosen[:room]
        if not chosen:
            return ()
        if not self._records:
            self._field = batch.fields[chosen[0]].get("input")
        keys = normalized_input_keys(batch, _scale(ctx, len(self._records)))
        self._pending.extend(normalized[i] for i in chosen)
        self._normalized.extend(keys[i] for i in chosen)
        self._lines.extend(batch.lines[i] for i in chosen)
        self._records.extend(batch.records[i] for i in chosen)
        if len(self._pending) >= _BATCH:
            self._flush()
        return ()

    def _flush(self) -> None:
        if self._pending:
            self._signatures += _signatures(self._pending, self.opts.shingle_size, self.opts.num_perm).tobytes()
            self._pending.clear()

    def merge(self, other: Rule, shift: Shift = NO_SHIFT) -> None:
        """Append another shard's records (same options), moved by ``shift``. Record numbers decide
        which record is earlier; beyond ``max-records`` the records with the highest numbers are
        dropped."""
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
        self._lines.extend(_shifted(other._lines, shift.lines))
        self._records.extend(_shifted(other._records, shift.records, keep_zero=True))
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
            first = (int(lines[source]), int(record_numbers[source]))
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
