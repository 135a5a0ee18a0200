"""Provider profiles: limits and recommendations kept as TOML data files beside this module.

Each ``<name>.toml`` holds the keys of :class:`~validator.api.Profile`; rules read limits from the
profile in their context and never hard-code a provider's numbers. A config file may define its own
profiles (``[profiles.<name>]``) that ``extends`` a built-in or another config profile and override
any key; :func:`resolve_profiles` builds them.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from validator.api import ROLE_KINDS, TASKS, Profile
from validator.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = [
    "LIMIT_KEYS",
    "PROFILE_KEYS",
    "available_profiles",
    "load_profile",
    "profile_from_mapping",
    "profile_to_dict",
    "resolve_profiles",
]

#: The numeric limits of a profile (``tunelint profiles`` prints them in this order).
LIMIT_KEYS = _INT_KEYS = (
    "max_file_bytes",
    "max_input_chars",
    "max_output_chars",
    "min_examples",
    "max_examples",
    "max_validation_examples",
    "max_example_tokens",
    "default_epochs",
    "max_display_name",
)
_TASK_TABLES = ("recommended_examples", "recommended_upper")
_TEXT_KEYS = ("name", "description", "source", "extends", "tuned_model_id_pattern")
#: Every key a profile (file or config table) may set.
PROFILE_KEYS: tuple[str, ...] = (
    *_TEXT_KEYS,
    *_INT_KEYS,
    *_TASK_TABLES,
    "roles",
    "parts",
    "warn_parts",
    "alternate",
    "adapter_sizes",
    "notes",
)


@cache
def available_profiles() -> tuple[str, ...]:
    """Names of the built-in profiles."""
    names = [
        entry.name[: -len(".toml")] for entry in resources.files(__package__).iterdir() if entry.name.endswith(".toml")
    ]
    return tuple(sorted(names))


@cache
def _builtin_data(name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath(f"{name}.toml").read_text(encoding="utf-8")
    data: dict[str, Any] = tomllib.loads(text)
    return data


def load_profile(name: str, custom: Mapping[str, Profile] | None = None) -> Profile:
    """The profile ``name``: one of ``custom`` (profiles defined in config) or a built-in one.
    Raise :class:`ConfigError` naming the choices if there is none."""
    if custom and name in custom:
        return custom[name]
    if name not in available_profiles():
        choices = sorted({*available_profiles(), *(custom or {})})
        raise ConfigError(f"unknown profile {name!r}; available: {', '.join(choices)}")
    return _load_builtin(name)


@cache
def _load_builtin(name: str) -> Profile:
    return profile_from_mapping(_builtin_data(name), origin=f"profile {name}")


def resolve_profiles(tables: Mapping[str, Mapping[str, Any]], origin: str) -> dict[str, Profile]:
    """Build config-defined profiles. Each table may name a profile it ``extends`` (built-in or
    another table; default ``generic``) and overrides any of its keys; keys may be spelt with ``-``
    or ``_``. Cycles and unknown bases are configuration errors."""
    normalised = {str(name): {str(k).replace("-", "_"): v for k, v in table.items()} for name, table in tables.items()}
    built: dict[str, Profile] = {}
    resolving: list[str] = []

    def data_of(name: str) -> dict[str, Any]:
        if name in normalised:
            if name in resolving:
                cycle = " -> ".join([*resolving, name])
                raise ConfigError(f"{origin}: [profiles.{name}] extends itself ({cycle})")
            resolving.append(name)
            table = normalised[name]
            base = table.get("extends", "generic")
            if not isinstance(base, str):
                raise ConfigError(f"{origin}: [profiles.{name}] extends must be a profile name")
            if base not in normalised and base not in available_profiles():
                choices = sorted({*available_profiles(), *normalised} - {name})
                raise ConfigError(
                    f"{origin}: [profiles.{name}] extends unknown profile {base!r}; available: {', '.join(choices)}"
                )
            merged = {**data_of(base), **table, "name": name, "extends": base}
            resolving.pop()
            return merged
        return dict(_builtin_data(name))

    for name in normalised:
        if name in available_profiles():
            raise ConfigError(
                f"{origin}: [profiles.{name}] redefines a built-in profile; give it another name and "
                f"write extends = {name!r}"
            )
        built[name] = profile_from_mapping(data_of(name), origin=f"{origin}: [profiles.{name}]")
    return built


def profile_from_mapping(data: Mapping[str, Any], origin: str) -> Profile:
    """Build a profile from parsed TOML, validating keys and types (``origin`` names the source in
    error messages)."""
    unknown = sorted(set(data) - set(PROFILE_KEYS))
    if unknown:
        raise ConfigError(f"{origin}: unknown key {unknown[0]!r}; allowed: {', '.join(PROFILE_KEYS)}")
    for key in _INT_KEYS:
        value = data.get(key)
        if value is not None and not _count(value):
            raise ConfigError(f"{origin}: {key} must be a non-negative integer, got {value!r}")
    for key in _TEXT_KEYS:
        if key in data and not isinstance(data[key], str):
            raise ConfigError(f"{origin}: {key} must be a string")
    pattern = data.get("tuned_model_id_pattern")
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"{origin}: tuned_model_id_pattern is not a regular expression: {exc}") from None
    tables = {key: _task_table(data.get(key, {}), origin, key) for key in _TASK_TABLES}
    alternate = data.get("alternate", True)
    if not isinstance(alternate, bool):
        raise ConfigError(f"{origin}: alternate must be true or false")
    roles = data.get("roles")
    return Profile(
        name=str(data.get("name", "")),
        description=str(data.get("description", "")),
        source=str(data.get("source", "")),
        max_file_bytes=data.get("max_file_bytes"),
        max_input_chars=data.get("max_input_chars"),
        max_output_chars=data.get("max_output_chars"),
        min_examples=data.get("min_examples"),
        max_examples=data.get("max_examples"),
        max_validation_examples=data.get("max_validation_examples"),
        max_example_tokens=data.get("max_example_tokens"),
        recommended_examples=tables["recommended_examples"],
        recommended_upper=tables["recommended_upper"],
        roles=None if roles is None else _role_list(roles, origin, "roles"),
        parts=_parts(data.get("parts"), origin),
        warn_parts=_string_list(data.get("warn_parts", []), origin, "warn_parts"),
        alternate=alternate,
        default_epochs=data.get("default_epochs"),
        max_display_name=data.get("max_display_name"),
        tuned_model_id_pattern=pattern,
        adapter_sizes=_adapter_sizes(data.get("adapter_sizes", {}), origin),
        extends=data.get("extends"),
        notes={str(k): str(v) for k, v in dict(_table(data.get("notes", {}), origin, "notes")).items()},
    )


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _table(value: Any, origin: str, key: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{origin}: {key} must be a table")
    return value


def _task_table(value: Any, origin: str, key: str) -> dict[str, int]:
    table = _table(value, origin, f"{key} (task = count)")
    for task, count in table.items():
        if task not in TASKS:
            raise ConfigError(f"{origin}: {key}.{task}: unknown task; tasks: {', '.join(TASKS)}")
        if not _count(count):
            raise ConfigError(f"{origin}: {key}.{task} must be a non-negative integer")
    return dict(table)


def _string_list(value: Any, origin: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{origin}: {key} must be a list of strings")
    return tuple(value)


def _role_list(value: Any, origin: str, key: str) -> tuple[str, ...]:
    roles = _string_list(value, origin, key)
    for role in roles:
        if role != "*" and role not in ROLE_KINDS:
            raise ConfigError(f"{origin}: {key}: unknown role {role!r}; roles: {', '.join(ROLE_KINDS)} or '*'")
    return ROLE_KINDS if "*" in roles else roles


def _parts(value: Any, origin: str) -> dict[str, tuple[str, ...]] | None:
    if value is None:
        return None
    table = _table(value, origin, "parts (part kind = [roles])")
    return {str(kind): _role_list(roles, origin, f"parts.{kind}") for kind, roles in table.items()}


def _adapter_sizes(value: Any, origin: str) -> dict[str, tuple[int, ...]]:
    table = _table(value, origin, "adapter_sizes (model prefix = [sizes])")
    sizes: dict[str, tuple[int, ...]] = {}
    for model, values in table.items():
        if not isinstance(values, list) or not all(_count(v) for v in values):
            raise ConfigError(f"{origin}: adapter_sizes.{model} must be a list of non-negative integers")
        sizes[str(model)] = tuple(values)
    return sizes


def profile_to_dict(profile: Profile) -> dict[str, Any]:
    """A profile as plain data (``tunelint profiles --output-format json``)."""
    return {
        "name": profile.name,
        "description": profile.description,
        "extends": profile.extends,
        **{key: getattr(profile, key) for key in _INT_KEYS},
        "recommended_examples": dict(profile.recommended_examples),
        "recommended_upper": dict(profile.recommended_upper),
        "roles": list(profile.roles) if profile.roles is not None else None,
        "parts": {k: list(v) for k, v in profile.parts.items()} if profile.parts is not None else None,
        "warn_parts": list(profile.warn_parts),
        "alternate": profile.alternate,
        "tuned_model_id_pattern": profile.tuned_model_id_pattern,
        "adapter_sizes": {k: list(v) for k, v in profile.adapter_sizes.items()},
        "notes": dict(profile.notes),
        "source": profile.source,
    }
