"""The :class:`Shape` type: a JSON Schema, a cheap pre-check compiled from it, and an adapter."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from validator.api import Turn, Violation, json_type

if TYPE_CHECKING:
    # Imported when a record first fails a quick check: a clean file (the usual pre-commit run)
    # never needs jsonschema, whose import is a fifth of tunelint's start-up.
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

__all__ = ["Adapted", "Shape", "TextKeys", "Texts", "article", "pointer"]

#: Distinct key orders remembered per shape by the quick check (bounded: odd files cannot grow it).
_KEY_CACHE = 256

# (input text, output text, {"input": key, "output": key}) or None when the texts are not strings.
Texts = tuple[str, str, dict[str, str]]
# Where a single-turn shape's texts live, given a record's keys: (input key, output key), the output
# key ``None`` for shapes without an output (their output text is empty).
TextKeys = Callable[[tuple[str, ...]], tuple[str, str | None]]


def pointer(*parts: str | int) -> str:
    """An RFC 6901 JSON pointer from path parts (``pointer("a/b", 0) == "/a~1b/0"``)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


@dataclass(frozen=True, slots=True)
class Adapted:
    """A conversation record in canonical form: texts for the simple rules, turns for the R rules,
    and JSON pointers (``fields``) for findings."""

    input_text: str
    output_text: str
    fields: dict[str, str]
    turns: tuple[Turn, ...]
    system: str | None = None
    target: int | None = None
    rejected: Turn | None = None

    def conversation(self) -> dict[str, Any]:
        """The conversation fields of :class:`~validator.api.Example` (keyword arguments)."""
        return {"turns": self.turns, "system": self.system, "target": self.target, "rejected": self.rejected}


