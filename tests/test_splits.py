"""Train/validation pairing: --validation, [[datasets]] in config, and automatic pairing by name."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import validator
from tests.conftest import run_cli
from validator.api import Context, Finding, Rule, Severity
from validator.plugins import RuleRegistry
from validator.runner import run_lint
from validator.splits import plan_jobs, split_key


class RoleProbe(Rule):
    """What: reports each file's role and pair.

    Why: tests.

    Example: none.

    Fix: none.
    """

    code = "Z001"
    name = "role-probe"
    summary = "probe"
    default_severity = Severity.INFO

    def start(self, ctx: Context) -> Iterator[Finding]:
        yield self.finding(ctx, f"{ctx.file.role}|{ctx.file.pair}|{len(ctx.shared)}")


def _roles(source: object, **kw: object) -> dict[str, tuple[str, str]]:
    report = run_lint(
        source,
        explicit=None,
        overrides={},
        tool_version="test",
        registry=RuleRegistry([RoleProbe]),
        **kw,  # type: ignore[arg-type]
    )
    out = {}
    for f in report.findings:
        role, pair, _ = f.message.split("|")
        out[Path(f.path).name] = (role, Path(pair).name if pair != "None" else "None")
    return out


def _write(path: Path, n: int = 3) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps({"text_input": f"{path.stem} {i}", "output": "o"}) + "\n" for i in range(n)))
    return path


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("qa_train.jsonl", ("qa_{split}.jsonl", "train")),
        ("qa-valid.jsonl", ("qa-{split}.jsonl", "valid")),
        ("validation.csv", ("{split}.csv", "validation")),
        ("Test.tsv", ("{split}.tsv", "test")),
        ("eval.json", ("{split}.json", "eval")),
        ("val.jsonl", ("{split}.jsonl", "val")),
        ("trainer.jsonl", None),  # a split word must be a whole word
        ("train_val.jsonl", None),  # two split words: ambiguous, never paired
        ("data.jsonl", None),
    ],
)
def test_split_key(name: str, expected: tuple[str, str] | None) -> None:
    assert split_key(name) == expected


def test_automatic_pairing_by_split_word(tmp_path: Path) -> None:
    files = [_write(tmp_path / n) for n in ("qa_train.jsonl", "qa_valid.jsonl", "qa_test.jsonl", "other_val.jsonl")]
    roles = _roles([str(f) for f in files])
    assert roles == {
        "qa_train.jsonl": ("train", "None"),
        "qa_valid.jsonl": ("validation", "qa_train.jsonl"),
        "qa_test.jsonl": ("validation", "qa_train.jsonl"),
        "other_val.jsonl": ("None", "None"),  # no training file with the same name
    }


def test_different_extensions_are_not_paired(tmp_path: Path) -> None:
    a, b = _write(tmp_path / "train.jsonl"), _write(tmp_path / "valid.json")
    assert set(_roles([str(a), str(b)]).values()) == {("None", "None")}


def test_training_file_is_linted_before_its_validation_file(tmp_path: Path) -> None:
    val, train = _write(tmp_path / "valid.jsonl"), _write(tmp_path / "train.jsonl")
    jobs = plan_jobs([str(val), str(train)], [], lambda p: ())
    assert [Path(j.path).name for j in jobs] == ["train.jsonl", "valid.jsonl"]


def test_explicit_validation_option(tmp_path: Path) -> None:
    train, val = _write(tmp_path / "a.jsonl"), _write(tmp_path / "b.jsonl")
    assert _roles(str(train), validation=[str(val)]) == {
        "a.jsonl": ("train", "None"),
        "b.jsonl": ("validation", "a.jsonl"),
    }


def test_validation_needs_exactly_one_training_file(tmp_path: Path) -> None:
    a, b, v = _write(tmp_path / "a.jsonl"), _write(tmp_path / "b.jsonl"), _write(tmp_path / "v.jsonl")
    with pytest.raises(validator.UsageError):
        validator.lint([str(a), str(b)], validation=str(v), isolated=True)
    code, _out, err = run_cli("lint", str(a), str(b), "--validation", str(v))
    assert code == 2 and err.startswith("tunelint: error:")


def test_missing_validation_file_is_exit_2(tmp_path: Path) -> None:
    train = _write(tmp_path / "a.jsonl")
    code, _, err = run_cli("lint", "--isolated", str(train), "--validation", str(tmp_path / "nope.jsonl"))
    assert code == 2 and "nope.jsonl" in err


def test_datasets_in_config_pair_files_and_map_fields(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    for name in ("first.jsonl", "second.jsonl"):
        (tmp_path / "data" / name).write_text(
            "".join(json.dumps({"q": f"{name} {i}", "a": "x"}) + "\n" for i in range(25))
        )
    (tmp_path / ".tunelint.toml").write_text(
        '[[datasets]]\ntrain = "data/first.jsonl"\nvalidation = "data/second.jsonl"\n'
        'input-field = "q"\noutput-field = "a"\n'
    )
    roles = _roles(str(tmp_path / "data" / "first.jsonl"))
    # Linting the training file brings its validation file along.
    assert roles == {"first.jsonl": ("train", "None"), "second.jsonl": ("validation", "first.jsonl")}
    report = validator.lint(str(tmp_path / "data" / "second.jsonl"))
    assert sorted(Path(f.path).name for f in report.files) == ["first.jsonl", "second.jsonl"]
    assert {f.schema for f in report.files} == {"mapped"}  # the entry's field mapping applies
    assert not any(f.code == "F007" for f in report.findings)


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ('datasets = "x"', "datasets"),
        ('[[datasets]]\ntrain = "a.jsonl"', "validation"),
        ('[[datasets]]\ntrain = "a.jsonl"\nvalidation = "b.jsonl"\nsplit = 1', "split"),
        ('[[datasets]]\ntrain = 1\nvalidation = "b.jsonl"', "train"),
    ],
)
def test_bad_datasets_config_is_exit_2_naming_the_key(tmp_path: Path, toml: str, key: str) -> None:
    (tmp_path / "tunelint.toml").write_text(toml + "\n")
    data = _write(tmp_path / "a.jsonl")
    code, _, err = run_cli("lint", str(data))
    assert code == 2
    assert "tunelint.toml" in err and key in err
