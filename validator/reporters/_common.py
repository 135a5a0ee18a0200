"""Helpers shared by the machine-readable reporters (SARIF, GitHub, GitLab, JUnit, Markdown, JSON Lines)."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from validator.api import Finding
from validator.report import Report

__all__ = [
    "clean_text",
    "dumps_json",
    "finding_fingerprint",
    "findings_by_path",
    "one_line",
    "relative_path",
    "terminal_text",
    "unique_fingerprints",
    "uri_for",
]

# What dataset text must not carry into any output: ANSI escape sequences (a CSI sequence is shown
# whole, so the escape reads as what it is), the C0 controls other than tab, line feed and carriage
# return (each format escapes those its own way), DELETE, the C1 controls (0x9B is a one-byte CSI,
# 0x85 a line break), the Unicode line and paragraph separators (``str.splitlines`` and many
# editors break lines there: a Markdown row or an annotation would split), and the bidirectional
# overrides and isolates that make text display in an order other than its own (Trojan Source).
# One pattern for every reporter; terminals also escape the carriage return.
_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Characters json.dumps(ensure_ascii=False) leaves raw that line-based readers treat as line breaks.
_LINE_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}


def _escaped(m: re.Match[str]) -> str:
    return m.group().encode("unicode_escape").decode("ascii")


def clean_text(text: str) -> str:
    """Dataset text made safe for any output: terminal escape sequences, control characters other
    than tab, line feed and carriage return, Unicode line separators, bidirectional overrides and
    lone surrogates become visible backslash escapes (``\\x1b[31m``, ``\\x07``, ``\\u2028``,
    ``\\u202e``, ``\\udc80``)."""
    text = _CONTROL.sub(_escaped, text)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def terminal_text(text: str) -> str:
    """:func:`clean_text` for a terminal, where a carriage return would let the data overwrite the
    line before it: it becomes ``\\r``. Line feeds are kept."""
    return clean_text(text).replace("\r", "\\r")


def one_line(text: str) -> str:
    """:func:`terminal_text` for a place that must stay one line (a terminal finding line): line
    feeds become ``\\n`` too, so data cannot forge extra lines."""
    return terminal_text(text).replace("\n", "\\n")


def dumps_json(value: Any, indent: int | None = None) -> str:
    """JSON text with non-ASCII kept readable, yet safe to write as UTF-8 and to split into lines: lone
    surrogates and the Unicode line separators are written as ``\\uXXXX`` escapes (they only occur
    inside strings, so the escapes decode back to the same value)."""
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    for raw, escaped in _LINE_BREAKS.items():
        text = text.replace(raw, escaped)
    return text


def relative_path(path: str) -> str:
    """``path`` as a POSIX path relative to the working directory when it lies under it (as CI systems
    expect repository-relative paths); otherwise unchanged. Pseudo-paths such as ``<stdin>`` stay."""
    rel = _under_cwd(path)
    return path if rel is None else rel


def uri_for(path: str) -> tuple[str, bool]:
    """A URI for ``path`` and whether it is relative (to the working directory, i.e. ``%SRCROOT%``).

    Paths under the working directory become percent-encoded relative POSIX URIs such as
    ``data/my%20train.jsonl``; other paths become ``file://`` URIs; pseudo-paths such as ``<stdin>``
    are percent-encoded as relative references.
    """
    if not _is_file_path(path):
        return quote(path or "unknown", safe=""), True
    rel = _under_cwd(path)
    if rel is None:
        return Path(os.path.abspath(path)).as_uri(), False
    return quote(rel, safe="/", errors="surrogateescape"), True  # an undecodable file name: its bytes


def _under_cwd(path: str) -> str | None:
    if not _is_file_path(path):
        return None
    try:
        return Path(os.path.abspath(path)).relative_to(Path.cwd().absolute()).as_posix()
    except (ValueError, OSError):
        return None


def _is_file_path(path: str) -> bool:
    return bool(path) and path != "-" and not (path.startswith("<") and path.endswith(">"))


def finding_fingerprint(finding: Finding) -> str:
    """The finding's stable fingerprint; findings built outside the engine get one from code, field and
    record number."""
    if finding.fingerprint:
        return finding.fingerprint
    key = f"{finding.code}\x1f{finding.field or ''}\x1f{finding.record or ''}"
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def unique_fingerprints(findings: Sequence[Finding]) -> list[str]:
    """One fingerprint per finding, unique across the report and stable across runs: a hash of the
    relative path, the finding's own fingerprint and how many earlier findings in the same file share
    it (the occurrence index)."""
    seen: dict[tuple[str, str], int] = {}
    out: list[str] = []
    for finding in findings:
        path = relative_path(finding.path)
        base = finding_fingerprint(finding)
        n = seen.get((path, base), 0)
        seen[(path, base)] = n + 1
        key = f"{path}\x00{base}\x00{n}".encode("utf-8", "surrogatepass")
        out.append(hashlib.sha256(key).hexdigest()[:32])
    return out


def findings_by_path(report: Report) -> Iterator[tuple[str, list[Finding]]]:
    """``(path, findings)`` for every linted file (in report order, clean files included), then for
    any other path a finding points at."""
    grouped: dict[str, list[Finding]] = {file.path: [] for file in report.files}
    for finding in report.findings:
        grouped.setdefault(finding.path, []).append(finding)
    yield from grouped.items()
