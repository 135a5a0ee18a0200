"""Hostile and broken input: every case ends in findings or in a one-line tool error (exit status 2),
never in a traceback, through the command line (in-process with click's runner, some cases also as
the real ``tunelint`` script) and through the library (``validator.lint``), where the only exception
allowed out is the documented tool error, :class:`validator.TunelintError`.

Assertions are on rule codes, lines, record numbers, exit status and the shape of error output; never
on message wording (a message may be checked to *name* something the catalogue says it names, such
as the detected encoding).

Decisions documented here (and in the report of this change):

- A JSON object with a duplicate key is an S007 on its record (a CSV/TSV header naming a column
  twice, on the header line). The record is read as Python's ``json``, orjson, JavaScript's
  ``JSON.parse`` and Go's ``encoding/json`` read it: the last value wins, and that value is linted.
- A file whose lines end with CR alone is read line by line (lines split on CR, so every record is
  linted at its line); for JSON Lines that is also an F002 at line 1, since JSON Lines readers split
  on LF and see one unreadable line. CSV readers accept CR line ends: no finding.
- A compressed or binary container (gzip, zip, PNG, Parquet, ...) with a dataset extension is one
  F002 at line 1 naming what it is (and F005: no records), not one finding per stray line feed.
- UTF-16/32 without a BOM is recognised when its first 64 KiB decode as text (JSON and CSV are
  mostly ASCII, so half or three quarters of their bytes are NUL); F003 names the encoding.
- A value nested deeper than the checks can follow (orjson reads up to 1,024 levels; the standard
  library, JSON Schema validation and hashing recurse in Python) is an F002 on its record.
- An integer of more than 4,300 digits (Python's int/str conversion limit) is an F002 on its
  record, at the column where the digits start; raising the limit would let one line stall a run.
- A named pipe (FIFO) is read as a stream once a writer sends data; with no writer for
  ``FIFO_WAIT_SECONDS`` it is a tool error. Devices, sockets, symlink loops, broken symlinks,
  unreadable files and files removed during the run are tool errors (exit 2, one line).
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import gzip
import json
import os
import random
import shlex
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import validator
import validator.readers
import validator.runner
from tests.conftest import run_cli
from tests.test_cli import _script
from validator.errors import SourceError, TunelintError
from validator.plugins import load_rules
from validator.reporters import ReportOptions, get_reporter

#: Every registered rule: ``ALL`` does not switch on the opt-in ones, so they are named too.
EVERY_RULE = ["ALL", *(rule.code for rule in load_rules().all() if not rule.default_enabled)]
OUTPUT_FORMATS = ("full", "concise", "json", "json-lines", "sarif", "github", "gitlab", "junit", "markdown", "html")


# -- running one input through the CLI and the library -------------------------------------------------------------


@dataclass
class Outcome:
    """What one lint of one input gave: exit status, ``(code, line, record)`` of every finding (in
    report order), records per file, file encodings, and the stderr / error text of a tool error."""

    code: int
    findings: list[tuple[str, int | None, int | None]] = field(default_factory=list)
    records: list[int] = field(default_factory=list)
    encodings: list[str] = field(default_factory=list)
    messages: dict[str, list[str]] = field(default_factory=dict)
    error: str = ""

    def has(self, code: str, line: int | None = None) -> bool:
        return any(c == code and (line is None or ln == line) for c, ln, _ in self.findings)

    def codes(self) -> set[str]:
        return {c for c, _, _ in self.findings}

    def count(self, code: str) -> int:
        return sum(1 for c, _, _ in self.findings if c == code)


def assert_tool_error_text(code: int, out: str, err: str) -> None:
    """Exit 2 with one ``tunelint: error: ...`` line on stderr, nothing on stdout, no traceback."""
    assert code == 2, (code, out[:500], err[:500])
    assert "Traceback" not in err and "Traceback" not in out
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("tunelint: error: ")
    assert "internal error" not in err, err


def _from_envelope(code: int, out: str, err: str) -> Outcome:
    assert "Traceback" not in out and "Traceback" not in err, err
    assert code in (0, 1), (code, err[:2000])
    env = json.loads(out)
    messages: dict[str, list[str]] = {}
    for f in env["findings"]:
        messages.setdefault(f["code"], []).append(f["message"])
    return Outcome(
        code,
        [(f["code"], f["line"], f["record"]) for f in env["findings"]],
        [f["records"] for f in env["files"]],
        [f["encoding"] for f in env["files"]],
        messages,
    )


def cli(target: str, *extra: str, stdin: bytes | None = None) -> Outcome:
    """``tunelint lint --isolated --output-format json [EXTRA] TARGET`` in-process."""
    code, out, err = run_cli("lint", "--isolated", "--output-format", "json", *extra, target, input=stdin)
    if code == 2:
        assert_tool_error_text(code, out, err)
        return Outcome(2, error=err)
    return _from_envelope(code, out, err)


def lib(target: str | Sequence[str], **options: Any) -> Outcome:
    """``validator.lint(TARGET, isolated=True)``: a tool error is the only exception allowed out."""
    try:
        report = validator.lint(target, isolated=True, **options)
    except TunelintError as exc:
        text = str(exc)
        assert text and "\n" not in text.strip(), text
        return Outcome(2, error=text)
    messages: dict[str, list[str]] = {}
    for f in report.findings:
        messages.setdefault(f.code, []).append(f.message)
    return Outcome(
        report.exit_code,
        [(f.code, f.line, f.record) for f in report.findings],
        [f.records for f in report.files],
        [f.encoding for f in report.files],
        messages,
    )


def both(path: Path | str) -> Outcome:
    """Lint ``path`` through the CLI and the library; they must agree."""
    by_cli = cli(str(path))
    by_lib = lib(str(path))
    assert by_cli.code == by_lib.code, (by_cli, by_lib)
    assert by_cli.findings == by_lib.findings
    assert by_cli.records == by_lib.records
    return by_cli


def script(*args: str | bytes, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    """Run the real ``tunelint`` console script (bytes in and out: paths may not be UTF-8)."""
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TUNELINT_DEBUG")}
    return subprocess.run([_script(), *args], cwd=cwd, env=environ, capture_output=True, timeout=timeout, check=False)


def script_outcome(*args: str, cwd: Path) -> Outcome:
    done = script("lint", "--isolated", "--output-format", "json", *args, cwd=cwd)
    out, err = done.stdout.decode("utf-8"), done.stderr.decode("utf-8")
    if done.returncode == 2:
        assert_tool_error_text(2, out, err)
        return Outcome(2, error=err)
    return _from_envelope(done.returncode, out, err)


def physical_lines(data: bytes) -> int:
    """An upper bound on the number of physical lines of ``data`` (LF or, for CR-only files, CR)."""
    ends = max(data.count(b"\n"), data.count(b"\r"))
    return max(1, ends + 1)


def assert_positions_in_range(outcome: Outcome, data: bytes) -> None:
    limit = physical_lines(data)
    for code, line, record in outcome.findings:
        assert line is None or 1 <= line <= limit, (code, line, limit)
        assert record is None or 0 <= record <= max(1, sum(outcome.records)), (code, record)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def jsonl(records: Sequence[object]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def good(n: int, start: int = 0) -> list[dict[str, str]]:
    return [
        {"text_input": f"What is {i} plus {i + 1}?", "output": f"It is {2 * i + 1}."} for i in range(start, start + n)
    ]


# -- empty and blank files ------------------------------------------------------------------------------------


@pytest.mark.parametrize("ext", [".jsonl", ".json", ".csv"])
def test_empty_file_is_no_records(tmp_path: Path, ext: str) -> None:
    out = both(write(tmp_path / f"empty{ext}", b""))
    assert out.code == 1
    assert out.findings == [("F005", None, None)]
    assert out.records == [0]


@pytest.mark.parametrize("ext", [".jsonl", ".json", ".csv"])
def test_whitespace_only_file_is_no_records(tmp_path: Path, ext: str) -> None:
    data = b"  \n\t\n \t \n\n"
    out = both(write(tmp_path / f"blank{ext}", data))
    assert out.code == 1
    assert out.has("F005")
    assert out.records == [0]
    if ext == ".jsonl":  # blank lines are JSON Lines' own problem (F006), one per line
        assert [line for code, line, _ in out.findings if code == "F006"] == [1, 2, 3, 4]
    else:
        assert out.codes() == {"F005"}


# -- random bytes -------------------------------------------------------------------------------------------------


def random_blobs(seed: int = 20240611, count: int = 50) -> list[bytes]:
    """A fixed corpus of random inputs: raw bytes, bytes with line ends, near-JSON and near-CSV text,
    and valid records with bytes flipped."""
    rng = random.Random(seed)
    valid = jsonl(good(8))
    blobs: list[bytes] = []
    for n in range(count):
        kind = n % 5
        size = rng.randrange(0, 3000)
        if kind == 0:
            blob = rng.randbytes(size)
        elif kind == 1:
            blob = b"\n".join(rng.randbytes(rng.randrange(0, 80)) for _ in range(rng.randrange(1, 40)))
        elif kind == 2:
            blob = "".join(rng.choice('{}[]:,"\\ \n\r\tabc019eE.-+nulltrue\x00é日\ud7ff') for _ in range(size)).encode(
                "utf-8", "surrogatepass"
            )
        elif kind == 3:
            blob = "".join(rng.choice('a,b;"\t\n\r \x00x') for _ in range(size)).encode()
        else:
            flipped = bytearray(valid)
            for _ in range(rng.randrange(1, 12)):
                flipped[rng.randrange(len(flipped))] = rng.randrange(256)
            blob = bytes(flipped)
        blobs.append(blob)
    return blobs


@pytest.mark.parametrize("ext", [".jsonl", ".json", ".csv", ".txt"])
def test_fixed_corpus_of_random_blobs(tmp_path: Path, ext: str) -> None:
    for n, blob in enumerate(random_blobs()):
        path = write(tmp_path / f"blob{n}{ext}", blob)
        out = both(path)
        assert out.code in (0, 1), (n, out)
        assert_positions_in_range(out, blob)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=3000), ext=st.sampled_from([".jsonl", ".json", ".csv", ".tsv", ".dat"]))
def test_random_bytes_never_crash_the_library(data: bytes, ext: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp) / f"input{ext}", data)
        out = lib(str(path), select=EVERY_RULE)
        assert out.code in (0, 1)
        assert_positions_in_range(out, data)


# -- binary files with a dataset extension ------------------------------------------------------------------------


def png_bytes() -> bytes:
    """A real (1x1, RGB) PNG: signature, IHDR, IDAT and IEND chunks with their CRCs."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def gzip_bytes() -> bytes:
    # Enough records that the compressed stream holds several 0x0A bytes (chance "lines").
    return gzip.compress(jsonl(good(400)), mtime=0)


