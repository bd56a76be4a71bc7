"""Hourly foot-traffic forecaster: one global recurrent network over all stores, P10/P50/P90
for the next week, as a learned correction of the 4-week same-hour mean.

Modules: ``config`` (settings), ``data``/``features``/``windows``/``sampling``/``inputs`` (pure
numpy/pandas input preparation), ``network`` and ``train`` (torch), ``forecast``
(``TrafficForecaster``: fit/predict/state), ``baselines``/``gbm``/``metrics``/``backtest``
(evaluation). Importing this package loads nothing heavy; torch comes with ``forecast``.
"""
