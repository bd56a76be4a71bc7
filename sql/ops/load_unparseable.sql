-- Lines of the export that never reached raw.* (unparseable), from the load log.
select rows_read - rows_loaded from ops.loads
where business_date = :business_date and source = :source
