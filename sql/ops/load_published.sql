update ops.loads set rows_published = :rows
where business_date = :business_date and source = :source
