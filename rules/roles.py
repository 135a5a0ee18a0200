"""R rules: the structure of conversations (roles, turn order, the target turn, parts, tool calls).

They read :attr:`Example.turns` and stay silent on single-turn shapes (no turns). Roles are judged by
their canonical kind (``Turn.kind``) against the profile; messages name roles as the file writes them
(``model``, ``gpt``, ...). A turn whose role is unknown is R001's alone: the other rules step over it
instead of reporting its consequences again. The tool-call rule (R006) lives in :mod:`rules.tools`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rules.tools import BrokenToolCall
from validator.api import ROLE_KINDS, Batch, Context, Example, Finding, Record, Severity, StatelessRule, Turn

__all__ = ["RULES", "BadTurnOrder", "BrokenToolCall", "EmptyTurn", "NoTargetTurn", "UnknownRole", "UnsupportedPart"]

#: The conversation shapes: a record of one of these with no turns at all has no conversation.
CHAT_SHAPES = frozenset({"vertex-gemini", "vertex-messages", "openai-chat", "preference", "sharegpt"})

# Role names people write, and what they usually mean: used to suggest the shape's own name.
_ALIASES: Mapping[str, str] = {
    "system": "system",
    "developer": "system",
    "user": "user",
    "human": "user",
    "assistant": "assistant",
    "model": "assistant",
    "gpt": "assistant",
    "bot": "assistant",
    "ai": "assistant",
    "tool": "tool",
    "function": "tool",
    "observation": "tool",
    "ipython": "tool",
}


def all_turns(example: Example) -> tuple[Turn, ...]:
    """The conversation's turns, then the rejected answer of a preference pair (when there is one)."""
    return (*example.turns, example.rejected) if example.rejected is not None else example.turns


def _vocabulary(example: Example, ctx: Context) -> Mapping[str, str]:
    """Role name as written -> canonical kind, for the record's shape (empty when unknown)."""
    if ctx.file.roles is not None and example.schema == ctx.file.schema:
        return ctx.file.roles
    return {}


def _names(example: Example, ctx: Context, kinds: Iterable[str] | None = None) -> list[str]:
    """The role names of the record's shape whose kind is in ``kinds`` (default: the profile's
    roles), as the file writes them; canonical kinds when the vocabulary is unknown."""
    wanted = tuple(kinds) if kinds is not None else ctx.profile.roles
    vocabulary = _vocabulary(example, ctx)
    names = [name for name, kind in vocabulary.items() if wanted is None or kind in wanted]
    if not vocabulary:
        names = [kind for kind in ROLE_KINDS if wanted is None or kind in wanted]
    return names


def _with_turns(batch: Batch) -> Iterator[Example]:
    """The examples of ``batch`` that have turns; none, at no cost, when it has no conversation."""
    if batch.conversational:
        for example in batch:
            if example.turns:
                yield example