@pytest.mark.parametrize("make", [png_bytes, gzip_bytes], ids=["png", "gzip"])
@pytest.mark.parametrize("ext", [".jsonl", ".json", ".csv"])
def test_binary_file_with_dataset_extension_is_one_finding(tmp_path: Path, make: Callable[[], bytes], ext: str) -> None:
    data = make()
    assert data.count(b"\n") >= 1  # there are chance line ends: still one finding, not one per "line"
    out = both(write(tmp_path / f"data{ext}", data))
    assert out.code == 1
    assert out.count("F002") == 1 and out.has("F002", 1)
    assert out.has("F005")
    assert out.records == [0]
    assert "F003" not in out.codes()  # not mistaken for UTF-16 text (the PNG header is full of NULs)


def test_text_that_starts_like_a_magic_number_is_still_text(tmp_path: Path) -> None:
    # "PAR1" and "GIF8" are Parquet's and GIF's magic numbers, but a header row may start so too.
    data = b"PAR1,output\nsome question,some answer\n"
    out = both(write(tmp_path / "data.csv", data))
    assert out.records == [1]
    assert not out.has("F002")


# -- UTF-16 / UTF-32 --------------------------------------------------------------------------------------------

WIDE = [
    ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE),
    ("utf-32-le", codecs.BOM_UTF32_LE),
    ("utf-32-be", codecs.BOM_UTF32_BE),
]


