"""Loyalty scoring with the champions: tonight's reviews (and any unscored recent ones) get a
sentiment score; every member gets tonight's chance of returning within 30 days.

Customers leave the restricted tables only as pseudonymous keys (loyalty.customer_keys).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from pipelines.db.partitions import ensure_months
from pipelines.settings import Settings
from pipelines.sqlfiles import sql
from pipelines.training.serving import load_for_night
from pipelines.window import RunWindow

# The first night (or after a failed one) also scores reviews of this many days before.
SCORING_BACKLOG_DAYS = 30
QUARTER = pd.Timedelta(days=90)


def score_reviews(engine: Engine, settings: Settings, window: RunWindow) -> dict[str, Any]:
    from models.loyalty.labels import CLASS_NAMES
    from pipelines.training.baselines import SKIPPED
    from pipelines.training.sentiment import MODEL_NAME
    from pipelines.training.serving import BaselineServed

    try:
        scorer, version = load_for_night(engine, settings, MODEL_NAME, window)
    except BaselineServed as served:  # the majority class says nothing about a review
        # Reviews stay unscored; the churn features use their stars instead.
        return {"skipped": f"{SKIPPED} ({served.model_name} serves {served.label})"}
    params = {"business_date": window.business_date, "backlog_days": SCORING_BACKLOG_DAYS}
    with engine.connect() as conn:
        reviews = pd.read_sql(sql("loyalty/reviews_to_score"), conn, params=params)
    # One business date at a time: the encoder's batches (and so the last bits of its floats)
    # then hold the same reviews whether a date is scored on its own night or in a backlog, and
    # a re-run reproduces its scores exactly.
    proba = pd.concat(
        [scorer.predict_frame(day.reset_index(drop=True)).set_axis(day.index) for _, day in
         reviews.groupby("business_date", sort=True)] or [scorer.predict_frame(reviews)],
    ).reindex(reviews.index)  # fmt: skip
    scored = pd.concat([reviews.drop(columns="text"), proba], axis=1)
    best = proba.to_numpy().argmax(axis=1) if len(proba) else []
    scored["label"] = [CLASS_NAMES[i] for i in best]
    scored["sentiment"] = scored["p_positive"] - scored["p_negative"]
    rows = scored.assign(model_version=version).to_dict("records")
    with engine.begin() as conn:
        conn.execute(sql("loyalty/review_scores_orphans_delete"), params)
        if rows:
            conn.execute(sql("loyalty/review_scores_upsert"), rows)
    tonight = scored[scored["business_date"] == window.business_date]
    return {
        "reviews_scored": len(rows),
        "reviews_tonight": len(tonight),
        "negative_tonight": int((tonight["label"] == "negative").sum()),
        "sentiment_model_version": version,
    }


def score_customers(engine: Engine, settings: Settings, window: RunWindow) -> dict[str, Any]:
    from models.loyalty.churn_features import churn_features
    from pipelines.explanations import churn as explain_churn
    from pipelines.explanations.tables import explain_safely
    from pipelines.training.baselines import SKIPPED
    from pipelines.training.churn import MODEL_NAME, load_members, reviews_at
    from pipelines.training.serving import BaselineServed, NoModel

    try:
        scorer, version = load_for_night(engine, settings, MODEL_NAME, window)
    except BaselineServed as served:  # no model: no scores, so no rewards tonight
        with engine.begin() as conn:
            conn.execute(sql("loyalty/churn_scores_delete"), {"run_date": window.business_date})
        return {"skipped": f"{SKIPPED} ({served.model_name} serves {served.label})"}
    except NoModel:  # train_churn skipped: not enough member history yet
        return {"skipped": f"no {MODEL_NAME} champion yet (train_churn says why)"}
    visits, reviews = load_members(engine, window.business_date)
    cutoff = window.business_date + timedelta(days=1)  # everything up to tonight is known
    features = churn_features(visits, reviews_at(reviews, cutoff), cutoff)
    p_return = scorer.predict_frame(features)["p_return_30d"]
    recent = visits[visits["ts"] >= pd.Timestamp(cutoff) - QUARTER]
    monetary = recent.groupby("customer_id")["amount"].sum()
    most_visited = visits.groupby("customer_id")["store_id"].agg(lambda s: s.mode().iloc[0])
    ensure_months(engine, ["loyalty.churn_scores"], [window.business_date])
    with engine.begin() as conn:
        secret = settings.customer_key_secret
        conn.execute(
            sql("loyalty/customer_keys_fill"),
            {"secret": secret.get_secret_value() if secret else None},
        )
        keys = pd.read_sql(sql("loyalty/customer_keys"), conn).set_index("customer_id")
        scores = features.join(keys, how="inner").assign(
            p_return_30d=p_return,
            monetary_90d=monetary.reindex(features.index).fillna(0.0),
            store_id=lambda f: f["home_store_id"].fillna(most_visited.reindex(f.index)),
        )
        rows = [
            {
                "run_date": window.business_date,
                "customer_key": row.customer_key,
                "store_id": row.store_id,
                "p_return_30d": float(row.p_return_30d),
                "recency_days": _number(row.recency_days),
                "frequency_90d": _number(row.visits_90d),
                "monetary_90d": _number(row.monetary_90d),
                "sentiment_mean": _number(row.sentiment_mean),
                "complaints_90d": _number(row.complaints_90d),
                "model_version": version,
            }
            for row in scores.itertuples()
        ]
        conn.execute(sql("loyalty/churn_scores_delete"), {"run_date": window.business_date})
        if rows:
            conn.execute(sql("loyalty/churn_scores_insert"), rows)
    # The drivers of the scores the rewards stage will read reasons from, with these features.
    explained = explain_safely(
        "churn", engine, window.business_date, ("churn_drivers", "feature_importance"),
        lambda: explain_churn.explain_members(
            engine, settings, window, scorer.model, features, scores, version
        ),
        model_name=MODEL_NAME,
    )  # fmt: skip
    return {
        "customers_scored": len(rows),
        "at_risk_customers": int((scores["p_return_30d"] < 0.5).sum()),
        "churn_model_version": version,
    } | explained


def _number(value: Any) -> float | None:
    return None if pd.isna(value) else float(value)
