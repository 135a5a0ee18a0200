"""Helpers for plugin authors: run rules on in-memory records the way the core does.

>>> from validator.testing import run_rules
>>> from validator.api import Rule
>>> findings = run_rules([MyRule], [{"text_input": "a", "output": "b"}])  # doctest: +SKIP
>>> assert_findings(MyRule, [{"text_input": "a", "output": "TODO"}], [("X001", 1)])  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from validator.api import Finding, Rule
from validator.config import Settings, settings_from_mapping
from validator.engine import lint_memory, run_sharded
from validator.plugins import RuleRegistry

__all__ = ["assert_findings", "assert_shardable", "locations", "run_rules", "run_rules_sharded"]


def run_rules(
    rules: Iterable[type[Rule]],
    records: Sequence[Any],
    *,
    profile: str | None = None,
    task: str | None = None,
    config: Mapping[str, Any] | None = None,
) -> list[Finding]:
    """Lint ``records`` (dicts, ``(input, output)`` tuples, ...) with only ``rules`` enabled and return
    their findings. ``config`` takes the same keys as a config file (e.g. ``{"rules": {...}}``)."""
    settings = _settings(profile, task, config)
    return lint_memory(list(records), settings, RuleRegistry(rules)).findings


def _settings(profile: str | None, task: str | None, config: Mapping[str, Any] | None) -> Settings:
    data = dict(config or {})
    if profile is not None:
        data["profile"] = profile
    if task is not None:
        data["task"] = task
    return settings_from_mapping(data, "run_rules config")


def run_rules_sharded(
    rules: Iterable[type[Rule]],
    records: Sequence[Any],
    shards: int,
    *,
    profile: str | None = None,
    task: str | None = None,
    config: Mapping[str, Any] | None = None,
) -> list[Finding]:
    """Like :func:`run_rules`, but the records are linted in ``shards`` contiguous shards (each
    numbered from 1, its rule instances pickled as if sent from a worker) merged in order with
    :meth:`Rule.merge`: a rule with mergeable state gives the same findings as :func:`run_rules`."""
    from validator.api import FileFacts
    from validator.sources import MEMORY_PATH, memory_records

    settings = _settings(profile, task, config)
    facts = FileFacts(path=MEMORY_PATH, format="memory", bytes=None)
    return run_sharded(list(memory_records(list(records))), facts, settings, RuleRegistry(rules), shards).findings


def assert_shardable(
    rules: type[Rule] | Iterable[type[Rule]], records: Sequence[Any], shards: Iterable[int] = (2, 3, 7), **options: Any
) -> list[Finding]:
    """Assert that linting ``records`` in each number of ``shards`` gives exactly the findings (every
    field, fingerprints included) of one pass; return those findings."""
    chosen = [rules] if isinstance(rules, type) else list(rules)
    whole = sorted(run_rules(chosen, records, **options), key=_order)
    for count in shards:
        parts = sorted(run_rules_sharded(chosen, records, count, **options), key=_order)
        if parts != whole:
            missing = [f for f in whole if f not in parts]
            extra = [f for f in parts if f not in whole]
            raise AssertionError(f"{count} shards differ from one pass: missing {missing[:3]} ... extra {extra[:3]}")
    return whole


def _order(f: Finding) -> tuple[int, int, str, str, str]:
    return (f.line or 0, f.record or 0, f.code, f.field or "", f.message)


def locations(findings: Iterable[Finding]) -> list[tuple[str, int | None]]:
    """``[(code, line), ...]`` of ``findings`` in report order (line = record number in memory)."""
    return [(f.code, f.line) for f in sorted(findings, key=lambda f: (f.line or 0, f.code))]


def assert_findings(
    rules: type[Rule] | Iterable[type[Rule]],
    records: Sequence[Any],
    expected: Iterable[tuple[str, int | None]],
    **options: Any,
) -> list[Finding]:
    """Lint ``records`` with only ``rules`` and assert the findings are exactly ``expected``
    (``(code, line)`` pairs, any order); return the findings for further checks. ``options`` are
    those of :func:`run_rules` (``profile``, ``task``, ``config``)."""
    chosen = [rules] if isinstance(rules, type) else list(rules)
    findings = run_rules(chosen, records, **options)
    got = locations(findings)
    want = sorted(expected, key=lambda item: (item[1] or 0, item[0]))
    if got != want:
        raise AssertionError(f"expected findings {want}, got {got}")
    return findings
