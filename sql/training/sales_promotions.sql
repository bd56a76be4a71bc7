-- The marketing calendar as last exported; first_seen lets backtests use only what was known.
select store_id, date, category, discount_pct::float as discount_pct, exported_on as first_seen
from core.promotions
where date between :first and :last
