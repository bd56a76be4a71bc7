-- What the training data of a window was built from: every load's file checksum and published
-- row count. Equal fingerprints mean the same validated data (a re-run, or nothing new).
select coalesce(
           md5(string_agg(source || ':' || business_date || ':' || checksum || ':'
                          || coalesce(rows_published, -1), ',' order by business_date, source)),
           'empty')
from ops.loads
where business_date between :first and :last
