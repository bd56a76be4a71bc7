-- Which promotions should each store run? The three best candidates per store from the latest
-- promotion plan, with the expected sales lift and how sure the model is.
with latest as (
    select max(run_date) as run_date from plan.promotions
)
select
    st.name as store,
    p.rank,
    p.date,
    p.category,
    p.discount_pct,
    round(p.expected_lift::numeric, 2) as expected_lift_pen,
    round(p.lift_p10::numeric, 2) as lift_p10_pen,
    round(p.lift_p90::numeric, 2) as lift_p90_pen,
    p.confidence,
    p.reason
from plan.promotions p
join latest l on p.run_date = l.run_date
join analytics.stores st using (store_id)
where p.rank <= 3
order by st.name, p.rank;
