"""H rules: the hyperparameters and names of a tuning job.

They read :attr:`FileFacts.tuning <validator.api.FileFacts.tuning>`, which is set when the linted file
is a tuning-request body (Gemini API ``tunedModels.create``, Vertex AI ``tuningJobs`` create) or when
the config has a ``[tuning]`` table (then it applies to every linted dataset file). Every rule runs
in ``finish`` (so ``ctx.file.records`` is the final example count), keeps no state and reports at
most one finding per parameter, at the line and field where the parameter is written; a parameter
that came from a config file is reported in that file.

Request bodies are proto JSON, whose parsers accept an integer as a JSON number, an integral float
(``5.0``) or a decimal string (``"5"``), a float as a number or a numeric string, and an enum as its
name or its number; the rules accept what the API accepts.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from rules._text import plural, thousands
from validator.api import Context, Finding, Rule, Severity, StatelessRule, TuningParameter, TuningRequest

__all__ = [
    "RULES",
    "BadAdapterSize",
    "BadBatchSize",
    "BadDisplayName",
    "BadEpochs",
    "BadLearningRate",
]

_INT_RE = re.compile(r"[+-]?[0-9]+")

#: Vertex ``SupervisedHyperParameters.AdapterSize``: enum name -> adapter size.
ADAPTER_SIZES: dict[str, int] = {
    "ADAPTER_SIZE_ONE": 1,
    "ADAPTER_SIZE_TWO": 2,
    "ADAPTER_SIZE_FOUR": 4,
    "ADAPTER_SIZE_EIGHT": 8,
    "ADAPTER_SIZE_SIXTEEN": 16,
    "ADAPTER_SIZE_THIRTY_TWO": 32,
}
_UNSPECIFIED = "ADAPTER_SIZE_UNSPECIFIED"
#: The enum's numbers in the proto (not the sizes: ADAPTER_SIZE_TWO is 6, ADAPTER_SIZE_SIXTEEN 4).
#: Proto JSON accepts them in place of the names, so ``"adapterSize": 4`` in a Vertex body means 16.
_ADAPTER_ENUM_NUMBERS: dict[int, str] = {
    0: _UNSPECIFIED,
    1: "ADAPTER_SIZE_ONE",
    6: "ADAPTER_SIZE_TWO",
    2: "ADAPTER_SIZE_FOUR",
    3: "ADAPTER_SIZE_EIGHT",
    4: "ADAPTER_SIZE_SIXTEEN",
    5: "ADAPTER_SIZE_THIRTY_TWO",
}
_SIZE_NAMES = {size: name for name, size in ADAPTER_SIZES.items()}


# -- helpers ----------------------------------------------------------------------------------------


def _as_int(value: Any) -> int | None:
    """``value`` as an integer the way proto JSON reads an int32 field, else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INT_RE.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _as_number(value: Any) -> float | None:
    """``value`` as a finite number the way proto JSON reads a float field, else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _show(value: Any) -> str:
    """A short rendering of a parameter value for a message."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif value is None:
        text = "null"
    elif isinstance(value, list):
        text = "an array"
    elif isinstance(value, dict):
        text = "an object"
    else:
        text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _in_config_file(param: TuningParameter, ctx: Context) -> bool:
    """True when ``param`` was written in a config file (not the linted file, not a mapping)."""
    return param.path != ctx.path and os.path.isfile(param.path)


def _label(param: TuningParameter, ctx: Context) -> str:
    """How a message names the parameter: the key as written in the request (``epochCount``) or
    the config key (``tuning.epochs in tunelint.toml``)."""
    where = param.field or param.name
    if where.startswith("/"):
        return where.rsplit("/", 1)[-1]
    if _in_config_file(param, ctx):
        return f"{where} (in {os.path.basename(param.path)})"
    return where


