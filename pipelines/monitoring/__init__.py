"""Watching the models and the nights: monitoring figures, dashboards and alerts."""