class _TurnlessAware(StatelessRule):
    """Base of the rules that also judge conversations without any turn (R001: a preference pair
    with only a rejected answer; R003: an empty ``messages`` list). Such an example does not make
    its batch :attr:`~validator.api.Batch.conversational`, and building every example of a batch of
    single-turn records to find one would cost more than the rest of the rule. So the record hook,
    which the engine runs on a batch's records before the example hook runs on its examples, notes
    the records of a conversation shape, and the example hook builds only those.

    The noted record numbers are dropped once the example hook has passed them: what is kept
    concerns the current batch only, never the findings, so merging has nothing to fold.
    """

    def __init__(self, options: Any = None) -> None:
        super().__init__(options)
        self._chat: set[int] = set()  # conversation-shaped records the example hook has yet to pass
        self._seen = 0  # the highest record number the record hook has judged

    def check_records(self, records: Sequence[Record], ctx: Context) -> Iterable[Finding]:
        self._chat.update(r.index for r in records if r.schema in CHAT_SHAPES)
        if records:
            # Record numbers grow along the batch; a trailing blank line has number 0.
            last = records[-1].index or max(r.index for r in records)
            self._seen = max(self._seen, last)
        return ()

    def conversations(self, batch: Batch) -> Iterator[Example]:
        """The examples of ``batch`` that have turns or a conversation shape."""
        if not batch:
            return
        last, chat = batch.records[-1], self._chat
        candidates: Sequence[int]
        if batch.conversational:
            candidates = range(len(batch))
        elif last <= self._seen:
            candidates = [i for i, index in enumerate(batch.records) if index in chat] if chat else []
        else:
            # The record hook has not seen these records (a direct call): a conversation without
            # turns has no target turn, hence no "output" field, so those examples are the suspects.
            candidates = [i for i, fields in enumerate(batch.fields) if "output" not in fields]
        if chat:
            self._chat = {index for index in chat if index > last}
        for i in candidates:
            yield batch[i]


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def known(turn: Turn, ctx: Context) -> bool:
    """True when the turn's role is one the shape knows and the profile accepts (not R001's)."""
    allowed = ctx.profile.roles
    return bool(turn.kind) and (allowed is None or turn.kind in allowed)


def _role_field(example: Example, turn: Turn) -> str | None:
    if turn.at is None:
        return None
    return turn.at + ("/from" if example.schema == "sharegpt" else "/role")


class UnknownRole(_TurnlessAware):
    """What: A conversation turn has a role that the record's shape does not define (``assistant`` in
    Vertex ``contents``, which says ``model``), or one the profile does not accept (a ``tool`` turn for
    a provider without tool turns).

    Why: The provider rejects the record, or silently trains on a turn it does not understand; a
    misspelt role usually means the whole file was converted with the wrong role names.

    Example: ``{"contents": [{"role": "user", ...}, {"role": "assistant", ...}]}`` for Vertex AI.

    Fix: Rename the role to the one the shape uses (the message lists them), or drop the turn.
    """

    code = "R001"
    name = "unknown-role"
    summary = "A role the shape or the profile does not allow"
    default_severity = Severity.ERROR

    def check(self, example: Example, ctx: Context) -> Iterator[Finding]:
        for turn in all_turns(example):
            if known(turn, ctx):
                continue
            allowed = _quoted(_names(example, ctx))
            if turn.kind:
                message = (
                    f"role '{turn.role}' is not accepted by the {ctx.profile.name} profile; "
                    f"use one of: {allowed}, or drop the turn"
                )
            else:
                message = f"role '{turn.role}' is not a role of the {example.schema} shape"
                hint = self._hint(example, ctx, turn.role)
                message += f"; {hint}" if hint else f"; use one of: {allowed}"
            yield self.finding(ctx, message, at=example, field=_role_field(example, turn))

    def check_batch(self, batch: Batch, ctx: Context) -> Iterator[Finding]:
        # A preference pair without turns may still have a rejected answer to judge.
        for example in self.conversations(batch):
            yield from self.check(example, ctx)

    @staticmethod
    def _hint(example: Example, ctx: Context, role: str) -> str:
        if example.schema == "vertex-gemini" and role.strip().lower() in ("system", "developer"):
            return "put the system prompt in 'systemInstruction' instead of a turn"
        meant = _ALIASES.get(role.strip().lower())
        if meant is None:
            return ""
        names = _names(example, ctx, (meant,))
        return f"did you mean '{names[0]}'?" if names else ""


@dataclass(frozen=True)
class TurnOrderOptions:
    """Options of R002."""

    #: Turn kinds (system, user, assistant, tool) that may follow a turn of the same kind when the
    #: profile requires alternation: by default parallel tool responses.
    allow_repeated: tuple[str, ...] = ("tool",)


