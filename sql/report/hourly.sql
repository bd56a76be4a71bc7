-- The chart's hours for one store: the forecast band and the planned staff (both roles summed).
-- A full join keeps the hours only one side has: forecast hours while the store is closed, and
-- a late close past the forecast horizon (the planner reuses the last forecast hour there).
with staff as (
    select ts_local, sum(staff)::int as staff
    from plan.staffing
    where run_date = :run_date and store_id = :store_id
    group by ts_local
), band as (
    select ts_local, p10, p50, p90
    from forecast.traffic_hourly
    where run_date = :run_date and store_id = :store_id
      and ts_local >= :first_hour and ts_local < :end_hour
)
select ts_local, band.p10, band.p50, band.p90, staff.staff
from band
full join staff using (ts_local)
order by ts_local
