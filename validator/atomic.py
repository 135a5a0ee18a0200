"""Atomic writes: everything tunelint writes (reports, baselines, repaired datasets) goes to a
temporary file in the target's directory (named ``.NAME.<random>.tmp``), is flushed and fsynced,
then renamed over the target with :func:`os.replace` — so a reader, or a crash, only ever sees the
old file or the complete new one. On any error the temporary files are removed and no target is
touched. A replaced file keeps its permissions.

Before anything is written the targets are checked (:func:`check_target`): a directory, a missing
directory, or a file or directory without write permission is refused with a :class:`WriteError`
(exit status 2). The permission bits are honoured even for root, who could otherwise silently
replace a file its owner made read-only. A write that fails half-way (disk full, file too large)
is a :class:`WriteError` too.

Only ``SIGKILL`` or a power cut can leave a temporary file behind (SIGTERM and Ctrl-C remove it),
and never a partial target. A set of files (``fix --split``) is replaced together: if one rename
fails, the files already replaced are put back. A target that is a symbolic link is replaced by
the new file; the file it pointed to is never written.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import stat
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence

from validator.errors import TunelintError

__all__ = [
    "WriteError",
    "check_outputs",
    "check_target",
    "same_file",
    "temp_prefix",
    "write_files_atomic",
    "write_text_atomic",
]

#: Text is buffered into chunks of about this many characters before each write.
_CHUNK = 1 << 16
#: Any write permission bit (owner, group, others).
_ANY_WRITE = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


class WriteError(TunelintError, OSError):
    """A file could not be written: the target is a directory, its directory is missing or read-only,
    the file is read-only, or the write failed (disk full). Exit status 2. It is also an
    :class:`OSError` (with the ``errno`` of the failure, when there was one)."""


def temp_prefix(path: str) -> str:
    """The prefix of the temporary files written for ``path``: ``.NAME.`` (they end in ``.tmp``)."""
    return f".{os.path.basename(path)}."


def same_file(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` name the same file (also through links or another spelling)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def check_outputs(targets: Mapping[str, str | None], inputs: Iterable[str]) -> None:
    """Refuse (:class:`WriteError`) before any work is done: a target :func:`check_target` rejects,
    two options naming the same file, or a target that is one of the ``inputs`` this run reads (a
    report or baseline must never replace a dataset, a baseline or a config file). ``targets`` maps
    an option name (``-o``) to its path (``None`` when the option was not given)."""
    given = [(option, path) for option, path in targets.items() if path]
    for i, (option, path) in enumerate(given):
        check_target(path)
        for other_option, other in given[:i]:
            if same_file(path, other):
                raise WriteError(f"{path}: named by both {other_option} and {option}; choose two files")
    for source in inputs if given else ():
        if source == "-":
            continue
        for option, path in given:
            if same_file(path, source):
                raise WriteError(f"{path}: {option} names an input of this run; tunelint never writes its inputs")


def check_target(path: str) -> None:
    """Raise :class:`WriteError` unless ``path`` can be replaced: it must not be a directory, its
    directory must exist and be writable, and an existing file must be writable. Devices and pipes
    (written in place) only need to be writable. A symbolic link to a file is itself replaced (the
    rename does not follow it), so only its directory matters; the file it points to is untouched."""
    try:
        link = os.path.islink(path)
        st = os.stat(path)
    except FileNotFoundError:
        st = None  # a new file, or a dangling link
    except OSError as exc:
        raise WriteError(f"{path}: cannot write: {exc.strerror or exc}") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise WriteError(f"{path}: is a directory; name a file to write")
    if st is not None and not stat.S_ISREG(st.st_mode):
        if not os.access(path, os.W_OK):
            raise WriteError(f"{path}: cannot write: permission denied")
        return
    if st is not None and not link and (not os.access(path, os.W_OK) or not st.st_mode & _ANY_WRITE):
        raise WriteError(f"{path}: the file is read-only; tunelint does not replace it")
    directory = os.path.dirname(os.path.abspath(path))
    try:
        dst = os.stat(directory)
    except OSError:
        raise WriteError(f"{path}: the directory {directory} does not exist") from None
    if not stat.S_ISDIR(dst.st_mode):
        raise WriteError(f"{path}: {directory} is not a directory")
    if not os.access(directory, os.W_OK | os.X_OK) or not dst.st_mode & _ANY_WRITE:
        raise WriteError(f"{path}: the directory {directory} is read-only")


def write_text_atomic(path: str, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` atomically. A lone surrogate (possible in in-memory data
    echoed by a report) is written as a backslash escape rather than failing the write."""
    write_files_atomic([(path, (text,))], errors="backslashreplace")


