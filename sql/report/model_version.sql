-- The forecast model version(s) behind one store's plan (one in practice; all, if ever mixed).
select string_agg(distinct model_version, ', ' order by model_version)
from plan.staffing
where run_date = :run_date and store_id = :store_id
