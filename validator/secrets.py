"""Credentials in text: find them, mask them, and redact them from everything tunelint prints.

:func:`find_secrets` recognises API keys and tokens by their published formats (AWS, Google,
OpenAI, Anthropic, GitHub, GitLab, Slack, Stripe), JSON Web Tokens whose header decodes to JSON
with an ``alg``, PEM private key blocks, passwords in URLs, and high-entropy values assigned to a
key named like a credential (``password=``, ``api_key:``, ``"token": "..."``). :func:`mask` keeps
a short kind-identifying prefix and the last three characters (``AKIA…LMB``); :func:`redact`
replaces every secret in a text by its mask.

Speed: rules run this over every text of every record, so each pattern starts with a literal
(sre then scans with a fast substring search instead of trying every position) and patterns that
need a character such as ``-`` or ``_`` are skipped unless ``memchr`` finds it. A whole batch of
texts is judged at once (:func:`find_secrets_in`): they are joined with line feeds, which no
pattern crosses, so only the texts a match starts in are examined again one by one.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

__all__ = [
    "SECRET_KINDS",
    "SecretMatch",
    "credible_value",
    "entropy",
    "find_secrets",
    "find_secrets_in",
    "mask",
    "redact",
    "redact_texts",
]

#: Every kind :func:`find_secrets` reports, with the name messages use.
SECRET_KINDS: dict[str, str] = {
    "private-key": "private key (PEM)",
    "jwt": "JSON Web Token",
    "aws-access-key-id": "AWS access key ID",
    "google-api-key": "Google API key",
    "anthropic-api-key": "Anthropic API key",
    "openai-api-key": "OpenAI API key",
    "github-token": "GitHub token",
    "gitlab-token": "GitLab access token",
    "slack-token": "Slack token",
    "slack-webhook": "Slack webhook URL",
    "stripe-key": "Stripe secret key",
    "url-password": "password in a URL",
    "aws-secret-access-key": "AWS secret access key",
    "password": "password",
    "secret": "secret",
    "token": "token",
    "api-key": "API key",
    "credential": "credential",
}

#: What masks put in place of the hidden characters.
ELLIPSIS = "\u2026"


@dataclass(frozen=True, slots=True)
class SecretMatch:
    """A secret found in a text: its kind (a key of :data:`SECRET_KINDS`) and ``text[start:end]``."""

    kind: str
    start: int
    end: int


# -- measures ------------------------------------------------------------------------------------


def entropy(value: str) -> float:
    """Shannon entropy of ``value`` in bits per character (0 for an empty string)."""
    n = len(value)
    if not n:
        return 0.0
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


#: A run of six identical characters: ``XXXXXX``, ``000000``, ``******`` mark placeholders. A random
#: key of 40 base-62 characters holds one with a probability below 1e-7.
_RUN = re.compile(r"(.)\1{5}")
#: What marks a documented example in a generated token (AWS's documentation keys end in
#: ``EXAMPLE``): long enough that a random key holds it with a probability near 1e-9.
_TOKEN_WORDS = ("example",)
#: Words that mark a placeholder in a value people type (``password=your_password``); short words
#: like "your" would hide one random key in some ten thousand, so they are for assigned values only.
_VALUE_WORDS = ("example", "your", "placeholder", "changeme", "change_me", "redacted", "dummy", "sample")


def _placeholder(value: str, words: tuple[str, ...] = _TOKEN_WORDS) -> bool:
    low = value.lower()
    return _RUN.search(value) is not None or any(word in low for word in words)


def _classes(value: str) -> tuple[bool, bool, bool, bool]:
    """Whether ``value`` has a lower-case letter, an upper-case letter, a digit, and a symbol other
    than the word joiners ``_ - .``."""
    lower = upper = digit = symbol = False
    for ch in value:
        if ch.isdigit():
            digit = True
        elif ch.islower():
            lower = True
        elif ch.isupper():
            upper = True
        elif ch not in "_-.":
            symbol = True
    return lower, upper, digit, symbol


# -- patterns -------------------------------------------------------------------------------------
# A full scan per format would cost a pass over every text for each of them. Instead each pattern
# starts with one literal character that every format it covers contains (``-`` for ``sk-``,
# ``glpat-``, ``xoxb-`` and PEM headers; ``_`` for ``ghp_``, ``github_pat_``, ``sk_live_``; ``:``
# for URLs and assignments), so sre runs its fast literal search once, and each alternative checks
# what comes before that character with lookbehinds. A leading lookbehind, or a pattern starting
# with a character class, would make sre try the whole pattern at every position, ten times slower.

_TOKEN_END = r"(?![A-Za-z0-9_\-])"
_AWS_GOOGLE = re.compile(
    r"A(?<![A-Za-z0-9]A)(?:(?:KIA|SIA)[A-Z0-9]{16}(?![A-Za-z0-9])|Iza[0-9A-Za-z_\-]{35}" + _TOKEN_END + ")"
)
_DASH = re.compile(
    r"-(?:"
    r"(?<=sk-)(?<![A-Za-z0-9_\-]sk-)(?:(?P<ant>ant-)|(?:proj-|svcacct-|admin-)?)(?P<sk>[A-Za-z0-9_\-]{20,})"
    + _TOKEN_END
    + r"|(?<=glpat-)(?<![A-Za-z0-9_\-]glpat-)(?P<glpat>[A-Za-z0-9_\-]{20,})"
    + _TOKEN_END
    + r"|(?<=xox[abprs]-)(?<![A-Za-z0-9_\-]xox[abprs]-)(?P<xox>[A-Za-z0-9\-]{10,})"
    + _TOKEN_END
    + r"|(?P<pem>----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----)"
    r")"
)
_UNDERSCORE = re.compile(
    r"_(?:"
    r"(?<=gh[pousr]_)(?<![A-Za-z0-9_]gh[pousr]_)(?P<gh>[A-Za-z0-9]{36,255})(?![A-Za-z0-9_])"
    r"|(?<=github_)(?<![A-Za-z0-9_]github_)(?P<pat>pat_[A-Za-z0-9_]{40,255})(?![A-Za-z0-9_])"
    r"|(?<=[sr]k_)(?<![A-Za-z0-9_][sr]k_)(?P<stripe>(?:live|test)_[A-Za-z0-9]{16,})(?![A-Za-z0-9_])"
    r")"
)
_JWT = re.compile(r"eyJ(?<![A-Za-z0-9_\-]eyJ)[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{16,}" + _TOKEN_END)
_PEM_END = re.compile(r"-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
#: The body of a PEM block without its END line: base64, blanks, and line breaks (real ones, or
#: escaped in a string literal, ``"...\\n..."``) up to a blank line.
_PEM_BODY = re.compile(r"(?:[A-Za-z0-9+/= \t]|\r?\n(?![ \t]*\r?\n)|\\[rn])*")
_BASE64_CHARS = re.compile(r"[A-Za-z0-9+/]")
#: The shape of an AWS secret access key: 40 base64 characters.
_AWS_SECRET = re.compile(r"[A-Za-z0-9/+=]{40}")

#: A value after ``=`` (or ``=>``) or ``:``, optionally quoted; no line break, so a value never runs
#: into the next text of a joined batch. It must hold a digit or a symbol (as :func:`credible_value`
#: asks): checked here, after the cheaper length test, so that prose never reaches Python.
_VALUE_CHAR = r"[^\s\"'`,;&<>()\[\]{}]"
_VALUE = (
    rf"[ \t]*(?P<quote>[\"'`]?)(?P<value>(?={_VALUE_CHAR}{{8}})"
    rf"(?={_VALUE_CHAR}*?[^A-Za-z_.\-\s\"'`,;&<>()\[\]{{}}]){_VALUE_CHAR}{{8,256}})"
)
#: The value is read in a lookahead: a match ends right after the separator, so a value rejected
#: (not after a credential's name) does not hide a URL or another separator inside it.
_EQUALS = re.compile(r"=>?(?=" + _VALUE + ")")
#: After a colon: ``//`` and a Slack webhook's host (the scheme is checked in Python) or a URL's
#: ``user:password@``; otherwise an assigned value.
_COLON = re.compile(
    r":(?://(?:(?P<hook>hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/\-]{16,})"
    r"|(?P<user>[^\s/:@]{1,64}):(?P<pw>[^\s/@]{1,128})@)"
    r"|(?!//)(?=" + _VALUE + r"))"
)

# -- assignments ----------------------------------------------------------------------------------

#: The name before a separator, read backwards (``]``, quotes, ``:``, ``=`` and spaces stripped first).
_NAME_REVERSED = re.compile(r"[A-Za-z0-9_.\-]{1,64}")
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_SEGMENTS = re.compile(r"[_.\-]+")
#: Cheap test before the name is split: every credential name contains one of these.
_NAME_HINTS = ("pass", "pwd", "secret", "token", "key", "cred", "auth")
_PASSWORD_SEGMENTS = frozenset({"password", "passwd", "passphrase", "pwd", "passcode"})
_KEY_QUALIFIERS = frozenset(
    {"api", "access", "private", "secret", "signing", "encryption", "master", "auth", "client", "app", "service"}
)
#: Words glued to "token" in a credential's name (``accesstoken``; ``tiktoken`` is not one).
_TOKEN_QUALIFIERS = frozenset(
    {"access", "auth", "refresh", "bearer", "api", "session", "id", "csrf", "secret", "client", "oauth", "bot", "app"}
)
#: A value that names something rather than being it: a variable (``user_password``,
#: ``settings.SECRET_KEY``), an environment or template reference, a call.
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z_]*(?:[.\-][A-Za-z_][A-Za-z0-9_]*)*|[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")


def _name_kind(name: str) -> str | None:
    """The kind of secret a key called ``name`` holds (``DB_PASSWORD`` -> ``password``,
    ``apiKey`` -> ``api-key``), or ``None`` when the name is not a credential's."""
    low = name.lower()
    if not any(hint in low for hint in _NAME_HINTS):
        return None
    segments = [s for s in _SEGMENTS.split(_CAMEL.sub(r"\1_\2", name).lower()) if s]
    if any(s in _PASSWORD_SEGMENTS for s in segments):
        return "password"
    if "secret" in segments or "secrets" in segments:
        return "aws-secret-access-key" if "aws" in segments else "secret"
    for i, s in enumerate(segments):
        if s in ("apikey", "accesskey", "privatekey", "secretkey", "authkey"):
            return "api-key"
        if s == "key" and i and segments[i - 1] in _KEY_QUALIFIERS:
            return "api-key"
        if s == "token" or (s.endswith("token") and s[:-5] in _TOKEN_QUALIFIERS):
            return "token"
        if s in ("auth", "authorization", "bearer"):
            return "token"
        if s in ("credential", "credentials"):
            return "credential"
    return None


