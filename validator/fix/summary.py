"""What the ``fix`` command prints: the changes per rule code, then a lint of the written file(s)."""

from __future__ import annotations

import json
from typing import Any

from validator.api import Severity
from validator.fix.result import FixResult
from validator.report import Report
from validator.schemas import MAPPED

__all__ = ["has_errors", "lint_result", "render_json", "render_text"]


def lint_result(
    result: FixResult,
    *,
    isolated: bool,
    config: str | None,
    input_field: str | None,
    output_field: str | None,
) -> Report:
    """Lint the written output (with its validation file, so D004 checks the split). The field
    mapping is passed on only while the output keeps the mapped shape."""
    import validator

    mapped = result.output_shape == MAPPED
    return validator.lint(
        result.output,
        isolated=isolated,
        config=config,
        input_field=input_field if mapped else None,
        output_field=output_field if mapped else None,
        validation=result.validation,
    )


def has_errors(report: Report) -> bool:
    """True when the report has an error finding (the fix command then exits 1)."""
    return any(f.severity is Severity.ERROR for f in report.findings)


def render_text(result: FixResult, report: Report | None) -> str:
    """The human summary: a heading, one line per change, the record counts and the lint."""
    shape = ""
    if result.output_shape != result.input_shape:
        shape = f", shape {result.input_shape} -> {result.output_shape}"
    formats = f"{result.input_format} -> {result.output_format}{shape}"
    lines = [f"tunelint fix: {result.input} -> {result.output} ({formats})"]
    lines += [f"  {change.code} {change.message}" for change in result.changes]
    if not result.changes:
        lines.append("  nothing to change: the records were copied as they are")
    records = f"records: {result.records_in} in, {result.records_out} out"
    if result.validation is not None:
        records += f" + {result.validation_records} validation"
    lines.append(records)
    if report is not None:
        counts = report.counts()
        verdict = "has errors" if has_errors(report) else "no errors"
        lines.append(
            f"lint of the output: {counts['errors']} errors, {counts['warnings']} warnings, {counts['infos']} infos "
            f"({verdict})"
        )
        for f in report.findings:
            where = f"{f.path}:{f.line}:" if f.line is not None else f"{f.path}:"
            lines.append(f"  {where} {f.code} [{f.severity.value}] {f.message}")
    return "\n".join(lines) + "\n"


def render_json(result: FixResult, report: Report | None) -> str:
    """``--output-format json``: the change summary and the lint report."""
    data: dict[str, Any] = {"version": 1, **result.to_dict()}
    data["lint"] = report.to_dict() if report is not None else None
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
