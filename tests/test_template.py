"""T rules (template consistency): marker extraction, every threshold on both sides, the published
template, the real datasets in ../shared/datasets, and the hard requirement that free-form, varied
data produces no T finding (property-tested with hypothesis)."""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import validator
from rules.template import InconsistentPreamble, markers_of
from rules.template.anchors import _common_prefix
from tests.conftest import GOLDEN, SAMPLES, run_json
from tests.varied_text import varied_input, varied_output, varied_records
from validator.api import Context, Example, FileFacts, Profile
from validator.report import Report

T_CODES = ("T001", "T002", "T003", "T004", "T006")
Found = list[tuple[str, int | None, str | None]]


def lint_t(source: object, **options: Any) -> Report:
    return validator.lint(source, isolated=True, select=list(T_CODES), **options)


def found(report: Report, code: str | None = None) -> Found:
    return [(f.code, f.line, f.field) for f in report.findings if code is None or f.code == code]


def rules_config(code: str, **values: Any) -> dict[str, Any]:
    return {"rules": {code: values}}


def rng_for(name: str) -> random.Random:
    return random.Random(name)


# -- T001: marker extraction --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "markers"),
    [
        ("question: Who wrote it? context: A play.", ("question:", "context:")),
        ("question: who wrote hamlet context: Hamlet is a play", ("question:", "context:")),  # inline
        ("Question: a\nContext: b\nAnswer:", ("Question:", "Context:", "Answer:")),
        (
            "### Instruction:\nDo it.\n\n### Input:\nx\n\n### Response:",
            ("### Instruction:", "### Input:", "### Response:"),
        ),
        ("**Question:** why not?", ("Question:",)),
        ("Customer review: great soup.", ("Customer review:",)),
        ("Note: this happened once.", ("Note:",)),
        ("Question: a\nQUESTION: b", ("Question:",)),  # one marker per label, first spelling kept
        ("问题：天空是什么颜色？\n上下文：晴天", ("问题:", "上下文:")),
        # not labels: URLs, times, ratios, abbreviations, prose colons in free text
        ("See https://example.org/a and mailto:x@y.z at 10:30.", ()),
        ("Some things (e.g.: a jar) were lost; ratio 3:1.", ()),
        ("Please summarise the following: the storm passed.", ()),  # four words: prose
        ("It was 7:45 by then, the clock said so", ()),
        ("", ()),
    ],
)
def test_markers_of(text: str, markers: tuple[str, ...]) -> None:
    assert markers_of(text) == markers


def qc_input(rng: random.Random) -> str:
    return f"question: {varied_input(rng).splitlines()[0]} context: {varied_output(rng).splitlines()[0]}"


def marker_records(conforming: int, total: int, seed: str = "markers") -> list[dict[str, str]]:
    """``conforming`` "question: ... context: ..." inputs, the rest free-form without those labels,
    interleaved."""
    rng = rng_for(seed)
    rows = [{"text_input": qc_input(rng), "output": varied_output(rng)} for _ in range(conforming)]
    rows += [{"text_input": varied_input(rng), "output": varied_output(rng)} for _ in range(total - conforming)]
    rng.shuffle(rows)
    return rows


# -- T001 ---------------------------------------------------------------------------------------------


def test_t001_golden_120_records_six_deviants() -> None:
    report = lint_t(str(GOLDEN / "T001" / "positive.jsonl"))
    findings = [f for f in report.findings if f.code == "T001"]
    assert [f.line for f in findings] == [7, 23, 41, 58, 77, 103]
    assert all("114 of 120" in f.message and "`question:` → `context:`" in f.message for f in findings)
    by_line = {f.line: f.message for f in findings}
    for line in (41, 103):
        assert "`Question:`" in by_line[line] and "case variant" in by_line[line]
    for line in (7, 58):
        assert "order" in by_line[line] and "case variant" not in by_line[line]
    for line in (23, 77):
        assert "lacks `context:`" in by_line[line]
    assert all(f.field == "/text_input" and f.record == f.line for f in findings)
    assert report.files[0].template == {"markers": ["question:", "context:"], "share": 0.95}
    assert not found(report, "T002") and not found(report, "T003")


