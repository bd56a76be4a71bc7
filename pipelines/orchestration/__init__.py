"""Running the DAGs: Airflow's environment on nightshift's settings, and in-process runs."""