class BadTurnOrder(StatelessRule):
    """What: The turns of a conversation are out of order: a system turn that is not the first turn,
    a conversation whose first turn after the system prompt is not a user turn (including one with
    no user message at all), two turns of the same role in a row where the profile requires user and
    assistant turns to alternate, or a tool response that does not follow an assistant turn with
    tool calls. Each kind of problem is reported once per record, at the first turn it affects.

    Why: Providers reject such conversations or train on a context the model will never see in
    production; a system prompt in the middle or an answer to nobody usually means turns were lost
    or merged during conversion.

    Example: ``{"messages": [{"role": "system", ...}, {"role": "assistant", "content": "You're great!"}]}``.

    Fix: Add the missing user turn, merge consecutive turns of the same role, move the system
    prompt to the start, or put tool responses right after the assistant turn that made the calls.

    Options: ``allow_repeated`` — turn kinds allowed to repeat (default ``["tool"]``).
    """

    code = "R002"
    name = "bad-turn-order"
    summary = "Turns out of order (system not first, no user first, no alternation)"
    default_severity = Severity.ERROR
    options = TurnOrderOptions

    def check(self, example: Example, ctx: Context) -> Iterator[Finding]:
        if not example.turns or _plain_dialogue(example.turns, ctx):
            return
        judge_first = not _implicit_prompt(example)
        seen: set[str] = set()  # kinds of problem already reported
        flagged: set[str | None] = set()  # turns already reported
        prev: Turn | None = None
        started = False  # a known turn came before
        blind = False  # the previous turn was unknown (R001's): no judgement across it
        for turn in example.turns:
            if not known(turn, ctx):
                prev, blind, judge_first = None, True, False
                continue
            problems = list(self._problems(example, ctx, turn, prev, started, judge_first, blind))
            if turn.kind != "system":
                judge_first = False
            for key, message in problems:
                if key in seen or turn.at in flagged:
                    continue
                seen.add(key)
                flagged.add(turn.at)
                yield self.finding(ctx, message, at=example, field=turn.at)
            prev, started, blind = turn, True, False

    def check_batch(self, batch: Batch, ctx: Context) -> Iterator[Finding]:
        for example in _with_turns(batch):
            yield from self.check(example, ctx)

    def _problems(
        self,
        example: Example,
        ctx: Context,
        turn: Turn,
        prev: Turn | None,
        started: bool,
        judge_first: bool,
        blind: bool,
    ) -> Iterator[tuple[str, str]]:
        names = _vocabulary(example, ctx)
        role = f"'{turn.role}'"
        if turn.kind == "system":
            if started:
                yield (
                    "system",
                    (f"system turn {role} is not the first turn; put the system prompt first, once per conversation"),
                )
            return
        if judge_first and turn.kind != "user":
            user = next((n for n, k in names.items() if k == "user"), "user")
            yield (
                "first",
                (
                    f"the first turn of the conversation (after any system prompt) is {role}, not a user turn; "
                    f"add the '{user}' message this turn answers, or drop the record"
                ),
            )
        if (
            prev is not None
            and ctx.profile.alternate
            and turn.kind == prev.kind
            and turn.kind not in self.opts.allow_repeated
        ):
            yield (
                "repeat",
                (
                    f"two {role} turns in a row; the {ctx.profile.name} profile requires user and assistant turns to "
                    "alternate: merge them or add the missing turn between them"
                ),
            )
        if turn.kind == "tool" and not blind:
            ok = prev is not None and (prev.kind == "tool" or (prev.kind == "assistant" and bool(prev.tool_calls)))
            if not ok:
                yield (
                    "tool",
                    (
                        f"tool response {role} does not follow an assistant turn with tool calls; put it right after "
                        "the call it answers, or drop it"
                    ),
                )


