"""The header row of a CSV/TSV input, read independently of the readers: a record is a mapping of
column name to cell, so two columns with the same name (after the readers trim the names) would
keep only the last cell — ``fix`` refuses such a file rather than drop a column silently."""

from __future__ import annotations

import csv
from collections import Counter

from validator.fix.result import FixRefused

__all__ = ["check_header"]


def check_header(path: str, fmt: str, encoding: str) -> list[str]:
    """The header names the readers trimmed (``' output'``), for the change summary. Raises
    :class:`FixRefused` when two columns have the same (trimmed) name."""
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        row = next(csv.reader(fh, delimiter="\t" if fmt == "tsv" else ","), [])
    if row:
        row[0] = row[0].lstrip("\ufeff")
    names = [name.strip() for name in row]
    twice = [name for name, n in Counter(names).items() if n > 1]
    if twice:
        shown = ", ".join(repr(name) for name in twice)
        raise FixRefused(
            f"{path}: the header names the column(s) {shown} more than once; a record keeps one cell per "
            "name, so fix would drop the others — rename the columns first",
            (1,),
        )
    return [name for name in row if name != name.strip()]