def _length_threshold(n: int) -> float:
    """The entropy a value of ``n`` characters needs to count as a secret: 85% of the most its
    length allows (``log2(n)`` bits per character, all characters distinct), capped at 3 bits.

    Random keys and generated passwords come close to that maximum; repeated or patterned values
    (``aaaa1111``, ``abab1212``) and words do not. The cap matters for long values: random base-62
    text averages nearly 6 bits per character, English words stay near 3."""
    return min(3.0, 0.85 * math.log2(n))


def credible_value(value: str) -> bool:
    """Whether a value assigned to a credential name looks like a real secret: at least 8
    characters, a letter and a digit or symbol, not a placeholder or a reference (``$VAR``,
    ``os.environ[...]``, ``get_secret(...)``, ``settings.KEY``), and an entropy
    of at least :func:`_length_threshold`. ``hunter`` (a word) and ``${DB_PASSWORD}`` are not."""
    if len(value) < 8 or value[0] in "$%<*&@#" or any(ch in value for ch in "([{"):
        return False
    if _placeholder(value, _VALUE_WORDS):
        return False
    if ELLIPSIS in value:
        return False  # a mask (``password=…x9Z``): redacting twice changes nothing
    if _IDENTIFIER.fullmatch(value):
        return False
    lower, upper, digit, symbol = _classes(value)
    if not (lower or upper) or not (digit or symbol):
        return False
    return entropy(value) >= _length_threshold(len(value))