def _plain_dialogue(turns: tuple[Turn, ...], ctx: Context) -> bool:
    """True for the conversation most records hold, which R002 finds nothing wrong with: roles the
    profile accepts, an optional system turn first, then user and assistant turns alternating from
    a user turn (no repeat, no tool turn, whatever the options)."""
    kinds = [turn.kind for turn in turns]
    allowed = ctx.profile.roles
    if allowed is not None and not set(kinds) <= set(allowed):
        return False
    dialogue = kinds[1:] if kinds[0] == "system" else kinds
    return (
        bool(dialogue)
        and all(kind == "user" for kind in dialogue[::2])
        and all(kind == "assistant" for kind in dialogue[1::2])
    )


def _implicit_prompt(example: Example) -> bool:
    """A TRL preference pair without a prompt (``{"chosen": "...", "rejected": "..."}``): the prompt
    is inside the texts, so there is no user turn to expect."""
    raw: Any = example.raw
    return (
        example.schema == "preference"
        and isinstance(raw, dict)
        and "prompt" not in raw
        and isinstance(raw.get("chosen"), str)
    )


class NoTargetTurn(_TurnlessAware):
    """What: A conversation does not end with a trainable assistant (model) turn: the last turn is a
    user, system or tool turn, there is no assistant turn at all, or the last assistant turn has
    ``weight: 0``.

    Why: Supervised tuning learns the assistant's answers; a conversation that ends on a user turn
    trains on nothing at its end (Vertex AI rejects it), and one whose only answer is masked out
    teaches nothing.

    Example: ``{"contents": [{"role": "user", ...}, {"role": "model", ...}, {"role": "user", ...}]}``.

    Fix: Add the assistant's answer at the end, drop the trailing turns, or set ``weight`` to 1 on
    the final assistant turn.
    """

    code = "R003"
    name = "no-target-turn"
    summary = "The last turn is not a trainable assistant turn"
    default_severity = Severity.ERROR

    def check(self, example: Example, ctx: Context) -> Iterator[Finding]:
        if not example.turns:
            if example.schema in CHAT_SHAPES:
                yield self.finding(
                    ctx,
                    "the conversation has no turns; add the user's message and the assistant's answer, or drop "
                    "the record",
                    at=example,
                    field=example.fields.get("input"),
                )
            return
        # A last turn with an unknown role (R001's) is not an answer either: the provider sees none.
        last = example.turns[-1]
        if last.kind == "assistant" and last.trainable:
            return  # the common case, before any message is worded
        assistant = _names(example, ctx, ("assistant",))
        answer = f"'{assistant[0]}'" if assistant else "assistant"
        if last.kind == "assistant":
            if not last.trainable:
                yield self.finding(
                    ctx,
                    f"the final {answer} turn has weight 0, so the conversation trains on nothing at its end; set "
                    "its weight to 1 or drop the record",
                    at=example,
                    field=last.at,
                )
            return
        if example.target is None:
            message = f"the conversation has no {answer} turn to learn from; add the expected answer"
        else:
            message = (
                f"the last turn is '{last.role}', not {answer}: the conversation must end with the answer to "
                "learn from; add it at the end or drop the trailing turns"
            )
        yield self.finding(ctx, message, at=example, field=last.at)

    def check_batch(self, batch: Batch, ctx: Context) -> Iterator[Finding]:
        # A conversation without any turn is reported too.
        for example in self.conversations(batch):
            yield from self.check(example, ctx)