def _at(rule: Rule, ctx: Context, param: TuningParameter, message: str, severity: Severity | None = None) -> Finding:
    """A finding of ``rule`` at ``param``'s line and field, in the config file when it came from one."""
    finding = rule.finding(ctx, message, line=param.line, field=param.field, severity=severity)
    if _in_config_file(param, ctx):
        finding = dataclasses.replace(finding, path=param.path)
    return finding


def _request(ctx: Context) -> TuningRequest | None:
    return ctx.file.tuning


def _param(ctx: Context, name: str) -> TuningParameter | None:
    """The tuning parameter ``name`` of the file's request or config, when it was set."""
    request = ctx.file.tuning
    return request.get(name) if request is not None else None


def _default_note(ctx: Context) -> str:
    default = ctx.profile.default_epochs
    return f"; the {ctx.profile.name} profile's default is {default}" if default else ""


# -- H001 -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EpochOptions:
    """Options of H001."""

    #: More epochs than this is reported as unusually high.
    max_epochs: int = 50


class BadEpochs(StatelessRule):
    """What: The tuning job's epoch count is not a positive whole number, or is unusually high (more
    than ``max-epochs``, 50). Read from a request body's ``epochCount`` or the config's
    ``tuning.epochs``.

    Why: An epoch is one pass over the training examples. Zero or a negative count is rejected or
    trains nothing; a fraction is not a count. Very many epochs memorise the examples (the model
    repeats them instead of generalising) and multiply the billable training tokens. The Gemini API
    defaults to 5 epochs; no range is documented, so this is a warning.

    Example: ``"epochCount": 0`` left over from a template; ``epochs = 200`` in ``[tuning]``.

    Fix: Set a positive integer, usually well under 50 (start from the default, 5, and raise it only when the
    validation loss keeps falling), or remove the key to use the default. Set
    ``[rules.H001] max-epochs`` when a higher count is intended.
    """

    code = "H001"
    name = "bad-epochs"
    summary = "Epoch count is not positive, not an integer or unusually high"
    default_severity = Severity.WARNING
    options = EpochOptions

    def __init__(self, options: EpochOptions | None = None) -> None:
        super().__init__(options)
        if self.opts.max_epochs < 1:
            raise ValueError(f"max-epochs must be at least 1, got {self.opts.max_epochs}")

    def finish(self, ctx: Context) -> Iterator[Finding]:
        param = _param(ctx, "epochs")
        if param is None:
            return
        limit = self.opts.max_epochs
        label = _label(param, ctx)
        epochs = _as_int(param.value)
        if epochs is None:
            yield _at(
                self,
                ctx,
                param,
                f"{label} is {_show(param.value)}, not a whole number of epochs; it must be an integer "
                f"from 1 to {limit}{_default_note(ctx)}. Write an integer such as 5",
            )
        elif epochs <= 0:
            yield _at(
                self,
                ctx,
                param,
                f"{label} is {epochs}; tuning needs at least 1 epoch (expected range 1-{limit}{_default_note(ctx)}). "
                f"Set a positive integer such as 5, or remove the key to use the default",
            )
        elif epochs > limit:
            yield _at(
                self,
                ctx,
                param,
                f"{label} is {thousands(epochs)}, unusually high (more than {limit}): many epochs memorise "
                f"the examples and multiply the billable tokens{_default_note(ctx)}. Lower it, or raise "
                f"[rules.H001] max-epochs if it is intended",
            )


# -- H002 -------------------------------------------------------------------------------------------


