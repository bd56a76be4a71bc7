-- First start of the production PostgreSQL: one server, one database per concern.
-- (POSTGRES_DB creates the warehouse, "nightshift".)
create database airflow;
create database mlflow;
