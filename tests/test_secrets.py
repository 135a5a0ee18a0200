"""C001 (secret) and C002 (personal data): the detectors, the masks, the rules' options, locations
and messages, batch/sharding equivalence, and real data.

Every secret here is fake: built for these tests to have a provider's format (and letters and
digits), never a real key.
"""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import validator
from rules.secrets import PersonalData, Secret
from tests.conftest import run_cli
from validator.personal import (
    Allow,
    find_personal,
    find_personal_in,
    luhn_valid,
    mask_personal,
    mod97_valid,
)
from validator.plugins import load_rules
from validator.secrets import ELLIPSIS, SECRET_KINDS, entropy, find_secrets, find_secrets_in, mask, redact, redact_texts
from validator.testing import assert_shardable, run_rules


def _b64url(obj: dict[str, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")


JWT = _b64url({"alg": "HS256", "typ": "JWT"}) + "." + _b64url({"sub": "fake"}) + ".FakeTestSignature0123456789abcdefGH"
PEM_BODY = "\n".join(["FAKETESTKEY0123456789abcdefghijklmnopqrstuvwxyzFAKETESTKEY012345"] * 2)

#: (kind, secret, its public prefix, how it is written in a text).
CASES: list[tuple[str, str, str, str]] = [
    ("aws-access-key-id", "AKIAFAKE0TEST1234567", "AKIA", "key id {} here"),
    ("aws-access-key-id", "ASIAFAKE0TEST7654321", "ASIA", "temporary {}"),
    ("aws-secret-access-key", "FakeTestSecret0123456789abcdefGHIJKLMN/+", "", "aws_secret_access_key = {}"),
    ("google-api-key", "AIzaFakeTestKey0123456789abcdefghijklmn", "AIza", "?key={}&q=1"),
    ("openai-api-key", "sk-FakeTestKey0123456789abcdefGHIJKLmnop", "sk-", "export OPENAI_API_KEY={}"),
    ("openai-api-key", "sk-proj-FakeTestKey0123456789_abcdefGHIJ-klmnop", "sk-proj-", "key: {}"),
    ("anthropic-api-key", "sk-ant-api03-FakeTestKey0123456789abcdefghijklmnop", "sk-ant-api03-", "({})"),
    ("github-token", "ghp_FakeTestToken0123456789abcdefghijklm", "ghp_", "https://{}@github.com/a/b"),
    ("github-token", "gho_FakeTestToken0123456789abcdefghijklm", "gho_", "{}"),
    ("github-token", "github_pat_11FAKETEST0123456789ab_FakeTestToken0123456789abcdef", "github_pat_", "'{}'"),
    ("gitlab-token", "glpat-FakeTest0123456789ab", "glpat-", "PRIVATE-TOKEN: {}"),
    ("slack-token", "xoxb-0123456789-0123456789012-FakeTestToken0123abcd", "xoxb-", "token {} ok"),
    (
        "slack-webhook",
        "https://hooks.slack.com/services/T0FAKE123/B0FAKE456/FakeTestHook0123456789ab",
        "https://hooks.slack.com/services/",
        "POST {}",
    ),
    ("stripe-key", "sk_live_FakeTestKey0123456789abcd", "sk_live_", "stripe.api_key = '{}'"),
    ("stripe-key", "rk_test_FakeTestKey0123456789abcd", "rk_test_", "{}"),
    ("jwt", JWT, "eyJ", "Authorization: Bearer {}"),
    (
        "private-key",
        f"-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}\n-----END RSA PRIVATE KEY-----",
        "-----BEGIN RSA PRIVATE KEY-----",
        "key file:\n{}\nend",
    ),
    (
        "private-key",
        f"-----BEGIN OPENSSH PRIVATE KEY-----\\n{PEM_BODY.replace(chr(10), '')}\\n-----END OPENSSH PRIVATE KEY-----",
        "-----BEGIN OPENSSH PRIVATE KEY-----",
        'key = "{}"',
    ),
    ("url-password", "FakeTest#9876", "", "postgres://app:{}@db.internal:5432/app"),
    ("password", "Fake#Test1234", "", "password={}"),
    ("password", "Xk9mQ2vL7pZ1", "", '{{"db_password": "{}"}}'),
    ("api-key", "FakeTest0123456789Key", "", "API_KEY: {}"),
    ("api-key", "f4k3T35tK3y99", "", "apiKey = '{}'"),
    ("secret", "s3cr3t-FakeTest-42", "", "CLIENT_SECRET={}"),
    ("token", "tok_FakeTest_98765", "", "auth_token => {}"),
]


@pytest.mark.parametrize(
    ("kind", "secret", "prefix", "template"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_each_kind_is_found_and_masked(kind: str, secret: str, prefix: str, template: str) -> None:
    text = template.format(secret)
    found = find_secrets(text)
    assert [(m.kind, text[m.start : m.end]) for m in found] == [(kind, secret)]
    masked = mask(secret)
    assert masked.startswith(prefix + ELLIPSIS)
    body = secret[len(prefix) :]
    shown = masked[len(prefix) + 1 :]
    assert shown == ("" if kind == "private-key" or len(body) < 9 else body[-3:])
    assert len(shown) <= len(body) / 3
    assert redact(text) == text.replace(secret, masked)
    assert find_secrets(masked) == [] and find_secrets(redact(text)) == []  # masks are never secrets


NEAR_MISSES = [
    "The skeleton key opened the task-list drawer; see task-force-7.",
    "It costs $1,299.00 until 2024-05-12 10:30; ISBN 978-0-306-40615-7; version 1.2.3-beta.4.",
    "uuid 550e8400-e29b-41d4-a716-446655440000 commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
    "![logo](data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==)",
    "password=hunter",
    "password: hunter2",
    "password=aaaa1111",
    "password=abab1212",
    "password = user_password",
    "api_key = os.environ['API_KEY']",
    "token: ${GITHUB_TOKEN}",
    "secret=<your-secret-here>",
    "password: get_password(user)",
    "DB_PASSWORD=settings.DATABASE_PASSWORD",
    "AKIAIOSFODNN7EXAMPLE is the documented example key ID.",
    "AKIAXXXXXXXXXXXXXXXX and ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "sk-... is a placeholder; sk-this-is-not-a-real-key-at-all is words",
    "max_tokens: 4096 and token_count: 12345678 and tokens: 8192",
    "The secret: Understanding the problem. secretary: JohnSmith",
    "A key file starts with -----BEGIN PRIVATE KEY----- and ends with an END line.",
    "eyJhbGciOiJIUzI1NiJ9.notbase64json.FakeTestSignature0123456789 is not a token",
    "pk_live_FakeTestKey0123456789abcd is a publishable key",
    "https://user:pass@example.com and https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_are_quiet(text: str) -> None:
    assert find_secrets(text) == []
    assert redact(text) == text


def test_jwt_header_must_decode_to_json_with_alg() -> None:
    no_alg = _b64url({"typ": "JWT"}) + "." + _b64url({"sub": "x"}) + ".FakeTestSignature0123456789abcdefGH"
    assert find_secrets(no_alg) == []
    assert [m.kind for m in find_secrets(JWT)] == ["jwt"]


def test_pem_without_end_line_is_masked_to_the_end_of_its_body() -> None:
    """Without an END line the block ends at the first blank line (or anything not base64)."""
    text = f"-----BEGIN EC PRIVATE KEY-----\n{PEM_BODY}\n\nthanks, and: done"
    (match,) = find_secrets(text)
    assert match.kind == "private-key" and text[match.end :] == "\n\nthanks, and: done"
    assert redact(text) == f"-----BEGIN EC PRIVATE KEY-----{ELLIPSIS}\n\nthanks, and: done"
    cut = f"-----BEGIN EC PRIVATE KEY-----\n{PEM_BODY[:70]} (truncated)"
    assert [m.kind for m in find_secrets(cut)] == ["private-key"]


def test_specific_kind_wins_over_assignment() -> None:
    text = f"token={JWT} and password=AKIAFAKE0TEST1234567"
    assert [m.kind for m in find_secrets(text)] == ["jwt", "aws-access-key-id"]


def test_assignment_entropy_threshold() -> None:
    """8 characters at least; ``hunter22`` (2.75 bits, over 85% of the 3 an 8-character value can
    have) counts, repeated patterns do not."""
    assert entropy("aaaa1111") == 1.0
    assert find_secrets("password=hunter22")
    assert not find_secrets("password=hunter2")  # 7 characters
    assert not find_secrets("password=1111aaaa")


def test_short_secret_fully_masked() -> None:
    assert mask("Ab3$xY9q") == ELLIPSIS
    assert mask("sk-" + "Ab3") == "sk-" + ELLIPSIS
    assert mask("Ab3$xY9q1w") == ELLIPSIS + "q1w"


def test_redact_texts_matches_redact_and_keeps_clean_texts() -> None:
    texts = ["clean one", "key AKIAFAKE0TEST1234567", "mail jane@corp-mail.com", "clean two"]
    out = redact_texts(texts)
    assert out == [redact(t) for t in texts]
    assert out[0] is texts[0] and out[2] is texts[2]
    assert redact_texts(texts, personal=True)[2] == f"mail j{ELLIPSIS}@corp-mail.com"


FRAGMENTS = [case[3].format(case[1]) for case in CASES] + NEAR_MISSES + ["", "plain", ":", "=", "-", "_", "@://"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(FRAGMENTS), max_size=4), max_size=12), st.sampled_from([" ", "", "\t", ". "]))
def test_batch_search_equals_text_by_text(parts: list[list[str]], glue: str) -> None:
    texts = [glue.join(p) for p in parts]
    expected = {i: find_secrets(t) for i, t in enumerate(texts) if find_secrets(t)}
    assert find_secrets_in(texts) == expected
    personal = {i: find_personal(t) for i, t in enumerate(texts) if find_personal(t)}
    assert find_personal_in(texts) == personal


# -- personal data ---------------------------------------------------------------------------------


def _luhn(prefix: str) -> str:
    return next(prefix + d for d in "0123456789" if luhn_valid(prefix + d))


def _iban(country: str, bban: str) -> str:
    number = int("".join(str(int(c, 36)) for c in bban + country + "00"))
    return f"{country}{98 - number % 97:02d}{bban}"


CARD = _luhn("400012345678901")
PERSONAL_CASES = [
    ("email", "jane.fake-test@corp-mail.com", f"j{ELLIPSIS}@corp-mail.com"),
    ("phone", "+44 20 7946 0958", f"+{ELLIPSIS}58"),
    ("phone", "+1 (415) 555-0142", f"+{ELLIPSIS}42"),
    ("phone", "(415) 555-0199", f"{ELLIPSIS}99"),
    ("phone", "415.555.0123", f"{ELLIPSIS}23"),
    ("phone", "020 7946 0321", f"{ELLIPSIS}21"),
    ("phone", "06 12 34 56 78", f"{ELLIPSIS}78"),
    ("card", " ".join(CARD[i : i + 4] for i in range(0, 16, 4)), f"{ELLIPSIS}{CARD[-4:]}"),
    ("card", CARD, f"{ELLIPSIS}{CARD[-4:]}"),
    ("card", _luhn("37401234567890"), f"{ELLIPSIS}{_luhn('37401234567890')[-4:]}"),
    ("iban", _iban("DE", "123456780123456789"), f"DE{ELLIPSIS}789"),
    ("iban", " ".join(_iban("GB", "FAKE12345698765432")[i : i + 4] for i in range(0, 22, 4)), f"GB{ELLIPSIS}432"),
    ("iban", _iban("NL", "FAKE0123456789"), f"NL{ELLIPSIS}789"),
]


@pytest.mark.parametrize(("kind", "value", "masked"), PERSONAL_CASES)
def test_personal_data_found_and_masked(kind: str, value: str, masked: str) -> None:
    text = f"Contact: {value}."
    assert [(m.kind, text[m.start : m.end]) for m in find_personal(text)] == [(kind, value)]
    assert mask_personal(kind, value) == masked
    assert redact(text, personal=True) == f"Contact: {masked}."
    assert find_personal(masked) == []


PERSONAL_NEAR_MISSES = [
    "user@example.com, help@support.example.org, qa@build.test, a@b.invalid, x@localhost",
    "icon@2x.png and @media and @property and npm @types/node",
    "git clone git@github.com:acme/app.git",
    "2024-05-12 10:30, 12/05/2024, 05.12.2024, 20240512",
    "1.2.3, 10.12.13.14.15, v2.0.0-rc.1, ISBN 978-0-306-40615-7, 9780306406157",
    "order 12345678901234567, ticket 202405120001, 1700000000000 ms",
    "uuid 550e8400-e29b-41d4-a716-446655440000, sha 9fceb02d0ae598e95dc970b74767f19372d61af8",
    "$1,299.00 or 1 299,00 EUR; 48.8584, 2.2945; 0.1234 0.5678",
    "1+1=2, C++17, x + 1234567890, pages 100-200, score 3-2",
    "123-456-7890 and 555-0123 and 1-800-FLOWERS",
    "4242 4242 4242 4242 and 4111111111111111 work in test mode",
    f"{CARD[:-1]}{(int(CARD[-1]) + 1) % 10} fails the Luhn check",
    f"{_iban('DE', '123456780123456789')[:2]}00{_iban('DE', '123456780123456789')[4:]} has bad check digits",
]


@pytest.mark.parametrize("text", PERSONAL_NEAR_MISSES)
def test_personal_near_misses_are_quiet(text: str) -> None:
    assert find_personal(text) == []


def test_luhn_and_mod97() -> None:
    assert luhn_valid("79927398713") and not luhn_valid("79927398710")
    assert mod97_valid(_iban("FR", "20041010050500013M02606"))
    assert not mod97_valid("FR00" + "20041010050500013M02606")


def test_allow_list_domains_values_and_kinds() -> None:
    text = "mail ops@acme-corp.com or call +44 20 7946 0958"
    assert [m.kind for m in find_personal(text)] == ["email", "phone"]
    assert [m.kind for m in find_personal(text, Allow.of(domains=["acme-corp.com"]))] == ["phone"]
    assert [m.kind for m in find_personal(text, Allow.of(values=["+442079460958"]))] == ["email"]
    assert [m.kind for m in find_personal(text, kinds=["phone"])] == ["phone"]
    assert find_personal("ops@eu.acme-corp.com", Allow.of(domains=["acme-corp.com"])) == []  # subdomain


# -- the rules -------------------------------------------------------------------------------------


def _codes(findings: list[validator.Finding]) -> list[tuple[str, int | None, str | None]]:
    return [(f.code, f.line, f.field) for f in findings]


def test_rules_are_registered_with_their_catalogue_metadata() -> None:
    registry = load_rules()
    c001, c002 = registry.lookup("C001"), registry.lookup("personal-data")
    assert c001 is Secret and c002 is PersonalData
    assert (c001.name, c001.default_severity.value) == ("secret", "error")
    assert (c002.name, c002.default_severity.value) == ("personal-data", "warning")
    assert Secret in registry.select(None, (), ()) and PersonalData in registry.select(None, (), ())
    for rule in (Secret, PersonalData):
        assert set(rule.doc_sections()) == {"What", "Why", "Example", "Fix"}
        assert "Options:" in rule.doc_sections()["Fix"]


def test_no_rule_documentation_holds_a_secret() -> None:
    """Rule docs go into SARIF, HTML and ``tunelint rule``: they must not trip the redaction."""
    for rule in load_rules().all():
        assert find_secrets(rule.__doc__ or "") == [], rule.code
        assert redact(rule.summary, personal=True) == rule.summary


def test_findings_point_at_the_field_and_show_masks_only() -> None:
    key = CASES[0][1]
    records = [
        {"text_input": f"my key is {key}", "output": "ok"},
        {"text_input": "q", "output": "mail jane.fake-test@corp-mail.com"},
        {"text_input": "clean", "output": "clean"},
    ]
    findings = run_rules([Secret, PersonalData], records)
    assert _codes(findings) == [("C001", 1, "/text_input"), ("C002", 2, "/output")]
    assert key not in findings[0].message and "AKIA\u2026567" in findings[0].message
    assert "jane" not in findings[1].message and "j\u2026@corp-mail.com" in findings[1].message


def test_conversation_fields() -> None:
    key, token = CASES[0][1], CASES[7][1]
    chat = {
        "messages": [
            {"role": "system", "content": f"key {key}"},
            {"role": "user", "content": "hi"},
            {
                "role": "assistant",
                "content": "hello",
                "tool_calls": [
                    {
                        "id": "c1",
                        "type": "function",
                        "function": {"name": "f", "arguments": json.dumps({"token": token})},
                    }
                ],
            },
            {"role": "user", "content": f"also {CASES[3][1]}"},  # after the target: in no canonical text
        ]
    }
    preference = {
        "input": {"messages": [{"role": "user", "content": "q"}]},
        "preferred_output": [{"role": "assistant", "content": "fine"}],
        "non_preferred_output": [{"role": "assistant", "content": f"use {key}"}],
    }
    got = _codes(run_rules([Secret], [chat, chat]))
    assert ("C001", 1, "/messages/0/content") in got
    assert ("C001", 1, "/messages/2/tool_calls/0") in got
    assert ("C001", 1, "/messages/3/content") in got
    got = _codes(run_rules([Secret], [preference] * 2))
    assert got == [("C001", 1, "/non_preferred_output/0/content"), ("C001", 2, "/non_preferred_output/0/content")]


def test_batch_hook_equals_single_check() -> None:
    from validator.api import Batch, Context, Example, FileFacts, Profile

    ctx = Context(profile=Profile(name="p"), task="general", file=FileFacts(path="p", format="jsonl"))
    texts = [case[3].format(case[1]) for case in CASES] + NEAR_MISSES + [v for _, v, _ in PERSONAL_CASES]
    random.Random(1).shuffle(texts)
    examples = [
        Example(
            index=i + 1,
            line=i + 1,
            input_text=t,
            output_text=texts[-i - 1],
            schema="gemini",
            fields={"input": "/text_input", "output": "/output"},
        )
        for i, t in enumerate(texts)
    ]
    for rule in (Secret(), PersonalData()):
        batched = list(rule.check_batch(Batch.of(examples), ctx))
        single = [f for example in examples for f in rule.check(example, ctx)]
        assert batched == single and batched


def test_sharded_lint_gives_the_same_findings() -> None:
    rows = [
        {
            "text_input": f"q{i} " + (CASES[i % len(CASES)][3].format(CASES[i % len(CASES)][1]) if i % 3 else ""),
            "output": PERSONAL_CASES[i % len(PERSONAL_CASES)][1] if i % 4 == 0 else f"a{i}",
        }
        for i in range(40)
    ]
    found = assert_shardable([Secret, PersonalData], rows)
    assert {f.code for f in found} == {"C001", "C002"}


def test_options_allow_values_patterns_domains_and_kinds() -> None:
    key, other = CASES[0][1], CASES[4][1]
    records = [{"text_input": f"{key} {other}", "output": "mail a.b@corp-mail.com, call +44 20 7946 0958"}] * 2
    config = {
        "rules": {
            "C001": {"allow": [key], "allow-patterns": [r"sk-FakeTest\w+"]},
            "C002": {"allow-domains": ["corp-mail.com"], "kinds": ["email", "card"]},
        }
    }
    assert run_rules([Secret, PersonalData], records, config=config) == []
    config = {"rules": {"C001": {"allow": [key]}}}
    (first, _) = run_rules([Secret], records, config=config)
    assert "sk-\u2026nop" in first.message and "AKIA" not in first.message


@pytest.mark.parametrize(
    "table",
    [
        '[rules.C001]\nallow-patterns = ["sk-("]\n',
        "[rules.C001]\nallow = [1]\n",
        '[rules.C002]\nkinds = ["email", "passport"]\n',
        '[rules.personal-data]\nallow-domains = "corp.com"\n',
    ],
)
def test_bad_options_are_config_errors(tmp_path: Path, table: str) -> None:
    config = tmp_path / "tunelint.toml"
    config.write_text(table, encoding="utf-8")
    data = tmp_path / "d.jsonl"
    data.write_text('{"text_input": "a", "output": "b"}\n', encoding="utf-8")
    code, out, err = run_cli("lint", "--config", str(config), str(data))
    assert code == 2
    assert err.startswith("tunelint: error:") and "[rules." in err and out == ""


def test_real_dataset_findings(shared_dataset: Callable[[str], Path]) -> None:
    """The English Alpaca demo holds a generated password (an example answer) and a table of
    e-mail addresses at a real domain: found, masked; the Chinese one holds none."""
    select = ["C001", "C002"]
    report = validator.lint(str(shared_dataset("llamafactory__alpaca_en_demo.json")), isolated=True, select=select)
    got = [(f.code, f.record, f.field) for f in report.findings]
    assert ("C001", 66, "/output") in got
    assert ("C002", 358, "/instruction") in got and ("C002", 358, "/output") in got
    assert [c for c, _, _ in got].count("C001") == 1
    assert all("email.com" not in f.message or "\u2026@email.com" in f.message for f in report.findings)
    report = validator.lint(str(shared_dataset("llamafactory__alpaca_zh_demo.json")), isolated=True, select=select)
    assert report.findings == []


def test_kinds_cover_the_catalogue() -> None:
    names = set(SECRET_KINDS)
    for kind in (
        "aws-access-key-id",
        "google-api-key",
        "openai-api-key",
        "anthropic-api-key",
        "github-token",
        "gitlab-token",
        "slack-token",
        "slack-webhook",
        "stripe-key",
        "jwt",
        "private-key",
        "password",
    ):
        assert kind in names
    assert {c[0] for c in CASES} <= names
