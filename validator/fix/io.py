"""Safe output paths for ``tunelint fix``; the writing itself is :mod:`validator.atomic`'s
(a temporary file beside each destination, fsynced, then renamed over it)."""

from __future__ import annotations

import os
from collections.abc import Sequence

from validator.atomic import check_target, same_file, temp_prefix, write_files_atomic
from validator.errors import UsageError

__all__ = ["check_output_paths", "same_file", "temp_prefix", "write_files_atomic"]


def check_output_paths(source: str, outputs: Sequence[str], *, force: bool) -> None:
    """Refuse (:class:`UsageError`, exit status 2) an output that is the input file (even with
    ``force``), a directory, two outputs that are the same file, or an existing output without
    ``force``; then :func:`~validator.atomic.check_target` refuses a read-only output or directory
    (:class:`~validator.atomic.WriteError`) before the input is read, not after."""
    for i, out in enumerate(outputs):
        if same_file(source, out):
            raise UsageError(f"{out}: is the input file; fix never writes its input (choose another -o path)")
        if os.path.isdir(out):
            raise UsageError(f"{out}: is a directory")
        if not os.path.isdir(os.path.dirname(os.path.abspath(out))):
            raise UsageError(f"{out}: the directory does not exist")
        if any(same_file(out, other) for other in outputs[:i]):
            raise UsageError(f"{out}: named twice as an output")
        if os.path.lexists(out) and not force:
            raise UsageError(f"{out}: already exists; use --force to replace it")
        check_target(out)
