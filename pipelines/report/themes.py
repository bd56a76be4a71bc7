"""Complaint themes in negative reviews, by keywords in Spanish and English.

Deliberately simple and explainable: a manager can see why a review counted as "price". Text is
lower-cased and stripped of accents first, so "Esperé" and "espere" match alike. Negative
reviews often carry one praise remark ("Lo bueno: precios justos"); sentences opened by such a
praise connector are skipped, so that praise is not counted as a complaint about prices.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    key: str
    label_es: str
    label_en: str
    pattern: re.Pattern[str]

    def label(self, language: str) -> str:
        return self.label_es if language == "es" else self.label_en


@dataclass(frozen=True)
class ThemeCount:
    theme: Theme
    reviews: int  # negative reviews mentioning the theme (each review counts once per theme)


def _words(*alternatives: str) -> re.Pattern[str]:
    """One regex matching any alternative as whole words (patterns are on folded text)."""
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


THEMES: tuple[Theme, ...] = (
    Theme(
        "wait",
        "Esperas y colas",
        "Waits and queues",
        _words(
            r"(?<!coca )(?<!coca-)colas?",
            r"esper(?:e|a|as|amos|ando|ar|aron)",
            r"demor\w*",
            r"lentos?|lentas?|lentitud",
            r"una sola caja",
            r"tardaron|tardan|tardo",
            r"wait\w*",
            r"lines?",
            r"queues?",
            r"took forever",
            r"slow\w*",
            r"one register",
        ),
    ),
    Theme(
        "staff",
        "Actitud del personal",
        "Staff attitude",
        _words(
            r"atencion",
            r"atiend\w*|atend\w*",
            r"no (?:habia|hay) nadie",
            r"personal",
            r"cajer[oa]s?",
            r"mozos?|meser[oa]s?",
            r"groser[oa]s?",
            r"mala gana",
            r"ni saludo",
            r"maltrat\w*",
            r"staff",
            r"rude\w*",
            r"cashiers?",
            r"waiter|waitress",
            r"nobody helps",
            r"unfriendly",
            r"service",
        ),
    ),
    Theme(
        "price",
        "Precios",
        "Prices",
        _words(
            r"car[oa]s?",
            r"carisim\w*",
            r"precios?",
            r"cobr\w*",
            r"estafa",
            r"por las nubes",
            r"prices?|pricey",
            r"overpriced",
            r"overcharg\w*",
            r"expensive",
            r"rip-?off",
            r"charged",
        ),
    ),
    Theme(
        "cleanliness",
        "Limpieza",
        "Cleanliness",
        _words(
            r"suci\w*",
            r"limpi\w*",
            r"basura",
            r"olor\w*",
            r"pegajos\w*",
            r"banos?",
            r"cucarachas?|ratas?",
            r"dirty",
            r"filthy",
            r"clean\w*",
            r"trash",
            r"smell\w*",
            r"sticky",
            r"bathrooms?",
            r"cockroach\w*",
        ),
    ),
    Theme(
        "stock",
        "Productos agotados",
        "Out of stock",
        _words(
            r"no (?:habia|hay) (?!nadie)",
            r"falta(?:ba|ban|n)?(?! de respeto)",
            r"agotad\w*",
            r"sin stock",
            r"desabastec\w*",
            r"out of",
            r"sold out",
            r"ran out",
            r"no stock",
            r"(?:couldn'?t|could not) find",
            r"(?:didn'?t|did not) have",
        ),
    ),
    Theme(
        "quality",
        "Calidad del producto o comida",
        "Product or food quality",
        _words(
            r"vencid\w*",
            r"malograd\w*",
            r"podrid\w*",
            r"sin sabor",
            r"frio|fria",
            r"calidad",
            r"crud[oa]",
            r"rancio\w*",
            r"expired",
            r"spoiled",
            r"rotten",
            r"stale",
            r"bland",
            r"cold",
            r"quality",
            r"undercooked",
            r"tasteless",
        ),
    ),
)

# Sentences opened by these are praise inside a complaint ("Al menos el pan estaba fresco").
# "Eso sí" and "igual" are left out: they introduce complaints as often as praise.
_PRAISE_OPENERS = re.compile(
    r"^(?:lo bueno|lo unico bueno|al menos|por lo menos|rescato|at least|on the plus side"
    r"|only good thing|to be fair|the good part)\b"
)
_SENTENCE_END = re.compile(r"[.!?;\n]+")


def fold(text: str) -> str:
    """Lower-case without accents: 'Esperé en la COLA' -> 'espere en la cola'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def complaint_text(text: str) -> str:
    """The folded text minus its praise sentences."""
    sentences = (s.strip() for s in _SENTENCE_END.split(fold(text)))
    return ". ".join(s for s in sentences if s and not _PRAISE_OPENERS.match(s))


def themes_of(text: str) -> list[Theme]:
    """The themes one review complains about, in THEMES order."""
    complaint = complaint_text(text)
    return [theme for theme in THEMES if theme.pattern.search(complaint)]


def count_themes(texts: Iterable[str]) -> list[ThemeCount]:
    """How many reviews mention each theme, most mentioned first (ties in THEMES order)."""
    counts = dict.fromkeys(THEMES, 0)
    for text in texts:
        for theme in themes_of(text):
            counts[theme] += 1
    ranked = sorted(
        (ThemeCount(theme, n) for theme, n in counts.items() if n), key=lambda c: -c.reviews
    )
    return ranked


def top_themes(texts: Iterable[str], limit: int = 3) -> list[ThemeCount]:
    return count_themes(texts)[:limit]
