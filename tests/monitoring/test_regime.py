"""A degraded model is noticed and retrained, and quiet nights stay quiet.

A simulated three-store chain where, after 14 quiet nights, a competitor opens next to the
biggest store (``--regime-change 1:2026-10-18:0.4``: its traffic drops to 40%). Night after night
the real stage functions run, as the DAG's tasks would (a backfill of nights, so a model is
reused while nothing is wrong): the traffic model's train task, its forecast, then the monitor.
The monitor must flag the model within 3 nights of the change, the next night must retrain it
(not reuse it) and say why, and the data engineers must get one email through a real SMTP server
naming the model, the figure, its threshold and the report. The 14 quiet nights raise nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from pipelines.settings import Settings
from pipelines.simulator.regime import RegimeChange
from tests.mail_sink import MailSink, smtp_sink
from tests.monitoring.chain import Chain, nights, simulated_chain

pytestmark = pytest.mark.slow

HISTORY_FROM = date(2026, 8, 24)
FIRST_TRAINED = date(2026, 10, 3)  # the night the first model is trained on six weeks of data
QUIET = nights(date(2026, 10, 4), date(2026, 10, 17))  # 14 nights
SHIFT = date(2026, 10, 18)  # the competitor opens
FLAG_BY = SHIFT + timedelta(days=2)  # the change's third night
ALERTS = "data-engineering@example.pe"


@pytest.fixture(scope="module")
def run(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Chain, MailSink, dict[date, Any]]]:
    """Every night from the first model until the night after the first degradation event."""
    tmp = tmp_path_factory.mktemp("regime")
    regime = (RegimeChange("1", SHIFT, 0.4),)
    with smtp_sink() as sink, simulated_chain(
        settings, tmp, HISTORY_FROM, FLAG_BY + timedelta(days=1), regime=regime,
        smtp_host=sink.host, smtp_port=sink.port, alert_email=ALERTS,
        backfill_retrain_days=30,  # reuse the model while nothing asks for a retrain
    ) as chain:  # fmt: skip
        chain.ingest(HISTORY_FROM, FLAG_BY + timedelta(days=1))
        chain.train_traffic(FIRST_TRAINED)
        chain.forecast_traffic(FIRST_TRAINED)
        results: dict[date, Any] = {}
        flagged = None
        for night in nights(QUIET[0], FLAG_BY + timedelta(days=1)):
            trained = chain.train_traffic(night)
            chain.forecast_traffic(night)
            results[night] = (trained, chain.monitor(night))
            if flagged is None and results[night][1]["degraded"]:
                flagged = night
            elif flagged is not None:
                break  # the night after the flag has run
        yield chain, sink, results


def _events(chain: Chain) -> list[Any]:
    return chain.rows("select * from monitoring.degradation_events order by business_date")


def test_quiet_nights_raise_nothing_and_reuse_the_model(
    run: tuple[Chain, MailSink, dict[date, Any]],
) -> None:
    chain, sink, results = run
    assert [e for e in _events(chain) if e.business_date < SHIFT] == []
    for night in QUIET:
        trained, monitored = results[night]
        assert trained["reused_champion"], f"{night}: retrained without a reason"
        assert monitored["degraded"] == 0 and monitored["traffic_rnn"] == "ok", night
    quiet_mail = [r.message["Subject"] for r in sink.received
                  if any(str(night) in r.message["Subject"] for night in QUIET)]  # fmt: skip
    assert quiet_mail == []
    # Every quiet night has its figures: 1-, 3- and 7-day windows, per store and for the chain.
    counts = chain.rows(
        "select business_date, count(distinct window_days) as windows,"
        " count(distinct coalesce(store_id, '')) as scopes from monitoring.model_performance"
        " where model_name = 'traffic_rnn' group by 1 order by 1"
    )
    assert {c.business_date for c in counts} >= set(QUIET)
    assert all(c.windows == 3 and c.scopes == 4 for c in counts if c.business_date in QUIET)


def test_the_change_is_flagged_within_three_nights(
    run: tuple[Chain, MailSink, dict[date, Any]],
) -> None:
    chain, _, _ = run
    events = _events(chain)
    assert events, "the regime change was never flagged"
    first = events[0]
    assert SHIFT <= first.business_date <= FLAG_BY
    assert first.model_name == "traffic_rnn"
    assert first.action == "retrain_next_night" and first.alerted
    # The degraded store (or the chain it drags down) is named.
    assert first.store_id in ("LIM-MIR-01", None)
    assert first.report_path and Path(first.report_path).is_file()


def test_the_next_night_retrains_and_says_why(
    run: tuple[Chain, MailSink, dict[date, Any]],
) -> None:
    chain, _, results = run
    flagged = _events(chain)[0].business_date
    retrain_night = flagged + timedelta(days=1)
    trained, _ = results[retrain_night]
    assert not trained.get("reused_champion"), "the degraded model was reused"
    quiet_version = results[QUIET[-1]][0]["version"]
    [decision] = chain.rows(
        "select challenger_version, reason from ops.model_promotions"
        " where model_name = 'traffic_rnn' and business_date = :night",
        night=retrain_night,
    )
    assert decision.challenger_version != quiet_version  # a new model was trained
    assert decision.reason.startswith("monitoring: ")
    first = _events(chain)[0]
    assert f"{first.metric} {first.value:.3f} crossed {first.threshold:.3f}" in decision.reason
    assert all(e.resolved_on == retrain_night for e in _events(chain) if e.business_date == flagged)


def test_the_data_engineers_get_one_email_naming_the_model_figure_threshold_and_report(
    run: tuple[Chain, MailSink, dict[date, Any]],
) -> None:
    chain, sink, _ = run
    first = _events(chain)[0]
    alerts = [r for r in sink.received if str(first.business_date) in r.message["Subject"]]
    assert len(alerts) == 1
    [alert] = alerts
    assert alert.recipients == [ALERTS]
    assert "traffic_rnn" in alert.message["Subject"]
    body = alert.message.get_content()
    for text in (first.metric, f"{first.value:.4f}", f"{first.threshold:.4f}",
                 first.report_path, "retrain next night"):  # fmt: skip
        assert text in body, text


def test_rerunning_the_flagged_night_keeps_its_events_and_sends_no_second_email(
    run: tuple[Chain, MailSink, dict[date, Any]],
) -> None:
    chain, sink, _ = run
    flagged = _events(chain)[0].business_date
    before = [(e.metric, e.scope, e.store_id, e.alerted, e.resolved_on) for e in _events(chain)]
    mails = len(sink.received)
    figures = chain.rows(
        "select count(*) as n from monitoring.model_performance where business_date = :d",
        d=flagged,
    )
    chain.monitor(flagged)
    after = [(e.metric, e.scope, e.store_id, e.alerted, e.resolved_on) for e in _events(chain)]
    assert after == before
    assert len(sink.wait_for(mails, timeout_s=1)) == mails
    assert (
        chain.rows(
            "select count(*) as n from monitoring.model_performance where business_date = :d",
            d=flagged,
        )
        == figures
    )
