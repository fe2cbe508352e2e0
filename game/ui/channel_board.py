"""The channel board: every channel to the counterpart and its live status.

This is what the game is about, so it is always on screen during play: one
row per channel with its level, a status pill (open, requested, ringing,
declined, unanswered, answered, suspended) and how long it has been so in
scenario time ("Unanswered for 24 h"). The row's tooltip lists its history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from . import theme
from .present import ChannelRow, channel_rows, format_short
from .widgets import LazyRefresh, label, paint_icon, pill, set_prop, sync_rows

if TYPE_CHECKING:
    from .controller import SessionController


def split_label(text: str) -> tuple[str, str]:
    """``Embassy (chargé in Washington)`` → (``Embassy``, ``chargé in Washington``)."""
    if text.endswith(")") and " (" in text:
        head, _, tail = text.partition(" (")
        return head, tail[:-1]
    return text, ""


class ChannelRowWidget(QFrame):
    """One channel: status icon, name, status pill; level and how long, below."""

    def __init__(self, row: ChannelRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("channelRow", True)
        self.setObjectName(f"channel-{row.id}")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 6, 0, 7)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(1)
        self.icon = QLabel()
        self.icon.setFixedSize(20, 20)
        name, self.subtitle = split_label(row.label)
        self.name = label(name, "h3", wrap=True)
        self.status = pill("")
        self.status.setObjectName("status")
        self.detail = label("", "muted", wrap=True)
        grid.addWidget(self.icon, 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.name, 0, 1)
        grid.addWidget(self.status, 0, 2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.detail, 1, 1, 1, 2)
        grid.setColumnStretch(1, 1)
        self.show_row(row)

    def show_row(self, row: ChannelRow) -> None:
        self.row = row
        self.status.setText(row.status_label)
        set_prop(self.status, "tone", row.tone)
        self.detail.setText(f"{row.level_label}  ·  {row.detail}" if row.detail
                            else row.level_label)
        set_prop(self.detail, "role", "muted" if row.tone in ("neutral", "good") else None)
        set_prop(self.detail, "tone", row.tone if row.tone in ("waiting", "bad") else None)
        color = theme.tone_color(self.palette(), row.tone)
        paint_icon(self.icon, f"status-{row.status}", color.name(), 20)
        lines = [f"{row.label} ({row.level_label.lower()} level)"]
        if row.description:
            lines.append(row.description)
        if row.history:
            lines.append("")
            lines.append("History:")
            for change in row.history:
                why = f" — {change.why}" if change.why else ""
                when = format_short(change.clock)
                lines.append(f"  {when}: {change.before} → {change.after}{why}")
        self.setToolTip("\n".join(lines))
        name = f"{row.label}: {row.status_label}"
        if row.detail:
            name += f", {row.detail}"
        self.setAccessibleName(name)
        self.status.setAccessibleName(f"{row.label} status: {row.status_label}")


class ChannelBoard(LazyRefresh, QFrame):
    """Live status of every channel; re-reads the session on ``stateChanged``."""

    def __init__(self, controller: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setProperty("panel", True)
        self.setAccessibleName("Channel board")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 8)
        layout.setSpacing(2)
        layout.addWidget(label("CHANNELS TO THE COUNTERPART", "eyebrow"))
        self.rows_layout = QVBoxLayout()
        self.rows_layout.setSpacing(0)
        layout.addLayout(self.rows_layout)
        self.rows: dict[str, ChannelRowWidget] = {}
        # The moment "… ago" is measured from: the scenario clock, unless a screen shows an
        # earlier moment (the consequences show the moment of the answer, not the next turn).
        self.now: str | None = None
        controller.stateChanged.connect(self.request_refresh)
        self.refresh()

    def refresh(self) -> None:
        session = self.controller.session
        if session is None:
            return
        rows = channel_rows(session.scenario, session.channels, session.events,
                            self.now or session.clock)
        self.rows = sync_rows(self.rows_layout, self.rows, rows, ChannelRowWidget)

    def status_text(self, channel_id: str) -> str:
        """What the board says about a channel (for tests and screen readers)."""
        widget = self.rows[channel_id]
        return f"{widget.status.text()} · {widget.detail.text()}".strip()
