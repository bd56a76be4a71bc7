-- Lines of the exports that never reached raw.* (unparseable), from the load log.
select sum(rows_read - rows_loaded) from ops.loads
where business_date between :first and :last and source = :source
