"""nightshift: nightly forecasting and planning for a Peruvian retail and restaurant chain.

The package is split into a pure core (calendar, intervals, settings) and an I/O boundary
(``db``, ``orchestration``, ``stages``). Nothing here imports Airflow, MLflow or Great
Expectations at module import time, so the CLI's ``--help`` and DAG parsing stay fast.
"""

__version__ = "0.1.0"
