"""``report``: the HTML file's figures, its period options, and its one-line failures."""

from __future__ import annotations

import re
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, localcontext
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from youcam_units import Balance, FeatureCost, UnitBucket
from youcam_units import _json as exact_json
from youcam_units._money import UnitPrice
from youcam_units._report import Period, gather, render_html
from youcam_units.ledger import Totals, ledger_forecast

if TYPE_CHECKING:
    from collections.abc import Iterable

    from youcam_units.mock import MockService

    from cli.conftest import Invoke

AS_OF = "2026-11-01T00:00Z"
FIGURE = re.compile(r'data-figure="([a-z_]+)" data-value="([^"]*)"(?: data-money="([^"]*)")?')


def figures(page: str) -> dict[str, tuple[str, str | None]]:
    """The headline figures by name: (exact value, exact money or None)."""
    return {name: (value, money or None) for name, value, money in FIGURE.findall(page)}


def _report(invoke: Invoke, tmp_path: Path, *extra: str) -> tuple[Path, str]:
    out = tmp_path / "report.html"
    run = invoke(
        "report", "--db", str(tmp_path / "l.sqlite3"), "--as-of", AS_OF, "-o", str(out), *extra
    )
    assert run.exit_code == 0, run.stderr
    assert str(out) in run.stdout
    return out, out.read_text(encoding="utf-8")


def test_headline_figures_are_status_and_summary_json(invoke: Invoke, tmp_path: Path) -> None:
    """Each headline figure is, exactly, what status/summary --format json give for the ledger."""
    _, page = _report(invoke, tmp_path, "--unit-price", "0.0123456789")
    db = ("--db", str(tmp_path / "l.sqlite3"))
    status = exact_json.loads(
        invoke("status", *db, "--no-sync", "--as-of", AS_OF, "--format", "json").stdout
    )
    first = re.search(r'data-period-first="([0-9-]+)" data-period-last="([0-9-]+)"', page)
    assert first is not None
    assert first.groups() == ("2026-10-02", "2026-10-31")  # 30 days before a midnight as-of
    summary = exact_json.loads(
        invoke("summary", *db, "--since", first[1], "--until", first[2], "--format", "json").stdout
    )
    shown = figures(page)
    price = Decimal("0.0123456789")
    with localcontext(prec=200):  # money is exact: no product rounded at 28 digits
        for name in ("spent", "granted", "expired"):
            total = sum((row[name] for row in summary), Decimal(0))
            assert shown[name] == (str(total), str(total * price))
        for name in ("balance", "spend_per_day", "expiring_total"):
            assert shown[name] == (str(status[name]), str(status[name] * price))
    assert shown["runs_out_at"][0] == status["runs_out_at"]


def test_page_is_self_contained_without_scripts_or_fetches(invoke: Invoke, tmp_path: Path) -> None:
    """No script, no src/href/url(): nothing to run, nothing to fetch; three charts drawn."""
    out, page = _report(invoke, tmp_path)
    assert "<script" not in page.lower()
    assert re.search(r"\b(src|href)\s*=|url\(", page) is None
    assert "default-src 'none'" in page
    for chart in ("daily", "balance", "actions"):
        svg = re.search(rf'data-chart="{chart}"><svg.*?</svg>', page, re.DOTALL)
        assert svg is not None
        assert svg[0].count("<path") + svg[0].count("<rect") > 10
    assert out.stat().st_mode & 0o777 != 0o600  # shareable, not the temporary file's mode


