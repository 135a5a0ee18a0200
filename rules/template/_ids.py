"""Columns of ids (``array``) worked on whole: NumPy for long columns, plain Python for short ones
(``numpy_pays`` decides)."""

from __future__ import annotations

from array import array
from collections.abc import Sequence

from rules._batch import numpy_pays


def _positions_of(ids: array[int], wanted: Sequence[int]) -> list[int]:
    """Positions in ``ids`` whose value is one of ``wanted``."""
    if not numpy_pays(len(ids)):
        chosen = set(wanted)
        return [i for i, value in enumerate(ids) if value in chosen]
    import numpy as np

    column = np.frombuffer(ids, dtype=np.dtype(ids.typecode))
    positions: list[int] = np.flatnonzero(np.isin(column, np.array(wanted, dtype=column.dtype))).tolist()
    return positions


def _renumbered(ids: array[int], table: Sequence[int], keep: int) -> array[int]:
    """``ids`` with every value ``v`` replaced by ``table[v]``, except ``keep`` (kept as it is)."""
    if not numpy_pays(len(ids)):
        return array(ids.typecode, [v if v == keep else table[v] for v in ids])
    import numpy as np

    column = np.frombuffer(ids, dtype=np.dtype(ids.typecode))
    lookup = np.array([*table, keep], dtype=column.dtype)
    renumbered = lookup[np.where(column == keep, len(table), column)]
    return array(ids.typecode, renumbered.tobytes())


def _offset(ids: array[int], by: int) -> array[int]:
    """``ids`` with ``by`` added to every value but 0 (no id)."""
    if not numpy_pays(len(ids)):
        return array(ids.typecode, [v + by if v else 0 for v in ids])
    import numpy as np

    column = np.frombuffer(ids, dtype=np.dtype(ids.typecode))
    if len(column) and int(column.max()) + by >= 1 << (8 * ids.itemsize):
        raise OverflowError("reference number out of range")
    return array(ids.typecode, np.where(column != 0, column + by, 0).astype(column.dtype).tobytes())
