"""F, S, L, C, R and H rules give the same findings in one pass and in any number of shards.

Every rule is linted with inputs that make it fire, in one pass and in shards (each numbered from 1
as if it were a file of its own, its rule instances pickled in between, then merged in file order),
and the findings must be identical in every field: messages, related locations, fingerprints.
Evidence that spans shards gets cases of its own: the main shape's first record in one shard and a
record of another shape several shards later, a CSV column missing from every row, parse errors
whose messages name their line. The batch hooks are also checked against direct per-record calls.
"""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules import content, file, limits, roles, schema, tuning
from rules.roles import BadTurnOrder, BrokenToolCall, EmptyTurn, NoTargetTurn, UnknownRole, UnsupportedPart
from validator import engine
from validator.api import (
    Batch,
    Context,
    Example,
    FileFacts,
    Finding,
    ParseError,
    Profile,
    Record,
    RecordKind,
    Rule,
    Shift,
    StatelessRule,
    Turn,
    Violation,
)
from validator.config import settings_from_mapping
from validator.plugins import RuleRegistry
from validator.readers import read_records
from validator.testing import assert_shardable, run_rules, run_rules_sharded

MINE: tuple[type[Rule], ...] = (
    *file.RULES,
    *schema.RULES,
    *limits.RULES,
    *content.RULES,
    *roles.RULES,
    *tuning.RULES,
)

#: A profile with small limits, so over-limit texts stay small: 100/50 characters, 50 tokens, at
#: most 10 examples (and gemini's minimum of 20 and recommendation of 100).
TINY = {
    "profile": "tiny",
    "profiles": {
        "tiny": {
            "extends": "gemini",
            "max_input_chars": 100,
            "max_output_chars": 50,
            "max_example_tokens": 50,
            "max_examples": 10,
        }
    },
}


# -- builders --------------------------------------------------------------------------------------


def qa(i: int, question: str | None = None, answer: Any = None) -> dict[str, Any]:
    """A clean gemini record (or one with the given texts)."""
    return {
        "text_input": f"What is item {i} of the harbour log?" if question is None else question,
        "output": f"Item {i} is a lantern." if answer is None else answer,
    }


def good(count: int, start: int = 0) -> list[dict[str, Any]]:
    return [qa(i) for i in range(start, start + count)]


def msg(role: str, content: Any = "text", **extra: Any) -> dict[str, Any]:
    return {"role": role, "content": content, **extra}


def chat(*messages: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"messages": list(messages), **extra}


def dialogue(i: int) -> dict[str, Any]:
    return chat(msg("system", "Be brief."), msg("user", f"Question {i}?"), msg("assistant", f"Answer {i}."))


