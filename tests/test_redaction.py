"""No output of tunelint ever contains a secret found in the data.

One dataset holds fake (never real) secrets of every kind C001 knows in the places data reaches
the outputs: inputs and outputs, a chat turn, an unknown key name and a CSV header (S004, F007
quote them), a label (the summary lists labels), a template preamble (the summary shows it), a
line that fails to parse, duplicated and conflicting records. It is linted through the command
line in every output format, to standard output and to a file, with ``--statistics``,
``--write-baseline`` and ``--show-settings``, through a real ``tunelint`` process, and through the
library; every byte written is searched for any 10-character piece of any secret (after undoing
the formats' escaping). A sanity test shows the same data *does* leak when the central redaction
is switched off, so the other tests check something real.
"""

from __future__ import annotations

import base64
import html
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest

import validator
from tests.conftest import run_cli
from validator.reporters import reporter_names

# -- fake secrets ----------------------------------------------------------------------------------


def _b64url(obj: dict[str, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")


#: name -> (the secret, the part of it a mask may show: the kind's public prefix).
SECRETS: dict[str, tuple[str, str]] = {
    "aws": ("AKIAFAKE0TEST1234567", "AKIA"),
    "aws_secret": ("FakeTestSecret0123456789abcdefGHIJKLMN/+", ""),
    "google": ("AIzaFakeTestKey0123456789abcdefghijklmn", "AIza"),
    "openai": ("sk-FakeTestKey0123456789abcdefGHIJKLmnop", "sk-"),
    "anthropic": ("sk-ant-api03-FakeTestKey0123456789abcdefghijklmnopQRSTUV", "sk-ant-api03-"),
    "github": ("ghp_FakeTestToken0123456789abcdefghijklm", "ghp_"),
    "github_pat": ("github_pat_11FAKETEST0123456789ab_FakeTestToken0123456789abcdefghijklmnopqrstuv", "github_pat_"),
    "gitlab": ("glpat-FakeTest0123456789ab", "glpat-"),
    "slack": ("xoxb-0123456789-0123456789012-FakeTestToken0123abcd", "xoxb-"),
    "slack_hook": (
        "https://hooks.slack.com/services/T0FAKE123/B0FAKE456/FakeTestHook0123456789ab",
        "https://hooks.slack.com/services/",
    ),
    "stripe": ("sk_live_FakeTestKey0123456789abcd", "sk_live_"),
    "jwt": (
        _b64url({"alg": "HS256", "typ": "JWT"})
        + "."
        + _b64url({"sub": "fake-test-user"})
        + ".FakeTestSignature0123456789abcdefGHIJKLMNOPQ",
        "eyJ",
    ),
    "pem": (
        "-----BEGIN RSA PRIVATE KEY-----\n"
        + "\n".join(["FAKETESTKEY0123456789abcdefghijklmnopqrstuvwxyzFAKETESTKEY012345"] * 3)
        + "\n-----END RSA PRIVATE KEY-----",
        "-----BEGIN RSA PRIVATE KEY-----",
    ),
    "password": ("Fake#Test1234zz", ""),
}
#: Personal data: masked in C002's messages and in what other rules quote.
EMAIL = "jane.fake-test@corp-mail.com"
CARD = "4000 1234 5678 9017"  # Luhn-valid, not a provider's published test number

WINDOW = 10


def _pieces(secret: str, prefix: str) -> set[str]:
    """Every ``WINDOW``-character piece of the secret beyond its public prefix (PEM: of its body)."""
    body = secret[len(prefix) :]
    if secret.startswith("-----BEGIN"):
        body = body.split("-----END", 1)[0]
    pieces = set()
    for line in body.split("\n"):
        pieces |= {line[i : i + WINDOW] for i in range(len(line) - WINDOW + 1)}
    return pieces


PIECES = {name: _pieces(secret, prefix) for name, (secret, prefix) in SECRETS.items()}
PIECES["email"] = {"jane.fake-", "fake-test@"}  # the mask shows the domain: only the local part is private
PIECES["card"] = {"1234 5678", "12345678"}


def _views(text: str) -> Iterator[str]:
    """``text`` as written and with each format's escaping undone (HTML entities, ``%XX`` of GitHub
    annotations, Markdown's and JSON's backslashes), so an escaped secret is still found."""
    yield text
    unescaped = html.unescape(unquote(text))
    yield unescaped
    yield unescaped.replace("\\n", "\n").replace("\\", "")


def leaks(*texts: str) -> list[str]:
    """The names of the secrets (and personal data) a piece of which appears in ``texts``."""
    found = []
    for name, pieces in PIECES.items():
        if any(piece in view for text in texts for view in _views(text) for piece in pieces):
            found.append(name)
    return found


def masks() -> list[str]:
    """Masks that must show where C001 reports the secrets of the input texts."""
    return ["AKIA\u2026567", "ghp_\u2026klm", "sk-\u2026nop"]


# -- the dataset -----------------------------------------------------------------------------------


def _jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("leaky")
    s = {name: secret for name, (secret, _) in SECRETS.items()}
    preamble = f"Use key {s['aws']} to answer. "  # most inputs start with it: the template's preamble
    records: list[dict[str, str]] = []
    for i in range(30):
        # Three labels, one of them a secret: classification, and the summary lists the labels.
        label = ["yes", "no", s["openai"]][i % 3]
        records.append({"text_input": preamble + f"What is item {i} of the log?", "output": label})
    for name in ("google", "anthropic", "github_pat", "slack_hook", "stripe", "jwt", "pem", "aws_secret"):
        value = f"aws_secret_access_key = {s[name]}" if name == "aws_secret" else s[name]
        records.append({"text_input": preamble + f"Keep this safe: {value}", "output": "no"})
    records.append({"text_input": preamble + f"password={s['password']} for the db", "output": "yes"})
    records.append({"text_input": preamble + f"Mail {EMAIL} or charge {CARD}", "output": "yes"})
    # A duplicate and a conflicting duplicate, holding a secret.
    twin = {"text_input": preamble + f"dup {s['gitlab']}", "output": "yes"}
    records += [twin, dict(twin), {**twin, "output": "no"}]
    # An unknown key named by a secret (S004 quotes field names) and by an e-mail address.
    records.append({"text_input": preamble + "other", "output": "yes", s["github"]: "x", EMAIL: "y"})
    lines = [json.dumps(r) for r in records]
    lines.insert(7, '{"text_input": "broken ' + s["slack"] + '", "output": ')  # F002
    _jsonl(root / "train.jsonl", lines)
    chat = [
        {
            "messages": [
                {"role": "system", "content": "You help."},
                {"role": "user", "content": f"here is my token {s['github']}"},
                {"role": "assistant", "content": "Please revoke it."},
            ]
        }
    ] * 2
    _jsonl(root / "chat.jsonl", [json.dumps(c) for c in chat])
    # A CSV whose header names a column by a secret, and a file of records no shape knows (F007
    # lists the keys it saw).
    header = f"text_input,output,{s['gitlab']}\n"
    (root / "table.csv").write_text(header + "".join(f"q{i},a,x\n" for i in range(5)), encoding="utf-8")
    _jsonl(root / "unknown.jsonl", [json.dumps({"foo": "x", s["openai"]: "y"}) for _ in range(3)])
    return root


def _paths(data: Path) -> list[str]:
    return [str(data / name) for name in ("train.jsonl", "chat.jsonl", "table.csv", "unknown.jsonl")]


# -- the sanity check ------------------------------------------------------------------------------


def test_without_central_redaction_the_data_would_leak(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Switch the central redaction off: other rules' findings and the summary then carry the
    secrets (field names, keys seen, template preamble, labels), so the tests below are meaningful."""
    import validator.report as report_module

    monkeypatch.setattr(report_module, "redact_texts", lambda texts, personal=False: list(texts))
    monkeypatch.setattr(report_module, "redact", lambda text, personal=False: text)
    envelope = validator.lint(_paths(data), isolated=True).to_json()
    leaked = leaks(envelope)
    assert {"aws", "openai", "github", "gitlab", "email"} <= set(leaked), leaked
    # ... while C001's own messages never held the raw values even then.
    c001 = [f.message for f in validator.lint(_paths(data), isolated=True, select=["C001"]).findings]
    assert c001 and not leaks(*c001)


# -- the command line ------------------------------------------------------------------------------

BUILT_IN_FORMATS = ("full", "concise", "json", "json-lines", "sarif", "github", "gitlab", "junit", "markdown", "html")


def test_every_output_format_is_covered() -> None:
    assert set(BUILT_IN_FORMATS) <= set(reporter_names())
    code, out, _ = run_cli("lint", "--help")
    assert code == 0
    for name in BUILT_IN_FORMATS:
        assert name in out


@pytest.mark.parametrize("fmt", BUILT_IN_FORMATS)
def test_no_secret_on_stdout_in_any_format(
    data: Path, fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))  # the github format appends Markdown here
    code, out, err = run_cli("lint", "--isolated", "--output-format", fmt, "--statistics", *_paths(data))
    assert code == 1, err
    assert not leaks(out, err), (fmt, leaks(out, err))
    if fmt == "github":
        assert not leaks(summary.read_text(encoding="utf-8"))
    assert all(any(m in view for view in _views(out)) for m in masks()), fmt
    if fmt in ("json", "sarif", "gitlab"):
        json.loads(out)  # masking kept the document valid


@pytest.mark.parametrize("fmt", BUILT_IN_FORMATS)
def test_no_secret_in_report_files(data: Path, fmt: str, tmp_path: Path) -> None:
    target = tmp_path / f"report.{fmt}"
    code, out, err = run_cli("lint", "--isolated", "--output-format", fmt, "-o", str(target), *_paths(data))
    assert code == 1, err
    written = target.read_text(encoding="utf-8")
    assert not leaks(written, out, err)
    assert all(any(m in view for view in _views(written)) for m in masks())


def test_quiet_and_colour(data: Path) -> None:
    for flags in (["-q"], ["--color"], ["--color", "--output-format", "concise"]):
        code, out, err = run_cli("lint", "--isolated", *flags, *_paths(data))
        assert code == 1
        assert not leaks(out, err), flags


def test_baseline_holds_hashes_only(data: Path, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    code, out, err = run_cli("lint", "--isolated", "--write-baseline", str(baseline), *_paths(data))
    assert code in (0, 1), err
    document = json.loads(baseline.read_text(encoding="utf-8"))
    assert document["entries"]
    for entry in document["entries"]:
        assert set(entry) == {"path", "code", "fingerprint", "count"}
        assert all(c in "0123456789abcdef" for c in entry["fingerprint"])
    assert not leaks(baseline.read_text(encoding="utf-8"), out, err)
    # Linting against it: every finding accepted, nothing leaks either.
    code, out, err = run_cli(
        "lint", "--isolated", "--baseline", str(baseline), "--output-format", "json", *_paths(data)
    )
    assert code == 0, err
    assert json.loads(out)["baseline"]["suppressed"] > 0
    assert not leaks(out, err)


def test_show_settings_masks_config_values(tmp_path: Path) -> None:
    fake = SECRETS["aws"][0]
    config = tmp_path / "tunelint.toml"
    config.write_text(f'[rules.C001]\nallow = ["{fake}"]\n[rules.C002]\nallow = ["{EMAIL}"]\n', encoding="utf-8")
    for fmt in ("full", "json"):
        code, out, err = run_cli("lint", "--config", str(config), "--show-settings", "--output-format", fmt)
        assert code == 0, err
        assert "C001" in out
        assert not leaks(out, err)
    # The allow-list still works: the fake key is not reported.
    data = tmp_path / "d.jsonl"
    data.write_text(json.dumps({"text_input": f"key {fake}", "output": "ok"}) + "\n", encoding="utf-8")
    report = validator.lint(str(data), config=str(config))
    assert not [f for f in report.findings if f.code == "C001"]


def test_tool_errors_are_masked(tmp_path: Path) -> None:
    fake = SECRETS["openai"][0]
    code, out, err = run_cli("lint", "--isolated", "--select", fake, str(tmp_path))
    assert code == 2
    assert err and not leaks(out, err)
    code, out, err = run_cli("lint", f"--api-key={fake}", str(tmp_path))  # no such option
    assert code == 2
    assert err and not leaks(out, err)
    config = tmp_path / "tunelint.toml"
    config.write_text(f'profile = "{fake}"\n', encoding="utf-8")  # not a profile: a config error quoting it
    data = tmp_path / "d.jsonl"
    data.write_text('{"text_input": "a", "output": "b"}\n', encoding="utf-8")
    code, out, err = run_cli("lint", "--config", str(config), str(data))
    assert code == 2
    assert "tunelint: error:" in err and not leaks(out, err)


def test_internal_error_message_is_masked(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An internal error whose text holds data (here: a secret) still prints only its mask."""
    import validator.cli as cli

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"unexpected value {SECRETS['github'][0]!r}")

    monkeypatch.setattr(cli, "run_lint", boom)
    code, out, err = run_cli("lint", "--isolated", *_paths(data))
    assert code == 2
    assert "internal error" in err and "ghp_\u2026" in err
    assert not leaks(out, err)


def _script() -> str:
    found = shutil.which("tunelint", path=str(Path(sys.executable).parent)) or shutil.which("tunelint")
    if found is None:
        pytest.fail("the tunelint console script is not installed next to the test interpreter")
    return found


@pytest.mark.parametrize("fmt", ["full", "json"])
def test_real_process(data: Path, fmt: str) -> None:
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TUNELINT_DEBUG", "GITHUB_STEP_SUMMARY")}
    done = subprocess.run(
        [_script(), "lint", "--isolated", "--output-format", fmt, "--statistics", *_paths(data)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=environ,
    )
    assert done.returncode == 1, done.stderr
    assert not leaks(done.stdout, done.stderr)
    assert all(m in done.stdout for m in masks())


# -- the library -----------------------------------------------------------------------------------


def test_library_report(data: Path) -> None:
    report = validator.lint(_paths(data), isolated=True)
    texts = [report.to_json(), json.dumps(report.to_dict(), ensure_ascii=False)]
    texts += [report.render(fmt) for fmt in BUILT_IN_FORMATS]
    texts += [f.message for f in report.findings] + [f.field or "" for f in report.findings]
    assert not leaks(*texts)
    assert any(m in texts[0] for m in masks())
    with pytest.raises(validator.DatasetValidationError) as caught:
        report.raise_for_errors()
    assert not leaks(str(caught.value), repr(caught.value))
    assert caught.value.report is report


def test_library_in_memory_records() -> None:
    fake = SECRETS["stripe"][0]
    report = validator.lint([{"text_input": f"charge with {fake}", "output": "ok", fake: "x"}] * 3)
    assert [f.code for f in report.findings if f.code == "C001"] == ["C001"] * 3
    assert not leaks(report.to_json())


def test_every_finding_carries_masks_not_values(data: Path) -> None:
    """C001 reports every planted secret, each message shows masks only, and C002 likewise."""
    report = validator.lint(_paths(data), isolated=True, select=["C001", "C002"])
    messages = "\n".join(f.message for f in report.findings)
    for name in ("google", "anthropic", "github_pat", "slack_hook", "stripe", "jwt", "pem", "password", "aws_secret"):
        prefix = SECRETS[name][1]
        assert f"{prefix}\u2026" in messages, name
    assert "j\u2026@corp-mail.com" in messages and "\u20269017" in messages
    assert not leaks(messages)
