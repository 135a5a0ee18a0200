"""Dataset text cannot take over a report: hostile keys, values and labels through every format.

The data carries terminal escape sequences, C0/C1 controls, carriage returns and line feeds that
would forge report lines, bidi overrides, HTML and attribute injection (``<script>``,
``"onmouseover=``), Markdown table breakers (``|``, backticks, ``<``), GitHub workflow-command
escapes (``%0A``, ``::``) and XML-illegal characters. Each format is parsed the way its consumer
parses it and checked structurally: one line per finding, one table row per finding, no element
or attribute from the data, a well-formed XML document.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import run_cli

EVIL = (
    "\x1b[2J\x1b[31mRED\x1b[0m\x07\x9b1m\rOVERWRITE\n0 errors, 0 warnings: passed\u2028"
    "\u202egnp.exe <script>alert(1)</script> \"onmouseover=alert(2) x=' | `code` %0A::error::x <b>\x01\x0b"
)
#: Keys are quoted raw by the rules that report them (S004), so the key carries the attack.
KEY = 'k<script>alert(3)</script>"onmouseover=alert(4)| `code` %0A\x1b[31m\r\n0 errors: passed\u2028::line'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    labels = ["good", "bad", "meh " + EVIL]  # a label holding the hostile text: the summaries list labels
    records = [{"text_input": f"Classify review {i}: fine", "output": labels[i % 3]} for i in range(30)]
    records.append({"text_input": "x", "output": "good", KEY: "value " + EVIL})  # an unexpected key (S004)
    records.append({"text_input": "dup " + EVIL, "output": "good"})
    records.append({"text_input": "dup " + EVIL, "output": "good"})  # D001
    path = root / "evil.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _lint(path: Path, fmt: str, *extra: str) -> str:
    code, out, err = run_cli("lint", "--isolated", "--fail-on", "warning", "--output-format", fmt, *extra, str(path))
    assert code == 1, err
    return out


def _findings(path: Path) -> list[dict[str, object]]:
    out = _lint(path, "json")
    findings: list[dict[str, object]] = json.loads(out)["findings"]
    assert any(f["code"] == "S004" for f in findings) and any(f["code"] == "D001" for f in findings)
    return findings


_RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


@pytest.mark.parametrize("fmt", ["full", "concise", "github", "markdown"])
def test_terminal_formats_carry_no_control_characters(hostile: Path, fmt: str) -> None:
    out = _lint(hostile, fmt, "--color" if fmt in ("full", "concise") else "--no-color")
    styled = re.sub(r"\x1b\[[0-9;]*m", "", out) if fmt in ("full", "concise") else out  # our own colours
    assert not _RAW_CONTROLS.search(styled), repr(_RAW_CONTROLS.search(styled))
    assert "\\x1b[31m" in styled or "%5Cx1b" in styled or "\\\\x1b" in styled  # shown, not obeyed


def test_concise_is_one_line_per_finding(hostile: Path) -> None:
    findings = _findings(hostile)
    lines = _lint(hostile, "concise", "-q").splitlines()
    assert len(lines) == len(findings)
    assert all(line.startswith(str(hostile) + ":") for line in lines)
    assert not any(line.startswith("0 errors") for line in lines)


def test_full_cannot_forge_lines(hostile: Path) -> None:
    out = _lint(hostile, "full")
    assert "\n0 errors, 0 warnings: passed" not in out
    verdicts = [line for line in out.splitlines() if re.match(r"\d+ errors?, \d+ warnings?", line)]
    assert len(verdicts) == 1 and verdicts[0].endswith("failed (fail-on warning)")


def test_github_is_one_command_per_finding(hostile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    findings = _findings(hostile)
    lines = _lint(hostile, "github").splitlines()
    assert len(lines) == len(findings)
    command = re.compile(r"::(error|warning|notice) file=[^:,]+(,line=\d+)?(,col=\d+)?,title=[^:,]+::[^\r\n]*\Z")
    assert all(command.match(line) for line in lines), lines
    assert any("%250A" in line for line in lines)  # a literal "%0A" in the data is not a line break


def test_markdown_has_one_row_per_finding_and_no_markup(hostile: Path) -> None:
    findings = _findings(hostile)
    out = _lint(hostile, "markdown")
    rows = [line for line in out.splitlines() if line.startswith("| ") and not line.startswith("| ---")]
    finding_rows = rows[2:]  # the files table: header and one file
    assert len(finding_rows) == len(findings) + 1  # plus the findings table's header
    for row in finding_rows:
        unescaped_pipes = len(re.findall(r"(?<!\\)\|", row))
        assert unescaped_pipes == 6, row  # five cells
    assert "<script>" not in out and "<b>" not in out and "&lt;script&gt;" in out
    assert "`code`" not in out and "\\`code\\`" in out  # the key's backticks


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts = 0
        self.bad_attributes: list[tuple[str, str | None]] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.scripts += tag == "script"
        self.bad_attributes += [(k, v) for k, v in attrs if k.startswith("on")]


def test_html_escapes_every_dataset_string(hostile: Path) -> None:
    page = _lint(hostile, "html")
    parser = _Elements()
    parser.feed(page)
    assert parser.scripts == 1  # the reporter's own, allowed by its hash in the CSP
    assert parser.bad_attributes == []
    assert "b" not in parser.tags or page.count("<b>") == page.count("</b>")  # only the page's own
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the label, drawn in the labels chart
    assert "&lt;script&gt;alert(3)" in page  # the key (its "/" is "~1" in the JSON pointer)
    assert "&quot;onmouseover=alert(4)" in page and "&quot;onmouseover=alert(2)" in page
    assert "alert(1)</script>" not in page and "<script>alert" not in page


def test_junit_is_well_formed_with_hostile_text(hostile: Path) -> None:
    findings = _findings(hostile)
    out = _lint(hostile, "junit")
    root = ET.fromstring(out.encode("utf-8"))
    cases = root.findall(".//testcase")
    assert len(cases) == len(findings)
    illegal = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
    for element in root.iter():
        for text in (element.text or "", *element.attrib.values()):
            assert not illegal.search(text)
    messages = [f.get("message", "") for f in root.iter("failure")]
    assert any("<script>alert(3)" in m for m in messages)  # escaped in the XML, intact once parsed
    assert "<script>alert(3)" not in out


@pytest.mark.parametrize("fmt", ["json", "json-lines", "sarif", "gitlab"])
def test_json_formats_parse_and_keep_the_text(hostile: Path, fmt: str) -> None:
    out = _lint(hostile, fmt)
    documents = [json.loads(line) for line in out.splitlines()] if fmt == "json-lines" else [json.loads(out)]
    assert documents
    assert "\u2028" not in out and "\x1b" not in out  # escaped as \u2028 / \u001b


def test_statistics_are_not_csv_and_carry_no_data(hostile: Path) -> None:
    """The only tabular text output: counts, codes and rule names, never a dataset string, so a
    spreadsheet formula from the data (``=HYPERLINK(...)``) cannot reach it."""
    code, out, _ = run_cli(
        "lint", "--isolated", "--fail-on", "warning", "--output-format", "concise", "--statistics", "-q", str(hostile)
    )
    assert code == 1
    stats = [line for line in out.splitlines() if not line.startswith(str(hostile))]
    assert stats
    assert all(re.fullmatch(r" *\d+  [A-Z]\d{3}  [a-z-]+ \[(error|warning|info)\]", line) for line in stats), stats


def test_formula_text_stays_inside_quoted_json(tmp_path: Path) -> None:
    """Formula-looking data (``=cmd|...``) only ever appears inside messages, never as a cell."""
    path = tmp_path / "f.jsonl"
    records = [{"text_input": "q", "output": "a", '=HYPERLINK("http://x")': "1"}] * 3
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = _lint(path, "concise", "-q")
    assert all(line.startswith(str(path) + ":") for line in out.splitlines())
