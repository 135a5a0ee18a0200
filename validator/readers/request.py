"""Tuning-request bodies: the JSON a user sends to create a tuning job.

Two bodies are recognised, in camelCase or snake_case (proto JSON accepts both):

- Gemini API ``tunedModels.create``: ``displayName``, ``baseModel``, ``tuningTask.hyperparameters``
  (``epochCount``, ``batchSize``, ``learningRate`` | ``learningRateMultiplier``) and the inline
  examples in ``tuningTask.trainingData.examples.examples`` (read as the file's records by the JSON
  reader, with their own lines).
- Vertex AI ``tuningJobs`` create: ``baseModel``, ``tunedModelDisplayName``,
  ``supervisedTuningSpec`` (``trainingDatasetUri`` and ``hyperParameters``: ``epochCount``,
  ``adapterSize``, ``learningRateMultiplier``); the dataset itself lives in Cloud Storage.

Each parameter keeps the line where its key is written, found by scanning the document's lines for
the keys along its path (JSON parsers keep no positions, and request bodies are small).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from validator.api import TuningParameter, TuningRequest
from validator.readers.jsonvalue import parse_json_text

__all__ = ["looks_like_request", "parse_request"]

_GEMINI_MARKERS = ("tuningTask", "tuning_task")
_VERTEX_MARKERS = ("supervisedTuningSpec", "supervised_tuning_spec")

# canonical name -> key paths (camelCase and snake_case) inside each kind of body
_GEMINI_PATHS: dict[str, tuple[tuple[str, ...], ...]] = {
    "display_name": (("displayName",), ("display_name",)),
    "base_model": (("baseModel",), ("base_model",)),
    "tuned_model_id": (("tunedModelId",), ("tuned_model_id",)),
    "epochs": (("tuningTask", "hyperparameters", "epochCount"), ("tuning_task", "hyperparameters", "epoch_count")),
    "batch_size": (("tuningTask", "hyperparameters", "batchSize"), ("tuning_task", "hyperparameters", "batch_size")),
    "learning_rate": (
        ("tuningTask", "hyperparameters", "learningRate"),
        ("tuning_task", "hyperparameters", "learning_rate"),
    ),
    "learning_rate_multiplier": (
        ("tuningTask", "hyperparameters", "learningRateMultiplier"),
        ("tuning_task", "hyperparameters", "learning_rate_multiplier"),
    ),
}
_VERTEX_PATHS: dict[str, tuple[tuple[str, ...], ...]] = {
    "display_name": (("tunedModelDisplayName",), ("tuned_model_display_name",)),
    "base_model": (("baseModel",), ("base_model",)),
    "epochs": (
        ("supervisedTuningSpec", "hyperParameters", "epochCount"),
        ("supervised_tuning_spec", "hyper_parameters", "epoch_count"),
    ),
    "learning_rate_multiplier": (
        ("supervisedTuningSpec", "hyperParameters", "learningRateMultiplier"),
        ("supervised_tuning_spec", "hyper_parameters", "learning_rate_multiplier"),
    ),
    "adapter_size": (
        ("supervisedTuningSpec", "hyperParameters", "adapterSize"),
        ("supervised_tuning_spec", "hyper_parameters", "adapter_size"),
    ),
    "training_dataset": (
        ("supervisedTuningSpec", "trainingDatasetUri"),
        ("supervised_tuning_spec", "training_dataset_uri"),
    ),
    "validation_dataset": (
        ("supervisedTuningSpec", "validationDatasetUri"),
        ("supervised_tuning_spec", "validation_dataset_uri"),
    ),
}


def looks_like_request(text: str) -> bool:
    """A cheap test on the document text before parsing it as a request."""
    return any(f'"{marker}"' in text for marker in (*_GEMINI_MARKERS, *_VERTEX_MARKERS))


def parse_request(held: Sequence[tuple[int, str]], path: str) -> TuningRequest | None:
    """The tuning request in a JSON document given as ``(line number, text)`` lines, or ``None``
    when the document is not a request body."""
    text = "".join(t for _, t in held)
    if not looks_like_request(text):
        return None
    value, error = parse_json_text(text, held[0][0] if held else 1)
    if error is not None or not isinstance(value, dict):
        return None
    if any(key in value for key in _GEMINI_MARKERS):
        kind, paths = "gemini-api", _GEMINI_PATHS
    elif any(key in value for key in _VERTEX_MARKERS):
        kind, paths = "vertex", _VERTEX_PATHS
    else:
        return None
    parameters: dict[str, TuningParameter] = {}
    for name, options in paths.items():
        for keys in options:
            found, present = _lookup(value, keys)
            if present:
                pointer = "".join("/" + k for k in keys)
                parameters[name] = TuningParameter(name, found, path, _key_line(held, keys), pointer)
                break
    if kind == "gemini-api" and "tuned_model_id" not in parameters:
        named = value.get("name")  # "tunedModels/<id>" when the body names the model
        if isinstance(named, str) and named.startswith("tunedModels/"):
            parameters["tuned_model_id"] = TuningParameter(
                "tuned_model_id", named.split("/", 1)[1], path, _key_line(held, ("name",)), "/name"
            )
    return TuningRequest(kind, parameters, inline_examples=kind == "gemini-api")


def _lookup(value: Mapping[str, Any], keys: Sequence[str]) -> tuple[Any, bool]:
    current: Any = value
    for key in keys:
        if not isinstance(current, dict) or key not in current:
            return None, False
        current = current[key]
    return current, True


def _key_line(held: Sequence[tuple[int, str]], keys: Sequence[str]) -> int | None:
    """The line of the last key of ``keys``, searching for each key after the previous one."""
    start = 0
    line: int | None = None
    for key in keys:
        needle = f'"{key}"'
        for i in range(start, len(held)):
            if needle in held[i][1]:
                line, start = held[i][0], i
                break
        else:
            return line
    return line
