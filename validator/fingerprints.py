"""Stable fingerprints of findings, independent of line numbers.

A finding's fingerprint hashes its rule code, its field and the *content* of the record it is about
(the canonical input and output of an example, or the parsed value of a record that did not map to
one), so it survives records being added, removed or reordered around it. Baselines, SARIF
``partialFingerprints`` and GitLab Code Quality fingerprints are built from it. File-level findings
hash the code alone. The engine keeps one 8-byte content digest per record, in an array: 8 bytes per
record, the only per-record state it keeps.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from array import array
from collections.abc import Sequence
from typing import Any

import orjson

from validator.api import Example, Finding, Record

__all__ = ["ContentDigests", "fingerprint"]


def _digest8(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


def _value_bytes(value: Any) -> bytes:
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    except (TypeError, orjson.JSONEncodeError):  # big integers, lone surrogates, odd in-memory types
        return json.dumps(value, sort_keys=True, default=repr).encode("utf-8", "surrogatepass")


class ContentDigests:
    """Content digest by record number (1-based)."""

    __slots__ = ("_digests",)

    def __init__(self) -> None:
        self._digests = array("Q")

    def add(self, record: Record, example: Example | None) -> None:
        """Remember the content of ``record`` (call once per delimited record, in order)."""
        if record.index <= 0:
            return
        while len(self._digests) < record.index - 1:  # a reader skipped numbers: keep positions right
            self._digests.append(0)
        if example is not None:
            self.add_texts(record.index, example.input_text, example.output_text)
            return
        # An unparsable record's text is gone; the count of such findings is what matters.
        digest = _digest8(b"v" + _value_bytes(record.value)) if record.error is None else _digest8(b"e")
        if len(self._digests) == record.index - 1:
            self._digests.append(digest)

    def add_texts(self, record: int, input_text: str, output_text: str) -> None:
        """Remember the content of example record ``record`` by its texts (the engine's fast path)."""
        digests = self._digests
        while len(digests) < record - 1:
            digests.append(0)
        if len(digests) == record - 1:
            digests.append(
                zlib.crc32(input_text.encode("utf-8", "surrogatepass")) << 32
                | zlib.crc32(output_text.encode("utf-8", "surrogatepass"))
            )

    def extend_texts(self, records: Sequence[int], inputs: Sequence[str], outputs: Sequence[str]) -> None:
        """:meth:`add_texts` for consecutive example records (one C-level pass when they follow on)."""
        if records and records[0] == len(self._digests) + 1 and records[-1] - records[0] == len(records) - 1:
            crc = zlib.crc32
            self._digests.extend(
                [
                    crc(i.encode("utf-8", "surrogatepass")) << 32 | crc(o.encode("utf-8", "surrogatepass"))
                    for i, o in zip(inputs, outputs, strict=True)
                ]
            )
            return
        for record, input_text, output_text in zip(records, inputs, outputs, strict=True):
            self.add_texts(record, input_text, output_text)

    def merge(self, other: ContentDigests) -> None:
        """Append the next shard's digests (its record 1 follows this one's last record)."""
        self._digests.extend(other._digests)

    def of(self, record: int | None) -> int | None:
        """The digest of record number ``record``, or ``None`` for no record / an unknown one."""
        if record is None or not 0 < record <= len(self._digests):
            return None
        return self._digests[record - 1]


def fingerprint(finding: Finding, digests: ContentDigests) -> str:
    """16 hex digits: the finding's code, field and record content (see the module docstring)."""
    content = digests.of(finding.record)
    hashed = "" if content is None else format(content, "x")
    key = f"{finding.code}\x1f{finding.field or ''}\x1f{hashed}"
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