def wide_text(fmt: str) -> tuple[str, int]:
    """Three records, the third with an empty output (S003); the line where that record starts."""
    records = [*good(2), {"text_input": "Ünïcödé — 日本語", "output": ""}]
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), 3
    if fmt == "json":
        return "[\n" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n]\n", 4
    rows = ["text_input,output", *(f'"{r["text_input"]}","{r["output"]}"' for r in records)]
    return "\n".join(rows) + "\n", 4


@pytest.mark.parametrize(("encoding", "bom"), WIDE, ids=[e for e, _ in WIDE])
@pytest.mark.parametrize("with_bom", [True, False], ids=["bom", "no-bom"])
@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_utf16_and_utf32_are_linted_and_named(
    tmp_path: Path, encoding: str, bom: bytes, with_bom: bool, fmt: str
) -> None:
    """With or without a BOM the encoding is detected: F003 at line 1 names it and every record is
    still linted at its own line (the S003 of the third record)."""
    text, s003_line = wide_text(fmt)
    data = (bom if with_bom else b"") + text.encode(encoding)
    out = both(write(tmp_path / f"wide.{fmt}", data))
    assert out.code == 1
    assert out.has("F003", 1)
    family = encoding[:6].upper()  # UTF-16 / UTF-32
    assert family in out.messages["F003"][0].upper()
    assert out.has("S003", s003_line)
    assert out.records == [3]
    assert out.encodings[0].upper().startswith(family)
    if not with_bom:
        assert out.encodings == [encoding]  # the byte order too


# -- NUL bytes -------------------------------------------------------------------------------------------------


def test_nul_bytes_in_jsonl(tmp_path: Path) -> None:
    lines = [
        json.dumps(good(1)[0]).encode(),
        b'{"text_input": "raw\x00nul", "output": "x"}',  # a raw control character: not JSON
        b'{"text_input": "escaped\\u0000nul", "output": "x"}',  # valid JSON: an invisible character
    ]
    out = both(write(tmp_path / "nul.jsonl", b"\n".join(lines) + b"\n"))
    assert out.has("F002", 2)
    assert out.has("C003", 3)
    assert out.records == [3]


def test_nul_byte_in_csv_cell(tmp_path: Path) -> None:
    data = b'text_input,output\n"quoted\x00cell",x\nbare\x00cell,y\nclean,z\n'
    out = both(write(tmp_path / "nul.csv", data))
    assert out.has("C003", 2) and out.has("C003", 3)
    assert not out.has("C003", 4)
    assert out.records == [3]


@pytest.mark.parametrize(("ext", "expected"), [(".jsonl", "F002"), (".json", "F002"), (".csv", "F005")])
def test_file_of_only_nul_bytes(tmp_path: Path, ext: str, expected: str) -> None:
    # As CSV, the NULs are one header cell with no rows after it.
    out = both(write(tmp_path / f"nuls{ext}", b"\x00" * 4096))
    assert out.code == 1
    assert out.has(expected)
    assert_positions_in_range(out, b"\x00" * 4096)


# -- CSV: quotes and field counts --------------------------------------------------------------------------------


def test_csv_unterminated_quote_at_the_end(tmp_path: Path) -> None:
    data = b'text_input,output\nq1,a1\nq2,"never closed\n'
    out = both(write(tmp_path / "open.csv", data))
    assert out.findings.count(("F002", 3, 2)) == 1
    assert out.records == [2]


def test_csv_unterminated_quote_at_the_end_without_line_end(tmp_path: Path) -> None:
    out = both(write(tmp_path / "open.csv", b'text_input,output\nq1,a1\nq2,"never closed'))
    assert ("F002", 3, 2) in out.findings


def test_csv_unterminated_quote_in_the_middle_swallows_no_row_silently(tmp_path: Path) -> None:
    """csv's lenient mode reads every line after an unclosed quote as part of one cell: that row is
    an F002 (at the line where it starts), never a record that silently holds the rest of the file."""
    rows = [b"q1,a1", b'q2,"opened here', b"q3,a3", b"q4,a4", b"q5,a5"]
    data = b"text_input,output\n" + b"\n".join(rows) + b"\n"
    out = both(write(tmp_path / "open.csv", data))
    assert ("F002", 3, 2) in out.findings
    assert out.records == [2]
    assert not out.has("S003") and not out.has("L002")  # the swallowed text is not linted as an output


def test_csv_header_with_an_unclosed_quote(tmp_path: Path) -> None:
    out = both(write(tmp_path / "open.csv", b'"text_input,output\nq1,a1\n'))
    assert out.has("F002", 1)
    assert out.records == [0]


def test_csv_closed_quotes_and_a_final_line_without_line_end_are_fine(tmp_path: Path) -> None:
    data = b'text_input,output\n"multi\nline",a1\nq2,"quoted ""inner"" text"\nq3,"last, no newline"'
    out = both(write(tmp_path / "ok.csv", data))
    assert not out.has("F002")
    assert out.records == [3]


def test_csv_ragged_rows(tmp_path: Path) -> None:
    data = b"text_input,output\nq1,a1,extra\nq2\nq3,a3\nq4,a4,x,y\n"
    out = both(write(tmp_path / "ragged.csv", data))
    assert [(line, record) for code, line, record in out.findings if code == "F002"] == [(2, 1), (3, 2), (5, 4)]
    assert out.records == [4]


# -- one huge line -----------------------------------------------------------------------------------------------

_HUGE = 60 * 1024 * 1024

