"""The morning staffing report each store manager receives by email at 7 a.m.

Entry points: ``send_reports`` (the DAG's report task: one email per planned store) and
``write_report`` (``nightshift report``: one store's report as an HTML file). Modules:
``content`` gathers one store's facts from the warehouse; ``themes`` finds complaint themes in
negative reviews; ``chart``, ``render`` and ``message`` turn the facts into a PNG, HTML/text
and an email; ``deliver`` sends or writes them.
"""

from __future__ import annotations

from pipelines.report.deliver import send_reports, write_report

__all__ = ["send_reports", "write_report"]
