"""The single streaming pass: records -> shape -> Example -> rules -> findings.

The engine knows rules only through :mod:`validator.api` and the registry; it never imports a rule
module. Shape detection looks ahead at a bounded number of records, so memory stays flat.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatch
from typing import Any, BinaryIO

from validator.api import (
    Batch,
    Context,
    Example,
    FileFacts,
    Finding,
    Record,
    RecordKind,
    Rule,
    Shift,
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
from validator.readers.jsonvalue import mark_too_deep
from validator.report import FileReport
from validator.schemas import MAPPED, ROLES, Shape, detect_shape, majority_shape, mapped_shape, pointer
from validator.schemas.shape import article
from validator.shards import lint_sharded, shard_count
from validator.stats import LengthStats, TokenStats
from validator.tasks import OutputTally, infer_task
from validator.tokens import make_counter

__all__ = [
    "BATCH_RECORDS",
    "FileResult",
    "PassPlan",
    "PassState",
    "lint_file",
    "lint_memory",
    "plan_pass",
    "run_sharded",
]

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
        count = shard_count(settings, size) if format_hint in (None, "jsonl", "csv", "tsv") else 1
        if count > 1 and size is not None:
            sharded = _try_sharded(path, size, count, settings, registry, role, pair, shared, format_hint)
            if sharded is not None:
                return sharded
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


def _try_sharded(
    path: str,
    size: int,
    count: int,
    settings: Settings,
    registry: RuleRegistry,
    role: str | None,
    pair: str | None,
    shared: dict[Any, Any] | None,
    format_hint: str | None,
) -> FileResult | None:
    """Lint a large file with up to ``count`` processes (:mod:`validator.shards`); ``None`` when it
    is not one to shard, and the caller lints it in one pass."""
    facts = FileFacts(path=path, format=format_hint or "", bytes=size, role=role, pair=pair)
    try:
        result: FileResult | None = lint_sharded(
            path,
            facts,
            settings,
            registry,
            count,
            shared if shared is not None else {},
            format_hint,
        )
    except OSError as exc:
        raise SourceError(f"{path}: read failed: {exc.strerror or exc}") from None
    return result


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

#: Records handed to the hooks at a time: large enough that per-batch overhead vanishes, small
#: enough that a batch of long texts stays a few megabytes.
BATCH_RECORDS = 1024


def run_sharded(
    records: Sequence[Record],
    facts: FileFacts,
    settings: Settings,
    registry: RuleRegistry,
    shards: int,
    shared: dict[Any, Any] | None = None,
) -> FileResult:
    """Lint ``records`` split into ``shards`` contiguous shards, each numbered from 1 as if it were
    a file of its own, then merged in order: the protocol a worker process (or a Dask/Spark task)
    follows. It gives the same result as one pass; tests hold every rule to that."""
    lookahead, _ = _look_ahead(iter(records))  # the same records one pass would choose the shape from
    plan = plan_pass(lookahead, facts, settings, registry, shared)
    size = -(-len(records) // max(1, shards)) if records else 0
    state: PassState | None = None
    lines = numbered = 0
    for start in range(0, max(len(records), 1), max(size, 1)):
        part = records[start : start + size] if size else []
        shard = plan.begin(first=state is None)
        shard.feed(_renumbered(part, lines, numbered))
        shift = Shift(lines, numbered)
        if state is None:
            state = shard
        else:
            state.merge(_shipped(shard), shift)
        if part:
            lines = part[-1].line
            numbered = max((r.index for r in part), default=numbered) or numbered
    assert state is not None
    return state.finish()


def _renumbered(records: Sequence[Record], lines: int, numbered: int) -> Iterator[Record]:
    for record in records:
        error = record.error
        if error is not None:  # a worker's reader reports faults at lines of its own range
            error = dataclasses.replace(error, line=error.line - lines)
        yield dataclasses.replace(
            record, line=record.line - lines, index=record.index - numbered if record.index else 0, error=error
        )


def _shipped(state: PassState) -> PassState:
    """``state`` as another process would receive it (pickled), so tests exercise what travels."""
    import pickle

    shipped: PassState = pickle.loads(pickle.dumps(state))
    return shipped


def _run(
    records: Iterator[Record],
    facts: FileFacts,
    settings: Settings,
    registry: RuleRegistry,
    shared: dict[Any, Any] | None = None,
) -> FileResult:
    lookahead, records = _look_ahead(records)
    plan = plan_pass(lookahead, facts, settings, registry, shared)
    state = plan.begin()
    state.feed(_chain(lookahead, records))
    return state.finish()


@dataclass
class PassPlan:
    """What every shard of one file shares: the shape, profile, settings and rules chosen from the
    file's first records. :meth:`begin` makes the state of a (partial) pass."""

    facts: FileFacts
    settings: Settings
    registry: RuleRegistry
    shape: Shape | None
    shared: dict[Any, Any]

    def begin(self, *, first: bool = True, facts: FileFacts | None = None) -> PassState:
        """A fresh pass: rules instantiated and their ``start`` hooks run. The ``first`` shard's
        pass uses the plan's facts (which its reader keeps up to date) and keeps the findings of
        ``start``; another shard's pass counts into ``facts`` (the facts its own reader fills in;
        by default a fresh copy of the plan's) and drops them (they would repeat)."""
        if facts is None:
            facts = self.facts if first else self.shard_facts()
        return PassState(self, facts, first=first)

    def shard_facts(self) -> FileFacts:
        """Facts for a shard other than the first: the file's, with nothing counted yet."""
        return dataclasses.replace(self.facts, records=0, examples=0, encoding_issue=None, template={})


