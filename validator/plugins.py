"""Rule discovery through the ``tunelint.rules`` entry-point group, metadata validation and rule
selection (``select`` / ``extend-select`` / ``ignore``).

The built-in rules register themselves in ``pyproject.toml`` exactly as a third-party plugin does;
this module never imports a rule module by name. An entry point's name is the code prefix its rules
use (``F`` for F001…), and its value is a sequence of :class:`~validator.api.Rule` subclasses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cache
from importlib.metadata import entry_points

from validator.api import Rule, Severity
from validator.errors import PluginError, UsageError

__all__ = ["ENTRY_POINT_GROUP", "RuleRegistry", "load_rules", "registry_from"]

ENTRY_POINT_GROUP = "tunelint.rules"

_CODE_RE = re.compile(r"^[A-Z]{1,3}[0-9]{3}$")
_NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_SECTIONS = ("What", "Why", "Example", "Fix")


class RuleRegistry:
    """All known rules, indexed by code and by name."""

    def __init__(self, rules: Iterable[type[Rule]]) -> None:
        self.by_code: dict[str, type[Rule]] = {}
        self.by_name: dict[str, type[Rule]] = {}
        for rule in rules:
            for index, key in ((self.by_code, rule.code), (self.by_name, rule.name)):
                other = index.get(key)
                if other is not None and other is not rule:
                    raise PluginError(f"rule {key!r} is defined twice ({_origin(other)} and {_origin(rule)})")
                index[key] = rule

    def __iter__(self) -> Iterator[type[Rule]]:
        return iter(sorted(self.by_code.values(), key=lambda r: r.code))

    def all(self) -> list[type[Rule]]:
        """Every rule, sorted by code."""
        return sorted(self.by_code.values(), key=lambda r: r.code)

    def lookup(self, key: str) -> type[Rule] | None:
        """A rule by code (any case) or name."""
        return self.by_code.get(key.upper()) or self.by_name.get(key.lower())

    def matching(self, selector: str) -> list[type[Rule]]:
        """Rules a selector names: ``ALL``, a code, a code prefix (``D``, ``L00``) or a name.
        Raises :class:`UsageError` for a selector that names nothing."""
        sel = selector.strip()
        if not sel:
            return []
        if sel.upper() == "ALL":
            return self.all()
        rule = self.by_name.get(sel.lower())
        if rule is not None:
            return [rule]
        found = [r for r in self.all() if r.code.startswith(sel.upper())]
        if not found:
            raise UsageError(
                f"unknown rule selector {selector!r}: use a code (L001), a prefix (L), a name "
                "(input-too-long) or ALL; 'tunelint rules' lists them"
            )
        return found

    def select(
        self,
        select: Sequence[str] | None = None,
        extend_select: Sequence[str] = (),
        ignore: Sequence[str] = (),
    ) -> list[type[Rule]]:
        """The enabled rules. Without ``select`` the default-enabled rules run; ``ALL`` and prefixes
        do not switch on opt-in rules (only their exact code or name does)."""
        chosen: dict[str, type[Rule]] = {}
        if select is None:
            chosen = {r.code: r for r in self.all() if r.default_enabled}
        else:
            for sel in select:
                chosen.update(self._pick(sel))
        for sel in extend_select:
            chosen.update(self._pick(sel))
        for sel in ignore:
            for rule in self.matching(sel):
                chosen.pop(rule.code, None)
        return sorted(chosen.values(), key=lambda r: r.code)

    def _pick(self, selector: str) -> dict[str, type[Rule]]:
        rules = self.matching(selector)
        exact = len(rules) == 1 and selector.strip().upper() == rules[0].code
        named = len(rules) == 1 and selector.strip().lower() == rules[0].name
        return {r.code: r for r in rules if r.default_enabled or exact or named}


def _origin(rule: type[Rule]) -> str:
    return f"{rule.__module__}.{rule.__qualname__}"


def validate_rule(rule: object, prefix: str) -> type[Rule]:
    """Check a plugin rule's metadata; raise :class:`PluginError` describing what is wrong."""
    if not (isinstance(rule, type) and issubclass(rule, Rule)):
        raise PluginError(f"entry point {prefix!r} exports {rule!r}, which is not a Rule subclass")
    where = _origin(rule)
    if not _CODE_RE.match(rule.code):
        raise PluginError(f"{where}: code {rule.code!r} is not 1-3 capitals and 3 digits")
    if not rule.code.startswith(prefix):
        raise PluginError(f"{where}: code {rule.code} does not start with its entry point's name {prefix!r}")
    if not _NAME_RE.match(rule.name):
        raise PluginError(f"{where}: name {rule.name!r} is not kebab-case")
    if not rule.summary:
        raise PluginError(f"{where}: summary is empty")
    if not isinstance(rule.default_severity, Severity):
        raise PluginError(f"{where}: default_severity must be a Severity")
    missing = [s for s in _SECTIONS if s not in rule.doc_sections()]
    if missing:
        raise PluginError(f"{where}: docstring lacks section(s) {', '.join(missing)}")
    return rule


def registry_from(groups: Mapping[str, Iterable[object]]) -> RuleRegistry:
    """A registry from ``{prefix: rules}``, validating every rule (used for entry points and tests)."""
    return RuleRegistry(validate_rule(rule, prefix) for prefix, rules in groups.items() for rule in rules)


@cache
def load_rules() -> RuleRegistry:
    """Load every rule registered in the ``tunelint.rules`` entry-point group.

    A plugin that fails to import is a tool error, never a silent skip.
    """
    groups: dict[str, Iterable[object]] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            loaded = ep.load()
        except Exception as exc:  # any import failure of a plugin is reported, not raised raw
            raise PluginError(f"rule plugin {ep.name!r} ({ep.value}) failed to load: {exc}") from exc
        try:
            groups[ep.name] = list(loaded)
        except TypeError:
            raise PluginError(f"rule plugin {ep.name!r} ({ep.value}) must export a sequence of Rule classes") from None
    if not groups:
        raise PluginError(
            "no rules are registered: is tunelint installed (pip install -e .)? "
            f"The entry-point group {ENTRY_POINT_GROUP!r} is empty"
        )
    return registry_from(groups)
