"""A deterministic generator of varied, free-form prompts and answers (no dominant template) for the
T-rule tests and their golden files: many sentence shapes, openings and endings, prose colons
(``Note: ...``, ``e.g.:``, URLs, times), lists and multi-line texts, all from a seeded RNG."""

from __future__ import annotations

import random

SUBJECTS = [
    "the harbour master",
    "a tired botanist",
    "our neighbour",
    "the city council",
    "my cousin Ada",
    "a retired pilot",
    "the village baker",
    "two students",
    "the night nurse",
    "an old fisherman",
    "the museum guide",
    "a curious child",
    "the team captain",
    "her grandmother",
    "the new intern",
    "a local farmer",
    "the violinist",
    "his landlord",
    "the chess club",
    "a quiet librarian",
]
VERBS = [
    "repaired",
    "painted",
    "described",
    "measured",
    "borrowed",
    "photographed",
    "counted",
    "sold",
    "translated",
    "cooked",
    "planted",
    "forgot",
    "rebuilt",
    "studied",
    "carried",
    "questioned",
    "polished",
    "discovered",
    "organised",
    "ignored",
]
OBJECTS = [
    "the wooden bridge",
    "a map of the coast",
    "three copper kettles",
    "the garden fence",
    "an unfinished novel",
    "the broken clock",
    "a basket of plums",
    "the school bus",
    "twelve lanterns",
    "a letter from Lisbon",
    "the red bicycle",
    "an antique radio",
    "the winter coats",
    "a jar of honey",
    "the orchestra's schedule",
    "a crate of apples",
    "the lighthouse lamp",
    "two silver spoons",
]
TAILS = [
    "before dawn",
    "after the storm",
    "during the festival",
    "without telling anyone",
    "in the rain",
    "for the third time",
    "last Tuesday",
    "at 10:30 sharp",
    "near the old mill",
    "with great care",
    "while the kettle boiled",
    "on a whim",
    "before the market opened",
    "despite the cold",
]
OPENERS = [
    "",
    "",
    "",
    "",
    "Yesterday ",
    "Honestly, ",
    "In 1987 ",
    "According to the report, ",
    "Apparently ",
    "Every spring ",
    "Long ago ",
    "By noon ",
    "After lunch ",
    "Somehow ",
]
QUESTIONS = [
    "Why do you think {s} {v} {o}?",
    "Who {v} {o} {t}?",
    "Can you explain how {s} {v} {o}?",
    "What happened after {s} {v} {o}?",
    "Is it true that {s} {v} {o} {t}?",
    "How many times has {s} {v} {o}?",
    "Where was {o} when {s} {v} it?",
]
INSTRUCTIONS = [
    "Summarise this in one line: {s} {v} {o} {t}.",
    "Rewrite politely: {s} {v} {o}.",
    "Write a haiku about {o}.",
    "List three reasons why {s} {v} {o}.",
    "Translate into French: {s} {v} {o}.",
    "Give a title for a story where {s} {v} {o}.",
    "Describe {o} in two sentences.",
    "Explain to a child why {s} {v} {o} {t}.",
]
EXTRAS = [
    "Note: this happened {t}.",
    "See https://example.org/notes for details.",
    "It was 7:45 by then.",
    "Some things (e.g.: {o}) were never found.",
    "The reason: nobody asked.",
    "Ratio 3:1, apparently.",
    "Thanks!",
    "I am not sure.",
    "It rained again.",
    "Everyone laughed.",
]
ENDINGS = [".", ".", ".", "!", "?", "...", ".", " :)", '."', "."]


def _fill(template: str, rng: random.Random) -> str:
    return template.format(s=rng.choice(SUBJECTS), v=rng.choice(VERBS), o=rng.choice(OBJECTS), t=rng.choice(TAILS))


def _statement(rng: random.Random) -> str:
    text = f"{rng.choice(OPENERS)}{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    if rng.random() < 0.6:
        text += " " + rng.choice(TAILS)
    text = text[0].upper() + text[1:]
    return text + rng.choice(ENDINGS)


def varied_input(rng: random.Random) -> str:
    """A free-form prompt: a question, an instruction or a statement, sometimes with an extra
    sentence, a list or a second line."""
    kind = rng.random()
    if kind < 0.35:
        text = _fill(rng.choice(QUESTIONS), rng)
    elif kind < 0.7:
        text = _fill(rng.choice(INSTRUCTIONS), rng)
    else:
        text = _statement(rng)
    text = text[0].upper() + text[1:]
    extra = rng.random()
    if extra < 0.15:
        text += " " + _fill(rng.choice(EXTRAS), rng)
    elif extra < 0.25:
        text += "\n" + _statement(rng)
    elif extra < 0.3:
        text = _fill(rng.choice(EXTRAS), rng) + " " + text
    elif extra < 0.35:
        text += "\n- " + rng.choice(OBJECTS) + "\n- " + rng.choice(OBJECTS)
    return text


def varied_output(rng: random.Random) -> str:
    """A free-form answer: one to three sentences, a short phrase, a number or a short list."""
    kind = rng.random()
    if kind < 0.5:
        return " ".join(_statement(rng) for _ in range(rng.randint(1, 3)))
    if kind < 0.65:
        return rng.choice(OBJECTS).capitalize()
    if kind < 0.75:
        return str(rng.randint(0, 10_000))
    if kind < 0.85:
        return "\n".join(f"{n}. {rng.choice(OBJECTS)}" for n in range(1, rng.randint(2, 5)))
    return _fill(rng.choice(EXTRAS), rng) + " " + _statement(rng)


def varied_records(n: int, seed: int = 0) -> list[dict[str, str]]:
    """``n`` gemini records of varied prompts and answers."""
    rng = random.Random(seed)
    return [{"text_input": varied_input(rng), "output": varied_output(rng)} for _ in range(n)]
