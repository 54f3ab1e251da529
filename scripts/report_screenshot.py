"""Make docs/report.png, the README's picture of the report: the demo data's, in Chromium.

Run: uv run --frozen --all-extras python scripts/report_screenshot.py  (needs the system's
chromium; --all-extras: the cli and report extras that write the report, on a fresh clone too).
The page is loaded with every request but the file aborted, as in tests/report.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Route, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "report.png"
RUN = "uv run --frozen --all-extras python scripts/report_screenshot.py"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def main() -> None:
    """Write the demo report with a price, and screenshot its first screenful and a half."""
    chromium = shutil.which("chromium")
    if chromium is None:
        sys.exit("report_screenshot: chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as work:
        report = Path(work) / "report.html"
        command = [str(Path(sys.executable).parent / "youcam-units"), "report", "--demo"]
        written = subprocess.run(  # noqa: S603 - our own command, fixed arguments
            [*command, "--db", f"{work}/demo.sqlite3", "--unit-price", "0.05", "-o", str(report)],
            check=False,
            env={"XDG_DATA_HOME": work, "XDG_CACHE_HOME": work, "PATH": ""},
        )
        if written.returncode != 0:  # its own one-line error is above
            sys.exit(
                f"report_screenshot: youcam-units report failed (exit {written.returncode}); "
                f"run this script as {RUN}"
            )
        url = report.as_uri()

        def only_the_report(route: Route) -> None:
            if route.request.url == url:
                route.continue_()
            else:
                route.abort()

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=ARGS)
            page = browser.new_page(viewport={"width": 1100, "height": 1500})
            page.route("**/*", only_the_report)
            page.goto(url, wait_until="load")
            page.screenshot(path=str(TARGET))
            browser.close()
    print(TARGET)


if __name__ == "__main__":
    main()
