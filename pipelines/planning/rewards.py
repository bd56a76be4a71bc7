"""Loyalty rewards, pure: who gets a win-back voucher or a VIP perk tonight, within each store's
nightly budget, and why. No database here; customers are known only by their pseudonymous key.

1. Offer: win_back when the churn model gives a customer little chance of returning within 30
   days; vip when a customer is loyal and among the store's top spenders; none otherwise.
2. Priority: the spend at stake, (1 - p_return_30d) x monetary_90d, doubled after a negative
   review in the last 30 days (a complaint is the likeliest reason to leave, and the one an
   offer can still answer).
3. Budget: per store, offers are granted in priority order until the next one does not fit; it
   and everyone after it get none with NONE_BUDGET_EXHAUSTED, so nobody is served ahead of a
   customer with a higher priority.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

import numpy as np
import pandas as pd

Language = Literal["es", "en"]

# At risk: less than a 40% chance of coming back within 30 days (members return every ~9 days).
WIN_BACK_MAX_P_RETURN = 0.4
# Loyal: at least an 80% chance of coming back; high value: the top 10% of the store's spend.
VIP_MIN_P_RETURN = 0.8
VIP_TOP_SPEND_SHARE = 0.10
# A win-back voucher is worth 10% of what the customer spent in 90 days, in whole soles, within
# bounds: below S/ 10 nobody notices, above S/ 50 one customer eats a store's night.
WIN_BACK_SHARE_OF_SPEND = 0.10
WIN_BACK_MIN_PEN = 10.0
WIN_BACK_MAX_PEN = 50.0
VIP_PERK_PEN = 20.0  # the same perk for every VIP: it is a thank-you, not a price
NEGATIVE_REVIEW_PRIORITY = 2.0
VALIDITY_DAYS = 14

CUSTOMER_COLUMNS = (
    "customer_key",
    "store_id",
    "p_return_30d",
    "monetary_90d",
    "negative_reviews_30d",
    "model_version",
)
REWARD_COLUMNS = (
    "customer_key",
    "store_id",
    "offer_type",
    "value_pen",
    "valid_from",
    "valid_to",
    "reason_code",
    "reason",
    "p_return_30d",
    "monetary_90d",
    "model_version",
)


def propose_offers(customers: pd.DataFrame) -> pd.DataFrame:
    """Each customer's offer before the budget: offer_type, reason_code, value_pen, priority."""
    frame = customers.loc[:, list(CUSTOMER_COLUMNS)].reset_index(drop=True)
    spend = frame["monetary_90d"].fillna(0.0).clip(lower=0.0)
    p_return = frame["p_return_30d"].astype(float)
    reviewed = frame["negative_reviews_30d"].fillna(0).astype(int) > 0
    # The store's VIP spend line, among the customers scored tonight.
    top_spend = spend.groupby(frame["store_id"]).transform(
        lambda s: s.quantile(1.0 - VIP_TOP_SPEND_SHARE)
    )
    at_risk = p_return < WIN_BACK_MAX_P_RETURN
    vip = ~at_risk & (p_return >= VIP_MIN_P_RETURN) & (spend > 0) & (spend >= top_spend)
    win_back_value = np.clip(
        np.round(WIN_BACK_SHARE_OF_SPEND * spend), WIN_BACK_MIN_PEN, WIN_BACK_MAX_PEN
    )
    frame["offer_type"] = np.select([at_risk, vip], ["win_back", "vip"], "none")
    frame["reason_code"] = np.select(
        [at_risk & reviewed, at_risk, vip],
        ["WIN_BACK_NEGATIVE_REVIEW", "WIN_BACK_AT_RISK", "VIP_TOP_SPENDER"],
        "NONE_LOW_RISK",
    )
    frame["value_pen"] = np.select([at_risk, vip], [win_back_value, VIP_PERK_PEN], 0.0)
    frame["priority"] = (1.0 - p_return) * spend * np.where(reviewed, NEGATIVE_REVIEW_PRIORITY, 1)
    return frame


def allocate_budget(offers: pd.DataFrame, budget_per_store: float) -> pd.DataFrame:
    """``offers`` with the ones past each store's budget turned into NONE_BUDGET_EXHAUSTED
    (offer none, value 0); the value granted per store never exceeds ``budget_per_store``."""
    order = offers.assign(_reviewed=offers["negative_reviews_30d"].fillna(0) > 0).sort_values(
        ["store_id", "priority", "_reviewed", "p_return_30d", "customer_key"],
        ascending=[True, False, False, True, True],
        kind="stable",
    )
    qualifies = order["offer_type"] != "none"
    # Running total of the offers in priority order: the first one past the budget ends it.
    running = order["value_pen"].where(qualifies, 0.0).groupby(order["store_id"]).cumsum()
    over = qualifies & (running > budget_per_store + 1e-9)
    ended = over.groupby(order["store_id"]).cummax()
    refused = qualifies & ended
    out = order.drop(columns="_reviewed").copy()
    out["wanted_offer"] = out["offer_type"]
    out["wanted_value"] = out["value_pen"]
    out.loc[refused, ["offer_type", "reason_code"]] = ["none", "NONE_BUDGET_EXHAUSTED"]
    out.loc[refused, "value_pen"] = 0.0
    return out.sort_index()


