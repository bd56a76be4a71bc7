"""Complaint themes: keyword matching in Spanish and English, praise remarks ignored."""

from __future__ import annotations

import pytest

from pipelines.report.themes import complaint_text, count_themes, fold, themes_of, top_themes


def keys(text: str) -> list[str]:
    return [theme.key for theme in themes_of(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("La cola era eterna.", ["wait"]),
        ("Esperé 25 minutos para pagar.", ["wait"]),
        ("Waited 20 minutes to pay. Took forever.", ["wait"]),
        ("Pésima atención, ni te miran.", ["staff"]),
        ("Rude staff.", ["staff"]),
        ("Carísimo para lo que es. Te cobran de más.", ["price"]),
        ("Way overpriced.", ["price"]),
        ("Los baños sucísimos.", ["cleanliness"]),
        ("Sticky dirty floors.", ["cleanliness"]),
        ("No había pan, como siempre.", ["stock"]),
        ("They were out of the bread again.", ["stock"]),
        ("El ceviche vencido.", ["quality"]),
        ("The chicken was cold and bland.", ["quality"]),
        ("Pésimo. Nunca más.", []),
    ],
)
def test_each_theme_is_recognised_in_both_languages(text: str, expected: list[str]) -> None:
    assert keys(text) == expected


def test_accents_and_case_do_not_matter() -> None:
    assert fold("ESPERÉ en la Cola") == "espere en la cola"
    assert keys("ESPERÉ MUCHO") == keys("espere mucho") == ["wait"]


def test_praise_inside_a_complaint_is_not_a_complaint() -> None:
    text = "La cola era eterna. Lo bueno: precios justos. At least the staff was nice!"
    assert "precios" not in complaint_text(text)
    assert keys(text) == ["wait"]


def test_look_alikes_are_not_themes() -> None:
    assert keys("Qué falta de respeto.") == []  # not a stock-out
    assert keys("No había nadie para atender.") == ["staff"]  # not a stock-out either
    assert keys("No había Coca Cola.") == ["stock"]  # a drink, not a queue


def test_reviews_are_counted_once_per_theme_and_ranked() -> None:
    texts = [
        "La cola era eterna. Esperé 30 minutos en la cola.",  # wait, once
        "The line was endless. Rude staff.",
        "Carísimo.",
        "Waited forever.",
    ]
    counts = [(c.theme.key, c.reviews) for c in count_themes(texts)]
    assert counts == [("wait", 3), ("staff", 1), ("price", 1)]  # ties keep the themes' order
    assert [c.theme.key for c in top_themes(texts, limit=2)] == ["wait", "staff"]
    assert count_themes([]) == []


def test_labels_follow_the_language() -> None:
    (count,) = count_themes(["Los baños sucísimos."])
    assert count.theme.label("es") == "Limpieza"
    assert count.theme.label("en") == "Cleanliness"
