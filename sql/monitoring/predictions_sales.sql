-- The sales model's store-total forecasts made on the nights :first..:last.
select prediction
from forecast.sales_daily
where run_date between :first and :last and category = '__all__'
order by run_date, store_id, date