def test_month_is_that_calendar_month_against_the_one_before(
    invoke: Invoke, tmp_path: Path
) -> None:
    """--month 2026-10: October, compared with September; the header names the month."""
    _, page = _report(invoke, tmp_path, "--month", "2026-10")
    assert 'data-period-first="2026-10-01" data-period-last="2026-10-31"' in page
    assert "2026-09-01 to 2026-09-30" in page
    assert "YouCam API units: 2026-10</h1>" in page


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--month", "2026-13"), "--month"),
        (("--month", "November"), "--month"),
        (("--month", "2026-11", "--since", "2026-11-02"), "--month"),
        (("--since", "2026-11-05", "--until", "2026-11-01"), "--since"),
        (("--since", "someday"), "--since"),
    ],
)
def test_a_bad_period_is_one_line_exit_2_before_any_request(
    invoke: Invoke, service: MockService, tmp_path: Path, args: tuple[str, ...], says: str
) -> None:
    """An unknown month or a period that ends before it starts: one line, nothing written."""
    run = invoke(
        "report", "--db", str(tmp_path / "l.sqlite3"), "-o", str(tmp_path / "r.html"), *args
    )
    assert run.exit_code == 2
    assert len(run.stderr.strip().splitlines()) == 1
    assert says in run.stderr
    assert service.log.count == 0
    assert list(tmp_path.iterdir()) == []


def test_output_in_a_missing_directory_is_one_line_before_any_request(
    invoke: Invoke, service: MockService, tmp_path: Path
) -> None:
    """A path whose directory does not exist: one line naming it, exit 1, no request."""
    run = invoke(
        "report", "--db", str(tmp_path / "l.sqlite3"), "-o", str(tmp_path / "no" / "r.html")
    )
    assert run.exit_code == 1
    assert run.stderr.count("\n") == 1
    assert "does not exist" in run.stderr
    assert service.log.count == 0
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rename fails (a full disk, say): one line, the old report intact, nothing else left."""
    out = tmp_path / "report.html"
    out.write_text("the old report", encoding="utf-8")

    def refuse(self: Path, target: Path) -> Path:
        del self, target
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "replace", refuse)
    run = invoke("report", "--db", str(tmp_path / "l.sqlite3"), "--as-of", AS_OF, "-o", str(out))
    assert run.exit_code == 1
    assert run.stderr.count("\n") == 1
    assert "Permission denied" in run.stderr
    assert out.read_text(encoding="utf-8") == "the old report"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".report")) == []


def test_without_the_report_extra_one_line_names_it(
    invoke: Invoke, service: MockService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without pygal: one line saying which extra to install, before any request."""
    monkeypatch.setitem(sys.modules, "pygal", None)
    for name in [name for name in sys.modules if name.startswith("youcam_units._report")]:
        monkeypatch.delitem(sys.modules, name)  # as in a process that never imported them
    run = invoke("report", "--db", str(tmp_path / "l.sqlite3"), "-o", str(tmp_path / "r.html"))
    assert run.exit_code == 1
    assert run.stderr.count("\n") == 1
    assert "pip install 'youcam-units[report]'" in run.stderr
    assert service.log.count == 0


class _HostileLedger:
    """Totals whose action names are markup: what a service could send."""

    ACTION = "<script>alert(1)</script>"

    def __init__(self, *, granted: Decimal = Decimal(0)) -> None:
        self.granted = granted

    def totals(self, since_ms: int | None, until_ms: int | None, *, per: str) -> Iterable[Totals]:
        """2.5 units spent (and ``granted``) on each day of the window."""
        if per == "action":
            return [Totals(None, None, self.ACTION, 1, Decimal("2.5"), self.granted, Decimal(0))]
        first = (since_ms or 0) // 86_400_000
        last = ((until_ms or since_ms or 0) - 1) // 86_400_000
        return [
            Totals(day, day * 86_400_000, None, 1, Decimal("2.5"), self.granted, Decimal(0))
            for day in range(first, last + 1)
        ]

    def oldest_timestamp_ms(self) -> int | None:
        return 1_760_000_000_000