class BadBatchSize(StatelessRule):
    """What: The tuning job's batch size is not a positive whole number, or is larger than the number
    of training examples. Read from a Gemini request body's ``batchSize`` (compared with its inline
    examples) or the config's ``tuning.batch-size`` (compared with each linted dataset file). A
    Vertex body names its dataset in Cloud Storage, so only the value itself is checked there.

    Why: The batch size is how many examples the trainer uses per step. Zero or a negative size is
    invalid; a batch larger than the dataset cannot be filled, so the job fails or silently trains
    with fewer steps than planned. The Gemini API defaults to 4 (or 16, by dataset size); no range is
    documented, so this is a warning.

    Example: ``batch-size = 64`` in ``[tuning]`` beside a 30-example training file.

    Fix: Use a positive integer no larger than the number of examples (4-16 is typical), add
    examples, or remove the key to use the default.
    """

    code = "H002"
    name = "bad-batch-size"
    summary = "Batch size is not positive, not an integer or larger than the dataset"
    default_severity = Severity.WARNING

    def finish(self, ctx: Context) -> Iterator[Finding]:
        request = _request(ctx)
        param = _param(ctx, "batch_size")
        if request is None or param is None:
            return
        label = _label(param, ctx)
        size = _as_int(param.value)
        if size is None:
            yield _at(
                self,
                ctx,
                param,
                f"{label} is {_show(param.value)}, not a whole number of examples; it must be a positive "
                f"integer (4-16 is typical). Write an integer such as 4",
            )
            return
        if size <= 0:
            yield _at(
                self,
                ctx,
                param,
                f"{label} is {size}; a batch holds at least 1 example (4-16 is typical). Set a positive "
                f"integer such as 4, or remove the key to use the default",
            )
            return
        count = ctx.file.records
        comparable = request.kind != "vertex" and ctx.file.role != "validation" and count > 0
        if comparable and size > count:
            source = "the request has" if request.kind != "config" else f"{os.path.basename(ctx.path)} has"
            yield _at(
                self,
                ctx,
                param,
                f"{label} is {thousands(size)}, larger than the dataset: {source} "
                f"{plural(count, 'training example')}, so a batch can hold at most {thousands(count)}. Lower "
                f"the batch size to {thousands(count)} or less (4-16 is typical) or add examples",
            )


# -- H003 -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LearningRateOptions:
    """Options of H003."""

    #: A learning-rate multiplier above this is reported as unusually high.
    max_multiplier: float = 10.0


