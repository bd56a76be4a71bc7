-- Whether a table exists (the monitoring tables come with a later migration).
select to_regclass(:name) is not null
