"""One store's report as an email: plain text, HTML alternative, chart inline (``cid:``).

Structure (what mail clients expect for an HTML mail with an embedded picture):
multipart/alternative [ text/plain, multipart/related [ text/html, image/png ] ].
"""

from __future__ import annotations

import base64
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from pipelines.report.chart import chart_png
from pipelines.report.content import StoreReport
from pipelines.report.i18n import Language
from pipelines.report.render import render_html, render_text, subject

CHART_FILENAME = "plan.png"


def build_message(report: StoreReport, language: Language) -> EmailMessage:
    """The email for the store's manager, To: that manager only (From: set when sending)."""
    message = EmailMessage()
    message["Subject"] = subject(report, language)
    message["To"] = formataddr((report.store.manager_name, report.store.manager_email))
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="nightshift")
    message.set_content(render_text(report, language))

    cid = make_msgid(domain="nightshift")  # "<...@nightshift>"; the HTML cites it without <>
    message.add_alternative(
        render_html(report, language, chart_src=f"cid:{cid[1:-1]}"), subtype="html"
    )
    html = message.get_body(preferencelist=("html",))
    if html is None:  # add_alternative just created it; guards the type, not a real case
        raise RuntimeError("HTML part missing right after adding it")
    html.add_related(
        chart_png(report, language),
        maintype="image",
        subtype="png",
        cid=cid,
        disposition="inline",
        filename=CHART_FILENAME,
    )
    # Last: set_content and add_alternative move or drop the Content-* headers already set.
    message["Content-Language"] = language
    return message


def standalone_html(report: StoreReport, language: Language) -> str:
    """The same HTML as the email, with the chart embedded as a data: URI (one file, no mail)."""
    encoded = base64.b64encode(chart_png(report, language)).decode("ascii")
    return render_html(report, language, chart_src=f"data:image/png;base64,{encoded}")
