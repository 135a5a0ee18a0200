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

# Each module of the package holds one rule or one piece of shared machinery; the rules and their
# options are re-exported here. Package-internal helpers are imported from their own modules (a
# test that patches a module constant must patch the module that reads it).
from rules.labels import InconsistentLabel
from rules.template.json_output import InvalidJsonOutput as InvalidJsonOutput
from rules.template.json_output import JsonOutputOptions as JsonOutputOptions
from rules.template.markers import InconsistentFieldMarkers as InconsistentFieldMarkers
from rules.template.markers import MarkerOptions as MarkerOptions
from rules.template.markers import markers_of as markers_of
from rules.template.preamble import InconsistentPreamble as InconsistentPreamble
from rules.template.preamble import PreambleOptions as PreambleOptions
from rules.template.suffix import InconsistentSuffix as InconsistentSuffix
from rules.template.suffix import SuffixOptions as SuffixOptions
from rules.template.whitespace import StrayWhitespace as StrayWhitespace
from rules.template.whitespace import WhitespaceOptions as WhitespaceOptions
from validator.api import Rule

__all__ = ["RULES"]


RULES: tuple[type[Rule], ...] = (
    InconsistentFieldMarkers,
    InconsistentPreamble,
    InconsistentSuffix,
    StrayWhitespace,
    InconsistentLabel,
    InvalidJsonOutput,
)
