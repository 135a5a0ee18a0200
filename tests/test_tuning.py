"""H rules: tuning-request hyperparameters, from request bodies and from the config's [tuning] table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import validator
from rules.tuning import RULES, BadAdapterSize, BadEpochs, BadLearningRate, _adapter_size, _as_int, _as_number
from tests.conftest import run_json
from validator.api import Finding, Severity
from validator.errors import ConfigError

NAME50 = "lantern log summariser for the harbour night staff"
assert len(NAME50) == 50

# The acceptance body: a 50-character display name (Gemini API limit 40), both learningRate and
# learningRateMultiplier (a oneof), epochCount 0, and three inline examples, the second with an empty
# output. Line numbers below refer to this text.
GEMINI_BODY = """\
{
  "displayName": "lantern log summariser for the harbour night staff",
  "baseModel": "models/gemini-1.5-flash-001-tuning",
  "tuningTask": {
    "hyperparameters": {
      "batchSize": 2,
      "learningRate": 0.001,
      "learningRateMultiplier": 1.0,
      "epochCount": 0
    },
    "trainingData": {
      "examples": {
        "examples": [
          {"textInput": "Lantern code 1", "output": "The quay is clear."},
          {"textInput": "Lantern code 2", "output": ""},
          {"textInput": "Lantern code 3", "output": "A ship is docking."}
        ]
      }
    }
  }
}
"""

SNAKE_BODY = (
    GEMINI_BODY.replace('"displayName"', '"display_name"')
    .replace('"baseModel"', '"base_model"')
    .replace('"tuningTask"', '"tuning_task"')
    .replace('"batchSize"', '"batch_size"')
    .replace('"learningRateMultiplier"', '"learning_rate_multiplier"')
    .replace('"learningRate"', '"learning_rate"')
    .replace('"epochCount"', '"epoch_count"')
    .replace('"trainingData"', '"training_data"')
    .replace('"textInput"', '"text_input"')
)

H_EXPECTED = [
    ("H001", 9, Severity.WARNING, "/tuningTask/hyperparameters/epochCount"),
    ("H003", 8, Severity.ERROR, "/tuningTask/hyperparameters/learningRateMultiplier"),
    ("H004", 2, Severity.ERROR, "/displayName"),
]
H_EXPECTED_SNAKE = [
    ("H001", 9, Severity.WARNING, "/tuning_task/hyperparameters/epoch_count"),
    ("H003", 8, Severity.ERROR, "/tuning_task/hyperparameters/learning_rate_multiplier"),
    ("H004", 2, Severity.ERROR, "/display_name"),
]


def _h(findings: list[Finding]) -> list[tuple[str, int | None, Severity, str | None]]:
    return sorted((f.code, f.line, f.severity, f.field) for f in findings if f.code.startswith("H"))


def _codes(findings: list[Finding], prefix: str = "H") -> list[str]:
    return sorted(f.code for f in findings if f.code.startswith(prefix))


def _write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _vertex(
    tmp_path: Path,
    *,
    base: str = "gemini-2.5-flash",
    hyper: dict[str, Any] | None = None,
    display: str = "sports-classifier",
    name: str = "vertex.json",
) -> str:
    body = {
        "baseModel": base,
        "supervisedTuningSpec": {
            "trainingDatasetUri": "gs://my-bucket/train.jsonl",
            "hyperParameters": hyper if hyper is not None else {"epochCount": 4},
        },
        "tunedModelDisplayName": display,
    }
    return _write(tmp_path, name, json.dumps(body, indent=2) + "\n")


def _gemini_jsonl(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            record = {
                "text_input": f"Translate lantern signal number {i} into plain words for the harbour log.",
                "output": f"Signal {i}: the quay is clear and boat {i} may dock at berth {i % 7}.",
            }
            fh.write(json.dumps(record) + "\n")


# -- the Gemini API request body --------------------------------------------------------------------


def test_gemini_body_gets_exactly_h004_h003_h001(tmp_path: Path) -> None:
    report = validator.lint(_write(tmp_path, "request.json", GEMINI_BODY), isolated=True)
    assert _h(report.findings) == H_EXPECTED
    assert report.files[0].profile == "gemini"


def test_gemini_body_inline_examples_are_linted_as_records(tmp_path: Path) -> None:
    path = _write(tmp_path, "request.json", GEMINI_BODY)
    report = validator.lint(path, isolated=True)
    assert report.files[0].records == 3
    by_code = {f.code: f for f in report.findings if not f.code.startswith("H")}
    assert set(by_code) == {"L003", "S003"}
    assert by_code["L003"].severity is Severity.ERROR
    empty = by_code["S003"]
    assert (empty.line, empty.record, empty.field, empty.path) == (15, 2, "/output", path)
    assert all(f.path == path for f in report.findings)


def _examples_replaced(body: str, array: str) -> str:
    """``body`` with its inline examples array (written over lines 13-17) replaced by ``array``."""
    return body[: body.index("[\n")] + array + body[body.index("]\n") + 1 :]


@pytest.mark.parametrize("body", [GEMINI_BODY, SNAKE_BODY], ids=["camel", "snake"])
def test_gemini_body_with_no_examples_has_no_records(tmp_path: Path, body: str) -> None:
    """An empty examples list leaves the file without records (F005); the body itself is never read
    as a record (no F007 for its keys), and its hyperparameters are still linted on their lines."""
    report = validator.lint(_write(tmp_path, "request.json", _examples_replaced(body, "[]")), isolated=True)
    assert report.files[0].records == 0
    assert _codes(report.findings, "F") == ["F005"]
    assert not _codes(report.findings, "S")
    assert _h(report.findings) == (H_EXPECTED if body is GEMINI_BODY else H_EXPECTED_SNAKE)


def test_gemini_body_without_training_data_has_no_records(tmp_path: Path) -> None:
    data = json.loads(GEMINI_BODY)
    del data["tuningTask"]["trainingData"]
    report = validator.lint(_write(tmp_path, "request.json", json.dumps(data, indent=2)), isolated=True)
    assert report.files[0].records == 0
    assert _codes(report.findings, "F") == ["F005"]
    assert _codes(report.findings) == ["H001", "H003", "H004"]


def test_gemini_body_other_lists_are_not_records(tmp_path: Path) -> None:
    """With no examples, the body's other lists (of names, say) do not stand in for them."""
    data = json.loads(GEMINI_BODY)
    data["tuningTask"]["trainingData"]["examples"]["examples"] = []
    data["readerProjectIds"] = ["lantern-ops", "harbour-log"]
    report = validator.lint(_write(tmp_path, "request.json", json.dumps(data, indent=2)), isolated=True)
    assert report.files[0].records == 0
    assert _codes(report.findings, "F") == ["F005"]
    assert not _codes(report.findings, "S")


