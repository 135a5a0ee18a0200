"""Record shapes: one JSON Schema per shape plus an adapter from a record to an Example.

Structure is validated with real JSON Schemas (``jsonschema``), but only for records that fail a
cheap hand-compiled check first: almost every record of a healthy file passes the quick check, so
the slower validator runs only where it has something to say.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

from validator.schemas import chat
from validator.schemas.shape import Adapted, Shape, TextKeys, Texts, pointer

__all__ = [
    "MAPPED",
    "ROLES",
    "SHAPES",
    "Adapted",
    "Shape",
    "detect_shape",
    "get_shape",
    "majority_shape",
    "mapped_shape",
    "pointer",
]

#: Name of the shape built from ``--input-field/--output-field``.
MAPPED = "mapped"


@cache
def _load_schema(name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


# -- the built-in single-turn shapes --------------------------------------------------------------


def _gemini_texts(r: Mapping[str, Any]) -> Texts | None:
    key = "text_input" if "text_input" in r else "textInput"
    i, o = r.get(key), r.get("output")
    if isinstance(i, str) and isinstance(o, str):
        return i, o, {"input": key, "output": "output"}
    return None


def _gemini_keys(keys: tuple[str, ...]) -> tuple[str, str | None]:
    return ("text_input" if "text_input" in keys else "textInput"), "output"


def _text_keys(keys: tuple[str, ...]) -> tuple[str, str | None]:
    return "text", None


def _pair_keys(input_key: str, output_key: str) -> TextKeys:
    return lambda keys: (input_key, output_key)


def _pair_texts(input_key: str, output_key: str) -> Callable[[Mapping[str, Any]], Texts | None]:
    def texts(r: Mapping[str, Any]) -> Texts | None:
        i, o = r.get(input_key), r.get(output_key)
        if isinstance(i, str) and isinstance(o, str):
            return i, o, {"input": input_key, "output": output_key}
        return None

    return texts


def _alpaca_texts(r: Mapping[str, Any]) -> Texts | None:
    instruction, extra, output = r.get("instruction"), r.get("input", ""), r.get("output")
    if not (isinstance(instruction, str) and isinstance(extra, str) and isinstance(output, str)):
        return None
    text = instruction + "\n" + extra if extra else instruction
    return text, output, {"input": "instruction", "output": "output"}


def _text_texts(r: Mapping[str, Any]) -> Texts | None:
    # Language-modelling text has no output: the text is the input, so duplicate and template rules
    # compare texts, and output rules stay silent (no "output" field).
    text = r.get("text")
    return (text, "", {"input": "text"}) if isinstance(text, str) else None


def _no_texts(r: Mapping[str, Any]) -> Texts | None:
    return None  # conversation shapes use their ``adapt`` instead


def _has_model_role(r: Mapping[str, Any]) -> bool:
    messages = r.get("messages")
    return isinstance(messages, list) and any(isinstance(m, dict) and m.get("role") == "model" for m in messages)


_TEXT_KEYS = frozenset(_load_schema("text")["properties"])


# Detection order matters: the first shape whose ``claims`` accepts a record's keys wins.
SHAPES: dict[str, Shape] = {
    s.name: s
    for s in (
        Shape.build(
            "gemini",
            _load_schema("gemini"),
            lambda r: "text_input" in r or "textInput" in r,
            _gemini_texts,
            default_profile="gemini",
            text_keys=_gemini_keys,
        ),
        Shape.build(
            "vertex-gemini",
            _load_schema("vertex-gemini"),
            lambda r: "contents" in r,
            _no_texts,
            default_profile="vertex-gemini",
            adapt=chat.adapt_vertex,
            quick=chat.quick_vertex,
        ),
        Shape.build(
            "preference",
            _load_schema("preference"),
            lambda r: "preferred_output" in r or ("chosen" in r and "rejected" in r),
            _no_texts,
            default_profile="openai",
            adapt=chat.adapt_preference,
        ),
        Shape.build(
            "vertex-messages",
            _load_schema("vertex-messages"),
            lambda r: "messages" in r and _has_model_role(r),
            _no_texts,
            default_profile="vertex-gemini",
            adapt=chat.adapt_vertex_messages,
        ),
        Shape.build(
            "openai-chat",
            _load_schema("openai-chat"),
            lambda r: "messages" in r,
            _no_texts,
            default_profile="openai",
            adapt=chat.adapt_openai,
            quick=chat.quick_openai,
        ),
        Shape.build(
            "sharegpt",
            _load_schema("sharegpt"),
            lambda r: "conversations" in r,
            _no_texts,
            adapt=chat.adapt_sharegpt,
            quick=chat.quick_sharegpt,
        ),
        Shape.build(
            "vertex-palm",
            _load_schema("vertex-palm"),
            lambda r: "input_text" in r or "output_text" in r,
            _pair_texts("input_text", "output_text"),
            default_profile="vertex-gemini",
            text_keys=_pair_keys("input_text", "output_text"),
        ),
        Shape.build(
            "prompt-completion",
            _load_schema("prompt-completion"),
            lambda r: "prompt" in r and "completion" in r,
            _pair_texts("prompt", "completion"),
            default_profile="openai",
            text_keys=_pair_keys("prompt", "completion"),
        ),
        Shape.build(
            "alpaca",
            _load_schema("alpaca"),
            lambda r: "instruction" in r,
            _alpaca_texts,
        ),
        Shape.build(
            "text",
            _load_schema("text"),
            # Only metadata beside the text: {"text", "label"} is classification data, not text.
            lambda r: "text" in r and r.keys() <= _TEXT_KEYS,
            _text_texts,
            text_keys=_text_keys,
        ),
    )
}

#: Role name as written -> canonical role, for each conversation shape.
ROLES: dict[str, Mapping[str, str]] = {
    "vertex-gemini": chat.VERTEX_ROLES,
    "vertex-messages": chat.VERTEX_MESSAGE_ROLES,
    "openai-chat": chat.OPENAI_ROLES,
    "preference": chat.OPENAI_ROLES,
    "sharegpt": chat.SHAREGPT_ROLES,
}


def get_shape(name: str) -> Shape:
    """The registered shape called ``name``."""
    return SHAPES[name]


def detect_shape(value: Any) -> Shape | None:
    """The shape a record's keys announce, or ``None`` (not an object, or no shape claims it)."""
    if not isinstance(value, dict):
        return None
    for shape in SHAPES.values():
        if shape.claims(value):
            return shape
    return None


def majority_shape(values: Iterable[Any]) -> Shape | None:
    """The shape most of ``values`` announce (the first to reach the top count wins a tie), or
    ``None`` when none announces one."""
    votes: Counter[str] = Counter()
    for value in values:
        shape = detect_shape(value)
        if shape is not None:
            votes[shape.name] += 1
    return get_shape(votes.most_common(1)[0][0]) if votes else None


def mapped_shape(input_field: str, output_field: str, default_profile: str = "generic") -> Shape:
    """A shape for ``--input-field/--output-field``: both fields required strings, other keys free."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"mapped fields {input_field} -> {output_field}",
        "type": "object",
        "properties": {input_field: {"type": "string"}, output_field: {"type": "string"}},
        "required": [input_field, output_field],
    }
    return Shape.build(
        MAPPED,
        schema,
        lambda r: input_field in r,
        _pair_texts(input_field, output_field),
        default_profile=default_profile,
        text_keys=_pair_keys(input_field, output_field),
    )
