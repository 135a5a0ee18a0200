"""The stable plugin API of tunelint.

Rules (built-in and third-party) import only from this module. A rule is a class with metadata
(``code``, ``name``, ``summary``, ``default_severity``, ``options``) and up to four hooks that the engine
calls during one streaming pass over a file, in the spirit of frictionless-py's checks:

``start(ctx)``
    once per file, before any record; file facts such as the byte size and the BOM are known.
``check_record(record, ctx)``
    for every delimited record, including ones that did not parse (``record.error``) and blank lines
    (``record.kind is RecordKind.BLANK``); structural rules live here.
``check(example, ctx)``
    for every record that mapped to a canonical :class:`Example`.
``finish(ctx)``
    once per file, after the last record; dataset-level conclusions live here.

Every hook yields :class:`Finding` objects, usually built with :meth:`Rule.finding`.

Batches: the engine hands example hooks a :class:`Batch` of consecutive examples (``check_batch``)
and record hooks a list of consecutive records (``check_records``). The defaults call ``check`` and
``check_record`` once per item, so a rule that only implements those works unchanged; built-in rules
implement the batch hooks with whole-column operations (``max(map(len, batch.inputs))``) because
per-record Python calls dominate the cost of a pass over a million records.

State and merging: state a rule keeps between hooks must stay compact (counters, fixed-size digests,
small signatures) so memory does not grow with file size beyond a few bytes per record. Rule
instances are created fresh for every file. Every built-in rule's state is *mergeable*: a file can
be split into shards (byte ranges of a JSONL file, partitions of a distributed job), each shard
linted by its own instance (``start``, then the record and example hooks), and the instances folded
together with :meth:`Rule.merge` before ``finish`` runs on the result. ``merge(other, shift)`` folds
the state of ``other`` — the shard that comes *after* everything this instance has seen — into this
instance; ``shift`` says how far the other shard's line and record numbers are from their place in
the whole file (a shard linted on its own numbers its records from 1). Findings a hook yields during
a shard are shifted by the engine; positions kept in state are shifted by ``merge``. One pass and
any sharding followed by merges in file order give the same findings. :class:`StatelessRule` is the
base of rules without state (merge is a no-op); the default :meth:`Rule.merge` raises, which marks a
third-party rule as not shardable (the engine then lints the file in one pass).
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

# Detectors for the C rules (secrets and personal data); plugins may use them too.
from validator.personal import PERSONAL_KINDS, Allow, PersonalMatch, find_personal, find_personal_in, mask_personal
from validator.secrets import SECRET_KINDS, SecretMatch, find_secrets, find_secrets_in, mask, redact

__all__ = [
    "NO_SHIFT",
    "PERSONAL_KINDS",
    "ROLE_KINDS",
    "SECRET_KINDS",
    "TASKS",
    "Allow",
    "Batch",
    "Context",
    "Example",
    "FileFacts",
    "Finding",
    "Location",
    "NoOptions",
    "ParseError",
    "Part",
    "PersonalMatch",
    "Profile",
    "Record",
    "RecordKind",
    "Rule",
    "SecretMatch",
    "Severity",
    "Shift",
    "StatelessRule",
    "ToolCall",
    "TuningParameter",
    "TuningRequest",
    "Turn",
    "Violation",
    "digest",
    "find_personal",
    "find_personal_in",
    "find_secrets",
    "find_secrets_in",
    "json_text",
    "json_type",
    "mask",
    "mask_personal",
    "normalize_text",
    "redact",
]

#: Task names understood by ``--task`` and by profiles' recommended counts.
TASKS: tuple[str, ...] = ("general", "classification", "summarization", "document-search")


class Severity(str, enum.Enum):
    """How serious a finding is. Ordered: ``INFO < WARNING < ERROR``."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """0 for info, 1 for warning, 2 for error; used to compare against ``fail-on``."""
        return _SEVERITY_RANK[self]

    @classmethod
    def parse(cls, value: str | Severity) -> Severity:
        """Accept a :class:`Severity` or its lower-case name; raise ``ValueError`` otherwise."""
        if isinstance(value, Severity):
            return value
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            raise ValueError(f"{value!r} is not a severity; use one of: error, warning, info") from None

    def __str__(self) -> str:
        return self.value


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a dataset: a file, the physical line where a record starts, the record number
    (1-based), and optionally a field (a JSON pointer such as ``/text_input`` or a CSV column)."""

    path: str
    line: int | None = None
    record: int | None = None
    field: str | None = None
    column: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The location as it appears in the JSON report (``related`` entries)."""
        return {
            "path": self.path,
            "line": self.line,
            "record": self.record,
            "field": self.field,
        }


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in a dataset. ``message`` says what is wrong and how to fix it."""

    code: str
    name: str
    severity: Severity
    message: str
    path: str
    line: int | None = None
    record: int | None = None
    field: str | None = None
    column: int | None = None
    related: tuple[Location, ...] = ()
    fixable: bool = False
    #: Stable identity across edits of the file (code, field and the record's content; never the
    #: line): set by the engine, used by baselines, SARIF and GitLab reports.
    fingerprint: str = ""

    @property
    def location(self) -> Location:
        """Where the finding points, as a :class:`Location`."""
        return Location(self.path, self.line, self.record, self.field, self.column)

    def to_dict(self) -> dict[str, Any]:
        """The finding as an entry of the JSON report's ``findings`` array."""
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "record": self.record,
            "field": self.field,
            "related": [loc.to_dict() for loc in self.related],
            "fixable": self.fixable,
            "fingerprint": self.fingerprint,
        }


