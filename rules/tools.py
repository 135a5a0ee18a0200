"""R006: tool (function) calls and their responses. Exported through :mod:`rules.roles`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from validator.api import Batch, Context, Example, Finding, Severity, StatelessRule, ToolCall, Turn, json_type

__all__ = ["BrokenToolCall"]

#: Shapes whose tool-call ``arguments`` must be a JSON-encoded string (the OpenAI convention).
STRING_ARGUMENTS = frozenset({"openai-chat", "preference", "vertex-messages"})


def _resolve(document: Any, where: str) -> tuple[bool, Any]:
    """``(found, value)`` of the JSON pointer ``where`` in ``document``."""
    node = document
    for token in where.split("/")[1:] if where else ():
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False, None
    return True, node


def _written_arguments(example: Example, call: ToolCall) -> bool:
    """True when the call object has an ``arguments`` key (OpenAI ``function.arguments``, or the
    legacy ``function_call.arguments``), even if null; a missing key is the schema rules' finding."""
    found, node = _resolve(example.raw, call.field or "")
    if not found or not isinstance(node, dict):
        return False
    function = node.get("function")
    holder = function if isinstance(function, dict) else node
    return "arguments" in holder


def _tool_names(entry: Any) -> set[str] | None:
    """Function names declared by one ``tools`` entry (OpenAI, Vertex or bare declarations);
    ``None`` for an entry that is not an object."""
    if not isinstance(entry, dict):
        return None
    names: set[str] = set()
    kind = entry.get("type")
    for body in (entry.get("function"), entry.get(kind) if isinstance(kind, str) else None, entry):
        if isinstance(body, dict) and isinstance(body.get("name"), str):
            names.add(body["name"])
    for key in ("functionDeclarations", "function_declarations"):
        declarations = entry.get(key)
        if isinstance(declarations, list):
            names.update(d["name"] for d in declarations if isinstance(d, dict) and isinstance(d.get("name"), str))
    return names


def declared_functions(raw: Any) -> frozenset[str] | None:
    """Names of the functions a record declares (``tools``, OpenAI DPO ``input.tools``, legacy
    ``functions``; ShareGPT writes ``tools`` as a JSON string), or ``None`` when it declares none or
    the declarations cannot be read."""
    if not isinstance(raw, dict):
        return None
    sources = [raw.get("tools"), raw.get("functions")]
    request = raw.get("input")
    if isinstance(request, dict):
        sources.append(request.get("tools"))
    names: set[str] = set()
    found = False
    for source in sources:
        if isinstance(source, str):
            try:
                source = json.loads(source)
            except ValueError:
                return None
        if source is None:
            continue
        if not isinstance(source, list):
            return None
        found = True
        for entry in source:
            declared = _tool_names(entry)
            if declared is None:
                return None
            names |= declared
    return frozenset(names) if found else None


def _keys(example: Example, call: ToolCall) -> tuple[str, ...]:
    """What a response may name to answer ``call``: its id; for Vertex also its function name."""
    keys: tuple[str, ...] = (call.id,) if call.id else ()
    if example.schema == "vertex-gemini" and call.name:
        keys += (call.name,)
    return keys


@dataclass(frozen=True)
class ToolCallOptions:
    """Options of R006."""

    #: Report calls to functions the record's ``tools`` do not declare.
    check_declared: bool = True


