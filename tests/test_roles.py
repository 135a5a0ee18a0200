"""R rules (conversation structure): real datasets, every chat shape, options, and a property test.

Assertions compare rule codes, records/lines, severities and JSON pointers, never message wording.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import validator
from rules.roles import (
    RULES,
    BadTurnOrder,
    BrokenToolCall,
    EmptyTurn,
    NoTargetTurn,
    UnknownRole,
    UnsupportedPart,
)
from validator.api import Finding, Rule
from validator.testing import run_rules

# -- builders --------------------------------------------------------------------------------------


def msg(role: str, content: Any = None, **extra: Any) -> dict[str, Any]:
    message: dict[str, Any] = {"role": role}
    if content is not None or "tool_calls" not in extra:
        message["content"] = content
    message.update(extra)
    return message


def chat(*messages: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"messages": list(messages), **extra}


def call(call_id: str, name: str, arguments: Any = "{}") -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def tool(call_id: str, content: str) -> dict[str, Any]:
    return {"role": "tool", "tool_call_id": call_id, "content": content}


def turn(role: str, *parts: Any) -> dict[str, Any]:
    return {"role": role, "parts": [p if isinstance(p, dict) else {"text": p} for p in parts]}


def contents(*turns: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"contents": list(turns), **extra}


def sharegpt(*turns: tuple[str, str], **extra: Any) -> dict[str, Any]:
    return {"conversations": [{"from": who, "value": value} for who, value in turns], **extra}


TOOLS = [
    {"type": "function", "function": {"name": "lookup_part", "parameters": {"type": "object"}}},
    {"type": "function", "function": {"name": "check_stock", "parameters": {"type": "object"}}},
]
VERTEX_TOOLS = [{"functionDeclarations": [{"name": "get_weather"}]}]


def found(
    records: Sequence[Any],
    rules: Sequence[type[Rule]] = RULES,
    *,
    profile: str | None = None,
    config: dict[str, Any] | None = None,
) -> list[tuple[str, int | None, str, str | None]]:
    """``(code, record, severity, field)`` of the findings of ``rules`` on ``records``."""
    return [
        (f.code, f.record, f.severity.value, f.field) for f in run_rules(rules, records, profile=profile, config=config)
    ]


def r_findings(findings: Sequence[Finding]) -> list[tuple[str, int | None, str | None]]:
    return [(f.code, f.line, f.field) for f in findings if f.code.startswith("R")]


# -- real datasets ---------------------------------------------------------------------------------


def test_drone_training_has_no_structure_finding(shared_dataset: Callable[[str], Path]) -> None:
    """Assistant turns carry tool_calls and no content, tools are declared, the call is the target."""
    report = validator.lint(str(shared_dataset("openai-cookbook__drone_training.jsonl")), isolated=True)
    assert report.files[0].records == 103
    assert report.files[0].schema == "openai-chat"
    assert [f for f in report.findings if f.code[0] in "RSF"] == []


def test_toy_chat_record_without_user_message_is_r002(shared_dataset: Callable[[str], Path]) -> None:
    """Record 4 is [system, assistant]; the others are well-formed (record 5's long reply is L's)."""
    report = validator.lint(str(shared_dataset("openai-cookbook__toy_chat_fine_tuning.jsonl")), isolated=True)
    assert r_findings(report.findings) == [("R002", 4, "/messages/1")]
    assert [f.record for f in report.findings if f.code == "R002"] == [4]


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        # The Gemini API limit on outputs (5,000 characters) catches the 26,000-character reply...
        ({"profile": "gemini"}, [("L002", 5, "/messages/2/content")]),
        # ...and so does a token limit such as a small model's, in a profile that extends openai.
        (
            {"profile": "small", "profiles": {"small": {"extends": "openai", "max-example-tokens": 4096}}},
            [("L006", 5, "/messages")],
        ),
    ],
)
def test_toy_chat_long_reply_under_a_profile_with_limits(
    config: dict[str, object], expected: list[tuple[str, int, str]], shared_dataset: Callable[[str], Path]
) -> None:
    path = shared_dataset("openai-cookbook__toy_chat_fine_tuning.jsonl")
    report = validator.lint(str(path), isolated=True, config=config)
    assert [(f.code, f.line, f.field) for f in report.findings if f.code in ("L001", "L002", "L006")] == expected
    assert ("R002", 4) in [(f.code, f.line) for f in report.findings]


# -- acceptance cases ------------------------------------------------------------------------------


def test_vertex_last_turn_user_is_r003() -> None:
    record = contents(turn("user", "Hi"), turn("model", "Hello"), turn("user", "Bye"))
    assert found([record]) == [("R003", 1, "error", "/contents/2")]


def test_vertex_role_assistant_is_r001() -> None:
    """The provider sees no model turn either (R003), but no turn-order noise (R002)."""
    record = contents(turn("user", "Hi"), turn("assistant", "Hello"))
    assert found([record]) == [("R001", 1, "error", "/contents/1/role"), ("R003", 1, "error", "/contents/1")]
    mid = contents(turn("user", "Hi"), turn("assistant", "Hello"), turn("user", "Bye"), turn("model", "Bye"))
    assert found([mid]) == [("R001", 1, "error", "/contents/1/role")]


def test_vertex_system_turn_in_contents_is_r001() -> None:
    record = contents(turn("system", "Be brief."), turn("user", "Hi"), turn("model", "Hello"))
    assert found([record]) == [("R001", 1, "error", "/contents/0/role")]


def test_openai_arguments_object_is_r006() -> None:
    record = chat(msg("user", "Stock?"), msg("assistant", tool_calls=[call("c1", "check_stock", {"sku": "CH-9"})]))
    assert found([record]) == [("R006", 1, "error", "/messages/1/tool_calls/0")]


def test_openai_arguments_object_is_r006_through_lint() -> None:
    record = chat(msg("user", "Stock?"), msg("assistant", tool_calls=[call("c1", "check_stock", {"sku": "CH-9"})]))
    report = validator.lint([record], isolated=True)
    assert r_findings(report.findings) == [("R006", 1, "/messages/1/tool_calls/0")]
    assert not [f for f in report.findings if f.code.startswith("S")]


@pytest.mark.parametrize(
    ("arguments", "flagged"),
    [('{"sku": "CH-9"}', False), ("{}", False), ('{"sku": CH-9}', True), ('["CH-9"]', True), ("", True), (7, True)],
)
def test_openai_arguments_must_encode_an_object(arguments: Any, flagged: bool) -> None:
    record = chat(msg("user", "Stock?"), msg("assistant", tool_calls=[call("c1", "check_stock", arguments)]))
    assert found([record], [BrokenToolCall]) == ([("R006", 1, "error", "/messages/1/tool_calls/0")] if flagged else [])


def test_consecutive_same_role_is_r002_at_the_second_turn() -> None:
    record = chat(msg("user", "Hi"), msg("user", "Anyone?"), msg("assistant", "Hello"))
    assert found([record]) == [("R002", 1, "error", "/messages/1")]


def test_system_not_first_is_r002_at_the_system_turn() -> None:
    record = chat(
        msg("user", "Hi"),
        msg("assistant", "Hello"),
        msg("system", "Be kind."),
        msg("user", "Hours?"),
        msg("assistant", "9-5"),
    )
    assert found([record]) == [("R002", 1, "error", "/messages/2")]


def test_last_turn_not_trainable_is_r003() -> None:
    record = chat(msg("user", "Hi"), msg("assistant", "Hello"), msg("user", "Bye"), msg("assistant", "Bye", weight=0))
    assert found([record]) == [("R003", 1, "error", "/messages/3")]


def test_weight_zero_on_an_earlier_assistant_turn_is_fine() -> None:
    record = chat(
        msg("user", "Hi"), msg("assistant", "Hello", weight=0), msg("user", "Bye"), msg("assistant", "Bye", weight=1)
    )
    assert found([record]) == []


def test_whitespace_only_assistant_content_is_r004() -> None:
    record = chat(msg("user", "Hi"), msg("assistant", "  \n\t "))
    assert found([record]) == [("R004", 1, "error", "/messages/1/content")]


def test_empty_system_and_missing_content_are_r004() -> None:
    records = [
        chat(msg("system", ""), msg("user", "Hi"), msg("assistant", "Hello")),
        chat(msg("user", None), msg("assistant", "Hello")),
    ]
    assert found(records, [EmptyTurn]) == [
        ("R004", 1, "error", "/messages/0/content"),
        ("R004", 2, "error", "/messages/0"),
    ]


def test_empty_vertex_system_instruction_is_r004() -> None:
    record = contents(turn("user", "Hi"), turn("model", "Hello"), systemInstruction={"parts": [{"text": " "}]})
    assert found([record], [EmptyTurn]) == [("R004", 1, "error", "/systemInstruction")]


# -- well-formed conversations of every shape ------------------------------------------------------

WELL_FORMED: dict[str, list[dict[str, Any]]] = {
    "openai-chat": [
        chat(msg("system", "Be brief."), msg("user", "Hi"), msg("assistant", "Hello")),
        chat(
            msg("system", "Use tools."),
            msg("user", "Do you have BR-55 and CH-9?"),
            msg(
                "assistant",
                tool_calls=[call("a", "lookup_part", '{"sku": "BR-55"}'), call("b", "check_stock", '{"sku": "CH-9"}')],
            ),
            tool("a", "brake pads"),
            tool("b", "4 in stock"),
            msg("assistant", "Yes, both."),
            tools=TOOLS,
            parallel_tool_calls=True,
        ),
        chat(
            msg(
                "user",
                [
                    {"type": "text", "text": "What is it?"},
                    {"type": "image_url", "image_url": {"url": "https://e.x/a.png"}},
                ],
            ),
            msg("assistant", "A gear."),
        ),
    ],
    "vertex-gemini": [
        contents(turn("user", "Hi"), turn("model", "Hello"), systemInstruction={"parts": [{"text": "Be brief."}]}),
        contents(
            turn("user", "Describe", {"fileData": {"mimeType": "image/png", "fileUri": "gs://b/a.png"}}),
            turn("model", "A dot."),
        ),
    ],
    "vertex-messages": [
        {
            "messages": [
                msg("system", "Be brief."),
                msg("user", "Hi"),
                msg("model", "Hello"),
                msg("user", "Bye"),
                msg("model", "Bye"),
            ]
        },
    ],
    "preference": [
        {
            "input": {"messages": [msg("user", "Colour?")]},
            "preferred_output": [msg("assistant", "Blue.")],
            "non_preferred_output": [msg("assistant", "Seven.")],
        },
        {
            "input": {"messages": [msg("user", "Price?")], "tools": TOOLS},
            "preferred_output": [msg("assistant", tool_calls=[call("c", "lookup_part", "{}")])],
            "non_preferred_output": [msg("assistant", "No idea.")],
        },
    ],
    "preference-trl": [
        {"prompt": "The sky is", "chosen": " blue.", "rejected": " green."},
        {"chosen": "The sky is blue.", "rejected": "The sky is green."},
        {
            "prompt": [msg("user", "Colour?")],
            "chosen": [msg("assistant", "Blue.")],
            "rejected": [msg("assistant", "Seven.")],
        },
    ],
    "sharegpt": [
        sharegpt(("system", "Be terse."), ("human", "Hi"), ("gpt", "Hello"), ("human", "Bye"), ("gpt", "Bye")),
        sharegpt(
            ("human", "Weather in Rome?"),
            ("function_call", '{"name": "get_weather", "arguments": {"city": "Rome"}}'),
            ("observation", '{"temp": 21}'),
            ("gpt", "21 degrees."),
            tools='[{"name": "get_weather", "parameters": {}}]',
        ),
    ],
}


@pytest.mark.parametrize("shape", sorted(WELL_FORMED))
def test_well_formed_conversations_have_no_r_finding(shape: str) -> None:
    report = validator.lint(WELL_FORMED[shape], isolated=True)
    assert report.files[0].schema == shape.removesuffix("-trl")
    assert [f for f in report.findings if f.code[0] in "RS"] == []


def test_vertex_function_call_and_response_only_warn_under_vertex_profile() -> None:
    record = contents(
        turn("user", "Weather in Oslo?"),
        turn("model", {"functionCall": {"name": "get_weather", "args": {"city": "Oslo"}}}),
        turn("user", {"functionResponse": {"name": "get_weather", "response": {"sky": "sunny"}}}),
        turn("model", "Sunny."),
        systemInstruction={"parts": [{"text": "Use tools."}]},
        tools=VERTEX_TOOLS,
    )
    assert found([record]) == [
        ("R005", 1, "warning", "/contents/1/parts/0/functionCall"),
        ("R005", 1, "warning", "/contents/2/parts/0/functionResponse"),
    ]
    assert found([record], profile="generic") == []
    assert found([record], [UnsupportedPart], profile="gemini") == [
        ("R005", 1, "error", "/contents/1/parts/0/functionCall"),
        ("R005", 1, "error", "/contents/2/parts/0/functionResponse"),
    ]


def test_single_turn_shapes_are_ignored() -> None:
    records = [{"text_input": "", "output": " "}, {"text_input": "q", "output": "a"}]
    assert found(records) == []
    assert found([{"instruction": "Add", "input": "", "output": ""}]) == []


# -- R001 ------------------------------------------------------------------------------------------


def test_profile_rejects_roles_the_shape_knows() -> None:
    """Tool turns exist in OpenAI chat but the vertex-gemini profile has no tool role."""
    record = WELL_FORMED["openai-chat"][1]
    assert found([record], [UnknownRole], profile="vertex-gemini") == [
        ("R001", 1, "error", "/messages/3/role"),
        ("R001", 1, "error", "/messages/4/role"),
    ]
    assert found([record], [UnknownRole, BadTurnOrder], profile="vertex-gemini")[2:] == []


def test_sharegpt_unknown_role_points_at_from() -> None:
    record = sharegpt(("human", "Hi"), ("bot", "Hello"), ("human", "Thanks"), ("gpt", "Welcome"))
    assert found([record]) == [("R001", 1, "error", "/conversations/1/from")]


def test_vertex_messages_with_assistant_role_is_r001() -> None:
    record = {"messages": [msg("user", "Hi"), msg("assistant", "Hello"), msg("user", "Bye"), msg("model", "Bye")]}
    assert found([record]) == [("R001", 1, "error", "/messages/1/role")]


# -- R002 ------------------------------------------------------------------------------------------


def test_each_order_problem_reported_once_per_record() -> None:
    record = chat(msg("user", "a"), msg("user", "b"), msg("user", "c"), msg("assistant", "d"), msg("assistant", "e"))
    assert found([record], [BadTurnOrder]) == [("R002", 1, "error", "/messages/1")]


def test_different_order_problems_each_reported() -> None:
    record = chat(
        msg("assistant", "Welcome"),
        msg("user", "Hi"),
        msg("user", "Hello?"),
        msg("system", "late"),
        msg("assistant", "Hi"),
    )
    assert found([record], [BadTurnOrder]) == [
        ("R002", 1, "error", "/messages/0"),
        ("R002", 1, "error", "/messages/2"),
        ("R002", 1, "error", "/messages/3"),
    ]


def test_tool_turn_must_follow_a_call() -> None:
    orphan = chat(
        msg("user", "Stock?"), msg("assistant", "Let me check."), tool("c1", "4"), msg("assistant", "4 left.")
    )
    assert found([orphan], [BadTurnOrder]) == [("R002", 1, "error", "/messages/2")]


def test_sharegpt_observation_without_function_call_is_r002() -> None:
    record = sharegpt(("human", "Weather?"), ("observation", "21"), ("gpt", "21 degrees"))
    assert found([record]) == [("R002", 1, "error", "/conversations/1")]


def test_unknown_roles_cause_no_order_noise() -> None:
    record = chat(msg("user", "Hi"), msg("bot", "Hello"), msg("user", "Bye"), msg("assistant", "Bye"))
    assert found([record]) == [("R001", 1, "error", "/messages/1/role")]


def test_allow_repeated_option() -> None:
    record = chat(msg("user", "Hi"), msg("user", "Anyone?"), msg("assistant", "Hello"))
    config = {"rules": {"R002": {"allow-repeated": ["tool", "user"]}}}
    assert found([record], [BadTurnOrder], config=config) == []


def test_dpo_input_ending_with_assistant_is_r002() -> None:
    record = {
        "input": {"messages": [msg("user", "Hi"), msg("assistant", "Hello")]},
        "preferred_output": [msg("assistant", "How can I help?")],
        "non_preferred_output": [msg("assistant", "What?")],
    }
    assert found([record]) == [("R002", 1, "error", "/preferred_output/0")]


# -- R003 ------------------------------------------------------------------------------------------


def test_no_assistant_turn_is_r003() -> None:
    assert found([chat(msg("system", "s"), msg("user", "Hi"))], [NoTargetTurn]) == [("R003", 1, "error", "/messages/1")]
    assert found([contents(turn("user", "Hi"))], [NoTargetTurn]) == [("R003", 1, "error", "/contents/0")]


def test_conversation_without_turns_is_r003_at_the_conversation() -> None:
    assert found([chat()], [NoTargetTurn]) == [("R003", 1, "error", "/messages")]


def test_trailing_tool_turn_is_r003() -> None:
    record = chat(msg("user", "Stock?"), msg("assistant", tool_calls=[call("c1", "check_stock")]), tool("c1", "4"))
    assert found([record], [NoTargetTurn]) == [("R003", 1, "error", "/messages/2")]


# -- R005 ------------------------------------------------------------------------------------------


def test_image_in_assistant_turn_is_r005() -> None:
    record = chat(
        msg("user", "Draw"), msg("assistant", [{"type": "image_url", "image_url": {"url": "https://e.x/a.png"}}])
    )
    assert found([record]) == [("R005", 1, "error", "/messages/1/content/0")]
    assert found([record], profile="generic") == []


def test_vertex_inline_data_and_misplaced_parts_are_r005_errors() -> None:
    record = contents(
        turn("user", "Look", {"inlineData": {"mimeType": "image/png", "data": "AAAA"}}),
        turn("model", {"fileData": {"mimeType": "image/png", "fileUri": "gs://b/a.png"}}),
    )
    assert found([record], [UnsupportedPart]) == [
        ("R005", 1, "error", "/contents/0/parts/1/inlineData"),
        ("R005", 1, "error", "/contents/1/parts/0/fileData"),
    ]


# -- R006 ------------------------------------------------------------------------------------------


def test_unanswered_call_as_last_turn_is_fine_but_not_mid_conversation() -> None:
    last = chat(msg("user", "Stock?"), msg("assistant", tool_calls=[call("c1", "check_stock")]))
    middle = chat(
        msg("user", "Stock?"),
        msg("assistant", tool_calls=[call("c1", "check_stock")]),
        msg("user", "Well?"),
        msg("assistant", "4 left."),
    )
    assert found([last, middle], [BrokenToolCall]) == [("R006", 2, "error", "/messages/1/tool_calls/0")]


def test_tool_response_with_unknown_id_is_r006_at_the_response() -> None:
    record = chat(
        msg("user", "Stock?"),
        msg("assistant", tool_calls=[call("c1", "check_stock")]),
        tool("c2", "4"),
        msg("assistant", "4 left."),
    )
    # One mistake (a wrong id), reported once at the response, not again at the call it leaves open.
    assert found([record], [BrokenToolCall]) == [("R006", 1, "error", "/messages/2")]


def test_open_call_after_a_stray_response_is_reported_too() -> None:
    record = chat(
        msg("user", "Stock?"),
        msg("assistant", tool_calls=[call("c1", "check_stock")]),
        tool("c1", "4"),
        tool("c9", "stray"),
        msg("assistant", tool_calls=[call("c2", "lookup_part")]),
        msg("user", "Well?"),
        msg("assistant", "4 left."),
    )
    assert found([record], [BrokenToolCall]) == [
        ("R006", 1, "error", "/messages/3"),
        ("R006", 1, "error", "/messages/4/tool_calls/0"),
    ]


def test_vertex_function_response_matches_by_name_or_id() -> None:
    def record(response: dict[str, Any]) -> dict[str, Any]:
        return contents(
            turn("user", "Weather?"),
            turn("model", {"functionCall": {"name": "get_weather", "id": "w1", "args": {}}}),
            turn("user", {"functionResponse": {"response": {}, **response}}),
            turn("model", "Sunny."),
        )

    ok = [record({"name": "get_weather"}), record({"name": "get_weather", "id": "w1"})]
    assert found(ok, [BrokenToolCall]) == []
    assert found([record({"name": "get_forecast"})], [BrokenToolCall]) == [("R006", 1, "error", "/contents/2")]


def test_vertex_args_must_be_an_object() -> None:
    record = contents(
        turn("user", "Weather?"), turn("model", {"functionCall": {"name": "get_weather", "args": "Oslo"}})
    )
    assert found([record], [BrokenToolCall]) == [("R006", 1, "error", "/contents/1/parts/0/functionCall")]


def test_undeclared_function_and_check_declared_option() -> None:
    records = [
        chat(msg("user", "Order"), msg("assistant", tool_calls=[call("c1", "order_part")]), tools=TOOLS),
        contents(
            turn("user", "Time?"), turn("model", {"functionCall": {"name": "get_time", "args": {}}}), tools=VERTEX_TOOLS
        ),
    ]
    assert found(records[:1], [BrokenToolCall]) == [("R006", 1, "error", "/messages/1/tool_calls/0")]
    assert found(records[1:], [BrokenToolCall]) == [("R006", 1, "error", "/contents/1/parts/0/functionCall")]
    config = {"rules": {"R006": {"check-declared": False}}}
    assert found(records[:1], [BrokenToolCall], config=config) == []


def test_sharegpt_function_call_must_be_json_with_a_name() -> None:
    record = sharegpt(
        ("human", "Weather?"), ("function_call", "get_weather(Rome)"), ("observation", "21"), ("gpt", "21")
    )
    assert found([record]) == [("R006", 1, "error", "/conversations/1/value")]


def test_rejected_answer_tool_calls_are_checked() -> None:
    record = {
        "input": {"messages": [msg("user", "Price?")], "tools": TOOLS},
        "preferred_output": [msg("assistant", "12 EUR.")],
        "non_preferred_output": [msg("assistant", tool_calls=[call("c", "lookup_part", {"sku": 1})])],
    }
    assert found([record]) == [("R006", 1, "error", "/non_preferred_output/0/tool_calls/0")]


def test_rules_are_exported_in_code_order() -> None:
    assert [rule.code for rule in RULES] == ["R001", "R002", "R003", "R004", "R005", "R006"]
    assert [rule.name for rule in RULES] == [
        "unknown-role",
        "bad-turn-order",
        "no-target-turn",
        "empty-turn",
        "unsupported-part",
        "broken-tool-call",
    ]
    assert dict(BadTurnOrder.option_fields()) == {"allow_repeated": ("tool",)}
    assert dict(BrokenToolCall.option_fields()) == {"check_declared": True}


# -- property: never raise, every field resolves -----------------------------------------------------


def resolve(document: Any, pointer: str) -> Any:
    """The value at an RFC 6901 JSON pointer; raises ``LookupError`` when it does not resolve."""
    node = document
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            if not token.isdigit() or int(token) >= len(node):
                raise LookupError(pointer)
            node = node[int(token)]
        elif isinstance(node, dict) and token in node:
            node = node[token]
        else:
            raise LookupError(pointer)
    return node


_texts = st.sampled_from(["", " ", "\n", "Hi", "Hello there"])
_arguments = st.sampled_from(["{}", '{"a": 1}', "{bad", "[1]", {"a": 1}, None, 3])
_ids = st.sampled_from(["c1", "c2", "x"])
_names = st.sampled_from(["lookup_part", "check_stock", "undeclared"])
_openai_calls = st.lists(st.builds(lambda i, n, a: call(i, n, a), _ids, _names, _arguments), min_size=1, max_size=2)
_openai_parts = st.sampled_from(
    [
        {"type": "text", "text": "Hi"},
        {"type": "text", "text": " "},
        {"type": "image_url", "image_url": {"url": "https://e.x/a.png"}},
        {"type": "input_audio", "input_audio": {"data": "AA", "format": "wav"}},
    ]
)


@st.composite
def openai_messages(draw: st.DrawFn) -> dict[str, Any]:
    role = draw(st.sampled_from(["system", "user", "assistant", "tool", "model", "bot"]))
    message: dict[str, Any] = {"role": role}
    content = draw(st.one_of(_texts, st.none(), st.lists(_openai_parts, max_size=2)))
    if draw(st.booleans()) or content is not None:
        message["content"] = content
    if role == "assistant" and draw(st.booleans()):
        message["tool_calls"] = draw(_openai_calls)
    if role == "tool" and draw(st.booleans()):
        message["tool_call_id"] = draw(_ids)
    if draw(st.booleans()):
        message["weight"] = draw(st.sampled_from([0, 1]))
    return message


_vertex_parts = st.sampled_from(
    [
        {"text": "Hi"},
        {"text": ""},
        {"text": " \n"},
        {"fileData": {"mimeType": "image/png", "fileUri": "gs://b/a.png"}},
        {"inlineData": {"mimeType": "image/png", "data": "AA"}},
        {"functionCall": {"name": "get_weather", "args": {"city": "Oslo"}}},
        {"functionCall": {"name": "get_time", "id": "t1", "args": "bad"}},
        {"functionResponse": {"name": "get_weather", "response": {}}},
        {"functionResponse": {"name": "other", "id": "t1", "response": {}}},
    ]
)
_vertex_turns = st.builds(
    lambda role, parts: {"role": role, "parts": parts},
    st.sampled_from(["user", "model", "assistant", "system", "function"]),
    st.lists(_vertex_parts, max_size=3),
)


@st.composite
def conversations(draw: st.DrawFn) -> tuple[str, list[dict[str, Any]]]:
    if draw(st.booleans()):
        records = draw(st.lists(st.lists(openai_messages(), max_size=6), min_size=1, max_size=3))
        tools = st.sampled_from([None, TOOLS, []])
        built = []
        for messages in records:
            record: dict[str, Any] = {"messages": messages}
            declared = draw(tools)
            if declared is not None:
                record["tools"] = declared
            built.append(record)
        return "openai-chat", built
    records = draw(st.lists(st.lists(_vertex_turns, max_size=6), min_size=1, max_size=3))
    built = []
    for turns in records:
        record = {"contents": turns}
        if draw(st.booleans()):
            record["systemInstruction"] = {"parts": [draw(_vertex_parts)]}
        if draw(st.booleans()):
            record["tools"] = VERTEX_TOOLS
        built.append(record)
    return "vertex-gemini", built


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=conversations(), profile=st.sampled_from([None, "openai", "vertex-gemini", "gemini", "generic"]))
def test_r_rules_never_raise_and_fields_resolve(case: tuple[str, list[dict[str, Any]]], profile: str | None) -> None:
    _shape, records = case
    for finding in run_rules(RULES, records, profile=profile):
        assert finding.code.startswith("R")
        assert finding.record is not None and 1 <= finding.record <= len(records)
        assert finding.field is not None and finding.field.startswith("/")
        resolve(records[finding.record - 1], finding.field)


def test_text_part_with_non_string_text_is_left_to_the_schema() -> None:
    record = chat(msg("user", [{"type": "text", "text": 5}]), msg("assistant", "Hello"))
    report = validator.lint([record], isolated=True)
    assert [(f.code, f.field) for f in report.findings if f.code[0] in "RS"] == [("S002", "/messages/0/content")]
