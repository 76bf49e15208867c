"""The 30-day trend: sales, leads and attendance as three small line charts sharing one date axis.

Drawn with QPainter (QtCharts would need PySide6-Addons and double the installer). Each metric
gets its own scale, since rupees, lead counts and percentages do not share one. Days without a
report (closed days) break the line instead of pretending to be zero. Hovering shows that day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QLinearGradient, QMouseEvent, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..formatting import money_short
from ..report import Report
from .day_coverage import domain_uncovered

DAYS = 30


@dataclass
class Series:
    label: str
    color: str
    values: list[float | None]  # one per day, oldest first
    fmt: Callable[[float], str]
    target: float | None = None  # a day's share of the month's target (drawn as a dashed line)


def trend_series(reports: list[Report], end: dt.date, days: int = DAYS,
                 closed: frozenset[dt.date] = frozenset()) -> tuple[list[dt.date], list[Series]]:
    """The three series for the `days` ending on `end`; None where no report has that number or the
    business was closed (a closed Sunday is not a crash to zero)."""
    dates = [end - dt.timedelta(days=offset) for offset in range(days - 1, -1, -1)]
    by_day = {report.date: report for report in reports if report.date not in closed}
    currency = reports[-1].currency if reports else "INR"
    locale = reports[-1].locale if reports else "en_IN"

    def pick(domain: str, getter: Callable[[Report], float | None]) -> list[float | None]:
        # a day whose sources had no rows for it is a gap, not a zero
        return [getter(by_day[day]) if day in by_day and domain_uncovered(by_day[day], domain) is None else None
                for day in dates]

    goals = {goal.metric: goal for goal in (reports[-1].goals if reports else [])}

    def daily(metric: str) -> float | None:
        goal = goals.get(metric)
        if goal is None:
            return None
        if metric == "attendance":
            return goal.target
        days = goal.open_days_done + goal.open_days_left
        return goal.target / days if days else None

    return dates, [
        Series("Sales", "#3F51B5", pick("sales", lambda r: r.sales.total if r.sales else None),
               lambda v: money_short(v, currency, locale), daily("sales")),
        Series("Leads", "#EF6C00", pick("leads", lambda r: float(r.leads.count) if r.leads else None),
               lambda v: f"{v:.0f}", daily("leads")),
        Series("Attendance", "#00897B",
               pick("attendance", lambda r: r.attendance.rate_pct if r.attendance and r.attendance.rate_pct is not None
                    else None),
               lambda v: f"{v:.1f}%", daily("attendance")),
    ]


class TrendChart(QWidget):
    """Three stacked panels; set data with `set_reports(reports, end)`."""

    PANEL_GAP = 10
    AXIS_HEIGHT = 20
    LEFT = 8
    RIGHT = 8

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("30-day trend of sales, leads and attendance")
        self._dates: list[dt.date] = []
        self._series: list[Series] = []
        self._closed: frozenset[dt.date] = frozenset()
        self._reported: frozenset[dt.date] = frozenset()
        self._hover: int | None = None
        self._gutter = 0.0  # room left of the plots for the high/low labels, so no line crosses them

    def sizeHint(self) -> QSize:
        return QSize(420, 300)

    def minimumSizeHint(self) -> QSize:
        return QSize(240, 196)

    def set_reports(self, reports: list[Report], end: dt.date, closed: frozenset[dt.date] = frozenset()) -> None:
        self._dates, self._series = trend_series(reports, end, closed=closed)
        self._closed = closed
        self._reported = frozenset(report.date for report in reports)
        self._hover = None
        self.update()

    @property
    def series(self) -> list[Series]:
        return self._series

    # -- geometry -------------------------------------------------------------------------------

    def _plot_x(self, index: int) -> float:
        width = self.width() - self.LEFT - self._gutter - self.RIGHT
        return self.LEFT + self._gutter + (width * index / max(len(self._dates) - 1, 1))

    def hover_text(self, series: Series, index: int | None) -> str:
        """What a panel's header says for the day under the mouse (or the latest day)."""
        if index is None:
            return ""
        day = self._dates[index]
        value = series.values[index]
        if value is not None:
            return f"{series.fmt(value)}  ·  {day:%a %d %b}"
        why = "closed" if day in self._closed else "no data" if day in self._reported else "no report"
        return f"{why}  ·  {day:%a %d %b}"

    def _labels_gutter(self, small: QFont) -> float:
        metrics = QFontMetrics(small)
        widths = [metrics.horizontalAdvance(series.fmt(value)) for series in self._series
                  for value in (max((v for v in series.values if v is not None), default=None),
                                min((v for v in series.values if v is not None), default=None)) if value is not None]
        return max(widths, default=0) + 8

    def _panels(self) -> list[QRectF]:
        count = len(self._series) or 1
        usable = self.height() - self.AXIS_HEIGHT - self.PANEL_GAP * (count - 1)
        height = usable / count
        return [QRectF(0, i * (height + self.PANEL_GAP), self.width(), height) for i in range(count)]

    # -- events ---------------------------------------------------------------------------------

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if not self._dates:
            return
        width = self.width() - self.LEFT - self._gutter - self.RIGHT
        index = round((event.position().x() - self.LEFT - self._gutter) / max(width, 1) * (len(self._dates) - 1))
        index = min(max(index, 0), len(self._dates) - 1)
        if index != self._hover:
            self._hover = index
            self.update()

    def leaveEvent(self, event) -> None:
        self._hover = None
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.windowText().color()
        muted = QColor(text)
        muted.setAlphaF(0.6)
        grid = QColor(text)
        grid.setAlphaF(0.12)
        if not self._dates or all(v is None for s in self._series for v in s.values):
            painter.setPen(muted)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No history yet: the trend appears after a "
                                                                        "few reports.")
            return
        title_font = QFont(self.font())
        title_font.setBold(True)
        small = QFont(self.font())
        small.setPointSizeF(max(self.font().pointSizeF() * 0.85, 7))
        self._gutter = self._labels_gutter(small)
        for rect, series in zip(self._panels(), self._series, strict=False):
            self._paint_panel(painter, rect, series, title_font, small, text, muted, grid)
        self._paint_axis(painter, small, muted)

    def _paint_panel(self, painter: QPainter, rect: QRectF, series: Series, title_font: QFont, small: QFont,
                     text: QColor, muted: QColor, grid: QColor) -> None:
        color = QColor(series.color)
        metrics = QFontMetrics(title_font)
        header = metrics.height() + 2
        index = self._hover if self._hover is not None else _last_index(series.values)
        value = series.values[index] if index is not None else None
        painter.setFont(title_font)
        painter.setPen(color)
        painter.drawText(QRectF(rect.left() + self.LEFT, rect.top(), rect.width(), header),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, series.label)
        painter.setPen(text)
        room = rect.width() - self.LEFT - self.RIGHT - metrics.horizontalAdvance(series.label) - 12
        shown = metrics.elidedText(self.hover_text(series, index), Qt.TextElideMode.ElideLeft, max(int(room), 0))
        painter.drawText(QRectF(rect.left(), rect.top(), rect.width() - self.RIGHT, header),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, shown)
        left = rect.left() + self.LEFT + self._gutter
        plot = QRectF(left, rect.top() + header + 4, rect.right() - self.RIGHT - left, rect.height() - header - 8)
        present = [v for v in series.values if v is not None]
        if not present:
            painter.setFont(small)
            painter.setPen(muted)
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "no data")
            return
        low, high = min(present), max(present)
        if series.target is not None:
            low, high = min(low, series.target), max(high, series.target)
        span = (high - low) or max(abs(high), 1.0)
        low, high = low - span * 0.1, high + span * 0.1

        def point(i: int, v: float) -> QPointF:
            return QPointF(self._plot_x(i), plot.bottom() - (v - low) / (high - low) * plot.height())

        painter.setPen(QPen(grid, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(QPointF(plot.left(), plot.top()), QPointF(plot.right(), plot.top()))
        if series.target is not None:  # the pace the month's target asks for
            level = point(0, series.target).y()
            painter.setPen(QPen(muted, 1, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(plot.left(), level), QPointF(plot.right(), level))
            painter.setFont(small)
            painter.drawText(QRectF(plot.left(), level - QFontMetrics(small).height() - 1, plot.width() * 0.8,
                                    QFontMetrics(small).height()), Qt.AlignmentFlag.AlignRight,
                             f"target {series.fmt(series.target)}")
        indexes = [i for i, v in enumerate(series.values) if v is not None]
        points = [point(i, series.values[i]) for i in indexes]
        area = QPainterPath(points[0])
        for p in points[1:]:
            area.lineTo(p)
        area.lineTo(QPointF(points[-1].x(), plot.bottom()))
        area.lineTo(QPointF(points[0].x(), plot.bottom()))
        area.closeSubpath()
        fill = QLinearGradient(plot.topLeft(), plot.bottomLeft())
        top, bottom = QColor(color), QColor(color)
        top.setAlphaF(0.26)
        bottom.setAlphaF(0.02)
        fill.setColorAt(0, top)
        fill.setColorAt(1, bottom)
        painter.fillPath(area, fill)
        solid = QPen(color, 2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
        faint = QColor(color)
        faint.setAlphaF(0.55)
        dashed = QPen(faint, 1.5, Qt.PenStyle.DotLine, Qt.PenCapStyle.RoundCap)
        for (i, a), (j, b) in zip(zip(indexes, points, strict=True), zip(indexes[1:], points[1:], strict=True),
                                  strict=False):
            painter.setPen(solid if j == i + 1 else dashed)  # dotted across days with no report
            painter.drawLine(a, b)
        painter.setFont(small)
        painter.setPen(muted)
        small_metrics = QFontMetrics(small)
        labels = QRectF(rect.left() + self.LEFT, 0, self._gutter - 6, small_metrics.height())
        painter.drawText(labels.translated(0, plot.top() - small_metrics.height() / 2 + 1),
                         Qt.AlignmentFlag.AlignRight, series.fmt(max(present)))
        if series.fmt(min(present)) != series.fmt(max(present)):
            painter.drawText(labels.translated(0, plot.bottom() - small_metrics.height() / 2 - 1),
                             Qt.AlignmentFlag.AlignRight, series.fmt(min(present)))
        if index is not None and value is not None:
            if self._hover is not None:
                painter.setPen(QPen(grid, 1, Qt.PenStyle.DashLine))
                painter.drawLine(QPointF(self._plot_x(index), plot.top()), QPointF(self._plot_x(index), plot.bottom()))
            painter.setPen(QPen(self.palette().base().color(), 2))
            painter.setBrush(color)
            painter.drawEllipse(point(index, value), 4.5, 4.5)

    def _paint_axis(self, painter: QPainter, small: QFont, muted: QColor) -> None:
        painter.setFont(small)
        painter.setPen(muted)
        top = self.height() - self.AXIS_HEIGHT
        for rect, label in self.axis_labels(QFontMetrics(small)):
            painter.drawText(QRectF(rect.left(), top, rect.width(), self.AXIS_HEIGHT),
                             Qt.AlignmentFlag.AlignCenter, label)

    def axis_labels(self, metrics: QFontMetrics) -> list[tuple[QRectF, str]]:
        """The date labels under the plots (first, middle, last), leaving out any that would overlap another."""
        if not self._dates:
            return []
        placed: list[tuple[QRectF, str]] = []
        last = len(self._dates) - 1
        for i in (0, last, last // 2):
            label = self._dates[i].strftime("%d %b")
            width = metrics.horizontalAdvance(label) + 4
            x = self._plot_x(i)
            left = x if i == 0 else x - width if i == last else x - width / 2
            left = min(max(left, 0.0), self.width() - width)
            rect = QRectF(left, 0, width, 1)
            if all(not rect.adjusted(-6, 0, 6, 0).intersects(other) for other, _ in placed):
                placed.append((rect, label))
        return sorted(placed, key=lambda item: item[0].left())


def _last_index(values: list[float | None]) -> int | None:
    for i in range(len(values) - 1, -1, -1):
        if values[i] is not None:
            return i
    return None
