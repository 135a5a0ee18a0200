"""GitHub Actions workflow commands (``--output-format github``): one annotation per finding.

``::error file=PATH,line=N,col=C,title=CODE name::message`` (``warning``, or ``notice`` for infos),
escaped as GitHub's toolkit does: ``%``, ``\\r`` and ``\\n`` in the message; additionally ``:`` and
``,`` in property values. When ``$GITHUB_STEP_SUMMARY`` is set, the Markdown report is appended to it.
"""

from __future__ import annotations

import os

from validator.api import Finding, Severity
from validator.report import Report
from validator.reporters import ReportOptions
from validator.reporters._common import clean_text, relative_path
from validator.reporters.markdown import render_markdown

__all__ = ["escape_data", "escape_property", "render_github"]

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """A workflow command's message escaped: ``%``, carriage return and newline."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value escaped: as :func:`escape_data`, plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: Report, options: ReportOptions) -> str:
    """One workflow command per finding; appends the Markdown report to ``$GITHUB_STEP_SUMMARY``."""
    lines = [_command(f) for f in report.findings]
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        lines.extend(_append_summary(summary, report, options))
    return "".join(line + "\n" for line in lines)


def _command(f: Finding) -> str:
    props = []
    if f.path:
        props.append(f"file={escape_property(clean_text(relative_path(f.path)))}")
    if f.line is not None and f.line > 0:
        props.append(f"line={f.line}")
        if f.column is not None and f.column > 0:
            props.append(f"col={f.column}")
    props.append(f"title={escape_property(clean_text(f'{f.code} {f.name}'))}")
    return f"::{_COMMAND[f.severity]} {','.join(props)}::{escape_data(clean_text(f.message))}"


def _append_summary(path: str, report: Report, options: ReportOptions) -> list[str]:
    """Append the Markdown report to the step summary file; a failure becomes a warning annotation."""
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(render_markdown(report, options))
    except OSError as exc:
        return [f"::warning title=tunelint::{escape_data(f'could not write the step summary {path}: {exc}')}"]
    return []
