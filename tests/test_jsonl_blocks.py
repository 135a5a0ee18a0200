"""The JSON Lines reader takes lines a block at a time and parses a block of plain UTF-8 lines in a
few C calls; any other block is read line by line. Both ways must give the same records (index,
line, value, error, kind, repeated keys), whatever the mix of lines and wherever blocks start."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from validator.api import FileFacts, Record
from validator.readers import decode, jsonl, read_records
from validator.readers.decode import LineSource

_LINES = st.sampled_from(
    [
        b'{"text_input": "q", "output": "a"}',
        b'{"text_input": "caf\xc3\xa9 \xe2\x98\x83", "output": "12345678901234567"}',
        b"",  # blank
        b"   ",  # whitespace only
        b'{"text_input": "q", "text_input": "again"}',  # a repeated key (S007)
        b'{"n": 12345678901234567890123}',  # an integer beyond 64 bits
        b'{"id": "1234567890123456789"}',  # 19 digits in a string: parsed exactly either way
        b'{"broken": ',  # does not parse
        b'{"text_input": "caf\xe9"}',  # Latin-1: not UTF-8
        b"[1, 2, 3]",
        b'"just a string"',
        b'{"a": {"b": {"c": [null, true, 1.5e300]}}}',
    ]
)


def _records(data: bytes) -> list[tuple[Any, ...]]:
    facts = FileFacts(path="x.jsonl", format="jsonl")
    found: list[Record] = list(read_records(io.BytesIO(data), facts, "jsonl"))
    return [
        (r.index, r.line, json.dumps(r.value, sort_keys=True, default=str), r.error, r.kind, r.violations)
        for r in found
    ]


def _line_by_line(data: bytes, monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    with monkeypatch.context() as patch:
        patch.setattr(jsonl, "_parsed_block", lambda lines, first, index: None)
        return _records(data)


@settings(max_examples=120, deadline=None)
@given(
    st.lists(_LINES, max_size=40),
    st.lists(_LINES, max_size=5),
    st.integers(min_value=0, max_value=700),
    st.sampled_from([b"\n", b"\r\n"]),
    st.booleans(),
)
def test_blocks_read_like_lines(
    head: list[bytes], tail: list[bytes], plain: int, newline: bytes, final_newline: bool
) -> None:
    # Plain lines in between, so that blocks of every kind occur: parsed whole, and mixed.
    lines = head + [b'{"text_input": "question %d", "output": "answer"}' % i for i in range(plain)] + tail
    data = newline.join(lines) + (newline if final_newline and lines else b"")
    with pytest.MonkeyPatch.context() as monkeypatch:
        expected = _line_by_line(data, monkeypatch)
    assert _records(data) == expected


def test_a_block_that_parses_whole_is_not_read_line_by_line(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"".join(b'{"text_input": "q%d", "output": "a"}\n' % i for i in range(600))
    calls: list[int] = []
    one_by_one = jsonl._one_by_one

    def counting(*args: Any) -> list[Record]:
        calls.append(1)
        return one_by_one(*args)

    monkeypatch.setattr(jsonl, "_one_by_one", counting)
    records = _records(data)
    assert [r[:2] for r in records] == [(i, i) for i in range(1, 601)]
    assert calls == []


@pytest.mark.parametrize(
    ("odd", "why"),
    [
        (b"", "blank"),
        (b'{"n": 123456789012345678901234}', "big integer"),
        (b'{"x": 1', "broken"),
        (b'{"x": "\xff"}', "not UTF-8"),
    ],
)
def test_one_odd_line_reads_its_block_line_by_line(odd: bytes, why: str, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [b'{"text_input": "q%d"}' % i for i in range(300)]
    lines[100] = odd
    data = b"\n".join(lines) + b"\n"
    expected = _line_by_line(data, monkeypatch)
    found = _records(data)
    assert found == expected, why
    assert found[100][1] == 101
    assert [r[0] for r in found[101:103]] == ([101, 102] if odd == b"" else [102, 103])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["0123456789", "99999", "7", "x", " ", "é", "١", "\ud800", "\n"]), max_size=12).map(
        "".join
    )
)
@example("x" + "1" * 18 + "é")
@example("é" + "1" * 19)
@example("١" * 19 + "1" * 18)
def test_may_hold_big_int_is_a_run_of_19_ascii_digits(text: str) -> None:
    """The check the block reader and the line reader share: a run of 19 ASCII digits, in text or
    in its UTF-8 bytes (other scripts' digits are not JSON numbers)."""
    import re

    from validator.readers.jsonvalue import may_hold_big_int

    expected = re.search("[0-9]{19}", text) is not None
    event(f"holds a long run: {expected}")
    assert may_hold_big_int(text) is expected
    assert may_hold_big_int(text.encode("utf-8", "surrogatepass")) is expected


# -- LineSource.blocks: the lines of LineSource.__iter__, grouped ------------------------------------

_PIECES = st.sampled_from([b"a", b"{}", b"\n", b"\r\n", b"\r", b"", b"x" * 40, b"\xc3\xa9", b"\xff", b" "])


def _sources(data: bytes) -> tuple[LineSource, LineSource]:
    return (
        LineSource(io.BytesIO(data), FileFacts(path="x", format="jsonl")),
        LineSource(io.BytesIO(data), FileFacts(path="x", format="jsonl")),
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_PIECES, max_size=60).map(b"".join),
    st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe"]),
    st.integers(1, 5),
    st.sampled_from([5, 16, 64, 4096]),
    st.sampled_from([3, 8, 100, 65536]),
)
def test_blocks_are_the_lines_grouped(data: bytes, bom: bytes, size: int, head: int, chunk: int) -> None:
    """Whatever the head size (lines cut at its end), the read size (lines cut between reads),
    the byte order mark (UTF-16 reads as text) and line ends (CR only reads by CR)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(decode, "HEAD_BYTES", head)
        patch.setattr(decode, "_BLOCK_BYTES", chunk)
        by_line, by_block = _sources(bom + data)
        lines = list(by_line)
        blocks = list(by_block.blocks(size))
    assert all(0 < len(block) <= size for _, block in blocks)
    assert [(first + k, line) for first, block in blocks for k, line in enumerate(block)] == lines
    if by_line.binary and not by_line.cr_only:
        # Both ways read the bytes by one mechanism: hold it to the file's bytes (after any UTF-8
        # byte order mark) cut after each LF.
        expected = [piece for piece in re.split(b"(?<=\n)", data) if piece]
        assert lines == list(enumerate(expected, start=1))


def test_a_file_larger_than_a_read_is_read_in_blocks_of_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decode, "_BLOCK_BYTES", 100)
    data = b"".join(b'{"text_input": "q%d", "output": "a"}\n' % i for i in range(1000)) + b'{"last": 1}'
    records = _records(data)
    assert [r[:2] for r in records] == [(i, i) for i in range(1, 1002)]
    assert records[-1][2] == '{"last": 1}'
