"""``tunelint lint --show-settings``: the resolved configuration and where each value came from."""

from __future__ import annotations

import json
from typing import Any

from validator.config import KNOWN_KEYS, Settings
from validator.plugins import RuleRegistry

__all__ = ["describe_settings", "render_settings"]

_DEFAULT = "default"


def _value(settings: Settings, key: str) -> Any:
    value = getattr(settings, key.replace("-", "_"))
    if key == "fail-on":
        return value.value
    if key == "severity":
        return {code: level.value for code, level in value.items()}
    if key == "per-file-ignores":
        return {glob: list(codes) for glob, codes in value.items()}
    if key == "rules":
        return {name: dict(options) for name, options in value.items()}
    if key == "datasets":
        return [
            {"train": p.train, "validation": p.validation, "input-field": p.input_field, "output-field": p.output_field}
            for p in value
        ]
    if key == "profiles":
        return {name: {"extends": p.extends, "description": p.description} for name, p in value.items()}
    if key == "tuning":
        return {name: p.value for name, p in value.parameters.items()} if value is not None else None
    if isinstance(value, tuple):
        return list(value)
    return value


def describe_settings(settings: Settings, registry: RuleRegistry, path: str) -> dict[str, Any]:
    """Every config key with its resolved value and origin (a config file, ``command line`` or
    ``default``), plus the rules the selection enables."""
    keys = {key: {"value": _value(settings, key), "origin": settings.origins.get(key, _DEFAULT)} for key in KNOWN_KEYS}
    enabled = registry.select(settings.select, settings.extend_select, settings.ignore)
    return {
        "path": path,
        "config-root": settings.root,
        "settings": keys,
        "enabled-rules": [rule.code for rule in enabled],
    }


def render_settings(description: dict[str, Any], as_json: bool) -> str:
    """The description as JSON or as TOML-like ``key = value  # origin`` lines."""
    if as_json:
        return json.dumps(description, indent=2, ensure_ascii=False) + "\n"
    lines = [f"# settings for {description['path']} (paths relative to {description['config-root']})"]
    for key, item in description["settings"].items():
        value = item["value"]
        shown = "(not set)" if value is None or value == {} or value == [] else json.dumps(value, ensure_ascii=False)
        lines.append(f"{key} = {shown}  # {item['origin']}")
    rules = description["enabled-rules"]
    lines.append(f"# enabled rules ({len(rules)}): {' '.join(rules)}")
    return "\n".join(lines) + "\n"
