"""SARIF 2.1.0 (``--output-format sarif``), as GitHub code scanning ingests it.

One run; ``tool.driver.rules`` describes every rule in the report (summary, description, fix, default
level); each finding is a result pointing at its file (a repository-relative URI under ``%SRCROOT%``
when the file lies under the working directory), its line and column, with a stable
``partialFingerprints`` entry so code scanning tracks an alert across commits even when lines move.
"""

from __future__ import annotations

from typing import Any

from validator.api import Finding, Severity
from validator.report import Report, RuleInfo
from validator.reporters import ReportOptions
from validator.reporters._common import dumps_json, finding_fingerprint, unique_fingerprints, uri_for
from validator.reporters.text import plain

__all__ = ["SARIF_SCHEMA", "SARIF_VERSION", "render_sarif"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://pypi.org/project/tunelint/"
FINGERPRINT_KEY = "tunelintFingerprint/v1"

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render_sarif(report: Report, options: ReportOptions) -> str:
    """The report as a SARIF 2.1.0 log (indented JSON, ending with a newline)."""
    rules = _rules(report)
    index = {rule.code: i for i, rule in enumerate(rules)}
    fingerprints = unique_fingerprints(report.findings)
    driver: dict[str, Any] = {"name": "tunelint", "informationUri": INFORMATION_URI}
    if report.tool_version:
        driver["version"] = report.tool_version
    driver["rules"] = [_descriptor(rule) for rule in rules]
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index[f.code], fp) for f, fp in zip(report.findings, fingerprints, strict=True)],
    }
    log = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return dumps_json(log, indent=2) + "\n"


def _rules(report: Report) -> list[RuleInfo]:
    """Every rule the report describes plus any code a finding uses without a description, by code."""
    rules = dict(report.rules)
    for f in report.findings:
        if f.code not in rules:
            rules[f.code] = RuleInfo(f.code, f.name, f.name, f.severity)
    return [rules[code] for code in sorted(rules)]


def _descriptor(rule: RuleInfo) -> dict[str, Any]:
    summary = _one_line(rule.summary) or rule.name or rule.code
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name or rule.code,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": _paragraphs(rule.description) or summary},
        "defaultConfiguration": {"level": _LEVEL[rule.default_severity]},
    }
    if rule.fix:
        descriptor["help"] = {"text": _paragraphs(rule.fix), "markdown": plain(rule.fix.strip())}
    return descriptor


def _result(f: Finding, rule_index: int, fingerprint: str) -> dict[str, Any]:
    uri, relative = uri_for(f.path)
    artifact: dict[str, Any] = {"uri": uri}
    if relative:
        artifact["uriBaseId"] = "%SRCROOT%"
    region: dict[str, Any] = {"startLine": f.line if f.line and f.line > 0 else 1}
    if f.column and f.column > 0:
        region["startColumn"] = f.column
    result: dict[str, Any] = {
        "ruleId": f.code,
        "ruleIndex": rule_index,
        "level": _LEVEL[f.severity],
        "message": {"text": f.message or f.name},
        "locations": [{"physicalLocation": {"artifactLocation": artifact, "region": region}}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    related = [_related(i, loc.path, loc.line) for i, loc in enumerate(f.related, start=1)]
    if related:
        result["relatedLocations"] = related
    properties: dict[str, Any] = {"fingerprint": finding_fingerprint(f)}
    if f.record is not None:
        properties["record"] = f.record
    if f.field:
        properties["field"] = f.field
    if f.fixable:
        properties["fixable"] = True
    result["properties"] = properties
    return result


def _related(i: int, path: str, line: int | None) -> dict[str, Any]:
    uri, relative = uri_for(path)
    artifact: dict[str, Any] = {"uri": uri}
    if relative:
        artifact["uriBaseId"] = "%SRCROOT%"
    return {
        "id": i,
        "physicalLocation": {"artifactLocation": artifact, "region": {"startLine": line if line and line > 0 else 1}},
    }


def _one_line(text: str) -> str:
    return " ".join(plain(text).split())


def _paragraphs(text: str) -> str:
    """Docstring-style text reflowed: paragraphs kept, lines within a paragraph joined."""
    return "\n\n".join(_one_line(p) for p in plain(text).strip().split("\n\n") if p.strip())
