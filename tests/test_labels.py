"""B001 rare-label, B002 label-imbalance and T005 inconsistent-label: thresholds on both sides, the
classification gate, the label-set guard, spelling keys, the memory bound and sharded merging, and
the real labelled datasets (counts computed independently with the ``csv`` module)."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

import validator
from rules.labels import MAX_TRACKED, InconsistentLabel, LabelImbalance, RareLabel, label_key
from tests.conftest import SAMPLES
from validator.api import Context, Example, FileFacts, Finding, Profile, Rule
from validator.testing import run_rules


def _records(outputs: Sequence[str]) -> list[dict[str, str]]:
    return [{"text_input": f"Customer message number {i}: see attached", "output": o} for i, o in enumerate(outputs)]


def _spread(counts: dict[str, int]) -> list[str]:
    """Outputs with the given counts, interleaved (round robin) so no label is contiguous."""
    left = dict(counts)
    out: list[str] = []
    while any(left.values()):
        for label in counts:
            if left[label]:
                out.append(label)
                left[label] -= 1
    return out


def _codes(findings: list[Finding]) -> Counter[str]:
    return Counter(f.code for f in findings)


# -- B001 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("rare", "expected"), [(4, 1), (5, 0)])
def test_b001_min_per_label_threshold(rare: int, expected: int) -> None:
    outputs = _spread({"billing": 20, "shipping": 20, "refund": rare})
    findings = run_rules([RareLabel], _records(outputs), task="classification")
    assert len(findings) == expected
    if expected:
        (finding,) = findings
        assert "'refund'" in finding.message and f"has {rare} examples" in finding.message
        first = outputs.index("refund") + 1  # in-memory records: line = record number
        assert (finding.line, finding.record, finding.field) == (first, first, "/output")


@pytest.mark.parametrize(
    ("minimum", "expected"),
    [(6, {"refund"}), (5, set()), (21, {"shipping", "refund"}), (22, {"billing", "shipping", "refund"})],
)
def test_b001_option(minimum: int, expected: set[str]) -> None:
    outputs = _spread({"billing": 21, "shipping": 20, "refund": 5})
    config = {"rules": {"B001": {"min-per-label": minimum}}}
    findings = run_rules([RareLabel], _records(outputs), task="classification", config=config)
    assert {f.message.split("'")[1] for f in findings} == expected


def test_b001_inferred_classification_and_file_order() -> None:
    # 25 records, 3 labels: inferred as classification; two rare labels reported in file order
    outputs = ["a-label"] * 12 + ["zeta"] + ["b-label"] * 10 + ["alpha", "alpha"]
    report = validator.lint(_records(outputs), select=["B001"])
    assert report.files[0].task == "classification" and report.files[0].task_inferred
    assert [(f.line, f.message.split("'")[1]) for f in report.findings] == [(13, "zeta"), (24, "alpha")]


def test_b_rules_are_silent_unless_classification() -> None:
    outputs = _spread({"billing": 30, "shipping": 30, "refund": 1})
    assert run_rules([RareLabel, LabelImbalance], _records(outputs), task="general") == []
    assert _codes(run_rules([RareLabel, LabelImbalance], _records(outputs), task="classification")) == {
        "B001": 1,
        "B002": 1,
    }


def test_label_rules_are_silent_when_outputs_are_not_a_label_set() -> None:
    """--task classification on free text says nothing: more than max-labels distinct outputs (the
    option raises the limit), or fewer than two examples per label on average."""
    outputs = [f"intent {i}" for i in range(60)] * 3 + ["Intent 0"]
    rules: list[type[Rule]] = [RareLabel, LabelImbalance, InconsistentLabel]
    assert run_rules(rules, _records(outputs), task="classification") == []
    config = {"rules": {code: {"max-labels": 100} for code in ("B001", "B002", "T005")}}
    found = _codes(run_rules(rules, _records(outputs), task="classification", config=config))
    assert found == {"B001": 60, "T005": 1}
    unique = [f"A different free-text answer, number {i}." for i in range(40)]
    assert run_rules(rules, _records(unique), task="classification") == []


@pytest.mark.parametrize(("counts", "findings"), [((2, 2, 2, 2), 4), ((2, 2, 2, 1), 0)])
def test_label_set_needs_two_examples_per_label_on_average(counts: tuple[int, ...], findings: int) -> None:
    # 4 labels in 8 records: a label set (every label rare); in 7 records: not one
    outputs = _spread(dict(zip(("north", "south", "east", "west"), counts, strict=True)))
    assert len(run_rules([RareLabel], _records(outputs), task="classification")) == findings


def test_b001_counts_spellings_of_one_label_together() -> None:
    outputs = _spread({"positive": 20, "Positive": 2, "negative": 20, "neutral": 3})
    findings = run_rules([RareLabel], _records(outputs), task="classification")
    assert [f.message.split("'")[1] for f in findings] == ["neutral"]


def test_b001_skips_empty_outputs() -> None:
    outputs = _spread({"yes": 20, "no": 20, "": 1})
    assert run_rules([RareLabel, LabelImbalance], _records(outputs), task="classification") == []


# -- B002 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("big", "small", "fires"), [(99, 10, False), (100, 10, True), (49, 5, False), (50, 5, True)])
def test_b002_ratio_threshold(big: int, small: int, fires: bool) -> None:
    outputs = _spread({"spam": big, "ham": small})
    findings = run_rules([LabelImbalance], _records(outputs), task="classification")
    assert len(findings) == int(fires)
    if fires:
        (finding,) = findings
        assert (finding.line, finding.field, finding.severity.value) == (None, None, "info")
        assert f"'spam' has {big} examples" in finding.message
        assert f"'ham' only {small}" in finding.message
        assert f"{big / small:.1f}:1" in finding.message


@pytest.mark.parametrize(("ratio", "fires"), [(3.0, True), (3.5, False), (2, True)])
def test_b002_option(ratio: float, fires: bool) -> None:
    outputs = _spread({"spam": 30, "ham": 10, "other": 12})
    config = {"rules": {"B002": {"max-ratio": ratio}}}
    assert len(run_rules([LabelImbalance], _records(outputs), task="classification", config=config)) == int(fires)


def test_b002_names_the_largest_and_smallest_of_several() -> None:
    outputs = _spread({"mid": 30, "top": 60, "low": 6, "other": 20})
    (finding,) = run_rules([LabelImbalance], _records(outputs), task="classification")
    assert "'top' has 60 examples, 'low' only 6" in finding.message


def test_b002_single_label_says_nothing() -> None:
    assert run_rules([LabelImbalance], _records(["yes"] * 30), task="classification") == []


# -- T005 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spellings",
    [
        ("Positive", "positive", "POSITIVE", "positive ", " positive", "positive.", "Positive!", "'positive'"),
        ("(positive)", "[Positive]", "«positive»", "positive。"),
        ("not_spam", "Not Spam", "not-spam", "notspam", "NOT  SPAM", "Not spam."),
        ("U.S.", "US", "u.s"),
        ("yes/no", "Yes / No", "YES/NO"),
        ("１", "1"),  # NFKC: full-width digit
    ],
)
def test_label_key_groups_spellings(spellings: tuple[str, ...]) -> None:
    assert len({label_key(s) for s in spellings}) == 1, [label_key(s) for s in spellings]


@pytest.mark.parametrize(
    "labels",
    [
        ("-1", "1", "0", "+1"),
        ("A", "A-", "A+"),
        ("C", "C#", "C++"),
        ("1.5", "15"),
        ("yes/no", "yesno"),
        ("spam", "ham"),
        ("?", "!"),
    ],
)
def test_label_key_keeps_different_labels_apart(labels: tuple[str, ...]) -> None:
    assert len({label_key(s) for s in labels}) == len(labels), [label_key(s) for s in labels]


def test_t005_flags_every_variant_record_and_points_at_the_canonical_spelling() -> None:
    outputs = [*_spread({"positive": 12, "negative": 12}), "Positive", "positive ", "NEGATIVE", "Positive"]
    findings = run_rules([InconsistentLabel], _records(outputs), task="classification")
    assert [(f.line, f.message.split("'")[1]) for f in findings] == [
        (25, "Positive"),
        (26, "positive "),
        (27, "NEGATIVE"),
        (28, "Positive"),
    ]
    assert all(f.field == "/output" and f.severity.value == "warning" for f in findings)
    assert "dominant spelling 'negative'" in findings[2].message
    assert findings[0].related[0].line == 1  # the first 'positive'


def test_t005_canonical_is_the_most_frequent_spelling() -> None:
    outputs = ["Yes"] * 8 + ["yes"] * 3 + ["No"] * 10
    findings = run_rules([InconsistentLabel], _records(outputs), task="classification")
    assert [f.line for f in findings] == [9, 10, 11]
    assert all("dominant spelling 'Yes'" in f.message for f in findings)


def test_t005_tie_goes_to_the_spelling_seen_first() -> None:
    outputs = ["no", "No"] * 5 + ["yes"] * 10
    findings = run_rules([InconsistentLabel], _records(outputs), task="classification")
    assert [f.line for f in findings] == [2, 4, 6, 8, 10]


def test_t005_silent_on_consistent_labels_and_unless_classification() -> None:
    outputs = _spread({"positive": 12, "negative": 12})
    assert run_rules([InconsistentLabel], _records(outputs), task="classification") == []
    variants = [*outputs, "Positive"]
    assert run_rules([InconsistentLabel], _records(variants), task="general") == []
    assert len(run_rules([InconsistentLabel], _records(variants))) == 1  # inferred classification


def test_t005_caps_records_per_variant_and_summarises_the_rest() -> None:
    outputs = ["yes"] * 300 + ["Yes"] * 45 + ["no"] * 200
    findings = run_rules([InconsistentLabel], _records(outputs), task="classification")
    located = [f for f in findings if f.line is not None]
    assert [f.line for f in located] == list(range(301, 321))  # the default: 20 per variant
    (summary,) = [f for f in findings if f.line is None]
    assert "25 more records (after the 20 above) use the label 'Yes'" in summary.message
    config = {"rules": {"T005": {"max-per-variant": 3}}}
    findings = run_rules([InconsistentLabel], _records(outputs), task="classification", config=config)
    assert [f.line for f in findings] == [301, 302, 303, None]
    assert "42 more records" in findings[-1].message


def _example(index: int, output: str) -> Example:
    return Example(
        index=index,
        line=index,
        input_text=f"q{index}",
        output_text=output,
        schema="gemini",
        fields={"input": "/text_input", "output": "/output"},
    )


def _ctx(labels: dict[str, int] | None, task: str = "classification") -> Context:
    return Context(profile=Profile(name="test"), task=task, file=FileFacts(path="mem", format="jsonl", labels=labels))


def _finish(rule: Rule, outputs: Sequence[str]) -> list[tuple[Any, ...]]:
    labels = dict(Counter(o.strip() for o in outputs).most_common())
    return [(f.code, f.line, f.record, f.message) for f in rule.finish(_ctx(labels))]


def test_t005_state_is_bounded() -> None:
    rule = InconsistentLabel()
    ctx = _ctx(None, task="general")
    for i in range(1, 50_001):
        list(rule.check(_example(i, "Yes" if i % 3 else "yes"), ctx))
    assert all(len(s.lines) <= 20 and len(s.records) <= 20 for s in rule._spellings.values())
    assert {text: s.count for text, s in rule._spellings.items()} == {"yes": 16_666, "Yes": 33_334}
    # free text: the spellings table stops at MAX_TRACKED and the rule gives up
    free = InconsistentLabel()
    for i in range(1, MAX_TRACKED + 2):
        list(free.check(_example(i, f"answer {i}"), ctx))
    assert free._overflow and not free._spellings
    # long outputs are never labels and are not remembered
    long = InconsistentLabel()
    list(long.check(_example(1, "x" * 201), ctx))
    assert not long._spellings


@pytest.mark.parametrize("rule_type", [RareLabel, InconsistentLabel, LabelImbalance])
def test_merge_of_shards_matches_a_single_pass(rule_type: type[Rule]) -> None:
    outputs = _spread({"positive": 40, "negative": 30, "neutral": 3}) + ["Positive"] * 25 + ["NEUTRAL", "mixed"]
    examples = [_example(i, o) for i, o in enumerate(outputs, start=1)]
    ctx = _ctx(None, task="general")
    whole = rule_type()
    for example in examples:
        list(whole.check(example, ctx))
    first, second = rule_type(), rule_type()
    for example in examples:
        list((first if example.index % 3 else second).check(example, ctx))
    second.merge(first)  # the shard with the later records absorbs the earlier one
    expected = _finish(whole, outputs)
    assert expected, "the case must produce findings"
    assert _finish(second, outputs) == expected


# -- real datasets --------------------------------------------------------------------------------


def _csv_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """``(start line, row)`` of every data row, computed with the csv module."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows: list[tuple[int, dict[str, str]]] = []
        start = reader.line_num + 1
        for cells in reader:
            rows.append((start, dict(zip(header, cells, strict=True))))
            start = reader.line_num + 1
    return rows


