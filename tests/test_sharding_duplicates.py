"""Sharded linting of the D rules gives exactly the findings of one pass, their state stays a few
bytes a record, and the shortcuts the per-batch columns take (plain-ASCII normalisation, 64-bit
keys) agree with the definitions they replace.

Every comparison is on whole findings (messages, fields, related locations, fingerprints), through
:func:`validator.testing.assert_shardable`, which pickles each shard's rule instances the way a
worker process sends them.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules import _batch
from rules.duplicates import (
    ConflictingOutputs,
    DuplicateExample,
    NearDuplicateInput,
    SimilarInputs,
    SplitLeakage,
)
from rules.duplicates._columns import _FieldColumn, _Occurrences, _repeated
from rules.duplicates.exact import _FirstOccurrence
from tests.numpy_paths import both_paths, numpy_paths
from validator.api import NO_SHIFT, Batch, Context, Example, FileFacts, Finding, Profile, Rule, Shift, normalize_text
from validator.config import settings_from_mapping
from validator.engine import run_sharded
from validator.plugins import RuleRegistry
from validator.sources import memory_records
from validator.testing import assert_shardable, run_rules

EXACT = (DuplicateExample, ConflictingOutputs, NearDuplicateInput)
ROOT = Path(__file__).resolve().parents[1]


# -- helpers ------------------------------------------------------------------------------------------


def gem(i: str, o: str) -> dict[str, Any]:
    return {"text_input": i, "output": o}


def chat(question: str, answer: str, turns: int = 1, system: bool = False) -> dict[str, Any]:
    """An OpenAI chat record; with more turns the target turn (the output's field) moves."""
    messages = [{"role": "system", "content": "Be brief."}] if system else []
    for turn in range(turns):
        messages += [
            {"role": "user", "content": question if turn == 0 else f"And then ({turn})?"},
            {"role": "assistant", "content": answer},
        ]
    return {"messages": messages}


def filler(n: int, start: int = 0) -> list[dict[str, Any]]:
    """``n`` records no D rule has anything to say about."""
    return [
        gem(f"Filler prompt {i}: describe exhibit {i * 7919 % 10007} in one line.", f"Exhibit {i}.")
        for i in range(start, start + n)
    ]


def codes(findings: list[Finding]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.code] = counts.get(f.code, 0) + 1
    return counts


def spanning_rows() -> list[dict[str, Any]]:
    """First occurrences in the first shard, repeats and variants in the last one (whatever the
    shard count up to 7), and more repeats in between."""
    head = [
        gem("Capital of Australia?", "Canberra."),  # 1
        gem("What is 2+2?", "4"),  # 2
        gem("hello world", "Hi."),  # 3
        gem("Name the largest planet.", "Jupiter."),  # 4
    ]
    middle = [
        gem("Capital of Australia?", "Sydney."),  # D002
        gem("What is 2+2?", "4"),  # D001
        gem("HELLO  World", "Hi."),  # D003
    ]
    tail = [
        gem("Capital of Australia?", "Canberra."),  # D001 of record 1
        gem("Capital of Australia?", "Sydney."),  # D001 of the middle record, not D002 again
        gem("Capital of Australia?", "Melbourne."),  # D002
        gem("What is 2+2?", "Four."),  # D002
        gem(" hello\tWORLD ", "Hi."),  # D003: a third spelling
        gem("HELLO  World", "Hello."),  # D002 of the middle spelling, not D003 again
        gem("Ｎame the largest planet.", "Jupiter."),  # D003 through NFKC
        gem("What is 2+2?", "4"),  # D001 again
    ]
    return [*head, *filler(20), *middle, *filler(20, start=20), *tail]


# -- assert_shardable ---------------------------------------------------------------------------------


@both_paths
@pytest.mark.parametrize("rule_type", [DuplicateExample, ConflictingOutputs, NearDuplicateInput])
def test_duplicates_spanning_shards_give_the_findings_of_one_pass(
    rule_type: type[_FirstOccurrence], use_numpy: bool
) -> None:
    with numpy_paths(use_numpy):
        found = assert_shardable(rule_type, spanning_rows())
    # Records 1-4 open the file, 25-27 sit in the middle and 48-55 close it.
    by_rule: dict[type[Rule], list[tuple[int, int]]] = {
        DuplicateExample: [(26, 2), (48, 1), (49, 25), (55, 2)],
        ConflictingOutputs: [(25, 1), (50, 1), (51, 2), (53, 27)],
        NearDuplicateInput: [(27, 3), (52, 3), (54, 4)],
    }
    expected = by_rule[rule_type]
    assert sorted((f.record, f.related[0].record) for f in found) == expected
    assert codes(found) == {rule_type.code: len(expected)}


def test_d002_classification_task_is_shardable() -> None:
    rows = spanning_rows()
    found = assert_shardable(ConflictingOutputs, rows, task="classification")
    assert found and {f.severity.value for f in found} == {"error"}
    # Inferred classification (five short labels over many records) is decided after the merge too.
    labelled = [
        gem(f"Review {i}: it was {'fine' if i % 2 else 'awful'}.", "pos" if i % 2 else "neg") for i in range(60)
    ]
    labelled.append(gem("Review 3: it was fine.", "neg"))
    inferred = assert_shardable(ConflictingOutputs, labelled)
    assert [(f.record, f.severity.value, f.related[0].record) for f in inferred] == [(61, "error", 4)]


@both_paths
def test_all_exact_rules_together_with_gaps_and_chat_records_are_shardable(use_numpy: bool) -> None:
    """Records that map to no example leave gaps in the record numbers; chat records point their
    output at a moving turn, so the field of a finding differs from record to record."""
    rows: list[Any] = []
    questions = ["Where is it?", "WHERE is it?", "Who is it?", "who  is it?"]
    for i in range(60):
        # The context repeats every 16 records, the answer every 3: conflicts, and exact repeats
        # after 48 records.
        rows.append(chat(questions[i % 4], f"Answer {i % 3}.", turns=1 + (i // 4) % 2, system=(i // 8) % 2 == 0))
        if i % 9 == 4:
            rows.append(["not", "an", "object"])
    with numpy_paths(use_numpy):
        found = assert_shardable(EXACT, rows)
    d002_fields = {f.field for f in found if f.code == "D002"}
    assert len(d002_fields) > 1, d002_fields
    assert {"D001", "D002", "D003"} <= set(codes(found))


def test_d005_selected_is_shardable() -> None:
    base = (
        "Summarise the following article about the harbour strike in Leith and the response of the "
        "city council to the demands of the dockworkers union over pay"
    )
    rows = [gem(base, "A strike."), *filler(25), gem(base + " this week", "Strike."), gem(base.upper(), "S.")]
    rows += [*filler(10, start=25), gem(base + " and the next month", "More.")]
    found = assert_shardable(SimilarInputs, rows, config={"select": ["D005"]})
    assert [(f.record, f.related[0].record) for f in found] == [(27, 1), (39, 1)]
    # Beyond max-records the records that were not checked (39 with words, less 20) are counted
    # alike in shards; inputs without words are never checked, so never counted.
    limited = assert_shardable(
        SimilarInputs,
        [*rows, gem("", "empty"), gem("   ", "blank")],
        config={"select": ["D005"], "rules": {"D005": {"max-records": 20}}},
    )
    assert [(f.line, f.message.split("(")[1].split(" more")[0]) for f in limited] == [(None, "19")]


_POOL_IN = ["Alpha?", "alpha?", "ALPHA? ", "al  pha?", "Ａlpha?", "Beta?", "beta?", "Gamma?", "Δelta?", "δelta?", ""]
_POOL_OUT = ["a", "b", "A", ""]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    picks=st.lists(
        st.tuples(st.integers(0, len(_POOL_IN) - 1), st.integers(0, len(_POOL_OUT) - 1)), min_size=1, max_size=40
    ),
    shards=st.integers(2, 5),
    task=st.sampled_from(["general", "classification"]),
    use_numpy=st.booleans(),
)
def test_any_small_dataset_in_any_shards_equals_one_pass(
    picks: list[tuple[int, int]], shards: int, task: str, use_numpy: bool
) -> None:
    rows = [gem(_POOL_IN[a], _POOL_OUT[b]) for a, b in picks]
    with numpy_paths(use_numpy):
        assert_shardable(EXACT, rows, shards=(shards,), task=task)


@pytest.mark.parametrize("seed", range(6))
def test_numpy_and_python_judge_columns_alike(seed: int) -> None:
    """The two implementations of ``finish`` agree on random columns with many repeats, in record
    order or shuffled (as after merging shards in another order)."""
    rng = random.Random(seed)
    n = [1, 2, 50, 3000][seed % 4]
    for variants in (False, True):
        seen = _Occurrences(variants=variants)
        records = list(range(1, n + 1))
        if seed % 2:
            rng.shuffle(records)
        seen.keys.extend(rng.randrange(n // 3 + 1) for _ in range(n))
        if seen.variants is not None:
            seen.variants.extend(rng.randrange(4) for _ in range(n))
        seen.records.extend(records)
        seen.lines.extend(r * 2 for r in records)
        with numpy_paths(True):
            firsts = seen.first_occurrences()
            by_numpy = (list(seen.repeats()), firsts.keys, firsts.records, firsts.lines)
        with numpy_paths(False):
            firsts = seen.first_occurrences()
            by_python = (list(seen.repeats()), firsts.keys, firsts.records, firsts.lines)
        assert by_numpy == by_python
        assert n < 50 or by_numpy[0]


# -- D004 across a sharded training file and a sharded validation file -------------------------------


def _run_file(rows: list[Any], path: str, shards: int, shared: dict[Any, Any], **facts: Any) -> list[Finding]:
    registry = RuleRegistry([SplitLeakage])
    config = settings_from_mapping({}, "test")
    file_facts = FileFacts(path=path, format="memory", **facts)
    return run_sharded(list(memory_records(rows)), file_facts, config, registry, shards, shared).findings


@both_paths
@pytest.mark.parametrize("shards", [2, 3, 7])
def test_d004_with_sharded_train_and_validation_files_equals_one_pass(shards: int, use_numpy: bool) -> None:
    with numpy_paths(use_numpy):
        _check_d004_sharded(shards)


def _check_d004_sharded(shards: int) -> None:
    train = [*filler(12), gem("What is the capital of France?", "Paris."), *filler(5, start=12)]
    train += [gem("what is the capital of  FRANCE?", "Paris!"), gem("Name the largest planet.", "Jupiter.")]
    valid = [
        gem("Name the largest planet.", "Jupiter is."),
        *filler(3, start=40),
        gem("WHAT is the capital of France?", "P."),
    ]
    one: dict[Any, Any] = {}
    many: dict[Any, Any] = {}
    assert not _run_file(train, "train.jsonl", 1, one, role="train")
    assert not _run_file(train, "train.jsonl", shards, many, role="train")
    assert many[("D004", "train.jsonl")] == one[("D004", "train.jsonl")]
    assert len(one[("D004", "train.jsonl")]) == len(train) - 1  # two spellings, one normalised input
    whole = _run_file(valid, "valid.jsonl", 1, one, role="validation", pair="train.jsonl")
    parts = _run_file(valid, "valid.jsonl", shards, one, role="validation", pair="train.jsonl")
    assert parts == whole
    assert [(f.record, f.related[0].path, f.related[0].record) for f in whole] == [
        (1, "train.jsonl", 20),
        (5, "train.jsonl", 13),
    ]


# -- the normalisation shortcut -----------------------------------------------------------------------

#: Texts near the edge of the shortcut: printable ASCII with spaces, controls, DEL, non-ASCII letters
#: that case-fold or NFKC-normalise, and lone surrogates (allowed in JSON and by the stdlib reader).
_EDGY = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(" aZ~!\t\n\r\x00\x7f\x85\xa0ß\u1e9eİﬁＡ\u2028\u3000é\u0301Σς\ud800")),
        st.characters(min_codepoint=32, max_codepoint=126),
    ),
    max_size=12,
)
#: Mostly plain texts, where a space at either end or a doubled one is all that can disqualify them.
_SPACEY = st.text(alphabet=" aB.~", max_size=6)
_ANY = st.one_of(
    _SPACEY, _EDGY, st.text(max_size=12), st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=12)
)
#: Edge cases every run tries.
_KNOWN = ["", " ", "a ", " a", "a  b", "a b", "A\tb", "é", "ﬁ", "İ", "ß", "a\x7f", "\ud800", "~ ~"]


@settings(max_examples=400, deadline=None)
@given(text=st.one_of(st.sampled_from(_KNOWN), _ANY))
def test_plain_ascii_text_normalises_to_its_lower_case(text: str) -> None:
    if _batch.plain_ascii(text):
        assert normalize_text(text) == text.lower()
        if text.lower() == text:
            assert _batch.text_key(normalize_text(text)) == _batch.text_key(text)


def _batch_of(inputs: list[str], outputs: list[str] | None = None) -> Batch:
    batch = Batch()
    fields = {"input": "/text_input", "output": "/output"}
    for i, text in enumerate(inputs):
        output = outputs[i] if outputs is not None else "x"
        batch.add_texts(i + 1, i + 1, text, output, "gemini", fields, None, 0, 0)
    return batch


@settings(max_examples=200, deadline=None)
@given(texts=st.one_of(st.just(_KNOWN), st.lists(_ANY, max_size=8)))
def test_batch_columns_agree_with_the_definitions(texts: list[str]) -> None:
    encoded = [t.encode("utf-8", "surrogatepass") for t in texts]
    assert _batch.plain_mask(encoded).tolist() == [_batch.plain_ascii(t) for t in texts]
    normalized = [normalize_text(t) for t in texts]
    for scale in (0, _batch.NUMPY_MIN):  # plain Python for a small file, NumPy for a large one
        batch = _batch_of(texts, list(reversed(texts)))
        assert _batch.normalized_inputs(batch, scale) == normalized
        assert list(_batch.normalized_input_keys(batch, scale)) == [_batch.text_key(t) for t in normalized]
        assert list(_batch.input_keys(batch)) == [_batch.text_key(t) for t in texts]
        assert list(_batch.output_keys(batch)) == [_batch.text_key(t) for t in reversed(texts)]


_PLAIN = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30).filter(_batch.plain_ascii)


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(_PLAIN, max_size=12), odd=st.sampled_from(["", "Ünïcode", "two  spaces", " lead", "tab\t"]))
def test_normalized_keys_of_all_plain_batches_and_mixed_ones(texts: list[str], odd: str) -> None:
    """A batch of plain inputs only is lower-cased in one piece (empty inputs too); a batch with one
    other input is keyed text by text. Both give the keys of the normalised texts."""
    for batch_texts in (texts, [*texts, odd]):
        for scale in (0, _batch.NUMPY_MIN):
            keys = _batch.normalized_input_keys(_batch_of(batch_texts), scale)
            assert list(keys) == [_batch.text_key(normalize_text(t)) for t in batch_texts]


