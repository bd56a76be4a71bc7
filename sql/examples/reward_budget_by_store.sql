-- How much of the nightly loyalty reward budget does each store use? Offers and soles granted
-- per store in the latest reward run, against the budget (NIGHTSHIFT_REWARD_BUDGET_PER_STORE,
-- 300 PEN by default: change the value below if the setting differs).
with budget as (
    select 300.0::numeric as budget_pen
), latest as (
    select max(run_date) as run_date from loyalty.rewards
)
select
    st.name as store,
    r.run_date,
    count(*) filter (where r.offer_type <> 'none') as offers,
    count(*) filter (where r.offer_type = 'win_back') as win_back_offers,
    count(*) filter (where r.offer_type = 'vip') as vip_offers,
    sum(r.value_pen) as granted_pen,
    round(sum(r.value_pen) / b.budget_pen, 3) as budget_used
from loyalty.rewards r
join latest l on r.run_date = l.run_date
join analytics.stores st using (store_id)
cross join budget b
group by st.name, r.run_date, b.budget_pen
order by budget_used desc;