@pytest.mark.parametrize(("conforming", "flagged"), [(60, 40), (59, 0)])
def test_t001_share_threshold(conforming: int, flagged: int) -> None:
    report = lint_t(marker_records(conforming, 100))
    assert len(found(report, "T001")) == flagged
    assert (report.files[0].template or {}).get("markers") == (["question:", "context:"] if flagged else None)


def test_t001_share_option() -> None:
    records = marker_records(59, 100)
    assert len(found(lint_t(records, config=rules_config("T001", share=0.55)), "T001")) == 41
    assert not found(lint_t(marker_records(70, 100), config=rules_config("T001", share=0.75)), "T001")


@pytest.mark.parametrize(("total", "flagged"), [(19, 0), (20, 1)])
def test_t001_min_examples(total: int, flagged: int) -> None:
    rng = rng_for("min")
    rows = [{"text_input": qc_input(rng), "output": "x"} for _ in range(total - 1)]
    rows.insert(5, {"text_input": "context: c question: q", "output": "x"})
    assert len(found(lint_t(rows), "T001")) == flagged
    assert len(found(lint_t(rows[:12], config=rules_config("T001", min_examples=10)), "T001")) == 1


def test_t001_stray_prose_markers_do_not_break_the_template() -> None:
    """Labels few inputs carry (``Note:``, ``The reason:``) are not part of the template."""
    rng = rng_for("prose")
    rows = []
    for i in range(100):
        text = qc_input(rng)
        if i % 3 == 0:
            text += " Note: this happened at 10:30. The reason: nobody asked."
        if i % 7 == 0:
            text = "Note: urgent.\n" + text
        rows.append({"text_input": text, "output": varied_output(rng)})
    report = lint_t(rows)
    assert not found(report, "T001")
    assert report.files[0].template == {"markers": ["question:", "context:"], "share": 1.0}


def test_t001_optional_marker_under_the_threshold_is_no_template() -> None:
    """question: everywhere, context: in half: the dominant sequence is just ``question:``."""
    rng = rng_for("optional")
    rows = [
        {"text_input": qc_input(rng) if i % 2 else f"question: {varied_input(rng)}", "output": "x"} for i in range(50)
    ]
    report = lint_t(rows)
    assert not found(report, "T001")
    assert report.files[0].template == {"markers": ["question:"], "share": 1.0}


# -- T002 ---------------------------------------------------------------------------------------------

PREAMBLE = "Classify the sentiment of this review as positive, negative or neutral.\n\n"


def preamble_records(with_preamble: int, total: int, seed: str = "preamble") -> list[dict[str, str]]:
    rng = rng_for(seed)
    rows = [{"text_input": PREAMBLE + varied_input(rng), "output": "positive"} for _ in range(with_preamble)]
    rows += [{"text_input": varied_input(rng), "output": "negative"} for _ in range(total - with_preamble)]
    rng.shuffle(rows)
    return rows


def test_t002_golden_preamble_and_variant_first() -> None:
    """Record 1 is a variant preamble sharing the first 29 characters; the real one is still found."""
    report = lint_t(str(GOLDEN / "T002" / "positive.jsonl"))
    findings = [f for f in report.findings if f.code == "T002"]
    assert [f.line for f in findings] == [1, 12, 25, 33, 48, 60, 71, 80, 94, 99]
    assert all("90 of 100" in f.message for f in findings)
    assert report.files[0].template == {"preamble": PREAMBLE}


@pytest.mark.parametrize(("with_preamble", "flagged"), [(80, 20), (79, 0)])
def test_t002_share_threshold(with_preamble: int, flagged: int) -> None:
    report = lint_t(preamble_records(with_preamble, 100))
    assert len(found(report, "T002")) == flagged
    assert (report.files[0].template or {}).get("preamble") == (PREAMBLE if flagged else None)
    assert len(found(lint_t(preamble_records(with_preamble, 100), config=rules_config("T002", share=0.79)), "T002"))