class BadLearningRate(StatelessRule):
    """What: The learning rate is not a number, is 0 or less, or is 1 or more; the learning-rate
    multiplier is not a number, is 0 or less, or is unusually high (more than ``max-multiplier``,
    10); or both are set, which is an error: in the Gemini API request they are alternatives (a proto
    ``oneof``), so only one may be given.

    Why: A non-positive rate trains nothing; a rate of 1 or more makes training diverge (Gemini API
    defaults: learning rate 0.001 or 0.0002 by dataset size, multiplier 1.0). No range is documented,
    so the values are warnings; giving both is rejected by the API (or one silently wins).

    Example: ``"learningRate": 0.001`` and ``"learningRateMultiplier": 1.0`` in the same
    ``hyperparameters``; ``learning-rate = 5`` in ``[tuning]``.

    Fix: Give either ``learningRate`` (a small positive number such as 0.001) or
    ``learningRateMultiplier`` (a positive scale of the default rate, such as 1.0), not both; set
    ``[rules.H003] max-multiplier`` when a larger multiplier is intended.
    """

    code = "H003"
    name = "bad-learning-rate"
    summary = "Learning rate or multiplier out of range, or both set"
    default_severity = Severity.WARNING
    options = LearningRateOptions

    def __init__(self, options: LearningRateOptions | None = None) -> None:
        super().__init__(options)
        if not self.opts.max_multiplier > 0:
            raise ValueError(f"max-multiplier must be positive, got {self.opts.max_multiplier}")

    def finish(self, ctx: Context) -> Iterator[Finding]:
        request = _request(ctx)
        if request is None:
            return
        rate, multiplier = request.get("learning_rate"), request.get("learning_rate_multiplier")
        if rate is not None:
            yield from self._rate(ctx, rate)
        if multiplier is None:
            return
        if rate is not None:
            yield _at(
                self,
                ctx,
                multiplier,
                f"both {_label(rate, ctx)} ({_show(rate.value)}) and {_label(multiplier, ctx)} "
                f"({_show(multiplier.value)}) are set; they are mutually exclusive (one or the other, a "
                f"proto oneof). Keep one: remove {_label(multiplier, ctx)} to use the explicit rate, or "
                f"remove {_label(rate, ctx)} to scale the default rate",
                severity=Severity.ERROR,
            )
            return
        yield from self._multiplier(ctx, multiplier)

    def _rate(self, ctx: Context, param: TuningParameter) -> Iterator[Finding]:
        label = _label(param, ctx)
        value = _as_number(param.value)
        if value is None:
            yield _at(
                self,
                ctx,
                param,
                f"{label} is {_show(param.value)}, not a finite number; it must be greater than 0 and "
                f"less than 1 (the Gemini API default is 0.001). Write a number such as 0.001",
            )
        elif value <= 0:
            yield _at(
                self,
                ctx,
                param,
                f"{label} is {_show(param.value)}; it must be greater than 0 and less than 1 (the Gemini "
                f"API default is 0.001). Set a small positive number such as 0.001, or remove the key "
                f"to use the default",
            )
        elif value >= 1:
            yield _at(
                self,
                ctx,
                param,
                f"{label} is {_show(param.value)}; a learning rate of 1 or more makes training diverge, "
                f"it must be less than 1 (the Gemini API default is 0.001). Lower it, or use "
                f"learningRateMultiplier to scale the default rate",
            )

    def _multiplier(self, ctx: Context, param: TuningParameter) -> Iterator[Finding]:
        label = _label(param, ctx)
        limit = self.opts.max_multiplier
        shown_limit = f"{limit:g}"
        value = _as_number(param.value)
        if value is None:
            yield _at(
                self,
                ctx,
                param,
                f"{label} is {_show(param.value)}, not a finite number; it must be greater than 0 and at "
                f"most {shown_limit} (1.0 keeps the default rate). Write a number such as 1.0",
            )
        elif value <= 0:
            yield _at(
                self,
                ctx,
                param,
                f"{label} is {_show(param.value)}; it must be greater than 0 and at most {shown_limit} "
                f"(1.0 keeps the default rate). Set a positive number such as 1.0, or remove the key",
            )
        elif value > limit:
            yield _at(
                self,
                ctx,
                param,
                f"{label} is {_show(param.value)}, unusually high (more than {shown_limit}): the default "
                f"learning rate scaled that much may make training diverge. Lower it (1.0 keeps the "
                f"default rate), or raise [rules.H003] max-multiplier if it is intended",
            )


# -- H004 -------------------------------------------------------------------------------------------


