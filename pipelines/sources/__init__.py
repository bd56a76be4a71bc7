"""Source connectors: where each night's exports come from.

File sources (POS lines, door counts, staffing, promotions, reviews) are read from a landing
location — a local path or any fsspec URL — in CSV, Parquet or JSONL; weather comes from an
Open-Meteo-compatible HTTP API. A real source replaces a connector without touching the pipeline:
the contract is the dataset's columns (``pipelines.sources.datasets``).
"""
