"""The fixed set of question types, computed locally in pandas from the report history.

Every number an answer carries is in `Answer.numbers` (the number guard's payload), so whoever
words the answer (the LLM or the rules) can only repeat numbers computed here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from connectors.base import NOT_SALE_STATUSES

from ..history import HistoryStore
from ..insights.payload import NumberKind, PayloadNumber

QuestionType = Literal["totals", "compare", "top_sources", "top_products", "top_channels", "best_worst", "day",
                       "absents_weekday"]
Period = Literal["today", "yesterday", "week", "month", "date"]
QUESTION_TYPES: tuple[str, ...] = ("totals", "compare", "top_sources", "top_products", "top_channels", "best_worst",
                                   "day", "absents_weekday")
PERIODS: tuple[str, ...] = ("today", "yesterday", "week", "month", "date")
WEEKDAYS: tuple[str, ...] = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAX_LABEL = 40
_CONTACT = re.compile(  # an e-mail, a phone (10-14 digits, spaces or dashes between; not a date), a link
    r"[\w.+-]+@[\w-]+\.[\w.]+|(?<![\d-])\+?\d(?:[ -]?\d){9,13}(?![\d-])|https?://\S+|www\.\S+", re.IGNORECASE)
SalesFrames = Callable[[], "pd.DataFrame | None"]  # the sales sources' cached frames, read when a question needs them


@dataclass
class Answer:
    """What one question type found: the lines the rules say, and every number in them."""

    kind: str
    lines: list[str]
    numbers: list[PayloadNumber] = field(default_factory=list)
    facts: dict[str, object] = field(default_factory=dict)  # what the LLM is given to word

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def has_contact(text: str) -> bool:
    """Does the text carry something that looks like a phone, an e-mail address or a link?"""
    return _CONTACT.search(text) is not None


def safe_label(label: str) -> str:
    """A lead-source label as the bot may show it: no contact details, cut to a readable length."""
    text = _CONTACT.sub("(contact hidden)", " ".join(str(label).split()))
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def money(value: float) -> str:
    from babel.numbers import format_decimal

    return "₹" + format_decimal(round(value), format="#,##,##0", locale="en_IN")


def history_frame(store: HistoryStore, first: dt.date, last: dt.date) -> pd.DataFrame:
    """One row per reported day in first..last: sales, orders, leads, absents, attendance and sources."""
    rows = []
    for day, body in store.bodies(first, last).items():
        sales, leads, att = body.get("sales") or {}, body.get("leads") or {}, body.get("attendance") or {}
        rows.append({
            "date": day, "sales": sales.get("total"), "orders": sales.get("orders"),
            "leads": leads.get("count"), "by_source": leads.get("by_source") or {},
            "absent": att.get("absent"), "present": att.get("present"), "rate_pct": att.get("rate_pct"),
            "closed": bool(body.get("closed")),
        })
    frame = pd.DataFrame(rows, columns=["date", "sales", "orders", "leads", "by_source", "absent", "present",
                                        "rate_pct", "closed"])
    frame["closed"] = frame["closed"].astype(bool)
    for column in ("sales", "orders", "leads", "absent", "present", "rate_pct"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame


def period_range(period: str, latest: dt.date, day: dt.date | None = None) -> tuple[dt.date, dt.date, str]:
    """Dates of a period, counted back from the latest report (not the clock: the PC may be behind)."""
    if period == "date" and day is not None:
        return day, day, day.isoformat()
    if period == "yesterday":
        moment = latest - dt.timedelta(days=1)
        return moment, moment, moment.isoformat()
    if period == "week":
        return latest - dt.timedelta(days=6), latest, f"the 7 days to {latest.isoformat()}"
    if period == "month":
        return latest - dt.timedelta(days=29), latest, f"the 30 days to {latest.isoformat()}"
    return latest, latest, latest.isoformat()


def previous_range(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    span = (last - first).days + 1
    return first - dt.timedelta(days=span), first - dt.timedelta(days=1)


class Questions:
    """Answers each question type from `store`."""

    def __init__(self, store: HistoryStore, sales_frames: SalesFrames | None = None):
        self.store = store
        self.sales_frames = sales_frames or (lambda: None)

    def answer(self, kind: str, period: str = "today", day: dt.date | None = None, top: int = 5,
               weekday: str = "") -> Answer:
        latest = self.store.latest_date()
        if latest is None:
            return Answer(kind, ["I have no reports yet: the first evening report starts the history."])
        if kind not in QUESTION_TYPES:
            kind = "totals"
        if kind in ("top_products", "top_channels"):
            first, last, label = period_range(period, latest, day)
            answer = self._top_sales(kind, first, last, label, top)
            self._period_numbers(answer, first, last)
            return answer
        if kind == "absents_weekday" and period in ("today", "yesterday", "date"):
            period = "month"
        if kind == "day":
            period = "date" if day else ("yesterday" if period == "yesterday" else "today")
        elif period in ("today", "yesterday", "date") and kind in ("best_worst", "compare"):
            period = "week"
        first, last, label = period_range(period, latest, day)
        frame = history_frame(self.store, first, last)
        if frame.empty:
            known = self._first_date()
            since = f" (history starts {known.isoformat()})" if known else ""
            return Answer(kind, [f"I have no report for {label}{since}."])
        if kind == "absents_weekday":
            answer = self._absents_weekday(frame, first, last, label, weekday)
        else:
            method = {"totals": self._totals, "compare": self._compare, "top_sources": self._top_sources,
                      "best_worst": self._best_worst, "day": self._totals}[kind]
            answer = method(frame, first, last, label, top)
        if kind == "day":
            products = self._top_sales("top_products", first, last, label, 3)
            if products.numbers:
                answer.lines += ["Top products:", *products.lines[1:]]
                answer.numbers += products.numbers
        answer.kind = kind
        self._period_numbers(answer, first, last)
        return answer

    def _period_numbers(self, answer: Answer, first: dt.date, last: dt.date) -> None:
        answer.numbers.append(PayloadNumber(float((last - first).days + 1), "count", "context_days"))
        for moment in (first, last):
            answer.numbers.append(PayloadNumber(float(moment.day), "count", "period.date"))
            answer.numbers.append(PayloadNumber(float(moment.year), "count", "period.year"))

    def _top_sales(self, kind: str, first: dt.date, last: dt.date, label: str, top: int) -> Answer:
        """Top products or channels by sales amount, from the sales sources' cached frames (history keeps
        only totals)."""
        column, what = ("product", "products") if kind == "top_products" else ("channel", "channels")
        frame = self.sales_frames()
        if frame is None or frame.empty:
            return Answer(kind, [f"I cannot rank {what}: no sales source could be read on this PC."])
        if column not in frame or frame[column].isna().all():
            return Answer(kind, [f"I cannot rank {what}: your sales sources have no {column} column."])
        if "status" in frame:
            frame = frame[~frame["status"].isin(NOT_SALE_STATUSES)]
        days = pd.to_datetime(frame["ordered_at"]).dt.date
        rows = frame[(days >= first) & (days <= last)]
        if rows.empty:
            return Answer(kind, [f"I have no sales rows for {label}: the sales sources cover "
                                 f"{days.min().isoformat()} to {days.max().isoformat()}."])
        labels = rows[column].astype("string").str.strip().fillna("(none)").map(safe_label)
        sums = rows["amount"].groupby(labels).sum().sort_values(ascending=False, kind="stable")
        total = float(rows["amount"].sum())
        answer = Answer(kind, [f"Top {what} by sales, {label}:"])
        for rank, (name, amount) in enumerate(sums.head(top).items(), start=1):
            share = round(float(amount) / total * 100, 1) if total else 0.0
            # paths under "sales.": the guard binds "₹84,021 of sales" to the sales family
            self._number(answer, f"sales.{column}.{name}", float(amount), "money")
            self._number(answer, f"sales.{column}.{name}.share_pct", share, "pct")
            self._number(answer, "sales.rank", rank, "count")
            answer.lines.append(f"{rank}. {name}: {money(float(amount))} ({share:g}% of sales)")
        answer.facts[what] = {str(key): float(value) for key, value in sums.head(top).items()}
        return answer

    def _absents_weekday(self, frame: pd.DataFrame, first: dt.date, last: dt.date, label: str,
                         weekday: str) -> Answer:
        """Absents on one weekday over the period (or the average per weekday when none was named)."""
        att = frame[~frame["closed"]].dropna(subset=["absent"])
        if att.empty:
            return Answer("absents_weekday", [f"I have no attendance for {label}."])
        weekdays = att["date"].map(lambda moment: WEEKDAYS[moment.weekday()])
        answer = Answer("absents_weekday", [])
        if weekday in WEEKDAYS:
            days = att[weekdays == weekday]
            answer.lines.append(f"Absents on {weekday}s, {label}:")
            if days.empty:
                answer.lines.append(f"No {weekday} with attendance in that period.")
            for _, row in days.iterrows():  # "3 absent on Sat 21 Nov": the guard reads 21 as a date, 3 as absents
                self._number(answer, f"absent.{row['date'].isoformat()}", row["absent"], "count")
                self._number(answer, "date", row["date"].day, "count")
                answer.lines.append(f"{row['absent']:.0f} absent on {row['date'].strftime('%a %d %b')}")
            if len(days) > 1:
                average = round(float(days["absent"].mean()), 1)
                self._number(answer, "absent.total", days["absent"].sum(), "count")
                self._number(answer, "absent.average", average, "count")
                answer.lines.append(f"Total {days['absent'].sum():.0f} over {len(days)} {weekday}s, "
                                    f"{average:g} on average")
                self._number(answer, "absent.weekdays", len(days), "count")
        else:
            means = att["absent"].groupby(weekdays).mean().reindex(list(WEEKDAYS)).dropna()
            answer.lines.append(f"Absents a day by weekday, {label}:")
            for name, value in means.items():
                self._number(answer, f"absent.{name}", round(float(value), 1), "count")
                answer.lines.append(f"{name}s: {round(float(value), 1):g} absent a day")
        if att["date"].min() > first:
            answer.lines.append(f"I have no attendance before {att['date'].min().isoformat()}.")
        return answer

    def _first_date(self) -> dt.date | None:
        bodies = self.store.bodies(dt.date(1900, 1, 1), dt.date(9999, 12, 31))
        return min(bodies) if bodies else None

    def _gaps(self, frame: pd.DataFrame, first: dt.date, last: dt.date) -> list[str]:
        notes = []
        days = (last - first).days + 1
        if len(frame) < days:
            notes.append(f"(reports for {len(frame)} of {days} days)")
        att = frame.dropna(subset=["absent"])
        if att.empty:
            notes.append(f"I have no attendance for {first.isoformat()}–{last.isoformat()}.")
        elif att["date"].min() > first:
            notes.append(f"I have no attendance before {att['date'].min().isoformat()}.")
        return notes

    def _totals(self, frame: pd.DataFrame, first: dt.date, last: dt.date, label: str, top: int) -> Answer:
        answer = Answer("totals", [f"{label[:1].upper()}{label[1:]}:"])
        self._add(answer, "sales", frame["sales"].sum(min_count=1), "money", "Sales")
        self._add(answer, "orders", frame["orders"].sum(min_count=1), "count", "Orders")
        self._add(answer, "leads", frame["leads"].sum(min_count=1), "count", "New leads")
        self._add(answer, "absent", frame["absent"].sum(min_count=1), "count", "Absents")
        if first == last and not frame.empty:
            sources = frame.iloc[0]["by_source"] or {}
            for source, count in sorted(sources.items(), key=lambda item: -item[1])[:top]:
                self._add(answer, f"leads.{safe_label(source)}", count, "count", f"  from {safe_label(source)}")
        answer.lines += self._gaps(frame, first, last)
        return answer

    def _compare(self, frame: pd.DataFrame, first: dt.date, last: dt.date, label: str, top: int) -> Answer:
        before_first, before_last = previous_range(first, last)
        before = history_frame(self.store, before_first, before_last)
        answer = Answer("compare", [f"{label[:1].upper()}{label[1:]} against the {len(before)} reported days before:"])
        if before.empty:
            answer.lines = [f"I have no reports before {first.isoformat()} to compare {label} with."]
            return answer
        for column, kind, name in (("sales", "money", "Sales"), ("orders", "count", "Orders"),
                                   ("leads", "count", "New leads"), ("absent", "count", "Absents")):
            now, then = frame[column].sum(min_count=1), before[column].sum(min_count=1)
            if pd.isna(now) or pd.isna(then):
                continue
            self._number(answer, f"{column}.now", now, kind)
            self._number(answer, f"{column}.before", then, kind)
            shown = money if kind == "money" else (lambda value: f"{value:,.0f}")
            line = f"{name}: {shown(now)} vs {shown(then)}"
            if then:
                change = round((now - then) / then * 100, 1)
                self._number(answer, f"{column}.change_pct", change, "pct")
                line += f" ({'up' if change >= 0 else 'down'} {abs(change):g}%)"
            answer.lines.append(line)
            answer.facts[column] = {"now": float(now), "before": float(then)}
            if column == "sales":
                per_day, per_day_before = now / _open_days(frame), then / _open_days(before)
                self._number(answer, "sales.avg_day", per_day, "money")
                self._number(answer, "sales.avg_day_before", per_day_before, "money")
                answer.lines.append(f"Sales a day: {money(per_day)} vs {money(per_day_before)}")
        answer.lines += self._movers(first, last, before_first, before_last)
        answer.lines += self._gaps(frame, first, last)
        return answer

    def _movers(self, first: dt.date, last: dt.date, before_first: dt.date, before_last: dt.date) -> list[str]:
        """The products whose sales moved most against the period before: the "why" of a comparison
        (from the sales sources; nothing when they carry no products or do not reach back)."""
        frame = self.sales_frames()
        if frame is None or frame.empty or "product" not in frame or frame["product"].isna().all():
            return []
        if "status" in frame:
            frame = frame[~frame["status"].isin(NOT_SALE_STATUSES)]
        days = pd.to_datetime(frame["ordered_at"]).dt.date
        if days.min() > before_first:
            return [f"I have product rows only from {days.min().isoformat()}, so no product comparison."]
        labels = frame["product"].astype("string").str.strip().fillna("(none)").map(safe_label)
        now = frame["amount"][(days >= first) & (days <= last)].groupby(labels).sum()
        then = frame["amount"][(days >= before_first) & (days <= before_last)].groupby(labels).sum()
        both = pd.DataFrame({"now": now, "then": then}).fillna(0.0)
        both["change"] = both["now"] - both["then"]
        moved = both.reindex(both["change"].abs().sort_values(ascending=False, kind="stable").index).head(3)
        moved = moved[moved["change"] != 0]
        if moved.empty:
            return []
        lines = ["Biggest moves by product:"]
        for name, row in moved.iterrows():
            sign = "+" if row["change"] > 0 else "−"
            lines.append(f"{name}: {money(row['now'])} vs {money(row['then'])} ({sign}{money(abs(row['change']))})")
        return lines

    def _top_sources(self, frame: pd.DataFrame, first: dt.date, last: dt.date, label: str, top: int) -> Answer:
        counts: dict[str, int] = {}
        for sources in frame["by_source"]:
            for source, count in (sources or {}).items():
                name = safe_label(source)
                counts[name] = counts.get(name, 0) + int(count)
        if not counts:
            return Answer("top_sources", [f"I have no lead sources for {label}."])
        ranked = pd.Series(counts).sort_values(ascending=False, kind="stable").head(top)
        answer = Answer("top_sources", [f"Leads by source, {label}:"])
        for rank, (source, count) in enumerate(ranked.items(), start=1):
            self._number(answer, f"sources.{source}", count, "count")
            self._number(answer, "sources.rank", rank, "count")
            answer.lines.append(f"{rank}. {source}: {count}")
        answer.facts["leads_by_source"] = {str(key): int(value) for key, value in ranked.items()}
        return answer

    def _best_worst(self, frame: pd.DataFrame, first: dt.date, last: dt.date, label: str, top: int) -> Answer:
        sales = frame[~frame["closed"]].dropna(subset=["sales"])  # a closed Sunday is not the worst day
        if sales.empty:
            return Answer("best_worst", [f"I have no sales for {label}."])
        best, worst = sales.loc[sales["sales"].idxmax()], sales.loc[sales["sales"].idxmin()]
        answer = Answer("best_worst", [f"Sales, {label}:"])
        for name, row in (("Best day", best), ("Worst day", worst)):
            self._number(answer, f"{name}.sales", row["sales"], "money")
            self._number(answer, f"{name}.date", row["date"].day, "count")
            answer.lines.append(f"{name}: {row['date'].strftime('%a %d %b')}, {money(row['sales'])}")
            answer.facts[name] = {"date": row["date"].isoformat(), "sales": float(row["sales"])}
        return answer

    def _number(self, answer: Answer, path: str, value: float, kind: NumberKind) -> None:
        answer.numbers.append(PayloadNumber(float(value), kind, path))

    def _add(self, answer: Answer, path: str, value: float, kind: NumberKind, name: str) -> None:
        if pd.isna(value):
            return
        self._number(answer, path, value, kind)
        answer.lines.append(f"{name}: {money(value) if kind == 'money' else f'{value:,.0f}'}")
        answer.facts[path] = float(value)


def _open_days(frame: pd.DataFrame) -> int:
    """Days with sales that the business was open (a closed Sunday's ₹0 does not lower the average)."""
    return max(int((frame["sales"].notna() & ~frame["closed"]).sum()), 1)


# The rules' line labels in Hindi and Gujarati: a rules answer follows the question's language where a
# label is known (numbers, dates and source names stay as computed).
_LABELS: dict[str, tuple[str, str]] = {
    "Sales": ("बिक्री", "વેચાણ"), "Orders": ("ऑर्डर", "ઓર્ડર"), "New leads": ("नई लीड", "નવી લીડ"),
    "Absents": ("गैरहाज़िर", "ગેરહાજર"), "Sales a day": ("रोज़ की बिक्री", "દૈનિક વેચાણ"),
    "Best day": ("सबसे अच्छा दिन", "શ્રેષ્ઠ દિવસ"), "Worst day": ("सबसे कमज़ोर दिन", "સૌથી નબળો દિવસ"),
    "Top products": ("सबसे ज़्यादा बिकने वाले उत्पाद", "સૌથી વધુ વેચાતાં ઉત્પાદનો"),
}
_LINE = re.compile(r"^(\s*)([^:\n]+):")
_CHANGE = re.compile(r"\((up|down) ([\d.]+)%\)")


def localize(text: str, language: str) -> str:
    """The rules' answer with its labels in `language` (Hindi, Gujarati); English is returned as it is."""
    if language not in ("Hindi", "Gujarati"):
        return text
    column = 0 if language == "Hindi" else 1
    vs = (" बनाम ", " સામે ")[column]
    lines = []
    for line in text.split("\n"):
        found = _LINE.match(line)
        if found and found.group(2) in _LABELS:
            line = f"{found.group(1)}{_LABELS[found.group(2)][column]}:{line[found.end():]}"
            line = line.replace(" vs ", vs)
        lines.append(_CHANGE.sub(lambda m: f"({'+' if m.group(1) == 'up' else '−'}{m.group(2)}%)", line))
    return "\n".join(lines)