@pytest.mark.parametrize(
    ("preamble", "flagged"),
    [("Answer in one word:\n", 0), ("Answer in one word.\n\n", 0), ("Answer in two words.\n", 5)],
)
def test_t002_min_length(preamble: str, flagged: int) -> None:
    assert len(preamble.strip()) in (19, 20)
    rng = rng_for("short")
    rows = [{"text_input": (preamble if i % 20 else "") + varied_input(rng), "output": "x"} for i in range(100)]
    assert len(found(lint_t(rows), "T002")) == flagged


def test_t002_leading_whitespace_is_t004s_business() -> None:
    rng = rng_for("lead")
    rows = [{"text_input": (" " if i < 3 else "") + PREAMBLE + varied_input(rng), "output": "x"} for i in range(100)]
    report = lint_t(rows)
    assert not found(report, "T002")
    assert found(report, "T004") == [("T004", n, "/text_input") for n in (1, 2, 3)]


def test_t002_preamble_ends_at_a_boundary_not_inside_content() -> None:
    """Most articles start with "The ": the preamble still ends after the instruction line."""
    rng = rng_for("content")
    rows = []
    for i in range(100):
        start = "The " if i % 10 < 9 else "A "
        prefix = "Summarize the following article:\n\n" if i % 10 else ""
        rows.append({"text_input": prefix + start + varied_input(rng).lower(), "output": "x"})
    report = lint_t(rows)
    assert found(report, "T002") == [("T002", n, "/text_input") for n in range(1, 101, 10)]
    assert report.files[0].template == {"preamble": "Summarize the following article:\n\n"}


def test_t002_no_boundary_no_preamble() -> None:
    """A shared question opening ("What is the capital of ") is not a preamble."""
    rows = [{"text_input": f"What is the capital of country {i}?", "output": f"City {i}"} for i in range(85)]
    rows += [{"text_input": f"Which city is the capital of land {i}?", "output": f"Town {i}"} for i in range(15)]
    assert not found(lint_t(rows), "T002")


def test_t002_many_distinct_openings_before_the_preamble() -> None:
    """Hundreds of distinct openings (more than the rule tracks) before and among the preamble
    records: the deviants are still all found, exactly."""
    rng = rng_for("evict")
    mixed = [PREAMBLE + varied_input(rng) for _ in range(850)] + [f"{i:04d} {varied_input(rng)}" for i in range(50)]
    rng.shuffle(mixed)
    texts = [f"{i:04d} {varied_input(rng)}" for i in range(100, 200)] + mixed
    report = lint_t([{"text_input": t, "output": "x"} for t in texts])
    deviants = [n for n, t in enumerate(texts, start=1) if not t.startswith(PREAMBLE)]
    assert len(deviants) == 150
    assert found(report, "T002") == [("T002", n, "/text_input") for n in deviants]


def test_t002_state_is_bounded() -> None:
    """No text is kept per record: references are capped whatever the number of records."""
    rule = InconsistentPreamble()
    ctx = Context(profile=Profile(name="generic"), task="general", file=FileFacts(path="x", format="jsonl"))
    rng = rng_for("bounded")
    for i in range(5000):
        example = Example(
            index=i + 1, line=i + 1, input_text=f"{i} {varied_input(rng)}", output_text="x", schema="gemini"
        )
        list(rule.check(example, ctx))
    anchors = rule._anchors
    assert len(anchors) == 5000
    assert len(anchors._refs) <= anchors._KEYS * anchors._REFS_PER_KEY
    assert sum(len(t) for t in anchors._refs.values()) <= anchors._KEYS * anchors._REFS_PER_KEY * anchors.window
    assert not list(rule.finish(ctx))


# -- T003 ---------------------------------------------------------------------------------------------