class RecordKind(enum.Enum):
    """What a reader delimited: a record (parsed or not) or a blank line between records."""

    DATA = "data"
    BLANK = "blank"


@dataclass(frozen=True, slots=True)
class ParseError:
    """Why a record could not be parsed, with the 1-based physical line and column of the fault."""

    message: str
    line: int
    column: int | None = None


@dataclass(slots=True)
class Record:
    """A record as the reader delimited it, before it is mapped to an :class:`Example`.

    ``index`` is the 1-based record number (0 for blank lines, which are not records); ``line`` is the
    physical line where the record starts. ``value`` is the parsed JSON value or, for CSV/TSV, a dict of
    column name to cell. ``schema`` is the shape this record matched (``None`` when it matched none),
    ``violations`` the structural problems found against the file's shape (and, by the reader, a
    repeated key).
    """

    index: int
    line: int
    value: Any = None
    error: ParseError | None = None
    kind: RecordKind = RecordKind.DATA
    schema: str | None = None
    violations: tuple[Violation, ...] = ()

    @property
    def parsed(self) -> bool:
        """True when the record is data that parsed."""
        return self.kind is RecordKind.DATA and self.error is None


@dataclass(frozen=True, slots=True)
class Violation:
    """One structural problem of a record against its file's schema.

    ``kind`` is ``"missing"`` (a required field is absent), ``"type"`` (a field has the wrong JSON type),
    ``"unexpected"`` (a key the schema does not define) or ``"other"``; or, found by the reader in the
    record's text whatever the schema, ``"repeated-key"`` (an object names a key more than once; its
    ``field`` is the first repeated member). ``field`` is a JSON pointer or a CSV column, ``expected``
    a short description of what the schema wanted.
    """

    kind: str
    field: str
    message: str
    expected: str = ""


#: Canonical roles of conversation turns, whatever a shape calls them (``model``, ``gpt``, ...).
ROLE_KINDS: tuple[str, ...] = ("system", "user", "assistant", "tool")


