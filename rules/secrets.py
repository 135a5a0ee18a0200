"""C rules about sensitive data in the texts: secrets (C001) and personal data (C002).

Both read every text a record uploads: the input and output of single-turn records; for
conversations the context and target, every turn after the target and a preference pair's
rejected answer. A finding points at the field that holds the data (a turn's text, a tool call's
arguments, the system instruction) and shows only masked forms: the raw values must never reach a
report, a CI log or a terminal. Neither rule keeps state. A whole batch is judged at once by the
detectors of :mod:`validator.api` (a few scans in C over the batch's texts joined), so only the
examples with a hit are built and located.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from validator.api import (
    PERSONAL_KINDS,
    SECRET_KINDS,
    Allow,
    Batch,
    Context,
    Example,
    Finding,
    Severity,
    StatelessRule,
    Turn,
    find_personal_in,
    find_secrets_in,
    json_text,
    mask,
    mask_personal,
)

__all__ = ["RULES", "PersonalData", "PersonalDataOptions", "Secret", "SecretOptions"]

#: At most this many masked values are listed in one message (the count covers the rest).
_SHOWN = 3

# -- where the texts are --------------------------------------------------------------------------

#: ``(example index in the batch, part)``: ``input``, ``output``, ``turn:N`` (a turn after the
#: target) or ``rejected``.
Owner = tuple[int, str]


def _texts(batch: Batch) -> tuple[list[str], Callable[[int], Owner]]:
    """Every text of ``batch`` the rules read, and who owns the text at each index."""
    if not batch.conversational:
        n = len(batch)
        # Single-turn batches need no Example objects at all: inputs, then outputs.
        return batch.inputs + batch.outputs, lambda k: (k % n, "input" if k < n else "output")
    texts: list[str] = []
    owners: list[Owner] = []
    for i, example in enumerate(batch):
        texts += (example.input_text, example.output_text)
        owners += ((i, "input"), (i, "output"))
        if example.target is not None:
            # Turns after the target are in neither canonical text, yet they are uploaded.
            for j in range(example.target + 1, len(example.turns)):
                texts.append(example.turns[j].text)
                owners.append((i, f"turn:{j}"))
        if example.rejected is not None:
            texts.append(example.rejected.text)
            owners.append((i, "rejected"))
    return texts, owners.__getitem__


def _system_field(example: Example, value: str) -> str | None:
    """The pointer of a system instruction kept outside the turns (Vertex ``systemInstruction``,
    ShareGPT ``system``): the text part that holds ``value`` when there are parts."""
    raw = example.raw
    if isinstance(raw, dict):
        for key in ("systemInstruction", "system_instruction", "system"):
            if key not in raw:
                continue
            parts = raw[key].get("parts") if isinstance(raw[key], dict) else None
            if isinstance(parts, list):
                for i, part in enumerate(parts):
                    if isinstance(part, dict) and isinstance(part.get("text"), str) and value in part["text"]:
                        return f"/{key}/parts/{i}/text"
            return "/" + key
    return example.fields.get("input")


def _in_context(example: Example, value: str) -> tuple[str, str | None]:
    """``(label, field)`` of the part of a conversation's context that holds ``value``: a turn's
    text, a tool call's arguments, the system instruction; else the whole conversation."""
    turns = example.turns
    end = example.target if example.target is not None else len(turns)
    for turn in turns[:end]:
        if value in turn.text or any(
            call.arguments is not None and value in json_text(call.arguments) for call in turn.tool_calls
        ):
            return _in_turn(turn, value, f"{turn.role} turn")
    if example.system and value in example.system:
        return "system instruction", _system_field(example, value)
    return "conversation", example.fields.get("input")


def _in_turn(turn: Turn, value: str, label: str) -> tuple[str, str | None]:
    """``(label, field)`` within one turn: its text, else the tool call whose arguments hold ``value``."""
    if value not in turn.text:
        for call in turn.tool_calls:
            if call.arguments is not None and value in json_text(call.arguments):
                return "tool call", call.field or turn.at
    return label, turn.field


def _locate(batch: Batch, owner: Owner, value: str) -> tuple[str, str | None]:
    """``(label, field)`` of the text ``owner`` names, for a finding about ``value`` in it."""
    i, part = owner
    if part == "output":
        example = batch[i] if batch.conversational else None
        if example is not None and example.target is not None:
            return _in_turn(example.turns[example.target], value, "output")
        return "output", batch.fields[i].get("output")
    if part == "input":
        if batch.conversational and batch[i].turns:
            return _in_context(batch[i], value)
        return "input", batch.fields[i].get("input")
    example = batch[i]
    if part == "rejected" and example.rejected is not None:
        return "rejected answer", example.rejected.field
    turn = example.turns[int(part.split(":", 1)[1])]
    return _in_turn(turn, value, f"{turn.role} turn")


#: ``(kind, value)`` of every hit in one text.
Hits = list[tuple[str, str]]


