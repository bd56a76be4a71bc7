-- Hours where the plan hits the store's maximum staff for some role: demand may exceed what the
-- store can field. Busiest first, so a truncated list keeps the hours that matter most.
select ts_local,
       max(traffic_p50) as traffic_p50,
       max(traffic_planned) as traffic_planned,
       sum(staff)::int as staff,
       string_agg(role, ',' order by role) filter (where binding_rule = 'maximum') as roles
from plan.staffing
where run_date = :run_date and store_id = :store_id
group by ts_local
having bool_or(binding_rule = 'maximum')
order by traffic_p50 desc, ts_local
