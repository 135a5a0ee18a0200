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
from validator.config import settings_from_mapping
from validator.engine import lint_memory
from validator.plugins import RuleRegistry

__all__ = ["assert_findings", "locations", "run_rules"]


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
    data = dict(config or {})
    if profile is not None:
        data["profile"] = profile
    if task is not None:
        data["task"] = task
    registry = RuleRegistry(rules)
    settings = settings_from_mapping(data, "run_rules config")
    return lint_memory(list(records), settings, registry).findings


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
