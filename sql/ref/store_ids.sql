select store_id from ref.stores order by store_id
