"""Tests of ``tunelint fix``: every test checks record counts and contents before and after.

Outputs are read back with the standard library (json, csv), not with tunelint's readers, so a reader
bug cannot hide a writer bug. The input is checked unchanged (sha256) wherever it matters.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import validator
from tests.conftest import SAMPLES, run_cli
from validator.api import normalize_text
from validator.fix import FixRefused, fix_file
from validator.fix.split import validation_path

TUNELINT = Path(sys.executable).with_name("tunelint")


# -- helpers ----------------------------------------------------------------------------------------


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_out(path: Path) -> list[Any]:
    """The records of a written file, read with the standard library only."""
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "fix writes UTF-8 without a BOM"
    text = raw.decode("utf-8")  # strict: the output is valid UTF-8
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in text.split("\n") if line]
    if path.suffix == ".json":
        data = json.loads(text)
        assert isinstance(data, list)
        return data
    delimiter = "\t" if path.suffix == ".tsv" else ","
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


def write_jsonl(path: Path, records: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def gemini(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"text_input": i, "output": o} for i, o in pairs]


def fix_cli(*args: str) -> tuple[int, dict[str, Any], str]:
    """``tunelint fix --output-format json --isolated ARGS`` in-process: (exit, parsed JSON, stderr)."""
    code, out, err = run_cli("fix", "--output-format", "json", "--isolated", *args)
    return code, (json.loads(out) if out.strip() else {}), err


def codes(report: validator.Report) -> set[str]:
    return {f.code for f in report.findings}


def temp_leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


QA = [(f"What is {n} + {n}?", str(2 * n)) for n in range(30)]


# -- acceptance: the real datasets ------------------------------------------------------------------


def test_dedupe_alpaca_drops_exactly_the_d001_lines(shared_dataset: Callable[[str], Path], tmp_path: Path) -> None:
    source = shared_dataset("llamafactory__alpaca_en_demo.json")
    before = sha256(source)
    d001 = [f.line for f in validator.lint(str(source), select=["D001"], isolated=True).findings]
    assert len(d001) == 14
    out = tmp_path / "alpaca.json"

    code, summary, _ = fix_cli(str(source), "-o", str(out), "--dedupe")

    # The data holds an example of a generated password (record 66, "password: rT8$..."): C001, an
    # error, stays in the output, so the lint of the output exits 1 although deduplication worked.
    assert code == 1
    errors = {f["code"] for f in summary["lint"]["findings"] if f["severity"] == "error"}
    assert errors == {"C001"}
    assert summary["records_in"] == 999 and summary["records_out"] == 985
    [change] = [c for c in summary["changes"] if c["code"] == "D001"]
    assert change["count"] == 14 and change["lines"] == d001
    original = json.loads(source.read_text(encoding="utf-8"))
    written = read_out(out)
    assert len(original) == 999 and len(written) == 985
    # The output is the input minus exactly the repeats (whole records, every field, in order).
    seen: set[tuple[str, str, str]] = set()
    expected = []
    for record in original:
        key = (record["instruction"], record["input"], record["output"])
        if key not in seen:
            seen.add(key)
            expected.append(record)
    assert written == expected
    assert "D001" not in codes(validator.lint(str(out), isolated=True))
    assert sha256(source) == before


def test_cp1252_spend_csv_becomes_utf8_jsonl_with_every_column(
    shared_dataset: Callable[[str], Path], tmp_path: Path
) -> None:
    source = shared_dataset("openai-cookbook__25000_spend_dataset_current.csv")
    before = sha256(source)
    expected = list(csv.DictReader(io.StringIO(source.read_bytes().decode("cp1252"), newline="")))
    out = tmp_path / "spend.jsonl"

    code, summary, _ = fix_cli(str(source), "-o", str(out))

    assert code == 1  # unmapped columns: the output lints with F007, and says so
    assert [c["code"] for c in summary["changes"]] == ["F003", "convert"]
    written = read_out(out)
    assert len(written) == len(expected) == summary["records_in"] == summary["records_out"]
    assert written == [{k.strip(): v for k, v in row.items()} for row in expected]
    assert "Transaction value (£)" in written[0]
    found = codes(validator.lint(str(out), isolated=True))
    assert not found & {"F003", "F004"}
    assert sha256(source) == before


def test_mapped_spend_csv_to_vertex(shared_dataset: Callable[[str], Path], tmp_path: Path) -> None:
    source = shared_dataset("openai-cookbook__25000_spend_dataset_current.csv")
    rows = list(csv.DictReader(io.StringIO(source.read_bytes().decode("cp1252"), newline="")))
    out = tmp_path / "spend.jsonl"
    args = ["--input-field", "Description", "--output-field", "Supplier", "--to-shape", "vertex-gemini"]

    code, summary, _ = fix_cli(str(source), "-o", str(out), *args)

    assert code == 0, summary["lint"]["findings"]
    written = read_out(out)
    assert [(r["contents"][0]["parts"][0]["text"], r["contents"][1]["parts"][0]["text"]) for r in written] == [
        (row["Description"], row["Supplier"]) for row in rows
    ]


# -- strip ------------------------------------------------------------------------------------------


def test_strip_trims_only_the_text_fields(tmp_path: Path) -> None:
    records = [{"id": f" {n} ", "q": i, "a": o, "note": "  keep  "} for n, (i, o) in enumerate(QA)]
    records[3]["q"] = "  \tpadded question\n"
    records[7]["a"] = "answer with inner  spaces  \n"
    records[9]["a"] = "   "
    source = write_jsonl(tmp_path / "in.jsonl", records)
    out = tmp_path / "out.jsonl"

    code, summary, _ = fix_cli(str(source), "-o", str(out), "--strip", "--input-field", "q", "--output-field", "a")

    assert code in (0, 1)
    [change] = [c for c in summary["changes"] if c["code"] == "T004"]
    assert change["count"] == 3 and change["lines"] == [4, 8, 10]
    written = read_out(out)
    assert len(written) == len(records)
    assert written == [{**r, "q": r["q"].strip(), "a": r["a"].strip()} for r in records]
    assert written[3]["q"] == "padded question" and written[7]["a"] == "answer with inner  spaces"
    assert all(w["id"] == r["id"] and w["note"] == "  keep  " for w, r in zip(written, records, strict=True))
    assert "T004" not in codes(validator.lint(str(out), isolated=True, input_field="q", output_field="a"))


def test_strip_chat_turns(tmp_path: Path) -> None:
    records = [
        {
            "messages": [
                {"role": "system", "content": " sys "},
                {"role": "user", "content": f" q{n}\n"},
                {"role": "assistant", "content": f"a{n} "},
            ]
        }
        for n in range(25)
    ]
    source = write_jsonl(tmp_path / "chat.jsonl", records)
    out = tmp_path / "out.jsonl"
    result = fix_file(source, out, strip=True)
    assert result.records_out == 25
    written = read_out(out)
    assert [[m["content"] for m in r["messages"]] for r in written] == [["sys", f"q{n}", f"a{n}"] for n in range(25)]
    assert [[m["role"] for m in r["messages"]] for r in written] == [["system", "user", "assistant"]] * 25


# -- encoding ---------------------------------------------------------------------------------------


def test_bom_is_removed(tmp_path: Path) -> None:
    source = tmp_path / "bom.jsonl"
    source.write_bytes(b"\xef\xbb\xbf" + "".join(json.dumps(r) + "\n" for r in gemini(QA)).encode())
    out = tmp_path / "out.jsonl"
    result = fix_file(source, out)
    assert [c.code for c in result.changes] == ["F004"]
    assert read_out(out) == gemini(QA)
    assert not codes(validator.lint(str(out), isolated=True)) & {"F003", "F004"}


def test_cp1252_sample_reencoded(tmp_path: Path) -> None:
    source = SAMPLES / "bad" / "cp1252.csv"
    expected = list(csv.DictReader(io.StringIO(source.read_bytes().decode("cp1252"), newline="")))
    out = tmp_path / "out.csv"
    result = fix_file(source, out)
    assert "F003" in [c.code for c in result.changes]
    assert read_out(out) == expected
    assert not codes(validator.lint(str(out), isolated=True)) & {"F003", "F004"}


# -- conversion -------------------------------------------------------------------------------------


def test_gemini_jsonl_to_vertex_lints_clean(tmp_path: Path) -> None:
    source = SAMPLES / "good" / "qa_150.jsonl"
    before = sha256(source)
    original = read_out(source)
    out = tmp_path / "vertex.jsonl"

    code, summary, _ = fix_cli(str(source), "-o", str(out), "--to-shape", "vertex-gemini")

    assert code == 0
    assert summary["input_shape"] == "gemini" and summary["output_shape"] == "vertex-gemini"
    written = read_out(out)
    assert len(written) == len(original) == 150
    assert written == [
        {
            "contents": [
                {"role": "user", "parts": [{"text": r["text_input"]}]},
                {"role": "model", "parts": [{"text": r["output"]}]},
            ]
        }
        for r in original
    ]
    report = validator.lint(str(out), isolated=True)
    assert report.files[0].schema == "vertex-gemini"
    assert not [c for c in codes(report) if c[0] in "SFR"]
    assert sha256(source) == before


def test_gemini_to_openai_chat(tmp_path: Path) -> None:
    out = tmp_path / "chat.jsonl"
    result = fix_file(SAMPLES / "good" / "qa_150.jsonl", out, to_shape="openai-chat")
    assert result.records_out == 150
    original = read_out(SAMPLES / "good" / "qa_150.jsonl")
    assert [[m["content"] for m in r["messages"]] for r in read_out(out)] == [
        [r["text_input"], r["output"]] for r in original
    ]
    assert not [c for c in codes(validator.lint(str(out), isolated=True)) if c[0] in "SFR"]


def test_ai_studio_csv_to_jsonl(tmp_path: Path) -> None:
    source = SAMPLES / "good" / "qa_150.csv"
    expected = list(csv.DictReader(io.StringIO(source.read_text(encoding="utf-8"), newline="")))
    out = tmp_path / "qa.jsonl"
    code, summary, _ = fix_cli(str(source), "-o", str(out))
    assert code == 0
    assert summary["input_format"] == "csv" and summary["output_format"] == "jsonl"
    assert read_out(out) == expected and len(expected) == 150


def test_chat_to_csv_is_a_usage_error(tmp_path: Path) -> None:
    out = tmp_path / "chat.csv"
    code, _, err = fix_cli(str(SAMPLES / "good" / "chat_openai_150.jsonl"), "-o", str(out))
    assert code == 2 and "CSV" in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_unsupported_shape_conversion_names_what_is_supported(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    code, _, err = fix_cli(str(SAMPLES / "good" / "chat_vertex_150.jsonl"), "-o", str(out), "--to-shape", "gemini")
    assert code == 2 and "gemini" in err and "mapped" in err
    assert not out.exists()


def test_non_string_values_refuse_csv(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"text_input": "a", "output": "b", "n": 1} for _ in range(3)])
    with pytest.raises(FixRefused) as exc:
        fix_file(source, tmp_path / "out.csv", input_field="text_input", output_field="output")
    assert exc.value.lines == (1, 2, 3)
    assert not (tmp_path / "out.csv").exists()


# -- invalid records --------------------------------------------------------------------------------


def test_unparsable_records_refuse_then_drop_invalid_reports_them(tmp_path: Path) -> None:
    source = SAMPLES / "bad" / "broken_syntax.jsonl"
    lines = source.read_text(encoding="utf-8").split("\n")
    good = []
    bad_lines = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            good.append(json.loads(line))
        except json.JSONDecodeError:
            bad_lines.append(n)
    assert bad_lines
    out = tmp_path / "out.jsonl"

    code, refused, err = fix_cli(str(source), "-o", str(out))
    assert code == 1 and refused["lines"] == bad_lines and "--drop-invalid" in err
    assert not out.exists()

    code, summary, _ = fix_cli(str(source), "-o", str(out), "--drop-invalid")
    [change] = [c for c in summary["changes"] if c["code"] == "F002"]
    assert change["lines"] == bad_lines
    assert read_out(out) == good
    assert summary["records_out"] == summary["records_in"] - len(bad_lines)


def test_drop_invalid_drops_records_that_do_not_fit(tmp_path: Path) -> None:
    records: list[Any] = gemini(QA)
    records[4] = {"text_input": "no output"}
    records[6] = {"text_input": "q", "output": 7}
    records[8] = ["not", "an", "object"]
    source = write_jsonl(tmp_path / "in.jsonl", records)
    out = tmp_path / "out.jsonl"
    result = fix_file(source, out, drop_invalid=True)
    by_code = {c.code: c.lines for c in result.changes}
    assert by_code == {"S001": (5,), "S002": (7, 9)}
    assert read_out(out) == [r for n, r in enumerate(records) if n not in (4, 6, 8)]
    # Without --drop-invalid they are kept as they are (nothing is lost), and the lint still reports them.
    out2 = tmp_path / "kept.jsonl"
    fix_file(source, out2)
    assert read_out(out2) == records


def test_cr_only_line_ends_are_repaired_and_no_record_is_dropped(tmp_path: Path) -> None:
    """A JSON Lines file with CR-only line ends is read line by line (lint reports F002 at line 1 for
    the file, not for a record): fix writes LF line ends, keeps every record and reports no drop."""
    records = gemini(QA)
    source = tmp_path / "cr.jsonl"
    source.write_bytes("".join(json.dumps(r) + "\r" for r in records).encode())
    before = sha256(source)
    for drop in ([], ["--drop-invalid"]):
        out = tmp_path / f"out{len(drop)}.jsonl"
        code, summary, err = fix_cli(str(source), "-o", str(out), *drop)
        assert code in (0, 1), err  # 1: the lint of the output may still find something
        assert read_out(out) == records
        assert b"\r" not in out.read_bytes()
        assert summary["records_in"] == summary["records_out"] == len(records)
        [change] = [c for c in summary["changes"] if c["code"] == "F002"]
        assert change["count"] == 0 and change["lines"] == [1]  # line ends converted, nothing dropped
    assert sha256(source) == before


def test_cr_only_line_ends_still_refuse_a_repeated_key(tmp_path: Path) -> None:
    source = tmp_path / "cr.jsonl"
    lines = [json.dumps(r) for r in gemini(QA)]
    lines[3] = '{"text_input": "q", "output": "a", "output": "b"}'
    source.write_bytes(("\r".join(lines) + "\r").encode())
    out = tmp_path / "out.jsonl"
    with pytest.raises(FixRefused) as exc:
        fix_file(source, out)
    assert exc.value.lines == (4,)
    assert not out.exists()


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        (
            "missing-comma.json",
            b'[{"text_input": "a", "output": "b"} {"text_input": "c", "output": "d"}]',
        ),
        ("cut-off.json", b'[{"text_input": "a", "output": "b"}, {"text_input": "c", "output": "d"}, {"text_inp'),
        ("image.jsonl", b"\x89PNG\r\n\x1a\n" + bytes(range(256))),
    ],
)
def test_a_file_that_cannot_be_read_to_its_end_is_refused_even_with_drop_invalid(
    tmp_path: Path, name: str, payload: bytes
) -> None:
    """Records after a structural fault cannot be read: dropping "the unparsable record" would lose
    them silently (before: ``--drop-invalid`` wrote the records before the fault and exited 0)."""
    source = tmp_path / name
    source.write_bytes(payload)
    out = tmp_path / ("out" + Path(name).suffix)
    for drop in (False, True):
        with pytest.raises(FixRefused) as exc:
            fix_file(source, out, drop_invalid=drop)
        assert len(exc.value.lines) == 1
        assert not out.exists()
    code, _, err = fix_cli(str(source), "-o", str(out), "--drop-invalid")
    assert code == 1 and "nothing written" in err
    assert not out.exists()


def test_json_columns_of_different_lengths_are_a_notice_not_a_dropped_record(tmp_path: Path) -> None:
    """A JSON object of columns with a short column is read to its end (missing cells are missing
    fields, S001): the file-level F002 is not a record, so nothing is refused or dropped for it."""
    source = tmp_path / "columns.json"
    inputs = [q for q, _ in QA]
    outputs = [a for _, a in QA][:-1]
    source.write_text(json.dumps({"text_input": inputs, "output": outputs}), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = fix_file(source, out, drop_invalid=True)
    assert {c.code for c in result.changes} >= {"S001"}
    assert "F002" not in {c.code for c in result.changes}
    assert read_out(out) == gemini(QA)[:-1]


# -- safety: paths, overwrite, atomicity ------------------------------------------------------------


def test_refuses_existing_output_without_force(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", gemini(QA))
    out = tmp_path / "out.jsonl"
    out.write_text("old\n")
    code, _, err = fix_cli(str(source), "-o", str(out))
    assert code == 2 and "--force" in err and len(err.strip().splitlines()) == 1
    assert out.read_text() == "old\n"
    code, _, _ = fix_cli(str(source), "-o", str(out), "--force")
    assert code == 0 and read_out(out) == gemini(QA)


def test_refuses_to_write_the_input_even_with_force(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", gemini(QA))
    before = sha256(source)
    link = tmp_path / "link.jsonl"
    link.symlink_to(source)
    (tmp_path / "sub").mkdir()
    for spelling in (str(source), str(link), str(tmp_path / "sub" / ".." / "in.jsonl")):
        code, _, err = fix_cli(str(source), "-o", spelling, "--force")
        assert code == 2 and "input" in err
    hard = tmp_path / "hard.jsonl"
    os.link(source, hard)
    code, _, _ = fix_cli(str(hard), "-o", str(source), "--force", "--dedupe")
    assert code == 2
    assert sha256(source) == before


def test_read_only_input_is_unchanged(tmp_path: Path) -> None:
    records = gemini([(" x ", "y"), (" x ", "y"), *QA])
    source = write_jsonl(tmp_path / "in.jsonl", records)
    source.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    before = sha256(source)
    out = tmp_path / "out.csv"
    code, summary, _ = fix_cli(str(source), "-o", str(out), "--strip", "--dedupe")
    assert code in (0, 1)
    assert summary["records_in"] == 32 and summary["records_out"] == 31
    assert read_out(out) == gemini([("x", "y"), *QA])
    assert sha256(source) == before
    assert stat.S_IMODE(source.stat().st_mode) == 0o444


def test_interrupted_write_leaves_old_output_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import validator.fix as fix_module

    source = write_jsonl(tmp_path / "in.jsonl", gemini(QA * 100))
    out = tmp_path / "out.jsonl"
    out.write_text("old content\n")
    real = fix_module.serialize  # type: ignore[attr-defined]

    def failing(values: list[Any], fmt: str, header: list[str] | None = None) -> Iterator[str]:
        for n, chunk in enumerate(real(values, fmt, header)):
            if n == 500:
                raise OSError(28, "No space left on device")
            yield chunk

    monkeypatch.setattr(fix_module, "serialize", failing)
    with pytest.raises(OSError):
        fix_file(source, out, force=True)
    assert out.read_text() == "old content\n"
    assert temp_leftovers(tmp_path) == []
    code, _, err = fix_cli(str(source), "-o", str(out), "--force")
    assert code == 2 and "No space left" in err
    assert out.read_text() == "old content\n"
    assert temp_leftovers(tmp_path) == []


def test_sigkill_mid_run_leaves_old_output_or_complete_new_one(tmp_path: Path) -> None:
    pairs = [(f"question {n} " + "x" * 80, f"answer {n}") for n in range(150_000)]
    source = write_jsonl(tmp_path / "big.jsonl", gemini(pairs))
    out = tmp_path / "out.jsonl"
    out.write_text("old content\n")
    proc = subprocess.Popen(
        [str(TUNELINT), "fix", str(source), "-o", str(out), "--force", "--isolated"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        if temp_leftovers(tmp_path):  # the temp file exists: the write is under way
            time.sleep(0.01)
            break
        time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    content = out.read_bytes()
    if content != b"old content\n":  # the run had already finished: then OUT is complete
        assert read_out(out) == gemini(pairs)
    for name in temp_leftovers(tmp_path):
        assert name.startswith(".out.jsonl.") and name.endswith(".tmp")


def test_real_subprocess_run(tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", gemini(QA + QA[:3]))
    out = tmp_path / "out.jsonl"
    done = subprocess.run(
        [str(TUNELINT), "fix", str(source), "-o", str(out), "--dedupe", "--isolated"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "D001" in done.stdout
    assert read_out(out) == gemini(QA)


# -- split ------------------------------------------------------------------------------------------


def test_split_naming() -> None:
    assert validation_path("data/qa_train.jsonl")[0] == "data/qa_validation.jsonl"
    assert validation_path("data/out.jsonl")[0] == "data/out.validation.jsonl"
    assert validation_path("TRAIN.csv")[0] == "VALIDATION.csv"


def test_split_cli_no_leakage(tmp_path: Path) -> None:
    pairs = [(f"Question {n % 40}", f"answer {n}") for n in range(100)]  # repeated inputs: groups
    source = write_jsonl(tmp_path / "in.jsonl", gemini(pairs))
    out = tmp_path / "qa_train.jsonl"
    code, summary, _ = fix_cli(str(source), "-o", str(out), "--split", "validation=0.2", "--seed", "7")
    val = tmp_path / "qa_validation.jsonl"
    assert summary["validation"] == str(val)
    train_rows, val_rows = read_out(out), read_out(val)
    assert len(train_rows) + len(val_rows) == 100 and len(val_rows) >= 20
    assert summary["records_out"] == len(train_rows) and summary["validation_records"] == len(val_rows)
    inputs = [{normalize_text(r["text_input"]) for r in rows} for rows in (train_rows, val_rows)]
    assert not inputs[0] & inputs[1]
    assert "D004" not in {f["code"] for f in summary["lint"]["findings"]}
    assert code == 0
    # Deterministic: the same seed gives the same files.
    first = (out.read_bytes(), val.read_bytes())
    fix_cli(str(source), "-o", str(out), "--split", "validation=0.2", "--seed", "7", "--force")
    assert (out.read_bytes(), val.read_bytes()) == first


# -- properties -------------------------------------------------------------------------------------

# Any Unicode but lone surrogates (which UTF-8 cannot hold): newlines, quotes, commas, tabs, NULs.
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=["Cs"]),
        st.sampled_from(["\n", "\r", '"', ",", "\t", " ", "\u2028", "\ufeff", "\\", "{"]),
    ),
    max_size=30,
)
PAIRS = st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=25)


def _pairs_of(path: Path) -> list[tuple[str, str]]:
    return [(r["text_input"], r["output"]) for r in read_out(path)]


@settings(deadline=None, max_examples=150)
@given(pairs=PAIRS)
def test_round_trip_through_every_container(pairs: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        current = write_jsonl(d / "start.jsonl", gemini(pairs))
        for n, fmt in enumerate(["csv", "jsonl", "json", "tsv", "csv", "json", "jsonl"]):
            nxt = d / f"step{n}.{fmt}"
            result = fix_file(current, nxt)
            assert result.records_in == result.records_out == len(pairs)
            assert _pairs_of(nxt) == pairs, fmt
            current = nxt


@settings(deadline=None, max_examples=100)
@given(
    pairs=st.lists(
        st.tuples(st.sampled_from(["a", "a ", "b", "\n"]), st.sampled_from(["x", "y", ""])), max_size=30
    ).filter(bool)
)
def test_dedupe_keeps_first_occurrences_in_order(pairs: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        source = write_jsonl(d / "in.jsonl", gemini(pairs))
        result = fix_file(source, d / "out.jsonl", dedupe=True)
        expected = list(dict.fromkeys(pairs))
        assert _pairs_of(d / "out.jsonl") == expected
        assert result.records_out == len(expected)
        dropped = [c.lines for c in result.changes if c.code == "D001"]
        assert sum(len(x) for x in dropped) == len(pairs) - len(expected)


@settings(deadline=None, max_examples=100)
@given(pairs=PAIRS, fmt=st.sampled_from(["jsonl", "csv", "json"]))
def test_strip_changes_only_outer_whitespace(pairs: list[tuple[str, str]], fmt: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        source = write_jsonl(d / "in.jsonl", gemini(pairs))
        fix_file(source, d / f"out.{fmt}", strip=True)
        assert _pairs_of(d / f"out.{fmt}") == [(i.strip(), o.strip()) for i, o in pairs]


@settings(deadline=None, max_examples=100)
@given(
    pairs=st.lists(
        st.tuples(st.sampled_from(["Q1", "q1 ", "Q2", "q3", "Q 4", "q  4", "5", "6"]), TEXT), min_size=2, max_size=40
    ),
    share=st.sampled_from([0.1, 0.3, 0.5]),
    seed=st.integers(0, 2**16),
)
def test_split_sides_are_disjoint_and_complete(pairs: list[tuple[str, str]], share: float, seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        source = write_jsonl(d / "in.jsonl", gemini(pairs))
        result = fix_file(source, d / "out.jsonl", split=f"validation={share}", seed=seed)
        assert result.validation is not None
        train, val = _pairs_of(d / "out.jsonl"), _pairs_of(Path(result.validation))
        assert Counter(train) + Counter(val) == Counter(pairs)
        assert not {normalize_text(i) for i, _ in train} & {normalize_text(i) for i, _ in val}
        assert train, "the training side is never empty"
