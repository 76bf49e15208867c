"""A report as the owner reads it: plain text (terminal, CSV log) and Telegram-ready HTML."""

from __future__ import annotations

import datetime as dt
from html import escape

from babel.dates import format_date

from .formatting import arrow_pct, arrow_pp, money, number
from .render_branches import branch_day_lines, business_label, partial_line
from .render_meaning import (
    anomaly_line,
    branch_lines,
    checked_line,
    closed_line,
    correction_lines,
    driver_lines,
    goal_line,
)
from .report import Report


def _short_day(iso: str | None, locale: str) -> str:
    return format_date(dt.date.fromisoformat(iso), "EEE d MMM", locale=locale) if iso else "previous day"


def _vs(change: float | None, label: str, formatter=arrow_pct) -> str | None:
    return None if change is None else f"{formatter(change)} vs {label}"


def _sales_lines(report: Report) -> list[tuple[str, str]]:
    s, loc, cur = report.sales, report.locale, report.currency
    if s is None:
        return [("💰", "Sales: no data (see warnings)")]
    changes = [text for text in (
        _vs(s.change_pct, _short_day(s.prev_date, loc)),
        _vs(s.week_change_pct, "last " + format_date(report.date, "EEE", locale=loc)),
    ) if text]
    avg = money(s.avg_order, cur, loc, whole=abs(s.avg_order) >= 100) if s.avg_order is not None else "–"
    return [
        ("💰", f"Sales: {money(s.total, cur, loc)}" + (f" ({'; '.join(changes)})" if changes else "")),
        ("🧾", f"Orders: {number(s.orders, loc)} · Avg order {avg}"
         + (f" · Returns {money(s.returns, cur, loc)}" if s.returns else "")),
    ]


def _leads_line(report: Report) -> tuple[str, str]:
    leads = report.leads
    if leads is None:
        return ("🧑‍💼", "Leads: no data (see warnings)")
    text = f"Leads: {number(leads.count, report.locale)}"
    change = _vs(leads.change_pct, _short_day(leads.prev_date, report.locale))
    if change:
        text += f" ({change})"
    if leads.by_source:
        top = list(leads.by_source.items())[:4]
        text += " — " + ", ".join(f"{source} {count}" for source, count in top)
        if len(leads.by_source) > 4:
            text += f", +{sum(list(leads.by_source.values())[4:])} other"
    return ("🧑‍💼", text)


def _attendance_line(report: Report) -> tuple[str, str]:
    att = report.attendance
    if att is None:
        return ("🏢", "Attendance: no data (see warnings)")
    if not att.headcount:
        return ("🏢", "Attendance: nobody recorded for the day")
    rate = f"{att.rate_pct:.1f}%" if att.rate_pct is not None else "–"
    text = f"Attendance: {att.present}/{att.headcount} present ({rate}"
    change = _vs(att.change_pp, _short_day(att.prev_date, report.locale), arrow_pp)
    text += f", {change})" if change else ")"
    text += f" · {att.absent} absent" + (" · headcount estimated" if att.headcount_estimated else "")
    return ("🏢", text)


def _lines(report: Report) -> tuple[str, list[tuple[str, str]]]:
    title = f"Daily Business Summary — {format_date(report.date, 'EEE d MMM y', locale=report.locale)}"
    if report.demo:
        title += " · DEMO"
    if report.closed:  # one line: no red arrows against an open day, no 0% attendance
        return title, [("🔒", closed_line(report))]
    partial = partial_line(report)
    lines = [("⏳", partial)] if partial else []
    lines += _sales_lines(report)
    lines += [("🏬", text) for text in branch_lines(report)]
    lines += [_leads_line(report), _attendance_line(report)]
    lines += [("🎯", goal_line(goal, report)) for goal in report.goals]
    lines += [("🔍", text) for text in driver_lines(report)]
    unusual = anomaly_line(report)
    if unusual:
        lines.append(("⚠️", unusual))
    lines += [("🏬", text) for text in branch_day_lines(report)]
    lines += [("🔔", f"Alert: {text}") for text in report.alerts]
    lines += [("↺", text) for text in correction_lines(report)]
    return title, lines


def _closing(report: Report) -> list[str]:
    line = None if report.closed else checked_line(report)
    return ["", line] if line else []


def _badge(report: Report) -> str:
    if report.engine == "ai":
        return "AI, numbers checked"
    return "rules" + (f": {report.engine_reason}" if report.engine_reason else "")


def render_text(report: Report) -> str:
    title, lines = _lines(report)
    out = [f"📅 {title}", f"🏪 {business_label(report)}", ""]
    out += [f"{icon} {text}" for icon, text in lines]
    if report.insights and not report.closed:
        out += ["", f"🧠 Insights ({_badge(report)})"]
        out += [f"• {bullet}" for bullet in report.insights]
    if report.warnings:
        out += ["", "⚠️ Warnings"]
        out += [f"• {warning}" for warning in report.warnings]
    out += _closing(report)
    return "\n".join(out)


def render_html(report: Report) -> str:
    """Telegram HTML: only <b>/<i>, and every piece of data escaped (<, >, &)."""
    title, lines = _lines(report)
    out = [f"📅 <b>{escape(title, quote=False)}</b>", f"🏪 {escape(business_label(report), quote=False)}", ""]
    for icon, text in lines:
        label, _, rest = text.partition(":")
        out.append(f"{icon} <b>{escape(label, quote=False)}:</b>{escape(rest, quote=False)}")
    if report.insights and not report.closed:
        out += ["", f"🧠 <b>Insights</b> <i>({escape(_badge(report), quote=False)})</i>"]
        out += [f"• {escape(bullet, quote=False)}" for bullet in report.insights]
    if report.warnings:
        out += ["", "⚠️ <b>Warnings</b>"]
        out += [f"• {escape(warning, quote=False)}" for warning in report.warnings]
    out += [f"<i>{escape(line, quote=False)}</i>" if line else line for line in _closing(report)]
    return "\n".join(out)


def late_note(computed_at: dt.datetime, sent_at: dt.datetime, zone: dt.tzinfo) -> str:
    """'computed 18:00, sent 18:40' in the business's time zone; the day is named when it changed."""
    computed, sent = computed_at.astimezone(zone), sent_at.astimezone(zone)
    if computed.date() == sent.date():
        return f"computed {computed:%H:%M}, sent {sent:%H:%M}"
    return f"computed {computed:%a %d %b %H:%M}, sent {sent:%a %d %b %H:%M}"


def with_header_notes(html: str, notes: list[str]) -> str:
    """Telegram HTML with italic notes (late, possible duplicate) right under the title line."""
    if not notes:
        return html
    title, newline, rest = html.partition("\n")
    lines = "\n".join(f"<i>{escape(note, quote=False)}</i>" for note in notes)
    return f"{title}\n{lines}{newline}{rest}"
