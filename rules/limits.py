"""L rules: per-example lengths and dataset counts, with numbers from the profile and the task."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator

from rules._text import plural, thousands
from validator.api import Batch, Context, Example, Finding, Rule, Severity, StatelessRule

__all__ = ["RULES"]


def _too_long(
    rule: Rule, ctx: Context, batch: Batch, role: str, texts: list[str], limit: int | None
) -> Iterator[Finding]:
    """Findings for the texts of ``batch`` (its inputs or its outputs) longer than ``limit``."""
    if limit is None or not texts:
        return
    lengths = list(map(len, texts))
    # One pass in C answers the common case: no text of the batch is over the limit.
    if max(lengths) <= limit:
        return
    for i in [i for i, length in enumerate(lengths) if length > limit]:
        length = lengths[i]
        yield rule.finding(
            ctx,
            f"{role} is {thousands(length)} characters; the {ctx.profile.name} profile allows at most "
            f"{thousands(limit)} ({thousands(length - limit)} over). Shorten or split it",
            line=batch.lines[i],
            record=batch.records[i],
            field=batch.fields[i].get(role),
        )


class InputTooLong(StatelessRule):
    """What: An example's input is longer than the profile's per-example input limit (characters,
    counted as Unicode code points). Exactly at the limit passes.

    Why: The provider rejects the example or truncates it, so the model never sees the end of the
    prompt (Gemini API tuning: 40,000 characters).

    Example: a 41,000-character document pasted into ``text_input``.

    Fix: Shorten the input (trim boilerplate, keep the relevant passage) or split it into several
    examples.
    """

    code = "L001"
    name = "input-too-long"
    summary = "Input is longer than the profile allows"
    default_severity = Severity.ERROR

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        return self.check_batch(Batch.of((example,)), ctx)

    def check_batch(self, batch: Batch, ctx: Context) -> Iterator[Finding]:
        # A conversation's input is its context joined (Example.input_text), as for any example.
        return _too_long(self, ctx, batch, "input", batch.inputs, ctx.profile.max_input_chars)


class OutputTooLong(StatelessRule):
    """What: An example's output is longer than the profile's per-example output limit (characters).
    Exactly at the limit passes.

    Why: The provider rejects or truncates it; a truncated target teaches the model to stop
    mid-sentence (Gemini API tuning: 5,000 characters).

    Example: a 6,000-character summary in ``output``.

    Fix: Shorten the output or split the task into smaller steps.
    """

    code = "L002"
    name = "output-too-long"
    summary = "Output is longer than the profile allows"
    default_severity = Severity.ERROR

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        return self.check_batch(Batch.of((example,)), ctx)

    def check_batch(self, batch: Batch, ctx: Context) -> Iterator[Finding]:
        return _too_long(self, ctx, batch, "output", batch.outputs, ctx.profile.max_output_chars)


class TooFewExamples(StatelessRule):
    """What: The file has fewer records than the profile's minimum.

    Why: The provider refuses to start the job (Gemini API tuning needs at least 20 examples), after
    you have paid for the upload and waited for validation.

    Example: the tuning guide's own 15-example number-sequence set.

    Fix: Add examples; the summary shows the profile's recommended count (Gemini: 100-500 depending
    on the task; OpenAI: 50-100 to start).
    """

    code = "L003"
    name = "too-few-examples"
    summary = "Fewer examples than the profile's minimum"
    default_severity = Severity.ERROR

    def finish(self, ctx: Context) -> Iterator[Finding]:
        minimum = ctx.profile.min_examples
        count = ctx.file.records
        if minimum is not None and 0 < count < minimum:
            yield self.finding(
                ctx,
                f"file has {plural(count, 'example')}; the {ctx.profile.name} profile needs at least "
                f"{thousands(minimum)}. Add {thousands(minimum - count)} more",
            )


class BelowRecommendedExamples(StatelessRule):
    """What: The file has at least the minimum but fewer examples than recommended for the task.

    Why: Tuning works with few examples but improves markedly with more; the Gemini guide recommends
    100+ for classification, summarization (aim for 100-500) and document search.

    Example: 60 examples for a classification task.

    Fix: Add examples, varied and representative of production traffic; pass ``--task`` to get the
    recommendation for your task.
    """

    code = "L004"
    name = "below-recommended-examples"
    summary = "Fewer examples than recommended for the task"
    default_severity = Severity.WARNING

    def finish(self, ctx: Context) -> Iterator[Finding]:
        recommended = ctx.profile.recommended_for(ctx.task)
        minimum = ctx.profile.min_examples or 0
        count = ctx.file.records
        if recommended is None or count >= recommended or count < max(minimum, 1):
            return  # below the minimum, L003 already speaks
        upper = ctx.profile.recommended_upper.get(ctx.task)
        aim = f" (aim for {thousands(recommended)}-{thousands(upper)})" if upper else ""
        yield self.finding(
            ctx,
            f"file has {plural(count, 'example')}; for the {ctx.task} task the {ctx.profile.name} "
            f"profile recommends at least {thousands(recommended)}{aim}. Add varied examples",
        )


class TooManyExamples(StatelessRule):
    """What: The file has more records than the profile allows (for a validation file, the
    profile's validation limit when it has one).

    Why: The provider rejects the job (Vertex AI: 10,000,000 text examples; 5,000 validation
    examples) after the upload.

    Example: a 6,000-example validation file for a Vertex tuning job.

    Fix: Sample the file down, or split the job.
    """

    code = "L005"
    name = "too-many-examples"
    summary = "More examples than the profile allows"
    default_severity = Severity.ERROR

    def finish(self, ctx: Context) -> Iterator[Finding]:
        profile = ctx.profile
        limit, what = profile.max_examples, "examples"
        if ctx.file.role == "validation" and profile.max_validation_examples is not None:
            limit, what = profile.max_validation_examples, "validation examples"
        count = ctx.file.records
        if limit is not None and count > limit:
            yield self.finding(
                ctx,
                f"file has {plural(count, 'example')}; the {profile.name} profile allows at most "
                f"{thousands(limit)} {what}. Remove {thousands(count - limit)} (sample or split the file)",
            )


class ExampleTooManyTokens(StatelessRule):
    """What: An example's input plus output is longer, in tokens, than the profile's per-example
    limit. Tokens are estimated offline unless ``--tokenizer`` names a real tokenizer; the message
    says which.

    Why: Vertex AI rejects or truncates examples over 131,072 input+output tokens (the system
    instruction counts); OpenAI truncates examples over the model's context (65,536 tokens for the
    gpt-4o family), so the end of the conversation, usually the answer, is never trained on.

    Example: a 600,000-character document pasted into one Vertex example (about 150,000 tokens).

    Fix: Shorten the example or split it. Near the limit, count exactly with ``--tokenizer``
    (``tiktoken:o200k_base`` from a local cache, or ``hf:path/to/tokenizer.json``).
    """

    code = "L006"
    name = "example-too-many-tokens"
    summary = "Input plus output has more tokens than the profile allows"
    default_severity = Severity.ERROR

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        return self.check_batch(Batch.of((example,)), ctx)

    def check_batch(self, batch: Batch, ctx: Context) -> Iterator[Finding]:
        limit = ctx.profile.max_example_tokens
        if limit is None or not batch:
            return
        totals = list(map(operator.add, batch.input_tokens, batch.output_tokens))
        if max(totals) <= limit:
            return
        how = "an estimated " if ctx.tokens_estimated else ""
        for i, total in enumerate(totals):
            if total <= limit:
                continue
            inputs, outputs = batch.input_tokens[i], batch.output_tokens[i]
            yield self.finding(
                ctx,
                f"example has {how}{thousands(total)} tokens (input {thousands(inputs)}, output "
                f"{thousands(outputs)}; {ctx.tokens}); the {ctx.profile.name} profile allows "
                f"{thousands(limit)} input+output tokens. Shorten or split it",
                line=batch.lines[i],
                record=batch.records[i],
                field=batch.fields[i].get("input"),
            )


RULES = (
    InputTooLong,
    OutputTooLong,
    TooFewExamples,
    BelowRecommendedExamples,
    TooManyExamples,
    ExampleTooManyTokens,
)