def test_gemini_body_examples_that_are_not_objects_are_records(tmp_path: Path) -> None:
    """Inline examples of the wrong type are records of their own, each reported on its line."""
    body = _examples_replaced(GEMINI_BODY, '[\n          "Lantern code 1",\n          7\n        ]')
    report = validator.lint(_write(tmp_path, "request.json", body), isolated=True)
    assert report.files[0].records == 2
    wrong = sorted((f.line, f.record) for f in report.findings if f.code == "S002")
    assert wrong == [(14, 1), (15, 2)]
    assert not _codes(report.findings, "F")


def test_snake_case_body_gives_the_same_findings(tmp_path: Path) -> None:
    camel = validator.lint(_write(tmp_path, "camel.json", GEMINI_BODY), isolated=True)
    snake = validator.lint(_write(tmp_path, "snake.json", SNAKE_BODY), isolated=True)
    assert _h(snake.findings) == H_EXPECTED_SNAKE
    assert sorted((f.code, f.line, f.severity) for f in snake.findings) == sorted(
        (f.code, f.line, f.severity) for f in camel.findings
    )


def test_clean_gemini_body_has_no_h_findings(tmp_path: Path) -> None:
    body = (
        GEMINI_BODY.replace(NAME50, "lantern log summariser")
        .replace('      "learningRateMultiplier": 1.0,\n', "")
        .replace('"epochCount": 0', '"epochCount": 5')
    )
    report = validator.lint(_write(tmp_path, "request.json", body), isolated=True)
    assert _h(report.findings) == []


