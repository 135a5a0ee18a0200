"""The shipped samples in ``sample_datasets/`` and every claim ``sample_datasets/README.md`` makes
about them: each row of its table (container, shape, records, findings with severities and lines,
exit status) is parsed and checked against the tool, and the prose's specific claims have tests."""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import shlex
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import validator
from tests.conftest import SAMPLES, run_cli

README = SAMPLES / "README.md"
GOOD = sorted((SAMPLES / "good").iterdir())
GOOD_QA = [p for p in GOOD if p.name.startswith("qa_150.")]
_ITEM = re.compile(r"`([A-Z]\d{3})`\s+(error|warning|info)(?:,\s*lines?\s+([\d,\s]+?))?\s*$")


@dataclass(frozen=True)
class Claim:
    """One row of the README table."""

    path: str
    args: tuple[str, ...]
    container: str
    shape: str | None
    records: int
    findings: Counter[tuple[str, str, int | None]]
    exit: int

    @property
    def id(self) -> str:
        return " ".join((self.path, *self.args))


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _first_code(cell: str) -> str | None:
    match = re.search(r"`([^`]+)`", cell)
    return match.group(1) if match else None


def _findings(cell: str) -> Counter[tuple[str, str, int | None]]:
    found: Counter[tuple[str, str, int | None]] = Counter()
    if cell == "nothing":
        return found
    for item in cell.split("·"):
        match = _ITEM.search(item.strip())
        assert match, f"cannot read the README item {item!r}"
        code, severity, lines = match.groups()
        if lines:
            for line in lines.split(","):
                found[(code, severity, int(line))] += 1
        else:
            found[(code, severity, None)] += 1
    return found


