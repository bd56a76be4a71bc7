"""With NIGHTSHIFT_SALES_PEER, the night's sales challenger is the better family on the same
holdout, and MLflow says which and why."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from models.sales.config import SalesConfig
from models.sales.forest import SalesForecaster
from models.sales.frame import SalesInputs
from models.sales.peer import LightGbmSalesForecaster
from pipelines.settings import Settings
from pipelines.training.sales import _choose_family, _score
from tests.sales.synthetic import synthetic_panel


def test_the_better_family_on_the_holdout_is_chosen_and_logged(
    settings: Settings, tmp_path: Path
) -> None:
    import mlflow

    from pipelines.tracking import configure_mlflow

    previous = mlflow.get_tracking_uri()
    configure_mlflow(settings.model_copy(update={"data_dir": tmp_path}))
    panel = synthetic_panel(stores=2, days=120, seed=4)
    inputs = SalesInputs(panel.sales, panel.promotions)
    origin = pd.Timestamp(panel.sales["date"].max()) - pd.Timedelta(days=14)
    config = SalesConfig(n_estimators=20, max_samples=3000, n_jobs=2)
    forest = SalesForecaster(config).fit_inputs(inputs.sales_until(origin))
    forest_scores = _score(forest, inputs, origin)
    try:
        with mlflow.start_run() as run:
            chosen, scores = _choose_family(
                forest, forest_scores, config, inputs, origin, {"n_estimators": 100}
            )
        logged = mlflow.get_run(run.info.run_id).data
    finally:
        mlflow.set_tracking_uri(previous)

    peer_wape = logged.metrics["peer_holdout_wape"]
    assert logged.metrics["forest_holdout_wape"] == forest_scores["holdout_wape"]
    family = logged.params["model_family"]
    assert family == ("lightgbm" if peer_wape < forest_scores["holdout_wape"] else "random_forest")
    assert isinstance(chosen, LightGbmSalesForecaster) == (family == "lightgbm")
    assert scores["holdout_wape"] == min(peer_wape, forest_scores["holdout_wape"])
    assert family in logged.tags["nightshift.family_choice"]
