"""Force the NumPy or the plain-Python implementation of the rules that have both.

Rules use NumPy for large columns only (``rules._batch.numpy_pays``), and a test process has NumPy
imported already, which makes every size "large": without this switch the plain-Python paths that
small files take would go untested."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

from rules import _batch
from rules.duplicates import _columns, leakage
from rules.template import _ids, anchors


@contextlib.contextmanager
def numpy_paths(use: bool) -> Iterator[None]:
    """Force the NumPy implementations (``True``) or the plain-Python ones (``False``) of the
    columns, ``merge`` and ``finish``, whatever the size of the data and whether NumPy is imported."""
    with pytest.MonkeyPatch.context() as patch:
        # every module that calls numpy_pays (a patch on a package does not reach its submodules)
        for module in (_batch, _columns, leakage, _ids, anchors):
            patch.setattr(module, "numpy_pays", lambda n: use)
        yield


#: Run a test with both implementations.
both_paths = pytest.mark.parametrize("use_numpy", [True, False], ids=["numpy", "python"])
