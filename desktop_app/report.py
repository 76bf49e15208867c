"""The report: what one evening's run produced. Its JSON form is a public contract (docs/report.md).

Keys are only ever added, never renamed: users' scripts read `generate --json`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Engine = Literal["ai", "rules", "imported"]


@dataclass
class SalesKpis:
    total: float
    orders: int
    avg_order: float | None
    prev_date: str | None = None
    prev_total: float | None = None
    prev_orders: int | None = None
    change_pct: float | None = None
    week_ago_total: float | None = None
    week_change_pct: float | None = None
    avg_7d: float | None = None
    avg_order_change_pct: float | None = None
    returns: float = 0.0  # negative lines (returns, credit notes) already netted into total


@dataclass
class LeadsKpis:
    count: int
    by_source: dict[str, int]
    prev_date: str | None = None
    prev_count: int | None = None
    change_pct: float | None = None
    week_ago_count: int | None = None
    week_change_pct: float | None = None
    avg_7d: float | None = None


@dataclass
class AttendanceKpis:
    headcount: int
    present: int
    absent: int
    rate_pct: float | None
    headcount_estimated: bool = False
    prev_date: str | None = None
    prev_rate_pct: float | None = None
    change_pp: float | None = None
    week_ago_rate_pct: float | None = None
    week_change_pp: float | None = None


@dataclass
class SourceStatus:
    """How one source fared: shown by doctor, in the report and in the summary window."""

    name: str
    domain: str
    path: str
    status: Literal["ok", "stale", "failed", "disabled"]
    connector: str | None = None
    rows: int | None = None
    first_date: str | None = None
    last_date: str | None = None
    message: str | None = None
    kind: str = "file"  # or the live service: shopify, woocommerce, google_sheets...
    fetched_at: str | None = None  # live sources: the last good fetch (ISO 8601), what the numbers are as of


@dataclass
class Report:
    date: dt.date
    currency: str
    business: str
    sales: SalesKpis | None
    leads: LeadsKpis | None
    attendance: AttendanceKpis | None
    insights: list[str] = field(default_factory=list)
    engine: Engine = "rules"
    engine_reason: str | None = None
    warnings: list[str] = field(default_factory=list)
    sources: list[SourceStatus] = field(default_factory=list)
    demo: bool = False
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().astimezone())
    text: str = ""
    html: str = ""
    locale: str = "en_IN"
    llm_model: str | None = None  # the model that was asked (also when its answer was not used)
    llm_tokens: dict[str, int] | None = None  # {"prompt", "completion", "total"} spent on this report
    guard_dropped: int = 0  # AI bullets removed by the number guard

    @property
    def complete(self) -> bool:
        """Every domain that has a source reported, and none failed or went stale."""
        return all(status.status in ("ok", "disabled") for status in self.sources) and any(
            (self.sales, self.leads, self.attendance)
        )

    @property
    def exit_code(self) -> int:
        return 0 if self.complete else 3

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "currency": self.currency,
            "business": self.business,
            "demo": self.demo,
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "sales": asdict(self.sales) if self.sales else None,
            "leads": asdict(self.leads) if self.leads else None,
            "attendance": asdict(self.attendance) if self.attendance else None,
            "insights": list(self.insights),
            "engine": self.engine,
            "engine_reason": self.engine_reason,
            "llm_model": self.llm_model,
            "llm_tokens": dict(self.llm_tokens) if self.llm_tokens else None,
            "guard_dropped": self.guard_dropped,
            "warnings": list(self.warnings),
            "sources": [asdict(status) for status in self.sources],
            "complete": self.complete,
            "text": self.text,
            "html": self.html,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """Rebuild a report from its JSON (history); unknown keys from newer versions are ignored."""

        def build(kind: type, value: dict[str, Any] | None) -> Any:
            if value is None:
                return None
            names = kind.__dataclass_fields__
            return kind(**{key: item for key, item in value.items() if key in names})

        return cls(
            date=dt.date.fromisoformat(data["date"]),
            currency=data.get("currency", "INR"),
            business=data.get("business", ""),
            sales=build(SalesKpis, data.get("sales")),
            leads=build(LeadsKpis, data.get("leads")),
            attendance=build(AttendanceKpis, data.get("attendance")),
            insights=list(data.get("insights", [])),
            engine=data.get("engine", "rules"),
            engine_reason=data.get("engine_reason"),
            llm_model=data.get("llm_model"),
            llm_tokens=dict(data["llm_tokens"]) if data.get("llm_tokens") else None,
            guard_dropped=int(data.get("guard_dropped") or 0),
            warnings=list(data.get("warnings", [])),
            sources=[build(SourceStatus, item) for item in data.get("sources", [])],
            demo=bool(data.get("demo", False)),
            generated_at=dt.datetime.fromisoformat(data["generated_at"]) if data.get("generated_at")
            else dt.datetime.now().astimezone(),
            text=data.get("text", ""),
            html=data.get("html", ""),
        )
