"""The single streaming pass: records -> shape -> Example -> rules -> findings.

The engine knows rules only through :mod:`validator.api` and the registry; it never imports a rule
module. Shape detection looks ahead at a bounded number of records, so memory stays flat.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from fnmatch import fnmatch
from typing import Any, BinaryIO

from validator.api import (
    Context,
    Example,
    FileFacts,
    Finding,
    Record,
    Rule,
    Violation,
    json_type,
)
from validator.config import Settings, relative_to_root
from validator.errors import ConfigError, SourceError
from validator.fingerprints import ContentDigests, fingerprint
from validator.plugins import RuleRegistry
from validator.profiles import load_profile
from validator.progress import Progress
from validator.readers import open_dataset, read_records
from validator.report import FileReport
from validator.schemas import MAPPED, ROLES, Shape, detect_shape, majority_shape, mapped_shape
from validator.schemas.shape import article
from validator.stats import LengthStats, TokenStats
from validator.tasks import OutputTally, infer_task
from validator.tokens import TokenCounter, make_counter

__all__ = ["FileResult", "lint_file", "lint_memory"]

#: Shape detection reads ahead this many parsed object records (or LOOKAHEAD_RECORDS in all).
LOOKAHEAD_OBJECTS = 20
LOOKAHEAD_RECORDS = 200
_KEYS_SHOWN = 12


@dataclass
class FileResult:
    """Findings and facts of one linted source."""

    findings: list[Finding]
    report: FileReport


def lint_file(
    path: str,
    settings: Settings,
    registry: RuleRegistry,
    format_hint: str | None = None,
    *,
    shared: dict[Any, Any] | None = None,
    role: str | None = None,
    pair: str | None = None,
    progress: Progress | None = None,
) -> FileResult:
    """Lint one file (``-`` for standard input). Unreadable paths raise :class:`SourceError`.
    ``progress`` draws a bar for large files."""
    if path == "-":
        facts = FileFacts(path="<stdin>", format=format_hint or "jsonl", role=role, pair=pair)
        return _lint_stream(sys.stdin.buffer, facts, settings, registry, format_hint, shared)
    stream, size = open_dataset(path)
    with stream:
        facts = FileFacts(path=path, format=format_hint or "", bytes=size, role=role, pair=pair)
        try:
            if progress is not None and progress.wants(size):
                try:
                    return _lint_stream(stream, facts, settings, registry, format_hint, shared, progress)
                finally:
                    progress.done()
            return _lint_stream(stream, facts, settings, registry, format_hint, shared)
        except OSError as exc:
            raise SourceError(f"{path}: read failed: {exc.strerror or exc}") from None


def _lint_stream(
    stream: BinaryIO,
    facts: FileFacts,
    settings: Settings,
    registry: RuleRegistry,
    format_hint: str | None,
    shared: dict[Any, Any] | None,
    progress: Progress | None = None,
) -> FileResult:
    records = read_records(stream, facts, format_hint)
    if progress is not None and facts.bytes:
        records = _reporting(records, stream, facts.path, facts.bytes, progress)
    return _run(records, facts, settings, registry, shared)


def _reporting(
    records: Iterator[Record], stream: BinaryIO, name: str, size: int, progress: Progress
) -> Iterator[Record]:
    """Pass records through, updating the progress bar every 4,096 records from the byte offset."""
    for count, record in enumerate(records):
        if not count & 4095:
            progress.update(name, stream.tell(), size)
        yield record


def lint_memory(
    source: object, settings: Settings, registry: RuleRegistry, *, shared: dict[Any, Any] | None = None
) -> FileResult:
    """Lint in-memory data (see :mod:`validator.sources`)."""
    from validator.sources import MEMORY_PATH, memory_records

    facts = FileFacts(path=MEMORY_PATH, format="memory", bytes=None)
    return _run(memory_records(source), facts, settings, registry, shared)


# -- the pass -------------------------------------------------------------------------------------


def _run(
    records: Iterator[Record],
    facts: FileFacts,
    settings: Settings,
    registry: RuleRegistry,
    shared: dict[Any, Any] | None = None,
) -> FileResult:
    lookahead, records = _look_ahead(records)
    shape = _file_shape(lookahead, settings, facts)
    facts.schema = shape.name if shape else None
    facts.roles = ROLES.get(shape.name) if shape else None
    if facts.tuning is None:
        facts.tuning = settings.tuning
    profile = load_profile(_profile_name(settings, shape, facts), settings.profiles)
    task = settings.task or "general"
    counter = make_counter(settings.tokenizer)
    ctx = Context(
        profile=profile,
        task=task,
        file=facts,
        shared=shared if shared is not None else {},
        tokens=counter.description,
        tokens_estimated=counter.estimated,
    )

    rules = _instantiate(registry, settings)
    record_hooks = [r for r in rules if type(r).check_record is not Rule.check_record]
    example_hooks = [r for r in rules if type(r).check is not Rule.check]
    findings: list[Finding] = []
    emit = _Collector(findings, settings, facts.path)
    for rule in rules:
        emit(rule.start(ctx))

    input_stats, output_stats = LengthStats(), LengthStats()
    tokens = TokenStats()
    outputs = OutputTally()
    labelled = 0
    ref = _field_ref(facts.format)
    contents = ContentDigests()
    for record in _chain(lookahead, records):
        if record.index > 0:
            facts.records += 1
        example = _classify(record, shape, ref, counter) if record.parsed else None
        contents.add(record, example)
        for rule in record_hooks:
            for finding in rule.check_record(record, ctx):
                emit.one(finding)
        if example is None:
            continue
        facts.examples += 1
        input_stats.add(len(example.input_text))
        output_stats.add(len(example.output_text))
        tokens.add(example.input_tokens, example.output_tokens)
        if "output" in example.fields:  # plain text has no output to tally as a label
            labelled += 1
            outputs.add(example.output_text)
        for rule in example_hooks:
            for finding in rule.check(example, ctx):
                emit.one(finding)
    if settings.task is None:
        ctx.task = infer_task(outputs, labelled, output_stats.percentile(50))
        ctx.task_inferred = True
    if ctx.task == "classification" and not outputs.overflow:
        facts.labels = outputs.labels()
    for rule in rules:
        emit(rule.finish(ctx))
    findings[:] = [dataclasses.replace(f, fingerprint=fingerprint(f, contents)) for f in findings]
    stats: dict[str, Any] = {"input_chars": input_stats.to_dict(), "output_chars": output_stats.to_dict()}
    stats["tokens"] = tokens.to_dict(counter, _epochs(facts, profile))
    if facts.labels is not None:
        stats["labels"] = dict(facts.labels)

    report = FileReport(
        path=facts.path,
        format=facts.format,
        schema=facts.schema,
        profile=profile.name,
        task=ctx.task,
        task_inferred=ctx.task_inferred,
        records=facts.records,
        bytes=facts.bytes,
        encoding=facts.encoding,
        stats=stats,
        template=dict(facts.template) or None,
        limits={
            "max_input_chars": profile.max_input_chars,
            "max_output_chars": profile.max_output_chars,
            "max_file_bytes": profile.max_file_bytes,
            "min_examples": profile.min_examples,
            "max_examples": profile.max_examples,
            "max_example_tokens": profile.max_example_tokens,
            "recommended_examples": profile.recommended_for(ctx.task),
        },
        tuning=_tuning_summary(facts),
    )
    return FileResult(findings, report)


def _profile_name(settings: Settings, shape: Shape | None, facts: FileFacts) -> str:
    """``--profile`` wins; a tuning request picks its provider; otherwise the shape's default."""
    if settings.profile:
        return settings.profile
    if facts.tuning is not None and facts.tuning.kind in _REQUEST_PROFILES:
        return _REQUEST_PROFILES[facts.tuning.kind]
    return shape.default_profile if shape else "generic"


