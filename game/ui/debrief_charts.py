"""QtCharts views of a debrief: meters over the turns, and the channel strip.

Each meter chart draws the value after every decision (point 0 is the start),
round markers at the decisions (hover one to see the choice), the meter's
bands as shaded areas (escalation against its ladder) and a dashed line at the
turn of the first real contact.
"""

from __future__ import annotations

from PySide6.QtCharts import (
    QAreaSeries,
    QChart,
    QChartView,
    QLineSeries,
    QScatterSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from game.debrief.charts import BAND_FILLS, STATUS_COLOURS
from game.debrief.model import STATUS_WORDS, Debrief, MeterSeries

LINE = QColor("#1f4e79")
CONTACT = QColor("#2e7d32")
REFERENCE = QColor("#8a8f98")


def _dark() -> bool:
    """Whether the application's theme is dark (charts then follow it)."""
    from PySide6.QtWidgets import QApplication

    return QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def themed(chart: QChart) -> QChart:
    """Give a chart the application's colours: background, text, grid (dark theme too)."""
    from PySide6.QtWidgets import QApplication

    palette = QApplication.palette()
    text = palette.color(QPalette.ColorRole.WindowText)
    base = palette.color(QPalette.ColorRole.Base)
    chart.setBackgroundBrush(QBrush(base))
    chart.setTitleBrush(QBrush(text))
    chart.legend().setLabelColor(text)
    grid = QColor(text)
    grid.setAlpha(50)
    for axis in chart.axes():
        axis.setLabelsColor(text)
        axis.setTitleBrush(QBrush(text))
        axis.setGridLineColor(grid)
        axis.setLinePenColor(grid)
    return chart


def meter_chart(debrief: Debrief, meter: MeterSeries) -> QChartView:
    """A chart view of one meter over the turns.

    Args:
        debrief: The debrief (decisions, first contact).
        meter: The meter's series.

    Returns:
        The chart view; its chart's first series is the meter line, named
        after the meter.
    """
    chart = QChart()
    chart.setTitle(meter.label + (" (facilitator only)" if meter.hidden else ""))
    title_font = QFont()
    title_font.setPointSize(11)
    title_font.setBold(True)
    chart.setTitleFont(title_font)
    chart.setMargins(QMargins(4, 4, 4, 4))
    chart.setBackgroundRoundness(0)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    n = max(len(meter.values) - 1, 1)
    dark = _dark()
    line_colour = QColor("#7fb3e6") if dark else LINE

    line = QLineSeries()
    line.setName(meter.label)
    pen = QPen(line_colour)
    pen.setWidthF(2.5)
    line.setPen(pen)
    for i, value in enumerate(meter.values):
        line.append(float(i), float(value))

    markers = QScatterSeries()
    markers.setName("Decisions")
    markers.setMarkerSize(9.0)
    markers.setColor(QColor("#1e1e1e") if dark else QColor("white"))
    markers.setBorderColor(line_colour)
    for i, value in enumerate(meter.values[1:], 1):
        markers.append(float(i), float(value))
    decisions = debrief.decisions

    def hovered(point: QPointF, state: bool) -> None:
        if not state:
            QToolTip.hideText()
            return
        i = round(point.x())
        label = decisions[i - 1].label if 0 < i <= len(decisions) else ""
        from PySide6.QtGui import QCursor

        QToolTip.showText(QCursor.pos(), f"Turn {i}: {label}\n{meter.label} → {point.y():g}")

    markers.hovered.connect(hovered)

    axis_x = QValueAxis()
    axis_x.setRange(0, n)
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100) if n / s <= 15)
    axis_x.setTickType(QValueAxis.TickType.TicksDynamic)
    axis_x.setTickAnchor(0)
    axis_x.setTickInterval(step)
    axis_x.setLabelFormat("%d")
    axis_x.setTitleText("turn (value after each decision; 0 = start)")
    axis_y = QValueAxis()
    axis_y.setRange(meter.min, meter.max)
    axis_y.setTickCount(5)
    axis_y.setLabelFormat("%g")
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)

    # Highest band first, so the legend reads top-down like the chart.
    for index, band in reversed(list(enumerate(meter.bands))):
        lower, upper = QLineSeries(), QLineSeries()
        for x in (0.0, float(n)):
            lower.append(x, max(band.lower, meter.min))
            upper.append(x, min(band.upto, meter.max))
        area = QAreaSeries(upper, lower)
        area.setName(band.label)
        colour = QColor(BAND_FILLS[min(index, len(BAND_FILLS) - 1)])
        if dark:  # the same hues, deep enough for light text and a light line on top
            colour = colour.darker(330)
        area.setBrush(QBrush(colour))
        area.setPen(QPen(Qt.PenStyle.NoPen))
        chart.addSeries(area)
        area.attachAxis(axis_x)
        area.attachAxis(axis_y)
        # Keep the helper series alive with the area.
        lower.setParent(area)
        upper.setParent(area)

    if debrief.contact.turn is not None:
        x = min(debrief.contact.turn + 0.5, float(n))
        contact = QLineSeries()
        contact.setName(f"First contact (turn {debrief.contact.turn + 1})")
        contact_pen = QPen(CONTACT)
        contact_pen.setWidthF(2.0)
        contact_pen.setStyle(Qt.PenStyle.DashLine)
        contact.setPen(contact_pen)
        contact.append(x, meter.min)
        contact.append(x, meter.max)
        chart.addSeries(contact)
        contact.attachAxis(axis_x)
        contact.attachAxis(axis_y)

    for ref in debrief.references:
        if not (ref.real and ref.turn is not None):
            continue
        real = QLineSeries()
        real.setName(f"First contact in reality ({ref.describe()})")
        real_pen = QPen(QColor("#7d6b91"))
        real_pen.setWidthF(2.0)
        real_pen.setStyle(Qt.PenStyle.DotLine)
        real.setPen(real_pen)
        hx = min(ref.turn + 0.5, float(n))
        real.append(hx, meter.min)
        real.append(hx, meter.max)
        chart.addSeries(real)
        real.attachAxis(axis_x)
        real.attachAxis(axis_y)

    for series in (line, markers):
        chart.addSeries(series)
        series.attachAxis(axis_x)
        series.attachAxis(axis_y)
    # Markers are part of the line; keep them out of the legend.
    for marker in chart.legend().markers(markers):
        marker.setVisible(False)

    view = QChartView(themed(chart))
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(290 if meter.bands else 240)
    view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    view.setProperty("meter", meter.id)
    view.setAccessibleName(f"Chart of {meter.label}")
    view.meter_series = line  # type: ignore[attr-defined]
    return view