def test_t003_golden_separators_and_published_suffixes() -> None:
    report = lint_t(str(GOLDEN / "T003" / "positive_legacy.jsonl"))
    assert sorted(found(report, "T003")) == [
        ("T003", 4, "/prompt"),
        ("T003", 17, "/completion"),
        ("T003", 40, "/completion"),
        ("T003", 40, "/prompt"),
        ("T003", 66, "/completion"),
    ]
    assert report.files[0].template == {"input_suffix": "\n\n###\n\n", "output_suffix": " END"}


@pytest.mark.parametrize(("ending", "flagged"), [(80, 20), (79, 0)])
def test_t003_share_threshold(ending: int, flagged: int) -> None:
    rng = rng_for("suffix")
    rows = [
        {"text_input": varied_input(rng), "output": varied_output(rng) + (" END" if i < ending else "")}
        for i in range(100)
    ]
    rng.shuffle(rows)
    report = lint_t(rows)
    assert len(found(report, "T003")) == flagged
    assert (report.files[0].template or {}).get("output_suffix") == (" END" if flagged else None)


def test_t003_answer_cue() -> None:
    rng = rng_for("cue")
    rows = [{"text_input": varied_input(rng) + ("\nAnswer:" if i % 20 else ""), "output": "x"} for i in range(100)]
    report = lint_t(rows)
    assert found(report, "T003") == [("T003", n, "/text_input") for n in range(1, 101, 20)]
    # A trailing cue is also a field marker: T001 reports the same five inputs (it lacks `Answer:`).
    assert report.files[0].template == {"input_suffix": "\nAnswer:", "markers": ["Answer:"], "share": 0.95}
    assert found(report, "T001") == [("T001", n, "/text_input") for n in range(1, 101, 20)]


def test_t003_trailing_spaces_are_ignored() -> None:
    rng = rng_for("spaces")
    rows = [
        {"text_input": varied_input(rng), "output": varied_output(rng) + " END" + (" " if i == 4 else "")}
        for i in range(50)
    ]
    report = lint_t(rows)
    assert not found(report, "T003")
    assert found(report, "T004") == [("T004", 5, "/output")]


@pytest.mark.parametrize(
    "make_output",
    [
        lambda i, rng: varied_output(rng).rstrip(".?!") + ".",  # sentence punctuation is no separator
        lambda i, rng: ["positive", "negative", "inconclusive"][i % 3],  # shared word endings
        lambda i, rng: f"${i}.{'00' if i % 10 else '50'}",  # digits
        lambda i, rng: json.dumps({"a": i}, indent=2) if i % 10 else json.dumps({"a": i}),  # "\n}" / "}"
        lambda i, rng: f"[{i}, {i + 1}]" if i % 10 else f"({i})",  # brackets
    ],
    ids=["period", "word-ending", "digits", "json-brace", "brackets"],
)
def test_t003_no_separator(make_output: Callable[[int, random.Random], str]) -> None:
    rng = rng_for("nosep")
    rows = [{"text_input": varied_input(rng), "output": make_output(i, rng)} for i in range(100)]
    report = lint_t(rows)
    assert not found(report, "T003")
    assert "output_suffix" not in (report.files[0].template or {})


# -- T004 ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("stray", "flagged"), [(10, 10), (11, 0)])
def test_t004_stray_threshold(stray: int, flagged: int) -> None:
    rng = rng_for("stray")
    rows = [
        {"text_input": varied_input(rng), "output": varied_output(rng) + (" " if i < stray else "")} for i in range(100)
    ]
    report = lint_t(rows)
    assert found(report, "T004") == [("T004", n, "/output") for n in range(1, flagged + 1)]
    assert all(f.fixable for f in report.findings if f.code == "T004")