def _grouped(
    batch: Batch, owner: Callable[[int], Owner], hits: dict[int, Hits]
) -> Iterator[tuple[int, str, str | None, Hits]]:
    """``(example index, label, field, hits)`` per field, in record order, then part order (a dict
    keeps the order its keys were first seen in)."""
    groups: dict[tuple[int, str, str | None], Hits] = {}
    for k in sorted(hits, key=lambda k: (owner(k)[0], k)):
        for kind, value in hits[k]:
            label, field = _locate(batch, owner(k), value)
            groups.setdefault((owner(k)[0], label, field), []).append((kind, value))
    for (i, label, field), items in groups.items():
        yield i, label, field, items


def _listing(items: Sequence[tuple[str, str]]) -> str:
    """``"AWS access key ID AKIA…MPL, password …x9Z"`` (distinct items, the first few)."""
    distinct = list(dict.fromkeys(items))
    shown = ", ".join(f"{name} {masked}" for name, masked in distinct[:_SHOWN])
    if len(distinct) > _SHOWN:
        shown += f" and {len(distinct) - _SHOWN} more"
    return shown


def _where(label: str, field: str | None) -> str:
    return f"{label} ({field})" if field else label


def _strings(name: str, values: Any) -> tuple[str, ...]:
    if not all(isinstance(v, str) for v in values):
        raise ValueError(f"{name} must be a list of strings")
    return tuple(values)


# -- C001 -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SecretOptions:
    """Options of C001."""

    #: Exact values that are known fakes (a documented example key, a test fixture).
    allow: tuple[str, ...] = ()
    #: Regular expressions; a secret that one of them matches entirely is not reported.
    allow_patterns: tuple[str, ...] = ()


class Secret(StatelessRule):
    """What: A text contains a credential: an AWS access key ID (``AKIA…``/``ASIA…``) or an AWS
    secret access key assigned to ``aws_secret_access_key``, a Google API key (``AIza…``), an
    OpenAI (``sk-…``, ``sk-proj-…``) or Anthropic (``sk-ant-…``) API key, a GitHub token
    (``ghp_``/``gho_``/``ghu_``/``ghs_``/``ghr_``, ``github_pat_``), a GitLab token (``glpat-``), a
    Slack token (``xoxb-``…) or webhook URL, a Stripe secret or restricted key (``sk_live_``,
    ``rk_test_``…), a JSON Web Token, a PEM private key block, a password inside a URL
    (``scheme://user:password@host``), or a high-entropy value assigned to a name such as
    ``password``, ``secret``, ``token`` or ``api_key`` (``password=…``, ``"apiKey": "…"``). One
    finding per text names the kinds and shows each secret masked (``AKIA…`` and the last three
    characters); no report ever contains the secret itself.

    Not flagged: placeholders and references (``<your key>``, ``${TOKEN}``, ``os.environ[...]``,
    ``settings.SECRET_KEY``, ``your_password``, six identical characters such as ``XXXXXX``),
    documentation keys (with ``EXAMPLE``), short or low-entropy assigned values
    (``password=hunter``; an assigned value needs 8 characters, a letter and a digit or symbol, and
    85% of the entropy its length allows, at most 3 bits per character), and tokens that lack the
    digits and letters of generated keys.

    Why: A fine-tuned model can memorise and repeat what it trained on, so a key in the data can
    come out of the model for anyone who asks the right way; and the dataset itself is copied to
    storage buckets, notebooks and providers. A leaked key must be treated as compromised.

    Example: ``"output": "export AWS_ACCESS_KEY_ID=AKIA…"`` followed by sixteen more characters, or
    a support transcript in which a user pasted ``password=…`` into the chat.

    Fix: Remove the secret from the data (or replace it with a placeholder such as ``<API_KEY>``)
    and revoke or rotate the credential where it was issued: removing it from the file does not
    un-leak it.

    Options: ``allow`` — exact values that are known fakes; ``allow-patterns`` — regular
    expressions for known fake keys (a secret one of them matches entirely is not reported).
    """

    code = "C001"
    name = "secret"
    summary = "An API key, token, password or private key in a text"
    default_severity = Severity.ERROR
    options = SecretOptions

    def __init__(self, options: SecretOptions | None = None) -> None:
        super().__init__(options)
        self._allow = frozenset(_strings("allow", self.opts.allow))
        patterns = _strings("allow-patterns", self.opts.allow_patterns)
        try:
            self._patterns = tuple(re.compile(p) for p in patterns)
        except re.error as exc:
            raise ValueError(f"allow-patterns: not a regular expression: {exc}") from None

    def _allowed(self, value: str) -> bool:
        return value in self._allow or any(p.fullmatch(value) for p in self._patterns)

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        return self.check_batch(Batch.of((example,)), ctx)

    def check_batch(self, batch: Batch, ctx: Context) -> Iterator[Finding]:
        texts, owner = _texts(batch)
        found = find_secrets_in(texts)
        if not found:
            return
        hits: dict[int, Hits] = {}
        for k, matches in found.items():
            values = [(m.kind, texts[k][m.start : m.end]) for m in matches]
            kept = [(kind, value) for kind, value in values if not self._allowed(value)]
            if kept:
                hits[k] = kept
        for i, label, field, items in _grouped(batch, owner, hits):
            listed = _listing([(SECRET_KINDS[kind], mask(value)) for kind, value in items])
            what, it = ("a secret", "it") if len(items) == 1 else (f"{len(items)} secrets", "them")
            yield self.finding(
                ctx,
                f"{_where(label, field)} contains {what}: {listed}. Remove {it} from the data (or use a "
                f"placeholder such as <API_KEY>) and revoke or rotate {it}: anyone with the dataset or the "
                "tuned model can recover a secret it holds",
                line=batch.lines[i],
                record=batch.records[i],
                field=field,
            )