_REQUEST_PROFILES = {"gemini-api": "gemini", "vertex": "vertex-gemini"}


def _epochs(facts: FileFacts, profile: Any) -> int:
    """Epochs for the billable-token estimate: the tuning request's or config's, else the profile's
    default, else 1."""
    epochs = facts.tuning.get("epochs") if facts.tuning is not None else None
    if epochs is not None and isinstance(epochs.value, int) and not isinstance(epochs.value, bool) and epochs.value > 0:
        return epochs.value
    return profile.default_epochs or 1


def _tuning_summary(facts: FileFacts) -> dict[str, Any] | None:
    if facts.tuning is None:
        return None
    return {
        "kind": facts.tuning.kind,
        "parameters": {name: p.value for name, p in facts.tuning.parameters.items()},
    }


def _look_ahead(records: Iterator[Record]) -> tuple[list[Record], Iterator[Record]]:
    held: list[Record] = []
    objects = 0
    for record in records:
        held.append(record)
        if record.parsed and isinstance(record.value, dict):
            objects += 1
        if objects >= LOOKAHEAD_OBJECTS or len(held) >= LOOKAHEAD_RECORDS:
            break
    return held, records


def _chain(first: list[Record], rest: Iterator[Record]) -> Iterator[Record]:
    yield from first
    first.clear()  # let the lookahead records be freed as the pass moves on
    yield from rest


def _file_shape(lookahead: list[Record], settings: Settings, facts: FileFacts) -> Shape | None:
    if settings.input_field or settings.output_field:
        input_field = settings.input_field or "text_input"
        output_field = settings.output_field or "output"
        facts.mapping = {"input": input_field, "output": output_field}
        # The old Gemini SDK's input_key/output_key is where field mapping comes from.
        return mapped_shape(input_field, output_field, default_profile="gemini")
    values = [record.value for record in lookahead if record.parsed]
    shape = majority_shape(values)
    if shape is None:
        keys = dict.fromkeys(str(k) for v in values if isinstance(v, dict) for k in v)
        facts.unknown_keys = tuple(keys)[:_KEYS_SHOWN]
    return shape