@pytest.mark.parametrize(("spaced", "flagged"), [(90, 10), (89, 0)])
def test_t004_missing_convention_threshold(spaced: int, flagged: int) -> None:
    """The OpenAI legacy convention: completions start with a space."""
    rng = rng_for("legacy")
    rows = [
        {"prompt": varied_input(rng), "completion": (" " if i >= 100 - spaced else "") + varied_output(rng)}
        for i in range(100)
    ]
    report = lint_t(rows)
    assert found(report, "T004") == [("T004", n, "/completion") for n in range(1, flagged + 1)]
    assert all("lacks the leading whitespace" in f.message for f in report.findings if f.code == "T004")


def test_t004_one_finding_per_field_for_both_ends() -> None:
    rng = rng_for("both")
    rows = [{"text_input": varied_input(rng), "output": varied_output(rng)} for _ in range(30)]
    rows[6]["output"] = " " + rows[6]["output"] + "\n"
    report = lint_t(rows)
    (finding,) = [f for f in report.findings if f.code == "T004"]
    assert (finding.line, finding.field) == (7, "/output")
    assert "leading" in finding.message and "trailing" in finding.message


def test_t004_trailing_newline_convention_is_t003s() -> None:
    report = lint_t(str(GOLDEN / "T004" / "negative_trailing_newline_convention.jsonl"))
    assert not found(report, "T004")
    assert found(report, "T003") == [("T003", n, "/output") for n in (1, 21, 41, 61, 81)]
    assert report.files[0].template == {"output_suffix": "\n"}


# -- T006 ---------------------------------------------------------------------------------------------


def json_records(valid: int, total: int) -> list[dict[str, str]]:
    rng = rng_for("json")
    rows = [{"text_input": varied_input(rng), "output": json.dumps({"label": i, "ok": True})} for i in range(valid)]
    rows += [{"text_input": varied_input(rng), "output": varied_output(rng)} for _ in range(total - valid)]
    rng.shuffle(rows)
    return rows


@pytest.mark.parametrize(("valid", "flagged"), [(80, 20), (79, 0)])
def test_t006_share_threshold(valid: int, flagged: int) -> None:
    report = lint_t(json_records(valid, 100))
    assert len(found(report, "T006")) == flagged
    assert (report.files[0].template or {}).get("json_outputs") is (True if flagged else None)


def test_t006_golden_broken_outputs() -> None:
    report = lint_t(str(GOLDEN / "T006" / "positive.jsonl"))
    findings = [f for f in report.findings if f.code == "T006"]
    assert [(f.line, f.field) for f in findings] == [(13, "/output"), (37, "/output")]
    assert all("48 of 50" in f.message and "does not parse" in f.message for f in findings)
    assert report.files[0].template == {"json_outputs": True}


def test_t006_scalars_and_fences_are_not_json_objects() -> None:
    rows = json_records(40, 40)
    rows[3]["output"] = "42"
    rows[9]["output"] = '```json\n{"label": 1}\n```'
    rows[12]["output"] = "{'label': 1}"
    report = lint_t(rows)
    assert found(report, "T006") == [("T006", n, "/output") for n in (4, 10, 13)]
    messages = [f.message for f in report.findings if f.code == "T006"]
    assert "code fence" in messages[1] and "does not parse" in messages[2]


# -- the JSON envelope --------------------------------------------------------------------------------


def test_envelope_reports_the_template() -> None:
    _, envelope = run_json(str(GOLDEN / "T001" / "positive.jsonl"))
    assert envelope["files"][0]["template"] == {"markers": ["question:", "context:"], "share": 0.95}
    _, envelope = run_json(str(GOLDEN / "T003" / "positive_legacy.jsonl"))
    assert envelope["files"][0]["template"] == {"input_suffix": "\n\n###\n\n", "output_suffix": " END"}
    _, envelope = run_json(str(GOLDEN / "T006" / "positive_pretty.csv"))
    assert envelope["files"][0]["template"] == {"json_outputs": True}
    assert {f["code"] for f in envelope["findings"]} >= {"T006"}
    _, envelope = run_json(str(GOLDEN / "T002" / "negative_varied.jsonl"))
    assert envelope["files"][0]["template"] is None


