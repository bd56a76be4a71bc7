-- What sales do we expect per store in the coming days? The latest daily forecast of each
-- store's total (all categories), one row per day, and which model version made it.
select
    st.name as store,
    f.run_date,
    f.date,
    round(f.prediction::numeric, 2) as sales_pen,
    f.model_version
from analytics.latest_sales_forecast f
join analytics.stores st using (store_id)
where f.category = '__all__'
order by st.name, f.date;