def assign(
    customers: pd.DataFrame,
    budget_per_store: float,
    business_date: date,
    language: Language,
    drivers: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """REWARD_COLUMNS for every customer in ``customers`` (CUSTOMER_COLUMNS, store known).

    With ``drivers`` (the members' churn-score drivers, see ``driver_reasons``) an offer's reason
    code and sentence come from its member's own drivers instead of the rules."""
    if language not in ("es", "en"):
        raise ValueError(f"reason language must be 'es' or 'en', got {language!r}")
    granted = allocate_budget(propose_offers(customers), budget_per_store)
    # Valid from the morning after the run, for VALIDITY_DAYS days; "none" rows have no window.
    first, last = business_date + timedelta(days=1), business_date + timedelta(days=VALIDITY_DAYS)
    offered = (granted["offer_type"] != "none").tolist()
    granted["valid_from"] = [first if offer else None for offer in offered]
    granted["valid_to"] = [last if offer else None for offer in offered]
    granted["reason"] = [reason(row, budget_per_store, language) for _, row in granted.iterrows()]
    if drivers is not None and not drivers.empty:
        granted = driver_reasons(granted, drivers, language)
    return granted.loc[:, list(REWARD_COLUMNS)]


def reason(row: pd.Series, budget_per_store: float, language: Language) -> str:
    """One sentence for a customer's row (after ``allocate_budget``)."""
    spanish = language == "es"
    risk, p_return = _pct(1.0 - row["p_return_30d"]), _pct(row["p_return_30d"])
    spend = _pen(0.0 if pd.isna(row["monetary_90d"]) else row["monetary_90d"])
    value = _pen(row["value_pen"])
    code = row["reason_code"]
    if code in ("WIN_BACK_NEGATIVE_REVIEW", "WIN_BACK_AT_RISK"):
        if spanish:
            lead = "Reseña negativa en los últimos 30 días y " if code.endswith("REVIEW") else ""
            why = _sentence(f"{lead}{risk} de riesgo de no volver en 30 días")
            return f"{why}: vale de {value} ({_basis(row, spanish)})"
        lead = "Negative review in the last 30 days and a " if code.endswith("REVIEW") else ""
        why = _sentence(f"{lead}{risk} risk of not returning within 30 days")
        return f"{why}: {value} voucher ({_basis(row, spanish)})"
    if code == "VIP_TOP_SPENDER":
        top = _pct(VIP_TOP_SPEND_SHARE)
        if spanish:
            return (
                f"Cliente fiel ({p_return} de volver) entre el {top} que más gasta en su tienda "
                f"({spend} en 90 días): beneficio VIP de {value}"
            )
        return (
            f"Loyal customer ({p_return} likely to return) in the store's top {top} of spend "
            f"({spend} in 90 days): VIP perk of {value}"
        )
    if code == "NONE_BUDGET_EXHAUSTED":
        kind = row["wanted_offer"]
        wanted, budget = _pen(row["wanted_value"]), _pen(budget_per_store)
        if spanish:
            offer = "recuperación" if kind == "win_back" else "VIP"
            return (
                f"Sin oferta: calificaba para {offer} ({wanted}), pero el presupuesto de la "
                f"tienda ({budget}) ya se asignó a clientes con más prioridad"
            )
        offer = "win-back" if kind == "win_back" else "VIP"
        return (
            f"No offer: qualified for {offer} ({wanted}), but the store's budget ({budget}) "
            "went to customers with a higher priority"
        )
    if spanish:
        return f"Sin oferta: {p_return} de probabilidad de volver, ni en riesgo alto ni VIP"
    return f"No offer: {p_return} likely to return, neither at high risk nor VIP"


# Drivers that only stand for the rest, or for a lack of history.
_NOT_A_REASON = ("other_features", "not_enough_history")


def driver_reasons(
    granted: pd.DataFrame, drivers: pd.DataFrame, language: Language
) -> pd.DataFrame:
    """``granted`` with the reason code and sentence of each win_back and vip offer taken from
    its member's churn-score drivers (SHAP, explanations.churn_drivers: customer_key, rank,
    feature, reason_group, feature_value, contribution_logit; positive = towards churn).

    The code names the group of the strongest driver pushing the offer's way (towards churn for
    a win-back, away from it for a VIP perk), e.g. WIN_BACK_RECENCY, VIP_FREQUENCY; a member
    with too little history gets *_NOT_ENOUGH_HISTORY. The sentence names the strongest driver
    with its value, and a second from another group when it is at least a third as strong.
    Offers whose member has no drivers keep the rule-based reason."""
    from pipelines.explanations.words import churn_label

    spanish = language == "es"
    by_member = {key: rows for key, rows in drivers.groupby("customer_key", sort=False)}
    out = granted.copy()
    for index, row in granted.iterrows():
        offer, member = row["offer_type"], by_member.get(row["customer_key"])
        if offer not in ("win_back", "vip") or member is None:
            continue
        prefix = "WIN_BACK" if offer == "win_back" else "VIP"
        if (member["feature"] == "not_enough_history").any():
            code, phrases = (
                f"{prefix}_NOT_ENOUGH_HISTORY",
                [churn_label("not_enough_history", None, language)],
            )
        else:
            sign = 1.0 if offer == "win_back" else -1.0
            pushing = member[
                ~member["feature"].isin(_NOT_A_REASON) & (sign * member["contribution_logit"] > 0)
            ].sort_values("rank", kind="stable")
            if pushing.empty:
                continue
            code = f"{prefix}_{pushing['reason_group'].iloc[0]}"
            # One phrase per group (two recency measures are one reason), the plainest first:
            # "no visit in 45 days" rather than "15 times their usual gap".
            values = member.set_index("feature")["feature_value"]
            strongest = abs(float(pushing["contribution_logit"].iloc[0]))
            phrases = []
            for group, rows in pushing.groupby("reason_group", sort=False):
                feature, value = rows["feature"].iloc[0], rows["feature_value"].iloc[0]
                if phrases and abs(float(rows["contribution_logit"].iloc[0])) < strongest / 3:
                    break  # a much weaker second reason would only blur the first
                if group == "RECENCY" and "recency_days" in values.index:
                    feature, value = "recency_days", values["recency_days"]
                phrases.append(churn_label(feature, value, language))
                if len(phrases) == 2:
                    break
        joined = (" y " if spanish else " and ").join(phrases)
        out.at[index, "reason_code"] = code
        out.at[index, "reason"] = _driver_sentence(row, joined, offer, spanish)
    return out


def _driver_sentence(row: pd.Series, drivers: str, offer: str, spanish: bool) -> str:
    risk, p_return = _pct(1.0 - row["p_return_30d"]), _pct(row["p_return_30d"])
    value = _pen(row["value_pen"])
    if offer == "win_back":
        if spanish:
            return (
                f"{_sentence(drivers)}: {risk} de riesgo de no volver en 30 días; vale de "
                f"{value} ({_basis(row, spanish)})"
            )
        return (
            f"{_sentence(drivers)}: {risk} risk of not returning within 30 days; {value} "
            f"voucher ({_basis(row, spanish)})"
        )
    spend = _pen(0.0 if pd.isna(row["monetary_90d"]) else row["monetary_90d"])
    top = _pct(VIP_TOP_SPEND_SHARE)
    if spanish:
        return (
            f"Cliente fiel ({p_return} de volver): {drivers}; entre el {top} que más gasta en su "
            f"tienda ({spend} en 90 días): beneficio VIP de {value}"
        )
    return (
        f"Loyal customer ({p_return} likely to return): {drivers}; in the store's top {top} of "
        f"spend ({spend} in 90 days): VIP perk of {value}"
    )


def _basis(row: pd.Series, spanish: bool) -> str:
    """How a voucher's value was set: a share of the spend, or the bound it was clipped to."""
    spend = 0.0 if pd.isna(row["monetary_90d"]) else float(row["monetary_90d"])
    paid, share = _pen(spend), _pct(WIN_BACK_SHARE_OF_SPEND)
    if round(WIN_BACK_SHARE_OF_SPEND * spend) < WIN_BACK_MIN_PEN:
        return (
            f"mínimo; gastó {paid} en 90 días" if spanish else f"minimum; spent {paid} in 90 days"
        )
    if round(WIN_BACK_SHARE_OF_SPEND * spend) > WIN_BACK_MAX_PEN:
        return f"tope; gastó {paid} en 90 días" if spanish else f"cap; spent {paid} in 90 days"
    return (
        f"{share} de su gasto de 90 días, {paid}" if spanish else f"{share} of 90-day spend, {paid}"
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _pct(share: float) -> str:
    return f"{float(share):.0%}"


def _pen(value: float) -> str:
    amount = float(value)
    return f"S/ {amount:,.0f}" if amount == round(amount) else f"S/ {amount:,.2f}"
