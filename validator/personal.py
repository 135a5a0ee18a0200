"""Personal data in text: e-mail addresses, phone numbers, payment card numbers and IBANs.

Each kind is checked beyond its shape so that ordinary numbers stay quiet: card numbers must pass
the Luhn check and start like a card brand, IBANs must have their country's length and pass the
ISO 7064 mod-97 check, phone numbers need a ``+`` and a country code or a national layout with
separators (``(555) 123-4567``, ``020 7946 0958``, ``06 12 34 56 78``), never a bare run of
digits, a date or a version. E-mail addresses at reserved domains (``example.com``, ``.test``) and
values on an allow-list are not reported.

Speed: the texts of a batch are joined and mapped, one C-level ``str.translate``, to a *shape* in
which digits become ``0``, capitals ``A``, separators ``-`` and everything else ``x``; cards and
national numbers are only looked for around long runs of ``0``, IBANs where ``AA00`` starts one.
E-mail addresses need an ``@`` and international numbers a ``+``, both found by ``memchr``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate

__all__ = [
    "DEFAULT_ALLOWED_DOMAINS",
    "PERSONAL_KINDS",
    "Allow",
    "PersonalMatch",
    "find_personal",
    "find_personal_in",
    "luhn_valid",
    "mask_personal",
    "mod97_valid",
    "personal_spans",
]

#: Every kind :func:`find_personal` reports, with the name messages use.
PERSONAL_KINDS: dict[str, str] = {
    "email": "e-mail address",
    "phone": "phone number",
    "card": "payment card number",
    "iban": "IBAN",
}

#: Domains reserved for documentation (RFC 2606 and RFC 6761): addresses there reach nobody.
DEFAULT_ALLOWED_DOMAINS: tuple[str, ...] = ("example.com", "example.org", "example.net")
#: Top-level domains reserved for tests and documentation (RFC 2606).
RESERVED_TLDS = frozenset({"test", "example", "invalid", "localhost"})
#: Values that look like personal data but are published for everyone to use: the SSH addresses
#: of code hosts and the test card numbers of payment providers' documentation.
DEFAULT_ALLOWED_VALUES: tuple[str, ...] = (
    "git@github.com",
    "git@gitlab.com",
    "git@bitbucket.org",
    "4242424242424242",
    "4111111111111111",
    "5555555555554444",
    "378282246310005",
    "6011111111111117",
)

ELLIPSIS = "\u2026"


@dataclass(frozen=True, slots=True)
class PersonalMatch:
    """Personal data found in a text: its kind (a key of :data:`PERSONAL_KINDS`) and
    ``text[start:end]``."""

    kind: str
    start: int
    end: int


def _value_key(value: str) -> str:
    """How allow-listed values are compared: e-mail addresses case-insensitively, numbers and IBANs
    by their letters and digits alone (``+1 555-0100`` is ``15550100``)."""
    if "@" in value:
        return value.strip().lower()
    return "".join(ch for ch in value.upper() if ch.isalnum())


@dataclass(frozen=True)
class Allow:
    """What is never reported: e-mail addresses at ``domains`` (or their subdomains) and the literal
    ``values``. Build one with :meth:`of`, which adds the defaults."""

    domains: frozenset[str] = field(default_factory=lambda: frozenset(DEFAULT_ALLOWED_DOMAINS))
    values: frozenset[str] = field(default_factory=lambda: frozenset(map(_value_key, DEFAULT_ALLOWED_VALUES)))

    @classmethod
    def of(cls, domains: Iterable[str] = (), values: Iterable[str] = ()) -> Allow:
        """The default allow-list plus ``domains`` and ``values``."""
        return cls(
            frozenset(DEFAULT_ALLOWED_DOMAINS) | {d.strip().lower().lstrip("@.") for d in domains if d.strip()},
            frozenset(map(_value_key, (*DEFAULT_ALLOWED_VALUES, *values))),
        )

    def allows(self, kind: str, value: str) -> bool:
        """Whether ``value`` (of ``kind``) is allow-listed."""
        if _value_key(value) in self.values:
            return True
        if kind != "email":
            return False
        domain = value.rsplit("@", 1)[-1].lower()
        if domain.rsplit(".", 1)[-1] in RESERVED_TLDS:
            return True
        return any(domain == d or domain.endswith("." + d) for d in self.domains)


DEFAULT_ALLOW = Allow()

# -- checks ---------------------------------------------------------------------------------------


def luhn_valid(digits: str) -> bool:
    """The Luhn (mod 10) check digit test of payment card numbers."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def mod97_valid(iban: str) -> bool:
    """The ISO 7064 mod-97 check of an IBAN (letters and digits only, any case)."""
    rearranged = iban[4:] + iban[:4]
    try:
        number = "".join(str(int(ch, 36)) for ch in rearranged)
    except ValueError:
        return False
    return int(number) % 97 == 1


