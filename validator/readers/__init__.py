"""Readers turn bytes into :class:`~validator.api.Record` objects with physical locations.

:func:`read_records` is the single entry point: it detects the container and the encoding, fills in
the file facts (size, encoding, BOM) and yields records lazily, so memory stays flat however large
the file is.
"""

from __future__ import annotations

import os
import select
import stat
from collections.abc import Iterator
from typing import BinaryIO

from validator.api import FileFacts, ParseError, Record
from validator.errors import SourceError
from validator.readers.decode import LineSource
from validator.readers.detect import FORMATS, detect_format, format_from_extension
from validator.readers.jsondoc import read_json
from validator.readers.jsonl import read_jsonl
from validator.readers.tabular import RangeEnd, read_tabular

__all__ = ["FIFO_WAIT_SECONDS", "FORMATS", "detect_format", "format_from_extension", "open_dataset", "read_records"]


def read_records(
    stream: BinaryIO,
    facts: FileFacts,
    format_hint: str | None = None,
    *,
    header: list[str] | None = None,
    range_end: RangeEnd | None = None,
) -> Iterator[Record]:
    """Yield the records of ``stream``; ``facts.format`` and the encoding facts are set before the
    first record is yielded (and ``facts.encoding_issue`` may be set later, when a bad line is met).
    ``header`` and ``range_end`` are for a byte range of a CSV/TSV file (see
    :func:`~validator.readers.tabular.read_tabular`)."""
    source = LineSource(stream, facts)
    fmt = format_hint or detect_format(facts.path, source.head)
    facts.format = fmt
    if source.not_text is not None:
        # A compressed or binary file has no lines to read: one finding says what it is (F002),
        # instead of one per chance line-feed byte in it.
        return iter([Record(index=0, line=1, error=ParseError(f"not a text file: {source.not_text}", 1, None))])
    if fmt == "jsonl":
        return read_jsonl(source)
    if fmt == "json":
        return read_json(source)
    if fmt in ("csv", "tsv"):
        return read_tabular(source, "\t" if fmt == "tsv" else ",", header=header, range_end=range_end)
    raise ValueError(f"unknown format {fmt!r}")  # callers validate format names first


#: How long a named pipe (FIFO) may go without data before linting it fails: opening one blocks
#: until a writer comes, which may be never.
FIFO_WAIT_SECONDS = 10.0


def open_dataset(path: str) -> tuple[BinaryIO, int | None]:
    """Open ``path`` read-only (binary) and return the stream and its size (``None`` for a pipe).

    A regular file, a named pipe or an anonymous one (``<(zcat data.jsonl.gz)``) can be read; a
    directory, a device, a missing, looping or unreadable path is a :class:`SourceError` with a
    one-line reason. The caller closes the stream."""
    try:
        # O_NONBLOCK: opening a FIFO with no writer returns at once instead of hanging (it has no
        # effect on regular files); the descriptor is switched back to blocking below.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        broken = os.path.islink(path)
        raise SourceError(f"{path}: no such file" + (" (a broken symbolic link)" if broken else "")) from None
    except PermissionError:
        raise SourceError(f"{path}: permission denied") from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot open: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise SourceError(f"{path}: is a directory")
        if stat.S_ISFIFO(mode):
            _wait_for_pipe(fd, path)
        elif not stat.S_ISREG(mode):
            raise SourceError(
                f"{path}: not a regular file ({_kind(mode)}); tunelint reads files, pipes and standard input (-)"
            )
        os.set_blocking(fd, True)
        size = os.fstat(fd).st_size if stat.S_ISREG(mode) else None
        return os.fdopen(fd, "rb"), size
    except SourceError:
        os.close(fd)
        raise
    except OSError as exc:
        os.close(fd)
        raise SourceError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _wait_for_pipe(fd: int, path: str) -> None:
    """Wait until the pipe ``fd`` has data or its writer has gone; a named pipe that stays silent
    for :data:`FIFO_WAIT_SECONDS` (no writer) is a :class:`SourceError`. An anonymous pipe (process
    substitution) has its writer already: it is read like standard input, however slow."""
    if _anonymous_pipe(fd):
        return
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP)
    if not poller.poll(FIFO_WAIT_SECONDS * 1000):
        raise SourceError(
            f"{path}: named pipe with no writer after {FIFO_WAIT_SECONDS:g} s; start the writer first, "
            "or pipe the data to standard input (tunelint lint - < PIPE)"
        )


def _anonymous_pipe(fd: int) -> bool:
    try:
        return os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:")
    except OSError:  # no /proc (not Linux): treated as a named pipe
        return False


def _kind(mode: int) -> str:
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"
