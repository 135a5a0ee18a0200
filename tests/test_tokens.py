"""Token counting: the offline estimate, exact tokenizers (tiktoken, tokenizers), L006, statistics."""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import validator
from tests.conftest import run_cli
from validator.api import Context, Example, Finding, Rule
from validator.errors import ConfigError
from validator.testing import run_rules
from validator.tokens import estimate_tokens, make_counter


def _vertex(text: str, answer: str = "Fine.") -> dict[str, Any]:
    return {"contents": [{"role": "user", "parts": [{"text": text}]}, {"role": "model", "parts": [{"text": answer}]}]}


# -- the estimate ---------------------------------------------------------------------------------


def test_estimate_ascii_is_four_characters_per_token() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("abcd") == 1
    assert estimate_tokens("abcde") == 2
    assert estimate_tokens("x" * 4000) == 1000


def test_estimate_counts_cjk_characters_one_token_each() -> None:
    assert estimate_tokens("日本語のテキスト") == 8
    assert estimate_tokens("한국어") == 3
    assert estimate_tokens("中文abcd") == 2 + 1


def test_estimate_other_scripts_two_characters_per_token() -> None:
    assert estimate_tokens("привет") == 3  # 6 Cyrillic letters
    assert estimate_tokens("Tiếng Việt") == math.ceil(2 / 2) + math.ceil(8 / 4)  # ế, ệ + 8 ASCII


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text())
def test_estimate_is_additive_within_rounding(a: str, b: str) -> None:
    """Never negative, and concatenation costs about the sum of the parts (rounding up at most
    twice per part)."""
    whole, parts = estimate_tokens(a + b), estimate_tokens(a) + estimate_tokens(b)
    assert whole >= 0
    assert parts - 2 <= whole <= parts + 2
    assert estimate_tokens(a) <= len(a)


# -- L006 and the summary -------------------------------------------------------------------------


def test_l006_uses_the_vertex_limit_and_says_estimated() -> None:
    huge = "word " * 110_000  # 550,000 ASCII characters: about 137,500 tokens
    records = [_vertex(f"question {i}") for i in range(5)] + [_vertex(huge)]
    report = validator.lint(records, isolated=True)
    assert report.files[0].profile == "vertex-gemini"
    l006 = [f for f in report.findings if f.code == "L006"]
    assert [(f.line, f.field) for f in l006] == [(6, "/contents")]
    # The catalogue requires every L006 message to say the count is estimated.
    assert "estimated" in l006[0].message


def test_l006_counts_cjk_as_one_token_per_character() -> None:
    config = {"profiles": {"small": {"extends": "vertex-gemini", "max-example-tokens": 100}}, "profile": "small"}
    records = [_vertex("字" * 95, "好"), _vertex("字" * 99, "好好")]
    report = validator.lint(records, isolated=True, config=config)
    assert [f.line for f in report.findings if f.code == "L006"] == [2]  # 96 passes, 101 does not


def test_token_statistics_and_billable_tokens() -> None:
    records = [{"text_input": "x" * (4 * i), "output": "y" * 8} for i in range(1, 21)]
    report = validator.lint(records, isolated=True)
    tokens = report.files[0].stats["tokens"]
    assert tokens["estimated"] is True and tokens["method"] == "estimate"
    totals = [i + 2 for i in range(1, 21)]
    assert tokens["dataset"] == sum(totals)
    assert tokens["total"]["max"] == 22 and tokens["input"]["max"] == 20 and tokens["output"]["p50"] == 2
    assert tokens["epochs"] == 5  # the gemini profile's default epoch count
    assert tokens["billable"] == 5 * sum(totals)
    epochs3 = validator.lint(records, isolated=True, config={"tuning": {"epochs": 3}})
    assert epochs3.files[0].stats["tokens"]["billable"] == 3 * sum(totals)


def test_full_output_shows_tokens_and_billable(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text("".join(json.dumps(_vertex(f"q {i}")) + "\n" for i in range(3)), encoding="utf-8")
    code, out, _ = run_cli("lint", str(path), "--isolated")
    assert code == 0
    assert "tokens" in out and "billable" in out


# -- exact tokenizers -----------------------------------------------------------------------------


def _write_tiktoken_file(path: Path) -> None:
    """A tiny BPE vocabulary: the 256 bytes plus merges for 'he' and 'll'."""
    ranks = [bytes([b]) for b in range(256)] + [b"he", b"ll"]
    path.write_text("".join(f"{base64.b64encode(tok).decode()} {rank}\n" for rank, tok in enumerate(ranks)))


def test_tiktoken_file_counts_exactly(tmp_path: Path) -> None:
    bpe = tmp_path / "tiny.tiktoken"
    _write_tiktoken_file(bpe)
    counter = make_counter(f"tiktoken:{bpe}")
    assert counter.estimated is False
    assert counter.count("hello") == 3  # he + ll + o
    assert counter.count("xyz") == 3


def test_tiktoken_encoding_not_in_cache_is_a_config_error_without_download(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import requests

    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("tunelint must never download a tokenizer")

    monkeypatch.setattr(requests, "get", no_network)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "empty-cache"))
    with pytest.raises(ConfigError) as err:
        make_counter("tiktoken:cl100k_base")
    assert "cl100k_base" in str(err.value)
    assert not (tmp_path / "empty-cache").exists()


