"""Provider profiles: limits and recommendations kept as TOML data files beside this module.

Each ``<name>.toml`` holds the keys of :class:`~validator.api.Profile`; rules read limits from the
profile in their context and never hard-code a provider's numbers.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

from validator.api import TASKS, Profile
from validator.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = ["available_profiles", "load_profile", "profile_from_mapping"]

_INT_KEYS = ("max_file_bytes", "max_input_chars", "max_output_chars", "min_examples", "max_examples")
_TABLE_KEYS = ("recommended_examples", "recommended_upper")
_KNOWN = {"name", "description", "source", "notes", *_INT_KEYS, *_TABLE_KEYS}


@cache
def available_profiles() -> tuple[str, ...]:
    """Names of the built-in profiles."""
    names = [
        entry.name[: -len(".toml")]
        for entry in resources.files(__package__).iterdir()
        if entry.name.endswith(".toml")
    ]
    return tuple(sorted(names))


@cache
def load_profile(name: str) -> Profile:
    """Load the built-in profile ``name``; raise :class:`ConfigError` naming the choices if unknown."""
    if name not in available_profiles():
        raise ConfigError(
            f"unknown profile {name!r}; available: {', '.join(available_profiles())}"
        )
    text = resources.files(__package__).joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return profile_from_mapping(tomllib.loads(text), origin=f"profile {name}")


def profile_from_mapping(data: Mapping[str, Any], origin: str) -> Profile:
    """Build a profile from parsed TOML, validating keys and types (``origin`` names the source in
    error messages)."""
    unknown = sorted(set(data) - _KNOWN)
    if unknown:
        raise ConfigError(f"{origin}: unknown key {unknown[0]!r}; allowed: {', '.join(sorted(_KNOWN))}")
    for key in _INT_KEYS:
        value = data.get(key)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise ConfigError(f"{origin}: {key} must be a non-negative integer, got {value!r}")
    tables: dict[str, dict[str, int]] = {}
    for key in _TABLE_KEYS:
        table = data.get(key, {})
        if not isinstance(table, dict):
            raise ConfigError(f"{origin}: {key} must be a table of task = count")
        for task, count in table.items():
            if task not in TASKS:
                raise ConfigError(f"{origin}: {key}.{task}: unknown task; tasks: {', '.join(TASKS)}")
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                raise ConfigError(f"{origin}: {key}.{task} must be a non-negative integer")
        tables[key] = dict(table)
    return Profile(
        name=str(data.get("name", "")),
        description=str(data.get("description", "")),
        source=str(data.get("source", "")),
        max_file_bytes=data.get("max_file_bytes"),
        max_input_chars=data.get("max_input_chars"),
        max_output_chars=data.get("max_output_chars"),
        min_examples=data.get("min_examples"),
        max_examples=data.get("max_examples"),
        recommended_examples=tables["recommended_examples"],
        recommended_upper=tables["recommended_upper"],
        notes={str(k): str(v) for k, v in dict(data.get("notes", {})).items()},
    )