@dataclass(frozen=True, slots=True)
class Part:
    """A content part of a turn other than plain text: its kind as the record names it
    (``fileData``, ``inlineData``, ``functionCall``, ``image_url``, ...) and where it is."""

    kind: str
    field: str | None = None


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A tool (function) call made by a model/assistant turn.

    ``arguments`` is kept as written: OpenAI requires a JSON *string*, Vertex an object. ``id`` is
    the call id when the format has one (OpenAI ``tool_calls[].id``, Gemini ``functionCall.id``).
    """

    name: str | None
    arguments: Any = None
    id: str | None = None
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Turn:
    """One turn of a conversation.

    ``role`` is the role as written in the record; ``kind`` its canonical meaning (one of
    :data:`ROLE_KINDS`), or ``""`` when the shape does not know the role. ``text`` is the turn's
    plain text (text parts joined), ``field`` the JSON pointer of that text (or of the turn when it
    has none) and ``at`` the pointer of the turn itself. ``responds_to`` holds the ids (or, for
    Gemini, the function names) of the calls a tool/function response answers. ``trainable`` is
    false for an OpenAI turn with ``weight: 0``.
    """

    role: str
    text: str
    field: str | None = None
    kind: str = ""
    at: str | None = None
    parts: tuple[Part, ...] = ()
    tool_calls: tuple[ToolCall, ...] = ()
    responds_to: tuple[str, ...] = ()
    trainable: bool = True
    #: True when the turn's text field is missing or null (as opposed to an empty string).
    no_text: bool = False


@dataclass(frozen=True, slots=True)
class Example:
    """A record mapped to the canonical form every rule reads.

    ``input_text`` and ``output_text`` are the texts simple rules use; for chat shapes the output is
    the final target turn (``turns[target]``) and the input everything before it, system instruction
    included, joined with newlines. ``fields`` maps ``"input"`` and ``"output"`` to where those texts
    live (a JSON pointer or a CSV column) so findings can point there; a shape without an output
    (plain ``text``) has no ``"output"`` entry. ``turns`` is empty for single-turn shapes.
    ``rejected`` is the non-preferred answer of a preference pair. ``input_tokens`` and
    ``output_tokens`` are counted by the run's token counter (see :attr:`Context.tokens`).
    """

    index: int
    line: int
    input_text: str
    output_text: str
    schema: str
    fields: Mapping[str, str] = field(default_factory=dict)
    turns: tuple[Turn, ...] = ()
    system: str | None = None
    raw: Any = None
    target: int | None = None
    rejected: Turn | None = None
    input_tokens: int = 0
    output_tokens: int = 0


class Batch:
    """Consecutive examples of one file, in record order, held column by column.

    ``inputs``, ``outputs``, ``lines`` (physical line), ``records`` (record number), ``fields``,
    ``input_tokens`` and ``output_tokens`` are parallel lists, one entry per example; ``fields[i]``
    is usually the very same mapping object for every example of a file. Indexing or iterating yields
    :class:`Example` objects, built on first use and then kept, so a rule that only needs the texts
    never pays for them. ``conversational`` is true when any example of the batch has turns (rules
    about turns can skip a batch without them).
    """

    __slots__ = (
        "_examples",
        "_raw",
        "_schemas",
        "conversational",
        "fields",
        "input_tokens",
        "inputs",
        "lines",
        "output_tokens",
        "outputs",
        "records",
    )

    def __init__(self) -> None:
        self.inputs: list[str] = []
        self.outputs: list[str] = []
        self.lines: list[int] = []
        self.records: list[int] = []
        self.fields: list[Mapping[str, str]] = []
        self.input_tokens: list[int] = []
        self.output_tokens: list[int] = []
        self.conversational = False
        self._schemas: list[str] = []
        self._raw: list[Any] = []
        self._examples: list[Example | None] = []

    @classmethod
    def of(cls, examples: Iterable[Example]) -> Batch:
        """A batch of ready-made examples (tests, in-memory callers)."""
        batch = cls()
        for example in examples:
            batch.add(example)
        return batch

    def add(self, example: Example) -> None:
        """Append a ready-made example (the engine uses :meth:`add_texts` for single-turn records)."""
        self.add_texts(
            example.index,
            example.line,
            example.input_text,
            example.output_text,
            example.schema,
            example.fields,
            example.raw,
            example.input_tokens,
            example.output_tokens,
        )
        self._examples[-1] = example
        if example.turns:
            self.conversational = True

    def add_texts(
        self,
        record: int,
        line: int,
        input_text: str,
        output_text: str,
        schema: str,
        fields: Mapping[str, str],
        raw: Any,
        input_tokens: int,
        output_tokens: int,
    ) -> None:
        """Append a single-turn example by its parts; its :class:`Example` is built only if asked for."""
        self.records.append(record)
        self.lines.append(line)
        self.inputs.append(input_text)
        self.outputs.append(output_text)
        self._schemas.append(schema)
        self.fields.append(fields)
        self._raw.append(raw)
        self.input_tokens.append(input_tokens)
        self.output_tokens.append(output_tokens)
        self._examples.append(None)

    def extend_texts(
        self,
        records: Sequence[int],
        lines: Sequence[int],
        inputs: Sequence[str],
        outputs: Sequence[str],
        fields: Sequence[Mapping[str, str]],
        raws: Sequence[Any],
        schema: str,
    ) -> None:
        """Append single-turn examples of one ``schema`` column by column (token counts are set
        by the engine afterwards)."""
        self.records.extend(records)
        self.lines.extend(lines)
        self.inputs.extend(inputs)
        self.outputs.extend(outputs)
        self.fields.extend(fields)
        self._raw.extend(raws)
        self._schemas.extend([schema] * len(records))
        self.input_tokens.extend([0] * len(records))
        self.output_tokens.extend([0] * len(records))
        self._examples.extend([None] * len(records))

    def set_tokens(self, input_tokens: list[int], output_tokens: list[int]) -> None:
        """Set the token counts of every example (the engine counts a whole batch at once); the
        examples already built get them too."""
        self.input_tokens, self.output_tokens = input_tokens, output_tokens
        for i, example in enumerate(self._examples):
            if example is not None:
                self._examples[i] = dataclasses.replace(
                    example, input_tokens=input_tokens[i], output_tokens=output_tokens[i]
                )

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, i: int) -> Example:
        example = self._examples[i]
        if example is None:
            example = self._examples[i] = Example(
                index=self.records[i],
                line=self.lines[i],
                input_text=self.inputs[i],
                output_text=self.outputs[i],
                schema=self._schemas[i],
                fields=self.fields[i],
                raw=self._raw[i],
                input_tokens=self.input_tokens[i],
                output_tokens=self.output_tokens[i],
            )
        return example

    def __iter__(self) -> Iterator[Example]:
        for i in range(len(self.records)):
            yield self[i]


@dataclass(frozen=True, slots=True)
class Shift:
    """How far a shard's positions are from their place in the whole file: add ``lines`` to its
    physical line numbers and ``records`` to its record numbers (record number 0, a blank line or
    no record, stays 0)."""

    lines: int = 0
    records: int = 0

    def line(self, line: int) -> int:
        """``line`` in the whole file."""
        return line + self.lines

    def record(self, record: int) -> int:
        """``record`` in the whole file (0 stays 0)."""
        return record + self.records if record else record

    def finding(self, finding: Finding) -> Finding:
        """``finding`` moved into the whole file (its related locations in the same file too)."""
        if not self.lines and not self.records:
            return finding
        related = tuple(
            dataclasses.replace(
                loc,
                line=self.line(loc.line) if loc.line is not None else None,
                record=self.record(loc.record) if loc.record else loc.record,
            )
            if loc.path == finding.path
            else loc
            for loc in finding.related
        )
        return dataclasses.replace(
            finding,
            line=self.line(finding.line) if finding.line is not None else None,
            record=self.record(finding.record) if finding.record else finding.record,
            related=related,
        )


#: No shift: the other shard's positions are already numbered in the whole file.
NO_SHIFT = Shift()


@dataclass(frozen=True, slots=True)
class Profile:
    """Provider limits and recommendations, loaded from a TOML data file (see ``validator.profiles``).

    A limit of ``None`` means the profile sets none. Character limits are inclusive: a text exactly at
    the limit passes. Conversation keys: ``roles`` lists the canonical roles (:data:`ROLE_KINDS`) the
    provider accepts (``None``: whatever the shape defines); ``parts`` maps each non-text part kind the
    provider can train on to the canonical roles that may carry it (``None``: any part anywhere);
    ``warn_parts`` are accepted but risky part kinds; ``alternate`` requires user and model turns to
    alternate. Tuning-request keys feed the H rules.
    """

    name: str
    description: str = ""
    source: str = ""
    max_file_bytes: int | None = None
    max_input_chars: int | None = None
    max_output_chars: int | None = None
    min_examples: int | None = None
    max_examples: int | None = None
    max_validation_examples: int | None = None
    max_example_tokens: int | None = None
    recommended_examples: Mapping[str, int] = field(default_factory=dict)
    recommended_upper: Mapping[str, int] = field(default_factory=dict)
    roles: tuple[str, ...] | None = None
    parts: Mapping[str, tuple[str, ...]] | None = None
    warn_parts: tuple[str, ...] = ()
    alternate: bool = True
    default_epochs: int | None = None
    max_display_name: int | None = None
    tuned_model_id_pattern: str | None = None
    adapter_sizes: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    #: The built-in or config profile this one extends (``None`` for a built-in profile).
    extends: str | None = None
    notes: Mapping[str, str] = field(default_factory=dict)

    def recommended_for(self, task: str) -> int | None:
        """The recommended example count for ``task`` (falling back to ``general``)."""
        return self.recommended_examples.get(task, self.recommended_examples.get("general"))

    def adapter_sizes_for(self, base_model: str) -> tuple[int, ...] | None:
        """Adapter sizes the profile documents for ``base_model`` (longest matching model-name
        prefix, after any ``.../models/`` path), or ``None`` when the model is not listed."""
        model = base_model.rsplit("/", 1)[-1]
        best: str | None = None
        for prefix in self.adapter_sizes:
            if model.startswith(prefix) and (best is None or len(prefix) > len(best)):
                best = prefix
        return self.adapter_sizes[best] if best is not None else None


@dataclass(frozen=True, slots=True)
class TuningParameter:
    """One hyperparameter or setting of a tuning job, with where it was written.

    ``name`` is canonical (``epochs``, ``batch_size``, ``learning_rate``,
    ``learning_rate_multiplier``, ``display_name``, ``tuned_model_id``, ``adapter_size``,
    ``base_model``); ``field`` is the JSON pointer in a request body or the key in a config file.
    """

    name: str
    value: Any
    path: str
    line: int | None = None
    field: str | None = None


@dataclass(frozen=True, slots=True)
class TuningRequest:
    """The settings of a tuning job: the body of a Gemini API ``tunedModels.create`` call
    (``kind="gemini-api"``), of a Vertex AI ``tuningJobs`` create call (``"vertex"``), or the
    ``[tuning]`` table of a config file (``"config"``). ``inline_examples`` is true when the body
    carries the training examples itself (their records are linted as the file's records)."""

    kind: str
    parameters: Mapping[str, TuningParameter] = field(default_factory=dict)
    inline_examples: bool = False

    def get(self, name: str) -> TuningParameter | None:
        """The parameter called ``name`` when it was set."""
        return self.parameters.get(name)


@dataclass(slots=True)
class FileFacts:
    """What the engine knows about the file being linted. Some facts (``encoding_issue``,
    ``records``) are only final when ``finish`` runs."""

    path: str
    format: str
    bytes: int | None = None
    encoding: str = "utf-8"
    bom: bool = False
    schema: str | None = None
    records: int = 0
    examples: int = 0
    #: Set when the bytes were not valid UTF-8: ``(first bad line, detected encoding)``.
    encoding_issue: tuple[int, str] | None = None
    #: Keys seen on records that matched no shape (first few, for F007's message).
    unknown_keys: tuple[str, ...] = ()
    #: Field mapping in force (``input``/``output`` field names) when one was given.
    mapping: Mapping[str, str] | None = None
    #: ``"train"`` or ``"validation"`` when the file is part of a train/validation pair, else None.
    role: str | None = None
    #: For a validation file: the path of its training file (as ``FileFacts.path`` spells it).
    pair: str | None = None
    #: Output label -> count (exact output text, trimmed), set before ``finish`` when the task is
    #: classification; ``None`` otherwise.
    labels: Mapping[str, int] | None = None
    #: The dataset's detected template, published by template rules in ``finish`` (keys such as
    #: ``markers``, ``share``, ``preamble``, ``suffix``); reported as ``files[].template``.
    template: dict[str, Any] = field(default_factory=dict)
    #: Role name as written -> canonical role (:data:`ROLE_KINDS`) for the file's conversation shape;
    #: ``None`` for single-turn shapes.
    roles: Mapping[str, str] | None = None
    #: The tuning job this file describes (a request body) or that config declares, else ``None``.
    tuning: TuningRequest | None = None
    #: CSV/TSV: every column name the header holds more than once, as ``(header line, name, 1-based
    #: positions)``; a row keeps only the last of those cells. Set by the reader of the header.
    repeated_columns: tuple[tuple[int, str, tuple[int, ...]], ...] = ()
    #: JSON documents: every key an object outside the records names more than once (a wrapper's
    #: ``examples``, a request's ``epochCount``), as ``(line, JSON pointer of the member, times)``;
    #: only the last value is read. Set by the reader; repeats inside records are record violations.
    repeated_keys: tuple[tuple[int, str, int], ...] = ()


@dataclass(slots=True)
class Context:
    """What a rule may read while it runs: the profile, the task, the file facts and how many
    records have been seen so far (``file.records``).

    ``task`` is the given task during the whole pass; when no task was given it is ``"general"``
    until the last record and is replaced by the inferred task (``task_inferred`` true) before the
    ``finish`` hooks run, so task-dependent conclusions belong in ``finish``."""

    profile: Profile
    task: str
    file: FileFacts
    task_inferred: bool = False
    #: State shared by all files of one run, for cross-file rules (split leakage). Key it by
    #: ``(rule code, path)``; keep values compact (digests).
    shared: dict[Any, Any] = field(default_factory=dict)
    #: How ``Example.input_tokens``/``output_tokens`` were counted, for messages: e.g. ``"estimated
    #: offline (...)"`` or ``"counted with tiktoken o200k_base"``.
    tokens: str = "estimated"
    #: True when the counts come from an estimate rather than a real tokenizer.
    tokens_estimated: bool = True

    @property
    def path(self) -> str:
        """The path findings should carry (as given on the command line, or ``<memory>``)."""
        return self.file.path


def normalize_text(text: str) -> str:
    """The catalogue's normalisation: Unicode NFKC, case-folded, whitespace runs collapsed to one
    space, trimmed. Inputs equal after this are near-duplicates."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def json_text(value: Any) -> str:
    """A parsed value as the canonical texts show it: a string as it is, anything else (tool-call
    arguments given as an object, a tool's response) as compact sorted JSON."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        return str(value)


def json_type(value: Any) -> str:
    """The JSON type name of a parsed value: ``null``, ``boolean``, ``number``, ``string``,
    ``array`` or ``object`` (the Python type's name for anything else)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def digest(text: str) -> bytes:
    """A compact, fixed-size (16-byte) fingerprint of ``text`` for duplicate state."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


@dataclass(frozen=True, slots=True)
class NoOptions:
    """Options of a rule that has none."""


_SECTION_RE = re.compile(r"^(What|Why|Example|Fix):\s*", re.MULTILINE)


class Rule:
    """Base class of every rule. Subclasses set the metadata and override the hooks they need.

    The docstring of a rule has ``What:``, ``Why:``, ``Example:`` and ``Fix:`` sections;
    ``tunelint rule CODE`` prints them. ``options`` is a dataclass type whose fields (with defaults)
    are configurable in ``[rules.<CODE or name>]``; an instance is passed to the constructor.
    """

    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    default_severity: ClassVar[Severity] = Severity.ERROR
    fixable: ClassVar[bool] = False
    #: Opt-in rules run only when selected explicitly (by code, prefix or name, not by ``ALL``).
    default_enabled: ClassVar[bool] = True
    options: ClassVar[type[Any]] = NoOptions

    def __init__(self, options: Any = None) -> None:
        self.opts: Any = options if options is not None else self.options()

    # -- hooks -----------------------------------------------------------------------------------
    def start(self, ctx: Context) -> Iterable[Finding]:
        """Called once per file before any record."""
        return ()

    def check_record(self, record: Record, ctx: Context) -> Iterable[Finding]:
        """Called for every delimited record and blank line."""
        return ()

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        """Called for every record that mapped to an :class:`Example`."""
        return ()

    def check_records(self, records: Sequence[Record], ctx: Context) -> Iterable[Finding]:
        """Called with consecutive records (and blank lines); the default calls :meth:`check_record`
        on each. Override it instead of ``check_record`` to judge a whole batch at once."""
        check_record = self.check_record
        for record in records:
            yield from check_record(record, ctx)

    def check_batch(self, batch: Batch, ctx: Context) -> Iterable[Finding]:
        """Called with consecutive examples; the default calls :meth:`check` on each. Override it
        instead of ``check`` to judge a whole batch at once (column operations on ``batch.inputs``)."""
        check = self.check
        for example in batch:
            yield from check(example, ctx)

    def finish(self, ctx: Context) -> Iterable[Finding]:
        """Called once per file after the last record."""
        return ()

    def merge(self, other: Rule, shift: Shift = NO_SHIFT) -> None:
        """Fold the state of ``other`` (same rule, the next shard of the same file) into this one;
        ``shift`` moves the other shard's positions into the whole file (see the module docstring)."""
        raise NotImplementedError(f"{self.code} does not support sharded linting")

    @classmethod
    def shardable(cls) -> bool:
        """Whether instances can be merged (the rule overrides :meth:`merge`)."""
        return cls.merge is not Rule.merge

    # -- helpers ---------------------------------------------------------------------------------
    def finding(
        self,
        ctx: Context,
        message: str,
        *,
        at: Example | Record | None = None,
        field: str | None = None,
        line: int | None = None,
        record: int | None = None,
        column: int | None = None,
        severity: Severity | None = None,
        related: Iterable[Location] = (),
        fixable: bool | None = None,
    ) -> Finding:
        """Build a finding of this rule located at ``at`` (an example or a record) or at ``line`` and
        ``record`` (for rules that keep compact locations instead of the objects)."""
        record_no: int | None = record or None
        if at is not None:
            line = at.line if line is None else line
            record_no = at.index or None
        return Finding(
            code=self.code,
            name=self.name,
            severity=severity or self.default_severity,
            message=message,
            path=ctx.path,
            line=line,
            record=record_no,
            field=field,
            column=column,
            related=tuple(related),
            fixable=self.fixable if fixable is None else fixable,
        )

    @classmethod
    def doc_sections(cls) -> dict[str, str]:
        """The What / Why / Example / Fix sections of the rule's docstring."""
        text = _dedent_doc(cls.__doc__ or "")
        parts = _SECTION_RE.split(text)
        sections: dict[str, str] = {}
        # split() yields [preamble, name1, body1, name2, body2, ...]
        for name, body in zip(parts[1::2], parts[2::2], strict=False):
            sections[name] = body.strip()
        return sections

    @classmethod
    def option_fields(cls) -> Iterator[tuple[str, Any]]:
        """``(name, default)`` of every configurable option."""
        if dataclasses.is_dataclass(cls.options):
            for f in dataclasses.fields(cls.options):
                if f.default is not dataclasses.MISSING:
                    yield f.name, f.default
                elif f.default_factory is not dataclasses.MISSING:
                    yield f.name, f.default_factory()


class StatelessRule(Rule):
    """A rule that keeps no state between hooks (each finding depends on one record or on the file's
    facts alone), so folding another shard into it is a no-op: such rules are always shardable."""

    def merge(self, other: Rule, shift: Shift = NO_SHIFT) -> None:
        """Nothing to fold."""


def _dedent_doc(doc: str) -> str:
    import inspect

    return inspect.cleandoc(doc)
