"""Golden positive/negative files per rule, in ``tests/golden/<CODE>/``.

Each directory holds ``positive*`` files that must trigger the rule and ``negative*`` files that must
not, plus ``expected.json``::

    {
      "expected": {"positive.jsonl": [["S001", 2, "error", "/output"], ...]},
      "options":  {"negative_mapped.jsonl": {"input_field": "q", "output_field": "a"}},
      "generate": {"positive_over_limit.jsonl": {"bytes": 4194305}}
    }

``expected`` lists, for every positive file, exactly the findings of the directory's rule as
``[code, line, severity, field]``; findings of other rules are ignored. ``options`` are keyword
arguments for :func:`validator.lint` (``task``, ``input_field``, ``output_field``, ``config``,
``extend_select``; ``validation`` names a file of the same directory, linted as the validation file
paired with this one, whose findings then count too).
``generate`` names files written at test time (too large to commit): a valid gemini JSONL file of
exactly ``bytes`` bytes.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import validator
from tests.conftest import GOLDEN
from validator.plugins import load_rules

# Families whose rules are implemented and must each have a golden directory.
FAMILIES = ("F", "S", "L", "B", "C", "T", "D", "R", "H")


def _meta(code_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((code_dir / "expected.json").read_text(encoding="utf-8"))
    return data


def _dirs() -> list[Path]:
    return sorted(p for p in GOLDEN.iterdir() if p.is_dir())


def _cases() -> list[tuple[str, str]]:
    cases: list[tuple[str, str]] = []
    for code_dir in _dirs():
        names = {p.name for p in code_dir.iterdir() if p.name.startswith(("positive", "negative"))}
        names |= set(_meta(code_dir).get("generate", {}))
        cases += [(code_dir.name, name) for name in sorted(names)]
    return cases


def write_jsonl_of_size(path: Path, size: int) -> int:
    """Write a clean gemini JSONL file of exactly ``size`` bytes (inputs well under 40,000 chars);
    return its number of records."""
    sentence = "Harbour staff logged the lanterns along the quay before dawn. "
    lines: list[bytes] = []
    total = 0
    n = 0
    while True:
        line = (json.dumps({"text_input": f"Log {n}. " + sentence * 500, "output": f"Entry {n}."}) + "\n").encode()
        if total + len(line) + 200 > size:
            break
        lines.append(line)
        total += len(line)
        n += 1
    tail = (json.dumps({"text_input": f"Log {n}. ", "output": "Last."}) + "\n").encode()
    pad = size - total - len(tail)
    assert pad >= 0
    lines.append((json.dumps({"text_input": f"Log {n}. " + "z" * pad, "output": "Last."}) + "\n").encode())
    data = b"".join(lines)
    assert len(data) == size
    path.write_bytes(data)
    return n + 1


def _source(code: str, name: str, tmp_path: Path) -> Path:
    spec = _meta(GOLDEN / code).get("generate", {}).get(name)
    if spec is None:
        return GOLDEN / code / name
    path = tmp_path / name
    write_jsonl_of_size(path, int(spec["bytes"]))
    return path


@pytest.mark.parametrize(("code", "name"), _cases(), ids=[f"{c}/{n}" for c, n in _cases()])
def test_golden_file(code: str, name: str, tmp_path: Path) -> None:
    meta = _meta(GOLDEN / code)
    options = dict(meta.get("options", {}).get(name, {}))
    if "validation" in options:  # a paired validation file, named relative to the golden directory
        options["validation"] = str(GOLDEN / code / options["validation"])
    report = validator.lint(str(_source(code, name, tmp_path)), isolated=True, **options)
    got = Counter((f.code, f.line, f.severity.value, f.field) for f in report.findings if f.code == code)
    if name.startswith("positive"):
        expected = Counter(tuple(entry) for entry in meta["expected"][name])
        assert got == expected
    else:
        assert not got, f"{code} must not fire on {name}"


def test_golden_layout() -> None:
    """Every directory has both kinds of file, and expected.json describes exactly its positives."""
    for code_dir in _dirs():
        meta = _meta(code_dir)
        assert set(meta) <= {"expected", "options", "generate"}, code_dir
        names = {p.name for p in code_dir.iterdir() if p.name != "expected.json"} | set(meta.get("generate", {}))
        positives = {n for n in names if n.startswith("positive")}
        negatives = {n for n in names if n.startswith("negative")}
        assert positives, f"{code_dir.name} has no positive file"
        assert negatives, f"{code_dir.name} has no negative file"
        assert names == positives | negatives, f"stray files in {code_dir.name}"
        assert set(meta["expected"]) == positives, code_dir.name
        assert set(meta.get("options", {})) <= names
        for entries in meta["expected"].values():
            assert entries, "a positive file must expect at least one finding"
            for code, line, severity, _field in entries:
                assert code == code_dir.name
                assert line is None or (isinstance(line, int) and line >= 1)
                assert severity in ("error", "warning", "info")


def test_every_implemented_rule_has_golden_files() -> None:
    codes = {rule.code for rule in load_rules().all()}
    dirs = {p.name for p in _dirs()}
    assert dirs <= codes, f"golden directories for unknown rules: {sorted(dirs - codes)}"
    missing = sorted(c for c in codes if c.startswith(FAMILIES) and c not in dirs)
    assert not missing, f"rules without golden files: {missing}"


def test_f001_generated_files_are_clean_apart_from_size(tmp_path: Path) -> None:
    """The F001 pair differ by one byte; the one at the limit has no finding at all."""
    at, over = tmp_path / "at.jsonl", tmp_path / "over.jsonl"
    records = write_jsonl_of_size(at, 4_194_304)
    assert write_jsonl_of_size(over, 4_194_305) == records >= 100
    report = validator.lint(str(at), isolated=True)
    assert report.findings == []
    assert report.files[0].bytes == 4_194_304
    over_report = validator.lint(str(over), isolated=True)
    assert [(f.code, f.line, f.severity.value) for f in over_report.findings] == [("F001", None, "error")]
    assert over_report.files[0].bytes == 4_194_305
