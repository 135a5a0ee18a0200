"""Record shapes: one JSON Schema per shape plus an adapter from a record to an Example.

Structure is validated with real JSON Schemas (``jsonschema``), but only for records that fail a
cheap hand-compiled check first: almost every record of a healthy file passes the quick check, so
the slower validator runs only where it has something to say.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from validator.api import Violation

__all__ = [
    "MAPPED",
    "SHAPES",
    "Shape",
    "detect_shape",
    "get_shape",
    "mapped_shape",
    "pointer",
]

#: Name of the shape built from ``--input-field/--output-field``.
MAPPED = "mapped"

# (input text, output text, {"input": key, "output": key}) or None when the texts are not strings.
Texts = tuple[str, str, dict[str, str]]


def pointer(*parts: str | int) -> str:
    """An RFC 6901 JSON pointer from path parts (``pointer("a/b", 0) == "/a~1b/0"``)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


@dataclass(frozen=True)
class Shape:
    """A record shape. ``claims`` says whether a record's keys announce this shape; ``texts`` maps a
    record that passed validation to its canonical input and output."""

    name: str
    schema: Mapping[str, Any]
    claims: Callable[[Mapping[str, Any]], bool]
    texts: Callable[[Mapping[str, Any]], Texts | None]
    default_profile: str = "generic"
    _required: frozenset[str] = field(default=frozenset())
    _any_of: tuple[frozenset[str], ...] = ()
    _allowed: frozenset[str] | None = None
    _strings: frozenset[str] = field(default=frozenset())
    _validator: Draft202012Validator | None = field(default=None, compare=False, repr=False)

    @classmethod
    def build(
        cls,
        name: str,
        schema: Mapping[str, Any],
        claims: Callable[[Mapping[str, Any]], bool],
        texts: Callable[[Mapping[str, Any]], Texts | None],
        default_profile: str = "generic",
    ) -> Shape:
        """Compile the quick check from the schema's ``required``, ``anyOf``-of-``required``,
        ``properties`` (string types) and ``additionalProperties: false``."""
        props: Mapping[str, Any] = schema.get("properties", {})
        return cls(
            name=name,
            schema=schema,
            claims=claims,
            texts=texts,
            default_profile=default_profile,
            _required=frozenset(schema.get("required", ())),
            _any_of=tuple(frozenset(s.get("required", ())) for s in schema.get("anyOf", ())),
            _allowed=frozenset(props) if schema.get("additionalProperties") is False else None,
            _strings=frozenset(k for k, v in props.items() if v.get("type") == "string"),
            _validator=Draft202012Validator(schema),
        )

    def quick_ok(self, value: Any) -> bool:
        """True when the record certainly satisfies the schema (the common, fast path)."""
        if type(value) is not dict:
            return False
        keys = value.keys()
        if not self._required <= keys:
            return False
        if self._any_of and not any(group <= keys for group in self._any_of):
            return False
        if self._allowed is not None and not keys <= self._allowed:
            return False
        for key in self._strings:
            v = value.get(key)
            if v is not None and type(v) is not str:
                return False
            if v is None and key in value:
                return False
        # Keys the quick check does not understand (arrays, objects) go to the full validator.
        return self._allowed is None or keys <= self._strings

    def violations(self, value: Any) -> tuple[Violation, ...]:
        """Every structural problem of ``value`` against this shape's JSON Schema."""
        if self.quick_ok(value):
            return ()
        found: list[Violation] = []
        validator = self._validator or Draft202012Validator(self.schema)
        for error in validator.iter_errors(value):
            found.extend(_to_violations(error, self.schema))
        return tuple(found)


@cache
def _load_schema(name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _json_type(value: Any) -> str:
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


def _to_violations(error: ValidationError, schema: Mapping[str, Any]) -> Iterable[Violation]:
    where = pointer(*error.absolute_path)
    instance = error.instance
    # The stubs type these as ``... | Unset``; on an error raised by a validator they are always set.
    value: Any = error.validator_value
    subschema: Any = error.schema
    if error.validator == "required":
        for key in value:
            if isinstance(instance, dict) and key not in instance:
                yield Violation("missing", where + pointer(key), f"required field '{key}' is missing")
    elif error.validator == "anyOf" and all(
        set(sub) == {"required"} for sub in value
    ):
        options = [k for sub in value for k in sub["required"]]
        yield Violation(
            "missing",
            where + pointer(options[0]),
            "required field " + " or ".join(f"'{k}'" for k in options) + " is missing",
        )
    elif error.validator == "type":
        expected = value
        yield Violation(
            "type",
            where,
            f"{'record' if not where else repr(where)} is {_article(_json_type(instance))}, "
            f"expected {_article(str(expected))}",
            expected=str(expected),
        )
    elif error.validator == "additionalProperties" and isinstance(instance, dict):
        allowed = set(subschema.get("properties", {}))
        for key in instance:
            if key not in allowed:
                yield Violation(
                    "unexpected",
                    where + pointer(key),
                    f"field '{key}' is not part of this shape",
                    expected=", ".join(sorted(allowed)),
                )
    else:
        yield Violation("other", where, error.message)


def _article(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


# -- the built-in single-turn shapes --------------------------------------------------------------


def _gemini_texts(r: Mapping[str, Any]) -> Texts | None:
    key = "text_input" if "text_input" in r else "textInput"
    i, o = r.get(key), r.get("output")
    if isinstance(i, str) and isinstance(o, str):
        return i, o, {"input": key, "output": "output"}
    return None


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


SHAPES: dict[str, Shape] = {
    s.name: s
    for s in (
        Shape.build(
            "gemini",
            _load_schema("gemini"),
            lambda r: "text_input" in r or "textInput" in r,
            _gemini_texts,
            default_profile="gemini",
        ),
        Shape.build(
            "vertex-palm",
            _load_schema("vertex-palm"),
            lambda r: "input_text" in r or "output_text" in r,
            _pair_texts("input_text", "output_text"),
        ),
        Shape.build(
            "prompt-completion",
            _load_schema("prompt-completion"),
            lambda r: "prompt" in r and "completion" in r,
            _pair_texts("prompt", "completion"),
        ),
        Shape.build(
            "alpaca",
            _load_schema("alpaca"),
            lambda r: "instruction" in r,
            _alpaca_texts,
        ),
    )
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
    )
