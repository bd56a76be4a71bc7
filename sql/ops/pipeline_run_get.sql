select * from ops.pipeline_runs where logical_date = :logical_date