def write_files_atomic(files: Sequence[tuple[str, Iterable[str]]], *, errors: str = "strict") -> None:
    """Write every ``(path, text chunks)`` as UTF-8 (no BOM) through a temporary file each; the
    destinations are replaced only after every temporary file is complete and fsynced, so a set of
    files (a training and a validation split) is written together or not at all. Raises
    :class:`WriteError` (nothing replaced, no temporary file left) when a target cannot be written;
    an exception raised by the chunk iterators propagates as it is, with the same guarantee."""
    for path, _ in files:
        check_target(path)
    special = [(path, chunks) for path, chunks in files if _special(path)]
    for path, chunks in special:
        # A device or a pipe (``-o /dev/null``, a FIFO): renaming a file over it would replace the
        # device itself, so it is written in place; atomicity means nothing for a stream.
        try:
            with open(path, "w", encoding="utf-8", errors=errors, newline="") as fh:
                for chunk in chunks:
                    fh.write(chunk)
        except OSError as exc:
            raise _write_error(path, exc, replaced=False) from None
    files = [(path, chunks) for path, chunks in files if not _special(path)]
    temps: list[str] = []
    current = ""
    try:
        with _terminate_cleanly():
            for path, chunks in files:
                current = path
                temps.append(_write_temp(path, chunks, errors))
            _replace_all([path for path, _ in files], temps)
    except BaseException as exc:
        for tmp in temps:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, WriteError):
            raise _write_error(current, exc, replaced=False) from None
        raise


@contextlib.contextmanager
def _terminate_cleanly() -> Iterator[None]:
    """While temporary files exist, make SIGTERM (a CI timeout, ``docker stop``) raise
    :class:`SystemExit` with the usual status 143, so they are removed like on Ctrl-C instead of
    being left behind. Only when SIGTERM has its default action and on the main thread: a program
    that handles SIGTERM itself keeps its handler."""
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) != signal.SIG_DFL:
        yield
        return

    def terminate(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _replace_all(paths: list[str], temps: list[str]) -> None:
    """Rename every temporary file over its target. With several targets (a training and a
    validation split) each old file is first hard-linked to a backup, so that a failed rename puts
    back the ones already replaced: a new training file never sits beside an old validation file."""
    if len(paths) == 1:
        os.replace(temps[0], paths[0])
        _fsync_directory(os.path.dirname(os.path.abspath(paths[0])))
        return
    backups = [_backup(path) for path in paths]
    done = 0
    try:
        for path, tmp in zip(paths, temps, strict=True):
            os.replace(tmp, path)
            done += 1
    except BaseException as exc:  # also SIGTERM or Ctrl-C between two renames
        restored = all(_restore(path, backup) for path, backup in zip(paths[:done], backups[:done], strict=True))
        if isinstance(exc, OSError):
            raise _write_error(paths[done], exc, replaced=not restored) from None
        raise
    finally:
        for backup in backups:
            if backup:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(backup)
    for directory in dict.fromkeys(os.path.dirname(os.path.abspath(path)) for path in paths):
        _fsync_directory(directory)


def _backup(path: str) -> str | None:
    """A hard link to the file at ``path`` beside it (named like a temporary file), ``""`` when the
    file system cannot link, ``None`` when there is no file to keep."""
    if not os.path.lexists(path):
        return None
    directory = os.path.dirname(os.path.abspath(path))
    while True:
        name = os.path.join(directory, f"{temp_prefix(path)}{secrets.token_hex(6)}.tmp")
        try:
            os.link(path, name, follow_symlinks=False)
        except FileExistsError:
            continue
        except (OSError, NotImplementedError):  # no hard links here (or not of a link itself)
            return ""
        return name


def _restore(path: str, backup: str | None) -> bool:
    """Put the old file back at ``path`` (or remove the new one when there was none); False when
    that is not possible."""
    try:
        if backup is None:
            os.unlink(path)
        elif backup:
            os.replace(backup, path)
        else:
            return False
    except OSError:
        return False
    return True


def _write_error(path: str, exc: OSError, replaced: bool) -> WriteError:
    """The one-line message of a failed write; it says whether the old file is still there."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    outcome = "; another file of the set may already be the new version" if replaced else "; nothing was replaced"
    error = WriteError(f"{path}: cannot write: {reason}{outcome}")
    error.errno = exc.errno
    return error


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
    """The permissions of the file being replaced, else (a new file, or a link that is replaced)
    the usual ``0o666`` less the umask."""
    if not os.path.islink(path):
        with contextlib.suppress(OSError):
            return stat.S_IMODE(os.stat(path).st_mode)
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
