"""Physical lines of a byte stream, decoded with a UTF-8 fast path and a chardet fallback.

The common case (UTF-8, or ASCII) is read as raw byte lines split on ``\\n`` so the JSONL reader can
hand bytes straight to orjson. When a line is not valid UTF-8, the encoding is detected once with
chardet (on the head of the file plus the offending line), recorded in the file facts (F003 reports
it), and every later line is decoded with it. Multi-byte encodings that cannot be split on ``\\n``
bytes (UTF-16/32, recognised by their BOM or, without one, by a head full of NUL bytes that decodes
into text) are read through a text wrapper instead.

Two kinds of input are recognised up front, from the head: a file whose lines end with a carriage
return only (classic Mac OS; its lines are then split on ``\\r`` so line numbers stay right), and a
binary container (gzip, zip, PNG, Parquet...) saved under a dataset name, which has no lines at all.
"""

from __future__ import annotations

import codecs
import contextlib
import io
from collections.abc import Iterator, Sequence
from itertools import chain, islice
from typing import BinaryIO

import chardet

from validator.api import FileFacts

__all__ = ["HEAD_BYTES", "LineSource", "binary_kind"]

#: How much of the file is inspected up front for BOMs, NUL bytes and encoding detection.
HEAD_BYTES = 64 * 1024

_WIDE_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# UTF-32 first: ASCII text in UTF-32 decodes as UTF-16 too (with a NUL after every character).
_WIDE_GUESSES = ("utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be")

#: Leading bytes of binary containers that end up with a dataset extension (a compressed export,
#: a Parquet file renamed ``.jsonl``, a spreadsheet saved as ``.csv``): ``(magic, description)``.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip-compressed data; decompress it first"),
    (b"PK\x03\x04", "a zip archive (or an .xlsx/.docx file); extract or export it as text first"),
    (b"BZh", "bzip2-compressed data; decompress it first"),
    (b"\xfd7zXZ\x00", "xz-compressed data; decompress it first"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data; decompress it first"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive; extract it first"),
    (b"PAR1", "a Parquet file; convert it to JSON Lines first"),
    (b"ARROW1", "an Arrow file; convert it to JSON Lines first"),
    (b"SQLite format 3\x00", "an SQLite database; export the table as JSON Lines first"),
    (b"\x93NUMPY", "a NumPy array file; convert it to JSON Lines first"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (.xls/.doc); export it as CSV first"),
)


