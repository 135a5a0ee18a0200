"""Orchestration shared by the library call and the CLI: resolve settings per file, run the
engine on each source, and assemble one :class:`~validator.report.Report`."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from fnmatch import fnmatch
from functools import lru_cache
from pathlib import Path
from typing import Any

from validator.api import Severity
from validator.baseline import BaselineResult, apply_baseline, write_baseline
from validator.config import (
    Settings,
    find_config,
    load_config_file,
    relative_to_root,
    settings_from_mapping,
)
from validator.engine import FileResult, lint_file, lint_memory
from validator.errors import ConfigError, SourceError, UsageError
from validator.plugins import RuleRegistry, load_rules
from validator.profiles import load_profile
from validator.progress import Progress
from validator.report import Report, RuleInfo
from validator.sources import expand_paths, is_path_like
from validator.splits import Job, plan_jobs
from validator.tokens import make_counter

__all__ = ["Overrides", "base_settings", "run_lint", "settings_for"]

#: CLI/library options in config-key spelling (``None`` = not given).
Overrides = Mapping[str, Any]


def base_settings(config: str | os.PathLike[str] | Mapping[str, Any] | None, isolated: bool) -> Settings | None:
    """Settings from an explicit config (a path or a mapping); ``None`` means discover per file."""
    if isinstance(config, Mapping):
        return settings_from_mapping(config, "config argument")
    if config is not None:
        path = Path(config)
        if not path.is_file():
            raise ConfigError(f"{path}: config file not found")
        return load_config_file(path)
    if isolated:
        return Settings()
    return None


@lru_cache(maxsize=256)
def _discovered(directory: str) -> Settings:
    found = find_config(Path(directory))
    return load_config_file(found) if found is not None else Settings()


def settings_for(path: str, explicit: Settings | None, overrides: Overrides) -> Settings:
    """The settings that apply to ``path``: explicit or discovered config, then the overrides."""
    if explicit is not None:
        settings = explicit
    elif path in ("-", "<memory>"):
        settings = _discovered(os.getcwd())
    else:
        settings = _discovered(os.path.dirname(os.path.abspath(path)))
    return settings.merged(overrides, "command line") if any(v is not None for v in overrides.values()) else settings


def run_lint(
    source: object,
    *,
    explicit: Settings | None,
    overrides: Overrides,
    tool_version: str,
    format_hint: str | None = None,
    registry: RuleRegistry | None = None,
    validation: Sequence[str] = (),
    baseline: str | None = None,
    write_baseline_to: str | None = None,
    progress: Progress | None = None,
) -> Report:
    """Lint paths or in-memory data and build the report. ``write_baseline_to`` records every
    finding as accepted (and the report then has none left); ``baseline`` drops the findings a
    baseline file accepts and lists its stale entries."""
    registry = registry or load_rules()
    # Discovered config is cached for one run only: a config edited between two calls in the same
    # process (a notebook, a long-running service) must be read again.
    _discovered.cache_clear()
    results: list[FileResult] = []
    thresholds: list[Severity] = []
    if is_path_like(source):
        args: Sequence[Any] = [source] if isinstance(source, (str, os.PathLike)) else list(source)  # type: ignore[call-overload]
        cwd_settings = settings_for("-", explicit, overrides)
        _check_selectors(cwd_settings, registry)
        paths = [
            path
            for path in expand_paths(args, cwd_settings.exclude)
            # the nearest config's exclude applies, not only the one at the cwd
            if path == "-" or not _excluded(path, settings_for(path, explicit, overrides))
        ]
        try:
            jobs = plan_jobs(paths, validation, lambda p: settings_for(p, explicit, overrides).datasets)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        if "-" in paths and getattr(sys.stdin, "buffer", None) is None:
            # Started with standard input closed (``<&-``) or detached (pythonw): nothing to read.
            raise SourceError("-: standard input is closed; pipe the data in (tunelint lint - < FILE)")
        shared: dict[Any, Any] = {}  # cross-file rule state (split leakage) for this run
        for job in jobs:
            settings = _with_dataset_mapping(settings_for(job.path, explicit, overrides), job, overrides)
            _check_selectors(settings, registry)
            results.append(
                lint_file(
                    job.path,
                    settings,
                    registry,
                    format_hint,
                    shared=shared,
                    role=job.role,
                    pair=job.pair,
                    progress=progress,
                )
            )
            thresholds.append(settings.fail_on)
        fail_on = _report_threshold(results, thresholds) if results else cwd_settings.fail_on
    else:
        settings = settings_for("<memory>", explicit, overrides)
        _check_selectors(settings, registry)
        results.append(lint_memory(source, settings, registry))
        fail_on = settings.fail_on
    # dict.fromkeys drops exact repeats in order: a config-declared [tuning] value is checked with
    # every dataset and would otherwise be reported once per linted file.
    findings = list(dict.fromkeys(f for r in results for f in r.findings))
    baseline_result: BaselineResult | None = None
    if write_baseline_to is not None:
        write_baseline(findings, write_baseline_to)
        findings, baseline_result = apply_baseline(findings, write_baseline_to)
    elif baseline is not None:
        findings, baseline_result = apply_baseline(findings, baseline)
    rules = {}
    for finding in findings:
        if finding.code not in rules:
            rule = registry.lookup(finding.code)
            if rule is not None:
                sections = rule.doc_sections()
                rules[finding.code] = RuleInfo(
                    code=rule.code,
                    name=rule.name,
                    summary=rule.summary,
                    default_severity=rule.default_severity,
                    fix=sections.get("Fix", ""),
                    description=sections.get("What", ""),
                )
    return Report(
        findings=findings,
        files=[r.report for r in results],
        fail_on=Severity.parse(fail_on),
        tool_version=tool_version,
        rules=rules,
        baseline=baseline_result,
    )


def _with_dataset_mapping(settings: Settings, job: Job, overrides: Overrides) -> Settings:
    """A ``[[datasets]]`` entry's field mapping applies to both of its files (options given on the
    command line still win)."""
    entry = job.dataset
    if entry is None or (entry.input_field is None and entry.output_field is None):
        return settings
    mapping = {
        "input-field": entry.input_field if overrides.get("input-field") is None else None,
        "output-field": entry.output_field if overrides.get("output-field") is None else None,
    }
    return settings.merged(mapping, entry.origin)


def _check_selectors(settings: Settings, registry: RuleRegistry) -> None:
    """Fail on a selector that names no rule before any data is read, so a typo never passes
    silently (for example when there is nothing to lint yet). A selector from a config file is a
    :class:`ConfigError` naming the file and the key."""
    keys = (("select", settings.select or ()), ("extend-select", settings.extend_select), ("ignore", settings.ignore))
    for key, selectors in keys:
        for selector in selectors:
            try:
                registry.matching(selector)
            except UsageError as exc:
                origin = settings.origins.get(key)
                if origin is None or origin == "command line":
                    raise
                raise ConfigError(f"{origin}: {key}: {exc}") from None
    if settings.profile is not None:
        load_profile(settings.profile, settings.profiles)  # an unknown name fails before any data is read
    make_counter(settings.tokenizer)  # likewise a tokenizer that is missing or not available offline


def _excluded(path: str, settings: Settings) -> bool:
    """True when ``path`` matches an ``exclude`` glob of its own settings (relative to the config's
    directory, or by file name)."""
    if not settings.exclude:
        return False
    rel = relative_to_root(path, settings.root)
    name = os.path.basename(path)
    return any(fnmatch(rel, pattern) or fnmatch(name, pattern) for pattern in settings.exclude)


def _report_threshold(results: Sequence[FileResult], thresholds: Sequence[Severity]) -> Severity:
    """One ``fail-on`` for the report that gives the same verdict as gating every file with the
    ``fail-on`` of its own (nearest) config: the threshold of a failing file when one fails (its
    findings then fail the report), else the least strict threshold (which no finding reaches,
    since every finding is below its own file's threshold)."""
    failing = [
        threshold
        for result, threshold in zip(results, thresholds, strict=True)
        if any(f.severity.rank >= threshold.rank for f in result.findings)
    ]
    return max(failing or thresholds, key=lambda s: s.rank)
