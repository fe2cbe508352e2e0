"""The meters a trainee may see, with their bands and their latest change.

Escalation risk is drawn as a ladder (Kahn's rungs grouped into the
scenario's bands, lowest at the bottom); every other visible meter is a bar
with its band named. Under each, the latest change and its cause in words.

Meters marked ``hidden`` in the scenario are never built into the trainee's
widgets; only a caller that passes ``include_hidden=True`` (the facilitator
console) gets them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Property, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QFrame, QSizePolicy, QVBoxLayout, QWidget

from .present import MeterRow, format_delta, format_value, meter_rows
from .widgets import LazyRefresh, label, set_prop, sync_rows

if TYPE_CHECKING:
    from .controller import SessionController


class _Painted(QWidget):
    """Colour properties set from the style sheet (``qproperty-goodColor`` …)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._colors = {
            "track": QColor("#e3e7ee"), "text": QColor("#1b2230"), "muted": QColor("#586273"),
            "good": QColor("#1e7a46"), "warn": QColor("#9a5b00"), "bad": QColor("#b3261e"),
            "accent": QColor("#1f5fbf"), "surface": QColor("#ffffff"),
        }

    def _color_property(key: str) -> Property:  # type: ignore[misc]
        def get(self: _Painted) -> QColor:
            return self._colors[key]

        def put(self: _Painted, value: QColor) -> None:
            self._colors[key] = QColor(value)
            self.update()

        return Property(QColor, get, put)

    trackColor = _color_property("track")
    textColor = _color_property("text")
    mutedColor = _color_property("muted")
    goodColor = _color_property("good")
    warnColor = _color_property("warn")
    badColor = _color_property("bad")
    accentColor = _color_property("accent")
    surfaceColor = _color_property("surface")
    del _color_property

    def tone(self, goodness: float) -> QColor:
        """Colour for a position from bad (0) to good (1): three clear steps, no mud."""
        c = self._colors
        if goodness >= 0.55:
            return c["good"]
        if goodness >= 0.3:
            return c["warn"]
        return c["bad"]


class MeterBar(_Painted):
    """A horizontal bar with band boundaries as ticks."""

    def __init__(self, row: MeterRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row = row
        self.setMinimumHeight(10)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(200, 10)

    def set_row(self, row: MeterRow) -> None:
        self.row = row
        self.update()

    def paintEvent(self, _event: object) -> None:
        row = self.row
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 1.5, -0.5, -1.5)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._colors["track"])
        painter.drawRoundedRect(rect, 4, 4)
        fraction = max(0.0, min(1.0, row.fraction))
        goodness = fraction if row.higher_is == "better" else 1 - fraction
        fill = QRectF(rect.left(), rect.top(), rect.width() * fraction, rect.height())
        painter.setBrush(self.tone(goodness))
        if fill.width() > 0:
            painter.drawRoundedRect(fill, 4, 4)
        painter.setPen(QPen(self._colors["surface"], 2))
        span = row.max - row.min
        for band in row.bands[:-1]:
            x = rect.left() + rect.width() * (band.high - row.min) / span if span else 0
            painter.drawLine(int(x), int(rect.top()), int(x), int(rect.bottom()))
        painter.end()