def test_gemini_tuned_model_id_from_name(tmp_path: Path) -> None:
    body = GEMINI_BODY.replace("{\n", '{\n  "name": "tunedModels/Lantern_Log",\n', 1)
    report = validator.lint(_write(tmp_path, "request.json", body), isolated=True)
    assert ("H004", 2, Severity.ERROR, "/name") in _h(report.findings)
    good = body.replace("Lantern_Log", "lantern-log-2")
    assert ("H004", 2, Severity.ERROR, "/name") not in _h(
        validator.lint(_write(tmp_path, "good.json", good), isolated=True).findings
    )


def test_profile_override_changes_the_display_name_limit(tmp_path: Path) -> None:
    path = _write(tmp_path, "request.json", GEMINI_BODY)
    report = validator.lint(path, isolated=True, profile="vertex-gemini")
    assert "H004" not in _codes(report.findings)  # 50 <= 128


# -- the Vertex AI request body ---------------------------------------------------------------------


def test_vertex_sixteen_on_pro_is_h005(tmp_path: Path) -> None:
    path = _vertex(tmp_path, base="gemini-2.5-pro", hyper={"epochCount": 4, "adapterSize": "ADAPTER_SIZE_SIXTEEN"})
    report = validator.lint(path, isolated=True)
    assert _h(report.findings) == [("H005", 7, Severity.ERROR, "/supervisedTuningSpec/hyperParameters/adapterSize")]
    assert report.files[0].profile == "vertex-gemini"
    assert report.findings == [f for f in report.findings if f.code.startswith("H")]  # no F005, nothing else


@pytest.mark.parametrize(
    "base",
    [
        "gemini-2.5-flash",
        "gemini-2.5-flash-lite",
        "projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash",
    ],
)
def test_vertex_sixteen_on_flash_is_fine(tmp_path: Path, base: str) -> None:
    path = _vertex(tmp_path, base=base, hyper={"epochCount": 4, "adapterSize": "ADAPTER_SIZE_SIXTEEN"})
    report = validator.lint(path, isolated=True)
    assert report.findings == []


def test_vertex_pro_by_resource_name(tmp_path: Path) -> None:
    base = "projects/p/locations/us-central1/publishers/google/models/gemini-2.5-pro"
    path = _vertex(tmp_path, base=base, hyper={"adapterSize": "ADAPTER_SIZE_THIRTY_TWO"})
    assert _codes(validator.lint(path, isolated=True).findings) == ["H005"]


def test_vertex_display_name_limit(tmp_path: Path) -> None:
    at_limit = validator.lint(_vertex(tmp_path, display="v" * 128, name="a.json"), isolated=True)
    assert at_limit.findings == []
    over = validator.lint(_vertex(tmp_path, display="v" * 129, name="b.json"), isolated=True)
    assert _h(over.findings) == [("H004", 9, Severity.ERROR, "/tunedModelDisplayName")]
    assert "F005" not in _codes(over.findings, "F")


@pytest.mark.parametrize(
    ("value", "fires"),
    [
        ("ADAPTER_SIZE_EIGHT", False),
        ("ADAPTER_SIZE_UNSPECIFIED", False),
        ("ADAPTER_SIZE_SIXTEEN", True),
        ("adapter_size_four", True),  # proto JSON enum names are case-sensitive
        ("ADAPTER_SIZE_64", True),
        (1, False),  # enum number 1 is ADAPTER_SIZE_ONE: same meaning either way
        (0, False),  # ADAPTER_SIZE_UNSPECIFIED
        (3, True),  # enum number 3 is ADAPTER_SIZE_EIGHT (allowed) but does not mean size 3
        (4, True),  # enum number 4 is ADAPTER_SIZE_SIXTEEN: not size 4, and unsupported on Pro
        (16, True),  # no such enum number
        (None, True),
    ],
)
def test_vertex_adapter_size_values(tmp_path: Path, value: Any, fires: bool) -> None:
    path = _vertex(tmp_path, base="gemini-2.5-pro", hyper={"adapterSize": value})
    assert (_codes(validator.lint(path, isolated=True).findings) == ["H005"]) is fires


def test_vertex_unlisted_model_checks_only_the_value(tmp_path: Path) -> None:
    hyper = {"adapterSize": "ADAPTER_SIZE_THIRTY_TWO"}
    ok = _vertex(tmp_path, base="gemini-9-experimental", hyper=hyper, name="a.json")
    assert validator.lint(ok, isolated=True).findings == []
    bad = _vertex(tmp_path, base="gemini-9-experimental", hyper={"adapterSize": "BIG"}, name="b.json")
    assert _codes(validator.lint(bad, isolated=True).findings) == ["H005"]