# -- C002 -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonalDataOptions:
    """Options of C002."""

    #: Exact values never reported (an organisation's public support address or phone number).
    allow: tuple[str, ...] = ()
    #: E-mail domains never reported, subdomains included (added to example.com/.org/.net and the
    #: reserved top-level domains .test, .example, .invalid, .localhost).
    allow_domains: tuple[str, ...] = ()
    #: Which kinds to look for: email, phone, card, iban.
    kinds: tuple[str, ...] = ("email", "phone", "card", "iban")


class PersonalData(StatelessRule):
    """What: A text contains personal data: an e-mail address, a phone number (international forms
    ``+<country code> <number>``, and national forms with separators such as ``(NNN) NNN-NNNN``,
    ``0NN NNNN NNNN`` or ``0N NN NN NN NN``), a payment card number (13 to 19 digits, optionally grouped, that passes
    the Luhn check and starts like a card brand) or an IBAN (right length for its country, valid
    mod-97 check digits). One finding per text names the kinds and shows each value masked
    (``j…@corp.com``, ``…4242``).

    Not flagged: addresses at documentation domains (``example.com``, ``example.org``,
    ``example.net`` and the reserved ``.test``, ``.example``, ``.invalid``, ``.localhost``), code
    hosts' SSH addresses (``git@github.com``), payment providers' published test card numbers,
    file names such as ``icon@2x.png``; dates, times, version numbers, ISBNs, UUIDs, prices and
    bare runs of digits (IDs, timestamps), which are not phone numbers.

    Why: A fine-tuned model can memorise and repeat personal data from its training set, and
    processing it may need a legal basis (GDPR, CCPA) and a data-processing agreement with the
    tuning provider. Real contact details in examples also teach the model to produce them.

    Example: ``"output": "Sure, email Jane at jane.doe@corp-mail.com or call 020 7946 0958."``

    Fix: Remove the data or replace it with realistic placeholders (``user@example.com``, a
    fictional number), consistently across the dataset. Allow-list public values that belong in
    the data (your own support address) rather than ignoring the rule.

    Options: ``allow`` — exact values never reported; ``allow-domains`` — e-mail domains never
    reported (subdomains included); ``kinds`` — which of ``email``, ``phone``, ``card``, ``iban``
    to look for.
    """

    code = "C002"
    name = "personal-data"
    summary = "An e-mail address, phone number, card number or IBAN in a text"
    default_severity = Severity.WARNING
    options = PersonalDataOptions

    def __init__(self, options: PersonalDataOptions | None = None) -> None:
        super().__init__(options)
        kinds = _strings("kinds", self.opts.kinds)
        unknown = sorted(set(kinds) - set(PERSONAL_KINDS))
        if unknown:
            raise ValueError(f"kinds: unknown kind {unknown[0]!r}; choose from {', '.join(PERSONAL_KINDS)}")
        self._kinds = frozenset(kinds)
        self._allow = Allow.of(_strings("allow-domains", self.opts.allow_domains), _strings("allow", self.opts.allow))

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        return self.check_batch(Batch.of((example,)), ctx)

    def check_batch(self, batch: Batch, ctx: Context) -> Iterator[Finding]:
        if not self._kinds:
            return
        texts, owner = _texts(batch)
        found = find_personal_in(texts, self._allow, self._kinds)
        if not found:
            return
        hits = {k: [(m.kind, texts[k][m.start : m.end]) for m in matches] for k, matches in found.items()}
        for i, label, field, items in _grouped(batch, owner, hits):
            listed = _listing([(PERSONAL_KINDS[kind], mask_personal(kind, value)) for kind, value in items])
            yield self.finding(
                ctx,
                f"{_where(label, field)} contains personal data: {listed}"
                + (f" ({len(items)} in all)" if len(items) > 1 else "")
                + ". Remove it or replace it with placeholders (such as user@example.com); the model can "
                "memorise and repeat it. Allow-list public values under [rules.C002] allow",
                line=batch.lines[i],
                record=batch.records[i],
                field=field,
            )


RULES = (Secret, PersonalData)
