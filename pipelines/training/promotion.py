"""Champion/challenger: register every challenger, promote it only when it beats the champion
(or, with no champion yet, the model's simple baseline; see ``baselines``).

The decision is pure (``decide``); ``record`` registers the model version in MLflow, moves the
``champion`` alias when promoted, and writes the decision with both scores to
ops.model_promotions (one row per model and business date; a re-run replaces it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine

from pipelines.sqlfiles import sql
from pipelines.training.baselines import Baseline

CHAMPION = "champion"


@dataclass(frozen=True)
class Decision:
    model_name: str
    metric: str
    higher_is_better: bool
    challenger_score: float
    champion_score: float | None
    margin: float
    promoted: bool
    reason: str
    # "baseline:<name>" when the first challenger lost to it: what the night serves instead.
    served_baseline: str | None = None


def decide(
    model_name: str,
    metric: str,
    challenger: float,
    champion: float | None,
    higher_is_better: bool,
    margin: float,
    no_champion_because: str = "no champion yet",
    baseline: Baseline | None = None,
) -> Decision:
    """Promote when the challenger is better than the champion by at least ``margin``
    (relative: 0.01 = 1% better on the same holdout). Without a (readable) champion, it must
    beat ``baseline`` instead (any gain); if it does not, the night serves the baseline."""
    if champion is None:
        return _first_model(model_name, metric, challenger, higher_is_better, margin,
                            no_champion_because, baseline)  # fmt: skip
    gain = _gain(challenger, champion, higher_is_better)
    promoted = gain >= margin
    verdict = "promoted" if promoted else "kept the champion"
    reason = (
        f"challenger {metric}={challenger:.4f} vs champion {champion:.4f} on the same holdout: "
        f"{gain:+.1%} (needs {margin:+.1%}) -> {verdict}"
    )
    return Decision(
        model_name, metric, higher_is_better, challenger, champion, margin, promoted, reason
    )


def _gain(challenger: float, reference: float, higher_is_better: bool) -> float:
    scale = abs(reference) or 1e-12
    return (
        (challenger - reference) / scale if higher_is_better else (reference - challenger) / scale
    )


def _first_model(
    model_name: str,
    metric: str,
    challenger: float,
    higher_is_better: bool,
    margin: float,
    no_champion_because: str,
    baseline: Baseline | None,
) -> Decision:
    if baseline is None:  # no baseline could be scored on this holdout
        return Decision(model_name, metric, higher_is_better, challenger, None, margin, True,
                        f"{no_champion_because}; challenger {metric}={challenger:.4f}")  # fmt: skip
    gain = _gain(challenger, baseline.score, higher_is_better)
    # It must beat the baseline; a tie (e.g. a classifier that learned only the majority class)
    # does not. The champion margin is for not swapping models on noise, not needed here.
    promoted = bool(gain > 0)  # NaN (an unscorable challenger) loses
    verdict = "promoted" if promoted else (
        f"not promoted: tonight serves the {baseline.name} baseline (no champion yet)"
    )  # fmt: skip
    reason = (
        f"{no_champion_because}; challenger {metric}={challenger:.4f} vs baseline "
        f"{baseline.name} {baseline.score:.4f} on the same holdout: {gain:+.1%} "
        f"(must be better) -> {verdict}"
    )
    if promoted:
        return Decision(model_name, metric, higher_is_better, challenger, None, margin, True,
                        reason)  # fmt: skip
    return Decision(model_name, metric, higher_is_better, challenger, baseline.score, margin,
                    False, reason, served_baseline=baseline.label)  # fmt: skip


def champion_version(model_name: str) -> str | None:
    """The registry version holding the champion alias, if any."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    try:
        return str(MlflowClient().get_model_version_by_alias(model_name, CHAMPION).version)
    except MlflowException:
        return None


def record(
    engine: Engine,
    business_date: date,
    decision: Decision,
    run_id: str,
    model_uri: str,
    baseline: str | None = None,
    backfill: bool = False,
) -> str:
    """Register the challenger, log the decision (its version; ``baseline``: the version it
    was compared with, default the champion) and move the alias if promoted. A backfill's
    promotion serves its own night only: the alias stays with the scheduled nights' champion
    (unless there is none yet)."""
    import mlflow
    from mlflow import MlflowClient

    champion = champion_version(decision.model_name)
    previous = baseline if baseline is not None else champion
    if decision.served_baseline:  # what the night serves instead of a registry version
        previous = decision.served_baseline
    version = str(mlflow.register_model(model_uri, decision.model_name).version)
    client = MlflowClient()
    client.set_model_version_tag(
        decision.model_name, version, "nightshift.decision", decision.reason
    )
    if decision.promoted and (not backfill or champion is None):
        client.set_registered_model_alias(decision.model_name, CHAMPION, version)
    write_decision(engine, business_date, decision, run_id, version, previous)
    return version


def write_decision(
    engine: Engine,
    business_date: date,
    decision: Decision,
    run_id: str,
    challenger_version: str,
    champion_version: str | None,
) -> None:
    """One row of ops.model_promotions per model and business date (a re-run replaces it).
    A decision taken while a degradation event asked for a retrain says so first and resolves
    the event (see pipelines.monitoring.degradation)."""
    from pipelines.monitoring.degradation import acted_on

    with engine.begin() as conn:
        monitoring = acted_on(conn, decision.model_name, business_date)
        reason = f"{monitoring}; {decision.reason}" if monitoring else decision.reason
        conn.execute(
            sql("ops/model_promotion_upsert"),
            {
                "business_date": business_date,
                "model_name": decision.model_name,
                "challenger_run_id": run_id,
                "challenger_version": challenger_version,
                "champion_version": champion_version,
                "metric": decision.metric,
                "higher_is_better": decision.higher_is_better,
                "challenger_score": decision.challenger_score,
                "champion_score": decision.champion_score,
                "margin": decision.margin,
                "promoted": decision.promoted,
                "reason": reason,
            },
        )


def settle(
    engine: Engine,
    business_date: date,
    model_name: str,
    metric: str,
    challenger: dict[str, float],
    champion: dict[str, float] | None,
    margin: float,
    run_id: str,
    model_uri: str,
    unreadable_champion: str | None = None,
    higher_is_better: bool = False,
    baseline: str | None = None,
    backfill: bool = False,
    simple_baseline: Baseline | None = None,
) -> tuple[Decision, str]:
    """Decide on ``metric`` from both holdout scores (with no champion: the challenger's and
    ``simple_baseline``'s) and record the decision."""
    decision = decide(
        model_name,
        metric,
        challenger[metric],
        champion[metric] if champion else None,
        higher_is_better=higher_is_better,
        margin=margin,
        no_champion_because=(
            f"champion unreadable by this code version ({unreadable_champion})"
            if unreadable_champion
            else "no champion yet"
        ),
        baseline=simple_baseline,
    )
    return decision, record(
        engine, business_date, decision, run_id, model_uri, baseline=baseline, backfill=backfill
    )
