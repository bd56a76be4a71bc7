"""Nightly training: assemble data from core.*, train challengers, compare with the champions on
the same holdout, log everything to MLflow and promote only a better model."""
