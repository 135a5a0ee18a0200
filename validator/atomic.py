"""Atomic writes: everything tunelint writes (reports, baselines, repaired datasets) goes to a
temporary file in the target's directory (named ``.NAME.<random>.tmp``), is flushed and fsynced,
then renamed over the target with :func:`os.replace` — so a reader, or a crash, only ever sees the
old file or the complete new one. On any error the temporary files are removed and no target is
touched. A replaced file keeps its permissions."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Sequence

__all__ = ["temp_prefix", "write_files_atomic", "write_text_atomic"]

#: Text is buffered into chunks of about this many characters before each write.
_CHUNK = 1 << 16


def temp_prefix(path: str) -> str:
    """The prefix of the temporary files written for ``path``: ``.NAME.`` (they end in ``.tmp``)."""
    return f".{os.path.basename(path)}."


def write_text_atomic(path: str, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` atomically. A lone surrogate (possible in in-memory data
    echoed by a report) is written as a backslash escape rather than failing the write."""
    write_files_atomic([(path, (text,))], errors="backslashreplace")


def write_files_atomic(files: Sequence[tuple[str, Iterable[str]]], *, errors: str = "strict") -> None:
    """Write every ``(path, text chunks)`` as UTF-8 (no BOM) through a temporary file each; the
    destinations are replaced only after every temporary file is complete and fsynced, so a set of
    files (a training and a validation split) is written together or not at all."""
    special = [(path, chunks) for path, chunks in files if _special(path)]
    for path, chunks in special:
        # A device or a pipe (``-o /dev/null``, a FIFO): renaming a file over it would replace the
        # device itself, so it is written in place; atomicity means nothing for a stream.
        with open(path, "w", encoding="utf-8", errors=errors, newline="") as fh:
            for chunk in chunks:
                fh.write(chunk)
    files = [(path, chunks) for path, chunks in files if not _special(path)]
    temps: list[str] = []
    try:
        for path, chunks in files:
            temps.append(_write_temp(path, chunks, errors))
        for (path, _), tmp in zip(files, temps, strict=True):
            os.replace(tmp, path)
            _fsync_directory(os.path.dirname(os.path.abspath(path)))
    except BaseException:
        for tmp in temps:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        raise


def _special(path: str) -> bool:
    """True for an existing target that is not a regular file (a character device, a FIFO)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _write_temp(path: str, chunks: Iterable[str], errors: str) -> str:
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path), suffix=".tmp", dir=directory)
    try:
        os.fchmod(fd, _mode_for(path))
        with os.fdopen(fd, "w", encoding="utf-8", errors=errors, newline="") as fh:
            buffer: list[str] = []
            size = 0
            for chunk in chunks:
                buffer.append(chunk)
                size += len(chunk)
                if size >= _CHUNK:
                    fh.write("".join(buffer))
                    buffer.clear()
                    size = 0
            fh.write("".join(buffer))
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return tmp


def _mode_for(path: str) -> int:
    """The permissions of the file being replaced, else the usual ``0o666`` less the umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_directory(directory: str) -> None:
    """Make the rename durable (best effort: not every platform can open a directory)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