# -- detectors ------------------------------------------------------------------------------------

Accepted = tuple[str, int, int]


def _random_token(body: str, *, mixed_case: bool = False) -> bool:
    """A generated token's body: letters and digits (and both cases when ``mixed_case``), no
    placeholder run."""
    if _placeholder(body):
        return False
    lower, upper, digit, _ = _classes(body)
    if not digit or not (lower or upper):
        return False
    return not mixed_case or (lower and upper)


def _aws_google(text: str, m: re.Match[str]) -> Accepted | None:
    token = m.group(0)
    if _placeholder(token):
        return None
    return ("google-api-key" if token.startswith("AIza") else "aws-access-key-id"), m.start(), m.end()


def _dash(text: str, m: re.Match[str]) -> Accepted | None:
    """``sk-``/``sk-ant-`` API keys, GitLab and Slack tokens, PEM private key blocks."""
    if m.group("pem") is not None:
        return _pem(text, m.start(), m.end())
    if m.group("sk") is not None:
        anthropic = m.group("ant") is not None
        if not _random_token(m.group("sk"), mixed_case=not anthropic):
            return None
        return ("anthropic-api-key" if anthropic else "openai-api-key"), m.start() - 2, m.end()
    if m.group("glpat") is not None:
        return None if _placeholder(m.group("glpat")) else ("gitlab-token", m.start() - 5, m.end())
    return None if not _random_token(m.group("xox")) else ("slack-token", m.start() - 4, m.end())