def test_pair_keys_tell_pairs_sharing_a_text_apart() -> None:
    texts = [f"text {i}" for i in range(300)]
    same_input = _batch.pair_keys(_batch_of(["q"] * len(texts), texts))
    same_output = _batch.pair_keys(_batch_of(texts, ["a"] * len(texts)))
    assert len(set(same_input)) == len(set(same_output)) == len(texts)
    # The split between input and output matters: ("ab", "c") is not ("a", "bc").
    assert len(set(_batch.pair_keys(_batch_of(["ab", "a"], ["c", "bc"])))) == 2


def test_columns_are_memoised_per_batch_and_follow_a_grown_batch() -> None:
    batch = _batch_of(["One", "Two"])
    keys = _batch.input_keys(batch)
    assert _batch.input_keys(batch) is keys
    batch.add_texts(3, 3, "Three", "x", "gemini", {}, None, 0, 0)
    assert len(_batch.input_keys(batch)) == 3
    assert _batch.input_keys(_batch_of(["One", "Two"])) is not keys


# -- compact state ------------------------------------------------------------------------------------


def _ctx(role: str | None = "train") -> Context:
    return Context(
        profile=Profile(name="generic"), task="general", file=FileFacts(path="t.jsonl", format="jsonl", role=role)
    )


def state_bytes(rule: Rule) -> int:
    """The bytes of a D rule's columns."""
    assert isinstance(rule, (_FirstOccurrence, SplitLeakage, SimilarInputs))
    return rule.state_bytes