def readme_claims() -> list[Claim]:
    claims: list[Claim] = []
    for line in README.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| `"):
            continue
        file_cell, container, shape, records, reports, status = _cells(line)
        ticks = re.findall(r"`([^`]+)`", file_cell)
        claims.append(
            Claim(
                path=ticks[0],
                args=tuple(arg for tick in ticks[1:] for arg in shlex.split(tick)),
                container=_first_code(container) or "",
                shape=_first_code(shape),
                records=int(records),
                findings=_findings(reports),
                exit=int(status),
            )
        )
    return claims


CLAIMS = readme_claims()


def test_the_table_covers_every_sample() -> None:
    files = {str(p.relative_to(SAMPLES)) for p in SAMPLES.glob("*/*")}
    assert files, "no samples"
    assert {c.path for c in CLAIMS} == files
    assert len(CLAIMS) == len(files) + 1  # plus unknown_shape.jsonl with a field mapping


@pytest.mark.parametrize("claim", CLAIMS, ids=[c.id for c in CLAIMS])
def test_readme_row(claim: Claim) -> None:
    code, out, err = run_cli("lint", "--output-format", "json", "--isolated", *claim.args, str(SAMPLES / claim.path))
    assert code == claim.exit, err
    envelope = json.loads(out)
    (facts,) = envelope["files"]
    assert (facts["format"], facts["schema"], facts["records"]) == (claim.container, claim.shape, claim.records)
    got = Counter((f["code"], f["severity"], f["line"]) for f in envelope["findings"])
    assert got == claim.findings
    assert envelope["ok"] is (claim.exit == 0)


# -- good/ ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", GOOD, ids=[p.name for p in GOOD])
@pytest.mark.parametrize("options", [{}, {"task": "classification", "fail_on": "info"}])
def test_good_samples_are_clean(path: Path, options: dict[str, Any]) -> None:
    report = validator.lint(str(path), isolated=True, **options)
    assert not [f for f in report.findings if f.severity.value in ("error", "warning")]
    assert report.findings == []
    assert report.ok
    assert report.files[0].records == 150


def test_good_containers_hold_the_same_examples() -> None:
    """The four containers decode to the same texts: identical length statistics, and the lengths
    the README gives."""
    stats = [validator.lint(str(p), isolated=True).files[0].stats for p in GOOD_QA]
    assert len(stats) == 4
    assert all(s == stats[0] for s in stats)
    assert (stats[0]["input_chars"]["min"], stats[0]["input_chars"]["max"]) == (13, 412)
    assert (stats[0]["output_chars"]["min"], stats[0]["output_chars"]["max"]) == (1, 152)


def test_good_samples_are_varied() -> None:
    rows = [json.loads(line) for line in (SAMPLES / "good" / "qa_150.jsonl").read_text("utf-8").splitlines()]
    assert len(rows) == 150
    assert all(set(r) == {"text_input", "output"} for r in rows)
    inputs = [r["text_input"] for r in rows]
    outputs = [r["output"] for r in rows]
    assert len({" ".join(i.casefold().split()) for i in inputs}) == 150
    assert len({" ".join(o.casefold().split()) for o in outputs}) == 150
    assert all(t == t.strip() for t in inputs + outputs)
    assert Counter(i[:20] for i in inputs).most_common(1)[0][1] < 8
    assert sum(bool(re.match(r"\s*\w+:", i)) for i in inputs) < 8
    assert json.loads((SAMPLES / "good" / "qa_150.json").read_text("utf-8")) == rows


def test_good_csv_has_quoted_commas_quotes_and_newlines() -> None:
    raw = (SAMPLES / "good" / "qa_150.csv").read_text("utf-8")
    cells = [cell for row in csv.reader(raw.splitlines(keepends=True)) for cell in row]
    assert any("," in c for c in cells)
    assert any("\n" in c for c in cells)
    assert any('"' in c for c in cells)
    assert '""' in raw
    assert raw.splitlines()[0] == "text_input,output"
    tsv = list(csv.reader((SAMPLES / "good" / "qa_150.tsv").read_text("utf-8").splitlines(True), delimiter="\t"))
    assert tsv[0] == ["text_input", "output"]
    assert [tuple(r) for r in tsv[1:]] == [tuple(r) for r in csv.reader(raw.splitlines(keepends=True))][1:]


# -- bad/: the prose claims ----------------------------------------------------------------------------


def test_number_sequence_is_the_guides_file_unchanged(shared_dataset: Callable[[str], Path]) -> None:
    original = shared_dataset("gemini-cookbook__increment_tuning_data.json")
    assert (SAMPLES / "bad" / "number_sequence_15.json").read_bytes() == original.read_bytes()


def test_too_long_has_records_exactly_at_the_limits() -> None:
    lines = (SAMPLES / "bad" / "too_long.jsonl").read_text("utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert len(rows) == 25
    assert (len(rows[5]["text_input"]), len(rows[10]["output"])) == (40_001, 5_001)
    assert (len(rows[15]["text_input"]), len(rows[20]["output"])) == (40_000, 5_000)


def test_broken_syntax_layout() -> None:
    lines = (SAMPLES / "bad" / "broken_syntax.jsonl").read_text("utf-8").split("\n")
    assert lines[-1] == "" and len(lines) == 23  # 22 lines, each ending with a newline
    assert lines[11] == ""
    invalid = []
    for number, line in enumerate(lines[:-1], start=1):
        if not line:
            continue
        try:
            json.loads(line)
        except json.JSONDecodeError:
            invalid.append(number)
    assert invalid == [4, 9, 15]


def test_multiline_csv_records_span_lines() -> None:
    text = (SAMPLES / "bad" / "multiline.csv").read_text("utf-8")
    lines = text.split("\n")
    assert lines[5] == "What is 5 + 5?,10,ten"  # line 6: three fields
    assert lines[6].startswith('"') and lines[8].endswith('",')  # lines 7-9: one record, empty output
    assert lines[1].startswith('"') and lines[3].startswith('"')  # records on lines 2-3 and 4-5


def test_cp1252_is_not_utf8_and_holds_pound_and_e_acute() -> None:
    data = (SAMPLES / "bad" / "cp1252.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    lines = data.split(b"\n")
    assert b"\xa3" in lines[3]  # line 4
    assert all(line.isascii() for line in lines[:3])
    assert "café" in data.decode("cp1252")


def test_bom_and_empty() -> None:
    assert (SAMPLES / "bad" / "bom.jsonl").read_bytes().startswith(b"\xef\xbb\xbf{")
    assert (SAMPLES / "bad" / "empty.jsonl").read_bytes() == b""


def test_unknown_shape_message_names_the_keys() -> None:
    report = validator.lint(str(SAMPLES / "bad" / "unknown_shape.jsonl"), isolated=True)
    (finding,) = report.findings
    assert "'question'" in finding.message and "'answer'" in finding.message


def test_wrapped_and_columns_layout() -> None:
    wrapped = (SAMPLES / "bad" / "wrapped.json").read_text("utf-8")
    assert json.loads(wrapped)["examples"][3]["output"] == "   "
    assert wrapped.split("\n")[14].strip() == "{"  # record 4 opens on line 15
    columns = json.loads((SAMPLES / "bad" / "columns.json").read_text("utf-8"))
    assert set(columns) == {"text_input", "output"}
    assert len(columns["text_input"]) == len(columns["output"]) == 12
    assert columns["output"][4] == "nan"


def test_sample_sizes() -> None:
    for path in SAMPLES.glob("*/*"):
        limit = 100_000 if path.name == "too_long.jsonl" else 50_000
        assert path.stat().st_size < limit, path


# -- the generator -------------------------------------------------------------------------------------


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_samples_reproduces_every_file(tmp_path: Path) -> None:
    built: dict[str, bytes] = _generator().build()
    on_disk = {str(p.relative_to(SAMPLES)) for p in SAMPLES.glob("*/*")}
    assert set(built) == on_disk
    for name, data in built.items():
        assert (SAMPLES / name).read_bytes() == data, f"{name} is stale: run sample_datasets/make_samples.py"
    assert _generator().main(["make_samples.py", str(tmp_path)]) == 0
    assert {str(p.relative_to(tmp_path)): p.read_bytes() for p in tmp_path.glob("*/*")} == built