def plan_pass(
    lookahead: list[Record],
    facts: FileFacts,
    settings: Settings,
    registry: RuleRegistry,
    shared: dict[Any, Any] | None = None,
) -> PassPlan:
    """Choose the file's shape from its first records and fix what the pass will use."""
    shape = _file_shape(lookahead, settings, facts)
    facts.schema = shape.name if shape else None
    facts.roles = ROLES.get(shape.name) if shape else None
    if facts.tuning is None:
        facts.tuning = settings.tuning
    return PassPlan(facts, settings, registry, shape, shared if shared is not None else {})


class PassState:
    """The state of a pass over a file or over one shard of it: rule instances, statistics,
    content digests and the findings so far. Shards are folded with :meth:`merge` (in file
    order) before :meth:`finish`; see "State and merging" in :mod:`validator.api`."""

    def __init__(self, plan: PassPlan, facts: FileFacts, *, first: bool = True) -> None:
        settings = plan.settings
        self.plan = plan
        self.facts = facts
        self.profile = load_profile(_profile_name(settings, plan.shape, facts), settings.profiles)
        self.counter = make_counter(settings.tokenizer)
        self.ctx = Context(
            profile=self.profile,
            task=settings.task or "general",
            file=self.facts,
            shared=plan.shared,
            tokens=self.counter.description,
            tokens_estimated=self.counter.estimated,
        )
        self.rules = _instantiate(plan.registry, settings)
        self._record_hooks = [r for r in self.rules if _overrides(r, "check_record") or _overrides(r, "check_records")]
        self._example_hooks = [r for r in self.rules if _overrides(r, "check") or _overrides(r, "check_batch")]
        self.findings: list[Finding] = []
        self.emit = _Collector(self.findings, settings, facts.path)
        for rule in self.rules:
            produced = rule.start(self.ctx)
            if first:
                self.emit(produced)
            else:
                for _ in produced:  # run the hook for its state; its findings belong to the first shard
                    pass
        self.input_stats, self.output_stats = LengthStats(), LengthStats()
        self.tokens = TokenStats()
        self.outputs = OutputTally()
        self.labelled = 0
        self.contents = ContentDigests()
        self._ref = _field_ref(facts.format)

    def feed(self, records: Iterable[Record]) -> None:
        """Run the record and example hooks over ``records`` (consecutive, in file order)."""
        it = iter(records)
        while True:
            chunk = list(itertools.islice(it, BATCH_RECORDS))
            if not chunk:
                return
            self._batch(chunk)

    def _batch(self, records: list[Record]) -> None:
        ctx, facts, emit = self.ctx, self.facts, self.emit
        batch = Batch()
        if not self._columns(records, batch):
            self._rows(records, batch)
        for rule in self._record_hooks:
            emit(rule.check_records(records, ctx))
        if not batch:
            return
        counter = self.counter
        input_lengths, output_lengths = list(map(len, batch.inputs)), list(map(len, batch.outputs))
        # Counted once per text, here: a tokenizer is the costliest per-text step there is.
        batch.set_tokens(
            counter.count_many(batch.inputs, input_lengths), counter.count_many(batch.outputs, output_lengths)
        )
        facts.examples += len(batch)
        self.input_stats.add_many(input_lengths)
        self.output_stats.add_many(output_lengths)
        self.tokens.add_many(batch.input_tokens, batch.output_tokens)
        # Plain text has no output to tally as a label.
        labelled = [o for o, f in zip(batch.outputs, batch.fields, strict=True) if "output" in f]
        self.labelled += len(labelled)
        self.outputs.add_many(labelled)
        for rule in self._example_hooks:
            emit(rule.check_batch(batch, ctx))

    def _columns(self, records: list[Record], batch: Batch) -> bool:
        """Move ``records`` into ``batch`` column by column when they are all parsed single-turn
        records with the same keys that pass the shape's quick check (almost every batch of a clean
        file): a few C-level passes instead of Python work per record. False (and nothing done) when
        any record is not."""
        shape = self.plan.shape
        if shape is None or shape.text_keys is None:
            return False
        data = RecordKind.DATA
        values = [r.value for r in records if r.error is None and r.kind is data]
        if len(values) != len(records):
            return False
        columns = shape.columns(values)
        if columns is None:
            return False
        inputs, outputs, keys = columns
        name = shape.name
        for record in records:
            record.schema = name
        indexes, lines = [r.index for r in records], [r.line for r in records]
        # A data record is numbered (only blank lines and file-level faults have number 0).
        self.facts.records += len(records)
        batch.extend_texts(indexes, lines, inputs, outputs, [self._ref.fields(keys)] * len(records), values, name)
        self.contents.extend_texts(indexes, inputs, outputs)
        return True

    def _rows(self, records: list[Record], batch: Batch) -> None:
        """Move ``records`` into ``batch`` one by one (any mix of records)."""
        facts = self.facts
        shape, ref, contents = self.plan.shape, self._ref, self.contents
        # The common case inlined (a single-turn record that passes the shape's quick check), its
        # parts collected as rows and moved into the batch column-wise: at a million records every
        # function call per record is a measurable share of the pass.
        flat = shape is not None and shape.adapt is None
        quick_ok, shape_texts = (shape.quick_ok, shape.texts) if shape is not None else (None, None)
        name = shape.name if shape is not None else ""
        rows: list[tuple[int, int, str, str, Mapping[str, str], Any]] = []
        keys_seen: object = None
        fields: Mapping[str, str] = {}
        data = RecordKind.DATA
        counted = 0
        for record in records:
            if record.index > 0:
                counted += 1
            if record.error is not None or record.kind is not data:
                self._flush(rows, batch, name)
                contents.add(record, None)
                continue
            value = record.value
            if flat and type(value) is dict and quick_ok(value):  # type: ignore[misc]
                texts = shape_texts(value)  # type: ignore[misc]
                if texts is not None:
                    record.schema = name
                    if texts[2] != keys_seen:
                        keys_seen, fields = texts[2], ref.fields(texts[2])
                    rows.append((record.index, record.line, texts[0], texts[1], fields, value))
                    continue
            self._flush(rows, batch, name)
            before = len(batch)
            try:
                example = _classify(record, shape, ref, batch)
                if example is not None:
                    batch.add(example)
                    contents.add(record, example)
                elif len(batch) > before:  # a single-turn record off the fast path, appended by _classify
                    contents.add_texts(record.index, batch.inputs[-1], batch.outputs[-1])
                else:
                    contents.add(record, None)
            except RecursionError:  # schema checks and hashing recurse: a value orjson read may be too deep
                mark_too_deep(record)  # reported as F002; nothing of it reached the batch
                contents.add(record, None)
        self._flush(rows, batch, name)
        facts.records += counted

    def _flush(self, rows: list[tuple[int, int, str, str, Mapping[str, str], Any]], batch: Batch, schema: str) -> None:
        """Move the collected single-turn rows into ``batch`` and the content digests, in order."""
        if not rows:
            return
        records, lines, inputs, outputs, fields, raws = zip(*rows, strict=True)
        batch.extend_texts(records, lines, inputs, outputs, fields, raws, schema)
        self.contents.extend_texts(records, inputs, outputs)
        rows.clear()

    def merge(self, other: PassState, shift: Shift) -> None:
        """Fold the pass over the next shard into this one (``shift`` places its positions)."""
        for mine, theirs in zip(self.rules, other.rules, strict=True):
            mine.merge(theirs, shift)
        self.findings.extend(shift.finding(f) for f in other.findings)
        self.facts.records += other.facts.records
        self.facts.examples += other.facts.examples
        if self.facts.encoding_issue is None and other.facts.encoding_issue is not None:
            line, encoding = other.facts.encoding_issue
            self.facts.encoding_issue = (shift.line(line), encoding)
        self.input_stats.merge(other.input_stats)
        self.output_stats.merge(other.output_stats)
        self.tokens.merge(other.tokens)
        self.outputs.merge(other.outputs)
        self.labelled += other.labelled
        self.contents.merge(other.contents)

    def finish(self) -> FileResult:
        """Run the ``finish`` hooks and build the file's result."""
        ctx, facts, profile, settings = self.ctx, self.facts, self.profile, self.plan.settings
        if settings.task is None:
            ctx.task = infer_task(self.outputs, self.labelled, self.output_stats.percentile(50))
            ctx.task_inferred = True
        if ctx.task == "classification" and not self.outputs.overflow:
            facts.labels = self.outputs.labels()
        for rule in self.rules:
            self.emit(rule.finish(ctx))
        contents = self.contents
        findings = [_fingerprinted(f, fingerprint(f, contents)) for f in self.findings]
        stats: dict[str, Any] = {
            "input_chars": self.input_stats.to_dict(),
            "output_chars": self.output_stats.to_dict(),
        }
        stats["tokens"] = self.tokens.to_dict(self.counter, _epochs(facts, profile))
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

    #: What a shard's state sends back to the process that merges it: what :meth:`merge` reads.
    _SHIPPED = (
        "rules",
        "findings",
        "facts",
        "input_stats",
        "output_stats",
        "tokens",
        "outputs",
        "labelled",
        "contents",
    )

    def __getstate__(self) -> dict[str, Any]:
        # The plan, context, token counter (which may hold a tokenizer) and collector stay behind:
        # the merging process has its own.
        return {name: self.__dict__[name] for name in self._SHIPPED}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


