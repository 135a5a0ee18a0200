"""Human-readable reporters: ``full`` (grouped by file, with hints and a summary) and ``concise``
(one ``path:line:col: CODE message`` per finding, as compilers and ruff print)."""

from __future__ import annotations

from collections.abc import Iterable

import click

from validator.api import Finding, Severity
from validator.report import FileReport, Report
from validator.reporters import ReportOptions
from validator.reporters._common import one_line, terminal_text

__all__ = ["plain", "render_concise", "render_full", "sanitize"]

_SEVERITY_COLOR = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def plain(doc: str) -> str:
    """Docstring markup for a terminal: reStructuredText ````literal```` becomes ```literal```."""
    return doc.replace("``", "`")


def sanitize(text: str) -> str:
    """Text safe to print on a terminal: escape sequences, controls and bidi overrides from the data
    are made visible (line feeds are kept; see :func:`~validator.reporters._common.one_line`)."""
    return terminal_text(text)


def _style(text: str, options: ReportOptions, **kw: object) -> str:
    return click.style(text, **kw) if options.color else text  # type: ignore[arg-type]


def _where(f: Finding) -> str:
    # Always path:line:column so editors and problem matchers can parse every line; a finding about
    # the whole file points at its start, as ruff and compilers do.
    return f"{one_line(f.path)}:{f.line or 1}:{f.column or 1}"


def render_concise(report: Report, options: ReportOptions) -> str:
    """One line per finding, then (unless quiet) a one-line total."""
    lines = [
        f"{_where(f)}: {_style(f.code, options, fg=_SEVERITY_COLOR[f.severity], bold=True)} "
        f"[{f.severity.value}] {one_line(f.message)}"
        for f in report.findings
    ]
    if options.statistics:
        lines.extend(_statistics(report, options))
    if not options.quiet:
        for file in report.files:
            lines.extend(f"{one_line(file.path)}: {line.strip()}" for line in _template_lines(file))
        lines.append(_totals(report, options))
    return "".join(line + "\n" for line in lines)


def render_full(report: Report, options: ReportOptions) -> str:
    """Findings grouped by file with rule name, location, field and fix hint; then a summary."""
    out: list[str] = []
    by_path: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_path.setdefault(finding.path, []).append(finding)
    for path, findings in by_path.items():
        out.append(_style(one_line(path), options, bold=True, underline=True))
        hinted: set[str] = set()  # a rule's fix hint is shown once per file, at its first finding
        for f in findings:
            loc = f"{f.line}:{f.column or 1}" if f.line is not None else "-"
            sev = _style(f"{f.severity.value:<7}", options, fg=_SEVERITY_COLOR[f.severity])
            code = _style(f.code, options, bold=True)
            out.append(f"  {loc:>8}  {sev}  {code} {one_line(f.name)}  {one_line(f.message)}")
            details = []
            if f.record is not None:
                details.append(f"record {f.record}")
            if f.field:
                details.append(f"field {one_line(f.field)}")
            for rel in f.related:
                where = "" if rel.path == f.path else f"{one_line(rel.path)} "
                details.append(f"see {where}line {rel.line}" + (f" (record {rel.record})" if rel.record else ""))
            if details:
                out.append(" " * 21 + _style(", ".join(details), options, dim=True))
            hint = "" if f.code in hinted else _hint(report, f.code)
            hinted.add(f.code)
            if hint:
                out.append(" " * 21 + _style(f"help: {hint}", options, fg="cyan"))
        out.append("")
    if options.statistics:
        out.extend(_statistics(report, options))
        out.append("")
    if not options.quiet:
        out.extend(_summary(report, options))
    elif not report.findings:
        return ""
    return "\n".join(out) + "\n"


def _hint(report: Report, code: str) -> str:
    info = report.rules.get(code)
    if info is None or not info.fix:
        return ""
    first = info.fix.split("\n\n", 1)[0]
    return plain(" ".join(first.split()))


def _summary(report: Report, options: ReportOptions) -> list[str]:
    out = [_style("Summary", options, bold=True)]
    for file in report.files:
        out.extend(_file_summary(file))
    out.extend(_baseline_lines(report))
    out.append(_totals(report, options))
    return out


def _baseline_lines(report: Report) -> list[str]:
    """What the baseline accepted, and its stale entries (findings fixed since it was written)."""
    result = report.baseline
    if result is None:
        return []
    lines = [f"  baseline {one_line(result.path)}: {result.suppressed:,} accepted finding(s) not shown"]
    if result.stale:
        total = sum(s.count for s in result.stale)
        lines.append(f"    {total:,} stale entr{'y' if total == 1 else 'ies'} (fixed since; rewrite the baseline):")
        lines.extend(
            f"      {one_line(s.path)} {one_line(s.code)} {s.fingerprint}" + (f" ×{s.count}" if s.count > 1 else "")
            for s in result.stale[:50]
        )
        if len(result.stale) > 50:
            lines.append(f"      … {len(result.stale) - 50} more (see --output-format json)")
    return lines


