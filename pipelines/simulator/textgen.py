"""Compose a review text from the phrase banks, then roughen it like real people type.

Pure Python on ``random.Random`` (tens of thousands of short strings; numpy would not help).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from types import ModuleType

from pipelines.simulator import phrases_en, phrases_es

BANKS = {"es": phrases_es, "en": phrases_en}
EMOJI = {
    "pos": ["😍", "👍", "🔥", "🙌", "😋", "❤️", "👌", "💯"],
    "meh": ["😐", "🤷", "🙄", "😶", "🤔"],
    "neg": ["😡", "👎", "🤬", "😤", "😒", "💩"],
}
ASPECTS = ("espera", "atencion", "precio", "limpieza", "producto")


@dataclass(frozen=True)
class ReviewPlan:
    language: str  # "es" | "en"
    tone: str  # "pos" | "meh" | "neg": the class the text is written in
    theme: str  # main aspect: the complaint for meh/neg, the praise for pos
    contrary: bool  # add one remark of the opposite polarity
    family: str  # "store" | "restaurant" (what {item} can be)


def _fits(sentence: str, family: str) -> bool:
    return not sentence.startswith(("R|", "S|")) or sentence[0] == family[0].upper()


def _sentence(rng: random.Random, bank: ModuleType, aspect: str, polarity: str, family: str) -> str:
    """One sentence about ``aspect``; "R|"/"S|" sentences only for restaurants/shops."""
    options = [s for s in bank.ASPECTS[aspect][polarity] if _fits(s, family)]
    text = rng.choice(options).removeprefix("R|").removeprefix("S|")
    item, ending = rng.choice(bank.ITEMS[family])
    minutes = str(rng.choice([15, 20, 25, 30, 40, 45, 60]))
    text = text.replace("{Item}", item[0].upper() + item[1:]).replace("{item}", item)
    text = text.replace("{o}", ending).replace("{n}", minutes)
    return text[0].upper() + text[1:]


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if text else text


def compose(plan: ReviewPlan, rng: random.Random) -> str:
    bank = BANKS[plan.language]
    others = [a for a in ASPECTS if a != plan.theme]
    parts = [rng.choice(bank.OPENERS[plan.tone])]
    if plan.tone == "pos":
        parts.append(_sentence(rng, bank, plan.theme, "pos", plan.family))
        if rng.random() < 0.5:
            parts.append(_sentence(rng, bank, rng.choice(others), "pos", plan.family))
    elif plan.tone == "neg":
        parts.append(_sentence(rng, bank, plan.theme, "neg", plan.family))
        if rng.random() < 0.4:
            parts.append(_sentence(rng, bank, rng.choice(others), "neg", plan.family))
    else:  # lukewarm: the complaint softened, or one good thing and one bad thing
        if rng.random() < 0.5:
            parts.append(_sentence(rng, bank, plan.theme, "meh", plan.family))
        else:
            parts.append(_sentence(rng, bank, rng.choice(others), "pos", plan.family))
            parts.append(_sentence(rng, bank, plan.theme, "neg", plan.family))
    if plan.contrary:  # e.g. four stars with a complaint, or a pan with one good word
        polarity = "neg" if plan.tone == "pos" else "pos"
        remark = _sentence(rng, bank, rng.choice(others), polarity, plan.family)
        parts.append(f"{rng.choice(bank.CONTRAST[polarity])} {_lower_first(remark)}")
    if rng.random() < 0.35:
        slang = rng.choice(bank.SLANG[plan.tone])
        parts.insert(
            rng.choice([0, len(parts)]), slang.capitalize() + rng.choice(["!", ".", "..."])
        )
    if rng.random() < 0.3 and len(parts) > 2:
        parts.append(parts.pop(0))  # the verdict at the end instead
    parts.append(rng.choice(bank.CLOSERS[plan.tone]))
    text = " ".join(p for p in parts if p)
    if rng.random() < 0.4:
        text += " " + "".join(rng.choice(EMOJI[plan.tone]) for _ in range(rng.randint(1, 3)))
    return roughen(text, rng)


_ACCENTS = str.maketrans("áéíóúüñÁÉÍÓÚÜÑ", "aeiouunAEIOUUN")


def _strip_accents(text: str) -> str:
    """ "atención" -> "atencion": many people type without accents."""
    return text.translate(_ACCENTS)


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:  # swapped letters
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    if kind == 1:  # dropped letter
        return word[:i] + word[i + 1 :]
    if kind == 2:  # doubled letter
        return word[:i] + word[i] + word[i:]
    return word[:-1] + word[-1] * rng.randint(3, 5)  # "buenooo"


def roughen(text: str, rng: random.Random) -> str:
    """Typos, missing accents, shouting and lowercase, applied at random."""
    if rng.random() < 0.3:
        text = _strip_accents(text)
    if rng.random() < 0.35:
        words = text.split(" ")
        text = " ".join(_typo(w, rng) if rng.random() < 0.08 else w for w in words)
    if rng.random() < 0.3:
        text = text.lower()
    elif rng.random() < 0.05:
        text = text.upper()
    if rng.random() < 0.15:
        text = text.replace(".", "!!", 1)
    return text