# Runs the console script as the only child of a fresh interpreter and prints that child's peak
# RSS (ru_maxrss is in KiB on Linux): RUSAGE_CHILDREN of the test process would also count every
# other subprocess the suite has waited for.
_MEASURE = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
print(json.dumps({"code": done.returncode, "peak": peak, "out": done.stdout.decode(), "err": done.stderr.decode()}))
"""


def lint_measured(path: Path) -> tuple[Outcome, int]:
    args = [_script(), "lint", "--isolated", "--output-format", "json", "--workers", "1", str(path)]
    done = subprocess.run([sys.executable, "-c", _MEASURE, *args], capture_output=True, timeout=600, check=True)
    result = json.loads(done.stdout)
    return _from_envelope(result["code"], result["out"], result["err"]), result["peak"]


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss units and fork: measured on Linux")
@pytest.mark.parametrize("kind", ["jsonl-string", "jsonl-invalid", "csv-cell"])
def test_single_60mb_line_stays_in_bounded_memory(tmp_path: Path, kind: str) -> None:
    """One 60 MiB line, in a real subprocess. Peak RSS measured on the development machine (Python
    3.11, Linux x86-64, ``--workers 1``): JSONL string value 346 MiB, JSONL line that is not JSON
    217 MiB, CSV cell 458 MiB (the line's bytes, its decoded text and the cell are alive together).
    Bound: 10x the file size + 150 MiB."""
    body = b"a" * _HUGE
    if kind == "jsonl-string":
        data = b'{"text_input": "q", "output": "' + body + b'"}\n' + jsonl(good(1))
        expected = ("L002", 1)
    elif kind == "jsonl-invalid":
        data = b'{"text_input": "q", "output": "' + body + b'"\n' + jsonl(good(1))  # no closing brace
        expected = ("F002", 1)
    else:
        data = b'text_input,output\nq,"' + body + b'"\nq2,a2\n'
        expected = ("L002", 2)
    path = write(tmp_path / ("huge.csv" if kind == "csv-cell" else "huge.jsonl"), data)
    del data, body
    out, peak = lint_measured(path)
    size = path.stat().st_size
    assert out.has(*expected)
    assert out.records == [2]
    assert peak < 10 * size + 150 * 1024 * 1024, f"peak RSS {peak / 2**20:.0f} MiB for a {size / 2**20:.0f} MiB file"


# -- deep nesting ------------------------------------------------------------------------------------------------

_DEEP = 100_000


def deep_array(levels: int) -> str:
    return "[" * levels + "]" * levels


def deep_object(levels: int) -> str:
    return '{"a":' * levels + "1" + "}" * levels


def test_orjson_nesting_limit_is_what_the_readers_assume() -> None:
    """orjson reads 1,024 levels and refuses more: the deep-value tests below sit on both sides."""
    assert orjson.loads(deep_array(1024)) is not None
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(deep_array(1025))


@pytest.mark.parametrize("make", [deep_array, deep_object], ids=["array", "object"])
@pytest.mark.parametrize("closed", [True, False], ids=["closed", "unclosed"])
def test_deep_nesting_as_a_jsonl_line(tmp_path: Path, make: Callable[[int], str], closed: bool) -> None:
    text = make(_DEEP) if closed else make(_DEEP)[: len(make(_DEEP)) // 2]
    data = jsonl(good(1)) + text.encode() + b"\n" + jsonl(good(1, 1))
    out = both(write(tmp_path / "deep.jsonl", data))
    assert ("F002", 2, 2) in out.findings
    assert out.records == [3]


@pytest.mark.parametrize("make", [deep_array, deep_object], ids=["array", "object"])
def test_deep_nesting_as_a_json_document(tmp_path: Path, make: Callable[[int], str]) -> None:
    out = both(write(tmp_path / "deep.json", make(_DEEP).encode()))
    assert out.code == 1
    assert out.has("F002", 1)


@pytest.mark.parametrize("make", [deep_array, deep_object], ids=["array", "object"])
@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_deep_value_inside_a_valid_record(tmp_path: Path, make: Callable[[int], str], fmt: str) -> None:
    deep = '{"text_input": "q", "output": "a", "meta": ' + make(_DEEP) + "}"
    lines = [json.dumps(r) for r in good(2)]
    lines.insert(1, deep)
    if fmt == "jsonl":
        data, line = "\n".join(lines) + "\n", 2
    else:
        data, line = "[\n" + ",\n".join(lines) + "\n]\n", 3
    out = both(write(tmp_path / f"deep.{fmt}", data.encode()))
    assert ("F002", line, 2) in out.findings
    assert out.records == [3]


# Where a deep-but-readable value can sit in each known shape: (name, record template with %s).
DEEP_PLACES = [
    ("gemini-extra", '{"text_input": "q", "output": "a", "x": %s}'),
    ("gemini-output", '{"text_input": "q", "output": %s}'),
    ("gemini-input", '{"text_input": %s, "output": "a"}'),
    ("chat-content", '{"messages": [{"role": "user", "content": %s}, {"role": "assistant", "content": "a"}]}'),
    ("chat-role", '{"messages": [{"role": %s, "content": "q"}, {"role": "assistant", "content": "a"}]}'),
    ("chat-turn", '{"messages": [%s, {"role": "assistant", "content": "a"}]}'),
    (
        "tool-arguments",
        '{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": null, "tool_calls": '
        '[{"id": "c1", "type": "function", "function": {"name": "f", "arguments": %s}}]}]}',
    ),
    ("contents-part", '{"contents": [{"role": "user", "parts": [%s]}, {"role": "model", "parts": [{"text": "a"}]}]}'),
    (
        "contents-text",
        '{"contents": [{"role": "user", "parts": [{"text": %s}]}, {"role": "model", "parts": [{"text": "a"}]}]}',
    ),
    (
        "preference",
        '{"input": {"messages": [{"role": "user", "content": %s}]}, "preferred_output": [{"role": "assistant", '
        '"content": "b"}], "non_preferred_output": [{"role": "assistant", "content": "c"}]}',
    ),
    ("sharegpt", '{"conversations": [{"from": "human", "value": %s}, {"from": "gpt", "value": "a"}]}'),
    ("alpaca", '{"instruction": %s, "input": "", "output": "a"}'),
    ("whole-record", "%s"),
]


@pytest.mark.parametrize(("place", "template"), DEEP_PLACES, ids=[p for p, _ in DEEP_PLACES])
@pytest.mark.parametrize("levels", [600, 1000, 1024])
@pytest.mark.parametrize("make", [deep_array, deep_object], ids=["array", "object"])
def test_deep_but_readable_values_never_crash_a_check(
    tmp_path: Path, place: str, template: str, levels: int, make: Callable[[int], str]
) -> None:
    """Values orjson reads (up to 1,024 levels) go through shape detection, JSON Schema validation,
    hashing and every rule; where Python's recursion gives up first, the record is an F002 instead of
    a RecursionError. Every output format renders the result."""
    plain = template % '"plain"'
    lines = [plain, plain, template % make(levels), plain]
    path = write(tmp_path / "deep.jsonl", ("\n".join(lines) + "\n").encode())
    out = lib(str(path), select=EVERY_RULE)
    assert out.code in (0, 1)
    assert out.records == [4]
    assert_positions_in_range(out, path.read_bytes())
    assert all(line in (None, 1, 2, 3, 4) for _, line, _ in out.findings)
    report = validator.lint(str(path), isolated=True, select=EVERY_RULE)
    for fmt in OUTPUT_FORMATS:
        assert get_reporter(fmt)(report, ReportOptions())


def test_deep_values_when_called_from_a_deep_stack(tmp_path: Path) -> None:
    """A host application may call ``lint`` with hundreds of frames already on the stack, so the
    checks give up at a shallower value: still an F002, never a RecursionError."""
    lines = [DEEP_PLACES[3][1] % deep_array(n) for n in (50, 400, 700)]
    path = write(tmp_path / "deep.jsonl", ("\n".join(lines) + "\n").encode())

    def nested(depth: int) -> Outcome:
        return lib(str(path), select=EVERY_RULE) if depth == 0 else nested(depth - 1)

    out = nested(sys.getrecursionlimit() - 400)
    assert out.records == [3]
    assert not out.has("F002", 1)  # 50 levels: checked as usual


# -- numbers ---------------------------------------------------------------------------------------------------


def test_huge_float_is_a_number_not_a_crash(tmp_path: Path) -> None:
    data = jsonl(good(1)) + b'{"text_input": "q", "output": 1e999999}\n{"text_input": -1e-999999, "output": "a"}\n'
    out = both(write(tmp_path / "floats.jsonl", data))
    assert out.has("S002", 2) and out.has("S002", 3)
    assert not out.has("F002")


@pytest.mark.parametrize("where", ["output", "extra"])
@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_integer_beyond_pythons_digit_limit(tmp_path: Path, where: str, fmt: str) -> None:
    """Python refuses int(str) beyond 4,300 digits: that record is an F002 at the digits' column."""
    digits = "9" * 10_000
    record = (
        '{"text_input": "q", "output": ' + digits + "}"
        if where == "output"
        else '{"text_input": "q", "output": "a", "n": -' + digits + "}"
    )
    lines = [json.dumps(good(1)[0]), record, json.dumps(good(1, 1)[0])]
    if fmt == "jsonl":
        data, line = "\n".join(lines) + "\n", 2
    else:
        data, line = "[\n" + ",\n".join(lines) + "\n]\n", 3
    path = write(tmp_path / f"bigint.{fmt}", data.encode())
    out = both(path)
    assert ("F002", line, 2) in out.findings
    report = validator.lint(str(path), isolated=True)
    f002 = next(f for f in report.findings if f.code == "F002")
    assert f002.column == record.index(digits) + 1
    assert out.records == [3]


def test_long_but_convertible_integers_are_read_exactly(tmp_path: Path) -> None:
    n = int("7" * 4000)
    data = jsonl([{"text_input": "q", "output": "a", "id": n}, *good(1)])
    out = both(write(tmp_path / "ints.jsonl", data))
    assert not out.has("F002")
    assert out.records == [2]


# -- duplicate keys --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_duplicate_keys_are_s007_and_the_last_value_is_linted(tmp_path: Path, fmt: str) -> None:
    """A duplicate key is an S007 on its record, which is linted with the key's last value (as
    Python, orjson, JavaScript and Go read it)."""
    lines = [
        '{"text_input": "", "text_input": "the real question", "output": "a"}',  # empty first: no S003
        '{"text_input": "q", "output": "an answer", "output": ""}',  # empty last: S003
        '{"text_input": "q2", "output": "a2"}',
    ]
    data = "\n".join(lines) + "\n" if fmt == "jsonl" else "[\n" + ",\n".join(lines) + "\n]\n"
    out = both(write(tmp_path / f"dup.{fmt}", data.encode()))
    first, second = (1, 2) if fmt == "jsonl" else (2, 3)
    assert [(line, record) for code, line, record in out.findings if code == "S007"] == [(first, 1), (second, 2)]
    assert not out.has("S003", first)
    assert out.has("S003", second)
    assert out.records == [3]
    assert out.code == 1


# -- surrogates and escapes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\uDBFF x"])
@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_lone_surrogate_escape_is_invalid_syntax(tmp_path: Path, escape: str, fmt: str) -> None:
    bad = '{"text_input": "q", "output": "a' + escape + '"}'
    lines = [json.dumps(good(1)[0]), bad]
    data = "\n".join(lines) + "\n" if fmt == "jsonl" else "[\n" + ",\n".join(lines) + "\n]\n"
    path = write(tmp_path / f"surrogate.{fmt}", data.encode())
    out = both(path)
    line = 2 if fmt == "jsonl" else 3
    assert ("F002", line, 2) in out.findings
    f002 = next(f for f in validator.lint(str(path), isolated=True).findings if f.code == "F002")
    assert f002.column == bad.index("\\u") + 1


def test_paired_surrogate_escape_is_a_character(tmp_path: Path) -> None:
    data = b'{"text_input": "smile \\ud83d\\ude00", "output": "a"}\n'
    out = both(write(tmp_path / "pair.jsonl", data))
    assert not out.has("F002")


def test_raw_surrogate_bytes_are_not_utf8(tmp_path: Path) -> None:
    data = jsonl(good(1)) + b'{"text_input": "q \xed\xa0\x80", "output": "a"}\n'
    out = both(write(tmp_path / "raw.jsonl", data))
    assert out.has("F003", 2)
    assert out.records == [2]


@pytest.mark.parametrize("escape", ["\\x41", "\\u12", "\\q", "\\u12G4", "\\"])
def test_invalid_escapes_are_invalid_syntax_with_a_column(tmp_path: Path, escape: str) -> None:
    bad = '{"text_input": "bad ' + escape + ' here", "output": "a"}'
    data = jsonl(good(1)) + bad.encode() + b"\n" + jsonl(good(1, 1))
    path = write(tmp_path / "esc.jsonl", data)
    out = both(path)
    assert ("F002", 2, 2) in out.findings
    assert out.records == [3]
    f002 = next(f for f in validator.lint(str(path), isolated=True).findings if f.code == "F002")
    assert f002.column is not None and f002.column >= bad.index("\\")


@pytest.mark.parametrize("escape", ["\\q", "\\ud800", "\\u12"])
def test_invalid_escape_in_a_wrapper_key(tmp_path: Path, escape: str) -> None:
    """Found by fuzzing: a bad escape in a key of a JSON document's wrapper object crashed the
    scanner (an orjson error escaped from it)."""
    data = '{\n  "name": "x",\n  "ba' + escape + 'd": 1,\n  "examples": [{"text_input": "q", "output": "a"}]\n}\n'
    out = both(write(tmp_path / "wrapper.json", data.encode()))
    assert out.has("F002", 3)


# -- line ends ---------------------------------------------------------------------------------------------------


def test_crlf_jsonl_lines_are_counted_right(tmp_path: Path) -> None:
    lines = [json.dumps(r) for r in good(2)] + ["", json.dumps({"text_input": "q", "output": ""}), "{bad"]
    out = both(write(tmp_path / "crlf.jsonl", ("\r\n".join(lines) + "\r\n").encode()))
    assert out.has("F006", 3) and out.has("S003", 4) and out.has("F002", 5)
    assert not out.has("F002", 1)
    assert out.records == [4]


def test_cr_only_jsonl_is_linted_per_line_and_flagged(tmp_path: Path) -> None:
    lines = [json.dumps(r) for r in good(2)] + ["", json.dumps({"text_input": "q", "output": ""}), "{bad"]
    out = both(write(tmp_path / "cr.jsonl", ("\r".join(lines) + "\r").encode()))
    assert out.has("F002", 1)  # JSON Lines readers split on LF only: to them this is one bad line
    assert out.has("F006", 3) and out.has("S003", 4) and out.has("F002", 5)
    assert out.records == [4]


def test_single_jsonl_record_ending_in_cr_is_not_flagged(tmp_path: Path) -> None:
    out = both(write(tmp_path / "one.jsonl", json.dumps(good(1)[0]).encode() + b"\r"))
    assert not out.has("F002")
    assert out.records == [1]


@pytest.mark.parametrize("eol", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_csv_line_ends_keep_lines_right(tmp_path: Path, eol: str) -> None:
    rows = ["text_input,output", "q1,a1", f'"multi{eol}line",a2', "q3,", "q4,a4,extra"]
    out = both(write(tmp_path / "eol.csv", (eol.join(rows) + eol).encode()))
    assert out.has("S003", 5) and out.has("F002", 6)
    assert not out.has("F002", 1)
    assert out.records == [4]


@pytest.mark.parametrize("eol", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_json_document_line_ends_keep_lines_right(tmp_path: Path, eol: str) -> None:
    records = [*good(2), {"text_input": "q", "output": ""}]
    text = "[" + eol + ("," + eol).join(json.dumps(r) for r in records) + eol + "]" + eol
    out = both(write(tmp_path / "eol.json", text.encode()))
    assert out.has("S003", 4)
    assert not out.has("F002")


# -- what a path may be -----------------------------------------------------------------------------------------


def test_directory_named_like_a_dataset_is_searched(tmp_path: Path) -> None:
    folder = tmp_path / "x.jsonl"
    folder.mkdir()
    write(folder / "inner.jsonl", jsonl([{"text_input": "q", "output": ""}]))
    out = both(folder)
    assert out.has("S003", 1)
    assert out.records == [1]
    empty = tmp_path / "empty.jsonl"
    empty.mkdir()
    out = both(empty)
    assert out.code == 0 and out.records == [] and out.findings == []


def test_directory_passed_to_the_reader_is_a_tool_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError):
        validator.readers.open_dataset(str(tmp_path))


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX only")


def _feed_fifo(path: Path, data: bytes, deadline: float = 30.0) -> threading.Thread:
    """Start a thread that writes ``data`` to the FIFO once a reader has opened it (a non-blocking
    open fails with ENXIO until then), so the thread can never hang the test."""

    def run() -> None:
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:
                if exc.errno != errno.ENXIO:
                    raise
                time.sleep(0.01)
                continue
            os.set_blocking(fd, True)
            with contextlib.suppress(BrokenPipeError), os.fdopen(fd, "wb") as fh:
                fh.write(data)
            return

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@needs_fifo
@pytest.mark.parametrize("via", ["cli", "lib"])
def test_fifo_with_a_writer_is_read_as_a_stream(tmp_path: Path, via: str) -> None:
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    writer = _feed_fifo(fifo, jsonl([*good(2), {"text_input": "q", "output": ""}]))
    out = cli(str(fifo)) if via == "cli" else lib(str(fifo))
    writer.join(timeout=30)
    assert not writer.is_alive()
    assert out.has("S003", 3)
    assert out.records == [3]


@needs_fifo
def test_fifo_without_a_writer_is_a_tool_error_not_a_hang(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    monkeypatch.setattr(validator.readers, "FIFO_WAIT_SECONDS", 0.2)
    started = time.monotonic()
    assert cli(str(fifo)).code == 2
    assert lib(str(fifo)).code == 2
    assert time.monotonic() - started < 10


@needs_fifo
def test_fifo_without_a_writer_in_a_real_process(tmp_path: Path) -> None:
    """The real script waits ``FIFO_WAIT_SECONDS`` (10 s) for a writer, then exits 2."""
    os.mkfifo(tmp_path / "pipe.jsonl")
    started = time.monotonic()
    out = script_outcome("pipe.jsonl", cwd=tmp_path)
    assert out.code == 2
    assert time.monotonic() - started < 60


@needs_fifo
def test_fifo_in_a_searched_directory_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "a.jsonl", jsonl(good(1)))
    os.mkfifo(tmp_path / "b.jsonl")
    out = both(tmp_path)
    assert out.records == [1]


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc (Linux)")
def test_anonymous_pipe_is_read_like_standard_input(tmp_path: Path) -> None:
    """``tunelint lint <(zcat data.jsonl.gz)`` passes /dev/fd/N, an anonymous pipe: read however
    slowly its writer produces."""
    read_end, write_end = os.pipe()

    def produce() -> None:
        with os.fdopen(write_end, "wb") as fh:
            time.sleep(0.3)  # a slow producer: no time limit applies to an anonymous pipe
            fh.write(jsonl([*good(1), {"text_input": "q", "output": ""}]))

    thread = threading.Thread(target=produce, daemon=True)
    thread.start()
    try:
        out = lib(f"/dev/fd/{read_end}")
    finally:
        thread.join(timeout=30)
        os.close(read_end)
    assert out.has("S003", 2)
    assert out.records == [2]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero and /dev/null")
@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"])
def test_character_devices_are_refused(tmp_path: Path, device: str) -> None:
    """/dev/zero never ends: reading it would grow one line forever. Devices are refused."""
    out = script_outcome(device, cwd=tmp_path)
    assert out.code == 2
    assert lib(device).code == 2


def test_symlink_loop_and_broken_symlink(tmp_path: Path) -> None:
    (tmp_path / "loop1.jsonl").symlink_to(tmp_path / "loop2.jsonl")
    (tmp_path / "loop2.jsonl").symlink_to(tmp_path / "loop1.jsonl")
    (tmp_path / "broken.jsonl").symlink_to(tmp_path / "missing.jsonl")
    for name in ("loop1.jsonl", "broken.jsonl"):
        assert cli(str(tmp_path / name)).code == 2
        assert lib(str(tmp_path / name)).code == 2
        assert script_outcome(name, cwd=tmp_path).code == 2


def test_broken_symlink_in_a_searched_directory_is_a_tool_error(tmp_path: Path) -> None:
    write(tmp_path / "a.jsonl", jsonl(good(1)))
    (tmp_path / "b.jsonl").symlink_to(tmp_path / "gone.jsonl")
    assert both(tmp_path).code == 2


def _nobody() -> tuple[int, int] | None:
    """(uid, gid) of an unprivileged account to run the script as, or None."""
    try:
        import pwd

        entry = pwd.getpwnam("nobody")
    except (ImportError, KeyError):
        return None
    return entry.pw_uid, entry.pw_gid


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_unreadable_file_is_a_tool_error(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        path = write(tmp_path / "secret.jsonl", jsonl(good(1)))
        path.chmod(0)
        try:
            assert cli(str(path)).code == 2
            assert lib(str(path)).code == 2
            assert script_outcome(path.name, cwd=tmp_path).code == 2
        finally:
            path.chmod(stat.S_IRUSR | stat.S_IWUSR)
        return
    # Root reads any file whatever its mode: run the real script as an unprivileged user instead.
    account = _nobody()
    if account is None:
        pytest.skip("running as root and there is no 'nobody' account to drop privileges to")
    folder = Path(tempfile.mkdtemp(prefix="tunelint-perm-"))
    try:
        folder.chmod(0o755)
        path = write(folder / "secret.jsonl", jsonl(good(1)))
        path.chmod(0)
        uid, gid = account
        try:
            done = subprocess.run(
                [_script(), "lint", "--isolated", path.name],
                cwd=folder,
                user=uid,
                group=gid,
                extra_groups=[],
                env={"PATH": os.environ.get("PATH", ""), "HOME": str(folder)},
                capture_output=True,
                timeout=120,
                check=False,
            )
        except PermissionError as exc:  # e.g. the interpreter lives under root's 0700 home
            pytest.skip(f"running as root and 'nobody' cannot run the interpreter ({exc}); see the in-process test")
        assert_tool_error_text(done.returncode, done.stdout.decode(), done.stderr.decode())
        assert b"permission denied" in done.stderr
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_unreadable_file_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same through the library, with the open refused as the kernel would refuse it."""
    path = write(tmp_path / "secret.jsonl", jsonl(good(1)))
    real_open = os.open

    def refuse(file: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if os.fspath(file) == str(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    assert cli(str(path)).code == 2
    assert lib(str(path)).code == 2


def test_file_removed_between_discovery_and_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The directory is searched, then one of its files disappears before it is opened."""
    for name in ("a.jsonl", "b.jsonl", "c.jsonl"):
        write(tmp_path / name, jsonl(good(1)))
    real = validator.runner.expand_paths

    def expand_then_remove(*args: Any, **kwargs: Any) -> list[str]:
        found = real(*args, **kwargs)
        victim = tmp_path / "b.jsonl"
        if victim.exists():
            victim.unlink()
        return found

    monkeypatch.setattr(validator.runner, "expand_paths", expand_then_remove)
    out = cli(str(tmp_path))
    assert out.code == 2 and "b.jsonl" in out.error
    write(tmp_path / "b.jsonl", jsonl(good(1)))
    out = lib(str(tmp_path))
    assert out.code == 2 and "b.jsonl" in out.error


# -- standard input ---------------------------------------------------------------------------------------------

UTF16_NO_BOM = jsonl([*good(1), {"text_input": "q", "output": ""}]).decode().encode("utf-16-le")
STDIN_CASES: list[tuple[str, bytes, tuple[str, ...], tuple[str, int | None]]] = [
    ("empty", b"", (), ("F005", None)),
    ("gzip", gzip_bytes(), (), ("F002", 1)),
    ("utf16-no-bom", UTF16_NO_BOM, (), ("S003", 2)),
    ("deep", jsonl(good(1)) + deep_array(_DEEP).encode() + b"\n", (), ("F002", 2)),
    ("cr-only", jsonl(good(2)).replace(b"\n", b"\r"), (), ("F002", 1)),
    ("csv-unclosed-quote", b'text_input,output\nq1,a1\nq2,"open\nq3,a3\n', ("--format-in", "csv"), ("F002", 3)),
    ("bad-escape", b'{"text_input": "\\q", "output": "a"}\n', (), ("F002", 1)),
]


@pytest.mark.parametrize(
    ("payload", "options", "expected"), [c[1:] for c in STDIN_CASES], ids=[c[0] for c in STDIN_CASES]
)
def test_broken_payloads_on_standard_input(
    payload: bytes, options: tuple[str, ...], expected: tuple[str, int | None]
) -> None:
    out = cli("-", *options, stdin=payload)
    assert out.code == 1
    assert out.has(*expected)


def test_broken_payloads_on_standard_input_of_the_real_script(tmp_path: Path) -> None:
    for name, payload, options, expected in STDIN_CASES:
        done = subprocess.run(
            [_script(), "lint", "--isolated", "--output-format", "json", *options, "-"],
            cwd=tmp_path,
            input=payload,
            capture_output=True,
            timeout=120,
            check=False,
        )
        out = _from_envelope(done.returncode, done.stdout.decode(), done.stderr.decode())
        assert out.code == 1, name
        assert out.has(*expected), (name, out.findings)


def test_closed_standard_input_is_a_tool_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Started with standard input closed (``<&-``), Python has no ``sys.stdin`` at all."""
    done = subprocess.run(
        f"{shlex.quote(_script())} lint --isolated - <&-",
        shell=True,
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert_tool_error_text(done.returncode, done.stdout.decode(), done.stderr.decode())
    monkeypatch.setattr(sys, "stdin", None)
    assert lib("-").code == 2


# -- lone surrogates and undecodable names in every output -------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32" or sys.platform == "darwin", reason="file names must allow any bytes")
def test_undecodable_file_name_in_every_output_format(tmp_path: Path) -> None:
    """A file name that is not UTF-8 reaches Python as lone surrogates (surrogateescape), and every
    report repeats it: no writer may fail on it (SARIF's URI quoting did), on stdout or with -o."""
    name = b"bad\xff\xed\xa0\x80name.jsonl"
    with open(os.path.join(os.fsencode(tmp_path), name), "wb") as fh:
        fh.write(jsonl([{"text_input": "q", "output": ""}]))
    for fmt in OUTPUT_FORMATS:
        done = script("lint", "--isolated", "--output-format", fmt, name, cwd=tmp_path)
        assert done.returncode == 1, (fmt, done.stderr)
        assert b"Traceback" not in done.stderr and done.stderr == b"", (fmt, done.stderr)
        text = done.stdout.decode("utf-8")  # valid UTF-8 whatever the name held
        target = f"report-{fmt}.out"
        done = script("lint", "--isolated", "--output-format", fmt, "-o", target, name, cwd=tmp_path)
        assert done.returncode == 1 and done.stderr == b"", (fmt, done.stderr)
        written = (tmp_path / target).read_bytes().decode("utf-8")
        if fmt in ("json", "sarif", "gitlab"):
            json.loads(text)
            json.loads(written)
    done = script("lint", "--isolated", "--write-baseline", "base.json", name, cwd=tmp_path)
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr
    json.loads((tmp_path / "base.json").read_text(encoding="utf-8"))


def test_lone_surrogates_from_memory_render_in_every_format() -> None:
    """In-memory data can hold lone surrogates (the readers refuse them in files): every format
    renders, and the command line's writers escape them."""
    records = [{"text_input": f"q{i} \ud800", "output": "label \udfff"} for i in range(30)]
    report = validator.lint(records, isolated=True, select=EVERY_RULE)
    assert report.findings
    for fmt in OUTPUT_FORMATS:
        text = get_reporter(fmt)(report, ReportOptions(statistics=True))
        assert isinstance(text, str)
    assert json.loads(report.to_json())["summary"]["records"] == 30


def test_lone_surrogates_reach_no_writer_unescaped(tmp_path: Path) -> None:
    from validator.cli import write_atomic

    report = validator.lint([{"text_input": "q \ud800", "output": "a \udfff"}] * 25, isolated=True)
    for fmt in ("full", "json", "html"):
        text = get_reporter(fmt)(report, ReportOptions())
        target = tmp_path / f"out.{fmt}"
        write_atomic(str(target), text)
        target.read_bytes().decode("utf-8")  # written, as valid UTF-8
    baseline = tmp_path / "baseline.json"
    report.write_baseline(str(baseline))
    json.loads(baseline.read_text(encoding="utf-8"))


# -- the real script on a representative subset -----------------------------------------------------------------------


def _subset(tmp: Path) -> Iterator[tuple[str, tuple[str, int | None]]]:
    yield write(tmp / "empty.jsonl", b"").name, ("F005", None)
    yield write(tmp / "png.jsonl", png_bytes()).name, ("F002", 1)
    yield write(tmp / "gz.csv", gzip_bytes()).name, ("F002", 1)
    text, line = wide_text("jsonl")
    yield write(tmp / "u16.jsonl", text.encode("utf-16-be")).name, ("S003", line)
    yield write(tmp / "deep.json", deep_object(_DEEP).encode()).name, ("F002", 1)
    yield write(tmp / "open.csv", b'text_input,output\nq1,a1\nq2,"open\nq3,a3\n').name, ("F002", 3)
    yield write(tmp / "esc.jsonl", b'{"text_input": "\\u12", "output": "a"}\n').name, ("F002", 1)
    yield write(tmp / "big.jsonl", b'{"text_input": "q", "output": ' + b"1" * 9000 + b"}\n").name, ("F002", 1)


def test_representative_cases_in_the_real_script(tmp_path: Path) -> None:
    for name, expected in _subset(tmp_path):
        out = script_outcome(name, cwd=tmp_path)
        assert out.code == 1, name
        assert out.has(*expected), (name, out.findings)