def _write_hf_tokenizer(path: Path) -> None:
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    trainer = trainers.WordLevelTrainer(special_tokens=["[UNK]"])
    tokenizer.train_from_iterator(["hello world", "the quick brown fox"], trainer=trainer)
    tokenizer.save(str(path))


def test_hf_tokenizer_json_counts_exactly(tmp_path: Path) -> None:
    path = tmp_path / "tokenizer.json"
    _write_hf_tokenizer(path)
    counter = make_counter(f"hf:{path}")
    assert counter.count("hello world") == 2
    assert counter.count("the quick brown fox jumps") == 5  # unknown word -> one [UNK]


def test_cli_tokenizer_option_reports_exact_counts(tmp_path: Path) -> None:
    tok = tmp_path / "tokenizer.json"
    _write_hf_tokenizer(tok)
    data = tmp_path / "d.jsonl"
    data.write_text("".join(json.dumps(_vertex("hello world hello", "the fox")) + "\n" for _ in range(2)))
    code, out, _ = run_cli("lint", str(data), "--isolated", "--output-format", "json", "--tokenizer", f"hf:{tok}")
    assert code == 0
    tokens = json.loads(out)["files"][0]["stats"]["tokens"]
    assert tokens["estimated"] is False and tokens["method"] == f"hf:{tok}"
    assert tokens["total"]["max"] == 5 and tokens["dataset"] == 10


def test_l006_with_an_exact_tokenizer_does_not_say_estimated(tmp_path: Path) -> None:
    tok = tmp_path / "tokenizer.json"
    _write_hf_tokenizer(tok)
    config = {"profiles": {"p": {"extends": "vertex-gemini", "max-example-tokens": 3}}, "profile": "p"}
    report = validator.lint([_vertex("hello world hello", "fox")], isolated=True, config=config, tokenizer=f"hf:{tok}")
    l006 = [f for f in report.findings if f.code == "L006"]
    assert len(l006) == 1 and "estimated" not in l006[0].message


@pytest.mark.parametrize("spec", ["bogus", "sentencepiece:x.model", "hf:/no/such/tokenizer.json", "tiktoken:"])
def test_bad_tokenizer_specs_exit_2(spec: str, tmp_path: Path) -> None:
    data = tmp_path / "d.jsonl"
    data.write_text(json.dumps({"text_input": "a", "output": "b"}) + "\n")
    code, _, err = run_cli("lint", str(data), "--isolated", "--tokenizer", spec)
    assert code == 2
    assert len(err.strip().splitlines()) == 1


def test_tokenizer_from_config(tmp_path: Path) -> None:
    tok = tmp_path / "tokenizer.json"
    _write_hf_tokenizer(tok)
    (tmp_path / "tunelint.toml").write_text(f'tokenizer = "hf:{tok.as_posix()}"\n', encoding="utf-8")
    data = tmp_path / "d.jsonl"
    data.write_text(json.dumps({"text_input": "hello world", "output": "fox"}) + "\n")
    report = validator.lint(str(data))
    assert report.files[0].stats["tokens"]["estimated"] is False
    assert report.files[0].stats["tokens"]["dataset"] == 3


class _TokenEcho(Rule):
    """What: Echoes an example's token counts.

    Why: Lets a test see what rules read.

    Example: ``3+1``.

    Fix: Nothing to fix.
    """

    code = "X901"
    name = "token-echo"
    summary = "Token counts of every example"

    def check(self, example: Example, ctx: Context) -> Iterator[Finding]:
        yield self.finding(ctx, f"{example.input_tokens}+{example.output_tokens}", at=example)


def test_each_text_is_counted_once_per_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    # A tokenizer is the costliest per-text step: conversations and single-turn records alike
    # are counted exactly once (input and output), and the examples rules see carry the counts.
    from validator import engine
    from validator.tokens import TokenCounter

    calls: list[str] = []

    def count(text: str) -> int:
        calls.append(text)
        return len(text.split())

    monkeypatch.setattr(engine, "make_counter", lambda spec: TokenCounter("spy", "spy", False, count))
    chats = [
        {"messages": [{"role": "user", "content": f"hello number {i}"}, {"role": "assistant", "content": "hi there"}]}
        for i in range(30)
    ]
    pairs = [{"text_input": f"question {i} here", "output": "yes"} for i in range(30)]
    for records in (chats, pairs):
        calls.clear()
        findings = run_rules([_TokenEcho], records)
        assert len(calls) == 2 * len(records)
        assert sorted(f.line for f in findings) == list(range(1, len(records) + 1))
        assert {f.message for f in findings} == {"3+2" if records is chats else "3+1"}