def _classify(record: Record, shape: Shape | None, ref: _Ref, counter: TokenCounter) -> Example | None:
    """Set the record's schema and violations; return its Example when it maps to one."""
    value = record.value
    if not isinstance(value, dict):
        record.violations = (
            Violation("type", "", f"record is {_kind(value)}, expected an object", expected="object"),
        )
        return None
    if shape is None:
        return None
    own = shape
    violations = shape.violations(value)
    if violations:
        other = detect_shape(value)
        if shape.name != MAPPED and other is not None and other is not shape and not other.violations(value):
            own = other  # a valid record of another shape: S005 reports the mix
        else:
            record.violations = tuple(ref.violation(v) for v in violations)
    record.schema = own.name
    canonical = own.canonical(value)
    if canonical is None:
        return None
    input_text, output_text, fields, adapted = canonical
    if adapted is None:
        fields = ref.fields(fields)  # record keys -> JSON pointers, or CSV column names
    return Example(
        index=record.index,
        line=record.line,
        input_text=input_text,
        output_text=output_text,
        schema=own.name,
        fields=fields,
        raw=value,
        input_tokens=counter.count(input_text),
        output_tokens=counter.count(output_text),
        **(adapted.conversation() if adapted is not None else {}),
    )


def _kind(value: Any) -> str:
    return "null" if value is None else article(json_type(value))


class _Ref:
    """How fields are named in findings: JSON pointers for JSON data, column names for CSV/TSV."""

    def __init__(self, tabular: bool) -> None:
        self.tabular = tabular
        self._fields: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}

    def key(self, key: str) -> str:
        if self.tabular:
            return key
        return "/" + key.replace("~", "~0").replace("/", "~1")

    def fields(self, keys: Mapping[str, str]) -> dict[str, str]:
        """``{"input": "/text_input", ...}`` for a shape's keys; memoised, as records of one file
        almost always share them (the returned dict is shared: never mutate it)."""
        signature = tuple(keys.items())
        found = self._fields.get(signature)
        if found is None:
            found = self._fields[signature] = {role: self.key(key) for role, key in keys.items()}
        return found

    def violation(self, v: Violation) -> Violation:
        if not self.tabular or not v.field.startswith("/"):
            return v
        column = v.field[1:].replace("~1", "/").replace("~0", "~")
        return dataclasses.replace(v, field=column)


def _field_ref(fmt: str) -> _Ref:
    return _Ref(fmt in ("csv", "tsv"))


def _instantiate(registry: RuleRegistry, settings: Settings) -> list[Rule]:
    chosen = registry.select(settings.select, settings.extend_select, settings.ignore)
    options = _rule_options(registry, settings)
    rules = []
    for rule in chosen:
        try:
            rules.append(rule(options.get(rule.code)))
        except ValueError as exc:  # a rule rejecting its configured options (e.g. a threshold out of range)
            origin = settings.origins.get("rules", "config")
            raise ConfigError(f"{origin}: [rules.{rule.code}] {exc}") from None
    return rules


def _rule_options(registry: RuleRegistry, settings: Settings) -> dict[str, Any]:
    built: dict[str, Any] = {}
    origin = settings.origins.get("rules", "config")
    for key, values in settings.rules.items():
        rule = registry.lookup(key)
        if rule is None:
            raise ConfigError(f"{origin}: [rules.{key}] names no rule; 'tunelint rules' lists them")
        defaults = dict(rule.option_fields())
        for name, value in values.items():
            attr = name.replace("-", "_")
            if attr not in defaults:
                allowed = ", ".join(n.replace("_", "-") for n in defaults) or "none"
                raise ConfigError(f"{origin}: [rules.{key}] unknown option {name!r}; options: {allowed}")
            expected = type(defaults[attr])
            if not _fits(value, expected):
                raise ConfigError(
                    f"{origin}: [rules.{key}] {name} must be {expected.__name__}, got {type(value).__name__}"
                )
            defaults[attr] = tuple(value) if isinstance(defaults[attr], tuple) else value
        try:
            built[rule.code] = rule.options(**defaults)
        except ValueError as exc:
            raise ConfigError(f"{origin}: [rules.{key}] {exc}") from None
    return built


def _fits(value: Any, expected: type) -> bool:
    if expected is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is tuple:
        return isinstance(value, (list, tuple))
    return isinstance(value, expected)


class _Collector:
    """Applies per-file ignores and severity overrides as findings are produced."""

    def __init__(self, sink: list[Finding], settings: Settings, path: str) -> None:
        self.sink = sink
        self.severity: Mapping[str, Any] = settings.severity
        rel = relative_to_root(path, settings.root)
        self.ignored: tuple[str, ...] = tuple(
            code.upper()
            for glob, codes in settings.per_file_ignores.items()
            if fnmatch(rel, glob) or fnmatch(os.path.basename(path), glob)
            for code in codes
        )

    def __call__(self, produced: Iterable[Finding]) -> None:
        for finding in produced:
            self.one(finding)

    def one(self, finding: Finding) -> None:
        if self.ignored and finding.code.startswith(self.ignored):
            return
        override = self.severity.get(finding.code)
        if override is not None and override is not finding.severity:
            finding = dataclasses.replace(finding, severity=override)
        self.sink.append(finding)