@dataclass(frozen=True)
class Shape:
    """A record shape. ``claims`` says whether a record's keys announce this shape; ``texts`` maps a
    record that passed validation to its canonical input and output."""

    name: str
    schema: Mapping[str, Any]
    claims: Callable[[Mapping[str, Any]], bool]
    texts: Callable[[Mapping[str, Any]], Texts | None]
    default_profile: str = "generic"
    #: Conversation shapes map a record to an :class:`Adapted` (turns and JSON pointers) instead.
    adapt: Callable[[Mapping[str, Any]], Adapted | None] | None = None
    #: A hand-written pre-check for nested shapes: True when the record certainly fits the schema.
    quick: Callable[[Any], bool] | None = None
    #: For shapes whose texts are two plain fields: where they are (lets :meth:`columns` read a
    #: batch of records column by column). ``None`` when a text is composed (alpaca).
    text_keys: TextKeys | None = None
    _required: frozenset[str] = field(default=frozenset())
    _any_of: tuple[frozenset[str], ...] = ()
    _allowed: frozenset[str] | None = None
    _strings: frozenset[str] = field(default=frozenset())
    #: Built on first use (see the import above); a one-element box, as the dataclass is frozen.
    _validator: list[Draft202012Validator] = field(default_factory=list, init=False, compare=False, repr=False)
    _by_keys: dict[tuple[str, ...], tuple[str, ...] | None] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(
        cls,
        name: str,
        schema: Mapping[str, Any],
        claims: Callable[[Mapping[str, Any]], bool],
        texts: Callable[[Mapping[str, Any]], Texts | None],
        default_profile: str = "generic",
        *,
        adapt: Callable[[Mapping[str, Any]], Adapted | None] | None = None,
        quick: Callable[[Any], bool] | None = None,
        text_keys: TextKeys | None = None,
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
            adapt=adapt,
            quick=quick,
            text_keys=text_keys,
            _required=frozenset(schema.get("required", ())),
            _any_of=tuple(frozenset(s.get("required", ())) for s in schema.get("anyOf", ())),
            _allowed=frozenset(props) if schema.get("additionalProperties") is False else None,
            _strings=frozenset(k for k, v in props.items() if v.get("type") == "string"),
        )

    def quick_ok(self, value: Any) -> bool:
        """True when the record certainly satisfies the schema (the common, fast path)."""
        if self.quick is not None:
            return self.quick(value)
        if type(value) is not dict:
            return False
        strings = self._strings_of(tuple(value))
        if strings is None:
            return False
        for key in strings:  # noqa: SIM110 - a plain loop: all() with a generator is slower here
            if type(value[key]) is not str:
                return False
        return True

    def _strings_of(self, signature: tuple[str, ...]) -> tuple[str, ...] | None:
        """The keys whose values must be strings for records with these keys (in this order) to pass
        the quick check, or ``None`` when their keys alone fail it. The key structure is judged once
        per distinct key order (records of a file share it); what is left per record is the type of
        each text field."""
        if signature in self._by_keys:
            return self._by_keys[signature]
        strings = self._judge_keys(signature)
        if len(self._by_keys) < _KEY_CACHE:
            self._by_keys[signature] = strings
        return strings

    def columns(self, values: Sequence[Any]) -> tuple[list[str], list[str], dict[str, str]] | None:
        """``(inputs, outputs, fields)`` of ``values``, read column by column: what :meth:`quick_ok`
        and :attr:`texts` would give one by one, when every value is an object with the same keys in
        the same order that passes the quick check. ``None`` when any value does not (the caller then
        takes them one by one) or the shape's texts are not plain fields."""
        if self.text_keys is None or self.quick is not None or self.adapt is not None or not values:
            return None
        count = len(values)
        if list(map(type, values)).count(dict) != count:
            return None
        signature = tuple(values[0])
        if list(map(tuple, values)).count(signature) != count:
            return None
        strings = self._strings_of(signature)
        if strings is None:
            return None
        input_key, output_key = self.text_keys(signature)
        if input_key not in signature or (output_key is not None and output_key not in signature):
            return None
        read: dict[str, list[Any]] = {}
        for key in (*strings, input_key, *((output_key,) if output_key is not None else ())):
            if key not in read:
                column = read[key] = list(map(itemgetter(key), values))
                if list(map(type, column)).count(str) != count:
                    return None
        texts = self.texts(values[0])
        if texts is None:  # pragma: no cover - text_keys and texts disagree: a shape definition bug
            return None
        outputs = read[output_key] if output_key is not None else [""] * count
        return read[input_key], outputs, texts[2]

    def _judge_keys(self, signature: tuple[str, ...]) -> tuple[str, ...] | None:
        """``None`` when keys alone rule the quick check out, else the keys whose values must be
        strings (in the record's order)."""
        keys = frozenset(signature)
        if not self._required <= keys:
            return None
        if self._any_of and not any(group <= keys for group in self._any_of):
            return None
        if self._allowed is not None and not keys <= self._allowed:
            return None
        # Keys the quick check does not understand (arrays, objects) go to the full validator.
        if self._allowed is not None and not keys <= self._strings:
            return None
        return tuple(k for k in signature if k in self._strings)

    def canonical(self, value: Mapping[str, Any]) -> tuple[str, str, Mapping[str, str], Adapted | None] | None:
        """The record's canonical ``(input, output, fields, conversation)``: ``fields`` are record keys
        for single-turn shapes and JSON pointers for conversations (whose :class:`Adapted` is the
        fourth item); ``None`` when the texts cannot be read."""
        if self.adapt is not None:
            adapted = self.adapt(value)
            if adapted is None:
                return None
            return adapted.input_text, adapted.output_text, adapted.fields, adapted
        texts = self.texts(value)
        return None if texts is None else (texts[0], texts[1], texts[2], None)

    def violations(self, value: Any) -> tuple[Violation, ...]:
        """Every structural problem of ``value`` against this shape's JSON Schema."""
        if self.quick_ok(value):
            return ()
        found: list[Violation] = []
        if not self._validator:
            from jsonschema import Draft202012Validator

            self._validator.append(Draft202012Validator(self.schema))
        for error in self._validator[0].iter_errors(value):
            found.extend(_to_violations(error, self.schema))
        return tuple(found)


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
    elif error.validator == "anyOf" and all(set(sub) == {"required"} for sub in value):
        # Point at what the closest alternative lacks: a TRL pair without "rejected" is missing
        # "/rejected", not the first key of the DPO alternative.
        groups: list[list[str]] = [sub["required"] for sub in value]
        present = instance.keys() if isinstance(instance, dict) else set()
        closest = max(groups, key=lambda g: sum(k in present for k in g))
        absent = [k for k in closest if k not in present] or closest
        if all(len(g) == 1 for g in groups):
            message = "required field " + " or ".join(f"'{g[0]}'" for g in groups) + " is missing"
        else:
            alternatives = "; or ".join(", ".join(g) for g in groups)
            message = f"required field '{absent[0]}' is missing (the shape needs all of: {alternatives})"
        yield Violation("missing", where + pointer(absent[0]), message)
    elif error.validator == "type":
        expected = value
        yield Violation(
            "type",
            where,
            f"{'record' if not where else repr(where)} is {article(json_type(instance))}, "
            f"expected {article(str(expected))}",
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


def article(noun: str) -> str:
    """``noun`` with its indefinite article (``"an array"``, ``"a string"``)."""
    return ("an " if noun[:1] in "aeiou" else "a ") + noun
