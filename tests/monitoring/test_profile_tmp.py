import cProfile, pstats, time
from datetime import date, timedelta
from tests.monitoring.chain import simulated_chain

def test_profile(settings, tmp_path):
    with simulated_chain(settings, tmp_path, date(2026, 8, 24), date(2026, 10, 8)) as chain:
        t=time.monotonic(); chain.ingest(date(2026, 8, 24), date(2026, 10, 8)); print("ingest", time.monotonic()-t)
        t=time.monotonic(); chain.train_traffic(date(2026, 10, 3)); print("train", time.monotonic()-t)
        chain.forecast_traffic(date(2026, 10, 3))
        for d in (date(2026,10,4), date(2026,10,5)):
            t=time.monotonic(); chain.train_traffic(d); print("reuse", time.monotonic()-t)
            t=time.monotonic(); chain.forecast_traffic(d); print("forecast", time.monotonic()-t)

            t=time.monotonic(); chain.monitor(d); print("monitor", time.monotonic()-t)


