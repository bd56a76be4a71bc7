"""The report's HTML and plain-text bodies, from Jinja2 templates in ``templates/``.

HTML is autoescaped: store names, manager names and review-derived words come from data. The
templates get display-ready values (dates, hours, numbers already formatted in the report's
language) so they hold layout only.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from pipelines.planning.parameters import ROLES
from pipelines.report.content import StoreReport
from pipelines.report.i18n import TEXT, Language, count, day_label, noun, short_day, signed

TEMPLATES = Path(__file__).resolve().parent / "templates"

_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=StrictUndefined,  # a typo in a template fails the test, not a manager's email
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def subject(report: StoreReport, language: Language) -> str:
    """'Plan de personal — Larcomar — 23/11/2026' (the first planned day: the reader's today)."""
    day = report.first_day
    shown = day.strftime("%d/%m/%Y") if language == "es" else day.isoformat()
    return f"{TEXT[language]['subject']} — {report.store.name} — {shown}"


def render_html(report: StoreReport, language: Language, chart_src: str) -> str:
    """The HTML body; ``chart_src`` is a ``cid:`` reference (email) or a ``data:`` URI (file)."""
    return _ENV.get_template("report.html").render(
        **_context(report, language), chart_src=chart_src, title=subject(report, language)
    )


def render_text(report: StoreReport, language: Language) -> str:
    """The plain-text alternative, for mail clients that do not show HTML."""
    return _ENV.get_template("report.txt").render(**_context(report, language))


def _hour(ts: datetime) -> str:
    return f"{ts:%H:%M}"


def _shift_span(start: datetime, end: datetime) -> str:
    # A shift past midnight says so, or "18:00–01:00" reads as a negative shift.
    later = " (+1)" if end.date() > start.date() else ""
    return f"{_hour(start)}–{_hour(end)}{later}"


def _number(value: float) -> str:
    return f"{value:,.0f}"


def _context(report: StoreReport, language: Language) -> dict[str, Any]:
    words = TEXT[language]
    days = []
    for title, day in zip((words["today"], words["tomorrow"]), report.shift_days, strict=True):
        roles = []
        for role in ROLES:
            shifts = report.shifts_on(day, role)
            roles.append(
                {
                    "label": words[role],
                    "shifts": [
                        {
                            "number": s.number,
                            "span": _shift_span(s.start, s.end),
                            "hours": f"{s.hours:g}",
                        }
                        for s in shifts
                    ],
                    "total_hours": f"{sum(s.hours for s in shifts):g}",
                }
            )
        days.append({"title": f"{title}, {day_label(day, language)}", "roles": roles})

    risks = [
        {
            "day": short_day(r.ts, language),
            "hour": f"{_hour(r.ts)}–{_hour(r.ts + timedelta(hours=1))}",
            "traffic": _number(r.traffic_p50),
            "planned": _number(r.traffic_planned),
            "roles": ", ".join(words[role] for role in r.roles),
        }
        for r in report.risk_hours
    ]
    unlisted = report.risk_hours_total - len(risks)
    signal = report.reviews
    change = signal.change
    if signal.sentiment is None:
        sentiment = ""
    else:
        comparison = (
            words["sentiment_change"].format(change=signed(change))
            if change is not None
            else words["sentiment_no_previous"]
        )
        sentiment = (
            f"{words['sentiment'].format(value=signed(signal.sentiment))}, {comparison} "
            f"({words['source_' + signal.source]})."
        )
    return {
        "t": words,
        "lang": language,
        "store": report.store,
        "greeting": words["greeting"].format(name=report.store.manager_name),
        "intro": words["intro"].format(
            store=report.store.name,
            city=report.store.city,
            day=day_label(report.first_day, language),
        ),
        "days": days,
        "risks": risks,
        "risks_more": (
            words["risk_more"].format(n=unlisted, noun=noun(unlisted, "hour", language))
            if unlisted
            else ""
        ),
        "reviews_line": (
            words["reviews_count"].format(
                reviews=count(signal.reviews, "review", language),
                negative=count(signal.negative, "negative", language),
            )
            if signal.reviews
            else words["reviews_none"]
        ),
        "sentiment_line": sentiment,
        "has_negative": signal.negative > 0,
        "themes": [
            {"label": c.theme.label(language), "count": count(c.reviews, "review", language)}
            for c in signal.themes
        ],
        "model_line": _model_line(report.model_version, words),
        **_why_context(report, language),
    }


def _why_context(report: StoreReport, language: Language) -> dict[str, Any]:
    """The "why this week" section: one line per unusual day ("viernes 20/11: +18 % vs un
    viernes normal — quincena y víspera de feriado"), in the report's language."""
    from pipelines.explanations.words import why_line

    why = report.why
    if why is None:
        return {"has_why": False, "why_lines": [], "why_note": ""}
    if not why.enough_history:
        lines = [why_line(report.first_day, 0.0, [], language, enough_history=False)]
        return {"has_why": True, "why_lines": lines, "why_note": ""}
    lines = [why_line(d.day, d.change, d.drivers, language) for d in why.days]
    return {
        "has_why": True,
        "why_lines": lines,
        "why_note": "" if lines else TEXT[language]["why_none"],
    }


def _model_line(version: str | None, words: dict[str, str]) -> str:
    """Which forecast the plan stands on; a baseline is named as such (see training.baselines)."""
    from pipelines.training.baselines import BASELINE_PREFIX

    if version and version.startswith(BASELINE_PREFIX):
        return words["model_baseline"].format(version=version.removeprefix(BASELINE_PREFIX))
    return words["model"].format(version=version or "?")