#: IBAN length per country (the ISO 13616 registry).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29,
    "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip


def _card_brand_ok(digits: str) -> bool:
    """Whether ``digits`` start like a card of a brand that issues numbers of this length."""
    n = len(digits)
    two, four = int(digits[:2]), int(digits[:4])
    if digits[0] == "4":
        return n in (13, 16, 19)  # Visa
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return n == 16  # Mastercard
    if two in (34, 37):
        return n == 15  # American Express
    if two in (30, 36, 38, 39) or 3528 <= four <= 3589:
        return 14 <= n <= 19  # Diners Club, JCB
    if digits[0] == "6" or two in (50, 56, 57, 58):
        return 16 <= n <= 19  # Discover, UnionPay, Maestro
    return False


def _card_groups_ok(number: str) -> bool:
    """A card number written as card numbers are: no separators, or one kind of separator between
    groups of four (the last may be shorter) or the 4-6-5 / 4-6-4 layouts of Amex and Diners."""
    separators = {ch for ch in number if not ch.isdigit()}
    if not separators:
        return True
    if len(separators) > 1:
        return False
    sizes = [len(g) for g in number.split(separators.pop())]
    if sizes in ([4, 6, 5], [4, 6, 4]):
        return True
    return all(s == 4 for s in sizes[:-1]) and 1 <= sizes[-1] <= 4


# -- patterns -------------------------------------------------------------------------------------

_DOMAIN = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+(?P<tld>[A-Za-z]{2,24})(?![A-Za-z0-9\-])")
_LOCAL_REVERSED = re.compile(r"[A-Za-z0-9._%+\-]{1,64}")
#: "Top-level domains" that are file extensions: ``icon@2x.png`` is an image, not an address.
_FILE_EXTENSIONS = frozenset(
    {"png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "bmp", "css", "js", "ts", "json", "html", "htm", "xml",
     "txt", "md", "py", "zip", "pdf", "yaml", "yml", "toml", "lock"}
)  # fmt: skip

#: ``+`` then a country code and 7 to 14 more digits, single separators (or a parenthesised group).
_INTERNATIONAL = re.compile(r"\+(?<![\w+]\+)[1-9](?:[ .\-]?(?:\(\d{1,4}\)|\d)){6,16}(?!\d)")
#: North American numbers: ``(555) 123-4567``, ``555-123-4567``, ``555.123.4567``, ``555 123 4567``.
_NANP = re.compile(r"(?:\((?P<a1>\d{3})\)[ .\-]?|(?P<a2>\d{3})(?P<s1>[ .\-]))(?P<x>\d{3})(?P<s2>[ .\-])\d{4}(?!\d)")
#: National numbers with a trunk prefix 0: ``020 7946 0958``, ``06 12 34 56 78``, ``030/12345678``.
_TRUNK = re.compile(r"0\d{1,4}(?:[ .\-/]\d{2,8}){1,5}(?!\d)")
_CARD = re.compile(r"\d(?:[ \-]?\d){12,18}(?!\d)")
_IBAN_START = re.compile(r"[A-Z]{2}\d{2}")

# -- shapes ---------------------------------------------------------------------------------------

_SHAPE_TABLE = {
    c: "0" if chr(c).isdigit() else "A" if "A" <= chr(c) <= "Z" else "-" if chr(c) in " .-()/\t" else "x"
    for c in range(128)
}
#: Nine or more digits with at most two separators between neighbours: the least any card number
#: (13 digits) or national phone number (9 digits) takes. Capitals are not part of a run, so
#: ``U+001B ESCAPE`` in a report message is no run (IBANs are found from their ``AA00`` start).
_RUN = re.compile(r"0(?:-{0,2}0){8,}")
#: Where an IBAN can start: two capitals, two digits.
_IBAN_SHAPE = "AA00"


