"""The repairs: trim outer whitespace of the texts (T004), drop exact duplicates (D001), and convert
single-turn records to another shape (``--to-shape``).

Every transform works on :class:`~validator.fix.load.Item` objects and touches only what it names:
stripping rewrites text fields (never other fields, never inner whitespace); dedupe compares the
canonical ``(input, output)`` texts exactly, as D001 does, so an ``id`` field cannot hide a duplicate.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from validator.errors import UsageError
from validator.fix.load import Item, canonical_texts
from validator.schemas import MAPPED, SHAPES, Shape

__all__ = ["CONVERTIBLE", "TARGET_SHAPES", "convert", "dedupe", "is_chat", "strip"]

#: Shapes ``--to-shape`` can write.
TARGET_SHAPES: tuple[str, ...] = ("gemini", "vertex-gemini", "openai-chat")
#: Shapes ``--to-shape`` can read: single-turn shapes with one input and one output text.
CONVERTIBLE: tuple[str, ...] = ("gemini", MAPPED, "prompt-completion", "vertex-palm")


def is_chat(shape_name: str) -> bool:
    """True for conversation shapes (records of turns), which CSV cannot hold."""
    shape = SHAPES.get(shape_name)
    return shape is not None and shape.adapt is not None


# -- T004: strip ------------------------------------------------------------------------------------


def _strip_key(holder: Any, key: Any) -> bool:
    """Strip ``holder[key]`` when it is a string with outer whitespace; True when it changed."""
    value = holder[key]
    if isinstance(value, str):
        stripped = value.strip()
        if stripped != value:
            holder[key] = stripped
            return True
    return False


def _strip_keys(value: dict[str, Any], keys: tuple[str, ...]) -> int:
    return sum(_strip_key(value, k) for k in keys if k in value)


def _strip_parts(parts: Any, key: str) -> int:
    """Strip the ``key`` text of each part (Gemini ``parts[].text``, OpenAI ``content[].text``)."""
    if not isinstance(parts, list):
        return 0
    return sum(_strip_key(p, key) for p in parts if isinstance(p, dict) and key in p)


def _strip_messages(value: dict[str, Any], list_key: str, text_key: str) -> int:
    changed = 0
    turns = value.get(list_key)
    for turn in turns if isinstance(turns, list) else ():
        if isinstance(turn, dict) and text_key in turn:
            text = turn[text_key]
            changed += _strip_key(turn, text_key) if isinstance(text, str) else _strip_parts(text, "text")
    return changed


def _strip_vertex(value: dict[str, Any]) -> int:
    changed = 0
    contents = value.get("contents")
    for content in contents if isinstance(contents, list) else ():
        if isinstance(content, dict):
            changed += _strip_parts(content.get("parts"), "text")
    for key in ("systemInstruction", "system_instruction"):
        system = value.get(key)
        if isinstance(system, dict):
            changed += _strip_parts(system.get("parts"), "text")
    return changed


def _stripper(shape: Shape) -> Callable[[dict[str, Any]], int]:
    """How to strip the text fields of a record of ``shape``."""
    if shape.name == "vertex-gemini":
        return _strip_vertex
    if shape.name in ("openai-chat", "vertex-messages"):
        return lambda v: _strip_messages(v, "messages", "content")
    if shape.name == "sharegpt":
        return lambda v: _strip_messages(v, "conversations", "value") + _strip_keys(v, ("system",))
    if shape.name == "alpaca":
        return lambda v: _strip_keys(v, ("instruction", "input", "output"))
    if shape.adapt is None:

        def single(v: dict[str, Any]) -> int:
            texts = shape.texts(v)
            return _strip_keys(v, tuple(texts[2].values())) if texts is not None else 0

        return single
    raise UsageError(f"--strip does not support the {shape.name} shape")


def strip(items: list[Item]) -> tuple[int, list[int]]:
    """Trim the outer whitespace of every text field of the records that map to a shape (in place);
    returns the number of texts changed and the lines of the records that changed."""
    changed_texts = 0
    lines: list[int] = []
    strippers: dict[str, Callable[[dict[str, Any]], int]] = {}
    for item in items:
        if item.shape is None or item.code is not None:
            continue
        fn = strippers.get(item.shape.name)
        if fn is None:
            fn = strippers[item.shape.name] = _stripper(item.shape)
        n = fn(item.value)
        if n:
            changed_texts += n
            lines.append(item.line)
            item.texts = canonical_texts(item.shape, item.value)
    return changed_texts, lines


# -- D001: dedupe -----------------------------------------------------------------------------------


def dedupe(items: list[Item]) -> tuple[list[Item], list[int]]:
    """Keep the first record of every exact ``(input, output)`` pair (records without texts are
    kept); returns the kept items in order and the lines of the dropped ones."""
    seen: set[tuple[str, str]] = set()
    kept: list[Item] = []
    dropped: list[int] = []
    for item in items:
        if item.texts is not None:
            if item.texts in seen:
                dropped.append(item.line)
                continue
            seen.add(item.texts)
        kept.append(item)
    return kept, dropped


# -- --to-shape -------------------------------------------------------------------------------------


def _build(target: str, input_text: str, output_text: str) -> dict[str, Any]:
    if target == "vertex-gemini":
        return {
            "contents": [
                {"role": "user", "parts": [{"text": input_text}]},
                {"role": "model", "parts": [{"text": output_text}]},
            ]
        }
    if target == "openai-chat":
        return {"messages": [{"role": "user", "content": input_text}, {"role": "assistant", "content": output_text}]}
    return {"text_input": input_text, "output": output_text}


def convert(items: list[Item], source: Shape | None, target: str) -> dict[str, int]:
    """Rewrite every record as a ``target`` record holding its two texts (in place). Returns
    ``{field: records}`` for the fields that had to be left out (extra keys or CSV columns)."""
    if target not in TARGET_SHAPES:
        raise UsageError(f"--to-shape {target!r}: supported shapes are {', '.join(TARGET_SHAPES)}")
    if source is None or source.name not in CONVERTIBLE:
        name = source.name if source is not None else "unknown"
        raise UsageError(
            f"--to-shape converts single-turn records ({', '.join(CONVERTIBLE)}; mapped = "
            f"--input-field/--output-field) to {', '.join(TARGET_SHAPES)}; this file's shape is {name}"
        )
    dropped: dict[str, int] = {}
    for item in items:
        if item.texts is None or item.shape is None:  # callers refuse or drop these first
            raise ValueError(f"record at line {item.line} has no texts to convert")
        texts = item.shape.texts(item.value)
        kept = set(texts[2].values()) if texts is not None else set()
        for key in item.value:
            if key not in kept:
                dropped[key] = dropped.get(key, 0) + 1
        item.value = _build(target, *item.texts)
    return dropped
