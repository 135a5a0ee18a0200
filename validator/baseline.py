"""Baselines: accept today's findings, fail only on new ones.

Datasets have no comments, so findings cannot be silenced inline. A baseline file records the
findings of one run, each keyed by ``(path, code, fingerprint)`` — the fingerprint hashes the rule
code, the field and the record's canonical *content* (:mod:`validator.fingerprints`), never the line
number, which drifts as records are added. Paths are stored relative to the baseline file's own
directory, so the file works from any working directory and on any machine. Identical keys are
counted: three duplicate records give an entry with ``count`` 3, and a fourth is new.

Applying a baseline removes the findings it covers from the report (so only new findings decide the
exit status) and lists the *stale* entries: findings the baseline expected that are gone, usually
because the data was fixed, so the baseline can be rewritten.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from validator.api import Finding
from validator.atomic import check_outputs, write_text_atomic
from validator.errors import UsageError

__all__ = ["BASELINE_VERSION", "BaselineResult", "StaleEntry", "apply_baseline", "write_baseline"]

BASELINE_VERSION = 1

Key = tuple[str, str, str]


@dataclass(frozen=True)
class StaleEntry:
    """A baseline entry (or part of its count) that no finding matched any more."""

    path: str
    code: str
    fingerprint: str
    count: int

    def to_dict(self) -> dict[str, Any]:
        """As it appears in the JSON report's ``baseline.stale``."""
        return {"path": self.path, "code": self.code, "fingerprint": self.fingerprint, "count": self.count}


@dataclass
class BaselineResult:
    """What a baseline did to a report: how many findings it suppressed and what is stale."""

    path: str
    suppressed: int = 0
    stale: list[StaleEntry] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON report's ``baseline`` member."""
        return {"file": self.path, "suppressed": self.suppressed, "stale": [s.to_dict() for s in self.stale]}


def _key_path(path: str, base_dir: str) -> str:
    """``path`` relative to the baseline's directory, with ``/`` separators (``<memory>`` and
    ``<stdin>`` stay as they are)."""
    if path.startswith("<"):
        return path
    try:
        rel = os.path.relpath(os.path.abspath(path), base_dir)
    except ValueError:  # another drive on Windows
        rel = os.path.abspath(path)
    return rel.replace(os.sep, "/")


def _keys(findings: Iterable[Finding], base_dir: str) -> Counter[Key]:
    return Counter((_key_path(f.path, base_dir), f.code, f.fingerprint) for f in findings)


def write_baseline(findings: Sequence[Finding], path: str) -> int:
    """Write the baseline of ``findings`` to ``path`` atomically; return the number of entries.
    Raises :class:`~validator.atomic.WriteError` (a tool error) when ``path`` cannot be written or
    is one of the linted files (a baseline never replaces a dataset)."""
    linted = {f.path for f in findings if not f.path.startswith("<")}
    check_outputs({"the baseline": path}, sorted(linted))
    base_dir = os.path.dirname(os.path.abspath(path))
    counts = _keys(findings, base_dir)
    entries = [{"path": p, "code": code, "fingerprint": fp, "count": n} for (p, code, fp), n in sorted(counts.items())]
    document = {"version": BASELINE_VERSION, "tool": "tunelint", "entries": entries}
    write_text_atomic(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return len(entries)


def _load(path: str) -> Counter[Key]:
    try:
        with open(path, encoding="utf-8") as fh:
            document = json.load(fh)
    except FileNotFoundError:
        raise UsageError(f"{path}: baseline file not found (write one with --write-baseline)") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: not a tunelint baseline (invalid JSON: {exc})") from None
    if not isinstance(document, dict) or document.get("version") != BASELINE_VERSION:
        raise UsageError(f"{path}: not a tunelint baseline of version {BASELINE_VERSION}")
    entries = document.get("entries")
    if not isinstance(entries, list):
        raise UsageError(f"{path}: not a tunelint baseline (no entries list)")
    counts: Counter[Key] = Counter()
    for i, entry in enumerate(entries):
        try:
            key = (str(entry["path"]), str(entry["code"]), str(entry["fingerprint"]))
            count = int(entry.get("count", 1))
        except (TypeError, KeyError, ValueError, AttributeError):
            raise UsageError(f"{path}: entry {i} needs path, code, fingerprint and count") from None
        counts[key] += max(count, 0)
    return counts


def apply_baseline(findings: Sequence[Finding], path: str) -> tuple[list[Finding], BaselineResult]:
    """The findings the baseline at ``path`` does not cover (in order), and what it did."""
    allowed = _load(path)
    base_dir = os.path.dirname(os.path.abspath(path))
    new: list[Finding] = []
    result = BaselineResult(path=path)
    for finding in findings:
        key = (_key_path(finding.path, base_dir), finding.code, finding.fingerprint)
        if allowed[key] > 0:
            allowed[key] -= 1
            result.suppressed += 1
        else:
            new.append(finding)
    result.stale = [StaleEntry(p, code, fp, n) for (p, code, fp), n in sorted(allowed.items()) if n > 0]
    return new, result
