"""Where the counted texts of a T rule live (record number, physical line, field names), kept as runs."""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from typing import Any

from validator.api import NO_SHIFT, Batch, Record, Shift

_Names = tuple[str | None, str | None]


class _Where:
    """Where each counted text lives: record number, physical line and field names, kept as runs.

    A run is a stretch of entries whose record and line numbers both go up by one and that share their
    field names; a regular file is a handful of runs (fourteen bytes each), whatever its size, and a
    file whose every record breaks the run costs fourteen bytes per record. Entries are appended a
    batch at a time and merged, shifted, from the next shard.
    """

    def __init__(self) -> None:
        self._at = array("I")  # first entry of each run
        self._index = array("I")  # the record number of that entry
        self._line = array("I")  # its physical line
        self._fid = array("H")  # its field names: an id into _names
        self._size = 0
        self._ids: dict[_Names, int] = {}
        self._names: list[_Names] = []
        self._cache: tuple[object, int] = (None, 0)  # the engine shares one fields mapping per shape

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_cache"] = (None, 0)  # an identity cache means nothing in another process
        return state

    def __len__(self) -> int:
        return self._size

    def _fid_of_names(self, names: _Names) -> int:
        found = self._ids.get(names)
        if found is None:
            found = len(self._names)
            if found > 0xFFFF:  # pragma: no cover - 65,536 distinct field pairs in one file
                return 0
            self._ids[names] = found
            self._names.append(names)
        return found

    def _fid_of(self, fields: Mapping[str, str]) -> int:
        cached, fid = self._cache
        if fields is not cached:
            fid = self._fid_of_names((fields.get("input"), fields.get("output")))
            self._cache = (fields, fid)
        return fid

    def _push(self, index: int, line: int, fid: int, count: int) -> None:
        """Append ``count`` entries numbered from ``index``/``line`` (extending the last run when
        they continue it)."""
        size = self._size
        if self._at:
            last = len(self._at) - 1
            step = size - self._at[last]
            if self._fid[last] == fid and self._index[last] + step == index and self._line[last] + step == line:
                self._size = size + count
                return
        self._at.append(size)
        self._index.append(index)
        self._line.append(line)
        self._fid.append(fid)
        self._size = size + count

    def add(self, batch: Batch, keep: Sequence[int] | None = None) -> None:
        """Append every example of ``batch``, or the ones at positions ``keep``."""
        records, lines, fields = batch.records, batch.lines, batch.fields
        if keep is not None:
            records = [records[i] for i in keep]
            lines = [lines[i] for i in keep]
            fields = [fields[i] for i in keep]
        count = len(records)
        if not count:
            return
        shared = fields[0]
        if fields.count(shared) == count:  # identity first: one comparison per entry, in C
            fid = self._fid_of(shared)
            # Record numbers only go up, so their span tells whether they are consecutive; lines may
            # repeat (records sharing a line), so they are compared in full.
            if (
                records[-1] - records[0] == count - 1
                and lines[-1] - lines[0] == count - 1
                and lines == list(range(lines[0], lines[0] + count))
            ):
                self._push(records[0], lines[0], fid, count)
                return
            fids = [fid] * count
        else:
            fids = [self._fid_of(f) for f in fields]
        push = self._push
        for index, line, fid in zip(records, lines, fids, strict=True):
            push(index, line, fid, 1)

    def _run(self, i: int) -> tuple[int, int]:
        run = bisect_right(self._at, i) - 1
        return run, i - self._at[run]

    def line(self, i: int) -> int:
        """The physical line of entry ``i``."""
        run, step = self._run(i)
        return self._line[run] + step

    def record(self, i: int) -> Record:
        """A stand-in record (number and line) to locate a finding at."""
        run, step = self._run(i)
        return Record(index=self._index[run] + step, line=self._line[run] + step)

    def field(self, i: int, role: str) -> str | None:
        names = self._names[self._fid[self._run(i)[0]]]
        return names[0] if role == "input" else names[1]

    def merge(self, other: _Where, shift: Shift = NO_SHIFT) -> None:
        """Append ``other``'s entries (the next shard's), moved by ``shift`` into the whole file."""
        if not other._at:
            return
        fids = [self._fid_of_names(names) for names in other._names]
        # The first run may continue this one's last run; the others start runs of their own.
        base = self._size
        first_end = other._at[1] if len(other._at) > 1 else other._size
        self._push(shift.record(other._index[0]), shift.line(other._line[0]), fids[other._fid[0]], first_end)
        if len(other._at) > 1:
            self._at.extend(array("I", [at + base for at in other._at[1:]]))
            self._index.extend(array("I", [shift.record(index) for index in other._index[1:]]))
            self._line.extend(array("I", [line + shift.lines for line in other._line[1:]]))
            self._fid.extend(array("H", [fids[fid] for fid in other._fid[1:]]))
            self._size = base + other._size