def call(call_id: str, name: str, arguments: Any = "{}") -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def spread(background: list[Any], bad: Sequence[Any]) -> list[Any]:
    """``background`` with the ``bad`` records spread evenly through it (so every shard gets some)."""
    rows = list(background)
    step = max(1, len(rows) // (len(bad) + 1))
    for k, record in enumerate(bad):
        rows.insert((k + 1) * step + k, record)
    return rows


def codes(findings: Sequence[Finding]) -> set[str]:
    return {f.code for f in findings}


def _order(f: Finding) -> tuple[int, int, str, str, str]:
    """The order :func:`validator.testing.assert_shardable` returns findings in."""
    return (f.line or 0, f.record or 0, f.code, f.field or "", f.message)


# -- run_sharded on records read from bytes (formats and record kinds memory data cannot have) ----


def read(data: bytes, fmt: str) -> tuple[list[Record], FileFacts]:
    """The records the reader delimits in ``data`` (parse errors and blank lines included)."""
    facts = FileFacts(path=f"data.{fmt}", format=fmt, bytes=len(data))
    return list(read_records(io.BytesIO(data), facts, fmt)), facts


def sharded(
    rules: Sequence[type[Rule]],
    records: list[Record],
    facts: FileFacts,
    shards: int,
    config: dict[str, Any] | None = None,
) -> list[Finding]:
    """Findings of ``rules`` on ``records`` linted in ``shards`` shards (1: one pass)."""
    settings_ = settings_from_mapping(dict(config or {}), "test")
    run = engine.run_sharded(
        [dataclasses.replace(r) for r in records],  # the engine sets schema/violations on records
        dataclasses.replace(facts),
        settings_,
        RuleRegistry(rules),
        shards,
    )
    return sorted(run.findings, key=_order)


def assert_records_shardable(
    rules: Sequence[type[Rule]],
    records: list[Record],
    facts: FileFacts,
    config: dict[str, Any] | None = None,
    shards: Sequence[int] = (2, 3, 7),
) -> list[Finding]:
    whole = sharded(rules, records, facts, 1, config)
    for count in shards:
        assert sharded(rules, records, facts, count, config) == whole, f"{count} shards"
    return whole


# -- every rule is mergeable -----------------------------------------------------------------------


@pytest.mark.parametrize("rule", MINE, ids=lambda r: r.code)
def test_every_rule_is_shardable(rule: type[Rule]) -> None:
    assert rule.shardable()


def test_merging_another_rule_is_refused() -> None:
    for rule in (file.InvalidSyntax, file.UnknownShape, schema.MissingField, schema.MixedSchemas):
        with pytest.raises(TypeError):
            rule().merge(schema.WrongType(), Shift(3, 3))


# -- F ---------------------------------------------------------------------------------------------

_BROKEN_JSONL = b"".join(
    [
        *(json.dumps(r).encode() + b"\n" for r in good(5)),
        b'{"text_input": "a", "output": "b",}\n',  # line 6
        b"\n",  # line 7: blank
        *(json.dumps(r).encode() + b"\n" for r in good(6, 5)),
        b'{"text_input": "unterminated\n',  # line 14
        b"   \n",  # line 15: blank
        *(json.dumps(r).encode() + b"\n" for r in good(6, 11)),
        b"{not json}\n",  # line 22
    ]
)


def test_f002_parse_errors_name_their_line_in_the_whole_file() -> None:
    records, facts = read(_BROKEN_JSONL, "jsonl")
    found = assert_records_shardable([file.InvalidSyntax], records, facts)
    assert [f.line for f in found] == [6, 14, 22]
    assert all(f"(line {f.line}" in f.message for f in found)


def test_f002_shard_state_is_moved_by_merge() -> None:
    """What a worker process does: its reader numbers lines from the start of its range."""
    first, second = file.InvalidSyntax(), file.InvalidSyntax()
    ctx = _ctx()
    list(first.check_records([Record(1, 1, error=ParseError("bad", 1, 4))], ctx))
    list(second.check_records([Record(2, 3, error=ParseError("worse", 3))], ctx))
    first.merge(second, Shift(lines=10, records=10))
    found = list(first.finish(ctx))
    assert [(f.line, f.record, f.column) for f in found] == [(1, 1, 4), (13, 12, None)]
    assert [f.message for f in found] == [
        "bad (line 1, column 4); fix the syntax so the record can be read",
        "worse (line 13); fix the syntax so the record can be read",
    ]


def test_f006_blank_lines() -> None:
    records, facts = read(_BROKEN_JSONL, "jsonl")
    found = assert_records_shardable([file.BlankLine], records, facts)
    assert [f.line for f in found] == [7, 15]


@pytest.mark.parametrize("bom", [False, True])
def test_f001_f003_f004_file_facts(bom: bool) -> None:
    data = b"".join(json.dumps(r).encode() + b"\n" for r in good(30))
    records, facts = read(data, "jsonl")
    facts = dataclasses.replace(facts, bytes=5_000_000, bom=bom, encoding_issue=(3, "cp1252"))
    found = assert_records_shardable(
        [file.FileTooLarge, file.NotUtf8, file.ByteOrderMark], records, facts, {"profile": "gemini"}
    )
    assert sorted(f.code for f in found) == ["F001", "F003", *(["F004"] if bom else [])]


def test_f005_no_records() -> None:
    assert codes(assert_shardable(file.NoRecords, [])) == {"F005"}
    assert assert_shardable(file.NoRecords, good(3)) == []


@pytest.mark.parametrize("leading", [0, 1, 4])
def test_f007_reported_once_at_the_first_object(leading: int) -> None:
    """Records that are not objects (S002's) before the first one do not count."""
    rows: list[Any] = [[1, 2]] * leading + [{"question": f"q{i}", "answer": f"a{i}"} for i in range(20)]
    found = assert_shardable(file.UnknownShape, rows)
    assert [(f.code, f.line) for f in found] == [("F007", leading + 1)]
    assert "'question', 'answer'" in found[0].message


# -- S ---------------------------------------------------------------------------------------------


def test_s001_s002_s004_structural_violations_in_every_shard() -> None:
    bad = [
        {"text_input": "only input"},
        {"text_input": 5, "output": "x"},
        [1, 2],
        "a string",
        None,
        {"text_input": "q", "output": "a", "source": "web"},
        {"text_input": "q", "outptu": "a"},
        {"text_input": ["q"], "output": {"a": 1}},
    ]
    rows = spread(good(40), bad * 2)
    found = assert_shardable([schema.MissingField, schema.WrongType, schema.UnexpectedField], rows)
    assert codes(found) == {"S001", "S002", "S004"}
    # JSON reports every record (no once-per-column): 2 copies x (no output, misspelt output)
    assert len([f for f in found if f.code == "S001"]) == 4


_CSV_MISSING = "text_input\n" + "".join(f"question {i}\n" for i in range(40))
_CSV_EXTRA = "text_input,output,source,id\n" + "".join(f"q {i},a {i},web,{i}\n" for i in range(40))


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_s001_s004_csv_columns_are_reported_once_from_any_shard(fmt: str) -> None:
    """A missing or extra column is the header's: one finding, at the first row, however the
    rows are sharded (each shard sees the column too and must not report it again)."""
    sep = "," if fmt == "csv" else "\t"
    missing, facts = read(_CSV_MISSING.replace(",", sep).encode(), fmt)
    found = assert_records_shardable([schema.MissingField], missing, facts)
    assert [(f.code, f.line, f.field) for f in found] == [("S001", 2, "output")]
    extra, facts = read(_CSV_EXTRA.replace(",", sep).encode(), fmt)
    found = assert_records_shardable([schema.UnexpectedField], extra, facts)
    assert [(f.code, f.line, f.field) for f in found] == [("S004", 2, "id"), ("S004", 2, "source")]
    assert all(f.message.startswith("column '") for f in found)


def test_s001_csv_column_first_met_in_a_later_shard() -> None:
    """The once-per-column state of a later shard is taken, moved into the whole file, when the
    earlier shards never met the column's problem."""
    first, later = schema.MissingField(), schema.MissingField()
    ctx = _ctx(fmt="csv")
    missing = _violation("missing", "output")
    list(first.check_records([Record(1, 2, value={"text_input": "q", "output": "a"})], ctx))
    list(later.check_records([Record(1, 2, value={"text_input": "q"}, violations=(missing,))], ctx))
    list(later.check_records([Record(2, 3, value={"text_input": "q"}, violations=(missing,))], ctx))
    first.merge(later, Shift(lines=20, records=19))
    assert [(f.line, f.record, f.field) for f in first.finish(ctx)] == [(22, 20, "output")]


def test_s003_empty_texts() -> None:
    bad = [qa(1, " ", "fine"), qa(2, "fine", ""), qa(3, "", "\t\n"), {"text": "   "}]
    found = assert_shardable(schema.EmptyText, spread(good(30), bad))
    assert sorted((f.severity.value, f.field) for f in found) == [
        ("error", "/output"),
        ("error", "/output"),
        ("warning", "/text"),  # a plain-text record (S005's) has no output to miss
        ("warning", "/text_input"),
        ("warning", "/text_input"),
    ]


def test_s003_conversations_are_not_its_business() -> None:
    rows = [dialogue(i) for i in range(20)] + [chat(msg("user", " "), msg("assistant", ""))]
    assert assert_shardable(schema.EmptyText, rows) == []


@pytest.mark.parametrize(
    "layout",
    [
        "main first, minority three shards later",
        "minority before the main shape",
        "first shard without the main shape",
    ],
)
def test_s005_related_is_the_first_main_record_whatever_the_shard(layout: str) -> None:
    other = [{"prompt": f"p{i}", "completion": f"c{i}"} for i in range(3)]
    alpaca = {"instruction": "alpaca", "output": "too"}
    if layout == "main first, minority three shards later":
        rows: list[Any] = [*good(12), *other, *good(10, 12)]  # 7 shards of 4: minority in shard 4
        first_main = 1
    elif layout == "minority before the main shape":
        rows = [other[0], *good(14), alpaca, *good(10, 14)]
        first_main = 2
    else:
        rows = [*other, other[0], *good(20), alpaca]  # 7 shards of 4: shard 1 is all minority
        first_main = 5
    found = assert_shardable(schema.MixedSchemas, rows)
    assert found and all(f.code == "S005" for f in found)
    assert {(loc.line, loc.record) for f in found for loc in f.related} == {(first_main, first_main)}


def test_s005_without_any_main_record_has_no_related() -> None:
    state = schema.MixedSchemas()
    ctx = _ctx(schema_name="gemini")
    list(state.check_records([Record(1, 1, value={}, schema="prompt-completion")], ctx))
    found = list(state.finish(ctx))
    assert [(f.line, f.related) for f in found] == [(1, ())]


def test_s006_placeholders() -> None:
    bad = [qa(1, answer="nan"), qa(2, "None", "ok"), qa(3, answer="  <NA>  "), qa(4, answer="nana")]
    found = assert_shardable(schema.PlaceholderValue, spread(good(30), bad))
    assert sorted(f.field or "" for f in found) == ["/output", "/output", "/text_input"]


# -- L ---------------------------------------------------------------------------------------------


def test_l001_l002_l006_over_limits() -> None:
    # at the limits (100 and 50 characters) passes; 120 short words are over 50 tokens
    bad = [qa(1, "q" * 101), qa(2, answer="a" * 51), qa(3, "q" * 100, "a" * 50), qa(4, "w " * 120, "x")]
    found = assert_shardable(
        [limits.InputTooLong, limits.OutputTooLong, limits.ExampleTooManyTokens], spread(good(30), bad), config=TINY
    )
    assert [(f.code, f.record) for f in found if f.code != "L006"] == [("L001", 7), ("L002", 14), ("L001", 28)]
    assert {f.record for f in found if f.code == "L006"} == {28}


def test_l001_l002_judge_a_conversation_by_its_joined_texts() -> None:
    long_chat = chat(msg("user", "u" * 60), msg("assistant", "ok"), msg("user", "v" * 60), msg("assistant", "b" * 51))
    found = assert_shardable([limits.InputTooLong, limits.OutputTooLong], [dialogue(1), long_chat], config=TINY)
    assert sorted((f.code, f.field) for f in found) == [("L001", "/messages"), ("L002", "/messages/3/content")]


@pytest.mark.parametrize(("count", "expected"), [(12, {"L003", "L005"}), (30, {"L004", "L005"}), (150, {"L005"})])
def test_l003_l004_l005_counts(count: int, expected: set[str]) -> None:
    counting = [limits.TooFewExamples, limits.BelowRecommendedExamples, limits.TooManyExamples]
    assert codes(assert_shardable(counting, good(count), config=TINY)) == expected


# -- C ---------------------------------------------------------------------------------------------


def test_c003_c004_c005_texts_in_every_shard() -> None:
    bad = [
        qa(1, "Par\u200bis is the capital"),
        qa(2, answer="backspace\x08here"),
        qa(3, "The caf\u00c3\u00a9 is open"),
        qa(4, answer="don\u00e2\u20ac\u2122t"),
        qa(5, "the  quot;alarming quot; growth"),
        qa(6, answer="line<br>break &amp; more"),
        qa(7, "ASCII only; a < b", "fine; really"),
        qa(8, "caf\u00e9 na\u00efve \u00fcber", "\u65e5\u672c\u8a9e"),
    ]
    conversation = {
        "contents": [{"role": "user", "parts": [{"text": "Hi"}]}, {"role": "model", "parts": [{"text": "Hey"}]}],
        "systemInstruction": {"parts": [{"text": "Be\u200b brief &quot;now&quot;, caf\u00c3\u00a9"}]},
    }
    rows = spread(good(40), [*bad, conversation])
    found = assert_shardable(content.RULES, rows)
    assert codes(found) == {"C003", "C004", "C005"}
    in_system = [f for f in found if f.message.startswith("system instruction")]
    assert sorted(f.code for f in in_system) == ["C003", "C004", "C005"]
    assert {f.record for f in in_system} == {rows.index(conversation) + 1}


def test_c_rules_flag_every_ascii_control_but_tab_and_newlines() -> None:
    flagged = [chr(c) for c in (*range(0x20), 0x7F) if chr(c) not in "\t\n\r"]
    rows = [qa(i, f"control{ch}here") for i, ch in enumerate(flagged)] + [qa(99, "tab\tnew\nline\rreturn")]
    found = run_rules([content.InvisibleCharacters], rows)
    assert sorted(f.record or 0 for f in found) == list(range(1, len(flagged) + 1))


# -- R ---------------------------------------------------------------------------------------------

_TOOLS = [{"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}]

_BAD_CHATS: list[Any] = [
    chat(msg("user", "Hi"), msg("bot", "Hello")),  # R001
    chat(msg("assistant", "Unprompted"), msg("user", "?"), msg("assistant", "!")),  # R002 first
    chat(msg("user", "a"), msg("user", "b"), msg("assistant", "c")),  # R002 repeat
    chat(msg("user", "Hi"), msg("assistant", "Hello"), msg("user", "Bye")),  # R003
    chat(msg("user", "Hi"), msg("assistant", "Hello", weight=0)),  # R003 weight 0
    chat(),  # R003: no turns at all
    chat(msg("user", " "), msg("assistant", "Hello")),  # R004
    chat(msg("user", "Look"), msg("assistant", [{"type": "image_url", "image_url": {"url": "https://e.x/a.png"}}])),
    chat(msg("user", "Stock?"), msg("assistant", None, tool_calls=[call("c1", "lookup", {"x": 1})])),  # R006
    chat(
        msg("user", "Stock?"),
        msg("assistant", None, tool_calls=[call("c1", "missing_fn")]),
        {"role": "tool", "tool_call_id": "c9", "content": "42"},
        msg("assistant", "Done"),
        tools=_TOOLS,
    ),
    # Conversations without turns, valid for their shape (so also among records of another shape):
    {"chosen": [], "rejected": [msg("bot", "x")]},  # R001 (the rejected answer's role), R003
    {"chosen": [], "rejected": "y"},  # R003
]


def test_r_rules_in_every_shard() -> None:
    rows = spread([dialogue(i) for i in range(40)], _BAD_CHATS)
    found = assert_shardable(roles.RULES, rows, profile="openai")
    assert codes(found) == {"R001", "R002", "R003", "R004", "R005", "R006"}


def test_r_rules_find_conversations_among_single_turn_records() -> None:
    """Conversations mixed into a gemini file (S005's), turnless ones included: batches of mostly
    single-turn records, some conversations without any turn."""
    rows = spread(good(60), _BAD_CHATS)
    found = assert_shardable(roles.RULES, rows, profile="openai")
    rejected_only, turnless = rows.index(_BAD_CHATS[-2]) + 1, rows.index(_BAD_CHATS[-1]) + 1
    assert {("R001", rejected_only), ("R003", rejected_only), ("R003", turnless)} <= {(f.code, f.record) for f in found}
    assert found == sorted(run_rules([_per_example(r) for r in roles.RULES], rows, profile="openai"), key=_order)


def test_r002_plain_dialogues_need_no_judgement() -> None:
    rows = [dialogue(i) for i in range(10)] + [chat(msg("user", "a"), msg("assistant", "b"), msg("user", "c"))]
    assert assert_shardable([BadTurnOrder], rows, profile="openai") == []
    # the same turns with a role the profile does not accept are judged (R001 reports the role)
    vertex = [{"contents": [{"role": "user", "parts": [{"text": "a"}]}, {"role": "model", "parts": [{"text": "b"}]}]}]
    assert assert_shardable([BadTurnOrder], vertex * 3, profile="gemini") == []


# -- H ---------------------------------------------------------------------------------------------


def test_h_rules_report_from_finish_once() -> None:
    config = {
        "tuning": {
            "epochs": 0,
            "batch-size": 64,
            "learning-rate": 5.0,
            "display-name": "x" * 60,
            "adapter-size": 3,
        },
        "profile": "vertex-gemini",
    }
    found = assert_shardable(tuning.RULES, good(30), config=config)
    assert len(found) >= 4
    assert len({f.code for f in found}) == len(found)  # once per parameter


# -- everything at once, random mixes ---------------------------------------------------------------

_GOOD_RECORDS: list[Any] = [qa(i) for i in range(5)]
_BAD_RECORDS: list[Any] = [
    {"text_input": 3, "output": "x"},
    {"text_input": "only"},
    {"text_input": "q", "output": "a", "extra": True},
    ["not", "an", "object"],
    qa(0, " ", ""),
    qa(0, "q" * 120, "a" * 60),
    qa(0, answer="nan"),
    qa(0, "Par\u200bis caf\u00c3\u00a9 &amp;"),
    {"prompt": "p", "completion": "c"},
    *_BAD_CHATS,
]


def _interleaved(main: str, drawn: list[Any]) -> list[Any]:
    """Two records of the ``main`` shape before every drawn one: the main shape keeps a strict
    majority in every prefix, so the shape vote cannot depend on how far the engine looks ahead
    (``run_sharded`` votes over more records than a one-pass lint does)."""
    rows: list[Any] = []
    for i, record in enumerate(drawn):
        rows += [qa(2 * i), qa(2 * i + 1)] if main == "gemini" else [dialogue(2 * i), dialogue(2 * i + 1)]
        rows.append(record)
    return rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["gemini", "chat"]),
    st.lists(st.sampled_from(_GOOD_RECORDS + _BAD_RECORDS + [dialogue(7)]), min_size=1, max_size=20),
    st.integers(min_value=2, max_value=5),
)
def test_any_mix_gives_one_pass_findings_in_any_shards(main: str, drawn: list[Any], count: int) -> None:
    rows = _interleaved(main, drawn)
    whole = sorted(run_rules(MINE, rows, config=TINY), key=repr)
    assert sorted(run_rules_sharded(MINE, rows, count, config=TINY), key=repr) == whole


# -- the batch hooks agree with per-record calls ---------------------------------------------------


def _per_example(rule: type[Rule]) -> type[Rule]:
    """``rule`` judging one record and one example at a time: its batch hooks called with batches of
    one, as when every record was a batch of its own."""

    def check_records(self: Rule, records: Sequence[Record], ctx: Context) -> Iterator[Finding]:
        for record in records:
            yield from rule.check_records(self, [record], ctx)

    def check_batch(self: Rule, batch: Batch, ctx: Context) -> Iterator[Finding]:
        for example in batch:
            yield from rule.check_batch(self, Batch.of([example]), ctx)

    return type(rule.__name__, (rule,), {"check_records": check_records, "check_batch": check_batch})


@pytest.mark.parametrize("main", ["gemini", "openai-chat"])
def test_batch_hooks_give_the_findings_of_per_record_calls(main: str) -> None:
    background = good(50) if main == "gemini" else [dialogue(i) for i in range(50)]
    rows = spread(background, [*_BAD_RECORDS, {"text": "plain"}, {"text": " "}])
    for profile in ("openai", "vertex-gemini"):
        config = {**TINY, "profile": profile}
        batched = sorted(run_rules(MINE, rows, config=config), key=_order)
        assert batched == sorted(run_rules([_per_example(r) for r in MINE], rows, config=config), key=_order)
        assert len(codes(batched)) >= 15


def _ctx(fmt: str = "memory", schema_name: str | None = "gemini") -> Context:
    facts = FileFacts(path="<memory>", format=fmt, schema=schema_name)
    return Context(profile=_TINY_PROFILE, task="general", file=facts)


_TINY_PROFILE = Profile(
    name="tiny", max_input_chars=100, max_output_chars=50, max_example_tokens=50, roles=("user", "assistant")
)


def _violation(kind: str, where: str) -> Violation:
    return Violation(kind, where, f"'{where}' is a required property")


_EXAMPLE_RULES: list[type[Rule]] = [
    schema.EmptyText,
    schema.PlaceholderValue,
    limits.InputTooLong,
    limits.OutputTooLong,
    limits.ExampleTooManyTokens,
    content.InvisibleCharacters,
    content.Mojibake,
    content.MarkupResidue,
    UnknownRole,
    BadTurnOrder,
    NoTargetTurn,
    EmptyTurn,
    UnsupportedPart,
    BrokenToolCall,
]
_FIELDS = {"input": "/text_input", "output": "/output"}


@pytest.mark.parametrize("rule", _EXAMPLE_RULES, ids=lambda r: r.code)
def test_check_on_each_example_equals_check_batch(rule: type[Rule]) -> None:
    """Direct callers of ``check`` get what the engine's batch hook finds."""
    ctx = _ctx()
    examples = [
        Example(1, 1, "Par\u200bis &amp; caf\u00c3\u00a9 " + "q" * 100, "nan", "gemini", _FIELDS),
        Example(2, 2, "  ", "", "gemini", _FIELDS, input_tokens=60),
        Example(3, 3, "", "", "openai-chat", {"input": "/messages"}),
        Example(4, 4, "Hi", "", "openai-chat", {"input": "/messages"}, turns=(Turn("user", "Hi", "/m/0", "user"),)),
        Example(
            5,
            5,
            "Hi",
            "o" * 60,
            "openai-chat",
            {"input": "/messages", "output": "/m/1"},
            turns=(Turn("user", "Hi", "/m/0", "user", "/m/0"), Turn("bot", " ", "/m/1", "", "/m/1")),
        ),
    ]
    one, whole = rule(), rule()
    one_by_one = [f for example in examples for f in one.check(example, ctx)]
    assert list(whole.check_batch(Batch.of(examples), ctx)) == one_by_one
    assert one_by_one or rule in (UnsupportedPart, BrokenToolCall, BadTurnOrder)


def test_check_record_on_each_record_equals_check_records() -> None:
    """Direct callers of ``check_record`` get what the engine's batch hook finds."""
    ctx = _ctx()
    records = [
        Record(1, 1, error=ParseError("bad", 1, 2)),
        Record(0, 2, kind=RecordKind.BLANK),
        Record(2, 3, value={"text_input": "q"}, schema="gemini", violations=(_violation("missing", "/output"),)),
        Record(3, 4, value={"prompt": "p"}, schema="prompt-completion"),
        Record(4, 5, value=[1], violations=(Violation("type", "", "record is an array", "object"),)),
    ]
    for rule in (file.InvalidSyntax, file.BlankLine, schema.MissingField, schema.WrongType, schema.MixedSchemas):
        one, whole = rule(), rule()
        one_by_one = [f for record in records for f in one.check_record(record, ctx)] + list(one.finish(ctx))
        assert list(whole.check_records(records, ctx)) + list(whole.finish(ctx)) == one_by_one
        assert one_by_one, rule.code


def test_stateful_rules_are_exactly_those_with_evidence_across_records() -> None:
    stateful = {"F002", "F007", "S001", "S004", "S005"}
    assert {r.code for r in MINE if not issubclass(r, StatelessRule)} == stateful
