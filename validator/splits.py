"""Train/validation pairing for split-leakage checks.

A validation file is linted after its training file, with ``role="validation"`` and ``pair`` set to
the training file's path, so rules can compare the two (D004). Pairs come from, in order:
``--validation`` (or ``validator.lint(..., validation=...)``), ``[[datasets]]`` in config, and
automatically from files linted together whose names differ only by a split word
(``train.jsonl`` / ``valid.jsonl``, ``qa-train.csv`` / ``qa-test.csv``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = ["SPLIT_WORDS", "DatasetPair", "Job", "plan_jobs", "split_key"]

#: Words that name a split in a file name; ``train`` marks the training side.
SPLIT_WORDS = ("train", "valid", "validation", "val", "test", "eval")
_TOKEN = re.compile(r"[A-Za-z]+|[^A-Za-z]+")


@dataclass(frozen=True)
class DatasetPair:
    """A ``[[datasets]]`` entry: absolute paths and an optional field mapping."""

    train: str
    validation: str
    input_field: str | None = None
    output_field: str | None = None
    origin: str = ""


@dataclass(frozen=True)
class Job:
    """One file to lint, with its role in a pair (if any)."""

    path: str
    role: str | None = None
    pair: str | None = None
    dataset: DatasetPair | None = None


def split_key(path: str) -> tuple[str, str] | None:
    """``(name with the split word replaced, split word)`` or ``None`` when the file name has no
    split word. ``data/qa_train.jsonl`` -> ``("data/qa_{split}.jsonl", "train")``."""
    directory, name = os.path.split(path)
    tokens = _TOKEN.findall(name)
    found = [i for i, t in enumerate(tokens) if t.lower() in SPLIT_WORDS]
    if len(found) != 1:
        return None  # none, or ambiguous ("train_val.jsonl")
    index = found[0]
    word = tokens[index].lower()
    tokens[index] = "{split}"
    return os.path.join(directory, "".join(tokens)), word


def _same(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def plan_jobs(
    paths: Sequence[str],
    validation: Sequence[str],
    datasets_for: Callable[[str], Sequence[DatasetPair]],
) -> list[Job]:
    """The files to lint in order (each training file before its validation files)."""
    if validation:
        if len(paths) != 1 or paths[0] == "-":
            raise ValueError(f"--validation needs exactly one training file to pair with, got {len(paths)}")
        train = paths[0]
        return [Job(train, "train"), *(Job(v, "validation", train) for v in validation if not _same(v, train))]

    planned: dict[str, Job] = {p: Job(p) for p in paths}
    # [[datasets]] pairs from the config of each linted file.
    for path in list(planned):
        if path == "-":
            continue
        for entry in datasets_for(path):
            if _same(path, entry.train) or _same(path, entry.validation):
                train = next((p for p in planned if p != "-" and _same(p, entry.train)), entry.train)
                val = next((p for p in planned if p != "-" and _same(p, entry.validation)), entry.validation)
                planned[train] = Job(train, "train", dataset=entry)
                planned[val] = Job(val, "validation", train, dataset=entry)
    # Automatic pairs among the remaining files.
    groups: dict[str, dict[str, str]] = {}
    for path, job in planned.items():
        if job.role is None and path != "-":
            key = split_key(path)
            if key is not None:
                groups.setdefault(key[0], {})[key[1]] = path
    for members in groups.values():
        training = members.get("train")
        if training is None or len(members) < 2:
            continue
        planned[training] = Job(training, "train")
        for word, path in members.items():
            if word != "train":
                planned[path] = Job(path, "validation", training)
    ordered = [j for j in planned.values() if j.role != "validation"]
    ordered.extend(j for j in planned.values() if j.role == "validation")
    return ordered
