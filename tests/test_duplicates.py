"""Focused tests of the D rules: duplicates (D001), conflicting outputs (D002), near-duplicate
inputs (D003), split leakage (D004) and the opt-in similar inputs (D005), their merge() for sharded
linting, the compactness of their state, and the acceptance cases on real public datasets.

Assertions are on codes, lines, records, severities, fields and related locations, never on message
wording.
"""

from __future__ import annotations

import csv
import json
import random
import tracemalloc
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import validator
from rules.duplicates import (
    ConflictingOutputs,
    DuplicateExample,
    NearDuplicateInput,
    SimilarInputs,
    SplitLeakage,
    lsh_bands,
    minhash_signature,
)
from tests.conftest import SAMPLES, run_json
from validator.api import Context, Example, FileFacts, Finding, Profile, Rule, normalize_text
from validator.config import Settings
from validator.engine import lint_file
from validator.plugins import load_rules

D_CODES = ("D001", "D002", "D003", "D004", "D005")


# -- helpers ------------------------------------------------------------------------------------------


def gem(i: str, o: str, **extra: Any) -> dict[str, Any]:
    return {"text_input": i, "output": o, **extra}


def write_jsonl(path: Path, rows: Iterable[Any]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def lint(source: object, **options: Any) -> list[Finding]:
    return validator.lint(source, isolated=True, **options).findings


def of(findings: Sequence[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def lines(findings: Sequence[Finding], code: str) -> list[int | None]:
    return [f.line for f in findings if f.code == code]


def related(finding: Finding) -> tuple[str, int | None, int | None]:
    assert len(finding.related) == 1
    loc = finding.related[0]
    return loc.path, loc.line, loc.record


def distinct(n: int, start: int = 0) -> list[dict[str, Any]]:
    """``n`` records no D rule has anything to say about (D005 included)."""
    words = ["amber", "basalt", "cedar", "delta", "ember", "fjord", "granite", "harbor", "iris", "juniper"]
    rows = []
    for i in range(start, start + n):
        a, b, c = words[i % 10], words[(i // 10) % 10], words[(i // 100) % 10]
        rows.append(gem(f"Describe item {i}: the {a} {b} near {c} number {i * 7919 % 10007}.", f"Item {i}."))
    return rows


def make_ctx(path: str = "data.jsonl", task: str = "general", **facts: Any) -> Context:
    return Context(profile=Profile(name="generic"), task=task, file=FileFacts(path=path, format="jsonl", **facts))


def example(record: int, input_text: str, output_text: str) -> Example:
    return Example(
        index=record,
        line=2 * record + 1,  # lines differ from record numbers, as in a pretty-printed file
        input_text=input_text,
        output_text=output_text,
        schema="gemini",
        fields={"input": "/text_input", "output": "/output"},
    )


def run(rule: Rule, ctx: Context, examples: Iterable[Example]) -> list[Finding]:
    found = list(rule.start(ctx))
    for ex in examples:
        found.extend(rule.check(ex, ctx))
    return found


# -- D001 ---------------------------------------------------------------------------------------------


def test_d001_reports_every_repeat_with_the_first_occurrence_as_related(tmp_path: Path) -> None:
    rows = distinct(5)
    rows[3] = dict(rows[1])
    rows.append(dict(rows[1]))  # three copies: lines 2, 4, 6
    path = write_jsonl(tmp_path / "d.jsonl", rows)
    found = of(lint(str(path)), "D001")
    assert [(f.line, f.record, f.severity.value, f.fixable) for f in found] == [
        (4, 4, "warning", True),
        (6, 6, "warning", True),
    ]
    assert [related(f) for f in found] == [(str(path), 2, 2), (str(path), 2, 2)]


def test_d001_is_not_hidden_by_an_id_field_or_key_order(tmp_path: Path) -> None:
    rows = [
        {"id": "a1", "question": "Name the largest planet.", "answer": "Jupiter."},
        {"id": "a2", "question": "How many legs has a spider?", "answer": "Eight."},
        {"answer": "Jupiter.", "id": "a3", "question": "Name the largest planet."},
    ]
    path = write_jsonl(tmp_path / "ids.jsonl", rows)
    found = lint(str(path), input_field="question", output_field="answer")
    assert [(f.line, related(f)[1]) for f in of(found, "D001")] == [(3, 1)]


def test_d001_alpaca_records_compare_canonical_texts(tmp_path: Path) -> None:
    rows = [
        {"instruction": "Sum the numbers.", "input": "2 and 3", "output": "5"},
        {"instruction": "Name a colour.", "input": "", "output": "Blue."},
        {"output": "5", "input": "2 and 3", "instruction": "Sum the numbers."},  # other key order
        {"instruction": "Sum the numbers.", "input": "2 and 4", "output": "6"},  # another input
        {"instruction": "Name a colour.", "output": "Blue."},  # no input key: same canonical input
    ]
    path = tmp_path / "alpaca.json"
    path.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    found = of(lint(str(path)), "D001")
    assert [(f.record, related(f)[2]) for f in found] == [(3, 1), (5, 2)]


def test_d001_in_csv_points_at_the_line_where_the_repeated_row_starts(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text('text_input,output\nA?,a\n"multi\nline?","x\ny"\nB?,b\n"multi\nline?","x\ny"\n', encoding="utf-8")
    found = of(lint(str(path)), "D001")
    assert [(f.line, f.record, related(f)[1:]) for f in found] == [(7, 4, (3, 2))]


def test_d001_same_input_other_output_or_same_output_other_input_is_no_duplicate(tmp_path: Path) -> None:
    rows = [gem("What is 2+2?", "4"), gem("What is 2+2?", "Four."), gem("What is 1+3?", "4")]
    assert not of(lint(str(write_jsonl(tmp_path / "d.jsonl", rows))), "D001")


# -- D002 ---------------------------------------------------------------------------------------------


def test_d002_is_a_warning_with_related_first_occurrence_and_one_code_per_record(tmp_path: Path) -> None:
    rows = [
        gem("Capital of Australia?", "Sydney."),  # 1
        gem("Largest ocean?", "The Pacific."),  # 2
        gem("Capital of Australia?", "Canberra."),  # 3: D002
        gem("Capital of Australia?", "Canberra."),  # 4: exact repeat of 3: D001 only
        gem("Capital of Australia?", "Sydney."),  # 5: exact repeat of 1: D001 only
        gem("Capital of Australia?", "Melbourne."),  # 6: D002
    ]
    path = write_jsonl(tmp_path / "d.jsonl", rows)
    found = lint(str(path))
    d002 = of(found, "D002")
    assert [(f.line, f.severity.value, f.field) for f in d002] == [(3, "warning", "/output"), (6, "warning", "/output")]
    assert [related(f) for f in d002] == [(str(path), 1, 1), (str(path), 1, 1)]
    assert [(f.line, related(f)[1]) for f in of(found, "D001")] == [(4, 3), (5, 1)]
    per_line = [f.line for f in found if f.code in ("D001", "D002")]
    assert len(per_line) == len(set(per_line))


def test_d002_is_an_error_for_a_given_classification_task(tmp_path: Path) -> None:
    rows = [gem("The parcel came late.", "negative"), gem("Lovely staff.", "positive")]
    rows.append(gem("The parcel came late.", "positive"))
    path = write_jsonl(tmp_path / "d.jsonl", rows)
    assert [(f.line, f.severity.value) for f in of(lint(str(path), task="general"), "D002")] == [(3, "warning")]
    assert [(f.line, f.severity.value) for f in of(lint(str(path), task="classification"), "D002")] == [(3, "error")]
    assert [(f.line, f.severity.value) for f in of(lint(str(path), task="summarization"), "D002")] == [(3, "warning")]


def test_d002_is_an_error_for_an_inferred_classification_task(tmp_path: Path) -> None:
    rows = [
        gem(f"Review number {i}: the product was {'fine' if i % 2 else 'awful'}.", "pos" if i % 2 else "neg")
        for i in range(99)
    ]
    rows.append(gem("Review number 4: the product was awful.", "pos"))  # record 5 said "neg"
    path = write_jsonl(tmp_path / "reviews.jsonl", rows)
    report = validator.lint(str(path), isolated=True)
    assert (report.files[0].task, report.files[0].task_inferred) == ("classification", True)
    d002 = of(report.findings, "D002")
    assert [(f.line, f.severity.value, related(f)[1]) for f in d002] == [(100, "error", 5)]


def test_d002_severity_override_from_config_still_applies(tmp_path: Path) -> None:
    rows = [gem("Q?", "a"), gem("Q?", "b")]
    path = write_jsonl(tmp_path / "d.jsonl", rows)
    found = of(lint(str(path), task="classification", config={"severity": {"D002": "info"}}), "D002")
    assert [(f.line, f.severity.value) for f in found] == [(2, "info")]


# -- D003 ---------------------------------------------------------------------------------------------


def test_d003_on_case_whitespace_and_nfkc_variants_not_on_exact_repeats(tmp_path: Path) -> None:
    rows = [
        gem("hello world", "Hi."),  # 1
        gem("Ｈello  World", "Hi."),  # 2: full-width H, two spaces: D003
        gem("hello world", "Hi."),  # 3: exact repeat of 1: D001, not D003
        gem("Ｈello  World", "Hello."),  # 4: exact input of 2 with another output: D002, not D003
        gem(" HELLO\tWORLD \n", "Hi."),  # 5: another spelling: D003
        gem("Hello, world", "Hi."),  # 6: punctuation is not normalised away
        gem("ﬁne tuning", "ok"),  # 7: ligature
        gem("fine tuning", "ok"),  # 8: NFKC equal to 7: D003
    ]
    path = write_jsonl(tmp_path / "d.jsonl", rows)
    found = lint(str(path))
    d003 = of(found, "D003")
    assert [(f.line, f.severity.value, f.field) for f in d003] == [
        (2, "info", "/text_input"),
        (5, "info", "/text_input"),
        (8, "info", "/text_input"),
    ]
    assert [related(f)[1] for f in d003] == [1, 1, 7]
    assert lines(found, "D001") == [3]
    assert lines(found, "D002") == [4]


# -- D004 ---------------------------------------------------------------------------------------------

TRAIN = [
    gem("What is the capital of France?", "Paris."),
    gem("Name the largest planet.", "Jupiter."),
    gem("What is the capital of France?", "Paris, on the Seine."),  # a later occurrence in train
    gem("Spell 'necessary' backwards.", "yrassecen"),
]
VALID = [
    gem("Who wrote Hamlet?", "Shakespeare."),
    gem("what is the capital of  FRANCE?", "Paris."),  # leaks (normalised) train record 1
    gem("Translate 'thank you' into Spanish.", "Gracias."),
    gem("Name the largest planet.", "Jupiter is the largest."),  # leaks train record 2
]


def _pair(tmp_path: Path, train_name: str = "train.jsonl", valid_name: str = "valid.jsonl") -> tuple[Path, Path]:
    return write_jsonl(tmp_path / train_name, TRAIN), write_jsonl(tmp_path / valid_name, VALID)


def _leaks(findings: Sequence[Finding]) -> list[tuple[str, int | None, str | None, tuple[str, int | None, int | None]]]:
    return [(f.path, f.line, f.field, related(f)) for f in of(findings, "D004")]


def test_d004_through_the_engine_with_shared_state(tmp_path: Path) -> None:
    train, valid = _pair(tmp_path)
    settings_, registry = Settings(), load_rules()
    shared: dict[Any, Any] = {}
    train_result = lint_file(str(train), settings_, registry, shared=shared, role="train")
    assert not of(train_result.findings, "D004")
    assert ("D004", str(train)) in shared
    valid_result = lint_file(str(valid), settings_, registry, shared=shared, role="validation", pair=str(train))
    assert _leaks(valid_result.findings) == [
        (str(valid), 2, "/text_input", (str(train), 1, 1)),
        (str(valid), 4, "/text_input", (str(train), 2, 2)),
    ]
    assert {f.severity.value for f in of(valid_result.findings, "D004")} == {"error"}
    # Without the pair (or without the training file's state) there is nothing to compare with.
    alone = lint_file(str(valid), settings_, registry, shared={}, role="validation", pair=str(train))
    assert not of(alone.findings, "D004")
    assert not of(lint_file(str(valid), settings_, registry, shared=shared).findings, "D004")


def test_d004_through_the_library_and_the_cli(tmp_path: Path) -> None:
    train, valid = _pair(tmp_path, "a.jsonl", "b.jsonl")  # names without split words: no auto pairing
    expected = [
        (str(valid), 2, "/text_input", (str(train), 1, 1)),
        (str(valid), 4, "/text_input", (str(train), 2, 2)),
    ]
    assert _leaks(lint(str(train), validation=str(valid))) == expected
    _, envelope = run_json(str(train), "--validation", str(valid))
    leaks = [f for f in envelope["findings"] if f["code"] == "D004"]
    assert [(f["path"], f["line"], f["severity"]) for f in leaks] == [
        (str(valid), 2, "error"),
        (str(valid), 4, "error"),
    ]
    assert [(r["path"], r["line"], r["record"]) for f in leaks for r in f["related"]] == [
        (str(train), 1, 1),
        (str(train), 2, 2),
    ]
    # Linted together without a pairing, the two files are unrelated.
    assert not of(lint([str(train), str(valid)]), "D004")


def test_d004_with_automatic_pairing_and_datasets_config(tmp_path: Path) -> None:
    train, valid = _pair(tmp_path)
    leaks = _leaks(lint(str(tmp_path)))  # train.jsonl and valid.jsonl pair by name
    assert [(path, line, where[0]) for path, line, _, where in leaks] == [
        (str(valid), 2, str(train)),
        (str(valid), 4, str(train)),
    ]
    other = tmp_path / "other"
    other.mkdir()
    a, b = write_jsonl(other / "first.jsonl", TRAIN), write_jsonl(other / "second.jsonl", VALID)
    config = {"datasets": [{"train": str(a), "validation": str(b)}]}
    assert _leaks(lint([str(b), str(a)], config=config)) == [
        (str(b), 2, "/text_input", (str(a), 1, 1)),
        (str(b), 4, "/text_input", (str(a), 2, 2)),
    ]


# -- D005 ---------------------------------------------------------------------------------------------

BASE = (
    "Summarise the following article about the harbour strike in Leith and the response of the city "
    "council to the demands of the dockworkers union over pay and the new shift rota"
)


def _similar_rows() -> list[dict[str, Any]]:
    rows = distinct(6)
    rows.insert(1, gem(BASE, "A strike in Leith."))  # line 2
    rows.append(gem(BASE + " this week", "The Leith strike."))  # line 8: Jaccard 29/30 with line 2
    rows.append(gem(BASE.upper(), "Strike."))  # line 9: normalised duplicate of line 2: D003, not D005
    return rows


def test_d005_is_off_by_default_and_on_when_selected(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", _similar_rows())
    assert not of(lint(str(path)), "D005")
    assert not of(lint(str(path), select=["ALL"]), "D005")  # ALL does not switch on opt-in rules
    assert not of(lint(str(path), select=["D"]), "D005")  # nor does the prefix
    for options in ({"select": ["D005"]}, {"extend_select": ["similar-inputs"]}, {"select": ["ALL", "D005"]}):
        found = lint(str(path), **options)
        d005 = of(found, "D005")
        assert [(f.line, f.record, f.severity.value, f.field) for f in d005] == [(8, 8, "info", "/text_input")]
        assert related(d005[0]) == (str(path), 2, 2)
    assert lines(lint(str(path)), "D003") == [9]


def _jaccard_pair(changed: int, words: int = 40) -> tuple[str, str]:
    rng = random.Random(changed)
    vocabulary = [f"token{i}" for i in range(2000)]
    a = [rng.choice(vocabulary) for _ in range(words)]
    b = list(a)
    for position in range(0, words, max(1, words // changed))[:changed]:
        b[position] = f"other{position}"
    return " ".join(a), " ".join(b)


def _shingle_jaccard(a: str, b: str, k: int = 3) -> float:
    def shingles(text: str) -> set[tuple[str, ...]]:
        w = text.split()
        return {tuple(w[i : i + k]) for i in range(len(w) - k + 1)}

    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb)


@pytest.mark.parametrize("changed", [1, 3])
def test_d005_threshold_on_both_sides(tmp_path: Path, changed: int) -> None:
    a, b = _jaccard_pair(changed)
    true_j = _shingle_jaccard(a, b)
    path = write_jsonl(tmp_path / "j.jsonl", [*distinct(3), gem(a, "x"), gem(b, "y")])
    below, above = max(0.05, true_j - 0.25), min(0.99, true_j + 0.12)

    def d005(threshold: float) -> list[int | None]:
        config = {"rules": {"D005": {"threshold": threshold}}}
        return lines(lint(str(path), extend_select=["D005"], config=config), "D005")

    assert d005(below) == [5]
    assert d005(above) == []


def test_d005_estimate_tracks_jaccard() -> None:
    """The share of equal signature positions estimates the shingle Jaccard similarity."""
    errors = []
    for changed in (1, 2, 4, 6, 8, 12):
        a, b = _jaccard_pair(changed, words=60)
        sa, sb = minhash_signature(a), minhash_signature(b)
        assert sa is not None and sb is not None and len(sa) == len(sb) == 128
        pairs = zip(sa[0::2], sa[1::2], sb[0::2], sb[1::2], strict=True)
        estimate = sum((x1, x2) == (y1, y2) for x1, x2, y1, y2 in pairs) / 64
        errors.append(estimate - _shingle_jaccard(a, b))
    assert max(abs(e) for e in errors) < 0.2
    assert abs(sum(errors) / len(errors)) < 0.08
    assert minhash_signature("") is None and minhash_signature("  \n ") is None
    assert minhash_signature("Hello  World") == minhash_signature("hello world")  # normalised first
    # Unspaced scripts are shingled by character: one added character keeps most shingles.
    zh_a, zh_b = minhash_signature("请描述泰姬陵的建筑风格和历史"), minhash_signature("描述泰姬陵的建筑风格和历史")
    assert zh_a is not None and zh_b is not None
    assert sum(x == y for x, y in zip(zh_a[0::2], zh_b[0::2], strict=True)) > 40


def test_lsh_bands_fit_the_signature() -> None:
    for threshold in (0.3, 0.5, 0.8, 0.95):
        for perm in (16, 64, 128):
            bands, rows = lsh_bands(threshold, perm)
            assert bands >= 1 and rows >= 1 and bands * rows <= perm
    # A higher threshold means longer bands (fewer, stricter candidates).
    assert lsh_bands(0.9, 64)[1] >= lsh_bands(0.5, 64)[1]


def test_d005_bad_options_are_refused(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", _similar_rows())
    with pytest.raises(Exception, match="threshold"):
        lint(str(path), extend_select=["D005"], config={"rules": {"D005": {"threshold": 1.5}}})


def test_d005_max_records_bounds_the_state(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", _similar_rows())
    found = of(lint(str(path), extend_select=["D005"], config={"rules": {"D005": {"max-records": 4}}}), "D005")
    # The similar record (line 8) is beyond the first 4 records: one finding says so, without a line.
    assert [(f.line, f.severity.value) for f in found] == [(None, "info")]


# -- merge: shards give the same findings as one pass --------------------------------------------------

_POOL_IN = ["Alpha?", "alpha?", "ALPHA? ", "Beta?", "beta?", "Gamma?", "Delta?"]
_POOL_OUT = ["a", "b", "c"]


def _one_pass_and_sharded(
    rule_type: Callable[[], Rule], examples: list[Example], cuts: list[int], order: list[int], task: str = "general"
) -> tuple[list[Finding], list[Finding]]:
    ctx = make_ctx(task=task)
    single = rule_type()
    in_check = run(single, ctx, examples)
    one_pass = in_check + list(single.finish(ctx))
    bounds = [0, *cuts, len(examples)]
    shards = [rule_type() for _ in range(len(bounds) - 1)]
    sharded: list[Finding] = []
    for shard, lo, hi in zip(shards, bounds, bounds[1:], strict=False):
        sharded += run(shard, ctx, examples[lo:hi])
    target = shards[order[0]]
    for i in order[1:]:
        target.merge(shards[i])
    sharded += list(target.finish(ctx))
    return one_pass, sharded


@settings(max_examples=60, deadline=None)
@given(
    picks=st.lists(st.tuples(st.integers(0, len(_POOL_IN) - 1), st.integers(0, len(_POOL_OUT) - 1)), max_size=30),
    data=st.data(),
)
def test_merge_of_shards_equals_one_pass(picks: list[tuple[int, int]], data: st.DataObject) -> None:
    examples = [example(i + 1, _POOL_IN[a], _POOL_OUT[b]) for i, (a, b) in enumerate(picks)]
    n = len(examples)
    cuts = sorted(data.draw(st.lists(st.integers(0, n), max_size=3)))
    order = data.draw(st.permutations(range(len(cuts) + 1)))
    for rule_type in (DuplicateExample, ConflictingOutputs, NearDuplicateInput):
        one_pass, sharded = _one_pass_and_sharded(rule_type, examples, cuts, list(order), task="classification")
        assert sharded == one_pass, rule_type.code


def test_merge_of_two_halves_equals_one_pass_on_a_fixed_case() -> None:
    texts = [("Q1", "a"), ("Q2", "b"), ("q1", "a"), ("Q1", "b"), ("Q1", "a"), ("Q2", "b"), ("Q1", "c"), ("Q2 ", "b")]
    examples = [example(i + 1, t, o) for i, (t, o) in enumerate(texts)]
    for rule_type in (DuplicateExample, ConflictingOutputs, NearDuplicateInput):
        for order in ([0, 1], [1, 0]):
            one_pass, sharded = _one_pass_and_sharded(rule_type, examples, [4], order)
            assert sharded == one_pass
            assert one_pass, rule_type.code
    one_pass, _ = _one_pass_and_sharded(DuplicateExample, examples, [4], [0, 1])
    assert [(f.record, f.related[0].record) for f in one_pass] == [(5, 1), (6, 2)]


def test_merge_of_d004_training_shards_equals_one_pass() -> None:
    examples = [example(i + 1, t, "x") for i, t in enumerate(["A", "b", "a ", "C", "B", "d"])]
    whole_ctx = make_ctx("train.jsonl", role="train")
    whole = SplitLeakage()
    run(whole, whole_ctx, examples)
    list(whole.finish(whole_ctx))
    shard_ctx = make_ctx("train.jsonl", role="train")
    first, second = SplitLeakage(), SplitLeakage()
    run(second, shard_ctx, examples[3:])
    run(first, shard_ctx, examples[:3])
    second.merge(first)
    list(second.finish(shard_ctx))
    assert shard_ctx.shared[("D004", "train.jsonl")] == whole_ctx.shared[("D004", "train.jsonl")]
    assert len(whole_ctx.shared[("D004", "train.jsonl")]) == 4


def test_merge_of_d005_shards_equals_one_pass() -> None:
    rows = [*_similar_rows(), gem(BASE + " and next month", "More."), gem(BASE.lower(), "Lower.")]
    examples = [example(i + 1, r["text_input"], r["output"]) for i, r in enumerate(rows)]
    one_pass, sharded = _one_pass_and_sharded(SimilarInputs, examples, [3, 7], [2, 0, 1])
    assert sharded == one_pass
    assert [(f.record, f.related[0].record) for f in one_pass] == [(8, 2), (10, 2)]


# -- compact state ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rule_type", [DuplicateExample, ConflictingOutputs, NearDuplicateInput, SplitLeakage, SimilarInputs]
)
def test_state_is_compact(rule_type: Callable[[], Rule]) -> None:
    """Distinct records cost a bounded number of bytes each, whatever the length of their texts."""
    n = 2_000 if rule_type is SimilarInputs else 5_000
    long_tail = " and so on" * 40  # 400 characters more per input: must not be kept
    ctx = make_ctx("train.jsonl", role="train")
    # Warm up with a throwaway instance: first use imports NumPy modules lazily, which is no state.
    warm = rule_type()
    list(warm.start(ctx))
    for i in range(300):
        list(warm.check(example(i + 1, f"Warm-up {i}{long_tail}", "x"), ctx))
    list(warm.finish(ctx))
    del warm
    ctx.shared.clear()
    tracemalloc.start()
    rule = rule_type()
    list(rule.start(ctx))
    before = tracemalloc.get_traced_memory()[0]
    for i in range(n):
        for _ in rule.check(example(i + 1, f"Question {i}: what is {i} squared?{long_tail}", f"{i * i}"), ctx):
            pass
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    # D001-D004 keep 16-25 bytes of columns a record (plus spare capacity); D005 a signature too.
    bound = 250 if rule_type is SimilarInputs else 40
    assert held / n < bound, f"{held / n:.0f} bytes per record"


# -- acceptance on real datasets ---------------------------------------------------------------------


def _expected_d(pairs: Sequence[tuple[str, str]]) -> dict[str, dict[int, int]]:
    """D001/D002/D003 as ``{record: first record}``, computed here with plain dicts of texts."""
    first_pair: dict[tuple[str, str], int] = {}
    first_input: dict[str, int] = {}
    first_norm: dict[str, int] = {}
    out: dict[str, dict[int, int]] = {"D001": {}, "D002": {}, "D003": {}}
    for record, (i, o) in enumerate(pairs, start=1):
        norm = normalize_text(i)
        if (i, o) in first_pair:
            out["D001"][record] = first_pair[(i, o)]
        elif i in first_input:
            out["D002"][record] = first_input[i]
        elif norm in first_norm:
            out["D003"][record] = first_norm[norm]
        first_pair.setdefault((i, o), record)
        first_input.setdefault(i, record)
        first_norm.setdefault(norm, record)
    return out


def _by_record(findings: Sequence[Finding], code: str) -> dict[int, int]:
    found = {}
    for f in of(findings, code):
        assert f.record is not None and f.related[0].record is not None
        found[f.record] = f.related[0].record
    return found


@pytest.mark.parametrize(
    ("name", "duplicates"), [("llamafactory__alpaca_en_demo.json", 14), ("llamafactory__alpaca_zh_demo.json", 8)]
)
def test_alpaca_demo_exact_duplicates(shared_dataset: Callable[[str], Path], name: str, duplicates: int) -> None:
    path = shared_dataset(name)
    raw = json.loads(path.read_text(encoding="utf-8"))
    pairs = [(r["instruction"] + "\n" + r["input"] if r.get("input") else r["instruction"], r["output"]) for r in raw]
    expected = _expected_d(pairs)
    assert len(expected["D001"]) == duplicates
    findings = lint(str(path))
    for code in ("D001", "D002", "D003"):
        assert _by_record(findings, code) == expected[code], code
    d001 = of(findings, "D001")
    assert all(f.severity.value == "warning" and f.fixable for f in d001)
    assert all(f.line is not None and f.related[0].line is not None and f.related[0].line < f.line for f in d001)


def _transactions(path: Path) -> list[tuple[int, dict[str, str]]]:
    """``(physical line where the row starts, row)`` for every data row."""
    rows: list[tuple[int, dict[str, str]]] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        last = reader.line_num
        for row in reader:
            rows.append((last + 1, row))
            last = reader.line_num
    return rows


@pytest.mark.parametrize("column", ["Description", "Transaction value (£)"])
def test_labelled_transactions_match_an_independent_count(shared_dataset: Callable[[str], Path], column: str) -> None:
    path = shared_dataset("openai-cookbook__labelled_transactions.csv")
    rows = _transactions(path)
    expected = _expected_d([(row[column], row["Classification"]) for _, row in rows])
    line_of = {record: line for record, (line, _) in enumerate(rows, start=1)}
    report = validator.lint(str(path), isolated=True, input_field=column, output_field="Classification")
    assert report.files[0].task == "classification"  # five labels, inferred
    for code in ("D001", "D002", "D003"):
        assert _by_record(report.findings, code) == expected[code], code
        assert lines(report.findings, code) == [line_of[r] for r in sorted(expected[code])]
    assert {f.severity.value for f in of(report.findings, "D002")} <= {"error"}  # classification


def test_labelled_transactions_known_duplicate_row_and_two_labels(shared_dataset: Callable[[str], Path]) -> None:
    """The dataset's known traits: line 85 repeats line 84 field for field, and the ALDL "Legal
    Deposit Services" transaction of 27,067 is labelled "Literature & Archive" on line 60 and "Other"
    on line 73. With the amount as the input both show up exactly: one D002, and line 85 a D001."""
    path = shared_dataset("openai-cookbook__labelled_transactions.csv")
    rows = dict(_transactions(path))
    assert rows[84] == rows[85]
    assert rows[60]["Transaction value (£)"] == rows[73]["Transaction value (£)"] == "27067"
    findings = lint(str(path), input_field="Transaction value (£)", output_field="Classification")
    (conflict,) = of(findings, "D002")
    assert (conflict.line, conflict.severity.value, conflict.field, related(conflict)[1]) == (
        73,
        "error",
        "Classification",
        60,
    )
    (repeat,) = [f for f in of(findings, "D001") if f.line == 85]
    assert related(repeat)[1] == 84
    # With the description as the input, line 72 (British Library, "Other") is the first conflict
    # with line 60, and line 73 repeats line 72 exactly.
    by_description = lint(str(path), input_field="Description", output_field="Classification")
    assert [(f.line, related(f)[1]) for f in of(by_description, "D002") if related(f)[1] == 60] == [(72, 60)]
    assert [related(f)[1] for f in of(by_description, "D001") if f.line == 73] == [72]
    assert 85 in lines(by_description, "D001")


def test_d005_on_chinese_alpaca_finds_the_reworded_prompt(shared_dataset: Callable[[str], Path]) -> None:
    """Characters count as words in Chinese: "请描述泰姬陵的建筑风格。" (record 896) is the prompt of
    record 113 with "please" added."""
    path = shared_dataset("llamafactory__alpaca_zh_demo.json")
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw[895]["instruction"] == "请" + raw[112]["instruction"]
    found = of(lint(str(path), extend_select=["D005"]), "D005")
    assert [(f.record, related(f)[2]) for f in found] == [(896, 113)]


# -- clean data ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["qa_150.jsonl", "qa_150.json", "qa_150.csv", "qa_150.tsv"])
def test_clean_samples_have_no_d_finding(name: str) -> None:
    path = SAMPLES / "good" / name
    for options in ({}, {"task": "classification"}):
        assert not [f for f in lint(str(path), **options) if f.code.startswith("D")], options


def test_d_rules_are_registered_with_documentation() -> None:
    registry = load_rules()
    for code in D_CODES:
        rule = registry.lookup(code)
        assert rule is not None and rule.__module__.startswith("rules.duplicates.")
        assert set(rule.doc_sections()) == {"What", "Why", "Example", "Fix"}
    d005 = registry.lookup("D005")
    assert d005 is not None and d005.default_enabled is False
    assert dict(d005.option_fields())["threshold"] == 0.8
    assert all(r.default_enabled for r in (DuplicateExample, ConflictingOutputs, NearDuplicateInput, SplitLeakage))
