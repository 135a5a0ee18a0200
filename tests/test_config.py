"""Configuration: discovery (``.tunelint.toml`` > ``tunelint.toml`` > ``pyproject.toml
[tool.tunelint]``, nearest to the linted file wins), precedence (command line beats config,
``--isolated``, ``--config PATH``), every key, and config errors (exit 2, naming file and key)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import validator
from tests.conftest import codes_at, run_cli
from tests.test_cli import varied_records, write_csv, write_jsonl


@pytest.fixture(autouse=True)
def _cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from tmp_path so no config of the checkout or the user is discovered by accident."""
    monkeypatch.chdir(tmp_path)


def lint_json(*args: str) -> tuple[int, dict[str, Any]]:
    """``tunelint lint --output-format json ARGS`` with config discovery on."""
    code, out, err = run_cli("lint", "--output-format", "json", *args)
    assert code in (0, 1), f"tool error (exit {code}): {err}"
    return code, json.loads(out)


def tool_error(*args: str) -> str:
    """Run ``tunelint lint ARGS`` expecting a one-line tool error; returns stderr."""
    code, out, err = run_cli("lint", *args)
    assert code == 2, (code, out, err)
    assert out == ""
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    return err


def codes(env: dict[str, Any]) -> set[str]:
    return {f["code"] for f in env["findings"]}


def dataset(directory: Path, name: str = "data.jsonl") -> Path:
    """25 records, the 3rd with an empty output: S003 (error) on line 3 and L004 (warning)."""
    records = varied_records(25)
    records[2]["output"] = ""
    return write_jsonl(directory / name, records)


def clean(directory: Path, name: str = "clean.jsonl") -> Path:
    """25 clean records: only L004 (warning)."""
    return write_jsonl(directory / name, varied_records(25))