def _feed(rule: Rule, rows: list[tuple[str, str, dict[str, str]]], ctx: Context) -> None:
    list(rule.start(ctx))
    for start in range(0, len(rows), 1024):
        batch = Batch()
        for i, (text, output, fields) in enumerate(rows[start : start + 1024], start=start + 1):
            batch.add_texts(i, 2 * i, text, output, "gemini", fields, None, 0, 0)
        list(rule.check_batch(batch, ctx))


@pytest.mark.parametrize(
    ("rule_type", "bound"),
    [(DuplicateExample, 16), (ConflictingOutputs, 24), (NearDuplicateInput, 24), (SplitLeakage, 16)],
)
def test_state_bytes_per_record_stay_under_the_bound(rule_type: type[Rule], bound: int) -> None:
    n = 5_000
    fields = {"input": "/text_input", "output": "/output"}
    long_tail = " and so on" * 40  # the length of the texts must not matter
    rows = [(f"Question {i}: what is {i} squared?{long_tail}", f"{i * i}", fields) for i in range(n)]
    rule = rule_type()
    _feed(rule, rows, _ctx())
    assert state_bytes(rule) / n <= bound
    # Records whose fields move (chat shapes) cost one byte more each at most, where fields are kept.
    moving = [
        (text, output, {"input": "/messages", "output": f"/messages/{i % 5}/content"})
        for i, (text, output, _) in enumerate(rows)
    ]
    rule = rule_type()
    _feed(rule, moving, _ctx())
    assert state_bytes(rule) / n <= bound + 1


