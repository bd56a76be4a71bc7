"""Deliver the morning staffing reports: one email per planned store, or one HTML file.

``send_reports`` is the report task of the nightly DAG. It tries every store before failing, so
one bad address or a mail-server hiccup costs only the affected managers their email; then it
raises one MailUndeliverable naming them, which fails the report task alone (the plans are
already published).
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from pipelines import mail
from pipelines.errors import MailUndeliverable
from pipelines.report.content import gather_report, planned_store_ids
from pipelines.report.message import build_message, standalone_html
from pipelines.settings import Settings
from pipelines.window import RunWindow

log = logging.getLogger(__name__)


def send_reports(
    engine: Engine,
    settings: Settings,
    window: RunWindow,
    *,
    attempts: int = 3,
    wait_s: float = 1.0,
) -> dict[str, Any]:
    """Email each store with a plan for ``window.business_date`` its report; return counts.

    ``attempts`` and ``wait_s`` are passed to ``pipelines.mail.send`` (per store).
    """
    language = settings.report_language
    store_ids = planned_store_ids(engine, window.business_date)
    failures: dict[str, str] = {}
    for store_id in store_ids:
        report = gather_report(engine, store_id, window.business_date)
        if not report.store.manager_email.strip():
            failures[store_id] = "no manager_email in ref.stores"
            continue
        try:
            mail.send(settings, build_message(report, language), attempts=attempts, wait_s=wait_s)
        except MailUndeliverable as error:
            log.warning("staffing report for store %s not delivered: %s", store_id, error)
            failures[store_id] = str(error)
        else:
            log.info("staffing report for store %s sent", store_id)
    if failures:
        first_store, first_error = next(iter(failures.items()))
        raise MailUndeliverable(
            f"staffing report not delivered to {len(failures)} of {len(store_ids)} stores "
            f"({', '.join(failures)}) for business date {window.business_date}; "
            f"first error ({first_store}): {first_error}"
        )
    return {"reports_sent": len(store_ids), "report_language": language}


def write_report(
    engine: Engine, settings: Settings, store_id: str, business_date: date, out_path: Path
) -> Path:
    """Write one store's report as a standalone HTML file (chart inline); nothing is sent."""
    report = gather_report(engine, store_id, business_date)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    # Write then rename, so a reader (or a browser refresh) never sees a half-written file.
    partial = out_path.with_name(out_path.name + ".partial")
    partial.write_text(standalone_html(report, settings.report_language), encoding="utf-8")
    partial.replace(out_path)
    return out_path
