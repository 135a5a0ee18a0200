"""Helpers for plugin authors: run rules on in-memory records the way the core does.

>>> from validator.testing import run_rules
>>> from validator.api import Rule
>>> findings = run_rules([MyRule], [{"text_input": "a", "output": "b"}])  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from validator.api import Finding, Rule
from validator.config import settings_from_mapping
from validator.engine import lint_memory
from validator.plugins import RuleRegistry

__all__ = ["run_rules"]


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