def test_vertex_batch_size_is_never_compared_with_records(tmp_path: Path) -> None:
    # batch size is not a Vertex field; only the config can supply it, and a vertex body has no records
    path = _vertex(tmp_path, hyper={"epochCount": 4, "learningRateMultiplier": 1.0})
    assert validator.lint(path, isolated=True, config={"tuning": {"batch-size": 64}}).findings == []


# -- hyperparameters in the config --------------------------------------------------------------------


def test_config_file_tuning_is_reported_in_the_config(tmp_path: Path) -> None:
    config = tmp_path / "tunelint.toml"
    config.write_text("# tuning job settings\n[tuning]\nepochs = 0\nbatch-size = 64\n", encoding="utf-8")
    data = tmp_path / "train.jsonl"
    _gemini_jsonl(data, 30)
    report = validator.lint(str(data))
    found = sorted((f.code, f.path, f.line, f.field, f.severity) for f in report.findings if f.code.startswith("H"))
    assert [(c, Path(p).resolve(), line, field, sev) for c, p, line, field, sev in found] == [
        ("H001", config.resolve(), 3, "tuning.epochs", Severity.WARNING),
        ("H002", config.resolve(), 4, "tuning.batch-size", Severity.WARNING),
    ]


def test_config_in_pyproject(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nname = "x"\n\n[tool.tunelint.tuning]\nlearning-rate = 0.001\nlearning-rate-multiplier = 2.0\n',
        encoding="utf-8",
    )
    data = tmp_path / "train.jsonl"
    _gemini_jsonl(data, 30)
    report = validator.lint(str(data))
    found = [(f.code, Path(f.path).resolve(), f.line, f.field, f.severity) for f in report.findings if f.code == "H003"]
    assert found == [("H003", pyproject.resolve(), 6, "tuning.learning-rate-multiplier", Severity.ERROR)]


def test_config_mapping_tuning(tmp_path: Path) -> None:
    data = tmp_path / "train.jsonl"
    _gemini_jsonl(data, 30)
    report = validator.lint(str(data), config={"tuning": {"epochs": 0, "batch-size": 64}})
    found = sorted((f.code, f.path, f.line, f.field) for f in report.findings if f.code.startswith("H"))
    # no config file to point at: the findings stay on the dataset file, naming the config key
    assert found == [("H001", str(data), None, "tuning.epochs"), ("H002", str(data), None, "tuning.batch-size")]


def test_config_batch_size_compared_with_each_training_file(tmp_path: Path) -> None:
    small, large = tmp_path / "small.jsonl", tmp_path / "large.jsonl"
    _gemini_jsonl(small, 20)
    _gemini_jsonl(large, 40)
    report = validator.lint([str(small), str(large)], config={"tuning": {"batch-size": 30}})
    assert [(f.code, f.path) for f in report.findings if f.code.startswith("H")] == [("H002", str(small))]


def test_config_batch_size_not_compared_with_a_validation_file(tmp_path: Path) -> None:
    train, val = tmp_path / "train.jsonl", tmp_path / "val.jsonl"
    _gemini_jsonl(train, 30)
    with val.open("w", encoding="utf-8") as fh:
        for i in range(5):
            record = {"text_input": f"Held-out signal {i} for the evening log?", "output": f"Held {i}."}
            fh.write(json.dumps(record) + "\n")
    report = validator.lint(str(train), validation=str(val), config={"tuning": {"batch-size": 16}})
    assert _codes(report.findings) == []


