-- Runs on Airflow's metadata database: the task instances of one DAG run (their latest try).
select ti.task_id, ti.state, ti.duration, ti.try_number, ti.start_date, ti.end_date,
       dr.logical_date
from task_instance ti
join dag_run dr on dr.dag_id = ti.dag_id and dr.run_id = ti.run_id
where ti.dag_id = :dag_id and ti.run_id = :run_id and ti.map_index = -1
order by ti.start_date nulls last, ti.task_id
