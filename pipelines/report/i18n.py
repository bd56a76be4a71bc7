"""The report's words in Spanish and English, and dates written the way each reader expects.

Dates are formatted here rather than with the C library's locale: the container has no Spanish
locale installed, and a report must not change language with the machine it runs on.
"""

from __future__ import annotations

from datetime import date, datetime

from pipelines.planning.parameters import Language

WEEKDAYS = {
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}

TEXT: dict[Language, dict[str, str]] = {
    "es": {
        "subject": "Plan de personal",
        "greeting": "Hola {name},",
        "intro": "este es el plan de personal de {store} ({city}) para los próximos 7 días, "
        "desde hoy {day}.",
        "chart_title": "Tráfico esperado y personal planificado",
        "chart_alt": "Gráfico: tráfico por hora (banda P10–P90 y mediana) y personal planificado",
        "traffic_axis": "Visitantes por hora",
        "staff_axis": "Personal planificado",
        "band": "Tráfico P10–P90",
        "median": "Tráfico P50 (mediana)",
        "staff": "Personal (caja + piso)",
        "no_data": "Sin datos de pronóstico",
        "shifts_title": "Turnos",
        "today": "Hoy",
        "tomorrow": "Mañana",
        "role": "Rol",
        "shift": "Turno",
        "hours": "Horas",
        "cashier": "Caja",
        "floor": "Piso",
        "no_shifts": "Sin turnos (local cerrado).",
        "total": "Total",
        "risk_title": "Horas de mayor riesgo",
        "risk_intro": "En estas horas el plan llega al máximo de personal del local: la demanda "
        "podría superar la capacidad.",
        "risk_none": "Ninguna hora llega al máximo de personal esta semana.",
        "risk_more": "… y {n} {noun} más.",
        "date": "Fecha",
        "hour": "Hora",
        "expected_traffic": "Tráfico esperado (P50)",
        "planned_traffic": "Tráfico planificado",
        "at_maximum": "Al máximo",
        "reviews_title": "Reseñas de la semana",
        "reviews_count": "{reviews} en los últimos 7 días ({negative}).",
        "reviews_none": "No hubo reseñas en los últimos 7 días.",
        "sentiment": "Sentimiento medio: {value} (escala de −1 a +1)",
        "sentiment_change": "{change} frente a los 7 días anteriores",
        "sentiment_no_previous": "sin reseñas los 7 días anteriores para comparar",
        "source_model": "según el modelo de sentimiento",
        "source_rating": "según las calificaciones de 1 a 5 estrellas",
        "themes": "Quejas más frecuentes en reseñas negativas",
        "themes_none": "Sin temas de queja reconocibles.",
        "why_title": "Por qué esta semana",
        "why_intro": "Días en que el modelo espera más o menos visitas que en un día normal "
        "del mismo día de la semana, y por qué:",
        "why_none": "Ningún día se aparta de lo normal para su día de la semana.",
        "model": "Pronóstico del modelo {version}.",
        "model_baseline": (
            "Pronóstico simple de referencia ({version}): ningún modelo lo ha superado aún."
        ),
        "footer": "Enviado por nightshift. Este correo es solo para el gerente de la tienda.",
    },
    "en": {
        "subject": "Staffing plan",
        "greeting": "Hello {name},",
        "intro": "here is the staffing plan of {store} ({city}) for the next 7 days, starting "
        "today, {day}.",
        "chart_title": "Expected traffic and planned staff",
        "chart_alt": "Chart: hourly traffic (P10–P90 band and median) and planned staff",
        "traffic_axis": "Visitors per hour",
        "staff_axis": "Planned staff",
        "band": "Traffic P10–P90",
        "median": "Traffic P50 (median)",
        "staff": "Staff (cashier + floor)",
        "no_data": "No forecast data",
        "shifts_title": "Shifts",
        "today": "Today",
        "tomorrow": "Tomorrow",
        "role": "Role",
        "shift": "Shift",
        "hours": "Hours",
        "cashier": "Cashier",
        "floor": "Floor",
        "no_shifts": "No shifts (store closed).",
        "total": "Total",
        "risk_title": "Hours most at risk",
        "risk_intro": "In these hours the plan reaches the store's maximum staff: demand may "
        "exceed capacity.",
        "risk_none": "No hour reaches the store's maximum staff this week.",
        "risk_more": "… and {n} more {noun}.",
        "date": "Date",
        "hour": "Hour",
        "expected_traffic": "Expected traffic (P50)",
        "planned_traffic": "Planned traffic",
        "at_maximum": "At maximum",
        "reviews_title": "This week's reviews",
        "reviews_count": "{reviews} in the last 7 days ({negative}).",
        "reviews_none": "No reviews in the last 7 days.",
        "sentiment": "Mean sentiment: {value} (scale −1 to +1)",
        "sentiment_change": "{change} versus the previous 7 days",
        "sentiment_no_previous": "no reviews in the previous 7 days to compare with",
        "source_model": "from the sentiment model",
        "source_rating": "from 1–5 star ratings",
        "themes": "Most frequent complaints in negative reviews",
        "themes_none": "No recognisable complaint themes.",
        "why_title": "Why this week",
        "why_intro": "Days the model expects more or fewer visitors than on a normal day of "
        "the same weekday, and why:",
        "why_none": "No day differs from a normal day of its weekday.",
        "model": "Forecast by model {version}.",
        "model_baseline": "Simple reference forecast ({version}): no model has beaten it yet.",
        "footer": "Sent by nightshift. This email is meant for the store manager only.",
    },
}


# Singular and plural of the nouns the report counts.
NOUNS: dict[Language, dict[str, tuple[str, str]]] = {
    "es": {
        "review": ("reseña", "reseñas"),
        "negative": ("negativa", "negativas"),
        "hour": ("hora", "horas"),
    },
    "en": {
        "review": ("review", "reviews"),
        "negative": ("negative", "negative"),
        "hour": ("hour", "hours"),
    },
}


def noun(n: int, name: str, language: Language) -> str:
    """'reseña' for 1, 'reseñas' otherwise."""
    singular, plural = NOUNS[language][name]
    return singular if n == 1 else plural


def count(n: int, name: str, language: Language) -> str:
    """'1 reseña', '3 reseñas', '1 hour'."""
    return f"{n} {noun(n, name, language)}"


def day_label(day: date, language: Language) -> str:
    """'lunes 23/11/2026' or 'Monday 2026-11-23'."""
    weekday = WEEKDAYS[language][day.weekday()]
    shown = day.strftime("%d/%m/%Y") if language == "es" else day.isoformat()
    return f"{weekday} {shown}"


def short_day(day: date | datetime, language: Language) -> str:
    """'lun 23/11' or 'Mon 23/11' (day before month in both: the stores are in Peru)."""
    return f"{WEEKDAYS[language][day.weekday()][:3]} {day:%d/%m}"


def signed(value: float) -> str:
    """'+0.12', '−0.30' (a true minus sign) or '0.00'."""
    if round(value, 2) == 0:
        return "0.00"
    return f"+{value:.2f}" if value > 0 else f"−{abs(value):.2f}"