@pytest.mark.parametrize(
    ("tuning", "profile", "expected"),
    [
        ({"adapter-size": 16, "base-model": "gemini-2.5-pro"}, "vertex-gemini", ["H005"]),
        ({"adapter-size": 8, "base-model": "gemini-2.5-pro"}, "vertex-gemini", []),
        ({"adapter-size": "ADAPTER_SIZE_SIXTEEN", "base-model": "gemini-2.5-flash"}, "vertex-gemini", []),
        ({"adapter-size": "adapter_size_sixteen", "base-model": "gemini-2.0-flash"}, "vertex-gemini", ["H005"]),
        ({"adapter-size": 3}, "vertex-gemini", ["H005"]),
        ({"adapter-size": 4}, "gemini", []),  # no adapter sizes in the gemini profile
        ({"display-name": "x" * 41}, "gemini", ["H004"]),
        ({"display-name": "x" * 41}, "vertex-gemini", []),
        ({"display-name": "  "}, "gemini", ["H004"]),
        ({"tuned-model-id": "9lives"}, "gemini", ["H004"]),
        ({"tuned-model-id": "lives-9"}, "gemini", []),
        ({"tuned-model-id": "Anything_Goes"}, "vertex-gemini", []),  # vertex sets no id pattern
        ({"epochs": 51}, "gemini", ["H001"]),
        ({"epochs": 50}, "gemini", []),
        ({"learning-rate": 1}, "gemini", ["H003"]),
        ({"learning-rate": 0.999}, "gemini", []),
        ({"learning-rate-multiplier": 0}, "gemini", ["H003"]),
        ({"learning-rate-multiplier": 10.5}, "gemini", ["H003"]),
        ({"batch-size": 0}, "gemini", ["H002"]),
        ({"batch-size": 30}, "gemini", []),
    ],
)
def test_config_values(tmp_path: Path, tuning: dict[str, Any], profile: str, expected: list[str]) -> None:
    data = tmp_path / "train.jsonl"
    _gemini_jsonl(data, 30)
    report = validator.lint(str(data), config={"tuning": tuning}, profile=profile)
    assert _codes(report.findings) == expected


def test_thresholds_are_options(tmp_path: Path) -> None:
    data = tmp_path / "train.jsonl"
    _gemini_jsonl(data, 30)
    config = {
        "tuning": {"epochs": 80, "learning-rate-multiplier": 20},
        "rules": {"H001": {"max-epochs": 100}, "bad-learning-rate": {"max-multiplier": 25.0}},
    }
    assert _codes(validator.lint(str(data), config=config).findings) == []
    config["rules"] = {"H001": {"max-epochs": 60}, "H003": {"max-multiplier": 15}}
    assert _codes(validator.lint(str(data), config=config).findings) == ["H001", "H003"]


@pytest.mark.parametrize("rules", [{"H001": {"max-epochs": 0}}, {"H003": {"max-multiplier": -1.0}}])
def test_bad_option_values_are_config_errors(tmp_path: Path, rules: dict[str, Any]) -> None:
    data = tmp_path / "train.jsonl"
    _gemini_jsonl(data, 30)
    with pytest.raises(ConfigError):
        validator.lint(str(data), config={"tuning": {"epochs": 5}, "rules": rules})


def test_no_tuning_no_h_findings(tmp_path: Path) -> None:
    data = tmp_path / "train.jsonl"
    _gemini_jsonl(data, 5)
    assert _codes(validator.lint(str(data), isolated=True).findings) == []


def test_severity_override_keeps_the_location(tmp_path: Path) -> None:
    config = tmp_path / "tunelint.toml"
    config.write_text('[tuning]\nepochs = 0\n\n[severity]\nH001 = "error"\n', encoding="utf-8")
    data = tmp_path / "train.jsonl"
    _gemini_jsonl(data, 30)
    [finding] = [f for f in validator.lint(str(data)).findings if f.code == "H001"]
    assert (finding.severity, Path(finding.path).resolve(), finding.line) == (Severity.ERROR, config.resolve(), 2)


# -- request-body value forms -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hyper", "expected"),
    [
        ({"epochCount": "5"}, []),  # proto JSON accepts int32 as a string
        ({"epochCount": 5.0}, []),
        ({"epochCount": 2.5}, ["H001"]),
        ({"epochCount": "five"}, ["H001"]),
        ({"epochCount": True}, ["H001"]),
        ({"epochCount": -3}, ["H001"]),
        ({"learningRateMultiplier": "0.5"}, []),
        ({"learningRateMultiplier": "NaN"}, ["H003"]),
        ({"learningRateMultiplier": "Infinity"}, ["H003"]),
        ({"learningRateMultiplier": -1}, ["H003"]),
    ],
)
def test_request_value_forms(tmp_path: Path, hyper: dict[str, Any], expected: list[str]) -> None:
    path = _vertex(tmp_path, hyper=hyper)
    assert _codes(validator.lint(path, isolated=True).findings) == expected


