-- Close the log row of one logical date with its outcome. finished_at is audit metadata
-- (when the work ended), never used to decide what data a run covers.
update ops.pipeline_runs set
    status      = :status,
    finished_at = clock_timestamp(),
    counts      = counts || cast(:counts as jsonb),
    error       = :error
where logical_date = :logical_date
