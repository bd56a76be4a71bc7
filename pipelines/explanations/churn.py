"""Tonight's churn scores explained, for the members whose reasons someone reads.

Explaining all members every night would cost more than the rest of the night's loyalty work
(~0.3 ms each, tens of thousands of members), so two groups are explained:

* ``offer_candidate``: per store, the ``NIGHTSHIFT_EXPLAIN_MEMBERS_PER_STORE`` members with the
  highest reward priority among those the business rules would make an offer to. A store's
  budget grants far fewer offers than that, so every granted offer's reason comes from its
  member's own drivers.
* ``sample``: ``NIGHTSHIFT_EXPLAIN_MEMBER_SAMPLE`` members picked by a hash of their
  pseudonymous key (the same members night after night while they stay members), whose mean
  |SHAP| is the churn model's global importance of the night: an unbiased estimate for all
  members, unlike the candidates.

Rows go to explanations.churn_drivers by customer_key only (the table is restricted; analysts
see it aggregated in analytics.churn_drivers_by_store).
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from pipelines.errors import NightshiftError
from pipelines.explanations.tables import optional, replace_run, write_importance
from pipelines.explanations.words import churn_group, churn_label
from pipelines.settings import Settings
from pipelines.window import RunWindow

if TYPE_CHECKING:
    from models.loyalty.churn import ChurnModel

MODEL_NAME = "customer_churn"
RECENT_COMPLAINT_DAYS = 30  # as the rewards stage counts negative reviews
log = logging.getLogger(__name__)


def select_members(scores: pd.DataFrame, per_store: int, sample: int) -> pd.Series:
    """customer_id -> 'offer_candidate' or 'sample' for the members to explain.

    ``scores``: indexed by customer_id with customer_key, store_id, p_return_30d, monetary_90d
    and days_since_complaint."""
    from pipelines.planning.rewards import propose_offers

    homed = scores[scores["store_id"].notna()]
    customers = pd.DataFrame(
        {
            "customer_key": homed["customer_key"].astype(str),
            "store_id": homed["store_id"].astype(str),
            "p_return_30d": homed["p_return_30d"].astype(float),
            "monetary_90d": homed["monetary_90d"].astype(float),
            "negative_reviews_30d": (homed["days_since_complaint"] <= RECENT_COMPLAINT_DAYS).astype(
                int
            ),
            "model_version": "",
        },
        index=homed.index,
    )
    offers = propose_offers(customers).set_axis(homed.index)
    candidates = offers[offers["offer_type"] != "none"].sort_values(
        ["store_id", "priority", "customer_key"], ascending=[True, False, True], kind="stable"
    )
    chosen = candidates.groupby("store_id", sort=False).head(per_store).index
    digest = (
        scores["customer_key"].astype(str).map(lambda key: hashlib.sha256(key.encode()).hexdigest())
    )
    sampled = digest.sort_values(kind="stable").index[:sample]
    selection = pd.Series("sample", index=sampled, dtype=object)
    selection = pd.concat([pd.Series("offer_candidate", index=chosen, dtype=object), selection])
    selection = selection[~selection.index.duplicated(keep="first")]
    return selection.reindex(scores.index[scores.index.isin(selection.index)])


def explain_members(
    engine: Engine,
    settings: Settings,
    window: RunWindow,
    model: ChurnModel,
    features: pd.DataFrame,
    scores: pd.DataFrame,
    version: str,
) -> dict[str, Any]:
    """Explain the selected members' churn scores and replace the run date's rows.

    ``features``: the churn features the scores came from (index customer_id); ``scores``: see
    ``select_members``."""
    from models.loyalty.explain import explain_members as shap_members
    from models.loyalty.explain import mean_abs_contribution, top_drivers

    began = time.monotonic()
    selection = select_members(
        scores, settings.explain_members_per_store, settings.explain_member_sample
    )
    try:
        explanation = shap_members(model, features.loc[selection.index])
    except NightshiftError as reason:
        # A model TreeSHAP cannot split (e.g. a calibrated one): say so, publish nothing stale.
        log.warning("churn scores not explained: %s", reason)
        with engine.begin() as conn:
            replace_run(conn, "churn_drivers", window.business_date, [])
        return {"churn_explain_skipped": str(reason)}
    drivers = top_drivers(explanation, settings.explain_top_drivers)
    language = settings.report_language
    keys = scores["customer_key"].astype(str)
    stores = scores["store_id"]
    records = [
        {
            "run_date": window.business_date,
            "customer_key": keys[customer],
            "rank": int(r.rank),
            "store_id": None if pd.isna(stores[customer]) else str(stores[customer]),
            "selection": selection[customer],
            "feature": r.feature,
            "reason_group": churn_group(r.feature),
            "label": churn_label(r.feature, r.feature_value, language),
            "feature_value": optional(r.feature_value),
            "contribution_logit": float(r.contribution),
            "base_logit": float(r.base),
            "churn_risk": float(r.risk),
            "model_version": version,
        }
        for customer, r in zip(drivers.index, drivers.itertuples(index=False), strict=True)
    ]
    sampled = (selection == "sample").to_numpy()
    reference = explanation if not sampled.any() else _subset(explanation, sampled)
    with engine.begin() as conn:
        replace_run(conn, "churn_drivers", window.business_date, records)
        write_importance(
            conn, window.business_date, MODEL_NAME, version,
            mean_abs_contribution(reference), "log-odds", len(reference.index),
        )  # fmt: skip
    error = explanation.additivity_error()
    return {
        "members_explained": len(explanation.index),
        "members_explained_candidates": int((selection == "offer_candidate").sum()),
        "churn_max_additivity_error_logit": round(float(error.max()), 9) if len(error) else 0.0,
        "explain_churn_s": round(time.monotonic() - began, 2),
    }


def _subset(explanation: Any, mask: np.ndarray) -> Any:
    from models.loyalty.explain import ChurnExplanation

    return ChurnExplanation(
        explanation.index[mask],
        explanation.feature_names,
        explanation.values[mask],
        explanation.contributions[mask],
        explanation.base,
        explanation.risk[mask],
    )
