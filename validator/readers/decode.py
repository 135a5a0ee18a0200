"""Physical lines of a byte stream, decoded with a UTF-8 fast path and a chardet fallback.

The common case (UTF-8, or ASCII) is read as raw byte lines split on ``\\n`` so the JSONL reader can
hand bytes straight to orjson. When a line is not valid UTF-8, the encoding is detected once with
chardet (on the head of the file plus the offending line), recorded in the file facts (F003 reports
it), and every later line is decoded with it. Multi-byte encodings that cannot be split on ``\\n``
bytes (UTF-16/32, recognised by their BOM or by chardet when the head contains NUL bytes) are read
through a text wrapper instead.
"""

from __future__ import annotations

import codecs
import contextlib
import io
from collections.abc import Iterator
from typing import BinaryIO

import chardet

from validator.api import FileFacts

__all__ = ["HEAD_BYTES", "LineSource"]

#: How much of the file is inspected up front for BOMs, NUL bytes and encoding detection.
HEAD_BYTES = 64 * 1024

_WIDE_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class LineSource:
    """Iterate ``(line_number, line)`` over a binary stream; ``line`` keeps its terminator.

    In byte mode (``self.binary``) lines are ``bytes`` and :meth:`text` decodes them; in text mode
    they are already ``str``. ``self.utf8`` stays true while every line so far was valid UTF-8 —
    readers may then skip decoding and parse bytes directly.
    """

    def __init__(self, stream: BinaryIO, facts: FileFacts) -> None:
        self._stream = stream
        self._facts = facts
        #: The facts of the file being read (readers record what they learn there).
        self.facts = facts
        self._head = stream.read(HEAD_BYTES)
        #: The first bytes of the file (after a UTF-8 BOM), for format sniffing.
        self.head = self._head
        self.binary = True
        self.utf8 = True
        self._fallback = "utf-8"
        self._text_encoding = self._wide_encoding()
        if self._text_encoding is not None:
            self.binary = False
            self.utf8 = False
            facts.encoding = self._text_encoding
            facts.encoding_issue = (1, self._text_encoding.upper())
            self.head = self._head.decode(self._text_encoding, errors="replace").encode()
        elif self._head.startswith(codecs.BOM_UTF8):
            facts.bom = True
            facts.encoding = "utf-8-sig"
            self._head = self._head[len(codecs.BOM_UTF8) :]
            self.head = self._head

    def _wide_encoding(self) -> str | None:
        for bom, name in _WIDE_BOMS:
            if self._head.startswith(bom):
                return name
        # Text in UTF-16/32 without a BOM has NUL bytes all through it (one per ASCII character); a
        # stray NUL in UTF-8 text is not enough for chardet's guess to be believed.
        if self._head.count(0) * 8 >= len(self._head) > 0:
            guess = (chardet.detect(self._head).get("encoding") or "").lower()
            if guess.startswith(("utf-16", "utf-32")):
                return guess
        return None

    def __iter__(self) -> Iterator[tuple[int, bytes | str]]:
        if self.binary:
            return self._byte_lines()
        return self._text_lines()

    def _byte_lines(self) -> Iterator[tuple[int, bytes | str]]:
        lineno = 0
        rest = io.BytesIO(self._head)
        # The head is replayed first, then the remainder of the stream, line by line.
        pending = b""
        for chunk_source in (rest, self._stream):
            for piece in chunk_source:
                if pending:
                    piece = pending + piece
                    pending = b""
                if not piece.endswith(b"\n"):
                    pending = piece  # a line cut at the head boundary or the last line of the file
                    continue
                lineno += 1
                yield lineno, piece
        if pending:
            yield lineno + 1, pending

    def _text_lines(self) -> Iterator[tuple[int, bytes | str]]:
        assert self._text_encoding is not None
        raw = io.BufferedReader(_Chain(self._head, self._stream))
        text = io.TextIOWrapper(raw, encoding=self._text_encoding, errors="replace", newline="\n")
        for lineno, line in enumerate(text, start=1):
            if lineno == 1:
                line = line.lstrip("\ufeff")
            yield lineno, line

    def text(self, line: bytes | str, lineno: int) -> str:
        """Decode a line produced by this source, switching to the detected encoding on the first
        line that is not valid UTF-8."""
        if isinstance(line, str):
            return line
        if self.utf8:
            try:
                return line.decode("utf-8")
            except UnicodeDecodeError:
                self._switch_encoding(line, lineno)
        return line.decode(self._fallback, errors="replace")

    def _switch_encoding(self, line: bytes, lineno: int) -> None:
        guess = chardet.detect(self._head + line)
        detected = guess.get("encoding") or ""
        if (guess.get("confidence") or 0.0) < chardet.MINIMUM_THRESHOLD and not _is_cp1252(detected):
            # A guess from too little evidence (a lone "£" reads as IBM866): cp1252, the commonest
            # legacy encoding of such files, is the better bet.
            detected = ""
        chosen = _usable_encoding(detected, line)
        self.utf8 = False
        self._fallback = chosen
        self._facts.encoding = chosen
        self._facts.encoding_issue = (lineno, detected or chosen)


def _is_cp1252(name: str) -> bool:
    try:
        return codecs.lookup(name).name == "cp1252"
    except LookupError:
        return False


# Files labelled ISO-8859-1 or ASCII are in practice Windows-1252 (the WHATWG encoding standard maps
# these labels to it): decoding 0x80-0x9F as C1 controls would turn curly quotes and the euro sign
# into invisible characters.
_WINDOWS_SUPERSET = {"iso8859-1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252"}


def _usable_encoding(detected: str, sample: bytes) -> str:
    """The detected encoding if Python knows it and it decodes the sample, else cp1252, else latin-1
    (which decodes any byte, so no data is lost)."""
    with contextlib.suppress(LookupError):
        detected = _WINDOWS_SUPERSET.get(codecs.lookup(detected).name, detected) if detected else detected
    for candidate in (detected, "cp1252"):
        if not candidate:
            continue
        try:
            codecs.lookup(candidate)
            sample.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
        return candidate.lower()
    return "latin-1"


class _Chain(io.RawIOBase):
    """A raw stream that replays the already-read head, then the rest of the underlying stream."""

    def __init__(self, head: bytes, stream: BinaryIO) -> None:
        self._head = memoryview(head)
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._head.nbytes:
            n = min(len(buffer), self._head.nbytes)
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._stream.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
