"""C rules: problems inside the texts (invisible characters, mojibake, markup residue).

Each rule looks at the input, the output and the system instruction of every example, reports at
most one finding per text (the first problem, with a count of all of them) and keeps no state. They
run on every example, so each judges a whole batch first with a test that runs in C over all its
texts at once (joined, or mapped with a ``str`` method) and rejects ordinary text; only the examples
that test cannot clear are built and examined one by one, with the same per-text checks as before.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from rules.secrets import PersonalData, Secret  # C001 and C002 are registered with the C entry point
from validator.api import Batch, Context, Example, Finding, Severity, StatelessRule

__all__ = ["RULES", "InvisibleCharacters", "MarkupResidue", "Mojibake"]


def _texts(example: Example) -> Iterator[tuple[str, str, str | None]]:
    """``(role, text, field)`` of the texts a content rule reads."""
    yield "input", example.input_text, example.fields.get("input")
    yield "output", example.output_text, example.fields.get("output")
    if example.system:
        yield "system instruction", example.system, example.fields.get("system")


def _suspects(batch: Batch, clean: Callable[[list[str]], bool], suspect: Callable[[str], bool]) -> list[int]:
    """Indices of the examples of ``batch`` with a text the rule must examine. ``clean`` clears a
    whole column of texts at once (true: no text of it can hold a problem); ``suspect`` judges one
    text the same way (false: it cannot). Both may err on the side of suspicion, never the other."""
    inputs, outputs = batch.inputs, batch.outputs
    found: list[int] = []
    if not (clean(inputs) and clean(outputs)):
        found = [i for i, (a, b) in enumerate(zip(inputs, outputs, strict=True)) if suspect(a) or suspect(b)]
    if batch.conversational:
        # A system instruction is a text of its own: not always part of the input.
        systems = [i for i, example in enumerate(batch) if example.system and suspect(example.system)]
        found = sorted({*found, *systems})
    return found


def _show(text: str, limit: int = 40) -> str:
    """A short, printable rendering of ``text`` for a message (invisible characters as ``<U+200B>``),
    at most about ``limit`` characters long."""
    parts: list[str] = []
    size = 0
    for ch in text:
        part = ch if ch.isprintable() or ch == " " else f"<U+{ord(ch):04X}>"
        if size + len(part) > limit:
            return "".join(parts) + "..."
        parts.append(part)
        size += len(part)
    return "".join(parts)


# -- C003 ---------------------------------------------------------------------------------------------

_C0_NAMES = (
    "NULL", "START OF HEADING", "START OF TEXT", "END OF TEXT", "END OF TRANSMISSION", "ENQUIRY",
    "ACKNOWLEDGE", "BELL", "BACKSPACE", "CHARACTER TABULATION", "LINE FEED", "LINE TABULATION",
    "FORM FEED", "CARRIAGE RETURN", "SHIFT OUT", "SHIFT IN", "DATA LINK ESCAPE", "DEVICE CONTROL ONE",
    "DEVICE CONTROL TWO", "DEVICE CONTROL THREE", "DEVICE CONTROL FOUR", "NEGATIVE ACKNOWLEDGE",
    "SYNCHRONOUS IDLE", "END OF TRANSMISSION BLOCK", "CANCEL", "END OF MEDIUM", "SUBSTITUTE", "ESCAPE",
    "INFORMATION SEPARATOR FOUR", "INFORMATION SEPARATOR THREE", "INFORMATION SEPARATOR TWO",
    "INFORMATION SEPARATOR ONE",
)  # fmt: skip

#: Every character C003 may flag. ZWNJ/ZWJ, ZWSP and tag characters are then checked in context.
_INVISIBLE = re.compile(
    "["
    "\x00-\x08\x0b\x0c\x0e-\x1f"  # C0 controls except tab, line feed, carriage return
    "\x7f-\x9f"  # DELETE and the C1 controls
    "\u00ad"  # SOFT HYPHEN
    "\u200b-\u200d"  # ZERO WIDTH SPACE, ZERO WIDTH NON-JOINER, ZERO WIDTH JOINER
    "\u202a-\u202e"  # bidi embeddings and overrides (LRE, RLE, PDF, LRO, RLO)
    "\u2060-\u2064"  # WORD JOINER, invisible function application/times/separator/plus
    "\u2066-\u2069"  # bidi isolates (LRI, RLI, FSI, PDI)
    "\u206a-\u206f"  # deprecated format characters
    "\ufeff"  # ZERO WIDTH NO-BREAK SPACE (a byte-order mark inside text)
    "\ufff9-\ufffb"  # interlinear annotation controls
    "\U000e0000-\U000e007f"  # tag characters (ASCII smuggling), except inside an emoji tag sequence
    "]"
)
_JOINERS = "\u200c\u200d"
#: Scripts written without spaces, where a ZERO WIDTH SPACE marks a word break legitimately.
_ZWSP_SCRIPTS = ((0x0E00, 0x0EFF), (0x0F00, 0x0FFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x1A20, 0x1AAF))
_BLACK_FLAG = "\U0001f3f4"
_CANCEL_TAG = "\U000e007f"


def _joiner_ok(neighbour: str) -> bool:
    """A ZWJ/ZWNJ is legitimate between letters, marks or symbols of non-ASCII scripts and emoji
    (Persian, Indic conjuncts, ``👩‍💻``), never next to ASCII, whitespace or the ends of the text."""
    if not neighbour or neighbour.isascii() or neighbour.isspace():
        return False
    return unicodedata.category(neighbour)[0] in "LMS"


def _in_zwsp_script(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _ZWSP_SCRIPTS)


def _legitimate(text: str, i: int) -> bool:
    """Whether the candidate at ``text[i]`` is a legitimate use in its context."""
    ch = text[i]
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    if ch in _JOINERS:
        if not _joiner_ok(before):
            return False
        # after a virama a joiner may end a word (Malayalam chillu: "ന്\u200d")
        word_end = not after or not after.isalnum()
        return _joiner_ok(after) or (word_end and unicodedata.category(before) in ("Mn", "Mc"))
    if ch == "\u200b":
        return bool(before) and bool(after) and _in_zwsp_script(before) and _in_zwsp_script(after)
    if "\U000e0020" <= ch <= _CANCEL_TAG:
        # an emoji tag sequence: U+1F3F4, tag characters, CANCEL TAG (the flags of England, Scotland…)
        start = i
        while start > 0 and "\U000e0020" <= text[start - 1] <= "\U000e007e":
            start -= 1
        if start == 0 or text[start - 1] != _BLACK_FLAG:
            return False
        end = i
        while end < len(text) and "\U000e0020" <= text[end] <= "\U000e007e":
            end += 1
        return end < len(text) and text[end] == _CANCEL_TAG
    return False


def _char_name(ch: str) -> str:
    cp = ord(ch)
    if cp < 0x20:
        return _C0_NAMES[cp]
    if cp == 0x7F:
        return "DELETE"
    if 0x80 <= cp <= 0x9F:
        return "C1 CONTROL"
    return unicodedata.name(ch, "UNNAMED")


#: The ASCII characters C003 never flags: printable ones, tab, line feed and carriage return. An
#: ASCII text without any other byte is clean; deleting these bytes (``bytes.translate``, one table
#: lookup per byte in C) is several times faster than scanning the text with ``_INVISIBLE``.
_ASCII_VISIBLE = bytes(range(0x20, 0x7F)) + b"\t\n\r"


def _maybe_invisible(text: str) -> bool:
    """False when ``text`` certainly holds no character C003 may flag."""
    if text.isascii():  # constant time: CPython knows whether a str is ASCII
        return bool(text.encode("ascii").translate(None, _ASCII_VISIBLE))
    return _INVISIBLE.search(text) is not None


def _no_invisible(texts: list[str]) -> bool:
    """True when no text of ``texts`` can hold a character C003 flags: the ASCII test on all of
    them joined (a line feed between them is not flagged). Non-ASCII text goes text by text."""
    joined = "\n".join(texts)
    return joined.isascii() and not _maybe_invisible(joined)


def invisible_characters(text: str) -> list[int]:
    """Indices of the characters C003 flags in ``text``."""
    return [m.start() for m in _INVISIBLE.finditer(text) if not _legitimate(text, m.start())]


class InvisibleCharacters(StatelessRule):
    """What: A text contains characters that are invisible or control the display rather than being
    text: C0 control characters other than tab, line feed and carriage return, DELETE and the C1
    controls (U+0080-U+009F); the soft hyphen (U+00AD); zero-width characters (ZERO WIDTH SPACE
    U+200B, WORD JOINER U+2060, the invisible math operators U+2061-U+2064, U+FEFF inside text);
    bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069); deprecated format
    characters (U+206A-U+206F); interlinear annotation controls (U+FFF9-U+FFFB); and Unicode tag
    characters (U+E0000-U+E007F). One finding per text names the first such character, where it is,
    and how many there are.

    Not flagged: ZERO WIDTH JOINER and NON-JOINER between letters, marks or symbols of non-ASCII
    scripts (emoji sequences such as 👩‍💻, Persian and Indic text) or after a virama at the end of a
    word (Malayalam chillu); ZERO WIDTH SPACE between Thai, Lao, Tibetan, Myanmar or Khmer
    characters (word breaks in scripts without spaces); tag characters inside an emoji flag
    sequence; the left-to-right and right-to-left marks (U+200E, U+200F, U+061C), which RTL text uses
    legitimately; Arabic, Hebrew, CJK and every other script's letters.

    Why: The model trains on these characters although nobody can see them: it learns to emit them,
    they split words into odd tokens, and exact-match comparisons fail. Bidi controls and tag
    characters can hide text from a human reviewer (Trojan Source, ASCII smuggling) and carry
    instructions the reviewer never read.

    Example: ``"output": "Par\\u200bis"`` (a ZERO WIDTH SPACE copied from a web page), or a ``\\x08``
    BACKSPACE left over from a terminal capture.

    Fix: Delete the characters (the message shows where), or replace controls with a space. Decode
    hidden tag characters to see what they say before you delete them.
    """

    code = "C003"
    name = "invisible-characters"
    summary = "Invisible or control characters in a text"
    default_severity = Severity.WARNING

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        return self.check_batch(Batch.of((example,)), ctx)

    def check_batch(self, batch: Batch, ctx: Context) -> Iterator[Finding]:
        for i in _suspects(batch, _no_invisible, _maybe_invisible):
            yield from self._check(batch[i], ctx)

    def _check(self, example: Example, ctx: Context) -> Iterator[Finding]:
        for role, text, field in _texts(example):
            if _INVISIBLE.search(text) is None:
                continue  # the common case: one scan in C finds nothing
            found = invisible_characters(text)
            if not found:
                continue
            first = found[0]
            ch = text[first]
            context = _show(text[max(0, first - 12) : first + 13], 50)
            more = f"; {len(found)} in all" if len(found) > 1 else ""
            hidden = ""
            tags = "".join(chr(ord(c) - 0xE0000) for c in (text[i] for i in found) if "\U000e0020" <= c <= "\U000e007e")
            if tags:
                hidden = f"; the tag characters spell hidden text: {_show(tags, 40)!r}"
            yield self.finding(
                ctx,
                f"{role} contains U+{ord(ch):04X} {_char_name(ch)} at character {first + 1} "
                f"(near {context!r}){more}{hidden}. Delete invisible characters; they are trained on "
                "although nobody sees them",
                at=example,
                field=field,
            )


# -- C004 ---------------------------------------------------------------------------------------------


def _byte_of() -> dict[str, int]:
    """Character -> byte for Windows-1252, with the C1 controls standing for themselves (the
    bytes Windows-1252 leaves undefined survive as C1 controls when decoded as Latin-1)."""
    table = {chr(b): b for b in range(0x80, 0xA0)}
    for b in range(0x80, 0x100):
        with contextlib.suppress(UnicodeDecodeError):  # 0x81, 0x8D, 0x8F, 0x90, 0x9D are undefined
            table[bytes([b]).decode("cp1252")] = b
    return table


_BYTE = _byte_of()
_CONT = "".join(re.escape(ch) for ch, b in _BYTE.items() if 0x80 <= b <= 0xBF)
#: Continuation characters that are punctuation, which may legitimately follow a capital letter
#: ("IRMÃ…", "‘Ä’", "«PÅ»").
_PUNCT_CONT = frozenset("‚„…‹›‘’“”•–—˜™†‡ˆ«»·")
_MOJIBAKE = re.compile(
    f"[\u00c2-\u00df][{_CONT}]"  # a 2-byte UTF-8 sequence read as two Windows-1252 characters
    f"|[\u00e0-\u00ef][{_CONT}]{{2}}"  # 3 bytes
    f"|[\u00f0-\u00f4][{_CONT}]{{3}}"  # 4 bytes (emoji)
    f"|\u00e2\u20ac(?![{_CONT}])"  # ” (E2 80 9D) with its last byte dropped (0x9D is undefined in cp1252)
    f"|[\u00c2-\u00df]\ufffd|[\u00e0-\u00ef][{_CONT}]\ufffd"  # a character whose last byte became U+FFFD
    "|(?<![A-Z\u00c0-\u00de0-9])\u00c3 "  # à (C3 A0) whose no-break space became a space: "voilÃ ", "Ã "
)


#: What every candidate but "Ã " starts with: a lead character and a continuation (or a replacement
#: character); one fast scan that rejects almost all text.
_MOJIBAKE_HINT = re.compile(f"[\u00c2-\u00f4][{_CONT}\ufffd]")
#: What a candidate stands for when its last byte was lost (replaced by U+FFFD).
_LOST = "\ufffd"


def _plausible(cp: int, size: int) -> bool:
    """Whether a code point decoded from a candidate is text people write (so the candidate is
    mojibake) rather than an accident of two legitimate characters."""
    if size == 2:
        return (
            0xA0 <= cp <= 0x17F  # Latin-1 supplement, Latin Extended-A: é ü ñ ł ą
            or cp in (0x1A0, 0x1A1, 0x1AF, 0x1B0)  # Vietnamese ơ ư
            or 0x218 <= cp <= 0x21B  # Romanian ș ț
            or 0x386 <= cp <= 0x3CE  # Greek letters
            or 0x400 <= cp <= 0x45F  # Cyrillic
            or 0x490 <= cp <= 0x491  # Ukrainian ґ
            or 0x5D0 <= cp <= 0x5EA  # Hebrew letters
            or 0x621 <= cp <= 0x64A  # Arabic letters
            or 0x660 <= cp <= 0x6D3
        )
    if size == 3:
        return not (0xD800 <= cp <= 0xF8FF or 0xFFF0 <= cp <= 0xFFFC or cp >= 0xFFFE)
    return 0x10000 <= cp <= 0x3FFFF


def _credible(text: str, start: int, end: int, near: bool) -> bool:
    """Whether a decodable candidate ``text[start:end]`` is mojibake rather than legitimate
    characters that happen to meet: a capital letter before punctuation (``IRMÃ…``, ``‘Ä’``,
    ``«PÅ»``) or before a no-break space (``IRMÃ\u00a0``), or a lead character, a no-break space
    and the first letter of the next word (``ã\u00a0Š``). ``near`` says whether another candidate
    touches this one (mojibake comes in runs)."""
    if near:
        return True
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    tail = text[start + 1 : end]
    if end - start > 2:
        return "\u00a0" not in tail
    if tail == "\u00a0":  # "Ã\u00a0" is "à" unless it ends a word in capitals ("IRMÃ\u00a0")
        return not (before.isupper() and start >= 2 and text[start - 2].isupper())
    if tail in _PUNCT_CONT:
        return after.isalnum() or before.islower()
    return True


def mojibake(text: str) -> list[tuple[str, str]]:
    """``(seen, meant)`` for every double-encoded sequence in ``text``: UTF-8 bytes decoded as
    Windows-1252 (or Latin-1), such as ``("Ã©", "é")`` and ``("â€™", "’")``."""
    if _MOJIBAKE_HINT.search(text) is None and "\u00c3 " not in text:
        return []
    spans: list[tuple[int, int, str]] = []
    for match in _MOJIBAKE.finditer(text):
        seen = match.group(0)
        if seen == "Ã ":
            spans.append((match.start(), match.end(), "à"))
            continue
        if seen == "â€" or seen == "â€\ufffd":
            spans.append((match.start(), match.end(), "”"))
            continue
        if seen.endswith("\ufffd"):
            spans.append((match.start(), match.end(), _LOST))
            continue
        try:
            meant = bytes(_BYTE[ch] for ch in seen).decode("utf-8")
        except UnicodeDecodeError:
            continue
        if _plausible(ord(meant), len(seen)):
            spans.append((match.start(), match.end(), meant))
    found: list[tuple[str, str]] = []
    for k, (start, end, meant) in enumerate(spans):
        near = (k > 0 and spans[k - 1][1] == start) or (k + 1 < len(spans) and spans[k + 1][0] == end)
        if _credible(text, start, end, near):
            found.append((text[start:end], meant))
    return found


def _all_ascii(texts: list[str]) -> bool:
    return all(map(str.isascii, texts))


def _not_ascii(text: str) -> bool:
    return not text.isascii()


def _meaning(meant: str) -> str:
    return "a character whose last byte was lost" if meant == _LOST else repr(_show(meant))


class Mojibake(StatelessRule):
    """What: A text contains mojibake: UTF-8 text that was decoded as Windows-1252 or Latin-1 (and
    usually saved again as UTF-8), so every accented letter, curly quote or emoji became two to four
    odd characters: ``Ã©`` for ``é``, ``â€™`` for ``’``, ``Ã¼`` for ``ü``, ``â€œ`` for ``“``,
    ``Ð¿Ñ€Ð¸`` for ``при``, ``ðŸ˜€`` for 😀. One finding per text shows the first sequences and what
    they stand for, and how many there are.

    Detection re-encodes each candidate sequence (a character that is a UTF-8 lead byte in
    Windows-1252, followed by the right number of continuation-byte characters) and decodes it as
    UTF-8; it counts only when that succeeds and gives a character people actually write (Latin,
    Greek, Cyrillic, Hebrew and Arabic letters for two bytes; no private-use characters). A two-byte
    candidate whose second character is punctuation (a quotation mark, a dash, an ellipsis) must be
    followed by a letter, follow a lower-case letter or touch another candidate, so legitimate text
    (Portuguese ``São``/``NÃO``/``IRMÃ…``, German ``„Fuß“``, French ``«ÉTÉ»``, ``‘Ä’``, Vietnamese,
    CJK) does not trigger.

    Why: The model learns to write ``cafÃ©`` and ``donâ€™t``; the corruption also wastes tokens and
    hides the words from the model.

    Example: ``"output": "The cafÃ© is open"``.

    Fix: Find the step that decoded UTF-8 as Windows-1252 (a spreadsheet export, ``open()`` without
    ``encoding="utf-8"``, a database connection) and re-run it correctly; or repair the texts, e.g.
    with ``ftfy.fix_text``.
    """

    code = "C004"
    name = "mojibake"
    summary = "Double-encoded UTF-8 (mojibake) in a text"
    default_severity = Severity.WARNING

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        return self.check_batch(Batch.of((example,)), ctx)

    def check_batch(self, batch: Batch, ctx: Context) -> Iterator[Finding]:
        # Mojibake is made of non-ASCII characters, and str.isascii takes constant time.
        for i in _suspects(batch, _all_ascii, _not_ascii):
            yield from self._check(batch[i], ctx)

    def _check(self, example: Example, ctx: Context) -> Iterator[Finding]:
        for role, text, field in _texts(example):
            if text.isascii():
                continue
            found = mojibake(text)
            if not found:
                continue
            kinds = Counter(found)
            shown = ", ".join(
                f"{_show(seen)!r} for {_meaning(meant)}" + (f" ({n}x)" if n > 1 else "")
                for (seen, meant), n in kinds.most_common(3)
            )
            more = f"; {len(found)} sequences in all" if len(found) > 1 else ""
            yield self.finding(
                ctx,
                f"{role} contains mojibake: {shown}{more}. UTF-8 text was decoded as Windows-1252 somewhere; "
                "re-export it as UTF-8 or repair it (e.g. ftfy.fix_text)",
                at=example,
                field=field,
            )


# -- C005 ---------------------------------------------------------------------------------------------

#: Named entities C005 recognises: the ones HTML escaping and web scraping leave behind. Names that
#: could be identifiers in code (``&sum;``, ``&part;`` in C) are deliberately absent.
_NAMED = (
    "quot|amp|lt|gt|nbsp|apos|hellip|mdash|ndash|lsquo|rsquo|ldquo|rdquo|sbquo|bdquo|laquo|raquo|"
    "copy|reg|trade|bull|middot|euro|pound|deg|shy|szlig|"
    "[a-zA-Z](?:acute|grave|uml|circ|tilde|cedil|ring|slash)"
)
#: Numeric references whose ampersand is commonly lost: ' " & $ < > the cp1252 quotes and dashes,
#: no-break space and the Unicode quotes, dashes and ellipsis.
_NUMERIC_LOST = "#(?:39|34|38|36|60|62|1[45]\\d|160|82(?:1[1-9]|2[0-2]|30))"
_TAGS = (
    "a|abbr|b|big|blockquote|br|center|cite|code|dd|div|dl|dt|em|font|h[1-6]|hr|i|img|li|ol|p|pre|s|"
    "small|span|strike|strong|sub|sup|table|tbody|td|th|thead|tr|tt|u|ul"
)
_ENTITY = re.compile(rf"&(?:(?i:quot|amp|lt|gt|nbsp)|{_NAMED}|#\d{{1,7}}|#[xX][0-9a-fA-F]{{1,6}});")
#: The name of an entity whose ``&`` was lost, right before a ``;`` (searched backwards from each ``;``).
_LOST_TAIL = re.compile(rf"(?:(?i:quot|amp|apos|nbsp|lt|gt)|{_NUMERIC_LOST})\Z")
_LOST_WINDOW = 6  # the longest name above ("#8230") plus one
_TAG = re.compile(
    rf"<(?:(?P<close>/(?i:{_TAGS})\s*>)"
    r"|(?P<void>(?i:br|hr)\s*/?>)"
    rf"|(?P<attrs>(?i:{_TAGS})\s+[a-zA-Z-]+\s*=[^<>]{{0,300}}>)"
    rf"|(?P<open>(?:{_TAGS})>))"
)
#: Signs that markup is the point of an example (HTML or XML is generated, shown or discussed, or
#: code is quoted): then tags and entities are content, and only entities that lost their ``&`` count.
#: A file name or URL ending in ``.html`` is no such sign.
_MARKUP_AWARE = re.compile(r"```|<!DOCTYPE|(?<![./\w-])(?:x?html|xml|markup)\b", re.IGNORECASE)


def _word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _residue(text: str) -> list[tuple[str, str]]:
    """Every residue in ``text`` in order, whatever the context. Each kind is found from its own
    first character (``&``, ``;``, ``<``) so ordinary text costs three substring tests."""
    found: list[tuple[int, str, str]] = []
    if "&" in text:
        found += [(m.start(), "entity", m.group(0)) for m in _ENTITY.finditer(text)]
    end = text.find(";")
    while end >= 0:
        match = _LOST_TAIL.search(text, max(0, end - _LOST_WINDOW), end)
        if match:
            start = match.start()
            before = text[start - 1] if start else ""
            if before not in ("&", "#") and not _word(before):
                found.append((start, "lost", text[start : end + 1]))
        end = text.find(";", end + 1)
    if "<" in text:
        for m in _TAG.finditer(text):
            kind = m.lastgroup or ""
            if kind == "open" and m.start() and _word(text[m.start() - 1]):
                continue  # vector<b>, Foo<i>: a generic, not a tag
            found.append((m.start(), kind, m.group(0)))
    found.sort()
    return [(kind, seen) for _, kind, seen in found]


def markup_residue(text: str, markup_aware: bool = False) -> list[tuple[str, str]]:
    """``(kind, matched text)`` of every markup residue in ``text``; kind is ``entity``, ``lost``
    (an entity whose ``&`` was lost), ``close``, ``void``, ``attrs`` or ``open`` (tags). With
    ``markup_aware`` (or when ``text`` itself mentions HTML/XML or holds a code fence) only ``lost``
    entities are reported."""
    if ";" not in text and "<" not in text:
        return []
    found = _residue(text)
    if any(kind != "lost" for kind, _ in found) and (markup_aware or _MARKUP_AWARE.search(text)):
        found = [(kind, seen) for kind, seen in found if kind == "lost"]
    return found


def _maybe_markup(text: str) -> bool:
    """False when ``text`` certainly holds no residue: every entity (lost ``&`` or not) ends with
    ``;`` and every tag starts with ``<``."""
    return ";" in text or "<" in text


def _no_markup(texts: list[str]) -> bool:
    joined = "\n".join(texts)
    return ";" not in joined and "<" not in joined


def _describe(kind: str, seen: str) -> str:
    if kind == "lost":
        return f"{seen!r} (&{seen} with its & lost)"
    return repr(seen)


class MarkupResidue(StatelessRule):
    """What: A text contains HTML left over from scraping or escaping: character entities
    (``&quot;``, ``&amp;``, ``&#39;``, ``&#x27;``, ``&nbsp;``, ``&eacute;``…), entities whose ``&`` was
    lost (`` quot;``, `` amp;``, ``#39;``, as in the AG News dataset), and common HTML tags
    (``<br>``, ``<p>``, ``</div>``, ``<b>``, ``<a href=...>``). One finding per text lists the
    first residues and how many there are.

    Not flagged: comparisons and generics (``a < b``, ``List<String>``, ``vector<b>``: an opening tag
    right after a letter is not counted); tags other than common HTML formatting tags (XML, JSX
    components); entity-like code (``&sum;``, ``&x;``). When markup is the point of an example
    (one of its texts mentions HTML, XML or markup, or holds a triple-backtick code fence, as in
    "Reformat this JSON into an HTML table") tags and entities are its content, and only entities
    that lost their ``&`` are reported. For a dataset of HTML fragments without such mentions,
    ignore C005 (``--ignore C005`` or ``per-file-ignores``).

    Why: The model learns to write ``&quot;`` and ``<br>`` where people expect ``"`` and line breaks,
    and residue like `` quot;`` is garbage it will reproduce.

    Example: ``"text_input": "the  quot;alarming quot; growth of greenhouse gases"``.

    Fix: Unescape entities (Python's ``html.unescape``; for a lost ``&``, first put it back:
    `` quot;`` -> ``&quot;``) and strip tags, or re-extract the text with an HTML parser.
    """

    code = "C005"
    name = "markup-residue"
    summary = "HTML entities or tags left in a text"
    default_severity = Severity.INFO

    def check(self, example: Example, ctx: Context) -> Iterable[Finding]:
        return self.check_batch(Batch.of((example,)), ctx)

    def check_batch(self, batch: Batch, ctx: Context) -> Iterator[Finding]:
        for i in _suspects(batch, _no_markup, _maybe_markup):
            yield from self._check(batch[i], ctx)

    def _check(self, example: Example, ctx: Context) -> Iterator[Finding]:
        aware: bool | None = None
        for role, text, field in _texts(example):
            if ";" not in text and "<" not in text:
                continue
            found = _residue(text)
            if any(kind != "lost" for kind, _ in found):
                if aware is None:  # does any text of the example mention markup?
                    aware = any(_MARKUP_AWARE.search(t) for _, t, _ in _texts(example))
                if aware:
                    found = [(kind, seen) for kind, seen in found if kind == "lost"]
            if not found:
                continue
            kinds = Counter(found)
            parts = [_describe(kind, seen) + (f" {n}x" if n > 1 else "") for (kind, seen), n in kinds.most_common(3)]
            more = f"; {len(found)} in all" if len(found) > 1 else ""
            yield self.finding(
                ctx,
                f"{role} contains HTML markup residue: {', '.join(parts)}{more}. Unescape entities "
                "(html.unescape) and strip tags",
                at=example,
                field=field,
            )


RULES = (Secret, PersonalData, InvisibleCharacters, Mojibake, MarkupResidue)
