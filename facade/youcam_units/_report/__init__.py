"""The report: one self-contained HTML file of a period's spending, the balance and its outlook.

``gather`` reads what the page shows from a ledger's totals, a balance and its forecast (the
same ``summarize`` and ``forecast`` that ``summary`` and ``status`` print); ``render_html``
draws the charts (pygal: SVG made in Python, no JavaScript) and fills the page (jinja2, every
string escaped). Both need the ``report`` extra; the library itself never imports this package.
"""

from youcam_units._report._data import Period, ReportData, gather
from youcam_units._report._page import render_html, write_atomically

__all__ = ["Period", "ReportData", "gather", "render_html", "write_atomically"]