def test_labelled_transactions(shared_dataset: Callable[[str], Path]) -> None:
    path = shared_dataset("openai-cookbook__labelled_transactions.csv")
    rows = _csv_rows(path)
    counts = Counter(row["Classification"].strip() for _, row in rows)
    first_line = {}
    for line, row in rows:
        first_line.setdefault(row["Classification"].strip(), line)
    options: dict[str, Any] = {"input_field": "Description", "output_field": "Classification"}
    report = validator.lint(str(path), select=["B", "T005"], isolated=True, **options)
    file = report.files[0]
    assert (file.task, file.task_inferred) == ("classification", True)
    assert file.stats["labels"] == dict(counts)
    biggest, smallest = max(counts.values()), min(counts.values())
    rare = {label for label, n in counts.items() if n < 5}
    b001 = [f for f in report.findings if f.code == "B001"]
    assert {f.message.split("'")[1] for f in b001} == rare
    b002 = [f for f in report.findings if f.code == "B002"]
    assert len(b002) == int(biggest >= 10 * smallest)
    for label, n in counts.items():
        if n in (biggest, smallest) and b002:
            assert f"'{label}'" in b002[0].message
    assert not [f for f in report.findings if f.code == "T005"]  # the five labels are spelt consistently
    # raise the bar above the smallest label: B001 points at the first row of every label below it
    minimum = smallest + 1
    config = {"rules": {"B001": {"min-per-label": minimum}}}
    report = validator.lint(str(path), select=["B001"], config=config, **options)
    got = {(f.line, f.message.split("'")[1]) for f in report.findings}
    assert got == {(first_line[label], label) for label, n in counts.items() if n < minimum}
    assert all(f.field == "Classification" for f in report.findings)


def test_ag_news_labels(shared_dataset: Callable[[str], Path]) -> None:
    path = shared_dataset("openai-cookbook__AG_news_samples.csv")
    counts = Counter(row["label"].strip() for _, row in _csv_rows(path))
    assert len(counts) == 4
    options = {"input_field": "description", "output_field": "label"}
    report = validator.lint(str(path), isolated=True, select=["B", "T005"], **options)
    file = report.files[0]
    assert (file.task, file.task_inferred) == ("classification", True)
    assert file.stats["labels"] == dict(counts)
    assert report.findings == []  # four balanced, consistently spelt labels


@pytest.mark.parametrize("path", sorted((SAMPLES / "good").glob("qa_150.*")), ids=lambda p: p.name)
@pytest.mark.parametrize("task", [None, "classification"])
def test_good_samples_have_no_label_findings(path: Path, task: str | None) -> None:
    report = validator.lint(str(path), isolated=True, task=task, select=["B", "T005"])
    assert report.findings == []