def test_every_service_string_is_escaped() -> None:
    """Action names, bucket types and feature descriptions are text on the page, never markup."""
    now = datetime(2026, 11, 1, tzinfo=UTC)
    ledger = _HostileLedger()
    balance = Balance(
        (UnitBucket(1, '<img src=x onerror="alert(2)">', Decimal(100), now + timedelta(days=3)),)
    )
    data = gather(
        ledger,
        period=Period.ending(date(2026, 10, 31), 30),
        balance=balance,
        outlook=ledger_forecast(balance, ledger, now=now),
        source="<b>the demo</b>",
        costs=[FeatureCost("<i>AI</i> & co", Decimal(1), "result_image", 1, "http://x")],
        price=UnitPrice(Decimal("0.05"), "USD"),
    )
    page = render_html(data)
    for markup in ("<script", "<img", "<b>the", "<i>AI"):
        assert markup not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x" in page
    assert "&lt;i&gt;AI&lt;/i&gt; &amp; co" in page


@pytest.mark.parametrize(
    "period",
    [("--month", "2020-01"), ("--since", "2026-12-01"), ("--month", "2026-11")],
)
def test_a_period_without_entries_or_days_yet_still_makes_a_page(
    invoke: Invoke, tmp_path: Path, period: tuple[str, ...]
) -> None:
    """Before the history, after now, or a month begun at now: zeros and charts, no failure."""
    _, page = _report(invoke, tmp_path, *period)
    shown = figures(page)
    assert shown["spent"] == ("0", None)
    assert shown["balance"][0] != ""
    assert page.count("<svg") == 3


def test_a_past_balance_below_zero_still_draws() -> None:
    """A ledger holding grants the balance does not show walks the past balance below 0."""
    now = datetime(2026, 11, 1, tzinfo=UTC)
    ledger = _HostileLedger(granted=Decimal(100))
    balance = Balance((UnitBucket(1, "t", Decimal(1), None),))
    data = gather(
        ledger,
        period=Period.ending(date(2026, 10, 15), 10),  # every day of it below 0
        balance=balance,
        outlook=ledger_forecast(balance, ledger, now=now),
        source="s",
    )
    assert max(b for _, b in data.balance_by_day) < 0
    assert render_html(data).count("<svg") == 3


def test_until_alone_is_the_30_days_up_to_it(invoke: Invoke, tmp_path: Path) -> None:
    """--until DAY without --since: the 30 days that end on it."""
    _, page = _report(invoke, tmp_path, "--until", "2026-10-15")
    assert 'data-period-first="2026-09-16" data-period-last="2026-10-15"' in page


@pytest.mark.parametrize("case", ["directory", "read-only"])
def test_an_output_that_cannot_be_written_is_one_line_before_any_request(
    invoke: Invoke,
    service: MockService,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
) -> None:
    """A directory, or a place this user may not write (os.access: root may write anywhere)."""
    target = tmp_path / "out"
    target.mkdir()
    if case == "read-only":
        monkeypatch.setattr("os.access", lambda *_args, **_kw: False)
        target = target / "r.html"
    run = invoke("report", "--db", str(tmp_path / "l.sqlite3"), "-o", str(target))
    assert run.exit_code == (2 if case == "directory" else 1)  # click's own check: usage
    assert run.stderr.count("\n") == 1
    assert ("is a directory" if case == "directory" else "permission denied") in run.stderr
    assert service.log.count == 0
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


BUDGET_ROW = re.compile(
    r'data-budget-action="([^"]*)" data-budget="([^"]*)" data-spent="([^"]*)" '
    r'data-used="([^"]*)" data-over="(true|false)"'
)
IN_OCTOBER = "2026-10-31T23:00Z"
"""An as-of with spending in its month, so the budgets have something to hold."""


