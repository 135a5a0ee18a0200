"""Markdown (``--output-format markdown``) for ``$GITHUB_STEP_SUMMARY`` and merge-request comments.

A summary table (file, shape, profile, records and counts), then the findings grouped by file in a
table. Dataset text is escaped so it cannot break a table or inject markup; very long reports are
capped at :data:`MAX_FINDINGS` findings.
"""

from __future__ import annotations

import re

from validator.api import Finding
from validator.report import FileReport, Report
from validator.reporters import ReportOptions
from validator.reporters._common import clean_text, findings_by_path, relative_path

__all__ = ["MAX_FINDINGS", "escape_markdown", "render_markdown"]

MAX_FINDINGS = 1000

# Markup that could act inside a table cell; ``$`` (math), ``@`` (mentions) and ``#`` (references) too.
_SPECIAL = re.compile(r"([\\`*_\[\]|~$@#])")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape_markdown(text: str) -> str:
    """``text`` safe inside a Markdown table cell: one line, markup characters backslash-escaped and
    ``&``, ``<``, ``>`` written as entities (no HTML from the data)."""
    text = " ".join(clean_text(text).replace("\r", "\n").split("\n"))
    text = _SPECIAL.sub(r"\\\1", text)
    return "".join(_ENTITIES.get(ch, ch) for ch in text)


def render_markdown(report: Report, options: ReportOptions) -> str:
    """The report as GitHub-flavoured Markdown, ending with a newline."""
    counts = report.counts()
    status = "passed" if report.ok else "failed"
    records = sum(file.records for file in report.files)
    out = [
        "## tunelint report",
        "",
        f"**{status}** (fail-on: {report.fail_on.value}): {counts['errors']:,} error(s), "
        f"{counts['warnings']:,} warning(s), {counts['infos']:,} info(s) in {len(report.files):,} file(s), "
        f"{records:,} record(s).",
        "",
        "| File | Shape | Profile | Records | Errors | Warnings | Infos |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    by_path = dict(findings_by_path(report))
    out.extend(_file_row(file, by_path.get(file.path, [])) for file in report.files)
    shown = 0
    for path, findings in by_path.items():
        if not findings or shown >= MAX_FINDINGS:
            continue
        out += ["", f"### {escape_markdown(relative_path(path))}", ""]
        out += ["| Line | Severity | Code | Name | Message |", "| ---: | --- | --- | --- | --- |"]
        for f in findings[: MAX_FINDINGS - shown]:
            out.append(_finding_row(f))
        shown += min(len(findings), MAX_FINDINGS - shown)
    if len(report.findings) > shown:
        out += [
            "",
            f"… and {len(report.findings) - shown:,} more finding(s) not shown; "
            "run `tunelint lint` locally or use `--output-format json` for all of them.",
        ]
    return "\n".join(out) + "\n"


def _file_row(file: FileReport, findings: list[Finding]) -> str:
    errors = sum(f.severity.value == "error" for f in findings)
    warnings = sum(f.severity.value == "warning" for f in findings)
    infos = sum(f.severity.value == "info" for f in findings)
    shape = f"{file.format} / {file.schema}" if file.schema else file.format
    cells = [
        escape_markdown(relative_path(file.path)),
        escape_markdown(shape),
        escape_markdown(file.profile),
        f"{file.records:,}",
        f"{errors:,}",
        f"{warnings:,}",
        f"{infos:,}",
    ]
    return "| " + " | ".join(cells) + " |"


def _finding_row(f: Finding) -> str:
    line = str(f.line) if f.line is not None else "-"
    cells = [line, f.severity.value, f.code, escape_markdown(f.name), escape_markdown(f.message)]
    return "| " + " | ".join(cells) + " |"
