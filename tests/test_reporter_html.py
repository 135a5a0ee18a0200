"""The ``html`` reporter: page structure (stdlib HTMLParser), escaping of hostile dataset text, no
network references, and, in a real headless Chromium, that the page's own script runs, filters
work from a URL fragment and markup from the dataset never executes. The browser run also writes a
screenshot to tests/artifacts/html-report.png for a person to look at."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

import validator
from validator.api import Finding, Severity
from validator.report import Report
from validator.reporters import ReportOptions, get_reporter, reporter_names
from validator.reporters.html import MAX_ROWS

from .conftest import SAMPLES, run_cli

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

TITLE_PAYLOAD = "<script>document.title='PWNED'</script>"
ATTR_PAYLOAD = "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"
LABELS = ["<script>alert(1)</script>", '"onerror=alert(1) x="', "plain"]
# Raw strings that must never survive into the page unescaped.
RAW = [TITLE_PAYLOAD, ATTR_PAYLOAD, "<script>alert(1)</script>", '"onerror=', "<b onmouseover", 'x"onerror']


class Page(HTMLParser):
    """Every start tag with its attributes, the text of <title>, <script> and <style>, in order."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: dict[str, list[str]] = {"title": [], "script": [], "style": []}
        self._in: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag in self.text:
            self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if self._in:
            self.text[self._in[-1]].append(data)

    def find(self, tag: str, **want: str) -> list[dict[str, str]]:
        """Attributes of each ``tag`` whose attributes include ``want`` (``class_`` for class)."""
        want = {k.rstrip("_").replace("_", "-"): v for k, v in want.items()}
        found = []
        for name, attrs in self.tags:
            if name != tag:
                continue
            if all(v in attrs.get(k, "").split() if k == "class" else attrs.get(k) == v for k, v in want.items()):
                found.append(attrs)
        return found

    def rows(self) -> list[dict[str, str]]:
        return self.find("tr", class_="finding")


def hostile_dataset(directory: Path) -> Path:
    """A classification dataset whose preamble, labels, a record and the file name carry markup."""
    preamble = f"{TITLE_PAYLOAD} Classify: {ATTR_PAYLOAD} "
    lines = [
        json.dumps({"text_input": f"{preamble}item number {i} is about things", "output": LABELS[i % 3]})
        for i in range(40)
    ]
    lines.append(json.dumps({"text_input": "<b onmouseover=alert(1)>no preamble</b>", "output": LABELS[0]}))
    lines.append(json.dumps({"text_input": "x" * 40_001, "output": LABELS[1]}))
    lines.append('{"text_input": "<script>alert(1)</script>", "output": }')
    path = directory / 'x"onerror=alert(1) <b>.jsonl'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def render(source: object, **kw: object) -> tuple[Report, str]:
    report = validator.lint(source, isolated=True, **kw)  # type: ignore[arg-type]
    return report, get_reporter("html")(report, ReportOptions())


def test_html_reporter_is_registered() -> None:
    assert "html" in reporter_names()


def test_one_row_per_finding_with_severity_and_code(tmp_path: Path) -> None:
    report, text = render(hostile_dataset(tmp_path), task="classification")
    page = Page(text)
    rows = page.rows()
    assert [(r["data-severity"], r["data-code"]) for r in rows] == [(f.severity.value, f.code) for f in report.findings]
    assert {"error", "warning", "info"} <= {r["data-severity"] for r in rows}
    # Filters: a checkbox per severity, a select option per code, the visible-row counter.
    assert {b["value"] for b in page.find("input", type="checkbox")} == {"error", "warning", "info"}
    codes = {o["value"] for o in page.find("option")} - {""}
    assert codes == {f.code for f in report.findings}
    assert page.find("span", id="visible-count")
    gate = page.find("header", class_="gate")
    assert gate and gate[0]["data-ok"] == "false" and "failed" in gate[0]["class"]


