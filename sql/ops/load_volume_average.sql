-- Average rows loaded per day for one dataset over the trailing window (excluding the day itself).
select avg(rows_loaded)::float
from ops.loads
where source = :source and business_date >= :first and business_date < :day
