"""JSON Lines (``--output-format json-lines``): one finding per line, nothing else.

Each line is the finding as it appears in the JSON envelope's ``findings`` array; no findings means an
empty output. Streams into ``jq``, log shippers and line-oriented tools.
"""

from __future__ import annotations

from validator.report import Report
from validator.reporters import ReportOptions
from validator.reporters._common import dumps_json

__all__ = ["render_json_lines"]


def render_json_lines(report: Report, options: ReportOptions) -> str:
    """One compact JSON object per finding, each ending with a newline."""
    return "".join(dumps_json(f.to_dict()) + "\n" for f in report.findings)
