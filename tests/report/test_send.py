"""Sending the reports through a real SMTP server (aiosmtpd on localhost), and failing well."""

from __future__ import annotations

import time
from email.message import EmailMessage

import pytest
from sqlalchemy import Engine

from pipelines.errors import MailUndeliverable
from pipelines.report.deliver import send_reports
from pipelines.settings import Settings
from pipelines.window import RunWindow
from tests.mail_sink import MailSink, free_port
from tests.report.seed import BUSINESS_DATE, STORES

pytestmark = pytest.mark.usefixtures("report_rows")


def _window(settings: Settings) -> RunWindow:
    return RunWindow.for_business_date(BUSINESS_DATE, settings.tz, "test")


def _received(sink: MailSink) -> dict[str, EmailMessage]:
    """Parsed messages keyed by their single envelope recipient."""
    messages = {}
    for received in sink.received:
        assert len(received.recipients) == 1, received.recipients  # one manager per message
        messages[received.recipients[0]] = received.message
    return messages


def _check_structure(message: EmailMessage) -> str:
    """text/plain + HTML with an inline PNG that the HTML cites by Content-ID; the HTML."""
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    related = [p for p in message.walk() if p.get_content_type() == "multipart/related"]
    assert len(related) == 1
    (image,) = [p for p in message.walk() if p.get_content_type() == "image/png"]
    assert image.get_content_disposition() == "inline"
    content_id = str(image["Content-ID"]).strip("<>")
    page = html.get_content()
    assert f'src="cid:{content_id}"' in page
    png = image.get_content()
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    return page


def test_one_message_per_store_each_to_its_manager_only(
    engine: Engine, settings: Settings, smtp_server: MailSink
) -> None:
    smtp = settings.model_copy(update={"smtp_port": smtp_server.port, "smtp_host": "127.0.0.1"})

    counts = send_reports(engine, smtp, _window(smtp))

    assert counts == {"reports_sent": 2, "report_language": "es"}
    messages = _received(smtp_server)
    assert set(messages) == {store["manager_email"] for store in STORES.values()}
    for store in STORES.values():
        message = messages[store["manager_email"]]
        (to,) = message["To"].addresses
        assert (to.addr_spec, to.display_name) == (store["manager_email"], store["manager_name"])
        assert "Cc" not in message and "Bcc" not in message
        assert message["From"] == smtp.smtp_sender
        assert message["Subject"] == f"Plan de personal — {store['name']} — 15/03/2033"
        page = _check_structure(message)
        assert "Turnos" in page and "Horas de mayor riesgo" in page
        plain = message.get_body(preferencelist=("plain",))
        assert plain is not None and plain.get_content().startswith("Hola ")
    # Each manager sees their own store only.
    assert "Bodega" not in messages["ana.rpt1@example.pe"].as_string()
    assert "Larcomar" not in messages["luis.rpt2@example.pe"].as_string()


def test_english_when_configured(engine: Engine, settings: Settings, smtp_server: MailSink) -> None:
    smtp = settings.model_copy(
        update={"smtp_port": smtp_server.port, "smtp_host": "127.0.0.1", "report_language": "en"}
    )

    assert send_reports(engine, smtp, _window(smtp))["reports_sent"] == 2

    message = _received(smtp_server)["ana.rpt1@example.pe"]
    assert message["Subject"] == "Staffing plan — Larcomar Test — 2033-03-15"
    assert message["Content-Language"] == "en"
    page = _check_structure(message)
    assert "Hours most at risk" in page and "Horas" not in page


def test_unreachable_server_names_every_failed_store_quickly(
    engine: Engine, settings: Settings
) -> None:
    closed = settings.model_copy(update={"smtp_port": free_port(), "smtp_host": "127.0.0.1"})
    began = time.monotonic()

    with pytest.raises(MailUndeliverable) as failure:
        send_reports(engine, closed, _window(closed), attempts=2, wait_s=0.01)

    assert time.monotonic() - began < 30
    message = str(failure.value)
    assert "not delivered to 2 of 2 stores (RPT1, RPT2)" in message
    assert "2033-03-14" in message