def _slug(text: str, pattern: str) -> str | None:
    """A tuned model id close to ``text`` that matches ``pattern``, for the fix, or ``None``."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower())
    slug = re.sub(r"^[^a-z]+", "", slug)[:40].rstrip("-")
    try:
        return slug if slug and re.fullmatch(pattern, slug) else None
    except re.error:
        return None


class BadDisplayName(StatelessRule):
    """What: The tuned model's display name is empty or longer than the profile allows (Gemini API
    ``displayName``: 40 characters; Vertex ``tunedModelDisplayName``: 128), or its tuned model id
    (``tunedModelId``, or the id in ``name: "tunedModels/<id>"``) does not match the profile's
    pattern (Gemini API: ``[a-z]([a-z0-9-]{0,38}[a-z0-9])?``: 1-40 lower-case letters, digits and
    hyphens, starting with a letter and not ending with a hyphen). Characters are Unicode code
    points; exactly at the limit passes.

    Why: The API rejects the create call, after the request (and often a large dataset upload) has
    been prepared.

    Example: ``"displayName": "number generator model with a very long display name"`` (51
    characters) for the Gemini API; ``"tunedModelId": "My_Model"``.

    Fix: Shorten the display name to the limit (it is only a label; put details in the
    description), and use a tuned model id of lower-case letters, digits and hyphens.
    """

    code = "H004"
    name = "bad-display-name"
    summary = "Display name too long or empty, or tuned model id invalid"
    default_severity = Severity.ERROR

    def finish(self, ctx: Context) -> Iterator[Finding]:
        request = _request(ctx)
        if request is None:
            return
        name = request.get("display_name")
        if name is not None:
            yield from self._display_name(ctx, name)
        model_id = request.get("tuned_model_id")
        if model_id is not None and ctx.profile.tuned_model_id_pattern:
            yield from self._model_id(ctx, model_id, ctx.profile.tuned_model_id_pattern)

    def _display_name(self, ctx: Context, param: TuningParameter) -> Iterator[Finding]:
        label = _label(param, ctx)
        limit = ctx.profile.max_display_name
        allowed = f"1-{thousands(limit)} characters" if limit else "a non-empty name"
        if not isinstance(param.value, str):
            yield _at(
                self,
                ctx,
                param,
                f"{label} is {_show(param.value)}, not a string; it must be a name of {allowed} for the "
                f"{ctx.profile.name} profile. Write it as a JSON string",
            )
        elif not param.value.strip():
            yield _at(
                self,
                ctx,
                param,
                f"{label} is empty; it must be a name of {allowed} for the {ctx.profile.name} profile. "
                f"Give the tuned model a short descriptive name, or remove the key",
            )
        elif limit is not None and len(param.value) > limit:
            size = len(param.value)
            cut = param.value[: limit + 1].rsplit(" ", 1)[0].rstrip() if limit <= 60 else ""
            example = f" (for example {cut!r})" if 0 < len(cut) <= limit else ""
            yield _at(
                self,
                ctx,
                param,
                f"{label} is {thousands(size)} characters; the {ctx.profile.name} profile allows at most "
                f"{thousands(limit)} ({thousands(size - limit)} over). Shorten it{example} and put details "
                f"in the description",
            )

    def _model_id(self, ctx: Context, param: TuningParameter, pattern: str) -> Iterator[Finding]:
        label = _label(param, ctx)
        value = param.value
        try:
            ok = isinstance(value, str) and re.fullmatch(pattern, value) is not None
        except re.error:
            return  # a broken profile pattern is the profile's problem, not the dataset's
        if ok:
            return
        suggestion = _slug(value, pattern) if isinstance(value, str) else None
        hint = f", such as {suggestion!r}" if suggestion and suggestion != value else ""
        yield _at(
            self,
            ctx,
            param,
            f"{label} is {_show(value)}, not a valid tuned model id: the {ctx.profile.name} profile "
            f"requires the whole id to match {pattern} (1-40 lower-case letters, digits and hyphens, "
            f"starting with a letter and not ending with a hyphen). Rename it{hint}",
        )


# -- H005 -------------------------------------------------------------------------------------------


def _enum_list(sizes: tuple[int, ...]) -> str:
    return ", ".join(f"{_SIZE_NAMES[s]} ({s})" if s in _SIZE_NAMES else str(s) for s in sizes)


def _adapter_size(value: Any, in_request: bool) -> tuple[int | None, int | None]:
    """``(size, enum number)`` of an adapter-size value: size 0 for ``ADAPTER_SIZE_UNSPECIFIED``,
    ``None`` when the value is not an adapter size. The enum number is set when a request gives an
    integer whose enum value is a different size (``4`` selects ``ADAPTER_SIZE_SIXTEEN``).

    In a request (proto JSON) the value is the enum name, exactly, or the enum number; in the
    config it is the name in any case or the size itself as an integer."""
    if isinstance(value, str):
        key = value if in_request else value.strip().upper()
        if key == _UNSPECIFIED:
            return 0, None
        if key in ADAPTER_SIZES:
            return ADAPTER_SIZES[key], None
        if in_request:
            return None, None
    number = _as_int(value)
    if number is None:
        return None, None
    if not in_request:
        return (number, None) if number in _SIZE_NAMES else (None, None)
    enum = _ADAPTER_ENUM_NUMBERS.get(number)
    if enum is None:
        return None, None
    size = ADAPTER_SIZES.get(enum, 0)
    return size, (number if size not in (0, number) else None)


class BadAdapterSize(StatelessRule):
    """What: The tuning job's adapter size (Vertex ``adapterSize``, or the config's
    ``tuning.adapter-size``) is not one the base model supports according to the profile
    (vertex-gemini: Gemini 2.5 Flash and Flash-Lite 1, 2, 4, 8, 16; 2.5 Pro and 2.0 Flash 1, 2, 4,
    8), or is not an adapter size at all. In a request body the size is the enum name
    (``ADAPTER_SIZE_FOUR``); in proto JSON a bare integer is the enum's *number*, not the size
    (``4`` is ``ADAPTER_SIZE_SIXTEEN``), so an integer other than 0 or 1 there is reported too. In
    the config an integer is the size itself.

    Why: Vertex rejects the tuning job for an unsupported size, after the dataset has been uploaded
    and validated; an integer enum number silently selects a different adapter than the one meant.

    Example: ``"adapterSize": "ADAPTER_SIZE_SIXTEEN"`` with ``"baseModel": "gemini-2.5-pro"``.

    Fix: Choose a size the base model supports (``ADAPTER_SIZE_EIGHT`` or smaller for 2.5 Pro), a
    base model that supports the size, or remove the key to use the default; write the size as the
    enum name.
    """

    code = "H005"
    name = "bad-adapter-size"
    summary = "Adapter size not supported by the base model, or not an adapter size"
    default_severity = Severity.ERROR

    def finish(self, ctx: Context) -> Iterator[Finding]:
        request = _request(ctx)
        param = _param(ctx, "adapter_size")
        if request is None or param is None:
            return
        label = _label(param, ctx)
        base = request.get("base_model")
        written = base.value if base is not None and isinstance(base.value, str) and base.value else None
        allowed = ctx.profile.adapter_sizes_for(written) if written is not None else None
        model = written.rsplit("/", 1)[-1] if written is not None else None
        in_request = request.kind != "config"
        size, number = _adapter_size(param.value, in_request)
        if size == 0:
            return  # ADAPTER_SIZE_UNSPECIFIED: the default size
        if size is None:
            accepted = f"one of {', '.join(ADAPTER_SIZES)}"
            if not in_request:
                accepted += f", or the size as an integer ({', '.join(map(str, _SIZE_NAMES))})"
            yield _at(
                self,
                ctx,
                param,
                f"{label} is {_show(param.value)}, not an adapter size; it must be {accepted}. Fix the "
                f'value (for example "ADAPTER_SIZE_FOUR"), or remove the key to use the default',
            )
            return
        supported = allowed is None or size in allowed
        if number is not None:  # an enum number in a request, which is not the size it looks like
            verdict = "" if supported else f", which {model} does not support (allowed: {_enum_list(allowed or ())})"
            meant = f'"{_SIZE_NAMES[number]}"' if number in _SIZE_NAMES else "a supported size's enum name"
            yield _at(
                self,
                ctx,
                param,
                f"{label} is {number}: proto JSON reads an integer as the enum number, so this selects "
                f"{_SIZE_NAMES[size]} (an adapter of size {size}), not size {number}{verdict}. Write the "
                f"enum name instead, for example {meant}",
            )
            return
        if supported or allowed is None:
            return
        fits = [s for s in allowed if s <= size]
        choice = _SIZE_NAMES.get(max(fits)) if fits else None
        suggest = f"use {choice} or smaller" if choice else "use a supported size"
        yield _at(
            self,
            ctx,
            param,
            f"{label} is {_SIZE_NAMES[size]} ({size}), which {model} does not support; the "
            f"{ctx.profile.name} profile allows {_enum_list(allowed)} for it. Either {suggest}, or choose a "
            f"base model that supports size {size}",
        )


RULES = (BadEpochs, BadBatchSize, BadLearningRate, BadDisplayName, BadAdapterSize)