def _fingerprinted(f: Finding, fingerprint: str) -> Finding:
    """``f`` with its fingerprint set (``dataclasses.replace`` costs ~10x more: a file can have
    hundreds of thousands of findings)."""
    return Finding(
        code=f.code,
        name=f.name,
        severity=f.severity,
        message=f.message,
        path=f.path,
        line=f.line,
        record=f.record,
        field=f.field,
        column=f.column,
        related=f.related,
        fixable=f.fixable,
        fingerprint=fingerprint,
    )


def _overrides(rule: Rule, hook: str) -> bool:
    return getattr(type(rule), hook) is not getattr(Rule, hook)


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


def _classify(record: Record, shape: Shape | None, ref: _Ref, batch: Batch) -> Example | None:
    """Set the record's schema and violations. A single-turn example is appended to ``batch``
    (``None`` is returned); a conversation is returned as an :class:`Example` for the caller to
    add; a record that maps to no example returns ``None`` and adds nothing."""
    value = record.value
    if type(value) is not dict and not isinstance(value, dict):
        # Added to the reader's violations (a repeated key), never replacing them.
        message = f"record is {_kind(value)}, expected an object"
        record.violations += (Violation("type", "", message, expected="object"),)
        return None
    if shape is None:
        return None
    own = shape
    if not shape.quick_ok(value):
        violations = shape.violations(value)
        if violations:
            other = detect_shape(value)
            if shape.name != MAPPED and other is not None and other is not shape and not other.violations(value):
                own = other  # a valid record of another shape: S005 reports the mix
            else:
                record.violations += tuple(ref.violation(v) for v in violations)
    record.schema = own.name
    canonical = own.canonical(value)
    if canonical is None:
        return None
    input_text, output_text, fields, adapted = canonical
    if adapted is None:
        batch.add_texts(record.index, record.line, input_text, output_text, own.name, ref.fields(fields), value, 0, 0)
        return None
    return Example(
        index=record.index,
        line=record.line,
        input_text=input_text,
        output_text=output_text,
        schema=own.name,
        fields=fields,
        raw=value,
        **adapted.conversation(),
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
        return pointer(key)

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