def _file_summary(file: FileReport) -> list[str]:
    facts = [
        file.format or "?",
        f"shape {file.schema or 'unknown'}",
        f"profile {file.profile}",
        f"task {file.task}" + (" (inferred)" if file.task_inferred else ""),
        f"{file.records:,} record{'s' if file.records != 1 else ''}",
    ]
    if file.bytes is not None:
        limit = file.limits.get("max_file_bytes")
        facts.append(_size(file.bytes) + (f" of {_size(limit)}" if limit else ""))
    facts.append(file.encoding)
    lines = [f"  {one_line(file.path)}: " + one_line(" · ".join(facts))]
    for label, key, limit_key in (
        ("input chars ", "input_chars", "max_input_chars"),
        ("output chars", "output_chars", "max_output_chars"),
    ):
        stats = file.stats.get(key) or {}
        if not stats.get("count"):
            continue
        limit = file.limits.get(limit_key)
        over = ""
        if limit:
            over = f"   limit {limit:,}"
        lines.append(
            f"    {label}  min {stats['min']:,}  p50 {stats['p50']:,}  p95 {stats['p95']:,}  max {stats['max']:,}{over}"
        )
    lines.extend(_token_lines(file))
    lines.extend(_template_lines(file))
    labels = file.stats.get("labels")
    if labels:
        shown = ", ".join(f"{sanitize(repr(label))} {count:,}" for label, count in list(labels.items())[:10])
        more = f", … {len(labels) - 10} more" if len(labels) > 10 else ""
        lines.append(f"    labels        {len(labels)}: {shown}{more}")
    recommended = file.limits.get("recommended_examples")
    minimum = file.limits.get("min_examples")
    if minimum or recommended:
        parts = []
        if minimum:
            parts.append(f"minimum {minimum:,}")
        if recommended:
            parts.append(f"recommended {recommended:,}")
        lines.append(f"    examples      {file.records:,} ({', '.join(parts)})")
    return lines


def _token_lines(file: FileReport) -> list[str]:
    """Token percentiles per example and the billable total (dataset tokens x epochs)."""
    tokens = file.stats.get("tokens") or {}
    total = tokens.get("total") or {}
    if not tokens.get("dataset"):
        return []
    how = "estimated" if tokens.get("estimated") else f"by {tokens.get('method')}"
    limit = file.limits.get("max_example_tokens")
    lines = [
        f"    tokens        per example p50 {total['p50']:,}  p95 {total['p95']:,}  max {total['max']:,}"
        + (f"   limit {limit:,}" if limit else "")
        + f"  ({how})"
    ]
    epochs = tokens.get("epochs", 1)
    lines.append(
        f"    billable      {tokens['dataset']:,} dataset tokens × {epochs} epoch{'s' if epochs != 1 else ''}"
        f" = {tokens['billable']:,} ({how})"
    )
    return lines


def _template_lines(file: FileReport) -> list[str]:
    """The detected template, so production prompts can be formatted the same way."""
    template = file.template or {}
    lines = []
    markers = template.get("markers")
    if markers:
        share = template.get("share")
        share_text = f" ({share:.0%} of inputs)" if isinstance(share, (int, float)) else ""
        lines.append("    template      markers " + " → ".join(one_line(str(m)) for m in markers) + share_text)
    for key, label in (("preamble", "preamble"), ("input_suffix", "input ends"), ("output_suffix", "output ends")):
        value = template.get(key)
        if value:
            lines.append(f"    {label:<13} {sanitize(repr(value))}")
    if template.get("json_outputs"):
        lines.append("    outputs       JSON")
    return lines


def _size(n: int | None) -> str:
    if n is None:
        return "?"
    if n < 1024:
        return f"{n:,} B"
    if n < 1024**2:
        return f"{n / 1024:,.1f} KiB"
    return f"{n / 1024**2:,.1f} MiB"


def _totals(report: Report, options: ReportOptions) -> str:
    c = report.counts()
    files = len(report.files)
    text = (
        f"{c['errors']} error{'s' if c['errors'] != 1 else ''}, "
        f"{c['warnings']} warning{'s' if c['warnings'] != 1 else ''}, "
        f"{c['infos']} info{'s' if c['infos'] != 1 else ''} in {files} file{'s' if files != 1 else ''}"
    )
    verdict = "passed" if report.ok else f"failed (fail-on {report.fail_on.value})"
    color = "green" if report.ok else "red"
    return f"{text}: " + _style(verdict, options, fg=color, bold=True)


def _statistics(report: Report, options: ReportOptions) -> Iterable[str]:
    counts: dict[str, tuple[str, Severity, int]] = {}
    for f in report.findings:
        name, sev, n = counts.get(f.code, (f.name, f.severity, 0))
        counts[f.code] = (name, max(sev, f.severity, key=lambda s: s.rank), n + 1)
    for code in sorted(counts, key=lambda c: (-counts[c][2], c)):
        name, sev, n = counts[code]
        yield f"{n:>7}  {code}  {name} [{sev.value}]"
