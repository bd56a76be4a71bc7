"""One short sentence per staffing row saying why it says what it says, in Spanish or English.

Numbers are rounded for reading, never in the direction that flatters the plan: service levels
are rounded down, so "80%" means at least 80%.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pipelines.planning.parameters import BindingRule, Language, Role


@dataclass(frozen=True)
class Explained:
    """Everything a sentence may quote for one store-hour and role."""

    role: Role
    binding_rule: BindingRule
    quantile_label: str  # "p80"
    traffic: float
    tickets: float
    required: int
    staff: int
    store_maximum: int
    service_level: float | None  # cashiers only: share of waits within the target with `staff`
    wait_minutes: float
    target_share: float
    floor_standard: float


def explain(row: Explained, language: Language) -> str:
    if language not in ("es", "en"):
        raise ValueError(f"rationale language must be 'es' or 'en', got {language!r}")
    if row.binding_rule == "closed":
        return "Cerrado: sin personal" if language == "es" else "Closed: no staff"
    spanish = language == "es"
    label = row.quantile_label.upper()
    lead = (
        f"Tráfico {label} {_num(row.traffic)}"
        if spanish
        else f"{label} traffic {_num(row.traffic)}"
    )
    if row.role == "cashier":
        lead += f" → {_num(row.tickets)} tickets/h"
        detail = _cashier_es(row) if spanish else _cashier_en(row)
    else:
        detail = _floor_es(row) if spanish else _floor_en(row)
    return f"{lead}; {detail}" if row.role == "cashier" else f"{lead} → {detail}"


def _cashier_en(row: Explained) -> str:
    wait, reached = _num(row.wait_minutes), _percent(row.service_level)
    if row.binding_rule == "maximum":
        risk = (
            "queue keeps growing"
            if not row.service_level
            else f"{reached}% of waits under {wait} min"
        )
        return (
            f"needs {row.required} cashiers, capped at {row.staff} by the store maximum of "
            f"{row.store_maximum} staff (risk: {risk})"
        )
    if row.binding_rule == "minimum":
        return (
            f"store minimum {row.staff} {_plural(row.staff, 'cashier', 'cashiers')} "
            f"(demand needs {row.required})"
        )
    verb = "keeps" if row.staff == 1 else "keep"
    return (
        f"{row.staff} {_plural(row.staff, 'cashier', 'cashiers')} {verb} {reached}% of waits "
        f"under {wait} min (target {_percent(row.target_share)}%)"
    )


def _cashier_es(row: Explained) -> str:
    wait, reached = _num(row.wait_minutes), _percent(row.service_level)
    if row.binding_rule == "maximum":
        risk = (
            "la cola crece sin parar"
            if not row.service_level
            else f"{reached}% de esperas bajo {wait} min"
        )
        return (
            f"requiere {row.required} cajeros, limitado a {row.staff} por el máximo de "
            f"{row.store_maximum} personas de la tienda (riesgo: {risk})"
        )
    if row.binding_rule == "minimum":
        return (
            f"mínimo de la tienda: {row.staff} {_plural(row.staff, 'cajero', 'cajeros')} "
            f"(la demanda pide {row.required})"
        )
    verb = "mantiene" if row.staff == 1 else "mantienen"
    return (
        f"{row.staff} {_plural(row.staff, 'cajero', 'cajeros')} {verb} el {reached}% de las "
        f"esperas bajo {wait} min (meta {_percent(row.target_share)}%)"
    )


def _floor_en(row: Explained) -> str:
    if row.binding_rule == "maximum":
        per_person = _num(row.traffic / row.staff) if row.staff else "all"
        return (
            f"needs {row.required} floor staff, capped at {row.staff} by the store maximum of "
            f"{row.store_maximum} staff (risk: {per_person} customers per staff-hour)"
        )
    if row.binding_rule == "minimum":
        return f"store minimum {row.staff} floor staff (demand needs {row.required})"
    return f"{row.staff} floor staff at {_num(row.floor_standard)} customers per staff-hour"


def _floor_es(row: Explained) -> str:
    if row.binding_rule == "maximum":
        per_person = _num(row.traffic / row.staff) if row.staff else "todos"
        return (
            f"requiere {row.required} en piso, limitado a {row.staff} por el máximo de "
            f"{row.store_maximum} personas de la tienda (riesgo: {per_person} clientes por "
            "persona-hora)"
        )
    if row.binding_rule == "minimum":
        return f"mínimo de la tienda: {row.staff} en piso (la demanda pide {row.required})"
    return f"{row.staff} en piso a {_num(row.floor_standard)} clientes por persona-hora"


def _num(value: float) -> str:
    """Whole numbers from 10 up; one decimal below, where rounding would hide too much."""
    if abs(value) >= 10:
        return str(round(value))
    return f"{round(value, 1):g}"


def _percent(share: float | None) -> int:
    return 0 if share is None else math.floor(share * 100 + 1e-9)


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many
