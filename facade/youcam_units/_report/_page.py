"""The report's page: the charts, the headline (``_headline``) and the tables, in one HTML file.

jinja2 escapes every value (``autoescape``): action names, bucket types and feature
descriptions come from the service and are shown as text, never as markup. The charts are the
one thing marked safe: pygal builds their SVG with an XML serializer, which escapes the same
strings in turn.
"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import jinja2
from markupsafe import Markup

from youcam_units._amounts import TENTH, about, exact_sum, last_days, rounded
from youcam_units._report._charts import action_chart, balance_chart, daily_chart
from youcam_units._report._headline import headline, iso

if TYPE_CHECKING:
    from collections.abc import Iterable

    from youcam_units._report._data import ReportData

__all__ = ["render_html", "write_atomically"]

_ENVIRONMENT: Final = jinja2.Environment(
    loader=jinja2.PackageLoader("youcam_units._report", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,  # a misspelt name fails the render, not the page
    trim_blocks=True,
    lstrip_blocks=True,
)


def _budgets(data: ReportData) -> list[dict[str, str]]:
    """Each budget's row: exact figures in data attributes, shown ones rounded once."""
    price = data.price
    rows = []
    for use in data.budgets:
        used = rounded(use.used * 100, TENTH)
        rows.append(
            {
                "action": "" if use.action is None else use.action,
                "what": "every action" if use.action is None else use.action,
                "budget_exact": str(use.budget),
                "budget": f"{use.budget:,}",
                "spent_exact": str(use.spent),
                "spent": f"{use.spent:,}",
                "used_exact": str(use.used),
                "used": f"{used:,}%",
                "money": "" if price is None else price.display(price.value(use.spent)),
                "over": "true" if use.over else "false",
                "state": "OVER" if use.over else "within",
            }
        )
    return rows


def _change(now: Decimal, before: Decimal) -> tuple[str, str]:
    """The change in %, to a tenth, and its direction (more spending is "up")."""
    if before == 0:
        return ("new", "up") if now else ("", "")
    change = rounded((now - before) * 100 / before, TENTH)
    return f"{change:+,}%", "up" if change > 0 else "down" if change < 0 else ""


def _decimals(values: Iterable[Decimal]) -> int:
    """The decimals a column of units needs to show each value exactly: two at least."""
    exponents = (value.normalize().as_tuple().exponent for value in values)
    return max([2, *(-exponent for exponent in exponents if isinstance(exponent, int))])


def _action_rows(data: ReportData) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every action spent on in either period, most spent now first (then most before)."""
    price = data.price
    current = {row.group: row for row in data.by_action}
    names = {name for name, row in current.items() if row.spent} | {
        name for name, row in data.previous_by_action.items() if row.spent
    }

    def spent(name: str, rows: dict[str, Any]) -> Decimal:
        row = rows.get(name)
        return Decimal(0) if row is None else row.spent

    order = sorted(
        names,
        key=lambda n: (-spent(n, current), -spent(n, data.previous_by_action), n),
    )
    total_now = data.totals.spent
    total_before = exact_sum(row.spent for row in data.previous_by_action.values())
    places = _decimals([total_now, *(spent(name, current) for name in names)])
    places_before = _decimals([total_before, *(spent(n, data.previous_by_action) for n in names)])
    rows = []
    for name in order:
        now, before = spent(name, current), spent(name, data.previous_by_action)
        change, trend = _change(now, before)
        row = current.get(name)
        rows.append(
            {
                "action": name,
                "entries": f"{0 if row is None else row.entries:,}",
                "spent_exact": str(now),
                "spent": f"{now:,.{places}f}",
                "money_exact": "" if price is None else str(price.value(now)),
                "money": "" if price is None else f"{price.rounded(price.value(now)):,}",
                "previous": f"{before:,.{places_before}f}",
                "change": change,
                "trend": trend,
            }
        )
    change, trend = _change(total_now, total_before)
    total = {
        "entries": f"{sum(row.entries for row in data.by_action if row.spent):,}",
        "spent": f"{total_now:,.{places}f}",
        "money": "" if price is None else f"{price.rounded(price.value(total_now)):,}",
        "previous": f"{total_before:,.{places_before}f}",
        "change": change,
        "trend": trend,
    }
    return rows, total


def _buckets(data: ReportData) -> list[dict[str, str]]:
    lost = {units.bucket: units.amount for units in data.outlook.expiring}
    price = data.price
    return [
        {
            "id": "" if bucket.id is None else str(bucket.id),
            "type": "" if bucket.type is None else str(bucket.type),
            "amount": f"{bucket.amount:,}",
            "money": "" if price is None else price.display(price.value(bucket.amount)),
            "expires": (
                "never" if bucket.expires_at is None else f"{bucket.expires_at:%Y-%m-%d %H:%M}"
            ),
            "lost": about(lost[bucket]) if bucket in lost else "",
        }
        for bucket in data.balance.by_expiry
    ]


def _costs(data: ReportData) -> list[dict[str, str]] | None:
    if data.costs is None:
        return None
    price = data.price
    return [
        {
            "description": cost.description or "",
            "amount": "" if cost.amount is None else f"{cost.amount:,}",
            "money": (
                ""
                if price is None or cost.amount is None
                else price.display(price.value(cost.amount))
            ),
            "per": " ".join(
                part
                for part in (
                    None if cost.proc_unit is None else f"{cost.proc_unit:,}",
                    cost.unit,
                )
                if part is not None
            ),
        }
        for cost in data.costs
    ]


def period_label(data: ReportData) -> str:
    """``2026-11`` for a calendar month, else the first and last day."""
    first, last = data.period.first, data.period.last
    if data.period.is_month:
        return f"{first:%Y-%m}"
    return f"{first.isoformat()} to {last.isoformat()}"


def render_html(data: ReportData, *, made_at: datetime | None = None) -> str:
    """The whole page, self-contained: styles and SVG charts inline, no script, no link."""
    made_at = datetime.now(UTC) if made_at is None else made_at
    rows, total = _action_rows(data)
    price = data.price
    return _ENVIRONMENT.get_template("report.html.j2").render(
        version=version("youcam-units"),
        period=data.period,
        previous=data.period.previous(),
        period_label=period_label(data),
        source=data.source,
        as_of=iso(data.outlook.now),
        as_of_label=f"{data.outlook.now.astimezone(UTC):%Y-%m-%d %H:%M} UTC",
        price=price,
        figures=headline(data),
        window=last_days(data.outlook.rate.days),
        horizon_days=data.outlook.horizon.days,
        charts={
            "daily": Markup(daily_chart(data)),  # noqa: S704 - pygal's serializer escaped it
            "balance": Markup(balance_chart(data)),  # noqa: S704
            "actions": Markup(action_chart(data)),  # noqa: S704
        },
        action_rows=rows,
        total_row=total,
        buckets=_buckets(data),
        balance_total=f"{data.balance.total:,}",
        balance_money="" if price is None else price.display(price.value(data.balance.total)),
        expiring_total=about(data.outlook.expiring_total),
        costs=_costs(data),
        budgets=_budgets(data),
        budget_month=data.budgets[0].month if data.budgets else "",
        made_at=f"{made_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC",
    )


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file beside it and a rename.

    A reader sees the old file or the whole new one, never half of it; on any failure the
    temporary file is removed and ``path`` is untouched. The file gets the usual mode for a new
    file (0666 less the umask): it is meant to be shared.
    """
    directory = path.parent
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        umask = os.umask(0)
        os.umask(umask)
        Path(temporary).chmod(0o666 & ~umask)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
