"""A deterministic train/validation split without leakage (D004): records whose normalised inputs are
equal always land on the same side."""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Sequence

from validator.api import normalize_text
from validator.errors import UsageError
from validator.fix.load import Item
from validator.splits import split_key

__all__ = ["parse_split", "split_items", "validation_path"]


def parse_split(spec: str) -> float:
    """``"validation=0.1"`` (or ``"0.1"``) -> ``0.1``; the share must be between 0 and 1."""
    name, sep, share = spec.partition("=")
    if not sep:
        name, share = "validation", spec
    if name.strip().lower() not in ("validation", "valid", "val"):
        raise UsageError(f"--split {spec!r}: write validation=SHARE, e.g. validation=0.1")
    try:
        value = float(share)
    except ValueError:
        raise UsageError(f"--split {spec!r}: {share!r} is not a number") from None
    if not 0.0 < value < 1.0:
        raise UsageError(f"--split {spec!r}: the share must be between 0 and 1 (exclusive)")
    return value


def validation_path(output: str) -> tuple[str, str]:
    """The validation file beside ``output`` and how it was named: ``train`` in the file name becomes
    ``validation`` (``qa_train.jsonl`` -> ``qa_validation.jsonl``), else ``.validation`` goes before the
    extension (``out.jsonl`` -> ``out.validation.jsonl``)."""
    key = split_key(output)
    if key is not None and key[1] == "train":
        directory, name = os.path.split(output)
        pattern = os.path.split(key[0])[1]
        word = next(w for w in _words(name) if w.lower() == "train")
        replacement = "VALIDATION" if word.isupper() else "Validation" if word.istitle() else "validation"
        return os.path.join(directory, pattern.replace("{split}", replacement)), "'train' in the name -> 'validation'"
    root, ext = os.path.splitext(output)
    return f"{root}.validation{ext}", "'.validation' before the extension"


def _words(name: str) -> list[str]:
    return re.findall(r"[A-Za-z]+", name)


def _group_key(item: Item) -> str:
    if item.texts is not None:
        return normalize_text(item.texts[0])
    return "\0" + json.dumps(item.value, sort_keys=True, ensure_ascii=False)  # records without texts


def split_items(items: Sequence[Item], share: float, seed: int) -> tuple[list[Item], list[Item]]:
    """``(training, validation)``: groups of records with the same normalised input are shuffled with
    ``random.Random(seed)`` and moved to validation until it holds ``round(share * n)`` records (at
    least one when there are two or more groups). Each side keeps the input order."""
    groups: dict[str, list[int]] = {}
    for position, item in enumerate(items):
        groups.setdefault(_group_key(item), []).append(position)
    order = list(groups.values())
    random.Random(seed).shuffle(order)
    target = round(share * len(items))
    if len(order) >= 2:
        target = max(target, 1)
    chosen: set[int] = set()
    for members in order[:-1]:  # the last group always stays in training
        if len(chosen) >= target:
            break
        chosen.update(members)
    training = [item for i, item in enumerate(items) if i not in chosen]
    validation = [item for i, item in enumerate(items) if i in chosen]
    return training, validation