def test_template_only_with_selected_rules() -> None:
    """A deselected rule neither reports nor publishes."""
    report = validator.lint(str(GOLDEN / "T001" / "positive.jsonl"), isolated=True, ignore=["T001"])
    assert not found(report, "T001")
    assert report.files[0].template is None


# -- free-form data: no T finding ---------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted((SAMPLES / "good").iterdir()), ids=lambda p: p.name)
def test_good_samples_have_no_template_findings(path: Path) -> None:
    report = lint_t(str(path))
    assert report.findings == []
    template = report.files[0].template
    if path.name.startswith("chat_"):
        # The chats share one system instruction: it is the detected preamble, and no input lacks it.
        assert template == {"preamble": "Answer concisely and accurately.\n"}
    else:
        assert template is None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(20, 250))
def test_varied_text_has_no_template_findings(seed: int, n: int) -> None:
    report = lint_t(varied_records(n, seed))
    assert report.findings == []
    assert report.files[0].template is None


_PIECES = [*"ab :\n.?#{}[]\"'QqEND ", "question: ", "context: ", "Q: ", "\n\n###\n\n", " END", "{}", "[1]"]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_TEXT, _TEXT), min_size=0, max_size=60))
def test_arbitrary_text_never_breaks_the_rules(pairs: Sequence[tuple[str, str]]) -> None:
    """Whatever the texts, the rules finish, flag only a minority and point at real records."""
    rows = [{"text_input": i, "output": o} for i, o in pairs]
    report = lint_t(rows) if rows else None
    if report is None:
        return
    for code in T_CODES:
        for role in ("/text_input", "/output"):
            lines = [f.line for f in report.findings if f.code == code and f.field == role]
            assert len(lines) == len(set(lines))
            assert len(lines) * 2 < max(len(rows), 1) or not lines
            assert all(line is not None and 1 <= line <= len(rows) for line in lines)


# -- the real datasets in ../shared/datasets ----------------------------------------------------------


def _csv_rows(path: Path, encoding: str = "utf-8") -> list[tuple[int, dict[str, str]]]:
    """``(start line, row)`` of every CSV data row, computed with the csv module."""
    with open(path, encoding=encoding, newline="") as handle:
        reader = csv.DictReader(handle)
        rows: list[tuple[int, dict[str, str]]] = []
        previous = 1
        for row in reader:
            rows.append((previous + 1, row))
            previous = reader.line_num
    return rows


def _whitespace_findings(
    rows: list[tuple[int, dict[str, str]]], column: str, field: str, end: str
) -> set[tuple[str, int | None, str | None]]:
    pick: Callable[[str], bool] = (lambda s: s[:1].isspace()) if end == "leading" else (lambda s: s[-1:].isspace())
    return {("T004", line, field) for line, row in rows if pick(row[column])}


REAL: list[tuple[str, Mapping[str, str]]] = [
    ("gemini-cookbook__increment_tuning_data.json", {}),
    ("llamafactory__alpaca_en_demo.json", {}),
    ("llamafactory__alpaca_zh_demo.json", {}),
    ("openai-cookbook__dbpedia_samples.jsonl", {"input_field": "text", "output_field": "category"}),
    ("openai-cookbook__AG_news_samples.csv", {"input_field": "description", "output_field": "label"}),
    ("openai-cookbook__labelled_transactions.csv", {"input_field": "Description", "output_field": "Classification"}),
    ("openai-cookbook__25000_spend_dataset_current.csv", {"input_field": "Description", "output_field": "Supplier"}),
    ("openai-cookbook__drone_training.jsonl", {}),
    ("openai-cookbook__toy_chat_fine_tuning.jsonl", {}),
]


