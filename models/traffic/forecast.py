"""``TrafficForecaster``: fit on a history table, forecast P10/P50/P90 for the next horizon.

No I/O here: the caller persists ``state_dict()`` (e.g. to MLflow) and hands it back as
``init_state`` to warm-start the next night's training.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import numpy as np
import pandas as pd
import torch

from models.common.torch_device import cpu_threads, resolve_device
from models.traffic.calibration import apply_interval_scale, fit_interval_scale, open_mask
from models.traffic.config import TrafficConfig
from models.traffic.data import Panel, build_panel, exog_moments
from models.traffic.features import CALENDAR_FEATURES, detect_exog_columns
from models.traffic.inputs import (
    clean_with_exog,
    fixed_windows,
    forecast_frame,
    forecast_panel,
    make_builder,
    origin_of,
)
from models.traffic.network import TrafficNetwork
from models.traffic.sampling import time_ordered_split
from models.traffic.train import TrainReport, train_network
from models.traffic.windows import (
    STEP_FEATURES,
    Batch,
    WindowBuilder,
    future_feature_count,
    past_feature_count,
)
from pipelines.errors import NightshiftError

STATE_FORMAT = 2
# What each input column means; weights are only reusable with the same layout.
INPUT_LAYOUT = {"step": list(STEP_FEATURES), "calendar": list(CALENDAR_FEATURES)}
# Fields that fix the network's shape; a warm start takes them from the saved state.
ARCHITECTURE_FIELDS = (
    "horizon",
    "lookback",
    "patch_hours",
    "hidden",
    "decoder_hidden",
    "embedding_dim",
    "dropout",
    "exog_columns",
)
PREDICT_CHUNK = 512
log = logging.getLogger(__name__)


class TrafficForecaster:
    def __init__(self, config: TrafficConfig | None = None) -> None:
        self.config = config or TrafficConfig()
        self.network: TrafficNetwork | None = None
        self.locations: tuple[str, ...] = ()
        self.exog_columns: tuple[str, ...] = ()
        self.exog_mean = np.zeros(0, dtype=np.float32)
        self.exog_std = np.ones(0, dtype=np.float32)
        self.report: TrainReport | None = None
        # Width factor of the P10-P90 band, fitted on the validation window (calibration.py).
        self.interval_scale = 1.0

    # ----------------------------------------------------------------------------- training
    def fit(
        self, history: pd.DataFrame, init_state: dict[str, Any] | None = None
    ) -> TrafficForecaster:
        """Train on ``history`` [location_id, ts, count, <exog>...]. With ``init_state`` (a
        previous ``state_dict()``), fine-tune those weights for ``finetune_epochs`` instead."""
        if init_state is not None and not compatible(init_state):
            log.warning("traffic model state from another version: training from scratch")
            init_state = None
        warm = init_state is not None
        if init_state is not None:
            self._restore(init_state, keep_training_settings=True)
        else:
            columns = self.config.exog_columns
            self.exog_columns = (
                detect_exog_columns(list(history.columns)) if columns is None else columns
            )
        cfg = self.config
        table = clean_with_exog(history, self.exog_columns)
        if table["count"].notna().sum() == 0:
            raise NightshiftError("traffic history has no known counts to learn from")
        panel = build_panel(table, self.exog_columns).padded(cfg.context, cfg.horizon)
        if not warm:
            self.exog_mean, self.exog_std = exog_moments(panel)
        self.locations = (
            *self.locations,
            *(loc for loc in panel.locations if loc not in set(self.locations)),
        )
        network = self._network_for(len(self.locations))
        builder = self._builder(panel)
        split = time_ordered_split(
            panel.counts,
            start=cfg.context,
            horizon=cfg.horizon,
            min_history=cfg.min_history,
            validation_fraction=cfg.validation_fraction,
            validation_hours=cfg.finetune_validation_hours if warm else None,
        )
        if split.train.total == 0:
            raise NightshiftError(
                f"too little history to train: need at least {cfg.min_history + cfg.horizon} "
                "known hours in one series"
            )
        validation: list[Batch] = []
        if split.validation is not None:
            validation = fixed_windows(
                builder, split.validation, cfg.validation_windows, cfg.batch_size, cfg.seed
            )
        with cpu_threads(cfg.cpu_threads):
            self.report = train_network(
                network,
                builder,
                split.train,
                validation,
                cfg,
                epochs=cfg.finetune_epochs if warm else cfg.max_epochs,
                learning_rate=cfg.finetune_learning_rate if warm else cfg.learning_rate,
            )
        network.to("cpu")
        with cpu_threads(cfg.cpu_threads):
            self.interval_scale = fit_interval_scale(network, validation)
        return self

    # --------------------------------------------------------------------------- forecasting
    def predict(
        self,
        history: pd.DataFrame,
        future_exog: pd.DataFrame | None = None,
        origin: pd.Timestamp | str | None = None,
    ) -> pd.DataFrame:
        """P10/P50/P90 for the ``horizon`` hours from ``origin`` (default: one hour after the
        last ts) for every location in ``history``. Only history strictly before ``origin`` is
        read. ``future_exog`` [ts, (location_id), <exog>...] gives forecasts of the exogenous
        columns for the horizon; without it the network forecasts as if they were unknown."""
        network = self._require_network()
        cfg = self.config
        table = clean_with_exog(history, self.exog_columns)
        start = origin_of(table, origin)
        panel = forecast_panel(table, cfg, self.exog_columns, start, future_exog)
        builder = self._builder(panel)
        device = resolve_device(cfg.device)
        network.to(device).eval()
        quantiles = []
        every_row = np.arange(len(panel.locations))
        for rows in np.array_split(every_row, max(1, -(-len(every_row) // PREDICT_CHUNK))):
            batch = builder.build(rows, np.full(len(rows), cfg.reach))
            with torch.no_grad(), cpu_threads(cfg.cpu_threads):
                scaled = network(
                    torch.from_numpy(batch.past).to(device),
                    torch.from_numpy(batch.future).to(device),
                    torch.from_numpy(batch.series).to(device),
                )
            counts = scaled.float().cpu().numpy() * batch.scale[:, None, None]
            counts = apply_interval_scale(counts, self.interval_scale, open_mask(batch.future))
            quantiles.append(np.maximum(counts, 0.0))  # max() keeps P10 <= P50 <= P90
        network.to("cpu")
        values = np.concatenate(quantiles)
        return forecast_frame(
            panel.locations,
            start,
            cfg.horizon,
            {"p10": values[..., 0], "p50": values[..., 1], "p90": values[..., 2]},
        )

    def forecast_batch(
        self,
        history: pd.DataFrame,
        future_exog: pd.DataFrame | None = None,
        origin: pd.Timestamp | str | None = None,
    ) -> tuple[Batch, tuple[str, ...], pd.Timestamp]:
        """(the network's inputs for every location, the locations, the origin): what
        ``predict`` feeds the network, in one batch (e.g. to attribute its forecast)."""
        cfg = self.config
        table = clean_with_exog(history, self.exog_columns)
        start = origin_of(table, origin)
        panel = forecast_panel(table, cfg, self.exog_columns, start, future_exog)
        rows = np.arange(len(panel.locations))
        batch = self._builder(panel).build(rows, np.full(len(rows), cfg.reach))
        return batch, panel.locations, start

    def require_network(self) -> TrafficNetwork:
        """The fitted network; a clear error when there is none."""
        return self._require_network()

    # ---------------------------------------------------------------------------- persistence
    def state_dict(self) -> dict[str, Any]:
        """Everything needed to forecast or warm-start: plain Python values and CPU tensors."""
        network = self._require_network()
        return {
            "format": STATE_FORMAT,
            "input_layout": INPUT_LAYOUT,
            "config": self.config.to_dict(),
            "weights": {k: v.detach().cpu().clone() for k, v in network.state_dict().items()},
            "locations": list(self.locations),
            "exog_columns": list(self.exog_columns),
            "exog_mean": self.exog_mean.tolist(),
            "exog_std": self.exog_std.tolist(),
            "interval_scale": self.interval_scale,
        }

    def load_state_dict(self, state: dict[str, Any]) -> TrafficForecaster:
        self._restore(state, keep_training_settings=False)
        return self

    def __getstate__(self) -> dict[str, Any]:
        # Pickles (e.g. the MLflow model) hold the versioned state, not live objects, so a
        # pickle from an incompatible version fails loudly instead of forecasting garbage.
        state = self.state_dict() if self.network is not None else None
        return {"state": state, "config": self.config.to_dict(), "report": self.report}

    def __setstate__(self, data: dict[str, Any]) -> None:
        if "state" not in data:
            raise ValueError("this traffic model was pickled by an older version; retrain it")
        fresh = TrafficForecaster(TrafficConfig.from_dict(data["config"]))
        if data["state"] is not None:
            fresh.load_state_dict(data["state"])
        fresh.report = data["report"]
        self.__dict__.update(fresh.__dict__)

    def example_inputs(self, batch: int = 2) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Zero tensors shaped like the network's inputs (e.g. an MLflow input example)."""
        cfg, exog = self.config, len(self.exog_columns)
        return (
            torch.zeros(batch, cfg.lookback, past_feature_count(exog)),
            torch.zeros(batch, cfg.horizon, future_feature_count(exog)),
            torch.zeros(batch, dtype=torch.int64),
        )

    # -------------------------------------------------------------------------------- helpers
    def _restore(self, state: dict[str, Any], *, keep_training_settings: bool) -> None:
        if not compatible(state):
            raise ValueError(
                "this traffic model state was saved by another version of the model "
                f"(format {state.get('format')!r}); retrain it"
            )
        saved = TrafficConfig.from_dict(state["config"])
        if keep_training_settings:
            shape = {name: getattr(saved, name) for name in ARCHITECTURE_FIELDS}
            self.config = dataclasses.replace(self.config, **shape)
        else:
            self.config = saved
        self.locations = tuple(state["locations"])
        self.exog_columns = tuple(state["exog_columns"])
        self.exog_mean = np.asarray(state["exog_mean"], dtype=np.float32)
        self.exog_std = np.asarray(state["exog_std"], dtype=np.float32)
        self.interval_scale = float(state.get("interval_scale", 1.0))  # older states: as trained
        weights = state["weights"]
        series_count = int(weights["embedding.weight"].shape[0]) - 1
        self.network = None
        network = self._network_for(series_count)
        network.load_state_dict(weights)

    def _network_for(self, series_count: int) -> TrafficNetwork:
        if self.network is None:
            cfg, exog = self.config, len(self.exog_columns)
            torch.manual_seed(cfg.seed)
            self.network = TrafficNetwork(
                past_feature_count(exog),
                future_feature_count(exog),
                series_count,
                patch_hours=cfg.patch_hours,
                hidden=cfg.hidden,
                decoder_hidden=cfg.decoder_hidden,
                embedding_dim=cfg.embedding_dim,
                dropout=cfg.dropout,
            )
        self.network.grow_embedding(series_count)
        return self.network

    def _require_network(self) -> TrafficNetwork:
        if self.network is None:
            raise RuntimeError(
                "the traffic forecaster is not fitted: call fit() or load_state_dict()"
            )
        return self.network

    def _builder(self, panel: Panel) -> WindowBuilder:
        return make_builder(panel, self.config, self.exog_mean, self.exog_std, self.locations)


def compatible(state: dict[str, Any]) -> bool:
    """Whether ``state`` was saved with this version's input layout (usable to warm-start)."""
    return state.get("format") == STATE_FORMAT and state.get("input_layout") == INPUT_LAYOUT
