"""The email's HTML part: the summary window's KPI cards, insights and warnings, as mail clients render them.

Mail clients ignore <style> blocks and flexbox, so the layout is a table with inline styles; the colours
are the summary window's (`cards.TONE_COLORS` for changes, the same warning box). Every piece of data
is escaped.
"""

from __future__ import annotations

from html import escape

from babel.dates import format_date

from ..cards import TONE_COLORS, shown_cards
from ..day_coverage import is_partial
from ..render_branches import business_label, shop_lines
from ..report import Report

FONT = "font-family:-apple-system,'Segoe UI',Roboto,'Noto Sans',Arial,sans-serif"
MUTED = "#757575"
CARD = "background:#FFFFFF;border:1px solid #DADCE0;border-radius:8px;padding:10px 14px;vertical-align:top"
WARNING_BOX = "background:#FFF3E0;color:#6D4C41;border-radius:6px;padding:10px 14px"
NOTE_BOX = "background:#E8EAF6;color:#1A237E;border-radius:6px;padding:8px 12px;margin:0 0 12px 0"
BADGE = {"ai": ("#1B5E20", "#E8F5E9"), "rules": ("#37474F", "#ECEFF1")}
CARDS_PER_ROW = 3


def _badge(report: Report) -> str:
    if report.engine == "ai":
        text, tone = "AI, numbers checked", "ai"
    else:
        text, tone = "Rules" + (f": {report.engine_reason}" if report.engine_reason else ""), "rules"
    fg, bg = BADGE[tone]
    return (f"<span style='color:{fg};background:{bg};border-radius:9px;padding:2px 9px;font-size:12px;"
            f"font-weight:600'>{escape(text)}</span>")


def _card(data) -> str:
    changes = "<br>".join(f"<span style='color:{TONE_COLORS[c.tone]}'>{escape(c.text)}</span>"
                          for c in data.changes) or "&nbsp;"
    style = "color:#E65100;font-weight:600" if data.warning else f"color:{MUTED}"  # as the summary's card
    note = f"<div style='{style};font-size:12px;margin-top:4px'>{escape(data.note)}</div>" if data.note else ""
    return (f"<td style='{CARD}' width='33%'>"
            f"<div style='color:{MUTED};font-size:12px;font-weight:600;letter-spacing:.04em'>"
            f"{escape(data.title.upper())}</div>"
            f"<div style='font-size:24px;font-weight:700;color:#212121;margin:2px 0'>{escape(data.value)}</div>"
            f"<div style='font-size:13px'>{changes}</div>{note}</td>")


def _notes(notes: list[str]) -> str:
    if not notes:
        return ""
    return f"<div style='{NOTE_BOX}'>" + "<br>".join(f"<i>{escape(note)}</i>" for note in notes) + "</div>"


def _page(title: str, subtitle: str, inner: str) -> str:
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{escape(title)}</title></head>"
        f"<body style='margin:0;padding:0;background:#F5F5F5;{FONT}'>"
        "<table role='presentation' width='100%' cellpadding='0' cellspacing='0' style='background:#F5F5F5'>"
        "<tr><td align='center' style='padding:16px 8px'>"
        "<table role='presentation' width='100%' cellpadding='0' cellspacing='0' "
        "style='max-width:720px;background:#FAFAFA;border-radius:10px;padding:18px'>"
        f"<tr><td style='padding:4px 4px 12px 4px'><div style='font-size:22px;font-weight:700;color:#212121'>"
        f"{escape(title)}</div><div style='color:{MUTED};font-size:13px'>{escape(subtitle)}</div></td></tr>"
        f"<tr><td>{inner}</td></tr>"
        f"<tr><td style='color:{MUTED};font-size:11px;padding-top:14px'>Sent by Business Orchestrator from the "
        "owner's PC. The plain-text part of this email is the same report as the Telegram message.</td></tr>"
        "</table></td></tr></table></body></html>"
    )


def report_html(report: Report, notes: list[str]) -> str:
    cards = shown_cards(report)
    rows = []
    for start in range(0, len(cards), CARDS_PER_ROW):
        cells = "".join(_card(card) for card in cards[start:start + CARDS_PER_ROW])
        cells += "<td></td>" * (CARDS_PER_ROW - len(cards[start:start + CARDS_PER_ROW]))
        rows.append(f"<tr>{cells}</tr>")
    table = ("<table role='presentation' width='100%' cellpadding='0' cellspacing='8' "
             f"style='border-collapse:separate;margin:0 -8px'>{''.join(rows)}</table>")
    inner = _notes(notes) + table
    shops = shop_lines(report)  # a head office's report: each shop's line
    if shops:
        items = "".join(f"<li style='margin-bottom:4px'>{escape(line)}</li>" for line in shops)
        inner += (f"<div style='margin-top:14px'><span style='font-size:16px;font-weight:700;color:#212121'>"
                  f"Branches</span><ul style='padding-left:20px;color:#212121;font-size:14px;line-height:1.45'>"
                  f"{items}</ul></div>")
    if report.insights:
        bullets = "".join(f"<li style='margin-bottom:6px'>{escape(line)}</li>" for line in report.insights)
        inner += (f"<div style='margin-top:14px'><span style='font-size:16px;font-weight:700;color:#212121'>"
                  f"Insights</span> &nbsp;{_badge(report)}<ul style='padding-left:20px;color:#212121;"
                  f"font-size:14px;line-height:1.45'>{bullets}</ul></div>")
    problems = [status.message or f"{status.name}: {status.status}" for status in report.sources
                if status.status in ("failed", "stale")]
    warnings = problems + [w for w in report.warnings if w not in problems]
    if warnings:
        items = "".join(f"<li>{escape(w)}</li>" for w in warnings)
        inner += (f"<div style='{WARNING_BOX};margin-top:10px;font-size:13px'><b>⚠ Check these sources</b>"
                  f"<ul style='padding-left:20px;margin:6px 0 0 0'>{items}</ul></div>")
    day = format_date(report.date, "EEEE d MMMM y", locale=report.locale)
    status = "partial: see warnings" if is_partial(report) else "complete"
    subtitle = f"{day} · {status}" + (" · DEMO DATA" if report.demo else "")
    return _page(business_label(report) or "Business Orchestrator", subtitle, inner)


def text_html(text: str, notes: list[str]) -> str:
    """The owner's edited text, as typed (line breaks kept)."""
    body = escape(text).replace("\n", "<br>")
    return _page("Daily Business Summary", "edited before sending",
                 _notes(notes) + f"<div style='font-size:14px;line-height:1.5;color:#212121'>{body}</div>")
