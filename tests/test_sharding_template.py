"""Sharded linting of the template (T) and label (B, T005) rules: a file linted in shards whose rule
states are merged (each shard numbered from 1, its instances pickled as a worker would send them)
reports exactly what one pass does. The datasets put a rule's evidence in one shard and the records it
flags in another, fill a shard's per-key references with texts that part from the dominant anchor, and
drop the dominant key in a late shard; a property test mixes templates, variants and free text."""

from __future__ import annotations

import random
from array import array
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rules.template as template
from rules.labels import InconsistentLabel, LabelImbalance, RareLabel
from rules.template import (
    InconsistentFieldMarkers,
    InconsistentPreamble,
    InconsistentSuffix,
    InvalidJsonOutput,
    StrayWhitespace,
    _ids,
    anchors,
    markers,
    where,
)
from tests.numpy_paths import both_paths, numpy_paths
from tests.varied_text import varied_input, varied_output
from validator.api import Finding, Shift
from validator.testing import assert_shardable, run_rules_sharded

T_RULES = (InconsistentFieldMarkers, InconsistentPreamble, InconsistentSuffix, StrayWhitespace, InvalidJsonOutput)
Rows = list[dict[str, str]]


def at(findings: list[Finding], code: str) -> list[tuple[int | None, str | None]]:
    """``(line, field)`` of the findings of ``code``, in line order (file-level findings first)."""
    return sorted(((f.line, f.field) for f in findings if f.code == code), key=lambda p: (p[0] or 0, p[1] or ""))


def rows_of(inputs: list[str], outputs: list[str]) -> Rows:
    return [{"text_input": i, "output": o} for i, o in zip(inputs, outputs, strict=True)]


