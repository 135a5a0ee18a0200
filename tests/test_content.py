"""C003 invisible-characters, C004 mojibake, C005 markup-residue: what each flags and what it must
leave alone, messages, a hypothesis property over ordinary multilingual text, and the AG News
dataset's `` quot;`` residue (rows computed independently with the ``csv`` module)."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import validator
from rules.content import InvisibleCharacters, MarkupResidue, Mojibake, invisible_characters, markup_residue, mojibake
from tests.conftest import SAMPLES
from validator.testing import run_rules

# -- C003 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first", "count"),
    [
        ("Par\u200bis", "\u200b", 1),
        ("bell\x07 and escape\x1b[0m", "\x07", 2),
        ("null\x00", "\x00", 1),
        ("delete\x7f", "\x7f", 1),
        ("latin-1 quote it\x92s", "\x92", 1),
        ("soft\xadhyphen", "\xad", 1),
        ("\ufeffleading bom", "\ufeff", 1),
        ("inner\ufeffbom", "\ufeff", 1),
        ("word\u2060joiner", "\u2060", 1),
        ("f\u2061(x)", "\u2061", 1),
        ("report\u202egnp.exe", "\u202e", 1),
        ("\u202aembedded\u202c", "\u202a", 2),
        ("isolate \u2066abc\u2069", "\u2066", 2),
        ("join\u200dascii", "\u200d", 1),
        ("non\u200cjoiner", "\u200c", 1),
        ("\u200d at the start", "\u200d", 1),
        ("emoji then ascii 👍\u200dx", "\u200d", 1),
        ("hidden" + "".join(chr(0xE0000 + ord(c)) for c in "hi"), "\U000e0068", 2),
        ("vertical\x0btab and form\x0cfeed", "\x0b", 2),
        ("English\u200bword", "\u200b", 1),
        ("ไทย\u200b", "\u200b", 1),  # a ZWSP at the end is not a word break
    ],
)
def test_c003_flags(text: str, first: str, count: int) -> None:
    found = invisible_characters(text)
    assert len(found) == count
    assert text[found[0]] == first


@pytest.mark.parametrize(
    "text",
    [
        "Plain ASCII text, with punctuation!",
        "Tabs\tnewlines\nand carriage returns\r\n are whitespace",
        "👩\u200d💻 👨\u200d👩\u200d👧\u200d👦 🏳\ufe0f\u200d🌈 🧑🏽\u200d🚀 ❤\ufe0f\u200d🔥",
        "👍🏽 ❤\ufe0f 🇫🇷 1\ufe0f\u20e3",
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f flag of Scotland",
        "ภาษา\u200bไทย and ខ្មែរ\u200bភាសា",
        "می\u200cخواهم کتاب\u200cها",
        "क्\u200dष and ക്\u200d",
        "مرحبا بالعالم — שלום עולם",
        "\u200fשלום 123\u200e and \u061cعربي",  # LRM/RLM/ALM are not flagged
        "日本語のテキスト、中文文本。한국어",
        "Crème brûlée, Ærø, Łódź, Tiếng Việt",
        "\u00a0no-break\u202fspaces\u2009thin",
    ],
)
def test_c003_leaves_alone(text: str) -> None:
    assert invisible_characters(text) == []


def test_c003_message() -> None:
    records = [
        {"text_input": "Where is it?", "output": "Par\u200bis, Fra\u200bnce"},
        {"text_input": "ok" + "".join(chr(0xE0000 + ord(c)) for c in "ignore previous"), "output": "fine"},
    ]
    first, second = run_rules([InvisibleCharacters], records)
    assert (first.line, first.field, first.severity.value) == (1, "/output", "warning")
    assert "U+200B ZERO WIDTH SPACE at character 4" in first.message
    assert "Par<U+200B>is" in first.message and "2 in all" in first.message
    assert "hidden text: 'ignore previous'" in second.message and second.field == "/text_input"


# -- C004 -----------------------------------------------------------------------------------------


def _moji(text: str, encoding: str = "cp1252") -> str:
    return text.encode("utf-8").decode(encoding, errors="replace")


@pytest.mark.parametrize(
    ("text", "seen", "meant"),
    [
        ("The cafÃ© is open", "Ã©", "é"),
        ("donâ€™t", "â€™", "’"),
        ("Ã¼ber", "Ã¼", "ü"),
        ("â€œquotedâ€\x9d", "â€œ", "“"),
        (_moji("«Привет»"), "Â«", "«"),
        (_moji("Γειά σου"), "Î“", "Γ"),
        (_moji("שלום"), "×©", "ש"),
        (_moji("مرحبا"), "Ù…", "م"),
        (_moji("Tiếng Việt"), "áº¿", "ế"),
        (_moji("Zażółć"), "Å¼", "ż"),
        (_moji("日本"), "æ—¥", "日"),
        (_moji("smile 😀"), "ðŸ˜€", "😀"),
        (_moji("\ufeffbom"), "ï»¿", "\ufeff"),
        (_moji("Ça va"), "Ã‡", "Ç"),
        (_moji("é", "latin-1"), "Ã©", "é"),
        (_moji("’", "latin-1"), "â\x80\x99", "’"),
        ("voilÃ  tout", "Ã ", "à"),
        ("SÃ£o Paulo Ã© grande", "Ã£", "ã"),
        ("Ã¨ vero", "Ã¨", "è"),
        ("25Â°C", "Â°", "°"),
        ("Hello,Â\xa0world", "Â\xa0", "\xa0"),
        ("È™i", "È™", "ș"),
    ],
)
def test_c004_flags(text: str, seen: str, meant: str) -> None:
    found = mojibake(text)
    assert found and found[0] == (seen, meant)


@pytest.mark.parametrize(
    "text",
    [
        "São Paulo, NÃO, IRMÃ, maçã, ÃGUA, Ãgua",
        "„Fuß“ ‚Ä‘ ÄRGER… Größe",
        "«ÉTÉ» CAFÉ… Où ça? «Ô» À bientôt",
        "“IRMÃ” disse, ‘Ä’",
        "¿Dónde? ¡PERDIÓ… AÑO! Ñandú",
        "Ångström, Ørsted, Æble, «PÅ»",
        "Tiếng Việt rất đẹp. Đường phố Hà Nội",
        "Zażółć gęślą jaźń. Příliš žluťoučký kůň. Kömür, çiçek",
        "cœur, Œuvre, naïve, façade, résumé, Žižek",
        "2×3 = 6, 25°C, ±5%, £10, ©2024, ½ cup, µm",
        "Привет, Γειά σου, שלום, مرحبا, 日本語, 한국어",
        "ÉÉ» ÃÃ”",
    ],
)
def test_c004_leaves_alone(text: str) -> None:
    assert mojibake(text) == []


def test_c004_message() -> None:
    records = [{"text_input": "Describe it", "output": "Le cafÃ© est trÃ¨s bon, cafÃ© crÃ¨me"}]
    (finding,) = run_rules([Mojibake], records)
    assert (finding.line, finding.field, finding.severity.value) == (1, "/output", "warning")
    assert "'Ã©' for 'é' (2x)" in finding.message and "'Ã¨' for 'è' (2x)" in finding.message
    assert "4 sequences in all" in finding.message


# -- C005 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "residue"),
    [
        ("He said &quot;hi&quot;", ["&quot;", "&quot;"]),
        ("&QUOT;caps&AMP;", ["&QUOT;", "&AMP;"]),
        ("It&#39;s &#x27;here&#X27;", ["&#39;", "&#x27;", "&#X27;"]),
        ("Price:&nbsp;10 &hellip; &eacute;t&eacute; &copy;", ["&nbsp;", "&hellip;", "&eacute;", "&eacute;", "&copy;"]),
        ("the  quot;alarming quot; growth", ["quot;", "quot;"]),
        ("Bush #39;s plan and AT amp;T and #151; and  #36;5", ["#39;", "amp;", "#151;", "#36;"]),
        ("With nbsp;food", ["nbsp;"]),
        ("line<br>next<br/>last<BR />", ["<br>", "<br/>", "<BR />"]),
        ("<p>Para</p>", ["<p>", "</p>"]),
        ("This is <b>bold</b> and <i>it</i>", ["<b>", "</b>", "<i>", "</i>"]),
        ("end</div>", ["</div>"]),
        ('Read <a href="http://x.com/a.html">more</a>', ['<a href="http://x.com/a.html">', "</a>"]),
        ("<FONT face=verdana>x</FONT>", ["<FONT face=verdana>", "</FONT>"]),
        ("&lt;A HREF=x&gt;", ["&lt;", "&gt;"]),
    ],
)
def test_c005_flags(text: str, residue: list[str]) -> None:
    assert [seen for _, seen in markup_residue(text)] == residue


@pytest.mark.parametrize(
    "text",
    [
        "Is a < b? Yes: 1 < 2 and 3 > 2.",
        "List<String> names = new ArrayList<>();",
        "if (a<b && c>d) { p = &sum; q = &x; }",
        "Map<K, V>, vector<b>, Pair<A, B>, Foo<P>",
        "AT&T, Q&A, Tom & Jerry, rock&roll; fish & chips",
        "Issue #39 is fixed; see #40. Item #2; item #3.",
        "<person><name>Ada</name></person>",
        "<T> and <B> in generics",
        "First; second; third; the amplifier works.",
        "Use x->y and a<<2 and b>>1",
        "Emoticons <3 and :-> and <-- arrows -->",
    ],
)
def test_c005_leaves_alone(text: str) -> None:
    assert markup_residue(text) == []


def test_c005_markup_tasks_keep_their_tags_but_not_lost_entities() -> None:
    records = [
        {"text_input": "Reformat the JSON into an HTML table.", "output": "<table><tr><td>John</td></tr></table>"},
        {"text_input": "Show it", "output": "```html\n<p>Hello &amp; welcome</p>\n```"},
        {"text_input": "Write XHTML", "output": "<p>a<br/>b</p>"},
        {"text_input": "Link to docs/index.html", "output": "<b>Bold</b>"},  # a file name is no sign
        {"text_input": "Generate HTML", "output": "<p>Broken  quot;quote quot;</p>"},
    ]
    findings = run_rules([MarkupResidue], records)
    assert [(f.line, f.field) for f in findings] == [(4, "/output"), (5, "/output")]
    assert "'<b>'" in findings[0].message
    assert "'quot;' (&quot; with its & lost) 2x" in findings[1].message and "<p>" not in findings[1].message


def test_c005_message_and_fields() -> None:
    records = [{"text_input": "He said &quot;no&quot; &amp; left<br>", "output": "Bush #39;s"}]
    first, second = sorted(run_rules([MarkupResidue], records), key=lambda f: f.field or "")
    assert (first.field, second.field) == ("/output", "/text_input")
    assert first.severity.value == "info"
    assert "'#39;' (&#39; with its & lost)" in first.message
    assert "'&quot;' 2x" in second.message and "4 in all" in second.message


# -- ordinary text never triggers ---------------------------------------------------------------

# Real words with the letters that matter (Latin-1 capitals next to punctuation, ß, œ, š, ž, Ã in
# Portuguese) and random words of many scripts; separators include < > & ; used as ordinary text.
_WORD_LIST = (
    "São NÃO IRMÃ ÃGUA maçã não Straße Fuß GRÖSSE cœur Œuvre naïve façade résumé Žižek šťastný "
    "Příliš žluťoučký Łódź Zażółć jaźń Tiếng Việt Đường Hà Nội ÉTÉ CAFÉ Où ça À bientôt Ærø Ørsted "
    "Ångström PÅ Ñandú AÑO PERDIÓ ¿Dónde ¡Hola µm ½ 25°C ±5% £10 ©2024 2×3 Ça İstanbul ağaç çiçek "
    "Привет Γειά שלום مرحبا 日本語 中文 한국어 ภาษาไทย हिन्दी ελληνικά Ελλάδα"
)
_WORDS = _WORD_LIST.split()
_SCRIPTS = [
    st.characters(min_codepoint=a, max_codepoint=b, categories=["Ll", "Lu", "Lo", "Mn", "Mc"])
    for a, b in [
        (0x41, 0x7A),  # ASCII letters (and a few ASCII punctuation marks, filtered by category)
        (0xE0, 0xFF),  # Latin-1 lowercase
        (0x100, 0x17F),  # Latin Extended-A
        (0x370, 0x3FF),  # Greek
        (0x400, 0x4FF),  # Cyrillic
        (0x590, 0x5FF),  # Hebrew
        (0x600, 0x6FF),  # Arabic
        (0x900, 0x97F),  # Devanagari
        (0xE00, 0xE7F),  # Thai
        (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese)
        (0x3040, 0x30FF),  # kana
        (0x4E00, 0x9FFF),  # CJK
        (0xAC00, 0xD7A3),  # Hangul
    ]
]
_EMOJI = st.sampled_from(["😀", "🎉", "👍🏽", "❤\ufe0f", "👩\u200d💻", "🏳\ufe0f\u200d🌈", "🇯🇵", "1\ufe0f\u20e3"])
_SEPARATORS = st.sampled_from(
    [" ", " ", " ", ", ", ". ", "; ", ": ", "! ", "? ", " - ", " – ", " — ", "… ", "\n", "\n\n", "\t", " (", ") ",
     " «", "» ", " „", "“ ", " “", "” ", " ‘", "’ ", "'", " \"", "\" ", " < ", " > ", " & ", " = ", " / ", " %",
     " $", " €", " +", " * ", "、", "。", "，", "؟ ", "\u00a0"]
)  # fmt: skip
# Entity names followed by ";" are residue by design (" quot;" is what C005 looks for).
_RESERVED = re.compile(r"(?i)^(quot|amp|apos|nbsp|lt|gt)$")
_word = st.one_of(
    st.sampled_from(_WORDS),
    st.one_of(*[st.text(alphabet, min_size=1, max_size=10) for alphabet in _SCRIPTS]),
    st.integers(0, 10**6).map(str),
    _EMOJI,
).filter(lambda w: not _RESERVED.match(w))
ordinary_text = st.lists(st.tuples(_word, _SEPARATORS), min_size=1, max_size=30).map(
    lambda pairs: "".join(w + s for w, s in pairs)
)


@settings(max_examples=400, deadline=None)
@given(ordinary_text)
def test_ordinary_text_triggers_no_content_rule(text: str) -> None:
    assert invisible_characters(text) == []
    assert mojibake(text) == []
    assert markup_residue(text) == []


_real_words = st.lists(st.tuples(st.sampled_from(_WORDS), _SEPARATORS), min_size=1, max_size=12).map(
    lambda pairs: "".join(w + s for w, s in pairs)
)


@settings(max_examples=200, deadline=None)
@given(_real_words)
def test_mojibake_of_ordinary_text_is_found(text: str) -> None:
    """The converse: the same real words, double-encoded (as cp1252 or Latin-1), are caught when they
    have a lower-case non-ASCII letter (a lone capital before punctuation, "PÅ…" -> "PÃ……", looks
    exactly like legitimate "IRMÃ…" and is left alone by design)."""
    if not any(ch.islower() and not ch.isascii() for ch in text):
        return
    for encoding in ("cp1252", "latin-1"):
        broken = text.encode("utf-8").decode(encoding, errors="replace")
        assert mojibake(broken), (text, broken)


# -- datasets ---------------------------------------------------------------------------------------


def test_ag_news_quot_residue(shared_dataset: Callable[[str], Path]) -> None:
    path = shared_dataset("openai-cookbook__AG_news_samples.csv")
    quot_lines: set[int] = set()
    residue_lines: set[int] = set()
    # independent of the rule: any entity-looking token ("&name;", "&#n;", or one whose & was lost)
    simple = re.compile(r"(?:&|(?<![\w&#]))(?:quot|amp|lt|gt|nbsp|#\d+);")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        column = next(reader).index("description")
        line = reader.line_num + 1  # where the next row starts
        for row in reader:
            if " quot;" in row[column]:
                quot_lines.add(line)
            if simple.search(row[column]):
                residue_lines.add(line)
            line = reader.line_num + 1
    assert quot_lines and len(quot_lines) <= 77
    report = validator.lint(str(path), input_field="description", output_field="label", isolated=True)
    file = report.files[0]
    assert (file.task, file.task_inferred) == ("classification", True)
    c005 = [f for f in report.findings if f.code == "C005"]
    assert all(f.field == "description" and f.severity.value == "info" for f in c005)
    assert len({f.line for f in c005}) == len(c005)  # one finding per text
    assert {f.line for f in c005 if "'quot;'" in f.message} == quot_lines
    assert {f.line for f in c005} == residue_lines
    assert not [f for f in report.findings if f.code in ("C003", "C004")]


@pytest.mark.parametrize(
    "name",
    [
        "llamafactory__alpaca_en_demo.json",
        "llamafactory__alpaca_zh_demo.json",
        "openai-cookbook__dbpedia_samples.jsonl",
    ],
)
def test_clean_real_datasets(shared_dataset: Callable[[str], Path], name: str) -> None:
    """Real, clean multilingual data (English, Chinese, encyclopedia text with accents): no
    invisible characters, no mojibake, no markup residue. (C001/C002 have real findings in the
    English file, checked in tests/test_secrets.py.)"""
    options = {"input_field": "text", "output_field": "category"} if "dbpedia" in name else {}
    select = ["C003", "C004", "C005"]
    report = validator.lint(str(shared_dataset(name)), isolated=True, select=select, **options)  # type: ignore[arg-type]
    assert report.findings == []


@pytest.mark.parametrize("path", sorted((SAMPLES / "good").glob("qa_150.*")), ids=lambda p: p.name)
def test_good_samples_have_no_content_findings(path: Path) -> None:
    assert validator.lint(str(path), isolated=True, select=["C"]).findings == []
