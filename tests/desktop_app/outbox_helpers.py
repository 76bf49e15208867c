"""Reports and queued deliveries for the outbox and sender tests."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from desktop_app.history import HistoryStore
from desktop_app.outbox import Outbox
from desktop_app.paths import AppPaths, app_paths
from desktop_app.render import render_html, render_text
from desktop_app.report import LeadsKpis, Report, SalesKpis
from desktop_app.secrets import Secret, set_secret
from desktop_app.settings import Settings

IST = ZoneInfo("Asia/Kolkata")
DAY = dt.date(2026, 11, 24)
SIX_PM = dt.datetime(2026, 11, 24, 18, 0, tzinfo=IST)
API_HASH = "0123456789abcdef0123456789abcdef"
BOT_TOKEN = "123456:AAE-secret-bot-token-from-the-test"


def make_report(day: dt.date = DAY, total: float = 235000, *, business: str = "Shree Ganesh Traders",
                generated_at: dt.datetime = SIX_PM, by_source: dict[str, int] | None = None,
                warnings: list[str] | None = None) -> Report:
    report = Report(date=day, currency="INR", business=business,
                    sales=SalesKpis(total=total, orders=12, avg_order=total / 12),
                    leads=LeadsKpis(count=sum((by_source or {"IndiaMART": 3}).values()),
                                    by_source=by_source or {"IndiaMART": 3}),
                    attendance=None, warnings=warnings or [], generated_at=generated_at)
    report.text, report.html = render_text(report), render_html(report)
    return report


def telegram_settings(*destinations: str, account: str = "bot") -> Settings:
    settings = Settings()
    settings.telegram.enabled = True
    settings.telegram.account = account
    settings.telegram.destinations = list(destinations or ["@owner_ramesh"])
    return settings


def paths() -> AppPaths:
    return app_paths().ensure()


def queue(report: Report, destinations: list[str], *, hold_until: dt.datetime | None = None,
          now: dt.datetime | None = None) -> list[int]:
    """Save the report and its deliveries in one transaction, as the pipeline does."""
    store = HistoryStore(paths().history_db)
    outbox = Outbox(store.path)
    with store.transaction() as conn:
        revision = store.save_in(conn, report)
        return outbox.enqueue_in(conn, report, revision, destinations, hold_until=hold_until,
                                 now=now or report.generated_at)


def signed_in(session: str = "1StoredSession") -> None:
    set_secret(Secret.TELEGRAM_API_ID, "123456")
    set_secret(Secret.TELEGRAM_API_HASH, API_HASH)
    set_secret(Secret.TELEGRAM_SESSION, session)
