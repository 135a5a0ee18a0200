"""Task inference and label counts (catalogue: distinct normalised outputs <= max(2, min(50, n/5)) and
median output <= 50 chars -> classification)."""

from __future__ import annotations

from typing import Any

import pytest

import validator
from validator.tasks import MAX_DISTINCT, OutputTally, infer_task


def _records(outputs: list[str]) -> list[dict[str, Any]]:
    return [{"text_input": f"review number {i} of the product", "output": o} for i, o in enumerate(outputs)]


def test_two_labels_are_classification_with_label_counts() -> None:
    outputs = ["positive"] * 70 + ["negative"] * 30
    report = validator.lint(_records(outputs))
    file = report.files[0]
    assert (file.task, file.task_inferred) == ("classification", True)
    assert file.stats["labels"] == {"positive": 70, "negative": 30}
    assert report.to_dict()["files"][0]["stats"]["labels"] == {"positive": 70, "negative": 30}


@pytest.mark.parametrize(
    ("examples", "labels", "expected"),
    [
        (100, 20, "classification"),  # allowed = min(50, 100 // 5) = 20
        (100, 21, "general"),
        (1000, 50, "classification"),  # capped at 50
        (1000, 51, "general"),
        (5, 2, "classification"),  # at least 2 labels are always allowed
        (5, 3, "general"),
    ],
)
def test_distinct_label_threshold(examples: int, labels: int, expected: str) -> None:
    outputs = [f"label{i % labels}" for i in range(examples)]
    report = validator.lint(_records(outputs), select=["F"])
    assert report.files[0].task == expected


def test_labels_are_compared_after_normalisation() -> None:
    # 4 spellings of 2 labels: 2 distinct after NFKC + case-fold + whitespace collapse.
    outputs = ["Positive", "positive ", "NEGATIVE", "negative"] * 3
    report = validator.lint(_records(outputs), select=["F"])
    assert report.files[0].task == "classification"
    assert report.files[0].stats["labels"] == {"Positive": 3, "positive": 3, "NEGATIVE": 3, "negative": 3}


@pytest.mark.parametrize(("length", "expected"), [(50, "classification"), (51, "general")])
def test_median_output_length_threshold(length: int, expected: str) -> None:
    outputs = [("a" * (length - 1)) + str(i % 2) for i in range(40)]
    report = validator.lint(_records(outputs), select=["F"])
    assert report.files[0].task == expected


def test_given_task_is_not_inferred_and_drives_l004() -> None:
    outputs = [f"a long free-text answer number {i}" for i in range(30)]
    report = validator.lint(_records(outputs), task="classification", select=["L004"])
    file = report.files[0]
    assert (file.task, file.task_inferred) == ("classification", False)
    assert file.stats["labels"]["a long free-text answer number 0"] == 1
    assert [f.code for f in report.findings] == ["L004"]


def test_tally_overflow_forgets_labels_and_is_not_classification() -> None:
    tally = OutputTally()
    for i in range(MAX_DISTINCT + 1):
        tally.add(str(i))
    assert tally.overflow and tally.labels() == {}
    assert infer_task(tally, examples=10**6, median_output_chars=3) == "general"


def test_tally_merge_matches_a_single_tally() -> None:
    one, a, b = OutputTally(), OutputTally(), OutputTally()
    for i in range(500):
        one.add(f"l{i % 7}")
        (a if i % 3 else b).add(f"l{i % 7}")
    a.merge(b)
    assert a.labels() == one.labels()


def test_empty_dataset_is_general() -> None:
    assert infer_task(OutputTally(), examples=0, median_output_chars=0) == "general"
