"""GitLab Code Quality JSON (``--output-format gitlab``) for merge-request widgets.

A JSON array of ``{description, check_name, fingerprint, severity, location: {path, lines: {begin}}}``.
Fingerprints are unique across the report and stable across runs: a hash of the repository-relative
path, the finding's content fingerprint and its occurrence index, so inserting or moving records does
not turn unchanged findings into "new" ones.
"""

from __future__ import annotations

from typing import Any

from validator.api import Finding, Severity
from validator.report import Report
from validator.reporters import ReportOptions
from validator.reporters._common import dumps_json, relative_path, unique_fingerprints

__all__ = ["render_gitlab"]

#: Code Quality severities are info, minor, major, critical and blocker.
_SEVERITY = {Severity.INFO: "info", Severity.WARNING: "minor", Severity.ERROR: "major"}


def render_gitlab(report: Report, options: ReportOptions) -> str:
    """The findings as a Code Quality report (an indented JSON array, ending with a newline)."""
    fingerprints = unique_fingerprints(report.findings)
    issues = [_issue(f, fp) for f, fp in zip(report.findings, fingerprints, strict=True)]
    return dumps_json(issues, indent=2) + "\n"


def _issue(f: Finding, fingerprint: str) -> dict[str, Any]:
    return {
        "description": f"{f.code} {f.name}: {f.message}",
        "check_name": f.code,
        "fingerprint": fingerprint,
        "severity": _SEVERITY[f.severity],
        "location": {"path": relative_path(f.path), "lines": {"begin": f.line if f.line and f.line > 0 else 1}},
    }
