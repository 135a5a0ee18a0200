"""The result of a lint: findings, per-file facts and statistics, and the gate decision."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from validator.api import Finding, Severity
from validator.baseline import BaselineResult
from validator.errors import DatasetValidationError
from validator.secrets import redact, redact_texts

if TYPE_CHECKING:
    from validator.reporters import ReportOptions

__all__ = ["FileReport", "Report", "RuleInfo", "redact_file", "redact_findings"]

REPORT_VERSION = 1


@dataclass(frozen=True)
class RuleInfo:
    """What reporters need to know about a rule that produced findings."""

    code: str
    name: str
    summary: str
    default_severity: Severity
    fix: str = ""
    #: The "What" section of the rule's documentation (a full description).
    description: str = ""


@dataclass
class FileReport:
    """Facts and statistics about one linted file (``files[]`` in the JSON envelope)."""

    path: str
    format: str
    schema: str | None
    profile: str
    task: str
    task_inferred: bool
    records: int
    bytes: int | None
    encoding: str
    stats: dict[str, Any] = field(default_factory=dict)
    template: dict[str, Any] | None = None
    limits: dict[str, int | None] = field(default_factory=dict)
    #: The tuning job linted with this file (``{"kind", "parameters"}``), when there is one.
    tuning: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The ``files[]`` entry of the JSON envelope."""
        return {
            "path": self.path,
            "format": self.format,
            "schema": self.schema,
            "profile": self.profile,
            "task": self.task,
            "task_inferred": self.task_inferred,
            "records": self.records,
            "bytes": self.bytes,
            "encoding": self.encoding,
            "stats": self.stats,
            "template": self.template,
            "limits": self.limits,
            "tuning": self.tuning,
        }