class BrokenToolCall(StatelessRule):
    """What: A tool (function) call or response is malformed: OpenAI-style ``arguments`` that are not
    a JSON string (an object written in place of its encoding) or not valid JSON, Vertex
    ``functionCall.args`` that are not an object, a ShareGPT ``function_call`` that is not JSON with
    a name, a tool response whose id matches no earlier call, a call that is never answered although
    the conversation goes on, or a call to a function the record's ``tools`` do not declare.

    Why: OpenAI rejects arguments that are not a string; mismatched ids and undeclared functions
    teach the model to call tools that do not exist or to ignore their results.

    Example: ``"tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": {"x": 1}}}]``.

    Fix: Encode the arguments with ``json.dumps``, make every response's ``tool_call_id`` (or
    function name) match its call, answer every call before the conversation goes on, and declare
    every called function in ``tools``.

    Options: ``check-declared`` — report calls to undeclared functions (default true).
    """

    code = "R006"
    name = "broken-tool-call"
    summary = "Malformed tool-call arguments, or ids that do not match their responses"
    default_severity = Severity.ERROR
    options = ToolCallOptions

    def check(self, example: Example, ctx: Context) -> Iterator[Finding]:
        if not example.turns:
            return
        turns = (*example.turns, example.rejected) if example.rejected is not None else example.turns
        if not any(turn.tool_calls or turn.responds_to for turn in turns):
            return  # most conversations: no call to judge, no response to pair
        declared = declared_functions(example.raw) if self.opts.check_declared else None
        for turn in turns:
            for call in turn.tool_calls:
                problem = self._arguments(example, call)
                if problem is None and declared is not None and call.name is not None and call.name not in declared:
                    listed = ", ".join(sorted(declared)) or "none"
                    problem = (
                        f"call to '{call.name}', a function the record's tools do not declare (declared: {listed}); "
                        "declare it in 'tools' or fix the name"
                    )
                if problem is not None:
                    yield self.finding(ctx, problem, at=example, field=call.field)
        yield from self._pairing(example, ctx, example.turns)

    def check_batch(self, batch: Batch, ctx: Context) -> Iterator[Finding]:
        if not batch.conversational:
            return  # no turns, no tool calls
        for example in batch:
            if example.turns:
                yield from self.check(example, ctx)

    def _arguments(self, example: Example, call: ToolCall) -> str | None:
        args = call.arguments
        if example.schema in STRING_ARGUMENTS:
            if args is None and not _written_arguments(example, call):
                return None  # missing: the schema rules report it
            if not isinstance(args, str):
                return (
                    f"arguments of '{call.name}' are a JSON {json_type(args)}, not a string; write them as a "
                    "JSON-encoded string (json.dumps(arguments))"
                )
            try:
                parsed = json.loads(args)
            except ValueError:
                return f"arguments of '{call.name}' are not valid JSON; write them as a JSON object encoded as a string"
            if not isinstance(parsed, dict):
                return (
                    f"arguments of '{call.name}' encode a JSON {json_type(parsed)}, not an object; write them as "
                    "a JSON object ('{}' when there are none)"
                )
        elif example.schema == "vertex-gemini":
            if args is not None and not isinstance(args, dict):
                return f"functionCall 'args' of '{call.name}' is a JSON {json_type(args)}; write an object"
        elif example.schema == "sharegpt" and call.name is None:
            return (
                "function_call value is not a JSON object with a 'name'; write "
                '{"name": ..., "arguments": {...}} as the value'
            )
        return None

    def _pairing(self, example: Example, ctx: Context, turns: tuple[Turn, ...]) -> Iterator[Finding]:
        """Responses that answer no earlier call, and calls never answered although the conversation
        goes on. A response with a wrong id leaves its call unanswered too: that is one mistake,
        reported once, at the response (naming the open calls)."""
        last_answer: dict[str, int] = {}  # key -> index of the last turn answering it
        for i, turn in enumerate(turns):
            for key in turn.responds_to:
                last_answer[key] = i
        made: set[str] = set()
        open_calls: list[tuple[int, ToolCall, tuple[str, ...]]] = []  # (turn index, call, keys)
        found: list[tuple[int, Finding]] = []
        last_orphan = -1
        for i, turn in enumerate(turns):
            unmatched = [key for key in turn.responds_to if key not in made]
            if unmatched:
                last_orphan = i
                waiting = [repr(keys[0]) for j, _, keys in open_calls if j < i]
                hint = f" (unanswered: {', '.join(waiting)})" if waiting else ""
                message = (
                    f"tool response to {', '.join(repr(k) for k in unmatched)} answers no earlier call in this "
                    f"conversation{hint}; make its id (or function name) match the call it answers"
                )
                found.append((i, self.finding(ctx, message, at=example, field=turn.at)))
            if turn.kind != "assistant":
                continue
            for call in turn.tool_calls:
                keys = _keys(example, call)
                made.update(keys)
                # An unanswered call in the last turn is the training target: fine.
                if keys and i < len(turns) - 1 and all(last_answer.get(k, -1) <= i for k in keys):
                    open_calls.append((i, call, keys))
        for i, call, keys in open_calls:
            if last_orphan > i:
                continue  # a later response with a wrong id: reported there
            message = (
                f"call to '{call.name}' ({keys[0]!r}) is never answered although the conversation goes on; "
                "add its tool response right after it"
            )
            found.append((i, self.finding(ctx, message, at=example, field=call.field)))
        for _, finding in sorted(found, key=lambda item: item[0]):
            yield finding