def _underscore(text: str, m: re.Match[str]) -> Accepted | None:
    """GitHub tokens (classic and fine-grained) and Stripe keys."""
    if m.group("gh") is not None:
        return None if _placeholder(m.group("gh")) else ("github-token", m.start() - 3, m.end())
    if m.group("pat") is not None:
        return None if _placeholder(m.group("pat")) else ("github-token", m.start() - 6, m.end())
    return None if not _random_token(m.group("stripe")) else ("stripe-key", m.start() - 2, m.end())


def _json_segment(segment: str) -> Any:
    """A base64url segment of a JWT decoded as JSON (``None`` when it is not)."""
    try:
        return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (binascii.Error, ValueError):  # not base64, not UTF-8 or not JSON
        return None


def _jwt(text: str, m: re.Match[str]) -> Accepted | None:
    """Three base64url segments whose header is a JSON object with ``alg`` and whose payload is a
    JSON object (the claims)."""
    header, payload, _ = m.group(0).split(".", 2)
    decoded = _json_segment(header)
    if not isinstance(decoded, dict) or "alg" not in decoded or not isinstance(_json_segment(payload), dict):
        return None
    return "jwt", m.start(), m.end()


def _pem(text: str, start: int, header_end: int) -> Accepted | None:
    """A private key block: from BEGIN to its END line, or to the end of the base64 body when the
    END line is missing; a header alone (a tutorial naming the format) is not a key."""
    end_line = _PEM_END.search(text, header_end)
    if end_line is not None:
        body, end = text[header_end : end_line.start()], end_line.end()
    else:
        run = _PEM_BODY.match(text, header_end)
        end = run.end() if run else header_end
        body = text[header_end:end]
    if len(_BASE64_CHARS.findall(body)) < 40:
        return None
    return "private-key", start, end


