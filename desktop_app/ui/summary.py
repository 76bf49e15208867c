"""The summary window: one day's report, its trend, and the buttons to make or send another.

It only shows what it is given and says what the user asked for (signals); the app decides
what runs, and where (never here, never on the GUI thread).
"""

from __future__ import annotations

import datetime as dt
from html import escape

from babel.dates import format_date, format_time
from PySide6.QtCore import QDate, QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont, QGuiApplication, QKeySequence, QShortcut, QTextCharFormat
from PySide6.QtWidgets import (
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..report import Report
from .branch_selector import BranchSelector
from .day_coverage import domain_uncovered, is_partial, misses_day, no_data_note
from .elided_label import ElidedLabel
from .icons import app_icon
from .jobs import DayView
from .kpi_cards import KpiCard, kpi_cards
from .meaning_panel import MeaningPanel
from .plain_words import engine_reason, plain_error
from .trend_chart import TrendChart
from .window_fit import fit_window

# Every keyboard shortcut of the window (the README lists the same; tests press each one).
SHORTCUTS = {
    "previous_day": "Alt+Left",
    "next_day": "Alt+Right",
    "generate": "F5",
    "copy": "Ctrl+C",
    "settings": "Ctrl+,",
}
DOMAIN_WORDS = {"sales": "sales", "leads": "leads", "attendance": "attendance"}
CARD_DOMAINS = {"sales": "sales", "orders": "sales", "avg_order": "sales", "leads": "leads",
                "attendance": "attendance"}

BADGE_STYLE = "border-radius: 9px; padding: 2px 9px; font-weight: 600; color: {fg}; background: {bg};"


def insight_badge(report: Report) -> tuple[str, str]:
    """The badge text and its tone: who wrote the insights, and why rules did if they did."""
    if report.engine == "ai":
        return "AI, numbers checked", "ai"
    if report.engine == "imported":
        return "Imported from the old log", "rules"
    return f"Simple rules wrote these: {engine_reason(report.engine_reason)}", "rules"


def _section_title(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.1)
    label.setFont(font)
    return label


STATUS_MARKS = {"ok": ("✓", "#2E7D32"), "stale": ("◷", "#EF6C00"), "failed": ("✗", "#C62828"),
                "disabled": ("–", "#757575")}


DELIVERY_MARKS = {"sent": ("✓", "#2E7D32"), "failed": ("✗", "#C62828"), "pending": ("◷", "#EF6C00"),
                  "sending": ("…", "#EF6C00"), "held": ("⏸", "#5D4037"), "skipped": ("–", "#757575")}


def delivery_line(delivery) -> str:
    """One channel's state for the shown report, with a link to the text as delivered."""
    from ..channels.base import label

    mark, color = DELIVERY_MARKS.get(delivery.status, ("?", "#757575"))
    state = delivery.status
    if delivery.status == "sent" and delivery.sent_at:
        state = f"sent {delivery.sent_at.astimezone():%H:%M}"
    if delivery.possible_duplicate:
        state += ", possible duplicate"
    note = ""
    if delivery.last_error and delivery.status != "skipped":
        from ..channels.base import quoted
        from ..channels.registry import SHORT

        short = SHORT.get((delivery.channel, delivery.error_kind or "")) if delivery.status != "sent" else None
        note = f" — {escape(short or quoted(delivery.last_error, 140))}"
    return (f"<span style='color:{color}'>{mark}</span> <b>{label(delivery.channel)}</b> → "
            f"{escape(delivery.destination)} <span style='color:palette(placeholder-text)'>· {escape(state)}"
            f"{note}</span> <a href='delivery:{delivery.id}'>text</a>")


def _source_line(status, day: dt.date | None = None, locale: str = "en_IN") -> str:
    mark, color = STATUS_MARKS.get(status.status, ("?", "#757575"))
    detail = status.status
    if day is not None and misses_day(status, day):
        mark, color = STATUS_MARKS["stale"]
        detail = no_data_note(status, locale)
    elif status.status == "ok":
        rows = f"{status.rows:,} rows" if status.rows is not None else ""
        span = f"{status.first_date} → {status.last_date}" if status.first_date else ""
        detail = ", ".join(part for part in (status.connector, rows, span) if part)
    return (f"<span style='color:{color}'>{mark}</span> {escape(status.name)} "
            f"<span style='color:palette(placeholder-text)'>· {escape(detail)}</span>")


class SummaryWindow(QMainWindow):
    generate_requested = Signal()
    cancel_requested = Signal()
    send_requested = Signal()
    day_requested = Signal(object)  # dt.date
    settings_requested = Signal()
    link_requested = Signal(str)  # a link in the banner, e.g. "settings:sources"
    banner_action_requested = Signal()  # the banner's button (first run: Add your own data…)
    approve_requested = Signal()  # preview and approve: Send now
    edit_requested = Signal()
    skip_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Business Orchestrator")
        self.setWindowIcon(app_icon())
        self.report: Report | None = None
        self._view: DayView | None = None  # as loaded; the branch selector may narrow what is shown
        self.hide_on_close = True  # with a tray, closing the window keeps the app running
        self._steps: list[str] = []

        central = QWidget()
        self.setCentralWidget(central)
        outer = QVBoxLayout(central)
        outer.setContentsMargins(18, 14, 18, 14)
        outer.setSpacing(12)

        # Header: business, date picker.
        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(0)
        self.business_label = ElidedLabel("Business Orchestrator")
        font = self.business_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setBold(True)
        self.business_label.setFont(font)
        self.subtitle = QLabel("Loading…")
        self.subtitle.setStyleSheet("color: palette(placeholder-text);")
        titles.addWidget(self.business_label)
        titles.addWidget(self.subtitle)
        header.addLayout(titles, 1)
        self.branch_selector = BranchSelector()  # a head office's report: whole business or one branch
        self.branch_selector.branch_changed.connect(lambda _branch: self.show_view(self._view))
        header.addWidget(self.branch_selector)
        self.prev_button = QToolButton(text="◀", toolTip="Previous day (Alt+←)", autoRaise=True)
        self.next_button = QToolButton(text="▶", toolTip="Next day (Alt+→)", autoRaise=True)
        self.prev_button.setAccessibleName("Previous day")
        self.next_button.setAccessibleName("Next day")
        self.date_edit = QDateEdit(calendarPopup=True)
        self.date_edit.setDisplayFormat("ddd d MMM yyyy")
        self.date_edit.setToolTip("Show the report of another day (days with a report are in bold)")
        self.date_edit.setAccessibleName("Day shown")
        self.date_edit.setMinimumWidth(150)
        self.today = dt.date.today()  # the business's today: the app sets it (set_today); no day after it
        self.day: dt.date | None = None  # the day on screen
        self._marked_days: set[dt.date] = set()
        self.date_edit.setMaximumDate(QDate(self.today.year, self.today.month, self.today.day))
        header.addWidget(self.prev_button)
        header.addWidget(self.date_edit)
        header.addWidget(self.next_button)
        outer.addLayout(header)

        self.banner_frame = QFrame()
        self.banner_frame.setObjectName("banner")
        self.banner_frame.setStyleSheet("#banner { background: #E8EAF6; border-radius: 6px; }")
        banner_layout = QHBoxLayout(self.banner_frame)
        banner_layout.setContentsMargins(10, 6, 10, 6)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.RichText)
        self.banner.setOpenExternalLinks(False)
        self.banner.setStyleSheet("color: #1A237E;")
        self.banner.linkActivated.connect(self.link_requested.emit)
        self.banner_button = QPushButton()
        self.banner_button.clicked.connect(self.banner_action_requested)
        banner_layout.addWidget(self.banner, 1)
        banner_layout.addWidget(self.banner_button)
        self.banner_frame.hide()
        outer.addWidget(self.banner_frame)

        # Preview and approve: shown while a scheduled report waits.
        self.pending_bar = QFrame()
        self.pending_bar.setStyleSheet("QFrame { background: #FFF8E1; border-radius: 6px; }")
        pending_layout = QHBoxLayout(self.pending_bar)
        pending_layout.setContentsMargins(10, 6, 10, 6)
        self.pending_label = QLabel()
        self.pending_label.setStyleSheet("color: #5D4037;")
        self.pending_label.setWordWrap(True)
        self.pending_send = QPushButton("Send &now")
        self.pending_edit = QPushButton("&Edit…")
        self.pending_skip = QPushButton("S&kip")
        pending_layout.addWidget(self.pending_label, 1)
        for button in (self.pending_send, self.pending_edit, self.pending_skip):
            pending_layout.addWidget(button)
        self.pending_bar.hide()
        outer.addWidget(self.pending_bar)

        # The report itself scrolls, so the buttons below stay on a small screen.
        self.report_area = QScrollArea()
        self.report_area.setWidgetResizable(True)
        self.report_area.setFrameShape(QFrame.Shape.NoFrame)
        self.report_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 4, 0)
        body_layout.setSpacing(12)
        self.report_area.setWidget(body)
        outer.addWidget(self.report_area, 1)

        # KPI cards.
        self.cards_layout = QGridLayout()
        self.cards_layout.setSpacing(10)
        self.cards: dict[str, KpiCard] = {}
        for column, key in enumerate(("sales", "orders", "avg_order", "leads", "attendance")):
            card = KpiCard()
            self.cards[key] = card
            self.cards_layout.addWidget(card, 0, column)
        body_layout.addLayout(self.cards_layout)

        # Insights and trend side by side.
        middle = QHBoxLayout()
        middle.setSpacing(16)
        left = QVBoxLayout()
        self.meaning = MeaningPanel()  # closed day, goals, drivers, unusual days, branches, alerts
        left.addWidget(self.meaning)
        insights_header = QHBoxLayout()
        insights_header.addWidget(_section_title("Insights"))
        self.badge = QLabel()
        insights_header.addWidget(self.badge)
        insights_header.addStretch(1)
        left.addLayout(insights_header)
        self.insights_label = QLabel()
        self.insights_label.setWordWrap(True)
        self.insights_label.setTextFormat(Qt.TextFormat.RichText)
        self.insights_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.insights_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.insights_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        left.addWidget(self.insights_label)
        self.warnings_label = QLabel()
        self.warnings_label.setWordWrap(True)
        self.warnings_label.setTextFormat(Qt.TextFormat.RichText)
        self.warnings_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warnings_label.setStyleSheet("background: #FFF3E0; color: #6D4C41; border-radius: 6px; padding: 8px;")
        left.addWidget(self.warnings_label)
        self.sources_title = _section_title("Sources")
        left.addSpacing(6)
        left.addWidget(self.sources_title)
        self.sources_label = QLabel()
        self.sources_label.setTextFormat(Qt.TextFormat.RichText)
        self.sources_label.setWordWrap(True)
        left.addWidget(self.sources_label)
        self.delivery_title = _section_title("Delivery")
        left.addWidget(self.delivery_title)
        self.delivery_label = QLabel()
        self.delivery_label.setTextFormat(Qt.TextFormat.RichText)
        self.delivery_label.setWordWrap(True)
        self.delivery_label.linkActivated.connect(self._show_delivered)
        left.addWidget(self.delivery_label)
        self.deliveries: list = []
        left.addStretch(1)
        middle.addLayout(left, 5)
        right = QVBoxLayout()
        right.addWidget(_section_title("Last 30 days"))
        self.trend = TrendChart()
        right.addWidget(self.trend, 1)
        middle.addLayout(right, 4)
        body_layout.addLayout(middle, 1)

        # Progress while generating.
        self.progress_row = QWidget()
        progress_layout = QHBoxLayout(self.progress_row)
        progress_layout.setContentsMargins(0, 0, 0, 0)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setMaximumWidth(140)
        self.progress_bar.setTextVisible(False)
        self.step_label = QLabel()
        self.step_label.setTextFormat(Qt.TextFormat.RichText)
        self.cancel_button = QPushButton("C&ancel")
        progress_layout.addWidget(self.progress_bar)
        progress_layout.addWidget(self.step_label, 1)
        progress_layout.addWidget(self.cancel_button)
        self.progress_row.hide()

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setStyleSheet("background: #FFEBEE; color: #B71C1C; border-radius: 6px; padding: 8px;")
        self.error_label.hide()
        outer.addWidget(self.error_label)
        outer.addWidget(self.progress_row)

        # Buttons.
        buttons = QHBoxLayout()
        self.settings_button = QPushButton("&Settings…")
        self.settings_button.setToolTip("Sources, insights, channels and the schedule (Ctrl+,)")
        self.copy_button = QPushButton("&Copy")
        self.copy_button.setToolTip("Copy the report text (as sent to Telegram) to the clipboard (Ctrl+C)")
        self.send_button = QPushButton("Send &report")
        self.generate_button = QPushButton("&Generate now")
        self.generate_button.setToolTip("Make the report for the day on screen (F5)")
        self.generate_button.setDefault(True)
        buttons.addWidget(self.settings_button)
        buttons.addStretch(1)
        for button in (self.copy_button, self.send_button, self.generate_button):
            buttons.addWidget(button)
        outer.addLayout(buttons)

        self.generate_button.clicked.connect(self.generate_requested.emit)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.send_button.clicked.connect(self.send_requested)
        self.settings_button.clicked.connect(self.settings_requested)
        self.copy_button.clicked.connect(self.copy_report)
        self.pending_send.clicked.connect(self.approve_requested)
        self.pending_edit.clicked.connect(self.edit_requested)
        self.pending_skip.clicked.connect(self.skip_requested)
        self.prev_button.clicked.connect(lambda: self._step_day(-1))
        self.next_button.clicked.connect(lambda: self._step_day(1))
        self.date_edit.dateChanged.connect(self._date_picked)
        actions = {"previous_day": lambda: self._step_day(-1), "next_day": lambda: self._step_day(1),
                   "generate": self._generate_by_key, "copy": self.copy_report,
                   "settings": self.settings_requested.emit}
        self.shortcuts = {name: QShortcut(QKeySequence(SHORTCUTS[name]), self, activated=action)
                          for name, action in actions.items()}
        self.set_send_available(False, "No channel is set up: open Settings… → Channels")
        self.show_view(None)
        self.setMinimumSize(QSize(560, 420))
        fit_window(self, "summary", QSize(1060, 680))

    # -- showing ------------------------------------------------------------------------------------

    def show_view(self, view: DayView | None) -> None:
        """Show one day. None = nothing loaded yet."""
        self._view = view
        self.branch_selector.offer(view.report if view else None)
        view = self.branch_selector.narrowed(view)
        report = view.report if view else None
        self.report = report
        self.copy_button.setEnabled(report is not None)
        if view is not None:
            if view.today is not None:
                self.set_today(view.today)
            self.day = view.day
            self.mark_report_days(view.report_days)
            self.date_edit.blockSignals(True)
            self.date_edit.setDate(QDate(view.day.year, view.day.month, view.day.day))
            self.date_edit.blockSignals(False)
        self._update_day_controls()
        self.show_deliveries(view.deliveries if view else [])
        self.meaning.show_report(report)
        if report is None:
            for card in self.cards.values():
                card.hide()
            self.badge.hide()
            when = format_date(view.day, "EEEE d MMMM y", locale="en_IN") if view else ""
            self.subtitle.setText(f"No report for {when}" if view else "Loading…")
            button = self.generate_button.text().replace("&", "")
            self.insights_label.setText(
                "<p style='color:palette(placeholder-text)'>No report was made for this day. "
                f"Press <b>{escape(button)}</b> to make one.</p>" if view else "")
            self.warnings_label.hide()
            self.sources_label.hide()
            self.sources_title.hide()
            if view:
                self.trend.set_reports(view.trend, view.day, view.closed)
            return
        self.business_label.setText(report.business or "Business Orchestrator")
        made = format_time(report.generated_at, "HH:mm", locale=report.locale)
        made_day = report.generated_at.date()
        made_text = f"made at {made}" if made_day == report.date else \
            f"made {format_date(made_day, 'd MMM', locale=report.locale)} {made}"
        status = "partial: see warnings" if is_partial(report) else "complete"
        subtitle = f"{format_date(report.date, 'EEEE d MMMM y', locale=report.locale)} · {made_text} · {status}"
        self.subtitle.setText(subtitle + (" · DEMO DATA" if report.demo else ""))
        for data in kpi_cards(report):
            missing = domain_uncovered(report, CARD_DOMAINS[data.key])
            if missing is not None:  # ₹0 from a file that ends months ago is not a quiet day
                data.value, data.changes, data.warning = "–", [], True
                data.note = no_data_note(missing, report.locale)
            card = self.cards[data.key]
            card.show_data(data)
            card.show()
        for key, card in self.cards.items():
            if key in ("orders", "avg_order") and report.sales is None:
                card.hide()
        text, tone = insight_badge(report)
        fg, bg = ("#1B5E20", "#E8F5E9") if tone == "ai" else ("#37474F", "#ECEFF1")
        self.badge.setText(text)
        self.badge.setStyleSheet(BADGE_STYLE.format(fg=fg, bg=bg))
        self.badge.setToolTip("An AI wrote these; every number in them was checked against the report." if tone == "ai"
                              else "Plain rules wrote these insights.")
        self.badge.show()
        bullets = "".join(f"<li style='margin-bottom:6px'>{escape(line)}</li>" for line in report.insights)
        missing = [DOMAIN_WORDS[domain] for domain in DOMAIN_WORDS if domain_uncovered(report, domain) is not None]
        caveat = (f"<p style='color:#E65100'>⚠ No {' or '.join(missing)} data for this day: what these lines say "
                  f"about {' or '.join(missing)} is not about this day.</p>") if missing and bullets else ""
        self.insights_label.setText(caveat + (f"<ul style='margin-left:-20px'>{bullets}</ul>" if bullets else
                                              "<p>No insights for this day.</p>"))
        problems = [status.message or f"{status.name}: {status.status}" for status in report.sources
                    if status.status in ("failed", "stale")]
        notes = problems + [w for w in report.warnings if w not in problems]
        if notes:
            self.warnings_label.setText("<b>⚠ Check these sources</b><ul style='margin-left:-20px'>" + "".join(
                f"<li>{escape(plain_error(note))}</li>" for note in notes) + "</ul>")
            self.warnings_label.show()
        else:
            self.warnings_label.hide()
        self.trend.set_reports(view.trend, view.day, view.closed)
        self.sources_label.setText("<br>".join(_source_line(status, None if report.closed else report.date,
                                                            report.locale) for status in report.sources))
        self.sources_label.setVisible(bool(report.sources))
        self.sources_title.setVisible(bool(report.sources))

    def show_deliveries(self, deliveries: list) -> None:
        """Each channel's state for the shown day (newest revision's rows; replaced ones left out)."""
        self.deliveries = [d for d in deliveries if d.status != "skipped"]
        self.delivery_label.setText("<br>".join(delivery_line(d) for d in self.deliveries))
        self.delivery_label.setVisible(bool(self.deliveries))
        self.delivery_title.setVisible(bool(self.deliveries))

    def _show_delivered(self, link: str) -> None:
        from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit

        from ..channels.base import label
        from ..channels.registry import delivered_text

        found = [d for d in self.deliveries if f"delivery:{d.id}" == link]
        if not found:
            return
        delivery = found[0]
        dialog = QDialog(self)
        dialog.setWindowTitle(f"{label(delivery.channel)} → {delivery.destination}: {delivery.status}")
        layout = QVBoxLayout(dialog)
        text = QPlainTextEdit(delivered_text(delivery))
        text.setReadOnly(True)
        layout.addWidget(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        dialog.resize(560, 420)
        self.delivered_dialog = dialog
        dialog.show()

    def set_banner(self, html: str | None, action: str | None = None) -> None:
        """A note above the report; `action` labels its button (None: no button)."""
        self.banner.setText(html or "")
        self.banner_button.setText(action or "")
        self.banner_button.setVisible(bool(action))
        self.banner_frame.setVisible(bool(html))

    def set_today(self, today: dt.date) -> None:
        """The business's today: the calendar and Alt+→ stop there; Generate now names other days."""
        self.today = today
        self.date_edit.setMaximumDate(QDate(today.year, today.month, today.day))
        self._update_day_controls()

    def mark_report_days(self, days) -> None:
        """Days with a report are bold in the calendar."""
        calendar = self.date_edit.calendarWidget()
        days = set(days or ())
        for day in self._marked_days - days:
            calendar.setDateTextFormat(QDate(day.year, day.month, day.day), QTextCharFormat())
        bold = QTextCharFormat()
        bold.setFontWeight(QFont.Weight.Bold)
        bold.setForeground(self.palette().link())
        for day in days - self._marked_days:
            calendar.setDateTextFormat(QDate(day.year, day.month, day.day), bold)
        self._marked_days = days

    def generate_label(self) -> str:
        """The Generate button's words: "Generate now" for today, else the day it makes."""
        if self.day is None or self.day >= self.today:
            return "&Generate now"
        return f"&Generate for {format_date(self.day, 'EEE d MMM', locale='en_IN')}"

    def _update_day_controls(self) -> None:
        day = self.day
        self.next_button.setEnabled(day is not None and day < self.today)
        self.generate_button.setText(self.generate_label())

    def set_send_available(self, available: bool, reason: str = "") -> None:
        self.send_button.setEnabled(available)
        self.send_button.setToolTip(reason or "Send this report now to every channel that is on")

    def set_pending(self, text: str | None) -> None:
        """Preview and approve: a report waiting for Send / Edit / Skip (None hides the bar)."""
        self.pending_label.setText(text or "")
        self.pending_bar.setVisible(bool(text))

    # -- progress ------------------------------------------------------------------------------------

    def set_busy(self, busy: bool) -> None:
        self.progress_row.setVisible(busy)
        self.generate_button.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        if busy:
            self._steps = []
            self.error_label.hide()
            self.step_label.setText("Starting…")

    def add_step(self, step: str) -> None:
        """Show the step now running, after the ones already done. "Writing insights… (model is writing,
        12 s of 60 s)" only updates the step running ("Writing insights…"): it replaces it."""
        base = step.partition("…")[0]
        if self._steps and "…" in step and self._steps[-1].partition("…")[0] == base:
            self._steps[-1] = step
        else:
            self._steps.append(step)
        tick = "<span style='color:#2E7D32'>✓</span>"
        done = "".join(f"{tick} {escape(s.partition('…')[0])} &nbsp; " for s in self._steps[-4:-1])
        self.step_label.setText(f"{done}<b>{escape(step)}</b>")

    def show_cancelling(self) -> None:
        """The step that was running is stopped, not done: it gets a cross, never a tick."""
        tick = "<span style='color:#2E7D32'>✓</span>"
        done = "".join(f"{tick} {escape(s.rstrip('…'))} &nbsp; " for s in self._steps[-4:-1])
        stopped = (f"<span style='color:#C62828'>✗</span> {escape(self._steps[-1].rstrip('…'))} (stopped) &nbsp; "
                   if self._steps else "")
        self.step_label.setText(f"{done}{stopped}<b>Cancelling…</b>")
        self.cancel_button.setEnabled(False)

    def show_error(self, message: str | None) -> None:
        self.error_label.setText(plain_error(message, 600) if message else "")
        self.error_label.setVisible(bool(message))

    # -- actions --------------------------------------------------------------------------------------

    def copy_report(self) -> None:
        if self.report is not None:
            QGuiApplication.clipboard().setText(self.report.text)
            self.statusBar().showMessage("Report copied to the clipboard", 3000)

    def bring_forward(self) -> None:
        self.show()
        self.setWindowState((self.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive)
        self.raise_()
        self.activateWindow()

    def _step_day(self, delta: int) -> None:
        target = self.date_edit.date().addDays(delta)
        if target > self.date_edit.maximumDate() or target < self.date_edit.minimumDate():
            return  # no reports from the future
        self.date_edit.setDate(target)

    def _generate_by_key(self) -> None:
        if self.generate_button.isEnabled():
            self.generate_requested.emit()

    def _date_picked(self, date: QDate) -> None:
        self.day_requested.emit(dt.date(date.year(), date.month(), date.day()))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.hide_on_close:
            event.ignore()
            self.hide()
        else:
            super().closeEvent(event)
