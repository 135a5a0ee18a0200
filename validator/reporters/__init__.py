"""Reporters turn a :class:`~validator.report.Report` into text.

They are registered in the ``tunelint.reporters`` entry-point group (the built-ins too), so a
third-party package can add an output format. A reporter is a callable
``(report, options) -> str`` where ``options`` is a :class:`ReportOptions`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points

from validator.errors import PluginError, UsageError
from validator.report import Report

__all__ = ["ENTRY_POINT_GROUP", "ReportOptions", "Reporter", "get_reporter", "reporter_names"]

ENTRY_POINT_GROUP = "tunelint.reporters"


@dataclass(frozen=True)
class ReportOptions:
    """How to render: ``color`` for ANSI styling, ``quiet`` to print only findings (no summary)."""

    color: bool = False
    quiet: bool = False
    statistics: bool = False


Reporter = Callable[[Report, ReportOptions], str]


@cache
def _reporters() -> dict[str, Reporter]:
    found: dict[str, Reporter] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            found[ep.name] = ep.load()
        except Exception as exc:  # a broken plugin is a tool error, never a silent skip
            raise PluginError(f"reporter plugin {ep.name!r} ({ep.value}) failed to load: {exc}") from exc
    return found


def reporter_names() -> list[str]:
    """Names of every registered output format."""
    return sorted(_reporters())


def get_reporter(name: str) -> Reporter:
    """The reporter registered as ``name``."""
    reporter = _reporters().get(name)
    if reporter is None:
        raise UsageError(f"unknown output format {name!r}; available: {', '.join(reporter_names())}")
    return reporter