def test_dataset_markup_appears_only_escaped(tmp_path: Path) -> None:
    _, text = render(hostile_dataset(tmp_path), task="classification")
    for raw in RAW:
        assert raw not in text, raw
    page = Page(text)
    # The payloads are there, as text: in the template, the labels chart, messages and the path.
    assert "&lt;script&gt;document.title=&#x27;PWNED&#x27;&lt;/script&gt;" in text
    assert "&quot;onerror=alert(1) x=&quot;" in text
    assert "x&quot;onerror=alert(1) &lt;b&gt;.jsonl" in text
    # Exactly one script, the reporter's own, admitted by the CSP through its hash.
    scripts = page.find("script")
    assert len(scripts) == 1 and not scripts[0]
    script = "".join(page.text["script"])
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    (csp,) = [m["content"] for m in page.find("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    assert "default-src 'none'" in csp and f"script-src 'sha256-{digest}'" in csp
    assert "PWNED" not in script and "alert" not in script
    assert not any(name.startswith("on") for _, attrs in page.tags for name in attrs)
    assert "PWNED" not in "".join(page.text["title"])


def test_no_network_references(tmp_path: Path) -> None:
    _, text = render([hostile_dataset(tmp_path), SAMPLES / "bad" / "too_long.jsonl"], task="classification")
    page = Page(text)
    assert not re.search(r"https?:|//[a-z]", " ".join(v for _, attrs in page.tags for v in attrs.values()))
    assert "http://" not in text and "https://" not in text and "@import" not in text
    for tag, attrs in page.tags:
        assert "src" not in attrs or (tag == "img" and attrs["src"].startswith("data:")), (tag, attrs)
        for key in ("href", "action", "xlink:href", "srcset", "poster"):
            assert attrs.get(key, "#").startswith("#"), (tag, attrs)
    assert not page.find("link") and not page.find("iframe") and not page.find("object")


def test_histograms_draw_the_limit_inside_the_range_and_note_it_beyond() -> None:
    # too_long.jsonl has an input of 40,001 and an output of 5,001 chars: both limits lie inside.
    code, out, err = run_cli("lint", "--isolated", str(SAMPLES / "bad" / "too_long.jsonl"), "--output-format", "html")
    assert code == 1, err
    page = Page(out)
    assert len(page.find("svg", class_="hist")) == 2
    assert len(page.find("line", class_="limit")) == 2
    assert "limit 40,000" in out and "limit 5,000" in out
    # Short outputs: the limit lies beyond the largest bucket and is only noted.
    _, text = render(SAMPLES / "good" / "qa_150.jsonl")
    page = Page(text)
    assert len(page.find("svg", class_="hist")) == 2
    assert not page.find("line", class_="limit")
    assert len(page.find("text", class_="limit-beyond")) == 2 and "limit 5,000 →" in text


def test_classification_gets_a_labels_chart(tmp_path: Path) -> None:
    report, text = render(hostile_dataset(tmp_path), task="classification")
    page = Page(text)
    assert page.find("div", data_chart="labels")
    assert len(page.find("g", class_="label-row")) == len(report.files[0].stats["labels"]) == 3
    assert page.find("div", data_chart="template")  # the detected preamble
    _, plain = render(SAMPLES / "good" / "qa_150.jsonl")
    assert not Page(plain).find("div", data_chart="labels")


def test_cli_writes_the_page(tmp_path: Path) -> None:
    out = tmp_path / "out.html"
    code, stdout, err = run_cli(
        "lint", "--isolated", "--output-format", "html", "-o", str(out), str(SAMPLES / "good" / "qa_150.csv")
    )
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "✓ Passed" in text and stdout == ""
    assert Page(text).find("header", class_="gate")[0]["data-ok"] == "true"


def test_large_reports_are_capped_with_a_note() -> None:
    findings = [
        Finding("C001", "demo", Severity.WARNING, f"message {i}", "big.jsonl", line=i + 1) for i in range(MAX_ROWS + 7)
    ]
    text = get_reporter("html")(Report(findings=findings, files=[]), ReportOptions())
    page = Page(text)
    assert len(page.rows()) == MAX_ROWS
    assert page.find("div", id="truncated") and "7 more are not shown" in text


def test_clean_report_has_no_table() -> None:
    _, text = render([{"text_input": "a", "output": "b"}], select=["S"])
    assert "No findings." in text and not Page(text).rows()


# -- a real browser -------------------------------------------------------------------------------


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    pytest.skip(
        "no Chromium: the real-browser tests of the HTML report need `chromium` on PATH "
        "(Debian: apt-get install chromium; .ci/run installs it when it can)"
    )


def run_chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=tmp_path)
    cmd = [
        chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--hide-scrollbars", f"--user-data-dir={profile}", *args,
    ]  # fmt: skip
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"Chromium did not finish within 60 s: {' '.join(cmd)}")


