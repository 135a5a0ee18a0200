"""Provider profiles: built-in data files, the default per shape, config profiles that extend them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import validator
from tests.conftest import run_cli
from validator.errors import ConfigError
from validator.profiles import available_profiles, load_profile, resolve_profiles

CHAT = {"messages": [{"role": "user", "content": "Hi there"}, {"role": "assistant", "content": "Hello!"}]}

# One record of each shape and the profile a file of them gets by default.
DEFAULTS: list[tuple[str, dict[str, Any], str]] = [
    ("gemini", {"text_input": "1", "output": "2"}, "gemini"),
    (
        "vertex-gemini",
        {"contents": [{"role": "user", "parts": [{"text": "a"}]}, {"role": "model", "parts": [{"text": "b"}]}]},
        "vertex-gemini",
    ),
    (
        "vertex-messages",
        {"messages": [{"role": "user", "content": "a"}, {"role": "model", "content": "b"}]},
        "vertex-gemini",
    ),
    ("vertex-palm", {"input_text": "a", "output_text": "b"}, "vertex-gemini"),
    ("openai-chat", CHAT, "openai"),
    ("preference", {"prompt": "a", "chosen": "b", "rejected": "c"}, "openai"),
    ("prompt-completion", {"prompt": "a", "completion": "b"}, "openai"),
    ("alpaca", {"instruction": "a", "input": "", "output": "b"}, "generic"),
    ("sharegpt", {"conversations": [{"from": "human", "value": "a"}, {"from": "gpt", "value": "b"}]}, "generic"),
    ("text", {"text": "Once upon a time."}, "generic"),
]


def test_builtin_profiles_are_the_four_documented_ones() -> None:
    assert available_profiles() == ("gemini", "generic", "openai", "vertex-gemini")
    for name in available_profiles():
        assert load_profile(name).name == name


@pytest.mark.parametrize(("shape", "record", "profile"), DEFAULTS, ids=[d[0] for d in DEFAULTS])
def test_default_profile_follows_the_shape(shape: str, record: dict[str, Any], profile: str) -> None:
    report = validator.lint([record] * 3, isolated=True)
    assert report.files[0].schema == shape
    assert report.files[0].profile == profile


def test_profile_option_overrides_the_default() -> None:
    report = validator.lint([CHAT] * 3, isolated=True, profile="generic")
    assert report.files[0].profile == "generic"
    assert not [f for f in report.findings if f.code == "L003"]  # generic has no minimum


def test_provider_numbers_match_providers_md() -> None:
    vertex, openai, gemini = load_profile("vertex-gemini"), load_profile("openai"), load_profile("gemini")
    assert vertex.max_example_tokens == 131_072
    assert vertex.max_examples == 10_000_000
    assert vertex.max_validation_examples == 5_000
    assert vertex.roles == ("system", "user", "assistant")
    assert vertex.adapter_sizes_for("projects/p/locations/l/publishers/google/models/gemini-2.5-pro") == (1, 2, 4, 8)
    assert vertex.adapter_sizes_for("gemini-2.5-flash-lite-001") == (1, 2, 4, 8, 16)
    assert vertex.adapter_sizes_for("gemini-9-ultra") is None
    assert openai.min_examples == 10 and openai.max_example_tokens == 65_536
    assert openai.parts == {"image_url": ("user",)}
    assert gemini.max_input_chars == 40_000 and gemini.max_output_chars == 5_000 and gemini.min_examples == 20
    assert gemini.parts == {} and gemini.max_display_name == 40
    # Values the sources do not pin down are marked UNVERIFIED in the profile itself.
    for profile in (gemini, vertex, openai):
        assert "UNVERIFIED" in profile.notes["max_file_bytes"]


def test_config_profile_extends_a_builtin_and_overrides_keys() -> None:
    profiles = resolve_profiles(
        {"vertex-15": {"extends": "vertex-gemini", "max-example-tokens": 32_000, "max_validation_examples": 256}},
        "test",
    )
    mine = profiles["vertex-15"]
    assert mine.max_example_tokens == 32_000 and mine.max_validation_examples == 256
    assert mine.max_examples == 10_000_000  # inherited
    assert mine.extends == "vertex-gemini" and mine.name == "vertex-15"


def test_config_profiles_chain_and_default_to_generic() -> None:
    profiles = resolve_profiles(
        {"base": {"max-input-chars": 100}, "child": {"extends": "base", "min-examples": 2}}, "test"
    )
    assert profiles["base"].extends == "generic"
    assert profiles["child"].max_input_chars == 100 and profiles["child"].min_examples == 2


@pytest.mark.parametrize(
    ("tables", "key"),
    [
        ({"a": {"extends": "b"}, "b": {"extends": "a"}}, "extends itself"),
        ({"a": {"extends": "nope"}}, "nope"),
        ({"gemini": {"min-examples": 1}}, "built-in"),
        ({"a": {"max-inptu-chars": 1}}, "max_inptu_chars"),
        ({"a": {"min-examples": -1}}, "min_examples"),
        ({"a": {"roles": ["user", "robot"]}}, "robot"),
        ({"a": {"parts": {"fileData": ["bot"]}}}, "bot"),
        ({"a": {"alternate": "yes"}}, "alternate"),
    ],
)
def test_bad_config_profiles_are_config_errors(tables: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as err:
        resolve_profiles(tables, "cfg.toml")
    assert "cfg.toml" in str(err.value) and key in str(err.value)


def test_config_profile_is_used_by_lint_and_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "tunelint.toml").write_text(
        'profile = "strict"\n[profiles.strict]\nextends = "gemini"\nmax-output-chars = 3\n', encoding="utf-8"
    )
    data = tmp_path / "d.jsonl"
    data.write_text("".join(json.dumps({"text_input": f"q{i}", "output": "long answer"}) + "\n" for i in range(20)))
    report = validator.lint(str(data))
    assert report.files[0].profile == "strict"
    assert [f.line for f in report.findings if f.code == "L002"] == list(range(1, 21))

    code, out, _ = run_cli("profiles", "--output-format", "json", "--config", str(tmp_path / "tunelint.toml"))
    assert code == 0
    rows = {row["name"]: row for row in json.loads(out)}
    assert rows["strict"]["extends"] == "gemini"
    assert rows["strict"]["max_output_chars"] == 3
    assert rows["strict"]["origin"].endswith("tunelint.toml")
    assert rows["gemini"]["origin"] == "built-in"
    monkeypatch.chdir(tmp_path)  # discovered from the working directory, unless --isolated
    code, out, _ = run_cli("profiles", "--output-format", "json")
    assert "strict" in {row["name"] for row in json.loads(out)}
    code, out, _ = run_cli("profiles", "--isolated", "--output-format", "json")
    assert "strict" not in {row["name"] for row in json.loads(out)}


def test_unknown_profile_on_the_command_line_is_exit_2(tmp_path: Path) -> None:
    data = tmp_path / "d.jsonl"
    data.write_text(json.dumps({"text_input": "a", "output": "b"}) + "\n")
    code, _, err = run_cli("lint", str(data), "--profile", "gemni", "--isolated")
    assert code == 2
    assert "gemni" in err and len(err.strip().splitlines()) == 1


def test_profiles_table_lists_limits() -> None:
    code, out, _ = run_cli("profiles", "--isolated")
    assert code == 0
    for name in available_profiles():
        assert f"\n{name}:" in "\n" + out
    assert "131,072" in out and "40,000" in out
