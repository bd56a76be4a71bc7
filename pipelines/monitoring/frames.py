"""What each model's drift reports compare: its inputs (or outputs) in a reference window against
the night's, as data frames read by ``sql/monitoring/drift_*`` and ``predictions_*``.

* Input drift: the reference is the end of the model version's training window (its last
  REFERENCE_DAYS days before the holdout), derived from the night it was trained
  (``ops.model_promotions``) and the training module's own window constants; the current data is
  the monitor's window ending on the business date (the inputs the night's models read). Large
  windows are sampled, deterministically, to ``monitor_reference_rows``.
* Prediction drift: tonight's predictions against those of the 28 nights before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Engine

from pipelines.monitoring.performance import CHURN, SALES, SENTIMENT, TRAFFIC
from pipelines.sqlfiles import sql

PREDICTION_REFERENCE_NIGHTS = 28
# Input drift compares the night with the last this-many days of the training window.
REFERENCE_DAYS = 28
# Sampling seed: the same night gives the same sample (re-runs reproduce their reports).
SAMPLE_SEED = 7


@dataclass(frozen=True)
class Inputs:
    """Reference and current frames of one drift report; ``columns``: name -> kind."""

    model_name: str
    kind: str  # 'data' | 'prediction'
    columns: dict[str, str]  # column -> 'numerical' | 'categorical'
    reference: pd.DataFrame
    current: pd.DataFrame
    reference_window: tuple[date, date]
    current_window: tuple[date, date]

    @property
    def usable(self) -> bool:
        return not self.reference.empty and not self.current.empty


@dataclass(frozen=True)
class InputSpec:
    """How a model's inputs are read: the SQL, their columns, and its training window relative
    to the night T it was trained on (first = T - days_back, last = T - holdout_days)."""

    query: str
    columns: dict[str, str]
    days_back: int
    holdout_days: int
    # Large tables are sampled in SQL by a hash stride sized from a row count (see ROW_COUNTS).
    sampled: str | None = None


NUM, CAT = "numerical", "categorical"
INPUTS: dict[str, InputSpec] = {
    # pipelines.training.traffic: HISTORY_DAYS = 730, holdout = the last 168 hours.
    TRAFFIC: InputSpec(
        "drift_traffic_inputs",
        {"count": NUM, "discount_depth": NUM, "temperature": NUM, "precipitation": NUM},
        730,
        7,
        sampled="hourly",
    ),
    # pipelines.training.sales: HISTORY_DAYS = 730, FORECAST_DAYS = 14 held out.
    SALES: InputSpec(
        "drift_sales_inputs",
        {"sales": NUM, "discount_depth": NUM, "temperature": NUM, "precipitation": NUM},
        730,
        14,
    ),
    # pipelines.training.sentiment: HISTORY_DAYS = 365, HOLDOUT_DAYS = 14.
    SENTIMENT: InputSpec(
        "drift_review_inputs",
        {"text_length": NUM, "words": NUM, "language": CAT, "rating": CAT},
        365,
        14,
    ),
    # pipelines.training.churn: up to 8 cutoffs two weeks apart, the latest 30 days back.
    CHURN: InputSpec(
        "drift_churn_inputs",
        {
            "recency_days": NUM,
            "frequency_90d": NUM,
            "monetary_90d": NUM,
            "sentiment_mean": NUM,
            "complaints_90d": NUM,
        },
        30 + 14 * 7,
        30,
        sampled="members",
    ),
}
PREDICTIONS: dict[str, tuple[str, dict[str, str], str | None]] = {
    TRAFFIC: ("predictions_traffic", {"prediction": NUM}, None),
    SALES: ("predictions_sales", {"prediction": NUM}, None),
    SENTIMENT: ("predictions_sentiment", {"prediction": NUM, "label": CAT}, None),
    CHURN: ("predictions_churn", {"prediction": NUM}, "members"),
}


def trained_on(engine: Engine, model_name: str, version: str) -> tuple[date, str] | None:
    """(business date, MLflow run id) of the night that registered ``version``; None when no
    decision names it."""
    with engine.connect() as conn:
        found = conn.execute(
            sql("monitoring/version_trained_on"), {"model_name": model_name, "version": version}
        ).first()
    return None if found is None else (found.business_date, str(found.challenger_run_id))


def _read(engine: Engine, query: str, first: date, last: date, stride: int = 1) -> pd.DataFrame:
    params: dict[str, object] = {"first": first, "last": last}
    if "stride" in sql(f"monitoring/{query}").text:
        params["stride"] = stride
    with engine.connect() as conn:
        return pd.read_sql(sql(f"monitoring/{query}"), conn, params=params)


def _sample(frame: pd.DataFrame, rows: int) -> pd.DataFrame:
    if len(frame) <= rows:
        return frame.reset_index(drop=True)
    return frame.sample(n=rows, random_state=SAMPLE_SEED).reset_index(drop=True)


# Row-count queries that size a deterministic SQL-side sample, by the table a query reads.
ROW_COUNTS = {"hourly": "monitoring/door_count_rows", "members": "monitoring/churn_score_rows"}


def _stride(engine: Engine, counter: str | None, first: date, last: date, rows: int) -> int:
    """About one row in this many keeps ``rows`` of the window (1: read them all)."""
    if counter is None:
        return 1
    with engine.connect() as conn:
        found = conn.execute(sql(ROW_COUNTS[counter]), {"first": first, "last": last}).scalar_one()
    return max(1, int(found) // rows)


def input_frames(
    engine: Engine,
    model_name: str,
    version: str,
    day: date,
    window_days: int,
    reference_rows: int,
) -> Inputs:
    spec = INPUTS[model_name]
    registered = trained_on(engine, model_name, version)
    trained = registered[0] if registered else day
    ref_last = trained - timedelta(days=spec.holdout_days)
    # The end of the training window: what the model saw last. Against two years, a week of
    # weather, traffic and promotions differs by season alone, every week.
    ref_first = max(
        trained - timedelta(days=spec.days_back), ref_last - timedelta(days=REFERENCE_DAYS)
    )
    stride = _stride(engine, spec.sampled, ref_first, ref_last, reference_rows)
    reference = _sample(_read(engine, spec.query, ref_first, ref_last, stride), reference_rows)
    cur_first = day - timedelta(days=window_days - 1)
    stride = _stride(engine, spec.sampled, cur_first, day, reference_rows)
    current = _sample(_read(engine, spec.query, cur_first, day, stride), reference_rows)
    return Inputs(
        model_name,
        "data",
        spec.columns,
        reference,
        current,
        (ref_first, ref_last),
        (cur_first, day),
    )


def prediction_frames(engine: Engine, model_name: str, day: date, reference_rows: int) -> Inputs:
    query, columns, sampled = PREDICTIONS[model_name]
    ref_first = day - timedelta(days=PREDICTION_REFERENCE_NIGHTS)
    ref_last = day - timedelta(days=1)
    stride = _stride(engine, sampled, ref_first, ref_last, reference_rows)
    reference = _sample(_read(engine, query, ref_first, ref_last, stride), reference_rows)
    stride = _stride(engine, sampled, day, day, reference_rows)
    current = _sample(_read(engine, query, day, day, stride), reference_rows)
    return Inputs(
        model_name, "prediction", columns, reference, current, (ref_first, ref_last), (day, day)
    )
