"""Exceptions raised by tunelint.

Tool errors (exit status 2) derive from :class:`TunelintError`. Findings in a dataset are never
exceptions; :class:`DatasetValidationError` is raised only on request, by
:meth:`validator.Report.raise_for_errors`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from validator.secrets import redact

if TYPE_CHECKING:
    from validator.report import Report

__all__ = [
    "ConfigError",
    "DatasetValidationError",
    "PluginError",
    "SourceError",
    "TunelintError",
    "UsageError",
]


class TunelintError(Exception):
    """A tool error: the lint could not be carried out as asked (exit status 2).

    Messages can quote data (a config value, a key, a line that failed to parse), and they end up
    on terminals and in CI logs, so secrets and personal data in them are masked when the error is
    raised (see :func:`validator.secrets.redact`)."""

    def __init__(self, *args: object) -> None:
        super().__init__(*(redact(a, personal=True) if isinstance(a, str) else a for a in args))


class UsageError(TunelintError):
    """A bad option or argument."""


class ConfigError(TunelintError):
    """A configuration file or value is invalid; the message names the file and the key."""


class SourceError(TunelintError):
    """A path is missing, unreadable, not a file, or a source object of an unsupported type."""


class PluginError(TunelintError):
    """A rule or reporter plugin failed to load or declares invalid metadata."""


class DatasetValidationError(Exception):
    """Raised by :meth:`Report.raise_for_errors` when the report is not ``ok``; carries the report."""

    def __init__(self, report: Report) -> None:
        self.report = report
        counts = report.counts()
        super().__init__(
            f"dataset validation failed: {counts['errors']} error(s), {counts['warnings']} "
            f"warning(s), {counts['infos']} info(s) in {len(report.files)} file(s) "
            f"(fail-on {report.fail_on.value})"
        )
