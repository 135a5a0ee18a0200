"""The versioned JSON envelope (``--output-format json``)."""

from __future__ import annotations

from validator.report import Report
from validator.reporters import ReportOptions
from validator.reporters._common import dumps_json

__all__ = ["render_json"]


def render_json(report: Report, options: ReportOptions) -> str:
    """The report's JSON envelope, indented, ending with a newline. The same document as
    :meth:`Report.to_json`, with U+2028/U+2029 and lone surrogates from the data written as
    ``\\uXXXX`` escapes, so line-based tools and JavaScript parsers read it safely."""
    return dumps_json(report.to_dict(), indent=2) + "\n"