def _expected_real(name: str, path: Path) -> set[tuple[str, int | None, str | None]]:
    """The T findings each real dataset must produce, and why."""
    if name == "openai-cookbook__AG_news_samples.csv":
        # 172 of the 2,000 descriptions start with a space (" GAZA (Reuters) - ..."): 1,828 (91.4%)
        # do not, so those 172 are stray leading whitespace (T004). 221 descriptions end with a
        # space, but 1,779 (88.95%) is under the 90% convention: no trailing finding. The labels
        # (World, Sports, Business, Sci/Tech) have no whitespace. No markers ("BRITAIN:" opens a few
        # descriptions only), no shared opening or separator, no JSON.
        rows = _csv_rows(path)
        expected = _whitespace_findings(rows, "description", "description", "leading")
        assert len(expected) == 172
        return expected
    if name == "openai-cookbook__labelled_transactions.csv":
        # Five "Non Domestic Rates " descriptions (lines 96-101) end with a space the other 96 lack.
        rows = _csv_rows(path)
        expected = _whitespace_findings(rows, "Description", "Description", "trailing")
        assert {line for _, line, _ in expected} == {96, 97, 99, 100, 101}
        return expected
    if name == "openai-cookbook__25000_spend_dataset_current.csv":
        # Unlabelled spend data mapped Description -> Supplier: 9 descriptions ("Non Domestic Rates ")
        # and 2 suppliers end with a space that 350 and 357 of 359 rows lack (cp1252 file).
        rows = _csv_rows(path, encoding="cp1252")
        expected = _whitespace_findings(rows, "Description", "Description", "trailing")
        expected |= _whitespace_findings(rows, "Supplier", "Supplier", "trailing")
        assert len(expected) == 11
        return expected
    # dbpedia: every text starts with a space (200 of 200): a convention, not stray whitespace, and
    # the 14 category names share no separator. Alpaca en/zh: free-form instructions, no dominant
    # markers, preamble, separator or JSON. The Gemini number sequence: 15 records, under the
    # 20-example minimum (and untemplated anyway). Toy chat: 5 records. Drone: every input opens with
    # the same system message, which is the detected preamble (no deviation, so no finding).
    return set()


@pytest.mark.parametrize(("name", "mapping"), REAL, ids=[n for n, _ in REAL])
def test_real_dataset_template_findings(
    name: str, mapping: Mapping[str, str], shared_dataset: Callable[[str], Path]
) -> None:
    path = shared_dataset(name)
    report = lint_t(str(path), **mapping)
    got = found(report)
    assert len(got) == len(set(got))
    assert set(got) == _expected_real(name, path)
    template = report.files[0].template
    if name == "openai-cookbook__drone_training.jsonl":
        assert template is not None
        assert template["preamble"].startswith("You are an intelligent AI that controls a drone.")
    else:
        assert template is None


def test_t003_long_repeated_tail_is_content_not_a_separator() -> None:
    """Most inputs end with the same 300+ characters (pasted boilerplate): no separator."""
    tail = " Harbour staff logged the lanterns along the quay before dawn." * 6
    rows = [{"text_input": f"Log {i}." + tail, "output": f"Entry {i}."} for i in range(40)]
    rows.append({"text_input": "Log 40. " + "z" * 50, "output": "Last."})
    report = lint_t(rows)
    assert not found(report, "T003")
    assert "input_suffix" not in (report.files[0].template or {})


def test_t004_trailing_whitespace_is_never_a_convention_to_copy() -> None:
    """Nearly every input ends with a space: the one that does not is not flagged."""
    rng = rng_for("trail")
    rows = [{"text_input": varied_input(rng) + " ", "output": varied_output(rng)} for _ in range(99)]
    rows.append({"text_input": varied_input(rng), "output": varied_output(rng)})
    assert not found(lint_t(rows), "T004")


@given(st.text(alphabet="ab", max_size=300), st.text(alphabet="ab", max_size=300))
def test_common_prefix_matches_the_obvious_definition(a: str, b: str) -> None:
    expected = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    assert _common_prefix(a, b) == expected
    assert _common_prefix(a + "x" * 100, a + "y", start=len(a)) == len(a)
