"""Watching the models and the nights (the ``monitor`` task of the nightly DAG).

* ``performance``: how each model did on the actuals that landed (per store and chain);
* ``frames`` / ``reports``: input and prediction drift and performance reports with Evidently
  (``evidently_compat`` imports it with telemetry off, under pandas 3);
* ``workspace``: the local Evidently workspace and its per-model dashboards (``make monitor``);
* ``quality``, ``durations``: data quality per source, task durations from Airflow;
* ``degradation``, ``alerting``: thresholds, events, the forced retrain and the alert email;
* ``store``: the monitoring schema's writes; ``stage``: the task itself;
* ``dashboards``: the Grafana dashboards generated from ``sql/dashboards`` (``make dashboards``);
* ``prometheus_push``: the night's figures pushed to a Prometheus Pushgateway.
"""
