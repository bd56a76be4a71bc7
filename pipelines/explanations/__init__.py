"""Explanations: why every number a person acts on is what it is.

The nightly stages that make a number explain it with the model that made it, in the same task
(the inputs are already in memory): ``forecast`` explains the sales forecast (SHAP,
``models.sales.explain``) and the traffic forecast (integrated gradients,
``models.traffic.attribution``), ``score_customers`` the churn scores of the reward candidates
and a fixed sample of members (SHAP, ``models.loyalty.explain``), ``promotions`` each proposal's
lift. This package turns those explanations into words (``words``) and rows of the
``explanations`` schema (replaced per run date, like every output), and logs the training-time
summaries to MLflow (``mlflow_summary``). Each entry point returns counts including its own
seconds (``explain_*_s``), which ``bench/nightly.py`` sums into the explanations' share of a night.
"""
