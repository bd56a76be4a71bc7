-- The MASE denominator per store: the mean absolute change of the door count from the same hour
-- a week earlier over the 28 days before :first (seasonal naive's in-sample error).
select a.store_id, avg(abs(a.count - b.count))::float8 as scale
from core.door_counts a
join core.door_counts b
  on b.store_id = a.store_id and b.ts_local = a.ts_local - interval '7 days'
where a.business_date between cast(:first as date) - 28 and cast(:first as date) - 1
  and a.count is not null
  and b.count is not null
group by a.store_id