def binary_kind(head: bytes) -> str | None:
    """What binary container ``head`` (a file's first bytes) starts, or ``None`` for text. A magic
    number alone is not enough: the head must also not be UTF-8, so a text file that happens to
    start with ``PAR1`` or ``GIF8`` is still read (and linted) as text."""
    kind = next((kind for magic, kind in _MAGIC if head.startswith(magic)), None)
    if kind is None:
        return None
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return kind
    return None


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
        #: What binary container the file is (see :func:`binary_kind`), or ``None`` for text.
        self.not_text = binary_kind(self._head)
        self._text_encoding = None if self.not_text else self._wide_encoding()
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
        #: True when the lines end with a carriage return alone (no line feed in the head, and a CR
        #: with more text after it): lines are then split on CR.
        self.cr_only = b"\n" not in self.head and b"\r" in self.head.rstrip(b"\r")
        if self.cr_only:
            self.head = self.head.replace(b"\r", b"\n")  # sniffed as the lines it will be read as

    def _wide_encoding(self) -> str | None:
        for bom, name in _WIDE_BOMS:
            if self._head.startswith(bom):
                return name
        # Text in UTF-16/32 without a BOM has NUL bytes all through it (one per ASCII character); a
        # stray NUL in UTF-8 text is not enough. The encoding is the one that decodes the head into
        # text (binary data with NULs, a PNG or a run of zeros, decodes into controls or not at all).
        if self._head.count(0) * 8 >= len(self._head) >= _MIN_WIDE_BYTES:
            whole = len(self._head) < HEAD_BYTES  # the head is the whole file: no character may be cut
            for name in _WIDE_GUESSES:
                if _reads_as_text(self._head, name, whole):
                    return name
        return None

    def __iter__(self) -> Iterator[tuple[int, bytes | str]]:
        if self.binary:
            return self._cr_lines() if self.cr_only else self._byte_lines()
        return self._text_lines()

    def blocks(self, size: int) -> Iterator[tuple[int, Sequence[bytes | str]]]:
        """The lines of :meth:`__iter__` in blocks of at most ``size``: ``(first line number, lines)``,
        the lines of a block numbered on from the first. A byte-mode file is read a block at a time
        by the stream's own ``readlines`` (no Python step per line)."""
        if self.binary and not self.cr_only:
            return self._byte_blocks(size)
        return self._grouped(size)

    def _byte_blocks(self, size: int) -> Iterator[tuple[int, list[bytes]]]:
        lineno = 0
        pending = b""
        # The head is replayed first, then the remainder of the stream.
        for source in (io.BytesIO(self._head), self._stream):
            while lines := source.readlines(_BLOCK_BYTES):
                if pending:
                    lines[0] = pending + lines[0]
                    pending = b""
                if not lines[-1].endswith(b"\n"):
                    pending = lines.pop()  # a line cut at the head boundary or the last line of the file
                for start in range(0, len(lines), size):
                    block = lines[start : start + size]
                    yield lineno + 1, block
                    lineno += len(block)
        if pending:
            yield lineno + 1, [pending]

    def _grouped(self, size: int) -> Iterator[tuple[int, list[bytes | str]]]:
        lines = iter(self)
        while block := list(islice(lines, size)):
            linenos, texts = zip(*block, strict=True)
            yield linenos[0], list(texts)

    def _byte_lines(self) -> Iterator[tuple[int, bytes | str]]:
        # One reading of the bytes for both ways of taking them: the blocks, flattened.
        for first, block in self._byte_blocks(_LINES_PER_BLOCK):
            yield from enumerate(block, start=first)

    def _cr_lines(self) -> Iterator[tuple[int, bytes | str]]:
        """Byte lines ending in CR (the stream is read in blocks: ``readline`` splits on LF only)."""
        lineno = 0
        parts: list[bytes] = []  # the line being assembled, in pieces: a huge line is joined once
        blocks = chain((self._head,), iter(lambda: self._stream.read(_CR_BLOCK), b""))
        for block in blocks:
            pieces = block.split(b"\r")
            for piece in pieces[:-1]:
                parts.append(piece)
                lineno += 1
                yield lineno, b"".join(parts) + b"\r"
                parts = []
            if pieces[-1]:
                parts.append(pieces[-1])
        if parts:
            yield lineno + 1, b"".join(parts)

    def _text_lines(self) -> Iterator[tuple[int, bytes | str]]:
        assert self._text_encoding is not None
        raw = io.BufferedReader(_Chain(self._head, self._stream))
        newline = "\r" if self.cr_only else "\n"
        text = io.TextIOWrapper(raw, encoding=self._text_encoding, errors="replace", newline=newline)
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


#: Block size for reading a file whose lines end in CR.
_CR_BLOCK = 1024 * 1024
#: Bytes of lines read at a time by :meth:`LineSource.blocks` (whole lines: a longer line is read whole).
_BLOCK_BYTES = 64 * 1024
#: Lines per block when the lines are taken one by one (any size serves; it only splits a read).
_LINES_PER_BLOCK = 1024


# Fewer bytes than this are too little evidence to call a file without a BOM UTF-16 or UTF-32 (a
# few UTF-8 characters around a stray NUL can decode as a couple of printable UTF-16 ones).
_MIN_WIDE_BYTES = 16
# How much of the head is decoded to judge it (a Python loop looks at every character).
_SAMPLE_BYTES = 16384


def _reads_as_text(head: bytes, encoding: str, whole: bool) -> bool:
    """True when ``head`` decodes in ``encoding`` into text: at least 95% printable characters,
    tabs and line ends, and no NUL. A character cut at the end is fine unless ``whole``."""
    final = whole and len(head) <= _SAMPLE_BYTES
    try:
        text = codecs.getincrementaldecoder(encoding)().decode(head[:_SAMPLE_BYTES], final=final)
    except UnicodeDecodeError:
        return False
    if not text or "\x00" in text:
        return False
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\t\n\r")
    return printable >= 0.95 * len(text)


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