def test_budgets_are_status_jsons_and_the_headline_marks_over(
    invoke: Invoke, tmp_path: Path
) -> None:
    """Each budget's figures on the page are status json's; one over marks the headline."""
    budgets = ("--monthly-budget", "3000", "--budget", "api_colorize=40", "--budget", "none=9")
    db = ("--db", str(tmp_path / "l.sqlite3"))
    out = tmp_path / "report.html"
    run = invoke("report", *db, "--as-of", IN_OCTOBER, "-o", str(out), *budgets)
    assert run.exit_code == 0, run.stderr
    page = out.read_text(encoding="utf-8")
    status_run = invoke(
        "status", *db, "--no-sync", "--as-of", IN_OCTOBER, "--format", "json", *budgets
    )
    assert status_run.exit_code == 3  # api_colorize is over its 40 units this month
    uses = exact_json.loads(status_run.stdout)["budgets"]
    shown = [
        (action or None, Decimal(budget), Decimal(spent), Decimal(used), over == "true")
        for action, budget, spent, used, over in BUDGET_ROW.findall(page)
    ]
    assert shown == [
        (use["action"], use["budget"], use["spent"], use["used"], use["over"]) for use in uses
    ]
    assert [use["over"] for use in uses] == [False, True, False]
    assert figures(page)["budget"] == ("over", None)
    assert 'class="figure budget over"' in page
    assert "OVER budget" in page
    assert "1 of 3 budgets over" in page


def test_budgets_within_are_marked_within(invoke: Invoke, tmp_path: Path) -> None:
    """No budget over: the headline says within, and no row is marked over."""
    _, page = _report(invoke, tmp_path, "--monthly-budget", "1e9")
    assert figures(page)["budget"] == ("within", None)
    assert [row[4] for row in BUDGET_ROW.findall(page)] == ["false"]
    assert "OVER" not in page


def test_without_budgets_the_page_has_no_budget_section(invoke: Invoke, tmp_path: Path) -> None:
    """No budget given: neither the section nor the headline marker."""
    _, page = _report(invoke, tmp_path)
    assert "budget" not in figures(page)
    assert 'id="budgets"' not in page


def test_the_accounts_price_and_budgets_reach_the_report(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An account with a price and a budget: the report shows both without any option."""
    config = tmp_path / "config.toml"
    config.write_text(
        'default_account = "p"\n[accounts.p]\naccess_token_env = "YOUCAM_ACCESS_TOKEN"\n'
        'db = "p.sqlite3"\nunit_price = 0.5\ncurrency = "EUR"\nmonthly_budget = 40\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("YOUCAM_UNITS_CONFIG", str(config))
    out = tmp_path / "report.html"
    run = invoke("report", "--as-of", IN_OCTOBER, "-o", str(out))
    assert run.exit_code == 0, run.stderr
    page = out.read_text(encoding="utf-8")
    assert 'data-currency="EUR" data-unit-price="0.5"' in page
    (row,) = BUDGET_ROW.findall(page)
    assert (row[0], row[1]) == ("", "40")


def test_a_balance_past_28_digits_is_drawn_to_the_cent() -> None:
    """10**30 units at 0.05 USD: money and projections are rounded once, every digit kept.

    The report rounded with the default decimal context (28 digits), which raises past it.
    """
    now = datetime(2026, 11, 1, tzinfo=UTC)
    ledger = _HostileLedger()
    huge = Decimal(10) ** 30
    balance = Balance((UnitBucket(1, "t", huge, now + timedelta(days=3)),))
    data = gather(
        ledger,
        period=Period.ending(date(2026, 10, 31), 30),
        balance=balance,
        outlook=ledger_forecast(balance, ledger, now=now),
        source="s",
        price=UnitPrice(Decimal("0.05"), "USD"),
    )
    page = render_html(data)
    assert f"{huge * Decimal('0.05'):,.2f}" in page  # the balance's worth, to the cent
    assert f"{huge:,.2f}" in page  # the units expiring within 30 days


def test_spend_per_action_columns_share_one_number_of_decimals(
    invoke: Invoke, tmp_path: Path
) -> None:
    """Spent and the previous period line up on the point: 40.00 beside 63.52, never 40."""
    _, page = _report(invoke, tmp_path, "--month", "2026-10")
    table = page.split("Spend per action")[-1].split("</table>")[0]
    rows = [
        re.findall(r"<td[^>]*>([^<]*)</td>", row)
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.DOTALL)
        if "<td" in row
    ]
    assert len(rows) > 2
    for column in (2, 3):  # spent, previous period (no price: no money column)
        cells = [row[column] for row in rows]
        decimals = {len(cell.partition(".")[2]) for cell in cells}
        assert decimals == {2}, cells
