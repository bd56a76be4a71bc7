"""Loyalty models: review sentiment (a fine-tuned BERT-family encoder) and customer churn.

Only light modules are re-exported here; torch and transformers load when ``sentiment`` is
imported, so feature code and DAG parsing stay fast.
"""

from models.loyalty.labels import CLASS_NAMES, rating_to_label, ratings_to_labels

__all__ = ["CLASS_NAMES", "rating_to_label", "ratings_to_labels"]