class ChannelStrip(QWidget):
    """Each channel's status over the turns, as coloured cells (hover for words)."""

    ROW = 24

    def __init__(self, debrief: Debrief, parent: QWidget | None = None) -> None:
        """Build the strip.

        Args:
            debrief: The debrief whose channels to draw.
            parent: Parent widget.
        """
        super().__init__(parent)
        self.debrief = debrief
        self.setMouseTracking(True)
        self.setAccessibleName("Channel status over the turns")
        rows = len(debrief.channels)
        self.setMinimumHeight(40 + rows * self.ROW + 44)
        metrics = self.fontMetrics()
        widest = max((metrics.horizontalAdvance(t.label) for t in debrief.channels), default=80)
        self.left = min(widest + 20, 380)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        return QSize(800, self.minimumHeight())

    def _cell(self) -> float:
        cols = max((len(t.statuses) for t in self.debrief.channels), default=1)
        return (self.width() - self.left - 16) / max(cols, 1)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt naming)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        muted = QColor(text)
        muted.setAlpha(200)
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text)
        painter.drawText(QRectF(8, 4, self.width() - 16, 20), "Channel status over the turns")
        painter.setFont(self.font())
        cell = self._cell()
        top = 28
        for r, track in enumerate(self.debrief.channels):
            y = top + r * self.ROW
            painter.setPen(text)
            label = painter.fontMetrics().elidedText(track.label, Qt.TextElideMode.ElideMiddle,
                                                     self.left - 16)
            painter.drawText(QRectF(4, y, self.left - 12, self.ROW),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                             label)
            for c, status in enumerate(track.statuses):
                painter.fillRect(QRectF(self.left + c * cell, y + 2, cell - 2, self.ROW - 4),
                                 QColor(STATUS_COLOURS.get(status, "#bbbbbb")))
        bottom = top + self.ROW * len(self.debrief.channels)
        cols = max((len(t.statuses) for t in self.debrief.channels), default=1)
        painter.setPen(muted)
        step = max(1, int(cols * 34 / max(self.width() - self.left, 1)) + 1)
        for c in range(cols):
            if c % step and c != cols - 1:
                continue
            painter.drawText(QRectF(self.left + c * cell, bottom + 2, cell, 16),
                             int(Qt.AlignmentFlag.AlignCenter), "start" if c == 0 else f"T{c}")
        if self.debrief.contact.turn is not None:
            x = self.left + (self.debrief.contact.turn + 1) * cell
            pen = QPen(CONTACT)
            pen.setWidthF(2)
            pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawLine(QPointF(x, top - 4), QPointF(x, bottom))
        used = [s for s in STATUS_COLOURS
                if any(s in t.statuses for t in self.debrief.channels)]
        x = 8.0
        y = bottom + 22
        for status in used:
            painter.fillRect(QRectF(x, y + 2, 14, 12), QColor(STATUS_COLOURS[status]))
            painter.setPen(text)
            words = STATUS_WORDS.get(status, status)
            painter.drawText(QRectF(x + 18, y, 160, 16), int(Qt.AlignmentFlag.AlignVCenter), words)
            x += 26 + painter.fontMetrics().horizontalAdvance(words) + 12
        painter.end()

    def status_at(self, x: float, y: float) -> tuple[str, int, str] | None:
        """The (channel label, column, status) under a point, if any."""
        top = 28
        row = int((y - top) // self.ROW)
        col = int((x - self.left) // self._cell()) if x >= self.left else -1
        if not 0 <= row < len(self.debrief.channels):
            return None
        track = self.debrief.channels[row]
        if not 0 <= col < len(track.statuses):
            return None
        return track.label, col, track.statuses[col]

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt naming)
        hit = self.status_at(event.position().x(), event.position().y())
        if hit is None:
            QToolTip.hideText()
            return
        label, col, status = hit
        when = "at the start" if col == 0 else f"after decision {col}"
        QToolTip.showText(event.globalPosition().toPoint(),
                          f"{label} {when}: {STATUS_WORDS.get(status, status)}", self)