def test_state_of_merged_shards_is_the_sum_of_the_shards() -> None:
    fields = {"input": "/text_input", "output": "/output"}
    rows = [(f"Prompt {i}", "out", fields) for i in range(3000)]
    first, second = ConflictingOutputs(), ConflictingOutputs()
    _feed(first, rows[:1000], _ctx())
    _feed(second, rows[1000:], _ctx())
    size = first.state_bytes + second.state_bytes
    first.merge(second, Shift(lines=2000, records=1000))
    assert first.state_bytes == size == 24 * 3000


def test_field_column_widens_and_remaps_on_merge() -> None:
    mine, theirs = _FieldColumn("output"), _FieldColumn("output")
    mine.add([{"output": "/a"}] * 3)
    assert mine.column is None and mine.get(2) == "/a"  # one field: no per-record ids
    theirs.add([{"output": f"/messages/{i}/content"} for i in range(300)])
    assert theirs.column is not None and theirs.column.typecode == "H"
    mine.extend(theirs)
    assert len(mine) == 303
    assert [mine.get(i) for i in (0, 2, 3, 302)] == ["/a", "/a", "/messages/0/content", "/messages/299/content"]


def test_check_of_one_example_matches_check_batch() -> None:
    """Direct callers may still feed examples one by one through ``check``."""
    examples = [
        Example(
            index=i + 1,
            line=i + 1,
            input_text=t,
            output_text=o,
            schema="gemini",
            fields={"input": "/i", "output": "/o"},
        )
        for i, (t, o) in enumerate([("Q", "a"), ("q", "b"), ("Q", "a"), ("Q", "c"), (" q ", "a")])
    ]
    for rule_type in EXACT:
        one, batched = rule_type(), rule_type()
        ctx = _ctx(None)
        for example in examples:
            list(one.check(example, ctx))
        list(batched.check_batch(Batch.of(examples), ctx))
        assert list(one.finish(ctx)) == list(batched.finish(ctx)), rule_type.code
        assert list(one.finish(ctx)), rule_type.code


