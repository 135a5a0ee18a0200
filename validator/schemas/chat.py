"""Adapters for conversation shapes: records become turns with canonical roles and JSON pointers.

Adapters are lenient: they read what they can and return ``None`` only when a record's structure is
too broken to form turns (the JSON Schema reports why, as S001/S002). Roles, part kinds and tool
calls are kept as written, because judging them is the R rules' job (against the profile).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from validator.api import Part, ToolCall, Turn, json_text
from validator.schemas.shape import Adapted, pointer

__all__ = [
    "OPENAI_ROLES",
    "SHAREGPT_ROLES",
    "VERTEX_MESSAGE_ROLES",
    "VERTEX_ROLES",
    "adapt_openai",
    "adapt_preference",
    "adapt_sharegpt",
    "adapt_vertex",
    "adapt_vertex_messages",
    "quick_openai",
    "quick_sharegpt",
    "quick_vertex",
]

# Role name as written -> canonical role (validator.api.ROLE_KINDS), per shape.
# "function" is the legacy function-calling role (a response to an assistant ``function_call``).
OPENAI_ROLES: Mapping[str, str] = {
    "system": "system",
    "user": "user",
    "assistant": "assistant",
    "tool": "tool",
    "function": "tool",
}
VERTEX_ROLES: Mapping[str, str] = {"user": "user", "model": "assistant"}
VERTEX_MESSAGE_ROLES: Mapping[str, str] = {"system": "system", "user": "user", "model": "assistant"}
SHAREGPT_ROLES: Mapping[str, str] = {
    "system": "system",
    "human": "user",
    "user": "user",
    "gpt": "assistant",
    "assistant": "assistant",
    "function_call": "assistant",
    "observation": "tool",
    "tool": "tool",
}

# Gemini part keys that carry no content of their own (flags on a text part).
_PART_FLAGS = frozenset({"text", "thought", "thoughtSignature", "thought_signature", "videoMetadata", "video_metadata"})


def _camel(key: str) -> str:
    """Proto JSON accepts ``file_data`` as well as ``fileData``; profiles use the camelCase name."""
    head, *rest = key.split("_")
    return head + "".join(word.title() for word in rest)


def _render(turn: Turn, extra: Sequence[str] = ()) -> str:
    """The text a turn contributes to the canonical input/output: its text, then its calls."""
    pieces = [turn.text] if turn.text else []
    pieces.extend(f"{call.name}({json_text(call.arguments)})" for call in turn.tool_calls)
    pieces.extend(extra)
    return "\n".join(pieces)


def _target(turns: Sequence[Turn]) -> int | None:
    """The output turn: the last turn when it is an assistant turn, else the last assistant turn."""
    for i in range(len(turns) - 1, -1, -1):
        if turns[i].kind == "assistant":
            return i
    return None


def _assemble(
    turns: list[Turn],
    rendered: list[str],
    system: str | None,
    conversation: str,
    rejected: Turn | None = None,
) -> Adapted:
    """``system`` is an instruction kept outside the turns (Vertex ``systemInstruction``); it leads
    the input. A system *turn* is part of the rendered context already."""
    target = _target(turns)
    context = rendered if target is None else rendered[:target]
    inputs = [system, *context] if system else context
    fields = {"input": conversation}
    if target is not None:
        fields["output"] = turns[target].field or conversation
    return Adapted(
        input_text="\n".join(inputs),
        output_text=rendered[target] if target is not None else "",
        fields=fields,
        turns=tuple(turns),
        system=system if system is not None else next((t.text for t in turns if t.kind == "system"), None),
        target=target,
        rejected=rejected,
    )


# -- OpenAI-style messages ---------------------------------------------------------------------


def _message_turn(m: Any, at: str, roles: Mapping[str, str]) -> Turn | None:
    if not isinstance(m, dict):
        return None
    role = m.get("role")
    if not isinstance(role, str):
        return None
    content = m.get("content")
    parts: list[Part] = []
    no_text = False
    if isinstance(content, str):
        text = content
    elif content is None:
        text, no_text = "", True
    elif isinstance(content, list):
        texts = []
        for j, part in enumerate(content):
            if not isinstance(part, dict):
                return None
            kind = part.get("type")
            if kind == "text" and isinstance(part.get("text"), str):
                texts.append(part["text"])
            else:
                parts.append(Part(str(kind), f"{at}/content/{j}"))
        text, no_text = "\n".join(texts), not texts
    else:
        return None
    calls: list[ToolCall] = []
    tool_calls = m.get("tool_calls")
    if isinstance(tool_calls, list):
        for j, call in enumerate(tool_calls):
            function = call.get("function") if isinstance(call, dict) else None
            function = function if isinstance(function, dict) else {}
            name = function.get("name")
            call_id = call.get("id") if isinstance(call, dict) else None
            calls.append(
                ToolCall(
                    name=name if isinstance(name, str) else None,
                    arguments=function.get("arguments"),
                    id=call_id if isinstance(call_id, str) else None,
                    field=f"{at}/tool_calls/{j}",
                )
            )
    legacy = m.get("function_call")
    if isinstance(legacy, dict):
        name = legacy.get("name")
        name = name if isinstance(name, str) else None
        calls.append(ToolCall(name, legacy.get("arguments"), None, f"{at}/function_call"))
    answered = m.get("tool_call_id")
    return Turn(
        role=role,
        text=text,
        field=f"{at}/content" if content is not None else at,
        kind=roles.get(role, ""),
        at=at,
        parts=tuple(parts),
        tool_calls=tuple(calls),
        responds_to=(answered,) if isinstance(answered, str) else (),
        trainable=m.get("weight") != 0,
        no_text=no_text,
    )


def _message_turns(messages: Any, base: tuple[str | int, ...], roles: Mapping[str, str]) -> list[Turn] | None:
    if not isinstance(messages, list):
        return None
    turns = []
    prefix = pointer(*base)
    for i, m in enumerate(messages):
        turn = _message_turn(m, f"{prefix}/{i}", roles)
        if turn is None:
            return None
        turns.append(turn)
    return turns


def _messages_adapter(roles: Mapping[str, str]) -> Callable[[Mapping[str, Any]], Adapted | None]:
    def adapt(r: Mapping[str, Any]) -> Adapted | None:
        turns = _message_turns(r.get("messages"), ("messages",), roles)
        if turns is None:
            return None
        # OpenAI system messages are turns, so they are in the rendered context already; the legacy
        # Vertex chat format keeps a system-like ``context`` beside the messages.
        context = r.get("context")
        extra = context if isinstance(context, str) and context else None
        return _assemble(turns, [_render(t) for t in turns], extra, "/messages")

    return adapt


adapt_openai = _messages_adapter(OPENAI_ROLES)
adapt_vertex_messages = _messages_adapter(VERTEX_MESSAGE_ROLES)


_OPENAI_TOP = frozenset({"messages", "tools", "functions", "parallel_tool_calls"})
_OPENAI_MESSAGE = frozenset({"role", "content", "name", "weight"})


def quick_openai(value: Any) -> bool:
    """True for the common case: plain string messages (anything else goes to the JSON Schema)."""
    if type(value) is not dict or not value.keys() <= _OPENAI_TOP:
        return False
    messages = value.get("messages")
    if type(messages) is not list or not messages or "tools" in value or "functions" in value:
        return False
    for m in messages:
        if type(m) is not dict or not m.keys() <= _OPENAI_MESSAGE:
            return False
        if type(m.get("role")) is not str or type(m.get("content")) is not str:
            return False
        if "name" in m and type(m["name"]) is not str:
            return False
        # ``True in (0, 1)`` holds in Python, but the schema's ``enum: [0, 1]`` rejects booleans.
        if "weight" in m and (type(m["weight"]) is not int or m["weight"] not in (0, 1)):
            return False
    return "parallel_tool_calls" not in value or type(value["parallel_tool_calls"]) is bool


# -- Vertex AI Gemini contents ---------------------------------------------------------------------


def _parts_text(parts: Any, at: str) -> tuple[str, str | None, list[Part], list[ToolCall], list[str], list[str]] | None:
    """Text, pointer of the first text, non-text parts, function calls, the ids/names answered and the
    rendered function responses of a list of Gemini parts."""
    if not isinstance(parts, list):
        return None
    texts: list[str] = []
    first: str | None = None
    others: list[Part] = []
    calls: list[ToolCall] = []
    answered: list[str] = []
    responses: list[str] = []
    for j, part in enumerate(parts):
        if not isinstance(part, dict):
            return None
        where = f"{at}/parts/{j}"
        text = part.get("text")
        if isinstance(text, str):
            texts.append(text)
            first = first or f"{where}/text"
        for key, value in part.items():
            if key in _PART_FLAGS:
                continue
            kind = _camel(key)
            others.append(Part(kind, f"{where}/{key}"))
            if kind == "functionCall" and isinstance(value, dict):
                name, call_id = value.get("name"), value.get("id")
                calls.append(
                    ToolCall(
                        name if isinstance(name, str) else None,
                        value.get("args"),
                        call_id if isinstance(call_id, str) else None,
                        f"{where}/{key}",
                    )
                )
            elif kind == "functionResponse" and isinstance(value, dict):
                key_of = value.get("id") if isinstance(value.get("id"), str) else value.get("name")
                if isinstance(key_of, str):
                    answered.append(key_of)
                responses.append(f"{value.get('name')} -> {json_text(value.get('response'))}")
    return "".join(texts), first, others, calls, answered, responses


def adapt_vertex(r: Mapping[str, Any]) -> Adapted | None:
    """``{"contents": [...], "systemInstruction": {...}}`` -> turns (``model`` is the assistant)."""
    contents = r.get("contents")
    if not isinstance(contents, list):
        return None
    system: str | None = None
    for key in ("systemInstruction", "system_instruction"):
        instruction = r.get(key)
        if isinstance(instruction, dict):
            read = _parts_text(instruction.get("parts"), "/" + key)
            if read is not None and read[0]:
                system = read[0]
    turns: list[Turn] = []
    rendered: list[str] = []
    for i, content in enumerate(contents):
        at = f"/contents/{i}"
        if not isinstance(content, dict) or not isinstance(content.get("role"), str):
            return None
        read = _parts_text(content.get("parts"), at)
        if read is None:
            return None
        text, first, others, calls, answered, responses = read
        role = content["role"]
        turn = Turn(
            role=role,
            text=text,
            field=first or at,
            kind=VERTEX_ROLES.get(role, ""),
            at=at,
            parts=tuple(others),
            tool_calls=tuple(calls),
            responds_to=tuple(answered),
            no_text=first is None,
        )
        turns.append(turn)
        rendered.append(_render(turn, responses))
    return _assemble(turns, rendered, system, "/contents")


_VERTEX_TOP = frozenset({"contents", "systemInstruction", "system_instruction"})


def _text_parts(parts: Any) -> bool:
    if type(parts) is not list:
        return False
    return all(type(part) is dict and len(part) == 1 and type(part.get("text")) is str for part in parts)


def quick_vertex(value: Any) -> bool:
    """True for the common case: text-only contents with string roles."""
    if type(value) is not dict or not value.keys() <= _VERTEX_TOP:
        return False
    contents = value.get("contents")
    if type(contents) is not list or not contents:
        return False
    for content in contents:
        if type(content) is not dict or content.keys() != {"role", "parts"} or type(content["role"]) is not str:
            return False
        if not _text_parts(content["parts"]):
            return False
    for key in ("systemInstruction", "system_instruction"):
        if key in value:
            instruction = value[key]
            if type(instruction) is not dict or not instruction.keys() <= {"role", "parts"}:
                return False
            if "parts" not in instruction or not _text_parts(instruction["parts"]):
                return False
            if "role" in instruction and type(instruction["role"]) is not str:
                return False
    return True


# -- ShareGPT ------------------------------------------------------------------------------------


def adapt_sharegpt(r: Mapping[str, Any]) -> Adapted | None:
    """``{"conversations": [{"from", "value"}], "system"?}``; ``function_call`` values are JSON calls."""
    conversations = r.get("conversations")
    if not isinstance(conversations, list):
        return None
    turns: list[Turn] = []
    for i, c in enumerate(conversations):
        if not isinstance(c, dict) or not isinstance(c.get("from"), str) or not isinstance(c.get("value"), str):
            return None
        role, value, at = c["from"], c["value"], f"/conversations/{i}"
        if role == "function_call":
            call = _sharegpt_call(value, f"{at}/value")
            turns.append(Turn(role, "", f"{at}/value", SHAREGPT_ROLES[role], at, tool_calls=(call,)))
        else:
            turns.append(Turn(role, value, f"{at}/value", SHAREGPT_ROLES.get(role, ""), at))
    system = r.get("system") if isinstance(r.get("system"), str) and r.get("system") else None
    return _assemble(turns, [_render(t) for t in turns], system, "/conversations")


def _sharegpt_call(value: str, where: str) -> ToolCall:
    try:
        parsed = json.loads(value)
    except ValueError:
        return ToolCall(None, value, None, where)
    if isinstance(parsed, dict) and isinstance(parsed.get("name"), str):
        arguments = parsed.get("arguments")
        # ShareGPT writes arguments as an object (or as a JSON string); both are well-formed.
        return ToolCall(parsed["name"], arguments if isinstance(arguments, str) else json_text(arguments), None, where)
    return ToolCall(None, value, None, where)


_SHAREGPT_TOP = frozenset({"conversations", "system", "tools", "id"})


def quick_sharegpt(value: Any) -> bool:
    """True for the common case: string from/value pairs and string metadata."""
    if type(value) is not dict or not value.keys() <= _SHAREGPT_TOP:
        return False
    conversations = value.get("conversations")
    if type(conversations) is not list or not conversations:
        return False
    for c in conversations:
        if type(c) is not dict or c.keys() != {"from", "value"}:
            return False
        if type(c["from"]) is not str or type(c["value"]) is not str:
            return False
    if any(type(value[k]) is not str for k in ("system", "tools") if k in value):
        return False
    return type(value.get("id", "")) in (str, int)


# -- Preference pairs ------------------------------------------------------------------------------


def _side(value: Any, key: str, role: str) -> list[Turn] | None:
    """A TRL ``prompt``/``chosen``/``rejected`` value: a string (one turn) or a list of messages."""
    if isinstance(value, str):
        return [Turn(role, value, "/" + key, role, "/" + key)]
    return _message_turns(value, (key,), OPENAI_ROLES)


def adapt_preference(r: Mapping[str, Any]) -> Adapted | None:
    """OpenAI/Together DPO (``input``/``preferred_output``/``non_preferred_output``) or TRL
    (``prompt``/``chosen``/``rejected``): the turns are the prompt plus the preferred answer; the
    non-preferred answer is ``rejected``."""
    if "preferred_output" in r:
        request = r.get("input")
        messages = request.get("messages") if isinstance(request, dict) else None
        context = _message_turns(messages, ("input", "messages"), OPENAI_ROLES)
        chosen = _message_turns(r.get("preferred_output"), ("preferred_output",), OPENAI_ROLES)
        other = _message_turns(r.get("non_preferred_output"), ("non_preferred_output",), OPENAI_ROLES)
        conversation = "/input/messages"
    else:
        context = _side(r["prompt"], "prompt", "user") if "prompt" in r else []
        chosen = _side(r.get("chosen"), "chosen", "assistant")
        other = _side(r.get("rejected"), "rejected", "assistant")
        conversation = "/prompt" if "prompt" in r else "/chosen"
    if context is None or chosen is None or other is None:
        return None
    turns = [*context, *chosen]
    return _assemble(turns, [_render(t) for t in turns], None, conversation, rejected=other[-1] if other else None)