class EmptyTurn(StatelessRule):
    """What: A conversation turn (of any role, system included) has no text, or only whitespace, and
    no tool call or other content part. The Vertex ``systemInstruction`` is checked too.

    Why: Providers reject empty messages, and an empty assistant turn teaches the model to answer
    with nothing; empty turns are typical of conversions that lost a field.

    Example: ``{"role": "assistant", "content": "   "}``.

    Fix: Fill in the turn's text or remove the turn (keeping the roles in order).
    """

    code = "R004"
    name = "empty-turn"
    summary = "A turn with no text and no tool call"
    default_severity = Severity.ERROR

    def check(self, example: Example, ctx: Context) -> Iterator[Finding]:
        if not example.turns:
            return
        for turn in all_turns(example):
            if turn.text.strip() or turn.tool_calls or turn.parts:
                continue
            what = "no text" if turn.no_text or not turn.text else "only whitespace"
            yield self.finding(
                ctx,
                f"'{turn.role}' turn has {what} and no tool call; write its text or remove the turn",
                at=example,
                field=turn.field,
            )
        yield from self._instruction(example, ctx)

    def check_batch(self, batch: Batch, ctx: Context) -> Iterator[Finding]:
        for example in _with_turns(batch):
            yield from self.check(example, ctx)

    def _instruction(self, example: Example, ctx: Context) -> Iterator[Finding]:
        raw: Any = example.raw
        if example.schema != "vertex-gemini" or not isinstance(raw, dict):
            return
        for key in ("systemInstruction", "system_instruction"):
            instruction = raw.get(key)
            parts = instruction.get("parts") if isinstance(instruction, dict) else None
            if not isinstance(parts, list) or not all(isinstance(p, dict) for p in parts):
                continue
            if any(p.keys() - {"text"} for p in parts):
                continue  # a non-text part: not empty (R005 judges it)
            if "".join(p["text"] for p in parts if isinstance(p.get("text"), str)).strip():
                continue
            yield self.finding(
                ctx,
                f"'{key}' has no text; write the system instruction or remove '{key}'",
                at=example,
                field="/" + key,
            )


class UnsupportedPart(StatelessRule):
    """What: A turn carries a non-text part (image, file, function call or response) that the profile
    cannot train on, or carries it in a role that may not (an image in an assistant turn). Parts the
    profile accepts but flags as risky (Vertex function-call parts) are reported as warnings.

    Why: The provider rejects the record, or drops the part and trains on a context without it
    (the Gemini API tunes on text only; OpenAI accepts images in user messages only).

    Example: ``{"role": "assistant", "content": [{"type": "image_url", ...}]}`` for OpenAI.

    Fix: Remove the part, move it to a role that may carry it, or tune with a profile (provider)
    that accepts it.
    """

    code = "R005"
    name = "unsupported-part"
    summary = "A content part the profile cannot train on"
    default_severity = Severity.ERROR

    def check(self, example: Example, ctx: Context) -> Iterator[Finding]:
        supported = ctx.profile.parts
        if supported is None or not example.turns:
            return
        profile = ctx.profile.name
        for turn in all_turns(example):
            for part in turn.parts:
                if part.kind == "text":
                    continue  # a text part whose text is not a string: the schema rules report it
                roles = supported.get(part.kind)
                risky = part.kind in ctx.profile.warn_parts
                if roles is None:
                    accepted = ", ".join(sorted(supported)) or "text only"
                    message = (
                        f"'{part.kind}' part is not supported by the {profile} profile (accepted: {accepted}); "
                        "remove it or use a profile that accepts it"
                    )
                    yield self.finding(
                        ctx, message, at=example, field=part.field, severity=Severity.WARNING if risky else None
                    )
                elif turn.kind and turn.kind not in roles:
                    message = (
                        f"'{part.kind}' part in the '{turn.role}' turn; the {profile} profile accepts it only in "
                        f"{_quoted(_names(example, ctx, roles))} turns: move or remove it"
                    )
                    yield self.finding(ctx, message, at=example, field=part.field)
                elif risky:
                    message = (
                        f"'{part.kind}' part may be rejected (the {profile} profile marks it as risky); check that "
                        "your tuning job accepts it before a long upload, or remove it"
                    )
                    yield self.finding(ctx, message, at=example, field=part.field, severity=Severity.WARNING)

    def check_batch(self, batch: Batch, ctx: Context) -> Iterator[Finding]:
        for example in _with_turns(batch):
            yield from self.check(example, ctx)


RULES = (UnknownRole, BadTurnOrder, NoTargetTurn, EmptyTurn, UnsupportedPart, BrokenToolCall)
