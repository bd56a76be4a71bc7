"""One module per nightly lifecycle stage: ingest -> validate -> train -> plan -> report.

Each stage takes the run window (and settings) and returns a small dict of counts or references
(MLflow run ids, file paths) that Airflow passes on; data itself stays in PostgreSQL and MLflow.
"""
