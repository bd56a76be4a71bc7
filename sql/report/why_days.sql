-- One store's plan days with their traffic explanation (integrated gradients, see
-- explanations.traffic_days) and each driver's contribution, for the "why this week" lines.
select t.date, t.usual_visitors, t.forecast_visitors, t.change_pct, t.unusual,
       t.enough_history, d.driver, d.contribution_visitors
from explanations.traffic_days t
join explanations.traffic_drivers d
  on d.run_date = t.run_date and d.store_id = t.store_id and d.date = t.date
where t.run_date = :run_date and t.store_id = :store_id
order by t.date, d.driver