def _colon(text: str, m: re.Match[str]) -> Accepted | None:
    """Slack webhook URLs, passwords in URLs, values assigned with a colon."""
    if m.group("hook") is not None:
        scheme = next((s for s in ("https", "http") if text.startswith(s, m.start() - len(s))), None)
        if scheme is None or _placeholder(m.group("hook")):
            return None
        return "slack-webhook", m.start() - len(scheme), m.end()
    if m.group("pw") is not None:
        return ("url-password", m.start("pw"), m.end("pw")) if credible_value(m.group("pw")) else None
    return _assignment(text, m)


def _assignment(text: str, m: re.Match[str]) -> Accepted | None:
    head = text[max(0, m.start() - 80) : m.start()].rstrip(" \t\"'`]:=!<>+")
    found = _NAME_REVERSED.match(head[::-1])
    if found is None:
        return None
    kind = _name_kind(found.group(0)[::-1].lstrip("-."))
    if kind is None:
        return None
    # A full stop or closing bracket after the value usually ends the sentence, not the secret.
    value = m.group("value").rstrip(".)")
    if not credible_value(value):
        return None
    if kind == "aws-secret-access-key" and not _AWS_SECRET.fullmatch(value):
        kind = "secret"
    start = m.start("value")
    return kind, start, start + len(value)


@dataclass(frozen=True)
class _Detector:
    #: Cheap test that must pass before the pattern runs: characters or substrings every match holds
    #: (a one-character ``in`` is a ``memchr``, many times faster than a pattern scan).
    gate: Callable[[str], bool]
    pattern: re.Pattern[str]
    accept: Callable[[str, re.Match[str]], Accepted | None]


def _has(*needles: str) -> Callable[[str], bool]:
    """A gate passing texts that contain every needle (rare single characters first)."""
    return lambda text: all(needle in text for needle in needles)


def _any(*needles: str) -> Callable[[str], bool]:
    """A gate passing texts that contain one of the needles."""
    return lambda text: any(needle in text for needle in needles)


_DETECTORS: tuple[_Detector, ...] = (
    _Detector(_any("K", "S", "z"), _AWS_GOOGLE, _aws_google),  # AKIA, ASIA, AIza
    _Detector(_has("J", "eyJ"), _JWT, _jwt),
    _Detector(_has("-"), _DASH, _dash),
    _Detector(_has("_"), _UNDERSCORE, _underscore),
    _Detector(_has(":"), _COLON, _colon),
    _Detector(_has("="), _EQUALS, _assignment),
)
#: Which kind wins where two matches overlap: a private key block (its base64 could look like
#: anything), then a JWT, the token formats, URLs, and last values found by their names (a JWT
#: assigned to ``token=`` is reported as a JWT).
_PRECEDENCE = {"private-key": 0, "jwt": 1, "slack-webhook": 3, "url-password": 4}
_ASSIGNED = 5
_TOKENS = 2
_ASSIGNED_KINDS = frozenset({"aws-secret-access-key", "password", "secret", "token", "api-key", "credential"})


def _candidates(text: str) -> list[tuple[int, str, int, int]]:
    """Every accepted match of every detector as ``(precedence, kind, start, end)``, overlaps kept."""
    found: list[tuple[int, str, int, int]] = []
    for detector in _DETECTORS:
        if not detector.gate(text):
            continue
        for m in detector.pattern.finditer(text):
            accepted = detector.accept(text, m)
            if accepted is not None:
                kind = accepted[0]
                rank = _PRECEDENCE.get(kind, _ASSIGNED if kind in _ASSIGNED_KINDS else _TOKENS)
                found.append((rank, *accepted))
    return found


def find_secrets(text: str) -> list[SecretMatch]:
    """Every secret in ``text``, in order, without overlaps (the more specific kind wins)."""
    kept: list[SecretMatch] = []
    for _, kind, start, end in sorted(_candidates(text)):
        if all(end <= k.start or start >= k.end for k in kept):
            kept.append(SecretMatch(kind, start, end))
    kept.sort(key=lambda k: k.start)
    return kept


