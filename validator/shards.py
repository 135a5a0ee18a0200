"""Lint one large JSON Lines, CSV or TSV file with several processes, giving exactly the result of one pass.

The file is cut into byte ranges at line ends. This process lints the first range itself while
forked workers lint the others, each as if its range were a file of its own (lines and records
numbered from 1). A worker sends back its :class:`~validator.engine.PassState` (rule instances with
their compact state, findings, statistics); this process folds them in file order with
``merge(other, shift)``, where the shift is the number of lines and records before the range, and
then runs the ``finish`` hooks once. That is the protocol described in :mod:`validator.api`
("State and merging"); a Dask or Spark job would map ranges to tasks and fold the states the same way.

Sharding is used only where it is exact and pays: a JSON Lines, CSV or TSV file of at least
:data:`MIN_SHARD_BYTES`, read from a path, on a platform with ``fork``, with every selected rule
shardable. CSV ranges are cut at line ends outside quoted fields (an even number of ``"`` before
them), and each range's reader proves it ended between rows. A file that turns out not to be
UTF-8, a range cut inside a quoted field (a stray quote in an unquoted cell) or a worker that fails
falls back to one pass, so results do not depend on the number of workers — with one known
limit, in T002/T003, whose bounded per-key reference texts can leave a record of a range unjudged
(never wrongly flagged) where one pass would judge it; see the README's Performance section.
Set ``TUNELINT_DEBUG_WORKERS=1`` to have a failing worker's traceback printed before the fallback.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import itertools
import multiprocessing
import os
import pickle
import sys
import tempfile
import traceback
from collections.abc import Iterator
from multiprocessing.connection import Connection
from typing import Any

from validator.api import FileFacts, Record, Shift
from validator.config import Settings
from validator.plugins import RuleRegistry
from validator.readers import detect_format, read_records
from validator.readers.decode import HEAD_BYTES
from validator.readers.tabular import RANGE_END_ROW, RangeEnd

__all__ = ["MAX_AUTO_WORKERS", "MIN_SHARD_BYTES", "plan_ranges", "shard_count"]

#: Files smaller than this are linted in one process: forking and merging would cost more.
MIN_SHARD_BYTES = 16 * 1024 * 1024
#: ``workers = "auto"`` uses one process per core, at most this many.
MAX_AUTO_WORKERS = 4
_READ = 4 * 1024 * 1024


def shard_count(settings: Settings, size: int | None) -> int:
    """How many ranges to cut a file of ``size`` bytes into (1: no sharding)."""
    if size is None or size < MIN_SHARD_BYTES or not _can_fork():
        return 1
    workers = settings.workers
    wanted = min(os.cpu_count() or 1, MAX_AUTO_WORKERS) if workers == "auto" else int(workers)
    # Ranges below the minimum cost more to fork and merge than they save.
    return max(1, min(wanted, size // (MIN_SHARD_BYTES // 2)))


def _can_fork() -> bool:
    # Workers inherit the loaded rules and plan by fork; spawn would have to pickle and re-import
    # them (and plugins). macOS's fork is unsafe with some system libraries, so Linux only.
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def plan_ranges(path: str, size: int, count: int, *, quoted: bool = False) -> list[tuple[int, int]]:
    """Cut ``path`` into at most ``count`` byte ranges ``[start, end)`` that begin at line starts.
    With ``quoted`` (CSV/TSV), a cut is only made at a line end preceded by an even number of
    ``"`` characters, i.e. outside any quoted field of a well-formed file (a range that still
    turns out to start inside one is detected by its reader: see :data:`RANGE_END_ROW`)."""
    cuts = [0]
    with open(path, "rb") as fh:
        quotes, counted_to = 0, 0  # quotes in [0, counted_to)
        for k in range(1, count):
            at = size * k // count
            if at <= cuts[-1]:
                continue
            if quoted:
                quotes += _count(fh.fileno(), counted_to, at, b'"')
                counted_to = at
            fh.seek(at)
            cut = at
            while True:
                rest = fh.readline()  # the end of the line ``cut`` falls in
                if not rest.endswith(b"\n"):
                    cut = size  # the last line: no further cut
                    break
                cut += len(rest)
                if quoted:
                    quotes += rest.count(b'"')
                    counted_to = cut
                if not quoted or quotes % 2 == 0:
                    break
            if cut >= size:
                break
            cuts.append(cut)
    cuts.append(size)
    return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]


def _count(fd: int, start: int, end: int, byte: bytes) -> int:
    """How many ``byte`` there are in bytes ``[start, end)`` of the file ``fd`` (read with ``pread``)."""
    found = 0
    while start < end:
        data = os.pread(fd, min(_READ, end - start), start)
        if not data:
            break
        found += data.count(byte)
        start += len(data)
    return found


class _Window(io.RawIOBase):
    """Bytes ``[start, end)`` of a file, read with ``pread`` (the descriptor's offset is not used),
    then ``tail``."""

    def __init__(self, fd: int, start: int, end: int, tail: bytes = b"") -> None:
        self._fd, self._at, self._end, self._tail = fd, start, end, tail

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        want = min(len(buffer), self._end - self._at)
        if want <= 0:
            data, self._tail = self._tail[: len(buffer)], self._tail[len(buffer) :]
        else:
            data = os.pread(self._fd, want, self._at)
            self._at += len(data)
        buffer[: len(data)] = data
        return len(data)


class _Range:
    """How one byte range is read: as a file of its own (lines and records numbered from 1)."""

    def __init__(self, fmt: str, start: int, end: int, last: bool, header: list[str] | None) -> None:
        self.fmt, self.start, self.end, self.last, self.header = fmt, start, end, last, header
        self.ending = RangeEnd()

    def records(self, fd: int, facts: FileFacts) -> Iterator[Record]:
        tabular = self.fmt in ("csv", "tsv")
        # A CSV range that is not the file's last ends with a marker row: reading it proves the
        # range was cut between rows.
        tail = RANGE_END_ROW if tabular and not self.last else b""
        stream = io.BufferedReader(_Window(fd, self.start, self.end, tail), buffer_size=_READ)
        if not tabular:
            return read_records(stream, facts, self.fmt)
        return read_records(stream, facts, self.fmt, header=self.header, range_end=self.ending)

    def complete(self) -> bool:
        """After reading: whether the range was read as whole rows."""
        return self.fmt not in ("csv", "tsv") or self.last or self.ending.clean


class _Failed(Exception):
    """A range could not be linted exactly; the file is linted in one pass instead."""


def lint_sharded(
    path: str,
    facts: FileFacts,
    settings: Settings,
    registry: RuleRegistry,
    count: int,
    shared: dict[Any, Any],
    format_hint: str | None = None,
) -> Any:
    """Lint ``path`` in up to ``count`` ranges; ``None`` when the file is not one to shard (the
    caller then lints it in one pass). Returns a :class:`~validator.engine.FileResult`."""
    from validator.engine import _chain, _look_ahead, plan_pass

    size = facts.bytes or 0
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # UTF-16/32: decoded as a whole
    fmt = format_hint or detect_format(path, head)
    if fmt not in ("jsonl", "csv", "tsv"):
        return None  # a JSON document's records are found by one scan from its start
    if not all(rule.shardable() for rule in registry.select(settings.select, settings.extend_select, settings.ignore)):
        return None
    header = _header(head, fmt) if fmt != "jsonl" else None
    if fmt != "jsonl" and header is None:
        return None
    bounds = plan_ranges(path, size, count, quoted=fmt != "jsonl")
    if len(bounds) < 2:
        return None
    ranges = [_Range(fmt, a, b, i == len(bounds) - 1, header) for i, (a, b) in enumerate(bounds)]
    facts.format = fmt
    fd = os.open(path, os.O_RDONLY)
    try:
        first = ranges[0]
        first.header = None  # the first range starts with the header row: read it as the file's start
        records = first.records(fd, facts)
        lookahead, records = _look_ahead(records)
        plan = plan_pass(lookahead, facts, settings, registry, shared)
        # The second range's worker also counts the first range's lines: this process has the
        # first range's records and then the merge and finish to do, so it is the one to spare.
        workers: list[_Worker] = []
        try:
            for i, part in enumerate(ranges[1:]):
                workers.append(_Worker(plan, path, part, first if i == 0 else None))
            state = plan.begin()
            state.feed(_chain(lookahead, records))
            if not first.complete():
                raise _Failed("the first range ends inside a quoted field")
            lines = 0
            for worker in workers:
                shard, complete, newlines, before = _receive(worker)
                if not complete:
                    raise _Failed("a range ends inside a quoted field")
                lines += before
                state.merge(shard, Shift(lines, state.facts.records))
                lines += newlines
        except _Failed:
            return None
        finally:
            for worker in workers:
                worker.close()
    finally:
        os.close(fd)
    if state.facts.encoding_issue is not None:
        return None  # decoding choices are made per range: redo such a file in one pass
    return state.finish()


def _header(head: bytes, fmt: str) -> list[str] | None:
    """The header row of a CSV/TSV file from its first bytes (``None`` when it is not all there)."""
    text = head.decode("utf-8-sig", errors="replace")
    end = text.find("\n")
    if end < 0 or text[:end].count('"') % 2:
        return None  # no complete first line, or a header cell spanning lines: not worth sharding
    for row in csv.reader([text[: end + 1]], delimiter="\t" if fmt == "tsv" else ",", strict=False):
        return [name.strip() for name in row] if row else None
    return None


class _Worker:
    """A forked process linting one range. Its state is pickled into a memory file created before the
    fork (so it is written while this process is still busy, not pushed through a pipe when this
    process asks for it); the pipe carries only the outcome."""

    def __init__(self, plan: Any, path: str, part: _Range, count_too: _Range | None) -> None:
        ctx = multiprocessing.get_context("fork")
        self.result = _memory_file()
        self.conn, sender = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=_work, args=(sender, self.result, plan, path, part, count_too), daemon=True)
        try:
            self.process.start()
        except OSError as exc:  # fork refused (memory, process limit): the file is linted in one pass
            self.conn.close()
            self.result.close()
            raise _Failed(f"cannot start a worker: {exc}") from None
        finally:
            sender.close()

    def close(self) -> None:
        self.conn.close()
        if self.process.pid is None:  # never started
            return
        self.process.join(timeout=5)
        if self.process.is_alive():  # pragma: no cover - a worker that ignores its closed pipe
            self.process.kill()
        self.result.close()


def _memory_file() -> io.BufferedRandom:
    """An anonymous file in memory (Linux ``memfd``), or an unlinked temporary file elsewhere."""
    memfd_create = getattr(os, "memfd_create", None)
    if memfd_create is not None:
        try:
            return open(memfd_create("tunelint-shard", os.MFD_CLOEXEC), "w+b")
        except OSError:  # pragma: no cover - memfd refused (old kernel, seccomp)
            pass
    return tempfile.TemporaryFile()


def _work(
    conn: Connection, result: io.BufferedRandom, plan: Any, path: str, part: _Range, count_too: _Range | None
) -> None:
    """Worker process: lint one range, write its state to ``result`` and tell the parent how it went."""
    try:
        state = _lint_range(plan, path, part, count_too)
        with gc_paused():
            pickle.dump(state, result, protocol=pickle.HIGHEST_PROTOCOL)
        result.flush()
        conn.send(("ok", None))
    except BaseException:  # anything a worker meets is reported, then one pass redoes the file
        conn.send(("error", traceback.format_exc(limit=5)))
    finally:
        conn.close()


def _lint_range(plan: Any, path: str, part: _Range, count_too: _Range | None = None) -> tuple[Any, bool, int, int]:
    """Lint one range as a file of its own: its pass state, whether it was read as whole rows, its
    number of line ends (to place the next range) and those of ``count_too`` (0 without)."""
    facts = plan.shard_facts()
    fd = os.open(path, os.O_RDONLY)
    try:
        state = plan.begin(first=False, facts=facts)
        state.feed(part.records(fd, facts))
        before = _count(fd, count_too.start, count_too.end, b"\n") if count_too is not None else 0
        return state, part.complete(), _count(fd, part.start, part.end, b"\n"), before
    finally:
        os.close(fd)


def _receive(worker: _Worker) -> Any:
    try:
        status, payload = worker.conn.recv()
    except (EOFError, OSError):
        raise _Failed("worker exited without a result") from None
    if status != "ok":
        if os.environ.get("TUNELINT_DEBUG_WORKERS"):
            print(payload, file=sys.stderr)
        raise _Failed(payload)
    worker.result.seek(0)
    try:
        with gc_paused():  # loading builds many objects at once: collections in between find no garbage
            return pickle.load(worker.result)
    finally:
        worker.result.close()  # its memory is freed now, not when the last worker's state is merged


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while many long-lived objects are built at once."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
