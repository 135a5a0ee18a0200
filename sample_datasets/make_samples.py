#!/usr/bin/env python3
"""Write every file under ``sample_datasets/good`` and ``sample_datasets/bad``.

Run it from anywhere: ``python sample_datasets/make_samples.py``. It is deterministic (no randomness,
no clock, no network): re-running reproduces identical bytes, which ``tests/test_samples.py`` checks.

All example text is written here by the tunelint developers, except the 15-example number-sequence
set of the Gemini API tuning guide (``bad/number_sequence_15.json``), which is reproduced from
google-gemini/generative-ai-python, ``samples/increment_tuning_data.json`` (Apache License 2.0);
see ``sample_datasets/README.md``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
Pair = tuple[str, str]

# -------------------------------------------------------------------------------------------------
# The clean 150-example dataset, built from several small task families.
# -------------------------------------------------------------------------------------------------


def _arithmetic() -> list[Pair]:
    items: list[tuple[str, int]] = [
        ("What is 17 + 25?", 17 + 25),
        ("Add 348 and 219.", 348 + 219),
        ("Compute 1,204 minus 387.", 1204 - 387),
        ("Multiply 23 by 19.", 23 * 19),
        ("How much is 64 times 7?", 64 * 7),
        ("Divide 882 by 14.", 882 // 14),
        ("What do you get if you subtract 58 from 301?", 301 - 58),
        ("Find the sum of 12, 45 and 78.", 12 + 45 + 78),
        ("Work out 15 squared.", 15 * 15),
        ("What is half of 1,090?", 1090 // 2),
        ("If a box holds 24 eggs, how many eggs are in 13 boxes?", 24 * 13),
        ("A train travels 96 km each hour. How far does it go in 4 hours? Answer in km.", 96 * 4),
        ("Calculate 1,000 - 1 - 2 - 3.", 1000 - 6),
        ("what's 9 x 11", 99),
        ("Tell me the product of 31 and 3.", 31 * 3),
        ("Sam has 87 marbles and gives away 29. How many are left?", 87 - 29),
        ("Evaluate (6 + 4) × 8.", (6 + 4) * 8),
        ("What is 2 to the power of 10?", 2**10),
        ("Share 156 sweets equally among 12 children. How many does each child get?", 156 // 12),
        ("How many minutes are there in a full day?", 24 * 60),
    ]
    out: list[Pair] = []
    for i, (question, answer) in enumerate(items):
        text = f"{answer:,}"
        if i % 4 == 1:
            text = f"The answer is {text}."
        elif i % 4 == 3:
            text = f"{text} in total"
        out.append((question, text))
    return out


def _conversions() -> list[Pair]:
    return [
        ("Convert 5 kilometres to metres.", "5,000 metres"),
        ("How many grams are in 2.5 kilograms?", "2,500 g"),
        ("Express 90 minutes in hours.", "1.5 hours"),
        ("What is 100 degrees Celsius in Fahrenheit?", "212 °F"),
        ("How many inches make 3 feet?", "Three feet is 36 inches."),
        ("Turn 250 centimetres into metres.", "2.5 m"),
        ("A recipe needs 750 millilitres of stock. How many litres is that?", "0.75 litres"),
        ("Convert 3 hours and 20 minutes to minutes.", "200 minutes"),
        ("What is 0 °C on the Kelvin scale?", "273.15 K"),
        ("How many seconds are in 2 hours?", "7,200 seconds"),
        ("Change 4.2 tonnes into kilograms.", "4,200 kg"),
        ("How many millimetres are there in 8.4 cm?", "84 mm"),
        ("Convert 1 mile to kilometres, rounded to two decimals.", "About 1.61 km."),
        ("If a file is 3 megabytes, how many kilobytes is it (using 1,000 per step)?", "3,000 kB"),
        ("How many days are in 6 weeks?", "42 days"),
        ("Convert 68 °F to Celsius.", "20 °C"),
        ("What is 45 degrees in radians, as a fraction of pi?", "π/4 radians"),
        ("How many quarters of an hour fit into 3 hours?", "Twelve quarters"),
    ]


def _capitals() -> list[Pair]:
    facts = [
        ("France", "Paris"),
        ("Japan", "Tokyo"),
        ("Kenya", "Nairobi"),
        ("Canada", "Ottawa"),
        ("Australia", "Canberra"),
        ("Brazil", "Brasília"),
        ("Egypt", "Cairo"),
        ("Norway", "Oslo"),
        ("Peru", "Lima"),
        ("Vietnam", "Hanoi"),
        ("Portugal", "Lisbon"),
        ("Morocco", "Rabat"),
        ("New Zealand", "Wellington"),
        ("Turkey", "Ankara"),
        ("Chile", "Santiago"),
        ("Poland", "Warsaw"),
        ("Ghana", "Accra"),
        ("Thailand", "Bangkok"),
        ("Ireland", "Dublin"),
        ("Argentina", "Buenos Aires"),
    ]
    asks: list[Callable[[str], str]] = [
        lambda c: f"What is the capital of {c}?",
        lambda c: f"Name the capital city of {c}.",
        lambda c: f"Which city is the seat of government in {c}?",
        lambda c: f"{c} — capital city?",
        lambda c: f"I'm writing a quiz. Which city is {c}'s capital?",
    ]
    answers: list[Callable[[str, str], str]] = [
        lambda c, city: city,
        lambda c, city: f"The capital of {c} is {city}.",
        lambda c, city: f"{city}.",
        lambda c, city: f"It is {city}.",
    ]
    return [(asks[i % 5](country), answers[i % 4](country, city)) for i, (country, city) in enumerate(facts)]


def _rewrites() -> list[Pair]:
    return [
        ('Rewrite "The cat chased the mouse." in the passive voice.', "The mouse was chased by the cat."),
        ('Put this sentence in the past tense. "She walks to school every day."', "She walked to school every day."),
        (
            "Make this more formal, please.\nhey, can u send me the report by friday?",
            "Could you please send me the report by Friday?",
        ),
        ('Correct the grammar in "Me and him goes to the market on Sundays."', "He and I go to the market on Sundays."),
        (
            'Shorten "In spite of the fact that it was raining, we decided to go out." without changing its meaning.',
            "Although it was raining, we went out.",
        ),
        (
            "Change every noun to the plural. The child fed the goose and the mouse.",
            "The children fed the geese and the mice.",
        ),
        ('Turn "Close the window." into a polite request.', "Would you mind closing the window?"),
        ("Rewrite in the active voice. The letter was signed by the manager.", "The manager signed the letter."),
        (
            'Combine into one sentence. "The museum opens at nine." "It closes at five."',
            "The museum opens at nine and closes at five.",
        ),
        ('Make "The results were bad." sound more neutral and specific.', "The results fell short of our targets."),
        (
            "Fix the spelling mistakes in this line.\nI recieved a seperate package tommorow.",
            "I received a separate package tomorrow.",
        ),
        ('Express "It is raining very heavily" using an idiom.', "It's raining cats and dogs."),
        (
            'Rewrite "Everybody must bring their own lunch" so that it addresses the reader directly.',
            "You must bring your own lunch.",
        ),
        ("Convert this statement into a yes/no question. The bus leaves at noon.", "Does the bus leave at noon?"),
        (
            'Simplify for a young reader, "Precipitation is anticipated throughout the afternoon."',
            "It will probably rain this afternoon.",
        ),
        ('Rewrite the following as reported speech.\nTom said, "I am tired."', "Tom said that he was tired."),
        ('Make this sentence negative. "We have finished the project."', "We have not finished the project."),
        ('Change "I will call you tomorrow" to the future continuous tense.', "I will be calling you tomorrow."),
    ]


def _definitions() -> list[Pair]:
    return [
        (
            "Define photosynthesis in one sentence.",
            "Photosynthesis is the process by which plants use sunlight, water and carbon dioxide to make "
            "sugar and release oxygen.",
        ),
        ("What does the word 'ephemeral' mean?", "Lasting for a very short time."),
        (
            "Explain what a prime number is.",
            "A prime number is a whole number greater than 1 whose only divisors are 1 and itself.",
        ),
        ("In plain words, what is inflation?", "A general rise in prices, so money buys less over time."),
        ("what is a haiku", "A short Japanese poem of three lines, traditionally of 5, 7 and 5 syllables."),
        ("Give a one-line definition of a noun.", "A word that names a person, place, thing or idea."),
        (
            "Could you tell me what an isthmus is?",
            "A narrow strip of land that connects two larger land areas and has water on both sides.",
        ),
        (
            "Describe the term 'metaphor' briefly.",
            'A figure of speech that describes something by saying it is something else, as in "time is a thief".',
        ),
        (
            "What is meant by the median of a list of numbers?",
            "The middle value once the numbers are sorted; with an even count, the mean of the two middle values.",
        ),
        ("Explain 'photosphere' to a ten-year-old.", "It's the glowing surface of the Sun, the part we see shining."),
        ("Briefly, what is a palindrome?", 'A word or phrase that reads the same backwards, like "level".'),
        ("What is erosion?", "The wearing away of rock or soil by wind, water or ice."),
        ("Define the word 'frugal'.", "Careful not to waste money or resources."),
        ("What's an algorithm?", "A precise, step-by-step procedure for solving a problem."),
        (
            "Explain in a sentence what a vaccine does.",
            "A vaccine trains the immune system to recognise a germ so the body can fight it off quickly later.",
        ),
        ("Tell me what 'biodiversity' refers to.", "The variety of living things in a place or on Earth as a whole."),
        ("What does a thermometer measure?", "Temperature"),
        ("In geometry, what is a right angle?", "An angle of exactly 90 degrees, a quarter turn."),
    ]


def _word_games() -> list[Pair]:
    return [
        ("Give an antonym of 'generous'.", "stingy"),
        ("What is the opposite of 'ancient'?", "modern"),
        ("Suggest a synonym for 'happy'.", "cheerful"),
        ("Spell 'necessary' backwards.", "yrassecen"),
        ("How many vowels are in the word 'education'?", "Five (e, u, a, i, o)"),
        ("Which word is the odd one out, apple, banana, carrot or cherry?", "Carrot, because it is a vegetable."),
        ("What is the plural of 'cactus'?", "cacti (or cactuses)"),
        ("Give me a word that rhymes with 'light'.", "kite"),
        ("Unscramble the letters 'tnaeplt' to form a word.", "planet"),
        ("What is the first letter of the English alphabet that is not used in any US state name?", "Q"),
        ("Count the letters in 'Mississippi'.", "11 letters"),
        ("Is 'racecar' a palindrome?", "Yes, it reads the same in both directions."),
        ("Write the word 'seventeen' as a numeral.", "17"),
        ("Name a word that means both a tree part and a piece of luggage.", "trunk"),
        ("Give the past tense of 'swim'.", "swam"),
        ("Capitalise the title 'a tale of two cities'.", "A Tale of Two Cities"),
        ("Which is heavier, a kilogram of feathers or a kilogram of iron?", "Neither; they both weigh one kilogram."),
        ("What comes next in the series 2, 4, 8, 16?", "32"),
        ("Sort 9, 2, 7 and 4 from smallest to largest.", "2, 4, 7, 9"),
        ("Put these words in alphabetical order. pear, fig, date, kiwi", "date, fig, kiwi, pear"),
    ]


def _translations() -> list[Pair]:
    return [
        ("Translate 'good morning' into Spanish.", "Buenos días"),
        ("How do you say 'thank you very much' in French?", "Merci beaucoup"),
        ("Translate into German. Where is the train station?", "Wo ist der Bahnhof?"),
        ("What is 'cheese' in Italian?", "formaggio"),
        ("Give the Portuguese for 'see you tomorrow'.", "Até amanhã"),
        ("Translate 'Ich habe Hunger' to English.", "I am hungry."),
        ("What does 'bonne nuit' mean?", "Good night"),
        ("Say 'the book is on the table' in Spanish.", "El libro está sobre la mesa."),
        ("Translate 'Grüße aus Zürich' into English.", "Greetings from Zürich"),
        ("French for 'a coffee, please'?", "Un café, s'il vous plaît."),
    ]


_FACTS: list[Pair] = [
    ("How many legs does a spider have?", "Eight"),
    ("Which gas do people need to breathe in to stay alive?", "Oxygen"),
    ("Which planet is known as the Red Planet?", "Mars"),
    ("If today is Tuesday, what day will it be in three days?", "Friday"),
    ("Which month has the fewest days?", "February, with 28 days (29 in a leap year)."),
    ("How many sides does a hexagon have?", "6 sides"),
    ("What colour do you get by mixing blue and yellow paint?", "Green"),
    ("Who wrote the play Romeo and Juliet?", "William Shakespeare"),
    ("What is the largest ocean on Earth?", "The Pacific Ocean."),
    ("Roughly how long does light from the Sun take to reach Earth?", "About 8 minutes and 20 seconds."),
]


_LISTS: list[Pair] = [
    ("List three primary colours, one per line.", "Red\nYellow\nBlue"),
    ("Write a haiku about rain.", "Soft rain on the roof\nthe gutter hums a low tune\nthe whole street listens"),
    (
        "Give two tips for saving energy at home as a bulleted list.",
        "- Switch off lights in empty rooms.\n- Wash clothes at a lower temperature.",
    ),
    ("Name the four seasons in order, starting with spring, separated by commas.", "spring, summer, autumn, winter"),
    (
        "Write the steps to make a cup of tea, numbered.",
        "1. Boil water.\n2. Put a tea bag in a cup.\n3. Pour the water and wait three minutes.\n"
        "4. Remove the bag and add milk if you like.",
    ),
    ("Give me a short packing list for a day hike.", "water bottle\nsandwiches\nrain jacket\nmap\nsun cream"),
    ("Suggest three names for a small bakery.", "Rising Crust\nThe Warm Loaf\nFlour & Hearth"),
    ("List the planets closer to the Sun than Earth.", "Mercury and Venus"),
]


_PARAGRAPHS: list[Pair] = [
    (
        "Summarise this notice in one sentence.\n\n"
        "The swimming pool on Elm Street will close for repairs from 3 June. Workers will replace the "
        "filters, retile the shallow end and repaint the changing rooms. The council expects the work to "
        "take about six weeks, and season tickets will be extended by the same length of time. During "
        "the closure, ticket holders may use the pool at Riverside Leisure Centre at no extra cost.",
        "The Elm Street pool closes for about six weeks of repairs from 3 June; season tickets are "
        "extended and holders can swim at Riverside for free meanwhile.",
    ),
    (
        "Read the paragraph and say what the writer's main complaint is.\n"
        "I ordered the blue kettle on Monday and paid for next-day delivery. It arrived on Friday, the "
        "box was dented, and the kettle inside was green. When I rang the shop, I waited forty minutes "
        "before anyone answered.",
        "The order arrived late and wrong (a green kettle instead of a blue one), and customer service "
        "was slow to respond.",
    ),
    (
        "Give a title for this short story opening. The lighthouse keeper had not seen a ship in nine "
        "days. Each night he lit the lamp anyway, polished the lens and wrote the same line in the log, "
        '"No vessels sighted." On the tenth night, something answered his light from far out at sea.',
        "The Answering Light",
    ),
    (
        "Pick out the key facts from this message.\n"
        "Hi all, the team lunch moves from Thursday to Friday this week because the meeting room is "
        "booked. We'll still meet at 12:30, but at the Italian place on Castle Road instead of the "
        "canteen. Please tell Priya by Wednesday if you can't come.",
        "Lunch is now on Friday at 12:30 at the Italian restaurant on Castle Road; tell Priya by "
        "Wednesday if you can't attend.",
    ),
    (
        "Why did the experiment fail, according to this report? The seeds in tray B were watered daily "
        "and kept by the window like those in tray A, yet none sprouted. Later checks showed that tray B "
        "had no drainage holes, so the soil stayed waterlogged and the seeds rotted.",
        "Tray B had no drainage holes, so the soil became waterlogged and the seeds rotted.",
    ),
    (
        "Condense the following into a headline of at most eight words.\n"
        "After three years of fundraising by parents and local businesses, Hillside Primary School "
        "opened its new library on Saturday. The library holds more than 4,000 books and includes a "
        "reading garden.",
        "Hillside Primary opens community-funded library",
    ),
    (
        "Explain the moral of this fable in a sentence.\n"
        "A crow found a pitcher with a little water at the bottom. Its beak could not reach, so it "
        "dropped pebbles in one by one until the water rose high enough to drink.",
        "Patience and clever thinking can solve problems that force cannot.",
    ),
    (
        "Turn these meeting notes into a single action item.\n"
        "Budget discussed. Marketing spend is over by 8%. Agreed that Leo reviews the ad contracts and "
        "reports back next Tuesday.",
        "Leo to review the ad contracts and report back next Tuesday.",
    ),
]


def _normal(text: str) -> str:
    """NFKC, case-folded, punctuation dropped, whitespace collapsed (stricter than D003's rule)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[^\w\s]", "", text)
    return " ".join(text.split())


def good_examples() -> list[Pair]:
    """The 150 clean examples, interleaved across task families so no run of one kind dominates."""
    families = [
        _arithmetic(),
        _conversions(),
        _capitals(),
        _rewrites(),
        _definitions(),
        _word_games(),
        _translations(),
        _FACTS,
        _LISTS,
        _PARAGRAPHS,
    ]
    pairs: list[Pair] = []
    longest = max(len(f) for f in families)
    for i in range(longest):
        for family in families:
            if i < len(family):
                pairs.append(family[i])
    _check_clean(pairs)
    return pairs


def _check_clean(pairs: list[Pair]) -> None:
    """Fail loudly if an edit breaks a property the clean sample promises."""
    assert len(pairs) == 150, len(pairs)
    inputs = [_normal(i) for i, _ in pairs]
    outputs = [_normal(o) for _, o in pairs]
    assert len(set(inputs)) == len(inputs), [k for k, n in Counter(inputs).items() if n > 1]
    assert len(set(outputs)) == len(outputs), [k for k, n in Counter(outputs).items() if n > 1]
    for text in (t for pair in pairs for t in pair):
        assert text == text.strip() and text, repr(text)
        assert len(text) <= 5_000
        assert "\t" not in text and "\r" not in text
        assert not re.search(r"&\w+;|<\w+>|@", text), text
    n = len(pairs)
    # No dominant opening, ending or field-marker template.
    first_two = Counter(" ".join(i.split()[:2]).lower() for i, _ in pairs)
    assert first_two.most_common(1)[0][1] / n < 0.15, first_two.most_common(3)
    prefixes = Counter(i[:20] for i, _ in pairs)
    assert prefixes.most_common(1)[0][1] / n < 0.05, prefixes.most_common(3)
    for side in (0, 1):
        ends = Counter(p[side][-1] for p in pairs)
        assert ends.most_common(1)[0][1] / n < 0.6, ends.most_common(3)
    markers = sum(1 for i, _ in pairs if re.search(r"(^|\n)\s*\w+:", i))
    assert markers / n < 0.05, markers


# -------------------------------------------------------------------------------------------------
# Writers
# -------------------------------------------------------------------------------------------------


def jsonl(records: list[object]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def records_of(pairs: list[Pair]) -> list[object]:
    return [{"text_input": i, "output": o} for i, o in pairs]


def tabular(pairs: list[Pair], delimiter: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(["text_input", "output"])
    writer.writerows(pairs)
    return buffer.getvalue().encode("utf-8")


def pretty_json(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# -------------------------------------------------------------------------------------------------
# The bad samples. Line numbers promised in README.md are asserted by tests/test_samples.py.
# -------------------------------------------------------------------------------------------------

# The Gemini API tuning guide's number-sequence set: google-gemini/generative-ai-python,
# samples/increment_tuning_data.json, Copyright Google LLC, Apache License 2.0. Reproduced unchanged
# (json.dumps with indent=4 and no final newline gives the original bytes).
NUMBER_SEQUENCE = [
    ("1", "2"), ("3", "4"), ("-3", "-2"), ("twenty two", "twenty three"),
    ("two hundred", "two hundred one"), ("ninety nine", "one hundred"), ("8", "9"), ("-98", "-97"),
    ("1,000", "1,001"), ("10,100,000", "10,100,001"), ("thirteen", "fourteen"),
    ("eighty", "eighty one"), ("one", "two"), ("three", "four"), ("seven", "eight"),
]  # fmt: skip


def number_sequence() -> bytes:
    return json.dumps(records_of(NUMBER_SEQUENCE), indent=4).encode("utf-8")


def _filler(length: int, seed: str) -> str:
    """``length`` characters of plain prose (no trailing space), distinct for each ``seed``."""
    unit = f"{seed} The quick survey counted every lantern along the quay before dawn. "
    text = (unit * (length // len(unit) + 1))[:length]
    return text[:-1] + "." if text.endswith(" ") else text


def too_long() -> bytes:
    """25 records: line 6 input 40,001 chars (L001), line 11 output 5,001 chars (L002); line 16 input of
    exactly 40,000 and line 21 output of exactly 5,000 pass."""
    pairs = good_examples()[:25]
    pairs[5] = (_filler(40_001, "Record six."), "An input one character over the limit.")
    pairs[10] = ("Write a very long answer.", _filler(5_001, "Record eleven."))
    pairs[15] = (_filler(40_000, "Record sixteen."), "An input exactly at the limit.")
    pairs[20] = ("Write an answer exactly at the limit.", _filler(5_000, "Record twenty-one."))
    assert [len(pairs[5][0]), len(pairs[10][1]), len(pairs[15][0]), len(pairs[20][1])] == [
        40_001,
        5_001,
        40_000,
        5_000,
    ]
    return jsonl(records_of(pairs))


def broken_syntax() -> bytes:
    """22 lines: invalid JSON on lines 4 (trailing comma), 9 (single quotes) and 15 (unclosed
    string); a blank line 12; the other 18 lines are valid."""
    good = [json.dumps(r, ensure_ascii=False) for r in records_of(good_examples()[:18])]
    lines = good[:3]
    lines.append('{"text_input": "What is 3 + 4?", "output": "7",}')  # line 4
    lines += good[3:7]  # lines 5-8
    lines.append("{'text_input': 'Name a colour.', 'output': 'teal'}")  # line 9
    lines += good[7:9]  # lines 10-11
    lines.append("")  # line 12
    lines += good[9:11]  # lines 13-14
    lines.append('{"text_input": "Spell cat.", "output": "c-a-t}')  # line 15
    lines += good[11:18]  # lines 16-22
    assert len(lines) == 22
    return ("\n".join(lines) + "\n").encode("utf-8")


def wrong_fields() -> bytes:
    """20 records, one per line; the problem records are on lines 3-9 (see README.md)."""
    records = records_of(good_examples()[:20])
    records[2] = {"text_input": "Name a large ocean."}  # 3: S001
    records[3] = {"text_input": "What is 40 + 2?", "output": 42}  # 4: S002 /output
    records[4] = {"text_input": "Name a bird that cannot fly.", "outptu": "emu"}  # 5: S004 + S001
    records[5] = ["Name a prime number.", "7"]  # 6: S002 (an array, not an object)
    records[6] = {"prompt": "Name a metal.", "completion": "copper"}  # 7: S005
    records[7] = {"text_input": "What is the population of the village?", "output": "nan"}  # 8: S006
    records[8] = {"text_input": "Describe the colour of the sky.", "output": ""}  # 9: S003
    return jsonl(records)


def multiline_csv() -> bytes:
    """A CSV whose quoted cells span lines: records start on lines 2 (lines 2-3), 4 (lines 4-5), 6, 7
    (lines 7-9), 10, 11, ... The ragged row (3 fields, F002) is line 6; the record with an empty
    output cell (S003) starts on line 7. 24 records."""
    rows: list[str] = ["text_input,output"]
    rows.append('"Write a two-line poem about the sea.","Grey waves fold and break,\nthe gulls complain."')
    rows.append('"Reply on two lines.\nSay hello.",Hello')  # lines 4-5 -> record on line 4
    rows.append("What is 5 + 5?,10,ten")  # ragged: 3 fields
    rows.append('"List two fruits,\none per line, then stop.\nThank you.",')  # empty output cell
    pairs = good_examples()[30:50]
    body = tabular(pairs, ",").decode("utf-8").split("\n", 1)[1]
    return ("\n".join(rows) + "\n" + body).encode("utf-8")


def cp1252_csv() -> bytes:
    """A CSV saved as Windows-1252: the first non-UTF-8 byte (``£``) is on line 4."""
    pairs = good_examples()[:20]
    pairs = [(i, o) for i, o in pairs if all(ord(ch) < 128 for ch in i + o)][:18]
    pairs.insert(2, ("How much does a loaf cost in the shop?", "£1.20"))  # line 4
    pairs.insert(5, ("Write 'cafe' with its accent.", "café"))
    return tabular(pairs, ",").decode("utf-8").encode("cp1252")


def bom_jsonl() -> bytes:
    return b"\xef\xbb\xbf" + jsonl(records_of(good_examples()[:20]))


def unknown_shape() -> bytes:
    return jsonl([{"question": i, "answer": o} for i, o in good_examples()[40:60]])


def wrapped_json() -> bytes:
    """``{"examples": [...]}`` with 20 records; record 4 (opening brace on line 17) has an empty
    output (S003)."""
    records = records_of(good_examples()[60:80])
    records[3] = {"text_input": "Describe your favourite season.", "output": "   "}
    return pretty_json({"examples": records})


def columns_json() -> bytes:
    """A dict of columns (the shape the old Gemini SDK took from a DataFrame) with 12 rows; row 5's
    output is ``nan`` (S006; the row's line is that of its first cell, line 7); 12 rows are too few
    (L003)."""
    pairs = good_examples()[80:92]
    pairs[4] = (pairs[4][0], "nan")
    return pretty_json({"text_input": [i for i, _ in pairs], "output": [o for _, o in pairs]})


SYSTEM = "Answer concisely and accurately."


def vertex_records(pairs: list[Pair]) -> list[dict[str, object]]:
    """Vertex AI Gemini tuning records: a system instruction, one user turn, one model turn."""
    return [
        {
            "systemInstruction": {"parts": [{"text": SYSTEM}]},
            "contents": [{"role": "user", "parts": [{"text": i}]}, {"role": "model", "parts": [{"text": o}]}],
        }
        for i, o in pairs
    ]


def openai_records(pairs: list[Pair]) -> list[dict[str, object]]:
    """OpenAI chat records: system, user, assistant."""
    return [
        {
            "messages": [
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": i},
                {"role": "assistant", "content": o},
            ]
        }
        for i, o in pairs
    ]


def vertex_bad() -> bytes:
    """25 Vertex records with conversation faults: line 3 ends on a user turn (R003); line 6 uses the
    OpenAI role "assistant" (R001, and so no model turn: R003); line 9's answer is whitespace (R004);
    line 12 inlines image bytes (R005: Vertex tunes on fileData only); line 15 has two user turns in a
    row (R002)."""
    records = vertex_records(good_examples()[:25])
    contents = [r["contents"] for r in records]
    contents[2].append({"role": "user", "parts": [{"text": "And why?"}]})  # type: ignore[union-attr]
    contents[5][1]["role"] = "assistant"  # type: ignore[index]
    contents[8][1]["parts"] = [{"text": "   "}]  # type: ignore[index]
    contents[11][0]["parts"].append({"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}})  # type: ignore[index]
    contents[14].insert(1, {"role": "user", "parts": [{"text": "Please answer."}]})  # type: ignore[union-attr]
    return jsonl(records)  # type: ignore[arg-type]


def openai_tools_bad() -> bytes:
    """20 OpenAI chat records: line 2's tool call has an object for ``arguments`` (R006: it must be a
    JSON string); line 5's tool response answers an id no call made (R006); line 8 is an answer with
    no system or user message before it (R002); line 11's final answer has ``weight: 0`` (R003: nothing to train on)."""
    records = openai_records(good_examples()[25:45])
    tool = {"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}
    call = {"id": "call_1", "type": "function", "function": {"name": "lookup", "arguments": '{"q": "x"}'}}
    for index in (1, 4):
        records[index]["tools"] = [tool]
        messages = records[index]["messages"]
        messages.insert(2, {"role": "assistant", "tool_calls": [json.loads(json.dumps(call))]})  # type: ignore[attr-defined]
        messages.insert(3, {"role": "tool", "tool_call_id": "call_1", "content": "found"})  # type: ignore[attr-defined]
    records[1]["messages"][2]["tool_calls"][0]["function"]["arguments"] = {"q": "x"}  # type: ignore[index]
    records[4]["messages"][3]["tool_call_id"] = "call_9"  # type: ignore[index]
    del records[7]["messages"][:2]  # type: ignore[index]
    records[10]["messages"][2]["weight"] = 0  # type: ignore[index]
    return jsonl(records)  # type: ignore[arg-type]


def tuning_request() -> bytes:
    """A Gemini API tunedModels.create body: a 50-character display name (H004), both a learning
    rate and a multiplier (H003, an error: they are mutually exclusive), 0 epochs (H001), and 20
    inline examples that are themselves clean."""
    body = {
        "displayName": "customer support answers, tuned for the 2026 range",
        "baseModel": "models/gemini-1.5-flash-001-tuning",
        "tuningTask": {
            "hyperparameters": {"epochCount": 0, "batchSize": 4, "learningRate": 0.001, "learningRateMultiplier": 1.0},
            "trainingData": {
                "examples": {"examples": [{"textInput": i, "output": o} for i, o in good_examples()[45:65]]}
            },
        },
    }
    return pretty_json(body)


def build() -> dict[str, bytes]:
    """Every sample file, by path relative to ``sample_datasets/``."""
    pairs = good_examples()
    return {
        "good/qa_150.jsonl": jsonl(records_of(pairs)),
        "good/qa_150.json": pretty_json(records_of(pairs)),
        "good/qa_150.csv": tabular(pairs, ","),
        "good/qa_150.tsv": tabular(pairs, "\t"),
        "good/chat_vertex_150.jsonl": jsonl(vertex_records(pairs)),  # type: ignore[arg-type]
        "good/chat_openai_150.jsonl": jsonl(openai_records(pairs)),  # type: ignore[arg-type]
        "bad/number_sequence_15.json": number_sequence(),
        "bad/too_long.jsonl": too_long(),
        "bad/broken_syntax.jsonl": broken_syntax(),
        "bad/wrong_fields.jsonl": wrong_fields(),
        "bad/multiline.csv": multiline_csv(),
        "bad/cp1252.csv": cp1252_csv(),
        "bad/bom.jsonl": bom_jsonl(),
        "bad/empty.jsonl": b"",
        "bad/unknown_shape.jsonl": unknown_shape(),
        "bad/wrapped.json": wrapped_json(),
        "bad/columns.json": columns_json(),
        "bad/chat_vertex.jsonl": vertex_bad(),
        "bad/chat_openai_tools.jsonl": openai_tools_bad(),
        "bad/tuning_request.json": tuning_request(),
    }


def main(argv: list[str]) -> int:
    target = Path(argv[1]) if len(argv) > 1 else HERE
    for name, data in build().items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"{name}: {len(data):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