def _shape(text: str) -> str:
    """``text`` with digits as ``0``, capital letters as ``A``, separators as ``-`` and anything
    else as ``x``, character for character (non-ASCII characters become ``?`` first, then ``x``)."""
    if not text.isascii():
        text = text.encode("ascii", "replace").decode("ascii")
    return text.translate(_SHAPE_TABLE)


def _may_hold_digits(shape: str) -> bool:
    """False when ``shape`` cannot hold a card number or a national phone number: each of them has
    two groups of at least two digits with one separator between (``0000 0000``, ``020 7946``,
    ``06 12``) or at least eight digits in a row."""
    return "00-00" in shape or "00000000" in shape


# -- finders --------------------------------------------------------------------------------------

Found = tuple[str, int, int]


def _emails(text: str) -> Iterable[Found]:
    at = text.find("@")
    while at >= 0:
        domain = _DOMAIN.match(text, at + 1)
        local = _LOCAL_REVERSED.match(text[max(0, at - 64) : at][::-1])
        if domain and local and domain.group("tld").lower() not in _FILE_EXTENSIONS:
            name = local.group(0)[::-1].lstrip(".")
            if name and not name.endswith("."):
                yield "email", at - len(name), domain.end()
        at = text.find("@", at + 1)


def _boundary_ok(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` stands on its own: not part of a longer number, word, version
    or decimal (``v1.2.3``, ``x-555-…``, ``3.14159…``)."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if before and (before.isalnum() or before in "-.+/_,"):
        return False
    if after and (after.isalnum() or after in "-_"):
        return False
    return not (after in ".,/" and text[end + 1 : end + 2].isdigit())


def _phones(text: str, lo: int, hi: int) -> Iterable[Found]:
    for m in _NANP.finditer(text, lo, hi):
        area = m.group("a1") or m.group("a2")
        if area[0] in "01" or m.group("x")[0] in "01":
            continue  # NANP area codes and exchanges start with 2-9
        if m.group("s1") and m.group("s1") != m.group("s2"):
            continue
        if _boundary_ok(text, m.start(), m.end()):
            yield "phone", m.start(), m.end()
    for m in _TRUNK.finditer(text, lo, hi):
        number = m.group(0)
        digits = sum(ch.isdigit() for ch in number)
        separators = {ch for ch in number[1:] if not ch.isdigit()}
        if 9 <= digits <= 12 and len(separators - {"/"}) <= 1 and _boundary_ok(text, m.start(), m.end()):
            yield "phone", m.start(), m.end()


def _international(text: str) -> Iterable[Found]:
    for m in _INTERNATIONAL.finditer(text):
        digits = sum(ch.isdigit() for ch in m.group(0))
        if 8 <= digits <= 15 and _boundary_ok(text, m.start(), m.end()):
            yield "phone", m.start(), m.end()


def _cards(text: str, lo: int, hi: int) -> Iterable[Found]:
    for m in _CARD.finditer(text, lo, hi):
        number = m.group(0)
        digits = "".join(ch for ch in number if ch.isdigit())
        if (
            _card_groups_ok(number)
            and _card_brand_ok(digits)
            and luhn_valid(digits)
            and _boundary_ok(text, m.start(), m.end())
        ):
            yield "card", m.start(), m.end()


def _ibans(text: str, lo: int, hi: int) -> Iterable[Found]:
    for m in _IBAN_START.finditer(text, lo, hi):
        start = m.start()
        length = IBAN_LENGTHS.get(text[start : start + 2])
        if length is None or (start and text[start - 1].isalnum()):
            continue
        chars: list[str] = []
        i = start
        while len(chars) < length and i < len(text):
            ch = text[i]
            if ch.isascii() and (ch.isdigit() or ch.isupper()):
                chars.append(ch)
                i += 1
            elif ch == " " and chars and len(chars) % 4 == 0 and i + 1 < len(text) and text[i + 1].isalnum():
                i += 1  # IBANs are printed in groups of four
            else:
                break
        if len(chars) == length and not (i < len(text) and text[i].isalnum()) and mod97_valid("".join(chars)):
            yield "iban", start, i


def _digit_kinds(text: str, shape: str, kinds: frozenset[str]) -> Iterable[Found]:
    """Cards and national phone numbers, looked for only around long runs of digits in the shape."""
    for run in _RUN.finditer(shape):
        # A parenthesised area code starts one character before the run.
        lo, hi = max(0, run.start() - 1), run.end()
        if "card" in kinds:
            yield from _cards(text, lo, hi)
        if "phone" in kinds:
            yield from _phones(text, lo, hi)


def _iban_starts(text: str, shape: str) -> Iterable[Found]:
    at = shape.find(_IBAN_SHAPE)
    while at >= 0:
        yield from _ibans(text, at, at + 4)
        at = shape.find(_IBAN_SHAPE, at + 1)


ALL_KINDS = frozenset(PERSONAL_KINDS)
#: Cards first: a card number's groups can look like a phone number, never the other way round.
_PRECEDENCE = {"card": 0, "iban": 1, "email": 2, "phone": 3}


def _candidates(text: str, kinds: frozenset[str], shape: str | None = None) -> list[Found]:
    found: list[Found] = []
    if "email" in kinds and "@" in text:
        found.extend(_emails(text))
    if "phone" in kinds and "+" in text:
        found.extend(_international(text))
    if kinds - {"email"}:
        shape = _shape(text) if shape is None else shape
        if kinds & {"card", "phone"} and _may_hold_digits(shape):
            found.extend(_digit_kinds(text, shape, kinds))
        if "iban" in kinds and _IBAN_SHAPE in shape:
            found.extend(_iban_starts(text, shape))
    return found


def find_personal(text: str, allow: Allow = DEFAULT_ALLOW, kinds: Iterable[str] = ALL_KINDS) -> list[PersonalMatch]:
    """Every piece of personal data in ``text`` that ``allow`` does not list, in order, without
    overlaps; ``kinds`` limits the search (``email``, ``phone``, ``card``, ``iban``)."""
    wanted = frozenset(kinds)
    kept: list[PersonalMatch] = []
    for kind, start, end in sorted(_candidates(text, wanted), key=lambda f: (_PRECEDENCE[f[0]], f[1])):
        if allow.allows(kind, text[start:end]):
            continue
        if all(end <= k.start or start >= k.end for k in kept):
            kept.append(PersonalMatch(kind, start, end))
    kept.sort(key=lambda k: k.start)
    return kept


def find_personal_in(
    texts: Sequence[str], allow: Allow = DEFAULT_ALLOW, kinds: Iterable[str] = ALL_KINDS
) -> dict[int, list[PersonalMatch]]:
    """:func:`find_personal` for many texts at once: ``{index: matches}`` for the texts that hold
    personal data. Clean texts cost a few scans in C over all of them joined."""
    if not texts:
        return {}
    wanted = frozenset(kinds)
    found = _candidates("\n".join(texts), wanted)
    if not found:
        return {}
    # A line feed is neither part of an address nor a separator in a number, so nothing found in
    # the joined text spans two texts, and each text holds what is found where it starts.
    starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
    hits = {bisect_right(starts, start) - 1 for _, start, _ in found}
    result: dict[int, list[PersonalMatch]] = {}
    for i in sorted(hits):
        matches = find_personal(texts[i], allow, wanted)
        if matches:
            result[i] = matches
    return result


# -- masks ----------------------------------------------------------------------------------------


def mask_personal(kind: str, value: str) -> str:
    """A printable stand-in for personal data: ``j…@example.com``, ``+…58`` (phone), ``…4242``
    (card), ``GB…432`` (IBAN)."""
    if kind == "email":
        local, _, domain = value.rpartition("@")
        return f"{local[:1]}{ELLIPSIS}@{domain}"
    digits = "".join(ch for ch in value if ch.isalnum())
    if kind == "phone":
        return ("+" if value.startswith("+") else "") + ELLIPSIS + digits[-2:]
    if kind == "card":
        return ELLIPSIS + digits[-4:]
    return digits[:2] + ELLIPSIS + digits[-3:]


def personal_spans(text: str, allow: Allow = DEFAULT_ALLOW) -> list[tuple[int, int, str]]:
    """``(start, end, mask)`` of every piece of personal data in ``text`` (for redaction)."""
    return [(m.start, m.end, mask_personal(m.kind, text[m.start : m.end])) for m in find_personal(text, allow)]