def test_merge_keeps_the_default_shift() -> None:
    """``merge(other)`` without a shift takes other's positions as whole-file positions."""
    ctx = _ctx(None)
    first, second = DuplicateExample(), DuplicateExample()
    list(first.check(Example(index=1, line=1, input_text="q", output_text="a", schema="gemini"), ctx))
    list(second.check(Example(index=9, line=12, input_text="q", output_text="a", schema="gemini"), ctx))
    first.merge(second, NO_SHIFT)
    (finding,) = first.finish(ctx)
    assert (finding.line, finding.record, finding.related[0].record) == (12, 9, 1)
    assert run_rules([DuplicateExample], [gem("q", "a"), gem("q", "a")])


def test_a_small_file_does_not_import_numpy(tmp_path: Path) -> None:
    """Importing NumPy costs more than it saves on a small file (see :mod:`rules._batch`)."""
    path = tmp_path / "small.jsonl"
    rows = [*spanning_rows(), chat("Where?", "Here."), chat("WHERE?", "There.")]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    _lint_without_numpy(path, "select=['D001', 'D002', 'D003', 'D004']", "assert report.findings, 'no findings'")


def _lint_without_numpy(path: Path, options: str, check: str) -> None:
    """Lint ``path`` in a fresh interpreter (library, ``options``), run ``check`` on the report
    and assert NumPy was never imported."""
    script = (
        "import sys, validator\n"
        f"report = validator.lint({str(path)!r}, isolated=True, {options})\n"
        f"{check}\n"
        "assert 'numpy' not in sys.modules, 'numpy was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stderr


def test_a_small_file_does_not_import_numpy_for_the_template_rules(tmp_path: Path) -> None:
    """T001-T003 judge a small file in plain Python too (their findings need ``finish`` to find a
    dominant template and the records that lack it)."""
    path = tmp_path / "small.jsonl"
    rows = [gem(f"Answer briefly.\nquestion: q{i}? context: c{i}\n###", f"a{i} END") for i in range(30)]
    rows[7] = gem("context: c question: q?", "a")
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    codes = "{f.code for f in report.findings}"
    _lint_without_numpy(path, "", f"assert {codes} >= {{'T001', 'T002', 'T003'}}, {codes}")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from([0, 1, 2, 2**63, 2**64 - 1, 2**64 - 2, 0x00000FFFFFFFFFFF]),
            st.integers(min_value=0, max_value=2**64 - 1),
        ),
        max_size=300,
    )
)
def test_repeated_keys_are_exactly_the_keys_seen_twice(values: list[int]) -> None:
    """The sort-and-filter search for repeated keys finds every position whose key occurs more than
    once and no other, including keys above the largest repeated one and keys sharing its top bits."""
    import numpy as np

    keys = np.array(values, dtype=np.uint64)
    ranks, found = _repeated(keys)
    counts = Counter(values)
    assert ranks.tolist() == [i for i, v in enumerate(values) if counts[v] > 1]
    assert found.tolist() == [v for v in values if counts[v] > 1]


@pytest.mark.parametrize("use", [True, False])
def test_numpy_paths_reaches_every_module_that_reads_numpy_pays(use: bool) -> None:
    """Each module binds ``numpy_pays`` at import, so :func:`numpy_paths` must patch every one of them:
    a module it missed would silently test only one implementation."""
    import importlib
    import pkgutil

    import rules

    modules = [importlib.import_module(info.name) for info in pkgutil.walk_packages(rules.__path__, "rules.")]
    readers = [module for module in modules if hasattr(module, "numpy_pays")]
    assert {"rules._batch", "rules.duplicates._columns", "rules.duplicates.leakage"} <= {m.__name__ for m in readers}
    with numpy_paths(use):
        # unpatched, a billion values always pay (and so do 0 once NumPy is imported), so at least the
        # run with ``use=False`` finds a module left out
        missed = [m.__name__ for m in readers if (m.numpy_pays(0), m.numpy_pays(10**9)) != (use, use)]
    assert not missed
