"""Settings of the daily sales forecaster: one frozen dataclass, logged next to the model."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

# Category label of the store-total rows in every forecast table.
TOTAL_CATEGORY = "__all__"
DAYS_PER_WEEK = 7

# "ratio": learn sales / baseline (leaves average ratios: a mean fit, right for intermittent
# categories); "log_ratio": learn log1p(sales) - log1p(baseline), which leaves average in log
# space, a geometric mean that collapses towards 0 on series with many zero days.
TargetKind = Literal["log_ratio", "ratio"]


@dataclass(frozen=True)
class SalesConfig:
    """Everything that shapes the features, the forest and its training set. The defaults fit
    20 stores x 6 categories x 2 years in well under a minute on two CPU cores."""

    horizon: int = 14
    # Training origins every this many days; 5 is coprime with 7, so every (horizon, weekday)
    # pair is seen even though consecutive origins share most of their history.
    origin_stride_days: int = 5
    # A store needs this many days of open history at an origin to yield training rows.
    min_history_days: int = 28
    # The level every target and lag is expressed against: the mean of the last N days at T.
    baseline_days: int = 28
    target: TargetKind = "ratio"
    n_estimators: int = 200
    min_samples_leaf: int = 10
    max_features: float = 0.5
    # Rows each tree draws (bootstrap); the cap keeps fit time flat as the panel grows.
    max_samples: int = 10_000
    n_jobs: int = -1
    random_state: int = 0
    country: str = "PE"
    # Weather is used when given at fit time and this flag allows it.
    use_weather: bool = True
    # Off by default, for two measured reasons: the past rows hold actual door counts while the
    # horizon holds the traffic model's forecast (the forest learns to trust traffic more than a
    # forecast deserves), and a counterfactual holds traffic fixed, hiding the footfall a
    # promotion brings (store lift +9% with it vs +26% without; the simulator's truth is ~+30%).
    use_traffic: bool = False

    def __post_init__(self) -> None:
        if self.horizon < 1:
            raise ValueError(f"horizon must be positive, got {self.horizon}")
        if self.origin_stride_days < 1:
            raise ValueError(f"origin_stride_days must be positive, got {self.origin_stride_days}")
        if self.baseline_days < DAYS_PER_WEEK:
            raise ValueError(f"baseline_days must be at least a week, got {self.baseline_days}")
        if self.min_samples_leaf < 1 or self.n_estimators < 1 or self.max_samples < 1:
            raise ValueError("min_samples_leaf, n_estimators and max_samples must be positive")
        if not 0.0 < self.max_features <= 1.0:
            raise ValueError(f"max_features must be in (0, 1], got {self.max_features}")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SalesConfig:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})