@dataclass
class Report:
    """Everything a lint found. ``ok`` is the gate: no finding at or above ``fail_on``."""

    findings: list[Finding]
    files: list[FileReport]
    fail_on: Severity = Severity.ERROR
    tool_version: str = ""
    rules: Mapping[str, RuleInfo] = field(default_factory=dict)
    #: Set when a baseline was applied: what it suppressed and its stale entries.
    baseline: BaselineResult | None = None

    def __post_init__(self) -> None:
        # The one place every finding and file summary passes through on its way to any output
        # (reporters, to_dict, baselines keep hashes only): secrets and personal data that rules
        # quote from the data (a duplicate's text, an unexpected key, a template's preamble, a
        # label) are masked here, so no reporter has to remember to.
        self.findings = redact_findings(self.findings)
        self.findings.sort(key=_sort_key)
        self.files = [redact_file(f) for f in self.files]

    @property
    def ok(self) -> bool:
        """True when no finding is at or above ``fail_on``."""
        threshold = self.fail_on.rank
        return not any(f.severity.rank >= threshold for f in self.findings)

    @property
    def exit_code(self) -> int:
        """0 when :attr:`ok`, else 1 (tool errors, status 2, never produce a report)."""
        return 0 if self.ok else 1

    def counts(self) -> dict[str, int]:
        """``{"errors", "warnings", "infos"}``."""
        by = Counter(f.severity for f in self.findings)
        return {
            "errors": by[Severity.ERROR],
            "warnings": by[Severity.WARNING],
            "infos": by[Severity.INFO],
        }

    def by_code(self) -> dict[str, list[Finding]]:
        """Findings grouped by rule code, codes sorted."""
        grouped: dict[str, list[Finding]] = {}
        for finding in sorted(self.findings, key=lambda f: f.code):
            grouped.setdefault(finding.code, []).append(finding)
        return grouped

    def write_baseline(self, path: str) -> int:
        """Accept this report's findings: write them to the baseline file ``path`` (atomically);
        return the number of entries. Lint with ``baseline=path`` later to see only new findings."""
        from validator.baseline import write_baseline

        return write_baseline(self.findings, path)

    def raise_for_errors(self) -> None:
        """Raise :class:`~validator.DatasetValidationError` (carrying this report) unless ``ok``."""
        if not self.ok:
            raise DatasetValidationError(self)

    def to_dict(self) -> dict[str, Any]:
        """The versioned JSON envelope."""
        return {
            "version": REPORT_VERSION,
            "tool": {"name": "tunelint", "version": self.tool_version},
            "ok": self.ok,
            "fail_on": self.fail_on.value,
            "summary": {
                "files": len(self.files),
                "records": sum(f.records for f in self.files),
                **self.counts(),
            },
            "files": [f.to_dict() for f in self.files],
            "findings": [f.to_dict() for f in self.findings],
            **({"baseline": self.baseline.to_dict()} if self.baseline is not None else {}),
        }

    def to_json(self, indent: int | None = 2) -> str:
        """The JSON envelope as text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def render(self, format: str, options: ReportOptions | None = None) -> str:
        """The report in an output format, through the reporter registry (``--output-format FORMAT``):
        the same text the command line prints."""
        from validator.reporters import ReportOptions, get_reporter

        return get_reporter(format)(self, options if options is not None else ReportOptions())

    def to_sarif(self) -> str:
        """The report as SARIF 2.1.0 (``--output-format sarif``)."""
        return self.render("sarif")

    def to_junit(self) -> str:
        """The report as JUnit XML (``--output-format junit``)."""
        return self.render("junit")

    def to_gitlab(self) -> str:
        """The report as GitLab Code Quality JSON (``--output-format gitlab``)."""
        return self.render("gitlab")

    def to_markdown(self) -> str:
        """The report as Markdown (``--output-format markdown``)."""
        return self.render("markdown")

    def to_html(self) -> str:
        """The report as a self-contained HTML page (``--output-format html``)."""
        return self.render("html")


def redact_findings(findings: list[Finding]) -> list[Finding]:
    """``findings`` with every secret and piece of personal data in their messages and fields
    (their own and their related locations') replaced by masks; unchanged findings are kept as
    they are. One pass of cheap tests over all the texts at once clears the common case."""
    texts: list[str] = []
    for f in findings:
        texts += (f.message, f.field or "")
        texts.extend(loc.field or "" for loc in f.related)
    clean = redact_texts(texts, personal=True)
    if all(a is b for a, b in zip(clean, texts, strict=True)):
        return list(findings)
    out: list[Finding] = []
    k = 0
    for f in findings:
        message, fld = clean[k], clean[k + 1]
        fields = clean[k + 2 : k + 2 + len(f.related)]
        k += 2 + len(f.related)
        related = tuple(
            loc if loc.field == new else dataclasses.replace(loc, field=new)
            for loc, new in zip(f.related, fields, strict=True)
        )
        if message is f.message and fld == (f.field or "") and related == f.related:
            out.append(f)
        else:
            new_field = fld if f.field is not None else None
            out.append(dataclasses.replace(f, message=message, field=new_field, related=related))
    return out


def _scrub(value: Any) -> Any:
    """A JSON-like value with every string (keys included) redacted; numbers of keys that become
    equal once masked (two labels holding different secrets) are added up."""
    if isinstance(value, str):
        return redact(value, personal=True)
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_scrub(v) for v in value)
    if isinstance(value, dict):
        out: dict[Any, Any] = {}
        for key, item in value.items():
            new_key, new_item = _scrub(key), _scrub(item)
            both_numbers = isinstance(out.get(new_key), int) and isinstance(new_item, int)
            out[new_key] = out[new_key] + new_item if new_key in out and both_numbers else new_item
        return out
    return value


def redact_file(file: FileReport) -> FileReport:
    """``file`` with secrets and personal data masked in what comes from the data: the detected
    template (markers, preamble, suffixes), the labels and the tuning job's values."""
    return dataclasses.replace(
        file,
        stats=_scrub(file.stats),
        template=_scrub(file.template),
        tuning=_scrub(file.tuning),
    )


def _sort_key(f: Finding) -> tuple[str, int, int, str, str]:
    return (f.path, f.line or 0, f.column or 0, f.code, f.field or "")
