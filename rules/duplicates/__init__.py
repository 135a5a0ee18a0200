"""D rules: duplicated examples, conflicting outputs, near-duplicate inputs, train/validation leakage
and (opt-in) similar inputs.

Keys are the canonical texts of an :class:`~validator.api.Example`, never the raw record: an ``id``
field, key order or extra columns must not hide a duplicate prompt. For chat shapes the input is the
whole context before the target turn. "Normalised" is :func:`validator.api.normalize_text` (NFKC,
case-folded, whitespace runs collapsed, trimmed).

State stays compact: D001-D004 keep no text and no per-record Python object, only columns appended
batch by batch (:mod:`array` arrays, 64-bit keys and 32-bit record and line numbers): 16 bytes a
record for D001 and D004, 24 for D002 and D003 (plus one byte a record for the field when a file's
records point at different fields, as chat shapes do). Keys are 64-bit xxh3 hashes of the texts
(:mod:`rules._batch`), computed once per batch and shared by the rules. Two different texts get the
same key with probability 2**-64, so among ``n`` distinct texts some pair collides with probability
about ``n**2 / 2**65``: 3e-8 for a million records, 3e-6 for ten million. A collision would make two
different examples look like duplicates; at these odds that is a far smaller risk than any other
source of a wrong finding, and it is what buys 16 bytes a record instead of a dict entry (~140).

Duplicates are found in ``finish`` by sorting the keys with NumPy (equal keys end up together, in
record order; a small file, where importing NumPy would cost more than it saves, walks its columns
with a dict instead), which is what makes the rules shardable: :meth:`merge` appends another shard's
columns, its record and line numbers moved into the whole file, and the *record number* (not the
order shards are merged in) decides which occurrence is the first one. One pass and any sharding with
merges give the same findings.
"""

from __future__ import annotations

# Each module of the package holds one rule family or one piece of shared machinery; the rules, their
# options and the public MinHash functions are re-exported here. Package-internal helpers are
# imported from their own modules (a test that patches a module attribute must patch the module
# that reads it).
from rules.duplicates.exact import ConflictingOutputs, DuplicateExample, NearDuplicateInput
from rules.duplicates.leakage import SplitLeakage
from rules.duplicates.minhash import lsh_bands, minhash_signature
from rules.duplicates.similar import SimilarInputs, SimilarInputsOptions

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


RULES = (DuplicateExample, ConflictingOutputs, NearDuplicateInput, SplitLeakage, SimilarInputs)
