"""The versioned JSON envelope (``--output-format json``)."""

from __future__ import annotations

from validator.report import Report
from validator.reporters import ReportOptions

__all__ = ["render_json"]


def render_json(report: Report, options: ReportOptions) -> str:
    """The report's JSON envelope, indented, ending with a newline."""
    return report.to_json(indent=2) + "\n"
