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

State and merging: state a rule keeps between hooks must stay compact (counters, fixed-size digests,
small signatures) so memory does not grow with file size. Rule instances are created fresh for every
file. A rule that supports sharded linting implements :meth:`Rule.merge`, which folds the state of
another instance of the same rule (that saw a different shard of the same file) into this one before
``finish`` runs; the default raises, marking the rule as not shardable.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

__all__ = [
    "ROLE_KINDS",
    "TASKS",
    "Context",
    "Example",
    "FileFacts",
    "Finding",
    "Location",
    "NoOptions",
    "ParseError",
    "Part",
    "Profile",
    "Record",
    "RecordKind",
    "Rule",
    "Severity",
    "StatelessRule",
    "ToolCall",
    "TuningParameter",
    "TuningRequest",
    "Turn",
    "Violation",
    "digest",
    "json_type",
    "normalize_text",
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
            raise ValueError(
                f"{value!r} is not a severity; use one of: error, warning, info"
            ) from None

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
    ``violations`` the structural problems found against the file's shape.
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
    ``"unexpected"`` (a key the schema does not define) or ``"other"``. ``field`` is a JSON pointer or a
    CSV column, ``expected`` a short description of what the schema wanted.
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

    def finish(self, ctx: Context) -> Iterable[Finding]:
        """Called once per file after the last record."""
        return ()

    def merge(self, other: Rule) -> None:
        """Fold the state of ``other`` (same rule, another shard of the same file) into this one."""
        raise NotImplementedError(f"{self.code} does not support sharded linting")

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

    def merge(self, other: Rule) -> None:
        """Nothing to fold."""


def _dedent_doc(doc: str) -> str:
    import inspect

    return inspect.cleandoc(doc)
