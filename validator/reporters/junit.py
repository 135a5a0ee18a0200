"""JUnit XML (``--output-format junit``) for CI systems that show test reports.

``<testsuites>`` holds one ``<testsuite>`` per linted file and one ``<testcase>`` per finding
(``classname`` = path, ``name`` = ``CODE line N``): errors and warnings carry a ``<failure>``, infos
pass with the message in ``<system-out>``; a clean file gets one passing testcase. Built with
ElementTree, so everything is escaped; characters XML 1.0 cannot carry become visible escapes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from validator.api import Finding, Severity
from validator.report import Report
from validator.reporters import ReportOptions
from validator.reporters._common import findings_by_path, relative_path
from validator.reporters.text import plain

__all__ = ["render_junit", "xml_text"]

# Everything outside XML 1.0's Char production (most C0 controls, lone surrogates, U+FFFE/U+FFFF), and
# carriage returns, which parsers would silently turn into newlines.
_NOT_XML = re.compile("[^\t\n\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` with characters XML 1.0 forbids replaced by visible ``\\xNN``/``\\uXXXX`` escapes."""
    return _NOT_XML.sub(lambda m: _escape(ord(m.group())), text)


def _escape(code: int) -> str:
    return f"\\x{code:02x}" if code < 256 else f"\\u{code:04x}"


def render_junit(report: Report, options: ReportOptions) -> str:
    """The report as JUnit XML (UTF-8 declaration, indented, ending with a newline)."""
    root = ET.Element("testsuites", name="tunelint")
    total_tests = total_failures = 0
    for path, findings in findings_by_path(report):
        suite = _suite(report, path, findings)
        root.append(suite)
        total_tests += int(suite.get("tests", "0"))
        total_failures += int(suite.get("failures", "0"))
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suite(report: Report, path: str, findings: list[Finding]) -> ET.Element:
    name = xml_text(relative_path(path))
    suite = ET.Element("testsuite", name=name)
    failures = 0
    for f in findings:
        case = ET.SubElement(suite, "testcase", classname=name, name=f"{f.code} line {f.line or 1}")
        body = _details(report, f)
        if f.severity is Severity.INFO:
            ET.SubElement(case, "system-out").text = body
        else:
            failure = ET.SubElement(case, "failure", message=xml_text(f.message), type=f.severity.value)
            failure.text = body
            failures += 1
    if not findings:
        ET.SubElement(suite, "testcase", classname=name, name="no findings")
    suite.set("tests", str(max(len(findings), 1)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", "0")
    return suite


def _details(report: Report, f: Finding) -> str:
    where = f"{relative_path(f.path)}:{f.line or 1}:{f.column or 1}"
    lines = [f"{where}: {f.code} {f.name} [{f.severity.value}]", f.message]
    extra = []
    if f.record is not None:
        extra.append(f"record {f.record}")
    if f.field:
        extra.append(f"field {f.field}")
    if extra:
        lines.append(", ".join(extra))
    info = report.rules.get(f.code)
    if info is not None and info.fix:
        lines.append("help: " + " ".join(plain(info.fix).split()))
    return xml_text("\n".join(lines))
