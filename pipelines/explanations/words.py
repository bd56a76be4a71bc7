"""Explanations in plain words, Spanish or English: feature labels with their values, amounts
("feriado: +S/ 1,240"), member reasons ("sin visitas hace 45 días") and the email's "why this
week" lines ("viernes 20/11: +18 % vs un viernes normal — quincena y víspera de feriado").

Pure: no database, no model code. Numbers are written the same way in both languages (the stores
are in Peru: soles with a comma for thousands, day before month).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import Any

from pipelines.planning.parameters import Language

WEEKDAYS = {
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS = {
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}  # fmt: skip

# Sales forest features: (Spanish, English). "{v}" is the feature's value, formatted by kind.
SALES_LABELS: dict[str, tuple[str, str]] = {
    "horizon": ("días de anticipación ({v})", "days ahead ({v})"),
    "log_baseline": ("nivel de ventas de la categoría", "category's sales level"),
    "category_share": ("peso de la categoría en la tienda", "category's share of the store"),
    "same_weekday_last": ("mismo día la semana pasada", "same weekday last week"),
    "same_weekday_mean_4w": ("mismo día, últimas 4 semanas", "same weekday, last 4 weeks"),
    "store_same_weekday_mean_4w": (
        "tienda, mismo día de las últimas 4 semanas",
        "store, same weekday of the last 4 weeks",
    ),
    "rolling_7d": ("ventas de los últimos 7 días", "sales of the last 7 days"),
    "last_day": ("ventas del último día", "sales of the last day"),
    "trend_28d": ("tendencia de 4 semanas", "4-week trend"),
    "store_trend_7d": ("tendencia de la tienda (7 días)", "store's 7-day trend"),
    "promo_on_same_weekday_last": (
        "promoción el mismo día la semana pasada",
        "promotion on the same weekday last week",
    ),
    "holiday_on_same_weekday_last": (
        "feriado el mismo día la semana pasada",
        "holiday on the same weekday last week",
    ),
    "promo_share_28d": ("días en promoción (4 semanas)", "days on promotion (4 weeks)"),
    "days_open": ("antigüedad de la tienda", "store's age"),
    "iso_weekday": ("día de la semana", "weekday"),
    "month": ("mes del año", "month of the year"),
    "is_long_weekend": ("fin de semana largo", "long weekend"),
    "after_payday": ("día después de quincena", "day after payday"),
    "day_of_month": ("día {v} del mes", "day {v} of the month"),
    "promo_active": ("promoción en la categoría", "promotion on the category"),
    "promo_discount": ("descuento de {v}", "{v} discount"),
    "store_promo_discount_sum": ("promociones en la tienda", "store-wide promotions"),
    "store_promo_categories": ("categorías en promoción ({v})", "categories on promotion ({v})"),
    "other_promo_discount_sum": (
        "promociones en otras categorías",
        "promotions on other categories",
    ),
    "temp_mean": ("temperatura ({v})", "temperature ({v})"),
    "traffic_ratio": ("tráfico esperado", "expected traffic"),
    "store_code": ("la tienda", "the store"),
    "category_code": ("la categoría", "the category"),
    "other_features": ("otros factores", "other factors"),
    "not_enough_history": (
        "historial insuficiente para explicar",
        "not enough history to explain",
    ),
}
# Labels whose value sits inside the words: what they read without a value (a store total whose
# categories differ, say).
SALES_UNKNOWN: dict[str, tuple[str, str]] = {
    "promo_discount": ("descuentos en la tienda", "discounts in the store"),
    "day_of_month": ("día del mes", "day of the month"),
}
# Flags read differently when set and when not.
SALES_FLAGS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "is_holiday": (("feriado", "public holiday"), ("día no feriado", "not a holiday")),
    "is_payday": (("quincena", "payday"), ("fuera de quincena", "not payday")),
}

# Traffic network drivers (models.traffic.attribution.DRIVERS).
TRAFFIC_LABELS: dict[str, tuple[str, str]] = {
    "recent_level": ("nivel de las últimas semanas", "recent weeks' level"),
    "season": ("temporada del año", "time of year"),
    "reference_weeks": (
        "feriado en las semanas de referencia",
        "holiday in the reference weeks",
    ),
    "holiday": ("feriado", "public holiday"),
    "holiday_eve": ("víspera de feriado", "eve of a holiday"),
    "after_holiday": ("día después de feriado", "day after a holiday"),
    "long_weekend": ("fin de semana largo", "long weekend"),
    "payday": ("quincena", "payday"),
    "promotion": ("promoción", "promotion"),
    "temperature": ("temperatura", "temperature"),
    "rain": ("lluvia", "rain"),
    "other": ("otros", "other"),
}
NOT_ENOUGH_HISTORY = {
    "es": "historial insuficiente para comparar",
    "en": "not enough history to compare",
}

# Churn features: reason groups (for reward reason codes) and how to say each value.
CHURN_GROUPS = {
    "recency_days": "RECENCY",
    "overdue_ratio": "RECENCY",
    "last_gap_ratio": "RECENCY",
    "visits_total": "FREQUENCY",
    "visits_90d": "FREQUENCY",
    "visits_30d": "FREQUENCY",
    "gap_mean": "FREQUENCY",
    "gap_std": "FREQUENCY",
    "complaints_total": "COMPLAINTS",
    "complaints_90d": "COMPLAINTS",
    "days_since_complaint": "COMPLAINTS",
    "sentiment_mean": "SENTIMENT",
    "sentiment_trend": "SENTIMENT",
    "reviews_total": "SENTIMENT",
    "spend_total": "SPEND",
    "spend_mean": "SPEND",
    "tenure_days": "TENURE",
    "not_enough_history": "NOT_ENOUGH_HISTORY",
}


# What each churn feature is, for values that do not exist (yet).
CHURN_NAMES = {
    "recency_days": ("días desde la última visita", "days since the last visit"),
    "tenure_days": ("antigüedad como socio", "membership age"),
    "visits_total": ("visitas", "visits"),
    "visits_90d": ("visitas en 90 días", "visits in 90 days"),
    "visits_30d": ("visitas en 30 días", "visits in 30 days"),
    "spend_total": ("gasto", "spend"),
    "spend_mean": ("gasto por visita", "spend per visit"),
    "reviews_total": ("reseñas", "reviews"),
    "complaints_total": ("reseñas negativas", "negative reviews"),
    "complaints_90d": ("reseñas negativas en 90 días", "negative reviews in 90 days"),
}


def pen(amount: float) -> str:
    """'S/ 1,240' (whole soles)."""
    return f"S/ {abs(float(amount)):,.0f}"


def signed_pen(amount: float) -> str:
    """'+S/ 1,240', '−S/ 310' (a true minus sign), 'S/ 0'."""
    value = float(amount)
    if round(value) == 0:
        return "S/ 0"
    return f"{'+' if value > 0 else '−'}{pen(value)}"


def signed_pct(share: float, language: Language) -> str:
    """'+18 %' (Spanish) or '+18%' (English); a true minus sign."""
    value = round(float(share) * 100)
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return f"{sign}{abs(value)}{' %' if language == 'es' else '%'}"


def _known(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:.1f}".rstrip("0").rstrip(".")


def sales_label(feature: str, value: Any, language: Language) -> str:
    """A feature of the sales forest with its value, e.g. 'feriado', 'viernes', 'lluvia (12 mm)',
    'descuento de 30%'."""
    spanish = language == "es"
    if feature in SALES_FLAGS:
        on, off = SALES_FLAGS[feature]
        words = on if _known(value) and float(value) > 0.5 else off
        return words[0] if spanish else words[1]
    if feature == "iso_weekday" and _known(value) and 1 <= float(value) <= 7:
        return WEEKDAYS[language][round(float(value)) - 1]
    if feature == "month" and _known(value) and 1 <= float(value) <= 12:
        month = MONTHS[language][round(float(value)) - 1]
        return f"mes de {month}" if spanish else f"month of {month}"
    if feature == "precip_sum":
        if not _known(value):
            return "lluvia" if spanish else "rain"
        if float(value) < 0.5:
            return "sin lluvia" if spanish else "no rain"
        return (
            f"lluvia ({_number(float(value))} mm)"
            if spanish
            else f"rain ({_number(float(value))} mm)"
        )
    spanish_label, english_label = SALES_LABELS.get(feature, (feature, feature))
    template = spanish_label if spanish else english_label
    if "{v}" not in template:
        return template
    if not _known(value):
        if feature in SALES_UNKNOWN:
            return SALES_UNKNOWN[feature][0 if spanish else 1]
        return template.replace(" ({v})", "")
    if feature == "promo_discount":
        shown = f"{float(value):.0%}"
    elif feature == "temp_mean":
        shown = f"{float(value):.0f} °C"
    else:
        shown = _number(float(value))
    return template.replace("{v}", shown)


def sales_words(label: str, contribution: float) -> str:
    """'feriado: +S/ 1,240'."""
    return f"{label}: {signed_pen(contribution)}"


def traffic_label(driver: str, language: Language) -> str:
    spanish_label, english_label = TRAFFIC_LABELS.get(driver, (driver, driver))
    return spanish_label if language == "es" else english_label


def why_line(
    day: date,
    change: float,
    drivers: Sequence[str],
    language: Language,
    enough_history: bool = True,
) -> str:
    """'viernes 20/11: +18 % vs un viernes normal — quincena y víspera de feriado'."""
    weekday = WEEKDAYS[language][day.weekday()]
    head = f"{weekday} {day:%d/%m}"
    if not enough_history:
        return f"{head}: {NOT_ENOUGH_HISTORY[language]}"
    versus = f"vs un {weekday} normal" if language == "es" else f"vs a normal {weekday}"
    line = f"{head}: {signed_pct(change, language)} {versus}"
    named = [traffic_label(driver, language) for driver in drivers]
    if not named:
        return line
    joined = _join(named, "y" if language == "es" else "and")
    return f"{line} — {joined}"


def _join(items: Sequence[str], conjunction: str) -> str:
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def churn_group(feature: str) -> str:
    return CHURN_GROUPS.get(feature, "OTHER")


def churn_label(feature: str, value: Any, language: Language) -> str:
    """A churn feature with its value as a reason, e.g. 'sin visitas hace 45 días',
    '2 reseñas negativas en 90 días', 'viene cada 7 días'."""
    es = language == "es"
    known = _known(value)
    v = float(value) if known else math.nan
    n = round(v) if known else 0
    if feature == "not_enough_history":
        return (
            "una sola visita: poco historial para saber por qué"
            if es
            else "a single visit: too little history to tell why"
        )
    if feature == "other_features":
        return "otros factores" if es else "other factors"
    if not known:
        unknown = {
            "days_since_complaint": ("sin reseñas negativas", "no negative reviews"),
            "sentiment_mean": ("sin reseñas", "no reviews"),
            "sentiment_trend": ("sin reseñas", "no reviews"),
            "gap_mean": ("sin ritmo de visitas aún", "no visit rhythm yet"),
            "gap_std": ("sin ritmo de visitas aún", "no visit rhythm yet"),
            "overdue_ratio": ("sin ritmo de visitas aún", "no visit rhythm yet"),
            "last_gap_ratio": ("sin ritmo de visitas aún", "no visit rhythm yet"),
        }.get(feature)
        if unknown is None:
            name = CHURN_NAMES.get(feature, ("otro dato", "another value"))
            unknown = (f"sin dato: {name[0]}", f"unknown {name[1]}")
        return unknown[0] if es else unknown[1]
    phrases: dict[str, tuple[str, str]] = {
        "recency_days": (f"sin visitas hace {n} días", f"no visit in {n} days"),
        "overdue_ratio": (
            f"{_number(v)} veces su intervalo habitual sin venir",
            f"{_number(v)} times their usual gap without a visit",
        ),
        "last_gap_ratio": (
            f"su última pausa fue {_number(v)} veces la habitual",
            f"their last gap was {_number(v)} times the usual",
        ),
        "visits_total": (f"{n} visitas en total", f"{n} visits in all"),
        "visits_90d": (f"{n} visitas en 90 días", f"{n} visits in 90 days"),
        "visits_30d": (f"{n} visitas en 30 días", f"{n} visits in 30 days"),
        "gap_mean": (f"viene cada {_number(v)} días", f"comes every {_number(v)} days"),
        "gap_std": (
            f"visitas irregulares (±{_number(v)} días)",
            f"irregular visits (±{_number(v)} days)",
        ),
        "complaints_total": (
            f"{n} reseña{'s' if n != 1 else ''} negativa{'s' if n != 1 else ''} en total",
            f"{n} negative review{'s' if n != 1 else ''} in all",
        ),
        "complaints_90d": (
            f"{n} reseña{'s' if n != 1 else ''} negativa{'s' if n != 1 else ''} en 90 días",
            f"{n} negative review{'s' if n != 1 else ''} in 90 days",
        ),
        "days_since_complaint": (
            f"reseña negativa hace {n} días",
            f"a negative review {n} days ago",
        ),
        "sentiment_mean": (
            f"reseñas de tono {'negativo' if v < 0 else 'positivo'} ({v:+.2f})",
            f"{'negative' if v < 0 else 'positive'} reviews ({v:+.2f})",
        ),
        "sentiment_trend": (
            f"su última reseña fue {'peor' if v < 0 else 'mejor'} que las anteriores",
            f"their last review was {'worse' if v < 0 else 'better'} than before",
        ),
        "reviews_total": (f"{n} reseñas escritas", f"{n} reviews written"),
        "spend_total": (f"gastó {pen(v)} en total", f"spent {pen(v)} in all"),
        "spend_mean": (f"gasta {pen(v)} por visita", f"spends {pen(v)} a visit"),
        "tenure_days": (f"socio desde hace {n} días", f"a member for {n} days"),
    }
    spanish_words, english_words = phrases.get(feature, (feature, feature))
    return spanish_words if es else english_words
