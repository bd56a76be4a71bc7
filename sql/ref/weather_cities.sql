-- One weather location per city: the mean position of its stores, and which stores it serves.
select city, avg(latitude) as latitude, avg(longitude) as longitude,
       array_agg(store_id order by store_id) as store_ids
from ref.stores
group by city
order by city
