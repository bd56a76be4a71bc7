-- The marketing calendar as known on :as_of (the night's business date): past days as they
-- ran, days ahead as that night's export planned them, whatever later nights exported since;
-- first_seen (the first export listing a promotion) lets backtests use only what was known.
select store_id, date, category, discount_pct::float as discount_pct, first_seen
from core.promotions_as_of(:first, :last, :as_of)
