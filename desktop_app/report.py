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
class GoalProgress:
    """One monthly target: month-to-date against it, what each remaining open day needs, the projection."""

    metric: Literal["sales", "leads", "attendance"]
    target: float  # the month's total (sales, leads) or the average rate to hold (attendance, %)
    actual: float  # month to date: total, or the average rate over the open days so far
    pct: float | None  # actual / target x 100
    open_days_done: int  # open days of the month up to and including the report date
    open_days_left: int  # open days after the report date
    needed_per_day: float | None = None  # (target - actual) / open_days_left; None once met or no days left
    projection: float | None = None  # the month at the current pace per open day
    met_on: str | None = None  # the date the target was reached (this month)
    days_missing: int = 0  # open days of the month so far with no figures (before the app or a source)


@dataclass
class Driver:
    """What moved a number: one product/channel/branch/lead source's part in the change."""

    metric: Literal["sales", "leads"]
    against: Literal["previous", "week"]  # the previous open day, or the same weekday last week
    against_date: str
    change: float  # the metric's whole change
    by: str  # the column: product, channel, branch, source
    name: str
    part: float  # this item's change
    share_pct: float  # part / change x 100


@dataclass
class Anomaly:
    """A KPI far from a normal day of the same weekday (median and MAD of up to 8 past weeks)."""

    metric: Literal["sales", "orders", "leads", "attendance"]
    value: float
    median: float
    ratio: float | None  # value / median (None when the median is 0)
    weeks: int  # comparable days the baseline was built from (at least 4)
    direction: Literal["high", "low"]
    weekday: str  # "Tuesday"
    text: str  # "2.8× a normal Tuesday"


@dataclass
class BranchLine:
    """One branch's sales for the day; the report's sales block is their total."""

    branch: str
    total: float
    orders: int
    avg_order: float | None
    prev_total: float | None = None
    change_pct: float | None = None


@dataclass
class BranchDay:
    """One branch's day in the head office's consolidated report (None: that figure was not reported)."""

    branch: str
    reported: bool  # False: no report from this branch for the day yet (its figures are all None)
    sales: float | None = None
    orders: int | None = None
    avg_order: float | None = None
    leads: int | None = None
    present: int | None = None
    headcount: int | None = None
    attendance_pct: float | None = None
    prev_date: str | None = None  # the branch's previous day with a report
    prev_sales: float | None = None
    sales_change_pct: float | None = None
    week_ago_sales: float | None = None  # the same weekday last week
    sales_week_change_pct: float | None = None
    prev_leads: int | None = None
    week_ago_leads: int | None = None
    leads_week_change: int | None = None
    attendance_change_pp: float | None = None
    sales_rank: int | None = None  # 1 = the most sales of the day
    sales_share_pct: float | None = None  # of the whole business's sales
    complete: bool | None = None  # the branch's own report had every source
    generated_at: str | None = None  # when the branch made its report


@dataclass
class Consolidated:
    """The head office's block: every branch's day, which have not reported, and the rankings."""

    branches: list[BranchDay]
    missing: list[str] = field(default_factory=list)  # branches with no report for the day yet
    ranking: dict[str, list[str]] = field(default_factory=dict)  # metric -> branch names, best first

    @property
    def partial(self) -> bool:
        return bool(self.missing)

    def to_dict(self) -> dict[str, Any]:
        return {"branches": [asdict(day) for day in self.branches], "missing": list(self.missing),
                "partial": self.partial, "reported": sum(1 for day in self.branches if day.reported),
                "expected": len(self.branches), "ranking": {key: list(value) for key, value in self.ranking.items()}}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Consolidated:
        names = BranchDay.__dataclass_fields__
        return cls(branches=[BranchDay(**{key: value for key, value in item.items() if key in names})
                             for item in data.get("branches") or []],
                   missing=list(data.get("missing") or []),
                   ranking={key: list(value) for key, value in (data.get("ranking") or {}).items()})


@dataclass
class Correction:
    """A past day whose numbers changed because a source changed (a refund, an edited bill)."""

    date: str
    metric: str
    was: float | None
    now: float | None


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
    closed: bool = False  # the business was closed that day (a weekday it does not open, or a holiday)
    goals: list[GoalProgress] = field(default_factory=list)
    drivers: list[Driver] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    branches: list[BranchLine] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)  # alert rules that fired for this day
    numbers_checked: int = 0  # numbers in the AI bullets matched against the data by the guard
    consolidated: Consolidated | None = None  # the head office's report: every branch's day (see consolidated.py)

    @property
    def complete(self) -> bool:
        """Every domain that has a source reported, and none failed or went stale; for the head office's
        report, every branch reported and each branch's own report was complete."""
        if self.consolidated is not None and (self.consolidated.partial or any(
                day.complete is False for day in self.consolidated.branches)):
            return False
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
            "closed": self.closed,
            "goals": [asdict(goal) for goal in self.goals],
            "drivers": [asdict(driver) for driver in self.drivers],
            "anomalies": [asdict(anomaly) for anomaly in self.anomalies],
            "branches": [asdict(line) for line in self.branches],
            "corrections": [asdict(item) for item in self.corrections],
            "alerts": list(self.alerts),
            "numbers_checked": self.numbers_checked,
            "consolidated": self.consolidated.to_dict() if self.consolidated else None,
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
            closed=bool(data.get("closed", False)),
            goals=[build(GoalProgress, item) for item in data.get("goals") or []],
            drivers=[build(Driver, item) for item in data.get("drivers") or []],
            anomalies=[build(Anomaly, item) for item in data.get("anomalies") or []],
            branches=[build(BranchLine, item) for item in data.get("branches") or []],
            corrections=[build(Correction, item) for item in data.get("corrections") or []],
            alerts=list(data.get("alerts") or []),
            numbers_checked=int(data.get("numbers_checked") or 0),
            consolidated=Consolidated.from_dict(data["consolidated"]) if data.get("consolidated") else None,
        )
