"""The batch lookup of T002/T003 (``rules.template.lookup``) gives the trie walk's result text for
text: the same reference and shared length (with its "whole text" flag) for every text, on texts
that part early, late (beyond the first compared characters), never (prefixes and copies of
references), before and after every reference, in any script, with NUL characters (left to the walk),
in one pass and in shards."""

from __future__ import annotations

import random
from array import array
from collections.abc import Iterator, Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rules.template import InconsistentPreamble, InconsistentSuffix, anchors, lookup
from rules.template.anchors import _FULL, _Anchors
from tests.numpy_paths import numpy_paths
from tests.test_sharding_template import _codes_lines, records
from validator.testing import run_rules_sharded


@pytest.fixture
def small_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Keys full after a few references, and batches of any size looked up: small inputs reach the
    lookup."""
    monkeypatch.setattr(_Anchors, "_REFS_PER_KEY", 6)
    monkeypatch.setattr(anchors, "BATCH_MIN", 1)
    yield


def _entries(
    texts: Sequence[Sequence[str | None]], *, use_numpy: bool, keylen: int = 1, window: int = 300
) -> tuple[array[int], array[int], array[int]]:
    found = _Anchors(keylen=keylen, window=window)
    with numpy_paths(use_numpy):
        for batch in texts:
            found.add_many(batch)
    return found.hash, found.ref, found.shared


def _looked_up(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the texts the lookup answered (so a test knows it ran)."""
    answered: list[int] = []
    query = lookup.SortedRefs.query

    def counting(self: lookup.SortedRefs, texts: Sequence[str], full: int) -> tuple[list[int], list[int]] | None:
        found = query(self, texts, full)
        if found is not None:
            answered.append(len(texts))
        return found

    monkeypatch.setattr(lookup.SortedRefs, "query", counting)
    return answered


def _assert_same(batches: Sequence[Sequence[str | None]], monkeypatch: pytest.MonkeyPatch, **kwargs: int) -> int:
    answered = _looked_up(monkeypatch)
    walked = _entries(batches, use_numpy=False, **kwargs)
    assert not answered  # the plain-Python path never looks up
    looked = _entries(batches, use_numpy=True, **kwargs)
    assert looked == walked
    return sum(answered)


LONG = "The quick brown fox jumps over the lazy dog; " * 3  # 135 characters: beyond the first pass