def _starts(texts: Sequence[str]) -> list[int]:
    """Where each text starts in ``"\\n".join(texts)``."""
    return list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0))


def find_secrets_in(texts: Sequence[str]) -> dict[int, list[SecretMatch]]:
    """:func:`find_secrets` for many texts at once: ``{index: matches}`` for the texts that hold a
    secret. Clean texts cost one pass of each cheap test over all of them joined."""
    if not texts:
        return {}
    joined = "\n".join(texts)
    found = _candidates(joined)
    if not found:
        return {}
    starts = _starts(texts)
    result: dict[int, list[SecretMatch]] = {}
    for i in sorted({bisect_right(starts, start) - 1 for _, _, start, _ in found}):
        matches = find_secrets(texts[i])
        if matches:
            result[i] = matches
    return result


# -- masks and redaction --------------------------------------------------------------------------

#: Prefixes that say what a secret is without revealing any of it (fixed by each format).
_PREFIX = re.compile(
    r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
    r"|(?:https?://)?hooks\.slack\.com/[a-z]+/"
    r"|github_pat_|gh[pousr]_|glpat-|xox[a-z]-|[sr]k_(?:live|test)_"
    r"|sk-ant-(?:[a-z]+\d\d-)?|sk-(?:proj-|svcacct-|admin-)?"
    r"|AKIA|ASIA|AIza|eyJ"
)
#: Hidden characters per character shown: the last three are shown only when at least nine are
#: hidden, so a mask never reveals more than a third of the secret part.
_TAIL = 3
_MIN_BODY_FOR_TAIL = 9


def mask(secret: str) -> str:
    """A printable stand-in for ``secret``: the prefix that identifies its kind (``AKIA``, ``sk-``,
    ``ghp_``, a PEM header), an ellipsis and its last three characters (``AKIA…LMB``). Secrets
    shorter than nine characters after the prefix, and PEM blocks, show no tail at all."""
    prefix_match = _PREFIX.match(secret)
    prefix = prefix_match.group(0) if prefix_match else ""
    body = secret[len(prefix) :]
    if prefix.startswith("-----") or len(body) < _MIN_BODY_FOR_TAIL:
        return prefix + ELLIPSIS
    return prefix + ELLIPSIS + body[-_TAIL:]


Span = tuple[int, int, str]


def _secret_spans(text: str) -> list[Span]:
    return [(m.start, m.end, mask(text[m.start : m.end])) for m in find_secrets(text)]


def _apply(text: str, spans: list[Span]) -> str:
    """``text`` with each non-overlapping span replaced (earlier spans win an overlap)."""
    kept: list[Span] = []
    for span in spans:
        if all(span[1] <= k[0] or span[0] >= k[1] for k in kept):
            kept.append(span)
    out: list[str] = []
    at = 0
    for start, end, replacement in sorted(kept):
        out.append(text[at:start])
        out.append(replacement)
        at = end
    out.append(text[at:])
    return "".join(out)


def redact(text: str, *, personal: bool = False) -> str:
    """``text`` with every secret replaced by its :func:`mask`; with ``personal``, personal data
    (e-mail addresses, phone numbers, card numbers, IBANs) is masked too."""
    spans = _secret_spans(text)
    if personal:
        from validator.personal import personal_spans

        spans += personal_spans(text)
    return _apply(text, spans) if spans else text


def redact_texts(texts: Sequence[str], *, personal: bool = False) -> list[str]:
    """:func:`redact` for many texts at once; texts without anything to mask are returned as they
    are, after one pass of the cheap tests over all of them."""
    out = list(texts)
    suspects = set(find_secrets_in(texts))
    if personal:
        from validator.personal import find_personal_in

        suspects |= set(find_personal_in(texts))
    for i in suspects:
        out[i] = redact(texts[i], personal=personal)
    return out
