"""The report's words, HTML and chart, in Spanish (default) and English."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from PIL import Image
from sqlalchemy import Engine

from pipelines.report.chart import BAND_COLOUR, chart_png
from pipelines.report.content import StoreReport, gather_report
from pipelines.report.i18n import TEXT, Language, count, signed
from pipelines.report.render import render_html, render_text, subject
from tests.report.seed import BUSINESS_DATE

pytestmark = pytest.mark.usefixtures("report_rows")


@pytest.fixture(scope="module")
def busy(engine: Engine, report_rows: None) -> StoreReport:
    return gather_report(engine, "RPT1", BUSINESS_DATE)


@pytest.fixture(scope="module")
def quiet(engine: Engine, report_rows: None) -> StoreReport:
    return gather_report(engine, "RPT2", BUSINESS_DATE)


def test_subject_names_the_store_and_the_first_planned_day(busy: StoreReport) -> None:
    assert subject(busy, "es") == "Plan de personal — Larcomar Test — 15/03/2033"
    assert subject(busy, "en") == "Staffing plan — Larcomar Test — 2033-03-15"


def test_spanish_text_body(busy: StoreReport) -> None:
    body = render_text(busy, "es")
    assert body.startswith("Hola Ana Núñez,")
    assert "desde hoy martes 15/03/2033" in body
    assert "Hoy, martes 15/03/2033" in body and "Mañana, miércoles 16/03/2033" in body
    assert "18:00–01:00 (+1)  (7 h)" in body  # a shift past midnight says so
    assert "mar 15/03 19:00–20:00: Tráfico esperado (P50) 93" in body
    assert "… y 2 horas más." in body
    assert "5 reseñas en los últimos 7 días (4 negativas)." in body
    assert "Sentimiento medio: −0.46" in body and "−1.06 frente a los 7 días" in body
    assert "según el modelo de sentimiento" in body
    assert "Esperas y colas (3 reseñas)" in body and "Precios (1 reseña)" in body
    assert "Pronóstico del modelo 7." in body
    assert "{{" not in body and "Staff" not in body


def test_english_text_body(busy: StoreReport, quiet: StoreReport) -> None:
    body = render_text(busy, "en")
    assert body.startswith("Hello Ana Núñez,")
    assert "Today, Tuesday 2033-03-15" in body and "Tomorrow, Wednesday 2033-03-16" in body
    assert "HOURS MOST AT RISK" in body and "… and 2 more hours." in body
    assert "Waits and queues (3 reviews)" in body
    other = render_text(quiet, "en")
    assert "No hour reaches the store's maximum staff this week." in other
    assert "from 1–5 star ratings" in other and "Cleanliness (1 review)" in other


def test_html_is_escaped_and_cites_the_chart(quiet: StoreReport) -> None:
    page = render_html(quiet, "es", chart_src="cid:chart-1@nightshift")
    assert "Bodega &lt;Sur&gt; &amp; Norte" in page
    assert "<Sur>" not in page
    assert 'src="cid:chart-1@nightshift"' in page
    assert '<html lang="es">' in page and "Limpieza" in page


def test_chart_is_a_png_with_the_forecast_band(busy: StoreReport) -> None:
    image = Image.open(io.BytesIO(chart_png(busy, "es"))).convert("RGB")
    assert image.size == (900, 380)
    band = tuple(int(BAND_COLOUR[i : i + 2], 16) for i in (1, 3, 5))
    assert sum(1 for pixel in image.getdata() if pixel == band) > 5000


def test_chart_without_any_forecast_still_draws(busy: StoreReport) -> None:
    empty = replace(busy, hours=())
    image = Image.open(io.BytesIO(chart_png(empty, "en")))
    assert image.size == (900, 380)


def test_a_plan_on_a_baseline_forecast_says_so(busy: StoreReport) -> None:
    """No traffic model beat its baseline yet: the manager reads that the plan stands on a
    simple reference forecast, not on 'model baseline:...'."""
    baseline = replace(busy, model_version="baseline:same_hour_mean_4w")
    assert "Pronóstico simple de referencia (same_hour_mean_4w)" in render_text(baseline, "es")
    assert "Simple reference forecast (same_hour_mean_4w)" in render_text(baseline, "en")
    assert "baseline:" not in render_html(baseline, "es", "cid:chart")


def test_number_helpers() -> None:
    assert (signed(0.123), signed(-0.3), signed(0.001)) == ("+0.12", "−0.30", "0.00")
    assert (count(1, "review", "es"), count(2, "hour", "en")) == ("1 reseña", "2 hours")


BUSY_WHY = {
    "es": [
        "viernes 18/03: +25 % vs un viernes normal — quincena y víspera de feriado",
        "domingo 20/03: −20 % vs un domingo normal — lluvia",
    ],
    "en": [
        "Friday 18/03: +25% vs a normal Friday — payday and eve of a holiday",
        "Sunday 20/03: −20% vs a normal Sunday — rain",
    ],
}


@pytest.mark.parametrize("language", ["es", "en"])
def test_why_this_week_lines_in_both_bodies(
    busy: StoreReport, quiet: StoreReport, language: Language
) -> None:
    text_body, page = render_text(busy, language), render_html(busy, language, "cid:x")
    for line in BUSY_WHY[language]:
        assert f"  - {line}\n" in text_body
        assert f'<li class="why">{line}</li>' in page
    # A normal week says so instead of listing nothing.
    assert TEXT[language]["why_none"] in render_text(quiet, language)
    # A night without traffic explanations has no such section at all.
    from dataclasses import replace

    assert TEXT[language]["why_title"] not in render_html(replace(busy, why=None), language, "x")