def dump_dom(tmp_path: Path, url: str) -> Page:
    done = run_chromium(tmp_path, "--virtual-time-budget=2000", "--dump-dom", url)
    assert done.returncode == 0 and "<body" in done.stdout, done.stderr[-2000:]
    return Page(done.stdout)


@pytest.fixture
def hostile_page(tmp_path: Path) -> tuple[Report, Path]:
    out = tmp_path / "report dir" / "report.html"
    out.parent.mkdir()
    data = hostile_dataset(tmp_path)
    code, _, err = run_cli("lint", "--isolated", "--task", "classification", "--output-format", "html",
                           "-o", str(out), str(data))  # fmt: skip
    assert code == 1, err
    return validator.lint(data, isolated=True, task="classification"), out


@pytest.mark.slow
def test_in_chromium_the_script_runs_and_the_data_does_not(tmp_path: Path, hostile_page: tuple[Report, Path]) -> None:
    report, out = hostile_page
    page = dump_dom(tmp_path, out.as_uri())
    body = page.find("body")[0]
    assert body.get("data-ready") == "1", "the report's own script did not run"
    assert "data-pwned" not in body and not any("data-pwned" in attrs for _, attrs in page.tags)
    title = "".join(page.text["title"])
    assert title.startswith("tunelint: failed") and "PWNED" not in title
    rows = page.rows()
    assert len(rows) == len(report.findings) and not any("hidden" in r for r in rows)
    assert not page.find("img")  # the <img onerror> in the data stayed text


@pytest.mark.slow
def test_in_chromium_a_fragment_pre_applies_the_severity_filter(
    tmp_path: Path, hostile_page: tuple[Report, Path]
) -> None:
    report, out = hostile_page
    page = dump_dom(tmp_path, out.as_uri() + "#severity=error")
    rows = page.rows()
    assert page.find("body")[0].get("data-ready") == "1"
    visible = [r for r in rows if "hidden" not in r]
    assert visible and all(r["data-severity"] == "error" for r in visible)
    assert any(r["data-severity"] == "warning" and "hidden" in r for r in rows)
    checked = {b["value"] for b in page.find("input", type="checkbox") if "checked" in b}
    assert "error" in checked
    errors = sum(f.severity is Severity.ERROR for f in report.findings)
    assert len(visible) == errors
    # The code filter too, combined with the severity one.
    page = dump_dom(tmp_path, out.as_uri() + "#severity=warning,info&code=T002")
    visible = [r for r in page.rows() if "hidden" not in r]
    assert visible and {r["data-code"] for r in visible} == {"T002"}


@pytest.mark.slow
def test_screenshot_for_a_person_to_look_at(tmp_path: Path) -> None:
    chromium()
    ARTIFACTS.mkdir(exist_ok=True)
    page = ARTIFACTS / "html-report.html"
    data = hostile_dataset(tmp_path)
    code, _, err = run_cli("lint", "--isolated", "--output-format", "html", "-o", str(page), str(data))
    assert code == 1, err
    png = ARTIFACTS / "html-report.png"
    png.unlink(missing_ok=True)
    done = run_chromium(tmp_path, f"--screenshot={png}", "--window-size=1280,2000", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    assert png.is_file() and png.stat().st_size > 10_000
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_to_html_is_the_reporter() -> None:
    report = validator.lint(SAMPLES / "bad" / "too_long.jsonl", isolated=True)
    assert report.to_html() == get_reporter("html")(report, ReportOptions())  # deterministic: no random nonce
