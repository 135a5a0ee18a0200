"""tunelint: lint LLM fine-tuning datasets before they are uploaded for tuning.

>>> import validator
>>> report = validator.lint([{"text_input": "1", "output": "2"}])
>>> report.ok
False
>>> [f.code for f in report.findings]
['L003']

Only tool errors (:class:`TunelintError`: a missing file, a bad config, a broken plugin) raise from
:func:`lint`; problems in the data are findings in the returned :class:`Report`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from validator.api import Finding, Location, Severity
from validator.errors import (
    ConfigError,
    DatasetValidationError,
    PluginError,
    SourceError,
    TunelintError,
    UsageError,
)
from validator.report import FileReport, Report

try:
    __version__ = version("tunelint")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
    __version__ = "0.0.0+unknown"

__all__ = [
    "ConfigError",
    "DatasetValidationError",
    "FileReport",
    "Finding",
    "Location",
    "PluginError",
    "Report",
    "Severity",
    "SourceError",
    "TunelintError",
    "UsageError",
    "__version__",
    "lint",
]


def lint(
    source: object,
    *,
    profile: str | None = None,
    task: str | None = None,
    config: str | os.PathLike[str] | Mapping[str, Any] | None = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    extend_select: Sequence[str] | None = None,
    fail_on: str | Severity | None = None,
    input_field: str | None = None,
    output_field: str | None = None,
    tokenizer: str | None = None,
    workers: int | str | None = None,
    baseline: str | os.PathLike[str] | None = None,
    isolated: bool = False,
    validation: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
) -> Report:
    """Lint a dataset and return a :class:`Report`.

    ``source`` is a path (file, directory or glob), a list of paths, or in-memory data: a list of
    dicts, a list of ``(input, output)`` tuples, a dict of columns or a pandas DataFrame.
    ``config`` is a config file path or a mapping of config keys; without it, config files are
    discovered next to each linted file (``isolated=True`` skips discovery). Keyword options beat
    the config, as command-line options do. ``validation`` names validation/test file(s) to lint
    with ``source`` (one training file) and check for split leakage (D004). ``tokenizer`` chooses how
    tokens are counted (``"estimate"``, ``"tiktoken:NAME"``, ``"tiktoken:PATH"``, ``"hf:PATH"``; see
    :mod:`validator.tokens`). ``workers`` is the number of processes that lint one large JSON Lines
    file (``"auto"``, the default: one per core, at most four; the result is the same for any
    number, see :mod:`validator.shards`). ``baseline`` names a baseline file (see :meth:`Report.write_baseline`):
    findings it accepts are left out of the report, its stale entries are in ``report.baseline``.
    """
    from validator.runner import base_settings, run_lint

    try:
        threshold = Severity.parse(fail_on).value if fail_on is not None else None
    except ValueError as exc:
        raise UsageError(f"fail_on: {exc}") from None
    overrides = {
        "profile": profile,
        "task": task,
        "select": list(select) if select is not None else None,
        "ignore": list(ignore) if ignore is not None else None,
        "extend-select": list(extend_select) if extend_select is not None else None,
        "fail-on": threshold,
        "input-field": input_field,
        "output-field": output_field,
        "tokenizer": tokenizer,
        "workers": workers,
    }
    return run_lint(
        source,
        explicit=base_settings(config, isolated),
        overrides=overrides,
        tool_version=__version__,
        validation=_paths(validation),
        baseline=os.fspath(baseline) if baseline is not None else None,
    )


def _paths(value: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, os.PathLike)):
        return [os.fspath(value)]
    return [os.fspath(v) for v in value]