def test_gemini_batch_size_against_inline_examples(tmp_path: Path) -> None:
    fits = GEMINI_BODY.replace('"batchSize": 2', '"batchSize": 3')
    assert "H002" not in _codes(validator.lint(_write(tmp_path, "a.json", fits), isolated=True).findings)
    over = GEMINI_BODY.replace('"batchSize": 2', '"batchSize": 4')
    found = _h(validator.lint(_write(tmp_path, "b.json", over), isolated=True).findings)
    assert ("H002", 6, Severity.WARNING, "/tuningTask/hyperparameters/batchSize") in found


def test_both_rates_bad_rate_also_reported(tmp_path: Path) -> None:
    body = GEMINI_BODY.replace('"learningRate": 0.001', '"learningRate": 5')
    found = [x for x in _h(validator.lint(_write(tmp_path, "r.json", body), isolated=True).findings) if x[0] == "H003"]
    assert found == [
        ("H003", 7, Severity.WARNING, "/tuningTask/hyperparameters/learningRate"),
        ("H003", 8, Severity.ERROR, "/tuningTask/hyperparameters/learningRateMultiplier"),
    ]


# -- CLI ----------------------------------------------------------------------------------------------


def test_cli_end_to_end(tmp_path: Path) -> None:
    path = _write(tmp_path, "request.json", GEMINI_BODY)
    code, envelope = run_json(path)
    assert code == 1
    found = sorted(
        (f["code"], f["line"], f["severity"], f["field"], f["path"])
        for f in envelope["findings"]
        if f["code"].startswith("H")
    )
    assert found == [(c, line, sev.value, field, path) for c, line, sev, field in H_EXPECTED]


def test_cli_vertex_request(tmp_path: Path) -> None:
    path = _vertex(tmp_path, base="gemini-2.5-pro", hyper={"adapterSize": "ADAPTER_SIZE_SIXTEEN"})
    code, envelope = run_json(path)
    assert code == 1
    assert [(f["code"], f["line"], f["field"]) for f in envelope["findings"]] == [
        ("H005", 6, "/supervisedTuningSpec/hyperParameters/adapterSize")
    ]
    ok = _vertex(tmp_path, base="gemini-2.5-flash", hyper={"adapterSize": "ADAPTER_SIZE_SIXTEEN"}, name="ok.json")
    code, envelope = run_json(ok)
    assert (code, envelope["findings"]) == (0, [])


# -- rule metadata and helpers ---------------------------------------------------------------------


def test_rule_metadata() -> None:
    assert [r.code for r in RULES] == ["H001", "H002", "H003", "H004", "H005"]
    assert [r.name for r in RULES] == [
        "bad-epochs",
        "bad-batch-size",
        "bad-learning-rate",
        "bad-display-name",
        "bad-adapter-size",
    ]
    severities = [r.default_severity for r in RULES]
    assert severities == [Severity.WARNING] * 3 + [Severity.ERROR] * 2
    for rule in RULES:
        assert set(rule.doc_sections()) == {"What", "Why", "Example", "Fix"}, rule.code
        assert rule.summary
    assert dict(BadEpochs.option_fields()) == {"max_epochs": 50}
    assert dict(BadLearningRate.option_fields()) == {"max_multiplier": 10.0}


def test_rules_are_stateless_and_mergeable() -> None:
    for rule in RULES:
        instance = rule()
        instance.merge(rule())


def test_value_helpers() -> None:
    ints: tuple[Any, ...] = (5, 5.0, "5", " -2 ", 2.5, "x", True, None, float("inf"))
    assert [_as_int(v) for v in ints] == [5, 5, 5, -2, None, None, None, None, None]
    numbers: tuple[Any, ...] = (0.5, "0.5", 1, "nan", "inf", False, [])
    assert [_as_number(v) for v in numbers] == [0.5, 0.5, 1.0, None, None, None, None]
    assert _adapter_size("ADAPTER_SIZE_TWO", True) == (2, None)
    assert _adapter_size("ADAPTER_SIZE_UNSPECIFIED", True) == (0, None)
    assert _adapter_size(6, True) == (2, 6)  # enum number 6 is ADAPTER_SIZE_TWO
    assert _adapter_size(1, True) == (1, None)
    assert _adapter_size(7, True) == (None, None)
    assert _adapter_size(8, False) == (8, None)
    assert _adapter_size("8", False) == (8, None)
    assert _adapter_size("eight", False) == (None, None)
    assert _adapter_size(BadAdapterSize, False) == (None, None)