def test_texts_that_part_early_late_or_never(small_keys: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # One key ("t", the first character): the six references fill it, the queries are looked up.
    refs = ["talpha beta", "talpha gamma", "tdelta", "t" + LONG + "one", "t" + LONG + "two", "tzeta"]
    queries = [
        "talpha",  # a prefix of two references: shares all of itself (flagged)
        "talpha beta",  # a reference itself
        "talpha delta",  # parts after "alpha "
        "t",  # before every reference
        "tzz top",  # after every reference
        "t" + LONG + "three",  # parts beyond the first 64 characters, from the long references
        "t" + LONG + "one and more",  # goes on past a long reference
        "t" + LONG[:100],  # a prefix of the long references
        "tbeta",  # shares only the key
        "tÜnïcödé ☃ text",
        "talpha béta",
    ]
    answered = _assert_same([refs, queries * 3], monkeypatch)
    assert answered == len(queries) * 3
    _, ref, shared = _entries([refs, queries], use_numpy=True)
    by_query = dict(zip(queries, zip(ref[len(refs) :], shared[len(refs) :], strict=True), strict=True))
    assert by_query["talpha"] == (1, len("talpha") | _FULL)  # the first of the two references it starts
    assert by_query["t" + LONG + "three"] == (5, len(LONG) + 2)  # "t" after LONG: "...two" goes on alike
    assert by_query["t" + LONG + "one and more"] == (4, len(LONG) + 4)
    assert by_query["t" + LONG[:100]] == (4, 101 | _FULL)
    assert by_query["tbeta"] == (1, 1)
    assert by_query["t"] == (1, 1 | _FULL)


def test_the_lowest_reference_among_equals_is_chosen(small_keys: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # Added in an order unlike their sorted order: "abcdq" shares 4 characters with refs 2, 3 and 5.
    refs = ["abcz", "abcdy", "abcdx", "aa", "abcdw", "ac"]
    answered = _assert_same([refs, ["abcdq", "abcd", "abc"] * 12], monkeypatch)
    assert answered == 36
    _, ref, shared = _entries([refs, ["abcdq", "abcd", "abc"]], use_numpy=True)
    assert list(ref[6:]) == [2, 2, 1]
    assert list(shared[6:]) == [4, 4 | _FULL, 3 | _FULL]


def test_nul_characters_are_left_to_the_walk(small_keys: None, monkeypatch: pytest.MonkeyPatch) -> None:
    refs = ["a\x00", "a", "a\x00b", "ab", "ac", "ad"]
    answered = _assert_same([refs, ["a\x00", "a\x00\x00", "a", "ab"] * 10], monkeypatch)
    assert answered == 0  # a reference holds a NUL: never looked up
    answered = _assert_same([["a", "ab", "abc", "ac", "ad", "ae"], ["a\x00x", "ab"] * 10, ["ab"] * 5], monkeypatch)
    assert answered == 5  # only the batch without a NUL


def test_a_long_preamble_window_and_key(small_keys: None, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(6)
    head = "Classify the sentiment of this review. Answer with one word.\n\n"
    texts = [
        head + " ".join(rng.choice(["good", "bad", "fine", "awful"]) for _ in range(rng.randint(0, 40)))
        for _ in range(300)
    ]
    texts += [t[: rng.randint(0, len(t))] for t in texts[:50]]
    batches = [texts[i : i + 64] for i in range(0, len(texts), 64)]
    assert _assert_same(batches, monkeypatch, keylen=20, window=1024) > 200


_ALPHABET = st.sampled_from(["a", "b", "ab", "é", "☃", "\U0001f600", " ", "\n", "x" * 70, "\ud800"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.lists(_ALPHABET, max_size=8).map("".join)), max_size=40),
        min_size=1,
        max_size=6,
    ),
    st.integers(min_value=1, max_value=3),
)
def test_any_texts_look_up_like_the_walk(
    small_keys: None, monkeypatch: pytest.MonkeyPatch, batches: list[list[str | None]], keylen: int
) -> None:
    _assert_same(batches, monkeypatch, keylen=keylen)


#: Small minimums, so that short generated files reach the thresholds and produce findings.
SMALL = {"rules": {"T002": {"min-examples": 5}, "T003": {"min-examples": 5}}}
T_ANCHORED = (InconsistentPreamble, InconsistentSuffix)


def _both_ways(rows: list[dict[str, str]], shards: int) -> list[list[tuple[str, int | None, str | None, str]]]:
    results = []
    for use in (True, False):
        with numpy_paths(use):
            results.append(_codes_lines(run_rules_sharded(T_ANCHORED, rows, shards, config=SMALL)))
    return results


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(records(), st.integers(min_value=1, max_value=4))
def test_t002_t003_findings_with_the_lookup_match_the_walk(
    small_keys: None, rows: list[dict[str, str]], shards: int
) -> None:
    """With keys full after six references, most texts are looked up: the findings, in one pass and
    in shards (whose keys restart after a merge), are the walk's."""
    looked_up, walked = _both_ways(rows, shards)
    assert looked_up == walked


@pytest.mark.parametrize("shards", [1, 3])
def test_t002_t003_findings_of_a_templated_file(small_keys: None, monkeypatch: pytest.MonkeyPatch, shards: int) -> None:
    rng = random.Random(shards)
    words = ["harbour", "tide", "crane", "buoy", "pilot", "quay", "fleet", "fuel"]
    rows = []
    for i in range(400):
        body = " ".join(rng.choice(words) for _ in range(rng.randint(1, 12)))
        head = "Answer from the context below.\n\n" if i % 25 else "Context:\n"
        rows.append({"text_input": f"{head}{body}\n\n###\n\n" if i % 31 else body, "output": f"{body} END"})
    answered = _looked_up(monkeypatch)
    looked_up, walked = _both_ways(rows, shards)
    assert sum(answered) > 300 * 3  # inputs' heads and tails, outputs' tails
    assert looked_up == walked
    assert {code for code, *_ in looked_up} == {"T002", "T003"}


def test_a_shipped_key_carries_no_lookup(small_keys: None) -> None:
    import pickle

    found = _Anchors(keylen=1, window=50)
    with numpy_paths(True):
        found.add_many([f"a{i}" for i in range(6)])
        found.add_many([f"a{i}x" for i in range(10)])
    entry = found._keys["a"]
    assert entry.lookup is not None
    shipped = pickle.loads(pickle.dumps(found))
    assert shipped._keys["a"].lookup is None
    with numpy_paths(True):
        shipped.add_many(["a1y"] * 3)  # a new segment: the key restarts, nothing stale is used
    assert shipped._keys["a"].lookup is None
