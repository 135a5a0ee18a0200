"""Configuration: discovery, validation and merging.

Discovery looks, from the linted file's directory upwards, for ``.tunelint.toml``, then
``tunelint.toml``, then a ``pyproject.toml`` that has a ``[tool.tunelint]`` table; the nearest
directory with any of them wins. Command-line options beat the file. Unknown keys are errors that
name the file and the key, because a misspelt key silently ignored is a gate silently open.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from validator.api import TASKS, Profile, Severity, TuningParameter, TuningRequest
from validator.errors import ConfigError
from validator.profiles import available_profiles, resolve_profiles
from validator.splits import DatasetPair

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = ["CONFIG_FILES", "Settings", "find_config", "load_config_file", "settings_from_mapping"]

CONFIG_FILES = (".tunelint.toml", "tunelint.toml", "pyproject.toml")

_LIST_KEYS = ("select", "extend-select", "ignore", "exclude")
_STR_KEYS = ("profile", "task", "input-field", "output-field", "tokenizer")
KNOWN_KEYS = (
    *_STR_KEYS,
    *_LIST_KEYS,
    "fail-on",
    "severity",
    "per-file-ignores",
    "rules",
    "datasets",
    "profiles",
    "tuning",
    "workers",
)

#: ``[tuning]`` keys -> (canonical parameter name, accepted value types).
TUNING_KEYS: dict[str, tuple[str, tuple[type, ...]]] = {
    "epochs": ("epochs", (int,)),
    "batch-size": ("batch_size", (int,)),
    "learning-rate": ("learning_rate", (int, float)),
    "learning-rate-multiplier": ("learning_rate_multiplier", (int, float)),
    "display-name": ("display_name", (str,)),
    "tuned-model-id": ("tuned_model_id", (str,)),
    "adapter-size": ("adapter_size", (int, str)),
    "base-model": ("base_model", (str,)),
}


@dataclass(frozen=True)
class Settings:
    """The resolved configuration for one linted file. ``origins`` says where each key came from."""

    profile: str | None = None
    task: str | None = None
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    fail_on: Severity = Severity.ERROR
    input_field: str | None = None
    output_field: str | None = None
    severity: Mapping[str, Severity] = field(default_factory=dict)
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    rules: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    datasets: tuple[DatasetPair, ...] = ()
    tokenizer: str | None = None
    #: Profiles defined in config (``[profiles.<name>]``), by name.
    profiles: Mapping[str, Profile] = field(default_factory=dict)
    #: Hyperparameters declared in ``[tuning]``, linted by the H rules with every dataset.
    tuning: TuningRequest | None = None
    #: Processes that lint one large file (``"auto"``: one per core, at most four); see
    #: :mod:`validator.shards`.
    workers: int | str = "auto"
    origins: Mapping[str, str] = field(default_factory=dict)
    #: Directory that relative globs (per-file-ignores, exclude) are resolved against.
    root: str = "."

    def merged(self, overrides: Mapping[str, Any], origin: str) -> Settings:
        """A copy with ``overrides`` (keys as in the config file, ``None`` values skipped) applied."""
        other = settings_from_mapping(
            {k: v for k, v in overrides.items() if v is not None}, origin, root=self.root, known_profiles=self.profiles
        )
        changes = {
            attr: getattr(other, attr)
            for key, attr in _ATTRS.items()
            if key in overrides and overrides[key] is not None
        }
        origins = dict(self.origins)
        origins.update({k: origin for k in overrides if overrides[k] is not None})
        return replace(self, **changes, origins=origins)


_ATTRS = {key: key.replace("-", "_") for key in KNOWN_KEYS}


def _workers(value: Any, origin: str) -> int | str:
    if value == "auto":
        return "auto"
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 64:
        return value
    raise ConfigError(f'{origin}: workers must be a number from 1 to 64 or "auto", got {value!r}')


def find_config(start: Path) -> Path | None:
    """The nearest config file at or above ``start`` (a directory), or ``None``."""
    for directory in (start, *start.parents):
        for name in CONFIG_FILES:
            candidate = directory / name
            if not candidate.is_file():
                continue
            if name == "pyproject.toml" and _tool_table(candidate) is None:
                continue  # a pyproject without [tool.tunelint] is not a tunelint config
            return candidate
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data: dict[str, Any] = tomllib.load(fh)
            return data
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def _tool_table(path: Path) -> dict[str, Any] | None:
    table = _read_toml(path).get("tool", {})
    found = table.get("tunelint") if isinstance(table, dict) else None
    return found if isinstance(found, dict) else None


def load_config_file(path: Path) -> Settings:
    """Read and validate one config file."""
    if path.name == "pyproject.toml":
        data = _tool_table(path)
        if data is None:
            raise ConfigError(f"{path}: has no [tool.tunelint] table")
        where = f"{path} [tool.tunelint]"
    else:
        data = _read_toml(path)
        where = str(path)
    return settings_from_mapping(data, where, root=str(path.parent), path=str(path))


def settings_from_mapping(
    data: Mapping[str, Any],
    origin: str,
    root: str = ".",
    *,
    path: str | None = None,
    known_profiles: Mapping[str, Profile] | None = None,
) -> Settings:
    """Validate config keys and values; raise :class:`ConfigError` naming ``origin`` and the key."""
    for key in data:
        if key not in KNOWN_KEYS:
            hint = _closest(key)
            raise ConfigError(
                f"{origin}: unknown key {key!r}"
                + (f" (did you mean {hint!r}?)" if hint else "")
                + f"; allowed keys: {', '.join(KNOWN_KEYS)}"
            )
    values: dict[str, Any] = {}
    for key in _STR_KEYS:
        if key in data:
            values[_ATTRS[key]] = _string(data[key], origin, key)
    profiles: dict[str, Profile] = dict(known_profiles or {})
    if "profiles" in data:
        table = _table(data["profiles"], origin, "profiles")
        profiles.update(
            resolve_profiles({str(k): _table(v, origin, f"profiles.{k}") for k, v in table.items()}, origin)
        )
        values["profiles"] = profiles
    if "profile" in values and values["profile"] not in (*available_profiles(), *profiles):
        choices = sorted({*available_profiles(), *profiles})
        raise ConfigError(f"{origin}: profile {values['profile']!r} is not one of: {', '.join(choices)}")
    if "tuning" in data:
        values["tuning"] = _tuning(_table(data["tuning"], origin, "tuning"), origin, path)
    if "task" in values and values["task"] not in TASKS:
        raise ConfigError(f"{origin}: task {values['task']!r} is not one of: {', '.join(TASKS)}")
    for key in _LIST_KEYS:
        if key in data:
            values[_ATTRS[key]] = _strings(data[key], origin, key)
    if "fail-on" in data:
        values["fail_on"] = _severity(data["fail-on"], origin, "fail-on")
    if "severity" in data:
        table = _table(data["severity"], origin, "severity")
        values["severity"] = {
            str(code).upper(): _severity(level, origin, f"severity.{code}") for code, level in table.items()
        }
    if "per-file-ignores" in data:
        table = _table(data["per-file-ignores"], origin, "per-file-ignores")
        values["per_file_ignores"] = {
            str(glob): _strings(codes, origin, f"per-file-ignores.{glob!r}") for glob, codes in table.items()
        }
    if "rules" in data:
        table = _table(data["rules"], origin, "rules")
        values["rules"] = {str(name): dict(_table(opts, origin, f"rules.{name}")) for name, opts in table.items()}
    if "datasets" in data:
        values["datasets"] = _datasets(data["datasets"], origin, root)
    if "workers" in data:
        values["workers"] = _workers(data["workers"], origin)
    origins = {key: origin for key in data}
    return Settings(**values, origins=origins, root=root)


def _tuning(table: Mapping[str, Any], origin: str, path: str | None) -> TuningRequest:
    """``[tuning]``: the hyperparameters a job will use, checked like a request body's."""
    lines = _key_lines(path, table) if path else {}
    parameters: dict[str, TuningParameter] = {}
    for key, value in table.items():
        if key not in TUNING_KEYS:
            raise ConfigError(f"{origin}: tuning.{key}: unknown key; allowed: {', '.join(TUNING_KEYS)}")
        name, types = TUNING_KEYS[key]
        if isinstance(value, bool) or not isinstance(value, types):
            expected = _EXPECTED[types]
            raise ConfigError(f"{origin}: tuning.{key} must be {expected}, got {value!r}")
        where = _display_path(path) if path else origin
        parameters[name] = TuningParameter(name, value, where, lines.get(key), f"tuning.{key}")
    return TuningRequest("config", parameters)