def last_shard_start(total: int, shards: int) -> int:
    """The 0-based index where ``run_rules_sharded`` starts its last shard."""
    size = -(-total // shards)
    return size * (shards - 1)


# -- T001 ---------------------------------------------------------------------------------------------


def test_t001_template_in_the_first_shards_deviants_in_the_last() -> None:
    rng = random.Random("t001")
    inputs = [f"question: {varied_input(rng).splitlines()[0]} context: {varied_output(rng)}" for _ in range(54)]
    inputs += ["context: a shuffled record. question: why?", "Question: capital letters, no context"] * 3
    findings = assert_shardable(InconsistentFieldMarkers, rows_of(inputs, ["x"] * 60))
    assert at(findings, "T001") == [(n, "/text_input") for n in range(55, 61)]


def test_t001_merge_renumbers_signatures() -> None:
    """Each shard numbers the marker sequences it meets from 0; merged, they must be one pass's."""
    first, second = InconsistentFieldMarkers(), InconsistentFieldMarkers()
    ctx: Any = None
    from validator.api import Batch, Example

    def batch(texts: list[str]) -> Batch:
        return Batch.of(
            Example(index=i, line=i, input_text=t, output_text="x", schema="gemini", fields={"input": "/q"})
            for i, t in enumerate(texts, start=1)
        )

    list(first.check_batch(batch(["question: a", "Note: b"]), ctx))
    list(second.check_batch(batch(["Note: c", "other: d", "question: e"]), ctx))
    first.merge(second, Shift(lines=2, records=2))
    assert first._signatures == [("question:",), ("Note:",), ("other:",)]
    assert first._counts == [2, 2, 1]
    assert list(first._sig) == [0, 1, 1, 2, 0]
    assert [first._where.record(i).line for i in range(5)] == [1, 2, 3, 4, 5]
    assert [first._where.field(i, "input") for i in range(5)] == ["/q"] * 5


# -- T002 ---------------------------------------------------------------------------------------------

PREAMBLE = "Classify the sentiment of this review as positive or negative.\n\n"
#: Preambles that share the dominant one's key (its first 20 characters) and part from it later.
_WORDS = ["tweet", "text", "post", "comment", "remark", "reply", "note", "rant", "rave", "rating", "report"]
_WORDS += ["riddle", "rhyme", "record", "reel", "recap", "reveal", "rebuttal", "refrain", "retort"]
VARIANTS = [PREAMBLE.replace("review", word) for word in _WORDS]


def test_t002_variants_sharing_the_key_fill_the_last_shards_references() -> None:
    """The last shard meets twenty distinct variants (same key) before any record with the real
    preamble: many of its references part from the preamble where its later texts do."""
    rng = random.Random("t002")
    inputs = [PREAMBLE + varied_input(rng) for _ in range(300)]
    cut = last_shard_start(320, 2)
    inputs[cut:cut] = [variant + varied_input(rng) for variant in VARIANTS]
    findings = assert_shardable(InconsistentPreamble, rows_of(inputs, ["x"] * 320), shards=(2, 3))
    assert at(findings, "T002") == [(n, "/text_input") for n in range(cut + 1, cut + 21)]


def test_t002_dominant_key_dropped_early_in_a_late_shard() -> None:
    """A late shard starts with one preamble record, then a hundred openings of their own: that shard
    drops the preamble's key while it is young, which one pass never does."""
    rng = random.Random("evict")
    inputs = [PREAMBLE + varied_input(rng) for _ in range(800)]
    cut = last_shard_start(900, 3)
    inputs[cut + 1 : cut + 1] = [f"{i:04d} {varied_input(rng)}" for i in range(100)]
    findings = assert_shardable(InconsistentPreamble, rows_of(inputs, ["x"] * 900), shards=(3,))
    assert at(findings, "T002") == [(n, "/text_input") for n in range(cut + 2, cut + 102)]


def test_t002_anchors_merge_keeps_one_pass_candidates() -> None:
    """Candidates are the first distinct texts of a key over the whole file, whichever shard holds
    them; the per-text entries of the next shard point at its own (renumbered) references."""
    a, b = anchors._Anchors(keylen=2, window=64), anchors._Anchors(keylen=2, window=64)
    a.add_many(["ab1", "ab2", None])
    b.add_many(["ab2", "ab3", "ab4", "ab5", "cd"])
    a.merge(b)
    entry = a._keys["ab"]
    assert [a._refs[rid] for rid in entry.primary] == ["ab1", "ab2", "ab3", "ab4"]
    assert a.counted == 7 and len(a) == 8
    assert [a._refs[rid] for rid in a.ref if rid] == ["ab1", "ab2", "ab2", "ab3", "ab4", "ab5", "cd"]
    assert list(a._keys) == ["ab", "cd"]


# -- T003 ---------------------------------------------------------------------------------------------


def test_t003_stop_sequence_with_variants_at_a_shard_start() -> None:
    """Outputs end with " END"; the last shard starts with outputs ending in other words with the same
    last letter (the same key), then more " END" outputs."""
    rng = random.Random("t003")
    words = ["BAD", "GOOD", "AND", "OLD", "BOLD", "COLD", "HAND", "LAND", "BAND", "SEND", "BEND", "LEND"]
    words += ["MEND", "TEND", "WIND", "KIND", "MIND", "FIND"]
    outputs = [varied_output(rng) + " END" for _ in range(200)]
    cut = last_shard_start(218, 2)
    outputs[cut:cut] = [f"{varied_output(rng)} {word}" for word in words]
    inputs = [varied_input(rng) for _ in outputs]
    findings = assert_shardable(InconsistentSuffix, rows_of(inputs, outputs), shards=(2, 3))
    assert at(findings, "T003") == [(n, "/output") for n in range(cut + 1, cut + 19)]


def test_t003_separator_evidence_in_every_shard_deviants_in_two() -> None:
    rng = random.Random("sep")
    inputs = [varied_input(rng) + "\n\n###\n\n" for _ in range(90)]
    for n in (3, 88, 89):
        inputs[n] = varied_input(rng)
    findings = assert_shardable(InconsistentSuffix, rows_of(inputs, ["x"] * 90), shards=(2, 3, 7, 11))
    assert at(findings, "T003") == [(4, "/text_input"), (89, "/text_input"), (90, "/text_input")]


# -- T004 ---------------------------------------------------------------------------------------------


def test_t004_stray_whitespace_in_the_last_shard() -> None:
    rng = random.Random("t004")
    inputs = [varied_input(rng) for _ in range(100)]
    outputs = [varied_output(rng) for _ in range(100)]
    inputs[97] = " " + inputs[97]
    outputs[98] += " "
    outputs[99] = "\n" + outputs[99] + "\n"
    findings = assert_shardable(StrayWhitespace, rows_of(inputs, outputs))
    assert at(findings, "T004") == [(98, "/text_input"), (99, "/output"), (100, "/output")]


def test_t004_leading_space_convention_across_shards() -> None:
    """The legacy leading-space convention holds in the first shards; the last lacks it."""
    rng = random.Random("lead")
    outputs = [" " + varied_output(rng) for _ in range(95)] + [varied_output(rng) for _ in range(5)]
    findings = assert_shardable(StrayWhitespace, rows_of([varied_input(rng) for _ in outputs], outputs))
    assert at(findings, "T004") == [(n, "/output") for n in range(96, 101)]


# -- T005, B001, B002 -----------------------------------------------------------------------------------


def test_t005_variants_and_their_summary_span_shards() -> None:
    """More records use a variant than are reported one by one: the first twenty (over all shards)
    are, the rest get one summary finding."""
    outputs = ["positive", "negative"] * 60 + ["Positive"] * 25 + ["negative."] * 2
    random.Random("t005").shuffle(outputs)
    rows = rows_of([f"review {i}" for i in range(len(outputs))], outputs)
    findings = assert_shardable(InconsistentLabel, rows, task="classification")
    positive = [i + 1 for i, o in enumerate(outputs) if o == "Positive"]
    dot = [i + 1 for i, o in enumerate(outputs) if o == "negative."]
    assert at(findings, "T005") == [(None, "/output")] + [(n, "/output") for n in sorted(positive[:20] + dot)]


def test_b001_rare_label_first_seen_in_the_last_shard() -> None:
    outputs = ["Building", "Utility", "Other"] * 30 + ["Legal", "Building", "Legal"]
    rows = rows_of([f"transaction {i}" for i in range(len(outputs))], outputs)
    findings = assert_shardable(RareLabel, rows, task="classification")
    assert [(f.code, f.line, f.record) for f in findings] == [("B001", 91, 91)]


def test_b001_rare_label_seen_in_two_shards_points_at_the_first() -> None:
    outputs = ["yes", "no"] * 40
    outputs[5] = "maybe"
    outputs[77] = "maybe "
    findings = assert_shardable(RareLabel, rows_of([f"q{i}" for i in range(80)], outputs), task="classification")
    assert [(f.code, f.line) for f in findings] == [("B001", 6)]


def test_b002_imbalance() -> None:
    outputs = ["spam"] * 100 + ["ham"] * 8
    findings = assert_shardable(
        LabelImbalance, rows_of([f"mail {i}" for i in range(108)], outputs), task="classification"
    )
    assert [f.code for f in findings] == ["B002"]


# -- T006 ---------------------------------------------------------------------------------------------


def test_t006_broken_outputs_in_several_shards() -> None:
    outputs = [f'{{"label": "l{i}", "score": {i}}}' for i in range(60)]
    outputs[2] = "{'label': 'single quotes'}"
    outputs[31] = '{"label": "x",}'
    outputs[58] = "```json\n{}\n```"
    outputs[59] = "plain text"
    findings = assert_shardable(InvalidJsonOutput, rows_of([f"q{i}" for i in range(60)], outputs))
    assert at(findings, "T006") == [(3, "/output"), (32, "/output"), (59, "/output"), (60, "/output")]


def test_t006_error_reasons_keep_their_positions_past_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the first broken outputs keep their parse error (bounded state): merged, the cap counts
    from the start of the file, not of each shard."""
    monkeypatch.setattr(template.json_output, "_MAX_ERRORS", 3)  # the module that reads it
    outputs = ['{"a": 1}'] * 100
    for n in (10, 40, 45, 60, 90):
        outputs[n] = '{"a": 1,}'
    findings = assert_shardable(InvalidJsonOutput, rows_of([f"q{i}" for i in range(100)], outputs))
    parsed = [f.line for f in findings if "does not parse" in f.message]
    assert parsed == [11, 41, 46]
    assert at(findings, "T006") == [(n + 1, "/output") for n in (10, 40, 45, 60, 90)]


# -- positions ----------------------------------------------------------------------------------------


def test_where_merge_shifts_and_joins_runs() -> None:
    from validator.api import Batch, Example

    def batch(first: int, count: int, line_gap: int = 0, field: str = "/q") -> Batch:
        return Batch.of(
            Example(
                index=i,
                line=i + line_gap * (i - first),
                input_text="t",
                output_text="o",
                schema="s",
                fields={"input": field},
            )
            for i in range(first, first + count)
        )

    mine, theirs = where._Where(), where._Where()
    mine.add(batch(1, 5))
    theirs.add(batch(1, 3))  # continues mine's run once shifted
    theirs.add(batch(4, 2, line_gap=2, field="/other"))  # another field, lines two apart
    mine.merge(theirs, Shift(lines=5, records=5))
    assert len(mine) == 10
    assert [(mine.record(i).index, mine.line(i)) for i in range(10)] == [(n, n) for n in range(1, 10)] + [(10, 12)]
    assert mine.field(7, "input") == "/q" and mine.field(8, "input") == "/other"
    assert len(mine._at) == 3  # one run for records 1-8, then two irregular ones


# -- property --------------------------------------------------------------------------------------------

WORDS = ["alpha", "beta", "gamma", "delta", "Note:", "END", "###", "{", "}", "[1]", "a.", "b?", "\n", " "]
TEMPLATES = [
    ("question: ", " context: "),
    ("### Instruction:\nAnswer briefly.\n\n### Input:\n", ""),
    ("Classify the sentiment of this review.\n\n", ""),
    ("Classify the sentiment of this tweet.\n\n", ""),
    ("", ""),
]
SUFFIXES = ["", "\n\n###\n\n", " END", "\nAnswer:", " BEND", "\n"]


@st.composite
def records(draw: st.DrawFn) -> Rows:
    """Mostly one template and suffix, with deviants (another template, none, stray whitespace,
    broken JSON), free text, duplicates and blanks, in any order."""
    head, middle = draw(st.sampled_from(TEMPLATES))
    suffix = draw(st.sampled_from(SUFFIXES))
    json_outputs = draw(st.booleans())
    count = draw(st.integers(min_value=5, max_value=60))
    rows: Rows = []
    for _ in range(count):
        kind = draw(st.sampled_from(["conform"] * 6 + ["other", "bare", "space", "free", "blank", "copy"]))
        body = " ".join(draw(st.lists(st.sampled_from(WORDS), max_size=6)))
        if kind == "copy" and rows:
            rows.append(dict(draw(st.sampled_from(rows))))
            continue
        other_head, other_middle = draw(st.sampled_from(TEMPLATES))
        if kind == "other":
            text, end = other_head + body + other_middle + body, draw(st.sampled_from(SUFFIXES))
        elif kind in ("bare", "free"):
            text, end = body, ""
        else:
            text, end = head + body + middle + body, suffix
        if kind == "space":
            text = draw(st.sampled_from([" ", "\n", "\t"])) + text + draw(st.sampled_from(["", " ", "\n"]))
        if kind == "blank":
            text = draw(st.sampled_from(["", "  ", "\n"]))
        output = body + end
        if json_outputs:
            broken = draw(st.sampled_from(["{'x': 1}", "[1,", output]))
            output = f'{{"x": {len(body)}}}' if kind == "conform" else broken
        rows.append({"text_input": text + end, "output": output})
    return rows


#: Small minimums so that short generated files reach the thresholds and produce findings.
SMALL = {"rules": {rule.code: {"min-examples": 5} for rule in T_RULES}}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(records(), st.integers(min_value=2, max_value=5))
def test_t_rules_any_sharding_matches_one_pass(rows: Rows, shards: int) -> None:
    assert_shardable(T_RULES, rows, shards=(shards,), config=SMALL)


def _codes_lines(findings: list[Finding]) -> list[tuple[str, int | None, str | None, str]]:
    return sorted((f.code, f.line, f.field, f.message) for f in findings)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(records(), st.integers(min_value=1, max_value=4))
def test_t_rules_numpy_and_plain_python_paths_agree(rows: Rows, shards: int) -> None:
    """``merge`` and ``finish`` use NumPy on large columns and plain Python on small ones: both
    give the same findings, in one pass and in shards."""
    results = []
    for use in (True, False):
        with numpy_paths(use):
            results.append(_codes_lines(run_rules_sharded(T_RULES, rows, shards, config=SMALL)))
    assert results[0] == results[1]


@both_paths
def test_renumbered_maps_ids_and_keeps_the_untracked_marker(use_numpy: bool) -> None:
    ids = array("I", [2, 0, markers._UNTRACKED, 1, 2])
    with numpy_paths(use_numpy):
        out = _ids._renumbered(ids, [7, 5, 9], markers._UNTRACKED)
    assert out.typecode == "I"
    assert list(out) == [9, 7, markers._UNTRACKED, 5, 9]


@both_paths
def test_offset_moves_every_reference_but_none(use_numpy: bool) -> None:
    with numpy_paths(use_numpy):
        assert list(_ids._offset(array("I", [0, 1, 5, 0, 3]), 10)) == [0, 11, 15, 0, 13]
        assert list(_ids._offset(array("I"), 10)) == []
        with pytest.raises(OverflowError):
            _ids._offset(array("I", [0xFFFFFFF0]), 0x20)


@both_paths
def test_positions_of_finds_every_wanted_id(use_numpy: bool) -> None:
    ids = array("I", [3, 1, 4, 1, 5, 9, 2, 6])
    with numpy_paths(use_numpy):
        assert _ids._positions_of(ids, [1, 9]) == [1, 3, 5]
        assert _ids._positions_of(ids, []) == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(["yes", "no", "Yes", "yes.", "maybe", " no", "NO", "n/a"]), min_size=4, max_size=60),
    st.integers(min_value=2, max_value=5),
)
def test_label_rules_any_sharding_matches_one_pass(outputs: list[str], shards: int) -> None:
    rows = rows_of([f"q{i}" for i in range(len(outputs))], outputs)
    assert_shardable([InconsistentLabel, RareLabel, LabelImbalance], rows, shards=(shards,), task="classification")


def test_sharded_findings_are_not_vacuous() -> None:
    """The generated files do produce findings (the property above compares something)."""
    rng = random.Random("vacuous")
    rows = [{"text_input": f"question: {varied_input(rng)} context: x END", "output": "y END"} for _ in range(30)]
    rows[25] = {"text_input": "context: x question: y", "output": "y"}
    findings = run_rules_sharded(T_RULES, rows, 3, config=SMALL)
    assert {f.code for f in findings} >= {"T001", "T003"}


def test_anchor_lengths_across_shards_are_exact_or_marked_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a shard's references full, a text measured against them only is exact against a candidate
    of another shard when one of its shard's references goes on like the candidate further than its
    own does; otherwise what it shares is a lower bound (the text is unknown, never flagged)."""
    monkeypatch.setattr(anchors._Anchors, "_REFS_PER_KEY", 3)
    first, second = anchors._Anchors(keylen=1, window=64), anchors._Anchors(keylen=1, window=64)
    first.add_many(["aXYZ1"])
    second.add_many(["aXQ", "aXYZ5", "aP", "aXW", "aXYZ9"])  # references full after three texts
    first.merge(second)
    entry = first._keys["a"]
    candidate = entry.primary[0]
    assert first._refs[candidate] == "aXYZ1"
    group = anchors._Group(first, entry, Counter(zip(first.ref, first.shared, strict=True)))
    parted, follows = (group.measure(candidate, first.ref[i], first.shared[i]) for i in (4, 5))
    assert parted == (2, True)  # "aXW": parts from "aXQ" at 2, and "aXYZ5" goes on like the candidate
    # "aXYZ9" parts from "aXYZ5" where that parts from the candidate, and no reference of its shard goes
    # further: it shares at least 4 with the candidate, maybe more
    assert follows == (4, False)
    # Without "aXYZ5" in the shard, "aXW" parts from every reference where they part from the candidate.
    third = anchors._Anchors(keylen=1, window=64)
    third.add_many(["aXYZ1"])
    fourth = anchors._Anchors(keylen=1, window=64)
    fourth.add_many(["aXQ", "aXR", "aP", "aXW"])
    third.merge(fourth)
    entry = third._keys["a"]
    group = anchors._Group(third, entry, Counter(zip(third.ref, third.shared, strict=True)))
    assert group.measure(entry.primary[0], third.ref[4], third.shared[4]) == (2, False)