def toml(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


DEFAULT = {"S003", "L004"}


# -- discovery -------------------------------------------------------------------------------------


def test_no_config_uses_defaults(tmp_path: Path) -> None:
    code, env = lint_json(str(dataset(tmp_path)))
    assert code == 1
    assert codes_at(env) == [("L004", None), ("S003", 3)]


def test_discovery_order_in_one_directory(tmp_path: Path) -> None:
    data = dataset(tmp_path / "proj")
    dot = toml(tmp_path / "proj" / ".tunelint.toml", 'select = ["S003"]\n')
    plain = toml(tmp_path / "proj" / "tunelint.toml", 'select = ["L004"]\n')
    toml(tmp_path / "proj" / "pyproject.toml", '[project]\nname = "x"\n\n[tool.tunelint]\nselect = ["F"]\n')
    assert codes(lint_json(str(data))[1]) == {"S003"}
    dot.unlink()
    assert codes(lint_json(str(data))[1]) == {"L004"}
    plain.unlink()
    code, env = lint_json(str(data))
    assert (code, codes(env)) == (0, set())


def test_pyproject_without_table_is_skipped_and_the_search_goes_on(tmp_path: Path) -> None:
    toml(tmp_path / "repo" / "tunelint.toml", 'select = ["S003"]\n')
    toml(tmp_path / "repo" / "pkg" / "pyproject.toml", '[project]\nname = "pkg"\n\n[tool.black]\nline-length = 99\n')
    data = dataset(tmp_path / "repo" / "pkg" / "data")
    code, env = lint_json(str(data))
    assert (code, codes(env)) == (1, {"S003"})


def test_pyproject_with_table_in_a_nearer_directory_wins(tmp_path: Path) -> None:
    toml(tmp_path / "repo" / ".tunelint.toml", 'select = ["S003"]\n')
    toml(tmp_path / "repo" / "pkg" / "pyproject.toml", '[tool.tunelint]\nselect = ["L004"]\n')
    data = dataset(tmp_path / "repo" / "pkg")
    assert codes(lint_json(str(data))[1]) == {"L004"}


def test_nearest_config_wins_over_a_higher_priority_name_further_up(tmp_path: Path) -> None:
    toml(tmp_path / "root" / ".tunelint.toml", 'select = ["L004"]\n')
    toml(tmp_path / "root" / "sub" / "tunelint.toml", 'select = ["S003"]\n')
    near = dataset(tmp_path / "root" / "sub" / "deep")
    far = dataset(tmp_path / "root" / "other")
    _, env = lint_json(str(near), str(far))
    found = {(Path(f["path"]).parent.name, f["code"]) for f in env["findings"]}
    assert found == {("deep", "S003"), ("other", "L004")}


def test_sibling_directories_with_different_configs_in_one_run(tmp_path: Path) -> None:
    toml(tmp_path / "data" / "a" / ".tunelint.toml", 'select = ["S003"]\n')
    toml(tmp_path / "data" / "b" / ".tunelint.toml", 'select = ["L004"]\nprofile = "gemini"\n')
    toml(tmp_path / "data" / "c" / "tunelint.toml", 'profile = "generic"\n')
    for name in "abc":
        dataset(tmp_path / "data" / name)
    code, env = lint_json("data")
    assert code == 1
    by_dir: dict[str, set[str]] = {}
    for f in env["findings"]:
        by_dir.setdefault(Path(f["path"]).parent.name, set()).add(f["code"])
    assert by_dir == {"a": {"S003"}, "b": {"L004"}, "c": {"S003"}}
    profiles = {Path(f["path"]).parent.name: f["profile"] for f in env["files"]}
    assert profiles == {"a": "gemini", "b": "gemini", "c": "generic"}


@pytest.mark.parametrize("order", [("strict", "lax"), ("lax", "strict")])
def test_fail_on_of_each_files_own_config_decides_the_exit(tmp_path: Path, order: tuple[str, str]) -> None:
    """A warning in a directory whose config says fail-on = warning fails the run, whatever the
    order of the files and whatever another directory's config says."""
    toml(tmp_path / "strict" / ".tunelint.toml", 'fail-on = "warning"\n')
    toml(tmp_path / "lax" / ".tunelint.toml", 'fail-on = "error"\n')
    clean(tmp_path / "strict")
    clean(tmp_path / "lax")
    code, env = lint_json(*order)
    assert code == 1
    assert env["ok"] is False
    code, env = lint_json("lax")
    assert (code, env["ok"]) == (0, True)
    code, env = lint_json("strict")
    assert (code, env["ok"]) == (1, False)


def test_lax_directory_does_not_fail_because_another_is_strict(tmp_path: Path) -> None:
    toml(tmp_path / "strict" / ".tunelint.toml", 'fail-on = "warning"\nignore = ["L004"]\n')
    clean(tmp_path / "strict")
    clean(tmp_path / "lax")  # a warning under the default fail-on (error)
    for order in (("strict", "lax"), ("lax", "strict")):
        code, env = lint_json(*order)
        assert (code, env["ok"]) == (0, True), order
        assert codes_at(env) == [("L004", None)]


def test_config_is_read_again_on_every_run(tmp_path: Path) -> None:
    data = clean(tmp_path / "proj")
    config = toml(tmp_path / "proj" / "tunelint.toml", 'fail-on = "error"\n')
    assert lint_json(str(data))[0] == 0
    assert validator.lint(str(data)).ok
    config.write_text('fail-on = "warning"\n', encoding="utf-8")
    assert lint_json(str(data))[0] == 1
    assert not validator.lint(str(data)).ok


def test_stdin_uses_the_config_of_the_working_directory(tmp_path: Path) -> None:
    toml(tmp_path / ".tunelint.toml", 'select = ["S003"]\n')
    text = "".join(json.dumps(r) + "\n" for r in varied_records(3)) + '{"text_input": "q", "output": ""}\n'
    code, out, _ = run_cli("lint", "--output-format", "json", "--format-in", "jsonl", "-", input=text)
    assert code == 1
    assert codes_at(json.loads(out)) == [("S003", 4)]


# -- precedence --------------------------------------------------------------------------------------------


def test_command_line_beats_config(tmp_path: Path) -> None:
    toml(tmp_path / ".tunelint.toml", 'select = ["S003"]\nfail-on = "warning"\nprofile = "generic"\n')
    data = dataset(tmp_path)
    code, env = lint_json("--select", "L004", "--fail-on", "error", "--profile", "gemini", str(data))
    assert (code, codes(env)) == (0, {"L004"})
    assert env["files"][0]["profile"] == "gemini"
    code, env = lint_json(str(data))
    assert (code, codes(env)) == (1, {"S003"})
    assert env["files"][0]["profile"] == "generic"


def test_command_line_fail_on_beats_config(tmp_path: Path) -> None:
    toml(tmp_path / "tunelint.toml", 'fail-on = "warning"\n')
    data = clean(tmp_path)
    assert lint_json(str(data))[0] == 1
    assert lint_json("--fail-on", "error", str(data))[0] == 0


def test_isolated_ignores_config(tmp_path: Path) -> None:
    toml(tmp_path / ".tunelint.toml", 'select = ["S003"]\n')
    data = dataset(tmp_path)
    assert codes(lint_json("--isolated", str(data))[1]) == DEFAULT
    toml(tmp_path / ".tunelint.toml", 'selcet = ["S003"]\n')  # even a broken one
    assert codes(lint_json("--isolated", str(data))[1]) == DEFAULT


def test_explicit_config_path_replaces_discovery(tmp_path: Path) -> None:
    toml(tmp_path / "data" / ".tunelint.toml", 'select = ["L004"]\n')
    data = dataset(tmp_path / "data")
    custom = toml(tmp_path / "conf" / "custom.toml", 'select = ["S003"]\n')
    assert codes(lint_json(str(data))[1]) == {"L004"}
    assert codes(lint_json("--config", str(custom), str(data))[1]) == {"S003"}


def test_explicit_pyproject(tmp_path: Path) -> None:
    data = dataset(tmp_path / "data")
    good = toml(tmp_path / "a" / "pyproject.toml", '[tool.tunelint]\nignore = ["L"]\n')
    assert codes(lint_json("--config", str(good), str(data))[1]) == {"S003"}
    bare = toml(tmp_path / "b" / "pyproject.toml", '[project]\nname = "b"\n')
    err = tool_error("--config", str(bare), str(data))
    assert "pyproject.toml" in err


# -- keys -----------------------------------------------------------------------------------------------------


def test_profile_key(tmp_path: Path) -> None:
    toml(tmp_path / ".tunelint.toml", 'profile = "generic"\n')
    code, env = lint_json(str(dataset(tmp_path)))
    assert env["files"][0]["profile"] == "generic"
    assert codes(env) == {"S003"}  # generic has no example counts
    assert code == 1


def test_task_key(tmp_path: Path) -> None:
    toml(tmp_path / ".tunelint.toml", 'task = "classification"\n')
    _, env = lint_json(str(clean(tmp_path)))
    assert (env["files"][0]["task"], env["files"][0]["task_inferred"]) == ("classification", False)


def test_select_extend_select_ignore_keys(tmp_path: Path) -> None:
    data = dataset(tmp_path)
    config = tmp_path / ".tunelint.toml"
    toml(config, 'select = ["S"]\nextend-select = ["below-recommended-examples"]\n')
    assert codes(lint_json(str(data))[1]) == {"S003", "L004"}
    toml(config, 'select = ["ALL"]\nignore = ["S003"]\n')
    assert codes(lint_json(str(data))[1]) == {"L004"}
    toml(config, 'ignore = "S003, L"\n')  # a comma-separated string is accepted too
    code, env = lint_json(str(data))
    assert (code, codes(env)) == (0, set())
    toml(config, 'extend-select = ["S003"]\nignore = ["L004"]\n')
    assert codes(lint_json(str(data))[1]) == {"S003"}


def test_fail_on_key(tmp_path: Path) -> None:
    data = clean(tmp_path)
    assert lint_json(str(data))[0] == 0
    toml(tmp_path / ".tunelint.toml", 'fail-on = "warning"\n')
    code, env = lint_json(str(data))
    assert (code, env["ok"]) == (1, False)


def test_severity_override_makes_a_warning_fail(tmp_path: Path) -> None:
    data = clean(tmp_path)
    toml(tmp_path / ".tunelint.toml", 'severity = {L004 = "error"}\n')
    code, env = lint_json(str(data))
    assert code == 1
    assert [f["severity"] for f in env["findings"]] == ["error"]
    assert env["summary"]["errors"] == 1 and env["summary"]["warnings"] == 0


def test_severity_override_can_downgrade(tmp_path: Path) -> None:
    data = dataset(tmp_path)
    toml(tmp_path / ".tunelint.toml", '[severity]\ns003 = "info"\nL004 = "Info"\n')
    code, env = lint_json(str(data))
    assert code == 0
    assert {(f["code"], f["severity"]) for f in env["findings"]} == {("S003", "info"), ("L004", "info")}
    assert env["summary"]["infos"] == 2


def test_per_file_ignores(tmp_path: Path) -> None:
    toml(tmp_path / ".tunelint.toml", '[per-file-ignores]\n"legacy/*.jsonl" = ["S"]\n"*.csv" = ["L004", "S003"]\n')
    dataset(tmp_path / "legacy")
    dataset(tmp_path / "current")
    records = varied_records(25)
    records[2]["output"] = ""
    write_csv(tmp_path / "current" / "table.csv", records)
    _, env = lint_json(".")
    by_file = {Path(f["path"]).as_posix(): set() for f in env["files"]}
    for f in env["findings"]:
        by_file[Path(f["path"]).as_posix()].add(f["code"])
    assert by_file == {
        "current/data.jsonl": {"S003", "L004"},
        "current/table.csv": set(),
        "legacy/data.jsonl": {"L004"},
    }


def test_per_file_ignores_are_relative_to_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    toml(tmp_path / "proj" / ".tunelint.toml", '[per-file-ignores]\n"data/*.jsonl" = ["S003"]\n')
    dataset(tmp_path / "proj" / "data")
    _, env = lint_json("proj")
    assert codes(env) == {"L004"}
    monkeypatch.chdir(tmp_path / "proj" / "data")
    _, env = lint_json("data.jsonl")
    assert codes(env) == {"L004"}


def test_exclude(tmp_path: Path) -> None:
    toml(tmp_path / ".tunelint.toml", 'exclude = ["skip_*.jsonl", "vendor/*"]\n')
    dataset(tmp_path / "data", "keep.jsonl")
    dataset(tmp_path / "data", "skip_me.jsonl")
    dataset(tmp_path / "vendor", "third_party.jsonl")
    _, env = lint_json(".")
    assert [Path(f["path"]).as_posix() for f in env["files"]] == ["data/keep.jsonl"]


def test_exclude_of_a_nested_config_applies_when_linting_from_above(tmp_path: Path) -> None:
    toml(tmp_path / "proj" / ".tunelint.toml", 'exclude = ["generated/*", "skip_*"]\n')
    dataset(tmp_path / "proj", "keep.jsonl")
    dataset(tmp_path / "proj", "skip_me.jsonl")
    dataset(tmp_path / "proj" / "generated", "out.jsonl")
    dataset(tmp_path / "other", "skip_not_here.jsonl")
    _, env = lint_json(".")
    assert sorted(Path(f["path"]).as_posix() for f in env["files"]) == [
        "other/skip_not_here.jsonl",
        "proj/keep.jsonl",
    ]


def test_input_and_output_field_keys(tmp_path: Path) -> None:
    rows = [{"question": r["text_input"], "answer": r["output"]} for r in varied_records(25)]
    data = write_jsonl(tmp_path / "qa.jsonl", rows)
    assert "F007" in codes(lint_json(str(data))[1])
    toml(tmp_path / ".tunelint.toml", 'input-field = "question"\noutput-field = "answer"\n')
    code, env = lint_json(str(data))
    assert (code, codes_at(env)) == (0, [("L004", None)])


def test_rule_options(tmp_path: Path) -> None:
    records = varied_records(25)
    records[3]["output"] = "nan"
    records[8]["output"] = "N/A"
    data = write_jsonl(tmp_path / "p.jsonl", records)
    _, env = lint_json("--select", "S006", str(data))
    assert codes_at(env) == [("S006", 4)]
    config = toml(tmp_path / ".tunelint.toml", '[rules.S006]\nvalues = ["N/A", "TBD"]\n')
    _, env = lint_json("--select", "S006", str(data))
    assert codes_at(env) == [("S006", 9)]
    toml(config, '[rules.placeholder-value]\nvalues = ["nan", "N/A"]\n')  # by name
    _, env = lint_json("--select", "S006", str(data))
    assert codes_at(env) == [("S006", 4), ("S006", 9)]


def test_config_with_every_key(tmp_path: Path) -> None:
    toml(
        tmp_path / "tunelint.toml",
        """
profile = "gemini"
task = "summarization"
select = ["S", "L"]
extend-select = ["F"]
ignore = ["S004"]
exclude = ["ignored/*"]
fail-on = "warning"
input-field = "text_input"
output-field = "output"

[severity]
S006 = "error"

[per-file-ignores]
"legacy/*" = ["S003"]

[rules.S006]
values = ["nan"]
""",
    )
    records = varied_records(25)
    records[0]["output"] = "nan"
    records[1]["extra"] = "x"
    write_jsonl(tmp_path / "main" / "d.jsonl", records)
    dataset(tmp_path / "legacy")
    dataset(tmp_path / "ignored")
    code, env = lint_json(".")
    assert code == 1
    assert sorted(Path(f["path"]).as_posix() for f in env["files"]) == ["legacy/data.jsonl", "main/d.jsonl"]
    found = {(Path(f["path"]).parent.name, f["code"], f["severity"]) for f in env["findings"]}
    assert found == {("main", "S006", "error"), ("main", "L004", "warning"), ("legacy", "L004", "warning")}
    assert {f["task"] for f in env["files"]} == {"summarization"}


# -- errors: exit 2, one line naming the file and the key -----------------------------------------------------

CONFIG_ERRORS = {
    "unknown key": ('selcet = ["S"]\n', "selcet"),
    "unknown key, far from any": ("colour = true\n", "colour"),
    "select not a list": ("select = 5\n", "select"),
    "select with numbers": ("select = [1, 2]\n", "select"),
    "ignore not a list": ("ignore = {S = 1}\n", "ignore"),
    "profile not a string": ("profile = 3\n", "profile"),
    "task not a string": ('task = ["general"]\n', "task"),
    "input-field not a string": ("input-field = 1\n", "input-field"),
    "severity not a table": ('severity = "error"\n', "severity"),
    "per-file-ignores not a table": ('per-file-ignores = ["x"]\n', "per-file-ignores"),
    "per-file-ignores codes not a list": ('[per-file-ignores]\n"*.csv" = 3\n', "per-file-ignores"),
    "rules not a table": ('rules = "S006"\n', "rules"),
    "rule options not a table": ("rules = {S006 = 1}\n", "S006"),
    "unknown fail-on": ('fail-on = "fatal"\n', "fail-on"),
    "fail-on not a string": ("fail-on = 2\n", "fail-on"),
    "unknown severity level": ('severity = {L004 = "fatal"}\n', "L004"),
    "unknown task": ('task = "poetry"\n', "task"),
    "unknown rule table": ("[rules.NOPE]\nvalues = []\n", "NOPE"),
    "unknown rule option": ('[rules.S006]\nvaluez = ["x"]\n', "valuez"),
    "wrong rule option type": ('[rules.S006]\nvalues = "nan"\n', "values"),
    "wrong rule option item type": ("[rules.placeholder-value]\nvalues = 3\n", "values"),
    "unknown selector in select": ('select = ["S0O3"]\n', "S0O3"),
    "unknown selector in ignore": ('ignore = ["not-a-rule"]\n', "not-a-rule"),
    "unknown profile": ('profile = "gemni"\n', "gemni"),
}


@pytest.mark.parametrize("name", ["tunelint.toml", ".tunelint.toml", "pyproject.toml"])
@pytest.mark.parametrize("case", list(CONFIG_ERRORS))
def test_config_errors_name_the_file_and_the_key(tmp_path: Path, case: str, name: str) -> None:
    text, key = CONFIG_ERRORS[case]
    if name == "pyproject.toml":
        text = "[tool.tunelint]\n" + text.replace("[rules.", "[tool.tunelint.rules.").replace(
            "[per-file-ignores]", "[tool.tunelint.per-file-ignores]"
        )
    config = toml(tmp_path / "proj" / name, text)
    data = dataset(tmp_path / "proj")
    err = tool_error(str(data))
    assert str(config) in err
    assert key in err
    # the same file named with --config gives the same error
    err = tool_error("--config", str(config), str(data))
    assert str(config) in err and key in err
    with pytest.raises(validator.ConfigError) as info:
        validator.lint(str(data))
    assert str(config) in str(info.value) and key in str(info.value)


def test_unknown_key_suggests_the_closest(tmp_path: Path) -> None:
    config = toml(tmp_path / "tunelint.toml", 'extend-selct = ["S"]\n')
    err = tool_error(str(dataset(tmp_path)))
    assert str(config) in err
    assert "did you mean 'extend-select'" in err
    toml(tmp_path / "tunelint.toml", "zzzzzz = 1\n")
    err = tool_error(str(dataset(tmp_path)))
    assert "zzzzzz" in err and "did you mean" not in err


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    config = toml(tmp_path / ".tunelint.toml", "select = [\n")
    err = tool_error(str(dataset(tmp_path)))
    assert str(config) in err


def test_invalid_pyproject_is_an_error_even_without_our_table(tmp_path: Path) -> None:
    """A pyproject.toml that is not valid TOML cannot be checked for [tool.tunelint]: say so."""
    config = toml(tmp_path / "pyproject.toml", "[project\n")
    err = tool_error(str(dataset(tmp_path)))
    assert str(config) in err


def test_config_error_is_not_masked_by_exit_zero(tmp_path: Path) -> None:
    toml(tmp_path / ".tunelint.toml", 'fail-on = "never"\n')
    tool_error("--exit-zero", str(dataset(tmp_path)))


def test_config_error_in_a_directory_that_is_not_linted_is_ignored(tmp_path: Path) -> None:
    toml(tmp_path / "broken" / ".tunelint.toml", "nonsense = 1\n")
    dataset(tmp_path / "broken")
    data = dataset(tmp_path / "fine")
    code, env = lint_json(str(data))
    assert (code, codes(env)) == (1, DEFAULT)


def test_rule_option_out_of_range_is_a_config_error(tmp_path: Path) -> None:
    from tests.conftest import run_cli

    (tmp_path / "tunelint.toml").write_text("[rules.D005]\nthreshold = 1.5\n")
    data = tmp_path / "d.jsonl"
    data.write_text('{"text_input": "a", "output": "b"}\n')
    code, _, err = run_cli("lint", "--extend-select", "D005", str(data))
    assert code == 2
    assert "tunelint.toml" in err and "D005" in err and "internal error" not in err