class EscalationLadder(_Painted):
    """The escalation meter as rungs: bands stacked lowest at the bottom."""

    RUNG = 21

    def __init__(self, row: MeterRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.row = row
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.RUNG * max(1, len(row.bands)) + 2)

    def sizeHint(self) -> QSize:
        return QSize(240, self.RUNG * max(1, len(self.row.bands)) + 2)

    def set_row(self, row: MeterRow) -> None:
        self.row = row
        self.setFixedHeight(self.RUNG * max(1, len(row.bands)) + 2)
        self.update()

    def band_color(self, index: int, count: int) -> QColor:
        """Lowest rung good, top rung bad, those between amber (flipped when higher is better)."""
        if self.row.higher_is == "better":
            index = count - 1 - index
        if index <= 0:
            return self._colors["good"]
        if index >= count - 1:
            return self._colors["bad"]
        return self._colors["warn"]

    def paintEvent(self, _event: object) -> None:
        row = self.row
        bands = row.bands
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = self.width()
        n = max(1, len(bands))
        gauge = QRectF(0.5, 1, 10, self.RUNG * n - 2)
        # Continuous gauge on the left: how far up the ladder we are.
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._colors["track"])
        painter.drawRoundedRect(gauge, 5, 5)
        fraction = max(0.0, min(1.0, row.fraction))
        filled = QRectF(gauge.left(), gauge.bottom() - gauge.height() * fraction,
                        gauge.width(), gauge.height() * fraction)
        painter.setBrush(self.band_color(row.band_index or 0, n))
        if filled.height() > 0:
            painter.drawRoundedRect(filled, 5, 5)
        base = QFont(self.font())
        bold = QFont(base)
        bold.setWeight(QFont.Weight.DemiBold)
        for i, band in enumerate(bands):
            top = (n - 1 - i) * self.RUNG + 1
            rung = QRectF(18, top + 1, width - 19, self.RUNG - 3)
            current = i == row.band_index
            color = self.band_color(i, n)
            if current:
                tint = QColor(color)
                tint.setAlpha(46)
                painter.setPen(QPen(color, 1.5))
                painter.setBrush(tint)
            else:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(self._colors["track"])
            painter.drawRoundedRect(rung, 5, 5)
            painter.setFont(bold if current else base)
            painter.setPen(self._colors["text"] if current else self._colors["muted"])
            text_rect = rung.adjusted(10, 0, -10, 0)
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             band.label)
            if current:
                painter.setPen(color)
                painter.drawText(text_rect,
                                 Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                                 f"◀ {format_value(row.value)}")
        painter.end()


class MeterWidget(QFrame):
    """A meter: name, value and band, its bar or ladder, and its latest change."""

    def __init__(self, row: MeterRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"meter-{row.id}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 3, 0, 5)
        layout.setSpacing(2)
        self.title = label(row.label, "h3", wrap=False)
        self.value = label("", None, wrap=False)
        self.value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        from .widgets import hbox

        layout.addLayout(hbox(self.title, None, self.value))
        self.graphic: MeterBar | EscalationLadder
        self.graphic = EscalationLadder(row) if row.is_escalation and row.bands else MeterBar(row)
        layout.addWidget(self.graphic)
        self.change = label("", "muted")
        layout.addWidget(self.change)
        self.show_row(row)

    def show_row(self, row: MeterRow) -> None:
        self.row = row
        self.graphic.set_row(row)
        band = f"  ·  {row.band_label}" if row.band_label and not row.is_escalation else ""
        self.value.setText(f"{format_value(row.value)}{band}")
        if row.last_delta:
            arrow = "▲" if row.last_delta > 0 else "▼"
            text = f"{arrow} {format_delta(row.last_delta)}"
            if row.last_why:
                text += f" — {row.last_why}"
            self.change.setText(text)
            set_prop(self.change, "tone", "good" if row.last_change_good else "bad")
            self.change.show()
        else:
            self.change.setText("")
            self.change.hide()
        direction = "higher is better" if row.higher_is == "better" else "higher is worse"
        tip = [f"{row.label}: {format_value(row.value)} of {format_value(row.max)} ({direction})"]
        if row.description:
            tip.append(row.description)
        if row.bands:
            tip.append("Bands: " + ", ".join(
                f"{b.label} (up to {format_value(b.high)})" for b in row.bands))
        self.setToolTip("\n".join(tip))
        name = f"{row.label}: {format_value(row.value)}"
        if row.band_label:
            name += f", {row.band_label}"
        if row.last_delta:
            name += f", last change {format_delta(row.last_delta)}"
        self.setAccessibleName(name)


class MeterPanel(LazyRefresh, QFrame):
    """The visible meters (escalation first); ``include_hidden`` is for facilitators only."""

    def __init__(self, controller: SessionController, parent: QWidget | None = None,
                 *, include_hidden: bool = False) -> None:
        super().__init__(parent)
        self.controller = controller
        self.include_hidden = include_hidden
        self.setProperty("panel", True)
        self.setAccessibleName("Meters")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 8)
        layout.setSpacing(2)
        layout.addWidget(label("SITUATION METERS", "eyebrow"))
        self.meters_layout = QVBoxLayout()
        self.meters_layout.setSpacing(4)
        layout.addLayout(self.meters_layout)
        self.meters: dict[str, MeterWidget] = {}
        controller.stateChanged.connect(self.request_refresh)
        self.refresh()

    def refresh(self) -> None:
        session = self.controller.session
        if session is None:
            return
        rows = meter_rows(session.scenario, session.meters, session.events,
                          include_hidden=self.include_hidden)
        self.meters = sync_rows(self.meters_layout, self.meters, rows, MeterWidget)