def _display_path(path: str) -> str:
    """``path`` relative to the working directory when it lies below it (as linted paths are
    usually given), else as is."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return path
    return path if rel.startswith("..") else rel


_EXPECTED: dict[tuple[type, ...], str] = {
    (int,): "an integer",
    (int, float): "a number",
    (str,): "a string",
    (int, str): "an integer or a string",
}


def _key_lines(path: str, keys: Mapping[str, Any]) -> dict[str, int]:
    """The line where each key is assigned in the config file (TOML parsers keep no positions);
    the first assignment after a ``tuning`` table header."""
    import re

    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError):
        return {}
    found: dict[str, int] = {}
    inside = False
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = re.fullmatch(r"\[\s*(tool\.tunelint\.)?tuning\s*\]", stripped) is not None
            continue
        if inside:
            match = re.match(r'\s*"?([A-Za-z0-9_-]+)"?\s*=', line)
            if match and match.group(1) in keys and match.group(1) not in found:
                found[match.group(1)] = number
    return found


_DATASET_KEYS = ("train", "validation", "input-field", "output-field")


def _datasets(value: Any, origin: str, root: str) -> tuple[DatasetPair, ...]:
    """``[[datasets]]``: train/validation pairs (paths relative to the config file's directory)."""
    if not isinstance(value, list):
        raise ConfigError(f"{origin}: datasets must be an array of tables ([[datasets]])")
    pairs = []
    for i, entry in enumerate(value):
        where = f"datasets[{i}]"
        table = _table(entry, origin, where)
        unknown = [k for k in table if k not in _DATASET_KEYS]
        if unknown:
            raise ConfigError(f"{origin}: {where}: unknown key {unknown[0]!r}; allowed: {', '.join(_DATASET_KEYS)}")
        for required in ("train", "validation"):
            if required not in table:
                raise ConfigError(f"{origin}: {where}: {required} is required")
        train, validation = (_string(table[k], origin, f"{where}.{k}") for k in ("train", "validation"))
        pairs.append(
            DatasetPair(
                train=os.path.normpath(os.path.join(root, train)),
                validation=os.path.normpath(os.path.join(root, validation)),
                input_field=_optional_string(table, "input-field", origin, where),
                output_field=_optional_string(table, "output-field", origin, where),
                origin=origin,
            )
        )
    return tuple(pairs)


def _string(value: Any, origin: str, key: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{origin}: {key} must be a string, got {type(value).__name__}")
    return value


def _optional_string(table: Mapping[str, Any], key: str, origin: str, where: str) -> str | None:
    return _string(table[key], origin, f"{where}.{key}") if key in table else None


def _strings(value: Any, origin: str, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{origin}: {key} must be a list of strings")
    return tuple(v.strip() for v in value)


def _severity(value: Any, origin: str, key: str) -> Severity:
    try:
        return Severity.parse(value)
    except ValueError:
        raise ConfigError(f"{origin}: {key} = {value!r}; allowed: error, warning, info") from None


def _table(value: Any, origin: str, key: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{origin}: {key} must be a table")
    return value


def _closest(key: str) -> str | None:
    import difflib

    matches = difflib.get_close_matches(key, KNOWN_KEYS, n=1)
    return matches[0] if matches else None


def relative_to_root(path: str, root: str) -> str:
    """``path`` relative to the config root, with ``/`` separators, for glob matching."""
    try:
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    except ValueError:  # different drives on Windows
        rel = path
    return rel.replace(os.sep, "/")
