-- Business dates in [:first, :last] whose POS lines were loaded and published.
select count(distinct business_date) from ops.loads
where source = 'pos_lines' and rows_published is not null
  and business_date between :first and :last
