"""Rule discovery, metadata validation and selection."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import entry_points

import pytest

from validator.api import Context, Example, Finding, Rule, Severity
from validator.errors import PluginError, UsageError
from validator.plugins import ENTRY_POINT_GROUP, RuleRegistry, load_rules, registry_from, validate_rule
from validator.testing import run_rules

EXPECTED_CODES = {f"F00{i}" for i in range(1, 8)} | {f"S00{i}" for i in range(1, 7)} | {f"L00{i}" for i in range(1, 5)}


class NoTodo(Rule):
    """What: An output contains TODO.

    Why: Unfinished answers teach the model to leave work unfinished.

    Example: ``{"text_input": "q", "output": "TODO"}``

    Fix: Write the answer.
    """

    code = "X001"
    name = "todo-in-output"
    summary = "Output contains TODO"
    default_severity = Severity.WARNING

    def check(self, example: Example, ctx: Context) -> Iterator[Finding]:
        if "TODO" in example.output_text:
            yield self.finding(ctx, "output contains TODO", at=example, field=example.fields.get("output"))


class OptIn(NoTodo):
    """What: x.

    Why: x.

    Example: x.

    Fix: x.
    """

    code = "X002"
    name = "opt-in-rule"
    default_enabled = False


def test_builtin_rules_come_from_entry_points_by_prefix() -> None:
    eps = {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}
    assert {"F", "S", "L"} <= set(eps)
    registry = load_rules()
    codes = {r.code for r in registry.all()}
    assert codes >= EXPECTED_CODES
    for rule in registry.all():
        assert rule.code[0] in eps  # every rule belongs to the entry point named by its prefix


def test_engine_never_imports_rules_by_name() -> None:
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[1] / "validator"
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "from rules" not in text and "import rules" not in text, path


def test_every_builtin_rule_has_valid_metadata_and_doc_sections() -> None:
    for rule in load_rules().all():
        validate_rule(rule, rule.code[0])
        sections = rule.doc_sections()
        assert set(sections) == {"What", "Why", "Example", "Fix"}
        assert all(sections.values())


@pytest.mark.parametrize(
    ("attr", "value"),
    [("code", "X1"), ("code", "x001"), ("name", "Todo_In_Output"), ("summary", "")],
)
def test_invalid_metadata_is_a_plugin_error(attr: str, value: str) -> None:
    bad = type("Bad", (NoTodo,), {attr: value, "__doc__": NoTodo.__doc__})
    with pytest.raises(PluginError):
        validate_rule(bad, "X")


def test_code_must_match_entry_point_prefix() -> None:
    with pytest.raises(PluginError):
        registry_from({"Y": [NoTodo]})


def test_missing_doc_section_is_a_plugin_error() -> None:
    bad = type("Bad", (NoTodo,), {"__doc__": "What: x.\n\nWhy: y.\n"})
    with pytest.raises(PluginError, match="Example"):
        validate_rule(bad, "X")


def test_non_rule_export_is_a_plugin_error() -> None:
    with pytest.raises(PluginError):
        registry_from({"X": [object]})


def test_duplicate_codes_are_a_plugin_error() -> None:
    twin = type("Twin", (NoTodo,), {"name": "other-name", "__doc__": NoTodo.__doc__})
    with pytest.raises(PluginError):
        RuleRegistry([NoTodo, twin])


def test_selection_by_code_prefix_name_and_all() -> None:
    reg = RuleRegistry([NoTodo, OptIn, *load_rules().all()])
    default = {r.code for r in reg.select()}
    assert "X001" in default and "X002" not in default  # opt-in rules are off by default
    assert {r.code for r in reg.select(["L"])} == {"L001", "L002", "L003", "L004", "L005", "L006"}
    assert {r.code for r in reg.select(["L00"], ignore=["L003"])} == {"L001", "L002", "L004", "L005", "L006"}
    assert {r.code for r in reg.select(["input-too-long"])} == {"L001"}
    assert {r.code for r in reg.select(["l001"])} == {"L001"}
    assert "X002" not in {r.code for r in reg.select(["ALL"])}  # ALL does not switch on opt-in rules
    assert "X002" in {r.code for r in reg.select(["ALL", "X002"])}
    assert "X002" in {r.code for r in reg.select(None, extend_select=["opt-in-rule"])}
    prefixes = sorted({r.code[0] for r in load_rules().all()})
    assert {r.code for r in reg.select(["ALL"], ignore=[*prefixes, "X001"])} == set()


def test_unknown_selector_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        load_rules().select(["Z999"])
    with pytest.raises(UsageError):
        load_rules().select(None, ignore=["no-such-rule"])


def test_run_rules_helper_runs_a_third_party_rule() -> None:
    findings = run_rules([NoTodo], [{"text_input": "a", "output": "fine"}, {"text_input": "b", "output": "TODO"}])
    assert [(f.code, f.line, f.record, f.field, f.severity) for f in findings] == [
        ("X001", 2, 2, "/output", Severity.WARNING)
    ]


def test_rule_merge_is_explicitly_unsupported_by_default() -> None:
    with pytest.raises(NotImplementedError):
        NoTodo().merge(NoTodo())
